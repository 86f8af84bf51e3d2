"""Capping (METHODOLOGY §9): hand-computed cases, Example 2, the UCITS top-k search, errors.

Expected values are derived by hand and written with ``fractions.Fraction``; the comments give
the arithmetic. The implementation is never used to produce an expectation.
"""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from aiinfra.exceptions import InfeasibleCapping, InvalidParameterError
from aiinfra.index._capping import (
    cap_weights,
    feasible_minimum_count,
    ucits_compliance,
    waterfill,
)

CAP, THR, AGG = F(8, 100), F(45, 1000), F(35, 100)
RULE = {"cap": 0.08, "ucits_threshold": 0.045, "ucits_aggregate": 0.35}


def assert_weights(actual: np.ndarray, expected: list[F], atol: float = 1e-12) -> None:
    assert actual.shape == (len(expected),)
    np.testing.assert_allclose(actual, [float(e) for e in expected], rtol=0, atol=atol)


def above(w: np.ndarray, thr: float = 0.045) -> np.ndarray:
    return w[w > thr + 1e-12]


# --------------------------------------------------------------------------------------------
# Example 2: six companies, 20 % single cap, two passes needed

# (company, Q, R, m): S = 0.8·Q + 0.2·R, x = S·m
EXAMPLE_2 = [
    ("A", 95, 100, F(12, 10)),
    ("B", 90, 50, F(14, 10)),
    ("C", 92, 50, F(15, 10)),
    ("D", 78, 75, F(12, 10)),
    ("E", 72, 50, F(13, 10)),
    ("F", 60, 50, F(8, 10)),
]


def example_2_x(multiplier_scale: int = 1) -> list[F]:
    return [(F(8, 10) * q + F(2, 10) * r) * m * multiplier_scale for _, q, r, m in EXAMPLE_2]


# Final weights as printed in the methodology (percent -> fraction).
EXAMPLE_2_FINAL = [
    F(1, 5),
    F(1, 5),
    F(1, 5),
    F(10320, 631) / 100,
    F(87880, 5679) / 100,
    F(46400, 5679) / 100,
]


def test_example_2_table_arithmetic() -> None:
    x = example_2_x()
    assert x == [F("115.20"), F("114.80"), F("125.40"), F("92.88"), F("87.88"), F("46.40")]
    assert sum(x) == F("582.56")
    # Pass 2 by hand: A, B, C at 20 %; D, E, F share 40 % in proportion to x (Σ = 227.16).
    rest = x[3] + x[4] + x[5]
    assert rest == F("227.16")
    assert [F(2, 5) * xi / rest for xi in x[3:]] == EXAMPLE_2_FINAL[3:]
    assert sum(EXAMPLE_2_FINAL) == 1


@pytest.mark.parametrize("how", ["cap_weights", "waterfill"])
def test_example_2_final_weights(how: str) -> None:
    x = np.array([float(v) for v in example_2_x()])
    w = cap_weights(x, cap=0.20) if how == "cap_weights" else waterfill(x, 0.20)
    assert_weights(w, EXAMPLE_2_FINAL)
    assert abs(w.sum() - 1.0) <= 1e-12


def test_example_2_single_pass_would_fail() -> None:
    x = example_2_x()
    u = [xi / sum(x) for xi in x]
    # One pass: cap C at 20 % and spread its excess over the rest in proportion to u.
    scale = (1 - F(1, 5)) / (1 - u[2])
    one_pass = [ui * scale for ui in u]
    one_pass[2] = F(1, 5)
    assert sum(one_pass) == 1
    # The methodology's pass-1 figures (percent, 6 decimals) ...
    printed = [20.159244, 20.089247, 20.0, 16.253390, 15.378423, 8.119696]
    np.testing.assert_allclose([100 * float(v) for v in one_pass], printed, atol=5e-7)
    # ... leave A and B above the cap, so one pass is not enough.
    assert one_pass[0] > F(1, 5) and one_pass[1] > F(1, 5)
    assert round(100 * float(one_pass[0]), 3) == 20.159
    w = cap_weights(np.array([float(v) for v in x]), cap=0.20)
    assert w[0] <= 0.20 + 1e-15
    assert float(one_pass[0]) - w[0] > 1e-3


