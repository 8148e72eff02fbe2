"""Write back to a plan file as a careful person would by hand: splice, validate, replace.

The new text is the old text with a few spans replaced at the YAML nodes' marks, never a
re-dump, so comments, quoting, flow or block style, CRLF and a BOM all survive. The result
is parsed and validated again and must equal the intended change before it replaces the
file, atomically, under a lock.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from reformctl import files, loader
from reformctl.errors import PlanInvalid, ReformctlError, UsageError, notice
from reformctl.models import STATUS_LABELS, Loc, Plan
from reformctl.query import find, typed

BOM = b"\xef\xbb\xbf"
Splice = tuple[int, int, str]


class Refused(ReformctlError):
    """The edit would not be the small, exact change asked for; nothing was written."""


@dataclass(frozen=True)
class Change:
    """One recorded change of an item's status (field "status") or deadline (field "due")."""

    id: str
    field: str  # "status" or "due"
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
        undo = "撤销：" if self.undone else ""
        unit = f"{self.unit} " if self.unit else ""
        if self.field == "status" and self.before == self.after:
            return f"{unit}{self.id}: {undo}进展 {self.after}{note}"
        what = "期限 " if self.field == "due" else ""
        return f"{unit}{self.id}: {undo}{what}{self.before or '未设定'} → {self.after or '未设定'}{note}"

    def summary(self) -> str:
        """What the clerk is told: 已记录 7.1：未启动 → 推进中；写入 data/tasks-2020.yaml"""
        done = "已撤销" if self.undone else "已记录"
        if self.field == "due":
            said = f"{done} {self.id}：期限 {self.before or '未设定'} → {self.after or '未设定'}"
        elif self.before == self.after:
            said = f"{done} {self.id} 进展（{STATUS_LABELS[self.after or 'todo']}）"
        else:
            said = f"{done} {self.id}：{STATUS_LABELS[self.before or 'todo']} → {STATUS_LABELS[self.after or 'todo']}"
        if self.committed is False:  # an undo that returned the file to HEAD
            return f"{done}；该改动未曾提交，无需提交（{said.split(' ', 1)[1]}；写入 {self.file}）"
        return f"{said}；写入 {self.file}"


# ---------------------------------------------------------------- the edits


def set_status(
    path: Path, ident: str, status: str, date: dt.date, note: str | None, commit: bool = False
) -> Change | None:
    """Set an item's status and append a history record; None when there is nothing to change.
    The same status with a note is a progress note: a record that keeps the status."""
    ident = typed(ident)  # ６．２ is 6.2

    def edit(text: str, current: loader.Loaded) -> tuple[str, Loc, Any, Change | None]:
        loc, mapping, entry = _entry(current, ident)
        before = entry["status"]
        if before == status and not note:
            return text, loc, entry, None
        _check_date(current.plan, entry, date)
        record = {"date": date.isoformat(), "from": before, "status": status, **({"note": note} if note else {})}
        entry["status"] = status
        entry["history"] = [*(entry.get("history") or []), record]
        splices = [_replace_scalar(_value(mapping, "status"), status), _append_record(text, mapping, record)]
        return splice(text, splices), loc, entry, _change(current, ident, "status", before, status, date, note)

    return rewrite(path, edit, commit)


def set_due(
    path: Path, ident: str, due: dt.date, date: dt.date, note: str | None, commit: bool = False
) -> Change | None:
    """Set an item's deadline, recorded in the history (old, new, reason): the first one too,
    with from_due null, so that undo and --as-of know there was none before."""
    ident = typed(ident)  # ６．２ is 6.2

    def edit(text: str, current: loader.Loaded) -> tuple[str, Loc, Any, Change | None]:
        loc, mapping, entry = _entry(current, ident)
        before, after = entry.get("due"), due.isoformat()
        if before == after:
            return text, loc, entry, None
        _check_date(current.plan, entry, date)
        record = {"date": date.isoformat(), "from_due": before, "due": after, **({"note": note} if note else {})}
        entry["history"] = [*(entry.get("history") or []), record]
        if before is None:
            splices = [_insert_after(text, mapping, "status", "due", after)]
        else:
            splices = [_replace_scalar(_value(mapping, "due"), after)]
        splices.append(_append_record(text, mapping, record))
        entry["due"] = after
        return splice(text, splices), loc, entry, _change(current, ident, "due", before, after, date, note)

    return rewrite(path, edit, commit)


