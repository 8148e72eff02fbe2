"""The command line: parse options, call the core, pick the output, map errors to exit codes."""

import datetime as dt
import io
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from reformctl import __version__, completion, errors, loader, query
from reformctl.errors import PlanInvalid, ReformctlError, UsageError
from reformctl.models import LEVELS, STATUS_LABELS, Plan, schema_text
from reformctl.output import LIST_FORMATS, View, draw, fit, light_text, make_console, status_text, write_csv, write_json
from reformctl.plain import has_bad_bytes, one_line, visible

try:  # Typer 0.26 and later carry their own copy of click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover
    from click.exceptions import ClickException  # type: ignore[no-redef,import-not-found]


class Group(TyperGroup):
    """Every command's errors end here: a clear message and an exit code, never a traceback,
    and nothing typed by anybody reaches the terminal raw (see plain.visible)."""

    def main(
        self,
        args: Any = None,
        prog_name: Any = None,
        complete_var: Any = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:  # noqa: E501
        argv = list(sys.argv[1:] if args is None else args)
        bad = [n for n, arg in enumerate(argv, 1) if has_bad_bytes(arg)]
        if bad:
            shown = "、".join(f"{visible(argv[n - 1])!s}" for n in bad)
            typer.echo(f"错误：命令行参数不是有效的 UTF-8 文字：{shown}；请检查终端的编码设置", err=True)
            sys.exit(2)
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(argv, prog_name, complete_var, False, **extra)
        except ClickException as exc:  # click's own usage errors echo what was typed
            said = io.StringIO()
            exc.show(file=said)
            sys.stderr.write(visible(said.getvalue()))
            sys.exit(exc.exit_code)
        except (typer.Abort, KeyboardInterrupt):
            typer.echo("\n已中断", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: typer.Context) -> Any:
        errors.NOTICES.clear()
        try:
            return super().invoke(ctx)
        except ReformctlError as exc:
            tell(exc)
            raise typer.Exit(exc.exit_code) from None
        except (ClickException, typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug: said plainly, with the way to see more
            if os.environ.get("REFORMCTL_DEBUG"):
                raise
            typer.echo(visible(f"内部错误：{type(exc).__name__}: {exc}"), err=True)
            typer.echo("这是 reformctl 的缺陷，请报告；设置 REFORMCTL_DEBUG=1 可看到详细信息", err=True)
            raise typer.Exit(3) from None
        finally:
            for message in errors.NOTICES:
                typer.echo(visible(message), err=True)
            errors.NOTICES.clear()


def tell(exc: ReformctlError) -> None:
    if isinstance(exc, PlanInvalid):
        for problem in exc.problems:
            typer.echo(visible(str(problem)), err=True)
    else:
        typer.echo(visible(f"错误：{exc}"), err=True)


app = typer.Typer(
    cls=Group,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

STATUS_HELP = "状态：todo/doing/done/blocked 或 未启动/推进中/已完成/受阻"
NO_COLOR = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"reformctl {__version__}")
        raise typer.Exit()


@app.callback()
def options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本号并退出")
    ] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="不用颜色（也可设环境变量 NO_COLOR）")] = False,
) -> None:
    """reformctl：在 git 中跟踪改革重点任务的落实情况。

    例：reformctl list --dept 学会部 ；reformctl status set 6.2 done --note 试点城市已签约
    """
    global NO_COLOR
    NO_COLOR = no_color


def file_option(help: str) -> Any:
    """-f/--file (or $REFORMCTL_FILE): every command that reads a plan takes it."""
    return typer.Option("--file", "-f", envvar="REFORMCTL_FILE", show_default=False, help=help)


FileOption = Annotated[
    Path | None,
    file_option("计划文件；默认从当前文件夹向上查找 tasks-*.yaml 或 data/tasks-*.yaml，找不到时用内置计划。"),
]


