"""The read cache: a second read does not parse YAML; a bad entry is ignored; writes never use it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run

from reformctl import cache, loader


def entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / ".cache" / "reformctl").glob("*.pickle"))


def test_second_read_does_not_parse(plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    first = loader.load(plan_file).plan
    assert len(entries(tmp_path)) == 1 and oct(entries(tmp_path)[0].stat().st_mode & 0o777) == "0o600"

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(loader, "parse", no_parse)
    assert loader.load(plan_file).plan == first
    assert json.loads(run("list", "--task", "6", "--format", "json").stdout)[1]["id"] == "6.2"


def test_a_changed_file_is_a_miss(plan_file: Path, tmp_path: Path):
    loader.load(plan_file)
    assert run("status", "set", "6.2", "done").exit_code == 0
    assert loader.load(plan_file).plan.tasks[5].items[1].status == "done"  # type: ignore[index]
    assert len(entries(tmp_path)) == 2


@pytest.mark.parametrize("damage", ["corrupt", "foreign", "group-writable", "not-a-plan"])
def test_bad_entries_are_ignored_and_rebuilt(plan_file: Path, tmp_path: Path, damage: str):
    loader.load(plan_file)
    (entry,) = entries(tmp_path)
    if damage == "corrupt":
        entry.write_bytes(entry.read_bytes()[:200])
    elif damage == "foreign":
        entry.write_bytes(b"reformctl-cache 0 old\n" + entry.read_bytes()[len(cache.MAGIC) :])
    elif damage == "group-writable":
        entry.chmod(0o664)
    else:
        import pickle

        entry.write_bytes(cache.MAGIC + pickle.dumps({"tasks": []}))
    assert cache.get(plan_file.read_bytes()) is None
    assert len(loader.load(plan_file).plan.tasks) == 12


def test_writes_never_trust_the_cache(plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    loader.load(plan_file)
    monkeypatch.setattr(cache, "get", lambda raw: (_ for _ in ()).throw(AssertionError("cache read on write")))
    assert run("status", "set", "6.2", "done").exit_code == 0


def test_turned_off_and_unwritable(plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REFORMCTL_NO_CACHE", "1")
    loader.load(plan_file)
    assert entries(tmp_path) == []
    monkeypatch.delenv("REFORMCTL_NO_CACHE")
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert len(loader.load(plan_file).plan.tasks) == 12  # works, just without a cache


def test_the_cache_keeps_a_bounded_number_of_entries(plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cache, "KEEP", 3)
    for n in range(5):
        monkeypatch.setattr(cache, "_pruned", False)  # as in a new process
        plan_file.write_text(plan_file.read_text(encoding="utf-8") + f"# {n}\n", encoding="utf-8")
        loader.load(plan_file)
    assert len(entries(tmp_path)) == 3
