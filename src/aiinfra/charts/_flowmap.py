"""Where the companies of a flow graph sit on a picture of the value chain (report and web).

A column per step of the value chain, left to right: who funds whom down the chain; within a
column, the company with the most money passing through on top. Presentation only: the graph
comes built (:func:`aiinfra.flows.flow_graph`).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["LAYER_COLUMN", "flow_layout"]

#: columns of the layered picture, left to right: who funds whom down the value chain
LAYER_COLUMN = {
    "capital_provider": 0,
    "government": 0,
    "joint_venture": 0,
    "model_lab": 1,
    "application": 1,
    "hyperscaler": 2,
    "neocloud": 2,
    "data_center_reit_operator": 2,
    "chip_designer": 3,
    "eda_ip": 3,
    "memory": 3,
    "networking": 3,
    "optical": 3,
    "server_oem": 3,
    "foundry": 4,
    "packaging": 4,
    "materials": 4,
    "semiconductor_equipment": 5,
    "power_and_electrical": 5,
    "cooling": 5,
    "energy_utility": 5,
}


def flow_layout(g: Any) -> dict[str, tuple[float, float]]:
    """Node → (column, row) of the flow graph ``g``: the column from the node's ``layer``
    (:data:`LAYER_COLUMN`; 2 when unknown), rows centred on 0, the largest in + out amount
    first (unknown amounts count as 0)."""
    cols: dict[int, list[str]] = {}
    for n, d in g.nodes(data=True):
        cols.setdefault(LAYER_COLUMN.get(str(d.get("layer")), 2), []).append(n)
    pos = {}
    for c, nodes in cols.items():
        strength = {
            n: sum(
                (
                    d["amount"]
                    for _, _, d in g.in_edges(n, data=True)
                    if not math.isnan(d["amount"])
                ),
                0.0,
            )
            + sum(
                (
                    d["amount"]
                    for _, _, d in g.out_edges(n, data=True)
                    if not math.isnan(d["amount"])
                ),
                0.0,
            )
            for n in nodes
        }
        for k, n in enumerate(sorted(nodes, key=lambda x: -strength[x])):
            pos[n] = (float(c), -float(k) + (len(nodes) - 1) / 2)
    return pos
