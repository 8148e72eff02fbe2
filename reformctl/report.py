"""Summaries, period reports (督办通报) and the ledger (台账): computed from the plan, never stored.

The numbers are computed once (Summary, Report); a report is laid out once as Sections, which
the Markdown and HTML renderers only print, so both formats always say the same thing.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from dataclasses import dataclass, field

from rich.cells import cell_len

from reformctl.errors import ReformctlError
from reformctl.models import STATUS_LABELS, Plan
from reformctl.output import md_table
from reformctl.plain import md, md_block, xlsx_text
from reformctl.query import LIGHTS, WARN_DAYS, Entry, Row, iso, light, progress, rows, short

NO_LIGHT = "none"
LIGHT_AND_NONE = {**LIGHTS, NO_LIGHT: "未设期限"}


@dataclass
class Group:
    """Progress of one task or one department."""

    key: str
    label: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 0


@dataclass
class Summary:
    as_of: dt.date
    done: int
    total: int
    by_status: dict[str, int]
    by_light: dict[str, int]  # over the items not yet done
    groups: list[Group]
    overdue: list[Row]
    close: list[Row]

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 0


def groups(plan: Plan, selected: list[Row], by: str) -> list[Group]:
    """Per task, or per department (a task led by several departments counts for each)."""
    if by == "dept":
        found = [(d.id, d.name, [r for r in selected if d.id in r.lead(plan)]) for d in plan.departments]
    else:
        found = [(t.id, t.title, [r for r in selected if r.task is t]) for t in plan.tasks]
    return [Group(key, label, *progress(members)) for key, label, members in found if members]


def summarize(plan: Plan, selected: list[Row], as_of: dt.date, warn_days: int = WARN_DAYS, by: str = "task") -> Summary:
    lights = {row.id: light(row, as_of, warn_days) for row in selected}
    open_rows = [row for row in selected if row.status != "done"]
    return Summary(
        as_of=as_of,
        done=sum(row.status == "done" for row in selected),
        total=len(selected),
        by_status={key: sum(row.status == key for row in selected) for key in STATUS_LABELS},
        by_light={key: sum((lights[row.id] or NO_LIGHT) == key for row in open_rows) for key in LIGHT_AND_NONE},
        groups=groups(plan, selected, by),
        overdue=[row for row in selected if lights[row.id] == "red"],
        close=[row for row in selected if lights[row.id] == "yellow"],
    )


def bar(percent: int, width: int = 20) -> str:
    filled = round(percent * width / 100)
    return "█" * filled + "░" * (width - filled)


def counts(numbers: dict[str, int], labels: dict[str, str]) -> str:
    return " · ".join(f"{labels[key]} {numbers[key]}" for key in labels)


# ---------------------------------------------------------------- the period report


@dataclass
class Section:
    """A heading with paragraphs and/or a table: what both Markdown and HTML print."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    level: int = 2
    chart: list[Group] = field(default_factory=list)


@dataclass
class Report:
    title: str
    subtitle: str
    sections: list[Section]


