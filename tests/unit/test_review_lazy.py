"""A review's parts made on first use, and the shortcuts that replace pandas calls, give what
the eager steps and pandas give, to the last bit."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from aiinfra.index import load_methodology, review_cache, run_review
from aiinfra.index._universe import _mean
from aiinfra.index._weighting import _category_sums
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from tests.index_fixtures import make_universe

AS_OF = "2023-06-30"


@pytest.fixture(scope="module")
def universe(tmp_path_factory):
    led, px = make_universe(tmp_path_factory.mktemp("u"))
    provider = CsvDirProvider(px)
    return load_ledger(base=led), {t: provider.get(t) for t in provider.tickers()}


def small():
    return load_methodology(
        {
            "selection": {"target_n": 20, "min_n": 5, "min_per_category": 2},
            "eligibility": {"min_composite": {"new": 0, "existing": 0}},
            "scores": {"max_vintage_age_reviews": None},
        }
    )


def _same(a: list, b: list) -> bool:
    return len(a) == len(b) and all(
        (x is y) or (x == y) or (pd.isna(x) and pd.isna(y)) for x, y in zip(a, b, strict=True)
    )


def test_columns_read_before_the_frame_are_the_frames_columns(universe):
    ledger, frames = universe
    with review_cache():
        r = run_review(ledger, frames.__getitem__, small(), AS_OF)
        members = dict(r.weights.head(5))
        later = run_review(ledger, frames.__getitem__, small(), "2023-09-30", previous=members)
    for res in (r, later):
        assert "_candidates" in vars(res)  # not made yet
        cand_cols = {c: res.candidate_column(c) for c in ("id", "category", "reason", "rank")}
        pro_cols = {c: res.proforma_column(c) for c in ("id", "ticker", "weight")}
        for c, values in cand_cols.items():
            assert _same(values, res.candidates[c].tolist()), c
        for c, values in pro_cols.items():
            assert _same(values, res.proforma[c].tolist()), c
        assert res.proforma["id"].tolist() == [str(k) for k in res.weights.index]


def test_a_lazy_review_equals_the_same_review_without_a_cache(universe):
    ledger, frames = universe
    plain = run_review(ledger, frames.__getitem__, small(), AS_OF)  # frame made at once
    with review_cache():
        lazy = run_review(ledger, frames.__getitem__, small(), AS_OF)
    copy = pickle.loads(pickle.dumps(lazy))  # pickled before any part was made
    for r in (lazy, copy):
        pd.testing.assert_frame_equal(r.candidates, plain.candidates, check_exact=True)
        pd.testing.assert_frame_equal(r.proforma, plain.proforma, check_exact=True)
        assert r.compliance == plain.compliance and r.input_hash == plain.input_hash
        pd.testing.assert_series_equal(r.weights, plain.weights, check_exact=True)
        assert repr(r) == repr(plain)


def test_compliance_is_of_the_weights_the_review_gave(universe):
    ledger, frames = universe
    r = run_review(ledger, frames.__getitem__, small(), AS_OF)
    want = run_review(ledger, frames.__getitem__, small(), AS_OF).compliance
    r.weights.iloc[0] = 0.5  # a caller changing the weights afterwards
    assert r.compliance == want


@pytest.mark.parametrize("seed", range(40))
def test_category_sums_are_pandas_groupby_sums(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    w = rng.random(n) ** rng.uniform(0.2, 5)
    w = np.round(w / w.sum(), int(rng.integers(2, 17))) if seed % 3 == 0 else w / w.sum()
    cats = [f"C{int(rng.integers(1, int(rng.integers(1, 8)) + 1))}" for _ in range(n)]
    if seed % 4 == 0:
        cats.sort()  # sorted keys: pandas sums by np.add.reduceat
    if seed % 5 == 0:
        cats[int(rng.integers(n))] = np.nan
    if seed % 7 == 1:
        w[int(rng.integers(n))] = np.nan
    keys = np.array(cats, dtype=object)
    want = {str(k): float(v) for k, v in pd.Series(w).groupby(keys).sum().items()}
    assert list(_category_sums(w, keys).items()) == list(want.items())


@pytest.mark.parametrize(
    "values",
    [
        [],
        [1.5],
        [np.nan],
        [0.1, np.nan, 0.2, 0.3],
        list(np.random.default_rng(3).random(300) * 1e7),
    ],
)
def test_line_mean_is_series_mean(values):
    a = np.array(values, dtype=float)
    want = pd.Series(a).mean()
    got = _mean(a)
    assert (np.isnan(want) and np.isnan(got)) or got == want
