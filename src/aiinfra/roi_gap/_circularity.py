"""Revenue net of circularity: the part of AI revenue that is the build-out's own money.

Seeds 003 and 004 describe the "KI-Kreislauf": NVIDIA invests in OpenAI, OpenAI pays Oracle,
Oracle buys NVIDIA chips; Microsoft and Amazon invest in the labs that then buy their cloud.
The revenue the labs pay the build-out is then partly the build-out's own investment coming
back. :func:`circular_share` measures that part on a money-flow graph
(:func:`aiinfra.flows.flow_graph`), with the conventions of Finn's cycling index in
:mod:`aiinfra.flows` (throughflow ``T = max(in, out)``, money well mixed at each company);
:func:`circularity_by_year` applies it to the gap's years (docs/gap.md, "Net of circularity").
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows import BASES, check_graph, edge_amount, flow_graph
from aiinfra.ledger import Ledger

__all__ = [
    "DRAWS",
    "GROUP_LAYERS",
    "PAYER_LAYERS",
    "CircularShare",
    "circular_share",
    "circular_share_draws",
    "circularity_by_year",
]

#: the payers whose spending on the build-out is the AI revenue of the gap (companies.csv layer)
PAYER_LAYERS: tuple[str, ...] = ("model_lab",)
#: the build-out: the companies whose capex the gap sizes and the suppliers they buy from
GROUP_LAYERS: tuple[str, ...] = (
    "hyperscaler",
    "neocloud",
    "data_center_reit_operator",
    "chip_designer",
    "memory",
    "foundry",
    "semiconductor_equipment",
    "packaging",
    "eda_ip",
    "networking",
    "optical",
    "server_oem",
    "power_and_electrical",
    "cooling",
    "energy_utility",
)
#: draws of the graph's amounts behind the Monte Carlo's circular share, per graph date
DRAWS = 1000


@dataclass(frozen=True)
class CircularShare:
    """The circular share ``s`` of the payers' spending on the group, and what it rests on.

    Attributes
    ----------
    share : float
        ``s``: the part of the payers' payments to the group that traces back to money the
        group put into them (any member's money); NaN when the payers pay the group nothing.
    share_own : float
        The stricter part that goes back to the very company that put it in (Microsoft's money
        paid back to Microsoft); ``share_own <= share``.
    paid : float
        The payers' payments to the group (USD bn on the graph's basis), the denominator.
    circular : float
        ``share × paid``.
    by_payer : pandas.DataFrame
        Index ``payer``: ``paid_to_group``, ``inflow``, ``outflow``, ``throughflow`` (``T``),
        ``from_group`` (``a``: the share of its throughflow that is group money) and
        ``circular`` (``paid_to_group × from_group``).
    by_funder : pandas.DataFrame
        Index ``funder`` (a group company): ``circular`` (its money in the payers' payments to
        the group) and ``share`` (over ``paid``); sorted, largest first.
    """

    share: float
    share_own: float
    paid: float
    circular: float
    by_payer: pd.DataFrame = field(repr=False)
    by_funder: pd.DataFrame = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain values; the tables as lists of row dicts (NaN as None)."""

        def rows(frame: pd.DataFrame, key: str) -> list[dict[str, Any]]:
            out = frame.reset_index().rename(columns={"index": key})
            return [
                {str(k): (None if isinstance(v, float) and not math.isfinite(v) else v)
                 for k, v in r.items()}
                for r in out.to_dict(orient="records")
            ]  # fmt: skip

        def num(x: float) -> float | None:
            return x if math.isfinite(x) else None

        return {
            "share": num(self.share),
            "share_own": num(self.share_own),
            "paid": self.paid,
            "circular": num(self.circular),
            "by_payer": rows(self.by_payer, "payer"),
            "by_funder": rows(self.by_funder, "funder"),
        }


