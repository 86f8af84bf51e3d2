"""Pure functions on return series (empyrical-style; depends on nothing else in aiinfra).

Conventions: ``returns`` are simple periodic returns (a Series or 1-d array), NaN-free;
``annualization`` is the number of periods per year (252 for daily). Undefined cases (fewer than
two returns, zero volatility) return NaN rather than raising.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "annual_return",
    "annual_volatility",
    "information_ratio",
    "max_drawdown",
    "returns_from_levels",
    "sharpe_ratio",
    "tracking_error",
]

ArrayLike = pd.Series | np.ndarray


def returns_from_levels(levels: pd.Series) -> pd.Series:
    """Simple returns of a level series (the first date is dropped).

    >>> returns_from_levels(pd.Series([100.0, 105.0, 99.75])).round(4).tolist()
    [0.05, -0.05]
    """
    return levels.pct_change().iloc[1:]


def annual_return(returns: ArrayLike, annualization: int = 252) -> float:
    """Compound annual growth rate; NaN for an empty series.

    >>> round(annual_return(np.full(252, 0.001)), 6)
    0.286434
    """
    r = np.asarray(returns, dtype=float)
    if r.size == 0:
        return float("nan")
    growth = float(np.prod(1.0 + r))
    return float(growth ** (annualization / r.size) - 1.0)


def annual_volatility(returns: ArrayLike, annualization: int = 252) -> float:
    """Standard deviation (ddof=1) × √annualization; NaN for fewer than two returns."""
    r = np.asarray(returns, dtype=float)
    if r.size < 2:
        return float("nan")
    return float(np.std(r, ddof=1) * np.sqrt(annualization))


def sharpe_ratio(returns: ArrayLike, risk_free: float = 0.0, annualization: int = 252) -> float:
    """Mean excess return / its standard deviation × √annualization (risk-free per period).

    NaN when there are fewer than two returns or no variation.
    """
    r = np.asarray(returns, dtype=float) - risk_free
    if r.size < 2:
        return float("nan")
    sd = float(np.std(r, ddof=1))
    return float("nan") if sd == 0 else float(np.mean(r) / sd * np.sqrt(annualization))


def max_drawdown(returns: ArrayLike) -> float:
    """Largest peak-to-trough fall of the compounded series, as a negative fraction (0 if none).

    >>> max_drawdown(np.array([0.1, -0.5, 0.2]))
    -0.5
    """
    r = np.asarray(returns, dtype=float)
    if r.size == 0:
        return float("nan")
    wealth = np.concatenate([[1.0], np.cumprod(1.0 + r)])
    peak = np.maximum.accumulate(wealth)
    return float(np.min(wealth / peak - 1.0))


def tracking_error(returns: ArrayLike, benchmark: ArrayLike, annualization: int = 252) -> float:
    """Annualised standard deviation of the active return ``returns − benchmark``."""
    active = np.asarray(returns, dtype=float) - np.asarray(benchmark, dtype=float)
    return annual_volatility(active, annualization)


def information_ratio(returns: ArrayLike, benchmark: ArrayLike, annualization: int = 252) -> float:
    """Mean active return / tracking error, annualised; NaN when the tracking error is 0."""
    active = np.asarray(returns, dtype=float) - np.asarray(benchmark, dtype=float)
    return sharpe_ratio(active, 0.0, annualization)
