"""The README is the user's first contact: its commands are the ones CI runs, and every command has help."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import typer
from conftest import ROOT, WROTE, run

from reformctl.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    (test_command,) = re.findall(r"^(python3 -m venv .*pytest)$", README, re.M)
    assert test_command in ci.splitlines()
    (try_command,) = re.findall(r"^(python3 -m venv .*reformctl list --dept 学会部)$", README, re.M)
    assert try_command.split(" && reformctl")[0] in test_command.replace("'.[test]'", ".")


def commands() -> list[tuple[str, object]]:
    """Every command with its full name (`list`, `status set`...), as help and completion see them."""
    top = typer.main.get_command(app)
    context = typer.Context(top)
    found = []
    for name in top.list_commands(context):  # type: ignore[attr-defined]
        command = top.get_command(context, name)  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", {})
        found += [(f"{name} {sub}", c.callback) for sub, c in subcommands.items()] or [(name, command.callback)]
    return found


@pytest.mark.parametrize(("name", "callback"), commands(), ids=[name for name, _ in commands()])
def test_every_command_has_help_and_is_in_the_readme(name: str, callback: object):
    summary = (getattr(callback, "__doc__", None) or "").strip().splitlines()
    assert summary, f"{name} has no docstring, so no --help"
    result = run(*name.split(), "-h")
    assert result.exit_code == 0, result.output
    assert summary[0] in "".join(line.strip() for line in result.stdout.splitlines())  # wrapped at the screen
    assert "例：" in result.stdout or name in ("doc", "depts", "schema")
    assert f"reformctl {name}" in README


@pytest.mark.slow
def test_python_dash_m():
    result = subprocess.run([sys.executable, "-m", "reformctl", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "validate" in result.stdout


@pytest.mark.slow
def test_commands_load_on_demand_yet_all_are_known(plan_file, tmp_path):
    def reformctl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "reformctl", *args], capture_output=True, text=True, cwd=tmp_path)

    listed = reformctl("list", "--task", "7", "--format", "json")
    assert listed.returncode == 0 and '"7.2"' in listed.stdout
    assert reformctl("status", "set", "7.2", "done").stdout == f"已记录 7.2：未启动 → 已完成{WROTE}\n"
    typo = reformctl("lst")
    assert typo.returncode == 2 and "错误：没有这个命令 'lst'，是不是 'list'？" in typo.stderr
    assert "status" in reformctl("--help").stdout and reformctl("--version").returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize("args", [["list"], ["list", "--help"], ["status", "--help"], ["log", "--format", "json"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(plan_file, tmp_path, args):
    """`reformctl list | head -1`: when the reader has gone, no 内部错误 and no traceback."""
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first write
    try:
        done = subprocess.run(
            [sys.executable, "-m", "reformctl", *args],
            cwd=tmp_path,
            stdout=write,
            capture_output=False,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(write)
    assert done.returncode == 1 and done.stderr == b""