@dataclass(frozen=True)
class _Graph:
    """A flow graph as arrays: edges ``src → dst`` with amount and range, the two node sets."""

    labels: list[Hashable]
    src: np.ndarray
    dst: np.ndarray
    amount: np.ndarray
    low: np.ndarray
    high: np.ndarray
    group: np.ndarray
    payers: np.ndarray


def _nodes(
    G: nx.DiGraph, given: Iterable[Hashable] | None, layers: Sequence[str], name: str
) -> set[Hashable]:
    """``given`` checked to be nodes of ``G``; by default the nodes of one of ``layers``."""
    if given is None:
        return {n for n, d in G.nodes(data=True) if d.get("layer") in layers}
    out = set(given)
    missing = sorted(str(n) for n in out if n not in G)
    if missing:
        raise InvalidParameterError(f"`{name}`: not nodes of `G`: {', '.join(missing)}")
    return out


def _arrays(
    G: nx.DiGraph,
    payers: Iterable[Hashable] | None,
    group: Iterable[Hashable] | None,
    weight: str,
    low: str | None = None,
    high: str | None = None,
) -> _Graph:
    """The arrays of ``G``; without ``low``/``high`` the range is the amount itself."""
    check_graph(G)
    pay = _nodes(G, payers, PAYER_LAYERS, "payers")
    grp = _nodes(G, group, GROUP_LAYERS, "group")
    both = sorted(str(n) for n in pay & grp)
    if both:
        raise InvalidParameterError(
            f"`payers` and `group` must not overlap (a company cannot pay itself revenue); "
            f"in both: {', '.join(both)}"
        )
    labels = list(G.nodes)
    pos = {n: i for i, n in enumerate(labels)}
    src, dst, amt, lo, hi = [], [], [], [], []
    for u, v, d in G.edges(data=True):
        a = edge_amount(d, weight, check=True)
        a = 0.0 if math.isnan(a) else a
        bounds = []
        for key in (low, high):
            b = edge_amount(d, key, check=True) if key is not None else math.nan
            bounds.append(a if math.isnan(b) else b)
        src.append(pos[u])
        dst.append(pos[v])
        amt.append(a)
        lo.append(min(bounds))
        hi.append(max(bounds))
    return _Graph(
        labels,
        np.asarray(src, dtype=np.int64),
        np.asarray(dst, dtype=np.int64),
        np.asarray(amt, dtype=float),
        np.asarray(lo, dtype=float),
        np.asarray(hi, dtype=float),
        np.asarray([n in grp for n in labels], dtype=bool),
        np.asarray([n in pay for n in labels], dtype=bool),
    )


def _transient(g: _Graph, live: np.ndarray) -> np.ndarray:
    """The companies whose group share the payers' shares depend on: outside the group,
    reached from the group and reaching a payer through companies outside the group, along
    the edges ``live`` (amount > 0)."""
    n = len(g.labels)
    inner = ~g.group
    reached = np.zeros(n, dtype=bool)
    frontier = np.unique(g.dst[live & g.group[g.src] & inner[g.dst]])
    while len(frontier):
        reached[frontier] = True
        step = live & np.isin(g.src, frontier) & inner[g.dst] & ~reached[g.dst]
        frontier = np.unique(g.dst[step])
    ancestors = g.payers.copy()
    frontier = np.flatnonzero(g.payers)
    while len(frontier):
        step = live & np.isin(g.dst, frontier) & inner[g.src] & ~ancestors[g.src]
        frontier = np.unique(g.src[step])
        ancestors[frontier] = True
    return np.flatnonzero(reached & ancestors)


