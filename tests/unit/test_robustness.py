"""PSR, DSR and PBO (aiinfra.metrics): published values, hand cases, a brute-force CSCV, errors.

Published values. The papers' own text could not be opened from this machine; the numbers below
are those of the papers' worked examples as quoted, identically, by independent implementations
(e.g. the "Validation" table of github.com/DaruFinance/deflated-sharpe, which reproduces every
numerical example of the two papers, and the tests of several others):

* Bailey & López de Prado (2014), "The Deflated Sharpe Ratio", J. Portfolio Management 40(5),
  numerical example: N = 100 trials, variance of the annualised Sharpe ratios 1/2, 250 days a
  year, best annualised Sharpe ratio 2.5 over T = 1250 days, skewness -3, kurtosis 10:
  SR0 = 0.1132 per day and DSR = 0.9004; the same strategy after 46 trials: DSR = 0.9505; with
  normal returns 88 trials give DSR = 0.9505.
* Bailey & López de Prado (2012), "The Sharpe Ratio Efficient Frontier", J. Risk 15(2): a monthly
  Sharpe ratio of 0.458 over 24 months: PSR(0) = 0.982 for normal returns, 0.913 with skewness
  -2.448 and kurtosis 10.164.

No worked value of the PBO paper (Bailey, Borwein, López de Prado & Zhu 2017) is a small enough
case to recompute: its examples are Monte Carlo runs. PBO is checked on cases derived by hand and
against a direct loop over the splits.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aiinfra.metrics import (
    EULER_MASCHERONI,
    deflated_sharpe_ratio,
    expected_max_sharpe,
    pbo,
    probabilistic_sharpe_ratio,
)


def phi(z: float) -> float:
    """Standard normal distribution function from the error function (an oracle independent
    of statistics.NormalDist)."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


# --- published values ---------------------------------------------------------------------------

# a value printed with k decimals is known to ± half a unit of the last decimal
HALF_4 = 5e-5
HALF_3 = 5e-4


def test_the_deflated_sharpe_ratio_papers_numerical_example():
    sr0 = expected_max_sharpe(100, 0.5 / 250)
    assert sr0 == pytest.approx(0.1132, abs=HALF_4)
    sr = 2.5 / math.sqrt(250)  # 0.1581 per day
    assert probabilistic_sharpe_ratio(sr, sr0, 1250, -3.0, 10.0) == pytest.approx(
        0.9004, abs=HALF_4
    )
    # fewer trials lower the bar: 46 trials are what reaches 95 %; normal returns allow 88
    dsr46 = probabilistic_sharpe_ratio(sr, expected_max_sharpe(46, 0.5 / 250), 1250, -3.0, 10.0)
    dsr88 = probabilistic_sharpe_ratio(sr, expected_max_sharpe(88, 0.5 / 250), 1250)
    assert dsr46 == pytest.approx(0.9505, abs=HALF_4)
    assert dsr88 == pytest.approx(0.9505, abs=HALF_4)


def test_the_sharpe_ratio_efficient_frontier_papers_psr_example():
    assert probabilistic_sharpe_ratio(0.458, 0.0, 24) == pytest.approx(0.982, abs=HALF_3)
    assert probabilistic_sharpe_ratio(0.458, 0.0, 24, -2.448, 10.164) == pytest.approx(
        0.913, abs=HALF_3
    )


# --- PSR and the expected maximum by hand -------------------------------------------------------


def test_psr_by_hand():
    # SR = benchmark: z = 0, probability 1/2 whatever the moments
    assert probabilistic_sharpe_ratio(0.2, 0.2, 50, -1.0, 6.0) == 0.5
    # SR 0.1 against 0 over 101 normal returns: z = 0.1 · √100 / √(1 + (3 − 1)/4 · 0.01)
    # = 1 / √1.005 = 0.997509…
    z = 1.0 / math.sqrt(1.005)
    assert probabilistic_sharpe_ratio(0.1, 0.0, 101) == pytest.approx(phi(z), abs=1e-12)
    # negative skew and fat tails widen the denominator: 1 + 1·0.1 + (9 − 1)/4 · 0.01 = 1.12
    z = 1.0 / math.sqrt(1.12)
    assert probabilistic_sharpe_ratio(0.1, 0.0, 101, -1.0, 9.0) == pytest.approx(phi(z), abs=1e-12)


