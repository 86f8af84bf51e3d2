"""The point-in-time backtest against today's scores, and the systematic scores against the house
view: the rows the report's index section and the dashboard's index page both show (issue 14).

Numbers only (formatting and layout are each view's own); the words are in
:mod:`aiinfra.charts._labels`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from aiinfra.charts._labels import LABELS, label
from aiinfra.config import Lang

__all__ = [
    "COMPARED",
    "house_rows",
    "look_ahead_rows",
    "reviews_by_source",
    "score_source_name",
    "score_source_text",
]

#: the figures of the GTR variant compared between the two backtests, in their order
COMPARED: tuple[str, ...] = (
    "total_return",
    "annual_return",
    "annual_volatility",
    "sharpe_ratio",
    "max_drawdown",
)
#: score sources in the order they are named (``BacktestSummary.score_sources`` values)
_SOURCES = ("house", "systematic", "static")


def score_source_name(source: str, lang: Lang) -> str:
    """``house`` / ``systematic`` / ``static`` in words (an unknown source as it is)."""
    key = f"score_source_{source}"
    return label(key, lang) if key in LABELS else source


def _ordered(sources: dict[str, Any]) -> list[str]:
    return sorted(sources, key=lambda s: (_SOURCES.index(s) if s in _SOURCES else 99, s))


def reviews_by_source(stats: Any) -> dict[str, list[str]]:
    """Per score source, the reviews (``YYYY-MM``) that used it, in date order."""
    out: dict[str, list[str]] = {}
    for review, source in sorted(stats.score_sources.items()):
        out.setdefault(str(source), []).append(str(review))
    return {s: out[s] for s in _ordered(out)}


def score_source_text(stats: Any, lang: Lang) -> str:
    """``Scores per review: systematic 26 reviews, house view 3 reviews.`` (plain text)."""
    counts = stats.score_source_counts
    parts = []
    for s in _ordered(counts):
        n = counts[s]
        many = label("n_reviews" if n != 1 else "one_review", lang).format(n=n)
        parts.append(f"{score_source_name(s, lang)} {many}")
    return label("score_sources_line", lang).format(counts=", ".join(parts) or "–")


def look_ahead_rows(view: Any) -> list[tuple[str, dict[str, float]]]:
    """``[("pit", …), ("static", …), ("premium", …)]``: the GTR figures (:data:`COMPARED`) of the
    point-in-time backtest, of the same rules on today's scores, and static − point-in-time
    (total and annual return as :meth:`IndexView.look_ahead_premium`). Empty without a
    comparison."""
    premium_ret = view.look_ahead_premium()
    if premium_ret is None:
        return []
    pit, static = view.backtest.stats.gtr, view.comparison.stats.gtr
    a = {k: float(getattr(pit, k)) for k in COMPARED}
    b = {k: float(getattr(static, k)) for k in COMPARED}
    premium = {k: b[k] - a[k] for k in COMPARED} | {k: float(v) for k, v in premium_ret.items()}
    return [("pit", a), ("static", b), ("premium", premium)]


def house_rows(comparison: Any, n: int = 10) -> pd.DataFrame:
    """The ``n`` companies whose systematic Q differs most from the house view's: ``name``,
    ``category``, ``Q_systematic``, ``Q_house``, ``difference`` (ledger text: escape it)."""
    cols = ["name", "category", "Q_systematic", "Q_house", "difference"]
    top: pd.DataFrame = comparison.table[cols].head(n).reset_index(drop=True)
    return top
