"""Unit plans down the hierarchy: derived from the parent, checked against it, rolled up."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ok, run

from reformctl import loader

PROVINCES = {"zhejiang": "浙江省科协", "jiangsu": "江苏省科协"}
COUNTIES = {
    ("zhejiang", "xihu"): "杭州市西湖区科协",
    ("zhejiang", "yuhang"): "杭州市余杭区科协",
    ("jiangsu", "gulou"): "南京市鼓楼区科协",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A national plan, two provinces and three counties, each derived from its parent."""
    ok("init")
    ok("due", "set", "6.2", "2020-10-01")
    for folder, name in PROVINCES.items():
        ok("init", "--unit", name, "--level", "省级", "-o", f"plans/{folder}/tasks-2020.yaml")
    for (province, county), name in COUNTIES.items():
        parent = f"plans/{province}/tasks-2020.yaml"
        ok(
            "init",
            "--unit",
            name,
            "--level",
            "县级",
            "--parent",
            parent,
            "-o",
            f"plans/{province}/{county}/tasks-2020.yaml",
        )
    return tmp_path / "plans"


def plan(tree: Path, *parts: str) -> Path:
    return tree.joinpath(*parts, "tasks-2020.yaml")


def test_derived_plan(tree: Path):
    path = plan(tree, "zhejiang", "xihu")
    text = path.read_text(encoding="utf-8")
    assert "unit: {name: 杭州市西湖区科协, level: 县级, parent: ../tasks-2020.yaml}" in text
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/plan.schema.json\n")
    derived = loader.load(path)
    items = [item for task in derived.tasks for item in task.items or []]
    assert len(items) == 36 and all(item.status == "todo" for item in items)
    assert all(item.implements == [item.id] for item in items) and derived.tasks[1].implements == ["2"]
    assert str(next(item for item in items if item.id == "6.2").due) == "2020-10-01"  # deadlines inherited
    assert ok("validate", str(path)).startswith("plans/zhejiang/xihu/tasks-2020.yaml：有效")
    again = run("init", "--unit", "杭州市西湖区科协", "--level", "县级", "-o", str(path))
    assert again.exit_code == 1 and "已存在" in again.stderr


def test_implements_are_checked_against_the_parent(tree: Path):
    path = plan(tree, "zhejiang", "xihu")
    text = path.read_text(encoding="utf-8").replace('implements: ["6.2"]', 'implements: ["6.9"]')
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index('        implements: ["6.9"]') + 1
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"plans/zhejiang/xihu/tasks-2020.yaml:{line}:22: tasks[5].items[1].implements[0]: ")
    assert "上级计划 ../tasks-2020.yaml 中没有事项 '6.9'" in result.stderr