def test_example_2_multipliers_times_ten_change_nothing() -> None:
    base = cap_weights(np.array([float(v) for v in example_2_x()]), cap=0.20)
    scaled = cap_weights(np.array([float(v) for v in example_2_x(10)]), cap=0.20)
    np.testing.assert_allclose(scaled, base, rtol=0, atol=1e-12)
    assert_weights(scaled, EXAMPLE_2_FINAL)


# --------------------------------------------------------------------------------------------
# waterfill


def test_waterfill_without_binding_bounds_returns_normalised_u() -> None:
    w = waterfill([1.0, 2.0, 3.0, 4.0], np.inf)
    assert_weights(w, [F(1, 10), F(2, 10), F(3, 10), F(4, 10)])


def test_waterfill_scalar_and_array_bounds_agree() -> None:
    u = [5.0, 3.0, 1.0, 1.0]
    np.testing.assert_array_equal(waterfill(u, 0.4), waterfill(u, [0.4] * 4))
    # 0.5 -> 0.4; the other three share 0.6 in proportion 3:1:1.
    assert_weights(waterfill(u, 0.4), [F(2, 5), F(18, 50), F(6, 50), F(6, 50)])


def test_waterfill_per_name_bounds() -> None:
    # u = (.4, .3, .2, .1), hi = (.25, .5, .5, .12). Name 0 -> .25; λ = .75/.6 = 1.25 puts
    # name 3 at .125 > .12 -> .12; names 1 and 2 share .63 in proportion 3:2.
    w = waterfill([0.4, 0.3, 0.2, 0.1], [0.25, 0.5, 0.5, 0.12])
    assert_weights(w, [F(1, 4), F(378, 1000), F(252, 1000), F(12, 100)])


def test_waterfill_with_floor_and_cap() -> None:
    # u = (.6, .3, .08, .02), hi = .4, lo = .1. Name 0 at .4, name 3 at .1, names 1 and 2 share
    # .5 in proportion 30:8 -> 15/38 and 2/19. λ = 25/19: λ·.6 > .4, λ·.08 > .1, λ·.02 < .1.
    w = waterfill([0.6, 0.3, 0.08, 0.02], 0.4, 0.1)
    assert_weights(w, [F(2, 5), F(15, 38), F(2, 19), F(1, 10)])


def test_waterfill_does_not_fix_a_cap_too_early_when_floors_bind() -> None:
    # u = (.45, .45, .10), hi = .44, lo = .30. At λ = 1 the first two exceed .44, but the true
    # solution has the third name on its floor: (.35, .35, .30), λ = .35/.45 = 7/9 (7/90 < .3).
    # Fixing the caps first would end at .44 + .44 + .30 = 1.18.
    w = waterfill([0.45, 0.45, 0.10], 0.44, 0.30)
    assert_weights(w, [F(35, 100), F(35, 100), F(3, 10)])


def test_waterfill_zero_weight_names_get_their_floor() -> None:
    w = waterfill([0.0, 1.0, 1.0, 0.0], 0.6)
    assert_weights(w, [F(0), F(1, 2), F(1, 2), F(0)])
    w = waterfill([0.0, 1.0, 1.0, 0.0], 0.6, 0.05)
    assert_weights(w, [F(1, 20), F(9, 20), F(9, 20), F(1, 20)])


def test_waterfill_sums_exactly_to_one_when_caps_sum_to_one() -> None:
    w = waterfill([3.0, 1.0, 1.0, 1.0, 1.0], 0.2)
    assert_weights(w, [F(1, 5)] * 5)
    assert abs(w.sum() - 1.0) <= 1e-12


def test_waterfill_infeasible_caps_state_the_arithmetic() -> None:
    with pytest.raises(
        InfeasibleCapping, match=r"^caps sum to 0\.995 < 1: at most 99\.5 % can be allocated$"
    ):
        waterfill([1.0] * 5, 0.199)


def test_waterfill_infeasible_floors() -> None:
    with pytest.raises(InfeasibleCapping, match=r"floors sum to 1\.2 > 1: at least 120 %"):
        waterfill([1.0] * 4, 1.0, 0.3)


