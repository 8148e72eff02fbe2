"""click's and Typer's own messages, said in Chinese: usage errors as the user sees them.

click writes these in English, hard-coded (there is no catalogue to install), so the text it
would print is translated here, pattern by pattern, before it reaches the terminal. A message
no pattern knows is left as it is rather than guessed at; the tests run every usage error.
"""

from __future__ import annotations

import re

# (pattern, replacement), applied in order to the whole message.
PATTERNS = [
    (r"^Usage: ", "用法："),
    (r"\[OPTIONS\]", "[选项]"),
    (r"COMMAND \[ARGS\]\.\.\.", "命令 [参数]..."),
    (r"Try '([^']+)' for help\.", r"请用 '\1' 查看帮助。"),
    (r"^Error: ", "错误："),
    (r"No such command '([^']*)'\. Did you mean ([^?]+)\?", r"没有这个命令 '\1'，是不是 \2？"),
    (r"No such command '([^']*)'\.", r"没有这个命令 '\1'。"),
    (r"No such option: (\S+) \(Possible options: ([^)]*)\)", r"没有这个选项：\1（可用的选项：\2）"),
    (r"No such option: (\S+) Did you mean ([^?]+)\?", r"没有这个选项：\1，是不是 \2？"),
    (r"No such option: (\S+)", r"没有这个选项：\1"),
    (r"Missing argument '([^']*)'\.", r"缺少参数 '\1'。"),
    (r"Missing option '([^']*)'( / '[^']*')?\.", r"缺少选项 '\1'\2。"),
    (r"Missing command\.", "缺少命令。"),
    (r"Option '([^']*)' requires an argument\.", r"选项 '\1' 后面需要一个值。"),
    (r"Option '([^']*)' requires (\d+) arguments\.", r"选项 '\1' 后面需要 \2 个值。"),
    (r"Option '([^']*)' does not take a value\.", r"选项 '\1' 不接受值。"),
    (r"Got unexpected extra argument(?:s|\(s\))? \(([^)]*)\)", r"多余的参数：\1"),
    (r"Invalid value for '([^']*)': ", r"'\1' 的值无效："),
    (r"Input should be a valid integer, unable to parse string as an integer", "应为整数"),
    (r"Input should be a valid integer", "应为整数"),
    (r"Input should be greater than or equal to (\S+)", r"应不小于 \1"),
    (r"Input should be less than or equal to (\S+)", r"应不大于 \1"),
    (r"Input should be a valid date", "应为日期"),
    (r"Path '([^']*)' does not exist\.", r"路径 '\1' 不存在。"),
]


def translated(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = re.sub(pattern, replacement, text, flags=re.M)
    return text


# ---------------------------------------------------------------- help, written by us

TYPES = {"str": "文字", "int": "整数", "Path": "路径", "float": "数字", "list": "文字"}


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
    from reformctl.render.console import kinsoku

    lines = []
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if paragraph:
            lines += [" " * indent + line for line in kinsoku(one_line(" ".join(paragraph.split())), width - indent)]
    return lines


def help_text(command: object, ctx: object) -> str:
    """用法, what the command does, 参数, 选项 and 命令, in Chinese, wrapped at the screen."""
    width = screen_width()
    pieces = " ".join(command.collect_usage_pieces(ctx))  # type: ignore[attr-defined]
    lines = [translated(f"Usage: {ctx.command_path} {pieces}").rstrip(), ""]  # type: ignore[attr-defined]
    if command.help:  # type: ignore[attr-defined]
        lines += [*wrapped(command.help, 2, width), ""]  # type: ignore[attr-defined]
    params = command.get_params(ctx)  # type: ignore[attr-defined]
    for title, chosen in (("参数", [p for p in params if p.param_type_name == "argument"]),
                          ("选项", [p for p in params if p.param_type_name == "option" and not p.hidden])):  # fmt: skip
        if chosen:
            lines.append(f"{title}：")
            for param in chosen:
                lines += _param(param, width)
            lines.append("")
    names = command.list_commands(ctx) if hasattr(command, "list_commands") else []
    if names:
        lines.append("命令：")
        for name in names:
            sub = command.get_command(ctx, name)  # type: ignore[attr-defined]
            first = (sub.help or "").strip().split("\n")[0] if sub is not None else ""
            said = wrapped(first, 12, width) or [""]
            lines += [f"  {name:<8}  {said[0].lstrip()}", *said[1:]]  # the name beside its first line
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _param(param: object, width: int) -> list[str]:
    names = ", ".join(sorted(param.opts, key=len) + param.secondary_opts)  # type: ignore[attr-defined]
    annotation = param.type_descriptor.annotation  # type: ignore[attr-defined]
    kind = getattr(annotation, "__name__", "") or str(annotation)
    if param.param_type_name == "argument":  # type: ignore[attr-defined]
        names = param.metavar or param.name.upper()  # type: ignore[attr-defined]
    elif not getattr(param, "is_flag", False) and kind:
        names += f" {TYPES.get(kind, '值')}"
    said = getattr(param, "help", None) or ""
    if param.name == "help":  # type: ignore[attr-defined]
        said = "显示帮助并退出"
    elif param.name == "install_completion":  # type: ignore[attr-defined]
        said = "为当前 shell 安装命令补全"
    elif param.name == "show_completion":  # type: ignore[attr-defined]
        said = "显示当前 shell 的命令补全脚本，可复制或自行安装"
    if getattr(param, "required", False):
        said += "（必填）"
    if getattr(param, "envvar", None):
        said += f"（也可用环境变量 {param.envvar}）"  # type: ignore[attr-defined]
    return [f"  {names}", *wrapped(said, 6, width)]
