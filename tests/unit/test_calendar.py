"""The review calendar on exchanges whose calendars start later than 1995."""

from __future__ import annotations

import pandas as pd

from aiinfra.index._calendar import review_dates, trading_days


def test_tokyo_sessions_and_reviews_are_available():
    """exchange_calendars evaluates XTKS from 1997 only; asking for it from 1995 once raised a
    ValueError for every Tokyo line (8035.T). Japanese New Year: 2026-01-01 and 01-02 closed,
    Coming-of-Age Day 2026-01-12 closed."""
    days = trading_days("2026-01-01", "2026-01-16", "XTKS")
    assert [d.day for d in days] == [5, 6, 7, 8, 9, 13, 14, 15, 16]
    # before the calendar's first year: clamped to what it knows, as for any exchange
    assert trading_days("1990-01-01", "1996-12-31", "XTKS").empty
    r = review_dates(2026, 6, "XTKS")
    assert r.cutoff == pd.Timestamp("2026-05-29") and r.effective == pd.Timestamp("2026-06-19")
