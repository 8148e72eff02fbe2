"""Returned forms written by someone who had not seen the code (a held-out trial), each with
what a careful clerk expects of its import: tests/trial/forms/EXPECTED.md says it in words.

What the trial found, now held here: an inserted column was reported at A3 instead of at the
column that moved; a renamed sheet's new name was never said; Excel's _x001B_ escape reached the
record as text; and a Word file named .xlsx was refused with Python's word for the error.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run

from reformctl import loader, query
from reformctl.models import status_choices

TRIAL = Path(__file__).parent / "trial" / "forms"

RECORDED = {  # file: records written (a status and a new deadline are two)
    "01-xuehui-normal.xlsx": 11,
    "02-xuehui-text-dates.xlsx": 6,
    "04-xuehui-stray-far-cells.xlsx": 3,
    "05-all-libreoffice.xlsx": 8,
    "11-xuehui-formula-esc-newline.xlsx": 3,
}
REFUSED = {  # file: the located lines, in order
    "03-xuehui-typed-status.xlsx": [
        f"学会部!I5: 新状态 '完成' 不认识；可选：{status_choices()}",
        f"学会部!I6: 新状态 '进行中' 不认识；可选：{status_choices()}",
        "学会部!J7: 进展日期 '9月4日' 不是日期；可以写作 2020-09-04、2020-9-4、2020/9/4、2020.9.4 或 2020年9月4日",
    ],
    "06-xuehui-inserted-column.xlsx": [
        "学会部!L3: 表头应为「新期限」，这里是「佐证材料」：与 reformctl form 生成的不同，请勿增删或移动列"
    ],
    "07-xuehui-hidden-sheet-damaged.xlsx": ["填报表信息!C10: 已有记录数 '多' 不是整数", "填报表信息!B15: 缺少编号"],
    "08-xuehui-sheet-renamed-braces.xlsx": [
        "填报表信息!A8: 工作表「学会部」不在填报表中（改过名或删掉了？）；填报表中另有工作表「学会部{1}」"
    ],
    "09-all-tiaoxuan-date-2019.xlsx": ["调宣部!J5: 进展日期 2019-12-01 早于计划的成文日期（2020-07-03）"],
}


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_a_returned_form_is_recorded(plan_file: Path, tmp_path: Path, name: str):
    shutil.copyfile(TRIAL / name, tmp_path / name)
    result = run("import", name)
    assert result.exit_code == 0, result.output
    assert f"已记录 {RECORDED[name]} 条" in result.stdout


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_returned_form_is_refused_at_its_cells(plan_file: Path, tmp_path: Path, name: str):
    shutil.copyfile(TRIAL / name, tmp_path / name)
    before = plan_file.read_bytes()
    result = run("import", name)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"{name}: {line}" for line in REFUSED[name]]
    assert plan_file.read_bytes() == before


def test_a_future_date_is_refused_and_a_word_file_is_no_form(plan_file: Path, tmp_path: Path):
    for name in ("10-all-zuren-future-date.xlsx", "12-xuehui-word-doc-renamed.xlsx"):
        shutil.copyfile(TRIAL / name, tmp_path / name)
    future = run("import", "10-all-zuren-future-date.xlsx")
    assert future.exit_code == 1 and "组人部!J6: 进展日期 2030-01-01 晚于今天" in future.stderr
    word = run("import", "12-xuehui-word-doc-renamed.xlsx")
    assert word.exit_code == 1
    assert (
        word.stderr
        == "错误：12-xuehui-word-doc-renamed.xlsx: 不是可以读取的 xlsx 填报表（文件已损坏，或不是 Excel 工作簿）\n"
    )


def test_what_excel_escapes_is_recorded_as_the_department_saw_it(plan_file: Path, tmp_path: Path):
    name = "11-xuehui-formula-esc-newline.xlsx"
    shutil.copyfile(TRIAL / name, tmp_path / name)
    assert run("import", name).exit_code == 0
    rows = {row.id: row for row in query.rows(loader.load(plan_file))}
    assert rows["10.3"].history[-1].note == "=SUM(A1:A3)"  # text, never a formula
    esc = rows["10.5"].history[-1].note or ""
    assert "_x001B_" not in esc and "\x1b" not in esc and esc.startswith("已推动成立学会联合体3个、产学联合体5个，覆盖")
    assert (rows["10.6"].history[-1].note or "").count("\n") == 2  # its line breaks kept
