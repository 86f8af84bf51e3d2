"""The rules-based AI-infrastructure index engine (METHODOLOGY.md).

>>> from aiinfra.index import load_methodology
>>> load_methodology().weighting.single_cap
0.08
"""

from __future__ import annotations

from aiinfra.index._cache import Deferred, LazyField, ReviewCache, memo, review_cache
from aiinfra.index._calendar import (
    ReviewDates,
    latest_review,
    review_dates,
    review_schedule,
    trading_days,
)
from aiinfra.index._capping import cap_weights, feasible_minimum_count, ucits_compliance, waterfill
from aiinfra.index._levels import (
    CorporateAction,
    LevelResult,
    Rebalance,
    compute_levels,
    dividends_from_adjusted,
)
from aiinfra.index._methodology import Methodology, builtin_methodologies, load_methodology
from aiinfra.index._registry import (
    build_review_pack,
    build_vintage_pack,
    find_pack,
    publish,
    registry_packs,
    verify_registry,
)
from aiinfra.index._review import NOT_PIT_LABEL, ReviewResult, run_review, systematic_scores
from aiinfra.index._scoring import ai_revenue_score, composite_score
from aiinfra.index._screens import REASONS, SCREENS, Screen
from aiinfra.index._selection import rank_candidates, select
from aiinfra.index._systematic import (
    COMPONENT_RULES,
    Q_SCALE,
    RUBRIC_DESIGNED,
    SYSTEMATIC_COMPONENTS,
)
from aiinfra.index._universe import PriceGetter, currency_of
from aiinfra.index._weighting import house_view_weights

__all__ = [
    "COMPONENT_RULES",
    "NOT_PIT_LABEL",
    "Q_SCALE",
    "REASONS",
    "RUBRIC_DESIGNED",
    "SCREENS",
    "SYSTEMATIC_COMPONENTS",
    "CorporateAction",
    "Deferred",
    "LazyField",
    "LevelResult",
    "Methodology",
    "PriceGetter",
    "Rebalance",
    "ReviewCache",
    "ReviewDates",
    "ReviewResult",
    "Screen",
    "ai_revenue_score",
    "build_review_pack",
    "build_vintage_pack",
    "builtin_methodologies",
    "cap_weights",
    "composite_score",
    "compute_levels",
    "currency_of",
    "dividends_from_adjusted",
    "feasible_minimum_count",
    "find_pack",
    "house_view_weights",
    "latest_review",
    "load_methodology",
    "memo",
    "publish",
    "rank_candidates",
    "registry_packs",
    "review_cache",
    "review_dates",
    "review_schedule",
    "run_review",
    "select",
    "systematic_scores",
    "trading_days",
    "ucits_compliance",
    "verify_registry",
    "waterfill",
]
