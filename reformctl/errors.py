"""The errors the core raises; only cli.py turns them into messages and exit codes.

Exit codes: 0 ok, 1 invalid data or refused action, 2 usage (bad option or argument),
3 an internal error (a bug in reformctl), 130 interrupted.
"""

from __future__ import annotations

from typing import Any


class Problem:
    """One problem in a file: located at line and col (1-based) where it has a position."""

    # A plain class: defined on every start-up, where a NamedTuple or dataclass costs more.
    __slots__ = ("path", "line", "col", "message")

    def __init__(self, path: str, line: int | None, col: int | None, message: str):
        self.path, self.line, self.col, self.message = path, line, col, message

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class ReformctlError(Exception):
    """An expected failure: a clear message for the user and an exit code. The message is one
    line (whatever it quotes is shown on that line); `details` are further lines of our own."""

    exit_code = 1

    def __init__(self, message: str = "", details: list[str] | None = None):
        super().__init__(message)
        self.details = details or []


class UsageError(ReformctlError):
    """The user asked for something that does not exist (an id, a department...)."""

    exit_code = 2


class Refused(ReformctlError):
    """An edit that would not be the small, exact change asked for; nothing was written."""


class Unreadable(ReformctlError):
    """A file that cannot be read: `name: 无法读取：why`."""

    def __init__(self, name: str, why: str):
        self.name, self.why = name, why
        super().__init__(f"{name}: 无法读取：{why}")

    def problem(self) -> Problem:
        return Problem(self.name, None, None, f"无法读取：{self.why}")


class PlanInvalid(ReformctlError):
    """A plan file that cannot be read or does not validate; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


# Both are dependencies of reformctl: missing only from a broken or partial install.
OPTIONAL = {"openpyxl": "pip install openpyxl（或重新安装 reformctl）", "docx": "pip install python-docx"}


def need(module: str, what: str) -> Any:
    """A library imported when it is needed (openpyxl, python-docx), or one clear error that says how to
    install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        package = "python-docx" if module == "docx" else module
        raise ReformctlError(f"{what}需要 {package}，请安装：{OPTIONAL[module]}") from None
