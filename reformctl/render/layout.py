"""The period report laid out once, as headings, paragraphs and tables: Markdown and HTML (and
any later format) only print this, so every format always says the same thing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reformctl.models import STATUS_LABELS, Plan
from reformctl.query import Row, blocked_reason, chinese_day, depts_label, iso, listed, progress_note, short
from reformctl.query import rows as rows_of
from reformctl.render.words import hint
from reformctl.report import Period, Progress, Reminder
from reformctl.report import groups as report_groups


@dataclass
class Part:
    """A heading with paragraphs and/or a table (and, for progress, a bar chart)."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    level: int = 2
    chart: list[Progress] = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Part]


def period_document(period: Period) -> Document:
    """总体情况, 本期进展 by lead department, 逾期与临期, 本期完成, 各任务进度."""
    plan, since, until = period.plan, period.since, period.until
    sections = [_overview(period), *_changes(period), _late(period), _blocked(period), _completed(period)]
    sections += _progress(period)
    number = f"{plan.document.number} · " if plan.document.number else ""
    subtitle = f"{number}统计区间 {since.isoformat()} 至 {until.isoformat()}"
    if period.source:
        subtitle += f" · 计划文件 {period.source}"
    return Document(f"{plan.document.title}进展报告", subtitle, sections)


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
            f"本期（{since} 至 {until}）记录进展 {len(period.changes)} 条，完成 {len(period.completed)} 项，"
            f"调整期限 {len(period.moved)} 次；截至 {until}，逾期 {len(summary.overdue)} 项，"
            f"临期 {len(summary.close)} 项。",
        ],
    )


def _changes(period: Period) -> list[Part]:
    """The period's records, one table per lead: a row led by several departments appears once,
    under all its leads together, never once per department."""
    plan = period.plan
    sections = [Part("本期进展（按牵头部门）", [] if period.changes else ["本期没有进展记录。"])]
    order = {d.id: n for n, d in enumerate(plan.departments)}
    leads = sorted({tuple(r.lead(plan)) for _, r in period.changes}, key=lambda ids: [order.get(i, 99) for i in ids])
    for lead in leads:
        mine = [(e, r) for e, r in period.changes if tuple(r.lead(plan)) == lead]
        table = [[e.date.isoformat(), r.id, short(r.text), e.describe(), e.said()] for e, r in mine]
        sections.append(
            Part(depts_label(plan, list(lead)), headers=["日期", "编号", "事项", "变化", "说明"], table=table, level=3)
        )
    return sections


def _blocked(period: Period) -> Part:
    """受阻事项及原因: each blocked row with the note of the record that blocked it."""
    plan, blocked = period.plan, period.summary.blocked
    rows = [[r.id, short(r.text), listed(r.lead(plan)), blocked_reason(r)] for r in blocked]
    return Part(
        "受阻事项及原因",
        [] if blocked else [f"截至 {period.until.isoformat()} 没有受阻的事项。"],
        ["编号", "事项", "牵头部门", "受阻原因"],
        rows,
    )


def _late(period: Period) -> Part:
    plan, until = period.plan, period.until
    late = period.summary.overdue + period.summary.close
    return Part(
        "逾期与临期",
        [] if late else [f"截至 {until.isoformat()} 没有逾期或临期的事项。"],
        ["编号", "事项", "牵头部门", "责任人", "状态", "期限", "提示"],
        [
            [
                r.id,
                short(r.text),
                listed(r.lead(plan)),
                r.owner or "",
                STATUS_LABELS[r.status],
                iso(r.due) or "",
                hint(r, until),
            ]
            for r in late
        ],  # fmt: skip
    )


def _completed(period: Period) -> Part:
    plan = period.plan
    return Part(
        "本期完成",
        [] if period.completed else ["本期没有完成的事项。"],
        ["日期", "编号", "事项", "牵头部门", "说明"],
        [[e.date.isoformat(), r.id, short(r.text), listed(r.lead(plan)), e.said()] for e, r in period.completed],
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
        f"{name}：根据《{plan.document.title}》{number}，截至 {as_of}，你部门牵头的以下 {len(reminder.rows)} 个事项"
        "已逾期或临近期限，请抓紧推进，并及时报送进展情况。"
    )
    table = [[r.id, short(r.text), r.owner or "", iso(r.due) or "", hint(r, as_of), _last(r)] for r in reminder.rows]
    section = Part("需催办的事项", [ask], ["编号", "事项", "责任人", "期限", "提示", "最新进展"], table)
    reply = Part("报送要求", [*closing(plan, reply_day(reminder, as_of)), *signature(plan, as_of)])
    subtitle = " · ".join([*issuers(plan), plan.document.title, f"截至 {as_of}"])
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


def _last(row: Row) -> str:
    found = progress_note(row)
    return f"{found.date} {found.note}" if found else "尚无进展记录"