def choice(name: str, choices: list[str], help: str) -> Any:
    """An option that takes one of a few words: completed by the shell, checked with a clear
    message (exit 2), and cheaper at start-up than an Enum per option."""

    def check(value: str | None) -> str | None:
        if value is not None and value not in choices:
            raise UsageError(f"{name} 只能是 {'、'.join(choices)} 之一，不是 '{value}'")
        return value

    return typer.Option(
        name,
        help=f"{help}：{' / '.join(choices)}",
        callback=check,
        autocompletion=lambda incomplete: [c for c in choices if c.startswith(incomplete)],
    )


def console() -> Console:
    return make_console(NO_COLOR)


class Opened:
    """A plan as a command reads it: the file, and the plan as it stood at the end of `day`."""

    __slots__ = ("path", "plan", "day")

    def __init__(self, file: Path | None, day: dt.date | None = None):
        self.path = loader.find_plan(file)
        self.day = day or dt.date.today()
        # Rewound even to today: a hand-written record dated in the future is not yet in force.
        self.plan = query.rewind(loader.load(self.path).plan, self.day)

    def label(self) -> str:
        """Which plan this is, for a heading: the file, and its unit when it has one."""
        bundled = self.path == loader.bundled_path()
        where = "内置计划" if bundled else loader.display(self.path)
        unit = self.plan.unit
        return f"{where}（{unit.name}）" if unit else where


def open_plan(file: Path | None, as_of: dt.date | None = None) -> Plan:
    """The plan as it stood at the end of as_of (default today; see query.rewind)."""
    return Opened(file, as_of).plan


def plan_as_of(file: Path | None, as_of: str | None) -> Opened:
    """The plan as of --as-of, and the day lights are judged on."""
    return Opened(file, parse_date(as_of, "--as-of"))


DATE_HELP = "日期如 2020-09-04、2020/9/4 或 2020年9月4日"
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help=f"按这一天结束时的情况（状态、期限、逾期与临期）；{DATE_HELP}；默认今天")
]
WarnOption = Annotated[int, typer.Option("--warn-days", min=0, help="期限前几天内算临期")]
BomOption = Annotated[bool, typer.Option("--bom/--no-bom", help="CSV 开头写 BOM，Excel 才能正确显示中文")]


def as_of_day(value: str | None) -> dt.date:
    return parse_date(value, "--as-of") or dt.date.today()


