"""Renderers for `list`, one per --format, in a registry keyed by the format's name."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from reformctl.models import STATUS_LABELS, Plan
from reformctl.query import LIGHTS, WARN_DAYS, Row, light

STATUS_STYLES = {"todo": "dim", "doing": "yellow", "done": "green", "blocked": "bold red"}
LIGHT_STYLES = {"red": "bold red", "yellow": "yellow", "green": "green"}
HEADERS = ["编号", "内容", "牵头部门", "状态", "期限", "提示"]


@dataclass
class View:
    """What every renderer needs besides the rows: the plan, the day lights are judged on, where to write."""

    plan: Plan
    as_of: dt.date
    console: Console
    out: TextIO
    warn_days: int = WARN_DAYS
    bom: bool = True


PIPE_WIDTH = 100_000


def make_console(no_color: bool = False) -> Console:
    """Rich output for people. Piped (no terminal, no COLUMNS), tables are not cut at 80 columns."""
    out = Console(highlight=False, no_color=no_color or None)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out.width = PIPE_WIDTH
    return out


def fit(out: Console) -> bool:
    """Whether a table fills the screen (cutting long text), rather than taking its natural width."""
    return out.width != PIPE_WIDTH


def status_text(status: str) -> Text:
    return Text(STATUS_LABELS[status], style=STATUS_STYLES[status])


def light_text(value: str | None) -> Text:
    """● 逾期 in red: the word carries the meaning without colour (NO_COLOR, GBK consoles)."""
    return Text(f"● {LIGHTS[value]}", style=LIGHT_STYLES[value]) if value else Text("")


def _cells(view: View, row: Row) -> list[str]:
    hint = LIGHTS.get(light(row, view.as_of, view.warn_days) or "", "")
    due = row.due.isoformat() if row.due else ""
    return [row.id, row.text, "、".join(row.lead(view.plan)), STATUS_LABELS[row.status], due, hint]


def table(rows: list[Row], view: View) -> None:
    with_due = any(row.due for row in rows)
    # The text is cut to fit; the short columns keep their whole width.
    grid = Table(header_style="bold", expand=fit(view.console))
    grid.add_column(HEADERS[0], no_wrap=True, min_width=4)
    grid.add_column(HEADERS[1], no_wrap=True, overflow="ellipsis", ratio=1, min_width=10)
    grid.add_column(HEADERS[2], no_wrap=True, min_width=_widest(["、".join(r.lead(view.plan)) for r in rows]))
    grid.add_column(HEADERS[3], no_wrap=True, min_width=6)
    if with_due:
        grid.add_column(HEADERS[4], no_wrap=True, min_width=10)
        grid.add_column(HEADERS[5], no_wrap=True, min_width=6)
    for row in rows:
        cells: list[str | Text] = [row.id, row.text, "、".join(row.lead(view.plan)), status_text(row.status)]
        if with_due:
            cells += [row.due.isoformat() if row.due else "", light_text(light(row, view.as_of, view.warn_days))]
        grid.add_row(*cells)
    view.console.print(grid)
    view.console.print(f"共 {len(rows)} 项", style="dim")


def _widest(cells: list[str]) -> int:
    return max((cell_len(c) for c in cells), default=8)


def json_(rows: list[Row], view: View) -> None:
    records = [row.as_json(view.plan, view.as_of, view.warn_days) for row in rows]
    json.dump(records, view.out, ensure_ascii=False, indent=2)
    view.out.write("\n")


def csv_(rows: list[Row], view: View) -> None:
    write_csv(view.out, HEADERS, [_cells(view, row) for row in rows], view.bom)


def write_csv(out: TextIO, headers: list[str], records: list[list[str]], bom: bool) -> None:
    """UTF-8 with a BOM by default, so that Excel on a Chinese Windows desktop opens it correctly."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(records)


def md(rows: list[Row], view: View) -> None:
    view.out.write(md_table(HEADERS, [_cells(view, row) for row in rows]))


def md_table(headers: list[str], records: list[list[str]]) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |\n"

    return line(headers) + line(["---"] * len(headers)) + "".join(line(r) for r in records)


Renderer = Callable[[list[Row], View], None]
LIST_FORMATS: dict[str, Renderer] = {"table": table, "json": json_, "csv": csv_, "md": md}
