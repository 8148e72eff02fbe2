"""催办: a notice per department that is late, on paper and through a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import ok, run

aiosmtpd = pytest.importorskip("aiosmtpd")
from aiosmtpd.controller import Controller  # noqa: E402

REFUSED = "guoji@example.org"


class Inbox:
    """An SMTP server's handler: keeps every message and whether it came over TLS, refuses one
    recipient, drops the connection in the middle of a message to `drop`, and counts QUITs."""

    def __init__(self, drop: str | None = None) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.tls: list[bool] = []
        self.drop, self.quits = drop, 0

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        if address == REFUSED:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.drop in envelope.rcpt_tos:
            server.transport.close()  # the line breaks: the client never hears back
            return "421 4.4.2 connection dropped"
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        self.tls.append(server.transport.get_extra_info("ssl_object") is not None)
        return "250 Message accepted"

    async def handle_QUIT(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.quits += 1
        return "221 Bye"


@contextmanager
def serve(handler: Inbox, monkeypatch: pytest.MonkeyPatch, scheme: str = "", **options: Any) -> Iterator[int]:
    """An SMTP server on 127.0.0.1 for the test's duration, named in REFORMCTL_SMTP; its port."""
    with socket.socket() as probe:  # a free port, for the server to take
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    for name in ("REFORMCTL_SMTP_USER", "REFORMCTL_SMTP_PASSWORD", "REFORMCTL_SMTP_INSECURE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REFORMCTL_SMTP", f"{scheme}127.0.0.1:{port}")
    monkeypatch.setenv("REFORMCTL_SMTP_FROM", "改革办 <gaigeban@example.org>")
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    handler = Inbox()
    with serve(handler, monkeypatch):
        yield handler


@pytest.fixture
def late(plan_file: Path) -> Path:
    """学会部 late on 9.1, 国际部 close on 7.1, 调宣部 fine; e-mail for 学会部 and 国际部 only."""
    text = plan_file.read_text(encoding="utf-8")
    text = text.replace("{id: 学会部, name: 学会学术部}", "{id: 学会部, name: 学会学术部, email: xuehui@example.org}")
    text = text.replace("{id: 国际部, name: 国际联络部}", f"{{id: 国际部, name: 国际联络部, email: {REFUSED}}}")
    plan_file.write_text(text, encoding="utf-8")
    ok("due", "set", "9.1", "2020-09-10", "--date", "2020-08-01")
    ok("assign", "9.1", "--owner", "王小明", "--date", "2020-08-01")
    ok("due", "set", "7.1", "2020-09-25", "--date", "2020-08-01")
    ok("due", "set", "1.1", "2020-12-31", "--date", "2020-08-01")
    ok("due", "set", "6.1", "2020-09-22", "--date", "2020-08-01")  # 学会部 (with 办公厅, 组人部): close
    return plan_file


def test_a_notice_per_department_that_is_late(late: Path, tmp_path: Path):
    said = ok("remind", "-o", "催办", "--as-of", "2020-09-20")
    written = sorted(p.name for p in (tmp_path / "催办").iterdir())
    assert written == sorted(
        f"催办通知-{d}.{s}" for d in ("办公厅", "国际部", "组人部", "学会部") for s in ("docx", "md")
    )
    assert "已写入 催办/催办通知-学会部.md" in said
    md = (tmp_path / "催办" / "催办通知-学会部.md").read_text(encoding="utf-8")
    assert "# 催办通知（学会部）" in md and "截至2020年9月20日，你部门牵头的以下 2 个事项已逾期或临近期限" in md
    assert "| 9.1 |" in md and "| 王小明 | 9月10日 | 逾期 10 天 |" in md and "临期，剩 2 天" in md
    word = docx.Document(str(tmp_path / "催办" / "催办通知-学会部.docx"))
    assert word.paragraphs[0].text == "催办通知（学会部）" and word.tables[0].rows[1].cells[0].text in ("6.1", "9.1")
    assert "调宣部" not in " ".join(written)
    assert "截至 2020-09-01 没有逾期或临期的事项，无需催办" in ok("remind", "-o", "空", "--as-of", "2020-09-01")


