"""A plan from the notice itself (任务分解): the genre of GB/T 9704 and the usual 公文 numbering.

The notice is read as paragraphs: its header (the 通知 title, the plan's title in 《》, 发文字号,
recipients, body, issuer and date), the plan's sections by their headings (总体要求, 基本原则,
主要目标, 重点任务, 组织保障, under any of their usual names), the numbering 一、（一）1.（1）①
in full-width and ASCII forms, task groups, and the lead and participating departments in the
parentheses at the end of a task or an item. Text is kept word for word, its punctuation made
full width. Nothing not understood is dropped silently: it becomes a warning that names its
paragraph. Writing the plan file is derive.plan_from_notice's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CN_DIGITS = "一二三四五六七八九十"
SECTIONS = {  # the section a heading opens, by the words in it
    "requirements": ("总体要求", "指导思想"),
    "principles": ("基本原则", "工作原则"),
    "goals": ("主要目标", "工作目标"),
    "tasks": ("重点任务", "主要任务"),
    "safeguards": ("组织保障", "保障措施", "保障机制", "组织实施"),
}
LEVEL1 = re.compile(f"^([{CN_DIGITS}]+)、(.+)$")
LEVEL2 = re.compile(f"^（([{CN_DIGITS}]+)）(.+)$")
NUMBERED = re.compile(r"^(\d+)[.．、](?!\d)(.+)$")
SUB = re.compile(r"^(?:（(\d+)）|([①-⑳]))(.+)$")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"


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


@dataclass
class NoticeTask:
    id: str
    title: str
    text: str | None = None
    lead: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    group: str | None = None
    items: list[NoticeItem] = field(default_factory=list)


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
        """Every department named, in order of first appearance."""
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


def _classify(heading: str) -> str | None:
    found = [name for name, words in SECTIONS.items() if any(word in heading for word in words)]
    return found[0] if len(found) == 1 else ("combined" if found else None)


# ---------------------------------------------------------------- departments in parentheses

_LEADS = [
    re.compile(
        r"^牵头(?:部门|单位)[：:](?P<lead>.+?)(?:[；;，,]\s*(?:参与|配合|协办)(?:部门|单位)[：:](?P<part>.+))?$"
    ),
    re.compile(r"^(?P<lead>[^：:]+?)牵头(?:[，,；;](?P<part>.+?)(?:参与|配合|协办))?$"),
    re.compile(r"^(?P<lead>[^：:]+?)负责(?:[，,；;](?P<part>.+?)(?:参与|配合|协办))?$"),
]
_TRAILING = re.compile(r"（([^（）]*)）\s*([；。，]?)\s*$")


def departments_at_end(text: str) -> tuple[str, list[str], list[str]]:
    """The text without a final （牵头部门：A、B；参与部门：C） and the departments it names."""
    found = _TRAILING.search(text)
    if found:
        for pattern in _LEADS:
            said = pattern.match(found.group(1).strip())
            if said:
                kept = text[: found.start()].rstrip() + found.group(2)  # the item's own ； or 。 stays
                return kept, _names(said["lead"]), _names(said["part"] or "")
    return text, [], []


def _names(text: str) -> list[str]:
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


# ---------------------------------------------------------------- reading the paragraphs


class Reader:
    """Paragraph by paragraph, keeping where we are: the header, then the plan's sections."""

    def __init__(self, paragraphs: list[str]):
        self.paragraphs = [full_width(p) for p in paragraphs]
        self.notice = Notice()
        self.section: str | None = None  # None: still in the header
        self.subsection: str | None = None
        self.group: str | None = None
        self.issuer_next = False

    def read(self) -> Notice:
        for n, text in enumerate(self.paragraphs, 1):
            if text:
                self.paragraph(n, text)
        self.finish()
        return self.notice

    def warn(self, n: int, text: str, why: str = "未能识别，未读入") -> None:
        shown = text if len(text) <= 24 else text[:24] + "……"
        self.notice.warnings.append(f"第 {n} 段「{shown}」：{why}")

    def paragraph(self, n: int, text: str) -> None:
        if self.trailer(text):
            return
        heading = LEVEL1.match(text)
        if heading and (self.section is not None or _classify(heading[2])):
            self.open_section(n, heading[2])  # a plan may follow its title, or stand without one
            return
        if self.section is None:
            self.header(n, text)
        else:
            self.body(n, text)

    def open_section(self, n: int, heading: str) -> None:
        kind = _classify(heading)
        if kind is None:
            self.warn(n, heading, "标题不是常见的总体要求、基本原则、主要目标、重点任务、组织保障之一，其下内容未读入")
            kind = "unknown"
        self.section, self.subsection, self.group = kind, None, None

    # -- the header: everything before the plan's first heading

    def header(self, n: int, text: str) -> None:
        doc = self.notice.document
        if "notice" not in doc and re.search(r"关于.*的通知$", text):
            doc["notice"] = text
            title = re.search("《(.+)》", text)
            if title:
                doc["title"] = title[1]
        elif text.endswith("关于印发") or re.fullmatch("《.+》的通知", text) or re.fullmatch(r"(\S ){3,}\S", text):
            return  # the red head: 文件 spaced out, and the title again over two lines
        elif found := re.match(f"^发布(?:时间|日期)[：:]?\\s*{DATE}", text):
            doc["published"] = _iso(found)
        elif re.fullmatch(r".{2,30}[〔\[［（][0-9]{4}[〕\]］）]\s*[0-9]+\s*号", text):
            doc["number"] = re.sub(r"[\[［（](\d{4})[\]］）]", r"〔\1〕", text.replace(" ", ""))
        elif text.endswith("：") and len(text) < 80 and "recipients" not in doc:
            doc["recipients"] = text[:-1]
        elif found := re.fullmatch(DATE, text):
            doc["signed"] = _iso(found)
            if self.notice.preamble and "issuer" not in doc:
                doc["issuer"] = self.notice.preamble.pop()
        elif text == doc.get("title"):
            self.section = "preamble"
        elif "recipients" in doc and "signed" not in doc:
            if len(text) <= 30 and not re.search("[，。；]", text):
                self.notice.preamble.append(text)  # the issuer, if a date follows
            else:
                doc["body"] = (doc.get("body", "") + "\n" + text).strip()
        else:
            self.warn(n, text)

    def trailer(self, text: str) -> bool:
        doc = self.notice.document
        if found := re.match("^附件[：:](.+)$", text):
            doc["attachment"] = found[1].rstrip("。")
        elif found := re.match("^抄送[：:](.+)$", text):
            doc["cc"] = found[1].rstrip("。")
        elif found := re.fullmatch(f"(.*?){DATE}印发", text):
            doc["printed"] = _iso(found, 2)
        else:
            return False
        return True

    # -- the plan's sections

    def body(self, n: int, text: str) -> None:
        sub = LEVEL2.match(text)
        if sub and self.section == "combined":
            self.subsection = _classify(sub[2]) or "unknown"
            if self.subsection == "unknown":
                self.warn(n, text, "小标题未能识别，其下内容未读入")
            return
        if sub and self.section == "tasks":
            self.group = str(cn_number(sub[1]))
            self.notice.groups.append((self.group, sub[2].rstrip("。：")))
            return
        where = self.subsection if self.section == "combined" else self.section
        if where == "preamble":
            self.notice.preamble.append(text)
        elif where in ("requirements", "goals"):
            self.notice.texts.setdefault(where, []).append(text)
        elif where in ("principles", "safeguards"):
            self.numbered_section(n, text, where)
        elif where == "tasks":
            self.task(n, text)
        else:
            self.warn(n, text)

    def numbered_section(self, n: int, text: str, where: str) -> None:
        found = NUMBERED.match(text)
        sections = getattr(self.notice, where)
        if found:
            title, _, rest = found[2].strip().partition("。")
            sections.append(NoticeSection(found[1], title, rest.strip()))
        elif sections:
            sections[-1].text += text  # a paragraph more of the same principle
        else:
            self.warn(n, text)

    def task(self, n: int, text: str) -> None:
        tasks = self.notice.tasks
        found = NUMBERED.match(text)
        sub = SUB.match(text)
        if found:
            ident = found[1]
            if any(t.id == ident for t in tasks):  # numbering restarts in each group
                ident = str(len(tasks) + 1)
            body, lead, part = departments_at_end(found[2].strip())
            task = NoticeTask(ident, "", lead=lead, participants=part, group=self.group)
            task.title, _, rest = body.partition("。")
            tasks.append(task)
            self.task_body(n, task, rest.strip())
        elif sub and tasks:
            self.add_item(tasks[-1], sub[3])
        elif tasks and (own := departments_at_end(text))[0] == "" and own[1]:
            tasks[-1].lead = tasks[-1].lead or own[1]  # （牵头部门：…） on a line of its own, after the items
            tasks[-1].participants = tasks[-1].participants or own[2]
        elif tasks and not tasks[-1].items and tasks[-1].text is None and not self.notice.tasks_note:
            self.task_body(n, tasks[-1], text)
        else:
            self.notice.tasks_note.append(text)

    def task_body(self, n: int, task: NoticeTask, rest: str) -> None:
        split = inline_items(rest)
        if split is None:
            task.text = rest or None
            return
        before, items = split
        if before.strip():
            self.warn(n, before, f"任务 {task.id} 的引导语，放在了第一个事项之前，请核对")
            items[0] = before.strip() + items[0]
        for text in items:
            self.add_item(task, text)

    def add_item(self, task: NoticeTask, text: str) -> None:
        body, lead, part = departments_at_end(text)
        if task.text:  # a task that seemed item-less: its text was an introduction
            self.notice.warnings.append(f"任务 {task.id} 在事项之前的文字「{task.text[:24]}」未读入，请核对")
            task.text = None
        task.items.append(NoticeItem(f"{task.id}.{len(task.items) + 1}", body, lead, part))

    def finish(self) -> None:
        if not self.notice.tasks:
            looked = "、".join(SECTIONS["tasks"])
            raise ValueError(f"没有找到重点任务：找的是标题含「{looked}」的一节，其下以 1. 2. 编号的任务")
        for task in self.notice.tasks:
            if not task.lead and not any(item.lead for item in task.items):
                self.notice.warnings.append(f"任务 {task.id}「{task.title[:20]}」没有写明牵头部门，请补上 lead")


def _iso(found: re.Match[str], first: int = 1) -> str:
    year, month, day = (int(found[first + k]) for k in range(3))
    return f"{year:04d}-{month:02d}-{day:02d}"


def read(paragraphs: list[str]) -> Notice:
    """The notice in these paragraphs; ValueError when it has no task section."""
    return Reader(paragraphs).read()
