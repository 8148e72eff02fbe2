"""Behaviours that a one-line change could break while every other test still passed: each test
here fails on such a change (named in its docstring)."""

from __future__ import annotations

import datetime as dt
import json
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import WROTE, ok, run

from reformctl import edit, files, reader, splice
from reformctl.errors import Refused
from reformctl.rollup import combine


def listed(*args: str) -> dict[str, dict]:
    return {row["id"]: row for row in json.loads(ok("list", "--format", "json", *args))}


def test_a_record_on_the_as_of_day_stays_in_force(history_plan: Path):
    """`record.date <= day` in query.rewind, not `<`: 6.2 became 推进中 on 2020-08-15."""
    assert listed("--task", "6.2", "--as-of", "2020-08-15")["6.2"]["status"] == "doing"
    assert listed("--task", "6.2", "--as-of", "2020-08-14")["6.2"]["status"] == "todo"
    assert "2020-08-15  未启动 → 推进中  启动试点城市遴选" in ok("show", "6.2", "--as-of", "2020-08-15")
    assert listed("--task", "6.2", "--as-of", "2020-09-20")["6.2"]["due"] == "2020-12-31"  # moved that day
    assert listed("--task", "6.2", "--as-of", "2020-09-19")["6.2"]["due"] == "2020-10-01"


@pytest.fixture
def with_participants(plan_file: Path) -> Path:
    """Task 6 (led by 学会部、办公厅、组人部) with 科普部 participating; 6.2 with its own participants."""
    text = plan_file.read_text(encoding="utf-8")
    text = text.replace(
        "    lead: [学会部, 办公厅, 组人部]\n", "    lead: [学会部, 办公厅, 组人部]\n    participants: [科普部]\n", 1
    )
    start = text.index('      - id: "6.2"\n')
    at = text.index("        status: todo\n", start) + len("        status: todo\n")
    plan_file.write_text(text[:at] + "        participants: [国际部]\n" + text[at:], encoding="utf-8")
    return plan_file


def test_items_inherit_their_tasks_participants(with_participants: Path):
    rows = listed("--task", "6")
    assert rows["6.1"]["participants"] == ["科普部"]
    assert rows["6.2"]["participants"] == ["国际部"]  # its own win
    assert "参与部门：科普部（科学技术普及部）" in ok("show", "6.1")


def test_dept_matches_lead_departments_only(with_participants: Path):
    """科普部 participates in task 6 but leads none of its items."""
    led = listed("--dept", "科普部")
    assert led and not any(ident.startswith("6.") for ident in led)
    assert all("科普部" in row["lead"] for row in led.values())


def test_search_matches_task_titles(plan_file: Path):
    """科创中国 is in task 6's title; 6.1 and 6.2 have it in their text, and so do rows of task 11."""
    found = listed("--search", "产学研深度融合")  # only in task 6's title
    assert sorted(found) == ["6.1", "6.2"]


def test_the_write_path_refuses_a_splice_that_wrote_the_wrong_value(plan_file: Path, monkeypatch: pytest.MonkeyPatch):
    """edit.check_splice: a splice that writes another value than intended is never written."""
    before = plan_file.read_bytes()
    real = splice.replace_scalar
    monkeypatch.setattr(splice, "replace_scalar", lambda node, value: real(node, "blocked"))
    with pytest.raises(Refused, match="无法精确修改"):
        edit.set_status(plan_file, "6.2", "done", dt.date(2020, 9, 1), None)
    assert plan_file.read_bytes() == before


def test_check_splice_compares_the_whole_file(plan_file: Path):
    """A splice that also changed another row is refused, though the row itself is right."""
    text = plan_file.read_text(encoding="utf-8")
    source = reader.parse(text, "plan")
    target = edit.Target(source, "6.2")
    target.values["status"] = "done"
    spliced = splice.apply(text, [splice.replace_scalar(splice.value_of(target.node, "status"), "done")])
    edit.check_splice("plan", source.data, spliced, target)  # exactly the intended change: accepted
    other = edit.Target(reader.parse(spliced, "plan"), "6.1")
    both = splice.apply(spliced, [splice.replace_scalar(splice.value_of(other.node, "status"), "doing")])
    with pytest.raises(Refused):
        edit.check_splice("plan", source.data, both, target)


def test_an_unknown_participant_is_a_located_problem(plan_file: Path):
    text = plan_file.read_text(encoding="utf-8")
    line = text[: text.index("    lead: [学会部, 办公厅, 组人部]\n")].count("\n") + 2
    plan_file.write_text(
        text.replace(
            "    lead: [学会部, 办公厅, 组人部]\n", "    lead: [学会部, 办公厅, 组人部]\n    participants: [宣传处]\n"
        ),
        encoding="utf-8",
    )
    result = run("validate")
    assert result.exit_code == 1
    assert f"data/tasks-2020.yaml:{line}:20: tasks[5].participants[0]: '宣传处' 不是已登记的部门" in result.stderr


def test_long_html_cells_are_escaped(plan_file: Path):
    """html._td escapes the long cells (over ten characters) as well as the short ones."""
    note = "<script>alert(1)</script> 这是一条很长的说明"
    ok("status", "set", "6.2", "doing", "--date", "2020-09-01", "--note", note)
    page = ok("report", "--format", "html", "--since", "2020-09-01", "--until", "2020-09-30")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; 这是一条很长的说明" in page


