"""Fill-in forms (填报表): what one carries, and a returned one read back and checked cell by cell.

`reformctl form` writes a workbook (render/xlsx.form) with a sheet per department: the rows it
leads or takes part in, read-only, then the columns a department fills in. A hidden sheet holds
the plan's identity and how many records each row had when the form was made. `reformctl
import` reads it back (here), checks every filled cell, and records the answers (intake.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reformctl import inputs, query
from reformctl.errors import PlanInvalid, Problem, ReformctlError, Unreadable, UsageError, need
from reformctl.models import NOT_APPLICABLE, STATUS_LABELS, Plan, status_choices

READ_ONLY = ["编号", "任务", "内容", "角色", "责任人", "当前状态", "期限", "最新进展"]
FILL_IN = ["新状态", "进展日期", "进展说明", "新期限", "调整原因"]
LETTER = {name: chr(ord("A") + n) for n, name in enumerate(READ_ONLY + FILL_IN)}  # 新状态 → I
HEADER_ROW = 3  # a title and a line of instructions above it
IDENTITY = "填报表信息"  # the hidden sheet


@dataclass(frozen=True)
class Line:
    """One row of a form: a plan row, and whether the department leads it or takes part."""

    row: query.Row
    role: str  # 牵头 or 参与


def lines_for(plan: Plan, dept: str) -> list[Line]:
    """The rows a department leads, then those it takes part in, in document order."""
    rows = query.rows(plan)
    led = [Line(row, "牵头") for row in rows if dept in row.lead(plan)]
    part = [Line(row, "参与") for row in rows if dept in row.participants(plan) and dept not in row.lead(plan)]
    return led + part


def identity(plan: Plan, raw: bytes, file: str, created: dt.date) -> dict[str, str]:
    """What says which plan (and which version of it) a form was made from."""
    return {
        "计划标题": plan.document.title,
        "单位": plan.unit.name if plan.unit else "",
        "计划文件": file,
        "内容哈希": hashlib.sha256(raw).hexdigest(),
        "生成日期": created.isoformat(),
    }


@dataclass
class Answer:
    """One filled row of a returned form, checked: what to record."""

    place: str  # 学会部!H7
    sheet: str
    ident: str
    status: str | None = None
    date: dt.date | None = None
    note: str | None = None
    due: dt.date | None = None
    reason: str | None = None
    known: int = 0  # records the row had when the form was made


@dataclass
class Returned:
    """A returned form: its identity, its filled rows, and every problem found in its cells."""

    name: str
    identity: dict[str, str]
    answers: list[Answer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, place: str, message: str) -> None:
        self.problems.append(Problem(f"{self.name}: {place}", None, None, message))


def read(path: Path, name: str, plan: Plan, today: dt.date) -> Returned:
    """Every filled row of the form at `path`, each cell checked against `plan`.

    Only what the form has is read: its identity, then in each sheet the header and the rows
    the identity sheet lists for it, columns A to M. A returned form often has a stray cell far
    down (M1048576), and Excel's grid then reaches it: read whole, that is 13 million cells."""
    load_workbook = need("openpyxl", "读取填报表").load_workbook
    import io

    from reformctl import zipped
    from reformctl.files import read_bytes

    raw = read_bytes(path, name, "填报表")
    zipped.check(raw, name)
    try:
        _sized(raw, name)
        # Formulas as their text: what a department typed is recorded as typed, never evaluated.
        # Read-only: each sheet is parsed as it is read, and only as far as it is read.
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except ReformctlError:
        raise
    except Exception:  # not a workbook, or a broken one
        raise ReformctlError(f"{name}: 不是可以读取的 xlsx 填报表（文件已损坏，或不是 Excel 工作簿）") from None
    try:
        return _book(book, name, plan, today)
    finally:
        book.close()


SIZED = 1 << 20  # a sheet bigger than this must say its size (see _sized)


def _sized(raw: bytes, name: str) -> None:
    """Refuse a big sheet that does not say its size. openpyxl learns a sheet's size from its
    <dimension>, and parses a sheet without one to its end when it opens it, keeping each row it
    passes: 9 million empty rows (54 MiB of XML in a 93 KB form) took it past 800 MiB. Excel,
    WPS and LibreOffice always write one; a form's sheet is some tens of kilobytes."""
    import io
    import re
    import zipfile

    from reformctl import zipped

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for info in archive.infolist():
            if info.file_size <= SIZED:
                continue
            with archive.open(info) as member:
                start = member.read(1 << 16)  # what comes before the rows: <dimension> among it
            sheet = re.search(rb"<(?:\w+:)?worksheet\b", start)
            if sheet and not re.search(rb"<(?:\w+:)?dimension\b", start.split(b"sheetData", 1)[0]):
                raise Unreadable(
                    name,
                    f"其中的工作表 {info.filename} 有 {zipped.mib(info.file_size)} MiB，却没有写明数据范围"
                    "（dimension），不像是填报表；请用 Excel 或 WPS 打开后另存再试",
                )


