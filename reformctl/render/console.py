"""The console: rich output for people, and the one table drawer every screen uses."""

from __future__ import annotations

import os

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.text import Text

from reformctl.models import STATUS_LABELS
from reformctl.plain import one_line
from reformctl.render.words import light_label

STATUS_STYLES = {"todo": "dim", "doing": "yellow", "done": "green", "blocked": "bold red"}
LIGHT_STYLES = {"red": "bold red", "yellow": "yellow", "green": "green"}


PIPE_WIDTH = 100_000


def make_console(no_color: bool = False) -> Console:
    """Rich output for people. Piped (no terminal, no COLUMNS), tables are not cut at 80 columns."""
    # No emoji codes (:smile:) or highlighting: plan text is printed as it is, and faster.
    out = Console(highlight=False, emoji=False, no_color=no_color or None)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out.width = PIPE_WIDTH
    return out


def fills_screen(out: Console) -> bool:
    """Whether a table fills the screen (cutting long text), rather than taking its natural width."""
    return out.width != PIPE_WIDTH


def status_text(status: str) -> Text:
    return Text(STATUS_LABELS[status], style=STATUS_STYLES[status])


def light_text(value: str | None) -> Text:
    """● 逾期 in red: the word carries the meaning without colour (NO_COLOR, GBK consoles)."""
    return Text(light_label(value), style=LIGHT_STYLES.get(value or ""))


Cell = tuple[str, "str | None"]  # text and rich style


def draw(console: Console, headers: list[str], body: list[list[Cell]], flex: int | None) -> None:
    """A table drawn like rich's, in one pass: rich measures every cell again and again, which for
    thousands of rows costs more than the data behind them. Column `flex` (if any) is cut to fit
    the screen; piped, every row keeps its full text."""
    body = [[(one_line(value), style) for value, style in cells] for cells in body]  # text, never controls
    widths = [max([cell_len(h)] + [cell_len(cells[n][0]) for cells in body]) for n, h in enumerate(headers)]
    if flex is not None and fills_screen(console):
        others = sum(widths) - widths[flex] + 3 * len(widths) + 1
        widths[flex] = max(10, console.width - others)
    out = Text()
    out.append(_rule("┏", "━", "┳", "┓", widths))
    out.append("┃")
    for header, width in zip(headers, widths, strict=True):
        out.append(" ")
        out.append(pad_cut(header, width), style="bold")
        out.append(" ┃")
    out.append("\n" + _rule("┡", "━", "╇", "┩", widths))
    for cells in body:
        out.append("│")
        for (value, style), width in zip(cells, widths, strict=True):
            out.append(" ")
            out.append(pad_cut(value, width), style=style)
            out.append(" │")
        out.append("\n")
    out.append(_rule("└", "─", "┴", "┘", widths).rstrip("\n"))
    console.print(out, soft_wrap=True)


def _rule(left: str, line: str, cross: str, right: str, widths: list[int]) -> str:
    return left + cross.join(line * (width + 2) for width in widths) + right + "\n"


def pad_cut(value: str, width: int) -> str:
    """Exactly `width` cells: padded, or cut with an ellipsis."""
    size = cell_len(value)
    if size > width:
        return set_cell_size(value, width - 1) + "…"
    return value + " " * (width - size)
