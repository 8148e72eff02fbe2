"""Mail through a real SMTP server: each department its 催办通知, plain text with the Word file.

Where the server is, and who sends, come from the environment, never from the command line (where
a password would land in the shell's history): REFORMCTL_SMTP (host:port), REFORMCTL_SMTP_USER,
REFORMCTL_SMTP_PASSWORD, REFORMCTL_SMTP_FROM. STARTTLS is used whenever the server offers it.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from reformctl import addresses
from reformctl.errors import UsageError
from reformctl.plain import one_line


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    sender: str
    user: str | None
    password: str | None


def settings() -> Settings:
    """The server and the sender, or a usage error that says which variable is missing."""
    sender = os.environ.get("REFORMCTL_SMTP_FROM", "").strip()
    if not sender:
        raise UsageError(
            "发邮件需要发件人：请设置环境变量 REFORMCTL_SMTP_FROM，如 改革办 <gaigeban@example.org>；未发送任何邮件"
        )
    why = sender_problem(sender)
    if why is not None:
        raise UsageError(f"REFORMCTL_SMTP_FROM {sender!r} 不能用作发件人：{why}；未发送任何邮件")
    host, port = server(os.environ.get("REFORMCTL_SMTP", "").strip())
    user = os.environ.get("REFORMCTL_SMTP_USER") or None
    return Settings(host, port, sender, user, os.environ.get("REFORMCTL_SMTP_PASSWORD") if user else None)


def server(where: str) -> tuple[str, int]:
    """REFORMCTL_SMTP as (host, port), or a usage error: a port from 1 to 65535 in ASCII digits,
    a host without spaces, controls or slashes."""
    host, _, port = where.rpartition(":")
    number = int(port) if port.isascii() and port.isdigit() else 0
    clean = host and one_line(host) == host and not any(c.isspace() or c in "/@" for c in host)
    if not clean or not 0 < number < 65536:
        raise UsageError(f"请用 REFORMCTL_SMTP=主机:端口 指明邮件服务器，现在是 {where!r}；未发送任何邮件")
    return host, number


def sender_problem(sender: str) -> str | None:
    """Why REFORMCTL_SMTP_FROM is not one address (a display name is allowed), else None."""
    if one_line(sender) != sender:
        return "含有换行或控制字符"
    from email.errors import HeaderParseError
    from email.headerregistry import HeaderRegistry

    try:
        header = HeaderRegistry()("From", sender)
    except (ValueError, IndexError, HeaderParseError):
        return "写法有误，应如 省科协改革办 <gaigeban@example.org>"
    (group, *more) = header.groups or (None,)
    if len(header.addresses) != 1 or more or group is None or group.display_name is not None or header.defects:
        return "只能写一个地址，如 省科协改革办 <gaigeban@example.org>"
    return addresses.why_bad(header.addresses[0].addr_spec)


def message(setting: Settings, to: str, subject: str, body: str, attachment: tuple[str, bytes]) -> EmailMessage:
    """Plain text in UTF-8, headers encoded as RFC 2047 wants (the email package does it), the
    Word file attached under its Chinese name."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = setting.sender, to, subject
    mail.set_content(body)
    name, data = attachment
    subtype = "vnd.openxmlformats-officedocument.wordprocessingml.document"
    mail.add_attachment(data, maintype="application", subtype=subtype, filename=name)
    return mail


class Postman:
    """One connection, reopened if a message broke it; each message succeeds or fails alone."""

    def __init__(self, setting: Settings):
        self.setting = setting
        self.smtp: smtplib.SMTP | None = None

    def connect(self) -> smtplib.SMTP:
        if self.smtp is None:
            smtp = smtplib.SMTP(self.setting.host, self.setting.port, timeout=30)
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.setting.user:
                smtp.login(self.setting.user, self.setting.password or "")
            self.smtp = smtp
        return self.smtp

    def send(self, mail: EmailMessage) -> str | None:
        """None when the server took it, else why not."""
        try:
            self.connect().send_message(mail)
            return None
        except smtplib.SMTPRecipientsRefused as exc:
            code, said = next(iter(exc.recipients.values()))
            return f"服务器拒收（{code} {said.decode('utf-8', 'replace')}）"
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            return f"{type(exc).__name__}: {exc}"

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.smtp = None
