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

from reformctl import edit, forms, loader, query, rewrite
from reformctl.errors import PlanInvalid, UsageError
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


def checked(path: Path, form: Path, today: dt.date, force: bool) -> tuple[Plan, Outcome]:
    """A returned form read against the plan at `path`: made from this plan (its title and
    unit), every filled cell right (else PlanInvalid, every problem located), and then what each
    answer would record. Nothing is written."""
    plan = loader.load(path)
    name = loader.display(form)
    returned = forms.read(form, name, plan, today)
    unit = plan.unit.name if plan.unit else ""
    made_from = (returned.identity.get("计划标题"), returned.identity.get("单位", ""))
    if made_from != (plan.document.title, unit):
        raise UsageError(
            f"{name} 是由另一份计划（{made_from[0]} {made_from[1]}）生成的，与 {loader.display(path)} 不符，未导入"
        )
    if returned.problems:
        raise PlanInvalid(returned.problems)
    return plan, plan_answers(plan, returned, force)


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
    """Write every planned record as one change to the plan: one lock, one replace, and with
    commit one commit for the whole form. If any answer is refused, nothing is written, and a
    colleague's write never falls between two answers (it waits for the lock, then lands)."""
    edits = []
    for planned in outcome.planned:
        a = planned.answer
        when = a.date or dt.date.today()
        if planned.kind == "status":
            edits.append(edit.status_edit(a.ident, a.status or "", when, a.note, by=a.sheet))
        else:
            edits.append(edit.due_edit(a.ident, a.due or when, when, a.reason, by=a.sheet))
    outcome.changes = rewrite.rewrite_all(path, edits, commit, lambda made: f"导入填报表 {source}：{len(made)} 条记录")
