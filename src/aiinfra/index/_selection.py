"""Selection with core/keep buffers and a per-category minimum (METHODOLOGY.md §8).

:func:`rank_candidates` and :func:`select` are the rules; :func:`select_candidates` is the review
step that applies them to the candidate frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    n_eligible = len(ranked)
    if n_eligible < min_n:
        raise InsufficientConstituentsError(
            f"{n_eligible} eligible names, fewer than the minimum of {min_n} (selection.min_n)"
        )
    ids = list(ranked["id"])
    if n_eligible <= target_n:
        return SelectionResult(ids, dict.fromkeys(ids, "all_eligible"))
    rank = dict(zip(ids, ranked["rank"], strict=True))
    cat = dict(zip(ids, ranked["category"], strict=True))
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
        eligible_by_cat: dict[str, list[str]] = {
            str(k): list(v) for k, v in ranked.groupby("category")["id"]
        }
        for c in sorted(eligible_by_cat):
            names = eligible_by_cat[c]
            if len(names) < min_per_category:
                continue
            while sum(cat[i] == c for i in chosen) < min_per_category:
                add = next(i for i in names if i not in chosen)
                counts = pd.Series([cat[i] for i in chosen]).value_counts()
                donors = [i for i in chosen if counts[cat[i]] > min_per_category and cat[i] != c]
                if not donors:
                    break
                drop = max(donors, key=lambda i: rank[i])
                del chosen[drop]
                chosen[add] = "category_floor"
    selected = sorted(chosen, key=lambda i: rank[i])
    return SelectionResult(selected, {i: chosen[i] for i in selected})


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
    eligible = cand[cand["eligible"]]
    ranked = rank_candidates(eligible)
    sel = methodology.selection
    try:
        chosen = select(
            ranked,
            existing,
            target_n=sel.target_n,
            core_fraction=sel.core_fraction,
            keep_fraction=sel.keep_fraction,
            min_per_category=sel.min_per_category,
            min_n=sel.min_n,
        )
    except InsufficientConstituentsError as exc:
        counts = cand["reason"].value_counts()
        why = ", ".join(f"{REASONS[str(k)]} {v}" for k, v in counts.items())
        raise InsufficientConstituentsError(
            f"review {dates.review} (cut-off {dates.cutoff.date()}): {exc}. Of {len(cand)} "
            f"candidates {len(eligible)} are eligible; excluded: {why}. Supply more price files "
            "(or FX rates for non-USD lines with --fx), or use a methodology with a lower "
            "selection.min_n and matching caps (see --methodology)."
        ) from None
    rank = dict(zip(ranked["id"], ranked["rank"], strict=True))
    cand["rank"] = cand["id"].map(rank)
    cand["selected"] = cand["id"].isin(chosen.selected)
    cand["selection_reason"] = cand["id"].map(chosen.reasons)
    cand.loc[cand["eligible"] & ~cand["selected"], "reason"] = "NOT_SELECTED"
    cand["reason_text"] = cand["reason"].map(REASONS)
    return chosen
