"""Real processes: many writers at once lose nothing; a writer killed mid-write harms nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import real_ids

from reformctl import loader, query

pytestmark = pytest.mark.slow  # real processes: concurrent writers, SIGKILL, file-size limits


def test_twenty_writers_at_once_lose_no_update(plan_file: Path, tmp_path: Path):
    chosen = real_ids()[:20]
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "reformctl", "status", "set", ident, "done", "--note", f"第{n}个"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n, ident in enumerate(chosen)
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
    rows = {row.id: row for row in query.rows(loader.load(plan_file))}
    for n, ident in enumerate(chosen):
        assert rows[ident].status == "done"
        assert [r.note for r in rows[ident].history] == [f"第{n}个"]
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["tasks-2020.yaml"]


KILLED_WHILE_WRITING = """
import os, signal
os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)
from reformctl.cli import app
app(["status", "set", "6.2", "done"], prog_name="reformctl")
"""


def test_sigkill_mid_write_leaves_the_old_file_and_no_temp(plan_file: Path, tmp_path: Path):
    before = plan_file.read_bytes()
    killed = subprocess.run([sys.executable, "-c", KILLED_WHILE_WRITING], cwd=tmp_path, capture_output=True)
    assert killed.returncode == -9
    assert plan_file.read_bytes() == before
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["tasks-2020.yaml"]


def test_file_size_limit_leaves_the_old_file(plan_file: Path, tmp_path: Path):
    before = plan_file.read_bytes()
    limit = f"import resource; resource.setrlimit(resource.RLIMIT_FSIZE, ({len(before) - 100}, {len(before) * 2}))"
    script = f"{limit}\nfrom reformctl.cli import app\napp(['status', 'set', '6.2', 'done'], prog_name='reformctl')"
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1 and "无法写入" in done.stderr and "Traceback" not in done.stderr
    assert plan_file.read_bytes() == before
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["tasks-2020.yaml"]


@pytest.mark.parametrize("args", [["form", "-o", "f.xlsx"], ["export", "--format", "xlsx", "-o", "f.xlsx"]])
def test_a_workbook_under_a_file_size_limit_is_one_clear_line(plan_file: Path, tmp_path: Path, args: list[str]):
    """openpyxl writes each sheet to a temporary file first: a full disk there is said as ours is."""
    limit = "import resource; resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))"
    script = f"{limit}\nfrom reformctl.cli import app\napp({args!r}, prog_name='reformctl')"
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "错误：无法生成 xlsx 文件（临时文件写入失败：磁盘已满），未写入任何文件" in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert not (tmp_path / "f.xlsx").exists()


def test_report_to_dev_stdout_works_into_a_pipe(plan_file: Path, tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "reformctl", "report", "-o", "/dev/stdout"], cwd=tmp_path, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().startswith("# 2020年科协系统深化改革重点任务进展报告")
