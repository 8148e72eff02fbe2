"""Up the hierarchy: unit plans rolled up to the top of their parent chains.

A county's items implement its province's, which implement the national ones: the roll-up
follows each unit plan's chain of parents up to the top plan (or to the plan given with -f) and
reports, for each row of that plan, how far each unit has taken it. Plans that do not validate
are reported, located, and left out: never silently counted.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from reformctl import loader, query
from reformctl.checks import Checker, parent_path, rows_at
from reformctl.errors import Problem, ReformctlError
from reformctl.models import NOT_APPLICABLE, STATUS_LABELS, Loc, Plan, Unit
from reformctl.query import Row
from reformctl.report import Rank, placed, ranked

MAX_CHAIN = 16  # plans above a unit: national, province, city, county leave room to spare

UNTAKEN = "untaken"
LABELS = {**STATUS_LABELS, UNTAKEN: "未落实"}  # what a unit's cell can say, in the order of the count columns


@dataclass(frozen=True)
class RolledUnit:
    """A unit counted in the roll-up."""

    name: str
    level: str
    path: Path


class Late(NamedTuple):
    """A unit late on a top row: the earliest missed deadline of its rows that carry it out.
    A NamedTuple, not a dataclass: an all-overdue national roll-up makes 100,000 of them."""

    due: dt.date
    days: int


@dataclass
class Rollup:
    """For each row of the top plan, the status each unit has reached in carrying it out."""

    top: Plan
    top_path: Path
    rows: list[Row]
    units: list[RolledUnit] = field(default_factory=list)
    status: dict[str, dict[str, str]] = field(default_factory=dict)  # row id -> unit name -> status
    overdue: dict[str, dict[str, Late]] = field(default_factory=dict)  # row id -> unit name -> how late
    reasons: dict[str, dict[str, str]] = field(default_factory=dict)  # row id -> unit name -> why na
    focus: bool = False  # narrowed to one row (--item): shown unit by unit
    by: str = "item"  # or "task": each unit's share of each task's rows done; or "rank": 考核
    ranks: list[Rank] = field(default_factory=list)  # the units ranked as the 督办通报 ranks departments
    sources: list[dict[str, Any]] = field(default_factory=list)  # rollup --units: each unit's commit, or why none

    def counts(self, ident: str) -> dict[str, int]:
        found = Counter(self.status[ident].values())
        return {key: found[key] for key in LABELS}

    def completion(self, unit: str) -> tuple[int, int]:
        """(done, owed): the top rows the unit has completed, of those that apply to it."""
        reached = [self.status[row.id][unit] for row in self.rows]
        return reached.count("done"), len(reached) - reached.count(NOT_APPLICABLE)

    def only(self, ident: str) -> Rollup:
        """The same roll-up for one row of the top plan."""
        return replace(self, rows=[row for row in self.rows if row.id == ident], focus=True)

    def tasks(self) -> list[tuple[str, str]]:
        """The top plan's tasks (id, title), for the task view."""
        return [(task.id, task.title) for task in self.top.tasks]

    def task_share(self, task: str, unit: str) -> tuple[int, int]:
        """(done, owed): of one task's rows, those the unit has completed, of those that apply to it."""
        reached = [self.status[row.id][unit] for row in self.rows if row.task.id == task]
        return reached.count("done"), len(reached) - reached.count(NOT_APPLICABLE)

    def _shares(self, unit: str) -> dict[str, dict[str, int]]:
        shares = {task: self.task_share(task, unit) for task, _ in self.tasks()}
        return {task: {"done": done, "owed": owed} for task, (done, owed) in shares.items()}

    def as_json(self) -> list[dict[str, object]]:
        if self.by == "task":
            return [{"unit": u.name, "level": u.level, "tasks": self._shares(u.name)} for u in self.units]
        return [
            {
                "id": row.id,
                "text": row.text,
                "units": self.status[row.id],
                "counts": self.counts(row.id),
                "overdue": {unit: late.days for unit, late in self.overdue[row.id].items()},
                "reasons": self.reasons[row.id],
            }
            for row in self.rows
        ]


