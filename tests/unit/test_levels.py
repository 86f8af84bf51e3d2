"""Index arithmetic on cases small enough to compute by hand (METHODOLOGY §10-11)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aiinfra.exceptions import InvalidParameterError
from aiinfra.index import CorporateAction, Rebalance, compute_levels, dividends_from_adjusted
from tests._tol import prod_tol

D = pd.bdate_range("2024-01-01", periods=5)


def two_names():
    close = pd.DataFrame({"A": [100, 105, 110, 110, 120.0], "B": [50, 50, 55, 55, 50.0]}, index=D)
    rebs = [
        Rebalance(D[0], D[0], pd.Series({"A": 0.5, "B": 0.5}), "r1"),
        Rebalance(D[2], D[3], pd.Series({"A": 0.2, "B": 0.8}), "r2"),  # shares from D[2] closes
    ]
    return close, rebs


def test_pr_gtr_ntr_across_a_dividend_and_a_rebalance():
    close, rebs = two_names()
    div = pd.DataFrame(0.0, index=D, columns=["A", "B"])
    div.loc[D[4], "B"] = 1.0  # B goes ex 1.00 on the last day
    res = compute_levels(close, rebs, dividends=div, withholding=pd.Series({"A": 0.0, "B": 0.3}))
    lv = res.levels
    # base: N_A = 0.5e9/100, N_B = 0.5e9/50, D = 1e9/1000
    assert lv["PR"].iloc[:4].tolist() == pytest.approx([1000, 1025, 1100, 1100])
    # rebalance at D[3] with shares from D[2]: N_A = 0.2e9/110, N_B = 0.8e9/55, MV = 1e9 at D[3]
    n_a, n_b = 0.2e9 / 110, 0.8e9 / 55
    divisor = (n_a * 110 + n_b * 55) / 1100
    # about ten roundings on either side (shares, market values, the level at D[3])
    assert lv["divisor"].iloc[4] == pytest.approx(divisor, rel=prod_tol(10))
    pr = (n_a * 120 + n_b * 50) / divisor
    assert lv["PR"].iloc[4] == pytest.approx(pr, rel=1e-12)
    points = n_b * 1.0 / divisor
    assert lv["dividend_points"].iloc[4] == pytest.approx(points, rel=1e-12)
    assert lv["GTR"].iloc[4] == pytest.approx(1100 * (pr + points) / 1100, rel=1e-12)
    assert lv["NTR"].iloc[4] == pytest.approx(1100 * (pr + 0.7 * points) / 1100, rel=1e-12)
    # turnover one-way at D[3]: drifted 50/50 -> 20/80
    assert res.rebalances.set_index("review").loc["r2", "turnover"] == pytest.approx(0.3)


def test_costs_are_deducted_from_every_variant_after_the_rebalance():
    close, rebs = two_names()
    free = compute_levels(close, rebs).levels
    paid = compute_levels(close, rebs, cost_bps=10).levels
    factor = 1 - 10e-4 * 0.6  # two-way traded 0.6
    assert paid["PR"].iloc[:4].tolist() == pytest.approx(free["PR"].iloc[:4].tolist())
    for v in ("PR", "GTR", "NTR"):
        assert paid[v].iloc[4] == pytest.approx(free[v].iloc[4] * factor, rel=1e-12)


def test_special_dividend_is_neutral_in_pr():
    close = pd.DataFrame({"A": [100, 100, 90.0], "B": [100, 100, 100.0]}, index=D[:3])
    special = CorporateAction(D[2], "A", "special_dividend", 10.0)
    res = compute_levels(
        close, [Rebalance(D[0], D[0], pd.Series({"A": 0.5, "B": 0.5}))], actions=[special]
    )
    assert res.levels["PR"].tolist() == pytest.approx([1000, 1000, 1000])
    assert res.levels["divisor"].iloc[2] == pytest.approx(1e6 * 0.95)


def test_split_with_unadjusted_prices_and_ignored_with_adjusted_prices():
    close = pd.DataFrame({"A": [100, 100, 50.0]}, index=D[:3])
    split = CorporateAction(D[2], "A", "split", 2.0)
    reb = [Rebalance(D[0], D[0], pd.Series({"A": 1.0}))]
    raw = compute_levels(close, reb, actions=[split], split_adjusted=False)
    assert raw.levels["PR"].tolist() == pytest.approx([1000, 1000, 1000])
    adjusted = compute_levels(close, reb, actions=[split], split_adjusted=True)
    assert adjusted.levels["PR"].iloc[2] == pytest.approx(500) and "ignored" in adjusted.warnings[0]


def test_delisting_reinvests_at_the_last_price():
    close = pd.DataFrame(
        {"A": [100, 100, 100, 100.0], "B": [100, 80, 80, 80.0], "C": [100, 100, 110, 110.0]},
        index=D[:4],
    )
    act = CorporateAction(D[1], "B", "delisting")
    res = compute_levels(
        close,
        [Rebalance(D[0], D[0], pd.Series({"A": 1 / 3, "B": 1 / 3, "C": 1 / 3}))],
        actions=[act],
    )
    lv = res.levels["PR"]
    assert lv.iloc[1] == pytest.approx(1000 * (100 + 80 + 100) / 300)
    # from D[1]'s close B's value sits in A and C pro rata: no jump, then C's +10 % on half
    assert lv.iloc[2] == pytest.approx(lv.iloc[1] * (1 + 0.5 * 0.10))


def test_a_stale_security_is_removed_after_the_limit():
    close = pd.DataFrame({"A": [100.0] * 5, "B": [100, 100, np.nan, np.nan, np.nan]}, index=D)
    res = compute_levels(
        close, [Rebalance(D[0], D[0], pd.Series({"A": 0.5, "B": 0.5}))], stale_days=2
    )
    assert "removed as delisted" in res.warnings[0]
    assert res.actions["action"].tolist() == ["stale"]


def test_dividends_from_adjusted_close():
    close = pd.DataFrame({"X": [100.0, 101.0, 99.0, 100.0]}, index=D[:4])
    # a 2.00 dividend ex on day 2: rows before are multiplied by (1 - 2/101)
    f = 1 - 2 / 101
    adj = pd.DataFrame({"X": [100 * f, 101 * f, 99.0, 100.0]}, index=D[:4])
    d = dividends_from_adjusted(close, adj)
    assert d["X"].tolist() == pytest.approx([0, 0, 2.0, 0])


def test_bad_schedules_are_parameter_errors():
    close, rebs = two_names()
    with pytest.raises(InvalidParameterError, match="`rebalances`"):
        compute_levels(close, [])
    bad = [Rebalance(D[0], D[0], pd.Series({"A": 0.5, "B": 0.4}))]
    with pytest.raises(InvalidParameterError, match="sum to"):
        compute_levels(close, bad)
    with pytest.raises(InvalidParameterError, match="sorted, unique"):
        compute_levels(close.iloc[::-1], rebs)


def test_spin_off_waits_for_its_first_close():
    d = pd.bdate_range("2025-03-03", periods=5)
    close = pd.DataFrame(
        {"P": [100.0, 100, 80, 80, 80], "S": [np.nan, np.nan, np.nan, 40, 40]}, index=d
    )
    res = compute_levels(close, [Rebalance(d[0], d[0], pd.Series({"P": 1.0}))],
                         actions=[CorporateAction(d[2], "P", "spin_off", 0.5, "S")], stale_days=None)  # fmt: skip
    # SpinCo has no price on the ex-date (the level dips while it is valued at 0) and is removed
    # at the close of its first trading day, at its value, not at 0
    assert res.levels["PR"].tolist() == pytest.approx([1000, 1000, 800, 1000, 1000])


def test_events_on_closed_days_move_to_the_next_session_and_outside_dates_are_ignored():
    close = pd.DataFrame({"A": [100.0] * 5}, index=D)  # Mon 2024-01-01 .. Fri 2024-01-05
    reb = [Rebalance(D[0], D[0], pd.Series({"A": 1.0}))]
    sunday = pd.Timestamp("2024-01-07")
    close7 = pd.DataFrame({"A": [100.0] * 7}, index=pd.bdate_range("2024-01-01", periods=7))
    res = compute_levels(close7, reb, actions=[CorporateAction(sunday, "A", "cash_dividend", 2.0)])
    assert res.levels["dividend_points"].idxmax() == pd.Timestamp("2024-01-08")
    later = compute_levels(close, reb, actions=[CorporateAction(pd.Timestamp("2030-01-02"), "A", "cash_dividend", 5.0),
                                                 CorporateAction(pd.Timestamp("2015-01-02"), "A", "cash_dividend", 5.0)])  # fmt: skip
    assert later.levels["GTR"].tolist() == pytest.approx([1000] * 5)
    assert sum("ignored" in w for w in later.warnings) == 2


def test_a_suspension_longer_than_the_limit_removes_the_name():
    d = pd.bdate_range("2024-01-01", periods=8)
    close = pd.DataFrame(
        {"A": [100.0] * 8, "B": [100, 100, np.nan, np.nan, np.nan, np.nan, 50, 50]}, index=d
    )
    res = compute_levels(
        close, [Rebalance(d[0], d[0], pd.Series({"A": 0.5, "B": 0.5}))], stale_days=2
    )
    # B is removed at its last price (100) after two sessions without a close: its return at
    # resumption (-50 %) never reaches the index
    assert res.levels["PR"].tolist() == pytest.approx([1000] * 8)
    assert res.actions["action"].tolist() == ["stale"]


def test_a_name_delisted_between_announcement_and_effective_date_is_not_bought():
    d = pd.bdate_range("2024-01-01", periods=6)
    close = pd.DataFrame(
        {"A": [100.0, 100, 100, 100, 110, 110], "B": [100.0, 100, 90, 90, 90, 90]}, index=d
    )
    rebs = [Rebalance(d[0], d[0], pd.Series({"A": 0.5, "B": 0.5})),
            Rebalance(d[1], d[3], pd.Series({"A": 0.5, "B": 0.5}))]  # fmt: skip
    res = compute_levels(close, rebs, actions=[CorporateAction(d[2], "B", "delisting")])
    second = res.weights[res.weights["effective"] == d[3]].set_index("security")
    assert second.loc["A", "weight_effective"] == pytest.approx(1.0)
    assert "renormalised" in " ".join(res.warnings)
    assert res.levels["PR"].iloc[-1] == pytest.approx(res.levels["PR"].iloc[3] * 1.1)


def test_a_rebalance_after_every_constituent_was_delisted_is_refused():
    # found by hypothesis on a fresh clone: the level falls to 0, the next divisor was 0 / 0
    dates = pd.bdate_range("2024-01-01", periods=8)
    close = pd.DataFrame({"A": np.linspace(10, 11, 8), "B": np.linspace(20, 21, 8),
                          "C": np.linspace(5, 6, 8)}, index=dates)  # fmt: skip
    rebs = [
        Rebalance(dates[0], dates[0], pd.Series({"A": 0.5, "B": 0.5})),
        Rebalance(dates[5], dates[6], pd.Series({"C": 1.0})),
    ]
    gone = [
        CorporateAction(dates[2], "A", "delisting"),
        CorporateAction(dates[3], "B", "delisting"),
    ]
    with pytest.raises(InvalidParameterError, match="holds nothing on 2024-01-09"):
        compute_levels(close, rebs, actions=gone)
