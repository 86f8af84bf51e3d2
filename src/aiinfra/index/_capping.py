"""Weight capping: the bounded water-fill and the buffered UCITS rule (METHODOLOGY §9).

Pure numpy functions. Weights are 1-D float arrays of shape ``(n,)`` in index order; nothing here
sorts, renames or mutates its inputs.

* :func:`waterfill` -- scale ``u`` by one factor λ and clip each name to ``[lo_i, hi_i]`` so that
  the weights sum to 1 (§9.2).
* :func:`cap_weights` -- single-name cap, the buffered UCITS rule searched by "top-k" (§9.3), an
  optional floor (§9.5) and optional per-name liquidity caps (§9.4).
* :func:`feasible_minimum_count` -- the smallest number of names for which the caps can hold.
* :func:`ucits_compliance` -- the daily check of a weight vector against the legal limits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypedDict

import numpy as np
import numpy.typing as npt

from aiinfra.exceptions import InfeasibleCappingError, InvalidParameterError

__all__ = [
    "UcitsCompliance",
    "cap_weights",
    "feasible_minimum_count",
    "ucits_compliance",
    "waterfill",
]

FloatArray = npt.NDArray[np.float64]

#: Tolerance on float comparisons (METHODOLOGY, "Algorithms in pseudo-code").
_TOL = 1e-12


class UcitsCompliance(TypedDict):
    """What :func:`ucits_compliance` reports about one weight vector."""

    max_weight: float
    aggregate_above_threshold: float
    count_above_threshold: int
    ok: bool


# --------------------------------------------------------------------------------------------
# helpers


def _pct(x: float) -> str:
    """``0.045`` -> ``'4.5 %'`` (ten significant digits, trailing zeros dropped)."""
    return f"{100.0 * x:.10g} %"


def _num(x: float) -> str:
    return f"{x:.12g}"


def _normalised(u: npt.ArrayLike) -> FloatArray:
    """A normalised copy of ``u``; checks shape, finiteness, sign and a positive sum."""
    arr = np.array(u, dtype=np.float64)
    if arr.ndim != 1:
        raise InvalidParameterError(f"`u` must be one-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise InvalidParameterError("`u` must be finite (no NaN or infinity)")
    if np.any(arr < 0.0):
        raise InvalidParameterError(f"`u` must be non-negative, got a minimum of {arr.min()!r}")
    total = float(arr.sum())
    if not total > 0.0:
        raise InvalidParameterError("`u` must have a positive sum (at least one name above 0)")
    out: FloatArray = arr / total
    return out


def _bound_array(value: npt.ArrayLike, n: int, name: str, *, allow_inf: bool) -> FloatArray:
    """``value`` (a scalar or shape ``(n,)``) as a fresh float array of shape ``(n,)``."""
    arr = np.array(value, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    elif arr.shape != (n,):
        raise InvalidParameterError(
            f"`{name}` must be a scalar or have shape ({n},) like `u`, got shape {arr.shape}"
        )
    if np.any(np.isnan(arr)):
        raise InvalidParameterError(f"`{name}` must not contain NaN")
    if not allow_inf and not np.all(np.isfinite(arr)):
        raise InvalidParameterError(f"`{name}` must be finite")
    if np.any(arr < 0.0):
        raise InvalidParameterError(f"`{name}` must be >= 0, got a minimum of {arr.min()!r}")
    return arr


def _check_unit_interval(name: str, value: float, *, allow_zero: bool = False) -> float:
    """``value`` as a float in ``(0, 1]`` (or ``[0, 1]`` when ``allow_zero``)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"`{name}` must be a number, got {value!r}") from None
    low_ok = x >= 0.0 if allow_zero else x > 0.0
    if not (math.isfinite(x) and low_ok and x <= 1.0):
        rule = "0 <= {0} <= 1" if allow_zero else "0 < {0} <= 1"
        raise InvalidParameterError(f"`{name}` must satisfy {rule.format(name)}, got {value!r}")
    return x


