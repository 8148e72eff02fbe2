"""The fill-in round trip: form → a department fills it in (Excel or LibreOffice) → import."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import ok, run
from openpyxl import load_workbook

from reformctl import loader, query

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def make_form(tmp_path: Path) -> Path:
    ok("form", "--dept", "学会部", "-o", "学会部.xlsx")
    return tmp_path / "学会部.xlsx"


def fill(form: Path, cells: dict[str, object], to: Path) -> Path:
    """As a person fills it in: only the yellow cells, in the sheet of the department."""
    book = load_workbook(form)
    sheet = book["学会部"]
    for address, value in cells.items():
        sheet[address] = value
    book.save(to)
    return to


GOOD = {
    "I4": "推进中", "J4": dt.date(2020, 9, 4), "K4": "已召开推进会 =1+1",
    "I5": "已完成", "J5": "2020年9月10日",
    "L6": dt.date(2020, 12, 31), "M6": "试点城市调整",
    "I7": "不适用", "J7": "2020-9-4", "K7": "本部门不涉及",
}  # fmt: skip


def test_the_form_carries_what_a_department_needs(plan_file: Path, tmp_path: Path):
    book = load_workbook(make_form(tmp_path))
    assert book.sheetnames == ["学会部", "填报表信息"] and book["填报表信息"].sheet_state == "hidden"
    sheet = book["学会部"]
    assert [c.value for c in sheet[3]] == ["编号", "任务", "内容", "角色", "责任人", "当前状态", "期限", "最新进展",
                                           "新状态", "进展日期", "进展说明", "新期限", "调整原因"]  # fmt: skip
    assert [sheet[f"A{r}"].value for r in range(4, 16)] == [
        row.id for row in query.select(loader.load(plan_file), dept="学会部")
    ]
    assert sheet["A4"].data_type == "s" and sheet["D4"].value == "牵头"
    assert sheet.protection.sheet and sheet["A4"].protection.locked and not sheet["I4"].protection.locked
    validations = {str(v.sqref).split()[0]: v for v in sheet.data_validations.dataValidation}
    assert validations["I4"].type == "list" and "不适用" in validations["I4"].formula1
    assert validations["J4"].type == "date"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$3:$3"
    info = {row[0].value: row[1].value for row in book["填报表信息"].iter_rows(max_row=5)}
    assert info["计划标题"] == "2020年科协系统深化改革重点任务" and len(info["内容哈希"]) == 64


def test_the_form_has_room_for_its_answers_and_refuses_a_wrong_status(plan_file: Path, tmp_path: Path):
    """Issue 21: a date typed in 进展日期 showed as ### in its 8-character column, 进展说明 was cut
    at one line's height, and the status dropdown took anything typed over it."""
    sheet = load_workbook(make_form(tmp_path))["学会部"]
    width = {sheet.cell(row=3, column=n).value: sheet.column_dimensions[chr(64 + n)].width for n in range(1, 14)}
    assert width["进展日期"] >= 11 and width["新期限"] >= 11 and width["期限"] >= 11
    assert width["进展说明"] >= 24 and width["新状态"] >= 8 and width["调整原因"] >= 10
    assert sheet["J4"].number_format == "yyyy-mm-dd" and sheet["L4"].number_format == "yyyy-mm-dd"
    assert all(sheet[f"{c}4"].alignment.wrap_text for c in "ABCDEFGHIJKLM")
    heights = [sheet.row_dimensions[r].height for r in range(4, 16)]
    assert min(heights) >= 45  # three lines at least: room to write 进展说明 in
    text = sheet["C4"].value  # 6.1's 内容, 110 characters: wrapped in 内容's column, not cut
    assert heights[0] >= 15 * len(text) * 2 / width["内容"]
    validations = {str(v.sqref).split()[0]: v for v in sheet.data_validations.dataValidation}
    status = validations["I4"]
    assert status.showErrorMessage and status.errorStyle == "stop"
    assert status.errorTitle == "状态不在列表中" and "请从下拉列表中选择" in status.error and "不适用" in status.error
    assert validations["J4"].errorStyle == "warning"  # a date typed as text is still read on import
    assert (
        sheet["A1"].value == "2020年科协系统深化改革重点任务 进展填报表 · 学会部 · 截至 " + dt.date.today().isoformat()
    )


