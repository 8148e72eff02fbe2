"""xlsx, through openpyxl (the optional extra `xlsx`): the ledger (台账) fit to print, the
roll-up matrix, and the fill-in forms (填报表) that come back as records.

Every cell of people's text is a string cell (never a formula: plain.xlsx_text), ids included,
so 1.1 never becomes a number; dates are real date cells. Each sheet prints landscape on A4,
one page wide, with its header repeated on every page.
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import io
import sys
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len

from reformctl.errors import ReformctlError, need
from reformctl.forms import FILL_IN, HEADER_ROW, IDENTITY, LETTER, READ_ONLY, Line
from reformctl.models import STATUS_LABELS
from reformctl.plain import xlsx_text
from reformctl.query import LIGHTS, listed
from reformctl.render import View
from reformctl.render.words import LEDGER
from reformctl.report import ledger as ledger_records

FILLS = {"red": "F4C7C3", "yellow": "FCE8B2", "blocked": "E6B8B7", "fill_in": "FFF9DB", "header": "E7E6E6"}
DATE_FORMAT = "yyyy-mm-dd"


def _openpyxl() -> Any:
    return need("openpyxl", "xlsx ")


class Sheet:
    """A sheet being written: a title row, a header row, typed cells, borders and print setup."""

    def __init__(self, sheet: Any, title: str, headers: list[str], header_row: int = 2):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.sheet, self.headers, self.header_row = sheet, headers, header_row
        self.thin = Border(*(Side(style="thin", color="999999"),) * 4)
        self.fill, self.align = PatternFill, Alignment
        sheet.cell(row=1, column=1, value=xlsx_text(title)).font = Font(bold=True, size=14)
        for n, header in enumerate(headers, 1):
            cell = sheet.cell(row=header_row, column=n, value=header)
            cell.font, cell.border = Font(bold=True), self.thin
            cell.fill = PatternFill("solid", fgColor=FILLS["header"])
        self.widths = [cell_len(h) for h in headers]

    def put(self, row: int, column: int, value: Any, fill: str | None = None) -> Any:
        """A typed cell: a date stays a date, text stays text (never a formula)."""
        if isinstance(value, dt.date):
            cell = self.sheet.cell(row=row, column=column, value=value)
            cell.number_format = DATE_FORMAT
            shown = 10
        elif isinstance(value, int):
            cell = self.sheet.cell(row=row, column=column, value=value)
            shown = len(str(value))
        else:
            cell = self.sheet.cell(row=row, column=column, value=xlsx_text(str(value or "")))
            cell.data_type = "s"  # text, never a formula: `=1+1` typed in a note stays `=1+1`
            shown = cell_len(str(value or ""))
        cell.border = self.thin
        cell.alignment = self.align(wrap_text=True, vertical="top")
        if fill:
            cell.fill = self.fill("solid", fgColor=FILLS[fill])
        self.widths[column - 1] = max(self.widths[column - 1], min(shown, 50))
        return cell

    def finish(self, last_row: int) -> None:
        sheet, letter = self.sheet, self.sheet.cell(row=1, column=len(self.headers)).column_letter
        for n, width in enumerate(self.widths, 1):
            sheet.column_dimensions[sheet.cell(row=1, column=n).column_letter].width = width + 2
        for cells in sheet.iter_rows(min_row=self.header_row + 1, max_row=last_row):
            # Rows as tall as their wrapped text: LibreOffice keeps a row one line high otherwise.
            lines = max(
                (-(-cell_len(str(c.value or "")) // (self.widths[n] + 1)) for n, c in enumerate(cells)), default=1
            )
            sheet.row_dimensions[cells[0].row].height = 15 * max(1, lines)
        sheet.freeze_panes = sheet.cell(row=self.header_row + 1, column=2)
        sheet.auto_filter.ref = f"A{self.header_row}:{letter}{max(last_row, self.header_row)}"
        sheet.print_title_rows = f"{self.header_row}:{self.header_row}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _saved(book: Any) -> bytes:
    """The workbook's bytes. openpyxl writes each sheet to a temporary file first, so a full disk
    (or a file-size limit) fails inside lxml: said as the plan's own writes say it, not a traceback."""
    out = io.BytesIO()
    try:
        book.save(out)
        return out.getvalue()
    except Exception as exc:  # OSError, or lxml's SerialisationError("IO_EFBIG")
        said = str(exc)
        full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
        failed = "磁盘已满" if full or "EFBIG" in said or "ENOSPC" in said else said
    _quietly_collect()  # the sheet writers left open by the failure, before they complain at exit
    raise ReformctlError(f"无法生成 xlsx 文件（临时文件写入失败：{failed}），未写入任何文件")


def _quietly_collect() -> None:
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


# ---------------------------------------------------------------- the ledger