def undo(path: Path, ident: str, commit: bool = False) -> Change:
    """Remove the last history record of an item and restore the status (or deadline) before it."""
    ident = typed(ident)  # ６．２ is 6.2

    def edit(text: str, current: loader.Loaded) -> tuple[str, Loc, Any, Change]:
        loc, mapping, entry = _entry(current, ident)
        history = list(entry.get("history") or [])
        if not history:
            raise Refused(f"{ident} 没有进展记录，无可撤销")
        last = history.pop()
        entry["history"] = history
        if not history:
            del entry["history"]
        day = dt.date.fromisoformat(last["date"])
        splices = [_remove_last_record(text, mapping)]
        if last.get("due") is not None:
            if "from_due" not in last:
                raise Refused(f"{ident} 的最后一条记录没有写明调整前的期限（from_due），无法自动撤销，请手工修改")
            if last["from_due"] is None:  # the first deadline: it goes away again
                del entry["due"]
                splices.append(_remove_key(text, mapping, "due"))
            else:
                entry["due"] = last["from_due"]
                splices.append(_replace_scalar(_value(mapping, "due"), last["from_due"]))
            change = _change(current, ident, "due", last["due"], last["from_due"], day, None, undone=True)
            return splice(text, splices), loc, entry, change
        before = last.get("from") or next((r["status"] for r in reversed(history) if r.get("status")), None)
        if before is None:
            raise Refused(f"{ident} 的最后一条记录没有写明之前的状态（from），无法自动撤销，请手工修改")
        entry["status"] = before
        splices.append(_replace_scalar(_value(mapping, "status"), before))
        change = _change(current, ident, "status", last["status"], before, day, last.get("note"), undone=True)
        return splice(text, splices), loc, entry, change

    return rewrite(path, edit, commit)


def _change(current: loader.Loaded, ident: str, field: str, *args: Any, undone: bool = False) -> Change:
    unit = current.plan.unit.name if current.plan.unit else None
    return Change(ident, field, *args, undone=undone, unit=unit, file=loader.display(current.path))


def _check_date(plan: Plan, entry: dict[str, Any], date: dt.date) -> None:
    """A record dated after today, or before the plan was signed, is no date a clerk meant.
    One dated before the item's latest record is kept (late paperwork happens), with a word."""
    today = dt.date.today()
    if date > today:
        raise UsageError(f"记录日期 {date} 晚于今天（{today}），未写入")
    signed = plan.document.signed
    if signed is not None and date < signed:
        raise UsageError(f"记录日期 {date} 早于计划的成文日期 {signed}，未写入")
    latest = max((str(r.get("date")) for r in entry.get("history") or [] if isinstance(r, dict)), default=None)
    if latest is not None and date.isoformat() < latest:
        notice(f"注意：记录日期 {date} 早于该事项最近一条记录（{latest}）；已照写，log 仍按日期排列")


def _entry(current: loader.Loaded, ident: str) -> tuple[Loc, yaml.Node, dict[str, Any]]:
    """Where the entry is, its node, and a copy of its plain data to change into the expected one."""
    loc = entry_loc(current.plan, ident)
    assert current.root is not None
    return loc, loader.find_node(current.root, loc), dict(_at(current.data, loc))


def entry_loc(plan: Plan, ident: str) -> Loc:
    """Where an item, or a task without items, sits in the file; a task with items is refused."""
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


