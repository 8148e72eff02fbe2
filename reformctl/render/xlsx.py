"""xlsx, through openpyxl: the ledger (台账) fit to print, the roll-up matrix in the heat map's
colours, and the fill-in forms (填报表) that come back as records.

Every cell of people's text is a string cell (never a formula: plain.xlsx_text), ids included,
so 1.1 never becomes a number; dates are real date cells. Each sheet prints landscape on A4,
one page wide and as many pages long as it needs, with its header repeated on every page.
Printed text stays readable (about 9 pt or more on A4) because the columns are chosen to fit a
page at close to full size: long texts wrap in wide columns and their rows grow with them.
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
from reformctl.query import LIGHTS, listed, rows
from reformctl.render import View
from reformctl.render.words import LEDGER
from reformctl.report import ledger as ledger_records

FILLS = {"red": "F4C7C3", "yellow": "FCE8B2", "blocked": "E6B8B7", "fill_in": "FFF9DB", "header": "E7E6E6"}
DATE_FORMAT = "yyyy-mm-dd"
DATE_WIDTH = 12  # yyyy-mm-dd and a margin: a narrower column shows ### instead of the date
LINE_HEIGHT = 15  # points per wrapped line of 11 pt text, as LibreOffice and Excel space CJK lines

# The ledger as printed: the columns a reader of the paper needs, each with its width (in
# characters; a Chinese character takes two). They add up to about one landscape A4 page at
# full size, so fitToWidth hardly shrinks them. The rest of each record is on the second sheet.
PRINTED = {"id": 7, "title": 14, "text": 32, "lead": 12, "status": 8, "due": DATE_WIDTH, "light": 6,
           "last_note": 28, "last_note_date": DATE_WIDTH}  # fmt: skip
LATE_HEADER, LATE_WIDTH = "逾期天数", 6
BESIDE = {"id": 7, "task": 8, "title": 22, "participants": 20, "owner": 10, "contact": 16, "deadline": 14, "links": 30}
BESIDE_TITLE = "责任人与材料"
SAID = {"contact": "联系方式", "deadline": "期限原文"}  # not among the columns of CSV and JSON

# The form: each column wide enough for what goes in it, the fill-in ones included.
FORM_WIDTHS = {"编号": 6, "任务": 12, "内容": 24, "角色": 6, "责任人": 8, "当前状态": 8, "期限": DATE_WIDTH,
               "最新进展": 16, "新状态": 10, "进展日期": DATE_WIDTH, "进展说明": 26, "新期限": DATE_WIDTH,
               "调整原因": 12}  # fmt: skip
FORM_LINES = 3  # a fill-in row is at least three lines high: room to write 进展说明 in


def _openpyxl() -> Any:
    return need("openpyxl", "xlsx ")


def text_cell(sheet: Any, row: int, column: int, text: str) -> Any:
    """A cell of text, never a formula: `=1+1` typed in a note, or as a unit's name, stays `=1+1`."""
    cell = sheet.cell(row=row, column=column, value=xlsx_text(text))
    cell.data_type = "s"
    return cell


