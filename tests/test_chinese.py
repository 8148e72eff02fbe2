"""Usage errors in Chinese: every one a user can cause, at 80 columns, with no English chrome."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run
from typer.testing import CliRunner

from reformctl.cli import app

ENGLISH = re.compile(
    r"Usage|Error|Try |Missing|No such|Did you mean|Got unexpected|Invalid value|requires an|Input should"
)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["lst"], "错误：没有这个命令 'lst'，是不是 'list'？"),
        (["list", "--bogus"], "错误：没有这个选项：--bogus"),
        (["show"], "错误：缺少参数 'ID'。"),
        (["list", "--warn-days", "x"], "错误：'--warn-days' 的值无效：应为整数"),
        (["list", "--warn-days", "-1"], "错误：'--warn-days' 的值无效：应不小于 0"),
        (["list", "--dept"], "错误：选项 '--dept' 后面需要一个值。"),
        (["status", "set", "6.2", "done", "extra"], "错误：多余的参数：extra"),
        (["form"], "错误：缺少选项 '--output' / '-o'。"),
        (["list", "--overdue=1"], "错误：选项 '--overdue' 不接受值。"),
        (["status", "nope"], "错误：没有这个命令 'nope'"),
    ],
)
def test_usage_errors_are_in_chinese(plan_file: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], words: str):
    monkeypatch.setenv("COLUMNS", "80")
    result = run(*args)
    assert result.exit_code == 2 and words in result.stderr, result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr


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
