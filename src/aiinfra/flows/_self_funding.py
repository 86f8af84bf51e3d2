"""The self-funded revenue share: how much of a company's inflow is its own money coming back.

Money a company invested, lent or paid that returns to it as revenue, directly or through
intermediaries, from Finn's return probabilities (:mod:`aiinfra.flows._cycling`, whose module
docstring states the conventions: amounts, boundary flows, orientation).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse import csc_array
from scipy.sparse.linalg import splu

from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows._cycling import (
    _components,
    _finn,
    _flows,
    _throughflow,
    _transition_block,
)

__all__ = ["SelfFunding", "self_funded_detail", "self_funded_share"]


def _self_funded(rho: np.ndarray, T: np.ndarray, inflow: np.ndarray) -> np.ndarray:
    """Cycled throughflow ``rho_i T_i`` over internal inflow, in [0, 1]; NaN without inflow."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(inflow > 0, rho * T / np.where(inflow > 0, inflow, 1.0), np.nan)
    return np.where(np.isnan(share), np.nan, np.clip(share, 0.0, 1.0))


def self_funded_share(
    G: nx.DiGraph,
    weight: str | None = "amount",
    *,
    inputs: Mapping[Hashable, float] | None = None,
    outputs: Mapping[Hashable, float] | None = None,
) -> pd.Series:
    """Per company, the share of its inflows that is its own money coming back.

    Money a company invested, lent or paid that returns to it as revenue, directly (the
    counterparty pays it back) or through intermediaries (``a → b → c → a``).

    Parameters
    ----------
    G : networkx.DiGraph
        As in :func:`cycling_index`. Not modified.
    weight : str or None, default "amount"
        As in :func:`cycling_index` (undisclosed amounts count 0).
    inputs, outputs : mapping of node to float, optional
        Known boundary flows, as in :func:`cycling_index`.

    Returns
    -------
    pandas.Series
        Indexed by the nodes of ``G`` (name ``"self_funded_share"``), in [0, 1]. NaN for a node
        without (disclosed) inflows from the graph: the share is undefined.

    Raises
    ------
    InvalidParameterError
        As :func:`cycling_index`.

    See Also
    --------
    self_funded_detail : the split into direct and via intermediaries, per counterparty.

    Notes
    -----
    With the return probability ``ρ_i = (n_ii - 1) / n_ii`` of :func:`cycling_index`, the money
    that comes back to ``i`` is ``ρ_i T_i`` (Finn's cycled throughflow of ``i``): equivalently the
    first-passage return probability of a dollar paid out by ``i``, ``ρ_i T_i / out_i``, times
    its outflow ``out_i``. It all arrives through ``i``'s inflows from the graph, so the share is

    .. math:: s_i = \\rho_i T_i / in_i,

    clipped to [0, 1] against rounding. Money is assumed well mixed at each company (its
    payments are funded pro rata by all it receives, the input-output assumption), so the share
    is an attribution, not a tracing of individual dollars. Same cost as :func:`cycling_index`.

    Examples
    --------
    ``a`` pays ``b`` 4 and receives 1 back: all of ``a``'s inflow is its own money. A quarter
    of ``b``'s inflow is ``b``'s own dollar that went round through ``a``.

    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", amount=4.0)
    >>> G.add_edge("b", "a", amount=1.0)
    >>> G.add_edge("b", "c", amount=2.0)
    >>> self_funded_share(G).to_dict()
    {'a': 1.0, 'b': 0.25, 'c': 0.0}
    >>> self_funded_share(nx.DiGraph([("x", "y", {"amount": 1.0})])).isna().to_dict()
    {'x': True, 'y': False}
    """
    f = _flows(G, weight, inputs, outputs)
    _, rho, T, inflow, _ = _finn(f.n, f.src, f.dst, f.w, f.z, f.y)
    return pd.Series(
        _self_funded(rho, T, inflow),
        index=pd.Index(f.labels, dtype=object),
        name="self_funded_share",
        dtype=float,
    )