def test_expected_max_sharpe_by_hand():
    assert expected_max_sharpe(1, 0.7) == 0.0  # one draw of mean 0: no selection
    assert expected_max_sharpe(50, 0.0) == 0.0
    # N = 2: Φ⁻¹(1/2) = 0, so SR0 = √V · γ · Φ⁻¹(1 − 1/(2e)); Φ⁻¹(0.816060…) = 0.90045…
    q = stats.norm.ppf(1 - 1 / (2 * math.e))
    assert q == pytest.approx(0.90045, abs=1e-5)
    assert expected_max_sharpe(2, 4.0) == pytest.approx(2.0 * EULER_MASCHERONI * q, rel=1e-12)
    # N = 1000, V = 1: 0.42278·Φ⁻¹(0.999) + 0.57722·Φ⁻¹(0.9996321)
    # = 0.42278·3.09023 + 0.57722·3.37590 = 1.30649 + 1.94863 = 3.25512 (exact E[max] ≈ 3.241)
    assert expected_max_sharpe(1000, 1.0) == pytest.approx(3.25512, abs=2e-5)
    # it grows with N and with √V
    assert expected_max_sharpe(10, 1.0) < expected_max_sharpe(100, 1.0)
    assert expected_max_sharpe(100, 4.0) == pytest.approx(2 * expected_max_sharpe(100, 1.0))


# --- DSR on return series -----------------------------------------------------------------------


@pytest.fixture
def best() -> np.ndarray:
    rng = np.random.default_rng(4)
    return rng.standard_t(5, 500) * 0.01 + 0.0012


def test_dsr_is_the_psr_against_the_expected_maximum_of_the_trials(best):
    trials = np.array([0.02, -0.01, 0.05, 0.031, 0.0])
    # moments by scipy (biased, non-excess kurtosis), variance of the trials with ddof 1
    sr = best.mean() / best.std(ddof=1)
    g3 = float(stats.skew(best))
    g4 = float(stats.kurtosis(best, fisher=False))
    sr0 = expected_max_sharpe(5, float(np.var(trials, ddof=1)))
    expected = probabilistic_sharpe_ratio(sr, sr0, 500, g3, g4)
    assert deflated_sharpe_ratio(best, trials) == pytest.approx(expected, abs=1e-12)
    assert deflated_sharpe_ratio(pd.Series(best), pd.Series(trials)) == pytest.approx(expected)


def test_one_trial_makes_the_dsr_the_psr_against_zero(best):
    sr = best.mean() / best.std(ddof=1)
    psr = probabilistic_sharpe_ratio(
        sr, 0.0, 500, float(stats.skew(best)), float(stats.kurtosis(best, fisher=False))
    )
    assert deflated_sharpe_ratio(best, [sr]) == pytest.approx(psr, abs=1e-12)
    assert deflated_sharpe_ratio(best, [0.1, 0.2, 0.3], n_trials=1) == pytest.approx(psr)


def test_more_trials_or_more_dispersion_deflate_more(best):
    trials = [0.0, 0.02, 0.04]
    few = deflated_sharpe_ratio(best, trials)
    assert deflated_sharpe_ratio(best, trials, n_trials=300) < few
    assert deflated_sharpe_ratio(best, [0.0, 0.04, 0.08]) < few


