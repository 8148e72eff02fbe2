"""What each command shows on the screen. Every piece of people's text goes in as rich `Text`
(never markup) and through plain.one_line (controls escaped), so nobody's note can colour,
move or hide what somebody else reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from reformctl import query
from reformctl.models import STATUS_LABELS, Item, Plan, Task
from reformctl.plain import one_line
from reformctl.query import ItemRecord, Row, listed
from reformctl.render import View
from reformctl.render.console import fills_screen, light_text, status_text
from reformctl.render.lines import kinsoku
from reformctl.render.table import PIPE_WIDTH, draw, piped_width, terminal
from reformctl.render.words import LIGHT_AND_NONE, bar, counts, hint

if TYPE_CHECKING:  # only `list` runs on every start-up: the others' imports wait for them
    from reformctl.report import Summary
    from reformctl.rollup import Rollup


def _table(**options: Any) -> Any:
    from rich.table import Table

    return Table(header_style="bold", **options)


def _line(out: Console, text: str, style: str | None = None) -> None:
    """A line of text, wrapped at the screen's width so that no line starts with ，。；：、）」》 (避头尾)."""
    if not fills_screen(out):
        out.print(Text(one_line(text), style=style or ""))
        return
    for line in kinsoku(one_line(text), out.width):
        out.print(Text(line, style=style or ""), no_wrap=True, overflow="ignore")


def _room(out: Console, fixed: list[list[str]], long: int) -> int:
    """The cells left for a table's `long` text columns, once its `fixed` (no_wrap) columns have
    their natural width, with rich's default box: a rule and a space either side of each cell."""
    columns = len(fixed) + long
    return out.width - sum(max(cell_len(c) for c in column) for column in fixed) - 3 * columns - 1


def _broken(out: Console, text: str, width: int) -> Text:
    """People's text broken by us (避头尾, an id or a file name never cut) at a column's width,
    since rich would fold CJK text at any character (10.2 or docs/签约.pdf cut in two)."""
    text = one_line(text)
    if fills_screen(out) and width > 0:
        text = "\n".join(kinsoku(text, width))
    return Text(text)


def show(view: View, found: tuple[Task, Item | None]) -> None:
    """A task with its items and progress, or one row in full with its records."""
    plan, out = view.plan, view.console
    assert plan is not None
    task, item = found
    where = Text(f" · {one_line(view.label)}", style="dim")
    if item is not None:
        out.print(Text(f"事项 {item.id}", style="bold").append_text(where))
        _line(out, f"所属任务：{task.id}  {task.title}")
        _line(out, item.text)
        _row_details(view, Row(item.id, task, item))
        return
    out.print(Text(f"任务 {task.id}  {one_line(task.title)}", style="bold").append_text(where))
    selected = [row for row in query.rows(plan) if row.task is task]
    if task.items is None:
        _line(out, task.text or "")
        _row_details(view, selected[0])
        return
    done, total = query.progress(selected)
    _line(out, f"牵头部门：{query.depts_label(plan, plan.dept_ids(task.lead))}")
    _line(out, f"进度：{done}/{total} 已完成（{query.percent(done, total)}%）")
    own_lead = any(item.lead for item in task.items)
    with_due = any(row.due for row in selected)
    grid = _table(expand=fills_screen(out))
    grid.add_column("编号", no_wrap=True)
    grid.add_column("内容", ratio=1, overflow="fold")  # CJK has no spaces to wrap at
    if own_lead:
        grid.add_column("牵头部门", no_wrap=True)
    grid.add_column("状态", no_wrap=True)
    if with_due:
        grid.add_column("期限", no_wrap=True)
        grid.add_column("提示", no_wrap=True)
    # The text column's width, worked out as rich will, so that its lines can be broken by us (避头尾).
    others = [[row.id for row in selected] + ["编号"], ["未启动", "推进中", "状态"]]
    others += [[listed(row.lead(plan)) for row in selected] + ["牵头部门"]] if own_lead else []
    others += [["2020-01-01"], ["● 逾期"]] if with_due else []
    room = out.width - sum(max(cell_len(c) for c in column) for column in others) - 3 * (len(others) + 1) - 1
    for row in selected:
        text = one_line(row.text)
        if fills_screen(out) and room > 10:
            text = "\n".join(kinsoku(text, room))
        cells: list[Text] = [Text(row.id), Text(text)]
        cells += [Text(one_line(listed(row.lead(plan))))] if own_lead else []
        cells += [status_text(row.status)]
        if with_due:
            light = query.light(row, view.as_of, view.warn_days)
            cells += [Text(row.due.isoformat() if row.due else ""), light_text(light)]
        grid.add_row(*cells)
    out.print(grid)


