from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from conftest import run

from reformctl import edit, loader, query


def status_of(path: Path, ident: str) -> str:
    return next(r.status for r in query.rows(loader.load(path)) if r.id == ident)


def test_set_with_note_records_today(plan_file: Path):
    result = run("status", "set", "6.2", "done", "--note", "试点城市已签约")
    assert result.exit_code == 0, result.output
    assert result.stdout == "已记录 6.2：未启动 → 已完成；写入 data/tasks-2020.yaml\n"
    record = loader.load(plan_file).tasks[5].items[1].history[0]  # type: ignore[index]
    assert (record.date, record.from_, record.status, record.note) == (
        dt.date.today(),
        "todo",
        "done",
        "试点城市已签约",
    )


def test_set_task_without_items_with_a_date(plan_file: Path):
    assert run("status", "set", "2", "doing", "--date", "2020-09-01").exit_code == 0
    task = loader.load(plan_file).tasks[1]
    assert task.status == "doing" and task.history[0].date == dt.date(2020, 9, 1)  # type: ignore[index]


@pytest.mark.parametrize(("typed", "key"), [("已完成", "done"), ("受阻", "blocked"), ("doing", "doing")])
def test_chinese_and_english_statuses(plan_file: Path, typed: str, key: str):
    assert run("status", "set", "10.3", typed).exit_code == 0
    assert status_of(plan_file, "10.3") == key


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["6", "done"], 1, "任务 6 有编号事项，其状态由事项汇总，请分别设置：6.1、6.2"),
        (["6.3", "done"], 2, "没有编号为 '6.3' 的任务或事项。是不是"),
        (["6.2", "finished"], 2, "未知状态 'finished'"),
        (["6.2", "done", "--date", "2020-02-30"], 2, "--date：2020-02-30 不是存在的日期"),
        (["6.2", "done", "--date", "9月1日"], 2, "可以写作 2020-09-04、2020-9-4、2020/9/4、2020.9.4 或 2020年9月4日"),
    ],
)
def test_refusals_write_nothing(plan_file: Path, args: list[str], code: int, words: str):
    before = plan_file.read_bytes()
    result = run("status", "set", *args)
    assert result.exit_code == code and words in result.stderr, result.output
    assert plan_file.read_bytes() == before


def test_same_status_is_a_no_op(plan_file: Path):
    before = plan_file.read_bytes()
    result = run("status", "set", "6.2", "todo")
    assert result.exit_code == 0 and "6.2 已是未启动，未作修改" in result.stdout
    assert plan_file.read_bytes() == before


def test_the_bundled_plan_is_never_written():
    bundled = loader.bundled_path()
    before = bundled.read_bytes()
    result = run("status", "set", "6.2", "done")
    assert result.exit_code == 1 and "reformctl init" in result.stderr
    assert bundled.read_bytes() == before


def test_read_only_file_is_refused(plan_file: Path):
    plan_file.chmod(0o444)
    result = run("status", "set", "6.2", "done")
    assert result.exit_code == 1 and "data/tasks-2020.yaml: 文件是只读的，未修改" in result.stderr
    assert status_of(plan_file, "6.2") == "todo"


def test_unwritable_folder_is_refused(plan_file: Path, monkeypatch: pytest.MonkeyPatch):
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == plan_file.parent else real_access(p, mode))
    result = run("status", "set", "6.2", "done")
    assert result.exit_code == 1 and "所在文件夹不可写" in result.stderr


def test_invalid_file_is_refused_with_its_problems(plan_file: Path):
    text = plan_file.read_text(encoding="utf-8").replace("lead: [国际部]", "lead: [外事部]")
    plan_file.write_text(text, encoding="utf-8")
    result = run("status", "set", "6.2", "done")
    assert result.exit_code == 1 and "'外事部' 不是已登记的部门" in result.stderr
    assert plan_file.read_text(encoding="utf-8") == text


def test_permissions_and_symlink_are_kept(plan_file: Path, tmp_path: Path):
    plan_file.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(plan_file)
    assert run("status", "set", "6.2", "done", "--file", str(link)).exit_code == 0
    assert link.is_symlink() and status_of(plan_file, "6.2") == "done"
    assert plan_file.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["tasks-2020.yaml"]


def test_failure_before_replace_leaves_the_original(plan_file: Path, monkeypatch: pytest.MonkeyPatch):
    before = plan_file.read_bytes()

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    result = run("status", "set", "6.2", "done")
    assert result.exit_code == 1 and "无法写入（磁盘已满），文件未改变" in result.stderr
    assert plan_file.read_bytes() == before
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["tasks-2020.yaml"]


def test_named_temp_fallback_is_cleaned_up(plan_file: Path, monkeypatch: pytest.MonkeyPatch):
    """Without O_TMPFILE the data goes to a named temp file; a failure removes it."""
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    before = plan_file.read_bytes()
    with monkeypatch.context() as patched:
        patched.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(27, "File too large")))
        assert run("status", "set", "6.2", "done").exit_code == 1
    assert plan_file.read_bytes() == before
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["tasks-2020.yaml"]
    assert run("status", "set", "6.2", "done").exit_code == 0
    assert status_of(plan_file, "6.2") == "done"


def test_another_writers_temp_file_is_never_touched(plan_file: Path):
    """Temp files have names of their own: a writer deletes only its own, never another's."""
    other = plan_file.with_name(".tasks-2020.yaml.12345.abcd.reformctl-tmp")
    other.write_text("another writer's", encoding="utf-8")
    assert run("status", "set", "6.2", "done").exit_code == 0
    assert other.read_text(encoding="utf-8") == "another writer's"
    assert sorted(p.name for p in plan_file.parent.iterdir()) == [other.name, plan_file.name]


def test_commit_message(plan_file: Path):
    change = edit.Change(
        id="6.2", kind="status", before="todo", after="done", date=dt.date(2020, 9, 1), note="试点城市已签约"
    )
    assert change.message() == "6.2: todo → done（试点城市已签约）"
    note = edit.Change(
        id="4.3",
        kind="status",
        before="doing",
        after="doing",
        date=dt.date(2020, 9, 1),
        note="召开推进会",
        unit="武汉市科协",
    )
    assert note.message() == "武汉市科协 4.3: 进展 doing（召开推进会）"
