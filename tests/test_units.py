"""不适用 (na), and roll-ups that name the late: a unit's reality, said plainly."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ok, run

REASON = "本市无国际组织总部落户条件"


def test_na_needs_a_reason(plan_file: Path):
    before = plan_file.read_bytes()
    refused = run("status", "set", "7.2", "na")
    assert refused.exit_code == 2 and "7.2 设为不适用需写明理由：请加 --note" in refused.stderr
    assert plan_file.read_bytes() == before
    assert ok("status", "set", "7.2", "不涉及", "--note", REASON, "--date", "2020-09-01").startswith(
        "已记录 7.2：未启动 → 不适用"
    )
    assert f"状态：不适用（{REASON}）" in ok("show", "7.2")
    assert "│ 7.2  │" in ok("list", "--status", "不适用")


def test_na_counts_on_its_own_line(plan_file: Path):
    ok("status", "set", "7.2", "na", "--note", REASON, "--date", "2020-09-01")
    ok("status", "set", "7.1", "done", "--date", "2020-09-01")
    screen = ok("summary")
    assert "1/36 已完成（3%）" in screen and "不适用 1 项，不计入完成率" in screen
    data = json.loads(ok("summary", "--format", "json"))
    assert (data["done"], data["total"], data["by_status"]["na"]) == (1, 36, 1)
    assert "7  拓展服务国家外交大局新空间" in ok("show", "7") and "进度：1/1 已完成（100%）" in ok("show", "7")
    report = ok("report", "--since", "2020-09-01", "--until", "2020-09-30")
    assert "共 36 项，已完成 1 项（3%）" in report and "另有不适用 1 项，不计入完成率。" in report


def test_a_hand_written_na_without_a_reason_is_a_located_problem(plan_file: Path):
    text = plan_file.read_text(encoding="utf-8")
    at = text.index('      - id: "7.2"')
    status = text.index("status: todo", at)
    plan_file.write_text(text[:status] + "status: na" + text[status + len("status: todo") :], encoding="utf-8")
    line = text[:status].count("\n") + 1
    result = run("validate")
    assert result.exit_code == 1
    assert f"data/tasks-2020.yaml:{line}:17: tasks[6].items[1].status: 不适用（na）需写明理由" in result.stderr


@pytest.fixture
def cities(tmp_path: Path) -> Path:
    """A national plan and three cities: 甲 does not apply 7.2 (with a reason), 乙 dropped it
    without a word, and two of them are late on 4.3."""
    ok("init")
    for city in ("甲", "乙", "丙"):
        ok("init", "--unit", f"{city}市科协", "--level", "市级", "-o", f"plans/{city}/tasks-2020.yaml")
    plans = tmp_path / "plans"
    ok("status", "set", "7.2", "na", "--note", REASON, "--date", "2020-09-01", "-f", str(plans / "甲/tasks-2020.yaml"))
    dropped = plans / "乙" / "tasks-2020.yaml"
    text = dropped.read_text(encoding="utf-8")
    start = text.index('      - id: "7.2"')
    end = min(text.index(mark, start + 1) for mark in ("\n      - id:", "\n  - id:")) + 1
    dropped.write_text(text[:start] + text[end:], encoding="utf-8")
    ok("due", "set", "4.3", "2020-09-30", "--date", "2020-09-01", "-f", str(dropped))
    ok("due", "set", "4.3", "2020-10-10", "--date", "2020-09-01", "-f", str(plans / "丙/tasks-2020.yaml"))
    return tmp_path


def test_rollup_tells_na_from_untaken(cities: Path):
    rolled = {row["id"]: row for row in json.loads(ok("rollup", "plans", "--format", "json", "--as-of", "2020-10-20"))}
    assert rolled["7.2"]["units"] == {"丙市科协": "todo", "乙市科协": "untaken", "甲市科协": "na"}
    assert rolled["7.2"]["reasons"] == {"甲市科协": REASON}
    assert rolled["7.2"]["counts"]["na"] == 1 and rolled["7.2"]["counts"]["untaken"] == 1
    table = ok("rollup", "plans", "--as-of", "2020-10-20")
    assert re.search(r"│ 甲市科协 │ 市级 │ 0/36 +│", table) and re.search(r"│ 乙市科协 │ 市级 │ 0/37 +│", table)
    assert f"不适用：{REASON}" in ok("rollup", "plans", "--item", "7.2")


def test_rollup_names_the_late(cities: Path):
    rolled = {row["id"]: row for row in json.loads(ok("rollup", "plans", "--format", "json", "--as-of", "2020-10-20"))}
    assert rolled["4.3"]["overdue"] == {"乙市科协": 20, "丙市科协": 10}
    focus = ok("rollup", "plans", "--item", "4.3", "--as-of", "2020-10-20")
    assert re.search(r"│ 乙市科协 │ 市级 │ 未启动 · 逾期 20 天 │", focus)
    assert re.search(
        r"│ 4\.3  │ 乙市科协 │ 2020-09-30 │ 逾期 20 天 │\n│ 4\.3  │ 丙市科协 │ 2020-10-10 │ 逾期 10 天 │", focus
    )
    assert re.search(r"│ 乙市科协 │ 市级 │ 0/37 +│ 1 +│", ok("rollup", "plans", "--as-of", "2020-10-20"))
    md = ok("rollup", "plans", "--format", "md", "--as-of", "2020-10-20")
    assert "## 逾期单位" in md and "| 4.3 | 乙市科协 | 2020-09-30 | 逾期 20 天 |" in md
    assert f"| 7.2 | 甲市科协 | {REASON} |" in md


def test_the_heat_map_reads_without_colour(cities: Path):
    page = ok("rollup", "plans", "--format", "html", "--as-of", "2020-10-20")
    root = ET.fromstring(page.split("\n", 1)[1])
    cells = {td.get("title"): td for td in root.iter("td") if td.get("class", "").split()[:1] == ["c"]}
    late = cells["乙市科协：未启动 · 逾期 20 天"]
    assert late.get("class") == "c late" and late.text == "未"
    assert cells[f"甲市科协：不适用：{REASON}"].text == "—" and cells["乙市科协：未落实"].text is None
    assert '<span class="k late"></span>逾期' in page and "repeating-linear-gradient" in page
    assert "<h2>逾期单位</h2>" in page and "<h2>不适用</h2>" in page


def test_rollup_by_task(cities: Path, tmp_path: Path):
    ok("status", "set", "7.1", "done", "--date", "2020-09-01", "-f", str(tmp_path / "plans/甲/tasks-2020.yaml"))
    shares = {
        row["unit"]: row["tasks"] for row in json.loads(ok("rollup", "plans", "--by", "task", "--format", "json"))
    }
    assert shares["甲市科协"]["7"] == {"done": 1, "owed": 1}  # 7.2 does not apply there
    assert shares["乙市科协"]["7"] == {"done": 0, "owed": 2}  # dropped without a word: still owed
    assert re.search(r"│ 甲市科协 │ 市级 │ 0% +│ .* │ 100% +│", ok("rollup", "plans", "--by", "task"))
    assert "hsl(130,40%,45%)" in ok("rollup", "plans", "--by", "task", "--format", "html")
    assert "| 甲市科协 | 市级 | 0% |" in ok("rollup", "plans", "--by", "task", "--format", "md")


def test_na_in_every_form_a_clerk_types(plan_file: Path):
    wrong = run("status", "set", "7.2", "不适合", "--note", REASON)
    assert wrong.exit_code == 2 and "是不是 不适用？" in wrong.stderr and "na（不适用）" in wrong.stderr
    for typed in ("na", "NA", "不适用", "不涉及"):
        assert run("status", "set", "7.2", typed, "--note", REASON).exit_code == 0
        ok("undo", "7.2")


def test_rollup_as_a_workbook(cities: Path, tmp_path: Path):
    from openpyxl import load_workbook

    ok("rollup", "plans", "--format", "xlsx", "-o", "汇总.xlsx", "--as-of", "2020-10-20")
    book = load_workbook(tmp_path / "汇总.xlsx")
    assert book.sheetnames == ["汇总", "市级"]
    sheet = book["汇总"]
    assert [c.value for c in sheet[2]] == ["编号", "事项", "丙市科协", "乙市科协", "甲市科协"]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "4.3")
    assert row[3].value == "未启动 · 逾期 20 天" and row[4].value == "未启动"
    # The heat map's colours (render/html.py's COLOURS); a late cell hatched over its colour and
    # framed, so that in grey it is told from a blocked one, which is solid.
    late, on_time = row[3], row[4]
    assert (late.fill.patternType, late.fill.fgColor.rgb, late.fill.bgColor.rgb) == ("lightUp", "00000000", "00CFCFCF")
    assert {late.border.left.style, late.border.top.style} == {"thick"} and on_time.border.left.style == "thin"
    assert (on_time.fill.patternType, on_time.fill.fgColor.rgb) == ("solid", "00CFCFCF")
    na = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "7.2")
    assert na[4].value == f"不适用：{REASON}" and na[3].value == "未落实"
    assert (na[4].fill.patternType, na[4].fill.fgColor.rgb, na[4].font.color.rgb) == ("solid", "008C8C8C", "00FFFFFF")
    assert na[3].fill.fgColor.rgb == "00FFFFFF"


def test_the_workbook_colours_every_status_as_the_heat_map(cities: Path, tmp_path: Path):
    from openpyxl import load_workbook

    from reformctl.render.html import COLOURS

    city = str(tmp_path / "plans/甲/tasks-2020.yaml")
    ok("status", "set", "7.1", "done", "--date", "2020-09-01", "-f", city)
    ok("status", "set", "6.2", "blocked", "--date", "2020-09-01", "--note", "经费未到位", "-f", city)
    ok("status", "set", "6.1", "doing", "--date", "2020-09-01", "-f", city)
    ok(
        "status",
        "set",
        "4.3",
        "blocked",
        "--date",
        "2020-09-01",
        "--note",
        "等待批复",
        "-f",
        str(tmp_path / "plans/乙/tasks-2020.yaml"),
    )
    ok("rollup", "plans", "--format", "xlsx", "-o", "汇总.xlsx", "--as-of", "2020-10-20")
    sheet = load_workbook(tmp_path / "汇总.xlsx")["汇总"]
    units = [c.value for c in sheet[2]][2:]
    cells = {(r[0].value, unit): c for r in sheet.iter_rows(min_row=3) for unit, c in zip(units, r[2:], strict=True)}
    for ident, status in (("7.1", "done"), ("6.2", "blocked"), ("6.1", "doing"), ("1.1", "todo"), ("7.2", "na")):
        fill = cells[(ident, "甲市科协" if ident != "1.1" else "丙市科协")].fill
        assert (fill.patternType, fill.fgColor.rgb) == ("solid", "00" + COLOURS[status].lstrip("#").upper()), ident
    late_blocked, blocked = cells[("4.3", "乙市科协")], cells[("6.2", "甲市科协")]
    assert late_blocked.value.startswith("受阻 · 逾期")
    # Both red, but told apart without colour: hatch and a thick frame against solid and thin.
    assert late_blocked.fill.patternType == "lightUp" and late_blocked.border.left.style == "thick"
    assert blocked.fill.patternType == "solid" and blocked.border.left.style == "thin"
    legend = {sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=1) for r in range(1, sheet.max_row + 1)}
    assert "图例" in legend and legend["已完成"].value == "✓" and legend["受阻"].value == "阻"
    assert legend["逾期（斜线、粗框）"].fill.patternType == "lightUp"


def test_rollup_ranks_the_units_as_the_report_ranks_departments(cities: Path):
    """考核 of units: 甲 has no row due by then, 丙 did its 4.3 on time, 乙 is 20 days late on it."""
    ok("status", "set", "4.3", "done", "--date", "2020-10-05", "-f", str(cities / "plans/丙/tasks-2020.yaml"))
    ranked = json.loads(ok("rollup", "plans", "--by", "rank", "--format", "json", "--as-of", "2020-10-20"))
    assert ranked == [
        {"place": 1, "unit": "丙市科协", "due": 1, "on_time": 1, "overdue": 0, "overdue_days": 0},
        {"place": 2, "unit": "乙市科协", "due": 1, "on_time": 0, "overdue": 1, "overdue_days": 20},
    ]
    table = ok("rollup", "plans", "--by", "rank", "--as-of", "2020-10-20")
    assert re.search(r"│ 1 +│ 丙市科协 +│ 1 +│ 1 +│ 100% +│ 0 +│ 0 +│", table) and "排名规则" in table
    md = ok("rollup", "plans", "--by", "rank", "--format", "md", "--as-of", "2020-10-20")
    assert "## 考核排名" in md and "| 2 | 乙市科协 | 1 | 0 | 0% | 1 | 20 |" in md and "落实上级计划的事项" in md
    page = ok("rollup", "plans", "--by", "rank", "--format", "html", "--as-of", "2020-10-20")
    assert "<h2>考核排名</h2>" in page and "丙市科协" in page
    refused = run("rollup", "plans", "--by", "rank", "--format", "xlsx", "-o", "r.xlsx")
    assert refused.exit_code == 2 and "不是 xlsx" in refused.stderr
