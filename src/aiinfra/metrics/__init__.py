"""Pure functions on return series (empyrical-style; depends on nothing else in aiinfra).

Conventions shared by every function (each docstring repeats the ones it relies on):

- ``returns`` are simple periodic returns (``0.01`` is +1 %), returns first, as a
  :class:`pandas.Series` or, where no dates are needed, a 1-d array. Daily data is assumed:
  ``annualization`` is the number of periods per year, 252 trading days by default.
- Growth is geometric: a period's return compounds, ``Π(1 + r) − 1``; never a sum.
- NaN policy: NaN returns are missing observations and are dropped before the computation (a
  calendar month or a rolling window is computed from the values it has). Against a benchmark,
  two Series are aligned on their dates (a date missing from either is dropped) and arrays are
  paired by position. Undefined results (no data, fewer than two returns, zero volatility, zero
  downside risk, no drawdown for the Calmar ratio) are NaN, never an exception.
- Functions that need dates take a Series with a sorted, time-zone-naive
  :class:`pandas.DatetimeIndex` (calendar months and years are those of the index labels).
- Inputs are never mutated.

The definitions follow empyrical (Quantopian, continued as empyrical-reloaded), against which
``tests/unit/test_metrics.py`` checks them; departures (NaN instead of ±inf for a zero
denominator, rolling windows aligned to the input index) are stated where they apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from aiinfra.metrics._factsheet import (
    PERIODS,
    conditional_value_at_risk,
    period_returns,
    rolling_beta,
    top_drawdowns,
    value_at_risk,
)
from aiinfra.metrics._robustness import (
    EULER_MASCHERONI,
    PBOResult,
    deflated_sharpe_ratio,
    expected_max_sharpe,
    pbo,
    probabilistic_sharpe_ratio,
)

__all__ = [
    "EULER_MASCHERONI",
    "PERIODS",
    "DrawdownDetails",
    "PBOResult",
    "alpha",
    "annual_return",
    "annual_volatility",
    "best_day",
    "best_month",
    "beta",
    "calendar_year_returns",
    "calmar_ratio",
    "conditional_value_at_risk",
    "correlation",
    "deflated_sharpe_ratio",
    "down_capture",
    "drawdown_details",
    "drawdown_series",
    "expected_max_sharpe",
    "information_ratio",
    "max_drawdown",
    "monthly_returns_table",
    "pbo",
    "period_returns",
    "probabilistic_sharpe_ratio",
    "returns_from_levels",
    "rolling_annual_return",
    "rolling_beta",
    "rolling_sharpe",
    "rolling_volatility",
    "sharpe_ratio",
    "sortino_ratio",
    "top_drawdowns",
    "total_return",
    "tracking_error",
    "up_capture",
    "value_at_risk",
    "worst_day",
    "worst_month",
]

ArrayLike = pd.Series | np.ndarray

NAN = float("nan")


# --------------------------------------------------------------------------------------------
# input handling (every helper returns new objects: inputs are never mutated)


def _values(returns: ArrayLike, name: str = "returns") -> np.ndarray:
    """The non-NaN values of a 1-d series as a new float array."""
    a: np.ndarray = np.asarray(returns, dtype=float)
    if a.ndim != 1:
        raise ValueError(f"`{name}` must be one-dimensional (got shape {a.shape})")
    kept: np.ndarray = a[~np.isnan(a)]
    return kept


def _dated(returns: ArrayLike, name: str = "returns") -> pd.Series:
    """The non-NaN values of a Series with a sorted, time-zone-naive DatetimeIndex (a copy)."""
    if not isinstance(returns, pd.Series):
        raise TypeError(
            f"`{name}` must be a pandas Series with a DatetimeIndex (got {type(returns).__name__})"
        )
    if not isinstance(returns.index, pd.DatetimeIndex):
        raise TypeError(f"`{name}` must have a DatetimeIndex (got {type(returns.index).__name__})")
    if returns.index.tz is not None:
        raise ValueError(
            f"`{name}` must have a time-zone-naive DatetimeIndex (got tz={returns.index.tz}); "
            "use `.tz_localize(None)`"
        )
    if not returns.index.is_monotonic_increasing:
        raise ValueError(f"`{name}` must have a sorted DatetimeIndex; use `.sort_index()`")
    return returns.astype(float).dropna()


def _pair(returns: ArrayLike, benchmark: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Aligned, NaN-free copies of a return series and its benchmark.

    Two Series are aligned on their index (inner join); otherwise the inputs are paired by
    position and must have the same length. Pairs where either value is NaN are dropped.
    """
    if isinstance(returns, pd.Series) and isinstance(benchmark, pd.Series):
        r_s, b_s = returns.align(benchmark, join="inner")
        r, b = r_s.to_numpy(dtype=float), b_s.to_numpy(dtype=float)
    else:
        r, b = np.asarray(returns, dtype=float), np.asarray(benchmark, dtype=float)
    if r.ndim != 1 or b.ndim != 1:
        raise ValueError(
            f"`returns` and `benchmark` must be one-dimensional (got shapes {r.shape}, {b.shape})"
        )
    if r.shape != b.shape:
        raise ValueError(
            f"`returns` and `benchmark` must have the same length (got {r.size} and {b.size}); "
            "pass two Series to align them on their dates"
        )
    keep = ~(np.isnan(r) | np.isnan(b))
    return r[keep], b[keep]