def _from_group(g: _Graph, amounts: np.ndarray, S: np.ndarray, by_funder: bool) -> np.ndarray:
    """``a`` on the companies ``S`` for each row of ``amounts`` (draws × edges).

    Returns shape (draws, len(S), 1), or (draws, len(S), n) split by the group company whose
    money it is when ``by_funder``. Solves ``(I − B) a = c`` with ``B_jk = f_kj / T_j`` for
    ``k`` in ``S`` and ``c_j = Σ_{k in group} f_kj / T_j``.
    """
    k, n = amounts.shape[0], len(g.labels)
    inflow, outflow = np.zeros((n, k)), np.zeros((n, k))
    np.add.at(inflow, g.dst, amounts.T)
    np.add.at(outflow, g.src, amounts.T)
    T = np.maximum(inflow, outflow).T  # draws × nodes
    where = np.full(n, -1, dtype=np.int64)
    where[S] = np.arange(len(S))
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(T[:, g.dst] > 0, amounts / T[:, g.dst], 0.0)  # f_kj / T_j per edge
    inner = (where[g.src] >= 0) & (where[g.dst] >= 0)
    A = np.broadcast_to(np.eye(len(S)), (k, len(S), len(S))).copy()
    A[:, where[g.dst[inner]], where[g.src[inner]]] -= frac[:, inner]
    funded = g.group[g.src] & (where[g.dst] >= 0)
    cols = g.src[funded] if by_funder else np.zeros(int(funded.sum()), dtype=np.int64)
    C = np.zeros((k, len(S), n if by_funder else 1))
    index: Any = (slice(None), where[g.dst[funded]], cols)
    np.add.at(C, index, frac[:, funded])
    if not len(S):
        return C
    out: np.ndarray = np.linalg.solve(A, C)
    return out


def _shares(g: _Graph, amounts: np.ndarray, S: np.ndarray) -> np.ndarray:
    """``s`` for each row of ``amounts`` (draws × edges); NaN where the payers pay nothing."""
    a = np.zeros((amounts.shape[0], len(g.labels)))
    a[:, S] = _from_group(g, amounts, S, by_funder=False)[:, :, 0]
    to_group = g.payers[g.src] & g.group[g.dst]
    paid = amounts[:, to_group]
    total = paid.sum(axis=1)
    circ = (paid * a[:, g.src[to_group]]).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, circ / np.where(total > 0, total, 1.0), np.nan)


