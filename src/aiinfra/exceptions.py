"""One exception hierarchy for the whole package.

Every error aiinfra raises on purpose is an :class:`AiinfraError`. Input errors also subclass the
matching built-in (``ValueError``, ``LookupError``) so generic ``except ValueError`` code keeps
working. The command line maps them to exit codes: 2 for bad input, 3 for missing data or an
unreachable provider (see :attr:`AiinfraError.exit_code`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AiinfraError",
    "DataValidationError",
    "InfeasibleCapping",
    "InfeasibleCappingError",
    "InsufficientConstituents",
    "InsufficientConstituentsError",
    "InvalidParameterError",
    "MissingDataError",
    "NotPointInTimeError",
    "Problem",
    "ProviderUnavailableError",
    "StoreError",
    "StoreLockedError",
    "validation_problems",
]


class AiinfraError(Exception):
    """Base class of every error raised by aiinfra on purpose."""

    #: Exit code the command line uses for this error.
    exit_code: int = 2


class InvalidParameterError(AiinfraError, ValueError):
    """A parameter has a value outside its rule; the message names the parameter and the rule."""


class InfeasibleCappingError(AiinfraError, ValueError):
    """The caps cannot all hold; the message states the arithmetic (what can be allocated)."""


class InsufficientConstituentsError(AiinfraError, ValueError):
    """Fewer eligible names than the methodology's minimum count."""


#: Former names, kept as aliases (the same classes).
InfeasibleCapping = InfeasibleCappingError
InsufficientConstituents = InsufficientConstituentsError


class NotPointInTimeError(AiinfraError, ValueError):
    """A point-in-time run (``pit_mode: vintage``) lacks a score vintage before a cut-off."""


class MissingDataError(AiinfraError, LookupError):
    """Data the call needs is not there (no prices for a ticker, an empty store, ...)."""

    exit_code = 3


class ProviderUnavailableError(AiinfraError, ConnectionError):
    """A price provider could not be reached (no network, timeout, empty answer)."""

    exit_code = 3


class StoreError(AiinfraError):
    """The DuckDB store could not be opened or written."""


class StoreLockedError(StoreError):
    """Another process holds the store for writing (exit 3: try again when it has finished)."""

    exit_code = 3


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found while validating input.

    Attributes
    ----------
    file : str
        File name (or a label such as ``"<frame>"`` for in-memory input).
    row : int or None
        Line number in the file (the header is line 1), or None for a file-level problem.
    column : str or None
        Column name, or None for a row-level problem.
    rule : str
        The rule that was broken, phrased so that it says how to fix it.
    value : str or None
        The offending value, shortened.
    """

    file: str
    row: int | None
    column: str | None
    rule: str
    value: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        text = f"{where}: {self.rule}"
        if self.value is not None and self.value != "":
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            text += f" (got {shown!r})"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "rule": self.rule,
            "value": self.value,
        }


def validation_problems(
    exc: Any, file: str, unknown_key: str = "unknown key", show_values: bool = False
) -> list[Problem]:
    """A pydantic ``ValidationError`` as problems naming ``file`` and the dotted key: pydantic's
    "Value error, " prefix dropped, an extra key worded as ``unknown_key``, and (with
    ``show_values``) the offending scalar value."""
    out = []
    for err in exc.errors(include_url=False):
        key = ".".join(str(p) for p in err["loc"]) or None
        rule = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            rule = unknown_key
        value = err.get("input") if show_values else None
        shown = None if isinstance(value, dict | list) or value is None else str(value)
        out.append(Problem(file, None, key, rule, shown))
    return out


class DataValidationError(AiinfraError, ValueError):
    """Input data broke one or more rules; :attr:`problems` lists every one found.

    Parameters
    ----------
    problems : iterable of Problem
        All problems found (not only the first).
    what : str
        What was being validated, used in the headline ("ledger", "prices").
    """

    def __init__(self, problems: Iterable[Problem], what: str = "input") -> None:
        found = list(problems)
        # files in the order their first problem was found (bundled before overlay), never by
        # path name, so the listing does not depend on where the files lie on disk
        rank: dict[str, int] = {}
        for p in found:
            rank.setdefault(p.file, len(rank))
        self.problems: list[Problem] = sorted(
            found, key=lambda p: (rank[p.file], p.row or 0, p.column or "", p.rule)
        )
        self.what = what
        n = len(self.problems)
        head = f"{what}: {n} problem{'s' if n != 1 else ''} found"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in self.problems))
