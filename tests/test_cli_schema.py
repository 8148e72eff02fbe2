"""schemas/plan.schema.json is generated from the model and must stay in sync with it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import DATA, EXAMPLES, ROOT, run

from reformctl import loader, reader
from reformctl.errors import PlanInvalid
from reformctl.schema import json_schema

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
    assert task["enum"] == ["todo", "doing", "done", "blocked", "na"]


def test_data_file_points_at_the_schema():
    first = (ROOT / "data" / "tasks-2020.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/plan.schema.json"


# Rules that JSON Schema cannot state: they span values of the file.
MODEL_ONLY = {"id-not-under-task", "duplicate-id", "unknown-dept", "duplicate-dept"}
# Not plain data at all: the loader refuses these before any schema could look.
LOADER_ONLY = {"syntax-error", "duplicate-key", "python-tag", "alias"}


def examples() -> list[Path]:
    return sorted((EXAMPLES / "valid").glob("*.yaml")) + sorted((EXAMPLES / "invalid").glob("*.yaml")) + [DATA]


def model_accepts(path: Path) -> bool:
    try:
        loader.load(path)
    except PlanInvalid:
        return False
    return True


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.stem)
def test_committed_schema_agrees_with_the_model(path: Path):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    if path.stem in LOADER_ONLY:
        with pytest.raises(PlanInvalid):
            reader.Reader(path.name).read(path.read_text(encoding="utf-8"))
        return
    data, _ = reader.Reader(path.name).read(path.read_text(encoding="utf-8-sig"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    schema_accepts = validator.is_valid(data)
    if path.stem in MODEL_ONLY:
        assert schema_accepts and not model_accepts(path)
    else:
        assert schema_accepts == model_accepts(path), list(validator.iter_errors(data))[:1]


def test_the_plan_file_page_lists_the_rules_only_the_model_checks():
    page = (ROOT / "docs" / "plan-file.md").read_text(encoding="utf-8")
    for words in ("ids that repeat", "start with their task's id", "listed department"):
        assert words in page.split("## JSON Schema for editors")[1]
