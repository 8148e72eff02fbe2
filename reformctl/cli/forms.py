"""Commands for the people around the office: form (a fill-in workbook per department) and
import (a returned one, recorded)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from reformctl import inputs, loader
from reformctl.cli.opened import Opened, view_of
from reformctl.cli.options import AsOfOption, CommitOption, DeptOption, FileOption
from reformctl.cli.output import emit, say
from reformctl.cli.registry import command
from reformctl.render import render


@command
def form(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="填报表写到哪里，如 -o 学会部.xlsx")],
    dept: DeptOption = None,
    as_of: AsOfOption = None,
    file: FileOption = None,
) -> None:
    """生成进展填报表（xlsx）：一个部门一页，列出它牵头（和参与）的事项，留出新状态、进展日期、说明、新期限等待填。

    例：reformctl form --dept 学会部 -o 学会部.xlsx ；reformctl form -o 各部门填报表.xlsx
    """
    from reformctl import files, forms
    from reformctl.render.xlsx import Form

    opened = Opened.as_of(ctx, file, as_of)
    plan = opened.plan
    depts = [inputs.dept_name(plan, dept)] if dept else [d.id for d in plan.departments]
    sheets = [(d, forms.lines_for(plan, d)) for d in depts]
    sheets = [(d, lines) for d, lines in sheets if lines] or sheets
    raw = files.read_bytes(opened.path)
    identity = forms.identity(plan, raw, loader.display(opened.path), dt.date.today())
    emit(render("form", "xlsx", opened.view(), Form(identity, sheets)), output, opened.path)


@command
def import_(
    ctx: typer.Context,
    form: Annotated[Path, typer.Argument(metavar="FORM.xlsx", help="填回的填报表")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出将要记录的内容，不写文件")] = False,
    force: Annotated[bool, typer.Option("--force", help="填报表生成后事项已有新记录（冲突）时仍照录")] = False,
    commit: CommitOption = False,
    file: FileOption = None,
) -> None:
    """导入填回的填报表：每个填写的行记一条进展（或期限），注明填报部门；有任何问题则一条也不写。

    例：reformctl import 学会部.xlsx --dry-run ；reformctl import 学会部.xlsx --commit
    """
    from reformctl import intake

    path = loader.find_plan(file)
    name = loader.display(form)
    plan, outcome = intake.checked(path, form, dt.date.today(), force)
    view = view_of(ctx, plan)  # the plan just read: no second load
    if not dry_run:
        intake.record(path, outcome, commit, name)
    render("import", "table", view, outcome)
    if dry_run:
        say(f"将记录 {len(outcome.planned)} 条（--dry-run，未写入）")
    elif outcome.changes:
        say(f"已记录 {len(outcome.changes)} 条；写入 {loader.display(path)}")
        for notice in dict.fromkeys(n for change in outcome.changes for n in change.notices):
            say(notice, err=True)
    else:
        say(f"没有新的记录，{loader.display(path)} 未修改")
