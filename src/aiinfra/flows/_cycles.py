"""Bounded simple cycles of the money-flow graph: money that comes back to where it started.

A *cycle* is a closed chain of payments ``a → b → … → a`` through distinct companies. Cycles of
two companies (each pays the other) are *reciprocal pairs*; :func:`find_cycles` reports the
longer ones and :func:`reciprocal_pairs` the pairs, so that neither is counted twice.

The search works on integer indices and adjacency lists, never on the networkx graph itself:
cycles are searched only inside strongly connected components, from each start node only
through later nodes, and a path is never extended to a node that cannot get back to the start
within the remaining length budget.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import networkx as nx
import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components

from aiinfra.flows._checks import check_count, check_graph, edge_amount

__all__ = ["Cycle", "cycle_volume", "find_cycles", "reciprocal_pairs", "simple_cycles"]

# --------------------------------------------------------------------------------------------
# The graph as integer adjacency lists


@dataclass(frozen=True)
class _Indexed:
    """A directed graph on ``0 … n-1``, in the fixed node order, ready for the search.

    ``succ[i]`` / ``pred[i]``: the successors / predecessors of ``i`` inside its strongly
    connected component, self-loops left out, in *decreasing* order (so a scan for nodes after
    a start ``s`` stops at the first one ``<= s``). ``loop[i]``: whether ``i`` has a self-loop.
    """

    labels: list[Hashable]
    succ: list[tuple[int, ...]]
    pred: list[tuple[int, ...]]
    loop: list[bool]


def _node_order(G: Any) -> list[Hashable]:
    """The fixed node order: sorted labels when they can be sorted, else ``G``'s own order."""
    nodes = list(G)
    try:
        return sorted(nodes)
    except TypeError:
        return nodes


def _adjacency(n: int, head: np.ndarray, tail: np.ndarray) -> list[tuple[int, ...]]:
    """Tuples ``out[i] = (tail[e] for e with head[e] == i)``, each in decreasing order."""
    order = np.argsort(head * n + (n - 1 - tail), kind="stable")
    counts = np.bincount(head, minlength=n)
    bounds = np.concatenate(([0], np.cumsum(counts))).tolist()
    flat = tuple(tail[order].tolist())
    # tuples of ints, not lists: the garbage collector stops tracking them, so building 10^5
    # of them does not set off full collections of the (large) networkx graph
    return [flat[bounds[i] : bounds[i + 1]] for i in range(n)]


def _index(G: Any) -> _Indexed:
    """Integer adjacency of ``G`` restricted to its strongly connected components.

    Cost: O(n log n + m log m) with one pass in Python over the edges; the components come from
    :func:`scipy.sparse.csgraph.connected_components` (Pearce's algorithm, in C).
    """
    labels = _node_order(G)
    n = len(labels)
    pos = {v: i for i, v in enumerate(labels)}
    adj_out = G._adj  # the plain dict of dicts (G.adj wraps every lookup in a view)
    counts = np.fromiter((len(adj_out[v]) for v in labels), dtype=np.int64, count=n)
    src = np.repeat(np.arange(n, dtype=np.int64), counts)
    dst = np.fromiter((pos[w] for v in labels for w in adj_out[v]), dtype=np.int64, count=len(src))
    loop = np.zeros(n, dtype=bool)
    loop[src[src == dst]] = True
    if n and len(src):
        # CSR straight from the rows (src is grouped by row already): no COO conversion
        indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
        adj = csr_array((np.ones(len(src)), dst.astype(np.int32), indptr), shape=(n, n))
        _, comp = connected_components(adj, directed=True, connection="strong")
        keep = (comp[src] == comp[dst]) & (src != dst)
        src, dst = src[keep], dst[keep]
    return _Indexed(
        labels=labels,
        succ=_adjacency(n, src, dst),
        pred=_adjacency(n, dst, src),
        loop=loop.tolist(),
    )


# --------------------------------------------------------------------------------------------
# The search


def _reach_back(s: int, pred: list[tuple[int, ...]], depth: int) -> dict[int, int]:
    """Distances back to ``s`` (in edges) of the nodes after ``s`` that are within ``depth``.

    A breadth-first search from ``s`` along reversed edges through nodes ``> s`` only. A node
    missing from the answer is more than ``depth`` edges away from ``s`` (or cannot reach it).
    """
    dist: dict[int, int] = {}
    frontier = [s]
    for d in range(1, depth + 1):
        nxt: list[int] = []
        for v in frontier:
            for u in pred[v]:
                if u <= s:
                    break
                if u not in dist:
                    dist[u] = d
                    nxt.append(u)
        if not nxt:
            break
        frontier = nxt
    return dist


