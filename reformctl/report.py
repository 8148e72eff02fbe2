"""The numbers behind summaries, period reports (督办通报) and the ledger (台账): computed from
the plan, never stored. How they are said and laid out is reformctl.render's job."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reformctl.models import NOT_APPLICABLE, STATUS_LABELS, Plan
from reformctl.query import LIGHTS, NO_LIGHT, WARN_DAYS, ItemRecord, Row, iso, light, percent, progress, rows


@dataclass
class Progress:
    """Progress of one task or one department."""

    key: str
    label: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)


@dataclass
class Summary:
    as_of: dt.date
    done: int
    total: int  # the rows that apply: na is counted in by_status only
    by_status: dict[str, int]
    by_light: dict[str, int]  # over the open rows (not done, not na), NO_LIGHT for those without a deadline
    groups: list[Progress]
    by: str  # "task", "group" or "dept": what the groups are
    overdue: list[Row]
    close: list[Row]
    blocked: list[Row]
    rank: list[Rank] | None = None  # summary --rank

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)


def groups(plan: Plan, selected: list[Row], by: str) -> list[Progress]:
    """Per task, per task group, or per department (a task led by several departments counts for each)."""
    if by == "dept":
        found = [(d.id, d.full, [r for r in selected if d.id in r.lead(plan)]) for d in plan.departments]
    elif by == "group":
        found = [(g.id, g.title, [r for r in selected if r.task.group == g.id]) for g in plan.groups]
    else:
        found = [(t.id, t.title, [r for r in selected if r.task is t]) for t in plan.tasks]
    return [Progress(key, label, *progress(members)) for key, label, members in found if members]


def summarize(plan: Plan, selected: list[Row], as_of: dt.date, warn_days: int = WARN_DAYS, by: str = "task") -> Summary:
    lights = {row.id: light(row, as_of, warn_days) for row in selected}
    open_rows = [row for row in selected if row.status not in ("done", NOT_APPLICABLE)]
    done, total = progress(selected)  # a row that does not apply counts on its own
    return Summary(
        as_of=as_of,
        done=done,
        total=total,
        by_status={key: sum(row.status == key for row in selected) for key in STATUS_LABELS},
        by_light={key: sum((lights[row.id] or NO_LIGHT) == key for row in open_rows) for key in (*LIGHTS, NO_LIGHT)},
        groups=groups(plan, selected, by),
        by=by,
        overdue=[row for row in selected if lights[row.id] == "red"],
        close=[row for row in selected if lights[row.id] == "yellow"],
        blocked=[row for row in selected if row.status == "blocked"],
    )


Change = tuple[ItemRecord, Row]  # a record of the period, with its row


@dataclass
class Period:
    """What changed between since and until (both included), what is late, what was completed."""

    plan: Plan
    since: dt.date
    until: dt.date
    dept: str | None  # only the rows this department leads
    source: str | None  # which file and unit, for the subtitle
    summary: Summary
    changes: list[Change]
    completed: list[Change]
    moved: list[Change]  # deadlines moved (a first deadline is no move)
    rank: list[Rank] = field(default_factory=list)  # 考核: the departments ranked by their due rows done on time
    reminded: dict[str, int] = field(default_factory=dict)  # row id -> its 催办 records up to until
    escalate_after: int | None = None  # 督办: a row still overdue after this many 催办
    number: str | None = None  # the report's own 文号
    red_rule: bool = True  # the red line under the 发文机关标志

    @property
    def escalated(self) -> list[Row]:
        """The overdue rows reminded escalate_after times or more: the 督办事项."""
        if self.escalate_after is None:
            return []
        return [r for r in self.summary.overdue if self.reminded.get(r.id, 0) >= self.escalate_after]


def period(
    plan: Plan,
    since: dt.date,
    until: dt.date,
    dept: str | None = None,
    warn_days: int = WARN_DAYS,
    source: str | None = None,
    escalate_after: int | None = None,
    number: str | None = None,
    red_rule: bool = True,
) -> Period:
    selected = [row for row in rows(plan) if dept is None or dept in row.lead(plan)]
    changes = [  # the progress recorded: a 催办 is counted apart (reminded), not as progress
        (ItemRecord(row.id, record), row)
        for row in selected
        for record in row.history
        if since <= record.date <= until and not record.reminded
    ]
    changes.sort(key=lambda pair: pair[0].date)
    return Period(
        plan=plan,
        since=since,
        until=until,
        dept=dept,
        source=source,
        summary=summarize(plan, selected, until, warn_days),
        changes=changes,
        completed=[(e, r) for e, r in changes if e.record.status == "done" and e.record.from_ != "done"],
        moved=[(e, r) for e, r in changes if e.record.due is not None and e.record.from_due is not None],
        rank=[r for r in rank(plan, selected, until) if dept is None or r.dept == dept],
        reminded={row.id: n for row in selected if (n := reminded(row, until))},
        escalate_after=escalate_after,
        number=number,
        red_rule=red_rule,
    )


def reminded(row: Row, as_of: dt.date) -> int:
    """How many 催办 records a row has on or before as_of."""
    return sum(1 for record in row.history if record.reminded and record.date <= as_of)


@dataclass
class Rank:
    """考核: one department's rows due by the day, how many were done on time, how many are overdue."""

    dept: str
    name: str
    due: int  # rows it leads with a deadline on or before the day (na not counted)
    on_time: int  # of those, done with the done record dated on or before the deadline
    overdue: int  # of those, still open after their deadline
    overdue_days: int  # the days they are overdue, added up
    place: int = 0  # 1 for the first; equal numbers share a place

    @property
    def percent(self) -> int:
        return percent(self.on_time, self.due)

    def key(self) -> tuple[float, int, int]:
        return (-(self.on_time / self.due) if self.due else 0.0, self.overdue, self.overdue_days)


