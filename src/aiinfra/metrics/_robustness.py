"""Robustness of a choice among many backtests: probabilistic and deflated Sharpe ratios, and the
probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV).

Pure functions like the rest of :mod:`aiinfra.metrics` (nothing else of aiinfra is imported).
Every Sharpe ratio here is **per period** (mean over sample standard deviation of the periodic
returns, not annualised), as in the papers: an annualised ratio of daily returns is the per-period
one × √252. Skewness and kurtosis are the sample's standardised third and fourth moments
(``γ₃ = m₃ / m₂^1.5``, ``γ₄ = m₄ / m₂²`` with the moments about the mean, divided by ``n``);
the kurtosis is *not* excess kurtosis: 3 for a normal distribution.

References
----------
.. [1] Bailey, D. H. and López de Prado, M. (2012). "The Sharpe Ratio Efficient Frontier".
   *Journal of Risk* 15(2), 3-44.
.. [2] Bailey, D. H. and López de Prado, M. (2014). "The Deflated Sharpe Ratio: Correcting for
   Selection Bias, Backtest Overfitting and Non-Normality". *The Journal of Portfolio
   Management* 40(5), 94-107.
.. [3] Bailey, D. H., Borwein, J. M., López de Prado, M. and Zhu, Q. J. (2017). "The
   Probability of Backtest Overfitting". *Journal of Computational Finance* 20(4), 39-69.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "EULER_MASCHERONI",
    "PBOResult",
    "deflated_sharpe_ratio",
    "expected_max_sharpe",
    "pbo",
    "probabilistic_sharpe_ratio",
]

#: The Euler-Mascheroni constant γ ≈ 0.5772 of the expected-maximum approximation [2]_.
EULER_MASCHERONI = 0.5772156649015329

NAN = float("nan")
_NORMAL = NormalDist()
#: Per block of combinations, at most this many (combination × strategy) cells are held at once.
_CELLS = 1 << 20


def _number(x: object, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating):
        raise TypeError(f"`{name}` must be a number (got {type(x).__name__})")
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(f"`{name}` must be finite (got {v})")
    return v


def _integer(x: object, name: str, minimum: int) -> int:
    if isinstance(x, bool) or not isinstance(x, int | np.integer):
        raise TypeError(f"`{name}` must be an integer (got {type(x).__name__})")
    if int(x) < minimum:
        raise ValueError(f"`{name}` must be at least {minimum} (got {int(x)})")
    return int(x)


def probabilistic_sharpe_ratio(
    sr: float, sr_benchmark: float, n: int, skew: float = 0.0, kurtosis: float = 3.0
) -> float:
    r"""Probability that the true Sharpe ratio exceeds ``sr_benchmark``, given the estimate ``sr``.

    .. math::

        \widehat{PSR}(SR^*) = \Phi\left(\frac{(\widehat{SR} - SR^*)\sqrt{n - 1}}
        {\sqrt{1 - \hat\gamma_3 \widehat{SR} + \frac{\hat\gamma_4 - 1}{4}\widehat{SR}^2}}\right)

    with Φ the standard normal distribution function (Bailey & López de Prado 2012 [1]_, eq. for
    PSR; 2014 [2]_, eq. 9 with :math:`SR^* = \widehat{SR}_0` gives the deflated Sharpe ratio).

    Parameters
    ----------
    sr : float
        Estimated Sharpe ratio *per period* (not annualised).
    sr_benchmark : float
        The benchmark Sharpe ratio :math:`SR^*`, per period.
    n : int
        Number of returns the estimate comes from (at least 2).
    skew, kurtosis : float
        Skewness :math:`\hat\gamma_3` and kurtosis :math:`\hat\gamma_4` of those returns (not
        excess kurtosis: a normal distribution has 0 and 3, the defaults).

    Returns
    -------
    float
        In [0, 1]. NaN when the denominator is 0 (only for a two-point distribution with
        ``sr = 2 / skew``).

    Raises
    ------
    TypeError, ValueError
        A non-number or non-finite value, ``n < 2``, or ``kurtosis < 1 + skew²`` (no distribution
        has that: Pearson's inequality).

    Examples
    --------
    The 2012 paper's example: a monthly Sharpe ratio of 0.458 over 24 months of normal returns
    exceeds 0 with probability 0.982 (0.913 with skewness -2.448 and kurtosis 10.164).

    >>> round(probabilistic_sharpe_ratio(0.458, 0.0, 24), 3)
    0.982
    >>> round(probabilistic_sharpe_ratio(0.458, 0.0, 24, -2.448, 10.164), 3)
    0.913
    """
    s = _number(sr, "sr")
    b = _number(sr_benchmark, "sr_benchmark")
    count = _integer(n, "n", 2)
    g3 = _number(skew, "skew")
    g4 = _number(kurtosis, "kurtosis")
    if g4 < 1.0 + g3 * g3 - 1e-9:
        raise ValueError(
            f"`kurtosis` must be at least 1 + skew² = {1.0 + g3 * g3:.6g} (got {g4}); it is the "
            "fourth standardised moment, 3 for a normal distribution, not the excess kurtosis"
        )
    radicand = 1.0 - g3 * s + (g4 - 1.0) / 4.0 * s * s
    if radicand <= 0.0:
        return NAN
    return _NORMAL.cdf((s - b) * math.sqrt(count - 1) / math.sqrt(radicand))


def expected_max_sharpe(n_trials: int, var_sr: float) -> float:
    r"""Expected maximum of ``n_trials`` Sharpe ratio estimates whose true value is 0.

    Bailey & López de Prado (2014) [2]_, eq. 7 (from the false strategy theorem): for *N*
    independent trials whose estimated Sharpe ratios are normal with mean 0 and variance
    :math:`V[\{\widehat{SR}_n\}]`,

    .. math::

        \widehat{SR}_0 = \sqrt{V[\{\widehat{SR}_n\}]}\left((1-\gamma)\,\Phi^{-1}\left[1-\frac1N
        \right] + \gamma\,\Phi^{-1}\left[1-\frac1{N e}\right]\right)

    with γ the Euler-Mascheroni constant (:data:`EULER_MASCHERONI`), *e* Euler's number and
    :math:`\Phi^{-1}` the standard normal quantile function.

    Parameters
    ----------
    n_trials : int
        Number of trials *N* (at least 1).
    var_sr : float
        Variance of the trials' Sharpe ratio estimates, in the units of the Sharpe ratios
        (per period: an annualised variance of daily ratios divided by 252).

    Returns
    -------
    float
        :math:`\widehat{SR}_0`, in the units of :math:`\sqrt{V}`. For ``n_trials = 1`` it is 0,
        the expectation of one draw (the approximation, made for large *N*, would give
        :math:`\Phi^{-1}(0) = -\infty` there).

    Raises
    ------
    TypeError, ValueError
        ``n_trials`` not an integer ≥ 1, or ``var_sr`` negative or not finite.

    Examples
    --------
    The 2014 paper's example: 100 trials whose annualised Sharpe ratios have variance 1/2, with
    250 trading days a year, give a threshold of 0.1132 per day.

    >>> round(expected_max_sharpe(100, 0.5 / 250), 4)
    0.1132
    """
    n = _integer(n_trials, "n_trials", 1)
    v = _number(var_sr, "var_sr")
    if v < 0:
        raise ValueError(f"`var_sr` must be ≥ 0 (got {v})")
    if n == 1:
        return 0.0
    g = EULER_MASCHERONI
    z = (1.0 - g) * _NORMAL.inv_cdf(1.0 - 1.0 / n) + g * _NORMAL.inv_cdf(1.0 - 1.0 / (n * math.e))
    return math.sqrt(v) * z


def _moments(r: np.ndarray) -> tuple[float, float, float]:
    """Per-period Sharpe ratio (sample deviation, ddof 1), skewness and kurtosis (moments / n)."""
    mean = float(np.mean(r))
    d = r - mean
    m2 = float(np.mean(d**2))
    m3 = float(np.mean(d**3))
    m4 = float(np.mean(d**4))
    sr = mean / float(np.std(r, ddof=1))
    return sr, m3 / m2**1.5, m4 / m2**2


def deflated_sharpe_ratio(
    returns: pd.Series | np.ndarray,
    sr_trials: pd.Series | np.ndarray | list[float],
    *,
    n_trials: int | None = None,
) -> float:
    r"""Probability that the selected strategy's true Sharpe ratio is positive, after the search.

    The probabilistic Sharpe ratio of the selected (best) strategy against the Sharpe ratio that
    the best of *N* skill-less trials would be expected to show (Bailey & López de Prado 2014
    [2]_, eq. 9):

    .. math::

        \widehat{DSR} = \widehat{PSR}(\widehat{SR}_0) = \Phi\left(\frac{(\widehat{SR} -
        \widehat{SR}_0)\sqrt{T - 1}}{\sqrt{1 - \hat\gamma_3 \widehat{SR} + \frac{\hat\gamma_4 -
        1}{4}\widehat{SR}^2}}\right)

    where :math:`\widehat{SR}`, :math:`\hat\gamma_3`, :math:`\hat\gamma_4` and *T* are the
    per-period Sharpe ratio, skewness, kurtosis and length of ``returns``, and
    :math:`\widehat{SR}_0` is :func:`expected_max_sharpe` of *N* trials with the sample variance
    (ddof 1) of ``sr_trials``.

    Parameters
    ----------
    returns : Series or 1-d array of shape (n_periods,)
        Simple periodic returns of the selected strategy. NaN values are dropped.
    sr_trials : 1-d array-like of shape (n_trials,)
        Per-period Sharpe ratio of every trial of the search, the selected one and the losers
        included (their dispersion sets the threshold).
    n_trials : int, optional
        *N*, when it differs from ``len(sr_trials)`` (e.g. an estimate of the number of
        independent trials). With a single trial the threshold is 0 and the DSR is the PSR
        against 0.

    Returns
    -------
    float
        In [0, 1]; NaN when ``returns`` has fewer than two values or does not vary.

    Raises
    ------
    TypeError, ValueError
        ``returns`` or ``sr_trials`` not one-dimensional, ``sr_trials`` empty or with a
        missing or non-finite value (its position is named), ``n_trials`` < 1, or *N* > 1 with
        a single Sharpe ratio to estimate the variance from.

    Notes
    -----
    The paper's numerical example (N = 100, annualised variance 1/2, annualised Sharpe ratio 2.5
    over T = 1250 daily returns with skewness -3 and kurtosis 10, 250 days a year) gives
    :math:`\widehat{SR}_0 = 0.1132` and DSR = 0.9004; ``tests/unit/test_robustness.py`` checks
    both. *N* counts trials as if independent; correlated variants (a parameter grid) make the
    threshold conservative (too high).

    Examples
    --------
    >>> r = np.array([0.02, -0.01, 0.015, 0.0, 0.01, -0.005])
    >>> round(deflated_sharpe_ratio(r, [0.1, 0.2, 0.4]), 4)
    0.741
    >>> round(deflated_sharpe_ratio(r, [0.4]), 4)  # one trial: the PSR against 0
    0.825
    """
    r = np.asarray(returns, dtype=float)
    if r.ndim != 1:
        raise ValueError(f"`returns` must be one-dimensional (got shape {r.shape})")
    r = r[~np.isnan(r)]
    trials = np.asarray(sr_trials, dtype=float)
    if trials.ndim != 1 or trials.size == 0:
        raise ValueError(
            f"`sr_trials` must be a non-empty one-dimensional sequence (got shape {trials.shape})"
        )
    bad = np.flatnonzero(~np.isfinite(trials))
    if bad.size:
        raise ValueError(
            f"`sr_trials` has a missing or non-finite Sharpe ratio at position {int(bad[0])}; "
            "every trial of the search must be counted with its ratio"
        )
    n = trials.size if n_trials is None else _integer(n_trials, "n_trials", 1)
    if n > 1 and trials.size < 2:
        raise ValueError(
            "`sr_trials` needs at least two Sharpe ratios to estimate their variance "
            f"(`n_trials` is {n})"
        )
    var = float(np.var(trials, ddof=1)) if trials.size >= 2 else 0.0
    threshold = expected_max_sharpe(n, var)
    if r.size < 2 or np.max(r) == np.min(r):
        return NAN
    sr, g3, g4 = _moments(r)
    return probabilistic_sharpe_ratio(sr, threshold, int(r.size), g3, max(g4, 1.0 + g3 * g3))


# --- probability of backtest overfitting -------------------------------------------------------


@dataclass(frozen=True)
class PBOResult:
    """The outcome of CSCV over a (T × N) matrix of returns; see :func:`pbo`.

    Attributes
    ----------
    pbo : float
        Share of the splits whose logit is ≤ 0.
    logits : ndarray of shape (n_combinations,)
        λ_c = ln(ω_c / (1 − ω_c)) per split, in the order of ``itertools.combinations``.
    relative_ranks : ndarray of shape (n_combinations,)
        ω_c: the out-of-sample rank of the in-sample best (1 = worst … N = best; ties get the
        average rank) over N + 1.
    selected : ndarray of shape (n_combinations,)
        Column position of the in-sample best per split.
    is_sharpe, oos_sharpe : ndarray of shape (n_combinations,)
        Per-period Sharpe ratio of the selected strategy in and out of sample.
    degradation_slope, degradation_intercept : float
        Least-squares line oos_sharpe = intercept + slope · is_sharpe over the splits (finite
        pairs); NaN when the in-sample values do not vary.
    probability_of_loss : float
        Share of the splits whose selected strategy has a negative out-of-sample Sharpe ratio.
    n_splits, n_combinations, n_observations, n_strategies, dropped : int
        S, C(S, S/2), the rows used, N, and the oldest rows left out (T mod S).
    columns : tuple
        The column labels (positions for an array), so ``columns[selected[c]]`` names a choice.
    """

    pbo: float
    logits: np.ndarray
    relative_ranks: np.ndarray
    selected: np.ndarray
    is_sharpe: np.ndarray
    oos_sharpe: np.ndarray
    degradation_slope: float
    degradation_intercept: float
    probability_of_loss: float
    n_splits: int
    n_combinations: int
    n_observations: int
    n_strategies: int
    dropped: int
    columns: tuple[Any, ...]

    def to_dict(self) -> dict[str, Any]:
        """The scalars (no per-split arrays), NaN as None."""

        def clean(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        return {
            "pbo": clean(self.pbo),
            "degradation_slope": clean(self.degradation_slope),
            "degradation_intercept": clean(self.degradation_intercept),
            "probability_of_loss": clean(self.probability_of_loss),
            "n_splits": self.n_splits,
            "n_combinations": self.n_combinations,
            "n_observations": self.n_observations,
            "n_strategies": self.n_strategies,
            "dropped": self.dropped,
        }


def _matrix(returns_matrix: pd.DataFrame | np.ndarray) -> tuple[np.ndarray, list[Any], list[Any]]:
    rows: list[Any]
    cols: list[Any]
    if isinstance(returns_matrix, pd.DataFrame):
        rows, cols = list(returns_matrix.index), list(returns_matrix.columns)
        m = returns_matrix.to_numpy(dtype=float, copy=True)
    else:
        m = np.array(returns_matrix, dtype=float)
        if m.ndim != 2:
            raise ValueError(
                f"`returns_matrix` must be two-dimensional (dates × strategies); got shape "
                f"{m.shape}"
            )
        rows, cols = list(range(m.shape[0])), list(range(m.shape[1]))
    if m.shape[1] < 2:
        raise ValueError(
            f"`returns_matrix` needs at least two strategies (columns) to rank; got {m.shape[1]}"
        )
    bad = np.argwhere(~np.isfinite(m))
    if bad.size:
        i, j = (int(x) for x in bad[0])
        raise ValueError(
            f"`returns_matrix` has a missing or non-finite value at row {rows[i]!s}, column "
            f"{cols[j]!s} ({len(bad)} in all); CSCV needs every strategy's return on every "
            "date: align the series and drop those dates first"
        )
    return m, rows, cols


def _half_sharpe(
    mean: np.ndarray, m2: np.ndarray, lo: np.ndarray, hi: np.ndarray, idx: np.ndarray, size: int
) -> np.ndarray:
    """Per-period Sharpe ratio of the union of the blocks ``idx`` (k, h), for every column.

    Combines the blocks' means and sums of squared deviations (``m2``) exactly as one pass over
    the rows would (Chan, Golub & LeVeque's pairwise update): mean = Σ means / h, M2 = Σ M2_s +
    size · Σ (mean_s − mean)². Elementwise only, so equal columns give equal ratios. A union
    whose values are all equal (checked exactly on the blocks' minima and maxima) has the ratio
    +inf, −inf or 0 by the sign of its value.
    """
    h = idx.shape[1]
    means = mean[idx]  # (k, h, N)
    u = means.sum(axis=1) / h
    ss = m2[idx].sum(axis=1) + size * ((means - u[:, None, :]) ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        sr = u / np.sqrt(ss / (h * size - 1))
    flat = hi[idx].max(axis=1) == lo[idx].min(axis=1)
    if flat.any():
        sr[flat] = np.sign(u[flat]) * np.inf
        sr[flat & (u == 0)] = 0.0
    out: np.ndarray = sr
    return out


def pbo(returns_matrix: pd.DataFrame | np.ndarray, n_splits: int = 16) -> PBOResult:
    r"""Probability of backtest overfitting by combinatorially symmetric cross-validation.

    Bailey, Borwein, López de Prado & Zhu (2017) [3]_, CSCV with the Sharpe ratio as the
    performance measure:

    1. The T × N matrix (dates × strategies) is cut into S blocks of T // S consecutive rows
       (the oldest T mod S rows are left out, so every block has the same size).
    2. For each of the C(S, S/2) ways to pick S/2 blocks as the training set J (the other S/2
       blocks, in order, are the test set J̄), the in-sample best strategy n* is the one with the
       highest Sharpe ratio on J (the first on a tie).
    3. Its relative rank out of sample is ω_c = r / (N + 1), r its rank by Sharpe ratio on J̄
       (1 = worst … N = best; ties get the average rank), and the logit is
       λ_c = ln(ω_c / (1 − ω_c)): > 0 when n* beats the median out of sample.
    4. PBO = #{c : λ_c ≤ 0} / C(S, S/2), the estimate of ∫_{−∞}^{0} f(λ) dλ.

    Also returned: the performance degradation, the least-squares line of the out-of-sample on
    the in-sample Sharpe ratio of n* over the splits (a slope below 1, or negative, is the
    degradation); and the probability of loss, the share of splits where n* loses out of
    sample (Sharpe ratio < 0).

    Parameters
    ----------
    returns_matrix : DataFrame or 2-d array of shape (n_dates, n_strategies)
        Simple periodic returns, one column per strategy (at least two), rows in date order.
        No value may be missing: unlike the other metrics, NaN is an error here (dropping it
        would shift the blocks of one column against the others).
    n_splits : int, default 16
        S: even, at least 2 and at most the number of rows; each half must hold at least two
        rows. S = 16 gives 12,870 splits.

    Returns
    -------
    PBOResult

    Raises
    ------
    TypeError, ValueError
        Not two-dimensional, fewer than two columns, a missing or non-finite value (its row and
        column are named), ``n_splits`` odd, below 2, above the number of rows, or leaving a
        half with fewer than two rows.

    Notes
    -----
    Cost: O(C(S, S/2) · S · N) arithmetic on the block statistics (each row is read once), in
    blocks of combinations so that the temporaries stay below about 50 MB whatever S and N.
    The Sharpe ratios are per period (not annualised), which changes no rank and no slope.

    Examples
    --------
    Three strategies, the third ahead of the others every day: chosen in every split and best
    out of sample (ω = 3/4, λ = ln 3), so PBO = 0.

    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(0.0, 0.01, 64)
    >>> res = pbo(np.column_stack([z, z + 0.001, z + 0.002]), n_splits=4)
    >>> res.pbo, res.n_combinations, round(float(res.logits[0]), 4), set(res.selected.tolist())
    (0.0, 6, 1.0986, {2})
    """
    m, _, cols = _matrix(returns_matrix)
    s = _integer(n_splits, "n_splits", 2)
    t, n = m.shape
    if s % 2:
        raise ValueError(f"`n_splits` must be even (got {s}): the halves have S/2 blocks each")
    if s > t:
        raise ValueError(f"`n_splits` ({s}) must not exceed the number of rows ({t})")
    size = t // s
    if size * (s // 2) < 2:
        raise ValueError(
            f"`n_splits` ({s}) leaves {size * (s // 2)} row(s) per half of {t} rows; a Sharpe "
            "ratio needs at least two"
        )
    dropped = t - size * s
    blocks = m[dropped:].reshape(s, size, n)
    mean = blocks.mean(axis=1)
    m2 = ((blocks - mean[:, None, :]) ** 2).sum(axis=1)
    lo, hi = blocks.min(axis=1), blocks.max(axis=1)
    train = np.array(list(itertools.combinations(range(s), s // 2)), dtype=np.intp)
    member = np.zeros((len(train), s), dtype=bool)
    np.put_along_axis(member, train, True, axis=1)
    test = np.nonzero(~member)[1].reshape(len(train), s // 2)
    k_total = len(train)
    selected = np.empty(k_total, dtype=np.intp)
    is_sr = np.empty(k_total)
    oos_sr = np.empty(k_total)
    rank = np.empty(k_total)
    step = max(1, _CELLS // (n * (s // 2)))
    for a in range(0, k_total, step):
        b = min(k_total, a + step)
        r_is = _half_sharpe(mean, m2, lo, hi, train[a:b], size)
        r_oos = _half_sharpe(mean, m2, lo, hi, test[a:b], size)
        best = np.argmax(r_is, axis=1)
        rows = np.arange(b - a)
        v = r_oos[rows, best]
        below = (r_oos < v[:, None]).sum(axis=1)
        equal = (r_oos == v[:, None]).sum(axis=1)
        selected[a:b], is_sr[a:b], oos_sr[a:b] = best, r_is[rows, best], v
        rank[a:b] = below + (equal + 1) / 2.0
    omega = rank / (n + 1)
    logits = np.log(omega / (1.0 - omega))
    slope, intercept = _line(is_sr, oos_sr)
    return PBOResult(
        pbo=float(np.mean(logits <= 0.0)),
        logits=logits,
        relative_ranks=omega,
        selected=selected,
        is_sharpe=is_sr,
        oos_sharpe=oos_sr,
        degradation_slope=slope,
        degradation_intercept=intercept,
        probability_of_loss=float(np.mean(oos_sr < 0.0)),
        n_splits=s,
        n_combinations=k_total,
        n_observations=size * s,
        n_strategies=n,
        dropped=dropped,
        columns=tuple(cols),
    )


def _line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope and intercept of y on x over the finite pairs (NaN if x is flat)."""
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if x.size < 2:
        return NAN, NAN
    dx = x - x.mean()
    sxx = float(np.sum(dx * dx))
    if sxx == 0.0:
        return NAN, NAN
    slope = float(np.sum(dx * (y - y.mean()))) / sxx
    return slope, float(y.mean() - slope * x.mean())
