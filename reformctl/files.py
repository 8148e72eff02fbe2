"""Files on disk: read safely, lock, and replace atomically. Every file the tool reads because a
user or another file named it, and every file it writes, goes through here.

Reading never hangs or exhausts memory: only regular files are read (opened non-blocking, so a
FIFO cannot hang us), and no more than MAX_BYTES. Writing never leaves a half-written file, keeps
the file's mode and, where the writer may, its owner and group, so a shared plan stays shared.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reformctl.errors import ReformctlError, Unreadable

__all__ = ["Unreadable"]

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; see docs/commands.md
    fcntl = None  # type: ignore[assignment]  # the module, or None where the platform has none

MAX_MB_VARIABLE = "REFORMCTL_MAX_MB"
LOCK_TIMEOUT = 30.0


def display(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when it is inside it
    or a few folders above (../data/tasks-2020.yaml), else as given."""
    try:
        real, here = os.path.realpath(path), os.path.realpath(Path.cwd())
        relative = os.path.relpath(real, here)
        shared = os.path.commonpath([real, here])
    except (ValueError, OSError):
        return str(path)
    near = relative.count("..") <= 3 and shared != os.path.dirname(shared)  # not only the root in common
    return relative if near else str(path)


def max_bytes() -> int:
    try:
        return max(1, int(os.environ.get(MAX_MB_VARIABLE, "64"))) * 1024 * 1024
    except ValueError:
        return 64 * 1024 * 1024


def reason(exc: OSError) -> str:
    """What an OSError means, said plainly."""
    if exc.errno == errno.ENOENT:
        return "找不到文件"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有读取权限"
    if exc.errno == errno.ELOOP:
        return "符号链接层数过多或成环"
    if exc.errno == errno.EISDIR:
        return "这是文件夹，不是文件"
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return "磁盘已满"
    return exc.strerror or str(exc)


def open_regular(path: Path, name: str, kind: str = "计划文件") -> int:
    """A read-only descriptor of a regular file, or a clear error that says a folder is not the
    `kind` of file wanted. O_NONBLOCK: opening a FIFO returns at once instead of waiting for a
    writer; fstat then refuses it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Unreadable(name, reason(exc)) from None
    except ValueError:  # a NUL in the path
        raise Unreadable(name, "路径中有空字符") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise Unreadable(
            name, f"这是文件夹，不是{kind}" if stat.S_ISDIR(info.st_mode) else "不是普通文件（设备、管道等）"
        )
    limit = max_bytes()
    if info.st_size > limit:
        os.close(fd)
        raise Unreadable(name, too_big(limit, f"文件有 {info.st_size / 1024 / 1024:.0f} MiB，"))
    return fd


def too_big(limit: int, size: str = "") -> str:
    return (
        f"{size}超过 {limit // 1024 // 1024} MiB 的上限"
        f"（确需读取，请设置环境变量 {MAX_MB_VARIABLE}，如 {MAX_MB_VARIABLE}=256）"
    )


def read_bytes(path: Path, name: str | None = None, kind: str = "计划文件") -> bytes:
    """The bytes of a regular file of at most MAX_BYTES, or one clear ReformctlError; `kind` is
    what the file is to the user (a plan file unless said), for when it is a folder."""
    name = name or display(path)
    fd = open_regular(path, name, kind)
    try:
        limit = max_bytes()
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # grew while we read
                raise Unreadable(name, too_big(limit))
        return b"".join(chunks)
    except OSError as exc:
        raise Unreadable(name, reason(exc)) from None
    finally:
        os.close(fd)


class Held:
    """A file under our exclusive lock: the only way the tool replaces a file that exists."""

    __slots__ = ("target", "name")

    def __init__(self, target: Path, name: str):
        self.target, self.name = target, name

    def read(self) -> bytes:
        return read_bytes(self.target, self.name)

    def write(self, data: bytes) -> None:
        _replace(self.target, data, self.name, _stat(self.target, self.name))


@contextmanager
def locked(target: Path, name: str, timeout: float | None = None) -> Iterator[Held]:
    """An exclusive lock on the file itself, for reading and replacing it. A writer that waited
    may find the file replaced under it (a new inode): it then locks the new one, so no update is
    ever lost. After `timeout` seconds (LOCK_TIMEOUT) of waiting it gives up with a clear error."""
    if fcntl is None:
        yield Held(target, name)
        return
    deadline = time.monotonic() + (LOCK_TIMEOUT if timeout is None else timeout)
    while True:
        fd = open_regular(target, name)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise ReformctlError(f"{name}: 文件正被另一个 reformctl 进程修改，请稍后再试") from None
                    time.sleep(0.01)
            if os.fstat(fd).st_ino == os.stat(target).st_ino:
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield Held(target, name)
    finally:
        os.close(fd)


def write(target: Path, data: bytes, name: str) -> None:
    """Put `data` in `target` whole: a file that exists is replaced under its lock (so a
    concurrent edit is never lost in between); a new one is created atomically, and two
    writers creating it at once each leave a whole file, the later one's."""
    exists = _stat(target, name) is not None
    if not folder_writable(target.parent):  # a new file, or the one beside it that replaces it
        raise ReformctlError(f"{name}: 无法写入：所在文件夹不可写")
    if not exists:
        _replace(target, data, name, None)
        return
    with locked(target, name) as held:
        held.write(data)