def period_report(
    plan: Plan,
    since: dt.date,
    until: dt.date,
    dept: str | None = None,
    warn_days: int = WARN_DAYS,
    source: str | None = None,
) -> Report:
    """What changed between since and until (both included), what is late, what was completed."""
    selected = [row for row in rows(plan) if dept is None or dept in row.lead(plan)]
    summary = summarize(plan, selected, until, warn_days)
    changes = [
        (Entry(row.id, record), row) for row in selected for record in row.history if since <= record.date <= until
    ]
    changes.sort(key=lambda pair: pair[0].date)
    completed = [(e, r) for e, r in changes if e.record.status == "done" and e.record.from_ != "done"]
    moved = [(e, r) for e, r in changes if e.record.due is not None and e.record.from_due is not None]
    late = summary.overdue
    soon = summary.close

    doc = plan.document
    scope = f"{dept}牵头事项 · " if dept else ""
    sections = [
        Section(
            "总体情况",
            [
                f"{scope}共 {summary.total} 项，已完成 {summary.done} 项（{summary.percent}%）；"
                + "，".join(f"{STATUS_LABELS[k]} {summary.by_status[k]} 项" for k in ("doing", "blocked", "todo"))
                + "。",
                f"本期（{since} 至 {until}）记录进展 {len(changes)} 条，完成 {len(completed)} 项，"
                f"调整期限 {len(moved)} 次；截至 {until}，逾期 {len(late)} 项，临期 {len(soon)} 项。",
            ],
        )
    ]
    sections.append(Section("本期进展（按牵头部门）", [] if changes else ["本期没有进展记录。"]))
    for d in plan.departments:
        mine = [(e, r) for e, r in changes if d.id in r.lead(plan)]
        if mine:
            sections.append(
                Section(
                    d.id if d.id == d.name else f"{d.id}（{d.name}）",
                    headers=["日期", "编号", "事项", "变化", "说明"],
                    table=[
                        [e.date.isoformat(), r.id, short(r.text), e.describe(), e.record.note or ""] for e, r in mine
                    ],
                    level=3,
                )
            )
    sections.append(
        Section(
            "逾期与临期",
            [] if late or soon else [f"截至 {until.isoformat()} 没有逾期或临期的事项。"],
            ["编号", "事项", "牵头部门", "状态", "期限", "提示"],
            [
                [
                    r.id,
                    short(r.text),
                    "、".join(r.lead(plan)),
                    STATUS_LABELS[r.status],
                    iso(r.due) or "",
                    hint(r, until),
                ]
                for r in late + soon
            ],
        )
    )
    sections.append(
        Section(
            "本期完成",
            [] if completed else ["本期没有完成的事项。"],
            ["日期", "编号", "事项", "牵头部门", "说明"],
            [
                [e.date.isoformat(), r.id, short(r.text), "、".join(r.lead(plan)), e.record.note or ""]
                for e, r in completed
            ],
        )
    )
    sections.append(
        Section(
            "各任务进度",
            headers=["任务", "标题", "完成", "进度"],
            table=[[g.key, g.label, f"{g.done}/{g.total}", f"{g.percent}%"] for g in summary.groups],
            chart=summary.groups,
        )
    )
    subtitle = f"{doc.number} · 统计区间 {since.isoformat()} 至 {until.isoformat()}"
    if source:
        subtitle += f" · 计划文件 {source}"
    return Report(f"{doc.title}进展报告", subtitle, sections)


def hint(row: Row, as_of: dt.date) -> str:
    """逾期 3 天 / 临期，剩 2 天"""
    assert row.due is not None
    days = (row.due - as_of).days
    return f"逾期 {-days} 天" if days < 0 else f"临期，剩 {days} 天"


def markdown(report: Report) -> str:
    """Every text escaped (plain.md): a name or a note can never make a heading, a link or HTML."""
    blocks = [f"# {md(report.title)}", md_block(report.subtitle)]
    for section in report.sections:
        blocks.append(f"{'#' * section.level} {md(section.title)}")
        blocks.extend(md_block(p) for p in section.paragraphs)
        if section.table:
            blocks.append(md_table(section.headers, section.table).rstrip("\n"))
    return "\n\n".join(blocks) + "\n"


CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", SimSun, sans-serif;
       color: #222; max-width: 180mm; margin: 0 auto; font-size: 10.5pt; line-height: 1.55; }
