"""The period report laid out once, as headings, paragraphs and tables: Markdown and HTML (and
any later format) only print this, so every format always says the same thing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from reformctl.models import STATUS_LABELS, Plan, Record
from reformctl.query import ItemRecord, Row, chinese_day, depts_label, listed, progress_note
from reformctl.query import rows as rows_of
from reformctl.render.words import hint
from reformctl.report import Period, Progress, Rank, Reminder
from reformctl.report import groups as report_groups


@dataclass
class Part:
    """A heading with paragraphs and/or a table (and, for progress, a bar chart). A row whose
    index is in `spans` is a heading row across the whole table: its first cell holds the text."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    level: int = 2
    chart: list[Progress] = field(default_factory=list)
    spans: set[int] = field(default_factory=set)
    after: list[str] = field(default_factory=list)  # paragraphs under the table (a rule, a note)


@dataclass
class Document:
    """A 公文's parts (GB/T 9704); what the plan does not give stays None and is not shown."""

    title: str
    subtitle: str
    sections: list[Part]
    issuer: str | None = None  # 发文机关标志
    number: str | None = None  # 发文字号
    red_rule: bool = False  # the red line under the 发文机关标志
    recipients: str | None = None  # 主送机关, without its colon
    signer: str | None = None  # 落款
    date: str | None = None  # 成文日期, 2020年9月30日
    contact: str | None = None  # 联系人：… 电话：…
    landscape: bool = field(default=False, init=False)  # 横排: wide tables (a roll-up's) on A4 turned


def table_day(day: dt.date | None, year: int) -> str:
    """9月30日 in a table of the report's year, 2019.12.31 for another year."""
    if day is None:
        return ""
    return f"{day.month}月{day.day}日" if day.year == year else f"{day.year}.{day.month}.{day.day}"


def span(since: dt.date, until: dt.date) -> str:
    """2020年9月1日至9月30日"""
    end = f"{until.month}月{until.day}日" if since.year == until.year else chinese_day(until)
    return f"{chinese_day(since)}至{end}"


def _days(text: str, year: int) -> str:
    """The ISO dates the tool itself wrote into a phrase, said the Chinese way."""
    return re.sub(r"\d{4}-\d{2}-\d{2}", lambda m: table_day(dt.date.fromisoformat(m[0]), year), text)


def change(record: Record, year: int) -> str:
    """What a record changed, its dates the Chinese way; a 催办 record says whom it reminded."""
    if record.reminded:
        reply = f"，限{table_day(record.reply_by, year)}前回复" if record.reply_by else ""
        return f"催办{record.reminded}{reply}"
    return _days(ItemRecord("", record).describe(), year)


def office_parts(plan: Plan, until: dt.date) -> dict[str, str | None]:
    """发文机关标志, 主送, 落款, 成文日期 and the contact line, from the plan's office (or its unit)."""
    office, unit = plan.office, plan.unit
    recipients = listed(office.recipients) if office and office.recipients else listed(d.full for d in plan.departments)
    contact = None
    if office and (office.contact or office.phone):
        contact = "　".join(
            filter(None, [office.contact and f"联系人：{office.contact}", office.phone and f"电话：{office.phone}"])
        )
    return {
        "issuer": office.name if office else unit.name if unit else None,
        "recipients": recipients or None,
        "signer": (office.short or office.name) if office else unit.name if unit else None,
        "date": chinese_day(until),
        "contact": contact,
    }


def period_document(period: Period) -> Document:
    """总体情况, 考核排名, 本期进展 by lead department, 逾期与临期, 督办事项, 受阻, 本期完成, 各任务进度."""
    plan, since, until = period.plan, period.since, period.until
    sections = [_overview(period), _rank(period), *_changes(period), _late(period)]
    if period.escalate_after is not None:
        sections.append(_escalated(period))
    sections += [_blocked(period), _completed(period), *_progress(period)]
    return Document(
        f"{plan.document.title}进展报告",
        f"统计区间 {span(since, until)}",
        sections,
        number=period.number,
        red_rule=period.red_rule,
        **office_parts(plan, until),
    )


def _overview(period: Period) -> Part:
    summary, since, until = period.summary, period.since, period.until
    scope = f"{period.dept}牵头事项 · " if period.dept else ""
    statuses = "，".join(f"{STATUS_LABELS[k]} {summary.by_status[k]} 项" for k in ("doing", "blocked", "todo"))
    na = summary.by_status.get("na", 0)
    return Part(
        "总体情况",
        [
            f"{scope}共 {summary.total} 项，已完成 {summary.done} 项（{summary.percent}%）；{statuses}。"
            + (f"另有不适用 {na} 项，不计入完成率。" if na else ""),
            f"本期（{span(since, until)}）记录进展 {len(period.changes)} 条，完成 {len(period.completed)} 项，"
            f"调整期限 {len(period.moved)} 次；截至{chinese_day(until)}，逾期 {len(summary.overdue)} 项，"
            f"临期 {len(summary.close)} 项。",
        ],
    )


