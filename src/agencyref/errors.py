"""Typed errors raised by the core; the CLI maps each to a message and exit code."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum


def plural(noun: str, count: int = 2) -> str:
    """agency → agencies, county → counties, state → states (for messages)."""
    if count == 1:
        return noun
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


class ExitCode(IntEnum):
    """Every exit code the command line uses, documented in README ("Output contract")."""

    OK = 0
    NOT_FOUND = 1  # not found / no results
    USAGE = 2  # a malformed request
    DATA = 3  # a data file invalid or unreadable
    INTERNAL = 4  # a bug: please report it
    INTERRUPTED = 130  # Ctrl-C
    PIPE_CLOSED = 141  # the reader went away before the answer was delivered


class AgencyrefError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with."""

    exit_code: int = ExitCode.INTERNAL


class NotFoundError(AgencyrefError):
    """A name matched nothing. ``suggestions`` are close matches, best first."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, kind: str, name: str, suggestions: Sequence[str] = (), *, matching: bool = False) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = list(suggestions)
        shown = name if len(name) <= 80 else name[:80] + "…"
        super().__init__(f"no {kind} matches {shown!r}" if matching else f"no {kind} named {shown!r}")


class NoResultsError(AgencyrefError):
    """A well-formed question whose answer is empty (exit 1, like not found)."""

    exit_code = ExitCode.NOT_FOUND


class AmbiguousNameError(AgencyrefError):
    """A name matched several entities equally well."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, kind: str, name: str, candidates: Sequence[str]) -> None:
        self.kind = kind
        self.name = name
        self.candidates = list(candidates)
        shown = name if len(name) <= 80 else name[:80] + "…"
        super().__init__(f"{shown!r} could mean several {plural(kind)}")


class UsageError(AgencyrefError):
    """The request itself is malformed (wrong format for this result, bad filter)."""

    exit_code = ExitCode.USAGE


class Problem:
    """One problem in a data file, located as file:line."""

    __slots__ = ("file", "line", "message", "path")

    def __init__(self, file: str, line: int | None, path: str, message: str) -> None:
        self.file = file
        self.line = line
        self.path = path
        self.message = message

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"


class DataError(AgencyrefError):
    """A data file is invalid or unreadable. Carries every problem found."""

    exit_code = ExitCode.DATA

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
