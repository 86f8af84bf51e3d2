"""Factsheet and tearsheet numbers of a level series: period returns as of its last date, the
largest drawdowns, rolling beta and historical value at risk (pure functions; nothing of
aiinfra is imported).

Conventions: ``levels`` is a Series of index levels (positive) with a sorted, time-zone-naive
DatetimeIndex; NaN levels are dropped. ``returns`` are simple daily returns (``0.01`` is +1 %).
Undefined results (a history too short for the period, too few returns) are NaN, never an
exception. Inputs are never mutated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "PERIODS",
    "conditional_value_at_risk",
    "period_returns",
    "rolling_beta",
    "top_drawdowns",
    "value_at_risk",
]

NAN = float("nan")

#: the periods of :func:`period_returns`, in the order a factsheet shows them
PERIODS = ("1M", "3M", "YTD", "1Y", "3Y", "5Y", "inception", "inception_annualised")


def _levels(levels: pd.Series) -> pd.Series:
    if not isinstance(levels, pd.Series) or not isinstance(levels.index, pd.DatetimeIndex):
        raise TypeError("`levels` must be a pandas Series with a DatetimeIndex")
    if levels.index.tz is not None:
        raise ValueError("`levels` must have a time-zone-naive index")
    if not levels.index.is_monotonic_increasing:
        raise ValueError("`levels` must have a sorted index")
    return levels.dropna().astype(float)


def _since(lv: pd.Series, anchor: pd.Timestamp) -> float:
    """Return from the last level on or before ``anchor`` to the last level; NaN when the
    series starts after ``anchor``."""
    if lv.index[0] > anchor:
        return NAN
    start = float(lv.loc[:anchor].iloc[-1])
    return float(lv.iloc[-1] / start - 1.0)


def period_returns(levels: pd.Series) -> pd.Series:
    """Returns over the usual factsheet periods, as of the last date of ``levels``.

    Parameters
    ----------
    levels : Series of shape (n_dates,)
        Index levels with a sorted, time-zone-naive DatetimeIndex (NaN dropped).

    Returns
    -------
    Series indexed by :data:`PERIODS`
        ``1M``, ``3M``, ``1Y``, ``3Y``, ``5Y``: from the last level on or before the same
        calendar day 1, 3, 12, 36, 60 months earlier (month ends clipped: 31 March − 1M is
        28/29 February) to the last level; ``3Y`` and ``5Y`` annualised, ``(1 + r)^(1/3) − 1``
        and ``(1 + r)^(1/5) − 1``. ``YTD``: from the last level on or before 31 December of
        the previous year. Each is NaN when the series starts after its anchor date (a history
        too short). ``inception``: last / first − 1; ``inception_annualised``:
        ``(1 + inception)^(365.25 / days) − 1`` over the calendar days between the first and
        last date (NaN for a single date).

    Examples
    --------
    >>> lv = pd.Series([100.0, 110.0, 121.0],
    ...                index=pd.to_datetime(["2023-12-29", "2024-01-29", "2024-02-29"]))
    >>> r = period_returns(lv)
    >>> [round(float(r[k]), 4) for k in ("1M", "YTD", "inception")], bool(np.isnan(r["3M"]))
    ([0.1, 0.21, 0.21], True)
    """
    lv = _levels(levels)
    out = pd.Series(NAN, index=list(PERIODS), dtype=float)
    if lv.empty:
        return out
    last = pd.Timestamp(lv.index[-1])
    for key, months in (("1M", 1), ("3M", 3), ("1Y", 12), ("3Y", 36), ("5Y", 60)):
        r = _since(lv, last - pd.DateOffset(months=months))
        years = months // 12
        out[key] = (1.0 + r) ** (1.0 / years) - 1.0 if years > 1 else r
    out["YTD"] = _since(lv, pd.Timestamp(year=last.year - 1, month=12, day=31))
    total = float(lv.iloc[-1] / lv.iloc[0] - 1.0)
    out["inception"] = total
    days = (last - lv.index[0]).days
    out["inception_annualised"] = (1.0 + total) ** (365.25 / days) - 1.0 if days > 0 else NAN
    return out


def top_drawdowns(levels: pd.Series, n: int = 5) -> pd.DataFrame:
    """The ``n`` deepest drawdowns of ``levels``, deepest first.

    A drawdown runs from a high-water mark (``peak``) through its lowest level (``trough``) to
    the first date the level is back at or above the peak (``recovery``); the next drawdown
    can only start after that recovery, so the episodes do not overlap.

    Parameters
    ----------
    levels : Series of shape (n_dates,)
        Index levels with a sorted, time-zone-naive DatetimeIndex (NaN dropped).
    n : int
        How many drawdowns (at most).

    Returns
    -------
    DataFrame of shape (≤ n, 5)
        Columns ``peak``, ``trough``, ``recovery`` (NaT when not recovered by the last date),
        ``depth`` (trough / peak − 1, negative) and ``days`` (calendar days from peak to
        recovery, or to the last date when not recovered). Empty without a drawdown; a tie in
        depth keeps the earlier episode first.

    Examples
    --------
    >>> lv = pd.Series([100.0, 90, 100, 95, 80, 85],
    ...                index=pd.bdate_range("2024-01-01", periods=6))
    >>> t = top_drawdowns(lv)
    >>> t["depth"].round(3).tolist(), t["days"].tolist()
    ([-0.2, -0.1], [5, 2])
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"`n` must be a positive integer (got {n!r})")
    lv = _levels(levels)
    cols = ["peak", "trough", "recovery", "depth", "days"]
    v = lv.to_numpy()
    if v.size == 0:
        return pd.DataFrame(columns=cols)
    hwm = np.maximum.accumulate(v)
    under = v < hwm
    rows = []
    i = 0
    dates = lv.index
    while i < v.size:
        if not under[i]:
            i += 1
            continue
        start = i  # first date under water; the peak is the date before
        end = start
        while end < v.size and under[end]:
            end += 1
        peak = start - 1
        trough = start + int(np.argmin(v[start:end]))
        recovered = end < v.size
        stop = dates[end] if recovered else dates[-1]
        rows.append(
            {
                "peak": dates[peak],
                "trough": dates[trough],
                "recovery": dates[end] if recovered else pd.NaT,
                "depth": float(v[trough] / v[peak] - 1.0),
                "days": int((stop - dates[peak]).days),
            }
        )
        i = end
    if not rows:
        return pd.DataFrame(columns=cols)
    table = pd.DataFrame(rows, columns=cols)
    table = table.sort_values("depth", kind="stable").head(int(n)).reset_index(drop=True)
    table["recovery"] = pd.to_datetime(table["recovery"])
    return table


