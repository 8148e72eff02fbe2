from __future__ import annotations

import shutil
from pathlib import Path

from conftest import EXAMPLES, run


def test_valid_plan(plan_file: Path):
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout == "data/tasks-2020.yaml：有效（12 项任务，37 个跟踪事项）\n"


def test_every_file_given_and_every_problem(tmp_path: Path):
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    result = run(
        "validate",
        "examples/valid/minimal.yaml",
        "examples/invalid/bad-status.yaml",
        "examples/invalid/unknown-dept.yaml",
    )
    assert result.exit_code == 1
    assert "examples/valid/minimal.yaml：有效" in result.stdout
    lines = result.stderr.splitlines()
    assert lines[0].startswith("examples/invalid/bad-status.yaml:16:17: tasks[0].items[0].status: ")
    assert lines[1].startswith("examples/invalid/unknown-dept.yaml:12:17: tasks[0].lead[1]: ")
    assert "Traceback" not in result.output


def test_no_traceback_for_a_folder(tmp_path: Path):
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1 and "无法读取" in result.stderr
