"""The command line: the `reformctl` group, its global options, and the one place where
errors become messages and exit codes. Commands live in the modules of this package, one per
group of commands, and a command's module is imported only when that command runs (or when
help or completion asks for it): `status set` never loads the renderers, nor `list` the editor."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from typer._click import Context as click_Context

from reformctl import __version__
from reformctl.cli import chinese, opened, registry
from reformctl.cli.chinese import ClickException
from reformctl.errors import PlanInvalid, ReformctlError
from reformctl.plain import has_bad_bytes, line, visible

# The one list of commands: each name, in the order of a clerk's day (as help lists them), and
# where it is defined, "module:attribute" in this package: a function (a command) or a Typer app
# (a command with subcommands). Nothing is imported until a command is run, helped or completed.
COMMANDS = {
    "list": "read:list_",
    "show": "read:show",
    "status": "write:status_app",
    "due": "write:due_app",
    "assign": "write:assign",
    "log": "read:log",
    "undo": "write:undo",
    "summary": "read:summary",
    "report": "reports:report_",
    "remind": "reports:remind",
    "export": "reports:export",
    "form": "forms:form",
    "import": "forms:import_",
    "rollup": "reports:rollup_",
    "init": "write:init",
    "validate": "check:validate",
    "fetch": "units:fetch",
    "schema": "check:schema",
    "doc": "read:doc",
    "depts": "read:depts",
}


class Commands(registry.ChineseGroup):
    """The reformctl group: commands loaded on demand, and every error ending here as a clear
    message and an exit code, never a traceback; nothing typed by anybody reaches the terminal
    raw (see plain.visible)."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        return registry.built(name, getattr(importlib.import_module(f"reformctl.cli.{module}"), attribute))

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        bad = [n for n, arg in enumerate(argv, 1) if has_bad_bytes(arg)]
        if bad:
            shown = "、".join(line(argv[n - 1]) for n in bad)
            typer.echo(f"错误：命令行参数不是有效的 UTF-8 文字：{shown}；请检查终端的编码设置", err=True)
            sys.exit(2)
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, standalone_mode, windows_expand_args, **extra)
        try:
            code = super().main(argv, prog_name, complete_var, False, windows_expand_args, **extra)
        except ClickException as exc:  # click's own usage errors: in Chinese, echoing what was typed
            sys.stderr.write(visible(chinese.said(exc)))
            sys.exit(exc.exit_code)
        except (typer.Abort, KeyboardInterrupt):
            typer.echo("\n已中断", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click_Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReformctlError as exc:
            tell(exc)
            raise typer.Exit(exc.exit_code) from None
        except (ClickException, typer.Exit, typer.Abort, KeyboardInterrupt, BrokenPipeError):
            raise  # a closed pipe (`| head`) ends quietly, with 1, in Typer's own handler
        except Exception as exc:  # a bug: said plainly, with the way to see more
            if os.environ.get("REFORMCTL_DEBUG"):
                raise
            typer.echo(line(f"内部错误：{type(exc).__name__}: {exc}"), err=True)
            typer.echo("这是 reformctl 的缺陷，请报告；设置 REFORMCTL_DEBUG=1 可看到详细信息", err=True)
            raise typer.Exit(3) from None
        finally:
            cache = sys.modules.get("reformctl.cache")  # only a command that read a plan used it
            for message in cache.CACHE.notices if cache else []:
                typer.echo(line(message), err=True)


def tell(exc: ReformctlError) -> None:
    """The error, a line for each problem or detail: nobody's line break makes a line of its own."""
    if isinstance(exc, PlanInvalid):
        for problem in exc.problems:
            typer.echo(line(str(problem)), err=True)
    else:
        typer.echo(line(f"错误：{exc}"), err=True)
    for detail in exc.details:
        typer.echo(line(detail), err=True)


app = typer.Typer(
    cls=Commands,
    options_metavar=chinese.OPTIONS,
    subcommand_metavar=chinese.SUBCOMMAND,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"reformctl {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本号并退出")
    ] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="不用颜色（也可设环境变量 NO_COLOR）")] = False,
) -> None:
    """reformctl：在 git 中跟踪改革重点任务的落实情况。

    例：reformctl list --dept 学会部 ；reformctl status set 6.2 done --note 试点城市已签约
    """
    ctx.obj = opened.Settings(no_color=no_color)  # each command's context inherits it


def main() -> None:
    """The `reformctl` command."""
    app(prog_name="reformctl")
