"""A returned fill-in form recorded into the plan: every answer a record, through the same write
path as `status set` and `due set`, all or nothing.

Re-importing a form records nothing new: an answer identical to a record the row already has
(same date, status or deadline, note) is skipped. An answer for a row that gained records since
the form was made is a conflict, skipped unless forced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from reformctl import edit, files, loader, query
from reformctl.forms import Answer, Returned
from reformctl.models import Plan, Record


@dataclass(frozen=True)
class Planned:
    """One record to write: a status (with its note) or a deadline (with its reason)."""

    answer: Answer
    kind: str  # "status" or "due"

    def describe_in(self, labels: dict[str, str]) -> str:
        """状态 → 已完成, or 期限 → 2020-12-31"""
        a = self.answer
        return f"状态 → {labels[a.status or 'todo']}" if self.kind == "status" else f"期限 → {a.due}"


@dataclass
class Outcome:
    planned: list[Planned] = field(default_factory=list)
    duplicates: list[Planned] = field(default_factory=list)
    conflicts: list[Planned] = field(default_factory=list)
    changes: list[edit.Change] = field(default_factory=list)


def same(record: Record, planned: Planned) -> bool:
    a = planned.answer
    if planned.kind == "status":
        return record.date == a.date and record.status == a.status and (record.note or None) == a.note
    return record.date == a.date and record.due == a.due and (record.note or None) == a.reason


def plan_answers(plan: Plan, returned: Returned, force: bool) -> Outcome:
    """What each answer would record, which are already recorded, and which are conflicts."""
    rows = {row.id: row for row in query.rows(plan)}
    outcome = Outcome()
    for answer in returned.answers:
        history = rows[answer.ident].history
        wanted = [Planned(answer, "status")] if answer.status else []
        wanted += [Planned(answer, "due")] if answer.due else []
        for planned in wanted:
            if any(same(record, planned) for record in history):
                outcome.duplicates.append(planned)
            elif len(history) > answer.known and not force:
                outcome.conflicts.append(planned)
            else:
                outcome.planned.append(planned)
    return outcome


def record(path: Path, outcome: Outcome, commit: bool, source: str) -> None:
    """Write every planned record, in order; if any write is refused, the file is put back as it
    was, so an import is never half done. With commit, one commit for the whole form."""
    committer = None
    if commit:
        from reformctl.git import Committer

        committer = Committer(path)
        committer.ready(b"")  # refuses, before anything is written, a file that differs from HEAD
    name = loader.display(path)
    before = files.read_bytes(path, name)
    try:
        for planned in outcome.planned:
            a = planned.answer
            when = a.date or dt.date.today()
            if planned.kind == "status":
                change = edit.set_status(path, a.ident, a.status or "", when, a.note, by=a.sheet)
            else:
                change = edit.set_due(path, a.ident, a.due or when, when, a.reason, by=a.sheet)
            if change is not None:
                outcome.changes.append(change)
    except BaseException:
        files.write(edit.writable(path), before, name)
        raise
    if committer is not None and outcome.changes:
        committer.commit(f"导入填报表 {source}：{len(outcome.changes)} 条记录")