def _is_constant(a: np.ndarray) -> bool:
    """True when every value is equal (the sample deviation is then exactly 0, not 1e-18)."""
    return bool(a.size > 0 and np.max(a) == np.min(a))


# --------------------------------------------------------------------------------------------
# levels and totals


def returns_from_levels(levels: pd.Series) -> pd.Series:
    """Simple returns of a level series (the first date is dropped).

    Parameters
    ----------
    levels : Series of shape (n_dates,)
        Index or price levels, NaN-free.

    Returns
    -------
    Series of shape (n_dates − 1,)
        ``levels[t] / levels[t−1] − 1`` on the dates ``t`` from the second one.

    Examples
    --------
    >>> returns_from_levels(pd.Series([100.0, 105.0, 99.75])).round(4).tolist()
    [0.05, -0.05]
    """
    return levels.pct_change().iloc[1:]


def total_return(returns: ArrayLike) -> float:
    """Compounded return over the whole series, ``Π(1 + r) − 1``.

    Parameters
    ----------
    returns : Series or 1-d array of shape (n_periods,)
        Simple periodic returns. NaN values are dropped.

    Returns
    -------
    float
        NaN for an empty series.

    Examples
    --------
    >>> round(total_return(np.array([0.10, -0.10])), 10)
    -0.01
    """
    r = _values(returns)
    return NAN if r.size == 0 else float(np.prod(1.0 + r) - 1.0)


def annual_return(returns: ArrayLike, annualization: int = 252) -> float:
    """Compound annual growth rate, ``(1 + total_return)^(annualization / n) − 1``.

    Parameters
    ----------
    returns : Series or 1-d array of shape (n_periods,)
        Simple periodic returns. NaN values are dropped (``n`` counts the others).
    annualization : int
        Periods per year: 252 trading days for daily returns, 12 for monthly.

    Returns
    -------
    float
        NaN for an empty series. Same as ``empyrical.annual_return`` (``cagr``).

    Examples
    --------
    >>> round(annual_return(np.full(252, 0.001)), 6)
    0.286434
    """
    r = _values(returns)
    if r.size == 0:
        return NAN
    growth = float(np.prod(1.0 + r))
    return float(growth ** (annualization / r.size) - 1.0)


def annual_volatility(returns: ArrayLike, annualization: int = 252) -> float:
    """Sample standard deviation (ddof=1) of the returns × √annualization.

    Parameters
    ----------
    returns : Series or 1-d array of shape (n_periods,)
        Simple periodic returns. NaN values are dropped.
    annualization : int
        Periods per year (252 trading days for daily returns).

    Returns
    -------
    float
        NaN for fewer than two returns. Same as ``empyrical.annual_volatility``.

    Examples
    --------
    >>> round(annual_volatility(np.array([0.01, -0.01, 0.01, -0.01])), 6)
    0.183303
    """
    r = _values(returns)
    if r.size < 2:
        return NAN
    sd = 0.0 if _is_constant(r) else float(np.std(r, ddof=1))
    return float(sd * np.sqrt(annualization))


# --------------------------------------------------------------------------------------------
# risk-adjusted ratios


