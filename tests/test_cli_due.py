from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import run

from reformctl import edit, loader


def block(path: Path, ident: str = "6.2") -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f'      - id: "{ident}"')
    end = next(n for n in range(start + 1, len(lines)) if not lines[n].startswith("        "))
    return lines[start + 2 : end]


def test_first_deadline_is_one_line_after_the_status(plan_file: Path):
    original = plan_file.read_text(encoding="utf-8").splitlines()
    result = run("due", "set", "6.2", "2020-10-01")
    assert result.exit_code == 0 and result.stdout == "已记录 6.2：期限 未设定 → 2020-10-01\n"
    assert block(plan_file) == ["        status: todo", "        due: 2020-10-01"]
    assert len(plan_file.read_text(encoding="utf-8").splitlines()) == len(original) + 1


def test_moving_a_deadline_is_recorded_with_its_reason(plan_file: Path):
    run("due", "set", "6.2", "2020-10-01")
    result = run("due", "set", "6.2", "2020-12-31", "--note", "试点城市调整", "--date", "2020-09-20")
    assert result.exit_code == 0 and "期限 2020-10-01 → 2020-12-31" in result.stdout
    assert block(plan_file) == [
        "        status: todo",
        "        due: 2020-12-31",
        "        history:",
        "          - {date: 2020-09-20, from_due: 2020-10-01, due: 2020-12-31, note: 试点城市调整}",
    ]
    log = run("log", "6.2").stdout
    assert "延期 2020-10-01 → 2020-12-31" in log and "试点城市调整" in log
    assert run("due", "set", "6.2", "2020-12-31").stdout == "6.2 的期限已是 2020-12-31，未作修改\n"


def test_undo_of_a_moved_deadline(plan_file: Path):
    run("due", "set", "6.2", "2020-10-01")
    after_first = plan_file.read_bytes()
    run("due", "set", "6.2", "2020-12-31", "--note", "调整")
    result = run("undo", "6.2")
    assert result.exit_code == 0 and result.stdout == "已撤销 6.2：期限 2020-12-31 → 2020-10-01\n"
    assert plan_file.read_bytes() == after_first


def test_flow_item_gets_the_deadline_inline(tmp_path: Path):
    path = tmp_path / "plan.yaml"
    path.write_text(
        "version: 1\ndocument: {title: 示例, number: 一号, issuer: 办公厅}\n"
        "departments: [{id: 学会部, name: 学会学术部}]\n"
        'tasks:\n  - {id: "1", title: 任务, lead: [学会部], items: [{id: "1.1", text: 事项, status: todo}]}\n',
        encoding="utf-8",
    )
    edit.set_due(path, "1.1", dt.date(2020, 10, 1), dt.date(2020, 9, 1), None)
    assert '[{id: "1.1", text: 事项, status: todo, due: 2020-10-01}]' in path.read_text(encoding="utf-8")
    assert loader.load(path).plan.tasks[0].items[0].due == dt.date(2020, 10, 1)  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "words"),
    [(["6.2", "2020-13-01"], "期限：2020-13-01 不是存在的日期"), (["6", "2020-10-01"], "任务 6 有编号事项")],
)
def test_bad_input_writes_nothing(plan_file: Path, args: list[str], words: str):
    before = plan_file.read_bytes()
    result = run("due", "set", *args)
    assert result.exit_code in (1, 2) and words in result.stderr
    assert plan_file.read_bytes() == before


def test_commit_message_of_a_moved_deadline():
    change = edit.Change("6.2", "2020-10-01", "2020-12-31", dt.date(2020, 9, 20), "调整", field="due")
    assert change.message() == "6.2: 期限 2020-10-01 → 2020-12-31（调整）"
