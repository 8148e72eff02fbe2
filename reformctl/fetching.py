"""fetch: every unit's repository brought into the mirror, N at a time, each with a timeout.

The remotes are written once for all as a config file the mirror includes (thousands of units
cost one write, not thousands of `git config` processes), and what each fetch found (its day,
and git's reason when it failed) is kept beside it, so the roll-up can say that a unit could
not be reached and which commit it used instead. One fetch at a time: a second is refused.
After a fetch that moved a unit's branch, its plan's blob is brought in at once (the blobs are
otherwise left on the server), so a roll-up reads the mirror without the network.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reformctl.errors import ReformctlError
from reformctl.manifest import Unit
from reformctl.mirror import SUBMODULE, SYMLINK, TREE, Batch, _git, folder, local, plan_entry, reason, ref, refs, remote
from reformctl.plain import line

TIMEOUT = 120.0  # seconds for one unit's fetch


@dataclass
class Fetched:
    """One unit's fetch: the commits before and after (None when absent), or why it failed."""

    unit: Unit
    old: str | None = None
    new: str | None = None
    error: str = ""


STATE, CONFIG, LOCK = "reformctl-units.json", "reformctl-units.config", "reformctl-fetch.lock"


def state(mirror: Path) -> dict[str, dict[str, str]]:
    """What the mirror knows of each unit, by remote: its name, url, and the last fetch's day and
    failure (empty when it succeeded). Kept as JSON beside the refs; a damaged file is empty."""
    try:
        found = json.loads((mirror / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _quoted(value: str) -> str:
    """A git config value, quoted: its backslashes and quotes escaped, and (the manifest refuses
    them) any line break written as git reads one back, so a value never ends its line."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return '"' + escaped + '"'


def save(mirror: Path, known: dict[str, dict[str, str]]) -> None:
    """The state, and the remotes git reads (an included config file, written whole): thousands
    of units cost two file writes, not thousands of `git config` processes."""
    sections = [
        f'[remote "{name}"]\n\turl = {_quoted(unit["url"])}\n\treformctl-unit = {_quoted(unit["unit"])}\n'
        for name, unit in sorted(known.items())
    ]
    for file, text in ((CONFIG, "".join(sections)), (STATE, json.dumps(known, ensure_ascii=False, indent=1))):
        temp = mirror / f".{file}.{os.getpid()}.tmp"
        try:
            with open(temp, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())  # on disk before it replaces the old: never an empty config
            os.replace(temp, mirror / file)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise ReformctlError(f"无法写入镜像文件夹 {mirror}：{exc.strerror}") from None


def prepare(mirror: Path, units: list[Unit], base: Path) -> dict[str, dict[str, str]]:
    """Each unit's remote, its url and its partial-clone settings, written once for all."""
    known = state(mirror)
    for unit in units:
        url = local(unit.url, base) or unit.url
        known.setdefault(remote(unit.name), {"day": "", "failed": ""}).update(unit=unit.name, url=url)
    save(mirror, known)
    if _git(mirror, "config", "--get-all", "include.path").stdout.split() != [CONFIG]:
        _git(mirror, "config", "--replace-all", "include.path", CONFIG)
    return known


@contextmanager
def locked(mirror: Path) -> Iterator[None]:
    """One fetch at a time on the mirror: a second one is refused at once, not queued."""
    fd = os.open(mirror / LOCK, os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ReformctlError("另一个 reformctl fetch 正在更新镜像仓库，请等它完成后再试") from None
        yield
    finally:
        os.close(fd)


def fetch_one(mirror: Path, unit: Unit, base: Path, old: str | None, timeout: float = TIMEOUT) -> Fetched:
    """One unit's branch (or its remote's HEAD) into its refs/units ref, and its plan's blob when
    the branch moved; never raises."""
    try:
        return _fetch_one(mirror, unit, base, old, timeout)
    except (OSError, ValueError, UnicodeError, ReformctlError) as exc:  # one unit's trouble, not the others'
        return Fetched(unit, old=old, error=f"读取单位仓库时出错：{line(str(exc))}")


def _fetch_one(mirror: Path, unit: Unit, base: Path, old: str | None, timeout: float) -> Fetched:
    got = Fetched(unit, old=old)
    name, file = remote(unit.name), local(unit.url, base) is not None
    stale = mirror / f"{ref(unit)}.lock"  # left by a fetch killed at its time limit; one fetch runs at a time
    if stale.is_file() and not stale.is_symlink():
        stale.unlink()
    spec = f"+{'refs/heads/' + unit.branch if unit.branch else 'HEAD'}:{ref(unit)}"
    args = [*promising(unit, base), "fetch", "-q", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules"]
    args += [f"--negotiation-tip=refs/units/{name}/*", name, spec]  # its own history, not every unit's
    try:
        done = _git(mirror, *args, file=file, timeout=timeout)
    except subprocess.TimeoutExpired:
        got.error = f"超过 {timeout:g} 秒未完成"
        return got
    if done.returncode != 0:
        got.error = reason(done.stderr)
        return got
    got.new = _git(mirror, "rev-parse", "--verify", "-q", f"{ref(unit)}^{{commit}}").stdout.strip() or None
    if got.new and got.new != old:
        batch = Batch(mirror, file=False)  # trees only: they are in the mirror
        try:
            entry = plan_entry(batch, unit, got.new)
        finally:
            batch.close()
        if not isinstance(entry, str) and entry[0] not in (SYMLINK, SUBMODULE, TREE):
            fetch_blob(mirror, unit, base, entry[1], timeout)  # a failure is the roll-up's to say
    return got


def promising(unit: Unit, base: Path) -> list[str]:
    """This unit's remote as a promisor (its blobs left on the server), for one command: set in
    the mirror's config, every unit's remote would be asked in turn for any missing blob, and
    a blob missing in a roll-up would cost as many fetches as there are units."""
    name, url = remote(unit.name), local(unit.url, base) or unit.url
    if url.endswith(".bundle"):  # a bundle is read whole
        return []
    return ["-c", f"remote.{name}.promisor=true", "-c", f"remote.{name}.partialclonefilter=blob:none"]


def fetch_blob(mirror: Path, unit: Unit, base: Path, oid: str, timeout: float = TIMEOUT) -> bool:
    """One blob from the unit's own remote, within the time limit; whether git brought it."""
    args = [*promising(unit, base), "fetch", "-q", "--no-tags", "--no-write-fetch-head", remote(unit.name), oid]
    try:
        return _git(mirror, *args, file=local(unit.url, base) is not None, timeout=timeout).returncode == 0
    except subprocess.TimeoutExpired:
        return False


PACKS = 16  # more packs than this after a fetch, and they are made one
CHUNK = 200  # units fetched between two tidy-ups (each adds a pack or two)


def tidy(mirror: Path, known: dict[str, dict[str, str]]) -> None:
    """Refs packed into one file and, past PACKS packs, the packs into one (each fetch adds one or
    two, and git looks an object up in each): thousands of units cost as much each as the first.
    Run only while no fetch is writing, so that repack never drops what a fetch has not yet named."""
    promisor = ["-c", f"remote.{next(iter(known))}.promisor=true"] if known else []  # repack keeps what is left out
    try:
        _git(mirror, "pack-refs", "--all", timeout=600)
        if len(list((mirror / "objects" / "pack").glob("*.pack"))) > PACKS and promisor:
            _git(mirror, *promisor, "-c", "repack.writeBitmaps=false", "repack", "-a", "-d", "-q", timeout=600)
    except subprocess.TimeoutExpired:
        pass  # not tidied this time: repack deletes old packs only once the new one is whole


def fetch(units: list[Unit], base: Path, jobs: int = 8, timeout: float = TIMEOUT) -> Iterator[Fetched]:
    """Every unit fetched into the mirror, at most `jobs` at a time, in the manifest's order; the
    day and any failure recorded for the roll-up, which says what it used instead."""
    mirror = folder()
    with locked(mirror):
        known = prepare(mirror, units, base)
        today = dt.date.today().isoformat()
        old = refs(mirror)

        def one(unit: Unit) -> Fetched:
            return fetch_one(mirror, unit, base, old.get(ref(unit)), timeout)

        try:
            with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                for start in range(0, len(units), CHUNK):
                    for got in pool.map(one, units[start : start + CHUNK]):
                        known[remote(got.unit.name)].update(day=today, failed=got.error)
                        yield got
                    tidy(mirror, known)  # between chunks, when no fetch is writing
        finally:
            save(mirror, known)
