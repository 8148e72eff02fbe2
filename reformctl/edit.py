"""Record a change in a plan file as a careful person would by hand: splice, validate, replace.

A change is spliced into the text (splice.py), the result parsed and validated again, and it
must equal the intended change before it replaces the file, atomically and under the file's
lock (files.locked); with --commit it is then committed alone (git.py), still under the lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from reformctl import files, loader, reader, splice
from reformctl.errors import PlanInvalid, Refused, UsageError, notice
from reformctl.models import ASSIGNED, NOT_APPLICABLE, STATUS_LABELS, Loc, Plan
from reformctl.query import find, moved_words, typed

__all__ = ["Refused"]

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, kw_only=True)
class Change:
    """One recorded change of a row's status or deadline (or the undoing of one)."""

    id: str
    kind: Literal["status", "due", "assign"]
    before: str | None
    after: str | None
    date: dt.date
    note: str | None = None
    undone: bool = False
    unit: str | None = None  # the plan's unit, named in the commit message
    file: str = ""  # the file written, as the user would type it
    committed: bool | None = None  # with --commit: False when there was nothing to commit

    def message(self) -> str:
        """The commit message: 6.2: todo → done（试点城市已签约）, 武汉市科协 6.2: 期限 2020-10-01 → 2020-12-31（…）"""
        note = f"（{self.note}）" if self.note else ""
        unit = f"{self.unit} " if self.unit else ""
        what = "期限 " if self.kind == "due" else ""
        moved = self.after if self.kind == "assign" else f"{what}{self.before or '未设定'} → {self.after or '未设定'}"
        if self.undone:  # 撤销 2 的上一条记录（done → doing）
            return f"{unit}撤销 {self.id} 的上一条记录（{moved}）"
        if self.kind == "status" and self.before == self.after:
            return f"{unit}{self.id}: 进展 {self.after}{note}"
        return f"{unit}{self.id}: {moved}{note}"

    def summary(self) -> str:
        """What the clerk is told: 已记录 7.1：未启动 → 推进中；写入 data/tasks-2020.yaml"""
        done = "已撤销" if self.undone else "已记录"
        if self.kind == "assign":
            said = f"{done} {self.id}：{self.after}"
        elif self.kind == "due":
            said = f"{done} {self.id}：期限 {self.before or '未设定'} → {self.after or '未设定'}"
        elif self.before == self.after:
            said = f"{done} {self.id} 进展（{STATUS_LABELS[self.after or 'todo']}）"
        else:
            said = f"{done} {self.id}：{STATUS_LABELS[self.before or 'todo']} → {STATUS_LABELS[self.after or 'todo']}"
        if self.committed is False:  # an undo that returned the file to HEAD
            return f"{done}；该改动未曾提交，无需提交（{said.split(' ', 1)[1]}；写入 {self.file}）"
        return f"{said}；写入 {self.file}"


class Target:
    """The row being changed, as the write path sees it: where it is, its node, and a copy of
    its plain values, which the edit turns into the values expected after the change."""

    __slots__ = ("ident", "loc", "node", "values")

    def __init__(self, source: reader.Source, ident: str):
        self.ident = ident
        self.loc = row_loc(source.plan, ident)
        self.node = reader.find_node(source.root, self.loc)
        found = source.data
        for part in self.loc:
            found = found[part]
        self.values: dict[str, Any] = dict(found)


# What an edit returns: the new text, the row it changed, and the change (None: nothing to do).
Edit = Callable[[str, reader.Source], tuple[str, Target, Any]]


def set_status(
    path: Path,
    ident: str,
    status: str,
    date: dt.date,
    note: str | None,
    commit: bool = False,
    by: str | None = None,
    links: list[str] | None = None,
) -> Change | None:
    """Set a row's status and append a history record; None when there is nothing to change.
    The same status with a note is a progress note: a record that keeps the status."""
    return rewrite(path, status_edit(ident, status, date, note, by, links), commit)


