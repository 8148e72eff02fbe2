"""import: a returned form is one change to the plan, under one lock, whatever happens meanwhile.

A colleague's `status set` during an import waits for it and then lands; a refused answer leaves
the plan as it was, with nothing of the form in it; a SIGKILL at any moment leaves the old bytes
or the new ones, never a part of the form.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ok, run
from openpyxl import load_workbook

from reformctl import loader, query, rewrite
from reformctl.models import status_choices

LEADS = ["6.1", "6.2", "9.1"]  # the first rows of 学会部's sheet


def whole_form(tmp_path: Path, rows: int = 12) -> Path:
    """学会部's form with every row answered: a status and a deadline each (two records a row)."""
    ok("form", "--dept", "学会部", "-o", "学会部.xlsx")
    book = load_workbook(tmp_path / "学会部.xlsx")
    sheet = book["学会部"]
    for r in range(4, 4 + rows):
        sheet[f"I{r}"], sheet[f"J{r}"], sheet[f"K{r}"] = "推进中", dt.date(2020, 9, 4), f"第{r}行：已召开推进会"
        sheet[f"L{r}"], sheet[f"M{r}"] = dt.date(2020, 12, 31), "按年度计划"
    book.save(tmp_path / "填好.xlsx")
    return tmp_path / "填好.xlsx"


def folded_status(plan_file: Path, ident: str) -> None:
    """Write a row's status as a folded block, which the splice refuses to rewrite (a hand edit)."""
    text = plan_file.read_text(encoding="utf-8")
    head, tail = text.split(f'id: "{ident}"', 1)
    tail = tail.replace("status: todo", "status: >-\n          todo", 1)
    plan_file.write_text(f'{head}id: "{ident}"{tail}', encoding="utf-8")
    assert query.find(loader.load(plan_file), ident)[1].status == "todo"  # still a valid plan


def notes(plan_file: Path, ident: str) -> list[str | None]:
    return [r.note for r in {row.id: row for row in query.rows(loader.load(plan_file))}[ident].history]


def test_an_answer_refused_late_leaves_the_plan_as_it_was(plan_file: Path, tmp_path: Path):
    filled = whole_form(tmp_path)
    folded_status(plan_file, "9.1")  # the fifth record of the form cannot be written
    before = plan_file.read_bytes()
    result = run("import", str(filled))
    assert result.exit_code == 1 and "无法精确修改" in result.stderr, result.output
    assert plan_file.read_bytes() == before  # not 6.1's and 6.2's records either


