"""Commands that read a plan and show it: list, show, doc, depts, log, summary."""

from __future__ import annotations

from typing import Annotated

import typer

from reformctl import completion, inputs, loader, query
from reformctl.cli.opened import Opened, view_of
from reformctl.cli.options import (
    DATE_HELP,
    AsOfOption,
    BomOption,
    DeptOption,
    FileOption,
    WarnOption,
    choice,
    format_option,
)
from reformctl.cli.output import emit
from reformctl.cli.registry import command
from reformctl.errors import UsageError
from reformctl.models import STATUS_HELP
from reformctl.render import render

TaskOrItemArgument = Annotated[
    str, typer.Argument(metavar="ID", help="任务或事项编号，如 6 或 6.2", autocompletion=completion.ids)
]


@command
def list_(
    ctx: typer.Context,
    dept: DeptOption = None,
    status: Annotated[
        str | None, typer.Option("--status", "-s", help=f"状态：{STATUS_HELP}", autocompletion=completion.statuses)
    ] = None,
    task: Annotated[
        str | None, typer.Option("--task", "-t", help="任务编号，如 6", autocompletion=completion.ids)
    ] = None,
    search: Annotated[str | None, typer.Option("--search", help="在内容与任务标题中查找")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="责任人")] = None,
    light: Annotated[str | None, choice("--light", list(query.LIGHTS), "red 逾期、yellow 临期、green 正常")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只看逾期事项（同 --light red）")] = False,
    fmt: Annotated[str, format_option("list")] = "table",
    as_of: AsOfOption = None,
    warn_days: WarnOption = query.WARN_DAYS,
    bom: BomOption = True,
    file: FileOption = None,
) -> None:
    """列出事项（每个编号事项一行，没有事项的任务一行）。

    例：reformctl list --dept 学会部 ；reformctl list --status 推进中 --format json ；reformctl list --overdue
    """
    opened = Opened.as_of(ctx, file, as_of)
    rows = query.select(opened.plan, dept=dept, status=status, task=task, search=search, owner=owner)
    wanted = "red" if overdue else light
    if wanted:
        rows = [row for row in rows if query.light(row, opened.day, warn_days) == wanted]
    emit(render("list", fmt, opened.view(warn_days, bom), rows))


@command
def show(
    ctx: typer.Context,
    ident: TaskOrItemArgument,
    fmt: Annotated[str, format_option("show")] = "table",
    as_of: AsOfOption = None,
    warn_days: WarnOption = query.WARN_DAYS,
    file: FileOption = None,
) -> None:
    """显示一项任务（含事项与进度）或一个事项的全文。

    例：reformctl show 6 ；reformctl show 6.2 --format json
    """
    opened = Opened.as_of(ctx, file, as_of)
    emit(render("show", fmt, opened.view(warn_days), query.find(opened.plan, ident)))


@command
def doc(ctx: typer.Context, file: FileOption = None) -> None:
    """显示文件本身：文号、发文机关、日期、总体要求、基本原则、组织保障。"""
    opened = Opened(ctx, file)
    render("doc", "table", opened.view(), opened.plan)


@command
def depts(ctx: typer.Context, file: FileOption = None) -> None:
    """列出各部门牵头的任务、事项及完成情况。"""
    opened = Opened(ctx, file)
    render("depts", "table", opened.view(), opened.plan)


@command
def log(
    ctx: typer.Context,
    ident: Annotated[
        str | None, typer.Argument(metavar="ID", help="任务或事项编号；不填则为全部", autocompletion=completion.ids)
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help=f"只看这一天（含）以后的记录；{DATE_HELP}")] = None,
    until: Annotated[str | None, typer.Option("--until", help="只看这一天（含）以前的记录")] = None,
    dept: DeptOption = None,
    owner: Annotated[str | None, typer.Option("--owner", help="只看这位责任人的事项")] = None,
    status: Annotated[
        str | None, typer.Option("--status", "-s", help="只看现在是这个状态的事项", autocompletion=completion.statuses)
    ] = None,
    task: Annotated[
        str | None, typer.Option("--task", "-t", help="只看这项任务", autocompletion=completion.ids)
    ] = None,
    fmt: Annotated[str, format_option("log")] = "table",
    file: FileOption = None,
) -> None:
    """列出进展记录，最新的在前。

    例：reformctl log 6.2 ；reformctl log --since 2020-09-01
    """
    start, end = inputs.period(since, until)
    plan = loader.load(loader.find_plan(file))  # every record, a future-dated one too
    selected = query.select(plan, dept=dept, status=status, task=task, owner=owner)
    records = query.history(plan, ident, start, end, selected)
    emit(render("log", fmt, view_of(ctx, plan), records))


@command
def summary(
    ctx: typer.Context,
    by: Annotated[str, choice("--by", ["task", "group", "dept"], "按任务、任务分组或部门汇总")] = "task",
    rank: Annotated[
        bool, typer.Option("--rank", help="再按期限已到事项的按期完成率给各部门排名（考核），同督办通报")
    ] = False,
    fmt: Annotated[str, format_option("summary")] = "table",
    as_of: AsOfOption = None,
    warn_days: WarnOption = query.WARN_DAYS,
    file: FileOption = None,
) -> None:
    """一屏看全局：总体完成率、各任务（或部门）进度条、各状态与提示的数量、逾期事项。

    例：reformctl summary ；reformctl summary --by dept --as-of 2020-12-31 ；reformctl summary --rank
    """
    from reformctl import report

    opened = Opened.as_of(ctx, file, as_of)
    if by == "group" and not opened.plan.groups:
        raise UsageError(f"{opened.label()} 的重点任务没有分组（groups）：请用 --by task 或 --by dept")
    rows = query.rows(opened.plan)
    result = report.summarize(opened.plan, rows, opened.day, warn_days, by)
    if rank:
        result.rank = report.rank(opened.plan, rows, opened.day)
    emit(render("summary", fmt, opened.view(warn_days), result))
