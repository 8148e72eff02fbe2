"""click's and Typer's own messages, said in Chinese: usage errors and help as the user sees them.

click writes its messages in English, hard-coded. They are not translated here sentence by
sentence (a new Typer may reword any, and users would silently get English): each error is said
from its class and attributes (which option, which parameter, what was typed), the most specific
class first, so a class a new Typer adds is said at least as its parent is. What came from the
command line is shown with plain.line, one line whatever it holds. tests/test_chinese.py walks
every class click defines.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer

from reformctl.plain import line

# click's exceptions, as Typer raises them. Typer re-exports only BadParameter; the module it comes
# from holds the others: typer._click.exceptions since 0.26 (Typer's own copy of click: the classes
# of a click installed beside it are others, which nothing Typer raises is an instance of).
if TYPE_CHECKING:  # the same module, named for the type checker (Typer's own copy of click)
    from typer._click import exceptions
else:
    exceptions = importlib.import_module(typer.BadParameter.__module__)
ClickException = exceptions.ClickException
UsageError = exceptions.UsageError

OPTIONS = "[选项]"  # a command's options in its usage line (Typer's options_metavar)
SUBCOMMAND = "命令 [参数]..."  # a group's command there (subcommand_metavar)
CHINESE = re.compile("[\u3400-\u9fff]")


# What click says with a bare UsageError, as classes of ours, said in Chinese as they are raised.
class NoSuchCommand(UsageError):
    """A group has no command of that name."""

    def __init__(self, name: str, possibilities: list[str], ctx: Any):
        near = "、".join(f"'{line(name)}'" for name in possibilities)
        super().__init__(f"没有这个命令 '{line(name)}'" + (f"，是不是 {near}？" if near else "。"), ctx)
        self.name, self.possibilities = name, possibilities


class MissingCommand(UsageError):
    """A group was given options but no command."""

    def __init__(self, ctx: Any):
        super().__init__("缺少命令。", ctx)


class ExtraArguments(UsageError):
    """More arguments than the command takes."""

    def __init__(self, extra: list[str], ctx: Any):
        super().__init__(f"多余的参数：{' '.join(map(line, extra))}", ctx)
        self.extra = extra


# ---------------------------------------------------------------- where they are raised


def parsed(parse: Callable[[Any, list[str]], list[str]], ctx: Any, args: list[str]) -> list[str]:
    """A command's parse_args: a usage error that click's parser raised without its context gets
    it (so it is said with the usage line, as the others are), and extra arguments are said by
    ExtraArguments, with what they were (click's context holds them once it has let them in)."""
    allowed, ctx.allow_extra_args = ctx.allow_extra_args, True
    try:
        rest = parse(ctx, args)
    except UsageError as exc:
        if exc.ctx is None:
            exc.ctx, exc.cmd = ctx, ctx.command
        raise
    finally:
        ctx.allow_extra_args = allowed
    if rest and not allowed and not ctx.resilient_parsing:
        raise ExtraArguments(rest, ctx)
    return rest


def resolved(resolve: Callable[[Any, list[str]], Any], group: Any, ctx: Any, args: list[str]) -> Any:
    """A group's resolve_command: a name it does not know is a NoSuchCommand, with the names near it
    (Typer suggests from the commands it has built, and reformctl builds them only on demand)."""
    import difflib

    try:
        return resolve(ctx, args)
    except UsageError as exc:
        if type(exc) is not UsageError or not args or group.get_command(ctx, args[0]) is not None:
            raise  # a bad option, said as such
        near = difflib.get_close_matches(args[0], group.list_commands(ctx))
        raise NoSuchCommand(args[0], near, ctx) from None


def invoked(invoke: Callable[[Any], Any], ctx: Any) -> Any:
    """A group's invoke: failing at its own level before any command was chosen is a MissingCommand."""
    try:
        return invoke(ctx)
    except UsageError as exc:
        if type(exc) is UsageError and exc.ctx is not None and exc.ctx is ctx and ctx.invoked_subcommand is None:
            raise MissingCommand(ctx) from None
        raise


# ---------------------------------------------------------------- what the user sees

SAYS: dict[type, Callable[[Any], str]] = {}


def says(cls: type | str) -> Callable[[Callable[[Any], str]], Callable[[Any], str]]:
    """The saying for a class (one of click's by its name: a Typer that has none of that name
    raises none, and its errors are said by the classes it has)."""

    def register(function: Callable[[Any], str]) -> Callable[[Any], str]:
        found = getattr(exceptions, cls, None) if isinstance(cls, str) else cls
        if found is not None:
            SAYS[found] = function
        return function

    return register


def said(exc: Any) -> str:
    """A click exception as the user sees it: the usage line and where help is (when the error
    knows its command), then 错误：and what was wrong, in Chinese."""
    no_args = getattr(exceptions, "NoArgsIsHelpError", None)  # click 8.2 and later
    if no_args is not None and isinstance(exc, no_args):
        return str(exc.ctx.get_help()) + "\n"
    ctx = getattr(exc, "ctx", None)
    head = ""
    if ctx is not None:
        head = usage_line(ctx.command, ctx) + "\n"
        if ctx.command.get_help_option(ctx) is not None:
            head += f"请用 '{line(ctx.command_path)} {ctx.help_option_names[0]}' 查看帮助。\n"
        head += "\n"
    return f"{head}错误：{message(exc)}\n"


def message(exc: Any) -> str:
    """What was wrong, said by the most specific class that has a saying."""
    for cls in type(exc).__mro__:
        if cls in SAYS:
            return SAYS[cls](exc)
    return "出错了"  # pragma: no cover - every ClickException has ClickException's saying


def usage_line(command: Any, ctx: Any) -> str:
    return f"用法：{line(ctx.command_path)} {' '.join(command.collect_usage_pieces(ctx))}".rstrip()


def _ours(text: str) -> str:
    """A message written in Chinese (by us, or by whoever raised it), else nothing."""
    return line(text) if CHINESE.search(text) else ""


@says(ClickException)
def _failed(exc: Any) -> str:
    return _ours(exc.message) or "命令没能完成"


@says(UsageError)
def _misused(exc: Any) -> str:
    return _ours(exc.message) or "命令行写得不对"


@says("NoSuchOption")
def _no_such_option(exc: Any) -> str:
    near = "、".join(map(line, exc.possibilities or []))
    return f"没有这个选项：{line(exc.option_name)}" + (f"，是不是 {near}？" if near else "")


@says("BadOptionUsage")
def _bad_option(exc: Any) -> str:
    """click raises it for a value given to a flag, or no value given to an option that takes one."""
    name = line(exc.option_name)
    ctx = exc.ctx
    found = [p for p in ctx.command.get_params(ctx) if exc.option_name in (*p.opts, *p.secondary_opts)] if ctx else []
    if not found:
        return f"选项 '{name}' 用得不对。"
    if getattr(found[0], "is_flag", False) or getattr(found[0], "count", False):
        return f"选项 '{name}' 不接受值。"
    nargs = found[0].nargs
    return f"选项 '{name}' 后面需要一个值。" if nargs == 1 else f"选项 '{name}' 后面需要 {nargs} 个值。"


@says("BadArgumentUsage")
def _bad_argument(exc: Any) -> str:
    return _ours(exc.message) or "参数的个数不对。"


def _hint(exc: Any) -> str:
    """Which parameter: '--output' / '-o' for an option, 'ID' for an argument."""
    hint, param = exc.param_hint, exc.param
    if hint is None and param is not None:
        hint = param.opts if param.param_type_name == "option" else [param.metavar or param.name.upper()]
    if hint is None or isinstance(hint, str):
        return line(hint or "")
    return " / ".join(f"'{line(str(name))}'" for name in hint)


@says("MissingParameter")
def _missing(exc: Any) -> str:
    kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "")
    hint = _hint(exc)
    return f"缺少{'选项' if kind == 'option' else '参数'}" + (f" {hint}。" if hint else "。")


