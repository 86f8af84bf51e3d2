"""The weighting steps of a review (METHODOLOGY.md §9): raw weights, capped target weights, and
the compliance summary of the result. The capping arithmetic itself is in ``_capping``."""

from __future__ import annotations

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
    w_spec = methodology.weighting
    if w_spec.scheme == "score":
        tilt = (
            np.power(cand["ffmc"].to_numpy(float), w_spec.mcap_tilt_beta)
            if w_spec.mcap_tilt_beta
            else 1.0
        )
        cand["x"] = cand["S"] * cand["m"] * tilt
    elif w_spec.scheme == "market_cap":
        cand["x"] = cand["ffmc"]
    else:
        cand["x"] = cand["S"] * cand["m"]  # ranking key; weights are set per scheme below
    return cand


def target_weights(
    cand: pd.DataFrame, selected: list[str], methodology: Methodology
) -> tuple[pd.DataFrame, pd.Series]:
    """Capped target weights of the selected names.

    Requires ``x``, ``category`` and ``adtv`` of the candidates and the selected ids in rank
    order (selection step). Provides the selected rows (indexed by id, in that order) and their
    weights (summing to 1), and the ``weight`` column of ``cand`` (0 for the others), in place.

    Raises
    ------
    InfeasibleCappingError
        The caps cannot all hold.
    """
    w_spec = methodology.weighting
    picked = cand.set_index("id").loc[selected]
    w = cap_weights(
        _uncapped(picked, w_spec),
        cap=w_spec.single_cap,
        ucits_threshold=w_spec.ucits.threshold if w_spec.ucits else None,
        ucits_aggregate=w_spec.ucits.aggregate if w_spec.ucits else None,
        floor=w_spec.floor,
        liquidity_cap=_liquidity_caps(picked, w_spec),
        ids=list(picked.index),
    )
    weights = pd.Series(w, index=picked.index, name="weight")
    cand["weight"] = cand["id"].map(weights).fillna(0.0)
    return picked, weights


def _uncapped(picked: pd.DataFrame, w_spec: WeightingSpec) -> np.ndarray:
    """The weights of the scheme before capping (summing to 1)."""
    if w_spec.scheme == "equal":
        return np.full(len(picked), 1.0 / len(picked))
    if w_spec.scheme == "tiered_equal":
        assert w_spec.tiers is not None
        u = np.zeros(len(picked))
        live = [t for t in w_spec.tiers if picked["category"].isin(t.categories).any()]
        total = sum(t.weight for t in live)
        for t in live:
            members = picked["category"].isin(t.categories).to_numpy()
            u[members] = t.weight / total / members.sum()
        return u
    x = picked["x"].to_numpy(float)
    out: np.ndarray = x / x.sum()
    return out


def _liquidity_caps(picked: pd.DataFrame, w_spec: WeightingSpec) -> np.ndarray | None:
    """Per-name caps κ·ADTV/AUM_ref (METHODOLOGY.md §9.4), or None without a liquidity cap."""
    if w_spec.liquidity_cap is None:
        return None
    lc = w_spec.liquidity_cap
    out: np.ndarray = lc.kappa * picked["adtv"].to_numpy(float) / lc.aum_ref_usd
    return out


def weight_compliance(
    weights: pd.Series, picked: pd.DataFrame, methodology: Methodology
) -> dict[str, Any]:
    """Count, largest weight, sum, the UCITS check (when the methodology has the rule) and the
    weight per category of the target weights."""
    w_spec = methodology.weighting
    compliance: dict[str, Any] = {
        "count": len(weights),
        "max_weight": float(weights.max()),
        "sum": float(weights.sum()),
    }
    if w_spec.ucits:
        compliance.update(
            ucits_compliance(
                weights.to_numpy(float),
                w_spec.ucits.threshold,
                w_spec.ucits.aggregate,
                cap=w_spec.single_cap,
            )
        )
    compliance["category_weights"] = {
        str(k): float(v) for k, v in weights.groupby(picked["category"]).sum().items()
    }
    return compliance


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
