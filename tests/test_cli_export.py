from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest
from conftest import run

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


def test_xlsx_reopens_with_the_expected_cells(history_plan: Path, tmp_path: Path):
    openpyxl = pytest.importorskip("openpyxl")
    assert run("export", "--format", "xlsx", "-o", "台账.xlsx", "--as-of", "2020-09-30").exit_code == 0
    sheet = openpyxl.load_workbook(tmp_path / "台账.xlsx").active
    assert sheet["A1"].value == "2020年科协系统深化改革重点任务台账 · 截至 2020-09-30" and sheet["A1"].font.bold
    assert [c.value for c in sheet[2]] == [*HEADERS, "逾期天数"]
    assert sheet.freeze_panes == "B3" and sheet.auto_filter.ref == "A2:N39"
    assert sheet.max_row == 39
    row = next(r for r in sheet.iter_rows(min_row=3) if r[2].value == "9.1")
    assert [c.value for c in row[7:10]] == ["推进中", dt.datetime(2020, 9, 10), "逾期"]
    assert row[8].number_format == "yyyy-mm-dd" and row[13].value == 20  # days overdue on 2020-09-30
    assert row[7].fill.fgColor.rgb.endswith("F4C7C3")  # the red light's fill
    assert row[2].data_type == "s" and row[0].data_type == "s"  # 9.1 and 9 stay text
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$2:$2" and sheet.column_dimensions["D"].width == 52


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
    row = next(r for r in sheet.iter_rows(min_row=3) if r[2].value == "2")
    assert [c.value for c in row[7:10]] == ["推进中", dt.datetime(2020, 10, 5), "临期"]
    fills = {HEADERS[n] if n < len(HEADERS) else "逾期天数": c.fill for n, c in enumerate(row)}
    shaded = {name for name, fill in fills.items() if fill.fill_type == "solid"}
    assert shaded == {"状态", "期限", "提示"}
    assert {fills[name].fgColor.rgb for name in shaded} == {"00FCE8B2"}
