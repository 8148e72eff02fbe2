"""The plan file's JSON Schema, made from the model (models.py): schemas/plan.schema.json, as
`reformctl schema` prints it and `reformctl init` writes it, for editors and other tools."""

from __future__ import annotations

from typing import Any

from reformctl.models import Level, Plan, Status


def schema_text() -> str:
    """schemas/plan.schema.json, as `reformctl schema` prints it and `reformctl init` writes it."""
    import json

    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def json_schema() -> dict[str, Any]:
    """The model as JSON Schema draft 7, the newest that yaml-language-server reads."""
    schema = Plan.model_json_schema(ref_template="#/definitions/{model}")
    words = {f"#/definitions/{word.__name__}": schema["$defs"].pop(word.__name__) for word in (Status, Level)}
    schema["definitions"] = _inlined(schema.pop("$defs"), words)
    return {"$schema": "http://json-schema.org/draft-07/schema#", **schema}


def _inlined(node: Any, words: dict[str, dict[str, Any]]) -> Any:
    """The schema with each status and level enum written where it is used: draft 7 ignores
    the siblings of a $ref, and so an editor would lose the field's own description."""
    if isinstance(node, list):
        return [_inlined(value, words) for value in node]
    if not isinstance(node, dict):
        return node
    if node.get("$ref") in words:
        word = words[node["$ref"]]
        node = {"enum": word["enum"], "type": word["type"], **{k: v for k, v in node.items() if k != "$ref"}}
    return {key: _inlined(value, words) for key, value in node.items()}
