"""The README is the user's first contact: its commands are the ones CI runs, and every command has help."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT, run

from reformctl.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    (test_command,) = re.findall(r"^(python3 -m venv .*pytest)$", README, re.M)
    assert test_command in ci.splitlines()
    (try_command,) = re.findall(r"^(python3 -m venv .*reformctl list --dept 学会部)$", README, re.M)
    assert try_command.split(" && reformctl")[0] in test_command.replace("'.[test]'", ".")


@pytest.mark.parametrize("command", app.registered_commands, ids=lambda c: c.name or c.callback.__name__)
def test_every_command_has_help_and_is_in_the_readme(command):
    name = command.name or command.callback.__name__
    summary = (command.callback.__doc__ or "").strip().splitlines()
    assert summary, f"{name} has no docstring, so no --help"
    result = run(name, "-h")
    assert result.exit_code == 0, result.output
    assert summary[0] in result.stdout
    assert f"reformctl {name}" in README


def test_python_dash_m():
    result = subprocess.run([sys.executable, "-m", "reformctl", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "validate" in result.stdout
