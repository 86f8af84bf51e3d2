"""Figure periods (``2025``, ``FY2026-Q1``, ``2025-2030``, ``planned``) as plotting dates.

A point is plotted at the **end** of its period: a year at 31 December, a quarter at its last
month's end, a range such as ``2025-2030`` at the end of its last year. Fiscal periods use the
company's own fiscal calendar, read from the ledger (``financials.csv`` and ``ai_revenue.csv``
``period_end``); ``planned`` has no date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

__all__ = ["PeriodType", "Span", "fiscal_year_ends", "month_diff", "parse_period"]

PeriodType = Literal["day", "month", "quarter", "half", "year", "multi_year", "planned"]

_PERIOD = re.compile(
    r"^(?P<fy>FY)?(?P<year>\d{4})"
    r"(?:-(?:Q(?P<q>[1-4])|H(?P<h>[12])|(?P<month>\d{2})(?:-(?P<day>\d{2}))?"
    r"|(?:FY)?(?P<last>\d{4})))?$"
)


@dataclass(frozen=True)
class Span:
    """One period: its type and the date a point for it is plotted at (``None`` for planned)."""

    text: str
    type: PeriodType
    end: dt.date | None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def month_diff(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (both period ends, so month ends).

    >>> month_diff(dt.date(2025, 12, 31), dt.date(2026, 4, 30))
    4
    """
    return (end.year - start.year) * 12 + (end.month - start.month)


def _fiscal_month(period_end: dt.date) -> int:
    """The month a fiscal year ends in; 52/53-week years ending in a month's first week count
    for the month before (Dell's FY2024 ended 2024-02-02: a January year)."""
    if period_end.day <= 7:
        return _shift_months(period_end.year, period_end.month, -1)[1]
    return period_end.month


def fiscal_year_ends(frames: Iterable[pd.DataFrame]) -> dict[str, dict[int, int]]:
    """Fiscal calendars from ledger tables with ``company_id``, ``fiscal_year``, ``period_end``.

    Returns
    -------
    dict
        ``{company_id: {fiscal year number: month the year ends in}}``; the entry ``0`` holds the
        month of the company's latest known fiscal year, used for years not in the tables.
    """
    out: dict[str, dict[int, int]] = {}
    rows: list[tuple[str, int, dt.date]] = []
    for frame in frames:
        if frame.empty or not {"company_id", "fiscal_year", "period_end"} <= set(frame.columns):
            continue
        for cid, fy, end in zip(
            frame["company_id"], frame["fiscal_year"], frame["period_end"], strict=True
        ):
            if pd.isna(end) or not isinstance(fy, str) or not fy.startswith("FY"):
                continue
            rows.append((str(cid), int(fy[2:]), pd.Timestamp(end).date()))
    for cid, year, end in sorted(rows):
        months = out.setdefault(cid, {})
        months[year] = _fiscal_month(end)
        months[0] = months[year]
    return out


def _fiscal_end(year: int, company_months: Mapping[int, int] | None) -> tuple[int, int]:
    """(year, month) in which fiscal year ``year`` ends; calendar year when unknown."""
    if not company_months:
        return year, 12
    month = company_months.get(year, company_months[0])
    return year, month


def parse_period(text: str, company_months: Mapping[int, int] | None = None) -> Span:
    """The type and plotting date of one figure period.

    Parameters
    ----------
    text : str
        A ledger period: ``YYYY``, ``FYYYYY``, ``YYYY-Qn``, ``FYYYYY-Qn``, ``YYYY-Hn``,
        ``FYYYYY-Hn``, ``YYYY-MM``, ``YYYY-MM-DD``, ``YYYY-YYYY``, ``FYYYYY-FYYYYY`` or
        ``planned``.
    company_months : mapping, optional
        The company's fiscal calendar (one entry of :func:`fiscal_year_ends`); without it a
        fiscal year is a calendar year.

    Raises
    ------
    ValueError
        For text that is not a ledger period.

    Examples
    --------
    >>> parse_period("2025-2030").end
    datetime.date(2030, 12, 31)
    >>> parse_period("FY2026-Q1", {0: 6}).end  # Microsoft: fiscal year to June
    datetime.date(2025, 9, 30)
    >>> parse_period("planned")
    Span(text='planned', type='planned', end=None)
    """
    s = text.strip()
    if s == "planned":
        return Span(s, "planned", None)
    m = _PERIOD.match(s)
    if m is None:
        raise ValueError(f"not a ledger period: {text!r}")
    fiscal = m["fy"] is not None
    year = int(m["year"])
    if m["last"] is not None:
        last = int(m["last"])
        y, mo = _fiscal_end(last, company_months) if fiscal else (last, 12)
        return Span(s, "multi_year", _month_end(y, mo))
    if m["day"] is not None:
        return Span(s, "day", dt.date(year, int(m["month"]), int(m["day"])))
    if m["month"] is not None:
        return Span(s, "month", _month_end(year, int(m["month"])))
    y, mo = _fiscal_end(year, company_months) if fiscal else (year, 12)
    if m["q"] is not None:
        y, mo = _shift_months(y, mo, -3 * (4 - int(m["q"])))
        return Span(s, "quarter", _month_end(y, mo))
    if m["h"] is not None:
        y, mo = _shift_months(y, mo, -6 * (2 - int(m["h"])))
        return Span(s, "half", _month_end(y, mo))
    return Span(s, "year", _month_end(y, mo))
