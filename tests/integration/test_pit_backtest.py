"""The default backtest on the shared prices is point in time (issue 14): per-review score sources,
and its 2019 reviews are unchanged when every input dated after 2019 is removed."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from aiinfra.backtest import backtest
from aiinfra.index import load_methodology
from aiinfra.ledger import Ledger, load_ledger
from aiinfra.prices import CsvDirProvider
from aiinfra.services.index import load_fx
from tests.conftest import SHARED

FX = SHARED / "data" / "fx"
CUT = pd.Timestamp("2019-12-31")
COLS = ["id", "ticker", "category", "Q", "Q_raw", "a", "R", "S", "ffmc", "eligible", "reason",
        "market_position", "bottleneck_power", "ai_leverage", "execution", "demand_visibility",
        "selected", "weight"]  # fmt: skip


def _truncate(ledger: Ledger, day: pd.Timestamp) -> Ledger:
    """A copy of the ledger holding only rows dated on or before ``day``."""
    t = ledger
    return dataclasses.replace(
        t,
        flows=t.flows[t.flows["announced_known"] <= day],
        flow_events=t.flow_events[t.flow_events["known_from"] <= day],
        relationships=t.relationships[t.relationships["announced_known"] <= day],
        figures=t.figures[t.figures["source_date_known"] <= day],
        scores=t.scores[t.scores["as_of"] <= day],
        score_components=t.score_components[t.score_components["as_of"] <= day],
        ai_revenue=t.ai_revenue[t.ai_revenue["known_from"] <= day],
        financials=t.financials[t.financials["source_date_known"] <= day],
    )


def _until(get, day: pd.Timestamp):
    return lambda t: get(t).loc[:day]


@pytest.fixture(scope="module")
def inputs():
    if not (SHARED / "data" / "prices").is_dir() or not FX.is_dir():
        pytest.skip("../shared/data/prices and ../shared/data/fx are not beside the checkout")
    return load_ledger(), CsvDirProvider(SHARED / "data" / "prices"), load_fx(str(FX))


def test_2019_reviews_do_not_change_when_later_inputs_are_removed(inputs):
    ledger, prices, fx = inputs
    m = load_methodology(None)  # the default rules and pit_mode
    assert m.pit_mode == "vintage_or_systematic"
    full = backtest(ledger, prices.get, m, "2019-01-01", "2021-06-30", fx=fx)
    early = backtest(_truncate(ledger, CUT), _until(prices.get, CUT), m, "2019-01-01", CUT, fx=fx)
    assert early.summary["point_in_time"] is True
    r19 = [r for r in full.reviews if r.dates.review.startswith("2019")]
    assert len(r19) >= 2 and {r.score_source for r in r19} == {"systematic"}
    by_review = {r.dates.review: r for r in early.reviews}
    for r in r19:
        a = r.candidates[COLS].sort_values("id").reset_index(drop=True)
        b = by_review[r.dates.review].candidates[COLS].sort_values("id").reset_index(drop=True)
        assert a.to_csv() == b.to_csv(), r.dates.review
        assert r.input_hash == by_review[r.dates.review].input_hash


def test_the_cli_backtest_is_labelled_point_in_time_with_a_source_per_review(inputs, tmp_path):
    from typer.testing import CliRunner

    from aiinfra.app import app

    out = tmp_path / "bt"
    res = CliRunner().invoke(app, ["--prices", str(SHARED / "data" / "prices"), "--fx", str(FX),
                                   "index", "backtest", "--start", "2019-01-01", "--end",
                                   "2020-12-31", "--benchmark", "QQQ", "--benchmark", "SMH",
                                   "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["point_in_time"] is True and summary["label"] == "point-in-time"
    turnover = pd.read_csv(out / "turnover.csv")
    assert turnover["score_source"].isin(["house", "systematic"]).all()
    assert (
        dict(zip(turnover["review"], turnover["score_source"], strict=True))
        == summary["score_sources"]
    )
    assert "scores: systematic" in res.output
    assert Path(out / "reviews").is_dir()
