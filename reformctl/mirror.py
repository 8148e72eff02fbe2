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

import datetime as dt
import fnmatch
import hashlib
import os
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reformctl import cache
from reformctl.errors import PlanInvalid, Problem, ReformctlError
from reformctl.files import max_bytes, too_big
from reformctl.loader import PLAN_NAMES
from reformctl.manifest import Unit
from reformctl.models import Plan
from reformctl.plain import line

if TYPE_CHECKING:
    from reformctl.rollup import Rollup

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


def _command(mirror: Path, file: bool, *args: str) -> tuple[list[str], dict[str, str]]:
    """git on the mirror, with the safe settings (and the file transport only where asked), and
    an environment that never prompts: for one command and for the long-lived cat-file alike."""
    allow = ["-c", "protocol.file.allow=always"] if file else []
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_DIR": str(mirror)}
    return ["git", *SAFE, *allow, *args], env


def _git(mirror: Path, *args: str, file: bool = False, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    command, env = _command(mirror, file, *args)
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)


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


# ---------------------------------------------------------------- reading plans (rollup --units)

SYMLINK, SUBMODULE, TREE = "120000", "160000", "040000"
UNFETCHED, NO_PLAN = "unfetched", "no-plan"


@dataclass
class Read:
    """One unit's plan as the mirror has it at the unit's fetched branch, or why it has none:
    `missing` is UNFETCHED (no fetched ref) or NO_PLAN; `problems` are the plan's own."""

    unit: Unit
    commit: str = ""
    date: str = ""  # the commit's date, YYYY-MM-DD
    path: str = ""
    text: str = ""
    plan: Plan | None = None
    missing: str = ""
    why: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.unit.name}:{self.path}@{self.commit[:7]}"


class Batch:
    """One `git cat-file --batch` for every blob read: a blob missing from the partial clone is
    fetched from its unit's remote on demand, with the same safe settings as a fetch."""

    started = 0  # how many were started in this process (the tests count them)

    def __init__(self, mirror: Path, file: bool):
        command, env = _command(mirror, file, "cat-file", "--batch")
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        Batch.started += 1

    def read(self, oid: str, limit: int) -> bytes | str:
        """The blob's bytes, or why not (missing, or bigger than `limit`, read and dropped)."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(oid.encode("ascii") + b"\n")
            stdin.flush()
        except OSError:  # git ended (a blob fetched on demand can fail): no more blobs from it
            return "无法从单位仓库取得计划文件（git 已退出）"
        header = stdout.readline().decode("ascii", "replace").split()
        if len(header) != 3:
            return "无法从单位仓库取得计划文件（git 未给出内容）"
        size = int(header[2])
        if size > limit:
            left = size + 1
            while left:
                left -= len(stdout.read(min(left, 1 << 20)) or b"\0" * left)
            return too_big(limit, f"（{size} 字节）")
        data = stdout.read(size)
        stdout.read(1)
        return data

    def close(self) -> None:
        """End git's batch: its input closed, its output drained and closed, the process waited."""
        self.process.communicate(timeout=30)


def refs(mirror: Path) -> dict[str, tuple[str, str]]:
    """Every fetched ref: its commit and the commit's date, in one git call."""
    done = _git(mirror, "for-each-ref", "--format=%(refname) %(objectname) %(committerdate:short)", "refs/units/")
    found = {}
    for text in done.stdout.splitlines():
        name, commit, date = text.split(" ", 2)
        found[name] = (commit, date)
    return found


def entries(mirror: Path, commit: str, *paths: str) -> list[tuple[str, str, str]]:
    """(mode, oid, path) of the entries `git ls-tree` gives for paths at the commit."""
    done = _git(mirror, "ls-tree", "-z", commit, *(["--", *paths] if paths else []))
    found = []
    for entry in done.stdout.split("\0"):
        if "\t" in entry:
            head, path = entry.split("\t", 1)
            mode, _, oid = head.split(" ")
            found.append((mode, oid, path))
    return found


