"""Notices written by someone who had not seen the code (a held-out trial), each read by
`init --from` and checked field by field against tests/trial/notices/EXPECTED.md, which the
writer made: the count of groups, tasks and measures, each task's and measure's lead (a measure
without its own takes its task's), and each deadline with the phrase it was read from.

The shapes: a Word attachment table with a merged title row and measures in one cell; one row
per measure under merged task cells (vMerge); an Excel task list with merged cells and a 备注
column; a GB18030 工作要点 (一、 groups, （一） tasks, 1. measures, 牵头单位：… lines); the same
as .docx; an 实施方案 whose （一） tasks hold （1）/① measures inline, with leads and deadlines in
the closing parenthesis; a table of measures under task rows merged across (gridSpan); and a
notice whose body's own 一、二、 points give way to its attachment table.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import run

TRIAL = Path(__file__).parent / "trial" / "notices"


def expected() -> dict[str, tuple[dict[str, int], list[list[str]]]]:
    """Each file's counts and its table rows, as EXPECTED.md has them."""
    found = {}
    for part in re.split(r"^## ", (TRIAL / "EXPECTED.md").read_text(encoding="utf-8"), flags=re.M)[1:]:
        name = part.split("\n", 1)[0].strip()
        counts = {key: int(n) for key, n in re.findall(r"^- (groups|tasks|measures): (\d+)", part, re.M)}
        rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in part.splitlines()]
        found[name] = (counts, [row for row in rows if row[0].startswith("T")])
    return found


def units(text: str) -> list[str]:
    return [name for name in re.split("[、，]", text) if name and name != "—"]


def read(tmp_path: Path, name: str) -> dict[str, object]:
    shutil.copyfile(TRIAL / name, tmp_path / name)
    result = run("init", "--from", name, "-o", "-")
    assert result.exit_code == 0, result.output
    return yaml.safe_load(result.stdout)  # a plan that validated before it was printed


@pytest.mark.parametrize("name", sorted(expected()))
def test_a_notice_reads_as_its_writer_expected(tmp_path: Path, name: str):
    counts, rows = expected()[name]
    plan = read(tmp_path, name)
    tasks = plan["tasks"]
    assert (len(plan.get("groups") or []), len(tasks)) == (counts["groups"], counts["tasks"])
    assert sum(len(t.get("items") or []) for t in tasks) == counts["measures"]
    got = {}
    for task in tasks:
        got[f"T{task['id']}"] = task
        for n, item in enumerate(task.get("items") or [], 1):
            got[f"T{task['id']}.M{n}"] = {**item, "lead": item.get("lead") or task["lead"]}
    for ident, kind, text, _lead, _support, phrase, _due, eff_lead, eff_due in (row[:9] for row in rows):
        row = got[ident]
        assert str(row.get("text") or row.get("title"))[:8] == text[:8], ident
        if kind == "measure":
            assert sorted(row["lead"]) == sorted(units(eff_lead)), ident
        if kind == "measure" or not row.get("items"):
            if phrase != "—":  # stated here; otherwise the task's phrase may stand for it
                assert row.get("deadline") == phrase, ident
            day = str(row["due"]) if row.get("due") else None
            assert day == (None if eff_due in ("none", "—") else eff_due), (ident, phrase)


def test_what_a_clerk_sees_before_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """--dry-run: a table of what was read, the phrase beside each day; then the warnings."""
    monkeypatch.setenv("COLUMNS", "250")
    name = "04-工作要点-GB18030.txt"
    shutil.copyfile(TRIAL / name, tmp_path / name)
    result = run("init", "--from", name, "--dry-run")
    assert result.exit_code == 0 and not (tmp_path / "data").exists()
    assert "【1 深化组织体系改革】" in result.stdout and "│ 2022-06-30 │ 2022年6月底" in result.stdout
    assert "持续推进" in result.stdout and "10 项任务，20 个事项" in result.stderr


SECOND = Path(__file__).parent / "trial" / "notices-2"


@pytest.mark.parametrize(
    ("name", "groups", "tasks", "measures"),
    [
        ("a-督办清单.docx", 2, 6, 12),
        ("b-要点.txt", 3, 7, 12),
        ("c-任务表.xlsx", 0, 4, 7),
        ("d-实施方案.docx", 0, 4, 10),
    ],
)
def test_a_second_trial_written_after_the_code(tmp_path: Path, name: str, groups: int, tasks: int, measures: int):
    """Five more notices, written after the reader was done, by someone who had seen none of
    this (tests/trial/notices-2/EXPECTED.md). What it found, now held: 改革事项/工作举措/协同单位
    as header words, and （一） tasks over 1. 2. measures that start again under each."""
    shutil.copyfile(SECOND / name, tmp_path / name)
    result = run("init", "--from", name, "-o", "-")
    assert result.exit_code == 0, result.output
    plan = yaml.safe_load(result.stdout)
    assert (len(plan.get("groups") or []), len(plan["tasks"])) == (groups, tasks)
    assert sum(len(t.get("items") or []) for t in plan["tasks"]) == measures


def test_a_table_without_a_header_is_said_to_have_none(tmp_path: Path):
    shutil.copyfile(SECOND / "e-无表头清单.docx", tmp_path / "e.docx")
    result = run("init", "--from", "e.docx")
    assert result.exit_code == 1 and "文件中有：表格 1 个（其中 0 个有任务表头）" in result.stderr