def test_implements_needs_a_parent(plan_file: Path):
    text = plan_file.read_text(encoding="utf-8").replace("status: todo", 'status: todo\n        implements: ["1"]', 1)
    plan_file.write_text(text, encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 1 and "请在单位（unit）中写明上级计划（parent）" in result.stderr


def test_rollup_follows_the_chain(tree: Path):
    # 西湖区 splits 6.2 into two items (one done, one in progress) and drops 6.1 (it does not apply).
    xihu = plan(tree, "zhejiang", "xihu")
    text = xihu.read_text(encoding="utf-8")
    start = text.index('      - id: "6.1"')
    end = text.index('      - id: "6.2"')
    text = text[:start] + text[end:]
    text = text.replace(
        '        implements: ["6.2"]\n',
        '        implements: ["6.2"]\n      - id: "6.3"\n        text: 区级试点\n        status: todo\n'
        '        implements: ["6.2"]\n',
    )
    xihu.write_text(text, encoding="utf-8")
    ok("status", "set", "6.2", "done", "-f", str(xihu), "--date", "2020-09-01")
    ok("status", "set", "6.3", "doing", "-f", str(xihu), "--date", "2020-09-01")
    ok("status", "set", "6.2", "done", "-f", str(plan(tree, "zhejiang", "yuhang")), "--date", "2020-09-02")
    ok("status", "set", "6.2", "blocked", "-f", str(plan(tree, "jiangsu", "gulou")), "--date", "2020-09-03")
    ok("status", "set", "6.2", "doing", "-f", str(plan(tree, "zhejiang")), "--date", "2020-08-01")

    data = json.loads(ok("rollup", "plans", "--format", "json", "--as-of", "2020-09-30"))
    by_id = {entry["id"]: entry for entry in data}
    assert len(data) == 37
    assert by_id["6.2"]["units"] == {
        "江苏省科协": "todo",
        "浙江省科协": "doing",
        "南京市鼓楼区科协": "blocked",
        "杭州市西湖区科协": "doing",  # one done, one in progress
        "杭州市余杭区科协": "done",
    }
    assert by_id["6.2"]["counts"] == {"todo": 1, "doing": 2, "done": 1, "blocked": 1, "na": 0, "untaken": 0}
    assert by_id["6.1"]["units"]["杭州市西湖区科协"] == "untaken"
    assert by_id["6.1"]["counts"]["untaken"] == 1

    before = json.loads(ok("rollup", "plans", "--format", "json", "--as-of", "2020-08-15", "--item", "6.2"))
    assert before[0]["counts"] == {"todo": 4, "doing": 1, "done": 0, "blocked": 0, "na": 0, "untaken": 0}

    counties = json.loads(ok("rollup", "plans", "--format", "json", "--level", "县级", "--item", "6.2"))
    assert set(counties[0]["units"]) == set(COUNTIES.values())

    table = ok("rollup", "plans", "--as-of", "2020-10-05")
    assert "5 个单位" in table
    assert re.search(r"│ 6\.2  │ .* │ 1 +│ 2 +│ 1 +│ 1 +│ 0 +│ 0 +│ 3 +│", table), "three units late on 6.2"
    assert re.search(r"│ 杭州市余杭区科协 +│ 县级 │ 1/37 +│", table)


def test_bad_plans_are_reported_and_left_out(tree: Path):
    broken = plan(tree, "jiangsu", "gulou")
    broken.write_text(broken.read_text(encoding="utf-8").replace("status: todo", "status: finished", 1), "utf-8")
    twin = tree / "copy" / "tasks-2020.yaml"
    twin.parent.mkdir()
    twin.write_text(plan(tree, "jiangsu").read_text(encoding="utf-8").replace("../", "../jiangsu/../"), "utf-8")
    result = run("rollup", "plans", "--format", "json")
    assert result.exit_code == 1
    assert re.search(r"plans/jiangsu/gulou/tasks-2020\.yaml:\d+:\d+: .*'finished' 不是有效状态", result.stderr)
    assert "单位名称 '江苏省科协' 与另一份计划重复，未计入" in result.stderr
    units = set(json.loads(result.stdout)[0]["units"])
    assert units == {"浙江省科协", "杭州市西湖区科协", "杭州市余杭区科协"}


def test_html_heat_map(tree: Path, tmp_path: Path):
    ok("rollup", "plans", "--format", "html", "-o", "汇总.html")
    page = (tmp_path / "汇总.html").read_text(encoding="utf-8")
    root = ET.fromstring(page.split("\n", 1)[1])
    assert root.tag == "html" and not re.search(r"(src|href)=|@import|url\(|<script", page)
    assert len([td for td in root.iter("td") if td.get("class", "").split()[:1] == ["c"]]) == 37 * 5
    assert "@page wide { size: A4 landscape" in page and '<body class="wide">' in page and "杭州市西湖区科协" in page


def test_a_unit_plan_never_overwrites_its_parent(plan_file: Path):
    before = plan_file.read_bytes()
    result = run("init", "--unit", "浙江省科协", "--level", "省级", "--force")
    assert result.exit_code == 2 and "不能写在上级计划 data/tasks-2020.yaml 上" in result.stderr
    assert plan_file.read_bytes() == before
    assert run("init", "--unit", "浙江省科协").exit_code == 2  # the level is needed


def test_nothing_to_roll_up(tmp_path: Path):
    (tmp_path / "plans").mkdir()
    result = run("rollup", "plans")
    assert result.exit_code == 1 and "没有找到可汇总的单位计划" in result.stderr
    missing = run("rollup", "nowhere")
    assert missing.exit_code == 1 and "nowhere: 无法读取" in missing.stderr


def test_html_heat_map_escapes_the_rows_text(tmp_path: Path):
    ok("init")
    plan = tmp_path / "data" / "tasks-2020.yaml"
    text = plan.read_text(encoding="utf-8")
    old = "text: 强化改革顶层设计，尊重基层首创，实施第二批地方科协深化改革试点；"
    plan.write_text(text.replace(old, 'text: "<img src=x onerror=alert(1)>强化&改革"', 1), encoding="utf-8")
    ok("init", "--unit", "浙江省科协", "--level", "省级", "-o", "plans/zhejiang/tasks-2020.yaml")
    page = ok("rollup", "plans", "--format", "html")
    assert '<tr><th>1.1</th><td class="t">&lt;img src=x onerror=alert(1)&gt;强化&amp;改革</td>' in page
    assert "<img" not in page
