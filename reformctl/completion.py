"""Live values for shell completion, read from the plan file the command itself would use.

The shell calls these on every <TAB>: they must be quick, and silent whatever the file holds.
"""

from __future__ import annotations

from pathlib import Path

import typer

from reformctl import loader, query
from reformctl.models import STATUS_LABELS, Plan
from reformctl.plain import one_line

Choices = list[tuple[str, str]]


def _plan(ctx: typer.Context) -> Plan | None:
    try:
        file = ctx.params.get("file")
        return loader.load(loader.find_plan(Path(file) if file else None))
    except Exception:  # a broken or missing file: offer nothing, say nothing
        return None


def _matching(choices: Choices, incomplete: str) -> Choices:
    # Typer, zsh and fish keep only candidates that start with what was typed, so a
    # full-width ６． cannot complete to 6.1 here; typing it in full works (query.typed).
    return [(value, one_line(help)) for value, help in choices if value.startswith(incomplete)]


def ids(ctx: typer.Context, incomplete: str) -> Choices:
    """Tasks and items, each with its text: for show and log."""
    plan = _plan(ctx)
    if plan is None:
        return []
    choices = []
    for task in plan.tasks:
        choices.append((task.id, query.short(task.title)))
        choices += [(item.id, query.short(item.text)) for item in task.items or []]
    return _matching(choices, incomplete)


def tracked_ids(ctx: typer.Context, incomplete: str) -> Choices:
    """What has a status of its own: items, and tasks without items."""
    plan = _plan(ctx)
    if plan is None:
        return []
    return _matching([(row.id, query.short(row.text)) for row in query.rows(plan)], incomplete)


def departments(ctx: typer.Context, incomplete: str) -> Choices:
    plan = _plan(ctx)
    if plan is None:
        return []
    choices = [(d.id, d.full) for d in plan.departments]
    choices += [(d.name, d.id) for d in plan.departments if d.name and d.name != d.id]
    return _matching(choices, incomplete)


def statuses(incomplete: str) -> Choices:
    choices = [(key, label) for key, label in STATUS_LABELS.items()]
    choices += [(label, key) for key, label in STATUS_LABELS.items()]
    return _matching(choices, incomplete)