def test_waterfill_zero_weight_names_cannot_absorb_the_rest() -> None:
    # Σ hi = 1.2, but the name with u = 0 only ever gets its floor (0): 60 % at most.
    with pytest.raises(InfeasibleCapping, match=r"at most 60 % can be allocated"):
        waterfill([1.0, 0.0], 0.6)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"u": [1.0, -1.0], "hi": 1.0}, r"`u` must be non-negative"),
        ({"u": [1.0, np.nan], "hi": 1.0}, r"`u` must be finite"),
        ({"u": [0.0, 0.0], "hi": 1.0}, r"`u` must have a positive sum"),
        ({"u": [], "hi": 1.0}, r"`u` must have a positive sum"),
        ({"u": [[1.0, 2.0]], "hi": 1.0}, r"`u` must be one-dimensional"),
        ({"u": [1.0, 2.0], "hi": [1.0, 1.0, 1.0]}, r"`hi` must be a scalar or have shape \(2,\)"),
        ({"u": [1.0, 2.0], "hi": -0.5}, r"`hi` must be >= 0"),
        ({"u": [1.0, 2.0], "hi": np.nan}, r"`hi` must not contain NaN"),
        ({"u": [1.0, 2.0], "hi": 1.0, "lo": [0.2, np.inf]}, r"`lo` must be finite"),
        ({"u": [1.0, 2.0], "hi": [0.9, 0.5], "lo": [0.1, 0.6]}, r"`lo` must not exceed `hi`"),
        ({"u": [1.0, 2.0], "hi": 1.0, "tol": -1.0}, r"`tol` must be finite and >= 0"),
    ],
)
def test_waterfill_parameter_errors(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        waterfill(**kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# cap_weights: the buffered UCITS rule


def test_plain_cap_without_ucits() -> None:
    # Caps at 30 %: .5 -> .3, then λ = .7/.5 puts .25 at .35 -> .3, then .15 and .10 share .4.
    w = cap_weights([0.5, 0.25, 0.15, 0.10], cap=0.3)
    assert_weights(w, [F(3, 10), F(3, 10), F(24, 100), F(16, 100)])


def test_single_name() -> None:
    assert_weights(cap_weights([7.0], cap=1.0), [F(1)])
    with pytest.raises(InfeasibleCapping, match=r"1 names cannot satisfy the 50 % cap"):
        cap_weights([7.0], cap=0.5)


def test_equal_weights_take_k_equal_5() -> None:
    # 20 equal names (5 % each, all above 4.5 %). k = 6: 14·4.5 % = 63 %, the six big names
    # share 37 % > 35 %, rejected. k = 5: 15·4.5 % = 67.5 %, five names at 6.5 % = 32.5 %.
    w = cap_weights([1.0] * 20, **RULE)
    assert_weights(w, [F(65, 1000)] * 5 + [THR] * 15)


def test_topk_must_reduce_k_below_the_natural_count() -> None:
    x = [72, 71, 70, 69, 68, 67, 66, 65] + [40] * 12  # Σ = 1028
    u = [F(v, sum(x)) for v in x]
    assert sum(1 for ui in u if ui > THR) == 8  # eight names naturally exceed 4.5 %
    assert max(u) < CAP  # and none exceeds 8 %, so k = 20 .. 8 leave u unchanged (56.9 % above)

    def at_k(k: int) -> list[F]:
        # Names ranked k+1 .. 8 sit at thr; the first k and the twelve 40s are scaled by s.
        free = sum(x[:k]) + 480
        s = (1 - (8 - k) * THR) / free
        w = [v * s for v in x[:k]] + [THR] * (8 - k) + [40 * s] * 12
        assert max(w[:k]) <= CAP and 40 * s < THR  # no other bound binds: this is the fill
        return w

    # k = 5: the five big names total 350·(1 − 3·thr)/830 = 36.48 % > 35 % -> rejected.
    assert sum(at_k(5)[:5]) > AGG
    # k = 4: they total 282·(1 − 4·thr)/762 = 30.35 % <= 35 % -> accepted.
    expected = at_k(4)
    assert sum(expected[:4]) <= AGG
    w = cap_weights(np.array(x, dtype=float), **RULE)
    assert_weights(w, expected)
    assert above(w).size == 4


@pytest.mark.parametrize(
    ("x", "cap", "expected"),
    [
        # No name needs capping: five names at 21/300 = 7 % total exactly 35 %; 15 at 13/300.
        ([21] * 5 + [13] * 15, 0.08, [F(7, 100)] * 5 + [F(13, 300)] * 15),
        # Five names capped at 7 % total exactly 35 %; fifteen share 65 % (13/300 < 4.5 %).
        ([10] * 5 + [3] * 15, 0.07, [F(7, 100)] * 5 + [F(13, 300)] * 15),
    ],
)
def test_aggregate_exactly_at_the_limit_is_accepted(
    x: list[int], cap: float, expected: list[F]
) -> None:
    assert sum(e for e in expected if e > THR) == AGG
    w = cap_weights(np.array(x, dtype=float), cap=cap, ucits_threshold=0.045, ucits_aggregate=0.35)
    assert_weights(w, expected)
    assert above(w).size == 5
    assert abs(above(w).sum() - 0.35) <= 1e-12


@pytest.mark.parametrize(
    "u",
    [
        [1.0] * 19,
        [100.0, 50.0, 20.0] + [1.0] * 16,
        list(np.linspace(1.0, 2.0, 19)),
    ],
)
def test_nineteen_names_are_infeasible_for_8_45_35(u: list[float]) -> None:
    # Four names at 8 % (32 %) + fifteen at 4.5 % (67.5 %) = 99.5 % < 100 %; five big names
    # (35 %) + fourteen at 4.5 % (63 %) = 98 % is worse.
    with pytest.raises(InfeasibleCapping, match=r"19 names cannot satisfy 8 %/4\.5 %/35 %") as exc:
        cap_weights(u, **RULE)
    assert "at most 99.5 % can be allocated" in str(exc.value)
    assert "at least 20 names" in str(exc.value)


def test_zero_weight_names_do_not_count_towards_feasibility() -> None:
    with pytest.raises(InfeasibleCapping, match=r"19 names with u > 0 \(of 20\).*99\.5 %"):
        cap_weights([1.0] * 19 + [0.0], **RULE)
    w = cap_weights([1.0] * 20 + [0.0], **RULE)
    assert w[-1] == 0.0
    assert_weights(w[:20], [F(65, 1000)] * 5 + [THR] * 15)


@pytest.mark.parametrize(
    ("cap", "thr", "agg", "n_min", "short_by_one"),
    [
        # 4·8 + 16·4.5 = 104 >= 100 at N = 20; 4·8 + 15·4.5 = 99.5 at N = 19.
        (0.08, 0.045, 0.35, 20, "99.5 %"),
        # 4·9 = 36: 36 + 15·4.5 = 103.5 at N = 19; 36 + 14·4.5 = 99 at N = 18.
        (0.09, 0.045, 0.36, 19, "99 %"),
        # 4·10 = 40: 40 + 12·5 = 100 at N = 16 (exactly); 40 + 11·5 = 95 at N = 15.
        (0.10, 0.05, 0.40, 16, "95 %"),
    ],
)
def test_feasible_minimum_count_matches_cap_weights(
    cap: float, thr: float, agg: float, n_min: int, short_by_one: str
) -> None:
    assert feasible_minimum_count(cap, thr, agg) == n_min
    rule = {"cap": cap, "ucits_threshold": thr, "ucits_aggregate": agg}
    w = cap_weights([1.0] * n_min, **rule)
    report = ucits_compliance(w, thr, agg, cap=cap)
    assert report["ok"]
    assert abs(w.sum() - 1.0) <= 1e-12
    with pytest.raises(InfeasibleCapping, match=f"at most {short_by_one} can be allocated"):
        cap_weights([1.0] * (n_min - 1), **rule)


def test_feasible_minimum_count_uses_the_best_number_of_big_names() -> None:
    # cap 10 %, thr 9 %, agg 35 %: three big names (30 %) + eight at 9 % (72 %) = 102 % at N = 11.
    # The form agg + thr·(N − ⌈agg/cap⌉) would ask 35 + 9·(N − 4) >= 100, i.e. N >= 12.
    assert feasible_minimum_count(0.10, 0.09, 0.35) == 11
    w = cap_weights([1.0] * 11, cap=0.10, ucits_threshold=0.09, ucits_aggregate=0.35)
    # k = 3: eight names at 9 % (72 %), three share 28 % (9.33 % each, below 10 %).
    assert_weights(w, [F(28, 300)] * 3 + [F(9, 100)] * 8)


def test_topk_search_failure_with_enough_capacity_explains_itself() -> None:
    # cap 10 %, thr 2 %, agg 35 %, 37 names, four of them dominant. k = 4: the four sit at 10 %
    # (40 % > 35 %); k = 3: 3·10 + 34·2 = 98 % < 100 %. Yet 35 % + 33·2 % = 101 % is possible.
    with pytest.raises(InfeasibleCapping, match=r"top-k search finds no k.*allow 101 %"):
        cap_weights([1000.0] * 4 + [1.0] * 33, cap=0.10, ucits_threshold=0.02, ucits_aggregate=0.35)


def test_floor_binds_in_the_ucits_rule() -> None:
    # 22 names: four 10s, fourteen 5s, then 3, 1, 0.5, 0.5; floor 1 %. Four names at the 8 % cap
    # and three on the floor; the rest share 1 − 32 % − 3 % = 65 % over raw Σ 70 + 3 = 73, so
    # λ = .65/73: 10λ = 8.9 % > 8 %, 1·λ = 0.89 % < 1 %, 5λ = 4.45 % < 4.5 % (only four above).
    x = [10.0] * 4 + [5.0] * 14 + [3.0, 1.0, 0.5, 0.5]
    lam = F(65, 100) / 73
    floor = F(1, 100)
    expected = [CAP] * 4 + [5 * lam] * 14 + [3 * lam, floor, floor, floor]
    assert 10 * lam > CAP and 1 * lam < floor and 5 * lam < THR
    w = cap_weights(x, **RULE, floor=0.01)
    assert_weights(w, expected)
    # Without the floor the fives end above 4.5 % at k = 22 and the search has to cut k.
    assert not np.allclose(cap_weights(x, **RULE), w)


def test_floor_with_plain_cap() -> None:
    w = cap_weights([0.6, 0.3, 0.08, 0.02], cap=0.4, floor=0.1)
    assert_weights(w, [F(2, 5), F(15, 38), F(2, 19), F(1, 10)])


def test_liquidity_cap_redistributes_in_proportion() -> None:
    w = cap_weights([0.4, 0.3, 0.2, 0.1], cap=0.5, liquidity_cap=[0.25, 1.0, 1.0, 0.12])
    assert_weights(w, [F(1, 4), F(378, 1000), F(252, 1000), F(12, 100)])


def test_liquidity_cap_inside_the_ucits_rule() -> None:
    # 20 equal names, name 0 limited to 3 %. k = 7: 3 % + 13·4.5 % = 61.5 %, six big names share
    # 38.5 % > 35 %. k = 6: 3 % + 14·4.5 % = 66 %, names 1..5 share 34 % (6.8 % each) -> accepted.
    liq = np.full(20, np.inf)
    liq[0] = 0.03
    w = cap_weights([1.0] * 20, **RULE, liquidity_cap=liq)
    assert_weights(w, [F(3, 100)] + [F(68, 1000)] * 5 + [THR] * 14)


def test_liquidity_caps_too_tight() -> None:
    with pytest.raises(InfeasibleCapping, match=r"with the liquidity caps: at most 80 %"):
        cap_weights([1.0] * 20, cap=0.08, liquidity_cap=[0.04] * 20)
    with pytest.raises(InfeasibleCapping, match=r"with the liquidity caps: at most 80 %"):
        cap_weights([1.0] * 20, **RULE, liquidity_cap=[0.04] * 20)


def test_ties_resolved_by_ids() -> None:
    # Equal weights: the five big names (6.5 %) are the first five ids in ascending order.
    ids = ["n07", "n03", "n19", "n11", "n00", "n15", "n04", "n12", "n01", "n09"]
    ids += ["n18", "n02", "n16", "n10", "n05", "n13", "n17", "n06", "n14", "n08"]
    w = cap_weights([1.0] * 20, **RULE, ids=ids)
    big = {ids[i] for i in np.flatnonzero(w > 0.05)}
    assert big == {"n00", "n01", "n02", "n03", "n04"}
    expected = [F(65, 1000) if s in big else THR for s in ids]
    assert_weights(w, expected)
    # Default: position breaks ties.
    assert np.flatnonzero(cap_weights([1.0] * 20, **RULE) > 0.05).tolist() == [0, 1, 2, 3, 4]


def test_ties_only_matter_inside_a_tie() -> None:
    # Name 0 is strictly largest, so it is big whatever its id.
    w = cap_weights([2.0] + [1.0] * 19, **RULE, ids=[f"z{i:02d}" for i in range(19, -1, -1)])
    assert w[0] == max(w)
    assert above(w).size == 5
    assert np.flatnonzero(w > 0.045 + 1e-12).tolist() == [0, 16, 17, 18, 19]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cap": 0.0}, r"`cap` must satisfy 0 < cap <= 1"),
        ({"cap": 1.5}, r"`cap` must satisfy 0 < cap <= 1"),
        ({"cap": float("nan")}, r"`cap` must satisfy 0 < cap <= 1"),
        ({"cap": "big"}, r"`cap` must be a number"),
        (
            {"cap": 0.08, "ucits_threshold": 0.09, "ucits_aggregate": 0.35},
            r"`ucits_threshold` must satisfy 0 < ucits_threshold <= cap",
        ),
        (
            {"cap": 0.08, "ucits_threshold": 0.0, "ucits_aggregate": 0.35},
            r"`ucits_threshold` must satisfy 0 < ucits_threshold <= 1",
        ),
        (
            {"cap": 0.08, "ucits_threshold": 0.045, "ucits_aggregate": 0.0},
            r"`ucits_aggregate` must satisfy 0 < ucits_aggregate <= 1",
        ),
        (
            {"cap": 0.08, "ucits_threshold": 0.045, "ucits_aggregate": 1.2},
            r"`ucits_aggregate` must satisfy 0 < ucits_aggregate <= 1",
        ),
        ({"cap": 0.08, "ucits_threshold": 0.045}, r"`ucits_threshold` and `ucits_aggregate`"),
        ({"cap": 0.08, "ucits_aggregate": 0.35}, r"`ucits_threshold` and `ucits_aggregate`"),
        ({"cap": 0.08, "floor": -0.01}, r"`floor` must satisfy 0 <= floor <= 1"),
        ({"cap": 0.5, "floor": 0.06}, r"`floor` must satisfy floor·n <= 1"),
        ({**RULE, "floor": 0.046}, r"`floor` must be at most `ucits_threshold`"),
        ({"cap": 0.08, "liquidity_cap": [0.1] * 19}, r"`liquidity_cap` must have shape \(20,\)"),
        ({"cap": 0.08, "liquidity_cap": [-0.1] * 20}, r"`liquidity_cap` must be >= 0"),
        (
            {"cap": 0.08, "floor": 0.02, "liquidity_cap": [0.1] * 19 + [0.01]},
            r"`liquidity_cap` must be at least `floor`",
        ),
        ({**RULE, "ids": ["a"] * 19}, r"`ids` must be a sequence of 20 strings"),
        ({**RULE, "ids": "abcdefghijklmnopqrst"}, r"`ids` must be a sequence of 20 strings"),
        ({**RULE, "ids": ["a"] * 2 + [str(i) for i in range(18)]}, r"`ids` must be unique"),
    ],
)
def test_cap_weights_parameter_errors(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        cap_weights([1.0] * 20, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("u", "match"),
    [
        ([1.0] * 19 + [-1.0], r"`u` must be non-negative"),
        ([1.0] * 19 + [np.inf], r"`u` must be finite"),
        ([0.0] * 20, r"`u` must have a positive sum"),
    ],
)
def test_cap_weights_rejects_bad_u(u: list[float], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        cap_weights(u, **RULE)


def test_errors_are_value_errors_too() -> None:
    with pytest.raises(ValueError):
        cap_weights([1.0] * 19, **RULE)
    with pytest.raises(ValueError):
        cap_weights([1.0] * 20, cap=2.0)


def test_inputs_not_mutated() -> None:
    u = np.array([5.0, 1.0, 3.0] + [1.0] * 19)
    liq = np.full(22, 0.5)
    ids = [f"s{i:02d}" for i in range(22)]
    u0, liq0, ids0 = u.copy(), liq.copy(), list(ids)
    w = cap_weights(u, **RULE, floor=0.001, liquidity_cap=liq, ids=ids)
    np.testing.assert_array_equal(u, u0)
    np.testing.assert_array_equal(liq, liq0)
    assert ids == ids0

    hi = np.array([0.3, 0.5, 0.5, 0.5])
    lo = np.array([0.0, 0.1, 0.1, 0.1])
    v = np.array([0.7, 0.1, 0.1, 0.1])
    hi0, lo0, v0 = hi.copy(), lo.copy(), v.copy()
    out = waterfill(v, hi, lo)
    for a, b in [(hi, hi0), (lo, lo0), (v, v0)]:
        np.testing.assert_array_equal(a, b)
    # The results are fresh arrays: writing to them leaves the inputs alone.
    out[:] = -1.0
    w[:] = -1.0
    np.testing.assert_array_equal(v, v0)
    np.testing.assert_array_equal(u, u0)
    plain = waterfill(v, np.inf)
    plain[:] = -1.0
    np.testing.assert_array_equal(v, v0)


# --------------------------------------------------------------------------------------------
# feasible_minimum_count and ucits_compliance


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0.0, 0.045, 0.35), r"`cap` must satisfy"),
        ((0.08, 0.09, 0.35), r"`thr` must satisfy 0 < thr <= cap"),
        ((0.08, 0.045, 1.5), r"`agg` must satisfy 0 < agg <= 1"),
    ],
)
def test_feasible_minimum_count_errors(args: tuple[float, float, float], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        feasible_minimum_count(*args)


def test_feasible_minimum_count_plain_cases() -> None:
    # thr = cap: no buffer, N >= 1/cap.
    assert feasible_minimum_count(0.10, 0.10, 1.0) == 10
    assert feasible_minimum_count(1.0, 1.0, 1.0) == 1
    # agg = 1 with cap 20 %: five names can take everything.
    assert feasible_minimum_count(0.20, 0.01, 1.0) == 5


def test_ucits_compliance_at_the_legal_limits() -> None:
    w = [0.10] * 4 + [0.05] * 12  # four names above 5 % total exactly 40 %
    report = ucits_compliance(w, 0.05, 0.40, cap=0.10)
    assert report["count_above_threshold"] == 4
    assert abs(report["aggregate_above_threshold"] - 0.40) <= 1e-12
    assert abs(report["max_weight"] - 0.10) <= 1e-15
    assert report["ok"] is True


def test_ucits_compliance_breaches() -> None:
    # One more name just above 5 %: 40 % + 5.1 % = 45.1 % > 40 %.
    report = ucits_compliance([0.10] * 4 + [0.051] + [0.049] * 11, 0.05, 0.40)
    assert report["count_above_threshold"] == 5
    assert abs(report["aggregate_above_threshold"] - 0.451) <= 1e-12
    assert report["ok"] is False
    # A single name over the cap: the aggregate (12 %) is fine, the cap is not.
    w = [0.12] + [0.04] * 22
    assert ucits_compliance(w, 0.05, 0.40)["ok"] is True
    report = ucits_compliance(w, 0.05, 0.40, cap=0.10)
    assert report["ok"] is False
    assert report["max_weight"] == 0.12


def test_ucits_compliance_of_capped_weights_and_empty_input() -> None:
    w = cap_weights([1.0] * 20, **RULE)
    assert ucits_compliance(w, 0.045, 0.35, cap=0.08)["ok"]
    assert ucits_compliance(w, 0.05, 0.40, cap=0.10)["ok"]
    report = ucits_compliance([], 0.05, 0.40)
    assert report == {
        "max_weight": 0.0,
        "aggregate_above_threshold": 0.0,
        "count_above_threshold": 0,
        "ok": True,
    }


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([[0.1]], 0.05, 0.4), r"`w` must be one-dimensional"),
        (([0.1, np.nan], 0.05, 0.4), r"`w` must be finite"),
        (([0.1], 0.0, 0.4), r"`threshold` must satisfy"),
        (([0.1], 0.05, 2.0), r"`aggregate` must satisfy"),
    ],
)
def test_ucits_compliance_errors(args: tuple[object, float, float], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        ucits_compliance(*args)  # type: ignore[arg-type]


def test_error_names_keep_their_old_aliases():
    from aiinfra import exceptions

    assert exceptions.InfeasibleCapping is exceptions.InfeasibleCappingError
    assert exceptions.InsufficientConstituents is exceptions.InsufficientConstituentsError
    assert {"InfeasibleCapping", "InfeasibleCappingError"} <= set(exceptions.__all__)
    assert {"InsufficientConstituents", "InsufficientConstituentsError"} <= set(exceptions.__all__)
