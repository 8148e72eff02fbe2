"""The 督办通报 as a 公文 (GB/T 9704, issue 21): its parts, tables that fit the page, the ranking,
the changes grouped by row, 催办次数 and 督办事项; LibreOffice's pages of it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import ok
from docx.oxml.ns import qn

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PERIOD = ("--since", "2020-09-01", "--until", "2020-09-30")
OFFICE = """office:
  name: 中国科协深化改革工作领导小组办公室
  short: 中国科协改革办
  contact: 王小明
  phone: 010-68571234
  recipients: [机关各部门, 各直属单位]
"""
REMINDED = [  # two 催办 of 9.1 (due 2020-09-10, still doing) by hand, as remind --mail writes them
    "- {date: 2020-09-14, reminded: 学会部, to: xuehui@example.org, reply_by: 2020-09-18}",
    "- {date: 2020-09-21, reminded: 学会部, to: xuehui@example.org, reply_by: 2020-09-28}",
]
LONG = (
    "已召开专题推进会，逐项梳理期刊评估指标与数据口径，形成初步方案并征求相关学会意见，"
    "下一步将报分管领导审定后印发实施。"
)


@pytest.fixture
def office_plan(history_plan: Path) -> Path:
    text = history_plan.read_text(encoding="utf-8").replace("departments:\n", OFFICE + "departments:\n", 1)
    anchor = "- {date: 2020-09-02, from: todo, status: doing, note: 启动期刊评估}\n"
    indent = text.split(anchor)[0].rsplit("\n", 1)[1]
    text = text.replace(anchor, anchor + "".join(f"{indent}{line}\n" for line in REMINDED), 1)
    history_plan.write_text(text, encoding="utf-8")
    ok("validate")
    return history_plan


def made(tmp_path: Path, *args: str) -> docx.document.Document:
    ok("report", *PERIOD, "--format", "docx", "-o", "通报.docx", *args)
    return docx.Document(str(tmp_path / "通报.docx"))


def xml(tmp_path: Path) -> str:
    with zipfile.ZipFile(tmp_path / "通报.docx") as parts:
        return parts.read("word/document.xml").decode("utf-8")


def texts(word: docx.document.Document) -> list[str]:
    return [p.text for p in word.paragraphs]


def rows(table: docx.table.Table) -> list[list[str]]:
    """Each row's cells once (a merged row is one cell)."""
    return [[tc.xpath("string(.)") for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def test_every_table_fits_between_the_margins(office_plan: Path, tmp_path: Path):
    ok("status", "set", "6.2", "doing", "--date", "2020-09-25", "--note", LONG * 2)
    word = made(tmp_path, "--escalate-after", "1")
    section = word.sections[0]
    room = int((section.page_width - section.left_margin - section.right_margin) / 635)  # twips
    assert room == 8845 and len(word.tables) == 7  # rank, two of changes, late, 督办, completed, progress
    for table in word.tables:
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) <= room and min(grid) > 0
        for tr in table._tbl.tr_lst:
            assert sum(int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in tr.tc_lst) <= room
        properties = table._tbl.tblPr
        assert properties.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        width = properties.find(qn("w:tblW"))
        assert width.get(qn("w:type")) == "dxa" and int(width.get(qn("w:w"))) <= room
    document = xml(tmp_path)
    assert "…" not in document and ".yaml" not in document and "data/" not in document
    assert LONG * 2 in document  # the whole note, wrapped in its cell


def test_the_parts_of_a_government_document(office_plan: Path, tmp_path: Path):
    word = made(tmp_path, "--number", "科协改办〔2020〕5号")
    said = texts(word)
    assert said[:3] == ["中国科协深化改革工作领导小组办公室", "科协改办〔2020〕5号", ""]  # the rule is a paragraph
    issuer = word.paragraphs[0].runs[0]
    assert str(issuer.font.color.rgb) == "FF0000" and issuer._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    rule = word.paragraphs[2]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"
    assert said[3:6] == [
        "2020年科协系统深化改革重点任务进展报告",
        "（2020年9月1日至9月30日）",
        "机关各部门、各直属单位：",
    ]
    assert said[-5:] == ["", "中国科协改革办", "2020年9月30日", "", "（联系人：王小明　电话：010-68571234）"]
    assert word.paragraphs[-4].alignment == 2  # 落款 right
    no_rule = made(tmp_path, "--no-red-rule")
    assert texts(no_rule)[:2] == ["中国科协深化改革工作领导小组办公室", "2020年科协系统深化改革重点任务进展报告"]
    assert "w:pBdr" not in xml(tmp_path)


def test_a_unit_plan_without_office_signs_with_the_unit(history_plan: Path, tmp_path: Path):
    text = history_plan.read_text(encoding="utf-8")
    history_plan.write_text(text.replace("document:\n", "unit: {name: 杭州市西湖区科协, level: 县级}\ndocument:\n", 1))
    said = texts(made(tmp_path))
    assert said[0] == "杭州市西湖区科协" and said[-2:] == ["杭州市西湖区科协", "2020年9月30日"]
    assert "调研宣传部、组织人事部、科学技术普及部、学会学术部、办公厅、国际联络部、计划财务部：" in said
    assert not any("联系人" in line for line in said)  # no contact given, none invented


def test_a_plan_without_office_or_unit_has_no_issuer_and_no_signature(history_plan: Path, tmp_path: Path):
    said = texts(made(tmp_path))
    assert said[0] == "2020年科协系统深化改革重点任务进展报告" and said[-2:] == ["", "2020年9月30日"]


def test_the_ranking_and_its_rule(office_plan: Path, tmp_path: Path):
    ok("due", "set", "3.1", "2020-09-05", "--date", "2020-08-01")
    ok("status", "set", "3.1", "done", "--date", "2020-09-04")  # 组人部: on time
    ok("due", "set", "4.1", "2020-09-08", "--date", "2020-08-01")
    ok("status", "set", "4.1", "done", "--date", "2020-09-12")  # 调宣部: done, but late
    word = made(tmp_path)
    rank = next(t for t in word.tables if rows(t)[0][0] == "名次")
    assert rows(rank) == [
        ["名次", "部门", "到期事项", "按期完成", "按期完成率", "逾期事项", "逾期天数"],
        ["1", "组织人事部", "1", "1", "100%", "0", "0"],
        ["2", "学会学术部", "2", "1", "50%", "1", "20"],  # 10.3 on time, 9.1 overdue 20 days
        ["3", "调研宣传部", "1", "0", "0%", "0", "0"],
    ]
    rule = next(t for t in texts(word) if t.startswith("排名规则："))
    assert "截至2020年9月30日已到期限的牵头事项" in rule and "按期完成" in rule and "逾期天数少的在前" in rule
    md = ok("report", *PERIOD)
    assert "| 2 | 学会学术部 | 2 | 1 | 50% | 1 | 20 |" in md and "排名规则：" in md
    html = ok("report", *PERIOD, "--format", "html")
    assert ">学会学术部</td>" in html and "…" not in html and ".yaml" not in html  # the chart's labels too
    summary = json.loads(ok("summary", "--rank", "--as-of", "2020-09-30", "--format", "json"))
    assert [(r["place"], r["dept"], r["percent"], r["overdue_days"]) for r in summary["rank"]] == [
        (1, "组人部", 100, 0), (2, "学会部", 50, 20), (3, "调宣部", 0, 0),
    ]  # fmt: skip
    screen = ok("summary", "--rank", "--as-of", "2020-09-30")
    assert "考核排名（截至 2020-09-30）" in screen and "学会学术部" in screen and "排名规则：" in screen
    assert "rank" not in json.loads(ok("summary", "--format", "json", "--as-of", "2020-09-30"))


def test_the_changes_are_grouped_by_row(office_plan: Path, tmp_path: Path):
    ok("status", "set", "9.1", "doing", "--date", "2020-09-25", "--note", "完成第一轮评估")
    word = made(tmp_path)
    said = texts(word)
    start, end = said.index("三、本期进展（按牵头部门）"), said.index("四、逾期与临期")
    changes = [t for t in word.tables if rows(t)[0] == ["日期", "变化", "说明"]]
    assert len(changes) == 2  # 学会部, and 6.2's three leads together
    xuehui = rows(changes[0])
    text = "贯彻落实《关于深化改革培育世界一流科技期刊的意见》"
    assert sum(text in cell for row in xuehui for cell in row) == 1 and xuehui[1][0].startswith("9.1　" + text)
    assert xuehui[2:4] == [["9月2日", "未启动 → 推进中", "启动期刊评估"], ["9月25日", "推进中", "完成第一轮评估"]]
    assert all(len(row) in (1, 3) for row in xuehui)  # a heading row spans the table
    assert start < end


def test_reminders_counted_and_escalated(office_plan: Path, tmp_path: Path):
    word = made(tmp_path)
    late = next(t for t in word.tables if rows(t)[0][0] == "编号" and "提示" in rows(t)[0])
    header = rows(late)[0]
    assert header[-1] == "催办次数"
    assert {r[0]: r[-1] for r in rows(late)[1:]} == {"9.1": "2", "2": "0"}
    assert "督办事项" not in "".join(texts(word))  # only with --escalate-after
    word = made(tmp_path, "--escalate-after", "2")
    said = texts(word)
    assert "五、督办事项" in said
    assert any(t.startswith("以下 1 个事项经催办 2 次以上，截至2020年9月30日仍逾期") for t in said)
    table = next(t for t in word.tables if rows(t)[1][0].endswith("催办 2 次）"))
    assert rows(table)[1][0].startswith("9.1　") and "期限 9月10日；逾期 20 天" in rows(table)[1][0]
    assert rows(table)[2:] == [
        ["8月1日", "设定期限 9月10日", ""],
        ["9月2日", "未启动 → 推进中", "启动期刊评估"],
        ["9月14日", "催办学会部，限9月18日前回复", ""],
        ["9月21日", "催办学会部，限9月28日前回复", ""],
    ]
    said = texts(made(tmp_path, "--escalate-after", "3"))
    assert "没有催办 3 次以上仍逾期的事项" in "".join(said)
    md = ok("report", *PERIOD, "--escalate-after", "2")
    assert "## 督办事项" in md and "| 催办次数 |" in md


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (Debian: libreoffice-writer)")
def test_libreoffice_prints_the_last_column_of_every_table(office_plan: Path, tmp_path: Path):
    for day in range(3, 29, 5):  # a month of long notes
        ok("status", "set", "9.1", "doing", "--date", f"2020-09-{day:02}", "--note", f"第{day}日：{LONG}")
    ok(
        "report",
        *PERIOD,
        "--format",
        "docx",
        "-o",
        "通报.docx",
        "--escalate-after",
        "2",
        "--number",
        "科协改办〔2020〕5号",
    )
    subprocess.run(
        [str(SOFFICE), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), "通报.docx"],
        check=True, capture_output=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    pdf = tmp_path / "pdf" / "通报.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^9\.1 .*逾期 20 天 +2$", text, re.M), "the 催办次数 of 9.1, the last column"
    assert re.search(r"^1 +学会学术部 +2 +1 +50% +1 +20$", text, re.M), "the ranking's last column"
    flat = "".join(text.split())
    for last in (
        "逾期天数",
        "启动期刊评估",
        "监事会办法已出台",
        "试点城市调整",
        "下一步将报分管领导审定后印发实施。",
    ):
        assert last in flat, last
    assert "中国科协改革办" in flat and "2020年9月30日" in flat