def combine(statuses: list[str]) -> str:
    """All done → done; any blocked → blocked; any doing or done → doing; else todo; none → untaken.
    Rows a unit marked na (with a reason) leave the others to decide; all na → na."""
    if not statuses:
        return UNTAKEN
    if all(s == NOT_APPLICABLE for s in statuses):
        return NOT_APPLICABLE
    statuses = [s for s in statuses if s != NOT_APPLICABLE]
    if all(s == "done" for s in statuses):
        return "done"
    if "blocked" in statuses:
        return "blocked"
    return "doing" if "doing" in statuses or "done" in statuses else "todo"


def plan_files(paths: list[Path]) -> list[Path]:
    """The YAML files under each folder (symlinked folders are not followed), and each file given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inner = [
                Path(folder) / name
                for folder, _, names in os.walk(path)
                for name in names
                if name.endswith((".yaml", ".yml"))
            ]
            found += sorted(p for p in inner if p.is_file())
        else:
            found.append(path)
    return found


@dataclass(frozen=True)
class Candidate:
    """A unit plan and its chain of plan files: itself first, the plan it rolls up to last."""

    path: Path
    plan: Plan
    unit: Unit
    chain: list[Path]


class Notes:
    """Why a plan was left out: one located line each, after the files' own problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str) -> None:
        self.problems.append(Problem(loader.display(path), None, None, message))


def chain_of(path: Path, plan: Plan, checker: Checker, stop: Path | None, notes: Notes) -> list[Path] | None:
    """The plan files from `path` up to the top (or to `stop`); None, with a note, when the chain
    loops, runs too deep, passes an unusable plan, or misses `stop`."""
    chain, current = [Path(os.path.abspath(path))], plan
    while chain[-1] != stop and (above := parent_path(chain[-1], current)) is not None:
        if above in chain:
            notes.add(path, "上级计划（parent）链成环，未计入")
        elif len(chain) > MAX_CHAIN:
            notes.add(path, f"上级计划（parent）链超过 {MAX_CHAIN} 层，层级过深，未计入")
        elif checker.parent_problems(chain[-1], current):
            if chain[-1] != chain[0]:  # the unit's own are reported with its file
                notes.add(path, f"上级计划 {loader.display(chain[-1])} 无效或无法使用，未计入")
        else:
            chain.append(above)
            current = checker.plan(above)  # type: ignore[assignment]  # usable: checked just above
            continue
        return None
    if stop is not None and chain[-1] != stop:
        notes.add(path, f"上级计划链不经过 {loader.display(stop)}，未计入")
        return None
    return chain


def candidates(files: list[Path], checker: Checker, stop: Path | None, notes: Notes) -> list[Candidate]:
    """Every valid unit plan among `files` whose chain resolves (the plan rolled up to is none)."""
    found = []
    for path in files:
        plan = checker.plan(path)
        if plan is None or plan.unit is None or parent_path(path, plan) is None:
            continue  # invalid (reported), or a plan that is no unit's: a top plan
        if Path(os.path.abspath(path)) == stop:
            continue  # the plan rolled up to is no unit of its own
        chain = chain_of(path, plan, checker, stop, notes)
        if chain is not None:
            found.append(Candidate(chain[0], plan, plan.unit, chain))
    return found


def counted(found: list[Candidate], level: str | None, notes: Notes) -> tuple[Path, list[Candidate]]:
    """The top plan most units roll up to, and the units counted under it: one per name."""
    top_path = Counter(c.chain[-1] for c in found).most_common(1)[0][0]
    names = Counter(c.unit.name for c in found if c.chain[-1] == top_path)
    kept = []
    for candidate in found:
        if candidate.chain[-1] != top_path:
            notes.add(candidate.path, f"顶层计划是 {loader.display(candidate.chain[-1])}，与其他计划不同，未计入")
        elif names[candidate.unit.name] > 1:
            notes.add(candidate.path, f"单位名称 '{candidate.unit.name}' 与另一份计划重复，未计入")
        elif level is None or candidate.unit.level == level:
            kept.append(candidate)
    return top_path, kept


