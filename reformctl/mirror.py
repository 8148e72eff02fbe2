"""One local bare mirror of every unit's repository, in the user's cache folder (mirror.git),
and the one reader of its objects.

Each unit is a remote named from a hash of its name (`u` and 10 hex digits, so a name is never
a command-line word); its branch is fetched into refs/units/<remote>/<branch>, blobs left on
the server where it allows (a partial clone). Commits, trees and blobs are read through one
long-lived `git cat-file --batch`, whose trees and commits are parsed here (git's own object
formats), so a roll-up of thousands of units starts no process per unit.

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
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reformctl import cache
from reformctl.errors import ReformctlError
from reformctl.files import max_bytes, too_big
from reformctl.loader import PLAN_NAMES
from reformctl.manifest import Unit
from reformctl.plain import line

SAFE = ["-c", "core.hooksPath=/dev/null", "-c", "protocol.ext.allow=never", "-c", "gc.auto=0"]
SAFE += ["-c", "maintenance.auto=false", "-c", "core.fsmonitor=false"]
NO_GIT = "未找到 git：请先安装 git（https://git-scm.com）"


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
        # sha1 whatever GIT_DEFAULT_HASH says: trees are read as sha1 here
        _git(mirror, "init", "-q", "--bare", "--object-format=sha1")
    return mirror


def _command(mirror: Path, file: bool, *args: str) -> tuple[list[str], dict[str, str]]:
    """git on the mirror, with the safe settings (and the file transport only where asked), and
    an environment that never prompts: for one command and for the long-lived cat-file alike."""
    allow = ["-c", "protocol.file.allow=always"] if file else []
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_DIR": str(mirror)}
    return ["git", *SAFE, *allow, *args], env


def _git(mirror: Path, *args: str, file: bool = False, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    """One git command on the mirror; past `timeout` it and what it started (a transport, an
    index-pack) are killed together, and TimeoutExpired raised."""
    command, env = _command(mirror, file, *args)
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True
        )
    except FileNotFoundError:
        raise ReformctlError(NO_GIT) from None
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


# git's reasons as a clerk reads them (git here speaks English); git's own words follow in brackets.
GLOSSES = [
    (r"does not appear to be a git repository|not a git repository", "不是 git 仓库，或路径、地址有误"),
    (r"[Cc]ould not resolve host", "无法解析服务器地址（地址有误，或网络不通）"),
    (r"couldn't find remote ref", "对方仓库中没有这个分支（分支名有误，或仓库还是空的）"),
    (r"[Cc]onnection refused|[Cc]onnection timed out|[Ff]ailed to connect|[Nn]etwork is unreachable", "无法连接服务器"),
    (
        r"[Aa]uthentication failed|could not read Username|terminal prompts disabled",
        "需要登录凭据：请用 git 的凭据助手保存",
    ),
    (r"[Pp]ermission denied|[Hh]ost key verification failed", "没有访问权限（账号或 SSH 密钥）"),
    (r"[Rr]epository not found|returned error: 404", "对方仓库不存在，或没有访问权限"),
    (r"SSL certificate problem|server certificate verification failed", "服务器证书无法验证"),
    (r"is not a git bundle|bundle.*(corrupt|invalid)|unrecognized header", "不是有效的 git bundle 文件"),
]


def reason(stderr: str) -> str:
    """git's reason, one line: its fatal or error line, else its last line; in Chinese first
    where it is one of the usual ones."""
    lines = [text.strip() for text in stderr.splitlines() if text.strip()]
    told = [text for text in lines if text.startswith(("fatal:", "error:"))] or lines[-1:] or ["git 未说明原因"]
    said = line(re.sub(r"^(fatal|error): ", "", told[0]))
    gloss = next((words for pattern, words in GLOSSES if re.search(pattern, stderr)), None)
    return f"{gloss}（git：{said}）" if gloss else said


# ---------------------------------------------------------------- reading objects

SYMLINK, SUBMODULE, TREE = "120000", "160000", "40000"  # modes as a raw tree gives them
FIRST_PARENTS = 10_000  # the most commits a walk back along a branch reads


@dataclass(frozen=True)
class Commit:
    tree: str
    parent: str | None  # the first parent
    date: dt.date  # the committer's date, in the committer's time zone


MISSING = "镜像中没有这个文件（单位仓库未能提供）"


class Batch:
    """One `git cat-file --batch` for every object read. The mirror names no promisor remote, so
    a blob left on a server is MISSING here, never fetched by git from each unit in turn; the
    caller fetches it from its own unit. Trees and commits are parsed once and kept; blobs are not."""

    started = 0  # how many were started in this process (the tests count them)

    def __init__(self, mirror: Path, file: bool):
        command, env = _command(mirror, file, "cat-file", "--batch")
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
            )
        except FileNotFoundError:
            raise ReformctlError(NO_GIT) from None
        self.trees: dict[str, list[tuple[str, str, str]]] = {}
        self.commits: dict[str, Commit | None] = {}
        Batch.started += 1

    def read(self, oid: str, limit: int, kind: str = "blob") -> bytes | str:
        """The object's bytes, or why not (missing, not a `kind`, or bigger than `limit`: read
        and dropped, the batch going on)."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(oid.encode("ascii") + b"\n")
            stdin.flush()
        except OSError:  # git ended: no more objects from it
            return "无法从单位仓库取得计划文件（git 已退出）"
        header = stdout.readline().decode("ascii", "replace").split()
        if header[1:] == ["missing"]:
            return MISSING
        if len(header) != 3:
            return "无法从单位仓库取得计划文件（git 未给出内容）"
        size = int(header[2])
        if size > limit or header[1] != kind:
            left = size + 1
            while left:
                left -= len(stdout.read(min(left, 1 << 20)) or b"\0" * left)
            return too_big(limit, f"（{size} 字节）") if header[1] == kind else f"不是文件（是 {header[1]}）"
        data = stdout.read(size)
        stdout.read(1)
        return data

    def tree(self, oid: str) -> list[tuple[str, str, str]]:
        """(mode, name, oid) of a tree's entries; a tree that cannot be read has none."""
        if oid not in self.trees:
            raw = self.read(oid, max_bytes(), "tree")
            found, at = [], 0
            while isinstance(raw, bytes) and at < len(raw):  # "<mode> <name>\0<20 bytes>", as git writes them
                space, nul = raw.find(b" ", at), raw.find(b"\0", at)
                if not 0 < space < nul or nul + 21 > len(raw):
                    break  # a tree git would not write: what came before it is all it has
                name = raw[space + 1 : nul].decode("utf-8", "replace")
                found.append((raw[at:space].decode("ascii", "replace"), name, raw[nul + 1 : nul + 21].hex()))
                at = nul + 21
            self.trees[oid] = found
        return self.trees[oid]

    def commit(self, oid: str) -> Commit | None:
        """The commit's tree, first parent and date; None when it cannot be read."""
        if oid not in self.commits:
            raw = self.read(oid, 1 << 20, "commit")
            self.commits[oid] = _commit(raw) if isinstance(raw, bytes) else None
        return self.commits[oid]

    def entry(self, commit: str, path: str) -> tuple[str, str] | None:
        """(mode, oid) of the path at the commit, None when it is not there."""
        made = self.commit(commit)
        found = (TREE, made.tree) if made else None
        for part in path.split("/"):
            if found is None or found[0] != TREE:
                return None
            found = next(((m, o) for m, n, o in self.tree(found[1]) if n == part), None)
        return found

    def first_parents(self, commit: str) -> Iterator[tuple[str, Commit]]:
        """The commit and its first parents, newest first, as many as FIRST_PARENTS."""
        at: str | None = commit
        for _ in range(FIRST_PARENTS):
            made = self.commit(at) if at else None
            if at is None or made is None:
                return
            yield at, made
            at = made.parent

    def close(self) -> None:
        """End git's batch: its input closed, its output drained and closed, the process waited."""
        self.process.communicate(timeout=30)


