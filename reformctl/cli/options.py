"""The options the commands share, each defined once (in Typer an Annotated alias), and the one
way to define an option that takes one of a few words."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from reformctl import completion
from reformctl.errors import UsageError
from reformctl.models import STATUS_HELP
from reformctl.render import FORMATS


def choice(name: str, choices: list[str], help: str) -> Any:
    """An option that takes one of a few words: completed by the shell, checked with a clear
    message (exit 2), and cheaper at start-up than an Enum per option."""

    def check(value: str | None) -> str | None:
        if value is not None and value not in choices:
            raise UsageError(f"{name} 只能是 {'、'.join(choices)} 之一，不是 '{value}'")
        return value

    return typer.Option(
        name,
        help=f"{help}：{' / '.join(choices)}",
        callback=check,
        autocompletion=lambda incomplete: [c for c in choices if c.startswith(incomplete)],
    )


def format_option(command: str) -> Any:
    """--format, with the formats render.FORMATS has for this command."""
    return choice("--format", list(FORMATS[command]), "输出格式")


def file_option(help: str) -> Any:
    """-f/--file (or $REFORMCTL_FILE): every command that reads a plan takes it."""
    # readable=False: a plan we may not read is said by files.py in Chinese, not by click in English.
    return typer.Option("--file", "-f", envvar="REFORMCTL_FILE", show_default=False, readable=False, help=help)


FileOption = Annotated[
    Path | None,
    file_option("计划文件；默认从当前文件夹向上查找 tasks-*.yaml 或 data/tasks-*.yaml，找不到时用内置计划。"),
]
DATE_HELP = "日期如 2020-09-04、2020/9/4 或 2020年9月4日"
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help=f"按这一天结束时的情况（状态、期限、逾期与临期）；{DATE_HELP}；默认今天")
]
WarnOption = Annotated[int, typer.Option("--warn-days", min=0, help="期限前几天内算临期")]
BomOption = Annotated[bool, typer.Option("--bom/--no-bom", help="CSV 开头写 BOM，Excel 才能正确显示中文")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="写入文件（- 为屏幕）；默认输出到屏幕")]
DeptOption = Annotated[
    str | None, typer.Option("--dept", "-d", help="牵头部门，简称或全称", autocompletion=completion.departments)
]
StatusArgument = Annotated[
    str, typer.Argument(metavar="STATUS", help=f"状态：{STATUS_HELP}", autocompletion=completion.statuses)
]
IdArgument = Annotated[
    str,
    typer.Argument(
        metavar="ID", help="事项编号（或没有事项的任务编号），如 6.2", autocompletion=completion.tracked_ids
    ),
]
CommitOption = Annotated[bool, typer.Option("--commit", help="在 git 仓库中只提交这个文件，提交说明写明改动")]
