"""Hypothesis properties of the capping functions (METHODOLOGY §9.2-9.3).

For random uncapped weights with N between 20 and 60 under 8 %/4.5 %/35 % (optionally with a
floor): the weights sum to 1, the caps and the aggregate hold, the order of ``u`` is kept,
capping is idempotent, scaling ``u`` and relabelling names change nothing. The water-fill is
checked against its definition ``w_i = clip(λ·u_i, lo_i, hi_i)`` with one λ.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aiinfra.exceptions import InfeasibleCapping
from aiinfra.index._capping import (
    cap_weights,
    feasible_minimum_count,
    ucits_compliance,
    waterfill,
)

CAP, THR, AGG = 0.08, 0.045, 0.35
RULE = {"cap": CAP, "ucits_threshold": THR, "ucits_aggregate": AGG}
TOL = 1e-12
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Values are integers or powers of two, so scaling by the factors below keeps every tie a tie and
# every strict inequality strict (the ranking, and so the result, cannot change by rounding).
VALUES = st.one_of(
    st.integers(1, 10**6).map(float),  # spread out, few ties
    st.integers(1, 5).map(float),  # many ties
    st.integers(0, 30).map(lambda e: 2.0**e),  # heavy tail: capping and the buffer bite
)


@st.composite
def uncapped(draw: st.DrawFn, min_n: int = 20, max_n: int = 60) -> np.ndarray:
    n = draw(st.integers(min_n, max_n))
    kind = draw(st.integers(0, 2))
    if kind == 0:
        values = draw(st.lists(VALUES, min_size=n, max_size=n))
    else:
        # A few large names on top of many small ones.
        n_big = draw(st.integers(1, min(12, n - 1)))
        big = draw(st.lists(st.integers(50, 1000), min_size=n_big, max_size=n_big))
        small = draw(st.lists(st.integers(1, 40), min_size=n - n_big, max_size=n - n_big))
        values = [float(v) for v in big + small]
    return np.array(values)


def ids_for(n: int) -> list[str]:
    return [f"id{i:03d}" for i in range(n)]


FLOORS = st.sampled_from([None, 0.001, 0.005])


@SETTINGS
@given(u=uncapped(), floor=FLOORS)
def test_caps_and_aggregate_hold(u: np.ndarray, floor: float | None) -> None:
    w = cap_weights(u, **RULE, floor=floor, ids=ids_for(u.size))
    assert w.shape == u.shape
    assert abs(w.sum() - 1.0) <= TOL
    assert w.max() <= CAP + TOL
    assert w.min() >= (floor or 0.0) - TOL
    assert w[w > THR + TOL].sum() <= AGG + TOL
    assert ucits_compliance(w, THR, AGG, cap=CAP)["ok"]


@SETTINGS
@given(u=uncapped(), floor=FLOORS)
def test_rank_order_weakly_preserved(u: np.ndarray, floor: float | None) -> None:
    w = cap_weights(u, **RULE, floor=floor, ids=ids_for(u.size))
    larger_u = u[:, None] > u[None, :]
    assert np.all((w[:, None] - w[None, :])[larger_u] >= -TOL)


@SETTINGS
@given(u=uncapped(), floor=FLOORS)
def test_idempotent(u: np.ndarray, floor: float | None) -> None:
    ids = ids_for(u.size)
    w = cap_weights(u, **RULE, floor=floor, ids=ids)
    again = cap_weights(w, **RULE, floor=floor, ids=ids)
    np.testing.assert_allclose(again, w, rtol=0, atol=TOL)


@SETTINGS
@given(u=uncapped(), factor=st.sampled_from([10.0, 1e-3, 2.0**20, 7.0]))
def test_scaling_u_changes_nothing(u: np.ndarray, factor: float) -> None:
    ids = ids_for(u.size)
    w = cap_weights(u, **RULE, ids=ids)
    np.testing.assert_allclose(cap_weights(u * factor, **RULE, ids=ids), w, rtol=0, atol=TOL)


@SETTINGS
@given(data=st.data(), u=uncapped())
def test_permuting_names_permutes_the_result(data: st.DataObject, u: np.ndarray) -> None:
    ids = ids_for(u.size)
    perm = np.array(data.draw(st.permutations(range(u.size))))
    w = cap_weights(u, **RULE, ids=ids)
    shuffled = cap_weights(u[perm], **RULE, ids=[ids[i] for i in perm])
    np.testing.assert_allclose(shuffled, w[perm], rtol=0, atol=TOL)


@SETTINGS
@given(u=uncapped())
def test_plain_cap_kept_when_it_already_complies(u: np.ndarray) -> None:
    plain = waterfill(u, CAP)
    w = cap_weights(u, **RULE)
    if plain[plain > THR + TOL].sum() <= AGG + TOL:
        np.testing.assert_allclose(w, plain, rtol=0, atol=TOL)
    else:
        # The buffer had to bite: fewer names above the threshold than the plain cap leaves.
        assert np.count_nonzero(w > THR + TOL) < np.count_nonzero(plain > THR + TOL)


@settings(max_examples=40, deadline=None)
@given(u=uncapped(min_n=10, max_n=30))
def test_feasible_exactly_from_the_minimum_count(u: np.ndarray) -> None:
    # Any positive u works from 20 names on (k = 4 always complies) and never below.
    n_min = feasible_minimum_count(CAP, THR, AGG)
    assert n_min == 20
    if u.size >= n_min:
        assert abs(cap_weights(u, **RULE).sum() - 1.0) <= TOL
    else:
        try:
            cap_weights(u, **RULE)
        except InfeasibleCapping as exc:
            assert "can be allocated" in str(exc)
        else:  # pragma: no cover - a failure
            raise AssertionError(f"{u.size} names should be infeasible")


@st.composite
def bounded_problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(2, 30))
    u = np.array(draw(st.lists(VALUES, min_size=n, max_size=n)))
    hi = np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n)))
    share = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
    lo = hi * share
    if lo.sum() > 1.0:
        lo = lo / (lo.sum() * 1.0001)
    assume(hi.sum() >= 1.0)
    return u, hi, lo


@settings(max_examples=150, deadline=None)
@given(problem=bounded_problems())
def test_waterfill_is_one_lambda_clipped(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    u, hi, lo = problem
    u0, hi0, lo0 = u.copy(), hi.copy(), lo.copy()
    w = waterfill(u, hi, lo)
    for a, b in [(u, u0), (hi, hi0), (lo, lo0)]:
        np.testing.assert_array_equal(a, b)
    assert abs(w.sum() - 1.0) <= TOL
    assert np.all(w <= hi) and np.all(w >= lo)
    # There is one λ with w_i = clip(λ·u_i, lo_i, hi_i): names strictly inside their bounds share
    # the ratio w/u; names on a cap need λ >= hi/u, names on a floor need λ <= lo/u.
    un = u / u.sum()
    inside = (w > lo) & (w < hi)
    at_hi = (w == hi) & (lo < hi)
    at_lo = (w == lo) & (lo < hi)
    assert np.all(inside | at_hi | at_lo | (lo == hi))
    lam_min = max([0.0, *(hi[at_hi] / un[at_hi])])
    lam_max = min([np.inf, *(lo[at_lo] / un[at_lo])])
    ratios = w[inside] / un[inside]
    if ratios.size:
        lam = ratios.mean()
        np.testing.assert_allclose(ratios, lam, rtol=1e-9)
        lam_min, lam_max = max(lam_min, lam), min(lam_max, lam)
    assert lam_min <= lam_max * (1 + 1e-9)