def _book(book: Any, name: str, plan: Plan, today: dt.date) -> Returned:
    if IDENTITY not in book.sheetnames:
        raise UsageError(f"{name}: 不是 reformctl form 生成的填报表（没有「{IDENTITY}」工作表）")
    found, counts = _listed(book, name, len(query.rows(plan)))
    known = {(s, i): n for s, i, n in counts}
    returned = Returned(name, found)
    for sheet in book.worksheets:
        if sheet.title != IDENTITY:
            lines = sum(1 for s, _, _ in counts if s == sheet.title)
            _sheet(returned, sheet, plan, today, known, lines)
    return returned


COUNTS = ["工作表", "编号", "已有记录数"]  # row 7 of the identity sheet, the rows it lists below


def _listed(book: Any, name: str, rows: int) -> tuple[dict[str, str], list[tuple[str, str, int]]]:
    """The identity sheet: the plan it names (rows 1–5), and each row a sheet lists, with the
    records it had (from row 8; each sheet lists a row of the plan at most once). Each thing
    wrong in it is a problem at its cell, and the form is not read further."""
    info, problems = book[IDENTITY], []

    def problem(place: str, message: str) -> None:
        problems.append(Problem(f"{name}: {IDENTITY}!{place}", None, None, message))

    top = _rows(info, name, 1, 7, len(COUNTS))
    found = {str(k): str(v or "") for k, v, _ in top[:5] if k}
    if not found.get("计划标题"):
        problem("B1", "缺少计划标题，无法核对填报表由哪份计划生成")
    if len(top) < 7 or list(top[6]) != COUNTS:
        problem("A7", f"表头应为 {'、'.join(COUNTS)}，请勿增删或移动列")
        raise PlanInvalid(problems)
    counts: list[tuple[str, str, int]] = []
    missing: set[str] = set()
    for number, (sheet, ident, count) in enumerate(_rows(info, name, 8, 7 + rows * len(book.sheetnames), 3), 8):
        n = _count(count)
        blank = [value in (None, "") for value in (sheet, ident, count)]
        if all(blank):
            continue
        if any(blank):
            which = blank.index(True)
            problem(f"{'ABC'[which]}{number}", f"缺少{COUNTS[which]}")
        elif n is None:
            problem(f"C{number}", f"已有记录数 {_shown(count)}不是整数")
        elif str(sheet) not in book.sheetnames:
            if str(sheet) not in missing:  # once, not for each of its rows
                problem(f"A{number}", f"工作表「{sheet}」不在填报表中（改过名或删掉了？）{_others(book, rows)}")
            missing.add(str(sheet))
        else:
            counts.append((str(sheet), str(ident), n))
    if problems:
        raise PlanInvalid(problems)
    return found, counts


def _others(book: Any, rows: int) -> str:
    """The sheets a form has that its identity sheet does not list: where a renamed one went."""
    listed = {str(r[0]) for r in _rows(book[IDENTITY], "", 8, 7 + rows * len(book.sheetnames), 1) if r[0]}
    others = [f"「{s}」" for s in book.sheetnames if s != IDENTITY and s not in listed]
    return f"；填报表中另有工作表{'、'.join(others)}" if others else ""