@app.command("list")
def list_(
    dept: Annotated[
        str | None, typer.Option("--dept", "-d", help="牵头部门，简称或全称", autocompletion=completion.departments)
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", "-s", help=STATUS_HELP, autocompletion=completion.statuses),
    ] = None,
    task: Annotated[
        str | None, typer.Option("--task", "-t", help="任务编号，如 6", autocompletion=completion.ids)
    ] = None,
    search: Annotated[str | None, typer.Option("--search", help="在内容与任务标题中查找")] = None,
    light: Annotated[str | None, choice("--light", list(query.LIGHTS), "red 逾期、yellow 临期、green 正常")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只看逾期事项（同 --light red）")] = False,
    fmt: Annotated[str, choice("--format", list(LIST_FORMATS), "输出格式")] = "table",
    as_of: AsOfOption = None,
    warn_days: WarnOption = query.WARN_DAYS,
    bom: BomOption = True,
    file: FileOption = None,
) -> None:
    """列出事项（每个编号事项一行，没有事项的任务一行）。

    例：reformctl list --dept 学会部 ；reformctl list --status 推进中 --format json ；reformctl list --overdue
    """
    opened = plan_as_of(file, as_of)
    plan, day = opened.plan, opened.day
    view = View(plan, day, console(), sys.stdout, warn_days, bom)
    rows = query.select(plan, dept=dept, status=status, task=task, search=search)
    wanted = "red" if overdue else light
    if wanted:
        rows = [row for row in rows if query.light(row, view.as_of, warn_days) == wanted]
    LIST_FORMATS[fmt](rows, view)


@app.command()
def show(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="任务或事项编号，如 6 或 6.2", autocompletion=completion.ids)
    ],
    as_of: AsOfOption = None,
    warn_days: WarnOption = query.WARN_DAYS,
    file: FileOption = None,
) -> None:
    """显示一项任务（含事项与进度）或一个事项的全文。

    例：reformctl show 6 ；reformctl show 6.2
    """
    opened = plan_as_of(file, as_of)
    plan, day = opened.plan, opened.day
    task, item = query.find(plan, ident)
    out = console()
    where = Text(f" · {one_line(opened.label())}", style="dim")
    if item is None:
        out.print(Text(f"任务 {task.id}  {one_line(task.title)}", style="bold").append_text(where))
        entries = [row for row in query.rows(plan) if row.task is task]
        if task.items is None:
            out.print(Text(one_line(task.text or "")))
            _show_entry(out, plan, entries[0], query.light(entries[0], day, warn_days))
            return
        done, total = query.progress(entries)
        out.print(Text(f"牵头部门：{one_line(query.depts_label(plan, [plan.dept_id(n) or n for n in task.lead]))}"))
        out.print(Text(f"进度：{done}/{total} 已完成（{done * 100 // total}%）"))
        own_lead = any(item.lead for item in task.items)
        with_due = any(row.due for row in entries)
        grid = Table(header_style="bold", expand=fit(out))
        grid.add_column("编号", no_wrap=True)
        grid.add_column("内容", ratio=1, overflow="fold")  # CJK has no spaces to wrap at
        if own_lead:
            grid.add_column("牵头部门", no_wrap=True)
        grid.add_column("状态", no_wrap=True)
        if with_due:
            grid.add_column("期限", no_wrap=True)
            grid.add_column("提示", no_wrap=True)
        for row in entries:
            cells: list[Text] = [Text(row.id), Text(one_line(row.text))]
            cells += [Text(one_line("、".join(row.lead(plan))))] if own_lead else []
            cells += [status_text(row.status)]
            if with_due:
                cells += [Text(row.due.isoformat() if row.due else ""), light_text(query.light(row, day, warn_days))]
            grid.add_row(*cells)
        out.print(grid)
        return
    out.print(Text(f"事项 {item.id}", style="bold").append_text(where))
    out.print(Text(f"所属任务：{task.id}  {one_line(task.title)}"))
    out.print(Text(one_line(item.text)))
    row = query.Row(item.id, task, item)
    _show_entry(out, plan, row, query.light(row, day, warn_days))


def _show_entry(out: Console, plan: Plan, row: query.Row, light: str | None) -> None:
    out.print(Text(f"牵头部门：{one_line(query.depts_label(plan, row.lead(plan)))}"))
    if row.participants(plan):
        out.print(Text(f"参与部门：{one_line(query.depts_label(plan, row.participants(plan)))}"))
    out.print(Text("状态：").append_text(status_text(row.status)))
    out.print(Text(f"期限：{row.due.isoformat() if row.due else '未设定'} ").append_text(light_text(light)))
    for entry in (query.Entry(row.id, record) for record in row.history):
        note = f"  {one_line(entry.record.note)}" if entry.record.note else ""
        out.print(Text(f"  {entry.date.isoformat()}  {entry.describe()}{note}"))


@app.command()
def doc(file: FileOption = None) -> None:
    """显示文件本身：文号、发文机关、日期、总体要求、基本原则、组织保障。"""
    plan = open_plan(file)
    d = plan.document
    out = console()
    out.print(Text(one_line(d.title), style="bold"))
    facts = [
        ("通知", d.notice),
        ("文号", d.number),
        ("发文机关", d.issuer),
        ("主送", d.recipients),
        ("成文日期", d.signed),
        ("印发日期", d.printed),
        ("发布日期", d.published),
        ("抄送", d.cc),
        ("附件", d.attachment),
    ]
    for label, value in facts:
        if value:
            out.print(Text(f"{label}：{one_line(str(value))}"))
    for heading, text in (("", d.body), ("", plan.preamble), ("总体要求", plan.requirements)):
        if text:
            if heading:
                out.print(Text(f"\n{heading}", style="bold"))
            out.print(Text(one_line(text)))
    for heading, sections in (("基本原则", plan.principles), ("组织保障", plan.safeguards)):
        if sections:
            out.print(Text(f"\n{heading}", style="bold"))
            for section in sections:
                out.print(Text(one_line(f"{section.id}. {section.title}。{section.text}")))
    out.print(Text("\n重点任务", style="bold"))
    for task in plan.tasks:
        lead = "、".join(plan.dept_id(n) or n for n in task.lead)
        out.print(Text(one_line(f"{task.id}. {task.title}（牵头部门：{lead}）")))
    if plan.tasks_note:
        out.print(Text(one_line(plan.tasks_note)))


