"""The text formats: JSON for programs, CSV for spreadsheets, Markdown for people.

One JSON shape everywhere: a top-level array or object with one member per line (compact
members use the C encoder; a line per member reads and greps well), Chinese kept literal.
People's text is escaped for each format (plain.md, plain.csv_cell); JSON keeps it exact.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from typing import Any

from reformctl import query
from reformctl.models import Item, Task
from reformctl.plain import csv_cell, md, md_block
from reformctl.query import ItemRecord, Row
from reformctl.render import View
from reformctl.render.layout import Document, period_document, reminder_document
from reformctl.render.words import LEDGER, LIST_HEADERS, ledger_cells, row_cells
from reformctl.report import Period, Rank, Reminder, Summary, ledger
from reformctl.rollup import Rollup


def json_text(value: list[Any] | dict[str, Any]) -> str:
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    if isinstance(value, dict):
        members = [f"{dumps(key)}: {dumps(item)}" for key, item in value.items()]
        return "{\n" + ",\n".join(members) + "\n}\n"
    return "[" + "".join(("," if n else "") + "\n" + dumps(item) for n, item in enumerate(value)) + "\n]\n"


def csv_text(headers: list[str], records: list[list[str]], bom: bool) -> str:
    """UTF-8 with a BOM by default, so that Excel on a Chinese Windows desktop opens it correctly.
    A cell that could start a formula gets a leading apostrophe (plain.csv_cell)."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([csv_cell(cell) for cell in record] for record in records)
    return out.getvalue()


def md_table(headers: list[str], records: list[list[str]], escaped: bool = False) -> str:
    """A Markdown table; escaped: the records' cells are already escaped (a bold heading row)."""

    def line(cells: list[str], done: bool = False) -> str:
        return "| " + " | ".join(c if done else md(c) for c in cells) + " |\n"

    return line(headers) + line(["---"] * len(headers)) + "".join(line(r, escaped) for r in records)


# ---------------------------------------------------------------- list, log, summary


def row_json(view: View, row: Row) -> dict[str, object]:
    plan = view.plan
    assert plan is not None
    return {
        "id": row.id,
        **({"group": row.task.group} if plan.groups else {}),  # a plan without groups is unchanged
        "task": row.task.id,
        "title": row.task.title,
        "text": row.text,
        "lead": row.lead(plan),
        "participants": row.participants(plan),
        "status": row.status,
        "reason": row.reason,  # why 不适用, as show says it
        "due": query.iso(row.due),
        "deadline": row.deadline,
        "light": query.light(row, view.as_of, view.warn_days),
        "owner": row.owner,
        "contact": row.contact,
    }


def list_json(view: View, rows: list[Row]) -> str:
    return json_text([row_json(view, row) for row in rows])


def show_json(view: View, found: tuple[Task, Item | None]) -> str:
    """What show says: a row with its records, or a task with its rows (and their records)."""
    plan = view.plan
    assert plan is not None
    task, item = found
    rows = [row for row in query.rows(plan) if row.task is task and (item is None or row.item is item)]
    shown = [{**row_json(view, row), "history": _records([ItemRecord(row.id, r) for r in row.history])} for row in rows]
    if item is not None or task.items is None:
        return json_text(shown[0])
    done, total = query.progress(rows)
    head = {"task": task.id, "title": task.title, "lead": plan.dept_ids(task.lead), "done": done, "total": total}
    return json_text({**head, "items": shown})


def _list_cells(view: View, rows: list[Row]) -> list[list[str]]:
    plan = view.plan
    assert plan is not None
    return [row_cells(row, plan, query.light(row, view.as_of, view.warn_days)) for row in rows]


def list_csv(view: View, rows: list[Row]) -> str:
    return csv_text(LIST_HEADERS, _list_cells(view, rows), view.bom)


def list_md(view: View, rows: list[Row]) -> str:
    return md_table(LIST_HEADERS, _list_cells(view, rows))


def log_json(view: View, records: list[ItemRecord]) -> str:
    return json_text(_records(records))


def _records(records: list[ItemRecord]) -> list[dict[str, object]]:
    return [
        {
            "id": found.id,
            "date": found.date.isoformat(),
            "from": found.record.from_,
            "status": found.record.status,
            "from_due": query.iso(found.record.from_due),
            "due": query.iso(found.record.due),
            "note": found.record.note,
            "by": found.record.by,
            "links": found.record.links,
            **{key: getattr(found.record, key) for key in ("from_owner", "owner", "from_contact", "contact")},
            "from_participants": found.record.from_participants,
            "participants": found.record.participants,
            "reminded": found.record.reminded,
            "to": found.record.to,
            "reply_by": query.iso(found.record.reply_by),
        }
        for found in records
    ]


