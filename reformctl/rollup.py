"""Down the hierarchy: unit plans derived from their parent, checked against it, and rolled up.

A unit plan (省级、市级、县级) is a plan file with a `unit` block naming its parent plan, and
items that say which of the parent's items they carry out (`implements`). A county's items
implement its province's, which implement the national ones: the roll-up follows the chain up
to the top plan and reports, for each of its items, how far down it has been taken.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from collections import Counter
from pathlib import Path

from reformctl import loader, query
from reformctl.edit import scalar
from reformctl.errors import PlanInvalid, Problem, ReformctlError
from reformctl.models import STATUS_LABELS, Loc, Plan, Unit

UNTAKEN = "untaken"
LABELS = {**STATUS_LABELS, UNTAKEN: "未落实"}  # the order of the count columns
STYLES = {"done": "#3a8f4a", "doing": "#e0b030", "blocked": "#c0392b", "todo": "#cfcfcf", UNTAKEN: "#ffffff"}


# ---------------------------------------------------------------- deriving a unit plan


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
        f"# {name}落实《{parent.document.title}》的计划：由 reformctl init --unit 生成，可自行拆分、增补、删减事项",
        "version: 1",
        f"unit: {{name: {scalar(name)}, level: {level}, parent: {scalar(relative)}}}",
        "document:",
        *(f"  {key}: {_value(value)}" for key, value in parent.document.model_dump(exclude_none=True).items()),
        "departments:",
        *(f"  - {{id: {scalar(d.id)}, name: {scalar(d.name)}}}" for d in parent.departments),
        "tasks:",
    ]
    for task in parent.tasks:
        lines += [f"  - id: {json.dumps(task.id)}", f"    title: {scalar(task.title)}", f"    lead: {_list(task.lead)}"]
        if task.items is None:
            lines += [f"    text: {scalar(task.text or '')}", "    status: todo"]
            lines += _tracked(task.due, None, task.participants, task.id, "    ")
            continue
        if task.participants:
            lines.append(f"    participants: {_list(task.participants)}")
        lines.append("    items:")
        for item in task.items:
            lines += [
                f"      - id: {json.dumps(item.id)}",
                f"        text: {scalar(item.text)}",
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
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def _value(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else scalar(str(value))


# ---------------------------------------------------------------- checking against the parent


def parent_path(path: Path, plan: Plan) -> Path | None:
    if plan.unit is None or plan.unit.parent is None:
        return None
    return (path.parent / plan.unit.parent).resolve()


def check_parent(path: Path, plan: Plan, parent: Plan | None = None) -> list[Problem]:
    """Every `implements` id must be an item of the parent plan; problems located in `path`."""
    above = parent_path(path, plan)
    if above is None:
        return []
    if parent is None:
        try:
            parent = loader.load(above).plan
        except ReformctlError as exc:
            reason = exc.problems[0] if isinstance(exc, PlanInvalid) else exc
            return locate(path, [(("unit", "parent"), f"上级计划无法使用：{reason}")])
    known = {row.id for row in query.rows(parent)}
    wrong: list[tuple[Loc, str]] = []
    for t, task in enumerate(plan.tasks):
        entries = [(("tasks", t), task)] if task.items is None else []
        entries += [(("tasks", t, "items", i), item) for i, item in enumerate(task.items or [])]
        for at, entry in entries:
            for k, ident in enumerate(entry.implements or []):
                if ident not in known:
                    wrong.append(((*at, "implements", k), f"上级计划 {plan.unit.parent} 中没有事项 '{ident}'"))
    return locate(path, wrong) if wrong else []


def locate(path: Path, found: list[tuple[Loc, str]]) -> list[Problem]:
    """Problems at their line and column: the file is read again, with nodes, only when there are some."""
    name = loader.display(path)
    root = loader.Reader(name, nodes=True).read(loader.decode(path.read_bytes(), name))[1]
    assert root is not None
    return [Problem(name, *loader.position(root, loc), f"{loader.dotted(loc)}: {message}") for loc, message in found]


# ---------------------------------------------------------------- the roll-up


class Rollup:
    """For each item of the top plan, the status each unit has reached in carrying it out."""

    def __init__(self, top: Plan, top_path: Path):
        self.top, self.top_path = top, top_path
        self.items = [(row.id, row.text) for row in query.rows(top)]
        self.units: list[tuple[str, str, Path]] = []  # name, level, file
        self.status: dict[str, dict[str, str]] = {ident: {} for ident, _ in self.items}
        self.overdue: dict[str, list[str]] = {ident: [] for ident, _ in self.items}

    def counts(self, ident: str) -> dict[str, int]:
        found = Counter(self.status[ident].values())
        return {key: found[key] for key in LABELS}

    def completion(self, unit: str) -> tuple[int, int]:
        done = sum(self.status[ident][unit] == "done" for ident, _ in self.items)
        return done, len(self.items)

    def as_json(self) -> list[dict[str, object]]:
        return [
            {"id": ident, "text": text, "units": self.status[ident], "counts": self.counts(ident)}
            for ident, text in self.items
        ]


def combine(statuses: list[str]) -> str:
    """All done → done; any blocked → blocked; any doing or done → doing; else todo; none → untaken."""
    if not statuses:
        return UNTAKEN
    if all(s == "done" for s in statuses):
        return "done"
    if "blocked" in statuses:
        return "blocked"
    return "doing" if "doing" in statuses or "done" in statuses else "todo"


def plan_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        else:
            found.append(path)
    return found


def rollup(
    paths: list[Path], as_of: dt.date, warn_days: int = query.WARN_DAYS, level: str | None = None
) -> tuple[Rollup, list[Problem]]:
    """Roll every unit plan under `paths` up to the top of their parent chains. Plans that do not
    validate are reported, located, and left out: never silently counted."""
    problems: list[Problem] = []
    plans: dict[Path, Plan | None] = {}

    def get(path: Path) -> Plan | None:
        path = path.resolve()
        if path not in plans:
            try:
                plans[path] = loader.load(path).plan
            except PlanInvalid as exc:
                problems.extend(exc.problems)
                plans[path] = None
            except ReformctlError as exc:
                problems.append(Problem(loader.display(path), 1, 1, str(exc)))
                plans[path] = None
        return plans[path]

    def note(path: Path, message: str) -> None:
        problems.append(Problem(loader.display(path), 1, 1, message))

    checked: dict[Path, bool] = {}  # a province is checked once, not once per county

    def sound(path: Path, plan: Plan, parent: Plan) -> bool:
        if path not in checked:
            wrong = check_parent(path, plan, parent)
            problems.extend(wrong)
            checked[path] = not wrong
        return checked[path]

    units: list[tuple[Path, Plan, Unit, list[Path]]] = []  # file, plan, its unit, its chain up to the top
    for path in plan_files(paths):
        plan = get(path)
        if plan is None or plan.unit is None or parent_path(path, plan) is None:
            continue  # invalid (reported), or a plan that is no unit's: a top plan
        chain, current = [path.resolve()], plan
        while (above := parent_path(chain[-1], current)) is not None:
            parent = get(above)
            if above in chain or len(chain) > 16:
                note(path, "上级计划的 parent 链成环，未计入")
            elif parent is None:
                note(path, f"上级计划 {loader.display(above)} 无效或无法读取，未计入")
            elif sound(chain[-1], current, parent):
                chain.append(above)
                current = parent
                continue
            break
        else:
            units.append((path.resolve(), plan, plan.unit, chain))
    if not units:
        found = "".join(f"\n{problem}" for problem in problems)
        raise ReformctlError(f"没有找到可汇总的单位计划（带 unit 和 parent 的计划文件）{found}")

    top_path = Counter(chain[-1] for *_, chain in units).most_common(1)[0][0]
    names = Counter(unit.name for _, _, unit, chain in units if chain[-1] == top_path)
    kept = []
    for path, plan, unit, chain in units:
        if chain[-1] != top_path:
            note(path, f"顶层计划是 {loader.display(chain[-1])}，与其他计划不同，未计入")
        elif names[unit.name] > 1:
            note(path, f"单位名称 '{unit.name}' 与另一份计划重复，未计入")
        elif level is None or unit.level == level:
            kept.append((path, plan, unit, chain))

    top = plans[top_path]
    assert top is not None
    result = Rollup(top, top_path)
    mapped: dict[Path, dict[str, set[str]]] = {top_path: {ident: {ident} for ident, _ in result.items}}

    def to_top(path: Path, chain: list[Path]) -> dict[str, set[str]]:
        """Each row id of the plan at `path` -> the ids of the top plan's items it carries out."""
        if path not in mapped:
            above = to_top(chain[chain.index(path) + 1], chain)
            plan = plans[path]
            assert plan is not None
            mapped[path] = {
                row.id: set().union(*(above.get(i, set()) for i in row.entry.implements or []))
                for row in query.rows(plan)
            }
        return mapped[path]

    for path, plan, unit, chain in kept:
        result.units.append((unit.name, unit.level, path))
        ids = to_top(path, chain)
        reached: dict[str, list[str]] = {ident: [] for ident, _ in result.items}
        for row in query.rows(query.rewind(plan, as_of)):
            for ident in ids.get(row.id, ()):
                reached[ident].append(row.status)
                if query.light(row, as_of, warn_days) == "red" and unit.name not in result.overdue[ident]:
                    result.overdue[ident].append(unit.name)
        for ident, statuses in reached.items():
            result.status[ident][unit.name] = combine(statuses)
    return result, problems


