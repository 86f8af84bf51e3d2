"""Return metrics: cross-checked against empyrical, hand-computed cases, edge cases, no mutation.

empyrical (empyrical-reloaded) is the oracle: every metric it also defines is compared on the
same return series, a seeded synthetic pair always and NVDA vs QQQ (``adj_close`` returns) from
``../shared/data/prices`` when that folder exists.
"""

from __future__ import annotations

import math

import empyrical
import empyrical.stats as empyrical_stats
import numpy as np
import pandas as pd
import pytest
from empyrical.utils import roll as empyrical_roll

from aiinfra import metrics as m
from tests._tol import prod_tol
from tests.conftest import SHARED_PRICES

REL = 1e-10


# --------------------------------------------------------------------------------------------
# the two series: seeded synthetic (always) and NVDA vs QQQ (when the shared data exists)


def _synthetic() -> tuple[pd.Series, pd.Series]:
    rng = np.random.default_rng(20240601)
    dates = pd.bdate_range("2019-01-01", periods=900)
    bench = rng.normal(0.0004, 0.011, dates.size)
    strat = 0.0002 + 1.3 * bench + rng.normal(0.0, 0.008, dates.size)
    return pd.Series(strat, index=dates, name="strategy"), pd.Series(
        bench, index=dates, name="bench"
    )


def _real() -> tuple[pd.Series, pd.Series]:
    def rets(ticker: str) -> pd.Series:
        px = pd.read_csv(SHARED_PRICES / f"{ticker}.csv", usecols=["date", "adj_close"])
        s = px.set_index(pd.to_datetime(px["date"]))["adj_close"].astype(float)
        return s.pct_change().iloc[1:].rename(ticker)

    nvda, qqq = rets("NVDA").align(rets("QQQ"), join="inner")
    return nvda, qqq


@pytest.fixture(scope="module", params=["synthetic", "nvda_qqq"])
def pair(request: pytest.FixtureRequest) -> tuple[pd.Series, pd.Series]:
    if request.param == "synthetic":
        return _synthetic()
    if not (SHARED_PRICES / "NVDA.csv").is_file() or not (SHARED_PRICES / "QQQ.csv").is_file():
        pytest.skip("../shared/data/prices (NVDA, QQQ) is absent")
    return _real()


# --------------------------------------------------------------------------------------------
# against empyrical


def test_scalar_metrics_match_empyrical(pair):
    r, _ = pair
    assert m.total_return(r) == pytest.approx(empyrical.cum_returns_final(r), rel=REL)
    assert m.annual_return(r) == pytest.approx(empyrical.annual_return(r), rel=REL)
    assert m.annual_return(r) == pytest.approx(empyrical.cagr(r), rel=REL)
    assert m.annual_return(r, 12) == pytest.approx(
        empyrical.annual_return(r, annualization=12), rel=REL
    )
    assert m.annual_volatility(r) == pytest.approx(empyrical.annual_volatility(r), rel=REL)
    assert m.max_drawdown(r) == pytest.approx(empyrical.max_drawdown(r), rel=REL)
    assert m.calmar_ratio(r) == pytest.approx(empyrical.calmar_ratio(r), rel=REL)
    assert m.best_day(r) == r.max()
    assert m.worst_day(r) == r.min()


@pytest.mark.parametrize("rf", [0.0, 0.0001, -0.00005])
def test_sharpe_and_sortino_match_empyrical(pair, rf):
    r, _ = pair
    assert m.sharpe_ratio(r, rf) == pytest.approx(empyrical.sharpe_ratio(r, risk_free=rf), rel=REL)
    assert m.sortino_ratio(r, rf) == pytest.approx(
        empyrical.sortino_ratio(r, required_return=rf), rel=REL
    )
    assert m.sharpe_ratio(r, rf, annualization=52) == pytest.approx(
        empyrical.sharpe_ratio(r, risk_free=rf, annualization=52), rel=REL
    )


def test_drawdown_series_matches_empyrical(pair):
    r, _ = pair
    ours = m.drawdown_series(r)
    theirs = empyrical_stats.drawdown_series(r)
    pd.testing.assert_series_equal(ours, theirs, check_names=False, rtol=1e-12)
    assert ours.min() == m.max_drawdown(r)


