"""What people type, as the file spells it: ids and dates typed with a Chinese input method,
status words in English or Chinese, departments by short id or full name, and the dates and
periods of options. A mistyped value is a UsageError that shows what would have been right."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from reformctl.errors import UsageError
from reformctl.models import STATUS_ALIASES, STATUS_LABELS, Plan, status_choices


def typed(value: str) -> str:
    """What a user typed with a Chinese input method, as the file spells it: full-width
    digits, letters and dots become ASCII (NFKC), and the ideographic 。 becomes a dot."""
    return unicodedata.normalize("NFKC", value).replace("。", ".").strip()


_DAY = re.compile(r"([0-9]{4})(?:([-/.])([0-9]{1,2})\2([0-9]{1,2})|年([0-9]{1,2})月([0-9]{1,2})日)")
DATE_FORMS = "2020-09-04、2020-9-4、2020/9/4、2020.9.4 或 2020年9月4日"


def typed_date(value: str) -> dt.date:
    """A date as a clerk types it: 2020-09-04, 2020-9-4, 2020/9/4, 2020.9.4, 2020年9月4日, in
    ASCII or full-width digits. Anything else is a ValueError that shows the accepted forms."""
    found = _DAY.fullmatch(unicodedata.normalize("NFKC", value).strip())
    if found is None:
        raise ValueError(f"{value!r} 不是日期；可以写作 {DATE_FORMS}")
    year, _, month, date, month_cn, date_cn = found.groups()
    try:
        return dt.date(int(year), int(month or month_cn), int(date or date_cn))
    except ValueError:
        raise ValueError(f"{value} 不是存在的日期") from None


def status_name(value: str) -> str:
    """English (any case) or Chinese status name -> the English key."""
    wanted = typed(value)
    for key, label in STATUS_LABELS.items():
        if wanted.lower() == key or wanted == label:
            return key
    if wanted.lower() in STATUS_ALIASES:
        return STATUS_ALIASES[wanted.lower()]
    choices = [*STATUS_LABELS, *STATUS_LABELS.values(), *STATUS_ALIASES]
    raise UsageError(f"未知状态 '{value}'{near(wanted, choices)}可选：{status_choices()}")


def dept_name(plan: Plan, value: str) -> str:
    """A department given by short id or full name -> its short id."""
    found = plan.dept_id(typed(value))
    if found is None:
        choices = [name for d in plan.departments for name in (d.id, d.name) if name]
        raise UsageError(f"未知部门 '{value}'{near(typed(value), choices)}已登记的部门：{_depts(plan)}")
    return found


def option_date(value: str | None, option: str) -> dt.date | None:
    """An option's date (--as-of, --since), or a usage error that names the option."""
    try:
        return None if value is None else typed_date(value)
    except ValueError as exc:
        raise UsageError(f"{option}：{exc}") from None


def period(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    """--since and --until as typed (either may be absent); refused when they are the wrong way round."""
    start, end = option_date(since, "--since"), option_date(until, "--until")
    in_order(start, end)
    return start, end


def week(since: str | None, until: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """A report's period: up to --until (default today), from --since (default six days before)."""
    start, end = option_date(since, "--since"), option_date(until, "--until") or today
    if start is None:
        start = end - dt.timedelta(days=6) if end > dt.date.min + dt.timedelta(days=6) else dt.date.min
    in_order(start, end)
    return start, end


def in_order(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and start > end:
        raise UsageError(f"--since {start} 晚于 --until {end}：请对调两个日期")


def near(value: str, choices: list[str]) -> str:
    """。是不是 X？ when something close was meant, for a message about `value`."""
    from reformctl.messages import did_you_mean  # only when something is wrong

    return f"。{did_you_mean(value, choices)}"


def _depts(plan: Plan) -> str:
    from reformctl.query import depts_label  # only when something is wrong

    return depts_label(plan)