def test_mail_goes_out_through_a_real_smtp_server(late: Path, inbox: Inbox):
    result = run("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail")
    assert result.exit_code == 1, result.output  # one department refused
    assert "已发送 学会部 <xuehui@example.org>" in result.stdout
    assert f"发送失败 国际部 <{REFUSED}>：服务器拒收（550 5.1.1 no such mailbox）" in result.stdout
    assert "未发送 办公厅：计划中没有它的电子邮箱" in result.stdout
    (recipients, mail) = inbox.messages[0]
    assert recipients == ["xuehui@example.org"] and len(inbox.messages) == 1
    assert mail["Subject"] == "催办通知：2020年科协系统深化改革重点任务（学会部，2 项）"
    assert mail["From"] == "改革办 <gaigeban@example.org>" and mail["To"] == "xuehui@example.org"
    body = mail.get_body(("plain",))
    assert body is not None and "你部门牵头的以下 2 个事项" in body.get_content()
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "催办通知-学会部.docx" and attachment.get_content().startswith(b"PK")


OFFICE = """
office:
  name: 中国科协深化改革领导小组办公室
  short: 中国科协改革办
  contact: 张三
  phone: 010-68571234
"""


def with_office(plan_file: Path, office: str = OFFICE, unit: str | None = None) -> None:
    """Give the plan an office block (after its document), and, with unit, make it a unit plan."""
    text = plan_file.read_text(encoding="utf-8").replace("\n# 牵头部门", f"{office}\n# 牵头部门", 1)
    if unit is not None:
        text = text.replace("version: 1\n", f"version: 1\nunit: {{name: {unit}, level: 县级}}\n", 1)
    plan_file.write_text(text, encoding="utf-8")


@pytest.fixture
def progressed(late: Path) -> Path:
    """9.1 with a progress note, then a later assignment that has a note of its own."""
    ok("status", "set", "9.1", "doing", "--note", "已起草实施方案", "--date", "2020-08-05")
    ok("assign", "9.1", "--owner", "李华", "--date", "2020-08-06", "--note", "工作调整")
    return late


def test_the_mail_is_a_letter_with_its_headers_and_the_word_file(progressed: Path, inbox: Inbox):
    """Date and Message-ID as a mail client sets them; the body a letter in plain prose: the
    department's full name, the plan and its 文号, each item (owner, deadline, days, latest
    progress: a status record's note, not the assignment after it), reply-by, contact, 落款."""
    from email.utils import parsedate_to_datetime

    with_office(progressed)
    ok("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail", "--dept", "学会部", "--reply-by", "2020-09-28")
    ((recipients, mail),) = inbox.messages
    assert recipients == ["xuehui@example.org"] and mail["To"] == "xuehui@example.org"
    assert mail["From"] == "改革办 <gaigeban@example.org>"
    assert mail["Subject"] == "催办通知：2020年科协系统深化改革重点任务（学会部，2 项）"
    assert parsedate_to_datetime(mail["Date"]).tzinfo is not None
    assert re.fullmatch(r"<[^<>@\s]+@example\.org>", mail["Message-ID"])
    plain = mail.get_body(("plain",))
    assert plain is not None and plain.get_content_charset() == "utf-8"
    body = plain.get_content()
    assert "#" not in body and "|" not in body and "**" not in body
    lines = body.splitlines()
    assert lines[0] == "学会学术部："
    assert "根据《2020年科协系统深化改革重点任务》（科协办发调字〔2020〕12号）的安排，截至 2020年9月20日" in body
    (first,) = [n for n, line in enumerate(lines) if line.startswith("1. 6.1 ")]
    (second,) = [
        n for n, line in enumerate(lines) if line.startswith("2. 9.1 贯彻落实《关于深化改革培育世界一流科技期刊")
    ]
    assert "完成期限：2020年9月22日，还剩 2 天。" in lines[first + 1]
    assert lines[first + 2] == "   最新进展：尚无进展记录"
    assert lines[second + 1] == "   责任人：李华；完成期限：2020年9月10日，已逾期 10 天。"
    assert lines[second + 2] == "   最新进展：2020年8月5日，已起草实施方案"
    assert "2020年8月6日" not in body and "工作调整" not in body and "2020-" not in body
    assert "请于 2020年9月28日前将上述事项的进展情况报送中国科协改革办。" in lines
    assert "联系人：张三，联系电话：010-68571234。" in lines
    assert lines[-2:] == ["中国科协改革办", "2020年9月20日"]
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "催办通知-学会部.docx"
    word = docx.Document(io.BytesIO(attachment.get_content()))
    texts = [p.text for p in word.paragraphs]
    assert "请于 2020年9月28日前将上述事项的进展情况报送中国科协改革办。" in texts and texts[-2:] == lines[-2:]
    assert word.tables[0].rows[2].cells[5].text == "8月5日 已起草实施方案"


