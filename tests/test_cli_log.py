from __future__ import annotations

import json
from pathlib import Path

from conftest import run


def record(*args: str) -> None:
    result = run("status", "set", *args)
    assert result.exit_code == 0, result.output


def test_log_newest_first_and_since(plan_file: Path):
    record("6.2", "doing", "--date", "2020-08-01", "--note", "启动")
    record("2", "doing", "--date", "2020-09-01")
    record("6.2", "done", "--date", "2020-10-01", "--note", "试点城市已签约")
    entries = json.loads(run("log", "--format", "json").stdout)
    assert [(e["id"], e["date"], e["from"], e["status"]) for e in entries] == [
        ("6.2", "2020-10-01", "doing", "done"),
        ("2", "2020-09-01", "todo", "doing"),
        ("6.2", "2020-08-01", "todo", "doing"),
    ]
    assert [e["id"] for e in json.loads(run("log", "--since", "2020-09-01", "--format", "json").stdout)] == ["6.2", "2"]
    assert [e["date"] for e in json.loads(run("log", "6", "--format", "json").stdout)] == ["2020-10-01", "2020-08-01"]
    table = run("log", "6.2").stdout
    assert "2020-10-01 │ 6.2  │ 推进中 → 已完成 │ 试点城市已签约" in table and "共 2 条记录" in table


def test_log_errors(plan_file: Path):
    assert run("log", "6.9").exit_code == 2
    result = run("log", "--since", "昨天")
    assert result.exit_code == 2 and "--since：'昨天' 不是日期；可以写作 2020-09-04" in result.stderr
    backwards = run("log", "--since", "2020-10-01", "--until", "2020-09-01")
    assert backwards.exit_code == 2 and "--since 2020-10-01 晚于 --until 2020-09-01" in backwards.stderr