@dataclass(frozen=True)
class SelfFunding:
    """How much of one company's inflow is its own money coming back, and by which route.

    Attributes
    ----------
    node : hashable
    inflow, outflow, throughflow : float
        The company's internal inflow, internal outflow and throughflow ``T``.
    returned : float
        Money that comes back: ``direct + via_intermediaries`` (= ``ρ T`` of
        :func:`self_funded_share`).
    direct : float
        Returned straight from the counterparty it was paid to (reciprocal edges).
    via_intermediaries : float
        Returned through at least one other company.
    share, share_direct, share_via_intermediaries : float
        The three amounts over ``inflow``; NaN without inflow. ``share`` is clipped to [0, 1].
    by_counterparty : pandas.DataFrame
        One row per company paid (index ``counterparty``): ``paid``, ``return_probability``
        (of a dollar paid to it), ``returned_direct``, ``returned_via_intermediaries``; sorted
        by money returned, largest first.

    Examples
    --------
    >>> import networkx as nx
    >>> d = self_funded_detail(nx.DiGraph([("a", "b", {"amount": 2.0}),
    ...                                    ("b", "a", {"amount": 1.0})]), "b")
    >>> d.to_dict()["share_direct"]
    0.5
    """

    node: Hashable
    inflow: float
    outflow: float
    throughflow: float
    returned: float
    direct: float
    via_intermediaries: float
    share: float
    share_direct: float
    share_via_intermediaries: float
    by_counterparty: pd.DataFrame = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain values; ``by_counterparty`` as a list of row dicts.

        Examples
        --------
        >>> import networkx as nx
        >>> G = nx.DiGraph([("a", "b", {"amount": 2.0}), ("b", "a", {"amount": 1.0})])
        >>> self_funded_detail(G, "a").to_dict()["by_counterparty"][0]["counterparty"]
        'b'
        """
        rows = self.by_counterparty.reset_index().to_dict(orient="records")
        return {
            "node": self.node,
            "inflow": self.inflow,
            "outflow": self.outflow,
            "throughflow": self.throughflow,
            "returned": self.returned,
            "direct": self.direct,
            "via_intermediaries": self.via_intermediaries,
            "share": self.share,
            "share_direct": self.share_direct,
            "share_via_intermediaries": self.share_via_intermediaries,
            "by_counterparty": rows,
        }


def _hitting(
    i: int,
    nodes: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    w: np.ndarray,
    T: np.ndarray,
    n: int,
) -> np.ndarray:
    """``h[j]``: probability that money passing through ``j`` reaches ``i`` (0 outside ``S``).

    Solves ``(I - G_{S-i,S-i}) h = G_{S-i, i}`` on ``i``'s component ``S``; ``h[i] = 1``. The
    system is non-singular: every node of ``S`` reaches ``i``, which absorbs.
    """
    h = np.zeros(n)
    h[i] = 1.0
    rest = nodes[nodes != i]
    if not len(rest):
        return h
    block, _ = _transition_block(rest, src, dst, w, T, n)
    to_i = (dst == i) & (w > 0)
    b = np.zeros(n)
    np.add.at(b, src[to_i], w[to_i] / T[src[to_i]])
    k = len(rest)
    a = (csc_array(np.eye(k)) - block).tocsc()
    h[rest] = np.clip(splu(a).solve(b[rest]), 0.0, 1.0)
    return h


def _by_counterparty(
    i: int,
    labels: list[Hashable],
    src: np.ndarray,
    dst: np.ndarray,
    w: np.ndarray,
    T: np.ndarray,
    h: np.ndarray,
) -> pd.DataFrame:
    """The table of :attr:`SelfFunding.by_counterparty` for node ``i``, from the hitting
    probabilities ``h`` of :func:`_hitting`."""
    n = len(labels)
    back = np.zeros(n)  # G_ji: share of j's throughflow paid straight to i
    to_i = (dst == i) & (w > 0)
    back[src[to_i]] = w[to_i] / T[src[to_i]]
    back[i] = 1.0  # a self-loop comes straight back
    mine = (src == i) & (w > 0)
    rows = []
    for j, paid in zip(dst[mine].tolist(), w[mine].tolist(), strict=True):
        direct = paid * back[j]
        total = paid * h[j]
        rows.append(
            {
                "counterparty": labels[j],
                "paid": paid,
                "return_probability": float(h[j]),
                "returned_direct": direct,
                "returned_via_intermediaries": max(total - direct, 0.0),
            }
        )
    table = pd.DataFrame(
        rows,
        columns=[
            "counterparty",
            "paid",
            "return_probability",
            "returned_direct",
            "returned_via_intermediaries",
        ],
    )
    table["_total"] = table["returned_direct"] + table["returned_via_intermediaries"]
    table = (
        table.sort_values(["_total", "paid"], ascending=False, kind="stable")
        .drop(columns="_total")
        .set_index("counterparty")
    )
    return table


def self_funded_detail(
    G: nx.DiGraph,
    node: Hashable,
    weight: str | None = "amount",
    *,
    inputs: Mapping[Hashable, float] | None = None,
    outputs: Mapping[Hashable, float] | None = None,
) -> SelfFunding:
    """One company's self-funded inflow, split into direct returns and returns via others.

    Parameters
    ----------
    G : networkx.DiGraph
        As in :func:`cycling_index`. Not modified.
    node : hashable
        The company.
    weight : str or None, default "amount"
        As in :func:`cycling_index`.
    inputs, outputs : mapping of node to float, optional
        Known boundary flows, as in :func:`cycling_index`.

    Returns
    -------
    SelfFunding
        Totals, shares and a per-counterparty table (see :class:`SelfFunding`).

    Raises
    ------
    InvalidParameterError
        If ``node`` is not in ``G``, and as :func:`cycling_index`.

    Notes
    -----
    For each company ``j`` that ``i`` pays ``f_ij``, a dollar arriving at ``j`` reaches ``i``
    again with the hitting probability ``h_j`` (solved on ``i``'s strong component with ``i``
    absorbing). Of that, ``G_ji = f_ji / T_j`` goes straight back (direct); the rest,
    ``h_j - G_ji``, goes round through others. A self-loop of ``i`` counts as direct. The totals
    ``sum_j f_ij h_j`` equal ``ρ_i T_i`` of :func:`self_funded_share`. Cost: one sparse solve on
    ``i``'s component.

    Examples
    --------
    ``a → b → c → a`` with ``b`` also paying ``a`` directly:

    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", amount=4.0)
    >>> G.add_edge("b", "a", amount=1.0)
    >>> G.add_edge("b", "c", amount=3.0)
    >>> G.add_edge("c", "a", amount=3.0)
    >>> d = self_funded_detail(G, "a")
    >>> d.direct, d.via_intermediaries, d.share
    (1.0, 3.0, 1.0)
    """
    f = _flows(G, weight, inputs, outputs)
    try:
        i = f.labels.index(node)
    except ValueError:
        raise InvalidParameterError(f"`node` {node!r} is not a node of `G`") from None
    n, src, dst, w = f.n, f.src, f.dst, f.w
    inflow, outflow, T = _throughflow(n, src, dst, w, f.z, f.y)
    h = np.zeros(n)
    h[i] = 1.0
    for nodes in _components(n, src, dst, w):
        if i in nodes:
            h = _hitting(i, nodes, src, dst, w, T, n)
            break
    table = _by_counterparty(i, f.labels, src, dst, w, T, h)
    direct = float(table["returned_direct"].sum())
    via = float(table["returned_via_intermediaries"].sum())
    inn = float(inflow[i])

    def over_inflow(x: float, clip: bool = False) -> float:
        if inn <= 0:
            return math.nan
        return min(max(x / inn, 0.0), 1.0) if clip else x / inn

    return SelfFunding(
        node=node,
        inflow=inn,
        outflow=float(outflow[i]),
        throughflow=float(T[i]),
        returned=direct + via,
        direct=direct,
        via_intermediaries=via,
        share=over_inflow(direct + via, clip=True),
        share_direct=over_inflow(direct),
        share_via_intermediaries=over_inflow(via),
        by_counterparty=table,
    )