def _solve(u: FloatArray, hi: FloatArray, lo: FloatArray) -> FloatArray:
    """The water-fill itself; ``u`` sums to 1 and the bounds were checked by the caller.

    Every fix is provably final: with the current λ, let ``excess`` be the change in the total
    if the free names were clipped. If ``excess < 0`` the solution λ* is larger than λ, so a name
    over its cap now stays over it; if ``excess > 0`` λ* is smaller, so a name under its floor
    stays under it. With upper bounds only, ``excess`` is never positive and this is exactly the
    loop of §9.2.
    """
    fixed = u <= 0.0
    w = np.where(fixed, lo, 0.0)
    while True:
        free = ~fixed
        if not free.any():
            return w
        lam = (1.0 - float(w[fixed].sum())) / float(u[free].sum())
        trial = lam * u
        over = free & (trial > hi)
        under = free & (trial < lo)
        if over.any() and under.any():
            excess = float(np.sum(hi[over] - trial[over]) + np.sum(lo[under] - trial[under]))
            if excess < 0.0:
                under[:] = False
            elif excess > 0.0:
                over[:] = False
        if not (over.any() or under.any()):
            w[free] = trial[free]
            return w
        w[over] = hi[over]
        w[under] = lo[under]
        fixed |= over | under


def _capacity(u: FloatArray, hi: FloatArray, lo: FloatArray) -> float:
    """Most weight the water-fill can place: caps of names with ``u > 0``, floors of the rest."""
    positive = u > 0.0
    return float(hi[positive].sum() + lo[~positive].sum())


# --------------------------------------------------------------------------------------------
# public functions


