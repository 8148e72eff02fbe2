"""Lights at fixed --as-of dates on both sides of each boundary; the plan as it stood on a past date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import run

from reformctl import loader, query

DUE = dt.date(2020, 10, 1)


def row_with(status: str, due: dt.date | None) -> query.Row:
    plan = loader.load(loader.bundled_path())
    task = plan.tasks[5]
    item = task.items[1].model_copy(update={"status": status, "due": due})  # type: ignore[index]
    return query.Row(item.id, task, item)


@pytest.mark.parametrize(
    ("as_of", "warn", "expected"),
    [
        ("2020-10-02", 7, "red"),  # one day late
        ("2020-10-01", 7, "yellow"),  # due today is not late yet
        ("2020-09-24", 7, "yellow"),  # exactly the warning window
        ("2020-09-23", 7, "green"),  # one day before the window
        ("2020-09-30", 0, "green"),
        ("2020-10-01", 0, "yellow"),
    ],
)
def test_light_boundaries(as_of: str, warn: int, expected: str):
    assert query.light(row_with("doing", DUE), dt.date.fromisoformat(as_of), warn) == expected


def test_done_and_undated_have_no_light():
    assert query.light(row_with("done", DUE), dt.date(2021, 1, 1)) is None
    assert query.light(row_with("todo", None), dt.date(2021, 1, 1)) is None


def test_list_lights_and_filters(history_plan: Path):
    result = run("list", "--as-of", "2020-09-30", "--format", "json")
    lights = {r["id"]: r["light"] for r in json.loads(result.stdout) if r["due"]}
    assert lights == {"2": "yellow", "6.2": "green", "9.1": "red", "10.3": None}
    assert [
        r["id"] for r in json.loads(run("list", "--overdue", "--as-of", "2020-09-30", "--format", "json").stdout)
    ] == ["9.1"]
    yellow = run("list", "--light", "yellow", "--as-of", "2020-09-30", "--format", "json").stdout
    assert [r["id"] for r in json.loads(yellow)] == ["2"]
    wide = run("list", "--light", "yellow", "--as-of", "2020-09-30", "--warn-days", "0", "--format", "json").stdout
    assert json.loads(wide) == []


def test_table_shows_deadline_and_light_columns(history_plan: Path):
    out = run("list", "--task", "9", "--as-of", "2020-09-30").stdout
    assert "期限" in out and "提示" in out
    assert "2020-09-10 │ ● 逾期" in out
    plain = run("list", "--task", "8").stdout
    assert "期限" not in plain and "提示" not in plain


def test_as_of_rewinds_statuses_and_deadlines(history_plan: Path):
    def state(day: str) -> dict[str, tuple[str, str | None]]:
        data = json.loads(run("list", "--as-of", day, "--format", "json").stdout)
        return {r["id"]: (r["status"], r["due"]) for r in data if r["id"] in ("6.2", "7.1", "10.3", "12.1")}

    assert state("2020-08-20") == {
        "6.2": ("doing", "2020-10-01"),
        "7.1": ("todo", None),
        "10.3": ("todo", "2020-09-20"),
        "12.1": ("todo", None),
    }
    assert state("2020-09-30") == {
        "6.2": ("doing", "2020-12-31"),
        "7.1": ("todo", None),
        "10.3": ("done", "2020-09-20"),
        "12.1": ("todo", None),
    }
    assert state("2020-12-01") == {
        "6.2": ("doing", "2020-12-31"),
        "7.1": ("blocked", None),
        "10.3": ("done", "2020-09-20"),
        "12.1": ("done", None),
    }