def rolling_beta(returns: pd.Series, benchmark: pd.Series, window: int = 252) -> pd.Series:
    """Beta of ``returns`` on ``benchmark`` over each window of ``window`` common dates.

    Parameters
    ----------
    returns, benchmark : Series of shape (n_periods,)
        Simple periodic returns, aligned on their dates (a date missing or NaN in either is
        dropped).
    window : int
        Returns per window (252: one year of trading days).

    Returns
    -------
    Series
        Indexed by the common dates; ``cov(r, b) / var(b)`` (sample moments) of the window
        ending on each date, NaN for the first ``window − 1`` dates and for a window whose
        benchmark does not vary. As :func:`aiinfra.metrics.beta` on each window.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=4)
    >>> b = pd.Series([0.01, -0.02, 0.03, 0.0], index=idx)
    >>> rolling_beta(2 * b, b, window=3).round(6).tolist()
    [nan, nan, 2.0, 2.0]
    """
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 2:
        raise ValueError(f"`window` must be an integer of at least 2 (got {window!r})")
    pair = pd.concat([returns.rename("r"), benchmark.rename("b")], axis=1, join="inner").dropna()
    roll = pair.rolling(int(window), min_periods=int(window))
    cov = roll.cov().xs("r", level=1)["b"] if len(pair) else pd.Series(dtype=float)
    var = pair["b"].rolling(int(window), min_periods=int(window)).var()
    out = cov / var.where(var > 1e-18)
    return out.reindex(pair.index).astype(float)


def _tail(returns: pd.Series | np.ndarray, level: float) -> tuple[np.ndarray, float]:
    if not 0.0 < level < 1.0:
        raise ValueError(f"`level` must be between 0 and 1, exclusive (got {level!r})")
    r = np.asarray(returns, dtype=float)
    return r[~np.isnan(r)], 1.0 - level


def value_at_risk(returns: pd.Series | np.ndarray, level: float = 0.95) -> float:
    """Historical value at risk of one period at confidence ``level``, as a positive loss.

    Returns
    -------
    float
        ``−q`` where ``q`` is the ``1 − level`` quantile of the returns (linear interpolation,
        numpy's default): 0.03 means a loss of 3 % or more on 5 % of days at ``level=0.95``.
        empyrical's ``value_at_risk(returns, cutoff=1 − level)`` is ``−`` this. NaN without
        returns (NaN dropped).

    Examples
    --------
    >>> round(value_at_risk(np.array([-0.05, -0.01, 0.0, 0.02, 0.04]), 0.75), 4)
    0.01
    """
    r, cut = _tail(returns, level)
    if r.size == 0:
        return NAN
    return float(-np.percentile(r, 100.0 * cut))


def conditional_value_at_risk(returns: pd.Series | np.ndarray, level: float = 0.95) -> float:
    """Historical conditional value at risk (expected shortfall) at ``level``, as a positive
    loss: minus the mean of the worst ``k + 1`` returns, ``k = ⌊(n − 1)(1 − level)⌋``.

    This is empyrical's ``conditional_value_at_risk(returns, cutoff=1 − level)`` with the sign
    turned; it is at least :func:`value_at_risk` up to the interpolation of the quantile. NaN
    without returns (NaN dropped).

    Examples
    --------
    >>> round(conditional_value_at_risk(np.array([-0.05, -0.01, 0.0, 0.02, 0.04]), 0.75), 4)
    0.03
    """
    r, cut = _tail(returns, level)
    if r.size == 0:
        return NAN
    k = int((r.size - 1) * cut)
    return float(-np.mean(np.partition(r, k)[: k + 1]))
