from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from reformctl import loader
from reformctl.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "tasks-2020.yaml"
EXAMPLES = Path(__file__).resolve().parent / "examples"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A fixed terminal and a folder of its own, so no test finds the repo's plan by accident."""
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("REFORMCTL_FILE", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    """A copy of the real plan where reformctl looks for it: ./data/tasks-2020.yaml."""
    target = tmp_path / "data" / "tasks-2020.yaml"
    target.parent.mkdir()
    shutil.copyfile(DATA, target)
    return target


@pytest.fixture(params=["c", "pure"])
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Marks differ in subtle ways between libyaml and PyYAML's own parser: run under both."""
    if request.param == "c" and not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    base = yaml.CSafeLoader if request.param == "c" else yaml.SafeLoader
    monkeypatch.setattr(loader, "Loader", loader.make_loader(base))


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)