def plan_entry(mirror: Path, unit: Unit, commit: str) -> tuple[str, str, str] | str:
    """The unit's plan file at the commit, as a checkout would find it (the manifest's path, else
    one `tasks-*.yaml` at the top or in data/), or why there is none."""
    if unit.path:
        found = [e for e in entries(mirror, commit, unit.path) if e[2] == unit.path]
        return found[0] if found else f"分支中没有 {unit.path}"
    listed = entries(mirror, commit) + entries(mirror, commit, "data/")
    found = [e for e in listed if fnmatch.fnmatchcase(e[2].rsplit("/", 1)[-1], PLAN_NAMES)]
    if len(found) > 1:
        return "分支中有多个计划文件：" + "、".join(e[2] for e in found) + "；请在单位清单中写明 path"
    return found[0] if found else "分支中没有计划文件（tasks-*.yaml 或 data/tasks-*.yaml）"


def read_plans(units: list[Unit], base: Path) -> list[Read]:
    """Every unit's plan read from the mirror at its fetched branch, no checkout: one cat-file
    process for all, each blob validated once (units sharing a blob share its plan)."""
    from reformctl import reader

    mirror = folder()
    fetched = refs(mirror)
    batch = Batch(mirror, any(local(u.url, base) is not None for u in units))
    plans: dict[str, tuple[str, Plan | list[Problem]]] = {}
    found = []
    try:
        for unit in units:
            got = Read(unit)
            found.append(got)
            if ref(unit) not in fetched:
                got.missing, got.why = UNFETCHED, "尚未成功获取（请先运行 reformctl fetch）"
                continue
            got.commit, got.date = fetched[ref(unit)]
            entry = plan_entry(mirror, unit, got.commit)
            if isinstance(entry, str):
                got.missing, got.why = NO_PLAN, entry
                continue
            mode, oid, got.path = entry
            if mode in (SYMLINK, SUBMODULE, TREE):
                said = {SYMLINK: "是符号链接，出于安全不读取", SUBMODULE: "是子模块，出于安全不读取", TREE: "是文件夹"}
                got.problems = [Problem(got.label, None, None, f"计划文件{said[mode]}，未计入")]
                continue
            if oid not in plans:
                raw, text = batch.read(oid, max_bytes()), ""
                try:
                    if isinstance(raw, str):
                        raise PlanInvalid([Problem(got.label, None, None, raw)])
                    text = reader.decode(raw, got.label)
                    plans[oid] = (text, reader.validate(text, got.label))
                except PlanInvalid as exc:
                    plans[oid] = (text, exc.problems)
            got.text, done = plans[oid]
            if isinstance(done, list):
                got.problems = done
            else:
                got.plan = done
    finally:
        batch.close()
    return found


def rollup_units(
    path: Path, top: Path | None, as_of: dt.date, warn_days: int, level: str | None
) -> tuple[Rollup, list[Problem], list[Read]]:
    """rollup --units: every unit's plan from the mirror rolled up to the office's own plan (-f,
    else the one found from the working folder); each unit's source kept in the result."""
    from reformctl import loader, manifest, rollup
    from reformctl.checks import Checker

    made = manifest.load(path)
    reads = read_plans(made.units, path.resolve().parent)
    top_path = loader.find_plan(top)
    checker = Checker()
    top_plan = checker.plan(top_path)
    if top_plan is None:
        raise ReformctlError("本办公室的计划无法使用，无法汇总", [str(p) for p in checker.problems.popitem()[1]])
    loaded = [
        rollup.Loaded(r.unit.name, r.unit.level, r.unit.parent, r.plan, r.label, r.text)
        for r in reads
        if r.plan is not None
    ]
    result, problems = rollup.rollup_loaded(loaded, top_plan, top_path, as_of, warn_days, level)
    result.sources = [
        {
            "unit": r.unit.name,
            "commit": r.commit[:7],
            "date": r.date,
            "path": r.path,
            "missing": r.missing,
            "why": r.why,
        }
        for r in reads
    ]
    return result, [p for r in reads for p in r.problems] + problems, reads
