"""A review on a synthetic universe: screens, reason codes, PIT, buffers, caps, hashing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aiinfra.exceptions import DataValidationError, InsufficientConstituents, NotPointInTimeError
from aiinfra.index import REASONS, load_methodology, run_review
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from tests.index_fixtures import make_universe

AS_OF = "2023-06-30"


@pytest.fixture(scope="module")
def universe(tmp_path_factory):
    led, px = make_universe(tmp_path_factory.mktemp("u"))
    return load_ledger(base=led), CsvDirProvider(px)


def small(**over):
    base = {"selection": {"target_n": 20, "min_n": 5, "min_per_category": 2},
            "eligibility": {"min_composite": {"new": 0, "existing": 0}},
            "scores": {"max_vintage_age_reviews": None}}  # fmt: skip
    for k, v in over.items():
        base[k] = {**base.get(k, {}), **v} if isinstance(v, dict) else v
    return load_methodology(base)


def test_weights_sum_to_one_and_caps_hold(universe):
    ledger, prices = universe
    r = run_review(ledger, prices.get, small(), AS_OF)
    w = r.weights
    assert abs(w.sum() - 1) < 1e-12 and w.max() <= 0.08 + 1e-12
    assert w[w > 0.045].sum() <= 0.35 + 1e-12
    sel = r.selection()
    assert len(sel) == 20 and sel["category"].notna().all() and sel["S"].notna().all()
    assert (sel.groupby("category").size() >= 2).all()
    assert r.dates.review == "2023-06" and str(r.dates.cutoff.date()) == "2023-05-31"
    # weights follow S x m before capping: the uncapped names keep their order
    assert r.compliance["sum"] == pytest.approx(1.0)


def test_every_exclusion_has_a_reason_code(universe):
    ledger, prices = universe
    m = small(
        eligibility={"min_composite": {"new": 70, "existing": 60}},
        weighting={"ucits": None, "single_cap": 0.2},
    )
    r = run_review(ledger, prices.get, m, AS_OF)
    ex = r.exclusions()
    assert ex["reason"].notna().all() and set(ex["reason"]) <= set(REASONS)
    low = r.candidates[r.candidates["S"] < 70]
    assert (low["reason"] == "COMPOSITE").all()


def test_existing_members_get_buffered_thresholds(universe):
    ledger, prices = universe
    m = small(
        eligibility={"min_composite": {"new": 70, "existing": 60}},
        weighting={"ucits": None, "single_cap": 0.2},
    )
    cand = run_review(ledger, prices.get, m, AS_OF).candidates
    mid = cand[(cand["S"] >= 60) & (cand["S"] < 70)]["id"].tolist()
    assert mid, "fixture should have names between the thresholds"
    r = run_review(ledger, prices.get, m, AS_OF, previous=dict.fromkeys(mid, 0.01))
    kept = set(r.candidates[r.candidates["id"].isin(mid)]["reason"].dropna())
    assert "COMPOSITE" not in kept


def test_screens_fail_with_their_reason(universe):
    ledger, prices = universe
    m = small(eligibility={"min_adtv_3m_usd": {"new": 1e12, "existing": 1e12}})
    with pytest.raises(
        InsufficientConstituents,
        match=r"0 are eligible; excluded: 3-month average daily traded value below min_adtv_3m_usd 30",
    ):
        run_review(ledger, prices.get, m, AS_OF)


def test_infeasible_caps_state_the_arithmetic(universe):
    ledger, prices = universe
    from aiinfra.exceptions import InfeasibleCapping

    m = small(selection={"target_n": 19})
    with pytest.raises(
        InfeasibleCapping, match=r"19 names cannot satisfy 8 %/4\.5 %/35 %: at most 99\.5 %"
    ):
        run_review(ledger, prices.get, m, AS_OF)


def test_pit_vintage_raises_and_static_is_labelled(tmp_path):
    led, px = make_universe(tmp_path, score_as_of="2024-06-01")
    ledger, prices = load_ledger(base=led), CsvDirProvider(px)
    # pit_mode vintage (the default is vintage_or_systematic since issue 14)
    with pytest.raises(NotPointInTimeError, match="static_scores"):
        run_review(ledger, prices.get, small(pit_mode="vintage"), AS_OF)
    r = run_review(ledger, prices.get, small(pit_mode="static_scores"), AS_OF)
    assert not r.point_in_time and "not point-in-time" in r.label
    assert r.to_dict()["label"] == r.label
    r2 = run_review(ledger, prices.get, small(pit_mode="vintage"), AS_OF, missing_vintage="static")
    assert not r2.point_in_time and r2.warnings


def test_nothing_after_the_announcement_changes_the_review(universe, tmp_path):
    ledger, prices = universe
    base = run_review(ledger, prices.get, small(), AS_OF)

    def shifted(ticker):
        frame = prices.get(ticker).copy()
        later = frame.index > base.dates.announce
        frame.loc[later, ["close", "adj_close", "volume"]] *= np.linspace(0.1, 9, later.sum())[
            :, None
        ]
        return frame

    other = run_review(ledger, shifted, small(), AS_OF)
    pd.testing.assert_series_equal(base.weights, other.weights)
    pd.testing.assert_frame_equal(base.proforma, other.proforma)
    assert base.input_hash == other.input_hash


def test_hash_is_stable_and_sensitive(universe):
    ledger, prices = universe
    a = run_review(ledger, prices.get, small(), AS_OF)
    b = run_review(ledger, prices.get, small(), AS_OF)
    c = run_review(ledger, prices.get, small(weighting={"single_cap": 0.09}), AS_OF)
    assert a.input_hash == b.input_hash != c.input_hash


def test_methodology_variants_and_strictness():
    assert load_methodology("cta_style_tiers").weighting.scheme == "tiered_equal"
    with pytest.raises(DataValidationError, match="singel_cap"):
        load_methodology({"weighting": {"singel_cap": 0.1}})
    with pytest.raises(DataValidationError, match="must sum to 1"):
        load_methodology({"scores": {"composite_weights": {"qualitative": 0.7}}})
    with pytest.raises(DataValidationError, match="tier weights must sum to 1"):
        load_methodology(
            {
                "weighting": {
                    "scheme": "tiered_equal",
                    "tiers": [{"name": "a", "categories": ["C1"], "weight": 0.5}],
                }
            }
        )


def test_tiered_equal_weights(universe):
    ledger, prices = universe
    m = small(weighting={"scheme": "tiered_equal", "ucits": None, "single_cap": 0.5,
                         "tiers": [{"name": "a", "categories": ["C1", "C2", "C3"], "weight": 0.6},
                                   {"name": "b", "categories": ["C4", "C5", "C6", "C7"], "weight": 0.4}]})  # fmt: skip
    r = run_review(ledger, prices.get, m, AS_OF)
    cat = r.selection().set_index("id")["category"]
    first = r.weights[cat.isin(["C1", "C2", "C3"])]
    assert first.sum() == pytest.approx(0.6) and np.allclose(first, first.iloc[0])


def test_a_stale_vintage_is_carried_one_review_for_members_only(tmp_path):
    # vintage 2023-03-15: fresh for the 2023-06 review (previous cut-off 2023-02-28); one review
    # old for 2023-09 (carried for members); too old for 2023-12
    led, px = make_universe(tmp_path, score_as_of="2023-03-15")
    ledger, prices = load_ledger(base=led), CsvDirProvider(px)
    m = small(scores={"max_vintage_age_reviews": 1}, weighting={"ucits": None, "single_cap": 0.2})
    fresh = run_review(ledger, prices.get, m, "2023-06-30")
    assert "SCORE_STALE" not in set(fresh.candidates["reason"].dropna())
    members = dict(fresh.weights)
    carried = run_review(ledger, prices.get, m, "2023-09-30", previous=members)
    reasons = carried.candidates.set_index("id")["reason"]
    assert set(reasons[list(members)].dropna()) <= {"NOT_SELECTED"}
    assert (reasons.drop(list(members)) == "SCORE_STALE").all()
    assert any("carried forward one review" in w for w in carried.warnings)
    with pytest.raises(InsufficientConstituents, match="older than the previous review"):
        run_review(ledger, prices.get, m, "2023-12-31", previous=dict(carried.weights))


def test_listing_screen_and_adr_ratio(universe):
    ledger, prices = universe
    m = small(eligibility={"exchanges": ["XKRX"]}, selection={"min_n": 1})
    with pytest.raises(InsufficientConstituents, match="no line on an eligible exchange"):
        run_review(ledger, prices.get, m, AS_OF)


def test_review_cache_gives_the_same_review_and_never_a_stale_frame(universe):
    from aiinfra.index._cache import ReviewCache, review_cache

    ledger, provider = universe
    frames = {t: provider.get(t) for t in provider.tickers()}
    plain = run_review(ledger, frames.__getitem__, small(), AS_OF)
    cache = ReviewCache()
    with review_cache(cache):
        first = run_review(ledger, frames.__getitem__, small(), AS_OF)
        again = run_review(ledger, frames.__getitem__, small(), AS_OF)
        pd.testing.assert_frame_equal(plain.candidates, first.candidates)
        pd.testing.assert_frame_equal(first.candidates, again.candidates)
        # a new frame (volume x 10) is a new entry: its ADTV is computed, not looked up
        louder = {t: f.assign(volume=f["volume"] * 10) for t, f in frames.items()}
        loud = run_review(ledger, louder.__getitem__, small(), AS_OF)
    ratio = (loud.candidates["adtv"] / plain.candidates["adtv"]).dropna()
    assert len(ratio) > 0 and np.allclose(ratio, 10)
    # outside the block nothing is cached: the same frame changed in place is read afresh
    t0 = next(iter(frames))
    frames[t0]["volume"] *= 2
    changed = run_review(ledger, frames.__getitem__, small(), AS_OF)
    row = changed.candidates.set_index("ticker").loc[t0, "adtv"]
    assert row == pytest.approx(2 * plain.candidates.set_index("ticker").loc[t0, "adtv"])
