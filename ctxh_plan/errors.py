"""Typed exceptions that carry context, and the exit codes of the CLI.

Every error a user can cause says *what* is wrong, *where* (file, sheet, row,
column or parameter key), the offending *value*, and *how to fix it*.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "CtxhError",
    "InputError",
    "ParameterError",
    "PersonLevelDataError",
    "UsageError",
    "ValidationFailed",
]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class CtxhError(Exception):
    """Base class of every error ctxh_plan raises on purpose."""

    exit_code = EXIT_BAD_INPUT


@dataclass
class _Where:
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None

    def describe(self) -> str:
        parts = []
        if self.file:
            parts.append(f"file {self.file}")
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.value is not None:
            parts.append(f"value {self.value!r}")
        return ", ".join(parts)


class InputError(CtxhError):
    """A single problem with an input file or value.

    Parameters
    ----------
    problem : str
        What is wrong, in plain words.
    fix : str
        How the user can fix it.
    file, sheet, row, column, value :
        Where the problem is. ``row`` is the 1-based line/row number as the user
        sees it in a text editor or spreadsheet (header = row 1).
    """

    def __init__(self, problem: str, *, fix: str = "", file: str | None = None,
                 sheet: str | None = None, row: int | None = None,
                 column: str | None = None, value: Any = None) -> None:
        self.problem = problem
        self.fix = fix
        self.where = _Where(file, sheet, row, column, value)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.where.describe()
        msg = f"{where}: {self.problem}" if where else self.problem
        if self.fix:
            msg += f" — fix: {self.fix}"
        return msg


class PersonLevelDataError(InputError):
    """The input looks like person-level (case) data; the toolkit takes aggregates only."""


class ValidationFailed(CtxhError):
    """Validation found errors. ``problems`` is the full problems table (a DataFrame)."""

    def __init__(self, problems: Any, message: str | None = None) -> None:
        self.problems = problems
        n = int((problems["severity"] == "error").sum()) if len(problems) else 0
        super().__init__(message or f"{n} error(s) in the input; see the problems table")


class ParameterError(CtxhError):
    """A notebook or batch parameter is unknown, of the wrong type, or out of range."""

    def __init__(self, key: str, problem: str, *, fix: str = "", source: str | None = None,
                 value: Any = None) -> None:
        self.key, self.problem, self.fix, self.source, self.value = key, problem, fix, source, value
        where = f"{source}: " if source else ""
        val = f" (value {value!r})" if value is not None else ""
        msg = f"{where}parameter {key!r}{val}: {problem}"
        if fix:
            msg += f" — fix: {fix}"
        super().__init__(msg)


class UsageError(CtxhError):
    """Wrong command-line usage."""

    exit_code = EXIT_USAGE