def _stat(path: Path, name: str) -> os.stat_result | None:
    """The file's status, None when there is no such file, or a clear error."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ReformctlError(f"{name}: 无法写入（{reason(exc)}），文件未改变") from None


def _replace(target: Path, data: bytes, name: str, old: os.stat_result | None) -> None:
    """Write beside the target, fsync, then os.replace: a crash leaves the old file whole.

    The old file's mode is kept always, and its owner and group where the writer may (as root,
    or a member of the file's group), so a plan in a shared folder stays writable by the group.
    Where Linux allows it the data goes to an unnamed file (O_TMPFILE) that gets a name only for
    the instant before the rename, so even a SIGKILL mid-write leaves nothing behind."""
    mode = 0o666 if old is None else stat.S_IMODE(old.st_mode)
    # A name of our own: never another writer's, so we never delete what is not ours.
    temp = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.reformctl-tmp")
    fd, named = -1, False
    try:
        try:
            fd = os.open(target.parent, os.O_TMPFILE | os.O_WRONLY, mode)
        except (AttributeError, OSError):
            fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), mode)
            named = True
        _write_all(fd, data)
        if old is not None:
            _keep_owner(fd, old)
            os.fchmod(fd, mode)  # the old file's, not the umask's; after chown, which may clear bits
        os.fsync(fd)
        if not named:
            # A dir_fd makes CPython call linkat(AT_SYMLINK_FOLLOW), which can name the file.
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.link(f"/proc/self/fd/{fd}", temp.name, dst_dir_fd=folder)
            finally:
                os.close(folder)
            named = True
        os.replace(temp, target)
        named = False
    except OSError as exc:
        raise ReformctlError(f"{name}: 无法写入（{reason(exc)}），文件未改变") from None
    finally:
        if fd >= 0:
            os.close(fd)
        if named:
            temp.unlink(missing_ok=True)
    _fsync_folder(target.parent)


def _keep_owner(fd: int, old: os.stat_result) -> None:
    if not hasattr(os, "fchown"):
        return
    for uid in (old.st_uid, -1):  # owner and group if we may, else at least the group
        try:
            os.fchown(fd, uid, old.st_gid)
            return
        except PermissionError:
            continue


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def writable(path: Path, name: str) -> Path:
    """The real file to replace (a symlink's target), with a message that says what is wrong."""
    try:
        target = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        raise ReformctlError(f"{name}: 无法修改：{reason(exc)}") from None
    info = target.stat()
    if stat.S_ISDIR(info.st_mode):
        raise ReformctlError(f"{name}: 这是文件夹，不是计划文件")
    if not stat.S_ISREG(info.st_mode):
        raise ReformctlError(f"{name}: 不是普通文件，未修改")
    if not os.access(target, os.R_OK):
        raise ReformctlError(f"{name}: 无法读取：没有读取权限，未修改")
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise ReformctlError(f"{name}: 文件是只读的，未修改")
    if not folder_writable(target.parent):
        raise ReformctlError(f"{name}: 所在文件夹不可写，未修改")
    return target


def folder_writable(folder: Path) -> bool:
    """Whether we may put a file in `folder`. As for a file, a folder whose mode gives nobody
    write permission (0555) is read-only even for root, who could otherwise write anywhere."""
    try:
        info = os.stat(folder)
    except OSError:
        return False
    return bool(info.st_mode & 0o222) and os.access(folder, os.W_OK)


def write_output(output: Path, data: bytes, protected: list[Path]) -> str:
    """Write a report or an export to `output` without destroying what it lands on.

    A symlink is written through to its target; a character device or a
    FIFO (/dev/null, /dev/stdout) is written into directly; a regular file is replaced atomically,
    keeping its mode. A plan file (one of `protected`, or any YAML file) and a read-only file are
    refused. Returns the name written."""
    name = str(output)
    real = Path(os.path.realpath(output))
    info = _stat(output, name)  # through links: /dev/stdout is a pipe, whose realpath is no file
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise ReformctlError(f"{name}: 这是文件夹，请给出文件名")
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        try:
            fd = os.open(output, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise ReformctlError(f"{name}: 无法写入：{reason(exc)}") from None
        try:
            _write_all(fd, data)
        except BrokenPipeError:
            pass  # `-o /dev/stdout | head`: the reader has what it wanted
        finally:
            os.close(fd)
        return name
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise ReformctlError(f"{name}: 不是普通文件，未写入")
    if info is not None and (any(_same(real, p) for p in protected) or real.suffix.lower() in (".yaml", ".yml")):
        raise ReformctlError(f"{name}: 这是计划文件，不能用作输出；请换一个文件名")
    if info is not None and (not info.st_mode & 0o222 or not os.access(real, os.W_OK)):
        raise ReformctlError(f"{name}: 文件是只读的，未覆盖")
    if not real.parent.is_dir():
        raise ReformctlError(f"{name}: 无法写入：文件夹 {display(real.parent)} 不存在")
    write(real, data, name)
    return name


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
