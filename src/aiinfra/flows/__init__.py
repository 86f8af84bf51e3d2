"""The capital-flow map: the money-flow graph, its cycles, circularity and significance.

Functions take the graph first (networkx style), enumerate cycles lazily and take ``seed=`` for
randomness. See docs/flows.md. The modules, by topic: ``_graph`` (the graph from the ledger),
``_checks`` (the graph and amount checks every algorithm shares), ``_cycles`` (bounded simple
cycles), ``_cycling`` (Finn's cycling index), ``_self_funding`` (self-funded shares),
``_cycling_estimate`` (its Monte Carlo estimator), ``_dependence`` (hubs and dependence),
``_rewire`` (null models), ``_significance`` (against a null model) and ``_sensitivity``
(uncertain amounts); ``_history`` (circularity at every quarter end). Stress tests on the
graph live in :mod:`aiinfra.stress`.

>>> from aiinfra import load_ledger
>>> from aiinfra.flows import flow_graph, cycling_index
>>> g = flow_graph(load_ledger(), "2026-06-30")
>>> 0 <= cycling_index(g).system <= 1
True
"""

from __future__ import annotations

from aiinfra.flows._checks import check_graph, edge_amount
from aiinfra.flows._cycles import Cycle, cycle_volume, find_cycles, reciprocal_pairs, simple_cycles
from aiinfra.flows._cycling import CyclingIndex, cycling_index
from aiinfra.flows._cycling_estimate import CyclingIndexEstimate, cycling_index_estimate
from aiinfra.flows._dependence import hub_metrics, inflow_dependence
from aiinfra.flows._graph import (
    BASES,
    FLOW_LAYERS,
    IN_FORCE,
    TIERS,
    Basis,
    evidence_split,
    flow_graph,
    graph_frame,
)
from aiinfra.flows._history import CircularityHistory, date_seed, history
from aiinfra.flows._rewire import (
    rewire_degree_preserving,
    rewire_role_preserving,
    rewire_strength_preserving,
)
from aiinfra.flows._self_funding import SelfFunding, self_funded_detail, self_funded_share
from aiinfra.flows._sensitivity import sensitivity
from aiinfra.flows._significance import NullTest, Significance, significance

__all__ = [
    "BASES",
    "FLOW_LAYERS",
    "IN_FORCE",
    "TIERS",
    "Basis",
    "CircularityHistory",
    "Cycle",
    "CyclingIndex",
    "CyclingIndexEstimate",
    "NullTest",
    "SelfFunding",
    "Significance",
    "check_graph",
    "cycle_volume",
    "cycling_index",
    "cycling_index_estimate",
    "date_seed",
    "edge_amount",
    "evidence_split",
    "find_cycles",
    "flow_graph",
    "graph_frame",
    "history",
    "hub_metrics",
    "inflow_dependence",
    "reciprocal_pairs",
    "rewire_degree_preserving",
    "rewire_role_preserving",
    "rewire_strength_preserving",
    "self_funded_detail",
    "self_funded_share",
    "sensitivity",
    "significance",
    "simple_cycles",
]