def _count(value: Any) -> int | None:
    """A count of records: a whole number, as a number or as digits typed (never bool)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) < 10:
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**9 else None


def _shown(value: Any) -> str:
    text = str(value)
    return f"'{text[:20]}…'（共 {len(text)} 个字符）" if len(text) > 20 else f"'{text}' "


def _rows(sheet: Any, name: str, first: int, last: int, width: int) -> list[tuple[Any, ...]]:
    """Rows `first` to `last`, columns A to `width`, as values. A read-only sheet is parsed as it
    is read, so a broken cell (a number of 5,000 digits, a missing shared string) shows here."""
    try:
        return list(sheet.iter_rows(min_row=first, max_row=last, max_col=width, values_only=True))
    except Exception:
        raise ReformctlError(f"{name}: {sheet.title}: 有无法读取的单元格，请用 Excel 或 WPS 打开后另存再试") from None


def _sheet(returned: Returned, sheet: Any, plan: Plan, today: dt.date, known: dict[tuple[str, str], int],
           lines: int) -> None:  # fmt: skip
    """The header and the form's `lines` rows, and one more: a row added below, or a sheet that
    lists no rows (a copy of one), is said, not silently left out."""
    width = len(READ_ONLY + FILL_IN)
    headers = _rows(sheet, returned.name, HEADER_ROW, HEADER_ROW, width)
    found = list(headers[0]) if headers else []
    if found != READ_ONLY + FILL_IN:
        n = next((n for n, want in enumerate(READ_ONLY + FILL_IN) if n >= len(found) or found[n] != want), 0)
        there = f"这里是「{found[n]}」" if n < len(found) and found[n] not in (None, "") else "这里是空的"
        returned.problem(
            f"{sheet.title}!{chr(ord('A') + n)}{HEADER_ROW}",
            f"表头应为「{(READ_ONLY + FILL_IN)[n]}」，{there}：与 reformctl form 生成的不同，请勿增删或移动列",
        )
        return
    ids = {row.id for row in query.rows(plan)}
    first, last = len(READ_ONLY), HEADER_ROW + lines
    for number, values in enumerate(_rows(sheet, returned.name, HEADER_ROW + 1, last + 1, width), HEADER_ROW + 1):
        ident = str(values[0] or "").strip()
        filled = list(values[first:])
        if not ident or all(value in (None, "") for value in filled):
            continue

        def at(column: str, number: int = number) -> str:
            return f"{sheet.title}!{column}{number}"

        if number > last:
            why = f"本页在「{IDENTITY}」中只列了 {lines} 行" if lines else f"「{IDENTITY}」中没有这一页"
            returned.problem(at("A"), f"这一行不是 reformctl form 生成的：{why}；请勿增加行或修改工作表名")
        elif ident not in ids:
            returned.problem(at("A"), f"编号 '{ident}' 不在计划中")
        else:
            answer = Answer(at(LETTER["新状态"]), sheet.title, ident, known=known.get((sheet.title, ident), 0))
            _fill(returned, answer, filled, at, (plan.document.signed, today))
            returned.answers.append(answer)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _typed(text: str) -> str:
    """A cell's text as the department saw it: Excel's _x001B_ escapes decoded, and what no one
    can see or type into a cell (controls other than line breaks and tabs) left out."""
    from openpyxl.utils.escape import unescape

    return _CONTROL.sub("", unescape(text)).strip()


Span = tuple[dt.date | None, dt.date | None]  # the first and last day a date may be, where it has ends


def _fill(returned: Returned, answer: Answer, filled: list[Any], at: Callable[[str], str], span: Span) -> None:
    """One filled row checked, cell by cell; `span` is when a record may be dated: from the day
    the plan was signed (if it says) to today."""
    status, day, note, due, reason = (_typed(value) if isinstance(value, str) else value for value in filled)
    if status:
        try:
            answer.status = inputs.status_name(str(status))
        except UsageError:
            returned.problem(at(LETTER["新状态"]), f"新状态 '{status}' 不认识；可选：{status_choices()}")
    answer.date = _date(returned, at(LETTER["进展日期"]), "进展日期", day, span) if day else span[1]
    answer.due = _date(returned, at(LETTER["新期限"]), "新期限", due, (None, None)) if due else None
    answer.note = str(note) if note else None
    answer.reason = str(reason) if reason else None
    if answer.status == NOT_APPLICABLE and not answer.note:
        returned.problem(at(LETTER["进展说明"]), f"新状态为{STATUS_LABELS[NOT_APPLICABLE]}，需在进展说明中写明理由")
    if not status and not due and (note or day):
        returned.problem(at(LETTER["新状态"]), "有进展日期或说明，但没有新状态：请选择新状态（状态不变也请选当前状态）")


def _date(returned: Returned, place: str, what: str, value: Any, span: Span) -> dt.date | None:
    """A date cell: a real date, or a date typed as text (2020-9-4, 2020年9月4日), within `span`
    where it has ends (a record: not before the plan's 成文日期, not after today)."""
    earliest, latest = span
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = inputs.typed_date(str(value))
        except ValueError as exc:
            returned.problem(place, f"{what} {exc}")
            return None
    if latest is not None and day > latest:
        returned.problem(place, f"{what} {day} 晚于今天（{latest}）")
        return None
    if earliest is not None and day < earliest:
        returned.problem(place, f"{what} {day} 早于计划的成文日期（{earliest}）")
        return None
    return day