class ToTop:
    """Each row id of a plan in a chain -> the ids of the top plan's rows it carries out,
    worked out once per plan file however many units share it."""

    def __init__(self, checker: Checker, top_path: Path, top_ids: list[str]):
        self.checker = checker
        self.mapped: dict[Path, dict[str, set[str]]] = {top_path: {ident: {ident} for ident in top_ids}}

    def ids(self, path: Path, chain: list[Path]) -> dict[str, set[str]]:
        if path not in self.mapped:
            above = self.ids(chain[chain.index(path) + 1], chain)
            plan = self.checker.plan(path)
            assert plan is not None  # every plan of a resolved chain validated
            self.mapped[path] = {
                row.id: set().union(*(above.get(i, set()) for i in row.tracked.implements or []))
                for row in query.rows(plan)
            }
        return self.mapped[path]


def rollup(
    paths: list[Path],
    as_of: dt.date,
    warn_days: int = query.WARN_DAYS,
    level: str | None = None,
    top: Path | None = None,
) -> tuple[Rollup, list[Problem]]:
    """Roll every unit plan under `paths` up to the top of their parent chains (or up to `top`)."""
    checker, notes = Checker(), Notes()
    stop = Path(os.path.abspath(top)) if top is not None else None
    files = plan_files(paths)
    found = candidates(files, checker, stop, notes)
    unique = dict.fromkeys(Path(os.path.abspath(f)) for f in files)
    problems = [p for path in unique for p in checker.check(path)]  # each file's, then the notes
    if not found:
        listed = [str(problem) for problem in problems + notes.problems]
        raise ReformctlError("没有找到可汇总的单位计划（写明单位（unit）和上级计划（parent）的计划文件）", listed)
    top_path, kept = counted(found, level, notes)
    top_plan = checker.plan(top_path)
    assert top_plan is not None  # the end of a resolved chain validated
    to_top = ToTop(checker, top_path, [row.id for row in query.rows(top_plan)])
    mapped = [(candidate, to_top.ids(candidate.path, candidate.chain)) for candidate in kept]
    return assemble(top_plan, top_path, mapped, as_of, warn_days), problems + notes.problems


def assemble(
    top_plan: Plan, top_path: Path, kept: list[tuple[Candidate, dict[str, set[str]]]], as_of: dt.date, warn_days: int
) -> Rollup:
    """The roll-up of plans already loaded, each with its rows' ids in the top plan: what the
    folder roll-up and the roll-up from the mirror (rollup --units) share."""
    result = Rollup(top_plan, top_path, query.rows(top_plan))
    ids = [row.id for row in result.rows]
    result.status = {ident: {} for ident in ids}
    result.overdue = {ident: {} for ident in ids}
    result.reasons = {ident: {} for ident in ids}
    for candidate, mapped in kept:
        add_unit(result, candidate, mapped, as_of, warn_days)
    result.ranks = placed(result.ranks)
    return result


@dataclass(frozen=True)
class Loaded:
    """A unit's plan read from elsewhere than a folder (the mirror): its text, for locating
    problems, and the manifest's name, level and parent unit (None: the office's own plan)."""

    name: str
    level: str
    parent: str | None
    plan: Plan
    label: str  # how problems name it: unit, path and commit
    text: str


