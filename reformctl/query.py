"""Pure look-ups over a validated plan: rows, filters, progress, lights, history. Nothing here
prints; what people type is read by inputs.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar

from reformctl.errors import UsageError
from reformctl.inputs import dept_name, near, status_name, typed
from reformctl.models import (
    ASSIGNED,
    NOT_APPLICABLE,
    STATUS_LABELS,
    Item,
    Plan,
    Record,
    Task,
    na_reason,
)

Tracked = TypeVar("Tracked", Item, Task)

LIGHTS = {"red": "逾期", "yellow": "临期", "green": "正常"}
NO_LIGHT = "none"  # an open row without a deadline, where a count needs a key for it
WARN_DAYS = 7


class Row:
    """One row of the ledger: an item, or a task that has no items (what carries a status)."""

    # A plain class, not a dataclass: it is defined on every start-up, and that adds up.
    __slots__ = ("id", "task", "item")

    def __init__(self, id: str, task: Task, item: Item | None):
        self.id, self.task, self.item = id, task, item

    @property
    def tracked(self) -> Item | Task:
        """What carries this row's status, deadline and records."""
        return self.item or self.task

    @property
    def text(self) -> str:
        return self.item.text if self.item else self.task.text or ""

    @property
    def status(self) -> str:
        return self.tracked.status or "todo"

    @property
    def due(self) -> dt.date | None:
        return self.tracked.due

    @property
    def deadline(self) -> str | None:
        """The 完成时限 as the notice wrote it (2022年6月底, 长期坚持), when the plan keeps it."""
        return self.tracked.deadline

    @property
    def history(self) -> list[Record]:
        return self.tracked.history or []

    @property
    def owner(self) -> str | None:
        return self.tracked.owner

    @property
    def contact(self) -> str | None:
        return self.tracked.contact

    @property
    def reason(self) -> str | None:
        """Why the row does not apply, when its status is na."""
        return na_reason(self.tracked) if self.status == NOT_APPLICABLE else None

    def lead(self, plan: Plan) -> list[str]:
        """The lead departments' short ids: the item's own, else its task's."""
        return plan.dept_ids((self.item.lead if self.item else None) or self.task.lead)

    def participants(self, plan: Plan) -> list[str]:
        """The participating departments' short ids: the item's own, else its task's."""
        return plan.dept_ids((self.item.participants if self.item else None) or self.task.participants or [])


def rows(plan: Plan) -> list[Row]:
    """Every row in document order: the items, and tasks without items."""
    out = []
    for task in plan.tasks:
        if task.items is None:
            out.append(Row(task.id, task, None))
        out.extend(Row(item.id, task, item) for item in task.items or [])
    return out


def progress(selected: Iterable[Row]) -> tuple[int, int]:
    """(done, total): a task's progress is derived from its items, never stored. A row that
    does not apply (na) is left out of both: it is neither done nor owed."""
    statuses = [row.status for row in selected if row.status != NOT_APPLICABLE]
    return statuses.count("done"), len(statuses)


def percent(done: int, total: int) -> int:
    """Whole percent, rounded half up (2 of 7 is 29%), but never a premature 100% (199 of 200 is 99%)."""
    if not total:
        return 0
    rounded = (200 * done + total) // (2 * total)
    return min(rounded, 99) if done < total else rounded


def listed(names: Iterable[str]) -> str:
    """Names as Chinese lists them: 调宣部、学会部"""
    return "、".join(names)


def find(plan: Plan, ident: str) -> tuple[Task, Item | None]:
    """A task or an item by its id (６．２ and 6。2 are 6.2)."""
    wanted = typed(ident)
    for task in plan.tasks:
        if task.id == wanted:
            return task, None
        for item in task.items or []:
            if item.id == wanted:
                return task, item
    ids = [i for t in plan.tasks for i in (t.id, *(item.id for item in t.items or []))]
    task_id = wanted.split(".")[0]
    same_task = [i for i in ids if i == task_id or i.startswith(task_id + ".")]
    close = f"。是不是 {_some(same_task, 10)}？" if same_task else near(wanted, ids)
    raise UsageError(f"没有编号为 '{ident}' 的任务或事项{close}可用的编号：{_some(ids)}")