def circular_share(
    G: nx.DiGraph,
    *,
    payers: Iterable[Hashable] | None = None,
    group: Iterable[Hashable] | None = None,
    weight: str = "amount",
) -> CircularShare:
    """The share of the payers' spending on the group that is the group's own money.

    Parameters
    ----------
    G : networkx.DiGraph
        A money-flow graph (:func:`aiinfra.flows.flow_graph`); not modified. Undisclosed
        amounts count 0.
    payers : iterable of nodes, optional
        Whose spending is the revenue; default the nodes of layer ``model_lab``.
    group : iterable of nodes, optional
        Who earns it; default the nodes of a :data:`GROUP_LAYERS` layer (hyperscalers, clouds,
        chip, memory and equipment suppliers, data centres and their power).
    weight : str
        The edge attribute of the amount.

    Returns
    -------
    CircularShare

    Raises
    ------
    InvalidParameterError
        A node of ``payers`` or ``group`` is not in ``G``, the two overlap, an amount is
        negative or infinite, or ``G`` is not a directed graph.

    Notes
    -----
    Every company ``j`` outside the group pays out of all it receives pro rata (the
    input-output assumption of :func:`aiinfra.flows.self_funded_share`), with throughflow
    ``T_j = max(in_j, out_j)``: what it spends beyond its recorded inflows is money from
    outside the graph (a lab's own revenue, funding not in the ledger). The share ``a_j`` of
    ``j``'s money that came from the group, directly or through other companies outside it,
    solves

    .. math::

        a_j = \\sum_{k \\in group} f_{kj} / T_j
              + \\sum_{k \\notin group} (f_{kj} / T_j)\\, a_k

    and the circular share of the payers' spending on the group is

    .. math::

        s = \\sum_{L \\in payers} p_L a_L / \\sum_L p_L,
        \\quad p_L = \\sum_{i \\in group} f_{Li}.

    A lab that spends more than it raised (``out > in``) has ``a_L`` = the group's investment
    in it / its spending. By the path symmetry of Finn's return flows, ``Σ_j p_j a_j`` over all
    payers outside the group is the group's cycled throughflow when the group is one company:
    ``self_funded_share`` of the group merged into one node, times that node's inflow. Cost: one
    dense solve on the companies between the group and the payers.

    Examples
    --------
    Microsoft puts 10 into a lab that raises 30 more elsewhere and commits 80 to Azure: the lab
    spends 80 of which 10 was Microsoft's (out > in, T = 80), so s = 10 / 80.

    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("msft", "lab", amount=10.0)
    >>> G.add_edge("vc", "lab", amount=30.0)
    >>> G.add_edge("lab", "msft", amount=80.0)
    >>> c = circular_share(G, payers=["lab"], group=["msft"])
    >>> c.share, c.paid, c.circular
    (0.125, 80.0, 10.0)
    """
    g = _arrays(G, payers, group, weight)
    S = _transient(g, g.amount > 0)
    amounts = g.amount[None, :]
    n = len(g.labels)
    split = np.zeros((n, n))  # node × group funder
    split[S] = _from_group(g, amounts, S, by_funder=True)[0]
    a = split.sum(axis=1)
    inflow, outflow = np.zeros(n), np.zeros(n)
    np.add.at(inflow, g.dst, g.amount)
    np.add.at(outflow, g.src, g.amount)
    to_group = g.payers[g.src] & g.group[g.dst]
    paid_by = np.zeros(n)
    np.add.at(paid_by, g.src[to_group], g.amount[to_group])
    paid = float(paid_by.sum())
    circ = float((paid_by * a).sum())
    own = float((g.amount[to_group] * split[g.src[to_group], g.dst[to_group]]).sum())
    idx = np.flatnonzero(g.payers)
    by_payer = pd.DataFrame(
        {
            "paid_to_group": paid_by[idx],
            "inflow": inflow[idx],
            "outflow": outflow[idx],
            "throughflow": np.maximum(inflow, outflow)[idx],
            "from_group": a[idx],
            "circular": paid_by[idx] * a[idx],
        },
        index=pd.Index([g.labels[i] for i in idx], name="payer", dtype=object),
    ).sort_values(["paid_to_group", "circular"], ascending=False, kind="stable")
    money = (paid_by[:, None] * split).sum(axis=0)
    keep = np.flatnonzero(money > 0)
    by_funder = pd.DataFrame(
        {"circular": money[keep], "share": money[keep] / paid if paid > 0 else math.nan},
        index=pd.Index([g.labels[i] for i in keep], name="funder", dtype=object),
    ).sort_values("circular", ascending=False, kind="stable")
    nan = math.nan
    return CircularShare(
        share=circ / paid if paid > 0 else nan,
        share_own=own / paid if paid > 0 else nan,
        paid=paid,
        circular=circ if paid > 0 else nan,
        by_payer=by_payer,
        by_funder=by_funder,
    )


