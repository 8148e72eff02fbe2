"""`reformctl rollup --units`: units' plans read from the mirror at their fetched branches, no
checkout, against real git repositories made in tmp_path, compared with the folder roll-up."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import ok, run
from test_fetch import git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

DAY = "2020-10-15"
UNITS = {"nc": ("南昌市科协", "市级", None), "jj": ("九江市科协", "市级", None), "xh": ("西湖区科协", "县级", "nc")}


def repo(where: Path, files: dict[str, bytes]) -> Path:
    """A unit's repository holding `files`, committed, partial clones allowed."""
    where.mkdir(parents=True)
    git(where, "init", "-q", "-b", "main")
    for key, value in (("user.name", "测试"), ("user.email", "t@example.invalid"), ("uploadpack.allowFilter", "true")):
        git(where, "config", key, value)
    for name, data in files.items():
        (where / name).parent.mkdir(parents=True, exist_ok=True)
        (where / name).write_bytes(data)
    git(where, "add", "-A")
    git(where, "commit", "-q", "-m", "计划")
    return where


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The office's plan, its units' plans in plans/ (a county under a city), each unit's plan
    also in its own repository; units.yaml names them; the cache in tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    ok("init")
    ok("due", "set", "6.2", "2020-10-01")
    entries = []
    for key, (name, level, parent) in UNITS.items():
        at = f"plans/{parent}/{key}" if parent else f"plans/{key}"
        above = ["--parent", f"plans/{parent}/tasks-2020.yaml"] if parent else []
        ok("init", "--unit", name, "--level", level, *above, "-o", f"{at}/tasks-2020.yaml")
        entries.append(f"  - name: {name}\n    level: {level}\n    url: ../{key}\n    branch: main\n")
        if parent:
            entries[-1] += f"    parent: {UNITS[parent][0]}\n"
    ok("status", "set", "6.2", "done", "--date", "2020-09-01", "-f", "plans/nc/tasks-2020.yaml")
    ok("status", "set", "7.1", "doing", "--date", "2020-09-01", "-f", "plans/nc/xh/tasks-2020.yaml")
    for key, (_, _, parent) in UNITS.items():
        plan = tmp_path / "plans" / (f"{parent}/{key}" if parent else key) / "tasks-2020.yaml"
        repo(tmp_path / "repos" / key, {"data/tasks-2020.yaml": plan.read_bytes()})
    (tmp_path / "units.yaml").write_text("units:\n" + "".join(entries).replace("../", "repos/"), encoding="utf-8")
    assert run("fetch").exit_code == 0
    return tmp_path


