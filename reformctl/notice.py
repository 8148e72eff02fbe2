"""A plan from the notice itself (任务分解): what a notice says, and the conventions of its genre
(GB/T 9704 and the usual 公文 numbering) that paragraphs.py and tasklist.py read it by.

The notice is read as paragraphs: its header (the 通知 title, the plan's title in 《》, 发文字号,
recipients, body, issuer and date), the plan's sections by their headings (总体要求, 基本原则,
主要目标, 重点任务, 组织保障, under any of their usual names), the numbering 一、（一）1.（1）①
in full-width and ASCII forms, task groups, and the lead and participating departments in the
parentheses at the end of a task or an item. Text is kept word for word, its punctuation made
full width. Nothing not understood is dropped silently: it becomes a warning that names its
paragraph. Writing the plan file is derive.plan_from_notice's job.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

CN_DIGITS = "一二三四五六七八九十"
SECTIONS = {  # the section a heading opens, by the words in it
    "requirements": ("总体要求", "指导思想"),
    "principles": ("基本原则", "工作原则"),
    "goals": ("主要目标", "工作目标"),
    "tasks": ("重点任务", "主要任务"),
    "safeguards": ("组织保障", "保障措施", "保障机制", "组织实施", "工作要求", "工作保障", "有关要求"),
}
LEVEL1 = re.compile(f"^([{CN_DIGITS}]+)、(.+)$")
LEVEL2 = re.compile(f"^（([{CN_DIGITS}]+)）(.+)$")
NUMBERED = re.compile(r"^(\d+)[.．、](?!\d)(.+)$")
SUB = re.compile(r"^(?:（(\d+)）|([①-⑳]))(.+)$")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"
TITLED = re.compile("(计划|要点|方案|清单|任务|分解表|安排)$")  # how a plan's own title ends
OUTSIDE = re.compile("^各|[省市县区州]|委员会|政府|大学|学院|医院")  # another body, not a department


@dataclass
class NoticeSection:
    id: str
    title: str
    text: str


@dataclass
class NoticeItem:
    id: str
    text: str
    lead: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    deadline: str | None = None  # the 完成时限 as written
    due: dt.date | None = None  # the day it names, if it names one


@dataclass
class NoticeTask:
    id: str
    title: str
    text: str | None = None
    lead: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    group: str | None = None
    items: list[NoticeItem] = field(default_factory=list)
    deadline: str | None = None  # for a task without items: its 完成时限 as written
    due: dt.date | None = None


@dataclass
class Notice:
    """What a notice says, as the plan file will hold it."""

    document: dict[str, str] = field(default_factory=dict)
    preamble: list[str] = field(default_factory=list)
    texts: dict[str, list[str]] = field(default_factory=dict)  # requirements, goals
    principles: list[NoticeSection] = field(default_factory=list)
    safeguards: list[NoticeSection] = field(default_factory=list)
    groups: list[tuple[str, str]] = field(default_factory=list)
    tasks: list[NoticeTask] = field(default_factory=list)
    tasks_note: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def departments(self) -> list[str]:
        """Every department named, in order of first appearance: not the partners."""
        outside = set(self.partners())
        return [name for name in self._named() if name not in outside]

    def partners(self) -> list[str]:
        """Units named only as participants that are bodies of their own (各设区市科协、省卫健委):
        kept as the plan's partners, not made departments of the office."""
        leads = {name for task in self.tasks for name in task.lead + [n for item in task.items for n in item.lead]}
        return [name for name in self._named() if name not in leads and OUTSIDE.search(name)]

    def _named(self) -> list[str]:
        named = []
        for task in self.tasks:
            named += task.lead + task.participants
            for item in task.items:
                named += item.lead + item.participants
        return list(dict.fromkeys(named))


# ---------------------------------------------------------------- punctuation and numbers

_PAIRS = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def full_width(text: str) -> str:
    """ASCII punctuation as the file writes it: ，；：？！（）“”‘’. A comma or colon between two
    digits (1,000 or 10:30) stays as it is; so does a full stop (2.5, 1.)."""
    out, quotes = [], {'"': 0, "'": 0}
    for n, char in enumerate(text):
        before, after = text[n - 1 : n], text[n + 1 : n + 2]
        if char in ",:" and before.isdigit() and after.isdigit():
            out.append(char)
        elif char in _PAIRS:
            out.append(_PAIRS[char])
        elif char in quotes:
            out.append(("“”" if char == '"' else "‘’")[quotes[char] % 2])
            quotes[char] += 1
        else:
            out.append(char)
    return "".join(out).strip()


