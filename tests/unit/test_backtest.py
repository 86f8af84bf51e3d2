"""Backtests on the synthetic universe: FX, the end of the data, benchmarks, costs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aiinfra.backtest import backtest
from aiinfra.exceptions import MissingDataError
from aiinfra.index import load_methodology
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from tests.index_fixtures import make_universe

M = load_methodology({
    "selection": {"target_n": 10, "min_n": 5, "min_per_category": 0},
    "eligibility": {"min_composite": {"new": 0, "existing": 0}},
    "scores": {"max_vintage_age_reviews": None},
    "weighting": {"ucits": None, "single_cap": 0.5},
})  # fmt: skip


@pytest.fixture(scope="module")
def krw_universe(tmp_path_factory):
    """Company c00 trades only as T00.KS (KRW); every other line is in USD."""
    root = tmp_path_factory.mktemp("krw")
    led, px = make_universe(root, n=12)
    comp = pd.read_csv(led / "companies.csv", dtype=str, keep_default_na=False)
    comp.loc[comp["id"] == "c00", "ticker"] = "T00.KS"
    comp.to_csv(led / "companies.csv", index=False)
    (px / "T00.csv").rename(px / "T00.KS.csv")
    # make c00 the best-scored company so that it is always held
    sc = pd.read_csv(led / "scores.csv")
    sc.loc[sc["company_id"] == "c00", ["qualitative", "ai_revenue_share"]] = [99.0, 0.9]
    sc.to_csv(led / "scores.csv", index=False)
    return load_ledger(base=led), CsvDirProvider(px)


def fx_series(dates, jump_on=None):
    rate = pd.Series(1.0, index=dates)
    if jump_on is not None:
        rate[rate.index >= jump_on] = 2.0
    return {"KRW": rate}


def test_fx_moves_the_level_of_a_foreign_line(krw_universe):
    ledger, prices = krw_universe
    days = prices.get("T01").index
    jump = pd.Timestamp("2023-01-10")
    flat = backtest(ledger, prices.get, M, "2022-09-01", "2023-03-01", fx=fx_series(days))
    moved = backtest(ledger, prices.get, M, "2022-09-01", "2023-03-01", fx=fx_series(days, jump))
    assert "T00.KS" in set(flat.calc.weights["security"])
    w = flat.calc.weights
    held = w[(w["security"] == "T00.KS") & (w["effective"] < jump)]["weight_effective"].iloc[-1]
    before, after = jump - pd.Timedelta(days=3), jump
    ratio_flat = flat.levels.loc[after, "PR"] / flat.levels.loc[:before, "PR"].iloc[-1]
    ratio_moved = moved.levels.loc[after, "PR"] / moved.levels.loc[:before, "PR"].iloc[-1]
    # the KRW line's USD value doubles: the index gains about its drifted weight
    assert ratio_moved / ratio_flat - 1 == pytest.approx(held, rel=0.35)


def test_the_end_is_clipped_to_the_data_and_said(krw_universe):
    ledger, prices = krw_universe
    last = prices.get("T01").index[-1]
    res = backtest(ledger, prices.get, M, "2022-06-01", last + pd.Timedelta(days=200),
                   fx=fx_series(prices.get("T01").index), cost_bps=10)  # fmt: skip
    assert res.levels.index[-1] == last
    assert any("the last date with prices" in w for w in res.warnings)
    assert np.isfinite(res.levels[["PR", "GTR", "NTR"]].to_numpy()).all()


def test_a_benchmark_without_a_price_on_the_base_date_is_missing_data(krw_universe, tmp_path):
    ledger, prices = krw_universe
    late = prices.get("T01").iloc[300:]
    late.reset_index().assign(date=lambda f: f["date"].dt.strftime("%Y-%m-%d")).to_csv(
        tmp_path / "LATE.csv", index=False
    )
    bench = CsvDirProvider(tmp_path)

    def get(t):
        return bench.get(t) if t == "LATE" else prices.get(t)

    with pytest.raises(MissingDataError, match="no price on the base date"):
        backtest(
            ledger,
            get,
            M,
            "2022-06-01",
            "2023-06-01",
            benchmarks=["LATE"],
            fx=fx_series(prices.get("T01").index),
        )
