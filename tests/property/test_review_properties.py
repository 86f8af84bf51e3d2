"""Hypothesis: nothing dated after the announcement date changes a review."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiinfra.index import load_methodology, run_review
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from tests.index_fixtures import make_universe

M = load_methodology({
    "selection": {"target_n": 20, "min_n": 5},
    "eligibility": {"min_composite": {"new": 0, "existing": 0}},
    "scores": {"max_vintage_age_reviews": None},
})  # fmt: skip


@pytest.fixture(scope="module")
def universe(tmp_path_factory):
    led, px = make_universe(tmp_path_factory.mktemp("p"))
    return load_ledger(base=led), CsvDirProvider(px)


@given(
    seed=st.integers(0, 2**31 - 1),
    as_of=st.sampled_from(["2022-12-31", "2023-06-30", "2023-09-30"]),
)
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_future_prices_and_volumes_change_nothing(universe, seed, as_of):
    ledger, prices = universe
    base = run_review(ledger, prices.get, M, as_of)
    rng = np.random.default_rng(seed)

    def shifted(ticker: str) -> pd.DataFrame:
        frame = prices.get(ticker).copy()
        later = frame.index > base.dates.announce
        scale = rng.uniform(0.05, 20.0, (int(later.sum()), 1))
        frame.loc[later, ["close", "adj_close", "volume"]] *= scale
        return frame

    other = run_review(ledger, shifted, M, as_of)
    pd.testing.assert_series_equal(base.weights, other.weights)
    pd.testing.assert_frame_equal(base.proforma, other.proforma)
    assert base.input_hash == other.input_hash
