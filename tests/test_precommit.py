"""The hook definition other repositories use, run the way pre-commit runs it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import DATA, ROOT

pytestmark = pytest.mark.slow  # pre-commit try-repo installs the package into a fresh environment

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_hook_definition():
    (hook,) = HOOKS
    assert hook["id"] == "reformctl-validate" and hook["entry"] == "reformctl validate"
    pattern = re.compile(hook["files"])
    for path in ("data/tasks-2020.yaml", "plans/zhejiang/tasks-2020.yml", "tasks-2021.yaml"):
        assert pattern.search(path), path
    for path in (".pre-commit-config.yaml", "data/other.yaml", "tasks-2020.yaml.bak"):
        assert not pattern.search(path), path


@pytest.mark.skipif(not (ROOT / ".git").exists() or shutil.which("git") is None, reason="needs the git checkout")
def test_try_repo_on_a_good_and_a_bad_file(tmp_path: Path):
    pytest.importorskip("pre_commit")
    work = tmp_path / "office"
    (work / "data").mkdir(parents=True)
    shutil.copyfile(DATA, work / "data" / "tasks-2020.yaml")
    bad = DATA.read_text(encoding="utf-8").replace("status: todo", "status: finished", 1)
    (work / "data" / "tasks-bad.yaml").write_text(bad, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=work, check=True)
    subprocess.run(["git", "add", "-A"], cwd=work, check=True)

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "reformctl-validate", "--files", *files]
        env = {"PRE_COMMIT_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
        return subprocess.run(command, cwd=work, capture_output=True, text=True, env=env, timeout=600)

    good = try_repo("data/tasks-2020.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"reformctl validate\.+Passed", good.stdout)
    failed = try_repo("data/tasks-2020.yaml", "data/tasks-bad.yaml")
    assert failed.returncode == 1
    assert re.search(r"reformctl validate\.+Failed", failed.stdout)
    assert "data/tasks-bad.yaml:" in failed.stdout and "'finished' 不是有效状态" in failed.stdout
