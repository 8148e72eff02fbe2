"""The console: rich output for people, and statuses and lights as styled rich Text."""

from __future__ import annotations

import os

from rich.console import Console
from rich.text import Text

from reformctl.models import STATUS_LABELS
from reformctl.render.table import PIPE_WIDTH
from reformctl.render.words import LIGHT_STYLES, STATUS_STYLES, light_label


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
    return Text(light_label(value), style=LIGHT_STYLES.get(value or "", ""))
