"""rollup --units over time and against hostile repositories: a stale unit, a fetch that failed
after one that worked, --as-known, an outdated copy of the parent plan, a large evidence file,
a plan that is a submodule, odd refs, a unit's config that would run code, and one fetch at a time.
Every repository is made by git itself in tmp_path."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import ok, run
from test_fetch import git

from reformctl import loader, query
from reformctl.mirror import remote

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def commit(where: Path, day: str, message: str, files: dict[str, bytes] | None = None, add: bool = True) -> str:
    """Write `files` and commit everything (or, not `add`, the index) on `day`, return the id."""
    for name, data in (files or {}).items():
        (where / name).parent.mkdir(parents=True, exist_ok=True)
        (where / name).write_bytes(data)
    if add:
        git(where, "add", "-A")
    stamp = f"{day}T10:00:00+08:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    subprocess.run(["git", "-C", str(where), "commit", "-q", "-m", message], env=env, check=True)
    return git(where, "rev-parse", "HEAD")


def new_repo(where: Path) -> Path:
    where.mkdir(parents=True)
    git(where, "init", "-q", "-b", "main")
    for key, value in (("user.name", "测试"), ("user.email", "t@example.invalid"), ("uploadpack.allowFilter", "true")):
        git(where, "config", key, value)
    return where


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The office's plan; two cities (南昌, 九江) and a county under 南昌 (西湖区), each plan in
    its own repository with a history in 2020; the county's repository carries a copy of the
    city's plan as its parent. units.yaml names them."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    ok("init")
    for key, name, level in (("nc", "南昌市科协", "市级"), ("jj", "九江市科协", "市级")):
        ok("init", "--unit", name, "--level", level, "-o", f"plans/{key}/tasks-2020.yaml")
        commit(new_repo(tmp_path / key), "2020-06-01", "部署", {"data/tasks-2020.yaml": plan_bytes(tmp_path, key)})
    ok("init", "--unit", "西湖区科协", "--level", "县级", "--parent", "plans/nc/tasks-2020.yaml",
       "-o", "plans/xh/tasks-2020.yaml")  # fmt: skip
    county = re.sub(r"parent: [^}]+}", "parent: parent/tasks-2020.yaml}", plan_bytes(tmp_path, "xh").decode())
    files = {"data/tasks-2020.yaml": county.encode(), "data/parent/tasks-2020.yaml": plan_bytes(tmp_path, "nc")}
    commit(new_repo(tmp_path / "xh"), "2020-06-02", "部署", files)
    (tmp_path / "units.yaml").write_text(
        "units:\n  - {name: 南昌市科协, level: 市级, url: nc}\n  - {name: 九江市科协, level: 市级, url: jj}\n"
        "  - {name: 西湖区科协, level: 县级, url: xh, parent: 南昌市科协}\n",
        encoding="utf-8",
    )
    return tmp_path


def plan_bytes(where: Path, key: str) -> bytes:
    return (where / "plans" / key / "tasks-2020.yaml").read_bytes()


def set_status(repo: Path, ident: str, status: str, on: str, day: str) -> str:
    """`status set` in the unit's own repository (recorded `on`), committed on `day`."""
    here = Path.cwd()
    os.chdir(repo)
    try:
        ok("status", "set", ident, status, "--date", on, "-f", "data/tasks-2020.yaml")
    finally:
        os.chdir(here)
    return commit(repo, day, f"{ident} {status}")


def rolled(*args: str) -> tuple[int, dict[str, Any], str]:
    result = run("rollup", "--units", "units.yaml", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout), result.stderr