def circular_share_draws(
    G: nx.DiGraph,
    samples: int,
    seed: int | np.random.SeedSequence | None = 0,
    *,
    payers: Iterable[Hashable] | None = None,
    group: Iterable[Hashable] | None = None,
    weight: str = "amount",
    low: str = "amount_low",
    high: str = "amount_high",
) -> np.ndarray:
    """``samples`` draws of :func:`circular_share`'s ``s`` over the amounts' uncertainty.

    Each draw sets every edge's amount independently and uniformly within ``[low, high]`` (as
    :func:`aiinfra.flows.sensitivity` does: a missing bound falls back to the amount, an
    undisclosed edge stays 0). The same ``seed`` gives the same draws.

    Returns
    -------
    numpy.ndarray
        Shape (samples,), in draw order; NaN where the payers pay the group nothing.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("msft", "lab", amount=10.0, amount_low=5.0, amount_high=20.0)
    >>> G.add_edge("lab", "msft", amount=80.0)
    >>> d = circular_share_draws(G, 500, seed=1, payers=["lab"], group=["msft"])
    >>> bool(((d >= 5 / 80) & (d <= 20 / 80)).all())
    True
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InvalidParameterError(f"`samples` must be a positive integer; got {samples!r}")
    g = _arrays(G, payers, group, weight, low, high)
    S = _transient(g, g.high > 0)
    rng = np.random.default_rng(seed)
    draws = g.low + rng.random((samples, len(g.src))) * (g.high - g.low)
    out = np.empty(samples)
    for a in range(0, samples, 250):  # bounded memory: 250 systems at a time
        out[a : a + 250] = _shares(g, draws[a : a + 250], S)
    return out


def _graph_dates(as_of: pd.Timestamp, years: Iterable[int]) -> dict[int, pd.Timestamp]:
    """The graph behind each year: its year end, or ``as_of`` when that comes first."""
    return {int(y): min(pd.Timestamp(f"{int(y)}-12-31"), as_of) for y in years}


def circularity_by_year(
    ledger: Ledger,
    as_of: pd.Timestamp,
    years: Iterable[int],
    *,
    basis: str = "committed",
    draws: int = 0,
    seed: int | None = 0,
) -> tuple[pd.DataFrame, np.ndarray | None, dict[str, Any]]:
    """The circular share for each of ``years`` from the flow graph in force at its end.

    Parameters
    ----------
    ledger : Ledger
    as_of : pandas.Timestamp
        Nothing known after it is used: a year that ends later uses the graph on ``as_of``.
    years : iterable of int
    basis : {"committed", "ceiling", "funded", "annualised"}
        The amount basis of :func:`aiinfra.flows.flow_graph`.
    draws : int
        Draws of ``s`` per year over the amounts' ranges (0: none). Seeded by ``seed``
        through its own stream (``SeedSequence(seed, spawn_key=(2**31,))``), so the gap's
        Monte Carlo chunks, which use the children ``0, 1, …`` of ``SeedSequence(seed)``, are
        left unchanged.

    Returns
    -------
    (frame, draws, detail)
        ``frame`` indexed by year: ``circular_share``, ``circular_share_own``,
        ``circular_as_of`` (the graph's date), ``circular_paid`` and ``circular_source``;
        ``draws`` of shape (years, draws), each row sorted (None without draws); ``detail``
        per graph date, :meth:`CircularShare.to_dict`.
    """
    if basis not in BASES:
        raise InvalidParameterError(f"`net_basis` must be one of {', '.join(BASES)}; got {basis!r}")
    dates = _graph_dates(as_of, years)
    cache: dict[pd.Timestamp, tuple[nx.DiGraph, CircularShare]] = {}
    rows, detail = [], {}
    for y, day in dates.items():
        if day not in cache:
            G = flow_graph(ledger, day, basis)  # type: ignore[arg-type]
            cache[day] = (G, circular_share(G))
            detail[str(day.date())] = cache[day][1].to_dict()
        c = cache[day][1]
        rows.append(
            {
                "year": y,
                "circular_share": c.share,
                "circular_share_own": c.share_own,
                "circular_as_of": str(day.date()),
                "circular_paid": c.paid,
                "circular_source": (
                    f"flow graph ({basis}) on {day.date()}: {c.circular:,.1f} of the labs' "
                    f"{c.paid:,.1f} USD bn to the build-out is its own investment coming back"
                    if c.paid > 0
                    else f"flow graph ({basis}) on {day.date()}: the labs pay the build-out nothing"
                ),
            }
        )
    frame = pd.DataFrame(rows).set_index("year") if rows else pd.DataFrame()
    sampled = None
    if draws and rows:
        seq = np.random.SeedSequence(seed, spawn_key=(2**31,))
        per_date: dict[pd.Timestamp, np.ndarray] = {}
        for day, child in zip(sorted(cache), seq.spawn(len(cache)), strict=True):
            per_date[day] = np.sort(circular_share_draws(cache[day][0], draws, child))
        sampled = np.stack([per_date[dates[int(y)]] for y in frame.index])
    return frame, sampled, detail
