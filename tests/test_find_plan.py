"""Which file: --file, else $REFORMCTL_FILE, else data/tasks-2020.yaml found upwards, else the bundled plan."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLES, run

from reformctl import loader


def test_walks_up_like_git(plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert loader.find_plan() == plan_file


def test_bundled_plan_when_nothing_is_found():
    assert loader.find_plan().read_bytes() == DATA.read_bytes()
    result = run("list", "--dept", "学会部", "--format", "json")
    assert result.exit_code == 0 and '"6.1"' in result.stdout


def test_file_option_and_environment(plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    other = tmp_path / "other.yaml"
    shutil.copyfile(EXAMPLES / "valid" / "minimal.yaml", other)
    assert "2 项任务" in run("validate", "--file", str(other)).stdout
    monkeypatch.setenv("REFORMCTL_FILE", str(other))
    assert "2 项任务" in run("validate").stdout
    assert "12 项任务" in run("validate", "-f", str(plan_file)).stdout
