"""The methodology as data: a strict, frozen pydantic model loaded from YAML.

A user file holds only what it changes; it is deep-merged over ``methodologies/default.yaml``
(METHODOLOGY.md §15) by :func:`aiinfra._merge.deep_merge` — nested mappings key by key, the rule
a sweep's overrides and variants follow too — and validated strictly: an unknown key, a wrong
type or an inconsistent setting is an error naming the key.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aiinfra._merge import deep_merge
from aiinfra._yaml import parse_yaml, read_yaml
from aiinfra.exceptions import (
    DataValidationError,
    InvalidParameterError,
    validation_problems,
)

__all__ = ["CATEGORIES", "Methodology", "builtin_methodologies", "load_methodology"]

CATEGORIES = ("C1", "C2", "C3", "C4", "C5", "C6", "C7")
Category = Literal["C1", "C2", "C3", "C4", "C5", "C6", "C7"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndexSpec(_Model):
    name: str = "AIX"
    currency: Literal["USD"] = "USD"
    base_value: float = Field(1000.0, gt=0)
    variants: tuple[Literal["PR", "GTR", "NTR"], ...] = ("PR", "GTR", "NTR")


class CalendarSpec(_Model):
    exchange: str = "XNYS"
    rebalance_months: tuple[int, ...] = (3, 6, 9, 12)
    cutoff: Literal["last_trading_day_prev_month"] = "last_trading_day_prev_month"
    announce: Literal["second_friday"] = "second_friday"
    effective: Literal["third_friday_close"] = "third_friday_close"

    @model_validator(mode="after")
    def _months(self) -> CalendarSpec:
        if not self.rebalance_months or any(m < 1 or m > 12 for m in self.rebalance_months):
            raise ValueError("rebalance_months must be months 1..12")
        if list(self.rebalance_months) != sorted(set(self.rebalance_months)):
            raise ValueError("rebalance_months must be increasing without repeats")
        return self


class UniverseSpec(_Model):
    categories: tuple[Category, ...] | None = None
    exclude: tuple[str, ...] = ()


class NewExisting(_Model):
    new: float = Field(ge=0)
    existing: float = Field(ge=0)


class EligibilitySpec(_Model):
    security_types: tuple[Literal["common", "adr", "gdr", "reit"], ...] = (
        "common",
        "adr",
        "gdr",
        "reit",
    )
    min_history_months: int = Field(3, ge=0)
    min_ffmc_usd: NewExisting = NewExisting(new=1.0e9, existing=0.75e9)
    min_adtv_3m_usd: NewExisting = NewExisting(new=10.0e6, existing=7.0e6)
    min_trading_day_ratio: float = Field(0.90, ge=0, le=1)
    min_free_float: float = Field(0.15, ge=0, le=1)
    min_composite: NewExisting = NewExisting(new=60, existing=50)
    #: exchange calendars of eligible listings (spec §4.2: developed markets, Taiwan, Korea, Israel)
    exchanges: tuple[str, ...] = (
        "XNYS", "XKRX", "XTAI", "XTKS", "XAMS", "XPAR", "XETR", "XHEL", "XHKG", "XTSE", "XOSL",
        "XLON", "XSWX", "XTAE",
    )  # fmt: skip


class CompositeWeights(_Model):
    qualitative: float = Field(0.8, ge=0, le=1)
    ai_revenue: float = Field(0.2, ge=0, le=1)

    @model_validator(mode="after")
    def _sum(self) -> CompositeWeights:
        if abs(self.qualitative + self.ai_revenue - 1.0) > 1e-12:
            raise ValueError("composite_weights must sum to 1")
        return self


class AiRevenueScoreSpec(_Model):
    method: Literal["buckets", "linear", "percentile"] = "buckets"
    buckets: tuple[tuple[float, float], ...] = ((0.05, 25), (0.20, 50), (0.50, 75), (0.80, 100))
    linear_saturation: float = Field(0.5, gt=0, le=1)

    @model_validator(mode="after")
    def _increasing(self) -> AiRevenueScoreSpec:
        bounds = [b for b, _ in self.buckets]
        if bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
            raise ValueError("buckets must have strictly increasing lower bounds")
        if any(not 0 <= b <= 1 for b in bounds) or any(not 0 <= s <= 100 for _, s in self.buckets):
            raise ValueError("bucket bounds must lie in [0, 1] and scores in [0, 100]")
        return self


class ScoresSpec(_Model):
    composite_weights: CompositeWeights = CompositeWeights()
    ai_revenue_score: AiRevenueScoreSpec = AiRevenueScoreSpec()
    #: spec §6: a constituent without a new vintage keeps its last one for this many reviews;
    #: a non-constituent needs a vintage newer than the previous review (null: no limit)
    max_vintage_age_reviews: int | None = Field(1, ge=0)


class CategorySpec(_Model):
    name: str
    m: float = Field(gt=0)


class SelectionSpec(_Model):
    target_n: int = Field(50, ge=1)
    core_fraction: float = Field(0.8, ge=0, le=1)
    keep_fraction: float = Field(1.2, ge=1)
    min_per_category: int = Field(2, ge=0)
    min_n: int = Field(20, ge=1)


class UcitsSpec(_Model):
    threshold: float = Field(gt=0, le=1)
    aggregate: float = Field(gt=0, le=1)


class LiquidityCapSpec(_Model):
    aum_ref_usd: float = Field(gt=0)
    kappa: float = Field(gt=0)


class TierSpec(_Model):
    name: str
    categories: tuple[Category, ...]
    weight: float = Field(gt=0, le=1)


class WeightingSpec(_Model):
    scheme: Literal["score", "equal", "tiered_equal", "market_cap"] = "score"
    mcap_tilt_beta: float = 0.0
    single_cap: float = Field(0.08, gt=0, le=1)
    ucits: UcitsSpec | None = UcitsSpec(threshold=0.045, aggregate=0.35)
    floor: float | None = Field(None, ge=0, lt=1)
    liquidity_cap: LiquidityCapSpec | None = None
    breach_action: Literal["report", "extraordinary_rebalance"] = "report"
    tiers: tuple[TierSpec, ...] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> WeightingSpec:
        if self.ucits is not None and not self.ucits.threshold <= self.single_cap:
            raise ValueError("ucits.threshold must be ≤ single_cap")
        if self.scheme == "tiered_equal":
            if not self.tiers:
                raise ValueError("scheme tiered_equal needs tiers")
            if abs(sum(t.weight for t in self.tiers) - 1.0) > 1e-12:
                raise ValueError("tier weights must sum to 1")
            cats = [c for t in self.tiers for c in t.categories]
            if len(cats) != len(set(cats)):
                raise ValueError("a category may belong to one tier only")
        elif self.tiers is not None:
            raise ValueError("tiers are only used with scheme tiered_equal")
        return self


class WithholdingSpec(_Model):
    default: float = Field(0.15, ge=0, le=1)
    by_country: dict[str, float] = Field(default_factory=dict)

    def rate(self, country: str) -> float:
        return self.by_country.get(country, self.default)


class CorporateActionsSpec(_Model):
    spin_off: Literal["zero_price_remove_after_first_day"] = "zero_price_remove_after_first_day"
    delist_after_stale_days: int = Field(20, ge=1)


class Methodology(_Model):
    """A complete index methodology (see ``methodologies/default.yaml`` for every key)."""

    index: IndexSpec = IndexSpec()
    calendar: CalendarSpec = CalendarSpec()
    universe: UniverseSpec = UniverseSpec()
    eligibility: EligibilitySpec = EligibilitySpec()
    scores: ScoresSpec = ScoresSpec()
    categories: dict[Category, CategorySpec]
    selection: SelectionSpec = SelectionSpec()
    weighting: WeightingSpec = WeightingSpec()
    withholding_tax: WithholdingSpec = WithholdingSpec()
    corporate_actions: CorporateActionsSpec = CorporateActionsSpec()
    pit_mode: Literal["vintage_or_systematic", "vintage", "systematic", "static_scores"] = (
        "vintage_or_systematic"
    )

    @model_validator(mode="after")
    def _categories(self) -> Methodology:
        if set(self.categories) != set(CATEGORIES):
            raise ValueError("categories must define all of C1..C7")
        return self

    def multiplier(self, category: str) -> float:
        return self.categories[category].m  # type: ignore[index]

    def config_hash(self) -> str:
        """SHA-256 of the canonical JSON of the methodology (identifies a configuration)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def _default_dict() -> dict[str, Any]:
    text = (resources.files("aiinfra.index") / "methodologies" / "default.yaml").read_text("utf-8")
    return parse_yaml(text, "methodologies/default.yaml", what="methodology")