def test_the_notice_has_its_issuer_reply_by_contact_and_signature(progressed: Path):
    """The md and docx from one layout: with an office, its name, the contact and its 落款; a
    week after the as-of day to reply by; without an office nothing of it, a unit's name instead."""
    ok("remind", "-o", "无", "--as-of", "2020-09-20", "--dept", "学会部")
    bare = Path("无/催办通知-学会部.md").read_text(encoding="utf-8")
    assert "\n\n2020年科协系统深化改革重点任务 · 截至2020年9月20日\n" in bare
    assert "请于 2020年9月27日前将上述事项的进展情况报送改革办。" in bare
    assert "联系人" not in bare and "电话" not in bare and bare.endswith("\n\n2020年9月20日\n")
    assert "| 9.1 |" in bare and "| 8月5日 已起草实施方案 |" in bare
    with_office(progressed, "\noffice:\n  name: 朝阳区科协改革办\n  phone: 010-1234567\n", "北京市朝阳区科协")
    ok("remind", "-o", "单位", "--as-of", "2020-09-20", "--dept", "学会部", "--reply-by", "2020-09-25")
    unit = Path("单位/催办通知-学会部.md").read_text(encoding="utf-8")
    assert "\n\n朝阳区科协改革办 · 北京市朝阳区科协 · 2020年科协系统深化改革重点任务 · 截至2020年9月20日\n" in unit
    assert "请于 2020年9月25日前将上述事项的进展情况报送朝阳区科协改革办。\n\n联系电话：010-1234567。" in unit
    assert "联系人" not in unit and unit.endswith("\n\n朝阳区科协改革办\n\n2020年9月20日\n")
    texts = [p.text for p in docx.Document("单位/催办通知-学会部.docx").paragraphs]
    assert "联系电话：010-1234567。" in texts and texts[-2:] == ["朝阳区科协改革办", "2020年9月20日"]
    with_office(progressed, "", None)
    text = progressed.read_text(encoding="utf-8").replace(
        "\noffice:\n  name: 朝阳区科协改革办\n  phone: 010-1234567\n", ""
    )
    progressed.write_text(text, encoding="utf-8")
    ok("remind", "-o", "仅单位", "--as-of", "2020-09-20", "--dept", "学会部")
    only = Path("仅单位/催办通知-学会部.md").read_text(encoding="utf-8")
    assert "北京市朝阳区科协 · 2020年" in only and only.endswith("\n\n北京市朝阳区科协\n\n2020年9月20日\n")
    refused = run("remind", "-o", "早", "--as-of", "2020-09-20", "--reply-by", "2020-09-19")
    assert refused.exit_code == 2 and "--reply-by" in refused.stderr and not Path("早").exists()


