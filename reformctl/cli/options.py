"""What the commands share: their options (defined once), the plan a command reads, dates as
typed, and where output goes. Nothing here draws: that is reformctl.render's job."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from reformctl import completion, files, loader, query
from reformctl.cli import chinese
from reformctl.errors import UsageError
from reformctl.models import STATUS_HELP, Plan
from reformctl.plain import line
from reformctl.render import FORMATS, View

if TYPE_CHECKING:
    from reformctl.rewrite import Change


class ChineseCommand(TyperCommand):
    """A command whose help is in Chinese and wrapped at the screen, and whose usage errors carry
    what cli.chinese needs to say them in Chinese."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        formatter.write(chinese.help_text(self, ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return chinese.parsed(super().parse_args, ctx, args)


class ChineseGroup(TyperGroup):
    """A group of commands (`status set`, and reformctl itself), its help and errors as ChineseCommand's."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        formatter.write(chinese.help_text(self, ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return chinese.parsed(super().parse_args, ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        return chinese.resolved(super().resolve_command, self, ctx, args)

    def invoke(self, ctx: Any) -> Any:
        return chinese.invoked(super().invoke, ctx)


def command(function: Callable[..., None]) -> Callable[..., None]:
    """Mark a function as a command: cli.COMMANDS names it, and `built` makes it a click command
    only when it runs (or help or completion asks), so that running it builds no other command."""
    function.__dict__["reformctl_command"] = True
    return function


def group(help: str) -> typer.Typer:
    """A command with subcommands (`status set`); its name is the one cli.COMMANDS gives it."""
    app = typer.Typer(
        help=help, no_args_is_help=True, add_completion=False, cls=ChineseGroup,
        options_metavar=chinese.OPTIONS, subcommand_metavar=chinese.SUBCOMMAND,
    )  # fmt: skip

    @app.callback()
    def subcommands() -> None:
        pass  # a callback makes Typer build a group even for one subcommand

    return app


def built(name: str, found: Callable[..., None] | typer.Typer) -> Any:
    """The click command for a name of cli.COMMANDS and what it names."""
    if isinstance(found, typer.Typer):
        made = typer.main.get_command(found)
        made.name = name
        return made
    app = typer.Typer(add_completion=False, options_metavar=chinese.OPTIONS)
    app.command(name, cls=ChineseCommand)(found)
    return typer.main.get_command(app)


def say(message: str, err: bool = False) -> None:
    """One line for the user, with nobody's control characters or line breaks in it."""
    typer.echo(line(message), err=err)


def told(change: Change) -> None:
    """A recorded change as the clerk hears of it, then what it noticed on the way (on stderr)."""
    say(change.summary())
    for notice in change.notices:
        say(notice, err=True)


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


def parse_date(value: str | None, option: str) -> dt.date | None:
    try:
        return None if value is None else query.typed_date(value)
    except ValueError as exc:
        raise UsageError(f"{option}：{exc}") from None


def period(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    """--since and --until as typed (either may be absent); refused when they are the wrong way round."""
    start, end = parse_date(since, "--since"), parse_date(until, "--until")
    in_order(start, end)
    return start, end


def week(since: str | None, until: str | None) -> tuple[dt.date, dt.date]:
    """A report's period: up to --until (default today), from --since (default six days before)."""
    start, end = parse_date(since, "--since"), parse_date(until, "--until") or dt.date.today()
    if start is None:
        start = end - dt.timedelta(days=6) if end > dt.date.min + dt.timedelta(days=6) else dt.date.min
    in_order(start, end)
    return start, end


def in_order(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and start > end:
        raise UsageError(f"--since {start} 晚于 --until {end}：请对调两个日期")


def needs_file(fmt: str, output: Path | None, example: str) -> None:
    """A binary format goes to a file: refused on the screen (no -o, or -o - on a terminal)."""
    if output is None or str(output) == "-" and sys.stdout.isatty():
        raise UsageError(f"{fmt} 是二进制文件，请用 -o 指定文件名，如 -o {example}")


@dataclass(frozen=True)
class Settings:
    """The group's own options, which every command's context carries down (click's ctx.obj)."""

    no_color: bool = False


def settings(ctx: typer.Context) -> Settings:
    return ctx.find_object(Settings) or Settings()


def view_of(ctx: typer.Context, plan: Plan, day: dt.date | None = None, warn_days: int = query.WARN_DAYS) -> View:
    """A view of a plan for the renderers, with the group's options (--no-color) from `ctx`."""
    return View(plan, day or dt.date.today(), warn_days, no_color=settings(ctx).no_color)


class Opened:
    """A plan as a command reads it: the file, and the plan as it stood at the end of `day`."""

    __slots__ = ("ctx", "path", "plan", "day")

    def __init__(self, ctx: typer.Context, file: Path | None, day: dt.date | None = None):
        self.ctx = ctx
        self.path = loader.find_plan(file)
        self.day = day or dt.date.today()
        # Rewound even to today: a hand-written record dated in the future is not yet in force.
        self.plan: Plan = query.rewind(loader.load(self.path), self.day)

    @classmethod
    def as_of(cls, ctx: typer.Context, file: Path | None, as_of: str | None) -> Opened:
        """The plan as of --as-of (default today), the day lights are judged on."""
        return cls(ctx, file, parse_date(as_of, "--as-of"))

    def label(self) -> str:
        """Which plan this is, for a heading: the file, and its unit when it has one."""
        bundled = self.path == loader.bundled_path()
        where = "内置计划" if bundled else loader.display(self.path)
        unit = self.plan.unit
        return f"{where}（{unit.name}）" if unit else where

    def view(self, warn_days: int = query.WARN_DAYS, bom: bool = True) -> View:
        return View(
            self.plan, self.day, warn_days, bom=bom, label=self.label(), file=loader.display(self.path),
            no_color=settings(self.ctx).no_color,
        )  # fmt: skip


def emit(content: str | bytes | None, output: Path | None = None, plan: Path | None = None) -> None:
    """To the screen (no -o, or -o -), or to a file without destroying what it lands on (see
    files.write_output): never over the plan, never half-written, one clear line on failure."""
    if content is None:  # a screen: already printed
        return
    if output is None or str(output) == "-":
        if isinstance(content, str):
            sys.stdout.write(content)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
        return
    data = content.encode("utf-8") if isinstance(content, str) else content
    written = files.write_output(output, data, [plan] if plan else [])
    say(f"已写入 {written}", err=True)
