"""Completion the way the shells ask for it: Typer's environment variables, live values from the plan."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from reformctl import completion
from reformctl.cli import app

STATUSES = ["todo", "doing", "done", "blocked", "na", "未启动", "推进中", "已完成", "受阻", "不适用"]


def bash(line: str) -> list[str]:
    words = line.split(" ")
    env = {"_REFORMCTL_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    result = CliRunner().invoke(app, [], env=env, prog_name="reformctl")
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def zsh(line: str) -> str:
    env = {"_REFORMCTL_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line}
    result = CliRunner().invoke(app, [], env=env, prog_name="reformctl")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_item_ids_with_their_text(plan_file: Path):
    assert bash("reformctl status set 6.") == ["6.1", "6.2"]
    help_text = zsh("reformctl status set 6.")
    assert '"6.1":"贯彻落实习近平总书记回信精神' in help_text and '"6.2":"完善助力地方和区域高质量发展模式' in help_text


def test_status_set_offers_what_has_a_status(plan_file: Path):
    offered = bash("reformctl status set ")
    assert len(offered) == 37 and "6" not in offered and "2" in offered and "6.2" in offered
    assert bash("reformctl show 1") == [
        "1",
        "1.1",
        "1.2",
        "10",
        "10.1",
        "10.2",
        "10.3",
        "10.4",
        "10.5",
        "10.6",
        "11",
        "11.1",
        "11.2",
        "11.3",
        "11.4",
        "12",
        "12.1",
        "12.2",
        "12.3",
    ]
    assert bash("reformctl undo 9.") == ["9.1", "9.2", "9.3", "9.4"]
    assert bash("reformctl due set 10.") == ["10.1", "10.2", "10.3", "10.4", "10.5", "10.6"]
    assert bash("reformctl log 7") == ["7", "7.1", "7.2"]


def test_departments_and_statuses(plan_file: Path):
    assert bash("reformctl list --dept 学") == ["学会部", "学会学术部"]
    assert '"学会部":"学会学术部"' in zsh("reformctl list --dept 学")
    assert len(bash("reformctl list --dept ")) == 13  # 7 short ids and 6 full names (办公厅 is both)
    assert bash("reformctl status set 6.2 ") == STATUSES
    assert bash("reformctl status set 6.2 已") == ["已完成"]
    assert bash("reformctl list --status d") == ["doing", "done"]


def test_reads_the_file_the_command_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REFORMCTL_FILE", str(EXAMPLES / "valid" / "minimal.yaml"))
    assert bash("reformctl status set ") == ["1.1", "1.2", "2"]
    monkeypatch.delenv("REFORMCTL_FILE")
    other = str(EXAMPLES / "valid" / "minimal.yaml")
    assert bash(f"reformctl show --file {other} 1") == ["1", "1.1", "1.2"]


def test_silent_on_a_broken_file(tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "tasks-2020.yaml").write_text("tasks: [\n", encoding="utf-8")
    assert bash("reformctl show ") == []
    assert bash("reformctl status set 6.2 ") == STATUSES


def test_every_command_is_offered(tmp_path: Path):
    """Commands are loaded on demand, yet completion offers each of them, and their subcommands."""
    assert bash("reformctl ") == [
        "list", "show", "status", "due", "assign", "log", "undo", "summary", "report", "remind",
        "export", "form", "import", "rollup", "init", "validate", "fetch", "schema", "doc", "depts",
    ]  # fmt: skip
    assert bash("reformctl s") == ["show", "status", "summary", "schema"]
    assert bash("reformctl due ") == ["set"]


def test_only_values_that_start_with_what_was_typed(plan_file: Path):
    """Candidates start with the word typed: 学会部 is no answer to 会, nor 6.2 to .2. Typer
    0.29 drops the others itself, but click's own completion does not, so the functions that
    give the values keep the rule too."""
    assert bash("reformctl show .2") == [] and bash("reformctl list --dept 会") == []
    assert bash("reformctl status set 6.2 完成") == []
    ctx: Any = SimpleNamespace(params={"file": str(plan_file)})  # what the functions read of a click context
    assert completion.statuses("完成") == [] and completion.statuses("on") == []
    assert completion.statuses("do") == [("doing", "推进中"), ("done", "已完成")]
    assert completion.departments(ctx, "会") == []
    assert completion.departments(ctx, "学") == [("学会部", "学会学术部"), ("学会学术部", "学会部")]
    assert [value for value, _ in completion.ids(ctx, "2")] == ["2"]
    assert completion.tracked_ids(ctx, ".1") == []
