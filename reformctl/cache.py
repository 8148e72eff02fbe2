"""A cache of validated plans, so a second read of an unchanged file does not parse YAML again.

An entry is plain JSON (never pickle: reading data can never run code), named by a hash of the
file's bytes together with the model's code and the versions of reformctl, pydantic and Python,
and it records the hash of the bytes it was made from: it is used only when that hash matches
the file just read. The plan is stored as arrays of field values (pack) and rebuilt from them without validating
again (unpack, as model_construct does), since those exact bytes were validated by this code
when the entry was made.

It lives in $XDG_CACHE_HOME/reformctl (~/.cache/reformctl; a relative XDG_CACHE_HOME is ignored,
as the XDG spec says). The folder must be the user's own and writable by nobody else, or the
cache is not used (and the user is told once); entries are opened without following symlinks,
without blocking, and must be regular files of the user's own. A write never uses the cache.
REFORMCTL_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import stat
import sys
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pydantic

from reformctl import __version__, models
from reformctl.models import Plan

# What an entry depends on: the model's code (hashed, so that an edited checkout is not served
# entries made by the code before), and the versions around it.
_MODEL = hashlib.blake2b(Path(models.__file__).read_bytes(), digest_size=8).hexdigest()
MAGIC = f"reformctl-cache 3 {__version__} {_MODEL} pydantic {pydantic.VERSION} python {sys.version_info[:2]}"
KEEP = 10_000  # entries (a national roll-up reads some 3,000 plans); the oldest go first
MAX_ENTRY = 256 * 1024 * 1024


class Cache:
    """One process's view of the cache: each folder checked once, pruned once."""

    def __init__(self) -> None:
        self.verdicts: dict[Path, bool] = {}  # folder -> safe to use
        self.pruned = False
        self.notices: list[str] = []  # what the user should hear about the cache: the CLI says it at the end

    def folder(self, create: bool) -> Path | None:
        """The cache folder if it is safe to use, else None (and a notice, once)."""
        where = folder()
        if where not in self.verdicts:
            if create:
                try:
                    where.mkdir(mode=0o700, parents=True, exist_ok=True)
                except OSError:
                    return None
            try:
                info = os.lstat(where)
            except OSError:
                return None  # not there yet: decided when it is made
            unsafe = _unsafe(info)
            if unsafe:
                self.notices.append(
                    f"缓存文件夹 {where} {unsafe}，出于安全不使用缓存（可删除它，或设置 XDG_CACHE_HOME）"
                )
            self.verdicts[where] = not unsafe
        return where if self.verdicts[where] else None

    def get(self, raw: bytes) -> Plan | None:
        if not enabled():
            return None
        where = self.folder(create=False)
        if where is None:
            return None
        try:
            fd = os.open(where / _name(raw), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except (OSError, AttributeError):
            return None
        try:
            info = os.fstat(fd)
            if _unsafe(info, regular=True) or info.st_size > MAX_ENTRY:
                return None
            with os.fdopen(fd, "rb", closefd=False) as entry, no_gc():
                blob = json.loads(entry.read())
                if blob.get("magic") != MAGIC or blob.get("sha256") != hashlib.sha256(raw).hexdigest():
                    return None
                return unpack(Plan, blob["plan"])
        except Exception:  # corrupt, truncated, another shape: rebuilt by the caller
            return None
        finally:
            os.close(fd)

    def put(self, raw: bytes, plan: Plan) -> None:
        """Store a validated plan; a cache that cannot be written is simply not used."""
        if not enabled():
            return
        where = self.folder(create=True)
        if where is None:
            return
        blob = {"magic": MAGIC, "sha256": hashlib.sha256(raw).hexdigest(), "plan": pack(plan)}
        data = json.dumps(blob, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        target = where / _name(raw)
        temp = where / f".{target.name}.{os.getpid()}.tmp"
        try:
            fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temp, target)
            self.prune(where)
        except OSError:
            try:
                temp.unlink(missing_ok=True)
            except OSError:
                pass

    def prune(self, where: Path) -> None:
        """Once a process: a roll-up stores thousands of entries, and listing them each time would not scale."""
        if self.pruned:
            return
        self.pruned = True
        entries = sorted(where.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-KEEP]:
            old.unlink(missing_ok=True)


def folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "reformctl"


def enabled() -> bool:
    return os.environ.get("REFORMCTL_NO_CACHE", "") in ("", "0")


def _name(raw: bytes) -> str:
    return f"{hashlib.blake2b(MAGIC.encode() + raw, digest_size=20).hexdigest()}.json"


def unsafe(info: os.stat_result) -> str:
    """Why a folder of the user's cache (the cache's own, the mirror's) cannot be trusted; '' when it can."""
    return _unsafe(info)


def _unsafe(info: os.stat_result, regular: bool = False) -> str:
    """Why a cache folder (or, with regular, an entry) cannot be trusted; '' when it can."""
    if regular and not stat.S_ISREG(info.st_mode):
        return "不是普通文件"
    if not regular and not stat.S_ISDIR(info.st_mode):
        return "不是文件夹（可能是符号链接）"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return "属于另一个用户"
    if info.st_mode & 0o022:
        return "其他人可以写入"
    return ""


# ---------------------------------------------------------------- models as JSON arrays, and back

_SHAPES: dict[type, tuple[tuple[str, ...], list[tuple[int, Any]]]] = {}


def _shape(model: type[pydantic.BaseModel]) -> tuple[tuple[str, ...], list[tuple[int, Any]]]:
    """A model's field names in order, and where a value is not plain JSON: a date, a model, a
    list of models. The order is the model's own, and MAGIC changes with the model's code."""
    if model not in _SHAPES:
        names = tuple(model.model_fields)
        kinds = [(n, _kind(info.annotation)) for n, info in enumerate(model.model_fields.values())]
        _SHAPES[model] = names, [(n, kind) for n, kind in kinds if kind is not None]
    return _SHAPES[model]


def _kind(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if annotation is dt.date:
        return dt.date
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    if origin is list and args and _kind(args[0]) is not None:
        return [_kind(args[0])]
    for arg in args:  # Optional[...] and Annotated[...]
        found = _kind(arg)
        if found is not None:
            return found
    return None


def pack(made: pydantic.BaseModel) -> list[Any]:
    """A model as a JSON array of its field values in field order: no key is repeated in every
    item, so an entry is smaller and reads four times faster than the model's JSON dump."""
    names, special = _shape(type(made))
    values = [getattr(made, name) for name in names]
    for n, kind in special:
        value = values[n]
        if value is None:
            continue
        if kind is dt.date:
            values[n] = value.isoformat()
        else:
            values[n] = [pack(item) for item in value] if isinstance(kind, list) else pack(value)
    return values


_set = object.__setattr__


def unpack(model: type[pydantic.BaseModel], values: list[Any]) -> Any:
    """A model from pack's array, without validation: what model_construct does, without its
    per-field work. The pydantic version and the model's code are part of MAGIC, and a test
    compares a served plan with a validated one."""
    names, special = _shape(model)
    for n, kind in special:
        value = values[n]
        if value is None:
            continue
        if kind is dt.date:
            values[n] = dt.date.fromisoformat(value)
        else:
            values[n] = [unpack(kind[0], item) for item in value] if isinstance(kind, list) else unpack(kind, value)
    made = model.__new__(model)
    _set(made, "__dict__", dict(zip(names, values, strict=True)))
    _set(made, "__pydantic_fields_set__", set(names))
    _set(made, "__pydantic_extra__", None)
    _set(made, "__pydantic_private__", None)
    return made


CACHE = Cache()  # this process's cache; a test seam too: a test replaces it to act as a new process


@contextmanager
def no_gc() -> Iterator[None]:
    """Building a document allocates millions of objects that all stay alive: the cyclic
    garbage collector would scan them again and again for nothing (half the time at 10,000 items).
    Once built, they are moved out of its sight (gc.freeze): they live as long as the command, and
    every later collection (while a command makes its rows and output) would scan them again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()