RANK_HEADERS = ["名次", "部门", "到期事项", "按期完成", "按期完成率", "逾期事项", "逾期天数"]


def rank_rule(until: dt.date, who: str = "部门") -> str:
    """How the ranking is made, said under its table (of departments, or of a roll-up's units)."""
    whose = "牵头事项" if who == "部门" else "落实上级计划的事项"
    shared = "；几个部门共同牵头的事项，每个部门都计入" if who == "部门" else ""
    return (
        f"排名规则：以截至{chinese_day(until)}已到期限的{whose}为准（不适用的事项不计），按按期完成"
        "（完成记录的日期不晚于期限）的事项占比从高到低排列；占比相同的，逾期事项少的在前，"
        f"再相同的，逾期天数少的在前。逾期天数是各逾期事项截至当日逾期天数之和{shared}。"
    )


def rank_rows(rank: list[Rank]) -> list[list[str]]:
    return [
        [str(r.place), r.name, str(r.due), str(r.on_time), f"{r.percent}%", str(r.overdue), str(r.overdue_days)]
        for r in rank
    ]


def _rank(period: Period) -> Part:
    if not period.rank:
        return Part("考核排名", [f"截至{chinese_day(period.until)}没有已到期限的事项，本期不排名。"])
    return Part("考核排名", headers=RANK_HEADERS, table=rank_rows(period.rank), after=[rank_rule(period.until)])


def grouped(
    found: list[tuple[Row, list[Record]]], year: int, more: Callable[[Row], str] = lambda row: ""
) -> tuple[list[list[str]], set[int]]:
    """Each row once, its id and whole text across the table, then its records: 日期, 变化, 说明."""
    table: list[list[str]] = []
    spans: set[int] = set()
    for row, records in found:
        spans.add(len(table))
        table.append([f"{row.id}　{row.text}{more(row)}", "", ""])
        table += [[table_day(r.date, year), change(r, year), ItemRecord(row.id, r).said()] for r in records]
    return table, spans


def _changes(period: Period) -> list[Part]:
    """The period's records, one table per lead, grouped by row: a row led by several departments
    appears once, under all its leads together, never once per department."""
    plan, year = period.plan, period.until.year
    sections = [Part("本期进展（按牵头部门）", [] if period.changes else ["本期没有进展记录。"])]
    order = {d.id: n for n, d in enumerate(plan.departments)}
    leads = sorted({tuple(r.lead(plan)) for _, r in period.changes}, key=lambda ids: [order.get(i, 99) for i in ids])
    for lead in leads:
        mine = [(e, r) for e, r in period.changes if tuple(r.lead(plan)) == lead]
        rows: dict[str, tuple[Row, list[Record]]] = {}
        for e, r in mine:
            rows.setdefault(r.id, (r, []))[1].append(e.record)
        table, spans = grouped(list(rows.values()), year)
        sections.append(
            Part(depts_label(plan, list(lead)), headers=["日期", "变化", "说明"], table=table, level=3, spans=spans)
        )
    return sections


def _blocked(period: Period) -> Part:
    """受阻事项及原因: each blocked row with the note of the record that blocked it."""
    plan, blocked, year = period.plan, period.summary.blocked, period.until.year
    rows = [[r.id, r.text, listed(r.lead(plan)), _reason(r, year)] for r in blocked]
    return Part(
        "受阻事项及原因",
        [] if blocked else [f"截至{chinese_day(period.until)}没有受阻的事项。"],
        ["编号", "事项", "牵头部门", "受阻原因"],
        rows,
    )


def _reason(row: Row, year: int) -> str:
    found = [r for r in row.history if r.status == "blocked"]
    return f"{found[-1].note or '未写明原因'}（{table_day(found[-1].date, year)}）" if found else "未写明原因"


def _late(period: Period) -> Part:
    plan, until = period.plan, period.until
    late = period.summary.overdue + period.summary.close
    reminded = any(period.reminded.get(r.id) for r in late)
    headers = ["编号", "事项", "牵头部门", "责任人", "状态", "期限", "提示"] + (["催办次数"] if reminded else [])
    table = [
        [r.id, r.text, listed(r.lead(plan)), r.owner or "", STATUS_LABELS[r.status], table_day(r.due, until.year),
         hint(r, until)] + ([str(period.reminded.get(r.id, 0))] if reminded else [])
        for r in late
    ]  # fmt: skip
    return Part("逾期与临期", [] if late else [f"截至{chinese_day(until)}没有逾期或临期的事项。"], headers, table)


