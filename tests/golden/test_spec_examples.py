"""METHODOLOGY.md worked examples 1, 2, 4, 6 and 7 as test vectors."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from aiinfra.index import (
    CorporateAction,
    Rebalance,
    ai_revenue_score,
    cap_weights,
    composite_score,
    compute_levels,
    load_methodology,
    rank_candidates,
    review_dates,
    select,
)


def test_example_1_bucket_mapping_lower_bounds_inclusive():
    a = [0.03, 0.05, 0.12, 0.20, 0.30, 0.50, 0.60, 0.80, 0.88]
    assert ai_revenue_score(a).tolist() == [0, 25, 25, 50, 50, 75, 75, 100, 100]


def test_example_2_composite_to_capped_weights():
    m = load_methodology()
    table = {  # Co: (category, Q, a)
        "A": ("C2", 95, 0.88), "B": ("C3", 90, 0.40), "C": ("C1", 92, 0.30),
        "D": ("C4", 78, 0.60), "E": ("C6", 72, 0.25), "F": ("C5", 60, 0.45),
    }  # fmt: skip
    ids = list(table)
    q = np.array([table[i][1] for i in ids], float)
    r = ai_revenue_score([table[i][2] for i in ids])
    s = composite_score(q, r)
    assert s.tolist() == pytest.approx([96.0, 82.0, 83.6, 77.4, 67.6, 58.0])
    x = s * np.array([m.multiplier(table[i][0]) for i in ids])
    assert x.tolist() == pytest.approx([115.20, 114.80, 125.40, 92.88, 87.88, 46.40])
    u = x / x.sum()
    assert u[2] == pytest.approx(0.21525680, abs=1e-8)
    w = cap_weights(u, cap=0.20, ids=ids)
    expected = [Fraction(1, 5)] * 3 + [Fraction(10320, 631 * 100), Fraction(87880, 5679 * 100),
                                       Fraction(46400, 5679 * 100)]  # fmt: skip
    assert np.allclose(w, [float(f) for f in expected], atol=1e-12, rtol=0)
    # scaling every multiplier leaves the weights unchanged
    assert np.allclose(cap_weights(x * 10 / (x * 10).sum(), cap=0.20, ids=ids), w, atol=1e-12)
    # a single pass would leave A above the cap
    one_pass = u.copy()
    excess = one_pass[2] - 0.20
    one_pass[2] = 0.20
    others = [0, 1, 3, 4, 5]
    one_pass[others] += excess * u[others] / u[others].sum()
    assert one_pass[0] == pytest.approx(0.20159244, abs=1e-8) and one_pass[0] > 0.20


def test_example_4_selection_buffer():
    f = pd.DataFrame({"id": list("XYZWVU"), "x": [6, 5, 4, 3, 2, 1.0], "Q": 1.0, "ffmc": 1.0,
                      "category": "C1"})  # fmt: skip
    old = {"Y", "V", "U"}
    r = select(rank_candidates(f), old, target_n=4, core_fraction=0.75, keep_fraction=1.25,
               min_per_category=0, min_n=1)  # fmt: skip
    assert set(r.selected) == {"X", "Y", "Z", "V"}
    assert set(r.selected) - old == {"X", "Z"} and old - set(r.selected) == {"U"}
    assert r.reasons["V"] == "keep" and "W" not in r.selected


def test_example_6_zero_price_spin_off():
    d = pd.bdate_range("2025-03-03", periods=4)
    # parent 100 before the ex-date (d[2]), 80 after; SpinCo first trades on the ex-date at 40
    close = pd.DataFrame(
        {"P": [100.0, 100.0, 80.0, 80.0], "S": [np.nan, np.nan, 40.0, 40.0]}, index=d
    )
    spin = CorporateAction(d[2], "P", "spin_off", 0.5, "S")
    res = compute_levels(close, [Rebalance(d[0], d[0], pd.Series({"P": 1.0}))], actions=[spin],
                         stale_days=None)  # fmt: skip
    lv = res.levels["PR"]
    assert lv.tolist() == pytest.approx([1000.0, 1000.0, 1000.0, 1000.0], abs=1e-9)
    assert res.levels["divisor"].nunique() == 1  # unchanged by the add and the removal
    acts = res.actions.set_index("action")
    assert acts.loc["spin_off_add", "security"] == "S"
    # at removal SpinCo's value (N_s · 40 = half the parent's 80 × N_p) is reinvested in P
    assert acts.loc["spin_off_removal", "value_reinvested"] == pytest.approx(200.0)


def test_example_7_calendar_2026():
    got = [review_dates(2026, m) for m in (3, 6, 9, 12)]
    assert [str(r.effective.date()) for r in got] == [
        "2026-03-20",
        "2026-06-18",
        "2026-09-18",
        "2026-12-18",
    ]
    assert [str(r.cutoff.date()) for r in got] == [
        "2026-02-27",
        "2026-05-29",
        "2026-08-31",
        "2026-11-30",
    ]
    assert [str(r.announce.date()) for r in got] == [
        "2026-03-13",
        "2026-06-12",
        "2026-09-11",
        "2026-12-11",
    ]