def _row_details(view: View, row: Row) -> None:
    plan, out = view.plan, view.console
    assert plan is not None
    _line(out, f"牵头部门：{query.depts_label(plan, row.lead(plan))}")
    if row.participants(plan):
        _line(out, f"参与部门：{query.depts_label(plan, row.participants(plan))}")
    if row.owner or row.contact:
        _line(out, f"责任人：{row.owner or '未设定'}" + (f"（{row.contact}）" if row.contact else ""))
    status = Text("状态：").append_text(status_text(row.status))
    out.print(status.append(f"（{one_line(row.reason)}）" if row.reason else "", style="bright_black"))
    light = query.light(row, view.as_of, view.warn_days)
    said = f"期限：{row.due.isoformat() if row.due else '未设定'}"
    out.print(Text(said + " ").append_text(light_text(light)) if light else Text(said))
    if row.deadline:
        _line(out, f"完成时限（通知原文）：{row.deadline}")
    for record in (ItemRecord(row.id, record) for record in row.history):
        note = f"  {record.said()}" if record.said() else ""
        _line(out, f"  {record.date.isoformat()}  {record.describe()}{note}")


def doc(view: View, plan: Plan) -> None:
    """The document itself: number, issuer, dates, requirements, principles, safeguards, tasks."""
    out, d = view.console, plan.document
    _line(out, d.title, "bold")
    facts = [
        ("通知", d.notice),
        ("文号", d.number),
        ("发文机关", d.issuer),
        ("主送", d.recipients),
        ("成文日期", d.signed),
        ("印发日期", d.printed),
        ("发布日期", d.published),
        ("抄送", d.cc),
        ("附件", d.attachment),
    ]
    for label, value in facts:
        if value:
            _line(out, f"{label}：{value}")
    for heading, text in (("", d.body), ("", plan.preamble), ("总体要求", plan.requirements), ("主要目标", plan.goals)):
        if text:
            if heading:
                out.print(Text(f"\n{heading}", style="bold"))
            _line(out, text)
    for heading, sections in (("基本原则", plan.principles), ("组织保障", plan.safeguards)):
        if sections:
            out.print(Text(f"\n{heading}", style="bold"))
            for section in sections:
                _line(out, f"{section.id}. {section.title}。{section.text}")
    out.print(Text("\n重点任务", style="bold"))
    for task in plan.tasks:
        _line(out, f"{task.id}. {task.title}（牵头部门：{listed(plan.dept_ids(task.lead))}）")
    if plan.tasks_note:
        _line(out, plan.tasks_note)


