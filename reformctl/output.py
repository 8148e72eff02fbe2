"""Renderers for `list`, one per --format, in a registry keyed by the format's name."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from reformctl.models import STATUS_LABELS, Plan
from reformctl.query import Row

STATUS_STYLES = {"todo": "dim", "doing": "yellow", "done": "green", "blocked": "bold red"}
HEADERS = ["编号", "内容", "牵头部门", "状态", "期限"]


def status_text(status: str) -> Text:
    return Text(STATUS_LABELS[status], style=STATUS_STYLES[status])


def _cells(plan: Plan, row: Row) -> list[str]:
    due = row.due.isoformat() if row.due else ""
    return [row.id, row.text, "、".join(row.lead(plan)), STATUS_LABELS[row.status], due]


def table(plan: Plan, rows: list[Row], console: Console, out: TextIO) -> None:
    with_due = any(row.due for row in rows)
    # The text is cut to fit; the short columns keep their whole width.
    grid = Table(header_style="bold", expand=True)
    grid.add_column(HEADERS[0], no_wrap=True, min_width=4)
    grid.add_column(HEADERS[1], no_wrap=True, overflow="ellipsis", ratio=1, min_width=10)
    grid.add_column(HEADERS[2], no_wrap=True, min_width=_widest(["、".join(r.lead(plan)) for r in rows]))
    grid.add_column(HEADERS[3], no_wrap=True, min_width=6)
    if with_due:
        grid.add_column(HEADERS[4], no_wrap=True, min_width=10)
    for row in rows:
        cells: list[str | Text] = [row.id, row.text, "、".join(row.lead(plan)), status_text(row.status)]
        if with_due:
            cells.append(row.due.isoformat() if row.due else "")
        grid.add_row(*cells)
    console.print(grid)
    console.print(f"共 {len(rows)} 项", style="dim")


def _widest(cells: list[str]) -> int:
    return max((cell_len(c) for c in cells), default=8)


def json_(plan: Plan, rows: list[Row], console: Console, out: TextIO) -> None:
    json.dump([row.as_json(plan) for row in rows], out, ensure_ascii=False, indent=2)
    out.write("\n")


def csv_(plan: Plan, rows: list[Row], console: Console, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    records = [row.as_json(plan) for row in rows]
    writer.writerow(records[0] if records else ["id", "task", "title", "text", "lead", "status", "due"])
    for record in records:
        writer.writerow(["、".join(v) if isinstance(v, list) else v or "" for v in record.values()])


def md(plan: Plan, rows: list[Row], console: Console, out: TextIO) -> None:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |\n"

    out.write(line(HEADERS))
    out.write(line(["---"] * len(HEADERS)))
    for row in rows:
        out.write(line(_cells(plan, row)))


Renderer = Callable[[Plan, list[Row], Console, TextIO], None]
LIST_FORMATS: dict[str, Renderer] = {"table": table, "json": json_, "csv": csv_, "md": md}
