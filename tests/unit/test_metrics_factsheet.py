"""Factsheet metrics: hand-computed on tiny series, and against empyrical where it has them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aiinfra.metrics import (
    PERIODS,
    beta,
    conditional_value_at_risk,
    period_returns,
    rolling_beta,
    top_drawdowns,
    value_at_risk,
)

TEN = pd.Series(
    [100.0, 110, 99, 104.5, 121, 110, 88, 99, 132, 125.4],
    index=pd.to_datetime(
        [
            "2019-06-28", "2020-12-31", "2021-06-30", "2022-03-31", "2022-12-30",
            "2023-06-30", "2023-12-29", "2024-03-28", "2024-05-31", "2024-06-28",
        ]
    ),
)  # fmt: skip


def test_period_returns_by_hand() -> None:
    r = period_returns(TEN)
    assert list(r.index) == list(PERIODS)
    # as of 2024-06-28: 1M from 2024-05-28 → level of 2024-03-28 (99)
    assert r["1M"] == pytest.approx(125.4 / 99 - 1)
    assert r["3M"] == pytest.approx(125.4 / 99 - 1)  # 2024-03-28 is the anchor itself
    assert r["YTD"] == pytest.approx(125.4 / 88 - 1)  # last level on or before 2023-12-31
    assert r["1Y"] == pytest.approx(125.4 / 121 - 1)  # anchor 2023-06-28 → level of 2022-12-30
    assert r["3Y"] == pytest.approx((125.4 / 110) ** (1 / 3) - 1)  # 2021-06-28 → 2020-12-31
    assert r["5Y"] == pytest.approx((125.4 / 100) ** (1 / 5) - 1)  # 2019-06-28 is the anchor
    assert r["inception"] == pytest.approx(0.254)
    days = (TEN.index[-1] - TEN.index[0]).days
    assert r["inception_annualised"] == pytest.approx(1.254 ** (365.25 / days) - 1)


def test_period_returns_short_history_is_nan() -> None:
    lv = TEN.loc["2024-01-01":]
    r = period_returns(lv)
    assert np.isnan(r[["YTD", "1Y", "3Y", "5Y"]]).all()  # 3M: its anchor is the first date
    assert r["1M"] == pytest.approx(125.4 / 99 - 1)
    one = period_returns(TEN.iloc[:1])
    assert one["inception"] == 0.0 and np.isnan(one["inception_annualised"])
    assert period_returns(TEN.iloc[:0]).isna().all()


def test_period_returns_does_not_mutate_and_checks_index() -> None:
    before = TEN.copy()
    period_returns(TEN)
    pd.testing.assert_series_equal(TEN, before)
    with pytest.raises(ValueError, match="sorted"):
        period_returns(TEN.iloc[::-1])
    with pytest.raises(TypeError, match="DatetimeIndex"):
        period_returns(pd.Series([1.0, 2.0]))


def test_top_drawdowns_by_hand() -> None:
    t = top_drawdowns(TEN, n=5)
    # episodes: 110 → 99 (rec. 121 on 2022-12-30); 121 → 88 (rec. 132 on 2024-05-31);
    # 132 → 125.4 (not recovered)
    assert t["depth"].tolist() == pytest.approx([88 / 121 - 1, 99 / 110 - 1, 125.4 / 132 - 1])
    assert list(t["peak"].dt.strftime("%Y-%m-%d")) == ["2022-12-30", "2020-12-31", "2024-05-31"]
    assert list(t["trough"].dt.strftime("%Y-%m-%d")) == ["2023-12-29", "2021-06-30", "2024-06-28"]
    assert str(t["recovery"].iloc[0].date()) == "2024-05-31"
    assert pd.isna(t["recovery"].iloc[2])
    assert t["days"].tolist() == [
        (pd.Timestamp("2024-05-31") - pd.Timestamp("2022-12-30")).days,
        (pd.Timestamp("2022-12-30") - pd.Timestamp("2020-12-31")).days,
        28,
    ]
    assert len(top_drawdowns(TEN, n=2)) == 2
    assert top_drawdowns(pd.Series([1.0, 2.0, 3.0], index=TEN.index[:3])).empty
    with pytest.raises(ValueError, match="`n`"):
        top_drawdowns(TEN, n=0)


def test_top_drawdown_matches_empyrical_max_drawdown() -> None:
    empyrical = pytest.importorskip("empyrical")
    rng = np.random.default_rng(7)
    lv = pd.Series(
        100 * np.cumprod(1 + rng.normal(0.0003, 0.02, 600)),
        index=pd.bdate_range("2020-01-01", periods=600),
    )
    r = lv.pct_change().dropna()
    t = top_drawdowns(lv, n=5)
    # the first level is the start: empyrical's wealth from the returns starts there too
    assert t["depth"].iloc[0] == pytest.approx(empyrical.max_drawdown(r), abs=1e-12)
    assert (t["depth"].diff().dropna() >= 0).all()


def test_rolling_beta_by_hand_and_against_scalar() -> None:
    idx = pd.bdate_range("2024-01-01", periods=5)
    b = pd.Series([0.01, -0.02, 0.03, 0.0, 0.01], index=idx)
    r = pd.Series([0.02, -0.03, 0.05, 0.01, 0.0], index=idx)
    rb = rolling_beta(r, b, window=3)
    assert rb.iloc[:2].isna().all()
    for end in range(2, 5):
        assert rb.iloc[end] == pytest.approx(
            beta(r.iloc[end - 2 : end + 1], b.iloc[end - 2 : end + 1])
        )
    # first window by hand: b mean 0.00667, r mean 0.01333
    bb = b.iloc[:3].to_numpy()
    rr = r.iloc[:3].to_numpy()
    hand = ((rr - rr.mean()) * (bb - bb.mean())).sum() / ((bb - bb.mean()) ** 2).sum()
    assert rb.iloc[2] == pytest.approx(hand)
    flat = rolling_beta(r, pd.Series(0.01, index=idx), window=3)
    assert flat.isna().all()
    with pytest.raises(ValueError, match="`window`"):
        rolling_beta(r, b, window=1)


def test_rolling_beta_against_empyrical() -> None:
    empyrical = pytest.importorskip("empyrical")
    rng = np.random.default_rng(3)
    idx = pd.bdate_range("2020-01-01", periods=300)
    b = pd.Series(rng.normal(0, 0.01, 300), index=idx)
    r = 1.3 * b + pd.Series(rng.normal(0, 0.005, 300), index=idx)
    ours = rolling_beta(r, b, window=252).dropna()
    theirs = empyrical.roll_beta(r, b, window=252)
    np.testing.assert_allclose(ours.to_numpy(), np.asarray(theirs, dtype=float)[-len(ours) :],
                               rtol=1e-9)  # fmt: skip


def test_var_cvar_by_hand() -> None:
    r = np.array([-0.05, -0.01, 0.0, 0.02, 0.04, np.nan])
    # 25 % quantile of 5 values, linear: position 1 → -0.01
    assert value_at_risk(r, 0.75) == pytest.approx(0.01)
    # k = floor(4 · 0.25) = 1: mean of the two worst
    assert conditional_value_at_risk(r, 0.75) == pytest.approx(0.03)
    ten = TEN.pct_change().dropna().to_numpy()  # 9 returns
    srt = np.sort(ten)
    # 5 % quantile at position 8 · 0.05 = 0.4 between the two worst
    assert value_at_risk(ten, 0.95) == pytest.approx(-(srt[0] + 0.4 * (srt[1] - srt[0])))
    assert conditional_value_at_risk(ten, 0.95) == pytest.approx(-srt[0])  # k = 0
    assert np.isnan(value_at_risk(np.array([]), 0.95))
    assert np.isnan(conditional_value_at_risk(np.array([np.nan]), 0.99))
    with pytest.raises(ValueError, match="`level`"):
        value_at_risk(ten, 95)


@pytest.mark.parametrize("level", [0.95, 0.99])
def test_var_cvar_against_empyrical(level: float) -> None:
    empyrical = pytest.importorskip("empyrical")
    r = np.random.default_rng(11).standard_t(4, 1000) * 0.01
    assert value_at_risk(r, level) == pytest.approx(
        -empyrical.value_at_risk(r, cutoff=1 - level), abs=1e-15
    )
    assert conditional_value_at_risk(r, level) == pytest.approx(
        -empyrical.conditional_value_at_risk(r, cutoff=1 - level), abs=1e-15
    )
    assert conditional_value_at_risk(r, level) >= value_at_risk(r, level) - 1e-12