def status_edit(
    ident: str, status: str, date: dt.date, note: str | None, by: str | None = None, links: list[str] | None = None
) -> Edit:
    """The edit that set_status makes, for rewrite or, with others, rewrite_all."""
    ident = typed(ident)  # ６．２ is 6.2
    if status == NOT_APPLICABLE and not (note or "").strip():
        raise UsageError(f"{ident} 设为不适用需写明理由：请加 --note，如 --note 本地无此项工作")

    def edit(text: str, source: reader.Source) -> tuple[str, Target, Change | None]:
        target = Target(source, ident)
        values = target.values
        before = values["status"]
        if before == status and not note and not links:
            return text, target, None
        _check_date(source.plan, values, date)
        record = {"date": date.isoformat(), "from": before, "status": status, **_said(note, by)}
        record.update({"links": links} if links else {})
        values["status"] = status
        values["history"] = [*(values.get("history") or []), record]
        node = target.node
        splices = [splice.replace_scalar(splice.value_of(node, "status"), status)]
        splices.append(splice.append_record(text, node, record))
        change = _change(source, ident, "status", before, status, date, note)
        return splice.apply(text, splices), target, change

    return edit


def set_due(
    path: Path, ident: str, due: dt.date, date: dt.date, note: str | None, commit: bool = False, by: str | None = None
) -> Change | None:
    """Set a row's deadline, recorded in the history (old, new, reason): the first one too,
    with from_due null, so that undo and --as-of know there was none before."""
    return rewrite(path, due_edit(ident, due, date, note, by), commit)


def due_edit(ident: str, due: dt.date, date: dt.date, note: str | None, by: str | None = None) -> Edit:
    """The edit that set_due makes, for rewrite or, with others, rewrite_all."""
    ident = typed(ident)  # ６．２ is 6.2

    def edit(text: str, source: reader.Source) -> tuple[str, Target, Change | None]:
        target = Target(source, ident)
        values, node = target.values, target.node
        before, after = values.get("due"), due.isoformat()
        if before == after:
            return text, target, None
        _check_date(source.plan, values, date)
        record = {"date": date.isoformat(), "from_due": before, "due": after, **_said(note, by)}
        values["history"] = [*(values.get("history") or []), record]
        if before is None:
            splices = [splice.insert_after(text, node, "status", [("due", after)])]
        else:
            splices = [splice.replace_scalar(splice.value_of(node, "due"), after)]
        splices.append(splice.append_record(text, node, record))
        values["due"] = after
        change = _change(source, ident, "due", before, after, date, note)
        return splice.apply(text, splices), target, change

    return edit


def assign(
    path: Path, ident: str, wanted: dict[str, Any], date: dt.date, note: str | None, commit: bool = False
) -> Change | None:
    """Set a row's owner, contact or participants (those given in `wanted`), recorded as one
    record {date, from_owner, owner, …, note}; None when nothing changes."""
    ident = typed(ident)  # ６．２ is 6.2

    def edit(text: str, source: reader.Source) -> tuple[str, Target, Change | None]:
        target = Target(source, ident)
        values, node = target.values, target.node
        moved = {key: new for key, new in wanted.items() if new is not None and values.get(key) != new}
        if not moved:
            return text, target, None
        _check_date(source.plan, values, date)
        record: dict[str, Any] = {"date": date.isoformat()}
        splices, added = [], []
        for key, new in moved.items():
            record[f"from_{key}"], record[key] = values.get(key), new
            shown = splice.value_text(key, new) or ""
            if key in values:
                splices.append(splice.replace_value(splice.value_of(node, key), shown))
            else:
                added.append((key, shown))
            values[key] = new
        if added:  # new keys go right after the row's text, before its status and history
            splices.append(splice.insert_after(text, node, "text", added))
        record.update(_said(note, None))
        values["history"] = [*(values.get("history") or []), record]
        splices.append(splice.append_record(text, node, record))
        said = moved_words(((key, record[f"from_{key}"], new) for key, new in moved.items()))
        change = _change(source, ident, "assign", None, said, date, note)
        return splice.apply(text, splices), target, change

    return rewrite(path, edit, commit)


