"""Hypothesis: the vectorised fast path and the general path compute the same index."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.exceptions import InvalidParameterError
from aiinfra.index import CorporateAction, Rebalance, compute_levels
from tests._tol import prod_tol, sum_tol


@st.composite
def schedules(draw):
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    n_t, n_s = draw(st.integers(30, 150)), draw(st.integers(2, 9))
    dates = pd.bdate_range("2020-01-01", periods=n_t)
    close = pd.DataFrame(100 * np.exp(np.cumsum(rng.normal(0, 0.02, (n_t, n_s)), axis=0)), index=dates,
                         columns=[f"S{i}" for i in range(n_s)])  # fmt: skip
    effs = sorted(
        set(rng.choice(np.arange(n_t - 1), size=draw(st.integers(1, 6)), replace=False).tolist())
    )
    rebs = []
    for k, e in enumerate(effs):
        ann = e if k == 0 else int(rng.integers(effs[k - 1], e + 1))
        w = rng.uniform(0, 1, n_s) * (rng.uniform(0, 1, n_s) > 0.2)
        w[rng.integers(n_s)] += 0.1
        rebs.append(
            Rebalance(dates[ann], dates[e], pd.Series(w / w.sum(), index=close.columns), f"r{k}")
        )
    div = pd.DataFrame(np.where(rng.uniform(0, 1, (n_t, n_s)) > 0.97, rng.uniform(0, 2, (n_t, n_s)), 0.0),
                       index=dates, columns=close.columns)  # fmt: skip
    wht = pd.Series(rng.uniform(0, 0.35, n_s), index=close.columns)
    return close, rebs, div, wht, draw(st.sampled_from([0.0, 7.5]))


@given(schedules())
@settings(max_examples=60, deadline=None)
def test_fast_and_general_paths_agree(case):
    close, rebs, div, wht, cost = case
    fast = compute_levels(close, rebs, dividends=div, withholding=wht, cost_bps=cost)
    general = compute_levels(
        close, rebs, dividends=div, withholding=wht, cost_bps=cost, compliance=True
    )
    assert general.compliance is not None and fast.compliance is None
    # the two paths factor the divisor differently: a handful of roundings a day on each side,
    # compounded over the days (GTR, NTR); atol covers the dividend points' exact zeros
    n = len(close)
    pd.testing.assert_frame_equal(fast.levels, general.levels, rtol=prod_tol(5 * n), atol=1e-9)
    # turnover and weights: sums of at most n_s terms of magnitude ≤ 1; shares ~1e7 (relative);
    # a later block's divisor is the market value over the level, so it inherits the level's
    tol = sum_tol(4 * close.shape[1])
    pd.testing.assert_frame_equal(fast.rebalances, general.rebalances, rtol=tol, atol=tol)
    pd.testing.assert_frame_equal(fast.weights, general.weights, rtol=prod_tol(5 * n), atol=tol)


@given(schedules(), st.data())
@settings(max_examples=40, deadline=None)
def test_the_holdings_blocks_reprice_the_levels_with_removals(case, data):
    """With delistings between rebalances (general path), each day's PR is the latest holdings
    block's shares at that day's prices over its divisor: no block is changed by a later event."""
    close, rebs, div, wht, cost = case
    n_t = len(close)
    lines = data.draw(st.lists(st.sampled_from(list(close.columns)), max_size=3, unique=True))
    days = data.draw(st.lists(st.integers(1, n_t - 1), min_size=len(lines), max_size=len(lines)))
    acts = [
        CorporateAction(close.index[d], s, "delisting") for s, d in zip(lines, days, strict=True)
    ]
    try:
        res = compute_levels(
            close, rebs, dividends=div, withholding=wht, cost_bps=cost, actions=acts
        )
    except InvalidParameterError:
        return  # every constituent of a later rebalance was delisted: refused, nothing to check
    w = res.weights
    blocks = sorted(w["date"].unique())
    px = close.to_numpy(float)
    pos = {c: j for j, c in enumerate(close.columns)}
    for k, day in enumerate(blocks):
        rows = w[w["date"] == day]
        idx = [pos[s] for s in rows["security"]]
        t_a = close.index.get_loc(day) + 1
        t_b = close.index.get_loc(blocks[k + 1]) + 1 if k + 1 < len(blocks) else n_t
        got = px[t_a:t_b, idx] @ rows["shares"].to_numpy() / rows["divisor"].iloc[0]
        want = res.levels["PR"].to_numpy()[t_a - close.index.get_loc(blocks[0]) :][: t_b - t_a]
        # a dot product of at most n_s terms, a division and the cost factor on each side
        tol = sum_tol(close.shape[1]) + prod_tol(4)
        np.testing.assert_allclose(got, want, rtol=tol, atol=0)