class FromUnits:
    """Each unit's row ids in the top plan, through its parent units' plans, worked out once per
    unit; a unit whose parent is unusable or whose `implements` miss there is None, located."""

    def __init__(self, units: list[Loaded], top_plan: Plan, top_path: Path):
        self.named = {unit.name: unit for unit in units}
        self.top_plan, self.top_path = top_plan, top_path
        self.mapped: dict[str, dict[str, set[str]] | None] = {}
        self.problems: list[Problem] = []

    def ids(self, unit: Loaded) -> dict[str, set[str]] | None:
        if unit.name in self.mapped:
            return self.mapped[unit.name]
        self.mapped[unit.name] = None  # a loop ends here (the manifest refuses them)
        above: dict[str, set[str]] | None
        if unit.parent is None:
            above = {row.id: {row.id} for row in query.rows(self.top_plan)}
            parent_plan, said = self.top_plan, loader.display(self.top_path)
        else:
            parent = self.named.get(unit.parent)
            above = self.ids(parent) if parent is not None else None
            if parent is None or above is None:
                self.problems.append(Problem(unit.label, None, None, f"上级单位 {unit.parent} 的计划无法使用，未计入"))
                return None
            parent_plan, said = parent.plan, f"{parent.name} 的计划"
        known = {row.id for row in query.rows(parent_plan)}
        wrong: list[tuple[Loc, str]] = [
            ((*at, "implements", k), f"上级计划 {said} 中没有事项 '{ident}'")
            for at, tracked in rows_at(unit.plan)
            for k, ident in enumerate(tracked.implements or [])
            if ident not in known
        ]
        if wrong:
            self.problems.extend(located(unit.label, unit.text, wrong))
            return None
        self.mapped[unit.name] = {
            row.id: set().union(*(above.get(i, set()) for i in row.tracked.implements or []))
            for row in query.rows(unit.plan)
        }
        return self.mapped[unit.name]


def rollup_loaded(
    units: list[Loaded],
    top_plan: Plan,
    top_path: Path,
    as_of: dt.date,
    warn_days: int = query.WARN_DAYS,
    level: str | None = None,
) -> tuple[Rollup, list[Problem]]:
    """Roll units' plans up to the office's plan: a unit without a parent unit derives from it,
    one with a parent unit from that unit's plan, and its `implements` are checked there."""
    to_top = FromUnits(units, top_plan, top_path)
    kept = []
    for unit in units:
        found = to_top.ids(unit)
        if found is not None and (level is None or unit.level == level):
            named = Unit.model_validate({"name": unit.name, "level": unit.level})
            kept.append((Candidate(Path(unit.label), unit.plan, named, []), found))
    return assemble(top_plan, top_path, kept, as_of, warn_days), to_top.problems


def located(name: str, text: str, wrong: list[tuple[Loc, str]]) -> list[Problem]:
    from reformctl import reader  # only to locate problems

    root = reader.Reader(name, nodes=True).read(text)[1]
    assert root is not None
    return [Problem(name, *reader.position(root, loc), f"{reader.dotted(loc)}: {msg}") for loc, msg in wrong]


def add_unit(result: Rollup, unit: Candidate, ids: dict[str, set[str]], as_of: dt.date, warn_days: int) -> None:
    """Count one unit: for each top row, its rows that carry it out, combined; how late it is on
    it (the earliest missed deadline), and why a row does not apply."""
    name = unit.unit.name
    result.units.append(RolledUnit(name, unit.unit.level, unit.path))
    reached: dict[str, list[str]] = {row.id: [] for row in result.rows}
    carried = [row for row in query.rows(query.rewind(unit.plan, as_of)) if ids.get(row.id)]
    if (figures := ranked(name, name, carried, as_of)) is not None:
        result.ranks.append(figures)
    for row in carried:
        targets = ids.get(row.id, ())
        late = None
        if query.light(row, as_of, warn_days) == "red":
            assert row.due is not None  # a red light has a deadline
            late = Late(row.due, (as_of - row.due).days)
        reason = row.reason
        for ident in targets:
            reached[ident].append(row.status)
            if late is not None:
                known = result.overdue[ident].get(name)
                if known is None or late.days > known.days:
                    result.overdue[ident][name] = late
            if reason:
                result.reasons[ident][name] = reason
    for ident, statuses in reached.items():
        result.status[ident][name] = combine(statuses)