@app.command()
def depts(file: FileOption = None) -> None:
    """列出各部门牵头的任务、事项及完成情况。"""
    plan = open_plan(file)
    rows = query.rows(plan)
    grid = Table(header_style="bold")
    for header in ("简称", "全称", "牵头任务", "事项", "已完成"):
        grid.add_column(header)
    for dept in plan.departments:
        led = [row for row in rows if dept.id in row.lead(plan)]
        tasks = list(dict.fromkeys(row.task.id for row in led))
        done, total = query.progress(led)
        cells = (dept.id, dept.name, "、".join(tasks), str(total), f"{done}/{total}")
        grid.add_row(*(Text(one_line(cell)) for cell in cells))
    console().print(grid)


@app.command()
def validate(
    files: Annotated[list[Path] | None, typer.Argument(metavar="[FILE]...", help="要检查的计划文件")] = None,
    file: FileOption = None,
) -> None:
    """检查计划文件：有效则退出码 0，否则列出每个问题的 文件:行:列 并退出 1。

    例：reformctl validate ；reformctl validate data/tasks-2020.yaml
    """
    from reformctl.checks import Checker

    checker, problems = Checker(), []
    for path in files or [loader.find_plan(file)]:
        found = checker.check(path)
        problems += found
        plan = checker.plan(path)
        if plan is not None and not found:
            tracked = len(query.rows(plan))
            typer.echo(f"{loader.display(path)}：有效（{len(plan.tasks)} 项任务，{tracked} 个跟踪事项）")
    if problems:
        raise PlanInvalid(problems)


@app.command()
def schema() -> None:
    """输出计划文件的 JSON Schema（schemas/plan.schema.json 由它生成）。"""
    typer.echo(schema_text(), nl=False)


status_app = typer.Typer(help="记录事项的进展状态。", no_args_is_help=True)
app.add_typer(status_app, name="status")
IdArgument = Annotated[
    str,
    typer.Argument(
        metavar="ID", help="事项编号（或没有事项的任务编号），如 6.2", autocompletion=completion.tracked_ids
    ),
]
CommitOption = Annotated[bool, typer.Option("--commit", help="在 git 仓库中只提交这个文件，提交说明写明改动")]


def parse_date(value: str | None, option: str) -> dt.date | None:
    try:
        return None if value is None else query.typed_date(value)
    except ValueError as exc:
        raise UsageError(f"{option}：{exc}") from None


