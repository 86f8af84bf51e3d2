"""Hypothesis: the vectorised fast path and the general path compute the same index."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.index import Rebalance, compute_levels


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
    pd.testing.assert_frame_equal(fast.levels, general.levels, rtol=1e-12, atol=1e-9)
    pd.testing.assert_frame_equal(fast.rebalances, general.rebalances, rtol=1e-12, atol=1e-12)
    pd.testing.assert_frame_equal(fast.weights, general.weights, rtol=1e-12, atol=1e-12)
