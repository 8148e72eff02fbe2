"""The README is the user's first contact: its commands are the ones CI runs. Every command has help,
and docs/commands.md shows that help as the command prints it (a generated region: after a change of
help, regenerate it with  REFORMCTL_UPDATE_DOCS=1 pytest tests/test_docs.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import typer
from conftest import ROOT, WROTE, run
from regions import region, replaced
from typer.testing import CliRunner

from reformctl.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = ROOT / "docs" / "commands.md"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


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
def test_every_command_has_help_and_is_in_the_reference(name: str, callback: object):
    summary = (getattr(callback, "__doc__", None) or "").strip().splitlines()
    assert summary, f"{name} has no docstring, so no --help"
    result = run(*name.split(), "-h")
    assert result.exit_code == 0, result.output
    assert summary[0] in "".join(line.strip() for line in result.stdout.splitlines())  # wrapped at the screen
    assert "例：" in result.stdout or name in ("doc", "depts", "schema")
    reference = COMMANDS.read_text(encoding="utf-8")
    assert f"`reformctl {name}" in reference.split("<!-- begin commands -->")[0], "in the table of commands"
    assert f"### reformctl {name}\n" in region(reference, "commands")


def helps() -> str:
    """Each command's `--help` as `reformctl NAME --help` prints it, a section each, in the group's order."""
    sections = []
    for name, _ in commands():
        shown = CliRunner().invoke(app, [*name.split(), "--help"], prog_name="reformctl", catch_exceptions=False)
        assert shown.exit_code == 0, shown.output
        sections.append(f"### reformctl {name}\n\n```text\n{shown.stdout.rstrip()}\n```\n")
    return "\n".join(sections)


def test_the_reference_shows_each_command_s_own_help(monkeypatch: pytest.MonkeyPatch):
    """At a fixed width, so the page does not change with the terminal it was made in."""
    monkeypatch.setenv("COLUMNS", "100")
    text = COMMANDS.read_text(encoding="utf-8")
    drawn = helps()
    if os.environ.get("REFORMCTL_UPDATE_DOCS"):
        COMMANDS.write_text(replaced(text, "commands", drawn), encoding="utf-8")
        return
    assert region(text, "commands") == drawn, "stale: run REFORMCTL_UPDATE_DOCS=1 pytest tests/test_docs.py"


def test_every_command_the_docs_run_is_a_command():
    """A `$ reformctl ...` line in any page names a command that exists (a renamed one would linger)."""
    names = {name for name, _ in commands()}
    for page in PAGES:
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith("$ reformctl ") and not line.startswith("$ reformctl -"):
                words = line.split()[2:4]
                assert words[0] in names or " ".join(words) in names, f"{page.name}: {line}"


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
