"""催办, the use case: a notice per department with late or close rows, written as Markdown and
Word into a folder, and, with mail, sent to each department at its one address as a short letter
(the Word file attached); each mail that went leaves a trace (留痕) in the plan: a record per
item, all written as one change after the last mail.

It takes plain values and yields what happened, one event at a time (a file written, a mail
sent, refused or skipped), so the command line can say each as it happens; it never prints or
exits. The documents come from the renderers' registry (FORMATS["remind"]), like every output.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reformctl import addresses, edit, files
from reformctl import mail as post
from reformctl.errors import UsageError
from reformctl.models import Plan
from reformctl.plain import one_line
from reformctl.query import Row, chinese_day, days_left, depts_label, progress_note
from reformctl.render import View, render
from reformctl.render.layout import Notice, closing, reply_day, signature
from reformctl.report import Reminder, reminders
from reformctl.rewrite import Change


@dataclass(frozen=True)
class Written:
    """A notice written to a file."""

    file: str


@dataclass(frozen=True)
class Mailed:
    """One department's mail, as it went: sent; would go (a dry run); not sent for want of an
    address; refused, its address not exactly one address; or failed at the server (why)."""

    dept: str
    to: str | None
    subject: str
    attachment: str
    kind: Literal["sent", "would", "no address", "bad address", "failed"]
    why: str | None = None

    @property
    def failed(self) -> bool:
        return self.kind in ("bad address", "failed")


@dataclass(frozen=True)
class Recorded:
    """The traces written to the plan, one record per item of each department's mail that went."""

    changes: list[Change]
    depts: int

    def summary(self) -> str:
        file = self.changes[0].file
        said = f"已留痕 {len(self.changes)} 条（催办 {self.depts} 个部门）；写入 {file}"
        if self.changes[0].committed is not None:
            said += "；已提交" if self.changes[0].committed else "；无需提交"
        return said


Event = Written | Mailed | Recorded


@dataclass(frozen=True)
class Asked:
    """What the office asks for: which plan, as of which day, for whom, and how to send."""

    plan: Plan
    plan_path: Path  # never written over by a notice
    day: dt.date
    warn_days: int
    dept: str | None  # one department, or every one with pressing rows
    folder: Path
    mail: post.Settings | None  # None: no mail (or a dry run, with dry_mail)
    dry_mail: bool = False
    reply_by: dt.date | None = None  # None: a week after the day
    commit: bool = False  # commit the traces (with mail)

    @property
    def reply(self) -> dt.date:
        return self.reply_by or self.day + dt.timedelta(days=7)


def due(asked: Asked) -> list[Reminder]:
    """The departments to remind, each with its late and close rows."""
    return reminders(asked.plan, asked.day, asked.warn_days, asked.dept)


def remind(asked: Asked, found: list[Reminder]) -> Iterator[Event]:
    """Write each department's notice (and send it), saying each step as it is done. The
    connection is opened before anything is written, so a refused login leaves no file, and it
    is closed whatever happens. Then, for the mails that went, the traces: one record per item
    ({date, reminded, to, reply_by}), all through the write path as one change (one lock, one
    replace, and with commit one commit). A dry run, or a mail that failed, records nothing."""
    if asked.mail is not None and asked.day > dt.date.today():
        raise UsageError(f"--as-of {asked.day} 晚于今天，发出的催办无法按这一天留痕；未发送任何邮件")
    if asked.mail is not None and asked.commit:  # what --commit would refuse, refused before any mail goes
        from reformctl.git import Committer

        Committer(asked.plan_path).ready(asked.plan_path.read_bytes())
    postman = post.Postman(asked.mail) if asked.mail else None
    sent: list[tuple[Reminder, str]] = []
    try:
        if postman is not None:
            postman.open()
        _folder(asked.folder)
        view = View(asked.plan, asked.day, asked.warn_days)
        for reminder in found:
            notice = Notice(reminder.dept, reminder.rows, asked.reply)
            stem = "催办通知-" + re.sub(r"[\\/:*?\"<>|\s]", "_", reminder.dept)
            md, word = (render("remind", fmt, view, notice) for fmt in ("md", "docx"))
            for suffix, data in ((".md", md), (".docx", word)):
                raw = data.encode("utf-8") if isinstance(data, str) else data or b""
                yield Written(files.write_output(asked.folder / f"{stem}{suffix}", raw, [asked.plan_path]))
            if postman is not None or asked.dry_mail:
                assert isinstance(word, bytes)
                mailed = _mail(asked, postman, notice, letter(asked.plan, notice, asked.day), (f"{stem}.docx", word))
                yield mailed
                if mailed.kind == "sent" and mailed.to:
                    sent.append((reminder, mailed.to))
    finally:
        if postman is not None:
            postman.close()
    if sent:
        yield _traces(asked, sent)


