"""The Word 督办通报 and the pages LibreOffice makes of the office documents."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import statistics
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import ok, run
from docx.oxml.ns import qn
from docx.shared import Pt

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PERIOD = ("--since", "2020-09-01", "--until", "2020-09-30")


def east_asian(paragraph) -> str:  # type: ignore[no-untyped-def]
    return paragraph.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_word_report_is_a_government_document(history_plan: Path, tmp_path: Path):
    ok("report", *PERIOD, "--format", "docx", "-o", "通报.docx")
    word = docx.Document(str(tmp_path / "通报.docx"))
    section = word.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin)  # fmt: skip
    assert [round(size.mm) for size in sizes] == [210, 297, 37, 35, 28, 26]  # A4, GB/T 9704's margins
    title, heading = word.paragraphs[0], word.paragraphs[1]
    assert title.text == "2020年科协系统深化改革重点任务进展报告"
    assert east_asian(title) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    assert heading.text == "（2020年9月1日至9月30日）" and east_asian(heading) == "楷体_GB2312"
    texts = [p.text for p in word.paragraphs]
    headings = [p for p in word.paragraphs if re.match("^[一二三四五六七]、", p.text)]
    assert [p.text for p in headings] == [
        "一、总体情况", "二、考核排名", "三、本期进展（按牵头部门）", "四、逾期与临期",
        "五、受阻事项及原因", "六、本期完成", "七、各任务进度",
    ]  # fmt: skip
    assert all(east_asian(p) == "黑体" for p in headings)
    assert "（二）学会部（学会学术部）、办公厅、组人部（组织人事部）" in texts  # 6.2 once, under its three leads
    assert all(east_asian(p) == "楷体_GB2312" for p in word.paragraphs if p.text.startswith("（一）"))
    body = next(p for p in word.paragraphs if p.text.startswith("共 37 项"))
    assert "共 37 项，已完成 1 项（3%）；推进中 3 项，受阻 0 项，未启动 33 项。" == body.text
    assert east_asian(body) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32) and body.paragraph_format.line_spacing == Pt(28)
    progress = word.tables[-1]
    assert [c.text for c in progress.rows[0].cells] == ["任务", "标题", "完成", "进度"]
    assert [c.text for c in progress.rows[6].cells] == ["6", "创新“科创中国”工作机制，促进产学研深度融合", "0/2", "0%"]
    footer = word.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer and "— " in footer and " —" in footer
    with zipfile.ZipFile(tmp_path / "通报.docx") as parts:
        fonts = parts.read("word/fontTable.xml").decode("utf-8")
    assert re.search(r'w:name="方正小标宋简体">\s*<w:altName w:val="宋体"', fonts)


def test_blocked_rows_and_their_reasons_in_every_report(history_plan: Path):
    ok("status", "set", "7.1", "blocked", "--date", "2020-10-10", "--note", "疫情影响出访")
    md = ok("report", "--since", "2020-10-01", "--until", "2020-10-31")
    assert "## 受阻事项及原因" in md and "| 7.1 |" in md and "疫情影响出访（10月10日）" in md
    assert "<h2>受阻事项及原因</h2>" in ok(
        "report", "--since", "2020-10-01", "--until", "2020-10-31", "--format", "html"
    )
    assert "受阻事项：\n  7.1（国际部）疫情影响出访（2020-10-10）" in ok("summary")


def test_a_docx_needs_a_file(history_plan: Path):
    result = run("report", "--format", "docx")
    assert result.exit_code == 2 and "-o" in result.stderr


def pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


NO_SOFFICE = "LibreOffice is not installed (Debian: libreoffice-writer, libreoffice-calc)"


def to_pdf(folder: Path, *names: str) -> Path:
    """The files as LibreOffice prints them, in folder/pdf."""
    subprocess.run(
        [str(SOFFICE), "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to", "pdf",
         "--outdir", str(folder / "pdf"), *names],
        check=True, capture_output=True, timeout=300, cwd=folder,
    )  # fmt: skip
    return folder / "pdf"


def page_texts(pdf: Path) -> list[str]:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
def test_libreoffice_renders_the_office_documents(history_plan: Path, tmp_path: Path):
    """The pages a person would print: the report, the ledger (one page wide) and a form."""
    ok("report", *PERIOD, "--format", "docx", "-o", "通报.docx")
    ok("export", "--format", "xlsx", "-o", "台账.xlsx", "--as-of", "2020-09-30")
    ok("form", "--dept", "学会部", "-o", "学会部.xlsx")
    out = to_pdf(tmp_path, "通报.docx", "台账.xlsx", "学会部.xlsx")
    assert 2 <= pages(out / "通报.pdf") <= 4
    # One page wide, as many long as its wrapped rows take: every page has the whole header row.
    # Its 39 rows, at a size that prints readably, take about seven landscape pages (both sheets).
    printed = page_texts(out / "台账.pdf")
    ledger = [page for page in printed if "事项编号" in page and "最新进展" in page]
    assert 2 <= len(ledger) <= 9 and all("逾期天" in page for page in ledger)  # 逾期天数 wraps
    assert pages(out / "学会部.pdf") <= 3


LONG = (
    "已召开专题会议研究部署，形成工作方案初稿并征求各相关部门意见，"
    "第{n}轮修改后报分管领导审定，计划下月印发实施并同步开展跟踪评估"
)


def word_heights(pdf: Path, page: int = 1) -> list[float]:
    """The height of each word's box on a page, in points (poppler's pdftotext -bbox)."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', boxes)
    assert size and sorted(round(float(n)) for n in size.groups()) == [595, 842]  # A4
    words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', boxes)
    return [float(bottom) - float(top) for top, bottom in words]


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
def test_the_ledger_and_the_form_print_readably(plan_file: Path, tmp_path: Path):
    """Issue 21, measured on the printed page: the ledger's text at 9 pt or more on A4 (it was 4–5 pt,
    14 columns on one page), and a form whose dates print as dates, not ###. A plan with a note of
    70 characters on two rows in three, as a real one has."""
    from openpyxl import load_workbook

    from reformctl import loader, query

    for n, row in enumerate(query.rows(loader.load(plan_file))):
        if n % 3 != 2:
            status = "blocked" if n % 7 == 6 else "doing"
            ok("status", "set", row.id, status, "--date", f"2020-09-{n % 9 + 1:02d}", "--note", LONG.format(n=n))
    ok("export", "--format", "xlsx", "-o", "台账.xlsx", "--as-of", "2020-09-30")
    ok("form", "--dept", "学会部", "-o", "学会部.xlsx", "--as-of", "2020-09-30")
    book = load_workbook(tmp_path / "学会部.xlsx")  # filled in as a department would
    for r in range(4, 10):
        book["学会部"][f"J{r}"], book["学会部"][f"L{r}"] = dt.date(2020, 9, 28), dt.date(2020, 12, 31)
        book["学会部"][f"K{r}"] = LONG.format(n=r)
    book.save(tmp_path / "填好.xlsx")
    out = to_pdf(tmp_path, "台账.xlsx", "填好.xlsx")
    heights = word_heights(out / "台账.pdf")
    assert len(heights) > 50 and statistics.median(heights) >= 9, statistics.median(heights)
    form = "".join(page_texts(out / "填好.pdf"))
    assert "###" not in form and "2020-09-28" in form and "2020-12-31" in form
    assert form.count("跟踪评估") >= 6  # 进展说明 to its end, not cut at the row's height


def test_a_control_character_in_a_note_does_not_break_the_word_report(plan_file: Path, tmp_path: Path):
    """Word's XML cannot hold ESC or VT: in a table cell they are written as visible escapes."""
    ok("status", "set", "6.2", "doing", "--date", "2020-09-10", "--note", "\x1b[31m红字\x0b换页")
    ok("report", *PERIOD, "--format", "docx", "-o", "r.docx")
    word = docx.Document(str(tmp_path / "r.docx"))
    rows = [[c.text for c in row.cells] for table in word.tables for row in table.rows]
    assert ["9月10日", "未启动 → 推进中", "\\x1b[31m红字\\x0b换页"] in rows
