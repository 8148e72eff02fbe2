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
from reformctl.checks import Checker, parent_path
from reformctl.edit import scalar
from reformctl.errors import Problem, ReformctlError
from reformctl.models import STATUS_LABELS, Plan, Unit
from reformctl.plain import one_line

MAX_CHAIN = 16  # plans above a unit: national, province, city, county leave room to spare

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
        # A comment is one line: a name is never written into it raw.
        f"# {one_line(name)}落实《{one_line(parent.document.title)}》的计划：由 reformctl init --unit 生成，"
        "可自行拆分、增补、删减事项",
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


def rollup(
    paths: list[Path],
    as_of: dt.date,
    warn_days: int = query.WARN_DAYS,
    level: str | None = None,
    top: Path | None = None,
) -> tuple[Rollup, list[Problem]]:
    """Roll every unit plan under `paths` up to the top of their parent chains (or up to `top`).
    Plans that do not validate are reported, located, and left out: never silently counted."""
    checker = Checker()
    extra: list[Problem] = []
    stop = Path(os.path.abspath(top)) if top is not None else None

    def note(path: Path, message: str) -> None:
        extra.append(Problem(loader.display(path), None, None, message))

    units: list[tuple[Path, Plan, Unit, list[Path]]] = []  # file, plan, its unit, its chain up to the top
    files = plan_files(paths)
    for path in files:
        plan = checker.plan(path)
        if plan is None or plan.unit is None or parent_path(path, plan) is None:
            continue  # invalid (reported), or a plan that is no unit's: a top plan
        chain, current = [Path(os.path.abspath(path))], plan
        if chain[0] == stop:
            continue  # the plan rolled up to is no unit of its own
        while chain[-1] != stop and (above := parent_path(chain[-1], current)) is not None:
            if above in chain:
                note(path, "上级计划的 parent 链成环，未计入")
            elif len(chain) > MAX_CHAIN:
                note(path, f"上级计划的 parent 链超过 {MAX_CHAIN} 层，层级过深，未计入")
            elif checker.parent_problems(chain[-1], current):
                if chain[-1] != chain[0]:  # the unit's own are reported with its file
                    note(path, f"上级计划 {loader.display(chain[-1])} 无效或无法使用，未计入")
            else:
                chain.append(above)
                current = checker.plan(above)  # type: ignore[assignment]  # usable: checked just above
                continue
            break
        else:
            if stop is None or chain[-1] == stop:
                units.append((chain[0], plan, plan.unit, chain))
            else:
                note(path, f"上级计划链不经过 {loader.display(stop)}，未计入")
    unique = dict.fromkeys(Path(os.path.abspath(f)) for f in files)
    problems = [p for path in unique for p in checker.check(path)]  # each file's, then the notes
    if not units:
        found = "".join(f"\n{problem}" for problem in problems + extra)
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

    top_plan = checker.plan(top_path)
    assert top_plan is not None
    result = Rollup(top_plan, top_path)
    mapped: dict[Path, dict[str, set[str]]] = {top_path: {ident: {ident} for ident, _ in result.items}}

    def to_top(path: Path, chain: list[Path]) -> dict[str, set[str]]:
        """Each row id of the plan at `path` -> the ids of the top plan's items it carries out."""
        if path not in mapped:
            above = to_top(chain[chain.index(path) + 1], chain)
            plan = checker.plan(path)
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
        late: set[str] = set()
        for row in query.rows(query.rewind(plan, as_of)):
            for ident in ids.get(row.id, ()):
                reached[ident].append(row.status)
                if query.light(row, as_of, warn_days) == "red" and ident not in late:
                    late.add(ident)
                    result.overdue[ident].append(unit.name)
        for ident, statuses in reached.items():
            result.status[ident][unit.name] = combine(statuses)
    return result, problems + extra


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