def test_drawdown_details_agree_with_the_series_and_a_loop(pair):
    r, _ = pair
    d = m.drawdown_details(r)
    wealth = (1 + r).cumprod()
    assert d["max_drawdown"] == pytest.approx(empyrical.max_drawdown(r), rel=REL)
    assert d["trough"] == empyrical_stats.drawdown_series(r).idxmin()
    # a plain loop over the wealth path finds the same peak and recovery
    peak_value, peak_date = 1.0, None
    for date, w in wealth.loc[: d["trough"]].items():
        if w >= peak_value:
            peak_value, peak_date = w, date
    assert d["peak"] == peak_date
    after = wealth.loc[d["trough"] :]
    back = after[after >= peak_value]
    assert d["recovery"] == (back.index[0] if len(back) else None)
    end = d["recovery"] if d["recovery"] is not None else r.index[-1]
    assert d["duration_days"] == (end - d["peak"]).days
    assert d["duration_periods"] == r.index.get_loc(end) - r.index.get_loc(d["peak"])


def test_calendar_returns_match_empyrical_aggregation(pair):
    r, _ = pair
    monthly = empyrical.aggregate_returns(r, "monthly")
    yearly = empyrical.aggregate_returns(r, "yearly")
    assert m.best_month(r) == pytest.approx(monthly.max(), rel=REL)
    assert m.worst_month(r) == pytest.approx(monthly.min(), rel=REL)
    years = m.calendar_year_returns(r)
    assert list(years.index) == list(yearly.index)
    np.testing.assert_allclose(years.to_numpy(), yearly.to_numpy(), rtol=REL)
    table = m.monthly_returns_table(r)
    assert list(table.columns) == [*range(1, 13), "year"]
    np.testing.assert_allclose(table["year"].to_numpy(), yearly.to_numpy(), rtol=REL)
    stacked = table[list(range(1, 13))].stack().dropna()
    np.testing.assert_allclose(stacked.to_numpy(), monthly.to_numpy(), rtol=REL)
    # compounding the months of a year gives the year
    np.testing.assert_allclose(
        (1 + table[list(range(1, 13))]).prod(axis=1, skipna=True) - 1, table["year"], rtol=1e-9
    )


def test_rolling_metrics_match_empyrical(pair):
    r, _ = pair
    r = r.iloc[-1000:]  # the windows are the point, not the length
    for ours, theirs in [
        (
            m.rolling_annual_return(r),
            empyrical_roll(r, function=empyrical.annual_return, window=252),
        ),
        (m.rolling_volatility(r), empyrical.roll_annual_volatility(r, 252)),
        (m.rolling_sharpe(r), empyrical.roll_sharpe_ratio(r, 252)),
        (m.rolling_sharpe(r, 63, 0.0001), empyrical.roll_sharpe_ratio(r, 63, risk_free=0.0001)),
    ]:
        assert ours.index.equals(r.index)
        assert ours.iloc[: len(r) - len(theirs)].isna().all()
        pd.testing.assert_series_equal(
            ours.iloc[len(r) - len(theirs) :], theirs, check_names=False, check_freq=False,
            rtol=1e-9,
        )  # fmt: skip


@pytest.mark.parametrize("rf", [0.0, 0.0001])
def test_benchmark_metrics_match_empyrical(pair, rf):
    r, b = pair
    a_emp, b_emp = empyrical.alpha_beta(r, b, risk_free=rf)
    assert m.beta(r, b) == pytest.approx(b_emp, rel=REL)
    assert m.beta(r, b) == pytest.approx(empyrical.beta(r, b), rel=REL)
    assert m.alpha(r, b, rf) == pytest.approx(a_emp, rel=1e-9)
    assert m.alpha(r, b, rf) == pytest.approx(empyrical.alpha(r, b, risk_free=rf), rel=1e-9)
    assert m.up_capture(r, b) == pytest.approx(empyrical.up_capture(r, b), rel=REL)
    assert m.down_capture(r, b) == pytest.approx(empyrical.down_capture(r, b), rel=REL)
    assert m.tracking_error(r, b) == pytest.approx(empyrical.annual_volatility(r - b), rel=REL)
    assert m.information_ratio(r, b) == pytest.approx(
        empyrical.excess_sharpe(r, b) * math.sqrt(252), rel=REL
    )
    # a covariance over n days, relative to itself off by n·u/|ρ|, over two standard deviations
    # (n·u each)
    rho = m.correlation(r, b)
    tol = prod_tol(len(r)) * (2.0 + 1.0 / abs(rho))
    assert rho == pytest.approx(float(np.corrcoef(r, b)[0, 1]), rel=tol)
    assert rho == pytest.approx(r.corr(b), rel=tol)


