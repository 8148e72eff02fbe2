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
    return {row.id: row.status for row in query.rows(loader.load(path))}


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
    assert git("log", "-1", "--format=%s") == "撤销 6.2 的上一条记录（done → todo）"
    assert git("diff", "HEAD~2", "HEAD", "--", "data/tasks-2020.yaml") == ""


def test_commit_outside_git_is_refused_before_writing(plan_file: Path):
    before = plan_file.read_bytes()
    result = run("status", "set", "6.2", "done", "--commit")
    assert result.exit_code == 1 and "不在 git 仓库中" in result.stderr
    assert plan_file.read_bytes() == before


def test_commit_refuses_a_file_with_earlier_changes(repo: Path):
    """Reproduced: five due set without --commit, then status set --commit carried all six."""
    for n, ident in enumerate(["1.1", "1.2", "3.1", "3.2", "4.1"]):
        assert run("due", "set", ident, f"2020-12-{n + 10}").exit_code == 0
    before = repo.read_bytes()
    result = run("status", "set", "1.1", "doing", "--commit")
    assert result.exit_code == 1 and repo.read_bytes() == before
    assert "已有未提交的改动" in result.stderr and "git commit" in result.stderr and "不加 --commit" in result.stderr
    assert git("log", "--format=%s") == "计划"
    git("add", "data/tasks-2020.yaml")  # staged counts too
    assert run("status", "set", "1.1", "doing", "--commit").exit_code == 1


def test_undo_commit_of_a_change_never_committed_is_success(repo: Path):
    head = repo.read_bytes()
    assert run("status", "set", "6.2", "done").exit_code == 0
    result = run("undo", "6.2", "--commit")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("已撤销；该改动未曾提交，无需提交（6.2：已完成 → 未启动")
    assert repo.read_bytes() == head and git("log", "--format=%s") == "计划"


def test_commit_message_names_the_unit(repo: Path):
    assert run("init", "--unit", "武汉市科协", "--level", "市级", "-o", "wuhan/tasks-2020.yaml").exit_code == 0
    git("add", "-A")
    git("commit", "-q", "-m", "武汉")
    result = run("status", "set", "6.2", "doing", "-f", "wuhan/tasks-2020.yaml", "--commit")
    assert result.exit_code == 0, result.output
    assert git("log", "-1", "--format=%s") == "武汉市科协 6.2: todo → doing"


def test_a_refused_commit_leaves_the_file_written_unstaged_and_a_retry_adds_nothing(repo: Path, tmp_path: Path):
    hook = tmp_path / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 钩子拒绝了提交 >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    result = run("status", "set", "6.2", "done", "--note", "试点城市已签约", "--commit")
    assert result.exit_code == 1
    assert "已写入 data/tasks-2020.yaml，但 git 提交失败：钩子拒绝了提交" in result.stderr
    assert "未暂存" in result.stderr
    assert git("status", "--porcelain") == "M data/tasks-2020.yaml"  # written, not staged
    written = repo.read_bytes()
    again = run("status", "set", "6.2", "done", "--note", "试点城市已签约", "--commit")
    assert again.exit_code == 1 and repo.read_bytes() == written  # no second record


def test_a_commit_on_a_detached_head_warns(repo: Path):
    git("checkout", "-q", "--detach")
    result = run("status", "set", "6.2", "done", "--commit")
    assert result.exit_code == 0 and "分离 HEAD" in result.stderr