def period(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    start, end = parse_date(since, "--since"), parse_date(until, "--until")
    if start and end and start > end:
        raise UsageError(f"--since {start} 晚于 --until {end}：请对调两个日期")
    return start, end


@status_app.command("set")
def status_set(
    ident: IdArgument,
    status: Annotated[str, typer.Argument(metavar="STATUS", help=STATUS_HELP, autocompletion=completion.statuses)],
    note: Annotated[str | None, typer.Option("--note", "-n", help="进展说明")] = None,
    date: Annotated[str | None, typer.Option("--date", help=f"记录日期，{DATE_HELP}；默认今天")] = None,
    commit: CommitOption = False,
    file: FileOption = None,
) -> None:
    """设置一个事项的状态，并在它的 history 中追加一条记录；状态不变而有说明，则记一条进展。

    例：reformctl status set 6.2 done --note 试点城市已签约 ；reformctl status set 10.3 已完成
    """
    from reformctl import edit

    path = loader.find_plan(file)
    key = query.status_name(status)
    when = parse_date(date, "--date") or dt.date.today()
    change = edit.set_status(path, ident, key, when, note, commit)
    if change is None:
        typer.echo(visible(f"{loader.display(path)} 中 {query.typed(ident)} 已是{STATUS_LABELS[key]}，未作修改"))
    else:
        typer.echo(visible(change.summary()))


due_app = typer.Typer(help="设置事项的完成期限。", no_args_is_help=True)
app.add_typer(due_app, name="due")


@due_app.command("set")
def due_set(
    ident: IdArgument,
    due: Annotated[str, typer.Argument(metavar="DATE", help=f"完成期限，{DATE_HELP}")],
    note: Annotated[str | None, typer.Option("--note", "-n", help="设定或调整期限的原因")] = None,
    date: Annotated[str | None, typer.Option("--date", help=f"记录日期，{DATE_HELP}；默认今天")] = None,
    commit: CommitOption = False,
    file: FileOption = None,
) -> None:
    """设置一个事项的完成期限，并在 history 中记下原期限（首次设定为空）、新期限和原因。

    例：reformctl due set 6.2 2020-12-31 ；reformctl due set 6.2 2021-03-31 --note 试点城市调整
    """
    from reformctl import edit

    path = loader.find_plan(file)
    day = parse_date(due, "期限")
    assert day is not None
    when = parse_date(date, "--date") or dt.date.today()
    change = edit.set_due(path, ident, day, when, note, commit)
    same = f"{loader.display(path)} 中 {query.typed(ident)} 的期限已是 {day}，未作修改"
    typer.echo(visible(same if change is None else change.summary()))


@app.command()
def undo(ident: IdArgument, commit: CommitOption = False, file: FileOption = None) -> None:
    """撤销一个事项的最后一条进展记录，恢复之前的状态（或期限）。

    例：reformctl undo 6.2
    """
    from reformctl import edit

    path = loader.find_plan(file)
    typer.echo(visible(edit.undo(path, ident, commit).summary()))


OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="写入文件（- 为屏幕）；默认输出到屏幕")]


@app.command()
def log(
    ident: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="任务或事项编号；不填则为全部", autocompletion=completion.ids)
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help=f"只看这一天（含）以后的记录；{DATE_HELP}")] = None,
    until: Annotated[str | None, typer.Option("--until", help="只看这一天（含）以前的记录")] = None,
    fmt: Annotated[str, choice("--format", ["table", "json"], "输出格式")] = "table",
    file: FileOption = None,
) -> None:
    """列出进展记录，最新的在前。

    例：reformctl log 6.2 ；reformctl log --since 2020-09-01
    """
    start, end = period(since, until)
    plan = loader.load(loader.find_plan(file)).plan  # every record, a future-dated one too
    records = query.history(plan, ident, start, end)
    if fmt == "json":
        write_json(sys.stdout, (entry.as_json() for entry in records))
        return
    grid = Table(header_style="bold")
    for header in ("日期", "编号", "变化", "说明"):
        grid.add_column(header, overflow="fold")
    for entry in records:
        cells = (entry.date.isoformat(), entry.id, entry.describe(), entry.record.note or "")
        grid.add_row(*(Text(one_line(cell)) for cell in cells))
    out = console()
    out.print(grid)
    out.print(Text(f"共 {len(records)} 条记录", style="dim"))


