"""Scores: the AI-revenue score R from the AI-revenue share a, and the composite S.

:func:`ai_revenue_score` and :func:`composite_score` are the formulas; :func:`score_candidates`
is the review step that applies them (and the category multipliers) to the candidate frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aiinfra.exceptions import InvalidParameterError

if TYPE_CHECKING:
    from aiinfra.index._methodology import Methodology

__all__ = ["ai_revenue_score", "composite_score", "score_candidates"]


def ai_revenue_score(
    share: Sequence[float] | np.ndarray | pd.Series,
    method: str = "buckets",
    buckets: Sequence[tuple[float, float]] = ((0.05, 25), (0.20, 50), (0.50, 75), (0.80, 100)),
    linear_saturation: float = 0.5,
) -> np.ndarray:
    """AI-revenue score R ∈ [0, 100] from the AI-revenue share a ∈ [0, 1].

    Parameters
    ----------
    share : array of shape (n,)
        AI-revenue shares; NaN (unknown) gives R = 0, as METHODOLOGY.md §4 step 7 prescribes.
    method : {"buckets", "linear", "percentile"}
        ``buckets``: the score of the highest bucket whose lower bound ≤ a (bounds inclusive; 0
        below the first). ``linear``: 100 · min(1, a / saturation). ``percentile``: 100 × the
        percentile rank of a among the known shares (ties share their average rank).

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> ai_revenue_score([0.03, 0.05, 0.12, 0.20, 0.30, 0.50, 0.60, 0.80, 0.88]).tolist()
    [0.0, 25.0, 25.0, 50.0, 50.0, 75.0, 75.0, 100.0, 100.0]
    """
    a = np.asarray(share, dtype=float)
    known = ~np.isnan(a)
    if np.any((a[known] < 0) | (a[known] > 1)):
        raise InvalidParameterError("`share` must lie in [0, 1]")
    out = np.zeros_like(a)
    if method == "buckets":
        for bound, score in buckets:
            out[known & (a >= bound)] = score
    elif method == "linear":
        out[known] = 100.0 * np.minimum(1.0, a[known] / linear_saturation)
    elif method == "percentile":
        if known.sum() == 1:
            out[known] = 100.0
        elif known.any():
            ranks = pd.Series(a[known]).rank(method="average").to_numpy()
            out[known] = 100.0 * (ranks - 1) / (known.sum() - 1)
    else:
        raise InvalidParameterError(
            f"`method` must be one of buckets, linear, percentile; got {method!r}"
        )
    return out


def composite_score(
    qualitative: np.ndarray | pd.Series,
    ai_revenue: np.ndarray | pd.Series,
    w_q: float = 0.8,
    w_r: float = 0.2,
) -> np.ndarray:
    """Composite S = w_q·Q + w_r·R (weights must sum to 1).

    Examples
    --------
    >>> composite_score([95.0], [100.0]).tolist()
    [96.0]
    """
    if abs(w_q + w_r - 1) > 1e-12:
        raise InvalidParameterError("composite weights `w_q` + `w_r` must sum to 1")
    return w_q * np.asarray(qualitative, dtype=float) + w_r * np.asarray(ai_revenue, dtype=float)


def score_candidates(cand: pd.DataFrame, methodology: Methodology) -> pd.DataFrame:
    """The scoring step of a review: R, S and the category multiplier m of every candidate.

    Requires ``Q``, ``a`` and ``category`` (universe step); provides ``R`` (NaN where ``Q`` is),
    ``S`` and ``m`` (NaN for an unknown category), in place. Returns ``cand``.
    """
    for col, values in score_columns(cand, methodology).items():
        cand[col] = values
    return cand


def score_columns(cand: Any, methodology: Methodology) -> dict[str, np.ndarray]:
    """:func:`score_candidates` on a frame or a mapping of column arrays: the new columns."""
    ms = methodology.scores
    q = np.asarray(cand["Q"], dtype=float)
    r = ai_revenue_score(
        np.asarray(cand["a"], dtype=float),
        ms.ai_revenue_score.method,
        ms.ai_revenue_score.buckets,
        ms.ai_revenue_score.linear_saturation,
    )
    r[np.isnan(q)] = np.nan
    s = composite_score(q, r, ms.composite_weights.qualitative, ms.composite_weights.ai_revenue)
    mult: dict[object, float] = {}
    m = []
    for c in cand["category"].tolist():
        if c not in mult:
            mult[c] = methodology.multiplier(c) if c in methodology.categories else np.nan
        m.append(mult[c])
    return {"R": r, "S": s, "m": np.array(m, dtype=float)}
