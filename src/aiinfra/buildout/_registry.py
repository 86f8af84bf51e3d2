"""The registry of build-out series: which ledger metrics and entities make up each series.

A series is data, not code: adding one is adding a :class:`SeriesSpec` to :data:`SERIES`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import pandas as pd

__all__ = [
    "SERIES",
    "Aggregation",
    "MetricRule",
    "SeriesSpec",
    "describe_series",
    "list_series",
    "series_spec",
]

#: ``flow``: an amount per period (capex, shipments) — a quarter is not comparable with a year.
#: ``level``: a stock or run-rate at the period end (ARR, MW installed, wafers per month).
#: ``ratio``: a share or multiple — values are compared directly, growth is not computed.
Aggregation = Literal["flow", "level", "ratio"]


@dataclass(frozen=True)
class MetricRule:
    """One ledger metric (or ``fnmatch`` pattern) taken into a series.

    Attributes
    ----------
    metric : str
        The ledger metric, or a pattern such as ``gpu_shipments_*_mn_units``.
    measure : str or None
        What the point's value measures after the conversion; default: the metric itself.
        Points are compared (conflicts, growth) only within one measure.
    factor : float
        Multiplier applied to ``value``, ``low`` and ``high`` (12 annualises a monthly amount).
    derivation : str or None
        How the value was derived, shown on every point; required when ``factor != 1``.
    """

    metric: str
    measure: str | None = None
    factor: float = 1.0
    derivation: str | None = None

    def __post_init__(self) -> None:
        if self.factor != 1.0 and not self.derivation:
            raise ValueError(f"`derivation` must describe the factor of metric {self.metric!r}")

    def matches(self, metric: str) -> bool:
        return fnmatch.fnmatchcase(metric, self.metric)

    def measure_of(self, metric: str) -> str:
        return self.measure or metric


@dataclass(frozen=True)
class SeriesSpec:
    """A named build-out series.

    Attributes
    ----------
    name : str
        The key (``--metric`` on the command line).
    title : str
        Human label.
    unit : str
        Unit of every value in the series (after conversion).
    aggregation : {"flow", "level", "ratio"}
        How points of different period lengths compare (see :data:`Aggregation`).
    metrics : tuple of MetricRule
        The ledger metrics taken; the first matching rule wins.
    entities : tuple of str
        Entity ids always taken (company ids or ledger groups such as ``big4``).
    layers : tuple of str
        Company layers taken (``companies.csv`` ``layer``). When both ``entities`` and
        ``layers`` are empty, every entity is taken.
    description : str
        What a point of the series means.
    """

    name: str
    title: str
    unit: str
    aggregation: Aggregation
    metrics: tuple[MetricRule, ...]
    description: str
    entities: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()

    def rule_for(self, metric: str) -> MetricRule | None:
        return next((r for r in self.metrics if r.matches(metric)), None)

    def takes_entity(self, entity: str, layer: str | None) -> bool:
        if not self.entities and not self.layers:
            return True
        return entity in self.entities or (layer is not None and layer in self.layers)


_HYPERSCALER_GROUPS = (
    "big4",
    "big4_plus_oracle",
    "top8_csp",
    "hyperscalers_and_neoclouds",
    "global",
)

_SPECS: tuple[SeriesSpec, ...] = (
    SeriesSpec(
        name="model_lab_arr",
        title="Model-lab annualised revenue",
        unit="USD bn, annualised",
        aggregation="level",
        metrics=(
            MetricRule("arr_usd_bn"),
            MetricRule(
                "revenue_monthly_usd_bn",
                measure="arr_usd_bn",
                factor=12.0,
                derivation="revenue_monthly_usd_bn × 12 (a monthly revenue annualised)",
            ),
        ),
        layers=("model_lab",),
        entities=("openai_anthropic_combined",),
        description="Annualised revenue run-rate of the model labs at the period end.",
    ),
    SeriesSpec(
        name="hyperscaler_capex",
        title="Hyperscaler and neocloud capex",
        unit="USD bn",
        aggregation="flow",
        metrics=(MetricRule("capex_usd_bn"), MetricRule("hyperscale_capex_usd_bn")),
        layers=("hyperscaler", "neocloud"),
        entities=_HYPERSCALER_GROUPS,
        description="Capital expenditure in the period (a fiscal year for FY periods), per "
        "company and for the ledger's groups (big4 = MSFT, GOOGL, AMZN, META).",
    ),
    SeriesSpec(
        name="accelerator_shipments",
        title="Accelerator (XPU) shipments",
        unit="mn units",
        aggregation="flow",
        metrics=(MetricRule("xpu_shipments_mn_units"), MetricRule("gpu_shipments_*_mn_units")),
        description="Units shipped in the period: all accelerators (XPU = GPUs, custom ASICs "
        "and other accelerators) or one GPU generation (gpu_shipments_<generation>).",
    ),
    SeriesSpec(
        name="wfe_spend",
        title="Wafer-fab equipment spend",
        unit="USD bn",
        aggregation="flow",
        metrics=(
            MetricRule("wfe_spend_usd_bn"),
            MetricRule("wfe_*_spend_usd_bn"),
            MetricRule("semi_equipment_sales_usd_bn"),
        ),
        description="Spend in the period: wafer-fab equipment in total and by application "
        "(foundry/logic, DRAM, NAND), and total semiconductor-equipment sales (WFE plus test "
        "and assembly) as a separate measure.",
    ),
    SeriesSpec(
        name="cowos_monthly",
        title="CoWoS capacity (wafers per month)",
        unit="k wafers per month",
        aggregation="level",
        metrics=(MetricRule("cowos_wafers_per_month_k"),),
        description="Monthly CoWoS advanced-packaging capacity at the period end.",
    ),
    SeriesSpec(
        name="cowos_annual",
        title="CoWoS wafers (per year)",
        unit="k wafers per year",
        aggregation="flow",
        metrics=(MetricRule("cowos_wafers_per_year_k"),),
        description="CoWoS wafers in the year: supply (global) or allocation (per customer). "
        "Kept apart from the monthly capacity series: a different unit.",
    ),
    SeriesSpec(
        name="transceivers",
        title="Optical transceiver units",
        unit="mn units",
        aggregation="flow",
        metrics=(
            MetricRule("transceivers_800g_mn_units"),
            MetricRule("transceivers_400g_plus_mn_units"),
        ),
        description="Units shipped or demanded in the period: 800G, and 400G-and-faster as a "
        "separate measure.",
    ),
    SeriesSpec(
        name="transceiver_share",
        title="800G-and-faster share of transceivers",
        unit="% of units",
        aggregation="ratio",
        metrics=(MetricRule("transceivers_800g_plus_share_pct"),),
        description="Share of 800G-and-faster units in the period's transceiver shipments.",
    ),
    SeriesSpec(
        name="dc_capacity",
        title="Data-centre capacity",
        unit="MW",
        aggregation="level",
        metrics=(
            MetricRule("dc_capacity_mw"),
            MetricRule("ai_dc_capacity_mw"),
            MetricRule("dc_capacity_contracted_mw"),
        ),
        description="Capacity at the period end: installed or planned (dc_capacity_mw), AI "
        "capacity (ai_dc_capacity_mw) and contracted capacity, each a separate measure. "
        "`planned` sites have no date.",
    ),
    SeriesSpec(
        name="capacity_added",
        title="Capacity added",
        unit="MW added",
        aggregation="flow",
        metrics=(MetricRule("ai_dc_capacity_added_mw"), MetricRule("power_capacity_added_mw")),
        description="Capacity added in the period: AI data-centre capacity, and power-"
        "generation capacity as a separate measure.",
    ),
    SeriesSpec(
        name="inference_power",
        title="Inference power demand",
        unit="MW",
        aggregation="level",
        metrics=(MetricRule("inference_power_mw"),),
        description="Power drawn by inference (XPU capacity of the LLM providers) at the "
        "period end.",
    ),
    SeriesSpec(
        name="stated_multiples",
        title="Growth multiples stated by sources",
        unit="× (end over start of the period)",
        aggregation="ratio",
        metrics=(
            MetricRule("xpu_shipments_growth_x"),
            MetricRule("cowos_wafers_growth_x"),
            MetricRule("arr_growth_x"),
        ),
        description="A source's own multiple over a range (CoWoS wafers 2023-2027 > 10×); "
        "check it against the levels of the other series.",
    ),
)

#: Every series by name, in display order.
SERIES: Mapping[str, SeriesSpec] = MappingProxyType({s.name: s for s in _SPECS})


def list_series() -> list[str]:
    """The series names, in display order.

    >>> list_series()[:2]
    ['model_lab_arr', 'hyperscaler_capex']
    """
    return list(SERIES)


def series_spec(name: str) -> SeriesSpec:
    """The spec of one series.

    Raises
    ------
    InvalidParameterError
        For an unknown name; the message lists the valid names.
    """
    from aiinfra.exceptions import InvalidParameterError

    if name not in SERIES:
        raise InvalidParameterError(
            f"`name` must be a build-out series, one of {', '.join(SERIES)}; got {name!r}"
        )
    return SERIES[name]


def describe_series() -> pd.DataFrame:
    """One row per series: name, title, unit, aggregation, metrics, entities, description."""
    rows = []
    for s in SERIES.values():
        parts = []
        if s.layers:
            parts.append("layers " + ", ".join(s.layers))
        if s.entities:
            parts.append(", ".join(s.entities))
        rows.append(
            {
                "name": s.name,
                "title": s.title,
                "unit": s.unit,
                "aggregation": s.aggregation,
                "metrics": "; ".join(
                    r.metric + (f" (× {r.factor:g})" if r.factor != 1.0 else "") for r in s.metrics
                ),
                "entities": "; ".join(parts) or "all",
                "description": s.description,
            }
        )
    return pd.DataFrame(rows)