def _cycles_from(
    s: int, succ: list[tuple[int, ...]], pred: list[tuple[int, ...]], k: int
) -> Iterator[list[int]]:
    """Every simple cycle of 2 … ``k`` nodes whose smallest node is ``s``, starting at ``s``.

    The reverse search is cut at ``depth = k // 2`` edges: a node it did not reach is at least
    ``depth + 1`` edges from ``s``, which is all the pruning needs while the path is short, and
    the long paths (where the pruning matters) only ever step onto nodes it did reach. The
    depth-first search keeps its own stack (no recursion limit on ``k``).
    """
    depth = max(1, k // 2)
    dist = _reach_back(s, pred, depth)
    if not dist:
        return
    get, far = dist.get, depth + 1
    path = [s]
    on_path = {s}
    stack = [iter(succ[s])]  # the successors of each path node still to try
    while stack:
        room = k - len(path)  # the most edges a next node may be from s
        step = -1
        for w in stack[-1]:
            if w <= s:  # successors come in decreasing order: none left after s
                break
            dw = get(w, far)
            if dw > room or w in on_path:
                continue
            if dw == 1:
                yield [*path, w]
            if room >= 2:  # a path through w may take one more node
                step = w
                break
        if step >= 0:
            path.append(step)
            on_path.add(step)
            stack.append(iter(succ[step]))
        else:
            stack.pop()
            on_path.discard(path.pop())


def _index_cycles(ix: _Indexed, k: int) -> Iterator[list[int]]:
    """Simple cycles of at most ``k`` nodes as index lists, by start node, each exactly once."""
    succ, pred, loop = ix.succ, ix.pred, ix.loop
    for s in range(len(succ)):
        if loop[s]:
            yield [s]
        if k >= 2 and succ[s] and succ[s][0] > s and pred[s] and pred[s][0] > s:
            yield from _cycles_from(s, succ, pred, k)


# --------------------------------------------------------------------------------------------
# Amounts


def _bottleneck(amounts: tuple[float, ...] | list[float]) -> float:
    """The smallest amount; NaN when any amount is NaN (or there are none)."""
    if not amounts or any(math.isnan(a) for a in amounts):
        return math.nan
    return min(amounts)


# --------------------------------------------------------------------------------------------
# Public API


def simple_cycles(G: nx.DiGraph, length_bound: int = 5) -> Iterator[list[Hashable]]:
    """Yield the simple directed cycles of ``G`` with at most ``length_bound`` nodes.

    Parameters
    ----------
    G : networkx.DiGraph
        Any directed graph (node labels need only be hashable). Not modified.
    length_bound : int, default 5
        The most nodes (= edges) a cycle may have; at least 1.

    Yields
    ------
    list
        One cycle as its nodes in the direction of the edges, ``[v0, v1, …, v_{L-1}]`` with the
        edges ``v0 → v1 → … → v_{L-1} → v0``. It starts at its smallest node in the fixed node
        order: the sorted labels when they can be sorted (e.g. all strings, all numbers), else
        the order of ``G.nodes``. Every cycle therefore appears exactly once. A self-loop is a
        cycle of one node. Cycles come grouped by their start node, in the fixed order.

    Raises
    ------
    InvalidParameterError
        If ``length_bound`` is not an integer >= 1, or ``G`` is not a directed (non-multi)
        graph. Raised by the call itself, before the first cycle is asked for.

    See Also
    --------
    find_cycles : the same cycles (three nodes or more) with their amounts and flow ids.
    networkx.simple_cycles : the reference implementation (same cycles, other rotations).

    Notes
    -----
    The same answer as ``networkx.simple_cycles(G, length_bound=k)`` (up to the rotation of each
    cycle), found much faster:

    1. Nodes are numbered in the fixed order and the graph becomes integer adjacency lists.
    2. Only edges inside a strongly connected component can be on a cycle; the components come
       from :func:`scipy.sparse.csgraph.connected_components` (``connection="strong"``), and
       every other edge is dropped.
    3. The cycles whose smallest node is ``s`` are searched depth first from ``s`` through nodes
       ``> s`` only. Beforehand a breadth-first search from ``s`` along reversed edges (nodes
       ``> s`` only) gives each node's distance back to ``s``; it is cut at ``k // 2`` edges, and
       a node it did not reach counts as ``k // 2 + 1`` away, a lower bound. A path of ``d``
       nodes is never extended to a node ``w`` with ``d + dist(w) > k``: from ``w`` the cycle
       could not close within the bound.

    Cost: on a random digraph with ``n`` nodes and out-degree ``c`` the search takes about
    ``n · c^⌈k/2⌉`` steps, plus O(m log m) to build the index arrays; networkx recomputes the
    strongly connected components of what is left after each start node, O(n · (n + m)), which
    dominates its time from about 10^3 nodes (see ``bench/flows_bench.py``). The number of
    cycles itself is about ``c^k / k`` on such a graph but, in dense graphs, grows exponentially
    with ``k``; the generator is lazy, and its memory is O(n + m) beyond the cycle being handed
    out.

    References
    ----------
    .. [1] D. B. Johnson, "Finding all the elementary circuits of a directed graph",
       SIAM J. Comput. 4(1), 1975.
    .. [2] A. Gupta and T. Suzumura, "Finding All Bounded-Length Simple Cycles in a Directed
       Graph", arXiv:2105.10094, 2021.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("b", "c"), ("c", "a"), ("a", "b"), ("b", "a"), ("c", "d"), ("d", "d")])
    >>> list(simple_cycles(G))
    [['a', 'b'], ['a', 'b', 'c'], ['d']]
    >>> list(simple_cycles(G, length_bound=2))
    [['a', 'b'], ['d']]
    """
    check_graph(G)
    k = check_count(length_bound, "length_bound", 1)
    return _simple_cycles(G, k)


def _simple_cycles(G: Any, k: int) -> Iterator[list[Hashable]]:
    ix = _index(G)
    labels = ix.labels
    for cycle in _index_cycles(ix, k):
        yield [labels[i] for i in cycle]


@dataclass(frozen=True)
class Cycle:
    """One cycle of the money-flow graph, with the money on each of its edges.

    Attributes
    ----------
    nodes : tuple
        The companies in the direction of payment, starting at the smallest (see
        :func:`simple_cycles`).
    edges : tuple of (payer, payee)
        ``(nodes[i], nodes[i + 1])`` and the closing edge ``(nodes[-1], nodes[0])``.
    flow_ids : tuple of tuple of str
        The ledger flow ids behind each edge (the edge's ``flow_ids``; empty when it has none).
    amounts : tuple of float
        The amount on each edge (NaN where undisclosed).

    Examples
    --------
    >>> c = Cycle(("a", "b", "c"), (("a", "b"), ("b", "c"), ("c", "a")), ((), (), ()),
    ...           (5.0, 2.0, 3.0))
    >>> c.bottleneck, c.length
    (2.0, 3)
    """

    nodes: tuple[Hashable, ...]
    edges: tuple[tuple[Hashable, Hashable], ...]
    flow_ids: tuple[tuple[str, ...], ...]
    amounts: tuple[float, ...]

    @property
    def length(self) -> int:
        """The number of companies (= edges) on the cycle."""
        return len(self.nodes)

    @property
    def bottleneck(self) -> float:
        """The most money that can go round the cycle: the smallest amount on it.

        NaN when any amount on the cycle is NaN (undisclosed): the bottleneck is then unknown.
        """
        return _bottleneck(self.amounts)

    def to_dict(self) -> dict[str, Any]:
        """The cycle as plain lists and numbers (NaN stays a float NaN).

        Examples
        --------
        >>> Cycle(("a", "b", "c"), (("a", "b"), ("b", "c"), ("c", "a")),
        ...       (("F1",), ("F2",), ("F3",)), (5.0, 2.0, 3.0)).to_dict()["bottleneck"]
        2.0
        """
        return {
            "nodes": list(self.nodes),
            "edges": [list(e) for e in self.edges],
            "flow_ids": [list(f) for f in self.flow_ids],
            "amounts": list(self.amounts),
            "bottleneck": self.bottleneck,
            "length": self.length,
        }


def find_cycles(
    G: nx.DiGraph, length_bound: int = 5, weight: str | None = "amount"
) -> Iterator[Cycle]:
    """Yield the cycles of three to ``length_bound`` companies, with amounts and flow ids.

    Parameters
    ----------
    G : networkx.DiGraph
        A money-flow graph (:func:`~aiinfra.flows.flow_graph`) or any directed graph.
    length_bound : int, default 5
        The most companies on a cycle; at least 1 (below 3 nothing is yielded).
    weight : str or None, default "amount"
        The edge attribute holding the amount; a missing or None value is NaN. None: every
        edge counts 1.0.

    Yields
    ------
    Cycle
        In the order of :func:`simple_cycles`. Two-company cycles are left out: they are the
        :func:`reciprocal_pairs`, reported apart; so are self-loops.

    Raises
    ------
    InvalidParameterError
        As :func:`simple_cycles`, when called.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", amount=5.0, flow_ids=["F1"])
    >>> G.add_edge("b", "c", amount=2.0, flow_ids=["F2", "F3"])
    >>> G.add_edge("c", "a", amount=3.0, flow_ids=["F4"])
    >>> G.add_edge("b", "a", amount=1.0, flow_ids=["F5"])
    >>> [(c.nodes, c.bottleneck, c.flow_ids) for c in find_cycles(G)]
    [(('a', 'b', 'c'), 2.0, (('F1',), ('F2', 'F3'), ('F4',)))]
    """
    check_graph(G)
    k = check_count(length_bound, "length_bound", 1)
    return _find_cycles(G, k, weight)


def _find_cycles(G: Any, k: int, weight: str | None) -> Iterator[Cycle]:
    if k < 3:
        return
    adj = G.adj
    for nodes in _simple_cycles(G, k):
        if len(nodes) < 3:
            continue
        edges = tuple(zip(nodes, [*nodes[1:], nodes[0]], strict=True))
        data = [adj[u][v] for u, v in edges]
        yield Cycle(
            nodes=tuple(nodes),
            edges=edges,
            flow_ids=tuple(tuple(d.get("flow_ids", ())) for d in data),
            amounts=tuple(edge_amount(d, weight) for d in data),
        )


def reciprocal_pairs(G: nx.DiGraph, weight: str | None = "amount") -> list[dict[str, Any]]:
    """Every pair of companies that pay each other (edges both ways).

    Parameters
    ----------
    G : networkx.DiGraph
    weight : str or None, default "amount"
        As in :func:`find_cycles`.

    Returns
    -------
    list of dict
        One dict per pair, ``u`` before ``v`` in the fixed node order (see
        :func:`simple_cycles`), sorted by ``(u, v)`` in that order. Keys: ``u``, ``v``,
        ``amount_uv`` (u → v), ``amount_vu`` (v → u), ``flow_ids_uv``, ``flow_ids_vu`` (lists),
        ``netted`` (the smaller of the two amounts: what offsets; NaN if either is NaN).
        Self-loops are not pairs.

    Raises
    ------
    InvalidParameterError
        If ``G`` is not a directed (non-multi) graph.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("msft", "openai", amount=13.0, flow_ids=["F1"])
    >>> G.add_edge("openai", "msft", amount=250.0, flow_ids=["F2"])
    >>> G.add_edge("openai", "oracle", amount=300.0, flow_ids=["F3"])
    >>> [(p["u"], p["v"], p["netted"]) for p in reciprocal_pairs(G)]
    [('msft', 'openai', 13.0)]
    """
    check_graph(G)
    pos = {v: i for i, v in enumerate(_node_order(G))}
    adj = G.adj
    rows = []
    for u, nbrs in adj.items():
        for v, uv in nbrs.items():
            if pos[u] < pos[v] and u in adj[v]:
                vu = adj[v][u]
                a_uv, a_vu = edge_amount(uv, weight), edge_amount(vu, weight)
                rows.append(
                    {
                        "u": u,
                        "v": v,
                        "amount_uv": a_uv,
                        "amount_vu": a_vu,
                        "flow_ids_uv": list(uv.get("flow_ids", ())),
                        "flow_ids_vu": list(vu.get("flow_ids", ())),
                        "netted": _bottleneck([a_uv, a_vu]),
                    }
                )
    rows.sort(key=lambda r: (pos[r["u"]], pos[r["v"]]))
    return rows


def cycle_volume(G: nx.DiGraph, length_bound: int = 5, weight: str | None = "amount") -> float:
    """The money that can go round in circles: the sum of bottlenecks over the cycles.

    Parameters
    ----------
    G : networkx.DiGraph
    length_bound : int, default 5
        The most companies on a cycle; at least 1.
    weight : str or None, default "amount"
        As in :func:`find_cycles`. None: every edge counts 1.0, so the volume is the number of
        cycles of two to ``length_bound`` companies.

    Returns
    -------
    float
        The sum of :attr:`Cycle.bottleneck` over the cycles of two to ``length_bound``
        companies: the reciprocal pairs (their ``netted`` amount) and the :func:`find_cycles`
        cycles. Self-loops are not counted. A cycle whose bottleneck is NaN (an undisclosed
        amount on it) is left out of the sum, so the volume is a lower bound when amounts are
        missing; 0.0 when there is no cycle.

    Raises
    ------
    InvalidParameterError
        As :func:`simple_cycles`.

    Notes
    -----
    Built for repeated use (significance tests on many rewired graphs): the amounts are read
    once into integer-indexed lists and the cycles are never turned into labels or
    :class:`Cycle` objects.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", amount=5.0)
    >>> G.add_edge("b", "c", amount=2.0)
    >>> G.add_edge("c", "a", amount=3.0)
    >>> G.add_edge("b", "a", amount=1.0)
    >>> cycle_volume(G)  # a → b → c → a carries 2.0, the pair a ⇄ b nets 1.0
    3.0
    >>> cycle_volume(G, weight=None)  # the number of cycles
    2.0
    """
    check_graph(G)
    k = check_count(length_bound, "length_bound", 1)
    if k < 2:
        return 0.0
    ix = _index(G)
    labels, adj = ix.labels, G.adj
    # amounts of the edges that can be on a cycle, by index: amount[i][j] for i -> j
    amount: list[dict[int, float]] = []
    for i, out in enumerate(ix.succ):
        if out:
            nbrs = adj[labels[i]]
            amount.append({j: edge_amount(nbrs[labels[j]], weight) for j in out})
        else:
            amount.append({})
    return _volume(ix, amount, k)


def volume_on_indices(
    n: int, src: list[int], dst: list[int], amounts: list[float | None], k: int
) -> float:
    """:func:`cycle_volume` (``weight="amount"``) of the graph on the nodes ``0 … n-1`` with
    the edges ``src[e] → dst[e]`` carrying ``amounts[e]`` (None: undisclosed; an edge given
    twice keeps its last amount), without building the networkx graph; ``k`` >= 1 is the
    length bound."""
    if k < 2:
        return 0.0
    last: dict[int, float] = {}
    for a, b, x in zip(src, dst, amounts, strict=True):
        last[a * n + b] = math.nan if x is None else float(x)
    keys = np.fromiter(last, dtype=np.int64, count=len(last))
    keys.sort()
    head, tail = keys // max(n, 1), keys % max(n, 1)
    loop = np.zeros(n, dtype=bool)
    loop[head[head == tail]] = True
    if n and len(head):
        counts = np.bincount(head, minlength=n)
        indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
        adj = csr_array((np.ones(len(head)), tail.astype(np.int32), indptr), shape=(n, n))
        _, comp = connected_components(adj, directed=True, connection="strong")
        keep = (comp[head] == comp[tail]) & (head != tail)
        head, tail = head[keep], tail[keep]
    ix = _Indexed(
        labels=list(range(n)),
        succ=_adjacency(n, head, tail),
        pred=_adjacency(n, tail, head),
        loop=loop.tolist(),
    )
    amount = [{j: last[i * n + j] for j in out} for i, out in enumerate(ix.succ)]
    return _volume(ix, amount, k)


def _volume(ix: _Indexed, amount: list[dict[int, float]], k: int) -> float:
    """The sum of the bottlenecks (``amount[i][j]`` of each edge ``i → j``) over the cycles of
    two to ``k`` nodes of ``ix``; a cycle with a NaN amount is left out."""
    total = 0.0
    for cycle in _index_cycles(ix, k):
        if len(cycle) < 2:
            continue
        low = amount[cycle[-1]][cycle[0]]
        for a, b in pairwise(cycle):
            x = amount[a][b]
            if x < low or x != x:  # NaN: x != x
                low = x
        if low == low:
            total += low
    return total