def traces(plan_file: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every 催办 record of the plan, with its row's id, in document order."""
    import yaml

    data = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    rows = [row for task in data["tasks"] for row in (task.get("items") or [task])]
    return [(row["id"], r) for row in rows for r in row.get("history") or [] if "reminded" in r]


def test_each_mail_that_went_leaves_a_trace_in_one_change(late: Path, inbox: Inbox):
    """学会部's two items get one record each; 国际部 (refused) and 办公厅 (no address) none;
    validate takes them, log says them, --as-of before the day ignores them, undo takes one back."""
    import datetime as dt

    from reformctl import loader, query

    before = late.read_text(encoding="utf-8")
    result = run("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail")
    assert result.exit_code == 1  # 国际部 refused
    assert "已留痕 2 条（催办 1 个部门）；写入 data/tasks-2020.yaml" in result.stdout
    record = {"date": "2020-09-20", "reminded": "学会部", "to": "xuehui@example.org", "reply_by": "2020-09-27"}
    assert [(i, {k: str(v) for k, v in r.items()}) for i, r in traces(late)] == [("6.1", record), ("9.1", record)]
    after = late.read_text(encoding="utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert len(added) == 2 and all("reminded: 学会部" in line for line in added), added
    assert ok("validate").startswith("data/tasks-2020.yaml：有效")
    said = ok("log", "9.1")  # the change column is broken at its width: read it as one text
    cells = "".join(line.split("│")[3].strip() for line in said.splitlines() if line.count("│") > 3)
    assert "催办 学会部（xuehui@example.org），请于 2020年9月27日前回复" in cells and "2020-09-20" in said
    plan = loader.load(late)
    rewound = query.rewind(plan, dt.date(2020, 9, 19))
    (row,) = [r for r in query.rows(rewound) if r.id == "9.1"]
    assert all(r.reminded is None for r in row.history) and row.status == "todo" and row.owner == "王小明"
    assert "已撤销 9.1：催办 学会部（xuehui@example.org）" in ok("undo", "9.1")
    assert [i for i, _ in traces(late)] == ["6.1"]


def test_dry_run_and_no_mail_leave_no_trace(late: Path, inbox: Inbox):
    before = late.read_bytes()
    ok("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail", "--dry-run")
    ok("remind", "-o", "催办", "--as-of", "2020-09-20")
    assert late.read_bytes() == before and inbox.messages == []


def test_commit_makes_one_commit_of_the_traces(late: Path, inbox: Inbox, tmp_path: Path):
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")

    def repo(*args: str) -> str:
        return subprocess.run([git, *args], capture_output=True, text=True, check=True, cwd=tmp_path).stdout.strip()

    repo("init", "-q", "-b", "main")
    repo("config", "user.name", "测试")
    repo("config", "user.email", "test@example.invalid")
    repo("add", "data")
    repo("commit", "-q", "-m", "计划")
    with_addresses(late, {"办公厅": "bangong@example.org"})  # an uncommitted change: refused before any mail
    refused = run("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail", "--commit")
    assert refused.exit_code == 1 and "已有未提交的改动" in refused.stderr and inbox.messages == []
    repo("commit", "-q", "-am", "办公厅的邮箱")
    result = run("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail", "--commit")
    assert result.exit_code == 1 and "已留痕 3 条（催办 2 个部门）；写入 data/tasks-2020.yaml；已提交" in result.stdout
    assert repo("log", "--format=%s") == "催办 2 个部门：3 条留痕\n办公厅的邮箱\n计划"
    assert repo("show", "--name-only", "--format=", "HEAD") == "data/tasks-2020.yaml"
    assert repo("status", "--porcelain", "--", "data") == ""
    assert sorted((i, r["reminded"]) for i, r in traces(late)) == [
        ("6.1", "办公厅"),
        ("6.1", "学会部"),
        ("9.1", "学会部"),
    ]


def test_mail_needs_a_sender_and_dry_run_sends_nothing(late: Path, inbox: Inbox, monkeypatch: pytest.MonkeyPatch):
    dry = ok("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail", "--dry-run")
    assert "将发送 学会部 <xuehui@example.org>：催办通知" in dry and inbox.messages == []
    monkeypatch.delenv("REFORMCTL_SMTP_FROM")
    result = run("remind", "-o", "别处", "--as-of", "2020-09-20", "--mail")
    assert result.exit_code == 2 and "REFORMCTL_SMTP_FROM" in result.stderr and inbox.messages == []
    assert not Path("别处").exists()


class Logins:
    """An authenticator that counts the logins it was offered (so a test sees a password never went)."""

    def __init__(self) -> None:
        self.tried = 0

    def __call__(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        from aiosmtpd.smtp import AuthResult

        self.tried += 1
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"gaigeban", b"s3cret"))


def log_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFORMCTL_SMTP_USER", "gaigeban")
    monkeypatch.setenv("REFORMCTL_SMTP_PASSWORD", "s3cret")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS", "ignore:Session.login_data is deprecated")
def test_the_login_comes_from_the_environment_and_never_goes_in_clear_text(late: Path, monkeypatch):
    """A server that wants a login but offers no TLS: REFORMCTL_SMTP_USER and _PASSWORD, never an
    argument; refused before any message goes unless REFORMCTL_SMTP_INSECURE=1 says so."""
    handler, logins = Inbox(), Logins()
    with serve(handler, monkeypatch, authenticator=logins, auth_required=True, auth_require_tls=False):
        refused = run("remind", "-o", "一", "--as-of", "2020-09-20", "--mail", "--dept", "学会部")
        assert refused.exit_code == 1 and "发送失败 学会部" in refused.stdout and "530" in refused.stdout  # no login
        log_in(monkeypatch)
        clear = run("remind", "-o", "二", "--as-of", "2020-09-20", "--mail")
        assert clear.exit_code == 1 and "REFORMCTL_SMTP_INSECURE=1" in clear.stderr and "未发送任何邮件" in clear.stderr
        assert "不加密" in clear.stderr and logins.tried == 0 and handler.messages == [] and not Path("二").exists()
        monkeypatch.setenv("REFORMCTL_SMTP_INSECURE", "1")
        ok("remind", "-o", "三", "--as-of", "2020-09-20", "--mail", "--dept", "学会部")
        assert [recipients for recipients, _ in handler.messages] == [["xuehui@example.org"]] and logins.tried == 1


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key, made by openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("the TLS tests need the openssl command to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """The server's TLS context; the client trusts the certificate the standard way (SSL_CERT_FILE),
    so reformctl verifies it as it verifies any other."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    return context


def test_starttls_is_used_when_the_server_offers_it(late: Path, tls: ssl.SSLContext, monkeypatch):
    """The server requires STARTTLS before anything, and the login only over TLS (aiosmtpd's default)."""
    handler, logins = Inbox(), Logins()
    with serve(handler, monkeypatch, tls_context=tls, require_starttls=True, authenticator=logins, auth_required=True):
        log_in(monkeypatch)
        ok("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail", "--dept", "学会部")
    assert [recipients for recipients, _ in handler.messages] == [["xuehui@example.org"]]
    assert handler.tls == [True] and logins.tried == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS", "ignore:Session.login_data is deprecated")
def test_implicit_tls_with_smtps(late: Path, tls: ssl.SSLContext, monkeypatch):
    """smtps://: TLS from the first byte (aiosmtpd knows no TLS it did not start, hence auth_require_tls)."""
    handler, logins = Inbox(), Logins()
    with serve(handler, monkeypatch, "smtps://", ssl_context=tls, authenticator=logins, auth_required=True,
               auth_require_tls=False):  # fmt: skip
        log_in(monkeypatch)
        ok("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail", "--dept", "学会部")
        monkeypatch.delenv("SSL_CERT_FILE")  # a certificate nobody vouches for: nothing goes
        untrusted = run("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail", "--dept", "学会部")
        assert (
            untrusted.exit_code == 1
            and "发送失败 学会部" in untrusted.stdout
            and "CERTIFICATE_VERIFY_FAILED" in untrusted.stdout
        )
    assert handler.tls == [True] and logins.tried == 1


def test_port_465_means_implicit_tls(monkeypatch: pytest.MonkeyPatch):
    from reformctl import mail

    monkeypatch.setenv("REFORMCTL_SMTP_FROM", "gaigeban@example.org")
    for where, implicit in (("mail.example.org:465", True), ("smtps://mail.example.org:2465", True),
                            ("smtp://mail.example.org:465", False), ("mail.example.org:587", False)):  # fmt: skip
        monkeypatch.setenv("REFORMCTL_SMTP", where)
        setting = mail.settings()
        assert (setting.host, setting.implicit_tls) == ("mail.example.org", implicit), where


# ---------------------------------------------------------------- addresses: mail goes only where the plan says

BAD_ADDRESSES = {
    "学会部": "ok@b.cn\r\nBcc: evil@x.cn",  # a header smuggled in: crashed remind --mail with exit 3
    "办公厅": "a@b.cn, evil@x.cn",  # was mailed to both
    "国际部": "<evil@x.cn> ok@b.cn",  # went only to evil@x.cn while the screen said ok@b.cn
}


def with_addresses(plan_file: Path, addresses: dict[str, str]) -> None:
    """Give departments these e-mail addresses, written as YAML double-quoted strings (JSON's)."""
    text = plan_file.read_text(encoding="utf-8")
    for dept, address in addresses.items():
        pattern = rf"(\{{id: {dept}, name: [^,}}]+)(, email: [^}}]+)?\}}"
        text = re.sub(pattern, lambda m, a=address: f"{m.group(1)}, email: {json.dumps(a)}}}", text)
    plan_file.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "address",
    ["a@b.cn, evil@x.cn", "a@b.cn;c@d.cn", "a@b.cn，c@d.cn", "<evil@x.cn> ok@b.cn", "改革办 <a@b.cn>", '"a"@b.cn',
     "ok@b.cn\r\nBcc: evil@x.cn", "a b@c.cn", "a@b.cn\t", "a\x1b@b.cn", "a@b\u202e.cn", "", "ab.cn", "a@@b.cn",
     "a@b@c.cn", "@b.cn", "a@", "a＠b.cn", "a(x)@b.cn", "a.@b.cn", "a@b..cn"],
)  # fmt: skip
def test_an_address_is_exactly_one_addr_spec(address: str):
    from reformctl.addresses import why_bad

    why = why_bad(address)
    assert why is not None and why.startswith("电子邮箱 ") and "email" not in why
    assert "\r" not in why and "\n" not in why and "\x1b" not in why and "\u202e" not in why


@pytest.mark.parametrize("address", ["xuehui@example.org", "gai.geban+2020@mail.example.org", "a@localhost"])
def test_a_plain_address_is_good(address: str):
    from reformctl.addresses import why_bad

    assert why_bad(address) is None


def test_validate_locates_every_bad_address(plan_file: Path):
    with_addresses(plan_file, {**BAD_ADDRESSES, "调宣部": "tiaoxuan@example.org"})
    result = run("validate")
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and "\r" not in result.stderr, result.stderr
    assert lines[0].startswith("data/tasks-2020.yaml:24:35: departments[3].email: 电子邮箱 'ok@b.cn\\r\\nBcc: ")
    assert lines[1].startswith("data/tasks-2020.yaml:25:33: departments[4].email: 电子邮箱 'a@b.cn, evil@x.cn' ")
    assert lines[2].startswith("data/tasks-2020.yaml:26:35: departments[5].email: 电子邮箱 '<evil@x.cn> ok@b.cn' ")
    assert "只能写一个地址" in lines[1] and "尖括号" in lines[2]
    assert ok("list", "--dept", "学会部")  # one bad address does not make the plan unusable


def test_a_bad_address_is_not_mailed_and_the_others_still_go(late: Path, inbox: Inbox):
    with_addresses(late, {**BAD_ADDRESSES, "国际部": "guoji@example.cn"})  # 学会部, 办公厅 bad; 国际部 last
    for args in (["--dry-run"], []):
        result = run("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail", *args)
        assert result.exit_code == 1, result.output
        assert "\r" not in result.stdout and not any(line.startswith("Bcc") for line in result.stdout.splitlines())
        (xuehui,) = [line for line in result.stdout.splitlines() if line.startswith("未发送 学会部")]
        assert xuehui == "未发送 学会部：电子邮箱 'ok@b.cn\\r\\nBcc: evil@x.cn' 含有空格、换行或控制字符"
        assert "未发送 办公厅：电子邮箱 'a@b.cn, evil@x.cn' 只能写一个地址" in result.stdout
        assert ("将发送 国际部 <guoji@example.cn>" if args else "已发送 国际部 <guoji@example.cn>") in result.stdout
        assert (Path("催办") / "催办通知-国际部.docx").exists()
    assert [recipients for recipients, _ in inbox.messages] == [["guoji@example.cn"]]


@pytest.mark.parametrize(
    "where", ["127.0.0.1:abc", "127.0.0.1", ":25", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:９９", "ftp://h:21",
              "smtps://127.0.0.1", "127.0.0.1:2\n5", "mail\r\n.example.org:25"],
)  # fmt: skip
def test_the_server_needs_a_host_and_a_port(late: Path, inbox: Inbox, monkeypatch: pytest.MonkeyPatch, where: str):
    monkeypatch.setenv("REFORMCTL_SMTP", where)
    result = run("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail")
    assert result.exit_code == 2 and "REFORMCTL_SMTP=主机:端口" in result.stderr and inbox.messages == []
    assert not Path("催办").exists() and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "sender", ["改革办 <gaigeban@example.org>\r\nBcc: evil@x.cn", "gaigeban@example.org, evil@x.cn",
               "改革办 <gaigeban@example.org>, evil@x.cn", "改革办 <gaigeban@example.org> <evil@x.cn>",
               "改革办 gaigeban@example.org", "gaigeban", "改革办 <gaige ban@example.org>", "all: a@b.cn, c@d.cn;"],
)  # fmt: skip
def test_the_sender_is_one_address(late: Path, inbox: Inbox, monkeypatch: pytest.MonkeyPatch, sender: str):
    monkeypatch.setenv("REFORMCTL_SMTP_FROM", sender)
    result = run("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail")
    assert result.exit_code == 2 and "REFORMCTL_SMTP_FROM" in result.stderr and "未发送任何邮件" in result.stderr
    assert inbox.messages == [] and len(result.stderr.splitlines()) == 1 and "\r" not in result.stderr


