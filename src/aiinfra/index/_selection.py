"""Selection with core/keep buffers and a per-category minimum (METHODOLOGY.md §8).

:func:`rank_candidates` and :func:`select` are the rules; :func:`select_candidates` is the review
step that applies them to the candidate frame.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aiinfra.exceptions import InsufficientConstituentsError
from aiinfra.index._calendar import ReviewDates
from aiinfra.index._methodology import Methodology
from aiinfra.index._screens import REASONS

__all__ = ["SelectionResult", "rank_candidates", "select", "select_candidates"]


def rank_candidates(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort eligible names by raw weight ``x`` (desc), then ``Q`` (desc), ``ffmc`` (desc), ``id``.

    ``frame`` needs columns ``id``, ``x``, ``Q``, ``ffmc``; returns it sorted with ``rank`` 1..n.
    """
    ffmc = frame["ffmc"].fillna(-1.0)
    # equal raw weights up to float noise (92.39999999999999 vs 92.4) are ties: spec §1, 1e-12
    x_key = frame["x"].round(9)
    ordered = frame.assign(_ffmc=ffmc, _x=x_key).sort_values(
        ["_x", "Q", "_ffmc", "id"], ascending=[False, False, False, True], kind="mergesort"
    )
    ordered = ordered.drop(columns=["_ffmc", "_x"]).reset_index(drop=True)
    ordered["rank"] = range(1, len(ordered) + 1)
    return ordered


@dataclass(frozen=True)
class SelectionResult:
    selected: list[str]
    reasons: dict[str, str]  # id → core | keep | fill | category_floor


def select(
    ranked: pd.DataFrame,
    existing: set[str],
    *,
    target_n: int,
    core_fraction: float,
    keep_fraction: float,
    min_per_category: int,
    min_n: int,
) -> SelectionResult:
    """Pick ``target_n`` names from ``ranked`` (output of :func:`rank_candidates`).

    1. ranks 1..⌊f_core·N⌋; 2. existing members ranked ≤ ⌈f_keep·N⌉, in rank order; 3. the
    best remaining names; 4. category floor: for a category with ≥ n_min eligible names but
    fewer selected, add its best unselected names, each replacing the lowest-ranked selected
    name of a category holding more than n_min; 5. fewer eligible than N: all of them; fewer
    than ``min_n``: :class:`InsufficientConstituentsError`.

    Examples
    --------
    >>> f = pd.DataFrame({"id": list("XYZWVU"), "x": [6, 5, 4, 3, 2, 1.0], "Q": 1.0,
    ...                   "ffmc": 1.0, "category": "C1"})
    >>> r = select(rank_candidates(f), {"Y", "V", "U"}, target_n=4, core_fraction=0.75,
    ...            keep_fraction=1.25, min_per_category=0, min_n=1)
    >>> sorted(r.selected)
    ['V', 'X', 'Y', 'Z']
    """
    return _select(
        list(ranked["id"]),
        list(ranked["rank"]),
        list(ranked["category"]),
        existing,
        target_n=target_n,
        core_fraction=core_fraction,
        keep_fraction=keep_fraction,
        min_per_category=min_per_category,
        min_n=min_n,
    )


def _select(
    ids: list[str],
    ranks: list[int],
    cats: list[Any],
    existing: set[str],
    *,
    target_n: int,
    core_fraction: float,
    keep_fraction: float,
    min_per_category: int,
    min_n: int,
) -> SelectionResult:
    """:func:`select` on the ids in rank order, their ranks and categories."""
    n_eligible = len(ids)
    if n_eligible < min_n:
        raise InsufficientConstituentsError(
            f"{n_eligible} eligible names, fewer than the minimum of {min_n} (selection.min_n)"
        )
    if n_eligible <= target_n:
        return SelectionResult(ids, dict.fromkeys(ids, "all_eligible"))
    rank = dict(zip(ids, ranks, strict=True))
    cat = dict(zip(ids, cats, strict=True))
    n_core = math.floor(core_fraction * target_n + 1e-9)
    keep_limit = math.ceil(keep_fraction * target_n - 1e-9)
    chosen: dict[str, str] = {i: "core" for i in ids[:n_core]}
    for i in ids[n_core:]:
        if len(chosen) >= target_n:
            break
        if i in existing and rank[i] <= keep_limit:
            chosen[i] = "keep"
    for i in ids:
        if len(chosen) >= target_n:
            break
        if i not in chosen:
            chosen[i] = "fill"
    if min_per_category > 0:
        # the eligible names of each category, in rank order (a missing category has none)
        eligible_by_cat: dict[str, list[str]] = {}
        for i in ids:
            if not pd.isna(cat[i]):
                eligible_by_cat.setdefault(str(cat[i]), []).append(i)
        for c in sorted(eligible_by_cat):
            names = eligible_by_cat[c]
            if len(names) < min_per_category:
                continue
            while sum(cat[i] == c for i in chosen) < min_per_category:
                add = next(i for i in names if i not in chosen)
                counts = Counter(cat[i] for i in chosen)
                donors = [i for i in chosen if counts[cat[i]] > min_per_category and cat[i] != c]
                if not donors:
                    break
                drop = max(donors, key=lambda i: rank[i])
                del chosen[drop]
                chosen[add] = "category_floor"
    selected = sorted(chosen, key=lambda i: rank[i])
    return SelectionResult(selected, {i: chosen[i] for i in selected})


