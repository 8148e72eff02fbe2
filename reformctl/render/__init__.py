"""Everything the tool shows or writes for people, in one registry: FORMATS[command][format].

Each renderer is `renderer(view, data)`: a screen prints to the console and returns None; a
file format returns its text (json, csv, md, html) or bytes (xlsx, docx), which the command line
prints or writes. Modules are imported when a format is used, so `list` never loads the HTML
or xlsx code, and `--format json` never loads rich. Renderers read; they never import edit.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reformctl.models import Plan
from reformctl.query import WARN_DAYS

Renderer = Callable[["View", Any], "str | bytes | None"]


class _Module:
    """A renderer module, imported when one of its renderers is first called, not before: the
    registry below names real functions, which the type checker sees (as the modules imported
    under TYPE_CHECKING), while `list` still never imports the HTML or the xlsx code."""

    def __init__(self, name: str):
        self.name = name

    def __getattr__(self, function: str) -> Renderer:
        def deferred(view: View, data: Any) -> str | bytes | None:
            renderer: Renderer = getattr(importlib.import_module(f"reformctl.render.{self.name}"), function)
            return renderer(view, data)

        deferred.__name__ = deferred.__qualname__ = f"{self.name}.{function}"
        return deferred


if TYPE_CHECKING:
    from reformctl.render import docx, html, screens, table, text, xlsx
else:
    docx, html, screens, table, text, xlsx = map(_Module, ("docx", "html", "screens", "table", "text", "xlsx"))

# command -> format -> renderer; the first format is the default.
FORMATS: dict[str, dict[str, Renderer]] = {
    "list": {"table": table.list_table, "json": text.list_json, "csv": text.list_csv, "md": text.list_md},
    "show": {"table": screens.show, "json": text.show_json},
    "doc": {"table": screens.doc},
    "depts": {"table": screens.depts},
    "log": {"table": screens.log, "json": text.log_json},
    "summary": {"table": table.summary_table, "json": text.summary_json},
    "rollup": {
        "table": screens.rollup,
        "json": text.rollup_json,
        "md": text.rollup_md,
        "html": html.rollup,
        "xlsx": xlsx.rollup,
        "docx": docx.rollup,
    },
    "report": {"md": text.report_md, "html": html.report, "docx": docx.report},
    "export": {"csv": text.ledger_csv, "xlsx": xlsx.ledger, "json": text.ledger_json},
    "form": {"xlsx": xlsx.form},
    "import": {"table": screens.recorded},
    "remind": {"md": text.reminder_md, "docx": docx.reminder},
    "init": {"table": screens.notice_read},
}


def formats(command: str) -> list[str]:
    """The --format choices of a command, the default first."""
    return list(FORMATS[command])


class View:
    """What a renderer needs besides its data: the plan, the day lights are judged on, which
    file it came from (a label for headings), and how to print."""

    __slots__ = ("plan", "as_of", "warn_days", "bom", "label", "file", "no_color", "_console")

    def __init__(
        self,
        plan: Plan | None = None,
        as_of: dt.date | None = None,
        warn_days: int = WARN_DAYS,
        *,
        bom: bool = True,
        label: str = "",
        file: str = "",
        no_color: bool = False,
    ):
        self.plan, self.as_of, self.warn_days, self.bom = plan, as_of or dt.date.today(), warn_days, bom
        self.label, self.file, self.no_color = label, file, no_color
        self._console: Any = None

    @property
    def console(self) -> Any:
        """The rich console, made on first use: file formats never import rich."""
        if self._console is None:
            from reformctl.render.console import make_console

            self._console = make_console(self.no_color)
        return self._console


def render(command: str, fmt: str, view: View, data: Any) -> str | bytes | None:
    return FORMATS[command][fmt](view, data)
