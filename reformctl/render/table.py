"""The one table drawer every wide screen uses (`list`, `rollup`), and the `list` table itself.

A table is laid out in one pass (rich measures every cell again and again, which for thousands
of rows costs more than the data behind them). On a terminal it is printed through rich, in
colour; piped, rich would print the very same text without styles, so the text is written as
it is and rich's console is never started (a tenth of a command's start-up)."""

from __future__ import annotations

import os
import sys

from rich.cells import cell_len, set_cell_size

from reformctl import query
from reformctl.models import STATUS_LABELS
from reformctl.plain import one_line
from reformctl.query import Row, listed
from reformctl.render import View
from reformctl.render.words import LIGHT_STYLES, LIST_HEADERS, STATUS_STYLES, light_label
from reformctl.report import Summary

PIPE_WIDTH = 100_000  # piped without COLUMNS: no row is cut
Cell = tuple[str, "str | None"]  # text and rich style


def terminal() -> bool:
    """Whether rich treats standard output as a terminal (its Console.is_terminal, for stdout)."""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    try:
        return sys.stdout.isatty()
    except ValueError:  # closed
        return False


def piped_width() -> int:
    """What rich's console takes as the width when not on a terminal, with our piped default."""
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() else PIPE_WIDTH


def draw(view: View, headers: list[str], body: list[list[Cell]], flex: int | None, footer: str = "") -> None:
    """Column `flex` (if any) is cut to fit the screen; piped without COLUMNS, every row keeps its
    full text. People's text is one line, controls escaped (plain.one_line)."""
    styled = terminal()
    width = view.console.width if styled else piped_width()
    pieces = layout(headers, body, flex, width)
    if not styled:
        sys.stdout.write("".join(text for text, _ in pieces) + "\n" + (f"{footer}\n" if footer else ""))
        return
    from rich.text import Text

    out = Text()
    for text, style in pieces:
        out.append(text, style=style)
    view.console.print(out, soft_wrap=True)
    if footer:
        view.console.print(Text(footer, style="dim"))


def layout(headers: list[str], body: list[list[Cell]], flex: int | None, width: int) -> list[Cell]:
    """The table as pieces of text with their styles, drawn like rich's default box."""
    body = [[(one_line(value), style) for value, style in cells] for cells in body]  # text, never controls
    widths = [max([cell_len(h)] + [cell_len(cells[n][0]) for cells in body]) for n, h in enumerate(headers)]
    if flex is not None and width != PIPE_WIDTH:
        others = sum(widths) - widths[flex] + 3 * len(widths) + 1
        widths[flex] = max(10, width - others)
    out: list[Cell] = [(_rule("┏", "━", "┳", "┓", widths) + "┃", None)]
    for header, size in zip(headers, widths, strict=True):
        out += [(" ", None), (pad_cut(header, size), "bold"), (" ┃", None)]
    out.append(("\n" + _rule("┡", "━", "╇", "┩", widths), None))
    for cells in body:
        out.append(("│", None))
        for (value, style), size in zip(cells, widths, strict=True):
            out += [(" ", None), (pad_cut(value, size), style), (" │", None)]
        out.append(("\n", None))
    out.append((_rule("└", "─", "┴", "┘", widths).rstrip("\n"), None))
    return out


def _rule(left: str, line: str, cross: str, right: str, widths: list[int]) -> str:
    return left + cross.join(line * (width + 2) for width in widths) + right + "\n"


def pad_cut(value: str, width: int) -> str:
    """Exactly `width` cells: padded, or cut with an ellipsis."""
    size = cell_len(value)
    if size > width:
        return set_cell_size(value, width - 1) + "…"
    return value + " " * (width - size)


def list_table(view: View, rows: list[Row]) -> None:
    plan = view.plan
    assert plan is not None
    with_due = any(row.due for row in rows)
    grouped = bool(plan.groups)  # a plan whose tasks are grouped shows the group first
    headers = (["分组"] if grouped else []) + (LIST_HEADERS if with_due else LIST_HEADERS[:4])
    body: list[list[Cell]] = []
    for row in rows:
        cells: list[Cell] = [(row.task.group or "", None)] if grouped else []
        cells += [(row.id, None), (row.text, None), (listed(row.lead(plan)), None)]
        cells.append((STATUS_LABELS[row.status], STATUS_STYLES[row.status]))
        if with_due:
            value = query.light(row, view.as_of, view.warn_days)
            cells += [
                (row.due.isoformat() if row.due else "", None),
                (light_label(value), LIGHT_STYLES.get(value or "")),
            ]
        body.append(cells)
    draw(view, headers, body, flex=2 if grouped else 1, footer=f"共 {len(rows)} 项")


def summary_table(view: View, result: Summary) -> None:
    """The summary screen, then (summary --rank) the departments ranked, as the 督办通报 ranks them."""
    from reformctl.render import screens
    from reformctl.render.layout import RANK_HEADERS, rank_rows, rank_rule

    screens.summary(view, result)
    if result.rank is None:
        return
    _say(view, f"考核排名（截至 {result.as_of.isoformat()}）" + ("" if result.rank else "：没有已到期限的事项，不排名"))
    if not result.rank:
        return
    draw(view, RANK_HEADERS, [[(cell, None) for cell in row] for row in rank_rows(result.rank)], 1,
         rank_rule(result.as_of))  # fmt: skip


def _say(view: View, line: str) -> None:
    if terminal():
        from rich.text import Text

        view.console.print(Text(line, style="bold"))
    else:
        sys.stdout.write(line + "\n")