def sharpe_ratio(returns: ArrayLike, risk_free: float = 0.0, annualization: int = 252) -> float:
    """Mean excess return over its sample standard deviation, × √annualization.

    Parameters
    ----------
    returns : Series or 1-d array of shape (n_periods,)
        Simple periodic returns. NaN values are dropped.
    risk_free : float
        Risk-free rate *per period* (a daily rate for daily returns), subtracted from each return.
    annualization : int
        Periods per year (252 trading days for daily returns).

    Returns
    -------
    float
        NaN for fewer than two returns or when the excess returns do not vary (empyrical gives
        ±inf there). Otherwise the same as ``empyrical.sharpe_ratio``.

    Examples
    --------
    >>> round(sharpe_ratio(np.array([0.02, 0.0, 0.01, -0.01])), 4)
    6.1482
    """
    r = _values(returns) - risk_free
    if r.size < 2 or _is_constant(r):
        return NAN
    return float(np.mean(r) / np.std(r, ddof=1) * np.sqrt(annualization))


def sortino_ratio(returns: ArrayLike, risk_free: float = 0.0, annualization: int = 252) -> float:
    """Annualised mean excess return over the annualised downside deviation.

    The downside deviation is ``√mean(min(r − risk_free, 0)²)``, the mean taken over *all*
    periods (not only the losing ones), as in empyrical's ``downside_risk``.

    Parameters
    ----------
    returns : Series or 1-d array of shape (n_periods,)
        Simple periodic returns. NaN values are dropped.
    risk_free : float
        Minimum acceptable return *per period* (the risk-free rate, usually).
    annualization : int
        Periods per year (252 trading days for daily returns).

    Returns
    -------
    float
        NaN for fewer than two returns or no return below ``risk_free`` (empyrical gives inf
        there). Otherwise the same as ``empyrical.sortino_ratio(returns, required_return=rf)``.

    Examples
    --------
    >>> round(sortino_ratio(np.array([0.02, -0.01, 0.01, 0.0]), annualization=4), 4)
    2.0
    """
    r = _values(returns) - risk_free
    if r.size < 2:
        return NAN
    downside = float(np.sqrt(np.mean(np.minimum(r, 0.0) ** 2)))
    if downside == 0:
        return NAN
    return float(np.mean(r) * annualization / (downside * np.sqrt(annualization)))


# --------------------------------------------------------------------------------------------
# drawdowns


def drawdown_series(returns: ArrayLike) -> pd.Series:
    """Fall of the compounded wealth below its running peak after each period.

    Wealth starts at 1 before the first return, so a loss on the first period is a drawdown.

    Parameters
    ----------
    returns : Series or 1-d array of shape (n_periods,)
        Simple periodic returns in time order. NaN values are dropped.

    Returns
    -------
    Series of shape (n_valid,)
        ``wealth_t / max(1, wealth_1..t) − 1`` (≤ 0), indexed like the non-NaN returns (a
        RangeIndex for an array), named ``drawdown``. Same as ``empyrical``'s.

    Examples
    --------
    >>> drawdown_series(np.array([0.1, -0.5, 0.2])).round(2).tolist()
    [0.0, -0.5, -0.4]
    """
    if isinstance(returns, pd.Series):
        s = returns.astype(float).dropna()
        r, index = s.to_numpy(dtype=float), s.index
    else:
        r = _values(returns)
        index = pd.RangeIndex(r.size)
    wealth = np.cumprod(1.0 + r)
    peak = np.maximum(np.maximum.accumulate(wealth), 1.0) if r.size else wealth
    return pd.Series(wealth / peak - 1.0, index=index, name="drawdown")


def max_drawdown(returns: ArrayLike) -> float:
    """Largest peak-to-trough fall of the compounded series, as a negative fraction.

    Parameters
    ----------
    returns : Series or 1-d array of shape (n_periods,)
        Simple periodic returns in time order. NaN values are dropped. Wealth starts at 1
        before the first return.

    Returns
    -------
    float
        ≤ 0; 0 when the wealth never falls; NaN for an empty series. Same as
        ``empyrical.max_drawdown``.

    Examples
    --------
    >>> max_drawdown(np.array([0.1, -0.5, 0.2]))
    -0.5
    """
    r = _values(returns)
    if r.size == 0:
        return NAN
    wealth = np.concatenate([[1.0], np.cumprod(1.0 + r)])
    peak = np.maximum.accumulate(wealth)
    return float(np.min(wealth / peak - 1.0))