def test_benchmark_series_are_aligned_on_dates():
    r, b = _synthetic()
    shifted = b.iloc[100:]  # the benchmark starts later; arrays would pair the wrong days
    common = r.iloc[100:]
    for f in (m.beta, m.alpha, m.correlation, m.tracking_error, m.information_ratio,
              m.up_capture, m.down_capture):  # fmt: skip
        assert f(r, shifted) == pytest.approx(f(common, shifted), rel=1e-12)
    with pytest.raises(ValueError, match="same length"):
        m.beta(r.to_numpy(), shifted.to_numpy())


# --------------------------------------------------------------------------------------------
# small cases computed by hand


def test_hand_computed_values():
    r = np.array([0.10, -0.20, 0.05])
    assert m.total_return(r) == pytest.approx(1.1 * 0.8 * 1.05 - 1)
    assert m.annual_return(r, annualization=3) == pytest.approx(1.1 * 0.8 * 1.05 - 1)
    assert m.annual_return(np.array([0.1, 0.1]), annualization=1) == pytest.approx(0.1)  # √1.21 − 1
    assert m.annual_return(np.array([0.1]), annualization=2) == pytest.approx(0.21)
    sd = math.sqrt(((0.1 + 0.05 / 3) ** 2 + (-0.2 + 0.05 / 3) ** 2 + (0.05 + 0.05 / 3) ** 2) / 2)
    assert m.annual_volatility(r, annualization=4) == pytest.approx(sd * 2)
    assert m.sharpe_ratio(r, annualization=1) == pytest.approx((-0.05 / 3) / sd)
    assert m.sharpe_ratio(r, risk_free=0.01, annualization=1) == pytest.approx(
        (-0.05 / 3 - 0.01) / sd
    )
    downside = math.sqrt(0.2**2 / 3)
    assert m.sortino_ratio(r, annualization=1) == pytest.approx((-0.05 / 3) / downside)
    assert m.max_drawdown(r) == pytest.approx(-0.2)
    assert m.max_drawdown(np.array([-0.1, 0.05])) == pytest.approx(-0.1)  # from the start
    assert m.calmar_ratio(r, annualization=3) == pytest.approx((1.1 * 0.8 * 1.05 - 1) / 0.2)
    assert m.best_day(r) == 0.10 and m.worst_day(r) == -0.20
    b = np.array([0.05, -0.10, 0.02])
    # empyrical's capture: CAGRs over the kept periods only (2 up periods, 1 down period)
    assert m.up_capture(r, b, annualization=2) == pytest.approx(
        (1.1 * 1.05 - 1) / (1.05 * 1.02 - 1)
    )
    assert m.up_capture(r, b, annualization=1) == pytest.approx(
        (math.sqrt(1.1 * 1.05) - 1) / (math.sqrt(1.05 * 1.02) - 1)
    )
    assert m.down_capture(r, b, annualization=1) == pytest.approx(2.0)
    assert m.beta(2 * b + 0.01, b) == pytest.approx(2.0)
    assert m.alpha(2 * b + 0.01, b, annualization=2) == pytest.approx(1.01**2 - 1)
    assert m.correlation(-b, b) == pytest.approx(-1.0)


def test_drawdown_details_by_hand():
    dates = pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-08", "2024-01-09"])
    # wealth 1.1, 0.88, 0.968, 1.1616, 1.1: peak Jan 2, trough Jan 3, back above 1.1 on Jan 8
    r = pd.Series([0.1, -0.2, 0.1, 0.2, -0.0530303], index=dates)
    d = m.drawdown_details(r)
    assert d["max_drawdown"] == pytest.approx(-0.2)
    assert (d["peak"], d["trough"], d["recovery"]) == (dates[0], dates[1], dates[3])
    assert (d["duration_days"], d["duration_periods"]) == (6, 3)

    never = m.drawdown_details(pd.Series([0.1, -0.5, 0.2], index=dates[:3]))
    assert never["recovery"] is None
    assert (never["duration_days"], never["duration_periods"]) == (2, 2)  # to the last date

    from_start = m.drawdown_details(pd.Series([-0.1, 0.2], index=dates[:2]))
    assert from_start["max_drawdown"] == pytest.approx(-0.1)
    assert from_start["peak"] is None and from_start["trough"] == dates[0]
    assert from_start["recovery"] == dates[1]
    assert (from_start["duration_days"], from_start["duration_periods"]) == (None, 2)

    up_only = m.drawdown_details(pd.Series([0.01, 0.02], index=dates[:2]))
    assert up_only == {"max_drawdown": 0.0, "peak": None, "trough": None, "recovery": None,
                       "duration_days": 0, "duration_periods": 0}  # fmt: skip


