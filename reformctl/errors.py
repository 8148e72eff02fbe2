"""The errors the core raises; only cli.py turns them into messages and exit codes.

Exit codes: 0 ok, 1 invalid data or refused action, 2 usage (bad option or argument).
"""

from __future__ import annotations


class Problem:
    """One located problem in a plan file; line and col are 1-based."""

    # A plain class: defined on every start-up, where a NamedTuple or dataclass costs more.
    __slots__ = ("path", "line", "col", "message")

    def __init__(self, path: str, line: int, col: int, message: str):
        self.path, self.line, self.col, self.message = path, line, col, message

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class ReformctlError(Exception):
    """An expected failure: a clear message for the user and an exit code."""

    exit_code = 1


class UsageError(ReformctlError):
    """The user asked for something that does not exist (an id, a department...)."""

    exit_code = 2


class PlanInvalid(ReformctlError):
    """A plan file that cannot be read or does not validate; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))
