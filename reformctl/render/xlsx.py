"""xlsx: the ledger (台账) as a real workbook, through openpyxl (the optional extra `xlsx`)."""

from __future__ import annotations

import io

from rich.cells import cell_len

from reformctl.errors import ReformctlError
from reformctl.plain import xlsx_text
from reformctl.render import View
from reformctl.render.words import LEDGER, ledger_cells
from reformctl.report import ledger as ledger_records


def ledger(view: View, _: None = None) -> bytes:
    assert view.plan is not None
    records = [ledger_cells(r) for r in ledger_records(view.plan, view.as_of, view.warn_days)]
    return workbook(list(LEDGER.values()), records)


def workbook(headers: list[str], records: list[list[str]]) -> bytes:
    """A real workbook: bold frozen header, columns wide enough for Chinese text, long text wrapped."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
    except ImportError:
        raise ReformctlError("导出 xlsx 需要 openpyxl，请安装：pip install 'reformctl[xlsx]'") from None
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append(headers)
    for r, record in enumerate(records, 2):
        for c, value in enumerate(record, 1):
            cell = sheet.cell(row=r, column=c, value=xlsx_text(value))
            cell.data_type = "s"  # text, never a formula: `=1+1` typed in a note stays `=1+1`
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for n, header in enumerate(headers, 1):
        # Excel's column width counts narrow characters; a Chinese character takes two.
        widest = max(cell_len(str(value)) for value in [header, *(r[n - 1] for r in records)])
        letter = sheet.cell(row=1, column=n).column_letter
        sheet.column_dimensions[letter].width = min(widest + 2, 60)
        if widest > 60:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=n, max_col=n):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