class DrawdownDetails(TypedDict):
    """The maximum drawdown with its dates (see :func:`drawdown_details`)."""

    max_drawdown: float
    peak: pd.Timestamp | None
    trough: pd.Timestamp | None
    recovery: pd.Timestamp | None
    duration_days: int | None
    duration_periods: int


def drawdown_details(returns: pd.Series) -> DrawdownDetails:
    """The maximum drawdown, when it started and ended, and how long it lasted.

    Parameters
    ----------
    returns : Series of shape (n_periods,)
        Simple periodic returns with a sorted, time-zone-naive DatetimeIndex; the return on
        date ``t`` takes the wealth from the close before ``t`` to the close of ``t``. NaN
        values are dropped. Wealth starts at 1 before the first return.

    Returns
    -------
    DrawdownDetails (a dict)
        ``max_drawdown``: as :func:`max_drawdown` (NaN for an empty series).
        ``peak``: the date of the high-water mark the drawdown falls from; None when that mark
        is the starting wealth (the fall began with the first return, whose previous close has
        no date in ``returns``) or when there is no drawdown.
        ``trough``: the date of the lowest wealth (the first one on a tie).
        ``recovery``: the first date after the trough when the wealth is back at the peak;
        None if it never recovers.
        ``duration_days``: calendar days from ``peak`` to ``recovery`` (to the last date when
        not recovered); 0 when the series has no drawdown; None when the drawdown starts at
        the first return (the starting wealth has no date) or the series is empty.
        ``duration_periods``: number of returns (trading days for daily data) from the peak to
        the recovery (or to the last date), counting the first return when the peak is the
        starting wealth; 0 without a drawdown.

    Raises
    ------
    TypeError
        ``returns`` is not a Series with a DatetimeIndex.
    ValueError
        The index is not sorted or not time-zone-naive.

    Examples
    --------
    >>> r = pd.Series([0.1, -0.5, 0.2, 1.0], index=pd.bdate_range("2024-01-01", periods=4))
    >>> d = drawdown_details(r)
    >>> d["max_drawdown"], str(d["peak"].date()), str(d["trough"].date())
    (-0.5, '2024-01-01', '2024-01-02')
    >>> str(d["recovery"].date()), d["duration_days"], d["duration_periods"]
    ('2024-01-04', 3, 3)
    """
    s = _dated(returns)
    r = s.to_numpy(dtype=float)
    none: DrawdownDetails = {
        "max_drawdown": NAN if r.size == 0 else 0.0,
        "peak": None,
        "trough": None,
        "recovery": None,
        "duration_days": None if r.size == 0 else 0,
        "duration_periods": 0,
    }
    if r.size == 0:
        return none
    wealth = np.concatenate([[1.0], np.cumprod(1.0 + r)])  # position 0: before the first date
    peak_so_far = np.maximum.accumulate(wealth)
    dd = wealth / peak_so_far - 1.0
    trough = int(np.argmin(dd))
    if dd[trough] >= 0:
        return none
    peak = int(np.flatnonzero(wealth[: trough + 1] == peak_so_far[trough])[-1])
    back = np.flatnonzero(wealth[trough + 1 :] >= wealth[peak])
    recovery = trough + 1 + int(back[0]) if back.size else None
    end = recovery if recovery is not None else r.size
    dates = s.index
    peak_date = None if peak == 0 else pd.Timestamp(dates[peak - 1])
    end_date = pd.Timestamp(dates[end - 1])
    return {
        "max_drawdown": float(dd[trough]),
        "peak": peak_date,
        "trough": pd.Timestamp(dates[trough - 1]),
        "recovery": None if recovery is None else pd.Timestamp(dates[recovery - 1]),
        "duration_days": None if peak_date is None else int((end_date - peak_date).days),
        "duration_periods": int(end - peak),
    }