def ledger(view: View, _: None = None) -> bytes:
    plan = view.plan
    assert plan is not None
    book = _openpyxl().Workbook()
    unit = f" · {plan.unit.name}" if plan.unit else ""
    headers = [*LEDGER.values(), "逾期天数"]
    sheet = Sheet(book.active, f"{plan.document.title}台账{unit} · 截至 {view.as_of}", headers)
    sheet.sheet.title = "台账"
    records = ledger_records(plan, view.as_of, view.warn_days)
    for r, record in enumerate(records, sheet.header_row + 1):
        light, status = record["light"], str(record["status"])
        fill = "blocked" if status == "blocked" else light if light in ("red", "yellow") else None
        due = dt.date.fromisoformat(str(record["due"])) if record["due"] else None
        noted = dt.date.fromisoformat(str(record["last_note_date"])) if record["last_note_date"] else None
        late = (view.as_of - due).days if light == "red" and due else ""
        values = {**record, "status": STATUS_LABELS[status], "light": LIGHTS.get(str(light), ""),
                  "due": due, "last_note_date": noted}  # fmt: skip
        for c, key in enumerate(LEDGER, 1):
            value = values[key]
            value = listed(value) if isinstance(value, list) else value
            sheet.put(r, c, value, fill if key in ("status", "light", "due") else None)
        sheet.put(r, len(headers), late, fill if late else None)
    sheet.finish(sheet.header_row + len(records))
    return _saved(book)


# ---------------------------------------------------------------- the roll-up


def rollup(view: View, result: Any) -> bytes:
    """The unit-by-row matrix as a sheet, and the same matrix for each level of unit."""
    from reformctl.render import rolled

    book = _openpyxl().Workbook()
    levels = [("汇总", result.units)] + [
        (level, [u for u in result.units if u.level == level]) for level in dict.fromkeys(u.level for u in result.units)
    ]
    for n, (name, units) in enumerate(levels):
        title = f"{result.top.document.title} 落实情况 · {name} · 截至 {view.as_of}"
        sheet = Sheet(book.active if n == 0 else book.create_sheet(), title, ["编号", "事项", *(u.name for u in units)])
        sheet.sheet.title = name
        for r, row in enumerate(result.rows, sheet.header_row + 1):
            sheet.put(r, 1, row.id)
            sheet.put(r, 2, row.text)
            for c, unit in enumerate(units, 3):
                status = result.status[row.id][unit.name]
                late = unit.name in result.overdue[row.id]
                fill = "red" if late else "blocked" if status == "blocked" else None
                sheet.put(r, c, rolled.cell(result, row.id, unit.name), fill)
        sheet.finish(sheet.header_row + len(result.rows))
    return _saved(book)


# ---------------------------------------------------------------- fill-in forms


@dataclass
class Form:
    """What `reformctl form` writes: the plan's identity, and each department's lines."""

    identity: dict[str, str]
    sheets: list[tuple[str, list[Line]]]


def form(view: View, data: Form) -> bytes:
    """A sheet per department, then the identity and each row's record count in a hidden sheet."""
    book = _openpyxl().Workbook()  # first: says plainly when openpyxl is not installed
    book.remove(book.active)
    known: list[tuple[str, str, int]] = []
    for dept, lines in data.sheets:
        _form_sheet(book, view, dept, lines)
        known += [(dept, line.row.id, len(line.row.history)) for line in lines]
    info = book.create_sheet(IDENTITY)
    rows = [*([key, value] for key, value in data.identity.items()), [], ["工作表", "编号", "已有记录数"], *known]
    for r, values in enumerate(rows, 1):  # the identity in rows 1–5, the record counts from row 8
        for c, value in enumerate(values, 1):
            info.cell(row=r, column=c, value=value)
    info.sheet_state = "hidden"
    return _saved(book)


def _form_sheet(book: Any, view: View, dept: str, lines: list[Line]) -> None:
    """The read-only columns locked, the fill-in ones open and shaded, a dropdown of the
    statuses, date cells with a gentle check (a date typed as text is still accepted)."""
    from openpyxl.styles import Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    assert view.plan is not None
    title = f"{view.plan.document.title} 进展填报表 · {dept} · 截至 {view.as_of}"
    sheet = Sheet(book.create_sheet(dept), title, READ_ONLY + FILL_IN, HEADER_ROW)
    guide = "请在浅黄色列填写：新状态（下拉选择）、进展日期、进展说明、新期限、调整原因；其他列不能修改。"
    sheet.sheet.cell(row=2, column=1, value=guide)
    statuses = DataValidation(type="list", formula1='"' + ",".join(STATUS_LABELS.values()) + '"', allow_blank=True)
    dates = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True,
                           errorStyle="warning", error="请填日期，如 2020-09-04")  # fmt: skip
    sheet.sheet.add_data_validation(statuses)
    sheet.sheet.add_data_validation(dates)
    for r, line in enumerate(lines, HEADER_ROW + 1):
        row = line.row
        last = row.history[-1] if row.history else None
        said = f"{last.date} {last.note or ''}".strip() if last else ""
        values = [
            row.id,
            row.task.title,
            row.text,
            line.role,
            row.owner or "",
            STATUS_LABELS[row.status],
            row.due,
            said,
        ]
        for c, value in enumerate(values, 1):
            sheet.put(r, c, value)
        for name in FILL_IN:
            cell = sheet.put(r, ord(LETTER[name]) - ord("A") + 1, None, "fill_in")
            cell.protection = Protection(locked=False)
            if name in ("进展日期", "新期限"):
                cell.number_format = DATE_FORMAT
        statuses.add(f"{LETTER['新状态']}{r}")
        dates.add(f"{LETTER['进展日期']}{r}")
        dates.add(f"{LETTER['新期限']}{r}")
    sheet.finish(HEADER_ROW + len(lines))
    sheet.sheet.protection.sheet = True  # no password: a guard against slips, not a lock
    sheet.sheet.protection.autoFilter = False
