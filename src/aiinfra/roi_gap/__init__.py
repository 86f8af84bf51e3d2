"""The ROI gap (seed 004): revenue needed to justify the AI capex versus AI revenue earned.

``aiinfra.gap(...)`` is :func:`gap`. The modules: ``_model`` (the parameters and the
required-revenue formula), ``_inputs`` (the yearly inputs from the ledger), ``_gap`` (the gap per
year, the growth needed and the sensitivity), ``_montecarlo`` (the Monte Carlo over the
uncertain inputs) and ``_circularity`` (the circular share behind the figures net of
circularity). See docs/gap.md.

>>> from aiinfra import load_ledger
>>> from aiinfra.roi_gap import gap
>>> r = gap(load_ledger(), 2026, as_of="2026-11-01")
>>> r.row()["revenue"]
55.0
"""

from __future__ import annotations

from aiinfra.roi_gap._circularity import (
    CircularShare,
    circular_share,
    circular_share_draws,
    circularity_by_year,
)
from aiinfra.roi_gap._gap import GapResult, gap
from aiinfra.roi_gap._inputs import Inputs, gap_inputs
from aiinfra.roi_gap._model import PARAMETERS, GapParams, make_params, required_revenue
from aiinfra.roi_gap._montecarlo import MonteCarlo, monte_carlo

__all__ = [
    "PARAMETERS",
    "CircularShare",
    "GapParams",
    "GapResult",
    "Inputs",
    "MonteCarlo",
    "circular_share",
    "circular_share_draws",
    "circularity_by_year",
    "gap",
    "gap_inputs",
    "make_params",
    "monte_carlo",
    "required_revenue",
]
