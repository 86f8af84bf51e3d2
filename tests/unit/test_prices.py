"""Price validation and the provider conformance test every provider must pass."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aiinfra.exceptions import DataValidationError, InvalidParameterError, MissingDataError
from aiinfra.prices import (
    PRICE_COLUMNS,
    CsvDirProvider,
    PriceProvider,
    StoreProvider,
    YFinanceProvider,
    get_provider,
    read_price_csv,
    validate_prices,
)
from aiinfra.store import Store
from tests.conftest import FIXTURES, write_prices


def raw(rows: list[list[object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["date", *PRICE_COLUMNS]).astype(str)


def test_valid_table_is_typed_and_indexed():
    frame, warnings = validate_prices(
        raw([["2024-01-02", 1, 2, 0.5, 1.5, 1.4, 10], ["2024-01-03", 1.5, 2, 1, 2, 1.9, 0]]), "t"
    )
    assert list(frame.columns) == list(PRICE_COLUMNS)
    assert frame.index.name == "date" and frame.index.is_monotonic_increasing
    assert (frame.dtypes == "float64").all() and warnings == []
    assert frame.loc["2024-01-03", "close"] == 2.0


def test_every_problem_is_reported_with_row_and_column():
    table = raw(
        [
            ["2024-01-03", 1, 1, 1, 1, 1, 1],
            ["2024-01-02", 1, 1, 1, "abc", 1, 1],  # unsorted + text close
            ["2024-01-02", 1, 1, 1, 1, 1, 1],  # duplicate date
            ["2024-01-05", 0, 1, 1, 1, 1, -5],  # zero open, negative volume
            ["05.01.2024", 1, 1, 1, 1, 1, 1],  # bad date
        ]
    )
    with pytest.raises(DataValidationError) as info:
        validate_prices(table, "X.csv")
    got = {(p.row, p.column, p.rule) for p in info.value.problems}
    assert got == {
        (3, "date", "dates must be sorted ascending"),
        (3, "close", "must be a number"),
        (4, "date", "duplicate date"),
        (5, "open", "must be > 0"),
        (5, "volume", "must be ≥ 0"),
        (6, "date", "must be a date YYYY-MM-DD"),
    }


def test_gaps_are_warnings_not_errors():
    frame, warnings = validate_prices(
        raw([["2024-01-02", 1, 1, 1, 1, 1, 1], ["2024-01-20", 1, 1, 1, 1, 1, 1]]), "G.csv"
    )
    assert len(frame) == 2
    assert warnings == ["G.csv: gap of 18 days before 2024-01-20"]


def test_wrong_columns_and_empty_files(tmp_path):
    with pytest.raises(DataValidationError, match="column 'adj_close': required column is missing"):
        validate_prices(
            pd.DataFrame(columns=["date", "open", "high", "low", "close", "volume"]), "c.csv"
        )
    with pytest.raises(DataValidationError, match="has no rows"):
        validate_prices(pd.DataFrame(columns=["date", *PRICE_COLUMNS]), "e.csv")
    (tmp_path / "Z.csv").write_text("")
    with pytest.raises(DataValidationError, match="is empty: a header row is required"):
        read_price_csv(str(tmp_path / "Z.csv"))


def test_csv_rows_keep_their_real_line_numbers(tmp_path):
    path = tmp_path / "L.csv"
    path.write_text(
        "date,open,high,low,close,adj_close,volume\n"
        "2024-01-02,1,1,1,1,1,1\n"
        "\n"  # blank line 3
        "2024-01-03,1,1,1,inf,1,1\n"  # line 4: not finite
        "2024-01-04,1,1,1,1,1,1,1\n"  # line 5: one cell too many
    )
    with pytest.raises(DataValidationError) as info:
        read_price_csv(str(path))
    assert [(p.row, p.rule) for p in info.value.problems] == [(5, "has 8 cells, the header has 7")]
    path.write_text(path.read_text().replace(",1,1,1,1,1,1,1\n", ",1,1,1,1,1,1\n"))
    with pytest.raises(DataValidationError) as info:
        read_price_csv(str(path))
    assert [(p.row, p.column, p.rule) for p in info.value.problems] == [
        (4, "close", "must be a finite number")
    ]


def test_inconsistent_high_low_is_a_warning():
    _, warnings = validate_prices(raw([["2024-01-02", 1, 1, 2, 1.5, 1.5, 1]]), "W.csv")
    assert warnings == ["W.csv, row 2: high/low/close inconsistent (low 2, high 1, close 1.5)"]


def test_input_is_not_mutated():
    table = raw([["2024-01-02", 1, 2, 0.5, 1.5, 1.4, 10]])
    before = table.copy()
    validate_prices(table, "t")
    pd.testing.assert_frame_equal(table, before)


# --- conformance: the same contract for every provider ---------------------------------------------


def _recorded_history(ticker, start, end, timeout):
    if ticker != "AIXT":
        return pd.DataFrame()  # yfinance answers an unknown symbol with an empty frame
    frame = pd.read_csv(FIXTURES / "yfinance" / "history_AIXT.csv", index_col="Date")
    frame.index = pd.to_datetime(frame.index, utc=True).tz_convert("America/New_York")
    return frame


@pytest.fixture(params=["csv", "store", "yfinance"])
def provider(request, tmp_path) -> tuple[object, str, str, str]:
    """(provider, known ticker, first date, last date)."""
    if request.param == "yfinance":
        return YFinanceProvider(download=_recorded_history), "AIXT", "2025-01-02", "2025-01-08"
    frame = write_prices(tmp_path / "csv", "AIXT", n=5, start="2025-01-02")
    first, last = frame["date"].iloc[0], frame["date"].iloc[-1]
    csv = CsvDirProvider(tmp_path / "csv")
    if request.param == "csv":
        return csv, "AIXT", first, last
    store = Store(tmp_path / "store.duckdb")
    store.import_prices([("AIXT", csv.get("AIXT"), "test")])
    return StoreProvider(store), "AIXT", first, last


def test_conformance_shape(provider):
    prov, ticker, first, last = provider
    assert isinstance(prov, PriceProvider)
    frame = prov.get(ticker)
    assert list(frame.columns) == list(PRICE_COLUMNS)
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "date"
    assert frame.index.tz is None and frame.index.is_unique and frame.index.is_monotonic_increasing
    assert (frame.index == frame.index.normalize()).all()
    assert (frame.dtypes == "float64").all()
    assert (frame[["open", "high", "low", "close", "adj_close"]] > 0).all().all()
    assert str(frame.index[0].date()) == first and str(frame.index[-1].date()) == last


def test_conformance_range_is_inclusive(provider):
    prov, ticker, _, _ = provider
    full = prov.get(ticker)
    s, e = full.index[1], full.index[-2]
    part = prov.get(ticker, s.date().isoformat(), e.date().isoformat())
    assert part.index[0] == s and part.index[-1] == e and len(part) == len(full) - 2


def test_conformance_unknown_ticker_and_empty_range(provider):
    prov, ticker, _, _ = provider
    with pytest.raises(MissingDataError):
        prov.get("NOSUCH")
    with pytest.raises(MissingDataError, match="no prices"):
        prov.get(ticker, "1990-01-01", "1990-12-31")


def test_conformance_bad_arguments(provider):
    prov, ticker, _, _ = provider
    with pytest.raises(InvalidParameterError, match="`ticker`"):
        prov.get("NV DA")
    with pytest.raises(InvalidParameterError, match="`start`"):
        prov.get(ticker, "2025-02-01", "2025-01-01")


def test_yfinance_transient_failures_are_retried_then_reported():
    calls = []

    def flaky(ticker, start, end, timeout):
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionResetError("reset by peer")
        return _recorded_history(ticker, start, end, timeout)

    prov = YFinanceProvider(download=flaky, retries=2)
    assert len(prov.get("AIXT")) == 5 and len(calls) == 3

    def down(ticker, start, end, timeout):
        raise TimeoutError("timed out")

    from aiinfra.exceptions import ProviderUnavailableError

    with pytest.raises(ProviderUnavailableError, match="prices import"):
        YFinanceProvider(download=down, retries=1).get("AIXT")


def test_get_provider_lists_choices():
    with pytest.raises(InvalidParameterError, match="available: csv, store, yfinance"):
        get_provider("bloomberg")


def test_shared_prices_pass_validation(shared_prices: Path):
    prov = CsvDirProvider(shared_prices)
    tickers = prov.tickers()
    assert tickers == sorted(p.stem for p in shared_prices.glob("*.csv"))  # every file, no other
    for t in tickers:
        frame = prov.get(t)
        assert len(frame) > 200 and np.isfinite(frame.to_numpy()).all()


@pytest.mark.network
def test_yfinance_live_shape_matches_recording():
    live = YFinanceProvider().extract(
        "NVDA", pd.Timestamp("2025-01-02"), pd.Timestamp("2025-01-08")
    )
    recorded = _recorded_history("AIXT", None, None, 5)
    assert set(recorded.columns) <= set(live.columns)
    assert str(live.index.tz) == str(recorded.index.tz)
