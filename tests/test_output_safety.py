"""People's text stays plain text in every output.

For random strings drawn from a hostile alphabet (markup brackets, HTML, Markdown and CSV
specials, control characters, YAML's own line breaks, bidi marks), written into a plan as an
item's text, a department's name and a note, every renderer's output either contains the string
escaped as specified (terminal, Markdown, HTML, CSV, xlsx) or round-trips it exactly (JSON).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import tempfile
from pathlib import Path

import pytest
from conftest import DATA, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reformctl import plain, splice

pytestmark = pytest.mark.slow  # hypothesis: hostile text through every output

HOSTILE = "[]/bold red=+-@<>&\"'|`*_#\\\t\r\n\x1b\x07\x85\x9b\u2028\u202e\u2066\u200f:link甲乙 "
hostile = st.text(alphabet=HOSTILE, min_size=1, max_size=12).filter(lambda s: s.strip() != "")
# What must never reach a terminal raw (line breaks between lines are ours).
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]")
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def hostile_plan(folder: Path, text: str) -> Path:
    """The real plan, with item 6.2's text and 学会部's full name set to `text`, and a note of it."""
    source = DATA.read_text(encoding="utf-8")
    quoted = splice.yaml_text(text)
    source = source.replace("{id: 学会部, name: 学会学术部}", f"{{id: 学会部, name: {quoted}}}", 1)
    start = source.index('      - id: "6.2"\n        text: ') + len('      - id: "6.2"\n        text: ')
    end = source.index("\n", start)
    source = source[:start] + quoted + source[end:]
    path = folder / "data" / "tasks-2020.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    result = run("status", "set", "6.2", "doing", "--date", "2020-09-01", "--note", text, "-f", str(path))
    assert result.exit_code == 0, result.output
    return path


def out(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(autouse=True)
def _piped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS")  # piped: tables keep their full text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile)
def test_terminal_shows_people_text_literally_and_never_raw_controls(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = str(hostile_plan(Path(folder), text))
        shown = plain.one_line(text)
        screens = {
            "list": out("list", "--dept", "学会部", "-f", path),
            "show": out("show", "6.2", "-f", path),
            "log": out("log", "-f", path),
            "depts": out("depts", "-f", path),
            "summary": out("summary", "--by", "dept", "-f", path),
        }
        for name, screen in screens.items():
            assert not UNSAFE.search(screen), (name, screen)
            if name in ("show", "log"):
                assert shown in screen, name  # the note
            if name in ("list", "show"):
                assert shown in screen, name  # the item's text, as typed: markup is not interpreted
            if name in ("depts", "summary"):
                assert shown in screen, name  # the department's name


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile)
def test_documents_escape_people_text(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = str(hostile_plan(Path(folder), text))
        period = ("--since", "2020-09-01", "--until", "2020-09-30", "-f", path)
        md = out("report", *period)
        assert plain.md(text) in md  # in the changes table and as a heading (the department)
        for line in md.splitlines():
            assert not line.startswith("#") or line.startswith(("# ", "## ", "### ")), line
        assert "<" not in md.replace("\\<", "")  # no raw HTML
        page = out("report", "--format", "html", *period)
        assert html.escape(plain.visible(text)).replace("\r\n", "\n") in page  # the runner's stdout folds CRLF
        assert not BIDI.search(page)  # no name reorders what a reader sees
        assert "<script" not in page.replace(html.escape("<script"), "")
        listed = out("list", "--format", "md", "-f", path)
        row = next(line for line in listed.splitlines() if line.startswith("| 6.2 |"))
        assert row.count(" | ") == 5  # the cell did not split the row
        assert json.loads(out("list", "--format", "json", "--task", "6.2", "-f", path))[0]["text"] == text
        assert json.loads(out("log", "--format", "json", "-f", path))[0]["note"] == text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile | st.sampled_from(["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x", '=HYPERLINK("x")']))
def test_spreadsheets_never_see_a_formula(text: str):
    openpyxl = pytest.importorskip("openpyxl")
    with tempfile.TemporaryDirectory() as folder:
        path = str(hostile_plan(Path(folder), text))
        ledger = Path(folder) / "台账.csv"  # a file: the test runner's stdout folds \r\n
        assert run("export", "--no-bom", "-o", str(ledger), "-f", path).exit_code == 0
        rows = list(csv.reader(io.StringIO(ledger.read_bytes().decode("utf-8"), newline="")))
        by_id = {row[2]: row for row in rows[1:]}
        defused = "'" + text if text[0] in "=+-@\t\r" else text  # OWASP's list, not the code's own
        assert by_id["6.2"][3] == defused and by_id["6.2"][10] == defused
        book = Path(folder) / "台账.xlsx"
        assert run("export", "--format", "xlsx", "-o", str(book), "-f", path).exit_code == 0
        sheet = openpyxl.load_workbook(book).active
        (cell,) = [row[2] for row in sheet.iter_rows(min_row=2) if row[0].value == "6.2"]  # 事项编号, 任务, 内容
        assert cell.data_type == "s" and cell.value == plain.xlsx_text(text)


def test_the_heat_map_and_rollup_tables_escape_unit_names(tmp_path: Path):
    name = '"><img src=x onerror=alert(1)>[bold red]武汉[/]\x1b]8;;x\x07'
    assert run("init").exit_code == 0
    assert run("init", "--unit", "湖北省科协", "--level", "省级", "-o", "plans/hubei/tasks-2020.yaml").exit_code == 0
    text = (tmp_path / "plans/hubei/tasks-2020.yaml").read_text(encoding="utf-8")
    (tmp_path / "plans/hubei/tasks-2020.yaml").write_text(
        text.replace("name: 湖北省科协", f"name: {splice.yaml_text(name)}"), encoding="utf-8"
    )
    page = out("rollup", "plans", "--format", "html")
    assert "<img" not in page and html.escape(plain.visible(name)) in page and "<script" not in page
    assert "\x1b" not in page and "\x07" not in page
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no external references
    table = out("rollup", "plans")
    assert plain.one_line(name) in table and not UNSAFE.search(table)
    assert plain.md(name) in out("rollup", "plans", "--format", "md")


def test_markdown_escaping_keeps_a_backslash_and_a_row_whole():
    assert plain.md("a\\b") == "a\\\\b"
    assert plain.md("x | y\r\nz") == "x \\| y z"
    assert plain.md_block("# 标题") == "\\# 标题" and plain.md_block("1. 条") == "1\\. 条"
    assert plain.md("[链接](javascript:x)") == "\\[链接\\](javascript:x)"
    assert plain.md("<b>&amp;</b>") == "\\<b\\>\\&amp;\\</b\\>"
