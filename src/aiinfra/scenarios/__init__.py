"""The ROI gap (seed 004): revenue needed to justify the AI capex versus AI revenue earned.

>>> from aiinfra import load_ledger
>>> from aiinfra.scenarios import gap
>>> r = gap(load_ledger(), 2026, as_of="2026-11-01")
>>> r.row()["revenue"]
55.0
"""

from __future__ import annotations

from aiinfra.scenarios._gap import (
    PARAMETERS,
    GapParams,
    GapResult,
    Inputs,
    gap,
    gap_inputs,
    make_params,
    required_revenue,
)
from aiinfra.scenarios._montecarlo import MonteCarlo, monte_carlo

__all__ = [
    "PARAMETERS",
    "GapParams",
    "GapResult",
    "Inputs",
    "MonteCarlo",
    "gap",
    "gap_inputs",
    "make_params",
    "monte_carlo",
    "required_revenue",
]