def calmar_ratio(returns: ArrayLike, annualization: int = 252) -> float:
    """Annual return over the size of the maximum drawdown, ``annual_return / |max_drawdown|``.

    Parameters
    ----------
    returns : Series or 1-d array of shape (n_periods,)
        Simple periodic returns in time order. NaN values are dropped.
    annualization : int
        Periods per year (252 trading days for daily returns).

    Returns
    -------
    float
        NaN for an empty series or when there is no drawdown. Same as
        ``empyrical.calmar_ratio``.

    Examples
    --------
    >>> round(calmar_ratio(np.array([0.1, -0.5, 0.2]), annualization=3), 4)
    -0.68
    """
    mdd = max_drawdown(returns)
    if not mdd < 0:
        return NAN
    return annual_return(returns, annualization) / abs(mdd)


# --------------------------------------------------------------------------------------------
# calendar periods


def best_day(returns: ArrayLike) -> float:
    """Highest single-period return (NaN dropped; NaN for an empty series).

    Examples
    --------
    >>> best_day(np.array([0.01, np.nan, -0.02, 0.03]))
    0.03
    """
    r = _values(returns)
    return NAN if r.size == 0 else float(np.max(r))


def worst_day(returns: ArrayLike) -> float:
    """Lowest single-period return (NaN dropped; NaN for an empty series).

    Examples
    --------
    >>> worst_day(np.array([0.01, np.nan, -0.02, 0.03]))
    -0.02
    """
    r = _values(returns)
    return NAN if r.size == 0 else float(np.min(r))


def _compound(returns: pd.Series, keys: list[pd.Index]) -> pd.Series:
    """``Π(1 + r) − 1`` of the returns in each group (a new Series)."""
    return (1.0 + returns).groupby(keys).prod() - 1.0


def _monthly(returns: ArrayLike) -> pd.Series:
    s = _dated(returns)
    idx = pd.DatetimeIndex(s.index)
    return _compound(s, [idx.year, idx.month])


def best_month(returns: pd.Series) -> float:
    """Highest calendar-month return, compounded from the periods in each month.

    Parameters
    ----------
    returns : Series of shape (n_periods,)
        Simple periodic returns with a sorted, time-zone-naive DatetimeIndex. NaN dropped.

    Returns
    -------
    float
        NaN for an empty series. A partial first or last month counts as a month.

    Examples
    --------
    >>> r = pd.Series([0.1, 0.1, -0.05], index=pd.to_datetime(["2024-01-30", "2024-01-31",
    ...                                                        "2024-02-01"]))
    >>> round(best_month(r), 4), round(worst_month(r), 4)
    (0.21, -0.05)
    """
    m = _monthly(returns)
    return NAN if m.empty else float(m.max())


def worst_month(returns: pd.Series) -> float:
    """Lowest calendar-month return, compounded from the periods in each month.

    Parameters
    ----------
    returns : Series of shape (n_periods,)
        Simple periodic returns with a sorted, time-zone-naive DatetimeIndex. NaN dropped.

    Returns
    -------
    float
        NaN for an empty series. A partial first or last month counts as a month.

    Examples
    --------
    >>> r = pd.Series([0.1, -0.2], index=pd.to_datetime(["2024-01-31", "2024-03-01"]))
    >>> round(worst_month(r), 10)
    -0.2
    """
    m = _monthly(returns)
    return NAN if m.empty else float(m.min())


def calendar_year_returns(returns: pd.Series) -> pd.Series:
    """Compounded return of each calendar year.

    Parameters
    ----------
    returns : Series of shape (n_periods,)
        Simple periodic returns with a sorted, time-zone-naive DatetimeIndex. NaN dropped.

    Returns
    -------
    Series indexed by year (int), named ``return``
        ``Π(1 + r) − 1`` over the periods of each year present; a partial first or last year
        covers only its own dates. Same as ``empyrical.aggregate_returns(r, "yearly")``.

    Examples
    --------
    >>> r = pd.Series([0.1, 0.1, -0.5], index=pd.to_datetime(["2023-12-28", "2023-12-29",
    ...                                                        "2024-01-02"]))
    >>> calendar_year_returns(r).round(4).to_dict()
    {2023: 0.21, 2024: -0.5}
    """
    s = _dated(returns)
    out = _compound(s, [pd.DatetimeIndex(s.index).year])
    out.index = pd.Index(out.index.astype(int), name="year")
    return out.rename("return")


