"""Write back to a plan file as a careful person would by hand: splice, validate, replace.

The new text is the old text with a few spans replaced at the YAML nodes' marks, never a
re-dump, so comments, quoting, flow or block style, CRLF and a BOM all survive. The result
is parsed and validated again and must equal the intended change before it replaces the
file, atomically, under a lock.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reformctl import loader
from reformctl.errors import PlanInvalid, ReformctlError
from reformctl.models import STATUS_LABELS, Loc, Plan
from reformctl.query import find, typed

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; see README
    fcntl = None  # type: ignore[assignment]

BOM = b"\xef\xbb\xbf"
LOCK_TIMEOUT = 30.0
Splice = tuple[int, int, str]


class Refused(ReformctlError):
    """The edit would not be the small, exact change asked for; nothing was written."""


@dataclass(frozen=True)
class Change:
    """One recorded change of an item's status (field "status") or deadline (field "due")."""

    id: str
    before: str | None
    after: str | None
    date: dt.date
    note: str | None = None
    undone: bool = False
    field: str = "status"

    def message(self) -> str:
        """The commit message: 6.2: todo → done（试点城市已签约）, 6.2: 期限 2020-10-01 → 2020-12-31（…）"""
        note = f"（{self.note}）" if self.note else ""
        undo = "撤销：" if self.undone else ""
        what = "期限 " if self.field == "due" else ""
        return f"{self.id}: {undo}{what}{self.before or '未设定'} → {self.after or '未设定'}{note}"

    def summary(self) -> str:
        if self.field == "due":
            labels = f"期限 {self.before or '未设定'} → {self.after or '未设定'}"
        else:
            labels = f"{STATUS_LABELS[self.before or 'todo']} → {STATUS_LABELS[self.after or 'todo']}"
        return f"{'已撤销' if self.undone else '已记录'} {self.id}：{labels}"


# ---------------------------------------------------------------- the edits

Then = Callable[[Any], None] | None


def set_status(
    path: Path, ident: str, status: str, date: dt.date, note: str | None, then: Then = None
) -> Change | None:
    """Set an item's status and append a history record; None when there is nothing to change."""
    ident = typed(ident)  # ６．２ is 6.2

    def edit(text: str, current: loader.Loaded) -> tuple[str, Loc, Any, Change | None]:
        loc, mapping, entry = _entry(current, ident)
        before = entry["status"]
        if before == status and not note:
            return text, loc, entry, None
        record = {"date": date.isoformat(), "from": before, "status": status, **({"note": note} if note else {})}
        entry["status"] = status
        entry["history"] = [*(entry.get("history") or []), record]
        splices = [_replace_scalar(_value(mapping, "status"), status), _append_record(text, mapping, record)]
        return splice(text, splices), loc, entry, Change(ident, before, status, date, note)

    return rewrite(path, edit, then)


def set_due(path: Path, ident: str, due: dt.date, date: dt.date, note: str | None, then: Then = None) -> Change | None:
    """Set an item's deadline; moving an existing one also records it (old, new, reason) in the history."""
    ident = typed(ident)  # ６．２ is 6.2

    def edit(text: str, current: loader.Loaded) -> tuple[str, Loc, Any, Change | None]:
        loc, mapping, entry = _entry(current, ident)
        before, after = entry.get("due"), due.isoformat()
        if before == after:
            return text, loc, entry, None
        if before is None:
            splices = [_insert_after(text, mapping, "status", "due", after)]
        else:
            record = {"date": date.isoformat(), "from_due": before, "due": after, **({"note": note} if note else {})}
            entry["history"] = [*(entry.get("history") or []), record]
            splices = [_replace_scalar(_value(mapping, "due"), after), _append_record(text, mapping, record)]
        entry["due"] = after
        return splice(text, splices), loc, entry, Change(ident, before, after, date, note, field="due")

    return rewrite(path, edit, then)