def test_calendar_functions_by_hand():
    dates = pd.to_datetime(["2023-12-29", "2024-01-02", "2024-01-31", "2024-03-01"])
    r = pd.Series([0.1, 0.1, 0.1, -0.5], index=dates)
    assert m.calendar_year_returns(r).to_dict() == pytest.approx({2023: 0.1, 2024: 1.21 * 0.5 - 1})
    assert m.best_month(r) == pytest.approx(0.21)
    assert m.worst_month(r) == pytest.approx(-0.5)
    table = m.monthly_returns_table(r)
    assert list(table.index) == [2023, 2024]
    assert table.loc[2023, 12] == pytest.approx(0.1) and np.isnan(table.loc[2023, 1])
    assert table.loc[2024, 1] == pytest.approx(0.21) and np.isnan(table.loc[2024, 2])
    assert table.loc[2024, "year"] == pytest.approx(1.21 * 0.5 - 1)


def test_rolling_is_the_scalar_function_on_each_window():
    r = pd.Series([0.01, -0.02, 0.03, 0.0, 0.02], index=pd.bdate_range("2024-01-01", periods=5))
    out = m.rolling_sharpe(r, window=3, annualization=1)
    assert out.index.equals(r.index) and out.iloc[:2].isna().all()
    for i in range(2, 5):
        assert out.iloc[i] == pytest.approx(m.sharpe_ratio(r.iloc[i - 2 : i + 1], annualization=1))
    assert m.rolling_volatility(r, window=10).isna().all()  # shorter than one window


# --------------------------------------------------------------------------------------------
# edge cases and the NaN policy

SCALARS = [
    m.total_return, m.annual_return, m.annual_volatility, m.sharpe_ratio, m.sortino_ratio,
    m.max_drawdown, m.calmar_ratio, m.best_day, m.worst_day,
]  # fmt: skip
PAIRED = [
    m.beta, m.alpha, m.correlation, m.tracking_error, m.information_ratio, m.up_capture,
    m.down_capture,
]  # fmt: skip
DATED = [m.best_month, m.worst_month]


@pytest.mark.parametrize("f", SCALARS + PAIRED + DATED, ids=lambda f: f.__name__)
def test_empty_input_is_nan(f):
    empty = pd.Series([], dtype=float, index=pd.DatetimeIndex([]))
    assert np.isnan(f(empty, empty) if f in PAIRED else f(empty))


def test_empty_input_for_series_results():
    empty = pd.Series([], dtype=float, index=pd.DatetimeIndex([]))
    assert m.drawdown_series(empty).empty
    assert m.calendar_year_returns(empty).empty
    table = m.monthly_returns_table(empty)
    assert table.empty and list(table.columns) == [*range(1, 13), "year"]
    assert m.rolling_sharpe(empty).empty
    d = m.drawdown_details(empty)
    assert np.isnan(d["max_drawdown"]) and d["peak"] is None and d["duration_days"] is None


def test_one_value():
    one = np.array([0.02])
    assert m.total_return(one) == pytest.approx(0.02)
    assert m.annual_return(one, annualization=1) == pytest.approx(0.02)
    assert m.max_drawdown(one) == 0.0 and m.max_drawdown(-one) == pytest.approx(-0.02)
    for f in (m.annual_volatility, m.sharpe_ratio, m.sortino_ratio):
        assert np.isnan(f(one)), f.__name__
    assert np.isnan(m.calmar_ratio(one))  # no drawdown
    for f in (m.beta, m.alpha, m.correlation, m.tracking_error, m.information_ratio):
        assert np.isnan(f(one, one)), f.__name__


