"""Mail through a real SMTP server: each department its 催办通知, plain text with the Word file.

Where the server is, and who sends, come from the environment, never from the command line (where
a password would land in the shell's history): REFORMCTL_SMTP (host:port; smtps://host:port, or
port 465, for TLS from the first byte), REFORMCTL_SMTP_USER, REFORMCTL_SMTP_PASSWORD,
REFORMCTL_SMTP_FROM. Otherwise STARTTLS is used whenever the server offers it, and the
certificate is verified as every TLS client does. A login never goes in clear text (anyone on
the path could read the password) unless REFORMCTL_SMTP_INSECURE=1 says so; without a login,
plain SMTP to a server without STARTTLS is allowed (a local relay).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from reformctl import addresses
from reformctl.errors import ReformctlError, UsageError
from reformctl.plain import one_line

SERVER = "请用 REFORMCTL_SMTP=主机:端口 指明邮件服务器（直接 TLS 则用 smtps://主机:端口 或 465 端口）"


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    sender: str
    user: str | None
    password: str | None
    implicit_tls: bool = False  # TLS from the first byte (smtps), rather than STARTTLS
    insecure: bool = False  # REFORMCTL_SMTP_INSECURE=1: a login may go without TLS


def settings() -> Settings:
    """The server and the sender, or a usage error that says which variable is missing or wrong."""
    sender = os.environ.get("REFORMCTL_SMTP_FROM", "").strip()
    if not sender:
        raise UsageError(
            "发邮件需要发件人：请设置环境变量 REFORMCTL_SMTP_FROM，如 改革办 <gaigeban@example.org>；未发送任何邮件"
        )
    why = sender_problem(sender)
    if why is not None:
        raise UsageError(f"REFORMCTL_SMTP_FROM {sender!r} 不能用作发件人：{why}；未发送任何邮件")
    host, port, implicit = server(os.environ.get("REFORMCTL_SMTP", "").strip())
    insecure = os.environ.get("REFORMCTL_SMTP_INSECURE", "").strip()
    if insecure not in ("", "0", "1"):
        raise UsageError(f"REFORMCTL_SMTP_INSECURE 只能是 1（允许不加密登录）或 0，不是 {insecure!r}；未发送任何邮件")
    user = os.environ.get("REFORMCTL_SMTP_USER") or None
    password = os.environ.get("REFORMCTL_SMTP_PASSWORD") if user else None
    return Settings(host, port, sender, user, password, implicit, insecure == "1")


def server(where: str) -> tuple[str, int, bool]:
    """REFORMCTL_SMTP as (host, port, TLS from the first byte), or a usage error."""
    scheme, sep, rest = where.partition("://")
    if not sep:
        scheme, rest = "", where
    host, _, port = rest.rpartition(":")
    number = int(port) if port.isascii() and port.isdigit() else 0
    clean = host and one_line(host) == host and not any(c.isspace() or c in "/@" for c in host)
    if scheme.lower() not in ("", "smtp", "smtps") or not clean or not 0 < number < 65536:
        raise UsageError(f"{SERVER}，现在是 {where!r}；未发送任何邮件")
    return host, number, scheme.lower() == "smtps" or (not scheme and number == 465)


def sender_problem(sender: str) -> str | None:
    """Why REFORMCTL_SMTP_FROM is not one address (a display name is allowed), else None."""
    if one_line(sender) != sender:
        return "含有换行或控制字符"
    from email.errors import HeaderParseError
    from email.headerregistry import AddressHeader, HeaderRegistry

    try:
        header = HeaderRegistry()("From", sender)
    except (ValueError, IndexError, HeaderParseError):
        return "写法有误，应如 省科协改革办 <gaigeban@example.org>"
    assert isinstance(header, AddressHeader)  # what the registry makes of a From header
    (group, *more) = header.groups or (None,)
    if len(header.addresses) != 1 or more or group is None or group.display_name is not None or header.defects:
        return "只能写一个地址，如 省科协改革办 <gaigeban@example.org>"
    return addresses.why_bad(header.addresses[0].addr_spec)


def message(setting: Settings, to: str, subject: str, body: str, attachment: tuple[str, bytes]) -> EmailMessage:
    """Plain text in UTF-8, headers encoded as RFC 2047 wants (the email package does it), the
    Word file attached under its Chinese name. Date and Message-ID are set here, as a mail
    client sets them: a server may add neither, and a reader's mailbox sorts and threads by them."""
    from email.utils import formatdate, make_msgid, parseaddr

    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = setting.sender, to, subject
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=parseaddr(setting.sender)[1].rpartition("@")[2] or None)
    mail.set_content(body, charset="utf-8")
    name, data = attachment
    subtype = "vnd.openxmlformats-officedocument.wordprocessingml.document"
    mail.add_attachment(data, maintype="application", subtype=subtype, filename=name)
    return mail


class Postman:
    """One connection, reopened if a message broke it; each message succeeds or fails alone."""

    def __init__(self, setting: Settings):
        self.setting = setting
        self.smtp: smtplib.SMTP | None = None
        self.sent = 0

    def connect(self) -> smtplib.SMTP:
        """The open connection, or a new one: encrypted if the server can, logged in if asked.
        A login the server would read in clear text is refused (ReformctlError), nothing sent."""
        if self.smtp is None:
            setting, context = self.setting, ssl.create_default_context()
            if setting.implicit_tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(setting.host, setting.port, timeout=30, context=context)
            else:
                smtp = smtplib.SMTP(setting.host, setting.port, timeout=30)
            try:
                smtp.ehlo()
                secure = setting.implicit_tls
                if not secure and smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
                    secure = True
                if setting.user and not secure and not setting.insecure:
                    raise ReformctlError(self.clear_text())
                if setting.user:
                    smtp.login(setting.user, setting.password or "")
            except BaseException:
                smtp.close()
                raise
            self.smtp = smtp
        return self.smtp

    def open(self) -> None:
        """Connect before anything is written, so that a login in clear text is refused first; a
        server that cannot be reached is left to each message to report."""
        try:
            self.connect()
        except (smtplib.SMTPException, OSError):
            self.close()

    def clear_text(self) -> str:
        where = f"{self.setting.host}:{self.setting.port}"
        done = "未发送任何邮件" if not self.sent else f"已发送的 {self.sent} 封之后的邮件均未发送"
        return (
            f"邮件服务器 {where} 不提供 STARTTLS 加密，登录会以明文（不加密）发送密码，线路上的任何人都能看到，"
            "因此未登录：如服务器支持，请改用 smtps://主机:端口（常为 465 端口）；若确属可信的本机或内网线路，"
            f"可设置 REFORMCTL_SMTP_INSECURE=1。{done}"
        )

    def send(self, mail: EmailMessage) -> str | None:
        """None when the server took it, else why not."""
        try:
            self.connect().send_message(mail)
            self.sent += 1
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