def monthly_returns_table(returns: pd.Series) -> pd.DataFrame:
    """Calendar-month returns as a table: one row per year, columns 1..12 and ``year``.

    Parameters
    ----------
    returns : Series of shape (n_periods,)
        Simple periodic returns with a sorted, time-zone-naive DatetimeIndex. NaN dropped.

    Returns
    -------
    DataFrame of shape (n_years, 13)
        Indexed by year (int). Columns ``1`` … ``12``: the compounded return of each month (NaN
        for a month without data); ``year``: the compounded return of the year, as
        :func:`calendar_year_returns` (equal to ``Π(1 + month) − 1`` over its months).

    Examples
    --------
    >>> r = pd.Series([0.1, 0.1, -0.5], index=pd.to_datetime(["2024-01-30", "2024-01-31",
    ...                                                        "2024-03-01"]))
    >>> t = monthly_returns_table(r)
    >>> t.loc[2024, [1, 2, 3, "year"]].round(3).tolist()
    [0.21, nan, -0.5, -0.395]
    """
    months = list(range(1, 13))
    m = _monthly(returns)
    if m.empty:
        table = pd.DataFrame(columns=[*months, "year"], dtype=float)
        table.index = pd.Index([], dtype=int)
        return table
    table = m.unstack().reindex(columns=months)
    table.index = pd.Index(table.index.astype(int))
    table.columns = pd.Index(months)
    table["year"] = calendar_year_returns(returns).to_numpy()
    table.columns.name = "month"
    return table


# --------------------------------------------------------------------------------------------
# rolling windows, derived from the scalar functions


def _rolling(returns: ArrayLike, window: int, stat: Callable[[np.ndarray], float]) -> pd.Series:
    """``stat`` of every window of ``window`` consecutive returns, aligned to the window's end."""
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1:
        raise ValueError(f"`window` must be a positive integer (got {window!r})")
    a = np.asarray(returns, dtype=float)
    if a.ndim != 1:
        raise ValueError(f"`returns` must be one-dimensional (got shape {a.shape})")
    index = returns.index if isinstance(returns, pd.Series) else pd.RangeIndex(a.size)
    out = np.full(a.size, np.nan)
    if a.size >= window:
        views = sliding_window_view(a, int(window))  # read-only views: nothing is copied
        out[window - 1 :] = np.fromiter((stat(v) for v in views), dtype=float, count=len(views))
    return pd.Series(out, index=index)


def rolling_annual_return(
    returns: ArrayLike, window: int = 252, annualization: int = 252
) -> pd.Series:
    """:func:`annual_return` of each window of ``window`` consecutive returns.

    Parameters
    ----------
    returns : Series or 1-d array of shape (n_periods,)
        Simple periodic returns in time order.
    window : int
        Returns per window (252: one year of trading days).
    annualization : int
        Periods per year (252 trading days for daily returns).

    Returns
    -------
    Series of shape (n_periods,)
        Indexed like ``returns`` (a RangeIndex for an array); the value on a date is the
        statistic of the window ending there, NaN for the first ``window − 1`` dates. A NaN
        inside a window is dropped by the scalar function (the window then has fewer returns).
        empyrical's ``roll_*`` give the same values without the leading NaN.

    Examples
    --------
    >>> rolling_annual_return(np.array([0.1, -0.1, 0.2]), window=2, annualization=2).round(
    ...     4).tolist()
    [nan, -0.01, 0.08]
    """
    return _rolling(returns, window, lambda w: annual_return(w, annualization))


def rolling_volatility(
    returns: ArrayLike, window: int = 252, annualization: int = 252
) -> pd.Series:
    """:func:`annual_volatility` of each window of ``window`` consecutive returns.

    Parameters
    ----------
    returns : Series or 1-d array of shape (n_periods,)
        Simple periodic returns in time order.
    window : int
        Returns per window (252: one year of trading days).
    annualization : int
        Periods per year (252 trading days for daily returns).

    Returns
    -------
    Series of shape (n_periods,)
        As :func:`rolling_annual_return`: aligned to each window's last date, NaN before.

    Examples
    --------
    >>> rolling_volatility(np.array([0.01, -0.01, 0.03]), window=2, annualization=1).round(
    ...     4).tolist()
    [nan, 0.0141, 0.0283]
    """
    return _rolling(returns, window, lambda w: annual_volatility(w, annualization))


