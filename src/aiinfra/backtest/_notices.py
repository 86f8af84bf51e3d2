"""What a reader is told about how an index was formed, as numbers an analyst can quote: the
dashboard's index page and the report's page one word the same parts in their own labels
(``aiinfra.web._i18n`` and ``aiinfra.charts``; the web layer reaches it through
``aiinfra.services.notices``), with the engine's message one click away.

>>> from types import SimpleNamespace as NS
>>> index_notice_parts(NS(relaxation=None, error=None, backtest_error=None, review=None))
[]
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["BACKTEST_START", "CANNOT_PRICE", "candidate_counts", "index_notice_parts"]

#: the first date of the backtests the report, the dashboard and the CLI run by default
BACKTEST_START = "2019-01-01"

#: universe reasons of a candidate whose listing lines have no usable price series (no file for
#: any line, or only non-USD lines without FX rates): it "has no prices" for the reader
CANNOT_PRICE = ("NO_PRICES", "NO_FX")
#: universe reasons decided before the prices are looked at: such a candidate is not counted
#: among those asked for prices
_BEFORE_PRICES = ("NO_SCORE", "EXCLUDED_CATEGORY", "EXCLUDED_BY_CONFIG", "SCORE_STALE")
_OF_CANDIDATES = re.compile(r"Of (\d+) candidates (\d+) are eligible")
_MINIMUM = re.compile(r"fewer than the minimum of (\d+)")


def candidate_counts(review: Any) -> dict[str, int]:
    """How the review's universe thins out: ``universe`` (every company the ledger lists),
    ``candidates`` (those the rules consider: scored, in a category switched on, not excluded;
    their prices were looked up), ``priced`` (of those, the ones with a price series on a
    listing line), ``eligible`` (passing every screen) and ``selected`` (the constituents)."""
    cand = review.candidates
    reason = cand["reason"].astype(object)
    asked = ~reason.isin(_BEFORE_PRICES)
    priced = asked & ~reason.isin(CANNOT_PRICE)
    return {
        "universe": len(cand),
        "candidates": int(asked.sum()),
        "priced": int(priced.sum()),
        "eligible": int(cand["eligible"].astype(bool).sum()),
        "selected": len(review.weights),
    }


def index_notice_parts(view: Any, start: str | None = None) -> list[dict[str, Any]]:
    """The notices about an :class:`~aiinfra.backtest.IndexView`, each a dict with ``key`` (what
    happened), ``numbers`` (what the sentence quotes) and ``detail`` (the engine's message).

    Keys and their numbers:

    ``relaxed``
        The requested rules could not form the index; relaxed ones did. ``universe``,
        ``candidates``, ``priced``, ``eligible``, ``selected`` (:func:`candidate_counts`),
        ``cap`` and ``cap_rule`` (single-name cap applied and asked for, fractions), ``min_n`` and
        ``min_n_rule`` (minimum count applied and asked for), ``ucits_dropped`` (bool) and
        ``changes``: what was relaxed, in order, a subset of ``["cap", "min_n", "ucits"]``.
    ``no_index``
        No index even with relaxed rules. ``candidates`` and ``eligible`` and ``min_n`` when the
        engine's message states them (it does for too few eligible names), else no numbers.
    ``bt_left_out``
        The review formed but its backtest could not run. ``start`` (the backtest's first
        date as asked: ``start``, default :data:`BACKTEST_START`) and
        ``review`` (the review shown instead, e.g. ``2026-12``).
    """
    out: list[dict[str, Any]] = []
    rel = getattr(view, "relaxation", None)
    if rel is not None and view.review is not None:
        asked, applied = view.requested, view.methodology
        numbers: dict[str, Any] = candidate_counts(view.review)
        numbers.update(
            cap=float(applied.weighting.single_cap),
            cap_rule=float(asked.weighting.single_cap),
            min_n=int(applied.selection.min_n),
            min_n_rule=int(asked.selection.min_n),
            ucits_dropped=bool(rel.dropped_ucits),
        )
        changes = []
        if numbers["cap"] != numbers["cap_rule"]:
            changes.append("cap")
        if numbers["min_n"] != numbers["min_n_rule"]:
            changes.append("min_n")
        if rel.dropped_ucits:
            changes.append("ucits")
        numbers["changes"] = changes
        out.append({"key": "relaxed", "numbers": numbers, "detail": str(rel.reason)})
    err = getattr(view, "error", None)
    if err is not None:
        text = str(err)
        found, minimum = _OF_CANDIDATES.search(text), _MINIMUM.search(text)
        numbers = {}
        if found and minimum:
            numbers = {
                "candidates": int(found.group(1)),
                "eligible": int(found.group(2)),
                "min_n": int(minimum.group(1)),
            }
        out.append({"key": "no_index", "numbers": numbers, "detail": text})
    bt_err = getattr(view, "backtest_error", None)
    if bt_err is not None and view.review is not None:
        numbers = {"start": start or BACKTEST_START, "review": str(view.review.dates.review)}
        out.append({"key": "bt_left_out", "numbers": numbers, "detail": str(bt_err)})
    return out
