"""rollup --units: each unit's plan as its repository has it in the mirror, and where it came from.

Every unit is read at its fetched branch (or, with --as-known, at the last commit on or before
the as-of day), through one `git cat-file --batch` for all, with no checkout. A plan's blob is
validated once however many units share it, and through the plan cache, keyed by its bytes, so
an unchanged unit is not parsed again on the next run. Besides its figures, each unit says which
commit they come from, when its plan last changed (未更新 past --stale-days), whether the last
fetch failed (and the commit used instead), and whether its copy of its parent plan is still the
parent's (上级计划已更新): the roll-up itself always checks `implements` against the parent's own
plan, the office's or the parent unit's as its repository has it now.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from reformctl import cache, query
from reformctl.errors import PlanInvalid, Problem, ReformctlError
from reformctl.fetching import fetch_blob, state
from reformctl.files import max_bytes
from reformctl.manifest import Unit
from reformctl.mirror import MISSING, SUBMODULE, SYMLINK, TREE, Batch, folder, plan_entry, ref, refs, remote
from reformctl.models import Plan

if TYPE_CHECKING:
    from reformctl.rollup import Rollup

UNFETCHED, NO_PLAN = "unfetched", "no-plan"
STALE_DAYS = 30
Parsed = tuple[str, "Plan | list[Problem]"]
Fetch = Callable[[str], bool]  # a blob from the unit's own remote: whether it came


@dataclass(frozen=True)
class Asked:
    """How the units are read: the as-of day, whether as known on that day (the last commit on
    or before it), and after how many days without a change a plan is 未更新."""

    as_of: dt.date
    as_known: bool = False
    stale_days: int = STALE_DAYS
    verify: bool = False  # the commit read must carry a good signature by one of the unit's signers


@dataclass
class Read:
    """One unit's plan as the mirror has it, or why it has none: `missing` is UNFETCHED (no
    fetched ref) or NO_PLAN; `problems` are the plan's own; `failed` is the last fetch's reason
    (the commit read is then the one fetched before); `copy` its copy of the parent plan."""

    unit: Unit
    commit: str = ""
    date: str = ""  # the commit's date, YYYY-MM-DD
    path: str = ""
    text: str = ""
    plan: Plan | None = None
    missing: str = ""
    why: str = ""
    failed: str = ""
    changed: dt.date | None = None  # the day of the last commit that changed the plan
    stale_days: int | None = None
    copy: Plan | None = None
    outdated: str = ""
    verified: bool | None = None  # None: not asked
    verify_why: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.unit.name}:{self.path}@{self.commit[:7]}"

    def source(self) -> dict[str, object]:
        """What the JSON and the 数据来源 tables say of the unit."""
        return {
            "unit": self.unit.name,
            "commit": self.commit[:7],
            "date": self.date,
            "path": self.path,
            "missing": self.missing,
            "why": self.why,
            "failed": self.failed,
            "changed": self.changed.isoformat() if self.changed else "",
            "stale_days": self.stale_days,
            "outdated": self.outdated,
            "verified": self.verified,
            "verify_why": self.verify_why,
            "problem": self.problems[0].message if self.problems else "",
        }


def parsed(batch: Batch, oid: str, label: str, plans: dict[str, Parsed], fetch: Fetch) -> Parsed:
    """A blob's text and its plan (or its located problems), once per blob in a run and, through
    the plan cache, once across runs; a blob the mirror lacks fetched from the unit first."""
    if oid not in plans:
        raw = batch.read(oid, max_bytes())
        if raw == MISSING and fetch(oid):
            raw = batch.read(oid, max_bytes())
        if isinstance(raw, str):
            plans[oid] = ("", [Problem(label, None, None, raw)])
            return plans[oid]
        plan = cache.CACHE.get(raw)
        if plan is not None:
            plans[oid] = (raw.decode("utf-8-sig", "replace"), plan)
            return plans[oid]
        from reformctl import reader

        text = ""
        try:
            text = reader.decode(raw, label)
            plan = reader.validate(text, label)
            cache.CACHE.put(raw, plan)
            plans[oid] = (text, plan)
        except PlanInvalid as exc:
            plans[oid] = (text, exc.problems)
    return plans[oid]


def last_change(batch: Batch, commit: str, path: str, oid: str) -> dt.date | None:
    """The day of the commit, along the branch's first parents, that gave the path this blob."""
    changed = None
    for at, made in batch.first_parents(commit):
        found = batch.entry(at, path)
        if found is None or found[1] != oid:
            break
        changed = made.date
    return changed


def read_unit(batch: Batch, got: Read, tip: str, asked: Asked, plans: dict[str, Parsed], fetch: Fetch) -> None:
    """The unit's plan at its tip (or as known on the as-of day), its last change and its copy of
    the parent plan, into `got`."""
    commit: str | None = tip
    if asked.as_known:
        commit = next((at for at, made in batch.first_parents(tip) if made.date <= asked.as_of), None)
    made = batch.commit(commit) if commit else None
    if commit is None or made is None:
        got.missing, got.why = NO_PLAN, f"{asked.as_of} 及之前没有提交" if commit is None else "无法读取分支的提交"
        return
    got.commit, got.date = commit, made.date.isoformat()
    entry = plan_entry(batch, got.unit, commit)
    if isinstance(entry, str):
        got.missing, got.why = NO_PLAN, entry
        return
    mode, oid, got.path = entry
    if mode in (SYMLINK, SUBMODULE, TREE):
        said = {SYMLINK: "是符号链接，出于安全不读取", SUBMODULE: "是子模块，出于安全不读取", TREE: "是文件夹"}
        got.problems = [Problem(got.label, None, None, f"计划文件{said[mode]}，未计入")]
        return
    got.text, done = parsed(batch, oid, got.label, plans, fetch)
    if isinstance(done, list):
        got.problems = done
        return
    named = done.unit.name if done.unit else None
    if named and named != got.unit.name:  # another unit's plan: its figures are not this unit's
        why = f"计划中的单位是 '{named}'，不是清单中的 '{got.unit.name}'：请核对单位清单中的地址，未计入"
        got.problems = [Problem(got.label, None, None, why)]
        return
    got.plan = done
    got.changed = last_change(batch, commit, got.path, oid)
    if got.changed and (asked.as_of - got.changed).days > asked.stale_days:
        got.stale_days = (asked.as_of - got.changed).days
    got.copy = parent_copy(batch, got, plans, fetch)


