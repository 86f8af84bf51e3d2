"""Systematic score vintages (issue 14): each component on a hand-computable case, Q on the house
scale, the score source of a review, and that nothing dated after a cut-off changes its scores."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiinfra.index import load_methodology, run_review
from aiinfra.index._cache import review_cache
from aiinfra.index._calendar import latest_review
from aiinfra.index._systematic import (
    COMPONENT_RULES,
    Q_SCALE,
    bucket,
    component_inputs,
    scale_q,
    score_components,
)
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from tests.index_fixtures import make_universe

CUT = "2023-05-31"
AS_OF = "2023-06-30"
FIN_HEADER = (
    "company_id,fiscal_year,period_end,revenue_usd_bn,gross_profit_usd_bn,"
    "operating_income_usd_bn,dc_revenue_usd_bn,backlog_usd_bn,capex_usd_bn,"
    "shares_outstanding_mn,free_float,estimate,source,source_date,notes\n"
)


def _financials(n: int) -> str:
    """FY2020–FY2023 for company cNN: revenue 10·(1 + NN/100)^k, gross margin 0.2 + NN/50,
    operating income 1 (−1 for c03), backlog 5 for c01, DC revenue 4 for c02; FY2023 is
    published 2024-02-15 (after the 2023-05-31 cut-off)."""
    rows = []
    for i in range(n):
        for k, fy in enumerate(("FY2020", "FY2021", "FY2022", "FY2023")):
            rev = 10 * (1 + i / 100) ** k
            gp = rev * min(0.95, 0.2 + i / 50)
            oi = -1.0 if i == 3 else 1.0
            backlog = "5" if i == 1 else ""
            dc = "4" if i == 2 else ""
            year = int(fy[2:])
            rows.append(
                f"c{i:02d},{fy},{year}-12-31,{rev!r},{gp!r},{oi!r},{dc},{backlog},1,1000,0.9,"
                f"false,synthetic,{year + 1}-02-15,\n"
            )
    return FIN_HEADER + "".join(rows)


@pytest.fixture(scope="module")
def universe(tmp_path_factory):
    root = tmp_path_factory.mktemp("sys")
    led, px = make_universe(root, start="2019-01-01", days=1500, score_as_of="2024-01-02")
    (led / "financials.csv").write_text(_financials(30))
    # a deal in force for c01 (payee), announced 2021: 15 committed over 3 years
    (led / "flows.csv").write_text(
        (led / "flows.csv").read_text()
        + "x1,c05,c01,cloud_compute_commitment,compute,,15,,3,2021-03-01,,,,filing,synthetic,"
        "2021-03-01,\n"
    )
    return load_ledger(base=led), CsvDirProvider(px)


def systematic(**over):
    base = {
        "pit_mode": "systematic",
        "selection": {"target_n": 20, "min_n": 5, "min_per_category": 1},
        "eligibility": {"min_composite": {"new": 0, "existing": 0}},
        "scores": {"max_vintage_age_reviews": None},
    }
    base.update(over)
    return load_methodology(base)


def test_bucket_bounds_are_inclusive_and_nan_stays_unknown():
    b = COMPONENT_RULES["bottleneck_power"]
    assert [bucket(x, b) for x in (0.0, 0.2499, 0.25, 0.4, 0.5, 0.6, 1.0)] == [
        1.0, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0,
    ]  # fmt: skip
    assert math.isnan(bucket(math.nan, b))


def test_each_component_on_a_hand_computed_case():
    x = pd.DataFrame(
        {
            "ffmc_pct": [0.0, 0.5, 1.0],
            "gross_margin": [0.30, 0.55, np.nan],
            "ai_share": [np.nan, 0.25, 0.85],
            "revenue_growth": [-0.1, 0.12, 0.6],
            "operating_loss": [False, True, False],
            "coverage": [0.0, 0.6, 2.5],
        },
        index=["a", "b", "c"],
    )
    c = score_components(x)
    assert c["market_position"].tolist() == [1.0, 3.0, 5.0]
    assert c["bottleneck_power"].tolist()[:2] == [2.0, 4.0]
    assert math.isnan(c.loc["c", "bottleneck_power"])
    assert math.isnan(c.loc["a", "ai_leverage"]) and c["ai_leverage"].tolist()[1:] == [3.0, 5.0]
    # growth 12 % is 3; an operating loss takes one step off (never below 1)
    assert c["execution"].tolist() == [1.0, 2.0, 5.0]
    assert c["demand_visibility"].tolist() == [1.0, 3.0, 5.0]
    # Q_raw = (mean of the known ones − 1) / 4 × 100
    assert c["Q_raw"].tolist() == [
        round((np.mean([1, 2, 1, 1]) - 1) / 4 * 100, 1),
        round((np.mean([3, 4, 3, 2, 3]) - 1) / 4 * 100, 1),
        round((np.mean([5, 5, 5, 5]) - 1) / 4 * 100, 1),
    ]
    assert c["Q"].tolist() == [25.0, 77.5, 100.0]  # ranks 0, 0.5, 1 on the frozen scale


def test_fewer_than_three_components_give_no_score():
    x = pd.DataFrame(
        {"ffmc_pct": [1.0], "gross_margin": [np.nan], "ai_share": [np.nan],
         "revenue_growth": [0.3], "operating_loss": [False], "coverage": [np.nan]},
        index=["a"],
    )  # fmt: skip
    c = score_components(x)
    assert c.loc["a", "n_components"] == 2 and math.isnan(c.loc["a", "Q"])


def test_q_scale_interpolates_the_frozen_house_quantiles():
    raw = pd.Series(np.arange(9, dtype=float))  # ranks 0, 1/8, …, 1
    q = scale_q(raw).tolist()
    xs, ys = zip(*Q_SCALE, strict=True)
    exact = [float(np.interp(i / 8, xs, ys)) for i in range(9)]
    # rounded to one decimal: within half a unit of the last place (and its float error)
    assert all(abs(a - b) <= 0.05 + 1e-9 for a, b in zip(q, exact, strict=True))
    assert q[0] == 25.0 and q[2] == 61.2 and q[4] == 77.5 and q[6] == 88.8 and q[8] == 100.0


def test_component_inputs_use_only_filings_published_by_the_cut_off(universe):
    ledger, _ = universe
    cut = pd.Timestamp(CUT)
    ids = ["c01", "c02", "c03", "c10"]
    ffmc = pd.Series([1.0, 2.0, 3.0, 4.0], index=ids)
    cat = pd.Series(["C1", "C1", "C1", "C2"], index=ids)
    x = component_inputs(ledger, cut, ids, ffmc, cat)
    # FY2022 (published 2023-02-15) is the latest known; FY2023 (2024-02-15) is not
    assert (x["fiscal_year"] == "FY2022").all()
    assert x.loc["c10", "gross_margin"] == pytest.approx(0.2 + 10 / 50, rel=1e-12)
    assert x.loc["c10", "revenue_growth"] == pytest.approx(0.10, rel=1e-12)
    # c01: max(backlog 5, ledger commitment 15) / revenue FY2022
    assert x.loc["c01", "coverage"] == pytest.approx(15 / (10 * 1.01**2), rel=1e-12)
    # c02: data-centre share as the AI proxy
    assert x.loc["c02", "ai_share"] == pytest.approx(4 / (10 * 1.02**2), rel=1e-12)
    assert x.loc["c02", "ai_share_source"] == "dc_segment"
    assert bool(x.loc["c03", "operating_loss"])
    # ranks within the category: c01 < c02 < c03 in C1; c10 alone in C2
    assert x["ffmc_pct"].tolist() == [0.0, 0.5, 1.0, 1.0]


def _candidates(ledger, prices, m, as_of=AS_OF) -> pd.DataFrame:
    with review_cache():
        r = run_review(ledger, prices, m, as_of)
    return r.candidates


COLS = ["id", "Q", "Q_raw", "a", "market_position", "bottleneck_power", "ai_leverage",
        "execution", "demand_visibility", "n_components"]  # fmt: skip


def test_a_systematic_review_scores_every_priced_company(universe):
    ledger, prices = universe
    r = run_review(ledger, prices.get, systematic(), AS_OF)
    assert r.score_source == "systematic" and r.point_in_time
    cand = r.candidates
    assert cand["Q"].notna().sum() == 30 and cand["n_components"].min() >= 3
    assert r.to_dict()["score_source"] == "systematic"


def test_the_house_vintage_in_force_wins_else_systematic(universe):
    ledger, prices = universe
    m = systematic(pit_mode="vintage_or_systematic")
    before = run_review(ledger, prices.get, m, AS_OF)  # house vintage dated 2024-01-02
    after = run_review(ledger, prices.get, m, "2024-06-30")
    assert (before.score_source, after.score_source) == ("systematic", "house")
    static = run_review(ledger, prices.get, systematic(pit_mode="static_scores"), AS_OF)
    assert static.score_source == "static" and not static.point_in_time


class _Shifted:
    """Prices as given, with every close after ``cut`` multiplied by ``k``."""

    def __init__(self, base, cut: pd.Timestamp, k: float) -> None:
        self.base, self.cut, self.k = base, cut, k

    def __call__(self, t: str) -> pd.DataFrame:
        f = self.base(t).copy()
        late = f.index > self.cut if isinstance(f.index, pd.DatetimeIndex) else None
        if late is None:
            late = pd.to_datetime(f["date"]) > self.cut
        for c in ("open", "high", "low", "close", "adj_close"):
            if c in f:
                f.loc[late, c] = f.loc[late, c] * self.k
        f.loc[late, "volume"] = f.loc[late, "volume"] * self.k
        return f


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    k=st.floats(0.1, 10.0),
    bump=st.floats(0.5, 3.0),
    company=st.integers(0, 29),
    share=st.floats(0.0, 1.0),
    commit=st.floats(0.0, 500.0),
)
def test_inputs_dated_after_the_cut_off_leave_the_scores_byte_identical(
    universe, k, bump, company, share, commit
):
    ledger, prices = universe
    m = systematic()
    cut = latest_review(
        pd.Timestamp(AS_OF), m.calendar.rebalance_months, m.calendar.exchange
    ).cutoff
    base = _candidates(ledger, prices.get, m)[COLS].to_csv()
    fin = ledger.financials.copy()
    late = fin["source_date_known"] > cut
    for col in ("revenue_usd_bn", "gross_profit_usd_bn", "backlog_usd_bn", "shares_outstanding_mn"):
        fin.loc[late, col] = fin.loc[late, col] * bump
    extra_ai = ledger.ai_revenue.iloc[:0].copy()
    cid = f"c{company:02d}"
    extra_ai.loc[0, ["company_id", "fiscal_year", "share", "source_type"]] = [
        cid, "FY2023", share, "reported"
    ]  # fmt: skip
    extra_ai.loc[0, "period_end"] = pd.Timestamp("2023-03-31")
    extra_ai.loc[0, "known_from"] = cut + pd.Timedelta(days=1)
    # a deal announced after the cut-off, and a later event raising the in-force deal x1
    later = cut + pd.Timedelta(days=2)
    flow = ledger.flows[ledger.flows["id"] == "x1"].copy()
    flow["id"], flow["payee"], flow["committed"], flow["announced_known"] = (
        "late1",
        cid,
        commit,
        later,
    )
    ev = ledger.flow_events[ledger.flow_events["flow_id"] == "x1"].copy()
    new_ev = pd.concat([ev.assign(flow_id="late1"), ev], ignore_index=True)
    new_ev["committed"] = commit
    for c in ("date_known", "known_from"):
        new_ev[c] = later
    new_ev["date"] = str(later.date())
    changed = dataclasses.replace(
        ledger,
        financials=fin,
        ai_revenue=pd.concat([ledger.ai_revenue, extra_ai], ignore_index=True),
        flows=pd.concat([ledger.flows, flow], ignore_index=True),
        flow_events=pd.concat([ledger.flow_events, new_ev], ignore_index=True),
    )
    after = _candidates(changed, _Shifted(prices.get, cut, k), m)[COLS].to_csv()
    assert after == base
