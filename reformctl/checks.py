"""Checking plan files: each file alone, then against its parent when it has one.

`validate`, the pre-commit hook (which runs validate) and `rollup` all check through here, so
they can never disagree about a file. A file that cannot be read is one problem like any other.

A unit plan's `parent:` must stay inside the plan's own repository (the git work tree it is in;
outside git, the folder the command runs in): a parent elsewhere is a located problem that
quotes nothing of the file it points at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from reformctl import addresses, loader, query
from reformctl.errors import PlanInvalid, Problem, ReformctlError, Unreadable
from reformctl.models import Item, Loc, Plan, Task
from reformctl.plain import visible


def parent_path(path: Path, plan: Plan) -> Path | None:
    """The parent plan a unit plan names, as an absolute path (relative to the plan's folder)."""
    if plan.unit is None or plan.unit.parent is None:
        return None
    return Path(os.path.abspath(path.parent / plan.unit.parent))


def repository(path: Path) -> Path:
    """The git work tree a file is in, else the working folder."""
    here = Path(os.path.realpath(path)).parent
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return Path(os.path.realpath(Path.cwd()))


def inside(path: Path, root: Path) -> bool:
    real = Path(os.path.realpath(path))
    return real == root or root in real.parents


class Checker:
    """Loads each plan once, and checks each against its parent once, however many units share it."""

    def __init__(self) -> None:
        self.plans: dict[Path, Plan | None] = {}
        self.problems: dict[Path, list[Problem]] = {}  # of each file alone
        self.against_parent: dict[Path, list[Problem]] = {}

    def plan(self, path: Path) -> Plan | None:
        """The file's plan, or None when it cannot be read or does not validate (its problems kept)."""
        key = Path(os.path.abspath(path))
        if key not in self.plans:
            found: list[Problem] = []
            try:
                self.plans[key] = loader.load(path)
            except PlanInvalid as exc:
                found, self.plans[key] = exc.problems, None
            except Unreadable as exc:
                found, self.plans[key] = [exc.problem()], None
            except ReformctlError as exc:
                found, self.plans[key] = [Problem(loader.display(path), None, None, str(exc))], None
            self.problems[key] = found
        return self.plans[key]

    def check(self, path: Path) -> list[Problem]:
        """Every problem of one file: alone, then against its parent."""
        plan = self.plan(path)
        if plan is None:
            return self.problems[Path(os.path.abspath(path))]
        return self.parent_problems(path, plan) + missing_evidence(path, plan) + bad_addresses(path, plan)

    def parent_problems(self, path: Path, plan: Plan) -> list[Problem]:
        """A unit plan against its parent: the parent must be usable and inside the repository,
        and every `implements` id must be an item there. Located in `path`."""
        key = Path(os.path.abspath(path))
        if key in self.against_parent:
            return self.against_parent[key]
        above = parent_path(path, plan)
        wrong: list[tuple[Loc, str]] = []
        if above is not None:
            assert plan.unit is not None and plan.unit.parent is not None
            written = plan.unit.parent
            root = repository(path)
            parent = None
            if not inside(above, root):
                wrong.append((("unit", "parent"), f"上级计划 {written!r} 在本仓库（{root}）之外，未读取"))
            else:
                parent = self.plan(above)
                if parent is None:
                    first = self.problems[above][0] if self.problems[above] else "无法使用"
                    wrong.append((("unit", "parent"), f"上级计划无法使用：{first}"))
            if parent is not None:
                known = {row.id for row in query.rows(parent)}
                for at, tracked in rows_at(plan):
                    for k, ident in enumerate(tracked.implements or []):
                        if ident not in known:
                            wrong.append(((*at, "implements", k), f"上级计划 {written} 中没有事项 '{ident}'"))
        located: list[Problem] = []
        if wrong:
            from reformctl import reader  # only to locate problems: a valid roll-up never parses YAML

            located = reader.locate(path, wrong)
        self.against_parent[key] = located
        return located


URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # a scheme: http:, https:, and what is refused


def evidence_problem(link: str, root: Path) -> str | None:
    """Why a link cannot be evidence: a scheme other than http/https, or a path that is not a
    file inside the repository (relative to its top). None when it is good."""
    if visible(link) != link:
        return f"证明材料 '{visible(link)}'：含有控制字符或双向文字标记，请重新输入"
    if URL.match(link):
        if not re.match(r"^https?://", link):
            return f"证明材料 {link!r}：网址只接受 http:// 或 https://"
        return None if re.match(r"^https?://\S+$", link) else f"证明材料 {link!r}：网址中不能有空格"
    target = Path(os.path.realpath(root / link))
    if Path(link).is_absolute() or not inside(target, root):
        return f"证明材料 {link!r}：请写仓库中的相对路径（相对于 {root}）"
    if not target.exists():
        return f"证明材料 {link!r} 不存在（相对于 {root}）"
    return None


def typed_link(link: str, root: Path, here: Path | None = None) -> str | None:
    """A link as the plan stores it: a file named from the folder the clerk is in (`here`, the
    working folder by default), as a path from the repository's top (证明/揭牌.pdf typed in
    plans/jiangxi/nanchang is plans/jiangxi/nanchang/证明/揭牌.pdf). An address, an absolute path
    or a link with controls is left as typed (evidence_problem says why it is refused); None for
    a file outside the repository."""
    if visible(link) != link or URL.match(link) or Path(link).is_absolute():
        return link
    folder = Path(os.path.realpath(here if here is not None else Path.cwd()))
    relative = os.path.relpath(os.path.normpath(folder / link), root)
    if relative == os.curdir or relative.split(os.sep)[0] == os.pardir:
        return None
    return Path(relative).as_posix()


def missing_evidence(path: Path, plan: Plan) -> list[Problem]:
    """Recorded evidence that is no longer there (or never could be), located at the link."""
    root = repository(path)
    wrong = [
        ((*at, "history", n, "links", k), said)
        for at, tracked in rows_at(plan)
        for n, record in enumerate(tracked.history or [])
        for k, link in enumerate(record.links or [])
        if (said := evidence_problem(link, root)) is not None
    ]
    if not wrong:
        return []
    from reformctl import reader

    return reader.locate(path, wrong)


def bad_addresses(path: Path, plan: Plan) -> list[Problem]:
    """Departments' e-mail addresses that are not exactly one address, located at the address:
    a problem of its own, not the model's, so that the plan stays usable for everything else."""
    wrong: list[tuple[Loc, str]] = [
        (("departments", n, "email"), said)
        for n, dept in enumerate(plan.departments)
        if dept.email is not None and (said := addresses.why_bad(dept.email)) is not None
    ]
    if not wrong:
        return []
    from reformctl import reader

    return reader.locate(path, wrong)


def check_paths(paths: list[Path]) -> list[Problem]:
    """Every problem of every file, in order: an empty list when all of them are valid."""
    checker = Checker()
    return [problem for path in paths for problem in checker.check(path)]


def rows_at(plan: Plan) -> list[tuple[Loc, Item | Task]]:
    """Each row's item (or item-less task), with where it sits in the file."""
    found: list[tuple[Loc, Item | Task]] = []
    for t, task in enumerate(plan.tasks):
        if task.items is None:
            found.append((("tasks", t), task))
        found += [(("tasks", t, "items", i), item) for i, item in enumerate(task.items or [])]
    return found
