"""Usage errors in Chinese: every one a user can cause, at 80 columns, with no English chrome."""

from __future__ import annotations

import datetime as dt
import errno
import re
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from conftest import run
from typer.testing import CliRunner

from reformctl.cli import COMMANDS, app, chinese, registry
from reformctl.plain import line

ENGLISH = re.compile(
    r"Usage|Error|Try |Missing|No such|Did you mean|Got unexpected|Invalid value|requires an|Input should"
)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["lst"], "错误：没有这个命令 'lst'，是不是 'list'？"),
        (["list", "--bogus"], "错误：没有这个选项：--bogus"),
        (["show"], "错误：缺少参数 'ID'。"),
        (["list", "--fmt"], "错误：没有这个选项：--fmt，是不是 --format、--bom？"),
        (["list", "--warn-days", "x"], "错误：'--warn-days' 的值无效：应为整数，不是 'x'"),
        (["list", "--warn-days", "-1"], "错误：'--warn-days' 的值无效：应不小于 0，不是 '-1'"),
        (["list", "--dept"], "错误：选项 '--dept' 后面需要一个值。"),
        (["list", "--format"], "错误：选项 '--format' 后面需要一个值。"),
        (["status", "set", "6.2", "done", "extra"], "错误：多余的参数：extra"),
        (["form"], "错误：缺少选项 '--output' / '-o'。"),
        (["list", "--overdue=1"], "错误：选项 '--overdue' 不接受值。"),
        (["status", "nope"], "错误：没有这个命令 'nope'"),
        (["--no-color"], "错误：缺少命令。"),
    ],
)
def test_usage_errors_are_in_chinese(plan_file: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], words: str):
    monkeypatch.setenv("COLUMNS", "80")
    result = run(*args)
    assert result.exit_code == 2 and words in result.stderr, result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr


def test_an_option_without_its_value_shows_the_usage_as_an_unknown_option_does(plan_file: Path):
    """click's parser raises some errors without their command: they once came without 用法."""
    said = [CliRunner().invoke(app, ["list", *args], prog_name="reformctl").stderr for args in (["-x"], ["--format"])]
    head = "用法：reformctl list [选项]\n请用 'reformctl list -h' 查看帮助。"
    assert [text.split("\n\n")[0] for text in said] == [head, head]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["list", "--x\nforged"], "错误：没有这个选项：--x\\nforged"),
        (["ls\nt"], "错误：没有这个命令 'ls\\nt'，是不是 'list'？"),
        (["status", "set", "6.2", "done", "a\r\nb"], "错误：多余的参数：a\\x0d\\nb"),
        (["list", "--warn-days", "1\n2"], "错误：'--warn-days' 的值无效：应为整数，不是 '1\\n2'"),
        (["list", "--overdue=\x1b[2J"], "错误：选项 '--overdue' 不接受值。"),
        (["show", "--\u202ex"], "错误：没有这个选项：--\\u202ex"),
    ],
)
def test_what_was_typed_is_shown_on_one_line_with_its_controls_escaped(plan_file: Path, args: list[str], said: str):
    result = run(*args)
    assert result.exit_code == 2 and result.stderr.endswith(f"\n\n{said}\n"), result.stderr
    assert result.stderr.count("\n") == 4, result.stderr  # 用法, help, a blank line, the error


def test_every_help_is_chinese_and_fits_80_columns(plan_file: Path, monkeypatch: pytest.MonkeyPatch):
    """Every command's -h: Chinese chrome, wrapped at the screen, nothing cut off with …."""
    from rich.cells import cell_len
    from test_docs import commands

    monkeypatch.setenv("COLUMNS", "80")
    chrome = re.compile(r"Usage|Options|Arguments|Commands|Show this message|\[required\]|<bool>|Install completion")
    for name in ["", *(name for name, _ in commands()), "status", "due"]:
        result = run(*name.split(), "-h")
        assert result.exit_code == 0, (name, result.output)
        text = result.stdout
        assert text.startswith("用法：") and "选项：" in text and "显示帮助并退出" in text, name
        assert not chrome.search(text), (name, chrome.search(text))
        assert all(cell_len(line) <= 80 for line in text.splitlines()), name
        assert "…" not in text, name