def _at(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


# ---------------------------------------------------------------- the write path


Edit = Callable[[str, loader.Loaded], tuple[str, Loc, Any, Any]]


def rewrite(path: Path, edit: Edit, commit: bool = False) -> Any:
    """Lock, read, edit, validate, compare with the intended change, replace atomically, and
    (with commit) commit exactly that change, still under the lock so writers keep their order."""
    name = loader.display(path)
    target = writable(path)
    committer = None
    if commit:
        from reformctl.git import Committer

        committer = Committer(path)
    with files.locked(target, name):
        raw = files.read_bytes(target, name)
        text = loader.decode(raw, name)
        current = loader.parse(text, name, path)
        new_text, loc, expected, change = edit(text, current)
        if change is None or new_text == text:
            return change
        try:
            new = loader.parse(new_text, name, path)
        except PlanInvalid as exc:
            raise Refused(f"{name}: 修改后的文件无法通过校验，未写入：{exc.problems[0].message}") from None
        if not same_except(current.data, new.data, loc, expected):
            raise Refused(f"{name}: 这一处的写法无法精确修改，未写入；请手工编辑")
        data = (BOM if raw.startswith(BOM) else b"") + new_text.encode("utf-8")
        to_commit = committer.ready(data) if committer else False
        files.write_atomic(target, data, name)
        if committer is None:
            return change
        if to_commit:
            committer.commit(change.message())
        return replace(change, committed=to_commit)


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


# ---------------------------------------------------------------- splicing text at node marks


def splice(text: str, splices: list[Splice]) -> str:
    for start, end, new in sorted(splices, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _key_value(mapping: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    return next(((k, v) for k, v in mapping.value if k.value == key), None)


def _value(mapping: yaml.Node, key: str) -> yaml.Node:
    pair = _key_value(mapping, key)
    if pair is None:
        raise Refused(f"找不到 {key}")
    return pair[1]


def _replace_scalar(node: yaml.Node, value: str) -> Splice:
    quote = {'"': '"', "'": "'"}.get(node.style or "", "")
    if not isinstance(node, yaml.ScalarNode) or (node.style and not quote):
        raise Refused(f"第 {node.start_mark.line + 1} 行的写法无法精确修改，请手工编辑")
    return node.start_mark.index, node.end_mark.index, f"{quote}{value}{quote}"


def _end(node: yaml.Node) -> int:
    """Where a node's own text ends. A block collection's end mark lies at the next token,
    past comments and blank lines that belong to what follows, so ask its last child."""
    if isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _end(last[1] if isinstance(last, tuple) else last)
    return node.end_mark.index


def _after_line(text: str, index: int) -> int:
    """The start of the line after the one holding text[index - 1]."""
    if index > 0 and text[index - 1] == "\n":
        return index
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _record_lines(record: dict[str, str | None]) -> list[str]:
    return [f"{key}: {'null' if value is None else value}" for key, value in record.items()]


# What must never stand raw in the file: YAML's own line breaks (NEL, LS, PS), the other C1
# controls and DEL, and the bidi marks (which would reorder what a reviewer sees in a diff).
_ESCAPE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def scalar(value: str) -> str:
    """Plain when YAML reads it back as the same text, in a flow mapping and as a block value;
    else double-quoted, with every control character and bidi mark written as an escape (\\u202e)."""
    if not _ESCAPE.search(value) and value.isprintable() and value.strip() == value:
        try:  # in a flow mapping and as a block value; standard resolvers: a date-like note gets quoted
            back = [yaml.safe_load(f"{{k: {value}}}"), yaml.safe_load(f"k: {value}\n")]
        except Exception:  # a YAML error, or a date-like value that is no date (2020-13-45)
            back = None
        if back == [{"k": value}] * 2:
            return value
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def _append_record(text: str, mapping: yaml.Node, record: dict[str, str | None]) -> Splice:
    """Add a history record in the style the item already uses; only a note may need quotes."""
    record = {key: scalar(value) if key == "note" and value is not None else value for key, value in record.items()}
    nl = _newline(text)
    flow = "{" + ", ".join(_record_lines(record)) + "}"
    pair = _key_value(mapping, "history")
    if pair is None:
        last_value = mapping.value[-1][1]
        if mapping.flow_style:
            at = _end(last_value)
            return at, at, f", history: [{flow}]"
        indent = " " * mapping.value[0][0].start_mark.column
        at = _after_line(text, _end(last_value))
        lead = nl if at == len(text) and not text.endswith("\n") else ""
        return at, at, f"{lead}{indent}history:{nl}{indent}  - {flow}{nl}"
    history = pair[1]
    if not isinstance(history, yaml.SequenceNode):
        raise Refused(f"第 {history.start_mark.line + 1} 行：history 应为列表，请手工修正")
    if history.flow_style:
        if not history.value:
            at = history.start_mark.index + 1
            return at, at, flow
        at = _end(history.value[-1])
        return at, at, f", {flow}"
    last = history.value[-1]
    dash = " " * history.start_mark.column
    at = _after_line(text, _end(last))
    lead = nl if at == len(text) and not text.endswith("\n") else ""
    if isinstance(last, yaml.MappingNode) and not last.flow_style:
        inner = " " * last.start_mark.column
        block = f"{nl}{inner}".join(_record_lines(record))
        return at, at, f"{lead}{dash}- {block}{nl}"
    return at, at, f"{lead}{dash}- {flow}{nl}"


def _insert_after(text: str, mapping: yaml.Node, after: str, key: str, value: str) -> Splice:
    """A new `key: value` right after the line of `after` (block) or after its value (flow)."""
    _, anchor = _key_value(mapping, after) or (None, mapping.value[-1][1])
    if mapping.flow_style:
        at = _end(anchor)
        return at, at, f", {key}: {value}"
    indent = " " * mapping.value[0][0].start_mark.column
    at = _after_line(text, _end(anchor))
    lead = _newline(text) if at == len(text) and not text.endswith("\n") else ""
    return at, at, f"{lead}{indent}{key}: {value}{_newline(text)}"


def _remove_key(text: str, mapping: yaml.Node, key: str) -> Splice:
    """Take `key: value` out of a mapping, with its line (block) or its comma (flow)."""
    pairs = [k for k, _ in mapping.value]
    found = _key_value(mapping, key)
    if found is None or pairs.index(found[0]) == 0:
        raise Refused(f"找不到可删去的 {key}")
    name, value = found
    if mapping.flow_style:
        previous = mapping.value[pairs.index(name) - 1][1]
        return _end(previous), _end(value), ""
    start = _line_start(text, name.start_mark.index)
    if text[start : name.start_mark.index].strip():
        raise Refused(f"第 {name.start_mark.line + 1} 行的写法无法精确修改，请手工编辑")
    return start, _after_line(text, _end(value)), ""


def _remove_last_record(text: str, mapping: yaml.Node) -> Splice:
    key, history = _key_value(mapping, "history") or (None, None)
    if key is None or not isinstance(history, yaml.SequenceNode) or not history.value:
        raise Refused("没有可撤销的进展记录")
    if len(history.value) == 1:
        return _remove_key(text, mapping, "history")  # the only record: the key goes, as it was before
    last = history.value[-1]
    if history.flow_style:
        return _end(history.value[-2]), _end(last), ""
    start = _line_start(text, last.start_mark.index)
    if not re.fullmatch(r"\s*-\s*", text[start : last.start_mark.index]):
        raise Refused(f"第 {last.start_mark.line + 1} 行的写法无法精确修改，请手工编辑")
    return start, _after_line(text, _end(last)), ""
