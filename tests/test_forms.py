"""Which rows a department's fill-in form lists: those it leads, then those it only takes part in."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLES, ok

from reformctl import forms, loader


@pytest.fixture
def both(tmp_path: Path) -> Path:
    """The minimal plan, with 学会部 (by its full name) and 办公厅 taking part in 1.1, which 学会部 leads."""
    text = (EXAMPLES / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "tasks-2020.yaml"
    added = "        text: 第一个事项\n        participants: [学会学术部, 办公厅]\n"
    path.write_text(text.replace("        text: 第一个事项\n", added), encoding="utf-8")
    return path


def test_a_row_led_and_taken_part_in_is_listed_once_as_led(both: Path):
    plan = loader.load(both)
    assert [(line.row.id, line.role) for line in forms.lines_for(plan, "学会部")] == [("1.1", "牵头"), ("1.2", "牵头")]
    assert [(line.row.id, line.role) for line in forms.lines_for(plan, "办公厅")] == [
        ("2", "牵头"),
        ("1.1", "参与"),
        ("1.2", "参与"),
    ]


def test_the_form_sheet_has_each_row_once(both: Path, tmp_path: Path):
    openpyxl = pytest.importorskip("openpyxl")
    ok("form", "--dept", "学会部", "-o", "学会部.xlsx", "-f", str(both), "--as-of", "2020-09-30")
    sheet = openpyxl.load_workbook(tmp_path / "学会部.xlsx")["学会部"]
    listed = [(r[0], r[3]) for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert listed == [("1.1", "牵头"), ("1.2", "牵头")]