def test_pipes_are_escaped_in_markdown_lists(plan_file: Path):
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace("text: 完善助力地方", "text: 甲|乙 完善助力地方", 1), encoding="utf-8")
    row = next(line for line in ok("list", "--format", "md").splitlines() if line.startswith("| 6.2 |"))
    assert "甲\\|乙" in row and row.count(" | ") == 5


def test_json_keeps_chinese_literal(plan_file: Path):
    ok("status", "set", "6.2", "doing", "--note", "进展顺利")
    for args in (["list"], ["log"], ["summary"], ["export"]):
        out = ok(*args, "--format", "json")
        assert "\\u" not in out and re.search("[\u4e00-\u9fff]", out), args


def test_a_unit_with_a_done_and_a_todo_row_for_one_item_is_doing(tmp_path: Path):
    assert combine(["done", "todo"]) == "doing"
    assert combine(["done", "done"]) == "done" and combine(["todo", "blocked", "done"]) == "blocked"
    assert combine(["todo"]) == "todo" and combine([]) == "untaken"
    ok("init")
    ok("init", "--unit", "武汉市科协", "--level", "市级", "-o", "plans/wuhan/tasks-2020.yaml")
    unit = tmp_path / "plans" / "wuhan" / "tasks-2020.yaml"
    text = unit.read_text(encoding="utf-8")
    unit.write_text(text.replace('implements: ["6.1"]', 'implements: ["6.2"]', 1), encoding="utf-8")
    ok("status", "set", "6.2", "done", "-f", str(unit))  # 6.1 (todo) and 6.2 (done) both carry out 6.2
    rolled = {row["id"]: row["units"] for row in json.loads(ok("rollup", "plans", "--format", "json"))}
    assert rolled["6.2"] == {"武汉市科协": "doing"} and rolled["6.1"] == {"武汉市科协": "untaken"}


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail, rather than hang the suite, if the code under test loops forever."""

    def stop(*_: object) -> None:
        raise TimeoutError("did not finish in 20 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_cycle_of_parent_plans_is_a_clear_error(tmp_path: Path, deadline: None):
    ok("init")
    ok("init", "--unit", "甲市科协", "--level", "市级", "-o", "plans/a/tasks-2020.yaml")
    ok(
        "init",
        "--unit",
        "乙市科协",
        "--level",
        "市级",
        "-f",
        "plans/a/tasks-2020.yaml",
        "-o",
        "plans/b/tasks-2020.yaml",
    )
    a = tmp_path / "plans" / "a" / "tasks-2020.yaml"
    a.write_text(
        a.read_text(encoding="utf-8").replace("parent: ../../data/tasks-2020.yaml", "parent: ../b/tasks-2020.yaml"),
        encoding="utf-8",
    )
    result = run("rollup", "plans")
    assert result.exit_code == 1
    assert "plans/a/tasks-2020.yaml: 上级计划（parent）链成环，未计入" in result.stderr
    assert "plans/b/tasks-2020.yaml: 上级计划（parent）链成环，未计入" in result.stderr


def test_on_a_ledger_tie_the_later_records_note_wins(plan_file: Path):
    ok("status", "set", "6.2", "doing", "--date", "2020-09-01", "--note", "先记的")
    ok("status", "set", "6.2", "doing", "--date", "2020-09-01", "--note", "后记的")
    ledger = {row["id"]: row for row in json.loads(ok("export", "--format", "json"))}
    assert ledger["6.2"]["last_note"] == "后记的" and ledger["6.2"]["last_note_date"] == "2020-09-01"


def test_a_writer_waits_for_the_lock_then_gives_up_with_a_message(plan_file: Path, monkeypatch: pytest.MonkeyPatch):
    """Deterministic: the test holds the lock itself."""
    monkeypatch.setattr(files, "LOCK_TIMEOUT", 0.5)
    before = plan_file.read_bytes()
    with files.locked(plan_file, "plan"):
        started = time.monotonic()
        result = run("status", "set", "6.2", "done")
        waited = time.monotonic() - started
    assert result.exit_code == 1 and waited >= 0.5
    assert result.stderr == "错误：data/tasks-2020.yaml: 文件正被另一个 reformctl 进程修改，请稍后再试\n"
    assert plan_file.read_bytes() == before


def test_a_writer_goes_on_once_the_lock_is_released(plan_file: Path):
    results = []
    with files.locked(plan_file, "plan"):
        writer = threading.Thread(target=lambda: results.append(run("status", "set", "6.2", "done")))
        writer.start()
        time.sleep(0.3)
        assert writer.is_alive() and "status: done" not in plan_file.read_text(encoding="utf-8")
    writer.join(10)
    assert results[0].exit_code == 0 and results[0].stdout == f"已记录 6.2：未启动 → 已完成{WROTE}\n"


def test_a_piped_table_is_the_text_rich_prints(history_plan: Path, monkeypatch: pytest.MonkeyPatch):
    """Piped, `list` writes its table without rich's console: the same text rich prints, styles aside."""
    args = ("list", "--as-of", "2020-10-20")
    piped = ok(*args)
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich's path
    styled = ok(*args)
    assert "\x1b[1m编号\x1b[0m" in styled
    assert re.sub("\x1b\\[[0-9;]*m", "", styled) == piped and "● 逾期" in piped and piped.endswith("共 37 项\n")