def rolling_sharpe(
    returns: ArrayLike, window: int = 252, risk_free: float = 0.0, annualization: int = 252
) -> pd.Series:
    """:func:`sharpe_ratio` of each window of ``window`` consecutive returns.

    Parameters
    ----------
    returns : Series or 1-d array of shape (n_periods,)
        Simple periodic returns in time order.
    window : int
        Returns per window (252: one year of trading days).
    risk_free : float
        Risk-free rate per period.
    annualization : int
        Periods per year (252 trading days for daily returns).

    Returns
    -------
    Series of shape (n_periods,)
        As :func:`rolling_annual_return`: aligned to each window's last date, NaN before (and
        NaN for a window without variation).

    Examples
    --------
    >>> rolling_sharpe(np.array([0.01, 0.03, 0.02, 0.02]), window=3, annualization=1).round(
    ...     4).tolist()
    [nan, nan, 2.0, 4.0415]
    """
    return _rolling(returns, window, lambda w: sharpe_ratio(w, risk_free, annualization))


# --------------------------------------------------------------------------------------------
# against a benchmark


def beta(returns: ArrayLike, benchmark: ArrayLike) -> float:
    """Slope of the returns on the benchmark returns, ``cov(r, b) / var(b)``.

    Parameters
    ----------
    returns, benchmark : Series or 1-d arrays of shape (n_periods,)
        Simple periodic returns. Two Series are aligned on their dates; arrays are paired by
        position (same length). Pairs with a NaN are dropped.

    Returns
    -------
    float
        NaN for fewer than two pairs or a benchmark without variation. Same as
        ``empyrical.beta`` (the risk-free rate does not change a slope).

    Examples
    --------
    >>> beta(np.array([0.02, -0.02, 0.04]), np.array([0.01, -0.01, 0.02]))
    2.0
    """
    r, b = _pair(returns, benchmark)
    if r.size < 2 or _is_constant(b):
        return NAN
    b_res = b - np.mean(b)
    var = float(np.mean(b_res**2))
    return NAN if var < 1e-30 else float(np.mean(b_res * r) / var)


def alpha(
    returns: ArrayLike, benchmark: ArrayLike, risk_free: float = 0.0, annualization: int = 252
) -> float:
    """Jensen's alpha, annualised by compounding: ``(1 + mean(ε))^annualization − 1``.

    ``ε_t = (r_t − rf) − β (b_t − rf)`` with ``β`` from :func:`beta`; this is empyrical's
    convention (a geometric annualisation of the mean daily residual, not ``× annualization``).

    Parameters
    ----------
    returns, benchmark : Series or 1-d arrays of shape (n_periods,)
        Simple periodic returns, aligned as for :func:`beta`. Pairs with a NaN are dropped.
    risk_free : float
        Risk-free rate per period.
    annualization : int
        Periods per year (252 trading days for daily returns).

    Returns
    -------
    float
        NaN when beta is undefined (fewer than two pairs, a constant benchmark). Same as
        ``empyrical.alpha``.

    Examples
    --------
    >>> round(alpha(np.array([0.03, -0.01, 0.05]), np.array([0.01, -0.01, 0.02]),
    ...             annualization=1), 10)
    0.01
    """
    r, b = _pair(returns, benchmark)
    slope = beta(r, b)
    if np.isnan(slope):
        return NAN
    residual = (r - risk_free) - slope * (b - risk_free)
    return float((1.0 + np.mean(residual)) ** annualization - 1.0)


def correlation(returns: ArrayLike, benchmark: ArrayLike) -> float:
    """Pearson correlation of the returns with the benchmark returns.

    Parameters
    ----------
    returns, benchmark : Series or 1-d arrays of shape (n_periods,)
        Simple periodic returns, aligned as for :func:`beta`. Pairs with a NaN are dropped.

    Returns
    -------
    float
        In [−1, 1]; NaN for fewer than two pairs or a series without variation.

    Examples
    --------
    >>> correlation(np.array([0.02, -0.02, 0.04]), np.array([0.01, -0.01, 0.02]))
    1.0
    """
    r, b = _pair(returns, benchmark)
    if r.size < 2 or _is_constant(r) or _is_constant(b):
        return NAN
    r_res, b_res = r - np.mean(r), b - np.mean(b)
    rho = float(np.sum(r_res * b_res) / np.sqrt(np.sum(r_res**2) * np.sum(b_res**2)))
    return float(np.clip(rho, -1.0, 1.0))


