"""Commands that make documents for others: report (进展报告), export (台账), rollup (汇总)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from reformctl import completion, inputs, query
from reformctl import report as numbers
from reformctl.cli.opened import Opened, view_of
from reformctl.cli.options import (
    AsOfOption,
    BomOption,
    DeptOption,
    FileOption,
    OutputOption,
    WarnOption,
    choice,
    file_option,
    format_option,
)
from reformctl.cli.output import emit, needs_file, say
from reformctl.cli.registry import command
from reformctl.errors import UsageError
from reformctl.models import LEVELS
from reformctl.plain import line
from reformctl.render import render


@command
def report_(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="区间起点（含），默认截止日前 6 天，即一周")] = None,
    until: Annotated[
        str | None, typer.Option("--until", "--as-of", help="区间终点（含），也是判断逾期的日子；默认今天")
    ] = None,
    dept: Annotated[
        str | None, typer.Option("--dept", "-d", help="只看这个部门牵头的事项", autocompletion=completion.departments)
    ] = None,
    fmt: Annotated[str, format_option("report")] = "md",
    output: OutputOption = None,
    warn_days: WarnOption = query.WARN_DAYS,
    number: Annotated[
        str | None, typer.Option("--number", help="本通报的发文字号，如 '省科协改办〔2020〕5号'；不填则不写")
    ] = None,
    red_rule: Annotated[
        bool, typer.Option("--red-rule/--no-red-rule", help="Word 通报的发文机关标志下是否有红色分隔线")
    ] = True,
    escalate_after: Annotated[
        int | None,
        typer.Option("--escalate-after", min=1, help="催办满这么多次仍逾期的事项，列入“督办事项”一节（附全部记录）"),
    ] = None,
    file: FileOption = None,
) -> None:
    """生成一个时段的进展报告（督办通报）：总体数字、考核排名、本期进展（按部门）、逾期与临期、本期完成、各任务进度。

    发文机关、主送、落款和联系人取自计划的 office 一节（单位计划没有时用单位名称）。

    例：reformctl report --since 2020-09-01 --until 2020-09-30 ；reformctl report --format docx -o 督办通报.docx
    """
    start, end = inputs.week(since, until, dt.date.today())
    if fmt == "docx":
        needs_file(fmt, output, "督办通报.docx")
    opened = Opened(ctx, file, end)
    plan = opened.plan
    built = numbers.period(plan, start, end, dept and inputs.dept_name(plan, dept), warn_days, opened.label(),
                           escalate_after, number, red_rule)  # fmt: skip
    emit(render("report", fmt, opened.view(warn_days), built), output, opened.path)


@command
def export(
    ctx: typer.Context,
    fmt: Annotated[str, format_option("export")] = "csv",
    output: OutputOption = None,
    as_of: AsOfOption = None,
    warn_days: WarnOption = query.WARN_DAYS,
    bom: BomOption = True,
    file: FileOption = None,
) -> None:
    """导出台账：每个事项一行，含任务、内容、牵头与参与部门、状态、期限、提示、最新进展。

    例：reformctl export -o 台账.csv ；reformctl export --format xlsx -o 台账.xlsx
    """
    opened = Opened.as_of(ctx, file, as_of)
    if fmt == "xlsx":
        needs_file(fmt, output, "台账.xlsx")
    say(f"台账来自 {opened.label()}，截至 {opened.day}", err=True)
    emit(render("export", fmt, opened.view(warn_days, bom), None), output, opened.path)


FromUnitsOption = Annotated[
    Path | None,
    typer.Option("--units", metavar="FILE", help="从镜像中读取单位清单各单位已获取分支上的计划（先运行 fetch）"),
]

ItemOption = Annotated[
    str | None, typer.Option("--item", help="只看顶层计划的这个事项，如 6.2：逐个单位列出，并列出逾期单位")
]
ByOption = Annotated[
    str, choice("--by", ["item", "task", "rank"], "按事项（各单位的状态）、按任务（各单位完成事项的占比）或考核排名")
]
AsKnownOption = Annotated[
    bool, typer.Option("--as-known", help="与 --units 同用：读各单位在截止日当天及之前的最后一次提交（当时已报的）")
]
VerifyOption = Annotated[
    bool, typer.Option("--verify", help="与 --units 同用：只计入由单位清单中该单位的密钥（signers）签名的提交")
]
StaleOption = Annotated[
    int | None,
    typer.Option("--stale-days", min=1, help="与 --units 同用：计划超过这么多天未修改的单位列为未更新（默认 30）"),
]


@command
def rollup_(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(metavar="PATH", help="单位计划文件或文件夹")] = None,
    item: ItemOption = None,
    by: ByOption = "item",
    level: Annotated[str | None, choice("--level", list(LEVELS), "只看这一级的单位")] = None,
    fmt: Annotated[str, format_option("rollup")] = "table",
    output: OutputOption = None,
    as_of: AsOfOption = None,
    warn_days: WarnOption = query.WARN_DAYS,
    file: Annotated[Path | None, file_option("汇总到这个计划；默认为各单位共同的顶层计划")] = None,
    units: FromUnitsOption = None,
    as_known: AsKnownOption = False,
    stale_days: StaleOption = None,
    verify: VerifyOption = False,
) -> None:
    """汇总各单位计划：顶层计划（或 -f 给出的计划）的每个事项，各单位落实到了哪一步，谁逾期、逾期多久。

    用 --units 时，各单位的计划取自 fetch 获取到本机镜像的分支（不检出），汇总到本办公室的计划（-f 或当前文件夹的）；
    列出各单位的数据来源（提交、日期与说明）；未能获取、未找到计划、未更新和上级计划已更新的单位另行列出，
    有单位未能获取或未找到计划时退出码为 1。加 --as-known，各单位按截止日当天已提交的内容汇总（当时已报了什么）。

    例：reformctl rollup plans/ ；reformctl rollup plans/ --item 6.2 ；reformctl rollup --units units.yaml ；
    reformctl rollup --units units.yaml --format docx -o 汇总.docx
    """
    day = inputs.option_date(as_of, "--as-of") or dt.date.today()
    asked = _asked(units, day, as_known, stale_days, verify)
    result, problems, missing = _rolled(units, paths, file, asked, warn_days, level)
    _problems(problems)
    if problems:
        say(f"以上 {len(problems)} 个问题，请在所在计划中修正；无法读取或校验不通过的计划未计入汇总", err=True)
    if item is not None:
        task, found = query.find(result.top, item)
        result = result.only((found or task).id)
    if fmt == "docx":
        needs_file(fmt, output, "汇总.docx")
    if by == "rank" and fmt == "xlsx":
        raise UsageError("考核排名（--by rank）可输出为 table、json、md 或 html，不是 xlsx")
    result.by = by
    view = view_of(ctx, result.top, day, warn_days)
    emit(render("rollup", fmt, view, result), output, result.top_path)
    if problems or missing:
        raise typer.Exit(1)


SHOWN = 10  # problems said per plan; a plan of a thousand aliases is not a thousand lines


def _problems(problems: list[Any]) -> None:
    """Each problem on its line, at most SHOWN of one plan, then how many more it has."""
    seen: dict[str, int] = {}
    for problem in problems:
        seen[problem.path] = seen.get(problem.path, 0) + 1
        if seen[problem.path] <= SHOWN:
            say(str(problem), err=True)
    for path, count in seen.items():
        if count > SHOWN:
            say(f"{path}：另有 {count - SHOWN} 个问题未列出（reformctl validate 可列出该计划的全部问题）", err=True)


def _asked(units: Path | None, day: dt.date, as_known: bool, stale_days: int | None, verify: bool) -> Any:
    """How units are read from their repositories (--units), refused without --units."""
    if units is None and (as_known or stale_days is not None or verify):
        raise UsageError("--as-known、--stale-days 和 --verify 用于 --units：从各单位的仓库汇总")
    from reformctl.mirrored import STALE_DAYS, Asked

    return Asked(day, as_known, STALE_DAYS if stale_days is None else stale_days, verify)


def _rolled(units: Path | None, paths: list[Path] | None, file: Path | None, asked: Any, warn_days: int,
            level: str | None) -> Any:  # fmt: skip
    """The roll-up over folders, or (--units) from the mirror; its problems, and how many units
    could not be reached or counted (each said on its own line, as are the units not updated)."""
    from reformctl import mirrored, rollup

    if units is None:
        return (*rollup.rollup(paths or [Path("plans")], asked.as_of, warn_days, level, file), 0)
    if paths:
        raise UsageError("--units 与计划文件或文件夹不能同时使用")
    result, problems, reads = mirrored.rollup_units(units, file, asked, warn_days, level)
    for got in reads:
        for said in apart(got):
            say(said, err=True)
    return result, problems, sum(bool(got.missing or got.failed or got.verify_why) for got in reads)


def apart(got: Any) -> list[str]:
    """What is said of a unit apart from the figures: 未能获取, 未找到计划, 签名未通过, 未更新, 上级计划已更新."""
    from reformctl import mirrored

    name = line(got.unit.name)
    if got.missing:
        return [f"{'未能获取' if got.missing == mirrored.UNFETCHED else '未找到计划'} {name}：{got.why}"]
    said = [f"签名未通过 {name}：{got.verify_why}（提交 {got.commit[:7]}），未计入"] if got.verify_why else []
    if got.failed:
        said.append(f"未能获取 {name}：{got.failed}；沿用上次获取的提交 {got.commit[:7]}（{got.date}）")
    if got.stale_days is not None:
        said.append(f"未更新 {name}：计划已 {got.stale_days} 天未修改（最后修改于 {got.changed}）")
    if got.outdated:
        said.append(f"上级计划已更新 {name}：本单位仓库中的上级计划副本与上级现行计划不一致（{got.outdated}）")
    return said


@command
def remind(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="催办通知写到这个文件夹（每个部门一份 .md 和 .docx）")],
    dept: DeptOption = None,
    as_of: AsOfOption = None,
    warn_days: WarnOption = query.WARN_DAYS,
    mail: Annotated[bool, typer.Option("--mail", help="同时发邮件给各部门（地址为计划中各部门的电子邮箱）")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出将发给谁、发什么，不发送，也不留痕")] = False,
    reply_by: Annotated[str | None, typer.Option("--reply-by", help="请各部门在这一天前回复；默认截止日后一周")] = None,
    commit: Annotated[bool, typer.Option("--commit", help="在 git 仓库中提交留痕（一次提交）")] = False,
    file: FileOption = None,
) -> None:
    """催办：给有逾期或临期事项的每个部门写一份催办通知（Markdown 和 Word），可同时用邮件发出。

    用 --mail 发出的，在每个被催办事项的进展记录中留痕（哪天催办了哪个部门、发往哪个邮箱、请于哪天前回复），
    reformctl log 可见，undo 可撤销；发送失败的部门不留痕。

    例：reformctl remind -o 催办 ；reformctl remind -o 催办 --mail（先设置 REFORMCTL_SMTP 和 REFORMCTL_SMTP_FROM）
    """
    from reformctl import mail as post
    from reformctl import remind as use

    opened = Opened.as_of(ctx, file, as_of)
    plan, day = opened.plan, opened.day
    reply = inputs.option_date(reply_by, "--reply-by") or day + dt.timedelta(days=7)
    if reply < day:
        raise UsageError(f"--reply-by {reply} 早于截止日 {day}：回复期限应在催办之后")
    setting = post.settings() if mail and not dry_run else None  # refuses before anything is written
    asked = use.Asked(plan, opened.path, day, warn_days, dept and inputs.dept_name(plan, dept), output, setting,
                      dry_mail=mail and dry_run, reply_by=reply, commit=commit)  # fmt: skip
    found = use.due(asked)
    if not found:
        say(f"截至 {day} 没有逾期或临期的事项，无需催办")
        return
    failed = 0
    for event in use.remind(asked, found):
        if isinstance(event, use.Recorded):
            say(event.summary())
            for notice in dict.fromkeys(n for c in event.changes for n in c.notices):
                say(notice, err=True)
            continue
        say(_said(event))
        failed += isinstance(event, use.Mailed) and event.failed
    if failed:
        raise typer.Exit(1)


def _said(event: Any) -> str:
    """A step of remind as the clerk hears it."""
    from reformctl.remind import Written

    if isinstance(event, Written):
        return f"已写入 {event.file}"
    return {
        "sent": f"已发送 {event.dept} <{event.to}>",
        "would": f"将发送 {event.dept} <{event.to}>：{event.subject}，附件 {event.attachment}",
        "failed": f"发送失败 {event.dept} <{event.to}>：{event.why}",
    }.get(event.kind, f"未发送 {event.dept}：{event.why}")
