from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from reformctl.cli import app
from reformctl.models import Plan

# Never the user's own cache, not even for the plans loaded while tests are collected.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="reformctl-test-cache-")
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "tasks-2020.yaml"
EXAMPLES = Path(__file__).resolve().parent / "examples"
WROTE = "；写入 data/tasks-2020.yaml"  # how every write names the file it wrote


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A fixed terminal and a folder of its own, so no test finds the repo's plan by accident."""
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("REFORMCTL_FILE", raising=False)
    monkeypatch.delenv("REFORMCTL_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ".cache"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    """A copy of the real plan where reformctl looks for it: ./data/tasks-2020.yaml."""
    target = tmp_path / "data" / "tasks-2020.yaml"
    target.parent.mkdir()
    shutil.copyfile(DATA, target)
    return target


@pytest.fixture(params=["c", "pure"])
def yaml_parser(request: pytest.FixtureRequest) -> Iterator[None]:
    """Marks differ in subtle ways between libyaml and PyYAML's own parser: run under both."""
    if request.param == "c" and not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    from reformctl import reader

    before = reader.use_parser(request.param)
    yield
    reader.use_parser(before)


@functools.cache
def real_plan() -> Plan:
    """The real plan, read once, when a test first needs it (never while tests are collected)."""
    from reformctl import loader

    return loader.load(DATA)


@functools.cache
def real_ids() -> list[str]:
    """The ids of the real plan's rows, in order."""
    from reformctl import query

    return [row.id for row in query.rows(real_plan())]


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def ok(*args: str) -> str:
    """A command that must succeed: its standard output."""
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


# A plan with deadlines and history spread over months, written through the real write path.
HISTORY = [
    ("due", "6.2", "2020-10-01", "2020-08-01", None),
    ("status", "6.2", "doing", "2020-08-15", "启动试点城市遴选"),
    ("due", "6.2", "2020-12-31", "2020-09-20", "试点城市调整"),
    ("due", "9.1", "2020-09-10", "2020-08-01", None),
    ("status", "9.1", "doing", "2020-09-02", "启动期刊评估"),
    ("due", "10.3", "2020-09-20", "2020-08-01", None),
    ("status", "10.3", "done", "2020-09-15", "监事会办法已出台"),
    ("due", "2", "2020-10-05", "2020-08-01", None),
    ("status", "2", "doing", "2020-07-20", None),
    ("status", "7.1", "blocked", "2020-10-10", "疫情影响"),
    ("status", "12.1", "done", "2020-11-02", "机构改革完成"),
]


@pytest.fixture
def history_plan(plan_file: Path) -> Path:
    import datetime as dt

    from reformctl import edit

    for kind, ident, value, day, note in HISTORY:
        when = dt.date.fromisoformat(day)
        if kind == "due":
            edit.set_due(plan_file, ident, dt.date.fromisoformat(value), when, note)
        else:
            edit.set_status(plan_file, ident, value, when, note)
    return plan_file
