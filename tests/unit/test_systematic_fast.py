"""The systematic scores' ledger inputs, read from the financials sorted once per ledger and kept
per cut-off (issue 17), are those of the pandas reading they replace."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from aiinfra.index._systematic import _SortedFinancials, _two_latest, component_inputs
from aiinfra.ledger import load_ledger

COLUMNS = ("revenue_usd_bn", "gross_profit_usd_bn", "operating_income_usd_bn",
           "dc_revenue_usd_bn", "backlog_usd_bn")  # fmt: skip
CUTOFFS = [pd.Timestamp(d) for d in ("2012-01-01", "2019-05-31", "2021-02-26", "2023-08-31",
                                      "2025-11-28", "2027-01-01")]  # fmt: skip


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


def _reference(fin: pd.DataFrame, cutoff: pd.Timestamp, cols: tuple[str, ...]):
    """What component_inputs read before: the pandas filter, sort and groupby of _two_latest."""
    fin = fin[fin["source_date_known"] <= cutoff]
    return _two_latest(fin[fin[list(cols)].notna().all(axis=1)])


def _equal(a, b) -> bool:
    if a.keys() != b.keys():
        return False
    for k in a:
        for x, y in zip(a[k], b[k], strict=True):
            if (x is None) != (y is None):
                return False
            if x is not None and (x.keys() != y.keys() or any(
                not (x[c] == y[c] or (pd.isna(x[c]) and pd.isna(y[c]))) for c in x
            )):  # fmt: skip
                return False
    return True


@pytest.mark.parametrize("cutoff", CUTOFFS)
def test_two_latest_years_equal_the_pandas_reading(ledger, cutoff):
    fin = _SortedFinancials(ledger.financials)
    known = fin.known_by(cutoff)
    for n in (1, 2):
        for cols in itertools.combinations(COLUMNS, n):
            assert _equal(fin.two_latest(known, cols), _reference(ledger.financials, cutoff, cols))


def test_shuffled_and_gappy_financials_give_the_same_years(ledger):
    """Rows out of order, ties on the period end, missing cells, a company without rows known."""
    rng = np.random.default_rng(7)
    fin = ledger.financials.sample(frac=1.0, random_state=3).reset_index(drop=True)
    fin.loc[rng.random(len(fin)) < 0.2, "revenue_usd_bn"] = np.nan
    fin.loc[rng.random(len(fin)) < 0.1, "period_end"] = fin["period_end"].iloc[0]
    sorted_fin = _SortedFinancials(fin)
    for cutoff in CUTOFFS:
        known = sorted_fin.known_by(cutoff)
        for cols in (("revenue_usd_bn",), ("revenue_usd_bn", "gross_profit_usd_bn")):
            assert _equal(sorted_fin.two_latest(known, cols), _reference(fin, cutoff, cols))
    empty = _SortedFinancials(fin.iloc[:0])
    assert empty.two_latest(empty.known_by(CUTOFFS[-1]), ("revenue_usd_bn",)) == {}


def test_component_inputs_are_the_same_when_kept_by_the_ledger(ledger):
    ids = [str(x) for x in ledger.companies["id"]]
    ffmc = pd.Series(np.linspace(1.0, 50.0, len(ids)), index=ids)
    category = pd.Series(ledger.companies["category"].to_numpy(), index=ids)
    cut = pd.Timestamp("2024-05-31")
    first = component_inputs(ledger, cut, ids, ffmc, category)
    again = component_inputs(ledger, cut, ids, ffmc, category)  # from the ledger's memo
    fresh = component_inputs(load_ledger(), cut, ids, ffmc, category)  # computed afresh
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    pd.testing.assert_frame_equal(first, fresh, check_exact=True)


@pytest.mark.parametrize("seed", range(5))
def test_ffmc_percentiles_equal_the_pandas_groupby(seed):
    """Ties, missing caps, missing categories, single members: the ranks of the groupby."""
    from aiinfra.index._systematic import _ffmc_percentiles

    rng = np.random.default_rng(seed)
    n = 60
    ids = [f"c{i}" for i in range(n)]
    caps = np.round(rng.lognormal(2, 2, n), 1)
    caps[rng.random(n) < 0.2] = np.nan
    caps[:6] = caps[6]  # ties
    cats = rng.choice(["ai", "semis", "power", "solo", None], n, p=[0.3, 0.3, 0.3, 0.02, 0.08])
    ffmc = pd.Series(caps, index=ids)
    category = pd.Series(cats, index=ids, dtype=object)
    cap = pd.Series(caps, index=ids)
    want = pd.Series(np.nan, index=ids)
    for _, members in cap.groupby(category.to_numpy()):
        known = members.dropna()
        if len(known) == 1:
            want[known.index] = 1.0
        elif len(known) > 1:
            want[known.index] = (known.rank(method="average") - 1) / (len(known) - 1)
    got = _ffmc_percentiles(ids, ffmc, category)
    assert isinstance(got, dict)
    assert np.array_equal(np.array([got[i] for i in ids]), want.to_numpy(), equal_nan=True)