def test_a_sender_with_a_display_name(late: Path, inbox: Inbox, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REFORMCTL_SMTP_FROM", "省科协改革办 <gaigeban@example.org>")
    ok("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail", "--dept", "学会部")
    assert inbox.messages[0][1]["From"] == "省科协改革办 <gaigeban@example.org>"


def test_a_broken_connection_is_not_reused(late: Path, monkeypatch: pytest.MonkeyPatch):
    """The server drops the line in the middle of the first message: the later ones still arrive."""
    handler = Inbox(drop="zuren@example.org")
    addresses = {"组人部": "zuren@example.org", "办公厅": "bangong@example.org", "国际部": "guoji@example.cn"}
    with_addresses(late, addresses)  # in the order remind goes: 组人部, 学会部, 办公厅, 国际部
    with serve(handler, monkeypatch):
        result = run("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail")
    assert result.exit_code == 1 and "发送失败 组人部 <zuren@example.org>：SMTPServerDisconnected" in result.stdout
    assert [r for r, _ in handler.messages] == [["xuehui@example.org"], ["bangong@example.org"], ["guoji@example.cn"]]


def test_the_connection_is_closed_when_remind_stops_half_way(late: Path, monkeypatch: pytest.MonkeyPatch):
    """A notice that cannot be written after the first mail went: the error, and a QUIT to the server."""
    handler = Inbox()
    (Path("催办") / "催办通知-国际部.md").mkdir(parents=True)
    with serve(handler, monkeypatch):
        result = run("remind", "-o", "催办", "--as-of", "2020-09-20", "--mail")
    assert result.exit_code == 1 and "催办通知-国际部.md: 这是文件夹" in result.stderr
    assert [r for r, _ in handler.messages] == [["xuehui@example.org"]] and handler.quits == 1


def test_the_use_case_says_each_step_and_prints_nothing(late: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    """remind.remind, without the command line: plain values in, events out, no output of its own."""
    import datetime as dt

    from reformctl import loader
    from reformctl import remind as use

    asked = use.Asked(loader.load(late), late, dt.date(2020, 9, 20), 3, "学会部", tmp_path / "出", None, dry_mail=True)
    found = use.due(asked)
    assert [(r.dept, [row.id for row in r.rows]) for r in found] == [("学会部", ["6.1", "9.1"])]
    events = list(use.remind(asked, found))
    assert [type(e).__name__ for e in events] == ["Written", "Written", "Mailed"]
    assert events[2].kind == "would" and events[2].to == "xuehui@example.org" and not events[2].failed
    assert capsys.readouterr() == ("", "")