def summary_json(view: View, result: Summary) -> str:
    plan = view.plan
    assert plan is not None
    return json_text(
        {
            "as_of": result.as_of.isoformat(),
            "file": view.file,
            "unit": plan.unit.name if plan.unit else None,
            "done": result.done,
            "total": result.total,
            "by_status": result.by_status,
            "by_light": result.by_light,
            "groups": [{"id": g.key, "name": g.label, "done": g.done, "total": g.total} for g in result.groups],
            "overdue": [row.id for row in result.overdue],
            "close": [row.id for row in result.close],
            **({"rank": [rank_json(r) for r in result.rank]} if result.rank is not None else {}),
        }
    )


def rank_json(rank: Rank) -> dict[str, object]:
    """One department of the ranking (summary --rank): due = rows due by as_of, done on time, overdue."""
    return {
        "place": rank.place,
        "dept": rank.dept,
        "name": rank.name,
        "due": rank.due,
        "on_time": rank.on_time,
        "percent": rank.percent,
        "overdue": rank.overdue,
        "overdue_days": rank.overdue_days,
    }


# ---------------------------------------------------------------- roll-up, report, ledger


def rollup_json(view: View, result: Rollup) -> str:
    if result.sources:  # rollup --units: the roll-up as a folder's, and where each unit's plan came from
        inner = json.loads(rollup_json(view, replace(result, sources=[])))
        return json_text({"rollup": inner, "sources": result.sources})
    if result.by == "rank":
        return json_text([{"place": r.place, "unit": r.name, "due": r.due, "on_time": r.on_time,
                           "overdue": r.overdue, "overdue_days": r.overdue_days} for r in result.ranks])  # fmt: skip
    return json_text(result.as_json())


def rollup_md(view: View, result: Rollup) -> str:
    """The roll-up as Markdown; rollup --units adds 数据来源, where each unit's figures came from."""
    from reformctl.render import rolled

    said = _rolled_md(view, result)
    if not result.sources:
        return said
    return said.rstrip("\n") + "\n\n## 数据来源\n\n" + md_table(*rolled.sources(result))


def _rolled_md(view: View, result: Rollup) -> str:
    from reformctl.render import rolled

    heading = f"# {md(result.top.document.title)} 落实情况汇总\n\n截至 {view.as_of}，共 {len(result.units)} 个单位\n\n"
    if result.by == "rank":
        from reformctl.render.layout import RANK_HEADERS, rank_rows, rank_rule

        headers = ["名次", "单位", *RANK_HEADERS[2:]]
        ranked = md_table(headers, rank_rows(result.ranks)) if result.ranks else "没有已到期限的事项，不排名。\n"
        return heading + "## 考核排名\n\n" + ranked + "\n" + md_block(rank_rule(view.as_of, "单位")) + "\n"
    if result.by == "task":
        return heading + "各单位每项任务已完成的事项占比（不适用的事项不计）。\n\n" + md_table(*rolled.tasks(result))
    parts = [heading + md_table(*rolled.counts(result))]
    parts.append("## 各单位完成情况\n\n" + md_table(*(rolled.focus(result) if result.focus else rolled.units(result))))
    for title, table in (("逾期单位", rolled.late(result)), ("不适用", rolled.not_applicable(result))):
        if table[1]:
            parts.append(f"## {title}\n\n" + md_table(*table))
    return "\n".join(parts)


def document_md(document: Document) -> str:
    """Every text escaped (plain.md): a name or a note can never make a heading, a link or HTML.
    The 公文's parts the plan gives (发文机关, 文号, 主送, 落款, 成文日期, 联系人) in their places."""
    blocks = [md_block(document.issuer)] if document.issuer else []
    blocks += [md_block(document.number)] if document.number else []
    blocks += [f"# {md(document.title)}", md_block(document.subtitle)]
    blocks += [md_block(f"{document.recipients}：")] if document.recipients else []
    for section in document.sections:
        blocks.append(f"{'#' * section.level} {md(section.title)}")
        blocks.extend(md_block(p) for p in section.paragraphs)
        if section.table:
            rows = [[f"**{md(r[0])}**" if n in section.spans else md(r[0]), *map(md, r[1:])]
                    for n, r in enumerate(section.table)]  # fmt: skip
            blocks.append(md_table(section.headers, rows, escaped=True).rstrip("\n"))
        blocks.extend(md_block(p) for p in section.after)
    blocks += [md_block(line) for line in (document.signer, document.date, document.contact) if line]
    return "\n\n".join(blocks) + "\n"


def reminder_md(view: View, reminder: Reminder) -> str:
    """催办通知 to one department, as Markdown."""
    assert view.plan is not None
    return document_md(reminder_document(view.plan, reminder, view.as_of))


def report_md(view: View, period: Period) -> str:
    return document_md(period_document(period))


def ledger_json(view: View, _: None = None) -> str:
    assert view.plan is not None
    return json_text(ledger(view.plan, view.as_of, view.warn_days))


def ledger_csv(view: View, _: None = None) -> str:
    assert view.plan is not None
    records = [ledger_cells(r) for r in ledger(view.plan, view.as_of, view.warn_days)]
    return csv_text(list(LEDGER.values()), records, view.bom)