def _commit(raw: bytes) -> Commit | None:
    """A raw commit's tree, first parent and committer date (in the committer's zone)."""
    head = raw.split(b"\n\n", 1)[0].decode("utf-8", "replace").splitlines()
    fields: dict[str, list[str]] = {}
    for text in head:
        key, _, value = text.partition(" ")
        fields.setdefault(key, []).append(value)
    tree, parent = fields.get("tree", [""])[0], fields.get("parent", [None])[0]
    if not _OID.fullmatch(tree) or parent is not None and not _OID.fullmatch(parent):
        return None
    return Commit(tree, parent, _day(fields.get("committer", [""])[0]))


_OID = re.compile(r"[0-9a-f]{40}")
_STAMP = re.compile(r" (\d{1,12}) ([+-])(\d\d)(\d\d)$")


def _day(committer: str) -> dt.date:
    """The day of a committer line in its own zone (+9999 taken as written, as git shows it);
    a stamp that is no date is the last day there is, after any day asked about."""
    found = _STAMP.search(committer)
    if not found:
        return dt.date.max
    sign = -1 if found[2] == "-" else 1
    seconds = int(found[1]) + sign * (int(found[3]) * 3600 + int(found[4]) * 60)
    try:
        return dt.date(1970, 1, 1) + dt.timedelta(seconds=seconds)
    except OverflowError:
        return dt.date.max


def refs(mirror: Path) -> dict[str, str]:
    """Every fetched ref and its commit, in one git call; a mirror git cannot read is said."""
    done = _git(mirror, "for-each-ref", "--format=%(refname) %(objectname)", "refs/units/")
    if done.returncode != 0:
        raise ReformctlError(f"无法读取镜像仓库 {mirror}（可删除它后重新 reformctl fetch）：{reason(done.stderr)}")
    return dict(text.split(" ", 1) for text in done.stdout.splitlines())


def plan_entry(batch: Batch, unit: Unit, commit: str) -> tuple[str, str, str] | str:
    """(mode, oid, path) of the unit's plan file at the commit, as a checkout would find it
    (the manifest's path, else one `tasks-*.yaml` at the top or in data/), or why there is none."""
    if unit.path:
        named = batch.entry(commit, unit.path)
        return (*named, unit.path) if named else f"分支中没有 {unit.path}"
    made = batch.commit(commit)
    if made is None:
        return "无法读取分支的提交"
    listed = [(m, o, n) for m, n, o in batch.tree(made.tree)]
    data = batch.entry(commit, "data")
    if data and data[0] == TREE:
        listed += [(m, o, f"data/{n}") for m, n, o in batch.tree(data[1])]
    found = [e for e in listed if fnmatch.fnmatchcase(e[2].rsplit("/", 1)[-1], PLAN_NAMES)]
    if len(found) > 1:
        return "分支中有多个计划文件：" + "、".join(e[2] for e in found) + "；请在单位清单中写明 path"
    return found[0] if found else "分支中没有计划文件（tasks-*.yaml 或 data/tasks-*.yaml）"
