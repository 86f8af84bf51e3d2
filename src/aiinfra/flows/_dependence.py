"""Hubs and dependence in the money-flow graph: who is central, and who lives off one payer.

Amounts follow the conventions of :mod:`aiinfra.flows._checks`: the edge attribute
``weight`` (default ``"amount"``, USD bn); an undisclosed amount (NaN, None, missing) counts as
0 in every sum and share, and a negative amount is an error. Degrees count every edge,
disclosed or not.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows._checks import check_graph, edge_amount

__all__ = ["hub_metrics", "inflow_dependence"]

HUB_COLUMNS: tuple[str, ...] = (
    "in_strength",
    "out_strength",
    "in_degree",
    "out_degree",
    "pagerank",
    "betweenness",
    "largest_counterparty",
    "largest_share",
    "hhi",
)


def _amount(data: dict[str, Any], weight: str | None) -> float:
    """The edge amount with NaN → 0; a negative or infinite amount is an error."""
    x = edge_amount(data, weight, check=True)
    return 0.0 if math.isnan(x) else x


def _sort_key(label: Hashable) -> tuple[str, str]:
    return (type(label).__name__, str(label))


def _centralities(
    nodes: list[Hashable], amounts: dict[tuple[Hashable, Hashable], float], alpha: float
) -> tuple[dict[Hashable, float], dict[Hashable, float]]:
    """PageRank on the amounts and betweenness with distance = 1 / amount, per node."""
    flow = nx.DiGraph()
    flow.add_nodes_from(nodes)
    flow.add_weighted_edges_from(((u, v, a) for (u, v), a in amounts.items()), weight="w")
    pagerank = nx.pagerank(flow, alpha=alpha, weight="w") if nodes else {}

    short = nx.DiGraph()
    short.add_nodes_from(nodes)
    short.add_weighted_edges_from(
        ((u, v, 1.0 / a) for (u, v), a in amounts.items() if a > 0 and u != v), weight="d"
    )
    between = nx.betweenness_centrality(short, weight="d", normalized=True) if nodes else {}
    return pagerank, between


def hub_metrics(G: nx.DiGraph, weight: str | None = "amount", alpha: float = 0.85) -> pd.DataFrame:
    """Centrality and inflow concentration of every company.

    Parameters
    ----------
    G : networkx.DiGraph
        A money-flow graph (:func:`~aiinfra.flows.flow_graph`) or any directed graph; edges
        ``payer → payee``. Not modified.
    weight : str or None, default "amount"
        Edge attribute holding the amount (undisclosed counts 0). None: every edge counts 1.0.
    alpha : float, default 0.85
        PageRank damping factor, in (0, 1).

    Returns
    -------
    pandas.DataFrame of shape (n_nodes, 9)
        Indexed by the nodes of ``G`` in its order, columns:

        - ``in_strength``, ``out_strength``: money received / paid (sum of amounts).
        - ``in_degree``, ``out_degree``: number of payers / payees (every edge counts).
        - ``pagerank``: PageRank with edge weights = amounts (:func:`networkx.pagerank`), so a
          company scores high when money flows to it from companies that themselves receive a
          lot. Sums to 1.
        - ``betweenness``: normalised shortest-path betweenness
          (:func:`networkx.betweenness_centrality`) with **distance = 1 / amount**, so a large
          flow is a short link; edges without a disclosed, positive amount are left out.
        - ``largest_counterparty``: the payer of the largest inflow (ties: the first label in
          sorted order); None without inflows.
        - ``largest_share``: that payer's share of the company's inflow.
        - ``hhi``: Herfindahl index of inflow shares, ``sum_k s_k²`` over payers: 1 for a single
          payer, ``1/K`` for ``K`` equal payers.

        ``largest_share`` and ``hhi`` are NaN for a company without (disclosed) inflows.

    Raises
    ------
    InvalidParameterError
        If ``G`` is not a directed (non-multi) graph, an amount is negative, or ``alpha`` is
        not in (0, 1).

    See Also
    --------
    inflow_dependence : one company's payers with their shares.

    Notes
    -----
    Cost: PageRank O(m) per power iteration; betweenness O(n m + n² log n) (Brandes' algorithm
    with Dijkstra), fine for the few hundred companies of the ledger.

    References
    ----------
    .. [1] U. Brandes, "A faster algorithm for betweenness centrality", J. Math. Sociol. 25(2),
       163-177 (2001).
    .. [2] S. Brin and L. Page, "The anatomy of a large-scale hypertextual Web search engine",
       Computer Networks 30, 107-117 (1998).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("lab", "cloud", amount=30.0)
    >>> G.add_edge("fund", "cloud", amount=10.0)
    >>> G.add_edge("cloud", "chips", amount=20.0)
    >>> h = hub_metrics(G)
    >>> row = h.loc["cloud"]
    >>> float(row.in_strength), row.largest_counterparty, float(row.largest_share), float(row.hhi)
    (40.0, 'lab', 0.75, 0.625)
    >>> round(float(h["pagerank"].sum()), 12), h["betweenness"].idxmax()
    (1.0, 'cloud')
    """
    check_graph(G)
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise InvalidParameterError(f"`alpha` must be a number in (0, 1); got {alpha!r}")
    nodes = list(G.nodes)
    amounts = {(u, v): _amount(d, weight) for u, v, d in G.edges(data=True)}

    pagerank, between = _centralities(nodes, amounts, alpha)
    rows = []
    for node in nodes:
        payers = {u: amounts[u, node] for u in G.pred[node]}
        total = sum(payers.values())
        if total > 0:
            top = min(payers, key=lambda u: (-payers[u], _sort_key(u)))
            largest, share = top, payers[top] / total
            hhi = float(sum((a / total) ** 2 for a in payers.values()))
        else:
            largest, share, hhi = None, math.nan, math.nan
        rows.append(
            {
                "in_strength": float(total),
                "out_strength": float(sum(amounts[node, v] for v in G.succ[node])),
                "in_degree": int(G.in_degree(node)),
                "out_degree": int(G.out_degree(node)),
                "pagerank": float(pagerank.get(node, math.nan)),
                "betweenness": float(between.get(node, math.nan)),
                "largest_counterparty": largest,
                "largest_share": share,
                "hhi": hhi,
            }
        )
    frame = pd.DataFrame(rows, index=pd.Index(nodes, dtype=object), columns=list(HUB_COLUMNS))
    return frame.astype(
        {
            "in_strength": float,
            "out_strength": float,
            "in_degree": np.int64,
            "out_degree": np.int64,
            "pagerank": float,
            "betweenness": float,
            "largest_share": float,
            "hhi": float,
        }
    )


def inflow_dependence(G: nx.DiGraph, node: Hashable, weight: str | None = "amount") -> pd.DataFrame:
    """One company's payers, largest first, with their share of its inflow.

    Parameters
    ----------
    G : networkx.DiGraph
        As in :func:`hub_metrics`. Not modified.
    node : hashable
        The company.
    weight : str or None, default "amount"
        As in :func:`hub_metrics`.

    Returns
    -------
    pandas.DataFrame
        One row per payer (index ``counterparty``), columns ``amount`` (NaN when undisclosed),
        ``share`` (of the disclosed inflow; NaN for an undisclosed amount, and for every row
        when no inflow is disclosed), ``cumulative_share`` and ``flow_ids`` (list; empty when
        the edge has none). Sorted by amount, largest first, undisclosed last, ties by label.
        The disclosed shares sum to 1. Empty when the company has no payer.

    Raises
    ------
    InvalidParameterError
        If ``node`` is not in ``G``, or as :func:`hub_metrics`.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("openai", "oracle", amount=300.0, flow_ids=["f1"])
    >>> G.add_edge("meta", "oracle", amount=100.0, flow_ids=["f2"])
    >>> G.add_edge("xai", "oracle", amount=float("nan"), flow_ids=["f3"])
    >>> inflow_dependence(G, "oracle")[["amount", "share"]].to_dict(orient="index")
    {'openai': {'amount': 300.0, 'share': 0.75}, 'meta': {'amount': 100.0, 'share': 0.25}, \
'xai': {'amount': nan, 'share': nan}}
    """
    check_graph(G)
    if node not in G:
        raise InvalidParameterError(f"`node` {node!r} is not a node of `G`")
    rows = []
    for u in G.pred[node]:
        d = G.adj[u][node]
        raw = edge_amount(d, weight, check=True)
        rows.append({"counterparty": u, "amount": raw, "flow_ids": list(d.get("flow_ids", ()))})
    frame = pd.DataFrame(rows, columns=["counterparty", "amount", "flow_ids"])
    if frame.empty:
        return pd.DataFrame(
            columns=["amount", "share", "cumulative_share", "flow_ids"],
            index=pd.Index([], dtype=object, name="counterparty"),
        ).astype({"amount": float, "share": float, "cumulative_share": float})
    frame["amount"] = frame["amount"].astype(float)
    frame["_key"] = [_sort_key(u) for u in frame["counterparty"]]
    frame["_missing"] = frame["amount"].isna()
    frame = frame.sort_values(
        ["_missing", "amount", "_key"], ascending=[True, False, True], kind="stable"
    )
    total = float(frame["amount"].sum(skipna=True))
    frame["share"] = frame["amount"] / total if total > 0 else math.nan
    frame["cumulative_share"] = frame["share"].cumsum(skipna=True)
    frame.loc[frame["_missing"], "cumulative_share"] = math.nan
    return frame.set_index("counterparty")[["amount", "share", "cumulative_share", "flow_ids"]]
