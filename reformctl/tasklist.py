"""A task list in a table (重点任务清单, an attachment in Word or an Excel sheet) read as tasks.

The header row is found by its words, not by its place, and each column by the words offices
use for it (COLUMNS). A title row above the header is not a task. A task's measures may sit in
one cell (split at 1. 2., （1）, ①, ；, or line breaks) or one row each under the task's cell
merged down over them; a merged cell is one cell, read once (tables.Cell.origin). A row merged
across the whole table is a group of tasks, or, in a table without a task column, the task
whose measures follow. What a row cannot be placed as is a warning that names its table and row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reformctl.deadlines import due
from reformctl.notice import LEVEL1, LEVEL2, NUMBERED, NoticeItem, NoticeTask, cn_number, full_width, inline_items
from reformctl.tables import Cell, Grid

COLUMNS = {  # checked in this order: 任务要求 is a measure, not a task
    "number": ("序号", "编号"),
    "measure": (
        "具体举措",
        "工作措施",
        "具体内容",
        "主要举措",
        "工作内容",
        "任务要求",
        "具体措施",
        "工作举措",
        "推进措施",
        "举措",
        "措施",
    ),
    "lead": ("牵头单位", "牵头部门", "责任单位", "责任部门", "牵头"),
    "participants": ("配合单位", "参与单位", "配合部门", "协办单位", "参与部门", "协同单位", "协作单位", "配合"),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限要求", "进度安排", "时限"),
    "task": (
        "重点任务",
        "改革任务",
        "主要任务",
        "工作任务",
        "任务名称",
        "改革事项",
        "重点事项",
        "工作事项",
        "任务",
        "事项",
    ),
}
HEADER_ROWS = 10  # the header is among a table's first rows


@dataclass
class Found:
    """What a table gave: its tasks, the groups they fall in, and what could not be placed."""

    tasks: list[NoticeTask] = field(default_factory=list)
    groups: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    header: bool = False
    title: str | None = None  # a title row above the header, if the table has one


@dataclass
class _Row:
    measure: str
    lead: str
    participants: str
    deadline: str


def header(grid: Grid) -> tuple[int, dict[str, int]] | None:
    """The header row and the column of each kind it names, or None when the table has none."""
    for r, row in enumerate(grid[:HEADER_ROWS]):
        kinds: dict[str, int] = {}
        for c, cell in enumerate(row):
            kind = _kind(cell.text)
            if kind and kind not in kinds and cell.origin == (r, c):
                kinds[kind] = c
        if len(kinds) >= 2 and ("task" in kinds or "measure" in kinds):
            return r, kinds
    return None


def _kind(text: str) -> str | None:
    words = re.sub(r"\s", "", text)
    if not words or len(words) > 8:
        return None
    return next((k for k, names in COLUMNS.items() if any(w == words or (len(w) > 2 and w in words) for w in names)),
                None)  # fmt: skip


def read(grid: Grid, where: str, year: int | None) -> Found:
    """The tasks of one table; `where` names it in warnings (表 2), `year` dates its deadlines."""
    found = Found()
    top = header(grid)
    if top is None:
        return found
    found.header = True
    at, columns = top
    above = [cell.text for row in grid[:at] for cell in row[:1] if cell.text]
    found.title = full_width(" ".join(above[0].split())) if above else None
    tasks: list[tuple[NoticeTask, list[_Row]]] = []
    origin: tuple[int, int] | None = None
    seen: set[tuple[int, int]] = set()
    heads = {cell.text for cell in grid[at]}
    for r in range(at + 1, len(grid)):
        row = grid[r]
        texts = [cell.text for cell in row]
        if not any(texts) or {t for t in texts if t} <= heads:
            continue  # empty, or the header repeated
        filled = [cell for cell in row if cell.text]
        spanning = len({cell.origin for cell in filled}) == 1 and len(filled) > 1  # one cell across columns
        task_cell = row[columns["task"]] if "task" in columns and columns["task"] < len(row) else None
        if spanning and "task" in columns:  # a row across the table, in a table of tasks: a group
            _group(found, next(t for t in texts if t))
            continue
        if spanning:  # in a table of measures: the task they carry out
            title = next(t for t in texts if t)
            tasks.append((NoticeTask(str(len(tasks) + 1), _title(title), group=_last_group(found)), []))
            continue
        if task_cell is not None and task_cell.text and task_cell.origin != origin:
            origin = task_cell.origin
            tasks.append((NoticeTask(str(len(tasks) + 1), _title(task_cell.text), group=_last_group(found)), []))
        elif not tasks:
            found.warnings.append(f"{where} 第 {r + 1} 行：找不到它属于哪项任务，未读入")
            continue
        tasks[-1][1].append(_row(row, columns, seen))
    for task, rows in tasks:
        _fill(task, rows, year)
        found.tasks.append(task)
    used = {task.group for task in found.tasks}
    for _, title in [g for g in found.groups if g[0] not in used]:  # a note across the table, not a group
        found.warnings.append(f"{where}：「{title[:24]}」下面没有任务，不是任务分组，未读入")
    found.groups = [g for g in found.groups if g[0] in used]
    return found


def _group(found: Found, text: str) -> None:
    numbered = LEVEL1.match(text) or LEVEL2.match(text)
    ident = str(cn_number(numbered[1])) if numbered else str(len(found.groups) + 1)
    found.groups.append((ident, full_width(numbered[2] if numbered else text).rstrip("。：")))


def _last_group(found: Found) -> str | None:
    return found.groups[-1][0] if found.groups else None


def _title(text: str) -> str:
    """A task's title without the numbering a cell may carry (1. （一） 一、)."""
    text = full_width(" ".join(text.split()))
    for pattern in (NUMBERED, LEVEL2, LEVEL1):
        if found := pattern.match(text):
            return found[2].strip()
    return text


