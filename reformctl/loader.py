"""Which plan file, and the plan in it: found safely, read through the cache.

A read served from the cache never imports the YAML reader (reformctl.reader): it is loaded
only when a file is read for the first time, or written.
"""

from __future__ import annotations

import os
from pathlib import Path

from reformctl import cache
from reformctl.errors import UsageError
from reformctl.files import display, read_bytes
from reformctl.models import Plan

DEFAULT = Path("data") / "tasks-2020.yaml"
PLAN_NAMES = "tasks-*.yaml"

__all__ = ["display"]  # re-exported: callers name files through the loader


def bundled_path() -> Path:
    """The plan shipped inside the package (in a source checkout, the repo's own copy). The
    package is always a folder on disk (never a zip), so no importlib.resources is needed."""
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "tasks-2020.yaml"
    return packaged if packaged.is_file() else here.parent / DEFAULT


def find_plan(file: Path | None = None, start: Path | None = None) -> Path:
    """--file (or $REFORMCTL_FILE, which Typer passes as --file), else the nearest plan found
    walking up from the working folder, else the bundled plan.

    In each folder a plan is a `tasks-*.yaml` there or in its `data/`; the first folder with
    exactly one wins, one with several is refused (say which with -f). Like git with
    safe.directory, a plan in a folder, or a file, that belongs to another user is never used."""
    if file is not None:
        return file
    here = Path(os.path.abspath(start or Path.cwd()))
    for folder in (here, *here.parents):
        found = [p for where in (folder, folder / "data") for p in sorted(where.glob(PLAN_NAMES)) if p.is_file()]
        if len(found) > 1:
            names = "、".join(display(p) for p in found)
            raise UsageError(f"{display(folder)} 中有多个计划文件：{names}；请用 -f 指定")
        if found:
            plan = found[0]
            if any(_foreign(p) for p in {folder, plan.parent, plan}):
                raise UsageError(
                    f"找到 {display(plan)}，但它或所在文件夹属于另一个用户，出于安全没有使用；确要使用请用 -f 指定"
                )
            return plan
    return bundled_path()


def _foreign(path: Path) -> bool:
    if not hasattr(os, "getuid"):
        return False
    try:
        return os.lstat(path).st_uid != os.getuid()
    except OSError:
        return True


def load(path: Path) -> Plan:
    """Read and validate a plan file for reading (through the cache); raise PlanInvalid with
    every located problem. Writes use reader.parse instead: they never trust the cache."""
    name = display(path)
    raw = read_bytes(path, name)
    plan = cache.CACHE.get(raw)
    if plan is not None:
        return plan
    from reformctl import reader

    plan = reader.validate(reader.decode(raw, name), name)
    cache.CACHE.put(raw, plan)
    return plan
