"""What a command says and writes: one line at a time with nobody's control characters or line
breaks in it, a recorded change and its notices, and output to the screen or a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from reformctl import files
from reformctl.errors import UsageError
from reformctl.plain import line

if TYPE_CHECKING:
    from reformctl.rewrite import Change


def say(message: str, err: bool = False) -> None:
    """One line for the user, with nobody's control characters or line breaks in it."""
    typer.echo(line(message), err=err)


def told(change: Change) -> None:
    """A recorded change as the clerk hears of it, then what it noticed on the way (on stderr)."""
    say(change.summary())
    for notice in change.notices:
        say(notice, err=True)


def needs_file(fmt: str, output: Path | None, example: str) -> None:
    """A binary format goes to a file: refused on the screen (no -o, or -o - on a terminal)."""
    if output is None or str(output) == "-" and sys.stdout.isatty():
        raise UsageError(f"{fmt} 是二进制文件，请用 -o 指定文件名，如 -o {example}")


def emit(content: str | bytes | None, output: Path | None = None, plan: Path | None = None) -> None:
    """To the screen (no -o, or -o -), or to a file without destroying what it lands on (see
    files.write_output): never over the plan, never half-written, one clear line on failure."""
    if content is None:  # a screen: already printed
        return
    if output is None or str(output) == "-":
        if isinstance(content, str):
            sys.stdout.write(content)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
        return
    data = content.encode("utf-8") if isinstance(content, str) else content
    written = files.write_output(output, data, [plan] if plan else [])
    say(f"已写入 {written}", err=True)