@app.command()
def init(
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的文件")] = False,
    unit: Annotated[str | None, typer.Option("--unit", help="单位全称：由上级计划派生本单位的计划")] = None,
    level: Annotated[str | None, choice("--level", list(LEVELS), "单位级别")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="单位计划写到哪里")] = None,
    parent: Annotated[Path | None, typer.Option("--parent", help="上级计划（同 -f）；默认为当前目录找到的计划")] = None,
    file: Annotated[Path | None, file_option("要复制的计划；有 --unit 时为上级计划")] = None,
) -> None:
    """在当前目录创建内置计划（或 -f 给出的计划）的可写副本及其 schema；或用 --unit 由上级计划派生单位计划。

    例：reformctl init ；reformctl init --unit 浙江省科协 --level 省级 -o plans/zhejiang/tasks-2020.yaml
    """
    from reformctl import files

    if unit is None:
        if level or output or parent:
            raise UsageError("--level、-o 和 --parent 用于派生单位计划，请同时给出 --unit")
        copied = file or loader.bundled_path()
        name = copied.name if copied.match("tasks-*.yaml") else "tasks-2020.yaml"
        loader.load(copied)  # a copy of a plan that validates
        targets = {
            Path("data") / name: files.read_bytes(copied),
            Path("schemas") / "plan.schema.json": schema_text().encode("utf-8"),
        }
    else:
        from reformctl import rollup

        if level is None:
            raise UsageError(f"请用 --level 写明单位级别：{'、'.join(LEVELS)}")
        if not unit.strip():
            raise UsageError("--unit 不能为空：请写单位全称，如 浙江省科协")
        if one_line(unit) != unit:
            raise UsageError(f"--unit {one_line(unit)!r} 含有换行、制表符或其他控制字符：请只写单位全称")
        above = parent or loader.find_plan(file)
        out = output or Path("data") / "tasks-2020.yaml"
        if out.resolve() == above.resolve():
            raise UsageError(f"单位计划不能写在上级计划 {loader.display(above)} 上：请用 -o 指定另一个文件")
        text = rollup.derive(loader.load(above).plan, above, out, unit.strip(), level)
        targets = {out: text.encode("utf-8")}
    existing = [str(path) for path in targets if path.exists()]
    if existing and not force:
        raise ReformctlError(f"{'、'.join(existing)} 已存在，未覆盖；确要覆盖请加 --force")
    for path, data in targets.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ReformctlError(f"{path}: 无法创建文件夹：{files.reason(exc)}") from None
        files.write_atomic(path, data, str(path))
        typer.echo(f"已写入 {path}")


@app.command("rollup")
def rollup_(
    paths: Annotated[list[Path] | None, typer.Argument(metavar="[PATH]...", help="单位计划文件或文件夹")] = None,
    item: Annotated[str | None, typer.Option("--item", help="只看顶层计划的这个事项，如 6.2")] = None,
    level: Annotated[str | None, choice("--level", list(LEVELS), "只看这一级的单位")] = None,
    fmt: Annotated[str, choice("--format", ["table", "json", "md", "html"], "输出格式")] = "table",
    output: OutputOption = None,
    as_of: AsOfOption = None,
    warn_days: WarnOption = query.WARN_DAYS,
    file: Annotated[Path | None, file_option("汇总到这个计划；默认为各单位共同的顶层计划")] = None,
) -> None:
    """汇总各单位计划：顶层计划（或 -f 给出的计划）的每个事项，各单位落实到了哪一步。

    例：reformctl rollup plans/ ；reformctl rollup plans/ --item 6.2 ；reformctl rollup --format html -o 汇总.html
    """
    from reformctl import rollup

    day = as_of_day(as_of)
    result, problems = rollup.rollup(paths or [Path("plans")], day, warn_days, level, file)
    for problem in problems:
        typer.echo(visible(str(problem)), err=True)
    if problems:
        typer.echo(f"以上 {len(problems)} 个问题所在的计划未计入汇总", err=True)
    if item is not None:
        wanted = query.find(result.top, item)
        ident = (wanted[1] or wanted[0]).id
        result.items = [(i, t) for i, t in result.items if i == ident]
    if fmt == "json":
        buffer = io.StringIO()
        write_json(buffer, result.as_json())
        emit(buffer.getvalue(), output, result.top_path)
    elif fmt in ("md", "html"):
        emit(rollup.html_page(result, day) if fmt == "html" else rollup.markdown(result, day), output, result.top_path)
    else:
        _rollup_table(result, item is not None)
    if problems:
        raise typer.Exit(1)


