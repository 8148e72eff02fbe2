"""Down the hierarchy: a unit plan derived from its parent plan.

A unit plan (省级、市级、县级) is a plan file with a `unit` block naming its parent plan, and
items that say which of the parent's items they carry out (`implements`). `init --unit` writes
one: every item of the parent, the same ids, text copied, status todo, deadline inherited.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from reformctl.models import Plan
from reformctl.plain import one_line
from reformctl.splice import yaml_text


def derive(parent: Plan, parent_path: Path, out: Path, name: str, level: str) -> str:
    """The text of a unit plan that implements `parent`: every item of the parent becomes an
    item of the same id that implements it, text copied, status todo, deadline inherited."""
    relative = Path(os.path.relpath(parent_path.resolve(), out.resolve().parent)).as_posix()
    lines = []
    schema = _schema_of(parent_path.resolve())
    if schema is not None:
        modeline = Path(os.path.relpath(schema, out.resolve().parent)).as_posix()
        lines.append(f"# yaml-language-server: $schema={modeline}")
    lines += [
        # A comment is one line: a name is never written into it raw.
        f"# {one_line(name)}落实《{one_line(parent.document.title)}》的计划：由 reformctl init --unit 生成，"
        "可自行拆分、增补、删减事项",
        "version: 1",
        f"unit: {{name: {yaml_text(name)}, level: {level}, parent: {yaml_text(relative)}}}",
        "document:",
        *(f"  {key}: {_value(value)}" for key, value in parent.document.model_dump(exclude_none=True).items()),
        "departments:",
        *(_department(d.id, d.name) for d in parent.departments),
        "tasks:",
    ]
    for task in parent.tasks:
        lines += [
            f"  - id: {json.dumps(task.id)}",
            f"    title: {yaml_text(task.title)}",
            f"    lead: {_list(task.lead)}",
        ]
        if task.items is None:
            lines += [f"    text: {yaml_text(task.text or '')}", "    status: todo"]
            lines += _tracked(task.due, None, task.participants, task.id, "    ")
            continue
        if task.participants:
            lines.append(f"    participants: {_list(task.participants)}")
        lines.append("    items:")
        for item in task.items:
            lines += [
                f"      - id: {json.dumps(item.id)}",
                f"        text: {yaml_text(item.text)}",
                "        status: todo",
            ]
            lines += _tracked(item.due, item.lead, item.participants, item.id, "        ")
    return "\n".join(lines) + "\n"


def _schema_of(plan_path: Path) -> Path | None:
    """The schema the parent's editor modeline points at, so the unit plan's points there too."""
    with open(plan_path, encoding="utf-8-sig") as plan_file:
        first = plan_file.readline().strip()
    prefix = "# yaml-language-server: $schema="
    if first.startswith(prefix):
        return (plan_path.parent / first[len(prefix) :]).resolve()
    return None


def _tracked(due: dt.date | None, lead: list[str] | None, participants: list[str] | None, ident: str, indent: str):
    lines = [f"{indent}due: {due.isoformat()}"] if due else []
    lines += [f"{indent}lead: {_list(lead)}"] if lead else []
    lines += [f"{indent}participants: {_list(participants)}"] if participants else []
    return [*lines, f"{indent}implements: [{json.dumps(ident)}]"]


def _list(values: list[str]) -> str:
    return "[" + ", ".join(yaml_text(v) for v in values) + "]"


def _value(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else yaml_text(str(value))


def _department(ident: str, name: str | None) -> str:
    full = f", name: {yaml_text(name)}" if name else ""
    return f"  - {{id: {yaml_text(ident)}{full}}}"