def waterfill(
    u: npt.ArrayLike,
    hi: npt.ArrayLike,
    lo: npt.ArrayLike | None = None,
    *,
    tol: float = _TOL,
) -> FloatArray:
    """Scale ``u`` and clip each name to its bounds so that the weights sum to 1.

    Finds λ with ``Σ_i clip(λ·u_i, lo_i, hi_i) = 1`` and returns ``w_i = clip(λ·u_i, lo_i, hi_i)``
    (METHODOLOGY §9.2). Excess weight goes to the unbounded names in proportion to ``u``.

    Parameters
    ----------
    u : array_like of shape (n,)
        Uncapped weights, non-negative and finite. They are normalised to sum to 1, so raw scores
        work too; the sum must be positive.
    hi : float or array_like of shape (n,)
        Upper bound of each name (a scalar applies to all), ``>= 0``; ``inf`` means unbounded.
    lo : float or array_like of shape (n,), optional
        Lower bound of each name, finite, ``0 <= lo_i <= hi_i``. Default 0.
    tol : float, default 1e-12
        Slack on the feasibility checks ``Σ hi >= 1 >= Σ lo``.

    Returns
    -------
    ndarray of shape (n,)
        The weights; they sum to 1 within 1e-12 and ``lo_i <= w_i <= hi_i`` holds exactly. A
        name with ``u_i == 0`` gets ``lo_i`` (0 without floors).

    Raises
    ------
    InvalidParameterError
        If ``u`` is not 1-D, finite and non-negative with a positive sum, a bound has the wrong
        shape, is NaN or negative, or some ``lo_i > hi_i``.
    InfeasibleCappingError
        If ``Σ hi < 1`` or ``Σ lo > 1`` (beyond ``tol``), or the names with ``u_i > 0`` cannot
        take the weight the names with ``u_i == 0`` are not given.

    Notes
    -----
    The loop of §9.2: λ = (1 − Σ fixed) / Σ_free u; fix every free name with λ·u_i > hi_i at
    hi_i, else every free name with λ·u_i < lo_i at lo_i; repeat until nothing changes. When a
    step finds names both over a cap and under a floor, it fixes the side the solution is known
    to be on (the sign of the clipped total minus the target decides), so no name is fixed
    wrongly; with upper bounds only this is the plain §9.2 loop. At most ``n`` passes of O(n).

    References
    ----------
    METHODOLOGY.md §9.2 and "Algorithms in pseudo-code"; Example 2.

    Examples
    --------
    Example 2 of the methodology: capping at 20 % needs two passes.

    >>> import numpy as np
    >>> x = np.array([115.20, 114.80, 125.40, 92.88, 87.88, 46.40])
    >>> w = waterfill(x, 0.20)
    >>> [round(100 * float(v), 6) for v in w]
    [20.0, 20.0, 20.0, 16.354992, 15.474555, 8.170453]
    >>> abs(float(w.sum()) - 1.0) < 1e-12
    True
    """
    t = float(tol)
    if not (math.isfinite(t) and t >= 0.0):
        raise InvalidParameterError(f"`tol` must be finite and >= 0, got {tol!r}")
    weights = _normalised(u)
    n = weights.size
    upper = _bound_array(hi, n, "hi", allow_inf=True)
    lower = np.zeros(n) if lo is None else _bound_array(lo, n, "lo", allow_inf=False)
    bad = np.flatnonzero(lower > upper)
    if bad.size:
        i = int(bad[0])
        raise InvalidParameterError(
            f"`lo` must not exceed `hi`; name {i} has lo = {_num(lower[i])} > hi = {_num(upper[i])}"
        )
    s_hi = float(upper.sum())
    if s_hi < 1.0 - t:
        raise InfeasibleCappingError(
            f"caps sum to {_num(s_hi)} < 1: at most {_pct(s_hi)} can be allocated"
        )
    s_lo = float(lower.sum())
    if s_lo > 1.0 + t:
        raise InfeasibleCappingError(
            f"floors sum to {_num(s_lo)} > 1: at least {_pct(s_lo)} would be allocated"
        )
    capacity = _capacity(weights, upper, lower)
    if capacity < 1.0 - t:
        n_pos = int(np.count_nonzero(weights > 0.0))
        raise InfeasibleCappingError(
            f"the names with u > 0 ({n_pos} of {n}) have caps summing to "
            f"{_num(float(upper[weights > 0].sum()))} and the others get only their floors: "
            f"at most {_pct(capacity)} can be allocated"
        )
    return _solve(weights, upper, lower)


def _max_allocation(
    u: FloatArray,
    order: Sequence[int],
    cap: float,
    thr: float,
    agg: float,
    lo: FloatArray,
    liq: FloatArray,
) -> tuple[float, int]:
    """Most weight any top-k allocation can place under cap/thr/agg; returns (total, best k).

    For the k highest-ranked names with ``u > 0`` ("big") and the rest ("small"): big names above
    ``thr`` total at most ``agg`` and each at most ``min(cap, liq_i)``; a small name is at most
    ``min(thr, liq_i)``; names with ``u == 0`` get their floor. Without liquidity caps this is
    ``max_m min(m·cap, agg) + (n − m)·thr``, the exact maximum over all allocations.
    """
    ranked = [i for i in order if u[i] > 0.0]
    big_cap = np.minimum(cap, liq)
    small_cap = np.minimum(thr, liq)
    zero_floor = float(lo[u <= 0.0].sum())
    best, best_k = -1.0, 0
    for k in range(len(ranked) + 1):
        big = big_cap[ranked[:k]]
        can_exceed = big > thr
        total = (
            min(float(big[can_exceed].sum()), agg)
            + float(big[~can_exceed].sum())
            + float(small_cap[ranked[k:]].sum())
            + zero_floor
        )
        if total > best:
            best, best_k = total, k
    return best, best_k


