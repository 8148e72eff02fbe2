"""HTML: one self-contained page skeleton and one stylesheet for every page the tool makes.
Inline CSS and SVG, no scripts, no external references; prints on A4 (the heat map landscape).
Every piece of text, people's or ours, goes through escape() here, attributes too: html.escape
for the markup, and controls and bidi marks as visible escapes (\\u202e), as the terminal shows
them, so no name can reorder what a reader sees or put a raw control in an href."""

from __future__ import annotations

import html
import re

from reformctl.plain import visible
from reformctl.render import View
from reformctl.render.layout import Document, period_document
from reformctl.report import Period, Progress
from reformctl.rollup import LABELS, UNTAKEN, Rollup

CSS = """
@page { size: A4; margin: 16mm 14mm; }
@page wide { size: A4 landscape; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", SimSun, sans-serif;
       color: #222; max-width: 180mm; margin: 0 auto; font-size: 10.5pt; line-height: 1.55; }
body.wide { page: wide; max-width: none; font-size: 9pt; line-height: 1.3; }
h1 { font-size: 17pt; margin-bottom: 2pt; } h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 16pt; }
h3 { font-size: 11pt; margin: 10pt 0 4pt; } .subtitle { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; page-break-inside: auto; }
body.wide table { width: auto; }
th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #eee; white-space: nowrap; } td.n { white-space: nowrap; }
tr { page-break-inside: avoid; } thead { display: table-header-group; }
svg { width: 100%; height: auto; } h2, h3 { page-break-after: avoid; }
th.u { writing-mode: vertical-rl; font-weight: normal; }
td.c { width: 12pt; min-width: 12pt; text-align: center; font-size: 8pt;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.late { background-image: repeating-linear-gradient(45deg, transparent 0 3px, rgba(0,0,0,.6) 3px 4px);
        outline: 2px solid #000; outline-offset: -2px; }
td.t { max-width: 60mm; }
.issuer { color: #c00; font-size: 22pt; text-align: center; border-bottom: 2px solid #c00; margin: 0 0 4pt; }
.number { text-align: center; margin: 0; } .sign { text-align: right; margin: 0; }
tr.item td { background: #f4f4f4; font-weight: bold; }
.k { display: inline-block; min-width: 10pt; height: 10pt; line-height: 10pt; font-size: 8pt; text-align: center;
     border: 1px solid #999; margin: 0 2pt 0 8pt; vertical-align: middle;
     -webkit-print-color-adjust: exact; print-color-adjust: exact; }
"""

# In escaped text: nothing in it can leave the attribute, and no control or bidi mark is in it.
LINK = re.compile("https?://[^\\s<>\"'、，\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


def escape(text: str) -> str:
    """Text for HTML, in an element or an attribute."""
    return html.escape(visible(text), quote=True)


COLOURS = {
    "done": "#3a8f4a",
    "doing": "#e0b030",
    "blocked": "#c0392b",
    "todo": "#cfcfcf",
    "na": "#8c8c8c",
    UNTAKEN: "#ffffff",
}
# Each status readable without colour, as printed in black and white: a mark in the cell.
MARKS = {"done": "✓", "doing": "进", "blocked": "阻", "todo": "未", "na": "—", UNTAKEN: ""}


def page(title: str, body: list[str], wide: bool = False) -> str:
    """The one skeleton: a whole, self-contained HTML document around `body` (already escaped)."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        + ('<body class="wide">\n' if wide else "<body>\n")
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def table(headers: list[str], rows: list[list[str]], spans: set[int] | None = None) -> str:
    """A table; a row in spans is a heading row across it (its first cell)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    cells = "".join(
        f'<tr class="item"><td colspan="{len(headers)}">{escape(row[0])}</td></tr>'
        if n in (spans or set())
        else "<tr>" + "".join(_td(c) for c in row) + "</tr>"
        for n, row in enumerate(rows)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>"


def _td(cell: str) -> str:
    # Dates, ids and statuses stay on one line; text wraps; http(s) evidence can be clicked.
    shown = LINK.sub(lambda m: f'<a href="{m[0]}">{m[0]}</a>', escape(cell))
    return f'<td class="n">{shown}</td>' if len(cell) <= 10 else f"<td>{shown}</td>"


def document(doc: Document) -> str:
    body = [f'<p class="issuer">{escape(doc.issuer)}</p>'] if doc.issuer else []
    body += [f'<p class="number">{escape(doc.number)}</p>'] if doc.number else []
    body += [f"<h1>{escape(doc.title)}</h1>", f'<p class="subtitle">{escape(doc.subtitle)}</p>']
    body += [f'<p class="to">{escape(doc.recipients)}：</p>'] if doc.recipients else []
    for section in doc.sections:
        body.append(f"<h{section.level}>{escape(section.title)}</h{section.level}>")
        body.extend(f"<p>{escape(p)}</p>" for p in section.paragraphs)
        if section.chart:
            body.append(svg_chart(section.chart))
        if section.table:
            body.append(table(section.headers, section.table, section.spans))
        body.extend(f"<p>{escape(p)}</p>" for p in section.after)
    body += [f'<p class="sign">{escape(line)}</p>' for line in (doc.signer, doc.date) if line]
    body += [f"<p>{escape(doc.contact)}</p>"] if doc.contact else []
    return page(doc.title, body)


def report(view: View, period: Period) -> str:
    return document(period_document(period))


def svg_chart(bars: list[Progress]) -> str:
    """Horizontal bars, one per task: done share in green over the total in grey. Each bar is
    named by its task's number only: the table under it gives the whole title, never cut."""
    row, label_w, bar_w = 22, 70, 500
    height = row * len(bars) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + bar_w + 70} {height}" '
        f'role="img" aria-label="各任务完成进度">'
    ]
    for n, group in enumerate(bars):
        y = 5 + n * row
        filled = bar_w * group.done / group.total if group.total else 0
        label = escape(f"任务 {group.key}")
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{label}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="14" fill="#e3e3e3"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{filled:.1f}" height="14" fill="#3a8f4a"/>')
        figure = f"{group.done}/{group.total} {group.percent}%"
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 14}" font-size="12">{figure}</text>')
    parts.append("</svg>")
    return "".join(parts)


