"""A roll-up said as tables, the same on the screen, in Markdown, HTML, xlsx and Word: the counts
per top row, each unit's progress, the late units by name, the rows that do not apply, and
(rollup --units) where each unit's figures came from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reformctl.query import percent
from reformctl.render.layout import RANK_HEADERS, Document, Part, rank_rows, rank_rule
from reformctl.rollup import LABELS, Rollup

Table = tuple[list[str], list[list[str]]]


def late_words(days: int) -> str:
    return f"逾期 {days} 天"


def counts(result: Rollup) -> Table:
    headers = ["编号", "事项", *LABELS.values(), "逾期单位"]
    rows = [
        [row.id, row.text, *(str(n) for n in result.counts(row.id).values()), str(len(result.overdue[row.id]))]
        for row in result.rows
    ]
    return headers, rows


def units(result: Rollup) -> Table:
    """Each unit's completion (of the rows that apply to it), and how many rows it is late on."""
    late = {u.name: sum(u.name in result.overdue[row.id] for row in result.rows) for u in result.units}
    rows = [[u.name, u.level, "{}/{}".format(*result.completion(u.name)), str(late[u.name])] for u in result.units]
    if not result.sources:
        return ["单位", "级别", "已完成事项", "逾期事项"], rows
    read = {s["unit"]: f"{s['commit']}（{s['date']}）" for s in result.sources if s.get("commit")}
    return ["单位", "级别", "已完成事项", "逾期事项", "提交"], [[*row, read.get(row[0], "")] for row in rows]


def cell(result: Rollup, ident: str, unit: str) -> str:
    """One unit on one row: 推进中 · 逾期 12 天, or 不适用：理由."""
    said = LABELS[result.status[ident][unit]]
    late = result.overdue[ident].get(unit)
    reason = result.reasons[ident].get(unit)
    if reason and result.status[ident][unit] == "na":
        said += f"：{reason}"
    return f"{said} · {late_words(late.days)}" if late else said


def focus(result: Rollup) -> Table:
    """--item: every unit on that one row."""
    ident = result.rows[0].id
    return ["单位", "级别", f"{ident} 的落实情况"], [
        [u.name, u.level, cell(result, ident, u.name)] for u in result.units
    ]


def late(result: Rollup) -> Table:
    """The late units by name, the latest first on each row."""
    rows = []
    for row in result.rows:
        named = sorted(result.overdue[row.id].items(), key=lambda pair: -pair[1].days)
        rows += [[row.id, unit, found.due.isoformat(), late_words(found.days)] for unit, found in named]
    return ["编号", "单位", "期限", "逾期"], rows


def not_applicable(result: Rollup) -> Table:
    rows = [
        [row.id, unit, reason]
        for row in result.rows
        for unit, reason in result.reasons[row.id].items()
        if result.status[row.id][unit] == "na"
    ]
    return ["编号", "单位", "不适用的理由"], rows


def tasks(result: Rollup) -> Table:
    """--by task: each unit's share of each task's rows done (of those that apply to it)."""
    headers = ["单位", "级别", *(f"任务{task}" for task, _ in result.tasks())]
    rows = [[u.name, u.level, *(share(result, task, u.name) for task, _ in result.tasks())] for u in result.units]
    return headers, rows


def share(result: Rollup, task: str, unit: str) -> str:
    done, owed = result.task_share(task, unit)
    return f"{percent(done, owed)}%" if owed else "—"


SOURCE_HEADERS = ["单位", "提交", "提交日期", "计划文件", "说明"]


def sources(result: Rollup) -> Table:
    """rollup --units: where each unit's figures came from, and what a reader should know of it.
    A source lacking a key (an older shape) says nothing of it."""
    rows = [
        [str(s.get("unit", "")), str(s.get("commit") or ""), str(s.get("date") or ""), str(s.get("path") or ""),
         remark(s)]
        for s in result.sources
    ]  # fmt: skip
    return SOURCE_HEADERS, rows


def remark(source: dict[str, Any]) -> str:
    """The 说明 cell: why the unit is not counted, or what to keep in mind about the figures used."""
    said = []
    why = source.get("why") or ""
    if source.get("problem"):
        said.append(f"未计入：{str(source['problem']).removesuffix('，未计入')}")
    if source.get("missing") == "unfetched":
        said.append(f"未能获取：{why}" if why else "未能获取")
    elif source.get("missing") == "no-plan":
        said.append(f"未找到计划：{why}" if why else "未找到计划")
    failed = source.get("failed") or ""
    if failed and source.get("commit"):
        said.append(f"未能获取：{failed}，沿用上次获取的提交")
    elif failed and failed != why:
        said.append(f"最近一次获取失败：{failed}")
    stale = source.get("stale_days")
    if stale:
        changed = source.get("changed") or ""
        said.append(f"未更新 {stale} 天" + (f"（计划最后修改于 {changed}）" if changed else ""))
    if source.get("outdated"):
        said.append(f"上级计划已更新：{source['outdated']}")
    verified = source.get("verified")
    if verified is True:
        said.append("签名已核验")
    elif verified is False:
        why_not = source.get("verify_why") or ""
        said.append(f"签名未通过：{why_not}" if why_not else "签名未通过")
    return "；".join(said)


def document(result: Rollup, as_of: dt.date) -> Document:
    """The roll-up as a document of parts (Word): what Markdown says, section by section."""
    subtitle = f"截至 {as_of}，共 {len(result.units)} 个单位"
    if result.by == "rank":
        ranked = Part("考核排名", headers=["名次", "单位", *RANK_HEADERS[2:]], table=rank_rows(result.ranks))
        if not result.ranks:
            ranked = Part("考核排名", ["没有已到期限的事项，不排名。"])
        ranked.after.append(rank_rule(as_of, "单位"))
        parts = [ranked]
    elif result.by == "task":
        headers, rows = tasks(result)
        if len(headers) > 6:  # more tasks than columns a page holds: each unit's shares in one cell
            rows = [[*r[:2], "；".join(f"{h} {c}" for h, c in zip(headers[2:], r[2:], strict=True))] for r in rows]
            headers = [*headers[:2], "各任务已完成的事项占比"]
        parts = [Part("各单位各任务完成情况", ["各单位每项任务已完成的事项占比（不适用的事项不计）。"], headers, rows)]
    else:
        headers, rows = counts(result)
        parts = [Part("各事项落实情况", headers=headers, table=rows)]
        headers, rows = focus(result) if result.focus else units(result)
        parts.append(Part("各单位完成情况", headers=headers, table=rows))
        for title, (headers, rows) in (("逾期单位", late(result)), ("不适用", not_applicable(result))):
            if rows:
                parts.append(Part(title, headers=headers, table=rows))
    if result.sources:
        headers, rows = sources(result)
        parts.append(Part("数据来源", headers=headers, table=rows))
    made = Document(f"{result.top.document.title} 落实情况汇总", subtitle, parts)
    made.landscape = True  # a roll-up's tables are wide: its counts have nine columns
    return made