def undo(path: Path, ident: str, then: Then = None) -> Change:
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
            if last.get("from_due") is None:
                raise Refused(f"{ident} 的最后一条记录没有写明调整前的期限（from_due），无法自动撤销，请手工修改")
            entry["due"] = last["from_due"]
            splices.append(_replace_scalar(_value(mapping, "due"), last["from_due"]))
            change = Change(ident, last["due"], last["from_due"], day, None, True, "due")
            return splice(text, splices), loc, entry, change
        before = last.get("from") or next((r["status"] for r in reversed(history) if r.get("status")), None)
        if before is None:
            raise Refused(f"{ident} 的最后一条记录没有写明之前的状态（from），无法自动撤销，请手工修改")
        entry["status"] = before
        splices.append(_replace_scalar(_value(mapping, "status"), before))
        return splice(text, splices), loc, entry, Change(ident, last["status"], before, day, last.get("note"), True)

    return rewrite(path, edit, then)


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


def rewrite(path: Path, edit: Edit, then: Then = None) -> Any:
    """Lock, read, edit, validate, compare with the intended change, replace atomically;
    then (still under the lock, so concurrent writers keep their order) run `then`."""
    target = writable(path)
    name = loader.display(path)
    with locked(target, name):
        raw = read(target, name)
        text = loader.decode(raw, name)
        current = loader.parse(text, name, target)
        new_text, loc, expected, result = edit(text, current)
        if result is None or new_text == text:
            return result
        try:
            new = loader.parse(new_text, name, target)
        except PlanInvalid as exc:
            raise Refused(f"{name}: 修改后的文件无法通过校验，未写入：{exc.problems[0].message}") from None
        if not _same_except(current.data, new.data, loc, expected):
            raise Refused(f"{name}: 这一处的写法无法精确修改，未写入；请手工编辑")
        write_atomic(target, (BOM if raw.startswith(BOM) else b"") + new_text.encode("utf-8"), name)
        if then is not None:
            then(result)
    return result


def _same_except(old: Any, new: Any, loc: Loc, expected: Any) -> bool:
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
    return same and _same_except(old[part], new[part], rest, expected)


def writable(path: Path) -> Path:
    """The real file to replace (a symlink's target), refusing the package's own copy."""
    name = loader.display(path)
    target = Path(os.path.realpath(path))
    if target == loader.bundled_path().resolve():
        raise Refused(
            "这是安装包内置的计划，不能修改：请在工作目录运行 reformctl init，创建可写的 data/tasks-2020.yaml"
        )
    if not target.is_file():
        raise ReformctlError(f"{name}: 找不到文件")
    if not target.stat().st_mode & 0o222 or not os.access(target, os.W_OK):
        raise Refused(f"{name}: 文件是只读的，未修改")
    if not os.access(target.parent, os.W_OK):
        raise Refused(f"{name}: 所在文件夹不可写，未修改")
    return target


def read(target: Path, name: str) -> bytes:
    try:
        return target.read_bytes()
    except OSError as exc:
        raise ReformctlError(f"{name}: 无法读取：{exc.strerror or exc}") from None


@contextmanager
def locked(target: Path, name: str) -> Iterator[None]:
    """An exclusive lock on the file itself. A writer that waited may find the file replaced
    under it (a new inode): it then locks the new one, so no update is ever lost."""
    if fcntl is None:
        yield
        return
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        fd = os.open(target, os.O_RDONLY)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise Refused(f"{name}: 文件正被另一个 reformctl 进程修改，请稍后再试") from None
                    time.sleep(0.01)
            if os.fstat(fd).st_ino == os.stat(target).st_ino:
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield
    finally:
        os.close(fd)


