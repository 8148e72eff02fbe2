"""A cache of validated plans, so a second read of an unchanged file does not parse YAML again.

An entry is keyed by a hash of the file's bytes together with the versions of reformctl,
pydantic and Python: any change to the file, or an upgrade, is a miss that parses and
validates in full. It lives in $XDG_CACHE_HOME/reformctl (~/.cache/reformctl), is written
atomically, and is only ever used for reading: a write always parses the file under its lock.
A corrupt, foreign or unsafe entry (not the user's own, or writable by others) is ignored
and rebuilt. REFORMCTL_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from pathlib import Path

import pydantic

from reformctl import __version__, models
from reformctl.models import Plan

# What a pickled plan depends on: the model's code (hashed, so that an edited checkout is not
# served plans pickled by the code before), and the versions around it.
_MODEL = hashlib.blake2b(Path(models.__file__).read_bytes(), digest_size=8).hexdigest()
MAGIC = f"reformctl-cache 1 {__version__} {_MODEL} pydantic {pydantic.VERSION} python {sys.version_info[:2]}\n".encode()
KEEP = 10_000  # entries (a national roll-up reads some 3,000 plans); the oldest go first
_pruned = False


def folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "reformctl"


def enabled() -> bool:
    return os.environ.get("REFORMCTL_NO_CACHE", "") in ("", "0")


def _entry(raw: bytes) -> Path:
    return folder() / f"{hashlib.blake2b(MAGIC + raw, digest_size=20).hexdigest()}.pickle"


def get(raw: bytes) -> Plan | None:
    if not enabled():
        return None
    try:
        with open(_entry(raw), "rb") as entry:
            info = os.fstat(entry.fileno())
            if info.st_mode & 0o022 or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
                return None  # someone else could have written it: never unpickle that
            blob = entry.read()
        if not blob.startswith(MAGIC):
            return None
        plan = pickle.loads(blob[len(MAGIC) :])
    except Exception:  # missing, corrupt, from another version: rebuilt by the caller
        return None
    return plan if isinstance(plan, Plan) else None


def put(raw: bytes, plan: Plan) -> None:
    """Store a validated plan; a cache that cannot be written is simply not used."""
    if not enabled():
        return
    target = _entry(raw)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb") as out:
            out.write(MAGIC + pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temp, target)
        _prune(target.parent)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


def _prune(where: Path) -> None:
    """Once a process: a roll-up stores thousands of entries, and listing them each time would not scale."""
    global _pruned
    if _pruned:
        return
    _pruned = True
    entries = sorted(where.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-KEEP]:
        old.unlink(missing_ok=True)