def undo(path: Path, ident: str, commit: bool = False) -> Change:
    """Remove the last history record of a row and restore the status (or deadline) before it."""
    ident = typed(ident)  # ６．２ is 6.2

    def edit(text: str, source: reader.Source) -> tuple[str, Target, Change]:
        target = Target(source, ident)
        values, node = target.values, target.node
        history = list(values.get("history") or [])
        if not history:
            raise Refused(f"{ident} 没有进展记录，无可撤销")
        last = history.pop()
        values["history"] = history
        if not history:
            del values["history"]
        day = dt.date.fromisoformat(last["date"])
        splices = [splice.remove_last_record(text, node)]
        if any(last.get(key) is not None for key in ASSIGNED):
            return _undo_assignment(text, source, target, last, splices)
        if last.get("due") is not None:
            if "from_due" not in last:
                raise Refused(f"{ident} 的最后一条记录没有写明调整前的期限（from_due），无法自动撤销，请手工修改")
            if last["from_due"] is None:  # the first deadline: it goes away again
                del values["due"]
                splices.append(splice.remove_key(text, node, "due"))
            else:
                values["due"] = last["from_due"]
                splices.append(splice.replace_scalar(splice.value_of(node, "due"), last["from_due"]))
            change = _change(source, ident, "due", last["due"], last["from_due"], day, None, undone=True)
            return splice.apply(text, splices), target, change
        before = last.get("from") or next((r["status"] for r in reversed(history) if r.get("status")), None)
        if before is None:
            raise Refused(f"{ident} 的最后一条记录没有写明之前的状态（from），无法自动撤销，请手工修改")
        values["status"] = before
        splices.append(splice.replace_scalar(splice.value_of(node, "status"), before))
        change = _change(source, ident, "status", last["status"], before, day, last.get("note"), undone=True)
        return splice.apply(text, splices), target, change

    return rewrite(path, edit, commit)


def _undo_assignment(
    text: str, source: reader.Source, target: Target, last: dict[str, Any], splices: list[splice.Splice]
) -> tuple[str, Target, Change]:
    """Take back an assignment: each field to what it was, or away if there was none."""
    values, node = target.values, target.node
    ident, day = target.ident, dt.date.fromisoformat(last["date"])
    for key in (k for k in ASSIGNED if last.get(k) is not None):
        before = last.get(f"from_{key}")
        if before is None:
            del values[key]
            splices.append(splice.remove_key(text, node, key))
        else:
            values[key] = before
            splices.append(splice.replace_value(splice.value_of(node, key), splice.value_text(key, before) or ""))
    said = moved_words((k, last.get(k), last.get(f"from_{k}")) for k in ASSIGNED if last.get(k) is not None)
    change = _change(source, ident, "assign", None, said, day, None, undone=True)
    return splice.apply(text, splices), target, change


def _said(note: str | None, by: str | None) -> dict[str, str]:
    """A record's note and who reported it, when given."""
    return {**({"note": note} if note else {}), **({"by": by} if by else {})}


def _change(
    source: reader.Source,
    ident: str,
    kind: Literal["status", "due", "assign"],
    before: str | None,
    after: str | None,
    date: dt.date,
    note: str | None,
    undone: bool = False,
) -> Change:
    """The change an edit makes; rewrite names the file it was written to."""
    unit = source.plan.unit.name if source.plan.unit else None
    return Change(id=ident, kind=kind, before=before, after=after, date=date, note=note, undone=undone, unit=unit)


def _check_date(plan: Plan, values: dict[str, Any], date: dt.date) -> None:
    """A record dated after today, or before the plan was signed, is no date a clerk meant.
    One dated before the row's latest record is kept (late paperwork happens), with a word."""
    today = dt.date.today()
    if date > today:
        raise UsageError(f"记录日期 {date} 晚于今天（{today}），未写入")
    signed = plan.document.signed
    if signed is not None and date < signed:
        raise UsageError(f"记录日期 {date} 早于计划的成文日期 {signed}，未写入")
    latest = max((str(r.get("date")) for r in values.get("history") or [] if isinstance(r, dict)), default=None)
    if latest is not None and date.isoformat() < latest:
        notice(f"注意：记录日期 {date} 早于该事项最近一条记录（{latest}）；已照写，log 仍按日期排列")