def _escalated(period: Period) -> Part:
    """督办事项: the rows still overdue after escalate_after 催办, each with its whole history."""
    plan, until, found = period.plan, period.until, period.escalated
    if not found:
        return Part("督办事项", [f"截至{chinese_day(until)}没有催办 {period.escalate_after} 次以上仍逾期的事项。"])
    ask = (
        f"以下 {len(found)} 个事项经催办 {period.escalate_after} 次以上，截至{chinese_day(until)}仍逾期，列为督办事项，"
        "请牵头部门主要负责同志督促落实，并书面报告进展。"
    )

    def more(row: Row) -> str:
        return (
            f"（牵头：{listed(row.lead(plan))}；期限 {table_day(row.due, until.year)}；"
            f"{hint(row, until)}；催办 {period.reminded.get(row.id, 0)} 次）"
        )

    history = [(r, sorted((h for h in r.history if h.date <= until), key=lambda h: h.date)) for r in found]
    table, spans = grouped(history, until.year, more)
    return Part("督办事项", [ask], ["日期", "变化", "说明"], table, spans=spans)


def _completed(period: Period) -> Part:
    plan, year = period.plan, period.until.year
    return Part(
        "本期完成",
        [] if period.completed else ["本期没有完成的事项。"],
        ["日期", "编号", "事项", "牵头部门", "说明"],
        [[table_day(e.date, year), r.id, r.text, listed(r.lead(plan)), e.said()] for e, r in period.completed],
    )


def _progress(period: Period) -> list[Part]:
    """各组进度 (when the tasks are grouped), then 各任务进度."""
    plan, groups = period.plan, period.summary.groups
    sections = []
    if plan.groups:
        rows = [r for r in rows_of(plan) if period.dept is None or period.dept in r.lead(plan)]
        shares = report_groups(plan, rows, "group")
        table = [[g.key, g.label, f"{g.done}/{g.total}", f"{g.percent}%"] for g in shares]
        sections.append(Part("各组进度", headers=["分组", "标题", "完成", "进度"], table=table))
    return sections + [
        Part(
            "各任务进度",
            headers=["任务", "标题", "完成", "进度"],
            table=[[g.key, g.label, f"{g.done}/{g.total}", f"{g.percent}%"] for g in groups],
            chart=groups,
        )
    ]


@dataclass
class Notice(Reminder):
    """A Reminder with the day a reply is asked by (None: a week after the as-of day)."""

    reply_by: dt.date | None = None


def reply_day(reminder: Reminder, as_of: dt.date) -> dt.date:
    """The day the department is asked to reply by: the notice's, else a week after as_of."""
    given = reminder.reply_by if isinstance(reminder, Notice) else None
    return given or as_of + dt.timedelta(days=7)


def reminder_document(plan: Plan, reminder: Reminder, as_of: dt.date) -> Document:
    """催办通知 to one department: who issues it, its late and close rows (owners, deadlines,
    latest progress), the day to reply by, the office's contact, and the 落款. What the plan
    does not give (an office, a contact, a unit) is left out, never filled with a blank."""
    name = depts_label(plan, [reminder.dept])
    number = f"（{plan.document.number}）" if plan.document.number else ""
    ask = (
        f"{name}：根据《{plan.document.title}》{number}，截至{chinese_day(as_of)}，"
        f"你部门牵头的以下 {len(reminder.rows)} 个事项已逾期或临近期限，请抓紧推进，并及时报送进展情况。"
    )
    year = as_of.year
    table = [
        [r.id, r.text, r.owner or "", table_day(r.due, year), hint(r, as_of), _last(r, year)] for r in reminder.rows
    ]
    section = Part("需催办的事项", [ask], ["编号", "事项", "责任人", "期限", "提示", "最新进展"], table)
    reply = Part("报送要求", [*closing(plan, reply_day(reminder, as_of)), *signature(plan, as_of)])
    subtitle = " · ".join([*issuers(plan), plan.document.title, f"截至{chinese_day(as_of)}"])
    return Document(f"催办通知（{reminder.dept}）", subtitle, [section, reply])


def issuers(plan: Plan) -> list[str]:
    """Who issues the notice: the office (发文机关), and the unit where the office's name does
    not already say it; neither for a plan that gives none."""
    office = plan.office.name if plan.office else None
    unit = plan.unit.name if plan.unit else None
    return [n for n in (office, unit if unit and not (office and unit in office) else None) if n]


def closing(plan: Plan, reply_by: dt.date) -> list[str]:
    """请于 2020年9月28日前……；联系人：张三，电话：0791-1234567。 (the contact only when given)"""
    office = plan.office
    to = (office.short or office.name) if office else "改革办"
    said = [f"请于 {chinese_day(reply_by)}前将上述事项的进展情况报送{to}。"]
    contact = [f"联系人：{office.contact}"] if office and office.contact else []
    contact += [f"联系电话：{office.phone}"] if office and office.phone else []
    if contact:
        said.append("，".join(contact) + "。")
    return said


def signature(plan: Plan, day: dt.date) -> list[str]:
    """The 落款: the office's short name (or its name, or the unit's), then the date."""
    office = plan.office
    signer = (office.short or office.name) if office else plan.unit.name if plan.unit else None
    return [*([signer] if signer else []), chinese_day(day)]


def _last(row: Row, year: int) -> str:
    found = progress_note(row)
    return f"{table_day(found.date, year)} {found.note}" if found else "尚无进展记录"
