"""How a command is defined and built: click's command and group classes, with help and usage
errors in Chinese (cli.chinese), the `command` mark, and `built`, which makes the click command
for a name of cli.COMMANDS only when that command is asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from reformctl.cli import chinese


class ChineseCommand(TyperCommand):
    """A command whose help is in Chinese and wrapped at the screen, and whose usage errors carry
    what cli.chinese needs to say them in Chinese."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        formatter.write(chinese.help_text(self, ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return chinese.parsed(super().parse_args, ctx, args)


class ChineseGroup(TyperGroup):
    """A group of commands (`status set`, and reformctl itself), its help and errors as ChineseCommand's."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        formatter.write(chinese.help_text(self, ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return chinese.parsed(super().parse_args, ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        return chinese.resolved(super().resolve_command, self, ctx, args)

    def invoke(self, ctx: Any) -> Any:
        return chinese.invoked(super().invoke, ctx)


def command(function: Callable[..., None]) -> Callable[..., None]:
    """Mark a function as a command: cli.COMMANDS names it, and `built` makes it a click command
    only when it runs (or help or completion asks), so that running it builds no other command."""
    function.__dict__["reformctl_command"] = True
    return function


def group(help: str) -> typer.Typer:
    """A command with subcommands (`status set`); its name is the one cli.COMMANDS gives it."""
    app = typer.Typer(
        help=help, no_args_is_help=True, add_completion=False, cls=ChineseGroup,
        options_metavar=chinese.OPTIONS, subcommand_metavar=chinese.SUBCOMMAND,
    )  # fmt: skip

    @app.callback()
    def subcommands() -> None:
        pass  # a callback makes Typer build a group even for one subcommand

    return app


def built(name: str, found: Callable[..., None] | typer.Typer) -> Any:
    """The click command for a name of cli.COMMANDS and what it names."""
    if isinstance(found, typer.Typer):
        made = typer.main.get_command(found)
        made.name = name
        return made
    app = typer.Typer(add_completion=False, options_metavar=chinese.OPTIONS)
    app.command(name, cls=ChineseCommand)(found)
    return typer.main.get_command(app)
