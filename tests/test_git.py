"""Real git in tmp_path: two colleagues' changes to different items merge cleanly; --commit commits one file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run

from reformctl import loader, query

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def repo(plan_file: Path) -> Path:
    git("init", "-q", "-b", "main")
    git("config", "user.name", "测试")
    git("config", "user.email", "test@example.invalid")
    git("add", "-A")
    git("commit", "-q", "-m", "计划")
    return plan_file


def statuses(path: Path) -> dict[str, str]:
    return {row.id: row.status for row in query.rows(loader.load(path).plan)}


@pytest.mark.parametrize(("mine", "theirs"), [("6.1", "6.2"), ("1.2", "2"), ("9.4", "10.1")])
def test_changes_to_neighbouring_items_merge_cleanly(repo: Path, mine: str, theirs: str):
    git("checkout", "-q", "-b", "colleague")
    assert run("status", "set", theirs, "doing", "--note", "同事的更新", "--commit").exit_code == 0
    git("checkout", "-q", "main")
    assert run("status", "set", mine, "done", "--note", "我的更新", "--commit").exit_code == 0
    merged = subprocess.run(["git", "merge", "-q", "--no-edit", "colleague"], capture_output=True, text=True)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert statuses(repo)[mine] == "done" and statuses(repo)[theirs] == "doing"


def test_commit_takes_just_that_file_with_a_message_that_says_what_changed(repo: Path, tmp_path: Path):
    (tmp_path / "other.txt").write_text("别的改动", encoding="utf-8")
    git("add", "other.txt")
    result = run("status", "set", "6.2", "done", "--note", "试点城市已签约", "--commit")
    assert result.exit_code == 0, result.output
    assert git("log", "-1", "--format=%s") == "6.2: todo → done（试点城市已签约）"
    assert git("show", "--name-only", "--format=", "HEAD") == "data/tasks-2020.yaml"
    assert git("status", "--porcelain").splitlines() == ["A  other.txt"]
    assert run("undo", "6.2", "--commit").exit_code == 0
    assert git("log", "-1", "--format=%s") == "6.2: 撤销：done → todo（试点城市已签约）"
    assert git("diff", "HEAD~2", "HEAD", "--", "data/tasks-2020.yaml") == ""


def test_commit_outside_git_is_refused_before_writing(plan_file: Path):
    before = plan_file.read_bytes()
    result = run("status", "set", "6.2", "done", "--commit")
    assert result.exit_code == 1 and "不在 git 仓库中" in result.stderr
    assert plan_file.read_bytes() == before