def tracking_error(returns: ArrayLike, benchmark: ArrayLike, annualization: int = 252) -> float:
    """Annualised sample standard deviation of the active return ``returns − benchmark``.

    Parameters
    ----------
    returns, benchmark : Series or 1-d arrays of shape (n_periods,)
        Simple periodic returns, aligned as for :func:`beta`. Pairs with a NaN are dropped.
    annualization : int
        Periods per year (252 trading days for daily returns).

    Returns
    -------
    float
        :func:`annual_volatility` of the active returns: NaN for fewer than two pairs.

    Examples
    --------
    >>> round(tracking_error(np.array([0.02, 0.0]), np.array([0.01, 0.01]), annualization=1), 6)
    0.014142
    """
    r, b = _pair(returns, benchmark)
    return annual_volatility(r - b, annualization)


def information_ratio(returns: ArrayLike, benchmark: ArrayLike, annualization: int = 252) -> float:
    """Mean active return over its standard deviation, × √annualization.

    Parameters
    ----------
    returns, benchmark : Series or 1-d arrays of shape (n_periods,)
        Simple periodic returns, aligned as for :func:`beta`. Pairs with a NaN are dropped.
    annualization : int
        Periods per year (252 trading days for daily returns).

    Returns
    -------
    float
        :func:`sharpe_ratio` of the active returns: NaN for fewer than two pairs or a zero
        tracking error. Equals ``empyrical.excess_sharpe × √annualization``.

    Examples
    --------
    >>> round(information_ratio(np.array([0.02, 0.0, 0.03]), np.array([0.01, 0.01, 0.01]),
    ...                         annualization=1), 4)
    0.4364
    """
    r, b = _pair(returns, benchmark)
    return sharpe_ratio(r - b, 0.0, annualization)


def _capture(r: np.ndarray, b: np.ndarray, annualization: int) -> float:
    strategy, bench = annual_return(r, annualization), annual_return(b, annualization)
    if np.isnan(strategy) or np.isnan(bench) or bench == 0:
        return NAN
    return strategy / bench


def up_capture(returns: ArrayLike, benchmark: ArrayLike, annualization: int = 252) -> float:
    """Annual return of the strategy over that of the benchmark, on the benchmark's up periods.

    empyrical's definition: keep the periods with ``benchmark > 0``, then divide the
    :func:`annual_return` (CAGR) of the kept strategy returns by that of the kept benchmark
    returns (both compounded over the kept periods only).

    Parameters
    ----------
    returns, benchmark : Series or 1-d arrays of shape (n_periods,)
        Simple periodic returns, aligned as for :func:`beta`. Pairs with a NaN are dropped.
    annualization : int
        Periods per year (252 trading days for daily returns).

    Returns
    -------
    float
        NaN when the benchmark never rises. Same as ``empyrical.up_capture``.

    Examples
    --------
    >>> round(up_capture(np.array([0.02, -0.03]), np.array([0.01, -0.02]), annualization=1), 10)
    2.0
    """
    r, b = _pair(returns, benchmark)
    up = b > 0
    return _capture(r[up], b[up], annualization)


def down_capture(returns: ArrayLike, benchmark: ArrayLike, annualization: int = 252) -> float:
    """Annual return of the strategy over that of the benchmark, on the benchmark's down periods.

    empyrical's definition: keep the periods with ``benchmark < 0``, then divide the
    :func:`annual_return` (CAGR) of the kept strategy returns by that of the kept benchmark
    returns. Below 1 means the strategy lost less than the benchmark when it fell.

    Parameters
    ----------
    returns, benchmark : Series or 1-d arrays of shape (n_periods,)
        Simple periodic returns, aligned as for :func:`beta`. Pairs with a NaN are dropped.
    annualization : int
        Periods per year (252 trading days for daily returns).

    Returns
    -------
    float
        NaN when the benchmark never falls. Same as ``empyrical.down_capture``.

    Examples
    --------
    >>> round(down_capture(np.array([0.02, -0.01]), np.array([0.01, -0.02]), annualization=1), 4)
    0.5
    """
    r, b = _pair(returns, benchmark)
    down = b < 0
    return _capture(r[down], b[down], annualization)
