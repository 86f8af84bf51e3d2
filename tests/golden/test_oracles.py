"""Oracles: our level engine against bt, our metrics against empyrical (test-only peers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aiinfra import metrics
from aiinfra.index import Rebalance, compute_levels
from tests._tol import prod_tol, return_tol, sum_tol

bt = pytest.importorskip("bt")
empyrical = pytest.importorskip("empyrical")


def _prices(n_days=400, n=5, seed=11):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2021-01-04", periods=n_days)
    px = 100 * np.exp(np.cumsum(rng.normal(0.0003, 0.015, (n_days, n)), axis=0))
    return pd.DataFrame(px, index=idx, columns=[f"S{i}" for i in range(n)])


def test_total_return_path_equals_bt_portfolio_value():
    px = _prices()
    rng = np.random.default_rng(3)
    dates = [px.index[0], px.index[63], px.index[126], px.index[190], px.index[252], px.index[315]]
    raw = rng.uniform(0.05, 1.0, (len(dates), px.shape[1]))
    raw[2, 1] = 0.0  # a name leaves and comes back
    w = pd.DataFrame(raw / raw.sum(axis=1, keepdims=True), index=dates, columns=px.columns)

    # bt: rebalance at the close of each date to the target weights, fractional shares, no fees
    strategy = bt.Strategy("s", [bt.algos.RunOnDate(*dates), bt.algos.SelectAll(),
                                 bt.algos.WeighTarget(w), bt.algos.Rebalance()])  # fmt: skip
    test = bt.Backtest(strategy, px, integer_positions=False, progress_bar=False)
    bt.run(test)
    value = test.strategy.values.loc[px.index]

    # ours: announcement = effective = the same close (bt's convention); no dividends, so
    # GTR = PR
    rebs = [Rebalance(d, d, w.loc[d]) for d in dates]
    ours = compute_levels(px, rebs).levels
    np.testing.assert_allclose(
        ours["GTR"].to_numpy() / 1000.0, value.to_numpy() / 1e6, rtol=1e-9, atol=0
    )


def test_metrics_match_empyrical():
    r = pd.Series(np.random.default_rng(5).normal(0.0005, 0.012, 750))
    n = len(r)
    # the two libraries sum and compound in different orders. A standard deviation is a sum of
    # n positive squares: n·u relative. A mean of returns cancels: its error is n·u·Σ|r|, which
    # relative to the mean is n·u·Σ|r|/|Σr| (about 20 times n·u here). Compounded returns and
    # drawdowns are products of n factors: return_tol.
    mean_rel = sum_tol(n, float(r.abs().sum())) / abs(float(r.sum()))
    vol = metrics.annual_volatility(r)
    assert vol == pytest.approx(empyrical.annual_volatility(r), rel=prod_tol(n))
    sharpe = metrics.sharpe_ratio(r)
    assert sharpe == pytest.approx(empyrical.sharpe_ratio(r), rel=mean_rel + prod_tol(n))
    dd = metrics.max_drawdown(r)
    assert dd == pytest.approx(empyrical.max_drawdown(r), abs=return_tol(n, dd))
    cagr = metrics.annual_return(r)
    assert cagr == pytest.approx(empyrical.cagr(r), abs=return_tol(n, cagr))