class Sheet:
    """A sheet being written: a title row, a header row, typed cells, borders and print setup."""

    def __init__(
        self, sheet: Any, title: str, headers: list[str], header_row: int = 2, widths: list[int] | None = None
    ):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.sheet, self.headers, self.header_row, self.fixed = sheet, headers, header_row, widths
        self.thin = Border(*(Side(style="thin", color="999999"),) * 4)
        self.fill, self.align = PatternFill, Alignment
        text_cell(sheet, 1, 1, title).font = Font(bold=True, size=14)
        for n, header in enumerate(headers, 1):  # a unit's name heads a column of the roll-up: text too
            cell = text_cell(sheet, header_row, n, header)
            cell.font, cell.border = Font(bold=True), self.thin
            cell.fill = PatternFill("solid", fgColor=FILLS["header"])
            cell.alignment = Alignment(wrap_text=True, vertical="center")
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
            cell = text_cell(self.sheet, row, column, str(value or ""))
            shown = cell_len(str(value or ""))
        cell.border = self.thin
        cell.alignment = self.align(wrap_text=True, vertical="top")
        if fill:
            cell.fill = self.fill("solid", fgColor=FILLS[fill])
        self.widths[column - 1] = max(self.widths[column - 1], min(shown, 50))
        return cell

    def finish(self, last_row: int, least_lines: int = 1) -> None:
        sheet, letter = self.sheet, self.sheet.cell(row=1, column=len(self.headers)).column_letter
        widths = self.fixed or [width + 2 for width in self.widths]
        for n, width in enumerate(widths, 1):
            sheet.column_dimensions[sheet.cell(row=1, column=n).column_letter].width = width
        header = max(wrapped(h, widths[n]) for n, h in enumerate(self.headers))
        sheet.row_dimensions[self.header_row].height = LINE_HEIGHT * header + 3
        for cells in sheet.iter_rows(min_row=self.header_row + 1, max_row=last_row):
            # Rows as tall as their wrapped text: LibreOffice keeps a row one line high otherwise.
            lines = max((wrapped(_shown(c.value), widths[n]) for n, c in enumerate(cells)), default=1)
            sheet.row_dimensions[cells[0].row].height = LINE_HEIGHT * max(least_lines, lines) + 3
        sheet.freeze_panes = sheet.cell(row=self.header_row + 1, column=2)
        sheet.auto_filter.ref = f"A{self.header_row}:{letter}{max(last_row, self.header_row)}"
        sheet.print_title_rows = f"{self.header_row}:{self.header_row}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        margins = sheet.page_margins  # in inches: 1.3 cm at the sides, room for a binding at the top
        margins.left = margins.right = 0.5
        margins.top, margins.bottom, margins.header, margins.footer = 0.7, 0.6, 0.3, 0.3
        sheet.print_options.horizontalCentered = True
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _shown(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return "yyyy-mm-dd"
    return "" if value is None else str(value)


def wrapped(text: str, width: float) -> int:
    """How many lines `text` takes in a column `width` characters wide, wrapped (a Chinese
    character is two). One character of the width is the cell's padding; each line of the text
    wraps on its own."""
    room = max(1, int(width) - 1)
    return max(1, sum(max(1, -(-cell_len(line) // room)) for line in text.split("\n")))


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
    """Two sheets: 台账, the columns that are read on paper; 责任人与材料, the rest of each row
    (task, participants, owner and contact, the deadline as written, links), by 事项编号. Together they hold
    every field of the ledger."""
    plan = view.plan
    assert plan is not None
    book = _openpyxl().Workbook()
    unit = f" · {plan.unit.name}" if plan.unit else ""
    headers = [*(LEDGER[key] for key in PRINTED), LATE_HEADER]
    title = f"{plan.document.title}台账{unit} · 截至 {view.as_of}"
    sheet = Sheet(book.active, title, headers, widths=[*PRINTED.values(), LATE_WIDTH])
    sheet.sheet.title = "台账"
    beside_headers = [SAID.get(key) or LEDGER[key] for key in BESIDE]
    contacts = {row.id: row.contact for row in rows(plan)}
    beside = Sheet(
        book.create_sheet(BESIDE_TITLE), f"{title} · {BESIDE_TITLE}", beside_headers, widths=[*BESIDE.values()]
    )
    records = ledger_records(plan, view.as_of, view.warn_days)
    for r, record in enumerate(records, sheet.header_row + 1):
        light, status = record["light"], str(record["status"])
        fill = "blocked" if status == "blocked" else light if light in ("red", "yellow") else None
        due = dt.date.fromisoformat(str(record["due"])) if record["due"] else None
        noted = dt.date.fromisoformat(str(record["last_note_date"])) if record["last_note_date"] else None
        late = (view.as_of - due).days if light == "red" and due else ""
        values = {**record, "status": STATUS_LABELS[status], "light": LIGHTS.get(str(light), ""),
                  "due": due, "last_note_date": noted, "contact": contacts[str(record["id"])]}  # fmt: skip
        for c, key in enumerate(PRINTED, 1):
            value = values[key]
            value = listed(value) if isinstance(value, list) else value
            sheet.put(r, c, value, fill if key in ("status", "light", "due") else None)
        sheet.put(r, len(headers), late, fill if late else None)
        for c, key in enumerate(BESIDE, 1):
            value = values[key]
            beside.put(r, c, listed(value) if isinstance(value, list) else value)
    sheet.finish(sheet.header_row + len(records))
    beside.finish(beside.header_row + len(records))
    return _saved(book)


# ---------------------------------------------------------------- the roll-up


def rollup(view: View, result: Any) -> bytes:
    """The unit-by-row matrix as a sheet, and the same matrix for each level of unit, each cell in
    the heat map's colour for its status (render/html.py's COLOURS), its words saying the status."""
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
                cell = sheet.put(r, c, rolled.cell(result, row.id, unit.name))
                heat(cell, result.status[row.id][unit.name], unit.name in result.overdue[row.id])
        last = sheet.header_row + len(result.rows)
        sheet.finish(last)
        _legend(sheet, last + 2)
    if result.sources:
        _sources(book, view, result)
    return _saved(book)


SOURCE_WIDTHS = [36, 10, DATE_WIDTH, 24, 50]  # a unit's full name with its short one on a line


def _sources(book: Any, view: View, result: Any) -> None:
    """数据来源, after the matrices: where each unit's figures came from (rollup --units)."""
    from reformctl.render import rolled

    headers, rows = rolled.sources(result)
    title = f"{result.top.document.title} 数据来源 · 截至 {view.as_of}"
    sheet = Sheet(book.create_sheet("数据来源"), title, headers, widths=SOURCE_WIDTHS)
    for r, values in enumerate(rows, sheet.header_row + 1):
        for c, value in enumerate(values, 1):
            sheet.put(r, c, _day(value) if c == 3 else value)  # the commit's date a real date
    sheet.finish(sheet.header_row + len(rows))


def _day(text: str) -> dt.date | str:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # no commit: an empty cell
        return text


def _legend(sheet: Sheet, top: int) -> None:
    """Below the matrix, as the heat map's legend: each status's colour with its mark, and a late cell."""
    from reformctl.render.html import MARKS
    from reformctl.rollup import LABELS

    sheet.sheet.cell(row=top, column=2, value="图例")
    for n, (status, label) in enumerate([*LABELS.items(), ("todo", "逾期（斜线、粗框）")], top + 1):
        late = n == top + 1 + len(LABELS)
        heat(sheet.put(n, 1, "" if late else MARKS[status]), status, late)
        sheet.sheet.cell(row=n, column=2, value=label)


def heat(cell: Any, status: str, late: bool) -> None:
    """A cell of the heat map: the status's colour, white words on the dark ones; a late cell
    hatched and framed in black, so that printed in grey it is told from a blocked one (solid)."""
    from openpyxl.styles import Border, Font, PatternFill, Side

    from reformctl.render.html import COLOURS

    colour = COLOURS[status].lstrip("#").upper()
    ink = "FFFFFF" if status in ("done", "blocked", "na") else "000000"
    cell.font = Font(color=ink, bold=late)
    if late:
        cell.fill = PatternFill("lightUp", fgColor="000000", bgColor=colour)
        cell.border = Border(*(Side(style="thick", color="000000"),) * 4)
    else:
        cell.fill = PatternFill("solid", fgColor=colour)


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
            info.cell(row=r, column=c, value=value) if isinstance(value, int) else text_cell(info, r, c, value)
    info.sheet_state = "hidden"
    return _saved(book)


def _form_sheet(book: Any, view: View, dept: str, lines: list[Line]) -> None:
    """The read-only columns locked, the fill-in ones open and shaded, a dropdown of the
    statuses, date cells with a gentle check (a date typed as text is still accepted)."""
    from openpyxl.styles import Protection

    plan = view.plan
    assert plan is not None
    named = f"{plan.unit.name} · {plan.document.title}" if plan.unit else plan.document.title
    title = f"{named} 进展填报表 · {dept} · 截至 {view.as_of}"
    headers = READ_ONLY + FILL_IN
    sheet = Sheet(book.create_sheet(dept), title, headers, HEADER_ROW, [FORM_WIDTHS[h] for h in headers])
    guide = "请在浅黄色列填写：新状态（下拉选择）、进展日期、进展说明、新期限、调整原因；其他列不能修改。"
    sheet.sheet.cell(row=2, column=1, value=guide)
    statuses, dates = _checks(sheet.sheet)
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
    sheet.finish(HEADER_ROW + len(lines), FORM_LINES)
    sheet.sheet.protection.sheet = True  # no password: a guard against slips, not a lock
    sheet.sheet.protection.autoFilter = False


def _checks(sheet: Any) -> tuple[Any, Any]:
    """The form's two checks as a clerk types: a status not in the list is refused (Excel and WPS
    say why, in Chinese); a date that is no date only warns, since import reads dates typed as text."""
    from openpyxl.worksheet.datavalidation import DataValidation

    choices = "、".join(STATUS_LABELS.values())
    statuses = DataValidation(type="list", formula1='"' + ",".join(STATUS_LABELS.values()) + '"', allow_blank=True,
                              showErrorMessage=True, errorStyle="stop", errorTitle="状态不在列表中",
                              error=f"请从下拉列表中选择新状态：{choices}",
                              showInputMessage=True, promptTitle="新状态", prompt=f"可选：{choices}")  # fmt: skip
    dates = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True,
                           showErrorMessage=True, errorStyle="warning", errorTitle="不是日期",
                           error="请填日期，如 2020-09-04")  # fmt: skip
    sheet.add_data_validation(statuses)
    sheet.add_data_validation(dates)
    return statuses, dates