def _rollup_table(result: Any, per_unit: bool) -> None:
    from reformctl import rollup

    out = console()
    out.print(Text(one_line(f"{result.top.document.title} · {len(result.units)} 个单位"), style="bold"))
    labels = list(rollup.LABELS.values())
    body = [
        [(ident, None), (text, None), *((str(n), None) for n in result.counts(ident).values())]
        + [(str(len(result.overdue[ident])), "bold red" if result.overdue[ident] else None)]
        for ident, text in result.items
    ]
    draw(out, ["编号", "事项", *labels, "逾期单位"], body, flex=1)
    if per_unit:
        ident = result.items[0][0]
        rows = [
            [(name, None), (level, None), (rollup.LABELS[result.status[ident][name]], None)]
            for name, level, _ in result.units
        ]
        draw(out, ["单位", "级别", f"{ident} 的落实情况"], rows, flex=None)
    else:
        rows = [
            [(name, None), (level, None), ("{}/{}".format(*result.completion(name)), None)]
            for name, level, _ in result.units
        ]
        draw(out, ["单位", "级别", "已完成事项"], rows, flex=None)


@app.command()
def summary(
    by: Annotated[str, choice("--by", ["task", "dept"], "按任务或按部门汇总")] = "task",
    fmt: Annotated[str, choice("--format", ["table", "json"], "输出格式")] = "table",
    as_of: AsOfOption = None,
    warn_days: WarnOption = query.WARN_DAYS,
    file: FileOption = None,
) -> None:
    """一屏看全局：总体完成率、各任务（或部门）进度条、各状态与提示的数量、逾期事项。

    例：reformctl summary ；reformctl summary --by dept --as-of 2020-12-31
    """
    from reformctl import report

    opened = plan_as_of(file, as_of)
    plan, day = opened.plan, opened.day
    result = report.summarize(plan, query.rows(plan), day, warn_days, by)
    if fmt == "json":
        data = {
            "as_of": day.isoformat(),
            "file": loader.display(opened.path),
            "unit": plan.unit.name if plan.unit else None,
            "done": result.done,
            "total": result.total,
            "by_status": result.by_status,
            "by_light": result.by_light,
            "groups": [{"id": g.key, "name": g.label, "done": g.done, "total": g.total} for g in result.groups],
            "overdue": [row.id for row in result.overdue],
            "close": [row.id for row in result.close],
        }
        import json

        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    out = console()
    heading = f"{plan.document.title} · 截至 {day.isoformat()} · {opened.label()}"
    out.print(Text(one_line(heading), style="bold"))
    out.print(Text(f"总体进度 {report.bar(result.percent)} {result.done}/{result.total} 已完成（{result.percent}%）"))
    out.print(Text(f"状态：{report.counts(result.by_status, STATUS_LABELS)}"))
    out.print(Text(f"未完成事项的期限：{report.counts(result.by_light, report.LIGHT_AND_NONE)}"))
    grid = Table(header_style="bold", expand=fit(out))
    grid.add_column("部门" if by == "dept" else "任务", no_wrap=True)
    grid.add_column("名称" if by == "dept" else "标题", ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column("进度", no_wrap=True)
    grid.add_column("完成", no_wrap=True, justify="right")
    for g in result.groups:
        grid.add_row(
            Text(one_line(g.key)),
            Text(one_line(g.label)),
            Text(report.bar(g.percent, 16), style="green"),
            Text(f"{g.done}/{g.total} {g.percent:>3}%"),
        )
    out.print(grid)
    for heading, style, named in (("逾期事项：", "bold red", result.overdue), ("临期事项：", "yellow", result.close)):
        if named:
            out.print(Text(heading, style=style))
        for row in named:
            due = f"期限 {row.due}，{report.hint(row, day)}"
            line = f"  {row.id}（{'、'.join(row.lead(plan))}）{due}：{row.text}"
            out.print(Text(one_line(line)), no_wrap=True, overflow="ellipsis")


@app.command("report")
def report_(
    since: Annotated[str | None, typer.Option("--since", help="区间起点（含），默认截止日前 6 天，即一周")] = None,
    until: Annotated[
        str | None, typer.Option("--until", "--as-of", help="区间终点（含），也是判断逾期的日子；默认今天")
    ] = None,
    dept: Annotated[
        str | None, typer.Option("--dept", "-d", help="只看这个部门牵头的事项", autocompletion=completion.departments)
    ] = None,
    fmt: Annotated[str, choice("--format", ["md", "html"], "输出格式")] = "md",
    output: OutputOption = None,
    warn_days: WarnOption = query.WARN_DAYS,
    file: FileOption = None,
) -> None:
    """生成一个时段的进展报告：总体数字、本期进展（按部门）、逾期与临期、本期完成、各任务进度。

    例：reformctl report --since 2020-09-01 --until 2020-09-30 ；reformctl report --format html -o 周报.html
    """
    from reformctl import report

    start, end = period(since, until)
    end = end or dt.date.today()
    if start is None:
        start = end - dt.timedelta(days=6) if end > dt.date.min + dt.timedelta(days=6) else dt.date.min
    if start > end:
        raise UsageError(f"--since {start} 晚于 --until {end}：请对调两个日期")
    opened = Opened(file, end)
    plan = opened.plan
    built = report.period_report(plan, start, end, dept and query.dept_name(plan, dept), warn_days, opened.label())
    text = report.html_page(built) if fmt == "html" else report.markdown(built)
    emit(text, output, opened.path)


@app.command()
def export(
    fmt: Annotated[str, choice("--format", ["csv", "xlsx", "json"], "输出格式")] = "csv",
    output: OutputOption = None,
    as_of: AsOfOption = None,
    warn_days: WarnOption = query.WARN_DAYS,
    bom: BomOption = True,
    file: FileOption = None,
) -> None:
    """导出台账：每个事项一行，含任务、内容、牵头与参与部门、状态、期限、提示、最新进展。

    例：reformctl export -o 台账.csv ；reformctl export --format xlsx -o 台账.xlsx
    """
    from reformctl import report

    opened = plan_as_of(file, as_of)
    plan, day = opened.plan, opened.day
    records = report.ledger(plan, day, warn_days)
    headers = list(report.LEDGER.values())
    typer.echo(visible(f"台账来自 {opened.label()}，截至 {day}"), err=True)
    if fmt == "json":
        buffer = io.StringIO()
        write_json(buffer, records)
        emit(buffer.getvalue(), output, opened.path)
    elif fmt == "xlsx":
        if output is None or str(output) == "-" and sys.stdout.isatty():
            raise UsageError("xlsx 是二进制文件，请用 -o 指定文件名，如 -o 台账.xlsx")
        workbook = report.xlsx(headers, [report.ledger_cells(r) for r in records])
        emit(workbook, output, opened.path)
    else:
        buffer = io.StringIO()
        write_csv(buffer, headers, [report.ledger_cells(r) for r in records], bom)
        emit(buffer.getvalue(), output, opened.path)


def emit(content: str | bytes, output: Path | None, plan: Path | None = None) -> None:
    """To the screen (no -o, or -o -), or to a file without destroying what it lands on (see
    files.write_output): never over the plan, never half-written, one clear line on failure."""
    from reformctl import files

    if output is None or str(output) == "-":
        if isinstance(content, str):
            sys.stdout.write(content)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
        return
    data = content.encode("utf-8") if isinstance(content, str) else content
    written = files.write_output(output, data, [plan] if plan else [])
    typer.echo(visible(f"已写入 {written}"), err=True)


def main() -> None:
    """The `reformctl` command. Typer builds the parameters of every command on each start;
    a clerk's command needs only its own, so the others are left out of this process (all of
    them stay for help, completion and anything unrecognised)."""
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    wanted = [c for c in app.registered_commands if (c.name or c.callback.__name__) == name]  # type: ignore[union-attr]
    groups = [g for g in app.registered_groups if g.name == name]
    completing = any(key.startswith("_REFORMCTL_COMPLETE") for key in os.environ)
    if (wanted or groups) and not completing:
        app.registered_commands, app.registered_groups = wanted, groups
    app(prog_name="reformctl")