def _row(row: list[Cell], columns: dict[str, int], seen: set[tuple[int, int]]) -> _Row:
    """One row's cells; a measure merged over several rows is read once."""

    def text(kind: str, once: bool = False) -> str:
        if kind not in columns or columns[kind] >= len(row):
            return ""
        cell = row[columns[kind]]
        if once and cell.origin in seen:
            return ""
        seen.add(cell.origin) if once else None
        return cell.text

    return _Row(text("measure", once=True), text("lead"), text("participants"), text("deadline"))


_MARK = re.compile(r"^\s*(?:\d+[.．、](?!\d)|（\d+）|\(\d+\)|[①-⑳]|[一二三四五六七八九十]是)")


def measures(text: str) -> list[str]:
    """A cell's measures: numbered lines (1. （1） ① 一是), or inline (1)…(2)…, or its lines, or
    its clauses at ；. Each without its number."""
    text = full_width(text.strip())
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) > 1 and any(_MARK.match(line) for line in lines):
        pieces: list[str] = []
        for line in lines:
            if _MARK.match(line) or not pieces:
                pieces.append(_MARK.sub("", line).strip())
            else:
                pieces[-1] += line  # a measure that runs over two lines
        return pieces
    split = inline_items(text)
    if split is not None:
        before, items = split
        return [before.strip() + items[0], *items[1:]] if before.strip() else items
    if len(lines) > 1:
        return [_MARK.sub("", line).strip() for line in lines]
    numbered = [p for p in re.split(r"(?=(?<![\d.])\d+[.．、](?!\d))", text) if p.strip()]
    if len(numbered) > 1:
        return [_MARK.sub("", p).strip() for p in numbered]
    clauses = [c.strip() for c in re.split("[；;]", text) if c.strip()]
    if len(clauses) > 1 and all(len(c) > 6 for c in clauses):
        return clauses
    return [_MARK.sub("", text).strip()] if text else []  # one measure, without its number


def names(text: str) -> list[str]:
    """Units as a cell lists them: 、，,；; spaces and line breaks between them."""
    return [n for n in re.split(r"[、，,；;\s]+", full_width(text).replace("，", "、")) if n]


def _fill(task: NoticeTask, rows: list[_Row], year: int | None) -> None:
    """A task's items from its rows; what every row says alike (lead, deadline) goes on the task."""
    pieces = [(text, row) for row in rows for text in measures(row.measure)]
    leads = {row.lead for row in rows}
    parts = {row.participants for row in rows}
    task.lead = names(rows[0].lead) if len(leads) == 1 else list(dict.fromkeys(n for r in rows for n in names(r.lead)))
    task.participants = names(rows[0].participants) if len(parts) == 1 else []
    if len(pieces) <= 1:
        task.text = pieces[0][0] if pieces else task.title
        task.deadline = rows[0].deadline.strip() or None
        task.due = due(task.deadline, year) if task.deadline else None
        return
    for n, (text, row) in enumerate(pieces, 1):
        item = NoticeItem(f"{task.id}.{n}", text)
        if len(leads) > 1:
            item.lead = names(row.lead)
        if len(parts) > 1:
            item.participants = names(row.participants)
        item.deadline = " ".join(row.deadline.split()) or None
        item.due = due(item.deadline, year) if item.deadline else None
        task.items.append(item)
