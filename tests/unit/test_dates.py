from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from aiinfra.dates import to_timestamp
from aiinfra.exceptions import InvalidParameterError
from aiinfra.ledger import parse_partial_date


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2025-09-22", dt.date(2025, 9, 22), dt.date(2025, 9, 22), "day"),
        ("2025-02", dt.date(2025, 2, 1), dt.date(2025, 2, 28), "month"),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"),
        ("2021", dt.date(2021, 1, 1), dt.date(2021, 12, 31), "year"),
        (" 2025-05 ", dt.date(2025, 5, 1), dt.date(2025, 5, 31), "month"),
    ],
)
def test_partial_dates_are_known_at_the_end_of_their_period(text, start, end, precision):
    d = parse_partial_date(text)
    assert (d.start, d.end, d.precision, d.known) == (start, end, precision, end)


@pytest.mark.parametrize(
    "text", ["2025-13", "2025-02-30", "25-01-01", "2025/01/01", "", "soon", "2025-1-5"]
)
def test_bad_dates_are_rejected_with_the_accepted_forms(text):
    with pytest.raises(ValueError, match="YYYY-MM-DD, YYYY-MM or YYYY"):
        parse_partial_date(text)


def test_full_date_only_when_partial_not_allowed():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_partial_date("2025-05", allow_partial=False)


def test_to_timestamp_names_the_parameter():
    assert to_timestamp("2025-06-30") == pd.Timestamp("2025-06-30")
    assert to_timestamp(dt.date(2025, 6, 30)) == pd.Timestamp("2025-06-30")
    with pytest.raises(InvalidParameterError, match="`as_of`"):
        to_timestamp("30.06.2025")
    with pytest.raises(InvalidParameterError, match="`end`"):
        to_timestamp(None, "end")


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        (dt.date(1900, 1, 1), None, True),
        (dt.date(2100, 12, 31), None, True),
        (dt.date(1899, 12, 31), None, False),
        (dt.date(2101, 1, 1), None, False),
        (dt.date(2100, 12, 1), dt.date(2101, 1, 31), False),  # a period that ends outside
        (dt.date(1, 1, 1), None, False),
        (dt.date(9999, 12, 31), None, False),
    ],
)
def test_ledger_dates_lie_in_1900_to_2100(start, end, ok):
    from aiinfra.dates import check_ledger_range

    if ok:
        check_ledger_range(start, end)
    else:
        with pytest.raises(ValueError, match="between 1900-01-01 and 2100-12-31"):
            check_ledger_range(start, end)
