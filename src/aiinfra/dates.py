"""Dates, the one module for them: partial dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) and the
point-in-time rule for them, the ledger's date range, parameters turned into timestamps, and
"today" resolved in one place (:func:`resolve_as_of`)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

__all__ = [
    "LEDGER_DATE_MAX",
    "LEDGER_DATE_MIN",
    "PartialDate",
    "check_ledger_range",
    "parse_partial_date",
    "resolve_as_of",
    "to_timestamp",
]

#: Every date in the ledger lies in these bounds (docs/ledger.md): wide enough for any fact of the
#: AI build-out, and well inside the days pandas can hold (1677-09-22 to 2262-04-11), so no
#: ledger date can overflow a timestamp in any command.
LEDGER_DATE_MIN = dt.date(1900, 1, 1)
LEDGER_DATE_MAX = dt.date(2100, 12, 31)

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class PartialDate:
    """A date known to day, month or year precision.

    ``known`` is the last day of the period: the earliest date on which a fact dated this way can
    be assumed known, so point-in-time views never use it too early.
    """

    text: str
    start: dt.date
    end: dt.date
    precision: Literal["day", "month", "year"]

    @property
    def known(self) -> dt.date:
        return self.end

    def __str__(self) -> str:
        return self.text


def parse_partial_date(text: str, *, allow_partial: bool = True) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Raises
    ------
    ValueError
        With a message that states the accepted forms.
    """
    s = text.strip()
    try:
        if m := _DAY.match(s):
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return PartialDate(s, d, d, "day")
        if allow_partial and (m := _MONTH.match(s)):
            y, mo = int(m[1]), int(m[2])
            last = calendar.monthrange(y, mo)[1]
            return PartialDate(s, dt.date(y, mo, 1), dt.date(y, mo, last), "month")
        if allow_partial and (m := _YEAR.match(s)):
            y = int(m[1])
            return PartialDate(s, dt.date(y, 1, 1), dt.date(y, 12, 31), "year")
    except ValueError:
        pass  # a well-formed but impossible date such as 2025-02-30
    forms = "YYYY-MM-DD, YYYY-MM or YYYY" if allow_partial else "YYYY-MM-DD"
    raise ValueError(f"must be a valid date of the form {forms}")


def check_ledger_range(start: dt.date, end: dt.date | None = None) -> None:
    """Raise ``ValueError`` unless ``start`` … ``end`` lies within the ledger's date bounds.

    >>> check_ledger_range(dt.date(1899, 12, 31))
    Traceback (most recent call last):
    ...
    ValueError: must lie between 1900-01-01 and 2100-12-31 (the ledger's date range)
    """
    if start < LEDGER_DATE_MIN or (end or start) > LEDGER_DATE_MAX:
        raise ValueError(
            f"must lie between {LEDGER_DATE_MIN.isoformat()} and {LEDGER_DATE_MAX.isoformat()} "
            "(the ledger's date range)"
        )


def to_timestamp(value: object, name: str = "as_of") -> pd.Timestamp:
    """Coerce a date-like argument to a normalised ``pd.Timestamp``.

    Raises
    ------
    InvalidParameterError
        When the value cannot be read as a date; the message names the parameter.
    """
    from aiinfra.exceptions import InvalidParameterError

    if isinstance(value, str):
        try:
            return pd.Timestamp(parse_partial_date(value, allow_partial=False).start)
        except ValueError as exc:
            raise InvalidParameterError(f"`{name}` {exc}, got {value!r}") from None
    try:
        ts = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"`{name}` must be a date (YYYY-MM-DD), got {value!r}"
        ) from None
    if pd.isna(ts):
        raise InvalidParameterError(f"`{name}` must be a date (YYYY-MM-DD), got {value!r}")
    return ts.tz_localize(None).normalize() if ts.tzinfo else ts.normalize()


def resolve_as_of(value: object = None, name: str = "as_of") -> pd.Timestamp:
    """``value`` as a timestamp, today when it is None: the one place where "no date given"
    becomes today (the command line, the web and the services call it at their edge).

    >>> resolve_as_of("2026-06-30")
    Timestamp('2026-06-30 00:00:00')
    >>> resolve_as_of() == pd.Timestamp(dt.date.today())
    True
    """
    return to_timestamp(value if value is not None else dt.date.today(), name)
