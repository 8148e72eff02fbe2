"""Down the hierarchy: a unit plan derived from its parent plan.

A unit plan (省级、市级、县级) is a plan file with a `unit` block naming its parent plan, and
items that say which of the parent's items they carry out (`implements`). `init --unit` writes
one: every item of the parent, the same ids, text copied, status todo, deadline inherited.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reformctl import deadlines, notice, paragraphs, tasklist
from reformctl.errors import ReformctlError, UsageError
from reformctl.files import display
from reformctl.models import Plan
from reformctl.notice import Notice
from reformctl.plain import one_line
from reformctl.splice import yaml_text


def derive(parent: Plan, parent_path: Path, out: Path, name: str, level: str, schema: Path | None) -> str:
    """The text of a unit plan that implements `parent`: every item of the parent becomes an
    item of the same id that implements it, text copied, status todo, deadline inherited.
    Its modeline names `schema` (schema_of the parent, or one of the unit's own), if any."""
    relative = Path(os.path.relpath(parent_path.resolve(), out.resolve().parent)).as_posix()
    lines = []
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


def schema_of(plan_path: Path) -> Path | None:
    """The schema the parent's editor modeline points at, so the unit plan's points there too."""
    with open(plan_path, encoding="utf-8-sig") as plan_file:
        first = plan_file.readline().strip()
    prefix = "# yaml-language-server: $schema="
    if first.startswith(prefix):
        return (plan_path.parent / first[len(prefix) :]).resolve()
    return None


def _tracked(
    due: dt.date | None, lead: list[str] | None, participants: list[str] | None, ident: str, indent: str
) -> list[str]:
    lines = [f"{indent}due: {due.isoformat()}"] if due else []
    lines += [f"{indent}lead: {_list(lead)}"] if lead else []
    lines += [f"{indent}participants: {_list(participants)}"] if participants else []
    return [*lines, f"{indent}implements: [{json.dumps(ident)}]"]


def _deadline(day: dt.date | None, phrase: str | None, indent: str) -> list[str]:
    """A row's due day, and the 完成时限 it was read from, as the notice wrote it."""
    lines = [f"{indent}due: {day.isoformat()}"] if day else []
    return lines + ([f"{indent}deadline: {yaml_text(phrase)}"] if phrase else [])


def _list(values: list[str]) -> str:
    return "[" + ", ".join(yaml_text(v) for v in values) + "]"


def _value(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else yaml_text(str(value))


def _department(ident: str, name: str | None) -> str:
    full = f", name: {yaml_text(name)}" if name else ""
    return f"  - {{id: {yaml_text(ident)}{full}}}"


# ---------------------------------------------------------------- a plan from a notice


@dataclass(frozen=True)
class FromNotice:
    """A new plan read from a notice's file: where it goes, its text, what was read, and the
    warnings (paragraphs not placed, an encoding guessed) a clerk should check."""

    out: Path
    text: str
    tasks: int
    items: int
    departments: int
    warnings: list[str]
    found: Notice  # what was read, for --dry-run to show


def from_notice_file(path: Path, given: str | None) -> FromNotice:
    """The plan a notice's file gives, written for `given` (-o: a file, a folder, or None for
    data/tasks-YEAR.yaml), with the schema modeline relative to it; it always validates."""
    from reformctl import reader, sources

    name = display(path)
    got = sources.read(path)
    found = paragraphs.read(got.paragraphs)
    titles = _tabled(found, got.tables)
    if "title" not in found.document and titles:
        found.document["title"] = titles[0]  # an Excel task list: its title row
    if not found.tasks:
        headed = sum(tasklist.header(grid) is not None for _, grid in got.tables)
        raise ReformctlError(f"{name}: {notice.looked_for(found_paragraphs(got), len(got.tables), headed)}")
    title = found.document.get("title")
    if not title:
        raise ReformctlError(f"{name}: 找不到计划标题：通知标题中应有《计划名称》，或正文前单独一行写明")
    year = re.search(r"(\d{4})", title) or re.search(r"(\d{4})", found.document.get("number", ""))
    out = output_path(given, f"tasks-{year[1] if year else 'new'}.yaml")
    modeline = Path(os.path.relpath(SCHEMA.resolve(), out.resolve().parent)).as_posix()
    text = plan_from_notice(found, modeline)
    reader.validate(text, str(out))  # what is written always validates
    items = sum(len(task.items) for task in found.tasks)
    return FromNotice(out, text, len(found.tasks), items, len(found.departments()), got.notes + found.warnings, found)


def found_paragraphs(got: Any) -> list[str]:
    return [notice.full_width(p) for p in got.paragraphs]


def _tabled(found: Notice, tables: list[tuple[str, Any]]) -> list[str]:
    """A task list in the file's tables is the plan's (the body's own numbered points, if any,
    give way to it); each deadline phrase read as its day, in the plan's year. Returns the
    tables' own titles, for a plan that is only a table."""
    year = notice.year(found)
    read = [tasklist.read(grid, where, year) for where, grid in tables]
    titled = next((hit for t in read if t.title and (hit := re.search(r"20\d{2}", t.title))), None)
    if year is None and titled is not None:  # the year a table's own title gives
        year = int(titled[0])
        read = [tasklist.read(grid, where, year) for where, grid in tables]
    with_tasks = [table for table in read if table.tasks]
    if with_tasks:
        if found.tasks:
            found.warnings.append(f"正文中的 {len(found.tasks)} 项编号内容未作为任务读入：以附件表格中的任务为准")
        found.tasks, found.groups = [], []
        for table in with_tasks:
            offset = len(found.tasks)
            for task in table.tasks:
                _renumber(task, str(int(task.id) + offset))
            found.tasks += table.tasks
            found.groups += table.groups
    found.warnings += [w for table in read for w in table.warnings]
    for task in found.tasks:
        for item in task.items if task.deadline else []:  # a task's 完成时限 holds for each of its items
            item.deadline = item.deadline or task.deadline
        task.deadline = task.deadline if not task.items else None
        rows: list[notice.NoticeTask | notice.NoticeItem] = [task, *task.items]
        for row in rows:
            if row.deadline and row.due is None:
                row.due = deadlines.due(row.deadline, year)
    return [t.title for t in read if t.title]


def _renumber(task: notice.NoticeTask, ident: str) -> None:
    task.id = ident
    for n, item in enumerate(task.items, 1):
        item.id = f"{ident}.{n}"


SCHEMA = Path("schemas") / "plan.schema.json"  # where init puts the schema, beside data/


def output_path(given: str | None, name: str) -> Path:
    """Where init writes a plan: data/NAME by default; into a folder given as one (dir/, or a
    folder that exists), under NAME; else the file given. `-` (the screen) is the caller's."""
    if given is None:
        return Path("data") / name
    if given == "-":
        raise UsageError("-o -（写到屏幕）只用于 --from；单位计划请给出文件名")
    if given.endswith(("/", os.sep)) or Path(given).is_dir():
        return Path(given) / name
    return Path(given)


DOCUMENT_KEYS = ("title", "notice", "number", "issuer", "signed", "printed", "published", "recipients", "body", "cc",
                 "attachment")  # fmt: skip


def plan_from_notice(found: Notice, modeline: str | None) -> str:
    """The text of a new plan file with everything the notice says, every row todo: block style,
    as data/tasks-2020.yaml is written, so that people can read and edit it."""
    doc = found.document
    lines = [f"# yaml-language-server: $schema={modeline}"] if modeline else []
    lines += [
        f"# {one_line(doc.get('title', ''))}：由 reformctl init --from 从通知生成，请核对后提交",
        "version: 1",
        "",
    ]
    dates = ("signed", "printed", "published")  # YYYY-MM-DD, plain as the file writes dates
    said = [f"  {key}: {doc[key] if key in dates else _value(doc[key])}" for key in DOCUMENT_KEYS if key in doc]
    lines += ["document:", *said, ""]
    lines += ["departments:", *(_department(name, None) for name in found.departments()), ""]
    if found.partners():
        lines += [f"partners: {_list(found.partners())}", ""]
    for key, said in (("preamble", found.preamble), *found.texts.items()):
        if said:
            lines += [f"{key}: {yaml_text(chr(10).join(said))}", ""]
    lines += _sections("principles", found.principles)
    if found.groups:
        lines += ["groups:", *(f"  - {{id: {json.dumps(i)}, title: {yaml_text(t)}}}" for i, t in found.groups), ""]
    lines.append("tasks:")
    for task in found.tasks:
        lines += _task(task)
    if found.tasks_note:
        lines += [f"tasks_note: {yaml_text(chr(10).join(found.tasks_note))}", ""]
    lines += _sections("safeguards", found.safeguards)
    return "\n".join(lines).rstrip("\n") + "\n"


def _sections(key: str, sections: list[notice.NoticeSection]) -> list[str]:
    if not sections:
        return []
    lines = [f"{key}:"]
    for s in sections:
        lines += [f"  - id: {json.dumps(s.id)}", f"    title: {yaml_text(s.title)}", f"    text: {yaml_text(s.text)}"]
    return [*lines, ""]


def _task(task: notice.NoticeTask) -> list[str]:
    lines = [f"  - id: {json.dumps(task.id)}", f"    title: {yaml_text(task.title)}"]
    lines += [f"    group: {json.dumps(task.group)}"] if task.group else []
    lines += [f"    lead: {_list(task.lead)}"]
    lines += [f"    participants: {_list(task.participants)}"] if task.participants else []
    if not task.items:
        lines += [f"    text: {yaml_text(task.text or task.title)}", "    status: todo"]
        return [*lines, *_deadline(task.due, task.deadline, "    "), ""]
    lines.append("    items:")
    for item in task.items:
        lines += [f"      - id: {json.dumps(item.id)}", f"        text: {yaml_text(item.text)}", "        status: todo"]
        lines += _deadline(item.due, item.deadline, "        ")
        lines += [f"        lead: {_list(item.lead)}"] if item.lead else []
        lines += [f"        participants: {_list(item.participants)}"] if item.participants else []
    return [*lines, ""]