h1 { font-size: 17pt; margin-bottom: 2pt; } h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 16pt; }
h3 { font-size: 11pt; margin: 10pt 0 4pt; } .subtitle { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; page-break-inside: auto; }
th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #eee; white-space: nowrap; } td.n { white-space: nowrap; }
tr { page-break-inside: avoid; } thead { display: table-header-group; }
svg { width: 100%; height: auto; } h2, h3 { page-break-after: avoid; }
"""


def html_page(report: Report) -> str:
    """One self-contained page: inline CSS and SVG, no scripts, no external assets; prints on A4."""
    esc = html.escape
    body = [f"<h1>{esc(report.title)}</h1>", f'<p class="subtitle">{esc(report.subtitle)}</p>']
    for section in report.sections:
        body.append(f"<h{section.level}>{esc(section.title)}</h{section.level}>")
        body.extend(f"<p>{esc(p)}</p>" for p in section.paragraphs)
        if section.chart:
            body.append(svg_chart(section.chart))
        if section.table:
            head = "".join(f"<th>{esc(h)}</th>" for h in section.headers)
            cells = "".join("<tr>" + "".join(_td(c) for c in row) + "</tr>" for row in section.table)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{esc(report.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _td(cell: str) -> str:
    # Dates, ids and statuses stay on one line; text wraps.
    return f'<td class="n">{html.escape(cell)}</td>' if len(cell) <= 10 else f"<td>{html.escape(cell)}</td>"


def svg_chart(bars: list[Group]) -> str:
    """Horizontal bars, one per task: done share in green over the total in grey."""
    row, label_w, bar_w = 22, 150, 420
    height = row * len(bars) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + bar_w + 70} {height}" '
        f'role="img" aria-label="各任务完成进度">'
    ]
    for n, group in enumerate(bars):
        y = 5 + n * row
        filled = bar_w * group.done / group.total if group.total else 0
        label = html.escape(f"{group.key}. {short(group.label, 10)}")
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{label}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="14" fill="#e3e3e3"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{filled:.1f}" height="14" fill="#3a8f4a"/>')
        figure = f"{group.done}/{group.total} {group.percent}%"
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 14}" font-size="12">{figure}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------- the ledger (台账)

LEDGER = {
    "task": "任务编号",
    "title": "任务",
    "id": "事项编号",
    "text": "内容",
    "lead": "牵头部门",
    "participants": "参与部门",
    "status": "状态",
    "due": "期限",
    "light": "提示",
    "last_note": "最新进展",
    "last_note_date": "进展日期",
}


def ledger(plan: Plan, as_of: dt.date, warn_days: int = WARN_DAYS) -> list[dict[str, object]]:
    """One record per item, keyed by the JSON names of LEDGER."""
    out = []
    for row in rows(plan):
        noted = [r for r in row.history if r.note]
        last = max(reversed(noted), key=lambda r: r.date) if noted else None  # ties: the later record
        out.append(
            {
                "task": row.task.id,
                "title": row.task.title,
                "id": row.id,
                "text": row.text,
                "lead": row.lead(plan),
                "participants": row.participants(plan),
                "status": row.status,
                "due": iso(row.due),
                "light": light(row, as_of, warn_days),
                "last_note": last.note if last else None,
                "last_note_date": last.date.isoformat() if last else None,
            }
        )
    return out


def ledger_cells(record: dict[str, object]) -> list[str]:
    """A ledger record as a clerk reads it: Chinese labels, departments joined with 、."""
    cells = []
    for key in LEDGER:
        value = record[key]
        if key == "status":
            value = STATUS_LABELS[str(value)]
        elif key == "light":
            value = LIGHTS.get(str(value), "")
        elif isinstance(value, list):
            value = "、".join(value)
        cells.append("" if value is None else str(value))
    return cells


def xlsx(headers: list[str], records: list[list[str]]) -> bytes:
    """A real workbook: bold frozen header, columns wide enough for Chinese text, long text wrapped."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
    except ImportError:
        raise ReformctlError("导出 xlsx 需要 openpyxl，请安装：pip install 'reformctl[xlsx]'") from None
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append(headers)
    for r, record in enumerate(records, 2):
        for c, value in enumerate(record, 1):
            cell = sheet.cell(row=r, column=c, value=xlsx_text(value))
            cell.data_type = "s"  # text, never a formula: `=1+1` typed in a note stays `=1+1`
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for n, header in enumerate(headers, 1):
        # Excel's column width counts narrow characters; a Chinese character takes two.
        widest = max(cell_len(str(value)) for value in [header, *(r[n - 1] for r in records)])
        letter = sheet.cell(row=1, column=n).column_letter
        sheet.column_dimensions[letter].width = min(widest + 2, 60)
        if widest > 60:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=n, max_col=n):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
