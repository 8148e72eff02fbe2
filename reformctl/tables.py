"""Tables as a notice or a task list holds them (a Word table, an Excel sheet), read into grids
whose merged cells are said once.

A merged cell covers several grid positions. python-docx's `row.cells` repeats it at each of
them, and openpyxl keeps the merged ranges apart from the values, so here every position holds
a Cell with the merged cell's text and its origin: the top-left position of the merge. Two
positions with the same origin are one cell. Word's merges are read from the table's XML
(`w:gridSpan` across, `w:vMerge` down), Excel's from the sheet's `<mergeCell>` list.
Excel sheets are read in openpyxl's read-only mode, at most ROWS rows and COLUMNS columns: a
stray cell at row 1,048,576 costs nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

ROWS, COLUMNS = 2000, 40  # far more than any task list; what a sheet has beyond is not read
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Cell:
    text: str
    origin: tuple[int, int]  # (row, column) where the merged cell it belongs to starts


Grid = list[list[Cell]]


def docx_tables(document: Any) -> list[Grid]:
    """Each top-level table of a python-docx Document, in document order."""
    return [_docx_grid(table._tbl) for table in document.tables]


def _docx_grid(tbl: Any) -> Grid:
    grid: Grid = []
    for r, tr in enumerate(tbl.iterchildren(f"{W}tr")):
        row: list[Cell] = []
        before = tr.find(f"{W}trPr/{W}gridBefore")
        for _ in range(int(before.get(f"{W}val", "0")) if before is not None else 0):
            row.append(Cell("", (r, len(row))))
        for tc in tr.iterchildren(f"{W}tc"):
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            width = int(span.get(f"{W}val", "1")) if span is not None else 1
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            above = grid[r - 1][len(row)] if r and len(grid[r - 1]) > len(row) else None
            if merge is not None and merge.get(f"{W}val") != "restart" and above is not None:
                cell = above  # continued from the row above: the same cell
            else:
                cell = Cell(_tc_text(tc), (r, len(row)))
            row += [cell] * width
        grid.append(row)
    return grid


def _tc_text(tc: Any) -> str:
    """A cell's paragraphs, a line each, and its line breaks (1. 2. 3. in one cell stay apart)."""
    lines = []
    for p in tc.iter(f"{W}p"):
        said = {f"{W}br": "\n", f"{W}tab": " "}
        lines.append("".join(said.get(node.tag, node.text or "") for node in p.iter(f"{W}t", f"{W}br", f"{W}tab")))
    return "\n".join(lines).strip()


def xlsx_tables(raw: bytes) -> list[tuple[str, Grid]]:
    """Each visible sheet of a workbook (already checked by zipped.check) as (title, grid)."""
    from openpyxl import load_workbook

    merges = _merges(raw)
    book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        found = []
        for sheet in book.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            values = sheet.iter_rows(max_row=ROWS, max_col=COLUMNS, values_only=True)
            found.append((sheet.title, _xlsx_grid(list(values), merges.get(sheet.title, []))))
        return found
    finally:
        book.close()


def _xlsx_grid(values: list[tuple[Any, ...]], merged: list[tuple[int, int, int, int]]) -> Grid:
    filled = [max((c + 1 for c, v in enumerate(row) if v not in (None, "")), default=0) for row in values]
    width = max([*filled, *(right + 1 for _, _, _, right in merged)], default=0)
    values = [tuple(row[:width]) for row in values]
    grid = [[Cell(_text(v), (r, c)) for c, v in enumerate([*row, *[None] * (width - len(row))])]
            for r, row in enumerate(values)]  # fmt: skip
    for top, left, bottom, right in merged:
        if top >= len(grid):
            continue
        origin = grid[top][left] if left < width else Cell("", (top, left))
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            for c in range(left, min(right, width - 1) + 1):
                grid[r][c] = origin
    return grid


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_REL = re.compile(rb"<Relationship\b([^>]*)>")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _attribute(attributes: bytes, name: str) -> str:
    """An XML attribute's value, whatever the order attributes come in (Excel and openpyxl differ)."""
    import html

    found = re.search(rb"(?:^|\s)" + name.encode() + rb'="([^"]*)"', attributes)
    return html.unescape(found[1].decode("utf-8", "replace")) if found else ""


def _merges(raw: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Each sheet's merged ranges, 0-based (top, left, bottom, right), from the sheet's XML."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = set(archive.namelist())
        book = archive.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
        rels = archive.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
        targets = {_attribute(a, "Id"): _attribute(a, "Target").lstrip("/") for a in _REL.findall(rels)}
        found: dict[str, list[tuple[int, int, int, int]]] = {}
        for attributes in _SHEET.findall(book):
            target = targets.get(_attribute(attributes, "r:id"), "")
            member = target if target.startswith("xl/") else f"xl/{target}"
            if member in names:
                found[_attribute(attributes, "name")] = [
                    (int(r1) - 1, _column(c1), int(r2) - 1, _column(c2))
                    for c1, r1, c2, r2 in _MERGE.findall(archive.read(member))
                ]
        return found


def _column(letters: bytes) -> int:
    n = 0
    for letter in letters.decode():
        n = n * 26 + ord(letter) - ord("A") + 1
    return n - 1
