"""The capital-flow map: the money-flow graph, its cycles, circularity and significance.

Functions take the graph first (networkx style), enumerate cycles lazily and take ``seed=`` for
randomness. See docs/flows.md.

>>> from aiinfra import load_ledger
>>> from aiinfra.flows import flow_graph, cycling_index
>>> g = flow_graph(load_ledger(), "2026-06-30")
>>> 0 <= cycling_index(g).system <= 1
True
"""

from __future__ import annotations

from aiinfra.flows._circularity import (
    CyclingIndex,
    CyclingIndexEstimate,
    SelfFunding,
    cycling_index,
    cycling_index_estimate,
    self_funded_detail,
    self_funded_share,
)
from aiinfra.flows._cycles import Cycle, cycle_volume, find_cycles, reciprocal_pairs, simple_cycles
from aiinfra.flows._dependence import hub_metrics, inflow_dependence
from aiinfra.flows._graph import BASES, FLOW_LAYERS, IN_FORCE, flow_graph, graph_frame
from aiinfra.flows._nulls import (
    NullTest,
    Significance,
    rewire_degree_preserving,
    rewire_role_preserving,
    rewire_strength_preserving,
    sensitivity,
    significance,
)
from aiinfra.flows._scenario import Scenario, builtin_scenarios, load_scenario
from aiinfra.flows._stress import (
    Clearing,
    Propagation,
    clearing_from_graph,
    clearing_vector,
    propagate,
)
from aiinfra.flows._stress_api import StressResult, stress

__all__ = [
    "BASES",
    "FLOW_LAYERS",
    "IN_FORCE",
    "Clearing",
    "Cycle",
    "CyclingIndex",
    "CyclingIndexEstimate",
    "NullTest",
    "Propagation",
    "Scenario",
    "SelfFunding",
    "Significance",
    "StressResult",
    "builtin_scenarios",
    "clearing_from_graph",
    "clearing_vector",
    "cycle_volume",
    "cycling_index",
    "cycling_index_estimate",
    "find_cycles",
    "flow_graph",
    "graph_frame",
    "hub_metrics",
    "inflow_dependence",
    "load_scenario",
    "propagate",
    "reciprocal_pairs",
    "rewire_degree_preserving",
    "rewire_role_preserving",
    "rewire_strength_preserving",
    "self_funded_detail",
    "self_funded_share",
    "sensitivity",
    "significance",
    "simple_cycles",
    "stress",
]
