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


ASCII_WORD = "".join(chr(c) for c in range(33, 127))  # letters, digits, ASCII punctuation: no space
CLOSING = set("，。、；：？！）」』》〉】〕”’…%,.;:?!)]}")  # never at the start of a line (避头尾)


def kinsoku(text: str, width: int) -> list[str]:
    """Lines of at most `width` cells, broken as Chinese typesetting does: a closing punctuation
    mark never starts a line (it takes the word or character before it along), and a run of
    ASCII (docs/签约.pdf, json) is not cut in two."""
    lines, current, size = [], "", 0
    for n, char in enumerate(text):
        wide = cell_len(char)
        if size + wide > width and current:
            closing = text[n:].lstrip(" ")[:1] in CLOSING
            trimmed = current.rstrip(" ") if closing else current
            word = len(trimmed) - len(trimmed.rstrip(ASCII_WORD))
            take = word if 0 < word < len(trimmed) and word < width // 2 else 0
            if closing:
                take = len(current) - len(trimmed) + max(take, 1)
            elif char not in ASCII_WORD:
                take = 0
            carried, current = current[len(current) - take :], current[: len(current) - take]
            lines.append(current.rstrip())
            current = carried.lstrip()
            size = cell_len(current)
        if char == " " and not current and lines:
            continue  # no continued line starts with a space
        current += char
        size += wide
    return [*lines, current] if current or not lines else lines


def status_text(status: str) -> Text:
    return Text(STATUS_LABELS[status], style=STATUS_STYLES[status])


def light_text(value: str | None) -> Text:
    """● 逾期 in red: the word carries the meaning without colour (NO_COLOR, GBK consoles)."""
    return Text(light_label(value), style=LIGHT_STYLES.get(value or "", ""))
