"""The changes a clerk records (status, deadline, assignment, undo), each an edit of a plan's
text as a careful person would make it by hand: its splices, the record it appends, and the values
the row must have afterwards. rewrite.py proves each edit and writes it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from reformctl import reader, splice
from reformctl.errors import Refused, UsageError
from reformctl.inputs import typed
from reformctl.models import ASSIGNED, NOT_APPLICABLE, Plan
from reformctl.query import moved_words, reminded_words
from reformctl.rewrite import Change, Edit, Target, check_splice, rewrite, rewrite_all, row_loc, writable

__all__ = ["Change", "Edit", "Refused", "Target", "check_splice", "rewrite", "rewrite_all", "row_loc", "writable"]


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
        said_date = _check_date(source.plan, values, date)
        record = {"date": date.isoformat(), "from": before, "status": status, **_said(note, by)}
        record.update({"links": links} if links else {})
        values["status"] = status
        values["history"] = [*(values.get("history") or []), record]
        node = target.node
        splices = [splice.replace_scalar(splice.value_of(node, "status"), status)]
        splices.append(splice.append_record(text, node, record))
        change = _change(source, ident, "status", before, status, date, note, notices=said_date)
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
        said_date = _check_date(source.plan, values, date)
        record = {"date": date.isoformat(), "from_due": before, "due": after, **_said(note, by)}
        values["history"] = [*(values.get("history") or []), record]
        if before is None:
            splices = [splice.insert_after(text, node, "status", [("due", after)])]
        else:
            splices = [splice.replace_scalar(splice.value_of(node, "due"), after)]
        splices.append(splice.append_record(text, node, record))
        values["due"] = after
        change = _change(source, ident, "due", before, after, date, note, notices=said_date)
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
        said_date = _check_date(source.plan, values, date)
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
        change = _change(source, ident, "assign", None, said, date, note, notices=said_date)
        return splice.apply(text, splices), target, change

    return rewrite(path, edit, commit)


def reminded_edit(ident: str, dept: str, to: str, date: dt.date, reply_by: dt.date) -> Edit:
    """The trace (留痕) of a 催办 mailed to a department about a row: a record {date, reminded,
    to, reply_by} that changes nothing else, for rewrite_all with the others of one remind."""
    ident = typed(ident)

    def edit(text: str, source: reader.Source) -> tuple[str, Target, Change]:
        target = Target(source, ident)
        values = target.values
        said_date = _check_date(source.plan, values, date)
        record: dict[str, object] = {"date": date.isoformat(), "reminded": dept, "to": to}
        record["reply_by"] = reply_by.isoformat()
        values["history"] = [*(values.get("history") or []), record]
        splices = [splice.append_record(text, target.node, record)]
        words = reminded_words(dept, to, reply_by)
        change = _change(source, ident, "remind", None, words, date, None, notices=said_date)
        return splice.apply(text, splices), target, change

    return edit


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
        if last.get("reminded") is not None:  # a 催办's trace: only the record goes
            reply_by = dt.date.fromisoformat(str(last["reply_by"])) if last.get("reply_by") else None
            words = reminded_words(last["reminded"], last.get("to"), reply_by)
            change = _change(source, ident, "remind", None, words, day, None, undone=True)
            return splice.apply(text, splices), target, change
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
    kind: Literal["status", "due", "assign", "remind"],
    before: str | None,
    after: str | None,
    date: dt.date,
    note: str | None,
    undone: bool = False,
    notices: tuple[str, ...] = (),
) -> Change:
    """The change an edit makes; rewrite names the file it was written to."""
    unit = source.plan.unit.name if source.plan.unit else None
    return Change(
        id=ident, kind=kind, before=before, after=after, date=date, note=note, undone=undone, unit=unit,
        notices=notices,
    )  # fmt: skip


def _check_date(plan: Plan, values: dict[str, Any], date: dt.date) -> tuple[str, ...]:
    """A record dated after today, or before the plan was signed, is no date a clerk meant.
    One dated before the row's latest record is kept (late paperwork happens), with a word:
    the notice returned, which the change carries to whoever shows it."""
    today = dt.date.today()
    if date > today:
        raise UsageError(f"记录日期 {date} 晚于今天（{today}），未写入")
    signed = plan.document.signed
    if signed is not None and date < signed:
        raise UsageError(f"记录日期 {date} 早于计划的成文日期 {signed}，未写入")
    latest = max((str(r.get("date")) for r in values.get("history") or [] if isinstance(r, dict)), default=None)
    if latest is not None and date.isoformat() < latest:
        return (f"注意：记录日期 {date} 早于该事项最近一条记录（{latest}）；已照写，log 仍按日期排列",)
    return ()