@says("BadParameter")
def _bad_value(exc: Any) -> str:
    hint = _hint(exc)
    return f"{hint} 的值无效：{_why(exc)}" if hint else f"值无效：{_why(exc)}"


# What pydantic, which converts values for Typer, found wrong: by its error type, which is stable.
RULES = {
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为是或否",
    "date_parsing": "应为日期",
    "date_from_datetime_parsing": "应为日期",
    "datetime_parsing": "应为日期和时间",
    "datetime_from_date_parsing": "应为日期和时间",
    "greater_than_equal": "应不小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "应不大于 {le}",
    "less_than": "应小于 {lt}",
}


def _why(exc: Any) -> str:
    """Why a value was refused: from pydantic's error when it converted the value, with the value."""
    from pydantic import ValidationError

    cause = exc.__cause__
    if isinstance(cause, ValidationError) and cause.errors():
        error = cause.errors()[0]
        typed = f"'{line(str(error.get('input', '')))}'"
        rule = RULES.get(error["type"])
        if rule is None:
            return f"无法识别 {typed}"
        return f"{rule.format_map({k: line(str(v)) for k, v in error.get('ctx', {}).items()})}，不是 {typed}"
    if _ours(exc.message):
        return _ours(exc.message)
    if exc.param is not None and _kind(exc.param, exc.ctx) == "路径":
        return "请检查这个路径是否存在、能否读写"
    return "无法识别"


