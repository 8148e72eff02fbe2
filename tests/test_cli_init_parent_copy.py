"""init --unit with a parent in another repository: the parent is copied into the unit's own,
so that validate and the hook work there offline."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import DATA, ok, run


def _repository(folder: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The city's plan in the city's own repository, derived from the bundled (national) plan:
    itself a unit plan whose parent is a copy, so that the county's parent is a chain."""
    monkeypatch.chdir(_repository(tmp_path / "city"))
    ok("init", "--unit", "杭州市科协", "--level", "市级", "-f", str(DATA), "-o", "data/tasks-2020.yaml")
    monkeypatch.chdir(_repository(tmp_path / "county"))
    return tmp_path / "city" / "data" / "tasks-2020.yaml"


def _county(city: Path, *more: str) -> str:
    unit = ("--unit", "西湖区科协", "--level", "县级")
    return ok("init", *unit, "--parent", str(city), "-o", "data/tasks-2020.yaml", *more)


def test_a_parent_in_another_repository_is_copied_into_the_units(city: Path):
    said = _county(city)
    copy = Path("data/parent/tasks-2020.yaml")
    assert copy.read_bytes() == city.read_bytes()
    written = Path("data/tasks-2020.yaml").read_text(encoding="utf-8")
    assert "unit: {name: 西湖区科协, level: 县级, parent: parent/tasks-2020.yaml}" in written
    assert f"已写入 {copy}" in said and "已写入 data/tasks-2020.yaml" in said
    assert f"已复制上级计划 {os.path.relpath(city)} 到 {copy}：本单位仓库中 validate 据此核对 implements" in said
    assert (
        Path("data/tasks-2020.yaml")
        .read_text(encoding="utf-8")
        .startswith("# yaml-language-server: $schema=../schemas/plan.schema.json\n")
    )
    assert Path("schemas/plan.schema.json").is_file()  # the modeline's schema is in this repository
    assert "有效" in ok("validate")


def test_the_copys_own_parents_come_too_so_every_file_validates_as_the_hook_runs_it(city: Path):
    _county(city)
    grand = Path("data/parent/parent/tasks-2020.yaml")  # where the copy's unchanged parent: line points
    assert grand.read_bytes() == (city.parent / "parent" / "tasks-2020.yaml").read_bytes()
    result = run("validate", "data/parent/tasks-2020.yaml", str(grand), "data/tasks-2020.yaml")
    assert result.exit_code == 0, result.output


def test_a_second_run_refuses_and_writes_nothing(city: Path):
    _county(city)
    plan = Path("data/tasks-2020.yaml")
    plan.write_text(plan.read_text(encoding="utf-8").replace("status: todo", "status: doing", 1), encoding="utf-8")
    before = {p: p.read_bytes() for p in Path(".").rglob("*") if p.is_file() and ".git" not in p.parts}
    result = run("init", "--unit", "西湖区科协", "--level", "县级", "--parent", str(city), "-o", str(plan))
    assert result.exit_code == 1 and "已存在，未覆盖；确要覆盖请加 --force" in result.stderr
    assert "data/parent/tasks-2020.yaml" in result.stderr
    assert {p: p.read_bytes() for p in Path(".").rglob("*") if p.is_file() and ".git" not in p.parts} == before
    _county(city, "--force")
    assert "status: doing" not in plan.read_text(encoding="utf-8")


def test_a_parent_inside_the_repository_is_not_copied(city: Path):
    ok("init")  # the national plan, inside the county's repository
    ok("init", "--unit", "西湖区科协", "--level", "县级", "--parent", "data/tasks-2020.yaml", "-o", "data/unit.yaml")
    assert not Path("data/parent").exists()
    assert "parent: tasks-2020.yaml}" in Path("data/unit.yaml").read_text(encoding="utf-8")
    assert run("validate", "data/unit.yaml").exit_code == 0


def test_the_copy_goes_beside_a_plan_whose_folders_do_not_exist_yet(city: Path):
    ok("init", "--unit", "西湖区科协", "--level", "县级", "--parent", str(city), "-o", "plans/xihu/tasks-2020.yaml")
    assert Path("plans/xihu/parent/tasks-2020.yaml").read_bytes() == city.read_bytes()
    assert run("validate", "plans/xihu/tasks-2020.yaml").exit_code == 0