def cap_weights(
    u: npt.ArrayLike,
    *,
    cap: float,
    ucits_threshold: float | None = None,
    ucits_aggregate: float | None = None,
    floor: float | None = None,
    liquidity_cap: npt.ArrayLike | None = None,
    ids: Sequence[str] | None = None,
) -> FloatArray:
    """Cap weights per name and, optionally, by the buffered UCITS rule ("top-k", §9.3).

    Without ``ucits_threshold`` this is the plain single-name cap ``waterfill(u, cap, floor)``.
    With it, names are ranked by ``u`` (descending; ties by ``ids`` ascending) and for
    ``k = n, n−1, …, 0`` the k highest-ranked names are capped at ``cap`` and the rest at
    ``ucits_threshold``; the first (largest) k whose water-fill keeps the names above the
    threshold within ``ucits_aggregate`` is taken.

    Parameters
    ----------
    u : array_like of shape (n,)
        Uncapped weights (or raw scores), non-negative and finite with a positive sum.
    cap : float
        Single-name cap, ``0 < cap <= 1`` (default methodology: 0.08).
    ucits_threshold : float, optional
        Buffered threshold ``thr``, ``0 < thr <= cap`` (default methodology: 0.045). Requires
        ``ucits_aggregate``.
    ucits_aggregate : float, optional
        Most that the names strictly above ``thr`` may total, ``0 < agg <= 1`` (default
        methodology: 0.35). Requires ``ucits_threshold``.
    floor : float, optional
        Lower bound for every name (§9.5), ``0 <= floor``, ``floor·n <= 1`` and ``floor`` at most
        ``thr`` (or ``cap`` without the UCITS rule).
    liquidity_cap : array_like of shape (n,), optional
        Per-name upper bounds (§9.4), applied as ``hi = min(hi, liquidity_cap)``; ``inf`` means
        none. Each must be at least ``floor``.
    ids : sequence of str of length n, optional
        Unique security ids, used only to break ties in ``u`` (ascending). Default: position.

    Returns
    -------
    ndarray of shape (n,)
        Capped weights summing to 1 within 1e-12, each at most ``cap`` (and its liquidity cap),
        with the names above ``thr + 1e-12`` totalling at most ``agg + 1e-12``.

    Raises
    ------
    InvalidParameterError
        If a parameter breaks its rule; the message names it in backticks.
    InfeasibleCappingError
        If no k works; the message states the arithmetic (how much can be allocated at most).

    Notes
    -----
    Each k costs one water-fill, O(n²) at worst, so the search is O(n³) at worst and in practice
    O(n²). The k found is the largest, i.e. the least intrusive buffer. The result preserves the
    order of ``u`` weakly (without liquidity caps) and is idempotent: capping capped weights
    returns them unchanged, since ``k = n`` already complies.

    References
    ----------
    METHODOLOGY.md §9.3-9.5 and "Algorithms in pseudo-code".

    Examples
    --------
    Twenty equal names: k = 5 names get 6.5 % (32.5 % in all, within 35 %), fifteen get 4.5 %.
    Ties are broken by position here, so the first five are the big ones.

    >>> w = cap_weights([1.0] * 20, cap=0.08, ucits_threshold=0.045, ucits_aggregate=0.35)
    >>> sorted({round(float(v), 12) for v in w})
    [0.045, 0.065]
    >>> [round(float(v), 3) for v in w[:6]]
    [0.065, 0.065, 0.065, 0.065, 0.065, 0.045]

    Nineteen names are too few for 8 %/4.5 %/35 %:

    >>> rule = dict(cap=0.08, ucits_threshold=0.045, ucits_aggregate=0.35)
    >>> cap_weights([1.0] * 19, **rule)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    aiinfra.exceptions.InfeasibleCappingError: 19 names cannot satisfy 8 %/4.5 %/35 %: ...
    """
    weights = _normalised(u)
    n = weights.size
    cap_f, thr, agg, floor_f = _check_caps(n, cap, ucits_threshold, ucits_aggregate, floor)
    lower = np.full(n, floor_f)
    liq = _check_liquidity_caps(liquidity_cap, n, floor, floor_f)
    keys = _check_ids(ids, n)

    n_pos = int(np.count_nonzero(weights > 0.0))
    names = f"{n_pos} names" if n_pos == n else f"{n_pos} names with u > 0 (of {n})"
    with_liq = "" if liquidity_cap is None else " with the liquidity caps"

    if thr is None:
        hi = np.minimum(cap_f, liq)
        capacity = _capacity(weights, hi, lower)
        if capacity < 1.0 - _TOL:
            raise InfeasibleCappingError(
                f"{names} cannot satisfy the {_pct(cap_f)} cap{with_liq}: "
                f"at most {_pct(capacity)} can be allocated"
            )
        return _solve(weights, hi, lower)

    order = sorted(range(n), key=lambda i: (-weights[i], keys[i]))
    w, best_aggregate, best_k = _top_k(weights, order, cap_f, thr, agg, lower, liq)
    if w is not None:
        return w

    plain = liquidity_cap is None and floor_f == 0.0
    least = (best_aggregate, best_k)
    raise _infeasible(weights, order, cap_f, thr, agg, lower, liq, (names, with_liq), plain, least)