@says("FileError")
def _file(exc: Any) -> str:
    from reformctl.files import reason

    why = reason(exc.__cause__) if isinstance(exc.__cause__, OSError) else ""
    return f"无法打开文件 '{line(str(exc.ui_filename))}'" + (f"：{why}" if CHINESE.search(why) else "")


# ---------------------------------------------------------------- help, written by us

# The kinds of value Typer names in a help row (`--warn-days <int range>`), in Chinese; a kind
# not here is a 值.
TYPES = {
    **{"str": "文字", "int": "整数", "float": "数字", "datetime": "日期时间"},
    **{"path": "路径", "file": "路径", "dir": "文件夹", "Path": "路径"},
}


def _kind(param: Any, ctx: Any) -> str:
    """The kind of value a parameter takes, in Chinese, as Typer names it in its help record."""
    record = param.get_help_record(ctx) if ctx is not None else None
    shown = re.search(r"<([^<>]*)>$", record[0]) if record else None
    kind = shown.group(1).removesuffix(" range") if shown else ""
    listed = re.fullmatch(r"list\[(.*)\]", kind)
    return TYPES.get(listed.group(1) if listed else kind, "值")


def screen_width() -> int:
    """The terminal's width (COLUMNS when set), at most 100: help wraps there, never cut."""
    import os
    import shutil

    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() else shutil.get_terminal_size((80, 24)).columns
    return max(40, min(width, 100))


def wrapped(text: str, indent: int, width: int) -> list[str]:
    """Text wrapped by display width (a Chinese character takes two cells), 避头尾 kept."""
    from reformctl.plain import one_line
    from reformctl.render.lines import kinsoku

    lines = []
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if paragraph:
            lines += [" " * indent + row for row in kinsoku(one_line(" ".join(paragraph.split())), width - indent)]
    return lines


def help_text(command: Any, ctx: Any) -> str:
    """用法, what the command does, 参数, 选项 and 命令, in Chinese, wrapped at the screen."""
    width = screen_width()
    lines = [usage_line(command, ctx), ""]
    if command.help:
        lines += [*wrapped(command.help, 2, width), ""]
    shown = [p for p in command.get_params(ctx) if p.get_help_record(ctx) is not None]  # not hidden
    for title, kind in (("参数", "argument"), ("选项", "option")):
        chosen = [p for p in shown if p.param_type_name == kind]
        if chosen:
            lines.append(f"{title}：")
            for param in chosen:
                lines += _param(param, ctx, width)
            lines.append("")
    names = command.list_commands(ctx) if hasattr(command, "list_commands") else []
    if names:
        lines.append("命令：")
        for name in names:
            sub = command.get_command(ctx, name)
            first = (sub.help or "").strip().split("\n")[0] if sub is not None else ""
            said = wrapped(first, 12, width) or [""]
            lines += [f"  {name:<8}  {said[0].lstrip()}", *said[1:]]  # the name beside its first line
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _param(param: Any, ctx: Any, width: int) -> list[str]:
    if param.param_type_name == "argument":
        names = param.metavar or param.name.upper()
    else:
        names = ", ".join(sorted(param.opts, key=len) + param.secondary_opts)
        if not (getattr(param, "is_flag", False) or getattr(param, "count", False)):  # a flag takes no value
            names += f" {param.metavar or _kind(param, ctx)}"
    said = getattr(param, "help", None) or ""
    if param.name == "help":
        said = "显示帮助并退出"
    elif param.name == "install_completion":
        said = "为当前 shell 安装命令补全"
    elif param.name == "show_completion":
        said = "显示当前 shell 的命令补全脚本，可复制或自行安装"
    if param.required:
        said += "（必填）"
    if param.envvar:
        said += f"（也可用环境变量 {param.envvar}）"
    return [f"  {names}", *wrapped(said, 6, width)]
