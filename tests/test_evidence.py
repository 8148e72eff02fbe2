"""Evidence: what proves a record, as a web address or a file in the plan's repository."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from conftest import ok, run

from reformctl import plain

URL = "https://www.cast.org.cn/art/2020/9/1/art_1.html"


@pytest.fixture
def proof(plan_file: Path, tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the repository's top: links are relative to it
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "签约.pdf").write_bytes(b"%PDF")
    return plan_file


def test_links_are_recorded_and_shown(proof: Path, tmp_path: Path):
    ok(
        "status",
        "set",
        "6.2",
        "done",
        "--date",
        "2020-09-01",
        "--note",
        "已签约",
        "--link",
        URL,
        "--link",
        "docs/签约.pdf",
    )
    assert f"links: [{URL}, docs/签约.pdf]" in proof.read_text(encoding="utf-8")
    assert f"已签约 证明：{URL}、docs/签约.pdf" in ok("show", "6.2")
    assert json.loads(ok("log", "--format", "json"))[0]["links"] == [URL, "docs/签约.pdf"]
    period = ("--since", "2020-09-01", "--until", "2020-09-30")
    assert plain.md(f"证明：{URL}") in ok("report", *period)  # Markdown-escaped, as all people's text
    assert f'<a href="{URL}">{URL}</a>' in ok("report", *period, "--format", "html")
    assert {r["id"]: r for r in json.loads(ok("export", "--format", "json"))}["6.2"]["links"] == [URL, "docs/签约.pdf"]
    ok("report", *period, "--format", "docx", "-o", "r.docx")
    with zipfile.ZipFile(tmp_path / "r.docx") as parts:
        assert f'Target="{URL}" TargetMode="External"' in parts.read("word/_rels/document.xml.rels").decode()
        assert "<w:hyperlink" in parts.read("word/document.xml").decode()


@pytest.mark.parametrize(
    ("link", "words"),
    [
        ("javascript:alert(1)", "网址只接受 http:// 或 https://"),
        ("file:///etc/passwd", "网址只接受 http:// 或 https://"),
        ("/etc/passwd", "请写仓库中的相对路径"),
        ("../outside.pdf", "请写仓库中的相对路径"),
        ("docs/没有这个文件.pdf", "不存在"),
        ("https://x.cn/\x1b[31m", "含有控制字符"),
        ("https://x.cn/\u202etxt.exe", "含有控制字符或双向文字标记"),
        ("https://x.cn/a b", "网址中不能有空格"),
        ("docs/签约\x07.pdf", "含有控制字符"),
    ],
)
def test_bad_evidence_is_refused(proof: Path, link: str, words: str):
    """Refused as typed, the link shown with its controls escaped, and nothing written."""
    before = proof.read_bytes()
    result = run("status", "set", "6.2", "done", "--link", link)
    assert result.exit_code == 2 and words in result.stderr and plain.visible(link) in result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr and "\x07" not in result.stderr
    assert proof.read_bytes() == before


def test_validate_reports_evidence_that_is_gone(proof: Path, tmp_path: Path):
    ok("status", "set", "6.2", "done", "--date", "2020-09-01", "--link", "docs/签约.pdf")
    (tmp_path / "docs" / "签约.pdf").unlink()
    result = run("validate")
    text = proof.read_text(encoding="utf-8")
    line = text[: text.index("docs/签约.pdf")].count("\n") + 1
    assert result.exit_code == 1
    assert f"data/tasks-2020.yaml:{line}:" in result.stderr and "证明材料 'docs/签约.pdf' 不存在" in result.stderr


def test_a_hand_written_link_with_controls_is_located_and_harms_no_document(proof: Path, tmp_path: Path):
    from reformctl import edit

    bad = "https://x.cn/\x1b[31m\u202e"
    edit.set_status(proof, "6.2", "done", __import__("datetime").date(2020, 9, 1), "已签约", links=[bad])
    problems = run("validate")
    assert (
        problems.exit_code == 1
        and "items[1].history[0].links[0]: " in problems.stderr
        and "含有控制字符" in problems.stderr
    )
    assert (
        run("report", "--since", "2020-09-01", "--until", "2020-09-30", "--format", "docx", "-o", "r.docx").exit_code
        == 0
    )
    with zipfile.ZipFile(tmp_path / "r.docx") as word:
        body = word.read("word/document.xml").decode("utf-8") + word.read("word/_rels/document.xml.rels").decode()
    assert "\x1b" not in body and "\u202e" not in body
    page = ok("report", "--since", "2020-09-01", "--until", "2020-09-30", "--format", "html")
    assert "\x1b" not in page and "\u202e" not in page and 'href="https://x.cn/\\x1b[31m\\u202e"' in page


def test_an_absolute_path_is_refused_even_inside_the_repository(proof: Path, tmp_path: Path):
    """/home/me/repo/docs/签约.pdf works on one machine only: evidence is relative to the repository."""
    absolute = str(tmp_path / "docs" / "签约.pdf")
    said = f"证明材料 {absolute!r}：请写仓库中的相对路径（相对于 {tmp_path}）"
    before = proof.read_bytes()
    result = run("status", "set", "6.2", "done", "--link", absolute)
    assert result.exit_code == 2 and result.stderr == f"错误：{said}\n" and proof.read_bytes() == before
    ok("status", "set", "6.2", "done", "--date", "2020-09-01", "--link", "docs/签约.pdf")
    text = proof.read_text(encoding="utf-8").replace("docs/签约.pdf", absolute)
    proof.write_text(text, encoding="utf-8")
    at = text.index(absolute)
    line, column = text[:at].count("\n") + 1, at - text.rindex("\n", 0, at)
    result = run("validate")
    assert result.exit_code == 1
    assert f"data/tasks-2020.yaml:{line}:{column}: tasks[5].items[1].history[0].links[0]: {said}\n" in result.stderr


def test_a_link_from_a_subfolder_is_read_from_there_and_stored_from_the_top(
    proof: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """证明/揭牌.pdf typed in plans/jiangxi/nanchang is that folder's file, recorded from the top."""
    here = tmp_path / "plans" / "jiangxi" / "nanchang"
    (here / "证明").mkdir(parents=True)
    (here / "证明" / "揭牌.pdf").write_bytes(b"%PDF")
    (tmp_path / "证明").mkdir()  # the same name at the top must not be the one read
    monkeypatch.chdir(here)
    plan = str(proof)
    result = run("status", "set", "6.2", "done", "--date", "2020-09-01", "--link", "证明/揭牌.pdf", "-f", plan)
    assert result.exit_code == 0, result.stderr
    assert "links: [plans/jiangxi/nanchang/证明/揭牌.pdf]" in proof.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("validate").exit_code == 0  # the stored path is found from the repository's top
    monkeypatch.chdir(here)
    before = proof.read_bytes()
    for wrong, said in (("docs/签约.pdf", "不存在"), ("../../../../outside.pdf", "不在本仓库")):
        result = run("status", "set", "6.2", "done", "--link", wrong, "-f", plan)  # docs/ is the top's
        assert result.exit_code == 2 and said in result.stderr and proof.read_bytes() == before
    ok("status", "set", "6.1", "done", "--date", "2020-09-01", "--link", "../../../docs/签约.pdf", "-f", plan)
    assert "links: [docs/签约.pdf]" in proof.read_text(encoding="utf-8")
