from __future__ import annotations

from pathlib import Path

from conftest import run


def test_undo_takes_back_the_last_change(plan_file: Path):
    original = plan_file.read_bytes()
    assert run("status", "set", "6.2", "doing", "--date", "2020-08-01").exit_code == 0
    after_first = plan_file.read_bytes()
    assert run("status", "set", "6.2", "done").exit_code == 0
    result = run("undo", "6.2")
    assert result.exit_code == 0 and result.stdout == "已撤销 6.2：已完成 → 推进中；写入 data/tasks-2020.yaml\n"
    assert plan_file.read_bytes() == after_first
    assert run("undo", "6.2").exit_code == 0
    assert plan_file.read_bytes() == original


def test_nothing_to_undo(plan_file: Path):
    result = run("undo", "6.2")
    assert result.exit_code == 1 and "6.2 没有进展记录，无可撤销" in result.stderr


def test_hand_written_record_without_from(plan_file: Path):
    text = plan_file.read_text(encoding="utf-8")
    at = text.index('id: "7.2"')
    edited = text[:at] + text[at:].replace(
        "status: todo", "status: done\n        history:\n          - {date: 2020-09-01, status: done}", 1
    )
    plan_file.write_text(edited, encoding="utf-8")
    result = run("undo", "7.2")
    assert result.exit_code == 1 and "没有写明之前的状态（from）" in result.stderr
    assert plan_file.read_text(encoding="utf-8") == edited
