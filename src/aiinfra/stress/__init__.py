"""Stress tests on the money-flow graph: if the money stops, who loses what.

``aiinfra.stress`` is both this package and the function of the public API: the module object is
callable and forwards to :func:`stress`, so ``aiinfra.stress(ledger, scenario, ...)`` works
whether Python resolves the name to the package or to the function (see ``aiinfra._callable``).

The modules: ``_scenario`` (scenarios as data, the built-ins in ``scenarios/*.yaml``),
``_propagation`` (DebtRank-style propagation on any flow graph), ``_horizons`` (the
Monte Carlo over the terms of deals that state none), ``_clearing`` (Eisenberg–Noe
clearing) and ``_ledger_stress`` (a scenario on the ledger, to companies, tickers and the index).
See docs/stress.md.

>>> import aiinfra
>>> r = aiinfra.stress(aiinfra.load_ledger(), "lab_default", as_of="2026-11-01")
>>> r.rounds > 0
True
"""

from __future__ import annotations

from aiinfra._callable import make_callable
from aiinfra.stress._clearing import (
    CLEARING_COLUMNS,
    Clearing,
    clearing_from_graph,
    clearing_vector,
)
from aiinfra.stress._horizons import (
    HorizonMonteCarlo,
    TermDistribution,
    horizon_monte_carlo,
    term_distribution,
)
from aiinfra.stress._ledger_stress import StressResult, stress, stress_date
from aiinfra.stress._propagation import STRESS_COLUMNS, Propagation, StressedCompany, propagate
from aiinfra.stress._scenario import (
    Equity,
    Haircut,
    PropagationConfig,
    Scenario,
    Shock,
    builtin_scenarios,
    load_scenario,
)

__all__ = [
    "CLEARING_COLUMNS",
    "STRESS_COLUMNS",
    "Clearing",
    "Equity",
    "Haircut",
    "HorizonMonteCarlo",
    "Propagation",
    "PropagationConfig",
    "Scenario",
    "Shock",
    "StressResult",
    "StressedCompany",
    "TermDistribution",
    "builtin_scenarios",
    "clearing_from_graph",
    "clearing_vector",
    "horizon_monte_carlo",
    "load_scenario",
    "propagate",
    "stress",
    "stress_date",
    "term_distribution",
]

make_callable(__name__, stress)
