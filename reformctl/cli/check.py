"""Commands about the file format: validate (also the pre-commit hook) and schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reformctl import checks, loader, manifest, query
from reformctl.cli.options import FileOption
from reformctl.cli.output import say
from reformctl.cli.registry import command
from reformctl.errors import PlanInvalid, Problem, Unreadable
from reformctl.schema import schema_text


@command
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(metavar="FILE", help="要检查的计划文件")] = None,
    file: FileOption = None,
) -> None:
    """检查计划文件或单位清单（units.yaml）：有效则退出码 0，否则列出每个问题的 文件:行:列 并退出 1。

    例：reformctl validate ；reformctl validate data/tasks-2020.yaml units.yaml
    """
    checker, problems = checks.Checker(), []
    for path in paths or [loader.find_plan(file)]:
        if manifest.looks_like_manifest(path):
            problems += _manifest(path)
            continue
        found = checker.check(path)
        problems += found
        plan = checker.plan(path)
        if plan is not None and not found:
            tracked = len(query.rows(plan))
            say(f"{loader.display(path)}：有效（{len(plan.tasks)} 项任务，{tracked} 个跟踪事项）")
    if problems:
        raise PlanInvalid(problems)


def _manifest(path: Path) -> list[Problem]:
    """A units manifest's problems; said valid when it has none."""
    try:
        made = manifest.load(path)
    except PlanInvalid as exc:
        return exc.problems
    except Unreadable as exc:
        return [exc.problem()]
    say(f"{loader.display(path)}：有效（{len(made.units)} 个单位）")
    return []


@command
def schema() -> None:
    """输出计划文件的 JSON Schema（schemas/plan.schema.json 由它生成）。"""
    typer.echo(schema_text(), nl=False)