def test_a_unit_plans_form_names_the_unit(plan_file: Path, tmp_path: Path):
    ok("init", "--unit", "甲市科协", "--level", "市级", "-o", "plans/甲/tasks-2020.yaml")
    ok("form", "--dept", "学会部", "-o", "甲.xlsx", "--as-of", "2020-09-30", "-f", "plans/甲/tasks-2020.yaml")
    title = load_workbook(tmp_path / "甲.xlsx")["学会部"]["A1"].value
    assert title.startswith("甲市科协 · ") and title.endswith("进展填报表 · 学会部 · 截至 2020-09-30")


def test_a_filled_form_imports_as_records_and_again_as_nothing(plan_file: Path, tmp_path: Path):
    filled = fill(make_form(tmp_path), GOOD, tmp_path / "填好.xlsx")
    dry = ok("import", str(filled), "--dry-run")
    assert "将记录 4 条" in dry and "状态 → 推进中" in dry and "期限 → 2020-12-31" in dry
    assert "status: todo" in plan_file.read_text(encoding="utf-8").split('id: "6.1"')[1][:400]
    assert "已记录 4 条；写入 data/tasks-2020.yaml" in ok("import", str(filled))
    rows = {row.id: row for row in query.rows(loader.load(plan_file))}
    assert (rows["6.1"].status, rows["6.1"].history[-1].note, rows["6.1"].history[-1].by) == (
        "doing",
        "已召开推进会 =1+1",  # typed text, recorded as text
        "学会部",
    )
    assert rows["6.2"].status == "done" and rows["6.2"].history[-1].date == dt.date(2020, 9, 10)
    assert rows["9.1"].due == dt.date(2020, 12, 31) and rows["9.1"].history[-1].note == "试点城市调整"
    assert rows["9.2"].status == "na" and rows["9.2"].reason == "本部门不涉及"
    before = plan_file.read_bytes()
    again = ok("import", str(filled))
    assert "已有相同记录，跳过 4 条" in again and "未修改" in again and plan_file.read_bytes() == before


def test_five_bad_cells_are_all_reported_and_nothing_is_written(plan_file: Path, tmp_path: Path):
    bad = {
        "I4": "完成了",
        "I5": "推进中", "J5": "九月初",
        "I6": "推进中", "J6": dt.date.today() + dt.timedelta(days=3),
        "I7": "不适用",
        "I8": "推进中",
    }  # fmt: skip
    filled = fill(make_form(tmp_path), bad, tmp_path / "填错.xlsx")
    book = load_workbook(filled)
    book["学会部"].protection.sheet = False
    book["学会部"]["A8"] = "99.9"  # an id that is not in the plan
    book.save(filled)
    before = plan_file.read_bytes()
    result = run("import", str(filled))
    assert result.exit_code == 1 and plan_file.read_bytes() == before
    lines = result.stderr.splitlines()
    assert lines[0].startswith("填错.xlsx: 学会部!I4: 新状态 '完成了' 不认识；可选：todo（未启动）")
    assert lines[1].startswith("填错.xlsx: 学会部!J5: 进展日期 '九月初' 不是日期")
    assert lines[2].startswith("填错.xlsx: 学会部!J6: 进展日期") and "晚于今天" in lines[2]
    assert lines[3] == "填错.xlsx: 学会部!K7: 新状态为不适用，需在进展说明中写明理由"
    assert lines[4] == "填错.xlsx: 学会部!A8: 编号 '99.9' 不在计划中"
    assert len(lines) == 5


def test_a_form_from_another_plan_is_refused(plan_file: Path, tmp_path: Path):
    filled = fill(make_form(tmp_path), GOOD, tmp_path / "填好.xlsx")
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(
        text.replace("title: 2020年科协系统深化改革重点任务", "title: 另一份计划", 1), encoding="utf-8"
    )
    result = run("import", str(filled))
    assert result.exit_code == 2 and "是由另一份计划（2020年科协系统深化改革重点任务 ）生成的" in result.stderr