def parent_copy(batch: Batch, got: Read, plans: dict[str, Parsed], fetch: Fetch) -> Plan | None:
    """The copy of its parent plan the unit's repository carries (its plan's `parent:`), when it
    lies inside the repository and is a plan; None otherwise."""
    assert got.plan is not None
    if got.plan.unit is None or got.plan.unit.parent is None:
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(got.path), got.plan.unit.parent))
    if path.startswith(("../", "/")) or path in ("..", "."):
        return None
    found = batch.entry(got.commit, path)
    if found is None or found[0] in (SYMLINK, SUBMODULE, TREE):
        return None
    done = parsed(batch, found[1], f"{got.unit.name}:{path}@{got.commit[:7]}", plans, fetch)[1]
    return None if isinstance(done, list) else done


def verified(mirror: Path, got: Read) -> None:
    """--verify: a unit whose commit is not signed by one of its signers is not counted."""
    from reformctl import signatures

    keys = [str(key) for key in got.unit.signers or []]
    why = signatures.verify(mirror, got.commit, keys) if keys else "单位清单中没有该单位的签名密钥（signers）"
    got.verified, got.verify_why = not why, why
    if why:
        got.plan = None


def read_plans(units: list[Unit], base: Path, asked: Asked) -> list[Read]:
    """Every unit's plan read from the mirror, no checkout, one cat-file process for all."""
    mirror = folder()
    fetched, known = refs(mirror), state(mirror)
    batch = Batch(mirror, file=False)  # objects only: a blob the mirror lacks is fetched by its unit
    plans: dict[str, Parsed] = {}
    found = []
    try:
        for unit in units:
            got = Read(unit, failed=known.get(remote(unit.name), {}).get("failed", ""))
            found.append(got)
            tip = fetched.get(ref(unit))
            if tip is None:
                got.missing = UNFETCHED
                got.why = got.failed or "尚未成功获取（请先运行 reformctl fetch）"
                continue
            try:
                read_unit(batch, got, tip, asked, plans, partial(fetch_blob, mirror, unit, base))
            except (ValueError, OSError, UnicodeError) as exc:  # this unit's objects, not the others'
                got.plan, got.problems = None, [Problem(got.label, None, None, f"无法读取单位仓库：{exc}，未计入")]
            if asked.verify and got.plan is not None:
                verified(mirror, got)
    finally:
        batch.close()
    return found


def outdated(copy: Plan, parent: Plan) -> str:
    """What the parent plan has now that the unit's copy has not, in a few words; '' when the
    items are the same (the parent's progress records may differ: they are not what a copy is for)."""
    now = {row.id: row.text for row in query.rows(parent)}
    then = {row.id: row.text for row in query.rows(copy)}
    said = []
    for words, ids in (
        ("新增", [i for i in now if i not in then]),
        ("删去", [i for i in then if i not in now]),
        ("改动", [i for i in now if i in then and now[i] != then[i]]),
    ):
        if ids:
            said.append(f"{words}事项 {'、'.join(ids[:5])}" + (f" 等 {len(ids)} 项" if len(ids) > 5 else ""))
    return "，".join(said)


def rollup_units(
    path: Path, top: Path | None, asked: Asked, warn_days: int, level: str | None
) -> tuple[Rollup, list[Problem], list[Read]]:
    """rollup --units: every unit's plan from the mirror rolled up to the office's own plan (-f,
    else the one found from the working folder); each unit's source kept in the result."""
    from reformctl import loader, manifest, rollup
    from reformctl.checks import Checker

    made = manifest.load(path)
    reads = read_plans(made.units, path.resolve().parent, asked)
    top_path = loader.find_plan(top)
    checker = Checker()
    top_plan = checker.plan(top_path)
    if top_plan is None:
        raise ReformctlError("本办公室的计划无法使用，无法汇总", [str(p) for p in checker.problems.popitem()[1]])
    named = {r.unit.name: r.plan for r in reads}
    for r in reads:
        parent = top_plan if r.unit.parent is None else named.get(r.unit.parent)
        if r.copy is not None and parent is not None:
            r.outdated = outdated(r.copy, parent)
    loaded = [
        rollup.Loaded(r.unit.name, r.unit.level, r.unit.parent, r.plan, r.label, r.text)
        for r in reads
        if r.plan is not None
    ]
    result, problems = rollup.rollup_loaded(loaded, top_plan, top_path, asked.as_of, warn_days, level)
    own = [p for r in reads for p in r.problems]
    for r in reads:  # a unit's implements missing in its parent is its own problem, in its source too
        r.problems += [p for p in problems if p.path == r.label]
    result.sources = [r.source() for r in reads]
    return result, own + problems, reads