def select(
    plan: Plan,
    dept: str | None = None,
    status: str | None = None,
    task: str | None = None,
    search: str | None = None,
    owner: str | None = None,
) -> list[Row]:
    """The rows that pass every filter given: task or item, lead department, status, text, owner."""
    selected = rows(plan)
    if owner is not None:
        wanted_owner = typed(owner)
        selected = [r for r in selected if r.owner is not None and typed(r.owner) == wanted_owner]
    if task is not None:
        found, item = find(plan, task)
        selected = [r for r in selected if r.task is found and (item is None or r.item is item)]
    if dept is not None:
        wanted = dept_name(plan, dept)
        selected = [r for r in selected if wanted in r.lead(plan)]
    if status is not None:
        key = status_name(status)
        selected = [r for r in selected if r.status == key]
    if search:
        needle = search.casefold()
        selected = [r for r in selected if needle in (r.text + r.task.title).casefold()]
    return selected


def depts_label(plan: Plan, ids: list[str] | None = None) -> str:
    """学会部（学会学术部）、办公厅: short ids with the full name where it differs."""
    names = {d.id: d.full for d in plan.departments}
    shown = [d.id for d in plan.departments] if ids is None else ids
    return listed(f"{i}（{names[i]}）" if names.get(i, i) != i else i for i in shown)


class ItemRecord:
    """One history record, with the id of the row it belongs to."""

    __slots__ = ("id", "record")

    def __init__(self, id: str, record: Record):
        self.id, self.record = id, record

    @property
    def date(self) -> dt.date:
        return self.record.date

    def said(self) -> str:
        """The note, and the evidence: 已签约 证明：https://… 、docs/签约.pdf"""
        links = f"证明：{listed(self.record.links)}" if self.record.links else ""
        return " ".join(filter(None, [self.record.note, links]))

    def describe(self) -> str:
        """未启动 → 已完成, 延期 2020-10-01 → 2020-12-31, 责任人 王小明 → 李华, or a 催办's trace:
        催办 学会部（xuehui@example.org），请于 2020年9月28日前回复"""
        r = self.record
        if r.reminded is not None:
            return reminded_words(r.reminded, r.to, r.reply_by)
        moved = [(key, getattr(r, f"from_{key}"), getattr(r, key)) for key in ASSIGNED if getattr(r, key) is not None]
        if moved:
            return moved_words(moved)
        if r.due is not None:
            if r.from_due is None:
                return f"设定期限 {r.due.isoformat()}"
            which = "延期" if r.due > r.from_due else "期限提前"
            return f"{which} {r.from_due.isoformat()} → {r.due.isoformat()}"
        status = STATUS_LABELS[r.status or "todo"]
        return f"{STATUS_LABELS[r.from_]} → {status}" if r.from_ and r.from_ != r.status else status


def history(
    plan: Plan,
    ident: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    selected: list[Row] | None = None,
) -> list[ItemRecord]:
    """The recorded history of one task or item (or of all, or of the rows selected), newest first."""
    selected = rows(plan) if selected is None else selected
    if ident is not None:
        task, item = find(plan, ident)
        selected = [r for r in selected if r.item is item] if item else [r for r in selected if r.task is task]
    found = [
        (record.date, n, ItemRecord(row.id, record))
        for row in selected
        for n, record in enumerate(row.history)
        if (since is None or record.date >= since) and (until is None or record.date <= until)
    ]
    found.sort(key=lambda e: (e[0], e[1]), reverse=True)
    return [found_record for _, _, found_record in found]


# ---------------------------------------------------------------- deadlines and lights