def write_atomic(target: Path, data: bytes, name: str) -> None:
    """Write beside the target, fsync, then os.replace: a crash leaves the old file whole.

    Where Linux allows it the data goes to an unnamed file (O_TMPFILE) that gets a name
    only for the instant before the rename, so even a SIGKILL mid-write leaves nothing."""
    temp = target.with_name(f".{target.name}.reformctl-tmp")
    mode = target.stat().st_mode & 0o7777 if target.exists() else None
    fd = -1
    try:
        temp.unlink(missing_ok=True)  # left by a killed writer; we hold the lock
        try:
            fd = os.open(target.parent, os.O_TMPFILE | os.O_WRONLY, 0o666 if mode is None else mode)
            named = False
        except (AttributeError, OSError):
            fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666 if mode is None else mode)
            named = True
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if mode is not None:
            os.fchmod(fd, mode)  # the old file's, not the umask's
        os.fsync(fd)
        if not named:
            # A dir_fd makes CPython call linkat(AT_SYMLINK_FOLLOW), which can name the file.
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.link(f"/proc/self/fd/{fd}", temp.name, dst_dir_fd=folder)
            finally:
                os.close(folder)
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        reason = "磁盘已满" if exc.errno in (errno.ENOSPC, errno.EFBIG) else exc.strerror or str(exc)
        raise ReformctlError(f"{name}: 无法写入（{reason}），文件未改变") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    finally:
        if fd >= 0:
            os.close(fd)
    _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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


def _record_lines(record: dict[str, str]) -> list[str]:
    return [f"{key}: {value}" for key, value in record.items()]


def scalar(value: str) -> str:
    """Plain when YAML reads it back as the same text inside a flow mapping, else double-quoted."""
    try:
        back = yaml.safe_load(f"{{k: {value}}}")  # standard resolvers: a date-like note gets quoted
    except yaml.YAMLError:
        back = None
    if back == {"k": value} and value.strip() == value:
        return value
    return json.dumps(value, ensure_ascii=False)


def _append_record(text: str, mapping: yaml.Node, record: dict[str, str]) -> Splice:
    """Add a history record in the style the item already uses; only a note may need quotes."""
    record = {key: scalar(value) if key == "note" else value for key, value in record.items()}
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


def _remove_last_record(text: str, mapping: yaml.Node) -> Splice:
    key, history = _key_value(mapping, "history") or (None, None)
    if key is None or not isinstance(history, yaml.SequenceNode) or not history.value:
        raise Refused("没有可撤销的进展记录")
    if len(history.value) == 1:
        # The record was the only one: take the whole history key away, as it was before.
        if mapping.flow_style:
            keys = [k for k, _ in mapping.value]
            previous = mapping.value[keys.index(key) - 1][1]
            return _end(previous), _end(history), ""
        start = _line_start(text, key.start_mark.index)
        if text[start : key.start_mark.index].strip():
            raise Refused(f"第 {key.start_mark.line + 1} 行的写法无法精确修改，请手工编辑")
        return start, _after_line(text, _end(history)), ""
    last = history.value[-1]
    if history.flow_style:
        return _end(history.value[-2]), _end(last), ""
    start = _line_start(text, last.start_mark.index)
    if not re.fullmatch(r"\s*-\s*", text[start : last.start_mark.index]):
        raise Refused(f"第 {last.start_mark.line + 1} 行的写法无法精确修改，请手工编辑")
    return start, _after_line(text, _end(last)), ""


# ---------------------------------------------------------------- git


def git_folder(path: Path) -> Path:
    """The folder to run git in; refuses (before anything is written) outside a work tree."""
    import subprocess

    folder = path.absolute().parent
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"], cwd=folder, capture_output=True, text=True
        )
    except OSError:
        raise Refused("--commit 需要 git，但找不到 git 命令；未修改") from None
    if found.stdout.strip() != "true":
        raise Refused(f"{loader.display(path)} 不在 git 仓库中，无法 --commit；未修改")
    return folder


def commit(path: Path, message: str) -> None:
    """Commit just this file, whatever else is staged."""
    import subprocess

    folder, name = path.absolute().parent, path.name  # a symlink is committed as the link git tracks
    for args in (["add", "--", name], ["commit", "-q", "-m", message, "--", name]):
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True)
        if done.returncode:
            raise ReformctlError(f"已写入文件，但 git {args[0]} 失败：{done.stderr.strip() or done.stdout.strip()}")
