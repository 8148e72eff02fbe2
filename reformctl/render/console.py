"""The console: rich output for people, with the styles of statuses and lights."""

from __future__ import annotations

import os

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from reformctl.models import STATUS_LABELS
from reformctl.render.table import LIGHT_STYLES, PIPE_WIDTH, STATUS_STYLES
from reformctl.render.words import light_label


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


CLOSING = set("，。、；：？！）」』》〉】〕”’…%,.;:?!)]}")  # never at the start of a line (避头尾)


def kinsoku(text: str, width: int) -> list[str]:
    """Lines of at most `width` cells; a closing punctuation mark that would start a line takes
    the character before it along, as Chinese typesetting does."""
    lines, current, size = [], "", 0
    for char in text:
        wide = cell_len(char)
        if size + wide > width and current:
            carried = ""
            while char in CLOSING and current and len(carried) < 3:
                carried, current = current[-1] + carried, current[:-1]
            lines.append(current)
            current, size = carried, cell_len(carried)
        current += char
        size += wide
    return [*lines, current] if current or not lines else lines


def status_text(status: str) -> Text:
    return Text(STATUS_LABELS[status], style=STATUS_STYLES[status])


def light_text(value: str | None) -> Text:
    """● 逾期 in red: the word carries the meaning without colour (NO_COLOR, GBK consoles)."""
    return Text(light_label(value), style=LIGHT_STYLES.get(value or ""))
