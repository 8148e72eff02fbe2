"""The plan a command reads, and the group's own options (--no-color) that every command's
context carries down to the views it renders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import typer

from reformctl import inputs, loader, query
from reformctl.models import Plan
from reformctl.render import View


@dataclass(frozen=True)
class Settings:
    """The group's own options, which every command's context carries down (click's ctx.obj)."""

    no_color: bool = False


def settings(ctx: typer.Context) -> Settings:
    return ctx.find_object(Settings) or Settings()


def view_of(
    ctx: typer.Context, plan: Plan | None, day: dt.date | None = None, warn_days: int = query.WARN_DAYS
) -> View:
    """A view of a plan for the renderers, with the group's options (--no-color) from `ctx`."""
    return View(plan, day or dt.date.today(), warn_days, no_color=settings(ctx).no_color)


class Opened:
    """A plan as a command reads it: the file, and the plan as it stood at the end of `day`."""

    __slots__ = ("ctx", "path", "plan", "day")

    def __init__(self, ctx: typer.Context, file: Path | None, day: dt.date | None = None):
        self.ctx = ctx
        self.path = loader.find_plan(file)
        self.day = day or dt.date.today()
        # Rewound even to today: a hand-written record dated in the future is not yet in force.
        self.plan: Plan = query.rewind(loader.load(self.path), self.day)

    @classmethod
    def as_of(cls, ctx: typer.Context, file: Path | None, as_of: str | None) -> Opened:
        """The plan as of --as-of (default today), the day lights are judged on."""
        return cls(ctx, file, inputs.option_date(as_of, "--as-of"))

    def label(self) -> str:
        """Which plan this is, for a heading: the file, and its unit when it has one."""
        bundled = self.path == loader.bundled_path()
        where = "内置计划" if bundled else loader.display(self.path)
        unit = self.plan.unit
        return f"{where}（{unit.name}）" if unit else where

    def view(self, warn_days: int = query.WARN_DAYS, bom: bool = True) -> View:
        return View(
            self.plan, self.day, warn_days, bom=bom, label=self.label(), file=loader.display(self.path),
            no_color=settings(self.ctx).no_color,
        )  # fmt: skip
