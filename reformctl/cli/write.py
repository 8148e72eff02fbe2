"""Commands that write: status set, due set, undo (one record each, through rewrite.rewrite),
and init (a copy of a plan, or a unit plan derived from its parent)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer

from reformctl import files, inputs, loader
from reformctl.cli.opened import view_of
from reformctl.cli.options import DATE_HELP, CommitOption, FileOption, IdArgument, StatusArgument, choice, file_option
from reformctl.cli.output import say, told
from reformctl.cli.registry import ChineseCommand, command, group
from reformctl.errors import ReformctlError, UsageError
from reformctl.models import LEVELS, STATUS_LABELS
from reformctl.plain import one_line
from reformctl.render import render
from reformctl.schema import schema_text

status_app = group("记录事项的进展状态。")
due_app = group("设置事项的完成期限。")

DateOption = Annotated[str | None, typer.Option("--date", help=f"记录日期，{DATE_HELP}；默认今天")]


@status_app.command("set", cls=ChineseCommand)
def status_set(
    ident: IdArgument,
    status: StatusArgument,
    note: Annotated[str | None, typer.Option("--note", "-n", help="进展说明")] = None,
    link: Annotated[
        list[str] | None,
        typer.Option("--link", help="证明材料：http/https 网址，或仓库中的文件（相对于当前文件夹），可多次给出"),
    ] = None,
    date: DateOption = None,
    commit: CommitOption = False,
    file: FileOption = None,
) -> None:
    """设置一个事项的状态，并在它的历史记录（history）中追加一条记录；状态不变而有说明，则记一条进展。

    例：reformctl status set 6.2 done --note 试点城市已签约 --link docs/签约.pdf ；reformctl status set 10.3 已完成
    """
    from reformctl import edit
    from reformctl.checks import evidence_problem, repository, typed_link

    path = loader.find_plan(file)
    key = inputs.status_name(status)
    when = inputs.option_date(date, "--date") or dt.date.today()
    root, links = repository(path), []
    for given in link or []:  # a file as named from here, stored from the repository's top
        stored = typed_link(given, root)
        if stored is None:
            raise UsageError(f"证明材料 {given!r}：不在本仓库（{root}）中，请写仓库中的相对路径（相对于当前文件夹）")
        if (wrong := evidence_problem(stored, root)) is not None:
            raise UsageError(wrong)
        links.append(stored)
    change = edit.set_status(path, ident, key, when, note, commit, links=links or None)
    if change is None:
        say(f"{loader.display(path)} 中 {inputs.typed(ident)} 已是{STATUS_LABELS[key]}，未作修改")
    else:
        told(change)


@due_app.command("set", cls=ChineseCommand)
def due_set(
    ident: IdArgument,
    due: Annotated[str, typer.Argument(metavar="DATE", help=f"完成期限，{DATE_HELP}")],
    note: Annotated[str | None, typer.Option("--note", "-n", help="设定或调整期限的原因")] = None,
    date: DateOption = None,
    commit: CommitOption = False,
    file: FileOption = None,
) -> None:
    """设置一个事项的完成期限，并在 history 中记下原期限（首次设定为空）、新期限和原因。

    例：reformctl due set 6.2 2020-12-31 ；reformctl due set 6.2 2021-03-31 --note 试点城市调整
    """
    from reformctl import edit

    path = loader.find_plan(file)
    day = inputs.option_date(due, "期限")
    assert day is not None
    when = inputs.option_date(date, "--date") or dt.date.today()
    change = edit.set_due(path, ident, day, when, note, commit)
    same = f"{loader.display(path)} 中 {inputs.typed(ident)} 的期限已是 {day}，未作修改"
    say(same) if change is None else told(change)


@command
def undo(ident: IdArgument, commit: CommitOption = False, file: FileOption = None) -> None:
    """撤销一个事项的最后一条进展记录，恢复之前的状态（或期限）。

    例：reformctl undo 6.2
    """
    from reformctl import edit

    told(edit.undo(loader.find_plan(file), ident, commit))


@command
def init(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的文件")] = False,
    unit: Annotated[str | None, typer.Option("--unit", help="单位全称：由上级计划派生本单位的计划")] = None,
    level: Annotated[str | None, choice("--level", list(LEVELS), "单位级别")] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="写到哪里：文件，或以 / 结尾的文件夹；--from 时 - 为屏幕")
    ] = None,
    parent: Annotated[
        Path | None,
        typer.Option(
            "--parent", help="上级计划（同 -f），默认为当前目录找到的；在别的仓库中时复制到新计划旁的 parent/"
        ),
    ] = None,
    file: Annotated[Path | None, file_option("要复制的计划；有 --unit 时为上级计划")] = None,
    notice: Annotated[
        Path | None, typer.Option("--from", help="由通知生成新计划：.docx、.txt（UTF-8 或 GB18030）或 .md")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示生成的计划，不写文件（用于 --from）")] = False,
) -> None:
    """创建计划：内置计划（或 -f 的计划）的副本及 schema；--unit 派生单位计划；--from 由通知原文生成新计划。

    例：reformctl init ；reformctl init --from 通知.docx ；reformctl init --unit 浙江省科协 --level 省级
    """
    copied: tuple[Path, Path] | None = None  # a unit plan's parent and its copy in the unit's repository
    if notice is not None:
        if unit or level or parent or file:
            raise UsageError("--from 由通知生成计划，不能同时用 --unit、--level、--parent 或 -f")
        to_screen = dry_run or output == "-"
        targets = _from_notice(ctx, notice, None if to_screen else output, "table" if dry_run else "-" * to_screen)
        if to_screen:
            return
    elif dry_run:
        raise UsageError("--dry-run 用于 --from：只显示由通知生成的计划")
    elif unit is None:
        if level or output or parent:
            raise UsageError("--level、-o 和 --parent 用于派生单位计划，请同时给出 --unit")
        targets = _copies(file or loader.bundled_path())
    else:
        above = parent or loader.find_plan(file)
        targets, copy = _unit_plan(unit, level, output, above)
        copied = None if copy is None else (above, copy)
    _write(targets, force)
    if copied is not None:
        said = f"已复制上级计划 {loader.display(copied[0])} 到 {copied[1]}"
        say(f"{said}：本单位仓库中 validate 据此核对 implements；汇总时以上级仓库的现行计划为准")


def _write(targets: dict[Path, bytes], force: bool) -> None:
    """Every file init writes, each said; none when one exists and --force is not given."""
    existing = [str(path) for path in targets if path.exists()]
    if existing and not force:
        raise ReformctlError(f"{'、'.join(existing)} 已存在，未覆盖；确要覆盖请加 --force")
    for path, data in targets.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ReformctlError(f"{path}: 无法创建文件夹：{files.reason(exc)}") from None
        files.write(path, data, str(path))
        say(f"已写入 {path}")


def _copies(copied: Path) -> dict[Path, bytes]:
    """A plan that validates, and the schema, as the files init writes."""
    name = copied.name if copied.match("tasks-*.yaml") else "tasks-2020.yaml"
    loader.load(copied)
    return {
        Path("data") / name: files.read_bytes(copied),
        Path("schemas") / "plan.schema.json": schema_text().encode("utf-8"),
    }


def _unit_plan(unit: str, level: str | None, output: str | None, above: Path) -> tuple[dict[Path, bytes], Path | None]:
    """The unit plan's file; when its parent lies outside the repository the plan goes into,
    also a copy of the parent (returned as the second value) and the schema, so that validate
    and the hook work there offline."""
    from reformctl import derive
    from reformctl.checks import inside, repository

    if level is None:
        raise UsageError(f"请用 --level 写明单位级别：{'、'.join(LEVELS)}")
    if not unit.strip():
        raise UsageError("--unit 不能为空：请写单位全称，如 浙江省科协")
    if one_line(unit) != unit:
        raise UsageError(f"--unit {one_line(unit)!r} 含有换行、制表符或其他控制字符：请只写单位全称")
    out = derive.output_path(output, "tasks-2020.yaml")
    if out.resolve() == above.resolve():
        raise UsageError(f"单位计划不能写在上级计划 {loader.display(above)} 上：请用 -o 指定另一个文件")
    parent = loader.load(above)
    root = repository(out)
    if inside(above, root):
        text = derive.derive(parent, above, out, unit.strip(), level, derive.schema_of(above.resolve()))
        return {out: text.encode("utf-8")}, None
    # The copy's own modeline names a schema in the parent's repository; the unit plan's names
    # the one init writes in this repository (the model's, the same for every plan).
    copy, schema = out.parent / "parent" / above.name, root / derive.SCHEMA
    text = derive.derive(parent, copy, out, unit.strip(), level, schema)
    targets = {copy: files.read_bytes(above), **_ancestors(above, copy, out), out: text.encode("utf-8")}
    if not schema.exists():
        targets[Path(files.display(schema))] = schema_text().encode("utf-8")
    return targets, copy


def _ancestors(above: Path, copy: Path, out: Path) -> dict[Path, bytes]:
    """The copied parent's own parents (a chain), each copied where its child's unchanged
    `parent:` line points from the copy, so that every copy validates here as it does in the
    parent's repository. It stops where that repository's own check would: a parent outside it,
    missing or invalid; and where the place is outside this repository or already taken."""
    from reformctl.checks import inside, parent_path, repository

    theirs, ours = repository(above), repository(out)
    found: dict[Path, bytes] = {}
    taken = {out.resolve(), copy.resolve()}  # already written: a loop stops
    for _ in range(16):  # the depth the checker allows
        plan = loader.load(above)
        up = parent_path(above, plan)
        if up is None or plan.unit is None or plan.unit.parent is None or not inside(up, theirs):
            break
        there = Path(os.path.normpath(copy.parent / plan.unit.parent))
        if not up.is_file() or not inside(there, ours) or there.resolve() in taken:
            break
        try:
            loader.load(up)
        except ReformctlError:
            break
        found[there] = files.read_bytes(up)
        taken.add(there.resolve())
        above, copy = up, there
    return found


def _from_notice(ctx: typer.Context, path: Path, output: str | None, shown: str) -> dict[Path, bytes]:
    """A new plan from a notice: its file (and the schema its modeline names, if not there yet).
    Shown instead of written: as a table of what was read (--dry-run, shown "table"), or as the
    plan itself (-o -, shown "-"). The summary and warnings come after the table, on stderr."""
    from reformctl import derive

    made = derive.from_notice_file(path, output)
    if shown == "table":
        render("init", "table", view_of(ctx, None), made.found)
    elif shown == "-":
        typer.echo(made.text, nl=False)
    said = bool(shown)  # the summary goes to stderr when stdout carries what was read
    say(f"{made.tasks} 项任务，{made.items} 个事项，{made.departments} 个部门", err=said)
    for warning in made.warnings:
        say(f"注意：{warning}", err=said)
    if shown:
        return {}
    targets = {made.out: made.text.encode("utf-8")}
    if not derive.SCHEMA.exists():
        targets[derive.SCHEMA] = schema_text().encode("utf-8")
    return targets


@command
def assign(
    ident: IdArgument,
    owner: Annotated[str | None, typer.Option("--owner", help="责任人姓名")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="责任人的电话或电子邮箱")] = None,
    participants: Annotated[
        str | None, typer.Option("--participants", help="参与部门，用逗号或顿号分隔，如 科普部,学会部")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="说明")] = None,
    date: DateOption = None,
    commit: CommitOption = False,
    file: FileOption = None,
) -> None:
    """指定事项的责任人、联系方式或参与部门，并在 history 中记一条（log、--as-of 和 undo 都认得它）。

    例：reformctl assign 6.2 --owner 王小明 --contact 010-12345678 ；reformctl assign 6.2 --participants 科普部
    """
    import re

    from reformctl import edit
    from reformctl.models import CONTACT

    if owner is None and contact is None and participants is None:
        raise UsageError("请至少给出 --owner、--contact 或 --participants 之一")
    if contact is not None and not CONTACT.fullmatch(contact.strip()):
        raise UsageError(f"--contact {contact!r} 应为电话号码或电子邮箱")
    path = loader.find_plan(file)
    plan = loader.load(path)
    depts = None
    if participants is not None:
        depts = [inputs.dept_name(plan, name) for name in re.split("[,，、 ]+", participants.strip()) if name]
    wanted = {"owner": owner and owner.strip(), "contact": contact and contact.strip(), "participants": depts}
    when = inputs.option_date(date, "--date") or dt.date.today()
    change = edit.assign(path, ident, wanted, when, note, commit)
    if change is None:
        say(f"{loader.display(path)} 中 {inputs.typed(ident)} 已是如此，未作修改")
    else:
        told(change)
