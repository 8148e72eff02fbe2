"""Renderers for `list`, one per --format, in a registry keyed by the format's name."""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Callable, Iterable
from typing import TextIO

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.text import Text

from reformctl import plain
from reformctl.models import STATUS_LABELS, Plan
from reformctl.plain import csv_cell, one_line
from reformctl.query import LIGHTS, WARN_DAYS, Row, light

STATUS_STYLES = {"todo": "dim", "doing": "yellow", "done": "green", "blocked": "bold red"}
LIGHT_STYLES = {"red": "bold red", "yellow": "yellow", "green": "green"}
HEADERS = ["编号", "内容", "牵头部门", "状态", "期限", "提示"]


class View:
    """What every renderer needs besides the rows: the plan, the day lights are judged on, where to write."""

    __slots__ = ("plan", "as_of", "console", "out", "warn_days", "bom")

    def __init__(
        self, plan: Plan, as_of: dt.date, console: Console, out: TextIO, warn_days: int = WARN_DAYS, bom: bool = True
    ):
        self.plan, self.as_of, self.console, self.out, self.warn_days, self.bom = (
            plan,
            as_of,
            console,
            out,
            warn_days,
            bom,
        )


PIPE_WIDTH = 100_000


def make_console(no_color: bool = False) -> Console:
    """Rich output for people. Piped (no terminal, no COLUMNS), tables are not cut at 80 columns."""
    # No emoji codes (:smile:) or highlighting: plan text is printed as it is, and faster.
    out = Console(highlight=False, emoji=False, no_color=no_color or None)
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
    return Text(light_label(value), style=LIGHT_STYLES.get(value or ""))


def _cells(view: View, row: Row) -> list[str]:
    hint = LIGHTS.get(light(row, view.as_of, view.warn_days) or "", "")
    due = row.due.isoformat() if row.due else ""
    return [row.id, row.text, "、".join(row.lead(view.plan)), STATUS_LABELS[row.status], due, hint]


def table(rows: list[Row], view: View) -> None:
    with_due = any(row.due for row in rows)
    headers = HEADERS if with_due else HEADERS[:4]
    body: list[list[Cell]] = []
    for row in rows:
        cells = [(row.id, None), (row.text, None), ("、".join(row.lead(view.plan)), None)]
        cells.append((STATUS_LABELS[row.status], STATUS_STYLES[row.status]))
        if with_due:
            value = light(row, view.as_of, view.warn_days)
            cells += [
                (row.due.isoformat() if row.due else "", None),
                (light_label(value), LIGHT_STYLES.get(value or "")),
            ]
        body.append(cells)
    draw(view.console, headers, body, flex=1)
    view.console.print(Text(f"共 {len(rows)} 项", style="dim"))  # Text: no markup to parse


Cell = tuple[str, "str | None"]  # text and rich style


def draw(console: Console, headers: list[str], body: list[list[Cell]], flex: int | None) -> None:
    """A table drawn like rich's, in one pass: rich measures every cell again and again, which for
    thousands of rows costs more than the data behind them. Column `flex` (if any) is cut to fit
    the screen; piped, every row keeps its full text."""
    body = [[(one_line(value), style) for value, style in cells] for cells in body]  # text, never controls
    widths = [max([cell_len(h)] + [cell_len(cells[n][0]) for cells in body]) for n, h in enumerate(headers)]
    if flex is not None and fit(console):
        others = sum(widths) - widths[flex] + 3 * len(widths) + 1
        widths[flex] = max(10, console.width - others)
    out = Text()
    out.append(_rule("┏", "━", "┳", "┓", widths))
    out.append("┃")
    for header, width in zip(headers, widths, strict=True):
        out.append(" ")
        out.append(_fit(header, width), style="bold")
        out.append(" ┃")
    out.append("\n" + _rule("┡", "━", "╇", "┩", widths))
    for cells in body:
        out.append("│")
        for (value, style), width in zip(cells, widths, strict=True):
            out.append(" ")
            out.append(_fit(value, width), style=style)
            out.append(" │")
        out.append("\n")
    out.append(_rule("└", "─", "┴", "┘", widths).rstrip("\n"))
    console.print(out, soft_wrap=True)


def _rule(left: str, line: str, cross: str, right: str, widths: list[int]) -> str:
    return left + cross.join(line * (width + 2) for width in widths) + right + "\n"


def _fit(value: str, width: int) -> str:
    """Exactly `width` cells: padded, or cut with an ellipsis."""
    size = cell_len(value)
    if size > width:
        return set_cell_size(value, width - 1) + "…"
    return value + " " * (width - size)


def light_label(value: str | None) -> str:
    return f"● {LIGHTS[value]}" if value else ""


def json_(rows: list[Row], view: View) -> None:
    write_json(view.out, (row.as_json(view.plan, view.as_of, view.warn_days) for row in rows))


def write_json(out: TextIO, records: Iterable[object]) -> None:
    """A JSON array with one record per line, written as it goes: compact records use the C
    encoder (indentation would not), and a line per record reads well and greps well."""
    import json  # not on every start-up: only JSON output needs it

    out.write("[")
    for n, record in enumerate(records):
        out.write(("," if n else "") + "\n" + json.dumps(record, ensure_ascii=False))
    out.write("\n]\n")


def csv_(rows: list[Row], view: View) -> None:
    write_csv(view.out, HEADERS, [_cells(view, row) for row in rows], view.bom)


def write_csv(out: TextIO, headers: list[str], records: list[list[str]], bom: bool) -> None:
    """UTF-8 with a BOM by default, so that Excel on a Chinese Windows desktop opens it correctly.
    A cell that could start a formula gets a leading apostrophe (plain.csv_cell)."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([csv_cell(cell) for cell in record] for record in records)


def md(rows: list[Row], view: View) -> None:
    view.out.write(md_table(HEADERS, [_cells(view, row) for row in rows]))


def md_table(headers: list[str], records: list[list[str]]) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(plain.md(c) for c in cells) + " |\n"

    return line(headers) + line(["---"] * len(headers)) + "".join(line(r) for r in records)


Renderer = Callable[[list[Row], View], None]
LIST_FORMATS: dict[str, Renderer] = {"table": table, "json": json_, "csv": csv_, "md": md}
