"""Return attribution: a 2-line case by hand, and reconciliation with a synthetic backtest's GTR."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from aiinfra.backtest import BacktestResult, backtest
from aiinfra.backtest._attribution import attribution
from aiinfra.exceptions import InvalidParameterError, MissingDataError
from aiinfra.index import load_methodology
from aiinfra.index._levels import Rebalance, compute_levels
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from tests._tol import return_tol, sum_tol
from tests.index_fixtures import make_universe

# --------------------------------------------------------------------------------------------
# two lines, four days, one rebalance, one dividend: every number by hand
#
#   date        A    B (div)   shares from the close of
#   2023-12-28  100  100        50/50 (base)
#   2023-12-29  110   90
#   2024-01-02  121   90        20/80 (effective at this close, priced at it)
#   2024-01-03  121   99 (+1)
#
# day 1: w = (.5, .5),  r = (+10 %, −10 %)      → c = (+.05, −.05),    GTR r = 0
# day 2: w = (.55, .45), r = (+10 %, 0)         → c = (+.055, 0),      GTR r = .055
# day 3: w = (.2, .8),  r = (0, (99 + 1)/90 − 1) → c = (0, .8 · 1/9),  GTR r = .8/9

DAYS = pd.to_datetime(["2023-12-28", "2023-12-29", "2024-01-02", "2024-01-03"])
C3B = 0.8 / 9


@pytest.fixture(scope="module")
def hand() -> BacktestResult:
    close = pd.DataFrame({"A": [100.0, 110.0, 121.0, 121.0], "B": [100.0, 90.0, 90.0, 99.0]},
                         index=DAYS)  # fmt: skip
    div = pd.DataFrame({"A": 0.0, "B": [0.0, 0.0, 0.0, 1.0]}, index=DAYS)
    rebs = [
        Rebalance(DAYS[0], DAYS[0], pd.Series({"A": 0.5, "B": 0.5}), "r1"),
        Rebalance(DAYS[2], DAYS[2], pd.Series({"A": 0.2, "B": 0.8}), "r2"),
    ]
    calc = compute_levels(close, rebs, dividends=div, compliance=True)
    return BacktestResult(calc.levels, [], calc, pd.DataFrame(), {}, prices_usd=close,
                          dividends_usd=div, category_of={"A": "C1", "B": "C2"})  # fmt: skip


def _rows(frame: pd.DataFrame) -> dict[tuple[object, object], tuple[float, float]]:
    return {(g, p): (c, w) for g, p, c, w in frame[["group", "period", "contribution", "weight_avg"]].itertuples(index=False)}  # fmt: skip


def test_hand_case_simple_sum_by_year(hand):
    out = attribution(hand, "constituent", "year", method="sum")
    assert list(out.columns) == ["group", "period", "contribution", "weight_avg", "residual",
                                 "index_return"]  # fmt: skip
    rows = _rows(out)
    assert rows[("A", 2023)] == pytest.approx((0.05, 0.5))
    assert rows[("B", 2023)] == pytest.approx((-0.05, 0.5))
    assert rows[("A", 2024)] == pytest.approx((0.055, (0.55 + 0.2) / 2))
    assert rows[("B", 2024)] == pytest.approx((C3B, (0.45 + 0.8) / 2))
    r_2024 = 1.055 * (1 + C3B) - 1
    y = out[out["period"] == 2024]
    assert y["index_return"].iloc[0] == pytest.approx(r_2024)
    # the simple sum leaves the compounding cross-term as residual
    assert y["residual"].iloc[0] == pytest.approx(0.055 * C3B)
    assert out.loc[out["period"] == 2023, "residual"].iloc[0] == pytest.approx(0.0, abs=sum_tol(16))


def test_hand_case_carino_by_year_and_total(hand):
    r_2024 = 1.055 * (1 + C3B) - 1
    k = lambda r: math.log1p(r) / r  # noqa: E731
    rows = _rows(attribution(hand, "constituent", "year"))
    assert rows[("A", 2024)][0] == pytest.approx(0.055 * k(0.055) / k(r_2024))
    assert rows[("B", 2024)][0] == pytest.approx(C3B * k(C3B) / k(r_2024))
    assert rows[("A", 2023)][0] == pytest.approx(0.05)  # a zero-return period: k = 1
    total = attribution(hand, "constituent", "total")
    assert set(total["period"]) == {"total"}
    rows = _rows(total)
    # day 1 has r = 0 (k = 1): its contributions enter unscaled
    assert rows[("A", "total")][0] == pytest.approx((0.05 + 0.055 * k(0.055)) / k(r_2024))
    assert rows[("B", "total")][0] == pytest.approx((-0.05 + C3B * k(C3B)) / k(r_2024))
    assert rows[("A", "total")][1] == pytest.approx((0.5 + 0.55 + 0.2) / 3)
    assert total["contribution"].sum() == pytest.approx(r_2024, abs=sum_tol(16))
    assert total["residual"].abs().max() <= sum_tol(16)


def test_hand_case_by_category(hand):
    by_line = attribution(hand, "constituent", "year")
    by_cat = attribution(hand, "category", "year")
    assert list(by_cat["group"]) == ["C1", "C2", "C1", "C2"]
    np.testing.assert_allclose(by_cat["contribution"], by_line["contribution"])
    hand.category_of["B"] = "C1"  # one category: its contribution is the whole return
    try:
        one = attribution(hand, "category", "year")
    finally:
        hand.category_of["B"] = "C2"
    assert list(one["group"]) == ["C1", "C1"]
    np.testing.assert_allclose(one["contribution"], one["index_return"], atol=sum_tol(16))
    np.testing.assert_allclose(one["weight_avg"], 1.0)


def test_without_dividends_the_residual_shows_them(hand):
    no_div = BacktestResult(hand.levels, [], hand.calc, pd.DataFrame(), {},
                            prices_usd=hand.prices_usd, dividends_usd=None)  # fmt: skip
    out = attribution(no_div, "constituent", "total", method="sum")
    assert set(out["group"]) == {"A", "B"}  # lines without a category come through by line
    rows = _rows(out)
    assert rows[("B", "total")][0] == pytest.approx(-0.05 + 0.8 * (99 / 90 - 1))
    missing = 0.8 / 90  # the dividend's contribution on day 3
    assert out["residual"].iloc[0] == pytest.approx(0.055 * C3B + missing)
    unclassified = attribution(no_div, "category", "total")
    assert set(unclassified["group"]) == {"unclassified"}


def test_errors_name_the_parameter_and_the_choices(hand):
    with pytest.raises(InvalidParameterError, match="`by` must be 'category' or 'constituent'"):
        attribution(hand, "sector")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="`period` must be 'year' or 'total'"):
        attribution(hand, period="month")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="`method` must be 'carino' or 'sum'"):
        attribution(hand, method="brinson")  # type: ignore[arg-type]
    bare = BacktestResult(hand.levels, [], hand.calc, pd.DataFrame(), {})
    with pytest.raises(MissingDataError, match="prices_usd"):
        attribution(bare)


def test_the_result_is_not_mutated(hand):
    frames = [hand.levels, hand.calc.weights, hand.prices_usd, hand.dividends_usd]
    before = [f.copy() for f in frames]
    attribution(hand, "category", "year")
    attribution(hand, "constituent", "total", method="sum")
    for f, b in zip(frames, before, strict=True):
        pd.testing.assert_frame_equal(f, b)


# --------------------------------------------------------------------------------------------
# reconciliation on a synthetic backtest (10 names, 6 reviews, dividends on half the lines)

M = load_methodology({
    "selection": {"target_n": 6, "min_n": 5, "min_per_category": 0},
    "eligibility": {"min_composite": {"new": 0, "existing": 0}},
    "scores": {"max_vintage_age_reviews": None},
    "weighting": {"ucits": None, "single_cap": 0.5},
})  # fmt: skip


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[BacktestResult, BacktestResult]:
    """The same backtest without and with transaction costs (25 bp per unit traded)."""
    led, px = make_universe(tmp_path_factory.mktemp("attr"), n=10, days=480)
    for f in sorted(px.glob("*.csv"))[::2]:  # a 3 % dividend going ex on 2023-02-15
        p = pd.read_csv(f)
        p["adj_close"] = p["close"] * np.where(pd.to_datetime(p["date"]) < "2023-02-15", 0.97, 1)
        p.to_csv(f, index=False)
    ledger, prices = load_ledger(base=led), CsvDirProvider(px)
    return tuple(  # type: ignore[return-value]
        backtest(ledger, prices.get, M, "2022-06-01", "2023-09-30", cost_bps=cost)
        for cost in (0.0, 25.0)
    )


def _by_period(out: pd.DataFrame) -> pd.DataFrame:
    return out.groupby("period").agg(
        contribution=("contribution", "sum"),
        residual=("residual", "first"),
        index_return=("index_return", "first"),
    )


def _gtr_period_returns(res: BacktestResult) -> dict[object, float]:
    gtr = res.levels["GTR"]
    years = gtr.groupby(gtr.index.year).last()
    prev = pd.concat([pd.Series([gtr.iloc[0]]), years.iloc[:-1]]).to_numpy()
    out: dict[object, float] = dict(zip(years.index, years.to_numpy() / prev - 1, strict=True))
    out["total"] = gtr.iloc[-1] / gtr.iloc[0] - 1
    return out


def test_the_synthetic_backtest_has_what_the_test_needs(synthetic):
    free, costly = synthetic
    assert len(free.reviews) >= 4 and len(free.levels) > 300
    held = free.calc.weights.loc[free.calc.weights["shares"] > 0, "security"].unique()
    paid = free.dividends_usd.loc[free.levels.index[1] :, held].to_numpy().sum()
    assert paid > 0  # held lines pay dividends inside the window
    assert free.levels["GTR"].iloc[-1] > free.levels["PR"].iloc[-1]
    assert costly.calc.rebalances["cost"].iloc[1:].gt(0).all()


@pytest.mark.parametrize("by", ["category", "constituent"])
@pytest.mark.parametrize("period", ["year", "total"])
@pytest.mark.parametrize("method", ["carino", "sum"])
def test_contributions_reconcile_with_the_gtr_period_return(synthetic, by, period, method):
    free, costly = synthetic
    for res in (free, costly):
        agg = _by_period(attribution(res, by, period, method=method))
        expected = _gtr_period_returns(res)
        n = len(res.levels)  # every period return compounds at most n daily returns
        for p, row in agg.iterrows():
            # the attribution compounds daily returns, the expectation divides two levels: both
            # round at each of the n steps, so they agree to about n·eps relative to 1 + r
            assert abs(row["index_return"] - expected[p]) <= return_tol(n, expected[p])
            # by construction: contributions + residual = the GTR return of the period
            assert abs(row["contribution"] + row["residual"] - row["index_return"]) <= sum_tol(
                n * 10, 1.0 + abs(row["index_return"])
            )
    # without costs or corporate actions the Carino residual is rounding noise only
    if method == "carino":
        resid = attribution(free, by, period)["residual"].abs().max()
        assert resid <= sum_tol(len(free.levels) * 10, 1.0)


def test_the_residual_with_costs_is_the_costs(synthetic):
    """Carino's residual is the linked cost; it is close to the plain sum of the period's costs."""
    _, costly = synthetic
    agg = _by_period(attribution(costly, "category", "year"))
    reb = costly.calc.rebalances.iloc[1:]
    costs = reb.groupby(reb["effective"].dt.year)["cost"].sum()  # deducted the next session
    for year, row in agg.iterrows():
        assert row["residual"] < 0
        assert -row["residual"] == pytest.approx(costs.get(year, 0.0), rel=0.1)


def test_constituents_add_up_to_categories_and_weights_to_one(synthetic):
    free, _ = synthetic
    lines = attribution(free, "constituent", "year")
    cats = attribution(free, "category", "year")
    lines["category"] = lines["group"].map(free.category_of)
    summed = lines.groupby(["period", "category"])["contribution"].sum()
    mine = cats.set_index(["period", "group"])["contribution"]
    np.testing.assert_allclose(
        summed.to_numpy(), mine.to_numpy(), rtol=0, atol=sum_tol(len(free.levels) * 10)
    )
    np.testing.assert_allclose(cats.groupby("period")["weight_avg"].sum(), 1.0, atol=1e-12)
    assert set(lines["group"]) <= set(free.company_of)