def row_loc(plan: Plan, ident: str) -> Loc:
    """Where a row (an item, or a task without items) sits in the file; a task with items is refused."""
    for t, task in enumerate(plan.tasks):
        if task.id == ident and task.items is not None:
            ids = "、".join(item.id for item in task.items)
            raise Refused(f"任务 {ident} 有编号事项，其状态由事项汇总，请分别设置：{ids}")
        if task.id == ident:
            return ("tasks", t)
        for i, item in enumerate(task.items or []):
            if item.id == ident:
                return ("tasks", t, "items", i)
    find(plan, ident)  # raises, with the nearest ids
    raise AssertionError(ident)


# ---------------------------------------------------------------- the write path


def rewrite(path: Path, edit: Edit, commit: bool = False) -> Any:
    """Lock, read, edit, validate, compare with the intended change, replace atomically, and
    (with commit) commit exactly that change, still under the lock so writers keep their order.
    Returns the change, or None when there was nothing to change."""
    changes = rewrite_all(path, [edit], commit, lambda changes: changes[0].message())
    return changes[0] if changes else None


def rewrite_all(path: Path, edits: list[Edit], commit: bool, message: Callable[[list[Change]], str]) -> list[Change]:
    """Several edits as one change to the file: one lock, each edit spliced into the text the
    one before left and proved as `status set` proves its own, one replace, and (with commit) one
    commit with `message`. Any edit refused: nothing is written. Returns the changes made."""
    name = loader.display(path)
    committer = None
    if commit:
        from reformctl.git import Committer

        committer = Committer(path)
    with files.locked(writable(path), name) as held:
        raw = held.read()
        text = reader.decode(raw, name)
        source: reader.Source | None = reader.parse(text, name)
        changes: list[Change] = []
        for n, edit in enumerate(edits):
            assert source is not None  # only the last edit's check skips the node tree
            new_text, target, change = edit(text, source)  # the edit changes copies: source.data stays
            if change is None or new_text == text:
                continue
            source = check_splice(name, source.data, new_text, target, nodes=n < len(edits) - 1)
            text = new_text
            changes.append(replace(change, file=name))
        if not changes:
            return changes
        data = (BOM if raw.startswith(BOM) else b"") + text.encode("utf-8")
        to_commit = committer.ready(data) if committer else False
        held.write(data)
        if committer is None:
            return changes
        if to_commit:
            committer.commit(message(changes))
        return [replace(change, committed=to_commit) for change in changes]


def check_splice(name: str, old: Any, new_text: str, target: Target, nodes: bool = False) -> reader.Source | None:
    """The spliced text must validate, and read back as the old data with exactly the intended
    change at the row, and nothing else: else Refused, and nothing is written. With nodes, the
    new text's Source, for the next edit; without, None (a cheaper check with no node tree)."""
    try:
        source = reader.parse(new_text, name) if nodes else None
        new = source.data if source else reader.checked_data(new_text, name)
    except PlanInvalid as exc:
        raise Refused(f"{name}: 修改后的文件无法通过校验，未写入：{exc.problems[0].message}") from None
    if not same_except(old, new, target.loc, target.values):
        raise Refused(f"{name}: 这一处的写法无法精确修改，未写入；请手工编辑")
    return source


def same_except(old: Any, new: Any, loc: Loc, expected: Any) -> bool:
    """new equals old everywhere, except at loc, where it equals expected: the edit changed
    exactly what was asked and nothing else (compared as plain data, which is cheap)."""
    if not loc:
        return bool(new == expected)
    if type(old) is not type(new):
        return False
    part, rest = loc[0], loc[1:]
    if isinstance(old, dict):
        same = old.keys() == new.keys() and all(new[k] == v for k, v in old.items() if k != part)
    else:
        same = len(old) == len(new) and all(new[i] == v for i, v in enumerate(old) if i != part)
    return same and same_except(old[part], new[part], rest, expected)


def writable(path: Path) -> Path:
    """The real file to replace (a symlink's target), refusing the package's own copy."""
    name = loader.display(path)
    target = files.writable(path, name)
    if target == loader.bundled_path().resolve():
        raise Refused(
            "这是安装包内置的计划，不能修改：请在工作目录运行 reformctl init，创建可写的 data/tasks-2020.yaml"
        )
    return target
