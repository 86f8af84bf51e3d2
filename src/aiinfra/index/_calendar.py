"""Review calendar: cut-off, announcement and effective dates from an exchange calendar.

Dates come from ``exchange_calendars`` (holidays included), never from a hand-written list:

* ``T_cut``: last trading day of the month before the review month;
* ``T_ann``: the second Friday of the review month (rolled back to the previous trading day if it
  is a holiday);
* ``T_eff``: after the close of the third Friday, rolled back to the previous trading day if it
  is not one (2026-06-19, Juneteenth → 2026-06-18).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from aiinfra.exceptions import InvalidParameterError

__all__ = [
    "ReviewDates",
    "latest_review",
    "previous_reviews",
    "review_dates",
    "review_schedule",
    "trading_days",
]

_FIRST_YEAR = 1995
_LAST_YEAR = dt.date.today().year + 2
#: Exchanges whose calendar is built with its holiday rules evaluated over its own years only
#: (:func:`_windowed_calendar`): those whose sessions, opens and closes tests/unit/
#: test_calendar_window.py finds equal to the stock calendar's. Not XTAE: exchange_calendars
#: cannot build it from 1995 (its Sunday special closes are not sessions), so it keeps the stock
#: path and its error. Any other exchange gets the stock calendar.
_WINDOWED = frozenset(
    {"XNYS", "XKRX", "XTAI", "XTKS", "XAMS", "XPAR", "XETR", "XHEL", "XHKG", "XTSE", "XOSL",
     "XLON", "XSWX"}
)  # fmt: skip


@lru_cache(maxsize=8)
def _calendar(exchange: str) -> Any:
    import exchange_calendars as xcals

    start = pd.Timestamp(f"{_FIRST_YEAR}-01-01")
    try:
        factory = xcals.calendar_utils._default_calendar_factories.get(exchange)
        bound = factory.bound_min() if factory is not None else None
        if bound is not None and bound > start:  # XTKS, for one, starts in 1997
            start = pd.Timestamp(bound)
        if factory is not None and exchange in _WINDOWED:
            return _windowed_calendar(factory, start, pd.Timestamp(f"{_LAST_YEAR}-12-31"))
        return xcals.get_calendar(exchange, start=start, end=f"{_LAST_YEAR}-12-31")
    except xcals.errors.InvalidCalendarName:
        raise InvalidParameterError(
            f"`calendar.exchange` {exchange!r} is not a known exchange calendar "
            "(examples: XNYS, XNAS, XAMS, XKRX, XTAI)"
        ) from None


def _windowed_calendar(factory: Any, start: pd.Timestamp, end: pd.Timestamp) -> Any:
    """The calendar ``factory`` (an ``exchange_calendars`` class) from ``start`` to ``end``,
    with its regular holiday rules evaluated from a year before ``start`` to a year after
    ``end`` only.

    Left to itself, a calendar evaluates its regular holiday rules over pandas' default range
    (1970 to 2200; XKRX's lunar dates up to 2050, one lunar conversion at a time) whatever its
    own range: about 1.7 s for XKRX, the slowest step of a report with a Korean line, and 0.05
    to 0.1 s for the others. A rule gives a year's dates from that year and its neighbours, so
    the window changes no session, open or close from ``start`` to ``end``
    (tests/unit/test_calendar_window.py compares each exchange of :data:`_WINDOWED` with the
    stock calendar).
    """
    from exchange_calendars.exchange_calendar import HolidayCalendar

    first = pd.Timestamp(year=start.year - 1, month=1, day=1)
    last = pd.Timestamp(year=end.year + 1, month=12, day=31)

    class _Holidays(HolidayCalendar):  # type: ignore[misc]
        def holidays(self, start: Any = None, end: Any = None, return_name: bool = False) -> Any:
            return super().holidays(
                first if start is None else start, last if end is None else end, return_name
            )

    class _Windowed(factory):  # type: ignore[misc]
        @property
        def regular_holidays(self) -> Any:
            stock = super().regular_holidays
            return _Holidays(stock.rules) if isinstance(stock, HolidayCalendar) else stock

    return _Windowed(start=start, end=end)


def trading_days(start: Any, end: Any, exchange: str = "XNYS") -> pd.DatetimeIndex:
    """Sessions of ``exchange`` between two dates, inclusive."""
    cal = _calendar(exchange)
    s, e = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    lo, hi = cal.first_session, cal.last_session
    s, e = max(s, lo), min(e, hi)
    if s > e:
        return pd.DatetimeIndex([], name="date")
    days = cal.sessions_in_range(s, e)
    return pd.DatetimeIndex(days.tz_localize(None) if days.tz else days, name="date")


@dataclass(frozen=True, order=True)
class ReviewDates:
    """The three dates of one review (``review`` is its month, e.g. ``2026-06``)."""

    effective: pd.Timestamp
    review: str
    cutoff: pd.Timestamp
    announce: pd.Timestamp

    def to_dict(self) -> dict[str, str]:
        return {
            "review": self.review,
            "cutoff": self.cutoff.date().isoformat(),
            "announce": self.announce.date().isoformat(),
            "effective": self.effective.date().isoformat(),
        }


def _nth_friday(year: int, month: int, n: int) -> pd.Timestamp:
    first = pd.Timestamp(year=year, month=month, day=1)
    offset = (4 - first.weekday()) % 7  # Friday = 4
    return first + pd.Timedelta(days=offset + 7 * (n - 1))


def _on_or_before(day: pd.Timestamp, exchange: str) -> pd.Timestamp:
    cal = _calendar(exchange)
    if cal.is_session(day):
        return day
    prev = cal.date_to_session(day, direction="previous")
    return pd.Timestamp(prev).tz_localize(None) if getattr(prev, "tz", None) else pd.Timestamp(prev)


def review_dates(year: int, month: int, exchange: str = "XNYS") -> ReviewDates:
    """Cut-off, announcement and effective date of the review in ``month`` of ``year``.

    Examples
    --------
    >>> r = review_dates(2026, 6)
    >>> (str(r.cutoff.date()), str(r.announce.date()), str(r.effective.date()))
    ('2026-05-29', '2026-06-12', '2026-06-18')
    """
    if not 1 <= month <= 12 or not _FIRST_YEAR < year <= _LAST_YEAR:
        raise InvalidParameterError(
            f"review month must be 1..12 within {_FIRST_YEAR + 1}..{_LAST_YEAR}"
        )
    first_of_month = pd.Timestamp(year=year, month=month, day=1)
    cutoff = _on_or_before(first_of_month - pd.Timedelta(days=1), exchange)
    announce = _on_or_before(_nth_friday(year, month, 2), exchange)
    effective = _on_or_before(_nth_friday(year, month, 3), exchange)
    return ReviewDates(effective, f"{year:04d}-{month:02d}", cutoff, announce)


def review_schedule(
    start: Any, end: Any, months: tuple[int, ...] = (3, 6, 9, 12), exchange: str = "XNYS"
) -> list[ReviewDates]:
    """Every review whose effective date lies in ``[start, end]``, in order."""
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    out = []
    for year in range(s.year, e.year + 1):
        for m in months:
            r = review_dates(year, m, exchange)
            if s <= r.effective <= e:
                out.append(r)
    return out


def latest_review(
    as_of: Any, months: tuple[int, ...] = (3, 6, 9, 12), exchange: str = "XNYS"
) -> ReviewDates:
    """The review whose cut-off is the latest on or before ``as_of``."""
    d = pd.Timestamp(as_of)
    candidates = [
        review_dates(y, m, exchange) for y in (d.year - 1, d.year, d.year + 1) for m in months
    ]
    known = [r for r in candidates if r.cutoff <= d]
    return max(known, key=lambda r: r.cutoff)


def previous_reviews(
    current: ReviewDates, k: int, months: tuple[int, ...] = (3, 6, 9, 12), exchange: str = "XNYS"
) -> list[ReviewDates]:
    """The ``k`` reviews before ``current``, most recent first."""
    out: list[ReviewDates] = []
    year, month = (int(x) for x in current.review.split("-"))
    while len(out) < k:
        earlier = [m for m in months if m < month]
        if earlier:
            month = earlier[-1]
        else:
            year, month = year - 1, months[-1]
        out.append(review_dates(year, month, exchange))
    return out