def test_a_row_recorded_since_the_form_was_made_is_a_conflict(plan_file: Path, tmp_path: Path):
    filled = fill(make_form(tmp_path), GOOD, tmp_path / "填好.xlsx")
    ok("status", "set", "6.1", "blocked", "--date", "2020-09-05", "--note", "经费未到位")
    said = ok("import", str(filled))
    assert "冲突，跳过：学会部!I4 6.1 在填报表生成后已有新记录" in said and "已记录 3 条" in said
    assert loader.load(plan_file).tasks[5].items[0].status == "blocked"  # type: ignore[index]
    assert "已记录 1 条" in ok("import", str(filled), "--force")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (Debian: libreoffice-calc)")
def test_a_form_saved_by_libreoffice_imports_the_same(plan_file: Path, tmp_path: Path):
    filled = fill(make_form(tmp_path), GOOD, tmp_path / "excel.xlsx")
    out = tmp_path / "lo"
    subprocess.run(
        [str(SOFFICE), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "xlsx",
         "--outdir", str(out), str(filled)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    resaved = out / "excel.xlsx"
    assert resaved.read_bytes() != filled.read_bytes()  # LibreOffice wrote its own file
    assert "将记录 4 条" in ok("import", str(resaved), "--dry-run")
    assert "已记录 4 条" in ok("import", str(resaved))
    assert "已有相同记录，跳过 4 条" in ok("import", str(filled))  # the Excel copy: the same records


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_import_commit_is_one_commit_of_the_plan(plan_file: Path, tmp_path: Path):
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=True, cwd=tmp_path).stdout.strip()

    git("init", "-q", "-b", "main")
    git("config", "user.name", "测试")
    git("config", "user.email", "test@example.invalid")
    git("add", "data")
    git("commit", "-q", "-m", "计划")
    filled = fill(make_form(tmp_path), GOOD, tmp_path / "填好.xlsx")
    ok("import", str(filled), "--commit")
    assert git("log", "--format=%s", "-1") == "导入填报表 填好.xlsx：4 条记录"
    assert git("show", "--name-only", "--format=", "HEAD") == "data/tasks-2020.yaml"
    assert git("status", "--porcelain", "data") == ""


def test_without_openpyxl_form_and_import_say_so(plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import sys

    filled = fill(make_form(tmp_path), GOOD, tmp_path / "填好.xlsx")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    for args in (["form", "-o", "x.xlsx"], ["import", str(filled)]):
        result = run(*args)
        assert result.exit_code == 1 and "pip install openpyxl" in result.stderr, args


def unprotected(form: Path, to: Path) -> tuple[Path, Any]:
    """The form opened to be changed as a person could, its sheet's guard taken off."""
    book = load_workbook(form)
    book["学会部"].protection.sheet = False
    return to, book


def test_a_sheet_titled_with_braces_is_located(plan_file: Path, tmp_path: Path):
    """Reproduced: a sheet titled x{} ended in an internal error (exit 3): its title was formatted."""
    to, book = unprotected(make_form(tmp_path), tmp_path / "括号.xlsx")
    book["学会部"].title = "x{}"
    for row in book["填报表信息"].iter_rows(min_row=8):
        row[0].value = "x{}"
    book["x{}"]["A8"], book["x{}"]["I8"] = "99.9", "推进中"
    book.save(to)
    before = plan_file.read_bytes()
    result = run("import", str(to))
    assert result.exit_code == 1 and result.stderr == "括号.xlsx: x{}!A8: 编号 '99.9' 不在计划中\n"
    assert plan_file.read_bytes() == before


def test_a_row_added_below_or_a_sheet_renamed_is_said_not_left_out(plan_file: Path, tmp_path: Path):
    """Only the rows the form was made with are read: what is filled in beyond them is said."""
    to, book = unprotected(make_form(tmp_path), tmp_path / "加行.xlsx")
    book["学会部"]["A16"], book["学会部"]["I16"] = "6.1", "推进中"
    book.save(to)
    result = run("import", str(to))
    assert result.exit_code == 1 and result.stderr == (
        "加行.xlsx: 学会部!A16: 这一行不是 reformctl form 生成的：本页在「填报表信息」中只列了 12 行；"
        "请勿增加行或修改工作表名\n"
    )
    to, book = unprotected(make_form(tmp_path), tmp_path / "改名.xlsx")
    book["学会部"].title = "学会"
    book["学会"]["I4"] = "推进中"
    book.save(to)
    result = run("import", str(to))
    assert result.exit_code == 1
    assert (
        result.stderr
        == "改名.xlsx: 填报表信息!A8: 工作表「学会部」不在填报表中（改过名或删掉了？）；填报表中另有工作表「学会」\n"
    )
    to, book = unprotected(make_form(tmp_path), tmp_path / "复制.xlsx")
    book.copy_worksheet(book["学会部"])["I4"] = "推进中"  # 学会部 Copy, which no row lists
    book.save(to)
    result = run("import", str(to))
    assert result.exit_code == 1 and result.stderr == (
        "复制.xlsx: 学会部 Copy!A4: 这一行不是 reformctl form 生成的：「填报表信息」中没有这一页；"
        "请勿增加行或修改工作表名\n"
    )


def _numbered(form: Path, to: Path) -> None:
    """The identity sheet's first count as a number of 5,000 digits, as only an edited file has."""
    with zipfile.ZipFile(form) as archive, zipfile.ZipFile(to, "w", zipfile.ZIP_DEFLATED) as out:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b'<c r="C8" t="n"><v>0</v></c>', b'<c r="C8" t="n"><v>' + b"9" * 5000 + b"</v></c>")
            out.writestr(info, data)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("columns", "坏.xlsx: 填报表信息!B1: 缺少计划标题，无法核对填报表由哪份计划生成\n"
                    "坏.xlsx: 填报表信息!A7: 表头应为 工作表、编号、已有记录数，请勿增删或移动列\n"),
        ("many", "坏.xlsx: 填报表信息!C8: 已有记录数 'many' 不是整数\n"),
        ("text", "坏.xlsx: 填报表信息!C9: 已有记录数 '99999999999999999999…'（共 5000 个字符）不是整数\n"),
        ("number", "错误：坏.xlsx: 填报表信息: 有无法读取的单元格，请用 Excel 或 WPS 打开后另存再试\n"),
        ("no id", "坏.xlsx: 填报表信息!B10: 缺少编号\n"),
        ("sheet", "坏.xlsx: 填报表信息!A8: 工作表「学会」不在填报表中（改过名或删掉了？）\n"),
    ],
)  # fmt: skip
def test_a_malformed_identity_sheet_is_located(plan_file: Path, tmp_path: Path, change: str, said: str):
    """Reproduced: columns deleted, a count of `many` or of 5,000 digits each ended in exit 3."""
    form, bad = make_form(tmp_path), tmp_path / "坏.xlsx"
    if change == "number":
        _numbered(form, bad)
    else:
        book = load_workbook(form)
        info = book["填报表信息"]
        if change == "columns":
            info.delete_cols(2, 2)
        else:
            cell = {"many": "C8", "text": "C9", "no id": "B10", "sheet": "A8"}[change]
            info[cell] = {"many": "many", "text": "9" * 5000, "no id": None, "sheet": "学会"}[change]
        book.save(bad)
    before = plan_file.read_bytes()
    result = run("import", str(bad))
    assert (result.exit_code, result.stderr) == (1, said)
    assert plan_file.read_bytes() == before


@pytest.mark.parametrize(
    ("make", "said"),
    [
        ("missing", "错误：填报表.xlsx: 无法读取：找不到文件\n"),
        ("folder", "错误：填报表.xlsx: 无法读取：这是文件夹，不是填报表\n"),
        ("fifo", "错误：填报表.xlsx: 无法读取：不是普通文件（设备、管道等）\n"),
    ],
)
def test_a_form_that_is_not_a_file_is_said_so_by_its_name(plan_file: Path, tmp_path: Path, make: str, said: str):
    """Reproduced: each was "不是可以读取的 xlsx 填报表（Unreadable）", and a folder a "计划文件"."""
    target = tmp_path / "填报表.xlsx"
    if make == "folder":
        target.mkdir()
    elif make == "fifo":
        os.mkfifo(target)
    before = plan_file.read_bytes()
    result = run("import", str(target))
    assert (result.exit_code, result.stderr) == (1, said)
    assert plan_file.read_bytes() == before
