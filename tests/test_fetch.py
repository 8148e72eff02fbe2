"""`reformctl fetch`: every unit's repository into the one mirror in the cache folder, against
real git repositories made in tmp_path."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import run

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(where: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def unit_repo(where: Path, name: str) -> Path:
    """A unit's repository: its plan made by `reformctl init`, committed, filters allowed."""
    where.mkdir(parents=True)
    git(where, "init", "-q", "-b", "main")
    for key, value in (("user.name", "测试"), ("user.email", "t@example.invalid"), ("uploadpack.allowFilter", "true")):
        git(where, "config", key, value)
    here = Path.cwd()
    os.chdir(where)
    try:
        result = run("init", "--unit", name, "--level", "市级", "-o", "data/tasks-2020.yaml")
        assert result.exit_code == 0, result.output
    finally:
        os.chdir(here)
    git(where, "add", "-A")
    git(where, "commit", "-q", "-m", "计划")
    return where


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The office's folder with units.yaml naming two units; the cache in tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    unit_repo(tmp_path / "nc", "南昌市科协")
    unit_repo(tmp_path / "jj", "九江市科协")
    folder = tmp_path / "office"
    folder.mkdir()
    (folder / "units.yaml").write_text(
        "units:\n"
        "  - name: 南昌市科协\n    level: 市级\n    url: ../nc\n    branch: main\n    path: data/tasks-2020.yaml\n"
        f"  - name: 九江市科协\n    level: 市级\n    url: file://{tmp_path / 'jj'}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(folder)
    return tmp_path


def fetched() -> tuple[int, list[str]]:
    result = run("fetch")
    return result.exit_code, result.stdout.splitlines()


def short(where: Path) -> str:
    return git(where, "rev-parse", "--short=7", "HEAD")


def test_fetch_updates_then_is_unchanged_then_says_old_and_new(office: Path):
    code, lines = fetched()
    assert code == 0
    assert lines == [
        f"已更新 南昌市科协：{short(office / 'nc')}（首次获取）",
        f"已更新 九江市科协：{short(office / 'jj')}（首次获取）",
    ]
    assert fetched() == (0, ["未变 南昌市科协", "未变 九江市科协"])
    old = short(office / "nc")
    (office / "nc" / "note.txt").write_text("新\n", encoding="utf-8")
    git(office / "nc", "add", "-A")
    git(office / "nc", "commit", "-q", "-m", "进展")
    assert fetched() == (0, [f"已更新 南昌市科协：{old}..{short(office / 'nc')}", "未变 九江市科协"])
    mirror = office / "cache" / "reformctl" / "mirror.git"
    assert stat.S_IMODE(os.lstat(mirror).st_mode) == 0o700
    assert git(mirror, "config", "--get-regexp", r"remote\..*\.reformctl-unit").count("科协") == 2
    refs = git(mirror, "for-each-ref", "--format=%(refname)", "refs/units/")
    assert refs.count("\n") == 1 and "/main" in refs and "/HEAD" in refs
    main = next(r for r in refs.splitlines() if r.endswith("/main"))
    objects = git(mirror, "rev-list", "--objects", "--missing=print", main).splitlines()
    assert any(o.startswith("?") for o in objects), "blobs stay on the server (--filter=blob:none)"


def test_a_bundle_is_a_url_and_an_unreachable_unit_fails_alone(office: Path):
    git(office / "jj", "bundle", "create", str(office / "jj.bundle"), "--all")
    (office / "office" / "units.yaml").write_text(
        "units:\n"
        "  - name: 丢失的单位\n    level: 县级\n    url: ../nowhere\n"
        "  - name: 九江市科协\n    level: 市级\n    url: ../jj.bundle\n    branch: main\n"
        "  - name: 南昌市科协\n    level: 市级\n    url: ../nc\n",
        encoding="utf-8",
    )
    code, lines = fetched()
    assert code == 1
    assert lines[0].startswith("获取失败 丢失的单位：不是 git 仓库，或路径、地址有误（git：") and "nowhere" in lines[0]
    assert lines[1:] == [
        f"已更新 九江市科协：{short(office / 'jj')}（首次获取）",
        f"已更新 南昌市科协：{short(office / 'nc')}（首次获取）",
    ]


def test_fetch_refuses_a_mirror_folder_that_is_a_symlink(office: Path, tmp_path: Path):
    (tmp_path / "cache" / "reformctl").mkdir(parents=True, mode=0o700, exist_ok=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "cache" / "reformctl" / "mirror.git").symlink_to(tmp_path / "elsewhere")
    result = run("fetch")
    assert result.exit_code == 1 and "符号链接" in result.output
    assert list((tmp_path / "elsewhere").iterdir()) == []