def test_a_control_character_typed_is_escaped_and_the_message_keeps_its_lines(plan_file: Path):
    """What was typed is echoed with its control characters as visible escapes (no terminal
    escape sequence runs), and the message's own line breaks stay line breaks."""
    result = CliRunner().invoke(app, ["lst\x1b[2J"], prog_name="reformctl", catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == (
        "用法：reformctl [选项] 命令 [参数]...\n请用 'reformctl -h' 查看帮助。\n\n错误：没有这个命令 'lst\\x1b[2J'。\n"
    )


def test_help_marks_required_options_and_arguments(plan_file: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COLUMNS", "80")
    lines = run("form", "-h").stdout.splitlines()
    at = lines.index("  -o, --output 路径")
    assert lines[at + 1 : at + 4] == [
        "      填报表写到哪里，如 -o 学会部.xlsx（必填）",
        "  -d, --dept 文字",
        "      牵头部门，简称或全称",
    ]
    lines = run("show", "-h").stdout.splitlines()
    assert lines[lines.index("参数：") + 1 : lines.index("参数：") + 3] == [
        "  ID",
        "      任务或事项编号，如 6 或 6.2（必填）",
    ]


def test_help_wraps_at_100_columns_on_a_wider_screen(plan_file: Path, monkeypatch: pytest.MonkeyPatch):
    """Long lines are hard to read: a wide terminal gets help at most 100 columns wide (a Chinese
    character counting two), yet uses them."""
    from rich.cells import cell_len
    from test_docs import commands

    monkeypatch.setenv("COLUMNS", "200")
    for name in ["", *(name for name, _ in commands()), "status", "due"]:
        result = run(*name.split(), "-h")
        assert result.exit_code == 0, (name, result.output)
        assert max(cell_len(line) for line in result.stdout.splitlines()) <= 100, name
    lines = run("form", "-h").stdout.splitlines()
    assert lines[2:4] == [
        "  生成进展填报表（xlsx）：一个部门一页，列出它牵头（和参与）的事项，留出新状态、进展日期、说明、新期",
        "  限等待填。",
    ]


# ---------------------------------------------------------------- every class click defines

# What may stay English in a message: option names, commands, metavars, the program's name.
NAMES = re.compile(
    r"(?<![\w-])--?[A-Za-z][\w-]*|\b(?:reformctl|ID|STATUS|DATE|FORM\.xlsx|PATH|FILE|set|" + "|".join(COMMANDS) + r")\b"
)
ERRORS = chinese.exceptions


def english(text: str, typed: Sequence[str]) -> list[str]:
    """The English words in a message, besides names and what the user typed."""
    text = NAMES.sub(" ", text)
    for value in sorted(typed, key=len, reverse=True):
        text = text.replace(line(value), " ")
    return re.findall(r"[A-Za-z]{3,}", text)


# Each usage error click and Typer raise, made to happen for real.
REAL = [
    (ERRORS.NoSuchOption, ["list", "--bogus"]),
    (ERRORS.NoSuchOption, ["list", "--fmt"]),
    (ERRORS.NoSuchOption, ["-x"]),
    (ERRORS.BadOptionUsage, ["list", "--format"]),
    (ERRORS.BadOptionUsage, ["list", "--overdue=1"]),
    (ERRORS.MissingParameter, ["show"]),
    (ERRORS.MissingParameter, ["form"]),
    (ERRORS.BadParameter, ["list", "--warn-days", "x"]),
    (ERRORS.BadParameter, ["list", "--warn-days", "-1"]),
    (ERRORS.NoArgsIsHelpError, []),
    (ERRORS.NoArgsIsHelpError, ["status"]),
    (chinese.NoSuchCommand, ["lst"]),
    (chinese.NoSuchCommand, ["status", "nope"]),
    (chinese.MissingCommand, ["--no-color"]),
    (chinese.ExtraArguments, ["status", "set", "6.2", "done", "extra"]),
]


@pytest.mark.parametrize(("cls", "args"), REAL, ids=[" ".join(args) or "(none)" for _, args in REAL])
def test_each_usage_error_is_said_in_chinese(plan_file: Path, monkeypatch: pytest.MonkeyPatch, cls: type, args: list):
    seen: list[type] = []
    said = chinese.said
    monkeypatch.setattr(chinese, "said", lambda exc: seen.append(type(exc)) or said(exc))
    result = CliRunner().invoke(app, args, prog_name="reformctl")
    assert seen == [cls] and result.exit_code == 2, (seen, result.stderr)
    if cls is ERRORS.NoArgsIsHelpError:  # help, where our own words may name git or Word
        assert result.stderr == CliRunner().invoke(app, [*args, "-h"], prog_name="reformctl").stdout
    else:
        assert result.stderr.startswith("用法：reformctl") and english(result.stderr, args) == [], result.stderr


def example(cls: type, ctx: Any) -> Exception:
    """One of each class, with the attributes click would give it."""
    param = ctx.command.params[0]  # --name
    made: dict[type, Callable[[], Exception]] = {
        ERRORS.ClickException: lambda: ERRORS.ClickException("Something went wrong"),
        ERRORS.UsageError: lambda: ERRORS.UsageError("Wrong usage", ctx),
        ERRORS.BadParameter: lambda: ERRORS.BadParameter("Value must be an iterable.", ctx, param),
        ERRORS.MissingParameter: lambda: ERRORS.MissingParameter(ctx=ctx, param=param),
        ERRORS.NoSuchOption: lambda: ERRORS.NoSuchOption("--nmae", possibilities=["--name"], ctx=ctx),
        ERRORS.BadOptionUsage: lambda: ERRORS.BadOptionUsage("--name", "Option '--name' requires an argument.", ctx),
        ERRORS.BadArgumentUsage: lambda: ERRORS.BadArgumentUsage("Argument 'name' takes 2 values.", ctx),
        ERRORS.NoArgsIsHelpError: lambda: ERRORS.NoArgsIsHelpError(ctx),
        ERRORS.FileError: lambda: ERRORS.FileError("plan.yaml", hint="Permission denied"),
        chinese.NoSuchCommand: lambda: chinese.NoSuchCommand("lst", ["list"], ctx),
        chinese.MissingCommand: lambda: chinese.MissingCommand(ctx),
        chinese.ExtraArguments: lambda: chinese.ExtraArguments(["extra"], ctx),
    }
    assert cls in made, f"{cls.__name__} is new: say it in Chinese in cli/chinese.py (SAYS), then add it here"
    return made[cls]()


def classes() -> list[type]:
    """Every ClickException click defines, and ours."""
    found = [*vars(ERRORS).values(), *vars(chinese).values()]
    return list(dict.fromkeys(c for c in found if isinstance(c, type) and issubclass(c, ERRORS.ClickException)))


def defined(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Define `reformctl boom` for one test, as the command modules define theirs."""
    from reformctl.cli import read

    def define(function: Callable[..., None]) -> Callable[..., None]:
        monkeypatch.setattr(read, "boom", registry.command(function), raising=False)
        monkeypatch.setitem(COMMANDS, "boom", "read:boom")
        return function

    return define


@pytest.mark.parametrize("cls", classes(), ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("cause", [None, PermissionError(errno.EACCES, "Permission denied")], ids=["", "OSError"])
def test_every_error_click_defines_is_said_in_chinese(monkeypatch: pytest.MonkeyPatch, cls: type, cause: Any):
    """Raised inside a command of reformctl's: a class a new Typer adds fails here until it is said."""

    @defined(monkeypatch)
    def boom(ctx: typer.Context, name: Annotated[str, typer.Option("--name", help="名字")] = "x") -> None:
        """抛出一个错误。"""
        raise example(cls, ctx) from cause

    result = CliRunner().invoke(app, ["boom"], prog_name="reformctl")
    said = cls in chinese.SAYS or cls is ERRORS.NoArgsIsHelpError or cls.__module__ == chinese.__name__
    assert said, f"{cls.__name__} is said only as its parent is"
    assert result.exit_code == cls.exit_code and result.stderr.endswith("\n"), result.output
    assert "错误：" in result.stderr or result.stderr.startswith("用法："), result.stderr
    assert english(result.stderr, ["boom", "--nmae", "--name", "plan.yaml", "lst", "extra"]) == [], result.stderr


def test_help_names_each_kind_of_value_in_chinese_and_hides_what_is_hidden(monkeypatch: pytest.MonkeyPatch):
    @defined(monkeypatch)
    def boom(
        days: Annotated[int, typer.Option("--days", min=0, help="天数")] = 1,
        rate: Annotated[float, typer.Option("--rate", help="比例")] = 0.5,
        where: Annotated[Path | None, typer.Option("--where", help="位置")] = None,
        link: Annotated[list[str] | None, typer.Option("--link", help="链接")] = None,
        when: Annotated[dt.datetime | None, typer.Option("--when", help="时间")] = None,
        key: Annotated[uuid.UUID | None, typer.Option("--key", help="一种没有中文名的值")] = None,
        sheet: Annotated[str, typer.Option("--sheet", metavar="FORM.xlsx", help="表")] = "",
        quiet: Annotated[bool, typer.Option("--quiet/--loud", help="安静")] = False,
        secret: Annotated[str, typer.Option("--secret", hidden=True)] = "",
    ) -> None:
        """试一试。"""

    shown = run("boom", "-h")
    assert shown.exit_code == 0, shown.output
    rows = [row for row in shown.stdout.splitlines() if row.startswith("  -")]
    assert rows == [
        "  --days 整数",
        "  --rate 数字",
        "  --where 路径",
        "  --link 文字",
        "  --when 日期时间",
        "  --key 值",
        "  --sheet FORM.xlsx",
        "  --quiet, --loud",
        "  -h, --help",
    ]


def test_a_path_refused_before_the_command_runs_is_said_in_chinese(monkeypatch: pytest.MonkeyPatch):
    @defined(monkeypatch)
    def boom(where: Annotated[Path, typer.Option("--where", exists=True, help="位置")]) -> None:
        """试一试。"""

    result = run("boom", "--where", "nowhere")
    assert result.exit_code == 2 and "错误：'--where' 的值无效：请检查这个路径是否存在、能否读写" in result.stderr


def test_an_abort_is_said_in_chinese(monkeypatch: pytest.MonkeyPatch):
    """typer.Abort is no ClickException (click raises it when a prompt is cut short)."""

    @defined(monkeypatch)
    def boom() -> None:
        """试一试。"""
        raise typer.Abort()

    result = run("boom")
    assert result.exit_code == 130 and result.stderr == "\n已中断\n"


@pytest.mark.parametrize("columns", ["60", "80", "100"])
def test_no_help_line_starts_with_a_closing_mark(monkeypatch: pytest.MonkeyPatch, columns: str):
    """避头尾 in help too: at 80 columns `remind`'s line once broke as ...Word / ），可同时用..."""
    from reformctl.render.lines import CLOSING, kinsoku

    assert kinsoku("通知（Markdown 和 Word），可同时", 22) == ["通知（Markdown 和", "Word），可同时"]
    monkeypatch.setenv("COLUMNS", columns)
    pages = [CliRunner().invoke(app, [*name.split(), "-h"], prog_name="reformctl").stdout for name in helped()]
    rows = [line.strip() for page in pages for line in page.splitlines()]
    starts = [row for row in rows if row[:1] in CLOSING and not re.match(r"\.[A-Za-z]", row)]  # .md is a word
    assert starts == []


def helped() -> list[str]:
    return ["", *[name for name in COMMANDS if name not in ("status", "due")], "status set", "due set"]