def rollup(view: View, result: Rollup) -> str:
    """The roll-up's page; rollup --units adds 数据来源, where each unit's figures came from."""
    from reformctl.render import rolled

    title, parts, wide = _rolled(view, result)
    if result.sources:
        parts += ["<h2>数据来源</h2>", table(*rolled.sources(result))]
    return page(title, parts, wide)


def _rolled(view: View, result: Rollup) -> tuple[str, list[str], bool]:
    """A heat map of rows × units with the totals, then the late units by name and the rows that do
    not apply. Each cell carries its status as a mark, and a late cell a hatch and a frame, so a
    black-and-white print says what the colours say."""
    from reformctl.render import rolled

    title = f"{result.top.document.title} 落实情况汇总"
    if result.by == "rank":
        return title, [f"<h1>{escape(title)}</h1>", *_ranked(view, result)], False
    if result.by == "task":
        return title, [f"<h1>{escape(title)}</h1>", f"<p>截至 {view.as_of}，各单位每项任务已完成的事项占比。</p>",
                       _task_map(result)], True  # fmt: skip
    read = {s["unit"]: f" · 提交 {s['commit']}（{s['date']}）" for s in result.sources if s.get("commit")}
    head = "".join(
        f'<th class="u" title="{escape(u.level + read.get(u.name, ""))}">{escape(u.name)}</th>' for u in result.units
    )
    body = []
    for row in result.rows:
        cells = "".join(_cell(result, row.id, u.name) for u in result.units)
        totals = " ".join(f"{LABELS[k]} {n}" for k, n in result.counts(row.id).items() if n)
        text = escape(row.text[:40])
        body.append(
            f'<tr><th>{escape(row.id)}</th><td class="t">{text}</td>{cells}<td class="n">{escape(totals)}</td></tr>'
        )
    done = "".join(f'<td class="n">{d}/{t}</td>' for d, t in (result.completion(u.name) for u in result.units))
    legend = (
        " ".join(
            f'<span class="k" style="background-color:{COLOURS[k]}">{MARKS[k]}</span>{v}' for k, v in LABELS.items()
        )
        + ' <span class="k late"></span>逾期'
    )
    parts = [
        f"<h1>{escape(title)}</h1>",
        f"<p>截至 {view.as_of}，共 {len(result.units)} 个单位。{legend}</p>",
        f"<table><thead><tr><th>编号</th><th>事项</th>{head}<th>合计</th></tr></thead>\n<tbody>{''.join(body)}\n"
        f'<tr><th colspan="2">已完成事项</th>{done}<td></td></tr></tbody></table>',
    ]
    for heading, (headers, rows) in (("逾期单位", rolled.late(result)), ("不适用", rolled.not_applicable(result))):
        if rows:
            parts += [f"<h2>{heading}</h2>", table(headers, rows)]
    return title, parts, True


def _ranked(view: View, result: Rollup) -> list[str]:
    from reformctl.render.layout import RANK_HEADERS, rank_rows, rank_rule

    headers = ["名次", "单位", *RANK_HEADERS[2:]]
    ranked = table(headers, rank_rows(result.ranks)) if result.ranks else "<p>没有已到期限的事项，不排名。</p>"
    return ["<h2>考核排名</h2>", ranked, f"<p>{escape(rank_rule(view.as_of, '单位'))}</p>"]


def _cell(result: Rollup, ident: str, unit: str) -> str:
    from reformctl.render import rolled

    status = result.status[ident][unit]
    late = " late" if unit in result.overdue[ident] else ""
    said = escape(f"{unit}：{rolled.cell(result, ident, unit)}")
    ink = "#fff" if status in ("done", "blocked", "na") else "#000"  # the mark stays legible on dark cells
    style = f"background-color:{COLOURS[status]};color:{ink}"
    return f'<td class="c{late}" style="{style}" title="{said}">{MARKS[status]}</td>'


def _task_map(result: Rollup) -> str:
    """Units × tasks, each cell the share done, shaded from white to green, with the figure."""
    from reformctl.render import rolled

    headers, rows = rolled.tasks(result)
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for row, unit in zip(rows, result.units, strict=True):
        cells = []
        for (task, _), shown in zip(result.tasks(), row[2:], strict=True):
            done, owed = result.task_share(task, unit.name)
            light = 100 - 55 * done // owed if owed else 100
            cells.append(f'<td class="n" style="background:hsl(130,40%,{light}%)">{escape(shown)}</td>')
        body.append(f"<tr><th>{escape(row[0])}</th><td>{escape(row[1])}</td>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
