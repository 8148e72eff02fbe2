from __future__ import annotations

import json
from pathlib import Path

from conftest import DATA, run

from reformctl.schema import json_schema


def test_init_writes_a_writable_copy_and_its_schema(tmp_path: Path):
    result = run("init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "tasks-2020.yaml").read_bytes() == DATA.read_bytes()
    assert json.loads((tmp_path / "schemas" / "plan.schema.json").read_text(encoding="utf-8")) == json_schema()
    assert run("status", "set", "6.2", "done").exit_code == 0


def test_init_refuses_to_overwrite_without_force(tmp_path: Path):
    assert run("init").exit_code == 0
    assert run("status", "set", "6.2", "done").exit_code == 0
    changed = (tmp_path / "data" / "tasks-2020.yaml").read_bytes()
    result = run("init")
    assert result.exit_code == 1 and "已存在，未覆盖；确要覆盖请加 --force" in result.stderr
    assert (tmp_path / "data" / "tasks-2020.yaml").read_bytes() == changed
    assert run("init", "--force").exit_code == 0
    assert (tmp_path / "data" / "tasks-2020.yaml").read_bytes() == DATA.read_bytes()