def _infeasible(
    weights: FloatArray,
    order: Sequence[int],
    cap: float,
    thr: float,
    agg: float,
    lower: FloatArray,
    liq: FloatArray,
    what: tuple[str, str],
    plain: bool,
    least: tuple[float, int],
) -> InfeasibleCappingError:
    """The error when no k of the top-k search works: the arithmetic of the most that can be
    allocated (with the count of names needed when ``plain``: no liquidity caps, no floor)."""
    names, with_liq = what
    n_pos = int(np.count_nonzero(weights > 0.0))
    rule = f"{_pct(cap)}/{_pct(thr)}/{_pct(agg)}"
    most, m = _max_allocation(weights, order, cap, thr, agg, lower, liq)
    if most < 1.0 - _TOL:
        message = f"{names} cannot satisfy {rule}{with_liq}: at most {_pct(most)} can be allocated"
        if plain:
            message += (
                f" ({m} names up to {_pct(cap)} each, totalling at most "
                f"{_pct(min(m * cap, agg))}, and {n_pos - m} names up to {_pct(thr)} each); "
                f"at least {feasible_minimum_count(cap, thr, agg)} names are needed"
            )
        return InfeasibleCappingError(message)
    # Reachable with liquidity caps, or when agg − ⌊agg/cap⌋·cap > thr (the top-k rule then
    # cannot use the best allocation, whose big names total exactly agg).
    return InfeasibleCappingError(
        f"{names}: the top-k search finds no k for {rule}{with_liq}. The caps allow "
        f"{_pct(most)}, but for every k either the caps sum below 100 % or the names above "
        f"{_pct(thr)} total more than {_pct(agg)} (least: {_pct(least[0])} at k = {least[1]})"
    )


def _check_caps(
    n: int,
    cap: float,
    ucits_threshold: float | None,
    ucits_aggregate: float | None,
    floor: float | None,
) -> tuple[float, float | None, float, float]:
    """``cap``, ``thr`` (None without the UCITS rule), ``agg`` (1 without it) and the floor
    (0 without one), each checked against its rule."""
    cap_f = _check_unit_interval("cap", cap)
    if (ucits_threshold is None) != (ucits_aggregate is None):
        raise InvalidParameterError(
            "`ucits_threshold` and `ucits_aggregate` must be given together (or neither)"
        )
    thr: float | None = None
    agg = 1.0
    if ucits_threshold is not None and ucits_aggregate is not None:
        thr = _check_unit_interval("ucits_threshold", ucits_threshold)
        if thr > cap_f:
            raise InvalidParameterError(
                f"`ucits_threshold` must satisfy 0 < ucits_threshold <= cap, "
                f"got {ucits_threshold!r} > cap = {cap!r}"
            )
        agg = _check_unit_interval("ucits_aggregate", ucits_aggregate)

    floor_f = 0.0
    if floor is not None:
        floor_f = _check_unit_interval("floor", floor, allow_zero=True)
        if floor_f * n > 1.0 + _TOL:
            raise InvalidParameterError(
                f"`floor` must satisfy floor·n <= 1, got {floor!r}·{n} = {_num(floor_f * n)}"
            )
        ceiling, ceiling_name = (cap_f, "cap") if thr is None else (thr, "ucits_threshold")
        if floor_f > ceiling:
            raise InvalidParameterError(
                f"`floor` must be at most `{ceiling_name}` ({ceiling!r}), got {floor!r}"
            )
    return cap_f, thr, agg, floor_f