def done_on(row: Row) -> dt.date | None:
    """The day of the record that made the row done (the last one, if it was reopened and done again)."""
    found = [r.date for r in row.history if r.status == "done"]
    return found[-1] if row.status == "done" and found else None


def rank(plan: Plan, selected: list[Row], as_of: dt.date) -> list[Rank]:
    """The departments that lead a row due by as_of, best first: by the share done on time, then
    fewer overdue rows, then fewer overdue days; a row led by several departments counts for each."""
    found = [ranked(d.id, d.full, [r for r in selected if d.id in r.lead(plan)], as_of) for d in plan.departments]
    return placed([one for one in found if one is not None])


def ranked(key: str, name: str, mine: list[Row], as_of: dt.date) -> Rank | None:
    """One department's (or, in a roll-up, one unit's) figures over its rows, None when none is due."""
    due = [r for r in mine if r.status != NOT_APPLICABLE and r.due is not None and r.due <= as_of]
    if not due:
        return None
    on_time = [r for r in due if (day := done_on(r)) is not None and r.due is not None and day <= r.due]
    late = [r for r in due if r.status != "done" and r.due is not None and r.due < as_of]
    days = sum((as_of - r.due).days for r in late if r.due is not None)
    return Rank(key, name, len(due), len(on_time), len(late), days)


def placed(found: list[Rank]) -> list[Rank]:
    """Best first, each with its place; equal figures share a place, in the order given."""
    found = sorted(found, key=Rank.key)  # stable: plan order among equals
    for n, one in enumerate(found):
        one.place = found[n - 1].place if n and one.key() == found[n - 1].key() else n + 1
    return found


def ledger(plan: Plan, as_of: dt.date, warn_days: int = WARN_DAYS) -> list[dict[str, object]]:
    """One record per row, keyed by JSON names (render.words.LEDGER gives their column labels)."""
    out: list[dict[str, object]] = []
    for row in rows(plan):
        noted = [r for r in row.history if r.note]
        last = max(reversed(noted), key=lambda r: r.date) if noted else None  # ties: the later record
        out.append(
            {
                "task": row.task.id,
                "title": row.task.title,
                "id": row.id,
                "text": row.text,
                "lead": row.lead(plan),
                "participants": row.participants(plan),
                "owner": row.owner,
                "status": row.status,
                "due": iso(row.due),
                "deadline": row.deadline,
                "light": light(row, as_of, warn_days),
                "last_note": last.note if last else None,
                "last_note_date": last.date.isoformat() if last else None,
                "links": next((r.links for r in reversed(row.history) if r.links), None),
            }
        )
    return out


@dataclass
class Reminder:
    """A department's rows that are late or close to their deadline: what a 催办通知 lists."""

    dept: str
    rows: list[Row]


def reminders(plan: Plan, as_of: dt.date, warn_days: int = WARN_DAYS, dept: str | None = None) -> list[Reminder]:
    """For each department (or the one given) that leads a late or close row, those rows."""
    pressing = [row for row in rows(plan) if light(row, as_of, warn_days) in ("red", "yellow")]
    found = []
    for d in plan.departments:
        if dept is None or d.id == dept:
            mine = [row for row in pressing if d.id in row.lead(plan)]
            if mine:
                found.append(Reminder(d.id, mine))
    return found