def light(row: Row, as_of: dt.date, warn_days: int = WARN_DAYS) -> str | None:
    """red: overdue; yellow: due within warn_days; green: on track; None: done or no deadline."""
    tracked = row.item or row.task  # read once: a national roll-up asks this of 100,000 rows
    due = tracked.due
    if due is None or tracked.status in ("done", NOT_APPLICABLE):
        return None
    if due < as_of:
        return "red"
    return "yellow" if (due - as_of).days <= warn_days else "green"


def blocked_reason(row: Row) -> str:
    """Why a row is blocked: the note (and date) of the latest record that blocked it."""
    found = [r for r in row.history if r.status == "blocked"]
    return f"{found[-1].note or '未写明原因'}（{found[-1].date}）" if found else "未写明原因"


def days_left(row: Row, as_of: dt.date) -> int:
    """Days until the row's deadline; negative when it is overdue."""
    assert row.due is not None
    return (row.due - as_of).days


def rewind(plan: Plan, day: dt.date) -> Plan:
    """The plan as it stood at the end of `day`: records dated later are taken back, so a report
    for a past date comes out the same whenever it is run. Only rows with later records change."""
    tasks = []
    for task in plan.tasks:
        if task.items is None:
            tasks.append(_rewound(task, day))
        else:
            items = [_rewound(item, day) for item in task.items]
            same = all(new is old for new, old in zip(items, task.items, strict=True))
            tasks.append(task if same else task.model_copy(update={"items": items}))
    same = all(new is old for new, old in zip(tasks, plan.tasks, strict=True))
    return plan if same else plan.model_copy(update={"tasks": tasks})


def _rewound(tracked: Tracked, day: dt.date) -> Tracked:
    history = tracked.history or []
    if all(record.date <= day for record in history):
        return tracked
    kept = [record for record in history if record.date <= day]
    later = sorted((r for r in history if r.date > day), key=lambda r: r.date)
    status, due = tracked.status, tracked.due
    assigned = {key: getattr(tracked, key) for key in ASSIGNED}
    for record in reversed(later):
        if record.status is not None:
            # A hand-written record without `from`: the last kept status is the best we know.
            earlier = [r.status for r in kept if r.status is not None]
            status = record.from_ or (earlier[-1] if earlier else status)
        if record.due is not None:
            due = record.from_due
        for key in ASSIGNED:
            if getattr(record, key) is not None:
                assigned[key] = getattr(record, f"from_{key}")
    update = {"status": status, "due": due, "history": kept or None, **assigned}
    return tracked.model_copy(update=update)


def reminded_words(dept: str, to: str | None, reply_by: dt.date | None) -> str:
    """催办 学会部（xuehui@example.org），请于 2020年9月28日前回复"""
    where = f"（{to}）" if to else ""
    reply = f"，请于 {chinese_day(reply_by)}前回复" if reply_by else ""
    return f"催办 {dept}{where}{reply}"


def chinese_day(day: dt.date) -> str:
    """2020年9月30日, as a letter writes a date"""
    return f"{day.year}年{day.month}月{day.day}日"


def progress_note(row: Row) -> Record | None:
    """The row's latest progress: the last status record with a note (an assignment, a
    deadline moved or a 催办 is not progress)."""
    return next((r for r in reversed(row.history) if r.status is not None and r.note), None)


ASSIGNED_LABELS = {"owner": "责任人", "contact": "联系方式", "participants": "参与部门"}


def moved_words(moved: Iterable[tuple[str, object, object]]) -> str:
    """责任人 王小明 → 李华；参与部门 未设定 → 科普部"""
    return "；".join(f"{ASSIGNED_LABELS[key]} {_said(old)} → {_said(new)}" for key, old, new in moved)


def _said(value: object) -> str:
    return "未设定" if not value else listed(value) if isinstance(value, list) else str(value)


def short(text: str, limit: int = 40) -> str:
    """Text cut to `limit` characters, with an ellipsis where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _some(choices: list[str], limit: int = 60) -> str:
    shown = "、".join(choices[:limit])
    return shown if len(choices) <= limit else f"{shown}……（共 {len(choices)} 个）"