def cn_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20."""
    if text == "十":
        return 10
    tens, _, units = text.rpartition("十")
    value = CN_DIGITS.index(units) + 1 if units else 0
    if "十" in text:
        value += 10 * (CN_DIGITS.index(tens) + 1 if tens else 1)
    return value


def classify(heading: str) -> str | None:
    """The section a heading opens (tasks, principles…), None when it is none of them."""
    found = [name for name, words in SECTIONS.items() if any(word in heading for word in words)]
    return found[0] if len(found) == 1 else ("combined" if found else None)


# ---------------------------------------------------------------- departments in parentheses

_LEADS = [
    re.compile(
        r"^牵头(?:部门|单位)[：:](?P<lead>.+?)(?:[；;，,]\s*(?:参与|配合|协办)(?:部门|单位)[：:](?P<part>.+))?$"
    ),
    re.compile(r"^(?P<lead>[^：:]+?)牵头(?:[，,；;](?P<part>.+?)(?:参与|配合|协办))?$"),
    re.compile(r"^(?P<lead>[^：:]+?)(?:按职责分工|按职责|分别)?负责(?:[，,；;](?P<part>.+?)(?:参与|配合|协办))?$"),
]
_TRAILING = re.compile(r"（([^（）]*)）\s*([；。，]?)\s*$")


_WHEN = re.compile(r"[，,；;]\s*([^，,；;]*(?:\d{4}年|\d{1,2}月|季度|年底|年内|上半年|下半年|长期|持续)[^，,；;]*)$")


def departments_at_end(text: str) -> tuple[str, list[str], list[str], str | None]:
    """The text without a final （牵头部门：A、B；参与部门：C） or （A牵头，B配合，2022年底前完成),
    the departments it names, and the deadline it gives, as written."""
    found = _TRAILING.search(text)
    if found:
        inner = found.group(1).strip()
        when = _WHEN.search(inner)
        if when:
            inner = inner[: when.start()].strip()
        for pattern in _LEADS:
            said = pattern.match(inner)
            if said:
                kept = text[: found.start()].rstrip() + found.group(2)  # the item's own ； or 。 stays
                return kept, names(said["lead"]), names(said["part"] or ""), when[1] if when else None
    return text, [], [], None


def names(text: str) -> list[str]:
    return [name.strip() for name in re.split("[、，,；;]", text) if name.strip()]


# ---------------------------------------------------------------- sub-items


def inline_items(text: str) -> tuple[str, list[str]] | None:
    """（1）…；（2）…。 run inline in one paragraph: the text before (1), and each item's text.
    Markers count 1, 2, 3 in order, so a (2020) or a lone (3) inside a sentence is left alone."""
    starts: list[tuple[int, int]] = []
    n = 1
    while True:
        marks = [f"（{n}）", CIRCLED[n - 1] if n <= len(CIRCLED) else "\0"]
        at = min((i for i in (text.find(mark, starts[-1][0] + 1 if starts else 0) for mark in marks) if i >= 0),
                 default=-1)  # fmt: skip
        if at < 0:
            break
        width = 1 if text[at] in CIRCLED else len(f"（{n}）")
        starts.append((at, width))
        n += 1
    if len(starts) < 2:
        return None
    ends = [at for at, _ in starts[1:]] + [len(text)]
    return text[: starts[0][0]], [text[at + width : end].strip() for (at, width), end in zip(starts, ends, strict=True)]


def iso(found: re.Match[str], first: int = 1) -> str:
    year, month, day = (int(found[first + k]) for k in range(3))
    return f"{year:04d}-{month:02d}-{day:02d}"


def year(found: Notice) -> int | None:
    """The plan's year, for deadlines that name none: from its title, its 文号, or its date."""
    for said in (found.document.get(key, "") for key in ("title", "number", "signed")):
        if hit := re.search(r"(20\d{2})", said):
            return int(hit[1])
    return None


def looked_for(paragraphs: list[str], tables: int, headed: int) -> str:
    """When no task was found: what was looked for, and what the file has instead."""
    counts = {
        "一级标题（一、）": sum(bool(LEVEL1.match(p)) for p in paragraphs),
        "二级标题（（一））": sum(bool(LEVEL2.match(p)) for p in paragraphs),
        "编号行（1.）": sum(bool(NUMBERED.match(p)) for p in paragraphs),
        "表格": tables,
    }
    has = "、".join(f"{what} {n} 个" for what, n in counts.items() if n) or "没有编号的段落，也没有表格"
    table = f"（其中 {headed} 个有任务表头）" if tables else ""
    return (
        f"没有找到重点任务：找的是标题含「{'、'.join(SECTIONS['tasks'])}」的一节或以 一、（一）1. 编号的工作要点，"
        f"或表头含「重点任务」「具体举措」「牵头单位」等的任务表；文件中有：{has}{table}"
    )