def _rank_order(ids: list[str], x: np.ndarray, q: np.ndarray, ffmc: np.ndarray) -> list[int]:
    """The positions of :func:`rank_candidates`'s order: ``x`` rounded to 9 places, ``Q`` and
    ``ffmc`` (NaN as -1) descending with NaN last, then ``id``."""
    xs = np.round(x, 9).tolist()
    qs = q.tolist()
    fs = np.where(np.isnan(ffmc), -1.0, ffmc).tolist()

    def desc(v: float) -> tuple[bool, float]:
        return (True, 0.0) if math.isnan(v) else (False, -v)

    return sorted(range(len(ids)), key=lambda k: (desc(xs[k]), desc(qs[k]), desc(fs[k]), ids[k]))


def select_candidates(
    cand: pd.DataFrame, existing: set[str], methodology: Methodology, dates: ReviewDates
) -> SelectionResult:
    """The selection step of a review: rank the eligible names and pick the constituents.

    Requires ``eligible`` (screens), ``x`` (raw weights), ``Q``, ``ffmc`` and ``category``.
    Provides ``rank``, ``selected``, ``selection_reason``, ``reason`` ``NOT_SELECTED`` for
    eligible names left out and ``reason_text``, in place; returns the selection (ids in rank
    order).

    Raises
    ------
    InsufficientConstituentsError
        Fewer eligible names than ``selection.min_n``; the message counts every exclusion reason.
    """
    chosen, columns = selection_columns(cand, existing, methodology, dates)
    for col, values in columns.items():
        cand[col] = values
    return chosen


def selection_columns(
    cand: Any, existing: set[str], methodology: Methodology, dates: ReviewDates
) -> tuple[SelectionResult, dict[str, Any]]:
    """:func:`select_candidates` on a frame or a mapping of column arrays: the selection and
    the columns ``rank``, ``selected``, ``selection_reason``, ``reason``, ``reason_text``."""
    reason_dtype = cand["reason"].dtype
    chosen, columns = selection_arrays(cand, existing, methodology, dates, reason_dtype)
    for col, dtype in (("selection_reason", "str"), ("reason", reason_dtype),
                       ("reason_text", "str")):  # fmt: skip
        columns[col] = pd.array(columns[col], dtype=dtype)
    return chosen, columns


def selection_arrays(
    cand: Any, existing: set[str], methodology: Methodology, dates: ReviewDates, reason_dtype: Any
) -> tuple[SelectionResult, dict[str, Any]]:
    """:func:`selection_columns` with ``selection_reason``, ``reason`` and ``reason_text`` as
    arrays of objects (``selection_columns`` makes them ``str``, ``reason_dtype`` and ``str``
    arrays); ``cand``'s string columns may be arrays of objects too, ``reason_dtype`` is the
    dtype of its ``reason``."""
    elig = np.flatnonzero(np.asarray(cand["eligible"], dtype=bool))
    all_ids = cand["id"].tolist()
    e_ids = [all_ids[k] for k in elig]
    order = _rank_order(
        e_ids,
        np.asarray(cand["x"], dtype=float)[elig],
        np.asarray(cand["Q"], dtype=float)[elig],
        np.asarray(cand["ffmc"], dtype=float)[elig],
    )
    ids = [e_ids[k] for k in order]
    cats = cand["category"].tolist()
    sel = methodology.selection
    try:
        chosen = _select(
            ids,
            list(range(1, len(ids) + 1)),
            [cats[elig[k]] for k in order],
            existing,
            target_n=sel.target_n,
            core_fraction=sel.core_fraction,
            keep_fraction=sel.keep_fraction,
            min_per_category=sel.min_per_category,
            min_n=sel.min_n,
        )
    except InsufficientConstituentsError as exc:
        counts = pd.Series(pd.array(np.asarray(cand["reason"], dtype=object),
                                    dtype=reason_dtype)).value_counts()  # fmt: skip
        why = ", ".join(f"{REASONS[str(k)]} {v}" for k, v in counts.items())
        raise InsufficientConstituentsError(
            f"review {dates.review} (cut-off {dates.cutoff.date()}): {exc}. Of {len(all_ids)} "
            f"candidates {len(elig)} are eligible; excluded: {why}. Supply more price files "
            "(or FX rates for non-USD lines with --fx), or use a methodology with a lower "
            "selection.min_n and matching caps (see --methodology)."
        ) from None
    # the columns as ``Series.map`` of the ids would give them (int64 when every name is ranked,
    # float64 with NaN otherwise; strings with NaN)
    n = len(all_ids)
    ranked_at = elig[order]
    rank = np.full(n, np.nan)
    rank[ranked_at] = np.arange(1, len(ids) + 1)
    position = {all_ids[k]: k for k in ranked_at}
    selected = np.zeros(n, dtype=bool)
    how = np.full(n, np.nan, dtype=object)
    for cid, why in chosen.reasons.items():
        selected[position[cid]] = True
        how[position[cid]] = why
    codes = np.array(cand["reason"], dtype=object)
    codes[np.asarray(cand["eligible"], dtype=bool) & ~selected] = "NOT_SELECTED"
    text = np.array([REASONS.get(c, np.nan) if isinstance(c, str) else np.nan for c in codes],
                    dtype=object)  # fmt: skip
    return chosen, {
        "rank": rank.astype(np.int64) if len(ids) == n else rank,
        "selected": selected,
        "selection_reason": how,
        "reason": codes,
        "reason_text": text,
    }
