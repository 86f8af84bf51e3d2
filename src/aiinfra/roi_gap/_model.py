"""The ROI gap's model: its parameters (defaults, ranges, sources) and the required revenue.

Shared by the gap itself (:mod:`aiinfra.roi_gap._gap`), the inputs from the ledger
(:mod:`aiinfra.roi_gap._inputs`) and the Monte Carlo (:mod:`aiinfra.roi_gap._montecarlo`), so
that none of them imports another for its definitions. The two methods are described in
:mod:`aiinfra.roi_gap._gap` and docs/gap.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aiinfra.exceptions import InvalidParameterError

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "PARAMETERS",
    "GapParams",
    "Method",
    "Parameter",
    "make_params",
    "required_revenue",
]

FIRST_YEAR, LAST_YEAR = 2023, 2030
Method = Literal["sequoia", "capex"]


@dataclass(frozen=True)
class Parameter:
    """A model parameter: default, the range the sensitivity and Monte Carlo use, its source."""

    name: str
    default: float
    low: float
    high: float
    unit: str
    source: str


#: every numeric parameter, with default, range and source (docs/gap.md explains each)
PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter(
            "gpu_share",
            0.5,
            0.4,
            0.6,
            "share",
            "Cahn 2023/2024: GPUs are about half of a data centre's total cost of ownership",
        ),
        Parameter(
            "gross_margin",
            0.5,
            0.4,
            0.7,
            "share",
            "Cahn 2023/2024: 50 % gross margin for the end user; software margins reach 70 %",
        ),
        Parameter(
            "useful_life",
            5.0,
            3.0,
            6.0,
            "years",
            "Hyperscalers depreciate servers over 5-6 years; critics argue 3 for accelerators",
        ),
        Parameter(
            "required_return",
            0.10,
            0.06,
            0.15,
            "per year",
            "a cost of capital for large tech (WACC about 8-10 %) up to venture-like hurdles",
        ),
        Parameter(
            "ai_share",
            0.75,
            0.6,
            0.9,
            "share",
            "AI share of the big four's total capex where no AI-only figure exists; seed 004's "
            "~$500 bn AI capex against the big four's 2026 guidance of $630-700 bn",
        ),
        Parameter(
            "nvidia_share",
            1.0,
            0.75,
            1.0,
            "share",
            "NVIDIA's share of accelerator spend (spend='nvidia'); 1 is Cahn's choice",
        ),
        Parameter(
            "forecast_uncertainty",
            0.5,
            0.25,
            0.75,
            "± share",
            "band around interpolated revenue between the last reported year and a forecast of "
            "the same definition, only when the ledger has one (else revenue stops there)",
        ),
    )
}


class GapParams(BaseModel):
    """The model's parameters; every value is checked against its documented range's sense."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Method = "sequoia"
    spend: Literal["capex", "nvidia"] = "capex"
    target_year: int = Field(2030, ge=FIRST_YEAR, le=LAST_YEAR)
    gpu_share: float = Field(PARAMETERS["gpu_share"].default, gt=0, le=1)
    #: revenue = cost / (1 − gross_margin): a margin of 1 would need infinite revenue
    gross_margin: float = Field(PARAMETERS["gross_margin"].default, ge=0, lt=1)
    useful_life: float = Field(PARAMETERS["useful_life"].default, gt=0)
    required_return: float = Field(PARAMETERS["required_return"].default, ge=0, le=1)
    ai_share: float = Field(PARAMETERS["ai_share"].default, gt=0, le=1)
    nvidia_share: float = Field(PARAMETERS["nvidia_share"].default, gt=0, le=1)
    forecast_uncertainty: float = Field(PARAMETERS["forecast_uncertainty"].default, ge=0, lt=1)

    @model_validator(mode="after")
    def _finite(self) -> GapParams:
        for name in PARAMETERS:
            if not math.isfinite(getattr(self, name)):
                raise ValueError(f"{name} must be finite")
        return self


def make_params(overrides: Mapping[str, Any] | None = None, **kw: Any) -> GapParams:
    """``GapParams`` from overrides; an unknown name or a bad value names the parameter."""
    data = {**(overrides or {}), **kw}
    try:
        return GapParams(**data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "parameters"
        raise InvalidParameterError(f"gap parameter `{where}`: {err['msg']}") from None


def required_revenue(
    capex: Any,
    spend: Any,
    *,
    method: Method,
    gpu_share: Any,
    gross_margin: Any,
    useful_life: Any,
    required_return: Any,
    nvidia_share: Any = 1.0,
    use_nvidia: bool = False,
) -> Any:
    """Required revenue (vectorised over numpy arrays).

    >>> required_revenue(500.0, None, method="sequoia", gpu_share=0.5, gross_margin=0.5,
    ...                  useful_life=5, required_return=0.1)
    2000.0
    >>> round(required_revenue(500.0, None, method="capex", gpu_share=0.5, gross_margin=0.5,
    ...                        useful_life=5, required_return=0.1), 6)
    300.0
    >>> float(required_revenue(None, 150.0, method="sequoia", gpu_share=0.4, gross_margin=0.6,
    ...                        useful_life=5, required_return=0.1, use_nvidia=True))
    937.5

    The end users' revenue is their cost / (1 − ``gross_margin``): in both methods a higher
    margin needs more revenue (docs/gap.md).
    """
    if method == "sequoia":
        base = (np.asarray(spend) / nvidia_share) if use_nvidia else capex
        return base / gpu_share / (1.0 - gross_margin)
    if method == "capex":
        return capex * (1.0 / useful_life + required_return) / (1.0 - gross_margin)
    raise InvalidParameterError(f"`method` must be sequoia or capex; got {method!r}")
