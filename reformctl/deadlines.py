"""A 完成时限 as a notice writes it (2022年6月底、年底前、上半年、三季度末), read as the last day of
the period it names, in the plan's year unless the phrase gives another. A phrase that names no
end (长期坚持、持续推进、每季度) has no day; the phrase itself is always kept beside the day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_MONTH = "(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_OPEN = re.compile("长期|持续|每季|每月|每年|按年度|按季度|常态|经常|适时|逐步")


def due(phrase: str, year: int | None) -> dt.date | None:
    """The last day `phrase` names, or None when it names no end (or no year can be known).
    When a phrase names several ends (2022年6月底前启动，年底前完成), the last one is the deadline."""
    text = unicodedata.normalize("NFKC", phrase).replace(" ", "")
    if not text or _OPEN.search(text) and not re.search(r"\d{4}年|底|末|前", text):
        return None
    found = [day for day in _ends(text, year) if day is not None]
    return max(found) if found else None


def _ends(text: str, year: int | None) -> list[dt.date | None]:
    ends: list[dt.date | None] = []
    for part in re.split("[，,；;、至到—~-]", text):
        ends.append(_end(part, year))
        year = _year(part) or year  # 2022年6月、12月: the year carries on
    return ends


def _year(text: str) -> int | None:
    found = re.search(r"(\d{4})年", text)
    return int(found[1]) if found else None


def _end(text: str, year: int | None) -> dt.date | None:
    year = _year(text) or year
    if year is None:
        return None
    if found := re.search(f"{_MONTH}月(\\d{{1,2}})日", text):
        return _day(year, _month(found[1]), int(found[2]))
    if found := re.search(f"{_MONTH}月([上中])旬", text):
        return _day(year, _month(found[1]), 10 if found[2] == "上" else 20)
    if found := re.search(f"{_MONTH}月", text):
        month = _month(found[1])
        return _day(year, month, calendar.monthrange(year, month)[1])
    if found := re.search("(?:第)?([一二三四1-4])季度", text):
        month = 3 * _CN[found[1]]
        return _day(year, month, calendar.monthrange(year, month)[1])
    if "上半年" in text:
        return dt.date(year, 6, 30)
    if re.search("下半年|年底|年末|年内|全年|年度|本年|当年", text) or re.fullmatch(r"\d{4}年(底前|前)?", text):
        return dt.date(year, 12, 31)
    return None


def _month(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + {"": 0, "一": 1, "二": 2}[text[1:]]
    return "一二三四五六七八九".index(text) + 1


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
