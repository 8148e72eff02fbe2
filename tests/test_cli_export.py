from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest
from conftest import ok, run

from reformctl.query import LIGHTS

HEADERS = [
    "任务编号",
    "任务",
    "事项编号",
    "内容",
    "牵头部门",
    "参与部门",
    "责任人",
    "状态",
    "期限",
    "提示",
    "最新进展",
    "进展日期",
    "证明材料",
]


def test_csv_has_a_bom_and_round_trips(history_plan: Path, tmp_path: Path):
    assert run("export", "--as-of", "2020-09-30", "-o", "台账.csv").exit_code == 0
    raw = (tmp_path / "台账.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADERS and len(rows) == 38
    by_id = {r[2]: dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}
    assert by_id["9.1"]["提示"] == "逾期" and by_id["9.1"]["状态"] == "推进中" and by_id["9.1"]["期限"] == "2020-09-10"
    assert by_id["6.2"]["最新进展"] == "试点城市调整" and by_id["6.2"]["进展日期"] == "2020-09-20"
    assert by_id["6.2"]["牵头部门"] == "学会部、办公厅、组人部"
    assert by_id["10.3"]["状态"] == "已完成" and by_id["10.3"]["提示"] == ""
    no_bom = run("export", "--no-bom").stdout
    assert no_bom.startswith("任务编号,")


def test_json_ledger_agrees_with_list(history_plan: Path):
    ledger = json.loads(run("export", "--format", "json", "--as-of", "2020-12-01").stdout)
    listed = json.loads(run("list", "--format", "json", "--as-of", "2020-12-01").stdout)
    assert [(r["id"], r["status"], r["due"], r["light"]) for r in ledger] == [
        (r["id"], r["status"], r["due"], r["light"]) for r in listed
    ]
    assert ledger[1]["last_note"] is None


PRINTED = ["事项编号", "任务", "内容", "牵头部门", "状态", "期限", "提示", "最新进展", "进展日期", "逾期天数"]
BESIDE = ["事项编号", "任务编号", "任务", "参与部门", "责任人", "联系方式", "期限原文", "证明材料"]


def test_xlsx_reopens_with_the_expected_cells(history_plan: Path, tmp_path: Path):
    openpyxl = pytest.importorskip("openpyxl")
    assert run("export", "--format", "xlsx", "-o", "台账.xlsx", "--as-of", "2020-09-30").exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "台账.xlsx")
    assert book.sheetnames == ["台账", "责任人与材料"]
    sheet = book["台账"]
    assert sheet["A1"].value == "2020年科协系统深化改革重点任务台账 · 截至 2020-09-30" and sheet["A1"].font.bold
    assert [c.value for c in sheet[2]] == PRINTED
    assert [c.value for c in book["责任人与材料"][2]] == BESIDE
    assert sheet.freeze_panes == "B3" and sheet.auto_filter.ref == "A2:J39"
    assert sheet.max_row == 39 and book["责任人与材料"].max_row == 39
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "9.1")
    assert [c.value for c in row[4:7]] == ["推进中", dt.datetime(2020, 9, 10), "逾期"]
    assert row[5].number_format == "yyyy-mm-dd" and row[9].value == 20  # days overdue on 2020-09-30
    assert row[4].fill.fgColor.rgb.endswith("F4C7C3")  # the red light's fill
    assert row[0].data_type == "s"  # 9.1 stays text
    assert book["责任人与材料"]["A3"].data_type == "s" and book["责任人与材料"]["B3"].data_type == "s"


def test_the_ledger_prints_readably_on_a4(history_plan: Path, tmp_path: Path):
    """Issue 21: 14 columns squeezed onto one landscape page printed at 4–5 pt. Now the printed
    columns add up to about a page at full size (so fitToWidth hardly shrinks them), long texts wrap
    in wide columns, rows grow with them, and the sheet runs over as many pages as it needs."""
    openpyxl = pytest.importorskip("openpyxl")
    assert run("export", "--format", "xlsx", "-o", "台账.xlsx", "--as-of", "2020-09-30").exit_code == 0
    sheet = openpyxl.load_workbook(tmp_path / "台账.xlsx")["台账"]
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$2:$2"
    widths = {sheet.cell(row=2, column=n).value: sheet.column_dimensions[letter(n)].width for n in range(1, 11)}
    # A4 landscape, 1.3 cm margins: about 140 characters of 11 pt at 100 %; 9 pt is 82 % of 11.
    margins = sheet.page_margins.left + sheet.page_margins.right
    assert sum(widths.values()) <= 140 and margins <= 1.0
    assert widths["内容"] >= 30 and widths["最新进展"] >= 25
    assert widths["期限"] >= 11 and widths["进展日期"] >= 11
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "2")
    assert all(c.alignment.wrap_text for c in row)
    text = row[2].value  # 2's 内容 is 170 characters: a dozen lines in its column
    assert len(text) > 150 and sheet.row_dimensions[row[0].row].height >= 15 * len(text) * 2 / widths["内容"]
    one_line = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "10.3")
    assert sheet.row_dimensions[one_line[0].row].height < sheet.row_dimensions[row[0].row].height


def letter(n: int) -> str:
    return chr(ord("A") + n - 1)


