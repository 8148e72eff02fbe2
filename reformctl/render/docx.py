"""docx: the period report as a Word 督办通报, laid out as a government document (GB/T 9704),
and the roll-up (落实情况汇总) in the same dress.

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
from reformctl.render.layout import Document, Part, period_document, reminder_document, span
from reformctl.report import Period, Reminder
from reformctl.rollup import Rollup

TITLE, BODY, HEADING, SUBHEADING, LATIN = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "Times New Roman"
FALLBACKS = {TITLE: "宋体", BODY: "仿宋", SUBHEADING: "楷体", HEADING: "SimHei"}
SIZES = {"二号": 22, "三号": 16, "四号": 14, "小四": 12}
NUMBERS = "一二三四五六七八九十"


def _docx() -> Any:
    return need("docx", "生成 docx ")


def report(view: View, period: Period) -> bytes:
    return document(period_document(period), f"（{span(period.since, period.until)}）")


def reminder(view: View, reminder: Reminder) -> bytes:
    """催办通知 to one department, as a Word document."""
    assert view.plan is not None
    return document(reminder_document(view.plan, reminder, view.as_of), f"（截至 {view.as_of}）")


def rollup(view: View, result: Rollup) -> bytes:
    """The roll-up as a Word document: the tables of Markdown (render/rolled.py), each a section."""
    from reformctl.render import rolled

    doc = rolled.document(result, view.as_of)
    return document(doc, doc.subtitle)


def document(doc: Document, heading: str) -> bytes:
    """A Word document of the layout: title, the line under it (unit and period), sections."""
    docx = _docx()
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    word = docx.Document()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    if doc.landscape:  # the same page turned, its margins with it
        from docx.enum.section import WD_ORIENT

        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
    if doc.issuer:
        _issuer(word, doc.issuer, doc.red_rule and not doc.number)
    if doc.number:
        _paragraph(word, doc.number, BODY, "三号", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        if doc.red_rule and doc.issuer:
            _rule(word)
    _paragraph(word, doc.title, TITLE, "二号", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(word, heading, SUBHEADING, "三号", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    if doc.recipients:
        _paragraph(word, f"{doc.recipients}：", BODY, "三号", indent=False)
    numbers = {2: 0, 3: 0}
    for part in doc.sections:
        _section(word, part, numbers)
    if doc.signer or doc.date:
        _paragraph(word, "", BODY, "三号", indent=False)
    for line in (doc.signer, doc.date):
        if line:
            _paragraph(
                word, line, BODY, "三号", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False
            ).paragraph_format.right_indent = Pt(4 * 16)
    if doc.contact:
        _paragraph(word, "", BODY, "三号", indent=False)
        _paragraph(word, f"（{doc.contact}）", BODY, "三号")
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
        title = _paragraph(word, f"{NUMBERS[numbers[2] - 1]}、{part.title}", HEADING, "三号")
    else:
        title = _paragraph(word, f"（{NUMBERS[(numbers[3] - 1) % 10]}）{part.title}", SUBHEADING, "三号")
    title.paragraph_format.keep_with_next = True  # never a heading alone at the foot of a page
    for text in part.paragraphs:
        _paragraph(word, text, BODY, "三号")
    if part.table:
        _table(word, part.headers, part.table, part.spans)
    for text in part.after:
        _paragraph(word, text, BODY, "三号")


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


def text_width(section: Any) -> int:
    """The width between the margins, in twentieths of a point (what w:gridCol and w:tcW count)."""
    return int((section.page_width - section.left_margin - section.right_margin) / 635)  # 635 EMU a twip


TIGHT = 1400  # twips: a cell of up to eight half-width characters (a date, an id, a count) that never wraps


def widths(headers: list[str], rows: list[list[str]], spans: set[int], room: int) -> list[int]:
    """Each column's width in twips, together exactly `room` (the table spans the text width):
    a narrow column (dates, ids, numbers, up to about eight characters) as wide as its longest
    cell at 小四 (a header of three characters or more may take two lines), all of them at most
    55% of the room where they can wrap; the wide
    columns share what is left in proportion to their text, which wraps inside them."""
    body = [r for n, r in enumerate(rows) if n not in spans]
    need: list[float] = [
        max([_twips(h[: max(2, (len(h) + 1) // 2)]), *(_twips(str(r[n])) for r in body)]) + 260
        for n, h in enumerate(headers)
    ]
    whole = [max(w, _twips(h) + 260) for w, h in zip(need, headers, strict=True)]
    if sum(whole) <= room:  # every header on one line too: the room shared in proportion
        return _fill([w * room / sum(whole) for w in whole], room)
    narrow = [w <= 2600 for w in need]
    fixed = sum(w for w, n in zip(need, narrow, strict=True) if n)
    wide = sum(w for w, n in zip(need, narrow, strict=True) if not n)
    if wide == 0:  # all narrow: the room shared in proportion
        return _fill([w * room / fixed for w in need], room)
    soft = [n and w > TIGHT for w, n in zip(need, narrow, strict=True)]  # dates, ids, counts never shrink
    over, give = fixed - room * 0.55, sum(w - TIGHT for w, t in zip(need, soft, strict=True) if t)
    if over > 0 and give > 0:  # the narrow text columns give way (down to TIGHT) to the wide ones
        cut = min(1.0, over / give)
        need = [w - (w - TIGHT) * cut if t else w for w, t in zip(need, soft, strict=True)]
        fixed = sum(w for w, n in zip(need, narrow, strict=True) if n)
    if fixed > room * 0.8:  # too many columns for the page: all of them give way alike
        return _fill([w * room / sum(need) for w in need], room)
    return _fill(_shared(need, narrow, room - fixed, body), room)


def _shared(need: list[float], narrow: list[bool], left: float, body: list[list[str]]) -> list[float]:
    """The wide columns' share of `left`, as short a table as it can make. In proportion to their
    longest text, a column of names or paths beside one of long prose would be squeezed to a few
    characters a line; instead the room is given a step at a time to the column that, widened,
    takes the most lines off the rows (a row is as tall as its tallest cell). Each column starts
    wide enough for its longest text on two lines (a name, a path: at most 35% of the room), and is
    never made wider than that text needs on one."""
    wide = [n for n, thin in enumerate(narrow) if not thin]
    cells = [[_twips(str(row[n])) for n in wide] for row in body[:300]]  # enough rows to judge by
    size = [min(need[n], max(1220.0, min(need[n] / 2 + 130, left * 0.35))) for n in wide]  # two lines, if it can
    size = [w * min(1.0, left / sum(size)) for w in size]
    step = max(60.0, (left - sum(size)) / 100)

    def lines(k: int, width: float) -> float:
        trial = [width if m == k else w for m, w in enumerate(size)]
        return sum(max(max(1.0, c / (w - 260)) for c, w in zip(row, trial, strict=True)) for row in cells)

    while sum(size) + step <= left:
        gains = [
            lines(k, size[k]) - lines(k, size[k] + step) if size[k] < need[n] else -1.0 for k, n in enumerate(wide)
        ]
        best = max(range(len(wide)), key=gains.__getitem__)
        if gains[best] <= 0:
            break
        size[best] += step
    out, rest = list(need), left - sum(size)
    for k, n in enumerate(wide):
        out[n] = size[k] + rest * size[k] / sum(size)  # what no column needs, shared alike
    return out


def _twips(text: str) -> int:
    """How wide a text is on one line at 小四: 240 twips a full-width character, 120 a half-width one,
    and 60 more where Latin and Chinese meet (the space Word and LibreOffice put between them)."""
    widths = [cell_len(c) for c in text]
    meets = sum(1 for a, b in zip(widths, widths[1:], strict=False) if a != b)
    return sum(widths) * 120 + meets * 60


def _fill(shares: list[float], room: int) -> list[int]:
    """Whole twips, adding up to room (never more): the rounding left over goes to the widest."""
    out = [max(200, int(w)) for w in shares]
    widest = out.index(max(out))
    out[widest] += room - sum(out)
    return out


def _table(word: Any, headers: list[str], rows: list[list[str]], spans: set[int] | None = None) -> None:
    """A table of fixed layout that fits between the margins: the grid, each cell and the table's
    own width add up to at most the text width, so neither Word nor LibreOffice cuts a column."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, Twips

    spans = spans or set()
    kept = [n for n in range(len(headers)) if any(r[n] for i, r in enumerate(rows) if i not in spans) or not rows]
    if spans or len(kept) < 2:
        kept = list(range(len(headers)))
    headers, rows = [headers[n] for n in kept], [[r[n] for n in kept] for r in rows]  # an empty column is left out
    table = word.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False  # w:tblLayout fixed
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, header, bold=True)
    columns = widths(headers, rows, spans, text_width(word.sections[0]))
    for n, width in enumerate(columns):
        table.columns[n].width = Twips(width)  # the grid, which LibreOffice reads
        table.rows[0].cells[n].width = Twips(width)  # each cell, which Word reads
    for n, values in enumerate(rows):
        cells = table.add_row().cells
        for cell, width in zip(cells, columns, strict=True):
            cell.width = Twips(width)
        if n in spans:
            merged = cells[0].merge(cells[-1])
            merged.width = Twips(sum(columns))
            _cell(merged, values[0], bold=True)
            continue
        for cell, value in zip(cells, values, strict=True):
            _cell(cell, value)
    own = table._tbl.tblPr.find(qn("w:tblW"))  # python-docx writes one, of type auto
    if own is None:
        own = OxmlElement("w:tblW")
        table._tbl.tblPr.insert_element_before(own, "w:jc", "w:tblInd", "w:tblBorders", "w:tblLayout", "w:tblLook")
    own.set(qn("w:w"), str(sum(columns)))
    own.set(qn("w:type"), "dxa")
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row again on each page
    header.append(repeat)
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


def _issuer(word: Any, name: str, rule: bool) -> None:
    """发文机关标志: the office's name in red 小标宋, centred, as large as fits one line (at most 36 pt)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    size = max(16, min(36, int(440 / max(1, len(name)))))  # 440 pt between the margins
    paragraph = _paragraph(word, name, TITLE, "二号", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    paragraph.paragraph_format.line_spacing = Pt(size * 1.5)
    for run in paragraph.runs:
        run.font.size, run.font.color.rgb = Pt(size), RGBColor(0xFF, 0, 0)
    if rule:
        _rule(word)


def _rule(word: Any) -> None:
    """The red line under the 发文机关标志 (and its 文号): a red bottom border of an empty paragraph."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = word.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(12)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "1"), ("color", "FF0000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr", "w:pPrChange"
    )


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
