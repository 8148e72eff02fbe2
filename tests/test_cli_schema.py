"""schemas/plan.schema.json is generated from the model and must stay in sync with it."""

from __future__ import annotations

import json

from conftest import ROOT, run

from reformctl.models import json_schema

SCHEMA = ROOT / "schemas" / "plan.schema.json"


def test_schema_file_is_in_sync():
    result = run("schema")
    assert result.exit_code == 0
    assert SCHEMA.read_text(encoding="utf-8") == result.stdout, "run: reformctl schema > schemas/plan.schema.json"


def test_schema_is_draft_7_for_yaml_language_server():
    schema = json_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    text = json.dumps(schema)
    assert "$defs" not in text and "#/definitions/Task" in text
    task = schema["definitions"]["Item"]["properties"]["status"]
    assert task["enum"] == ["todo", "doing", "done", "blocked"]


def test_data_file_points_at_the_schema():
    first = (ROOT / "data" / "tasks-2020.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/plan.schema.json"
