"""A notice's paragraphs read in order: its header (the 通知 line, 发文字号, recipients, body,
issuer and date), the plan's sections by their headings, and its tasks by the numbering the
document uses, inferred where its tasks are (roles): under a 重点任务 heading （一） may be groups
or tasks; in a 工作要点, whose body is itself the list, 一、 are groups, （一） tasks and 1. items.
Lines of their own (牵头单位：… 完成时限：…) apply to the task or measure just before them.
Nothing not understood is dropped silently: it becomes a warning that names its paragraph.
"""

from __future__ import annotations

import re

from reformctl.notice import (
    DATE,
    LEVEL1,
    LEVEL2,
    NUMBERED,
    SUB,
    TITLED,
    Notice,
    NoticeItem,
    NoticeSection,
    NoticeTask,
    classify,
    cn_number,
    departments_at_end,
    full_width,
    inline_items,
    iso,
    names,
)

_OWN = {  # lines of their own after a task or a measure: 牵头单位：… 完成时限：…
    "lead": re.compile("^(?:牵头单位|牵头部门|责任单位|责任部门|牵头|负责单位)[：:](.+)$"),
    "participants": re.compile("^(?:配合单位|参与单位|配合部门|参与部门|协办单位|配合)[：:](.+)$"),
    "deadline": re.compile("^(?:完成时限|时间节点|完成时间|时限要求|进度安排|时限)[：:](.+)$"),
}


def roles(paragraphs: list[str]) -> tuple[bool, dict[str, str]]:
    """How the document numbers its tasks, inferred from the numbering it uses where its tasks
    are: whether its body is itself the list (a 工作要点: 一、 are groups), and what （一）, 1. and
    （1）/① mean there (group, task or item), in the order it nests them. Under a 重点任务
    heading, three levels are groups, tasks and items; of two, （一） are tasks whose 1. 2.
    start again under each, and groups when 1. 2. run on across them."""
    headed = any((h := LEVEL1.match(p)) and classify(h[2]) == "tasks" for p in paragraphs)
    seen: set[str] = set()
    inside, under, restarts = False, 0, 0  # 1. lines under the current （一）; restarts at 1.
    for text in paragraphs:
        if heading := LEVEL1.match(text):
            kind = classify(heading[2])
            inside = kind == "tasks" or (kind is None and not headed)
        elif inside:
            seen.update(k for k, pattern in (("L2", LEVEL2), ("N", NUMBERED), ("S", SUB)) if pattern.match(text))
            if LEVEL2.match(text):
                under = 0
            elif numbered := NUMBERED.match(text):
                restarts += numbered[1] == "1" and under == 0 and "L2" in seen
                under += 1
    items = {"L2": "task", "N": "item", "S": "item"}
    if not headed:
        return True, items if "L2" in seen else {"N": "task", "S": "item"}
    if {"L2", "N"} <= seen and ("S" in seen or restarts < 2):
        return False, {"L2": "group", "N": "task", "S": "item"}
    return False, items if "L2" in seen else {"N": "task", "S": "item"}


