"""Return attribution of a backtest: which categories or constituents made the gross return.

The daily arithmetic is exact: between two effective dates the index holds fixed shares, so the
gross total return of day ``t`` is the sum over lines of the drifted weight at the previous close
times the line's total return. Linking the days into a period return needs a convention, because
returns compound and contributions add; this module uses Carino's logarithmic linking, which
makes the linked contributions add up to the compounded period return.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from aiinfra.backtest._backtest import BacktestResult
from aiinfra.exceptions import InvalidParameterError, MissingDataError

__all__ = ["attribution"]

By = Literal["category", "constituent"]
Period = Literal["year", "total"]
Method = Literal["carino", "sum"]

_COLUMNS = ["group", "period", "contribution", "weight_avg", "residual", "index_return"]


def _log_ratio(r: np.ndarray) -> np.ndarray:
    """Carino's factor ``ln(1 + r) / r`` (1 where ``r`` is 0, its limit)."""
    out = np.ones_like(r)
    nz = r != 0
    out[nz] = np.log1p(r[nz]) / r[nz]
    return out


def _daily(result: BacktestResult) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Daily contributions, weights at the previous close (days × lines) and GTR returns.

    Row ``t`` (every level date after the base date) holds ``w_i,t−1 · r_i,t`` and
    ``w_i,t−1``; the GTR Series holds ``GTR_t / GTR_t−1 − 1``.
    """
    if result.prices_usd is None:
        raise MissingDataError(
            "`result` has no `prices_usd`: attribution needs a BacktestResult from `backtest()`"
        )
    weights = result.calc.weights
    if weights.empty:
        raise MissingDataError("`result.calc.weights` is empty: the backtest holds no line")
    dates = pd.DatetimeIndex(result.levels.index)
    if len(dates) < 2:
        raise MissingDataError("attribution needs at least two level dates (one daily return)")
    lines = pd.Index(sorted(set(weights["security"])))
    missing = lines.difference(result.prices_usd.columns)
    if len(missing):
        raise MissingDataError(f"no USD prices for held line(s) {', '.join(map(str, missing))}")

    # shares in force at each close: those of the latest holdings block (a rebalance or a
    # corporate action) set at or before it (a line left out of a block holds 0 shares)
    shares = (
        weights.pivot(index="date", columns="security", values="shares")
        .reindex(columns=lines)
        .fillna(0.0)
        .sort_index()
        .reindex(dates, method="ffill")
        .fillna(0.0)
        .to_numpy(dtype=float)
    )
    px = result.prices_usd.reindex(index=dates, columns=lines).to_numpy(dtype=float)
    px = np.nan_to_num(px, nan=0.0)  # a price is missing only where no shares are held
    if result.dividends_usd is None:
        div = np.zeros_like(px)
    else:
        div = (
            result.dividends_usd.reindex(index=dates, columns=lines)
            .fillna(0.0)
            .to_numpy(dtype=float)
        )

    held = shares[:-1]  # shares at the close of t−1
    value = held * px[:-1]
    total = value.sum(axis=1, keepdims=True)
    contrib = held * (px[1:] + div[1:] - px[:-1]) / total  # = w_i,t−1 · r_i,t
    weight = value / total
    days = dates[1:]
    gtr = result.levels["GTR"].to_numpy(dtype=float)
    r_gtr = pd.Series(gtr[1:] / gtr[:-1] - 1.0, index=days)
    return (
        pd.DataFrame(contrib, index=days, columns=lines),
        pd.DataFrame(weight, index=days, columns=lines),
        r_gtr,
    )


# long: about 95 of its lines are the docstring (linking methods, references, a worked example)
def attribution(
    result: BacktestResult,
    by: By = "category",
    period: Period = "year",
    *,
    method: Method = "carino",
) -> pd.DataFrame:
    """Contribution of each category or constituent to the index's gross total return (GTR).

    Parameters
    ----------
    result : BacktestResult
        From :func:`aiinfra.backtest.backtest`; uses ``levels["GTR"]``, ``calc.weights``
        (``date``, ``security``, ``shares``), ``prices_usd``, ``dividends_usd`` and
        ``category_of``.
    by : {"category", "constituent"}
        Group the lines by category (C1..C7, from ``result.category_of``) or report each
        listing line (a ticker; ``result.company_of`` maps it to its company).
    period : {"year", "total"}
        One row per group and calendar year (``period`` is the int year), or per group over
        the whole backtest (``period`` is ``"total"``).
    method : {"carino", "sum"}
        How daily contributions are linked into a period (see Notes). Default ``"carino"``.

    Returns
    -------
    DataFrame with one row per (group, period) where the group was held
        ``group``; ``period``; ``contribution``: the group's linked contribution to the GTR
        return of the period; ``weight_avg``: its mean drifted weight at the previous close
        over the period's days; ``residual`` and ``index_return`` (the same on every row of a
        period): the GTR return of the period and what the contributions do not explain, so
        that per period ``sum(contribution) + residual == index_return`` exactly.

    Raises
    ------
    InvalidParameterError
        ``by``, ``period`` or ``method`` is not one of its values.
    MissingDataError
        ``result`` has no USD prices, no weights, or fewer than two level dates.

    Notes
    -----
    Daily step, for every level date ``t`` after the base date:
    ``c_i,t = w_i,t−1 · r_i,t`` with ``w_i,t−1 = N_i P_i,t−1 / Σ_j N_j P_j,t−1`` the drifted
    weight at the previous close and ``r_i,t = (P_i,t + d_i,t) / P_i,t−1 − 1``. ``N`` are the
    shares of ``calc.weights``, piecewise constant and switched at the close (``date``) of each
    rebalance and each corporate action that changes them (a removal reinvests at that close's
    prices, so the value is unchanged); ``P`` are ``prices_usd`` and ``d`` the gross dividends
    ``dividends_usd`` (0 when None). This is exactly the GTR return of day ``t`` of the level
    engine, so the daily residual ``e_t = r_GTR,t − Σ_i c_i,t`` is zero except for what
    share-weighted prices cannot see: transaction costs (deducted on the day after each
    effective date), special dividends (a divisor change), a SpinCo quoted before its ex-date
    (the engine values it at 0 there) and, when the backtest used an events file, cash
    dividends (``dividends_usd`` is None then).

    Linking over a period with GTR return ``R = Π(1 + r_GTR,t) − 1``:

    - ``"carino"`` (Carino 1999): each day is scaled by ``k_t / K`` with
      ``k_t = ln(1 + r_GTR,t) / r_GTR,t`` and ``K = ln(1 + R) / R`` (both 1 at a zero return).
      Since ``Σ_t ln(1 + r_t) = ln(1 + R)``, the scaled contributions plus the scaled daily
      residuals add up to ``R`` exactly: there is no compounding residual, and ``residual``
      is the linked ``e_t`` (costs and corporate actions only; about 1e-15 without them).
    - ``"sum"``: contributions are plain sums of daily contributions, and ``residual`` also
      holds the compounding cross-terms (``R − Σ_t r_t`` plus the daily residuals).

    Yearly contributions do not add up to the ``"total"`` ones (each period is linked on its
    own return). Cost: O(n_dates × n_lines) memory and time; no loop over dates or lines.

    References
    ----------
    D. Carino, "Combining attribution effects over time", *The Journal of Performance
    Measurement* 3(4), 1999, pp. 5–14.

    Examples
    --------
    Two lines bought 50/50; A gains 10 % a day, B loses 10 % then stays flat:

    >>> from aiinfra.index import Rebalance, compute_levels
    >>> days = pd.bdate_range("2024-01-01", periods=3)
    >>> close = pd.DataFrame({"A": [100.0, 110.0, 121.0], "B": [100.0, 90.0, 90.0]}, index=days)
    >>> calc = compute_levels(close, [Rebalance(days[0], days[0], pd.Series({"A": .5, "B": .5}))])
    >>> res = BacktestResult(calc.levels, [], calc, pd.DataFrame(), {}, prices_usd=close)
    >>> out = attribution(res, "constituent", "total", method="sum")
    >>> out[["group", "contribution", "weight_avg"]].round(4).to_dict("list")
    {'group': ['A', 'B'], 'contribution': [0.105, -0.05], 'weight_avg': [0.525, 0.475]}
    >>> (out.loc[0, ["index_return", "residual"]].astype(float).round(4) + 0.0).tolist()
    [0.055, 0.0]

    On a backtest: ``attribution(backtest(ledger, prices.get, methodology, start, end))``.
    """
    if by not in ("category", "constituent"):
        raise InvalidParameterError(f"`by` must be 'category' or 'constituent' (got {by!r})")
    if period not in ("year", "total"):
        raise InvalidParameterError(f"`period` must be 'year' or 'total' (got {period!r})")
    if method not in ("carino", "sum"):
        raise InvalidParameterError(f"`method` must be 'carino' or 'sum' (got {method!r})")

    contrib, weight, r_gtr = _daily(result)
    lines = contrib.columns
    labels = (
        lines.map(lambda t: result.category_of.get(str(t), "unclassified"))
        if by == "category"
        else lines
    )
    # lines → groups as one matrix product (days × lines) @ (lines × groups)
    onehot = pd.get_dummies(pd.Series(labels, index=lines), dtype=float)
    c_g = contrib @ onehot
    w_g = weight @ onehot
    residual_day = r_gtr - contrib.sum(axis=1)

    days = pd.DatetimeIndex(contrib.index)
    key = pd.Series(days.year if period == "year" else np.full(len(days), "total"), index=days)
    index_return = (1.0 + r_gtr).groupby(key).prod() - 1.0
    if method == "carino":
        scale = _log_ratio(r_gtr.to_numpy()) / _log_ratio(
            index_return.reindex(key.to_numpy()).to_numpy()
        )
        c_g = c_g.mul(scale, axis=0)
        residual = residual_day.mul(scale).groupby(key).sum()
    else:
        residual = index_return - c_g.groupby(key).sum().sum(axis=1)

    linked = c_g.groupby(key).sum()
    avg = w_g.groupby(key).mean().reindex(index=linked.index, columns=linked.columns)
    n_periods, n_groups = linked.shape
    out = pd.DataFrame(
        {
            "group": np.tile(linked.columns.to_numpy(), n_periods),
            "period": np.repeat(linked.index.to_numpy(), n_groups),
            "contribution": linked.to_numpy(dtype=float).ravel(),
            "weight_avg": avg.to_numpy(dtype=float).ravel(),
        }
    )
    out = out[out["weight_avg"] > 0]
    out["residual"] = out["period"].map(residual).astype(float)
    out["index_return"] = out["period"].map(index_return).astype(float)
    if period == "year":
        out["period"] = out["period"].astype(int)
    return out[_COLUMNS].sort_values(["period", "group"], kind="stable").reset_index(drop=True)
