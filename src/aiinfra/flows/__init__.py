"""The capital-flow map: the money-flow graph, its cycles, circularity and significance."""

from __future__ import annotations

from aiinfra.flows._graph import BASES, FLOW_LAYERS, IN_FORCE, flow_graph, graph_frame

__all__ = ["BASES", "FLOW_LAYERS", "IN_FORCE", "flow_graph", "graph_frame"]