def sources(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {source["unit"]: source for source in data["sources"]}


def test_a_plan_untouched_past_stale_days_is_named_with_the_days_since(office: Path):
    set_status(office / "jj", "6.2", "doing", "2020-10-01", "2020-10-02")
    commit(office / "nc", "2020-10-10", "补充佐证材料", {"佐证材料/座谈会.pdf": b"%PDF-1.4 scan"})
    assert run("fetch").exit_code == 0
    code, data, err = rolled("--as-of", "2020-10-15")
    assert code == 0, err
    assert "未更新 南昌市科协：计划已 136 天未修改（最后修改于 2020-06-01）" in err, (
        "a later commit elsewhere is no update"
    )
    assert "未更新 九江市科协" not in err
    found = sources(data)
    assert (found["南昌市科协"]["stale_days"], found["南昌市科协"]["changed"]) == (136, "2020-06-01")
    assert found["九江市科协"]["changed"] == "2020-10-02" and found["九江市科协"]["stale_days"] is None
    assert "南昌市科协" in data["rollup"][0]["units"], "a stale unit is still counted, and said apart"
    assert "未更新 南昌市科协" not in rolled("--as-of", "2020-10-15", "--stale-days", "200")[2]


def test_a_failed_fetch_keeps_the_commit_fetched_before_and_says_so(office: Path):
    assert run("fetch").exit_code == 0
    before = git(office / "jj", "rev-parse", "--short=7", "HEAD")
    (office / "jj").rename(office / "jj-moved")
    failed = run("fetch")
    assert failed.exit_code == 1 and "获取失败 九江市科协：" in failed.stdout
    code, data, err = rolled("--as-of", "2020-10-15")
    assert code == 1, "a unit that could not be reached makes the exit code 1"
    assert re.search(rf"未能获取 九江市科协：.+；沿用上次获取的提交 {before}（2020-06-01）", err)
    assert "九江市科协" in data["rollup"][0]["units"], "read from the mirror: the plan's blob came with the fetch"
    assert sources(data)["九江市科协"]["failed"] and sources(data)["九江市科协"]["commit"] == before
    (office / "jj-moved").rename(office / "jj")
    assert run("fetch").exit_code == 0
    code, data, err = rolled("--as-of", "2020-10-15")
    assert code == 0 and "未能获取" not in err and sources(data)["九江市科协"]["failed"] == ""


def test_as_known_reads_each_unit_as_committed_on_the_day(office: Path):
    first = git(office / "nc", "rev-parse", "--short=7", "HEAD")
    set_status(office / "nc", "6.2", "done", "2020-09-25", "2020-10-20")  # done in September, reported in October
    assert run("fetch").exit_code == 0

    def six_two(*args: str) -> tuple[str, str]:
        code, data, err = rolled("--as-of", "2020-09-30", "--stale-days", "400", *args)
        assert code == 0, err
        row = next(row for row in data["rollup"] if row["id"] == "6.2")
        return row["units"]["南昌市科协"], sources(data)["南昌市科协"]["commit"]

    assert six_two()[0] == "done", "what had happened by 9月30日"
    assert six_two("--as-known") == ("todo", first), "what had been reported by 9月30日"
    code, _, err = rolled("--as-of", "2020-05-01", "--as-known")
    assert code == 1 and "未找到计划 南昌市科协：2020-05-01 及之前没有提交" in err


def test_a_county_whose_copy_of_the_city_plan_is_out_of_date_is_named(office: Path):
    assert run("fetch").exit_code == 0
    code, data, err = rolled("--as-of", "2020-10-15", "--stale-days", "400")
    assert code == 0 and "上级计划已更新" not in err and sources(data)["西湖区科协"]["outdated"] == ""
    city = office / "nc" / "data" / "tasks-2020.yaml"
    text = city.read_text(encoding="utf-8")
    seven_one = next(row.text for row in query.rows(loader.load(city)) if row.id == "7.1")
    commit(
        office / "nc",
        "2020-09-01",
        "修订 7.1",
        {"data/tasks-2020.yaml": text.replace(seven_one, seven_one + "（修订）", 1).encode()},
    )
    assert run("fetch").exit_code == 0
    code, data, err = rolled("--as-of", "2020-10-15", "--stale-days", "400")
    assert code == 0, err
    said = "上级计划已更新 西湖区科协：本单位仓库中的上级计划副本与上级现行计划不一致（改动事项 7.1）"
    assert said in err and sources(data)["西湖区科协"]["outdated"] == "改动事项 7.1"
    assert "西湖区科协" in data["rollup"][0]["units"], "its implements are checked against the city's own plan"


def test_a_large_evidence_file_stays_out_of_the_mirror(office: Path):
    commit(office / "jj", "2020-09-01", "佐证材料", {"佐证材料/扫描件.pdf": os.urandom(8 << 20)})
    assert run("fetch").exit_code == 0
    assert rolled("--as-of", "2020-10-15", "--stale-days", "400")[0] == 0
    mirror = office / "cache" / "reformctl" / "mirror.git"
    size = sum(f.stat().st_size for f in mirror.rglob("*") if f.is_file())
    assert size < 1 << 20, f"the mirror holds {size} bytes: the 8 MiB scan was downloaded"


def test_a_plan_that_is_a_submodule_odd_refs_and_a_units_config_are_harmless(office: Path):
    jj = office / "jj"
    pwned = office / "pwned"
    script = office / "hook.sh"
    script.write_text(f"#!/bin/sh\ntouch {pwned}\n", encoding="utf-8")
    script.chmod(0o755)
    for key in ("core.fsmonitor", "uploadpack.packObjectsHook", "core.hooksPath", "core.sshCommand"):
        git(jj, "config", key, str(script) if key != "core.hooksPath" else str(office))
    (office / "post-checkout").write_text(f"#!/bin/sh\ntouch {pwned}\n", encoding="utf-8")
    git(jj, "update-ref", "refs/heads/-x", "HEAD")
    git(jj, "tag", "main")  # a tag named as the branch
    linked = new_repo(office / "linked")
    git(linked, "update-index", "--add", "--cacheinfo", f"160000,{git(jj, 'rev-parse', 'HEAD')},tasks-2020.yaml")
    commit(linked, "2020-09-01", "子模块", add=False)
    manifest = (office / "units.yaml").read_text(encoding="utf-8").replace("url: jj}", "url: jj, branch: main}")
    (office / "units.yaml").write_text(
        manifest + "  - {name: 子模块单位, level: 县级, url: linked}\n", encoding="utf-8"
    )

    assert run("fetch").exit_code == 0
    code, data, err = rolled("--as-of", "2020-10-15", "--stale-days", "400")
    assert code == 1
    assert "子模块单位:tasks-2020.yaml@" in err and "计划文件是子模块，出于安全不读取，未计入" in err
    assert "九江市科协" in data["rollup"][0]["units"], "its branch main, not the tag main nor the branch -x"
    assert not pwned.exists(), "nothing of a unit's repository ran"


def test_one_fetch_at_a_time(office: Path):
    assert run("fetch").exit_code == 0
    lock = office / "cache" / "reformctl" / "mirror.git" / "reformctl-fetch.lock"
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        second = run("fetch")
    assert second.exit_code != 0 and "另一个 reformctl fetch 正在更新镜像仓库" in second.output
    assert run("fetch").exit_code == 0


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed (OpenSSH)")
def test_verify_counts_only_units_whose_commit_a_listed_key_signed(office: Path):
    from test_signatures import key

    private, public = key(office, "nanchang")
    other, _ = key(office, "stranger")
    for repo, signing in ((office / "nc", private), (office / "jj", other)):
        (repo / "说明.md").write_text("签名提交\n", encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={signing}", "commit", "-q", "-S", "-m", "签名")
    manifest = (office / "units.yaml").read_text(encoding="utf-8")
    for name in ("南昌市科协", "九江市科协", "西湖区科协"):
        manifest = manifest.replace(f"{{name: {name},", f"{{name: {name}, signers: [{json.dumps(public)}],")
    (office / "units.yaml").write_text(manifest, encoding="utf-8")
    assert run("fetch").exit_code == 0
    code, data, err = rolled("--as-of", "2020-10-15", "--stale-days", "400", "--verify")
    assert code == 1
    assert "签名未通过 九江市科协：签名的密钥不在清单中（提交 " in err, "signed, by a key not listed"
    assert "签名未通过 西湖区科协：未签名（提交 " in err
    assert data["rollup"][0]["units"].keys() == {"南昌市科协"}
    assert (sources(data)["南昌市科协"]["verified"], sources(data)["九江市科协"]["verified"]) == (True, False)
    assert rolled("--as-of", "2020-10-15", "--stale-days", "400")[0] == 0, "without --verify, signatures are not asked"


def test_a_url_that_reaches_another_units_repository_is_not_counted_as_this_unit(office: Path):
    with (office / "units.yaml").open("a", encoding="utf-8") as out:
        out.write("  - {name: 莲都区科协, level: 县级, url: nc}\n")  # 南昌市科协's repository
    assert run("fetch").exit_code == 0
    code, data, err = rolled("--as-of", "2020-10-15", "--stale-days", "400")
    assert code == 1
    assert "计划中的单位是 '南昌市科协'，不是清单中的 '莲都区科协'：请核对单位清单中的地址，未计入" in err
    assert "莲都区科协" not in data["rollup"][0]["units"] and "南昌市科协" in data["rollup"][0]["units"]


def test_a_plan_with_a_hundred_problems_is_not_a_hundred_lines(office: Path):
    plan = (office / "jj" / "data" / "tasks-2020.yaml").read_text(encoding="utf-8")
    laughs = "x-lol: &a [1]\nx-more: [" + ", ".join(["*a"] * 40) + "]\n"
    commit(office / "jj", "2020-09-01", "锚点", {"data/tasks-2020.yaml": (plan + laughs).encode()})
    assert run("fetch").exit_code == 0
    code, _, err = rolled("--as-of", "2020-10-15", "--stale-days", "400")
    said = [text for text in err.splitlines() if text.startswith("九江市科协:")]
    assert code == 1 and len(said) == 11, err
    assert said[-1].endswith("：另有 30 个问题未列出（reformctl validate 可列出该计划的全部问题）")


def test_the_mirror_names_no_promisor_and_keeps_few_packs(office: Path, monkeypatch: pytest.MonkeyPatch):
    """Bench: a blob missing in a roll-up was asked of every unit's remote in turn (a promisor
    each, in the mirror's config), and every fetch added a pack that each later git call searched."""
    from reformctl import fetching

    monkeypatch.setattr(fetching, "PACKS", 1)
    assert run("fetch").exit_code == 0
    mirror = office / "cache" / "reformctl" / "mirror.git"
    promisors = subprocess.run(["git", "--git-dir", str(mirror), "config", "--get-regexp", r"\.promisor$"],
                               capture_output=True, text=True)  # fmt: skip
    assert promisors.stdout == "", "a promisor only on the command line of its own unit's fetch"
    assert len(list((mirror / "objects" / "pack").glob("*.pack"))) == 1
    assert rolled("--as-of", "2020-10-15", "--stale-days", "400")[0] == 0, "read from the one pack"


def test_commit_dates_git_accepts_and_python_would_not_are_days_still(office: Path):
    """Second reader: a stamp of 10**18 seconds raised OSError and stopped every unit; a zone of
    +9999 made the commit unreadable and cut each walk back along the branch short."""
    from reformctl import mirror

    head = f"tree {'a' * 40}\nparent {'b' * 40}\n".encode()
    far = mirror._commit(head + b"committer a <a> 1000000000000000000 +0800\n\nx")
    assert far is not None and far.date == __import__("datetime").date.max and far.parent == "b" * 40
    odd = mirror._commit(head + b"committer a <a> 1600000000 +9999\n\nx")
    assert odd is not None and odd.date.isoformat() == "2020-09-17"
    assert mirror._commit(b"tree not-hex\ncommitter a <a> 1600000000 +0800\n\nx") is None


def test_a_tree_git_would_not_write_is_that_units_problem_and_git_missing_is_said(
    office: Path, monkeypatch: pytest.MonkeyPatch
):
    assert run("fetch").exit_code == 0
    mirror = office / "cache" / "reformctl" / "mirror.git"

    def made(kind: str, data: bytes) -> str:
        argv = ["git", "--git-dir", str(mirror), "hash-object", "-t", kind, "--literally", "-w", "--stdin"]
        return subprocess.run(argv, input=data, capture_output=True, check=True).stdout.decode().strip()

    tree = made("tree", b"garbage-without-nul")  # as a hostile server's pack might carry it
    broken = made("commit", f"tree {tree}\ncommitter a <a> 1600000000 +0800\n\nx\n".encode())
    git(mirror, "update-ref", f"refs/units/{remote('九江市科协')}/HEAD", broken)
    code, data, err = rolled("--as-of", "2020-10-15", "--stale-days", "400")
    assert code == 1 and "Traceback" not in err and "内部错误" not in err
    assert data["rollup"][0]["units"].keys() == {"南昌市科协", "西湖区科协"}, "the two others still counted"
    assert "未找到计划 九江市科协" in err
    monkeypatch.setenv("PATH", str(office / "no-git-here"))
    told = run("fetch")
    assert told.exit_code != 0 and "未找到 git：请先安装 git" in told.output