def test_zero_volatility_is_nan_not_inf():
    flat = np.full(20, 0.001)  # the mean differs from the values in the last bit
    assert m.annual_volatility(flat) == 0.0
    assert np.isnan(m.sharpe_ratio(flat))
    assert np.isnan(m.sortino_ratio(flat))  # no return below the threshold
    assert np.isnan(m.calmar_ratio(flat))  # no drawdown
    r = _synthetic()[0].to_numpy()[:20]
    assert np.isnan(m.beta(r, flat)) and np.isnan(m.alpha(r, flat))
    assert np.isnan(m.correlation(r, flat))
    assert np.isnan(m.information_ratio(flat + 0.01, flat))  # constant active return
    assert np.isnan(m.up_capture(r, -np.abs(r)))  # the benchmark never rises
    assert np.isnan(m.down_capture(r, np.abs(r)))  # ... never falls


def test_nan_returns_are_dropped():
    r, b = _synthetic()
    r, b = r.iloc[:300].copy(), b.iloc[:300].copy()
    holes = r.copy()
    holes.iloc[[0, 17, 150, 299]] = np.nan
    kept = holes.dropna()
    for f in SCALARS:
        assert f(holes) == pytest.approx(f(kept), rel=1e-12), f.__name__
        assert f(holes.to_numpy()) == pytest.approx(f(kept.to_numpy()), rel=1e-12), f.__name__
    for f in DATED:
        assert f(holes) == pytest.approx(f(kept), rel=1e-12), f.__name__
    pd.testing.assert_series_equal(m.drawdown_series(holes), m.drawdown_series(kept))
    assert m.drawdown_details(holes) == m.drawdown_details(kept)
    bench_holes = b.copy()
    bench_holes.iloc[[5, 6]] = np.nan
    both = holes.notna() & bench_holes.notna()
    for f in PAIRED:
        assert f(holes, bench_holes) == pytest.approx(f(r[both], b[both]), rel=1e-12), f.__name__
    # a window keeps its length; the scalar function drops the NaN inside it
    roll = m.rolling_volatility(holes, window=50)
    assert roll.iloc[66] == pytest.approx(m.annual_volatility(holes.iloc[17:67]), rel=1e-12)


def test_errors_name_the_parameter_and_the_rule():
    r = _synthetic()[0].iloc[:30]
    with pytest.raises(ValueError, match="one-dimensional"):
        m.sharpe_ratio(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="same length"):
        m.beta(np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match="DatetimeIndex"):
        m.drawdown_details(r.to_numpy())
    with pytest.raises(TypeError, match="DatetimeIndex"):
        m.calendar_year_returns(r.reset_index(drop=True))
    with pytest.raises(ValueError, match="time-zone-naive"):
        m.best_month(r.tz_localize("UTC"))
    with pytest.raises(ValueError, match="sorted"):
        m.monthly_returns_table(r.iloc[::-1])
    for bad in (0, -5, 2.5, True):
        with pytest.raises(ValueError, match="`window` must be a positive integer"):
            m.rolling_sharpe(r, window=bad)


def test_inputs_are_not_mutated():
    r, b = _synthetic()
    r, b = r.iloc[:400].copy(), b.iloc[:400].copy()
    r.iloc[3] = np.nan
    r_before, b_before = r.copy(), b.copy()
    arr = r.to_numpy(copy=True)
    arr_before = arr.copy()
    for f in SCALARS:
        f(r)
        f(arr)
    for f in PAIRED:
        f(r, b)
        f(arr, b.to_numpy())
    for f in [*DATED, m.calendar_year_returns, m.monthly_returns_table, m.drawdown_details,
              m.drawdown_series, m.rolling_annual_return, m.rolling_volatility, m.rolling_sharpe]:  # fmt: skip
        f(r)
    m.sharpe_ratio(r, risk_free=0.001)
    m.sortino_ratio(arr, risk_free=0.001)
    pd.testing.assert_series_equal(r, r_before)
    pd.testing.assert_series_equal(b, b_before)
    np.testing.assert_array_equal(arr, arr_before)


def test_backtest_signatures_still_work():
    """The backtest calls the original functions positionally on returns_from_levels output."""
    levels = pd.Series([100.0, 101.0, 99.0, 102.0], index=pd.bdate_range("2024-01-01", periods=4))
    r = m.returns_from_levels(levels)
    assert len(r) == 3 and r.index[0] == levels.index[1]
    assert m.total_return(r) == pytest.approx(0.02)
    assert np.isfinite(m.tracking_error(r, r * 0.5)) and np.isfinite(
        m.information_ratio(r, r * 0.5)
    )
