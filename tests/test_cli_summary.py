from __future__ import annotations

import json
from pathlib import Path

from conftest import run


def summary(*args: str) -> dict:
    result = run("summary", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_numbers_at_the_end_of_september(history_plan: Path):
    data = summary("--as-of", "2020-09-30")
    assert (data["done"], data["total"]) == (1, 37)
    assert data["by_status"] == {"todo": 33, "doing": 3, "done": 1, "blocked": 0, "na": 0}
    assert data["by_light"] == {"red": 1, "yellow": 1, "green": 1, "none": 33}
    assert data["overdue"] == ["9.1"] and data["close"] == ["2"]
    groups = {g["id"]: (g["done"], g["total"]) for g in data["groups"]}
    assert groups["10"] == (1, 6) and groups["6"] == (0, 2) and len(groups) == 12


def test_numbers_in_december_by_department(history_plan: Path):
    data = summary("--as-of", "2020-12-01", "--by", "dept")
    assert data["by_status"] == {"todo": 31, "doing": 3, "done": 2, "blocked": 1, "na": 0}
    assert data["overdue"] == ["2", "9.1"]
    groups = {g["id"]: (g["done"], g["total"]) for g in data["groups"]}
    # a task led by several departments counts for each
    assert groups == {
        "调宣部": (0, 7),
        "组人部": (1, 13),
        "科普部": (0, 3),
        "学会部": (1, 12),
        "办公厅": (0, 2),
        "国际部": (0, 2),
        "计财部": (1, 5),
    }


def test_agrees_with_list(history_plan: Path):
    listed = json.loads(run("list", "--as-of", "2020-12-01", "--format", "json").stdout)
    data = summary("--as-of", "2020-12-01")
    assert data["total"] == len(listed)
    assert data["done"] == sum(r["status"] == "done" for r in listed)
    assert data["overdue"] == [r["id"] for r in listed if r["light"] == "red"]


def test_screen(history_plan: Path):
    out = run("summary", "--as-of", "2020-09-30").stdout
    lines = out.splitlines()
    assert lines[0] == "2020年科协系统深化改革重点任务 · 截至 2020-09-30 · data/tasks-2020.yaml"
    assert lines[1] == "总体进度 █" + "░" * 19 + " 1/37 已完成（3%）"  # 2.7% rounds half up
    assert lines[2] == "状态：未启动 33 · 推进中 3 · 已完成 1 · 受阻 0"
    assert lines[3] == "未完成事项的期限：逾期 1 · 临期 1 · 正常 1 · 未设期限 33"
    assert any("10   │ 深化全国学会治理改革" in line and "███" in line and "1/6  17%" in line for line in lines)
    assert "逾期事项：" in out and "9.1（学会部）期限 2020-09-10，逾期 20 天：贯彻落实" in out
    assert "临期事项：" in out and "2（组人部）期限 2020-10-05，临期，剩 5 天：贯彻落实" in out