def builtin_methodologies() -> dict[str, Path]:
    """Methodology files shipped with the package (name → path)."""
    folder = Path(str(resources.files("aiinfra.index") / "methodologies"))
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def load_methodology(source: str | os.PathLike[str] | dict[str, Any] | None = None) -> Methodology:
    """Load a methodology: defaults, overlaid by a YAML file, a built-in name, or a dict.

    Parameters
    ----------
    source : path, str or dict, optional
        A YAML file, the name of a built-in (``default``, ``cta_style_tiers``, ``equal_weight``,
        ``semis_20cap``), or a dict of overrides. None gives the defaults. Overrides are merged
        over the defaults key by key at every depth (``withholding_tax: {by_country: {KR:
        0.15}}`` keeps the other countries' rates); a scalar, a list or ``null`` replaces the
        default whole.

    Raises
    ------
    DataValidationError
        Every problem, each naming the key path (``weighting.single_cap``) and the rule.
    """
    label = "<dict>"
    if source is None:
        over: dict[str, Any] = {}
    elif isinstance(source, dict):
        over = source
    else:
        builtins = builtin_methodologies()
        path = builtins.get(str(source)) or Path(source)
        label = str(path)
        if not path.is_file():
            raise InvalidParameterError(
                f"`methodology` file not found: {str(path)!r} (built-ins: {', '.join(builtins)})"
            )
        over = read_yaml(path, what="methodology", label=label)
    try:
        return Methodology.model_validate(deep_merge(_default_dict(), over))
    except ValidationError as exc:
        unknown = "unknown key (check the spelling; see methodologies/default.yaml)"
        raise DataValidationError(validation_problems(exc, label, unknown), "methodology") from None