def test_the_workbook_keeps_every_field_of_the_ledger(history_plan: Path, tmp_path: Path):
    """The printed sheet leaves out owner, contact, participants and links: they are on the second sheet,
    by 事项编号, so the workbook still holds every field of every row."""
    openpyxl = pytest.importorskip("openpyxl")
    ok("status", "set", "6.2", "doing", "--date", "2020-09-21", "--note", "见附件", "--link", "https://example.org/a")
    ok("assign", "6.2", "--owner", "张三", "--contact", "010-12345678", "--date", "2020-09-21")
    assert run("export", "--format", "xlsx", "-o", "台账.xlsx", "--as-of", "2020-09-30").exit_code == 0
    records = json.loads(run("export", "--format", "json", "--as-of", "2020-09-30").stdout)
    book = openpyxl.load_workbook(tmp_path / "台账.xlsx")
    cells: dict[str, set[str]] = {}
    for sheet in book:
        for r in sheet.iter_rows(min_row=3, values_only=True):
            cells.setdefault(str(r[0]), set()).update(
                v.date().isoformat() if isinstance(v, dt.datetime) else str(v) for v in r if v not in (None, "")
            )
    labels = {"todo": "未启动", "doing": "推进中", "done": "已完成", "blocked": "受阻", "na": "不适用"}
    for record in records:
        have = cells[record["id"]]
        for key, value in record.items():
            if value in (None, "", []):
                continue
            said = labels[value] if key == "status" else LIGHTS[value] if key == "light" else value
            said = "、".join(said) if isinstance(said, list) else str(said)
            assert said in have, (record["id"], key, said)
    assert {"张三", "010-12345678", "https://example.org/a", "见附件"} <= cells["6.2"]


def test_unwritable_output_is_a_clear_error(history_plan: Path, tmp_path: Path):
    pytest.importorskip("openpyxl")
    for fmt in ("csv", "xlsx"):
        result = run("export", "--format", fmt, "-o", str(tmp_path / "no-such-folder" / f"台账.{fmt}"))
        assert result.exit_code == 1 and "无法写入" in result.stderr, result.output
        assert not (tmp_path / "no-such-folder").exists()


def test_xlsx_needs_a_file_and_openpyxl(history_plan: Path, monkeypatch: pytest.MonkeyPatch):
    result = run("export", "--format", "xlsx")
    assert result.exit_code == 2 and "-o" in result.stderr
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    result = run("export", "--format", "xlsx", "-o", "台账.xlsx")
    assert result.exit_code == 1 and "pip install openpyxl" in result.stderr


def test_an_export_never_overwrites_another_plan(history_plan: Path, tmp_path: Path):
    """Not only the plan read: any YAML file is somebody's plan, and an export never lands on one."""
    for name in ("另一份计划.yaml", "tasks-2021.YML"):
        other = tmp_path / name
        other.write_text("version: 1\n", encoding="utf-8")
        result = run("export", "-o", name)
        assert result.exit_code == 1, result.output
        assert result.stderr.splitlines()[-1] == f"错误：{name}: 这是计划文件，不能用作输出；请换一个文件名"
        assert other.read_text(encoding="utf-8") == "version: 1\n"
    assert run("export", "-o", "台账.yaml.csv").exit_code == 0  # a name that only contains .yaml is fine


def test_csv_cells_that_could_start_a_formula_get_a_quote(plan_file: Path, tmp_path: Path):
    """OWASP's list: = + - @ tab and CR at a cell's start; a spreadsheet would run -2+3 as a sum."""
    notes = {"6.2": "-2+3", "9.1": "=1+1", "7.1": "+SUM(A1)", "2": "@cmd", "10.3": "2-3"}
    for ident, note in notes.items():
        assert run("status", "set", ident, "doing", "--date", "2020-09-01", f"--note={note}").exit_code == 0
    assert run("export", "--no-bom", "-o", "台账.csv").exit_code == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "台账.csv").read_text(encoding="utf-8"), newline="")))
    by_id = {r[2]: r[HEADERS.index("最新进展")] for r in rows[1:]}
    assert {ident: by_id[ident] for ident in notes} == {
        "6.2": "'-2+3",
        "9.1": "'=1+1",
        "7.1": "'+SUM(A1)",
        "2": "'@cmd",
        "10.3": "2-3",  # a dash inside is no formula
    }


def test_xlsx_shades_a_close_row_yellow(history_plan: Path, tmp_path: Path):
    """临期 rows are shaded too, not only the overdue ones: status, hint and deadline, in yellow."""
    openpyxl = pytest.importorskip("openpyxl")
    assert run("export", "--format", "xlsx", "-o", "台账.xlsx", "--as-of", "2020-09-30").exit_code == 0
    sheet = openpyxl.load_workbook(tmp_path / "台账.xlsx").active
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "2")
    assert [c.value for c in row[4:7]] == ["推进中", dt.datetime(2020, 10, 5), "临期"]
    fills = {PRINTED[n]: c.fill for n, c in enumerate(row)}
    shaded = {name for name, fill in fills.items() if fill.fill_type == "solid"}
    assert shaded == {"状态", "期限", "提示"}
    assert {fills[name].fgColor.rgb for name in shaded} == {"00FCE8B2"}