class Reader:
    """Paragraph by paragraph, keeping where we are: the header, then the plan's sections."""

    def __init__(self, paragraphs: list[str]):
        self.paragraphs = [full_width(p) for p in paragraphs]
        self.notice = Notice()
        self.section: str | None = None  # None: still in the header
        self.subsection: str | None = None
        self.group: str | None = None
        self.issuer_next = False
        self.listed, self.roles = roles(self.paragraphs)
        self.first = next((n for n, p in enumerate(self.paragraphs, 1) if p), 0)
        self.attachment = False  # just past an attachment's own heading (附件1)
        self.last: NoticeTask | NoticeItem | None = None  # what a line of its own applies to

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
        if self.trailer(text) or self.signature(n, text):
            return
        if n == self.first and self.titled(text):
            self.notice.document["title"] = text  # a 工作要点 or 实施方案 titled on its first line
            self.section = "preamble"
            return
        heading = LEVEL1.match(text)
        if heading and self.listed and classify(heading[2]) is None and self.section in (None, "preamble", "tasks"):
            self.open_group(heading[1], heading[2])  # a 工作要点: its 一、 are the groups of its tasks
            return
        if heading and (self.section is not None or classify(heading[2])):
            self.open_section(n, heading[2])  # a plan may follow its title, or stand without one
            return
        if self.section is None:
            self.header(n, text)
        else:
            self.body(n, text)

    def open_group(self, number: str, title: str) -> None:
        self.section, self.subsection = "tasks", None
        self.group = str(cn_number(number))
        self.notice.groups.append((self.group, title.rstrip("。：")))

    def open_section(self, n: int, heading: str) -> None:
        kind = classify(heading)
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
            doc["published"] = iso(found)
        elif re.fullmatch(r".{2,30}[〔\[［（][0-9]{4}[〕\]］）]\s*[0-9]+\s*号", text):
            doc["number"] = re.sub(r"[\[［（](\d{4})[\]］）]", r"〔\1〕", text.replace(" ", ""))
        elif text.endswith("：") and len(text) < 80 and "recipients" not in doc:
            doc["recipients"] = text[:-1]
        elif found := re.fullmatch(DATE, text):
            doc["signed"] = iso(found)
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

    def titled(self, text: str) -> bool:
        """A first line that is the plan's own title: short, no full stop, not numbered, ending
        as such titles end (…工作要点, …实施方案), when no 《》 in a 通知 line names it."""
        numbered = any(p.match(text) for p in (LEVEL1, LEVEL2, NUMBERED))
        plain = len(text) <= 60 and not re.search("[，。；：]", text) and not numbered
        return plain and not {"notice", "title"} & set(self.notice.document) and bool(TITLED.search(text))

    def signature(self, n: int, text: str) -> bool:
        """The issuer and the date under the body, wherever they come (after the tasks, too)."""
        doc, paragraphs = self.notice.document, self.paragraphs
        if self.section is None:
            return False  # in the header, the header's own reading places them
        if (dated := re.fullmatch(DATE, text)) and "signed" not in doc:
            doc["signed"] = iso(dated)
            return True
        after = next((p for p in paragraphs[n:] if p), "")
        if (
            re.fullmatch(DATE, after)
            and len(text) <= 30
            and not re.search("[，。；：、]", text)
            and "issuer" not in doc
        ):
            doc["issuer"] = text
            return True
        return False

    def trailer(self, text: str) -> bool:
        doc = self.notice.document
        if re.fullmatch(r"附件\s*\d*[：:]?", text):
            self.attachment = True  # the attachment's own heading: its title follows
        elif self.attachment and len(text) <= 60:
            doc.setdefault("attachment", text)  # the attachment's title, under its heading
            self.attachment = False
        elif found := re.match("^附件[：:](.+)$", text):
            doc["attachment"] = found[1].rstrip("。")
        elif found := re.match("^抄送[：:](.+)$", text):
            doc["cc"] = found[1].rstrip("。")
        elif found := re.fullmatch(f"(.*?){DATE}印发", text):
            doc["printed"] = iso(found, 2)
        else:
            return False
        return True

    # -- the plan's sections

    def body(self, n: int, text: str) -> None:
        sub = LEVEL2.match(text)
        if sub and self.section == "combined":
            self.subsection = classify(sub[2]) or "unknown"
            if self.subsection == "unknown":
                self.warn(n, text, "小标题未能识别，其下内容未读入")
            return
        if sub and self.section == "tasks" and self.roles.get("L2") == "group":
            self.group = str(cn_number(sub[1]))
            self.notice.groups.append((self.group, sub[2].rstrip("。：")))
            return
        if sub and self.section == "tasks":
            self.new_task(n, str(len(self.notice.tasks) + 1), sub[2].strip())
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
        found = NUMBERED.match(text) or LEVEL2.match(text)
        sections = getattr(self.notice, where)
        if found:
            title, _, rest = found[2].strip().partition("。")
            ident = found[1] if found[1].isdigit() else str(cn_number(found[1]))
            sections.append(NoticeSection(ident, title, rest.strip()))
        elif sections:
            sections[-1].text += text  # a paragraph more of the same principle
        else:
            self.warn(n, text)

    def task(self, n: int, text: str) -> None:
        tasks = self.notice.tasks
        found = NUMBERED.match(text)
        sub = SUB.match(text)
        if self.own_line(text):
            return
        if found and self.roles.get("N") == "item" and tasks:
            self.add_item(tasks[-1], found[2])
        elif found:
            ident = found[1]
            if any(t.id == ident for t in tasks):  # numbering restarts in each group
                ident = str(len(tasks) + 1)
            self.new_task(n, ident, found[2].strip())
        elif sub and tasks:
            self.add_item(tasks[-1], sub[3])
        elif tasks and (own := departments_at_end(text))[0] == "" and own[1]:
            tasks[-1].lead = tasks[-1].lead or own[1]  # （牵头部门：…） on a line of its own, after the items
            tasks[-1].participants = tasks[-1].participants or own[2]
        elif tasks and not tasks[-1].items and tasks[-1].text is None and not self.notice.tasks_note:
            self.task_body(n, tasks[-1], text)
        else:
            self.notice.tasks_note.append(text)

    def new_task(self, n: int, ident: str, text: str) -> None:
        body, lead, part, when = departments_at_end(text)
        task = NoticeTask(ident, "", lead=lead, participants=part, group=self.group, deadline=when)
        task.title, _, rest = body.strip().partition("。")
        self.notice.tasks.append(task)
        self.last = task
        self.task_body(n, task, rest.strip())

    def own_line(self, text: str) -> bool:
        """牵头单位：… 配合单位：… 完成时限：… on a line of their own (several may share one, at ；):
        they apply to the task or measure just before."""
        parts = [p.strip() for p in re.split("[；;]", text.rstrip("。")) if p.strip()]
        said = [(kind, found[1].strip()) for p in parts for kind, rule in _OWN.items() if (found := rule.match(p))]
        if not said or len(said) < len(parts) or self.last is None:
            return False
        for kind, value in said:
            if kind == "deadline":
                self.last.deadline = value
            else:
                setattr(self.last, kind, names(value))
        return True

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
        body, lead, part, when = departments_at_end(text)
        if task.text:  # a task that seemed item-less: its text was an introduction
            self.notice.warnings.append(f"任务 {task.id} 在事项之前的文字「{task.text[:24]}」未读入，请核对")
            task.text = None
        task.items.append(NoticeItem(f"{task.id}.{len(task.items) + 1}", body.strip(), lead, part, when))
        self.last = task.items[-1]

    def finish(self) -> None:
        for task in self.notice.tasks:
            if not task.lead and not any(item.lead for item in task.items):
                self.notice.warnings.append(f"任务 {task.id}「{task.title[:20]}」没有写明牵头部门（lead），请补上")


def read(paragraphs: list[str]) -> Notice:
    """What these paragraphs say; its tasks may be none (they may be in a table)."""
    return Reader(paragraphs).read()