def depts(view: View, plan: Plan) -> None:
    out, selected = view.console, query.rows(plan)
    rows = []
    for dept in plan.departments:
        led = [row for row in selected if dept.id in row.lead(plan)]
        tasks = list(dict.fromkeys(row.task.id for row in led))
        done, total = query.progress(led)
        rows.append([one_line(dept.id), one_line(dept.name or ""), listed(tasks), str(total), f"{done}/{total}"])
    headers = ["简称", "全称", "牵头任务", "事项", "已完成"]
    fixed = [[r[n] for r in rows] + [headers[n]] for n in (0, 3, 4)]
    names = max([cell_len(r[1]) for r in rows] + [4])
    room = _room(out, fixed, 2)  # shared by the full names and the task ids they lead
    name_room = min(names, max(room // 2, room - max([cell_len(r[2]) for r in rows] + [8])))
    grid = _table()
    for header in headers:
        grid.add_column(header, no_wrap=True)
    for r in rows:
        grid.add_row(Text(r[0]), _broken(out, r[1], name_room), _broken(out, r[2], room - name_room), Text(r[3]),
                     Text(r[4]))  # fmt: skip
    out.print(grid)


def log(view: View, records: list[ItemRecord]) -> None:
    out = view.console
    rows = [(found.date.isoformat(), one_line(found.id), one_line(found.describe()), one_line(found.said()))
            for found in records]  # fmt: skip
    fixed = [[r[0] for r in rows] + ["日期"], [r[1] for r in rows] + ["编号"]]
    room = _room(out, fixed, 2)  # shared by the change (short, mostly) and the note with its evidence
    change = max([cell_len(r[2]) for r in rows] + [4])
    change = change if change <= room // 2 else max(room // 3, 12)
    grid = _table()
    for header in ("日期", "编号", "变化", "说明"):
        grid.add_column(header, no_wrap=True)
    for day, ident, moved, said in rows:
        grid.add_row(Text(day), Text(ident), _broken(out, moved, change), _broken(out, said, room - change))
    out.print(grid)
    out.print(Text(f"共 {len(records)} 条记录", style="dim"))


def summary(view: View, result: Summary) -> None:
    plan, out = view.plan, view.console
    assert plan is not None
    _line(out, f"{plan.document.title} · 截至 {result.as_of.isoformat()} · {view.label}", "bold")
    _line(out, f"总体进度 {bar(result.percent)} {result.done}/{result.total} 已完成（{result.percent}%）")
    _line(out, f"状态：{counts(result.by_status, {k: v for k, v in STATUS_LABELS.items() if k != 'na'})}")
    if result.by_status.get("na"):
        _line(out, f"不适用 {result.by_status['na']} 项，不计入完成率", "bright_black")
    _line(out, f"未完成事项的期限：{counts(result.by_light, LIGHT_AND_NONE)}")
    key, label = {"dept": ("部门", "名称"), "group": ("分组", "标题")}.get(result.by, ("任务", "标题"))
    grid = _table(expand=fills_screen(out))
    grid.add_column(key, no_wrap=True)
    grid.add_column(label, ratio=1, no_wrap=True)
    grid.add_column("进度", no_wrap=True)
    grid.add_column("完成", no_wrap=True, justify="right")
    fixed = [[one_line(g.key) for g in result.groups] + [key], ["█" * 16]]
    fixed.append([f"{g.done}/{g.total} {g.percent:>3}%" for g in result.groups] + ["完成"])
    room = _room(out, fixed, 1)
    for g in result.groups:
        grid.add_row(
            Text(one_line(g.key)),
            _broken(out, g.label, room),
            Text(bar(g.percent, 16), style="green"),
            Text(f"{g.done}/{g.total} {g.percent:>3}%"),
        )
    out.print(grid)
    for heading, style, named in (("逾期事项：", "bold red", result.overdue), ("临期事项：", "yellow", result.close)):
        if named:
            out.print(Text(heading, style=style))
        for row in named:
            line = f"  {row.id}（{listed(row.lead(plan))}）期限 {row.due}，{hint(row, result.as_of)}：{row.text}"
            out.print(Text(one_line(line)), no_wrap=True, overflow="ellipsis")
    if result.blocked:
        out.print(Text("受阻事项：", style="bold red"))
    for row in result.blocked:
        line = f"  {row.id}（{listed(row.lead(plan))}）{query.blocked_reason(row)}：{row.text}"
        out.print(Text(one_line(line)), no_wrap=True, overflow="ellipsis")


def rollup(view: View, result: Rollup) -> None:
    """The roll-up's tables; rollup --units adds 数据来源, where each unit's figures came from."""
    from reformctl.render import rolled

    _rolled(view, result)
    if result.sources:
        _line(view.console, "数据来源", "bold")
        _draw(view, rolled.sources(result), flex=None)  # 说明 never cut: a list per unit where too wide


def _rolled(view: View, result: Rollup) -> None:
    from reformctl.render import rolled

    out = view.console
    _line(out, f"{result.top.document.title} · {len(result.units)} 个单位", "bold")
    if result.by == "task":
        _draw(view, rolled.tasks(result), flex=None)
        return
    if result.by == "rank":
        from reformctl.render.layout import RANK_HEADERS, rank_rows, rank_rule

        if not result.ranks:
            _line(out, "考核排名：没有已到期限的事项，不排名")
            return
        _draw(view, (["名次", "单位", *RANK_HEADERS[2:]], rank_rows(result.ranks)), flex=1)
        _line(out, rank_rule(view.as_of, "单位"), "dim")
        return
    headers, rows = rolled.counts(result)
    zero = [n for n in range(2, len(headers) - 1) if all(row[n] == "0" for row in rows)]
    if zero and not _fits(view, headers, rows, flex=1):  # fewer columns: those all 0, said below
        _line(out, f"（{'、'.join(headers[n] for n in zero)}：均为 0，未列出）", "dim")
        headers, rows = (
            [h for n, h in enumerate(headers) if n not in zero],
            [[c for n, c in enumerate(row) if n not in zero] for row in rows],
        )
    if _fits(view, headers, rows, flex=1):
        body = [[(c, None) for c in row[:-1]] + [(row[-1], "bold red" if row[-1] != "0" else None)] for row in rows]
        draw(view, headers, body, flex=1)
    else:
        _draw(view, (headers, rows), flex=None)
    _draw(view, rolled.focus(result) if result.focus else rolled.units(result), flex=None)
    named = rolled.late(result)
    if result.focus and named[1]:
        _line(out, "逾期单位：", "bold red")
        _draw(view, named, flex=None)


def _draw(view: View, table: tuple[list[str], list[list[str]]], flex: int | None) -> None:
    """A table, or, where it would be wider than the screen and has no column to cut (the
    roll-up's task shares, a unit's reason on one row), a list per row: its first cell, then
    each other cell with its header, as many to a line as fit."""
    headers, rows = table
    if not _fits(view, headers, rows, flex):
        width = view.console.width if terminal() else piped_width()
        for row in rows:
            _listed(
                view.console,
                width,
                row[0],
                [f"{h}：{one_line(c)}" for h, c in zip(headers[1:], row[1:], strict=True) if c],
            )
        return
    draw(view, headers, [[(cell, None) for cell in row] for row in rows], flex=flex)


def _fits(view: View, headers: list[str], rows: list[list[str]], flex: int | None) -> bool:
    """Whether the table fits the screen: at its natural width, or with column `flex` cut to 10."""
    width = view.console.width if terminal() else piped_width()
    natural = [max([cell_len(h)] + [cell_len(one_line(row[n])) for row in rows]) for n, h in enumerate(headers)]
    if flex is not None:
        natural[flex] = min(natural[flex], 10)
    return width == PIPE_WIDTH or sum(natural) + 3 * len(natural) + 1 <= width


def _listed(out: Console, width: int, first: str, said: list[str]) -> None:
    """One row as a list: its first cell on a line, then its cells, whole, four columns in."""
    out.print(Text(one_line(first), style="bold"), no_wrap=True, overflow="ignore")
    line = ""
    for piece in said:
        if line and cell_len(line + " · " + piece) > width - 4:
            out.print(Text("    " + line), no_wrap=True, overflow="ignore")
            line = ""
        if cell_len(piece) > width - 4:  # a long reason: broken as Chinese is (避头尾)
            *whole, line = kinsoku(piece, width - 4)
            for part in whole:
                out.print(Text("    " + part), no_wrap=True, overflow="ignore")
            continue
        line = f"{line} · {piece}" if line else piece
    if line:
        out.print(Text("    " + line), no_wrap=True, overflow="ignore")


def recorded(view: View, outcome: Any) -> None:
    """What an import records (or, with --dry-run, would): one line per record, then what it skipped."""
    rows = [
        [
            p.answer.sheet,
            p.answer.ident,
            p.describe_in(STATUS_LABELS),
            str(p.answer.date),
            (p.answer.note if p.kind == "status" else p.answer.reason) or "",  # what goes in that record
        ]
        for p in outcome.planned
    ]
    if rows:
        _draw(view, (["填报", "编号", "记录", "日期", "说明"], rows), flex=4)
    out = view.console
    if outcome.duplicates:
        _line(out, f"已有相同记录，跳过 {len(outcome.duplicates)} 条", "dim")
    for p in outcome.conflicts:
        _line(
            out,
            f"冲突，跳过：{p.answer.place} {p.answer.ident} 在填报表生成后已有新记录（确要照录请加 --force）",
            "yellow",
        )


def notice_read(view: View, found: Any) -> None:
    """What init --from read from a notice, for a clerk to check before it is written: each task
    and its items, with lead, participants, due day and the 完成时限 it was read from. A table
    where the screen has room (or piped, for a file); on a narrower terminal, a list per task."""
    groups, rows, shown = dict(found.groups), [], None
    for task in found.tasks:
        if task.group and task.group != shown:  # a group's title once, above its tasks
            rows.append(["", f"【{task.group} {groups.get(task.group, '')}】", "", "", "", ""])
            shown = task.group
        rows.append([task.id, task.title, listed(task.lead), listed(task.participants), _day(task.due),
                     task.deadline or ""])  # fmt: skip
        for item in task.items:
            rows.append([item.id, f"  {item.text}", listed(item.lead), listed(item.participants), _day(item.due),
                         item.deadline or ""])  # fmt: skip
    if terminal() and view.console.width < 120:
        for row in rows:
            _notice_row(view.console, row)
        return
    _draw(view, (["编号", "任务 / 事项", "牵头", "参与", "期限", "完成时限（原文）"], rows), flex=1)


def _notice_row(out: Console, row: list[str]) -> None:
    ident, text, lead, part, day, phrase = row
    indent = "    " if "." in ident else ""
    _line(out, f"{indent}{ident} {text.strip()}", None if indent else "bold")
    said = [f"牵头：{lead}" if lead else "", f"参与：{part}" if part else ""]
    said.append(f"期限：{day or '无'}（{phrase}）" if phrase else "")
    if any(said):
        _line(out, f"{indent}    " + " · ".join(x for x in said if x), "dim")


def _day(day: Any) -> str:
    return day.isoformat() if day else ""
