from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import WROTE, run

from reformctl import edit, loader


def block(path: Path, ident: str = "6.2") -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f'      - id: "{ident}"')
    end = next(n for n in range(start + 1, len(lines)) if not lines[n].startswith("        "))
    return lines[start + 2 : end]


def test_first_deadline_is_a_line_after_the_status_and_a_record(plan_file: Path):
    original = plan_file.read_text(encoding="utf-8").splitlines()
    result = run("due", "set", "6.2", "2020-10-01", "--date", "2020-09-07")
    assert result.exit_code == 0 and result.stdout == f"已记录 6.2：期限 未设定 → 2020-10-01{WROTE}\n"
    assert block(plan_file) == [
        "        status: todo",
        "        due: 2020-10-01",
        "        history:",
        "          - {date: 2020-09-07, from_due: null, due: 2020-10-01}",
    ]
    assert len(plan_file.read_text(encoding="utf-8").splitlines()) == len(original) + 3
    assert "设定期限 2020-10-01" in run("log", "6.2").stdout


def test_undo_right_after_a_first_deadline_takes_it_back(plan_file: Path):
    """Reproduced: status set, due set, undo printed 推进中 → 未启动 and left the deadline."""
    run("status", "set", "6.2", "doing", "--date", "2020-09-01")
    after_status = plan_file.read_bytes()
    run("due", "set", "6.2", "2020-10-01", "--date", "2020-09-07")
    result = run("undo", "6.2")
    assert result.stdout == f"已撤销 6.2：期限 2020-10-01 → 未设定{WROTE}\n"
    assert plan_file.read_bytes() == after_status
    run("due", "set", "6.2", "2020-10-01", "--date", "2020-09-07")
    shown = run("show", "6.2", "--as-of", "2020-09-06").stdout
    assert "期限：未设定" in shown and "2020-10-01" not in shown
    assert "期限：2020-10-01" in run("show", "6.2", "--as-of", "2020-09-07").stdout


def test_moving_a_deadline_is_recorded_with_its_reason(plan_file: Path):
    run("due", "set", "6.2", "2020-10-01", "--date", "2020-09-07")
    result = run("due", "set", "6.2", "2020-12-31", "--note", "试点城市调整", "--date", "2020-09-20")
    assert result.exit_code == 0 and "期限 2020-10-01 → 2020-12-31" in result.stdout
    assert block(plan_file) == [
        "        status: todo",
        "        due: 2020-12-31",
        "        history:",
        "          - {date: 2020-09-07, from_due: null, due: 2020-10-01}",
        "          - {date: 2020-09-20, from_due: 2020-10-01, due: 2020-12-31, note: 试点城市调整}",
    ]
    log = run("log", "6.2").stdout
    assert "延期 2020-10-01 → 2020-12-31" in log and "试点城市调整" in log
    same = run("due", "set", "6.2", "2020/12/31").stdout
    assert same == "data/tasks-2020.yaml 中 6.2 的期限已是 2020-12-31，未作修改\n"


def test_undo_of_a_moved_deadline(plan_file: Path):
    run("due", "set", "6.2", "2020-10-01")
    after_first = plan_file.read_bytes()
    run("due", "set", "6.2", "2020-12-31", "--note", "调整")
    result = run("undo", "6.2")
    assert result.exit_code == 0 and result.stdout == f"已撤销 6.2：期限 2020-12-31 → 2020-10-01{WROTE}\n"
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
    written = (
        '[{id: "1.1", text: 事项, status: todo, due: 2020-10-01, '
        "history: [{date: 2020-09-01, from_due: null, due: 2020-10-01}]}]"
    )
    assert written in path.read_text(encoding="utf-8")
    assert loader.load(path).tasks[0].items[0].due == dt.date(2020, 10, 1)  # type: ignore[index]


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
    change = edit.Change(
        id="6.2", kind="due", before="2020-10-01", after="2020-12-31", date=dt.date(2020, 9, 20), note="调整"
    )
    assert change.message() == "6.2: 期限 2020-10-01 → 2020-12-31（调整）"
    assert edit.Change(
        id="6.2", kind="due", before="2020-10-01", after="2020-12-31", date=dt.date(2020, 9, 20), unit="武汉市科协"
    ).message() == ("武汉市科协 6.2: 期限 2020-10-01 → 2020-12-31")