def _check_liquidity_caps(
    liquidity_cap: npt.ArrayLike | None, n: int, floor: float | None, floor_f: float
) -> FloatArray:
    """The per-name liquidity caps as an array of shape ``(n,)`` (``inf`` without them)."""
    if liquidity_cap is None:
        return np.full(n, np.inf)
    arr = np.array(liquidity_cap, dtype=np.float64)
    if arr.shape != (n,):
        raise InvalidParameterError(
            f"`liquidity_cap` must have shape ({n},) like `u`, got shape {arr.shape}"
        )
    liq = _bound_array(arr, n, "liquidity_cap", allow_inf=True)
    short = np.flatnonzero(liq < floor_f)
    if short.size:
        i = int(short[0])
        raise InvalidParameterError(
            f"`liquidity_cap` must be at least `floor` ({floor!r}) for every name; "
            f"name {i} has {_num(liq[i])}"
        )
    return liq


def _check_ids(ids: Sequence[str] | None, n: int) -> list[int] | list[str]:
    """The tie-break keys: the ids as strings (checked unique), or the positions."""
    if ids is None:
        return list(range(n))
    if isinstance(ids, str) or len(ids) != n:
        raise InvalidParameterError(f"`ids` must be a sequence of {n} strings, one per name of `u`")
    keys = [str(s) for s in ids]
    if len(set(keys)) != n:
        dup = sorted({s for s in keys if keys.count(s) > 1})
        raise InvalidParameterError(f"`ids` must be unique; repeated: {', '.join(dup[:5])}")
    return keys


def _top_k(
    weights: FloatArray,
    order: Sequence[int],
    cap: float,
    thr: float,
    agg: float,
    lower: FloatArray,
    liq: FloatArray,
) -> tuple[FloatArray | None, float, int]:
    """The top-k search (§9.3): for k = n … 0, the k highest-ranked names capped at ``cap`` and
    the rest at ``thr``; the first water-fill whose names above ``thr`` total at most ``agg``.

    Returns (weights, …) when a k works, else (None, the least aggregate found, its k).
    """
    n = weights.size
    ranked = np.array(order, dtype=np.intp)
    best_aggregate, best_k = math.inf, -1
    for k in range(n, -1, -1):
        hi = np.full(n, thr)
        hi[ranked[:k]] = cap
        hi = np.minimum(hi, liq)
        if _capacity(weights, hi, lower) < 1.0 - _TOL:
            continue
        w = _solve(weights, hi, lower)
        above = float(w[w > thr + _TOL].sum())
        if above <= agg + _TOL:
            return w, best_aggregate, best_k
        if above < best_aggregate:
            best_aggregate, best_k = above, k
    return None, best_aggregate, best_k