def test_dsr_edge_cases_and_nan_policy(best):
    with_gaps = best.copy()
    with_gaps[[3, 50]] = np.nan
    kept = best[[i for i in range(500) if i not in (3, 50)]]
    assert deflated_sharpe_ratio(with_gaps, [0.1, 0.2]) == deflated_sharpe_ratio(kept, [0.1, 0.2])
    assert math.isnan(deflated_sharpe_ratio(np.full(10, 0.01), [0.1, 0.2]))  # no variation
    assert math.isnan(deflated_sharpe_ratio(np.array([0.01]), [0.1, 0.2]))  # one return
    before = best.copy()
    trials = np.array([0.1, 0.2])
    deflated_sharpe_ratio(best, trials)
    assert np.array_equal(best, before) and np.array_equal(trials, [0.1, 0.2])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: probabilistic_sharpe_ratio(0.1, 0.0, 1), "`n` must be at least 2"),
        (lambda: probabilistic_sharpe_ratio(0.1, 0.0, 10.5), "`n` must be an integer"),
        (lambda: probabilistic_sharpe_ratio(0.1, 0.0, 10, -2.0, 4.0), r"`kurtosis` must be at least 1 \+ skew² = 5"),
        (lambda: probabilistic_sharpe_ratio(float("nan"), 0.0, 10), "`sr` must be finite"),
        (lambda: expected_max_sharpe(0, 1.0), "`n_trials` must be at least 1"),
        (lambda: expected_max_sharpe(10, -0.1), "`var_sr` must be ≥ 0"),
        (lambda: expected_max_sharpe(True, 1.0), "`n_trials` must be an integer"),
        (lambda: deflated_sharpe_ratio(np.ones((3, 2)), [0.1]), "`returns` must be one-dimensional"),
        (lambda: deflated_sharpe_ratio(np.arange(5.0), []), "`sr_trials` must be a non-empty"),
        (lambda: deflated_sharpe_ratio(np.arange(5.0), [0.1, np.nan, 0.2]), "non-finite Sharpe ratio at position 1"),
        (lambda: deflated_sharpe_ratio(np.arange(5.0), [0.1], n_trials=20), "needs at least two Sharpe ratios"),
        (lambda: deflated_sharpe_ratio(np.arange(5.0), [0.1, 0.2], n_trials=0), "`n_trials` must be at least 1"),
    ],
)  # fmt: skip
def test_bad_input_names_the_parameter_and_the_rule(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# --- PBO by hand ----------------------------------------------------------------------------------


def test_pbo_two_strategies_that_swap_places():
    # S = 2 blocks of 2 days. Sharpe ratio of a block [x, y] (ddof 1) = (x + y) / (√2 · |x − y|):
    #   A: block 1 [0.03, 0.01] → √2, block 2 [0.00, −0.02] → −1/√2
    #   B: block 1 [−0.01, −0.03] → −√2, block 2 [0.02, 0.00] → 1/√2
    # train block 1: A is best (√2 > −√2), out of sample A = −1/√2 < B = 1/√2 → rank 1 of 2,
    # ω = 1/3, λ = ln(1/2); train block 2: B is best, out of sample B = −√2 < A → again ln(1/2).
    m = np.array([[0.03, -0.01], [0.01, -0.03], [0.00, 0.02], [-0.02, 0.00]])
    res = pbo(m, n_splits=2)
    assert res.n_combinations == 2 and res.dropped == 0 and res.n_observations == 4
    np.testing.assert_allclose(res.logits, [math.log(0.5)] * 2, atol=1e-12)
    np.testing.assert_allclose(res.relative_ranks, [1 / 3, 1 / 3], atol=1e-15)
    assert list(res.selected) == [0, 1] and res.pbo == 1.0
    r2 = math.sqrt(2)
    np.testing.assert_allclose(res.is_sharpe, [r2, 1 / r2], atol=1e-12)
    np.testing.assert_allclose(res.oos_sharpe, [-1 / r2, -r2], atol=1e-12)
    # degradation: the line through (√2, −1/√2) and (1/√2, −√2) has slope 1, intercept −3/√2
    assert res.degradation_slope == pytest.approx(1.0, abs=1e-12)
    assert res.degradation_intercept == pytest.approx(-3 / r2, abs=1e-12)
    assert res.probability_of_loss == 1.0  # both choices lose out of sample


def test_pbo_of_identical_strategies_is_one():
    # every strategy ties out of sample: average rank (N + 1)/2, ω = 1/2, λ = 0 ≤ 0 in all
    # C(8, 4) = 70 splits; the in-sample "best" is the first column (ties go to the first)
    z = np.random.default_rng(1).normal(0.0, 0.01, 80)
    res = pbo(np.column_stack([z] * 4), n_splits=8)
    assert res.n_combinations == 70
    assert (res.logits == 0.0).all() and (res.relative_ranks == 0.5).all()
    assert res.pbo == 1.0 and (res.selected == 0).all()


def test_pbo_of_a_dominated_set_is_zero():
    # column k = noise + k · 0.002: equal deviation, higher mean, so column 3 has the highest
    # Sharpe ratio on every half: chosen and best out of sample, ω = 4/5, λ = ln 4 > 0
    z = np.random.default_rng(2).normal(0.0, 0.01, 96)
    m = np.column_stack([z + k * 0.002 for k in range(4)])
    res = pbo(pd.DataFrame(m, columns=list("abcd")), n_splits=6)
    assert res.n_combinations == 20
    assert res.pbo == 0.0 and (res.selected == 3).all() and res.columns[3] == "d"
    np.testing.assert_allclose(res.logits, math.log(4), atol=1e-12)


def naive_cscv(m: np.ndarray, s: int) -> tuple[list[float], list[float], list[float]]:
    """CSCV written out split by split: concatenate the rows, Sharpe ratio, scipy's ranks."""
    t = (len(m) // s) * s
    x = m[len(m) - t :]
    b = t // s
    lam, ins, outs = [], [], []
    for c in itertools.combinations(range(s), s // 2):
        train = np.concatenate([x[i * b : (i + 1) * b] for i in c])
        test = np.concatenate([x[i * b : (i + 1) * b] for i in range(s) if i not in c])
        sr_in = train.mean(axis=0) / train.std(axis=0, ddof=1)
        sr_out = test.mean(axis=0) / test.std(axis=0, ddof=1)
        k = int(np.argmax(sr_in))
        w = stats.rankdata(sr_out)[k] / (x.shape[1] + 1)
        lam.append(math.log(w / (1 - w)))
        ins.append(sr_in[k])
        outs.append(sr_out[k])
    return lam, ins, outs


def test_pbo_matches_a_direct_loop_over_the_splits():
    m = np.random.default_rng(5).normal(0.0003, 0.01, (203, 7))  # 203 = 6 · 33 + 5: 5 dropped
    res = pbo(m, n_splits=6)
    lam, ins, outs = naive_cscv(m, 6)
    assert res.dropped == 5 and res.n_observations == 198 and res.n_combinations == 20
    # Sharpe ratios of ~100 returns of size 0.01 through two summation orders: 1e-12 is ample
    np.testing.assert_allclose(res.is_sharpe, ins, atol=1e-12)
    np.testing.assert_allclose(res.oos_sharpe, outs, atol=1e-12)
    np.testing.assert_allclose(res.logits, lam, atol=1e-12)
    assert res.pbo == np.mean(np.array(lam) <= 0)
    assert res.probability_of_loss == np.mean(np.array(outs) < 0)
    slope, intercept = np.polyfit(ins, outs, 1)
    assert res.degradation_slope == pytest.approx(slope, abs=1e-9)
    assert res.degradation_intercept == pytest.approx(intercept, abs=1e-9)


def test_pbo_defaults_to_16_blocks_and_leaves_out_the_oldest_rows():
    m = np.random.default_rng(6).normal(0.0, 0.01, (100, 5))
    res = pbo(m)
    assert (res.n_splits, res.n_combinations, res.dropped) == (16, 12870, 4)
    same = pbo(m[4:])
    np.testing.assert_array_equal(res.logits, same.logits)


def test_pbo_does_not_depend_on_the_order_of_the_columns_nor_mutate_its_input():
    m = np.random.default_rng(8).normal(0.0002, 0.01, (120, 6))
    before = m.copy()
    res = pbo(m, n_splits=8)
    perm = [3, 0, 5, 1, 4, 2]
    again = pbo(m[:, perm], n_splits=8)
    np.testing.assert_allclose(again.logits, res.logits, atol=1e-12)
    assert [perm[i] for i in again.selected] == list(res.selected)
    assert np.array_equal(m, before)


def test_a_half_without_variation_ranks_by_its_sign():
    # column 1 is 0.01 every day: its Sharpe ratio is +inf on every half, chosen and best
    z = np.random.default_rng(9).normal(0.0, 0.01, 40)
    res = pbo(np.column_stack([z, np.full(40, 0.01), -np.abs(z) - 0.001]), n_splits=4)
    assert (res.selected == 1).all() and res.pbo == 0.0 and np.isinf(res.is_sharpe).all()
    assert math.isnan(res.degradation_slope)  # no finite pair to fit


@pytest.mark.parametrize(
    ("matrix", "splits", "match"),
    [
        (np.zeros((40, 3)), 5, "`n_splits` must be even"),
        (np.zeros((10, 3)), 12, r"`n_splits` \(12\) must not exceed the number of rows \(10\)"),
        (np.zeros((3, 3)), 2, "leaves 1 row"),
        (np.zeros((40, 3)), 0, "`n_splits` must be at least 2"),
        (np.zeros((40, 3)), 4.0, "`n_splits` must be an integer"),
        (np.zeros((40, 1)), 4, "at least two strategies"),
        (np.zeros(40), 4, "must be two-dimensional"),
        (pd.DataFrame({"v0": [0.01, np.nan, 0.0, 0.02], "v1": [0.0] * 4},
                      index=pd.date_range("2024-01-01", periods=4)), 2,
         "at row 2024-01-02 00:00:00, column v0"),
        (np.array([[0.01, 0.0], [np.inf, 0.0], [0.0, 0.01], [0.0, 0.0]]), 2, "row 1, column 0"),
    ],
)  # fmt: skip
def test_pbo_bad_input(matrix, splits, match):
    with pytest.raises((ValueError, TypeError), match=match):
        pbo(matrix, n_splits=splits)