def test_a_whole_form_is_one_replace_of_the_file(plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from reformctl import files

    filled = whole_form(tmp_path)
    writes: list[int] = []
    real = files.Held.write
    monkeypatch.setattr(files.Held, "write", lambda held, data: (writes.append(len(data)), real(held, data))[1])
    assert "已记录 24 条" in ok("import", str(filled))
    assert len(writes) == 1
    rows = {row.id: row for row in query.rows(loader.load(plan_file))}
    assert all(len(rows[ident].history) == 2 for ident in LEADS)
    assert rows["6.2"].history[1].by == "学会部" and rows["6.2"].history[1].due == dt.date(2020, 12, 31)


def colleague(tmp_path: Path) -> subprocess.Popen[bytes]:
    """Another clerk's `status set`, as its own process."""
    args = [sys.executable, "-m", "reformctl", "status", "set", "1.1", "doing", "--note", "同事的记录"]
    return subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
@pytest.mark.parametrize("refused", [False, True], ids=["recorded", "refused"])
def test_a_colleague_writing_during_an_import_loses_nothing(
    plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refused: bool
):
    """The colleague's write starts while the import is between two answers; it must wait for
    the import and then land, whether the import is recorded or refused. Each later lock taken
    by the import waits a little first, leaving the colleague a way in if the import let go."""
    from reformctl import files

    filled = whole_form(tmp_path)
    if refused:
        folded_status(plan_file, "9.1")
    started: list[subprocess.Popen[bytes]] = []
    check, lock = rewrite.check_splice, files.locked

    def slow_check(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not started:
            started.append(colleague(tmp_path))
            time.sleep(1.0)  # long enough for it to reach the lock
        return check(*args, **kwargs)

    def late_lock(*args, **kwargs):  # type: ignore[no-untyped-def]
        if started:
            time.sleep(0.3)
        return lock(*args, **kwargs)

    monkeypatch.setattr(rewrite, "check_splice", slow_check)
    monkeypatch.setattr(files, "locked", late_lock)
    result = run("import", str(filled))
    assert result.exit_code == (1 if refused else 0), result.output
    out, err = started[0].communicate(timeout=60)
    assert started[0].returncode == 0, err.decode()
    assert notes(plan_file, "1.1") == ["同事的记录"]
    assert notes(plan_file, "6.1") == ([] if refused else ["第4行：已召开推进会", "按年度计划"])


KILLED_AT_FSYNC = """
import os, signal, sys
calls = 0
def fsync(fd, real=os.fsync):
    global calls
    calls += 1
    if calls == int(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGKILL)
    real(fd)
os.fsync = fsync
from reformctl.cli import app
app(["import", "填好.xlsx"], prog_name="reformctl")
"""


@pytest.mark.slow
def test_sigkill_during_an_import_leaves_old_bytes_or_new(plan_file: Path, tmp_path: Path):
    whole_form(tmp_path)
    before = plan_file.read_bytes()
    done = subprocess.run([sys.executable, "-c", KILLED_AT_FSYNC, "0"], cwd=tmp_path, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    after = plan_file.read_bytes()
    outcomes = set()
    for nth in range(1, 6):  # killed at each fsync in turn: the file's, the folder's, and beyond
        plan_file.write_bytes(before)
        subprocess.run([sys.executable, "-c", KILLED_AT_FSYNC, str(nth)], cwd=tmp_path, capture_output=True)
        assert plan_file.read_bytes() in (before, after), nth
        outcomes.add(plan_file.read_bytes() == after)
    for delay in (0.3, 0.6, 0.9, 1.2):  # and at moments of the clock's choosing
        plan_file.write_bytes(before)
        killed = subprocess.Popen([sys.executable, "-c", KILLED_AT_FSYNC, "0"], cwd=tmp_path)
        time.sleep(delay)
        killed.kill()
        killed.wait()
        assert plan_file.read_bytes() in (before, after), delay
    assert outcomes == {False, True}
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["tasks-2020.yaml"]


def test_only_the_same_status_date_and_note_counts_as_already_recorded(plan_file: Path, tmp_path: Path):
    ok("form", "--dept", "学会部", "-o", "学会部.xlsx")
    for status, n in (("推进中", "已记录 1 条"), ("推进中", "已有相同记录，跳过 1 条"), ("已完成", "已记录 1 条")):
        book = load_workbook(tmp_path / "学会部.xlsx")
        sheet = book["学会部"]
        sheet["I4"], sheet["J4"], sheet["K4"] = status, dt.date(2020, 9, 4), "推进会已召开"
        book.save(tmp_path / "填好.xlsx")
        assert n in ok("import", "填好.xlsx", "--force"), status
    history = {row.id: row for row in query.rows(loader.load(plan_file))}["6.1"].history
    assert [(r.status, r.note) for r in history] == [("doing", "推进会已召开"), ("done", "推进会已召开")]


def test_dates_before_the_plan_was_signed_are_located_with_the_rest(plan_file: Path, tmp_path: Path):
    ok("form", "--dept", "学会部", "-o", "学会部.xlsx")
    book = load_workbook(tmp_path / "学会部.xlsx")
    sheet = book["学会部"]
    sheet["I4"], sheet["J4"], sheet["K4"] = "推进中", dt.date(2019, 12, 1), "提前谋划"
    sheet["I5"], sheet["J5"] = "已完成", dt.date(2030, 1, 1)
    sheet["I6"], sheet["J6"] = "完成了", dt.date(2020, 9, 4)
    book.save(tmp_path / "填好.xlsx")
    before = plan_file.read_bytes()
    result = run("import", "填好.xlsx")
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[:3] == [
        "填好.xlsx: 学会部!J4: 进展日期 2019-12-01 早于计划的成文日期（2020-07-03）",
        f"填好.xlsx: 学会部!J5: 进展日期 2030-01-01 晚于今天（{dt.date.today()}）",
        f"填好.xlsx: 学会部!I6: 新状态 '完成了' 不认识；可选：{status_choices()}",
    ]
    assert plan_file.read_bytes() == before