def rolled(*args: str) -> tuple[int, Any, str]:
    result = run("rollup", "--as-of", DAY, "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_units_agree_with_the_folder_and_say_their_sources(office: Path, monkeypatch: pytest.MonkeyPatch):
    started = []
    popen = subprocess.Popen

    def counted(args: Any, *rest: Any, **kwargs: Any) -> Any:
        if "cat-file" in args:
            started.append(args)
        return popen(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", counted)
    code, data, err = rolled("--units", "units.yaml")
    assert code == 0, err
    assert len(started) == 1, "one cat-file --batch for every unit"
    folder = rolled("plans")[1]
    assert data["rollup"] == folder
    assert data["rollup"][0]["units"].keys() == {"南昌市科协", "九江市科协", "西湖区科协"}
    six_two = next(row for row in data["rollup"] if row["id"] == "6.2")
    assert six_two["units"]["南昌市科协"] == "done"
    repos = office / "repos"
    assert data["sources"] == [
        {
            "unit": name,
            "commit": git(repos / key, "rev-parse", "--short=7", "HEAD"),
            "date": git(repos / key, "log", "-1", "--format=%cs"),
            "path": "data/tasks-2020.yaml",
            "missing": "",
            "why": "",
            "failed": "",
            "changed": git(repos / key, "log", "-1", "--format=%cs"),
            "stale_days": None,
            "outdated": "",
            "verified": None,
            "verify_why": "",
            "problem": "",
        }
        for key, (name, _, _) in UNITS.items()
    ]
    table = run("rollup", "--as-of", DAY, "--units", "units.yaml")
    assert table.exit_code == 0
    commit = git(repos / "jj", "rev-parse", "--short=7", "HEAD")
    date = git(repos / "jj", "log", "-1", "--format=%cs")
    assert f"│ 九江市科协 │ {commit} │ {date} │ data/tasks-2020.yaml │" in table.stdout.split("数据来源\n")[1]
    md = run("rollup", "--as-of", DAY, "--units", "units.yaml", "--format", "md").stdout
    assert f"| 九江市科协 | 市级 | 0/37 | 1 | {commit}（{date}） |" in md, "each unit's row says its commit"
    html = run("rollup", "--as-of", DAY, "--units", "units.yaml", "--format", "html").stdout
    assert f'title="市级 · 提交 {commit}（{date}）">九江市科协</th>' in html, "and each unit's column"
    assert "提交" not in rolled("plans")[2] and "| 提交 |" not in run("rollup", "plans", "--format", "md").stdout


def test_a_unit_never_fetched_and_one_without_a_plan_are_listed_apart(office: Path):
    repo(office / "repos" / "empty", {"README.md": "说明\n".encode()})
    with (office / "units.yaml").open("a", encoding="utf-8") as out:
        out.write(f"  - name: 空仓库单位\n    level: 县级\n    url: {office}/repos/empty\n")
        out.write(f"  - name: 未获取单位\n    level: 县级\n    url: {office}/repos/nowhere\n")
    fetched = run("fetch")
    assert fetched.exit_code == 1 and "获取失败 未获取单位" in fetched.stdout
    code, data, err = rolled("--units", "units.yaml")
    assert code == 1
    assert "未找到计划 空仓库单位：分支中没有计划文件" in err
    told = fetched.stdout.split("获取失败 未获取单位：", 1)[1].splitlines()[0]
    assert "does not appear to be a git repository" in told
    assert f"未能获取 未获取单位：{told}" in err, "the last fetch's reason, as fetch said it"
    assert data["rollup"][0]["units"].keys() == {"南昌市科协", "九江市科协", "西湖区科协"}
    missing = {s["unit"]: s["missing"] for s in data["sources"] if s["missing"]}
    assert missing == {"空仓库单位": "no-plan", "未获取单位": "unfetched"}


def test_a_symlinked_plan_a_plan_over_the_cap_and_a_wrong_implements_are_that_units_problems(
    office: Path, monkeypatch: pytest.MonkeyPatch
):
    plan = (office / "repos" / "jj" / "data" / "tasks-2020.yaml").read_bytes()
    big = repo(office / "repos" / "big", {"data/tasks-2020.yaml": plan + b"#" + b"x" * (1 << 20) + b"\n"})
    linked = repo(office / "repos" / "linked", {"real.yaml": plan})
    (linked / "tasks-2020.yaml").symlink_to("real.yaml")
    git(linked, "add", "-A")
    git(linked, "commit", "-q", "-m", "链接")
    xh = office / "repos" / "xh" / "data" / "tasks-2020.yaml"
    xh.write_text(xh.read_text(encoding="utf-8").replace('implements: ["7.1"]', 'implements: ["99.1"]', 1), "utf-8")
    git(xh.parents[1], "commit", "-q", "-am", "错的 implements")
    with (office / "units.yaml").open("a", encoding="utf-8") as out:
        out.write(f"  - name: 大文件单位\n    level: 县级\n    url: {big}\n")
        out.write(f"  - name: 链接单位\n    level: 县级\n    url: {linked}\n")
    assert run("fetch").exit_code == 0
    monkeypatch.setenv("REFORMCTL_MAX_MB", "1")
    code, data, err = rolled("--units", "units.yaml")
    assert code == 1
    assert "大文件单位:data/tasks-2020.yaml@" in err and "超过 1 MiB 的上限" in err
    assert "链接单位:tasks-2020.yaml@" in err and "计划文件是符号链接，出于安全不读取" in err
    assert "西湖区科协:data/tasks-2020.yaml@" in err and "上级计划 南昌市科协 的计划 中没有事项 '99.1'" in err
    assert data["rollup"][0]["units"].keys() == {"南昌市科协", "九江市科协"}
    problem = {source["unit"]: source["problem"] for source in data["sources"]}
    assert problem["链接单位"] == "计划文件是符号链接，出于安全不读取，未计入", "said in the 数据来源 table too"
    assert "中没有事项 '99.1'" in problem["西湖区科协"] and problem["南昌市科协"] == ""
    said = run("rollup", "--as-of", DAY, "--units", "units.yaml", "--format", "md").stdout
    assert "未计入：计划文件是符号链接，出于安全不读取 |" in said, "said once, in the 数据来源 table's 说明"
