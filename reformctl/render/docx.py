"""docx: the period report as a Word 督办通报, laid out as a government document (GB/T 9704).

The same layout as Markdown and HTML (render/layout.py). A4 with the standard margins; the title
in 方正小标宋简体 二号; the body in 仿宋_GB2312 三号, first line indented two characters, fixed
line spacing of 28 pt; headings 一、 in 黑体 and （一） in 楷体_GB2312; page numbers — 1 — at the
bottom. East Asian fonts are set through w:rFonts w:eastAsia (python-docx's font.name sets only
the Latin face), and the font table names a common fallback for each (宋体, 仿宋, 黑体, 楷体).
"""

from __future__ import annotations

import io
from typing import Any

from rich.cells import cell_len

from reformctl.errors import need
from reformctl.plain import xlsx_text
from reformctl.render import View
from reformctl.render.layout import Document, Part, period_document, reminder_document
from reformctl.report import Period, Reminder

TITLE, BODY, HEADING, SUBHEADING, LATIN = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "Times New Roman"
FALLBACKS = {TITLE: "宋体", BODY: "仿宋", SUBHEADING: "楷体", HEADING: "SimHei"}
SIZES = {"二号": 22, "三号": 16, "四号": 14, "小四": 12}
NUMBERS = "一二三四五六七八九十"


def _docx() -> Any:
    return need("docx", "生成 docx ")


def report(view: View, period: Period) -> bytes:
    unit = period.plan.unit.name if period.plan.unit else ""
    return document(
        period_document(period), "（" + "，".join(filter(None, [unit, f"{period.since} 至 {period.until}"])) + "）"
    )


def reminder(view: View, reminder: Reminder) -> bytes:
    """催办通知 to one department, as a Word document."""
    assert view.plan is not None
    return document(reminder_document(view.plan, reminder, view.as_of), f"（截至 {view.as_of}）")


def document(doc: Document, heading: str) -> bytes:
    """A Word document of the layout: title, the line under it (unit and period), sections."""
    docx = _docx()
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    word = docx.Document()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _paragraph(word, doc.title, TITLE, "二号", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(word, heading, SUBHEADING, "三号", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(word, doc.subtitle, BODY, "小四", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    numbers = {2: 0, 3: 0}
    for part in doc.sections:
        _section(word, part, numbers)
    _page_numbers(word)
    _fallbacks(word)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _section(word: Any, part: Part, numbers: dict[int, int]) -> None:
    """一、 for a section (黑体), （一） for a subsection (楷体), then its paragraphs and table."""
    numbers[part.level] += 1
    if part.level == 2:
        numbers[3] = 0
        _paragraph(word, f"{NUMBERS[numbers[2] - 1]}、{part.title}", HEADING, "三号")
    else:
        _paragraph(word, f"（{NUMBERS[(numbers[3] - 1) % 10]}）{part.title}", SUBHEADING, "三号")
    for text in part.paragraphs:
        _paragraph(word, text, BODY, "三号")
    if part.table:
        _table(word, part.headers, part.table)


def _paragraph(word: Any, text: str, font: str, size: str, align: Any = None, indent: bool = True) -> Any:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    paragraph = word.add_paragraph()
    form = paragraph.paragraph_format
    form.line_spacing_rule, form.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28 if size != "二号" else 36)
    form.space_before = form.space_after = Pt(0)
    if indent:
        form.first_line_indent = Pt(2 * SIZES[size])  # two characters
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(xlsx_text(text)), font, size)
    return paragraph


def _font(run: Any, font: str, size: str, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size, run.font.bold = Pt(SIZES[size]), bold or None
    run.font.name = LATIN  # digits and Latin letters
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)  # what font.name does not set: the face of the Chinese text


def _table(word: Any, headers: list[str], rows: list[list[str]]) -> None:
    from docx.shared import Mm, Pt

    table = word.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, header, bold=True)
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            _cell(cell, value)
    # Each column as wide as its text needs (2.2 mm a half-width cell at 小四, 4 mm of padding);
    # the widest gives way until the table fits the 156 mm between the margins.
    widths = [
        min(max(cell_len(str(v)) for v in [h, *(r[n] for r in rows)]), 60) * 2.2 + 4 for n, h in enumerate(headers)
    ]
    widest = widths.index(max(widths))
    widths[widest] = max(30, widths[widest] - max(0, sum(widths) - 156))
    for n, width in enumerate(widths):
        table.columns[n].width = Mm(width)  # the grid, which LibreOffice reads
        for cell in table.columns[n].cells:
            cell.width = Mm(width)  # each cell, which Word reads
    word.add_paragraph().paragraph_format.space_after = Pt(6)


def _cell(cell: Any, text: str, bold: bool = False) -> None:
    """A table cell; http(s) evidence in it becomes a link a reader can click."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from reformctl.render.html import LINK

    paragraph, at = cell.paragraphs[0], 0
    for found in [*LINK.finditer(text), None]:
        before = text[at : found.start() if found else len(text)]
        if before:
            _font(paragraph.add_run(xlsx_text(before)), BODY, "小四", bold)
        if found is None:
            break
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), paragraph.part.relate_to(found[0], RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
        run = paragraph.add_run(xlsx_text(found[0]))
        _font(run, BODY, "小四")
        run.font.underline = True
        link.append(run._r)
        paragraph._p.append(link)
        at = found.end()


def _page_numbers(word: Any) -> None:
    """— 1 — at the bottom of every page: a PAGE field between two dashes, centred."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    footer = word.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run("— "), "宋体", "四号")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = footer.add_run("1")
    _font(number, "宋体", "四号")
    field.append(number._r)
    footer._p.append(field)
    _font(footer.add_run(" —"), "宋体", "四号")


def _fallbacks(word: Any) -> None:
    """Name, in the font table, the face Word uses where the 公文 font is not installed."""
    from lxml import etree

    part = next((p for p in word.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    w = root.nsmap.get("w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main")
    for font, fallback in FALLBACKS.items():
        entry = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": font})
        etree.SubElement(entry, f"{{{w}}}altName", {f"{{{w}}}val": fallback})
        etree.SubElement(entry, f"{{{w}}}charset", {f"{{{w}}}val": "86"})  # GB2312
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
