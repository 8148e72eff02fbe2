"""The write path: a change to a plan file, spliced into its text, proved and written whole.

Under the file's lock (files.locked) the text is read, each edit splices it (splice.py), and the
result is parsed and validated again: it must read back as the old data with exactly the intended
change at the row, and nothing else, before it replaces the file atomically. With --commit it
is then committed (git.py), still under the lock, so writers keep their order. The edits
themselves, and the words of a change, live in edit.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from reformctl import files, loader, reader
from reformctl.errors import PlanInvalid, Refused
from reformctl.models import STATUS_LABELS, Loc, Plan
from reformctl.query import find

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, kw_only=True)
class Change:
    """One recorded change of a row's status or deadline (or the undoing of one)."""

    id: str
    kind: Literal["status", "due", "assign", "remind"]  # assign and remind: `after` holds their words
    before: str | None
    after: str | None
    date: dt.date
    note: str | None = None
    undone: bool = False
    unit: str | None = None  # the plan's unit, named in the commit message
    file: str = ""  # the file written, as the user would type it
    committed: bool | None = None  # with --commit: False when there was nothing to commit
    notices: tuple[str, ...] = ()  # words for the clerk that did not stop the change (a back-dated record)

    def message(self) -> str:
        """The commit message: 6.2: todo → done（试点城市已签约）, 武汉市科协 6.2: 期限 2020-10-01 → 2020-12-31（…）"""
        note = f"（{self.note}）" if self.note else ""
        unit = f"{self.unit} " if self.unit else ""
        what = "期限 " if self.kind == "due" else ""
        moved = (
            self.after
            if self.kind in ("assign", "remind")
            else f"{what}{self.before or '未设定'} → {self.after or '未设定'}"
        )
        if self.undone:  # 撤销 2 的上一条记录（done → doing）
            return f"{unit}撤销 {self.id} 的上一条记录（{moved}）"
        if self.kind == "status" and self.before == self.after:
            return f"{unit}{self.id}: 进展 {self.after}{note}"
        return f"{unit}{self.id}: {moved}{note}"

    def summary(self) -> str:
        """What the clerk is told: 已记录 7.1：未启动 → 推进中；写入 data/tasks-2020.yaml"""
        done = "已撤销" if self.undone else "已记录"
        if self.kind in ("assign", "remind"):
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
        node = reader.find_node(source.root, self.loc)
        assert isinstance(node, yaml.MappingNode)  # a row validated as a mapping
        self.node = node
        found = source.data
        for part in self.loc:
            found = found[part]
        self.values: dict[str, Any] = dict(found)


# What an edit returns: the new text, the row it changed, and the change (None: nothing to do).
Edit = Callable[[str, reader.Source], tuple[str, Target, Any]]


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
        said = tuple(committer.notices)  # a detached HEAD: said once, with the last change
        last = len(changes) - 1
        return [
            replace(c, committed=to_commit, notices=c.notices + (said if n == last else ()))
            for n, c in enumerate(changes)
        ]


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