# ---------------------------------------------------------------- output


def markdown(result: Rollup, as_of: dt.date) -> str:
    from reformctl.output import md_table

    headers = ["编号", "事项", *LABELS.values(), "逾期单位"]
    rows = [
        [ident, text, *(str(n) for n in result.counts(ident).values()), str(len(result.overdue[ident]))]
        for ident, text in result.items
    ]
    units = [[name, level, "{}/{}".format(*result.completion(name))] for name, level, _ in result.units]
    return (
        f"# {result.top.document.title} 落实情况汇总\n\n截至 {as_of}，共 {len(result.units)} 个单位\n\n"
        + md_table(headers, rows)
        + "\n## 各单位完成情况\n\n"
        + md_table(["单位", "级别", "已完成事项"], units)
    )


def html_page(result: Rollup, as_of: dt.date) -> str:
    """A heat map of items × units with the totals: one self-contained, printable page."""
    esc = html.escape
    head = "".join(f'<th class="u" title="{esc(level)}">{esc(name)}</th>' for name, level, _ in result.units)
    body = []
    for ident, text in result.items:
        cells = "".join(
            f'<td class="c" style="background:{STYLES[s]}" title="{esc(name)}：{LABELS[s]}"></td>'
            for name, s in ((name, result.status[ident][name]) for name, _, _ in result.units)
        )
        totals = " ".join(f"{LABELS[k]} {n}" for k, n in result.counts(ident).items() if n)
        body.append(
            f'<tr><th>{esc(ident)}</th><td class="t">{esc(text[:40])}</td>{cells}<td class="n">{esc(totals)}</td></tr>'
        )
    done = "".join(f'<td class="n">{d}/{t}</td>' for d, t in (result.completion(name) for name, _, _ in result.units))
    legend = " ".join(f'<span class="k" style="background:{STYLES[k]}"></span>{v}' for k, v in LABELS.items())
    title = f"{result.top.document.title} 落实情况汇总"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<h1>{esc(title)}</h1>\n<p>截至 {as_of}，共 {len(result.units)} 个单位。{legend}</p>\n"
        f"<table><thead><tr><th>编号</th><th>事项</th>{head}<th>合计</th></tr></thead>\n<tbody>{''.join(body)}\n"
        f'<tr><th colspan="2">已完成事项</th>{done}<td></td></tr></tbody></table>\n</body>\n</html>\n'
    )


CSS = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", SimSun, sans-serif; font-size: 9pt; }
table { border-collapse: collapse; } th, td { border: 1px solid #bbb; padding: 1pt 3pt; }
th.u { writing-mode: vertical-rl; white-space: nowrap; font-weight: normal; }
td.c { width: 12pt; min-width: 12pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
td.t { max-width: 60mm; } td.n { white-space: nowrap; } thead { display: table-header-group; }
.k { display: inline-block; width: 10pt; height: 10pt; border: 1px solid #999; margin: 0 2pt 0 8pt;
     -webkit-print-color-adjust: exact; print-color-adjust: exact; }
"""