def _traces(asked: Asked, sent: list[tuple[Reminder, str]]) -> Recorded:
    """The records of the mails that went, as one change to the plan file."""
    edits = [edit.reminded_edit(row.id, r.dept, to, asked.day, asked.reply) for r, to in sent for row in r.rows]

    def message(changes: list[Change]) -> str:
        return f"催办 {len(sent)} 个部门：{len(changes)} 条留痕"

    return Recorded(edit.rewrite_all(asked.plan_path, edits, asked.commit, message), len(sent))


def letter(plan: Plan, notice: Notice, day: dt.date) -> str:
    """The mail's body: a short letter in plain prose (no Markdown), as an office writes one —
    the department by its full name, the plan, each item with its owner, deadline, days overdue
    or left and latest progress, the day to reply by, the contact, and the 落款."""
    full = {d.id: d.full for d in plan.departments}.get(notice.dept, notice.dept)
    number = f"（{plan.document.number}）" if plan.document.number else ""
    lines = [
        f"{full}：",
        "",
        f"根据《{plan.document.title}》{number}的安排，截至 {chinese_day(day)}，你部门牵头的以下 "
        f"{len(notice.rows)} 个事项已逾期或临近期限，请抓紧推进：",
        "",
    ]
    for n, row in enumerate(notice.rows, 1):
        lines.append(f"{n}. {row.id} {one_line(row.text)}")
        lines.append(f"   {_facts(plan, row, day)}")
        found = progress_note(row)
        progress = f"{chinese_day(found.date)}，{one_line(found.note or '')}" if found else "尚无进展记录"
        lines.append(f"   最新进展：{progress}")
        lines.append("")
    lines += [*closing(plan, reply_day(notice, day)), ""]
    lines += ["催办通知的 Word 文件见附件。", "", *signature(plan, day)]
    return "\n".join(lines) + "\n"


def _facts(plan: Plan, row: Row, day: dt.date) -> str:
    """责任人：王小明；完成期限：2020年9月10日，已逾期 10 天 (the owner only when known)."""
    said = [f"责任人：{one_line(row.owner)}"] if row.owner else []
    lead = row.lead(plan)
    if len(lead) > 1:
        said.append(f"牵头部门：{depts_label(plan, lead)}")
    if row.due is not None:
        left = days_left(row, day)
        when = f"已逾期 {-left} 天" if left < 0 else "今天到期" if left == 0 else f"还剩 {left} 天"
        said.append(f"完成期限：{chinese_day(row.due)}，{when}")
    return "；".join(said) + "。"


def _folder(output: Path) -> None:
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{output}: 无法创建文件夹：{files.reason(exc)}") from None


def _mail(
    asked: Asked, postman: post.Postman | None, reminder: Reminder, body: str, attachment: tuple[str, bytes]
) -> Mailed:
    """One department's notice by mail, or why not: no address, or not exactly one address
    (then nothing is sent to it), or the server's refusal."""
    plan, dept = asked.plan, reminder.dept
    to = {d.id: d.email for d in plan.departments}.get(dept)
    subject = f"催办通知：{plan.document.title}（{dept}，{len(reminder.rows)} 项）"

    def said(kind: Literal["sent", "would", "no address", "bad address", "failed"], why: str | None = None) -> Mailed:
        return Mailed(dept, to, subject, attachment[0], kind, why)

    if not to:
        return said("no address", "计划中没有它的电子邮箱")
    bad = addresses.why_bad(to)
    if bad is not None:
        return said("bad address", bad)
    if postman is None:
        return said("would")
    why = postman.send(post.message(postman.setting, to, subject, body, attachment))
    return said("sent") if why is None else said("failed", why)
