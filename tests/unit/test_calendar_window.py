"""Exchange calendars with their regular holidays evaluated over the calendar's own years
(issue 17) have the stock calendars' sessions, opens and closes on every day they cover."""

from __future__ import annotations

import exchange_calendars as xcals
import pandas as pd
import pytest

from aiinfra.index import _calendar
from aiinfra.index._calendar import review_schedule, trading_days
from aiinfra.index._methodology import EligibilitySpec


@pytest.mark.parametrize("exchange", sorted(_calendar._WINDOWED))
def test_the_calendar_equals_the_stock_one_on_every_day_it_covers(exchange):
    start = pd.Timestamp(f"{_calendar._FIRST_YEAR}-01-01")
    bound = xcals.calendar_utils._default_calendar_factories[exchange].bound_min()
    start = max(start, pd.Timestamp(bound)) if bound is not None else start
    end = pd.Timestamp(f"{_calendar._LAST_YEAR}-12-31")
    ours = _calendar._calendar(exchange)  # the calendar the index uses
    stock = xcals.get_calendar(exchange, start=start, end=end)
    assert type(ours) is not type(stock)  # (the windowed one, not the stock one)
    assert len(ours.sessions) > 5000
    assert ours.sessions.equals(stock.sessions)
    assert ours.opens.equals(stock.opens) and ours.closes.equals(stock.closes)
    assert ours.break_starts.equals(stock.break_starts)
    assert ours.break_ends.equals(stock.break_ends)
    assert (ours.first_session, ours.last_session) == (stock.first_session, stock.last_session)


def test_the_other_exchanges_get_the_stock_calendar():
    """An alias (XNAS) is built as it always was; so is Tel Aviv, which exchange_calendars
    cannot build from 1995 (its Sunday special closes are not sessions): the same error."""
    assert set(EligibilitySpec().exchanges) >= _calendar._WINDOWED
    ours = _calendar._calendar("XNAS")
    stock = xcals.get_calendar("XNAS", start="1995-01-01", end=ours.last_session)
    assert type(ours) is type(stock) and ours.sessions.equals(stock.sessions)
    with pytest.raises(ValueError) as stock_error:
        xcals.get_calendar("XTAE", start="1995-01-01", end=f"{_calendar._LAST_YEAR}-12-31")
    _calendar._calendar.cache_clear()
    with pytest.raises(ValueError) as our_error:
        _calendar._calendar("XTAE")
    assert str(our_error.value) == str(stock_error.value)


def test_korean_reviews_and_holidays():
    """Seollal 2024 (Feb 9-12) and Chuseok 2025 (Oct 3-9 with the alternative holiday) are
    closed; reviews roll back over them."""
    days = trading_days("2024-02-07", "2024-02-14", "XKRX")
    assert [d.day for d in days] == [7, 8, 13, 14]
    days = trading_days("2025-10-01", "2025-10-13", "XKRX")
    assert [d.day for d in days] == [1, 2, 10, 13]
    r = review_schedule("2025-01-01", "2025-12-31", exchange="XKRX")
    assert [x.review for x in r] == ["2025-03", "2025-06", "2025-09", "2025-12"]
