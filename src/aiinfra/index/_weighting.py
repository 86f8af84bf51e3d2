"""The weighting steps of a review (METHODOLOGY.md §9): raw weights, capped target weights, and
the compliance summary of the result. The capping arithmetic itself is in ``_capping``."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from aiinfra.index._capping import cap_weights, ucits_compliance
from aiinfra.index._methodology import Methodology, WeightingSpec

__all__ = ["house_view_weights", "raw_weights", "target_weights", "weight_compliance"]


def raw_weights(cand: pd.DataFrame, methodology: Methodology) -> pd.DataFrame:
    """The raw weight ``x`` of every candidate: the selection's ranking key and, for the
    ``score`` and ``market_cap`` schemes, the weights before capping.

    Requires ``S``, ``m`` (scoring step) and ``ffmc`` (universe step); provides ``x`` in place
    (``score``: S·m·ffmc^β; ``market_cap``: ffmc; other schemes: S·m). Returns ``cand``.
    """
    cand["x"] = raw_weight_column(cand, methodology)
    return cand


def raw_weight_column(cand: Any, methodology: Methodology) -> np.ndarray:
    """:func:`raw_weights` on a frame or a mapping of column arrays: the ``x`` column."""
    w_spec = methodology.weighting
    if w_spec.scheme == "market_cap":
        return np.array(cand["ffmc"], dtype=float)
    sm: np.ndarray = np.asarray(cand["S"], dtype=float) * np.asarray(cand["m"], dtype=float)
    if w_spec.scheme == "score" and w_spec.mcap_tilt_beta:
        out: np.ndarray = sm * np.power(
            np.asarray(cand["ffmc"], dtype=float), w_spec.mcap_tilt_beta
        )
        return out
    if w_spec.scheme == "score":
        return sm * 1.0
    return sm  # ranking key; weights are set per scheme below


def target_weights(
    cand: pd.DataFrame, selected: list[str], methodology: Methodology
) -> tuple[dict[str, np.ndarray], pd.Series]:
    """Capped target weights of the selected names.

    Requires ``x``, ``category``, ``adtv``, ``ticker`` and ``currency`` of the candidates and
    the selected ids in rank order (selection step). Provides those columns of the selected
    names (arrays in that order) and their weights (indexed by id, summing to 1), and the
    ``weight`` column of ``cand`` (0 for the others), in place.

    Raises
    ------
    InfeasibleCappingError
        The caps cannot all hold.
    """
    picked, weights, column = weight_columns(cand, selected, methodology)
    cand["weight"] = column
    return picked, weights


def weight_columns(
    cand: Any, selected: list[str], methodology: Methodology, *, id_dtype: Any = None
) -> tuple[dict[str, np.ndarray], pd.Series, np.ndarray]:
    """:func:`target_weights` on a frame or a mapping of column arrays: the selected names'
    columns, their weights and the ``weight`` column. ``id_dtype``: the dtype of the weights'
    index when ``cand["id"]`` is an array of objects standing for a column of that dtype
    (default: its own)."""
    w_spec = methodology.weighting
    ids = cand["id"]
    position = {cid: k for k, cid in enumerate(ids.tolist())}
    at = np.array([position[cid] for cid in selected], dtype=np.intp)
    picked = {
        col: np.asarray(cand[col], dtype=float if col in ("x", "adtv") else object)[at]
        for col in ("x", "category", "adtv", "ticker", "currency")
    }
    w = cap_weights(
        _uncapped(picked, w_spec),
        cap=w_spec.single_cap,
        ucits_threshold=w_spec.ucits.threshold if w_spec.ucits else None,
        ucits_aggregate=w_spec.ucits.aggregate if w_spec.ucits else None,
        floor=w_spec.floor,
        liquidity_cap=_liquidity_caps(picked, w_spec),
        ids=list(selected),
    )
    dtype = ids.dtype if id_dtype is None else id_dtype
    weights = pd.Series(w, index=pd.Index(selected, dtype=dtype, name="id"), name="weight")
    full = np.zeros(len(position))
    full[at] = w
    return picked, weights, full


def _uncapped(picked: dict[str, np.ndarray], w_spec: WeightingSpec) -> np.ndarray:
    """The weights of the scheme before capping (summing to 1)."""
    n = len(picked["x"])
    if w_spec.scheme == "equal":
        return np.full(n, 1.0 / n)
    if w_spec.scheme == "tiered_equal":
        assert w_spec.tiers is not None
        u = np.zeros(n)
        cats = pd.Series(picked["category"])
        live = [t for t in w_spec.tiers if cats.isin(t.categories).any()]
        total = sum(t.weight for t in live)
        for t in live:
            members = cats.isin(t.categories).to_numpy()
            u[members] = t.weight / total / members.sum()
        return u
    x = picked["x"]
    out: np.ndarray = x / x.sum()
    return out


def _liquidity_caps(picked: dict[str, np.ndarray], w_spec: WeightingSpec) -> np.ndarray | None:
    """Per-name caps κ·ADTV/AUM_ref (METHODOLOGY.md §9.4), or None without a liquidity cap."""
    if w_spec.liquidity_cap is None:
        return None
    lc = w_spec.liquidity_cap
    out: np.ndarray = lc.kappa * picked["adtv"] / lc.aum_ref_usd
    return out


def weight_compliance(
    weights: pd.Series, picked: Mapping[str, Any], methodology: Methodology
) -> dict[str, Any]:
    """Count, largest weight, sum, the UCITS check (when the methodology has the rule) and the
    weight per category of the target weights (``picked["category"]``: the category of each,
    in the order of ``weights``)."""
    w_spec = methodology.weighting
    w = weights.to_numpy(float)
    plain = len(w) > 0 and not np.isnan(w).any()  # then Series.max and .sum are numpy's
    compliance: dict[str, Any] = {
        "count": len(weights),
        "max_weight": float(np.max(w)) if plain else float(weights.max()),
        "sum": float(np.sum(w)) if plain else float(weights.sum()),
    }
    if w_spec.ucits:
        compliance.update(
            ucits_compliance(
                w, w_spec.ucits.threshold, w_spec.ucits.aggregate, cap=w_spec.single_cap
            )
        )
    compliance["category_weights"] = _category_sums(w, np.asarray(picked["category"], dtype=object))
    return compliance


def _category_sums(w: np.ndarray, cats: np.ndarray) -> dict[str, float]:
    """``pd.Series(w).groupby(cats).sum()`` as a dict, to the last bit, without the groupby's
    cost (a review's few dozen names): the categories sorted, NA ones left out; the sum of each
    as pandas takes it: ``np.add.reduceat`` over the runs when the categories come sorted (and
    no weight is NaN), else the Kahan-compensated sum in row order that skips NaN (pandas'
    ``group_sum``)."""
    known = [c for c in cats.tolist() if not pd.isna(c)]
    order = sorted(set(known))
    if not order:
        return {}
    code = {c: k for k, c in enumerate(order)}
    codes = [-1 if pd.isna(c) else code[c] for c in cats.tolist()]
    nan = bool(np.isnan(w).any())
    if not nan and all(a <= b for a, b in itertools.pairwise(codes)):
        na = codes.count(-1)
        rest = codes[na:]
        starts = [i for i in range(len(rest)) if i == 0 or rest[i] != rest[i - 1]]
        runs = np.add.reduceat(w[na:], starts)
        return {str(order[rest[i]]): float(v) for i, v in zip(starts, runs, strict=True)}
    sums = [0.0] * len(order)
    comp = [0.0] * len(order)
    for v, k in zip(w.tolist(), codes, strict=True):
        if k < 0 or v != v:
            continue
        y = v - comp[k]
        t = sums[k] + y
        c = t - sums[k] - y
        comp[k] = 0.0 if c != c else c  # an infinite weight: no NaN sum (pandas GH#53606)
        sums[k] = t
    return {str(c): float(s) for c, s in zip(order, sums, strict=True)}


def house_view_weights(ledger: Any, methodology: Methodology, as_of: object) -> pd.Series:
    """Index weights from the scores alone, for when no prices are at hand: the composite score
    × category multiplier of the ``target_n`` best-scored companies (scores known on ``as_of``,
    else today's), capped by the methodology's single cap and UCITS rule. No price screen,
    liquidity cap or floor applies: a label must say so wherever these weights are used.

    Examples
    --------
    >>> from aiinfra.ledger import load_ledger
    >>> from aiinfra.index import load_methodology
    >>> w = house_view_weights(load_ledger(), load_methodology(), "2026-11-30")
    >>> round(float(w.sum()), 12), bool(w.max() <= 0.08 + 1e-12)
    (1.0, True)
    """
    from aiinfra.index._scoring import ai_revenue_score, composite_score

    sc = ledger.latest_scores(as_of, static=True)
    s = composite_score(sc["qualitative"], ai_revenue_score(sc["ai_revenue_share"]))
    x = pd.Series(
        np.asarray(s, dtype=float) * np.array([methodology.multiplier(c) for c in sc["category"]]),
        index=sc.index,
    ).nlargest(methodology.selection.target_n)
    w_spec = methodology.weighting
    w = cap_weights(
        (x / x.sum()).to_numpy(),
        cap=w_spec.single_cap,
        ucits_threshold=w_spec.ucits.threshold if w_spec.ucits else None,
        ucits_aggregate=w_spec.ucits.aggregate if w_spec.ucits else None,
        ids=list(x.index),
    )
    return pd.Series(w, index=x.index, name="weight")
