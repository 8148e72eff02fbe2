"""Input typed with a Chinese input method, and output for pipes and colour settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run

from reformctl import loader


@pytest.mark.parametrize("typed", ["６．２", "6。2", "６.２", " 6.2 "])
def test_full_width_ids(plan_file: Path, typed: str):
    assert run("show", typed).stdout.startswith("事项 6.2 · data/tasks-2020.yaml\n")
    result = run("status", "set", typed, "doing", "--note", "全角输入")
    assert result.exit_code == 0 and result.stdout == "已记录 6.2：未启动 → 推进中；写入 data/tasks-2020.yaml\n"
    assert loader.load(plan_file).tasks[5].items[1].status == "doing"  # type: ignore[index]


@pytest.mark.parametrize(
    ("typed", "expected"), [("Done", "done"), ("ＤＯＮＥ", "done"), ("已完成", "done"), ("受阻", "blocked")]
)
def test_status_names(plan_file: Path, typed: str, expected: str):
    assert run("status", "set", "6.2", typed).exit_code == 0
    assert loader.load(plan_file).tasks[5].items[1].status == expected  # type: ignore[index]


@pytest.mark.parametrize("dept", ["学会部", "学会学术部", " 学会部"])
def test_department_names(plan_file: Path, dept: str):
    rows = json.loads(run("list", "--dept", dept, "--format", "json").stdout)
    assert [r["id"] for r in rows][:2] == ["6.1", "6.2"] and len(rows) == 12


def test_list_by_full_width_task(plan_file: Path):
    rows = json.loads(run("list", "--task", "１２", "--format", "json").stdout)
    assert [r["id"] for r in rows] == ["12.1", "12.2", "12.3"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["show", "6.3"], "没有编号为 '6.3' 的任务或事项。是不是 6、6.1、6.2？可用的编号：1、1.1、1.2、2、3、3.1"),
        (["status", "set", "6.2", "完成"], "未知状态 '完成'。是不是 已完成？可选：todo（未启动）"),
        (["list", "--dept", "学术部"], "未知部门 '学术部'。是不是 学会学术部"),
    ],
)
def test_did_you_mean_and_the_valid_choices(plan_file: Path, args: list[str], words: str):
    result = run(*args)
    assert result.exit_code == 2 and words in result.stderr, result.stderr


def reformctl(*args: str, env: dict[str, str], cwd: Path) -> str:
    full = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR")} | env
    done = subprocess.run([sys.executable, "-m", "reformctl", *args], capture_output=True, text=True, env=full, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_piped_tables_are_not_cut(plan_file: Path, tmp_path: Path):
    out = reformctl("list", "--dept", "学会部", env={}, cwd=tmp_path)
    assert "…" not in out and "把创新要素引向国内、引向基层、引向企业。" in out
    assert "\x1b[" not in out


@pytest.mark.slow
def test_colour_is_forced_and_turned_off(plan_file: Path, tmp_path: Path):
    assert run("status", "set", "6.2", "done").exit_code == 0
    green = "\x1b[32m"  # 已完成
    assert green in reformctl("list", "--task", "6", env={"FORCE_COLOR": "1"}, cwd=tmp_path)
    assert green not in reformctl("list", "--task", "6", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}, cwd=tmp_path)
    flag = reformctl("--no-color", "list", "--task", "6", env={"FORCE_COLOR": "1"}, cwd=tmp_path)
    assert green not in flag and "已完成" in flag


def test_version_and_short_help():
    from reformctl import __version__

    assert run("--version").stdout == f"reformctl {__version__}\n"
    assert "例：reformctl list --dept 学会部" in run("-h").stdout


@pytest.mark.slow
@pytest.mark.parametrize("args", [["show", "6"], ["summary"], ["list", "--task", "6"]])
def test_no_color_reaches_every_screen(plan_file: Path, tmp_path: Path, args: list[str]):
    """--no-color comes down in click's context (ctx.obj) to each command's view."""
    assert run("status", "set", "6.2", "done", "--note", "试点城市已签约").exit_code == 0
    colour = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-8]|9[0-7])[;m]")  # a foreground colour; bold may stay
    assert colour.search(reformctl(*args, env={"FORCE_COLOR": "1"}, cwd=tmp_path))
    plain = reformctl("--no-color", *args, env={"FORCE_COLOR": "1"}, cwd=tmp_path)
    assert not colour.search(plain) and "已完成" in plain