def feasible_minimum_count(cap: float, thr: float, agg: float) -> int:
    """The smallest number of names for which ``cap``/``thr``/``agg`` can hold (§9.3).

    Names above ``thr`` total at most ``agg`` and each is at most ``cap``; every other name is at
    most ``thr``. With ``m`` big names at most ``min(m·cap, agg) + (N − m)·thr`` can be
    allocated, so the caps can hold iff that is at least 1 for some ``m``.

    Parameters
    ----------
    cap : float
        Single-name cap, ``0 < cap <= 1``.
    thr : float
        Threshold, ``0 < thr <= cap``.
    agg : float
        Aggregate limit for the names above ``thr``, ``0 < agg <= 1``.

    Returns
    -------
    int
        The least N with ``max_m [min(m·cap, agg) + (N − m)·thr] >= 1`` (1e-9 slack on the
        float arithmetic).

    Raises
    ------
    InvalidParameterError
        If a parameter breaks its rule.

    Notes
    -----
    The maximum is at ``m = ⌊agg/cap⌋`` or ``m = ⌈agg/cap⌉``; the methodology's form
    ``agg + thr·(N − ⌈agg/cap⌉) >= 1`` is the second. Both give the figures of §9.3.

    Examples
    --------
    >>> feasible_minimum_count(0.08, 0.045, 0.35)
    20
    >>> feasible_minimum_count(0.09, 0.045, 0.36), feasible_minimum_count(0.10, 0.05, 0.40)
    (19, 16)
    """
    cap_f = _check_unit_interval("cap", cap)
    thr_f = _check_unit_interval("thr", thr)
    agg_f = _check_unit_interval("agg", agg)
    if thr_f > cap_f:
        raise InvalidParameterError(
            f"`thr` must satisfy 0 < thr <= cap, got {thr!r} > cap = {cap!r}"
        )
    best = math.inf
    for m in range(math.ceil(agg_f / cap_f) + 2):
        rest = 1.0 - min(m * cap_f, agg_f)
        count = m + max(0, math.ceil(rest / thr_f - 1e-9))
        best = min(best, max(count, 1))
    return int(best)


def ucits_compliance(
    w: npt.ArrayLike,
    threshold: float,
    aggregate: float,
    *,
    cap: float | None = None,
) -> UcitsCompliance:
    """Check weights against a 5/10/40-style rule: names above ``threshold`` total ≤ ``aggregate``.

    Parameters
    ----------
    w : array_like of shape (n,)
        Weights as they stand (drifted weights between reviews); finite, not renormalised.
    threshold : float
        A name counts as "above" when ``w_i > threshold + 1e-12`` (legal rule: 0.05).
    aggregate : float
        Most the names above ``threshold`` may total (legal rule: 0.40).
    cap : float, optional
        Single-name limit (legal rule: 0.10). When given, ``ok`` also needs
        ``max_weight <= cap + 1e-12``; when omitted, only the aggregate is checked.

    Returns
    -------
    UcitsCompliance
        A dict with ``max_weight`` (0.0 for no names), ``aggregate_above_threshold``,
        ``count_above_threshold`` and ``ok``.

    Raises
    ------
    InvalidParameterError
        If ``w`` is not 1-D and finite, or a limit is outside ``(0, 1]``.

    Examples
    --------
    >>> report = ucits_compliance([0.09, 0.06, 0.30, 0.55], 0.05, 0.40, cap=0.10)
    >>> report["count_above_threshold"], round(report["aggregate_above_threshold"], 12)
    (4, 1.0)
    >>> report["ok"]
    False
    >>> ucits_compliance([0.1] * 4 + [0.05] * 12, 0.05, 0.40, cap=0.10)["ok"]
    True
    """
    arr = np.array(w, dtype=np.float64)
    if arr.ndim != 1:
        raise InvalidParameterError(f"`w` must be one-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise InvalidParameterError("`w` must be finite (no NaN or infinity)")
    thr = _check_unit_interval("threshold", threshold)
    agg = _check_unit_interval("aggregate", aggregate)
    limit = None if cap is None else _check_unit_interval("cap", cap)
    above = arr > thr + _TOL
    total = float(arr[above].sum())
    max_weight = float(arr.max()) if arr.size else 0.0
    ok = total <= agg + _TOL and (limit is None or max_weight <= limit + _TOL)
    return UcitsCompliance(
        max_weight=max_weight,
        aggregate_above_threshold=total,
        count_above_threshold=int(np.count_nonzero(above)),
        ok=bool(ok),
    )
