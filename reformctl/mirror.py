"""One local bare mirror of every unit's repository, in the user's cache folder (mirror.git).

Each unit is a remote named from a hash of its name (`u` and 10 hex digits, so a name is never
a command-line word), its name kept in `remote.<name>.reformctl-unit`; its branch is fetched into
refs/units/<remote>/<branch>, blobs left on the server where it allows (a partial clone). Remotes
are set up one at a time (git's config has one lock), then fetched N at a time.

Git runs with hooks off, no ext:: transport, no terminal prompt, no FETCH_HEAD and no automatic gc:
nothing of a fetched repository is ever run. Credentials come only from git's credential helpers;
the manifest refuses a url that carries them.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from reformctl import cache
from reformctl.errors import ReformctlError
from reformctl.manifest import Unit
from reformctl.plain import line

TIMEOUT = 120.0  # seconds for one unit's fetch
SAFE = ["-c", "core.hooksPath=/dev/null", "-c", "protocol.ext.allow=never", "-c", "gc.auto=0"]
SAFE += ["-c", "maintenance.auto=false", "-c", "core.fsmonitor=false"]


@dataclass
class Fetched:
    """One unit's fetch: the commits before and after (None when absent), or why it failed."""

    unit: Unit
    old: str | None = None
    new: str | None = None
    error: str = ""


def remote(name: str) -> str:
    return "u" + hashlib.blake2b(name.encode("utf-8"), digest_size=5).hexdigest()


def ref(unit: Unit) -> str:
    return f"refs/units/{remote(unit.name)}/{unit.branch or 'HEAD'}"


def local(url: str, base: Path) -> str | None:
    """The url as an absolute path when it is a local path or a bundle file (relative to the
    manifest's folder), None when git reaches it over a network (https, ssh, scp-like host:path)."""
    if url.lower().startswith("file://"):
        return url
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", url) or re.match(r"^[^/]+:", url):
        return None
    return os.path.abspath(base / url)


def folder() -> Path:
    """mirror.git in the cache folder, made 0700 and refused when it is not the user's own."""
    root = cache.folder()
    for where in (root, root / "mirror.git"):
        try:
            where.mkdir(mode=0o700, parents=True, exist_ok=True)
            info = os.lstat(where)
        except OSError as exc:
            raise ReformctlError(f"无法建立镜像文件夹 {where}：{exc.strerror}") from None
        unsafe = cache.unsafe(info)
        if unsafe:
            raise ReformctlError(f"文件夹 {where} {unsafe}，出于安全不使用（可删除它，或设置 XDG_CACHE_HOME）")
    mirror = root / "mirror.git"
    os.chmod(mirror, 0o700)
    if not (mirror / "HEAD").exists():
        _git(mirror, "init", "-q", "--bare")
    return mirror


def _git(mirror: Path, *args: str, file: bool = False, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    allow = ["-c", "protocol.file.allow=always"] if file else []
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_DIR": str(mirror)}
    return subprocess.run(
        ["git", *SAFE, *allow, *args], capture_output=True, text=True, env=env, timeout=timeout, check=False
    )


def prepare(mirror: Path, units: list[Unit], base: Path) -> None:
    """Each unit's remote, its url and its partial-clone settings, one at a time."""
    for unit in units:
        name = remote(unit.name)
        url = local(unit.url, base) or unit.url
        for key, value in (("url", url), ("reformctl-unit", unit.name), ("promisor", "true")):
            _git(mirror, "config", f"remote.{name}.{key}", value)
        if not url.endswith(".bundle"):
            _git(mirror, "config", f"remote.{name}.partialclonefilter", "blob:none")
        else:
            _git(mirror, "config", "--unset", f"remote.{name}.partialclonefilter")


def _head(mirror: Path, unit: Unit) -> str | None:
    done = _git(mirror, "rev-parse", "--verify", "-q", f"{ref(unit)}^{{commit}}")
    return done.stdout.strip() or None


def fetch_one(mirror: Path, unit: Unit, base: Path, timeout: float = TIMEOUT) -> Fetched:
    """One unit's branch (or its remote's HEAD) into its refs/units ref; never raises."""
    got = Fetched(unit, old=_head(mirror, unit))
    name, file = remote(unit.name), local(unit.url, base) is not None
    spec = f"+{'refs/heads/' + unit.branch if unit.branch else 'HEAD'}:{ref(unit)}"
    args = ["fetch", "-q", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules", name, spec]
    try:
        done = _git(mirror, *args, file=file, timeout=timeout)
    except subprocess.TimeoutExpired:
        got.error = f"超过 {timeout:g} 秒未完成"
        return got
    if done.returncode != 0:
        got.error = reason(done.stderr)
        return got
    got.new = _head(mirror, unit)
    return got


def reason(stderr: str) -> str:
    """git's reason, one line: its fatal or error line, else its last line."""
    lines = [text.strip() for text in stderr.splitlines() if text.strip()]
    told = [text for text in lines if text.startswith(("fatal:", "error:"))] or lines[-1:] or ["git 未说明原因"]
    return line(re.sub(r"^(fatal|error): ", "", told[0]))


def fetch(units: list[Unit], base: Path, jobs: int = 8, timeout: float = TIMEOUT) -> Iterator[Fetched]:
    """Every unit fetched into the mirror, at most `jobs` at a time, in the manifest's order."""
    mirror = folder()
    prepare(mirror, units, base)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        yield from pool.map(lambda unit: fetch_one(mirror, unit, base, timeout), units)
