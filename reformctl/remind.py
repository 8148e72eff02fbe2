"""催办, the use case: a notice per department with late or close rows, written as Markdown and
Word into a folder, and, with mail, sent to each department at its one address.

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

from reformctl import addresses, files
from reformctl import mail as post
from reformctl.errors import UsageError
from reformctl.models import Plan
from reformctl.render import View, render
from reformctl.report import Reminder, reminders


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


Event = Written | Mailed


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


def due(asked: Asked) -> list[Reminder]:
    """The departments to remind, each with its late and close rows."""
    return reminders(asked.plan, asked.day, asked.warn_days, asked.dept)


def remind(asked: Asked, found: list[Reminder]) -> Iterator[Event]:
    """Write each department's notice (and send it), saying each step as it is done. The
    connection is opened before anything is written, so a refused login leaves no file, and it
    is closed whatever happens."""
    postman = post.Postman(asked.mail) if asked.mail else None
    try:
        if postman is not None:
            postman.open()
        _folder(asked.folder)
        view = View(asked.plan, asked.day, asked.warn_days)
        for reminder in found:
            stem = "催办通知-" + re.sub(r"[\\/:*?\"<>|\s]", "_", reminder.dept)
            md, word = (render("remind", fmt, view, reminder) for fmt in ("md", "docx"))
            for suffix, data in ((".md", md), (".docx", word)):
                raw = data.encode("utf-8") if isinstance(data, str) else data or b""
                yield Written(files.write_output(asked.folder / f"{stem}{suffix}", raw, [asked.plan_path]))
            if postman is not None or asked.dry_mail:
                assert isinstance(md, str) and isinstance(word, bytes)
                yield _mail(asked, postman, reminder, md, (f"{stem}.docx", word))
    finally:
        if postman is not None:
            postman.close()


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
