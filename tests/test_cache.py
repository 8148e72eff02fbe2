"""The read cache: a second read does not parse YAML; nothing in it can run code, serve another
file's data, or be planted by another user; writes never use it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import run

from reformctl import cache, loader, reader

OTHER_USER = 54321


def folder(tmp_path: Path) -> Path:
    return tmp_path / ".cache" / "reformctl"


def entries(tmp_path: Path) -> list[Path]:
    return sorted(folder(tmp_path).glob("*.json"))


@pytest.fixture(autouse=True)
def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "CACHE", cache.Cache())


def test_second_read_does_not_parse(plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    first = loader.load(plan_file)
    (entry,) = entries(tmp_path)
    assert oct(entry.stat().st_mode & 0o777) == "0o600" and oct(folder(tmp_path).stat().st_mode & 0o777) == "0o700"
    assert json.loads(entry.read_text(encoding="utf-8"))["magic"] == cache.MAGIC  # data, never a pickle

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(reader, "validate", no_parse)
    assert loader.load(plan_file) == first
    assert json.loads(run("list", "--task", "6", "--format", "json").stdout)[1]["id"] == "6.2"


def test_a_changed_file_is_a_miss(plan_file: Path, tmp_path: Path):
    loader.load(plan_file)
    assert run("status", "set", "6.2", "done").exit_code == 0
    assert loader.load(plan_file).tasks[5].items[1].status == "done"  # type: ignore[index]
    assert len(entries(tmp_path)) == 2


def test_an_edit_that_keeps_size_and_mtime_is_seen(plan_file: Path):
    """The cache is keyed by the bytes read, never by size or mtime (`touch -r`)."""
    assert loader.load(plan_file).tasks[0].title.startswith("加大")
    before = plan_file.stat()
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace("title: 加大", "title: 减小", 1), encoding="utf-8")
    os.utime(plan_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert plan_file.stat().st_size == before.st_size and plan_file.stat().st_mtime_ns == before.st_mtime_ns
    assert loader.load(plan_file).tasks[0].title.startswith("减小")


@pytest.mark.parametrize("damage", ["corrupt", "foreign", "group-writable", "another-user", "symlink", "fifo"])
def test_bad_entries_are_ignored_and_rebuilt(plan_file: Path, tmp_path: Path, damage: str):
    loader.load(plan_file)
    (entry,) = entries(tmp_path)
    if damage == "corrupt":
        entry.write_bytes(entry.read_bytes()[:200])
    elif damage == "foreign":
        blob = json.loads(entry.read_text(encoding="utf-8"))
        entry.write_text(json.dumps({**blob, "magic": "reformctl-cache 0 old"}), encoding="utf-8")
    elif damage == "group-writable":
        entry.chmod(0o664)
    elif damage == "another-user":
        os.chown(entry, OTHER_USER, OTHER_USER)
    elif damage == "symlink":
        target = tmp_path / "elsewhere.json"
        shutil.move(entry, target)
        entry.symlink_to(target)
    else:
        entry.unlink()
        os.mkfifo(entry)  # would hang a blocking open
    cache.CACHE = cache.Cache()
    assert cache.CACHE.get(plan_file.read_bytes()) is None
    assert len(loader.load(plan_file).tasks) == 12


def test_an_entry_copied_from_another_plan_is_not_served(plan_file: Path, tmp_path: Path):
    """Each entry records the hash of the bytes it was made from: a copied entry does not match."""
    other = tmp_path / "other.yaml"
    other.write_text(plan_file.read_text(encoding="utf-8").replace("title: 加大", "title: 别的", 1), encoding="utf-8")
    loader.load(other)
    (theirs,) = entries(tmp_path)
    loader.load(plan_file)
    (mine,) = [e for e in entries(tmp_path) if e != theirs]
    shutil.copyfile(theirs, mine)
    assert cache.CACHE.get(plan_file.read_bytes()) is None
    assert loader.load(plan_file).tasks[0].title.startswith("加大")


@pytest.mark.parametrize("unsafe", ["another-user", "group-writable", "symlink"])
def test_an_unsafe_folder_is_not_used_and_the_user_is_told_once(
    plan_file: Path, tmp_path: Path, unsafe: str, monkeypatch: pytest.MonkeyPatch
):
    """Reproduced: another user created reformctl/ first in a shared XDG_CACHE_HOME."""
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    where = shared / "reformctl"
    if unsafe == "symlink":
        (tmp_path / "real").mkdir(mode=0o700)
        where.symlink_to(tmp_path / "real")
    else:
        where.mkdir(mode=0o700)
        if unsafe == "another-user":
            os.chown(where, OTHER_USER, OTHER_USER)
        else:
            where.chmod(0o770)
    result = run("list", "--task", "6", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["id"] == "6.1"
    assert result.stderr.count("出于安全不使用缓存") == 1, result.stderr
    assert list(where.iterdir()) == []


def test_a_relative_cache_home_is_ignored(plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    loader.load(plan_file)
    assert not (tmp_path / "relative").exists()
    assert len(list((tmp_path / "home" / ".cache" / "reformctl").glob("*.json"))) == 1


def test_writes_never_trust_the_cache(plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    loader.load(plan_file)
    monkeypatch.setattr(cache.CACHE, "get", lambda raw: (_ for _ in ()).throw(AssertionError("cache read on write")))
    assert run("status", "set", "6.2", "done").exit_code == 0


def test_turned_off_and_unwritable(plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REFORMCTL_NO_CACHE", "1")
    loader.load(plan_file)
    assert entries(tmp_path) == []
    monkeypatch.setenv("REFORMCTL_NO_CACHE", "0")  # 0 keeps it on
    loader.load(plan_file)
    assert len(entries(tmp_path)) == 1
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert len(loader.load(plan_file).tasks) == 12  # works, just without a cache


def test_the_cache_keeps_a_bounded_number_of_entries(plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cache, "KEEP", 3)
    for n in range(5):
        cache.CACHE = cache.Cache()  # as in a new process
        plan_file.write_text(plan_file.read_text(encoding="utf-8") + f"# {n}\n", encoding="utf-8")
        loader.load(plan_file)
    assert len(entries(tmp_path)) == 3


def test_a_cached_plan_equals_the_validated_one(tmp_path: Path, history_plan: Path):
    """Rebuilt without validation, field by field: dates are dates, records are Records."""
    fresh = loader.load(history_plan)
    cache.CACHE = cache.Cache()
    served = cache.CACHE.get(history_plan.read_bytes())
    assert served is not None and served == fresh
    assert served.model_dump() == fresh.model_dump()
