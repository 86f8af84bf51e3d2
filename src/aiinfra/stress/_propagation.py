"""DebtRank-style propagation of a payment shortfall through the money-flow graph.

:func:`propagate` follows a payment shortfall through the graph round by round. A shocked payer
cuts its payments; its payees lose money; a payee that lost money cuts its own payments in the
next round in proportion to its loss over its revenue, once (DebtRank, Battiston et al. 2012).
It is a pure function of the graph; :func:`aiinfra.stress.stress` runs it on the ledger.

Amounts follow the conventions of the flow map (:func:`aiinfra.flows.edge_amount`): the edge
attribute ``weight`` (default ``"amount"``, USD bn); an undisclosed amount (NaN, None, missing)
carries no money and is flagged, a negative or infinite amount is an error. Self-loops are
ignored.

References
----------
.. [1] Battiston, S., Puliga, M., Kaushik, R., Tasca, P. & Caldarelli, G. (2012). DebtRank: too
   central to fail? Financial networks, the FED and systemic risk. *Scientific Reports* 2, 541.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import networkx as nx
import pandas as pd

from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows import check_graph, edge_amount

__all__ = ["STRESS_COLUMNS", "Propagation", "StressedCompany", "propagate"]

#: node labels (company ids in a flow graph)
N = TypeVar("N", bound=Hashable)

#: columns of :meth:`Propagation.to_frame`, in order
STRESS_COLUMNS: tuple[str, ...] = (
    "node",
    "loss_usd",
    "loss_round1",
    "loss_later",
    "round_hit",
    "share_of_revenue",
    "cut_fraction",
    "unresolved",
    "undisclosed_inflows",
    "shocked",
)


@dataclass(frozen=True)
class StressedCompany:
    """One company reached by a stress propagation (a row of :meth:`Propagation.to_frame`).

    Attributes
    ----------
    node : hashable
        The company (a node of the graph).
    loss_usd : float
        Total payments it lost, in the units of the edge amounts (USD bn for a flow graph).
    loss_round1 : float
        The part lost in round 1 (directly from the shocked parties).
    loss_later : float
        The part lost in rounds 2 and later.
    round_hit : int
        First round in which it lost money; 0 when it lost nothing (a shocked party that was not
        hit, or a company reached only by undisclosed payments).
    share_of_revenue : float
        ``loss_usd / revenue``; NaN when its revenue is unknown (missing, NaN or <= 0).
    cut_fraction : float
        The fraction of its own outgoing payments it cut: its shortfall for a shocked party,
        ``pass_through × min(1, loss / revenue)`` for a company that propagated, 0 otherwise.
    unresolved : bool
        It lost money but its revenue is unknown, so its cut cannot be sized and it did not
        propagate.
    undisclosed_inflows : bool
        At least one of its payers cut a payment whose amount is undisclosed (NaN): the true
        loss may be larger than ``loss_usd``.
    shocked : bool
        It is one of the initially shocked parties (shortfall > 0).
    """

    node: Hashable
    loss_usd: float
    loss_round1: float
    loss_later: float
    round_hit: int
    share_of_revenue: float
    cut_fraction: float
    unresolved: bool
    undisclosed_inflows: bool
    shocked: bool


@dataclass(frozen=True)
class Propagation:
    """The result of :func:`propagate`.

    Attributes
    ----------
    companies : tuple of StressedCompany
        Every company reached: the shocked parties, every company that lost money and every
        company reached by an undisclosed payment; by ``loss_usd`` descending, ties in the
        order of the graph's nodes.
    rounds : int
        The last round in which a cut reached a payee (0 when nothing was shocked or the
        shocked parties have no payees).
    total_loss : float
        Sum of ``loss_usd`` over all companies.
    converged : bool
        False when ``max_rounds`` stopped the propagation while companies were still due to cut.
    """

    companies: tuple[StressedCompany, ...]
    rounds: int
    total_loss: float
    converged: bool

    @property
    def unresolved(self) -> tuple[Hashable, ...]:
        """The companies that lost money but could not propagate (revenue unknown)."""
        return tuple(c.node for c in self.companies if c.unresolved)

    def loss(self, node: Hashable) -> float:
        """Total loss of ``node`` (0.0 when it was not reached)."""
        for c in self.companies:
            if c.node == node:
                return c.loss_usd
        return 0.0

    def to_frame(self) -> pd.DataFrame:
        """One row per company reached, columns :data:`STRESS_COLUMNS`.

        Returns
        -------
        pandas.DataFrame of shape (n_companies, 10)
        """
        rows = [{col: getattr(c, col) for col in STRESS_COLUMNS} for c in self.companies]
        frame = pd.DataFrame(rows, columns=list(STRESS_COLUMNS))
        return frame.astype(
            {
                "loss_usd": float,
                "loss_round1": float,
                "loss_later": float,
                "round_hit": int,
                "share_of_revenue": float,
                "cut_fraction": float,
                "unresolved": bool,
                "undisclosed_inflows": bool,
                "shocked": bool,
            }
        )


def _as_float(value: Any, name: str, key: Hashable) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"`{name}` values must be numbers; got {value!r} for {key!r}"
        ) from None


def _check_fraction(x: float, name: str) -> None:
    if not (isinstance(x, int | float) and 0.0 <= x <= 1.0):
        raise InvalidParameterError(f"`{name}` must be a number in [0, 1]; got {x!r}")


def propagate(
    G: nx.DiGraph,
    shortfall: Mapping[N, float],
    *,
    revenue: Mapping[N, float] | None = None,
    pass_through: float = 0.5,
    weight: str = "amount",
    max_rounds: int = 100,
) -> Propagation:
    """Propagate a payment shortfall through the money-flow graph, DebtRank style.

    Parameters
    ----------
    G : networkx.DiGraph
        A money-flow graph (:func:`~aiinfra.flows.flow_graph`), edges ``payer → payee``.
        Not modified.
    shortfall : mapping of node to float
        The shocked parties and the fraction in [0, 1] of their outgoing payments they fail to
        make. A value of 0 means not shocked. Every key must be a node of ``G``.
    revenue : mapping of node to float, optional
        Annual revenue of each company, in the units of the edge amounts. Missing, NaN or <= 0
        means unknown (the company is *unresolved* when it loses money). Keys that are not
        nodes of ``G`` are ignored (a revenue table may cover more companies than the graph).
        Default: every revenue unknown, so the propagation stops after round 1.
    pass_through : float, default 0.5
        Fraction in [0, 1] of a company's relative loss that it passes on as a cut of its own
        payments.
    weight : str, default "amount"
        Edge attribute holding the amount. NaN / None / missing means undisclosed.
    max_rounds : int, default 100
        Upper bound on the number of rounds (>= 1). The rule "each company propagates once"
        already ends the process within ``n_nodes`` rounds.

    Returns
    -------
    Propagation
        Per-company losses (:meth:`Propagation.to_frame`), ``rounds`` and ``total_loss``.

    Raises
    ------
    InvalidParameterError
        ``G`` is not a directed simple graph; a ``shortfall`` key is not a node of ``G`` or its
        value is outside [0, 1]; a ``revenue`` value is not a number or is infinite;
        ``pass_through`` is outside [0, 1]; ``max_rounds`` < 1; an edge amount is negative or
        infinite.

    Notes
    -----
    The rule, with ``a_ij`` the amount of edge ``i → j`` and ``L_j`` the cumulative loss of
    ``j``:

    1. **Round 1.** Every shocked party ``i`` cuts its payments by ``c_i = shortfall_i``: each
       payee ``j`` loses ``c_i × a_ij``.
    2. **Round r + 1.** A company first hit (loss > 0) in round ``r`` that has not propagated
       yet cuts by ``c_j = pass_through × min(1, L_j / revenue_j)``, with ``L_j`` its
       cumulative loss at the end of round ``r``; each payee ``k`` loses ``c_j × a_jk``.
    3. **Once.** A company propagates at most once; a shocked party counts as having
       propagated. Later losses are still added to its loss, but never passed on.
    4. **Unknown revenue.** A company hit whose revenue is unknown is *unresolved*: its loss is
       reported, its share of revenue is NaN, and it does not propagate.
    5. **Undisclosed amounts.** A cut payment with a NaN amount carries no loss; the payee is
       flagged ``undisclosed_inflows``.
    6. The process stops when no company becomes newly distressed (or after ``max_rounds``).

    Because every payer propagates at most once with a cut <= 1, no company loses more than
    the sum of its disclosed inflows. For a fixed set of shocked parties, losses grow with
    every shortfall and with ``pass_through``. Shocking an *additional* party can lower some
    losses: a company hit earlier propagates earlier, on a smaller cumulative loss (a timing
    effect of the once-only rule of DebtRank).

    Cost: O(n_nodes + n_edges) — every edge is used at most once.

    References
    ----------
    Battiston, S., Puliga, M., Kaushik, R., Tasca, P. & Caldarelli, G. (2012). DebtRank: too
    central to fail? *Scientific Reports* 2, 541.

    Examples
    --------
    ``a`` pays ``b`` 10 and ``b`` pays ``c`` 4; ``a`` fails on half of its payments:

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("a", "b", amount=10.0)
    >>> g.add_edge("b", "c", amount=4.0)
    >>> res = propagate(g, {"a": 0.5}, revenue={"b": 10.0, "c": 8.0}, pass_through=0.5)
    >>> res.to_frame()[["node", "loss_usd", "round_hit", "cut_fraction"]]
      node  loss_usd  round_hit  cut_fraction
    0    b       5.0          1        0.2500
    1    c       1.0          2        0.0625
    2    a       0.0          0        0.5000
    >>> res.rounds, res.total_loss
    (2, 6.0)

    ``b`` lost 0.5 × 10 = 5 of a revenue of 10, so it cuts 0.5 × min(1, 5/10) = 25 % of its
    payments and ``c`` loses 0.25 × 4 = 1; ``c`` would cut 0.5 × 1/8 = 6.25 %, but it has no
    payees, so the propagation stops.
    """
    prepared = prepare(G, shortfall, revenue=revenue, pass_through=pass_through,
                       max_rounds=max_rounds)  # fmt: skip
    return prepared.run(_payees(G, weight))


@dataclass(frozen=True)
class Prepared:
    """What :func:`propagate` checks and derives before the amounts: the shocked parties, the
    known revenues and the node order of the graph (:func:`prepare`)."""

    shock: dict[Hashable, float]
    rev: dict[Hashable, float]
    order: dict[Hashable, int]
    pass_through: float
    max_rounds: int

    def payees(
        self, keys: Sequence[tuple[Hashable, Hashable]], amounts: Sequence[float], weight: str
    ) -> dict[Hashable, list[tuple[Hashable, float]]]:
        """Each node's payees and amounts for the edges ``keys`` (in the graph's edge order)
        carrying ``amounts``: :func:`_payees` of the graph with these amounts."""
        payees: dict[Hashable, list[tuple[Hashable, float]]] = {node: [] for node in self.order}
        for (u, v), a in zip(keys, amounts, strict=True):
            if u == v:
                continue
            payees[u].append((v, edge_amount({weight: a}, weight, check=True)))
        return payees

    def run(self, payees: Mapping[Hashable, list[tuple[Hashable, float]]]) -> Propagation:
        """The propagation over ``payees`` (rounds as in :func:`propagate`)."""
        spread = _Spread(cut=dict(self.shock), propagated=set(self.shock))
        active = sorted(self.shock, key=self.order.__getitem__)
        for r in range(1, self.max_rounds + 1):
            if not active:
                break
            newly_hit = spread.pay(r, active, payees)
            active = spread.distress(newly_hit, self.order, self.rev, self.pass_through)
        return spread.result(self.shock, self.rev, self.order, converged=not active)


def prepare(
    G: nx.DiGraph,
    shortfall: Mapping[N, float],
    *,
    revenue: Mapping[N, float] | None = None,
    pass_through: float = 0.5,
    max_rounds: int = 100,
) -> Prepared:
    """The checks and the inputs of :func:`propagate` that do not depend on the edge amounts:
    for running it many times on one graph with other amounts (:meth:`Prepared.run`)."""
    check_graph(G)
    _check_fraction(pass_through, "pass_through")
    if isinstance(max_rounds, bool) or not isinstance(max_rounds, int) or max_rounds < 1:
        raise InvalidParameterError(f"`max_rounds` must be an integer >= 1; got {max_rounds!r}")
    shock = _shocks(G, shortfall)
    rev = _revenues(G, revenue)
    order = {node: k for k, node in enumerate(G)}
    return Prepared(shock, rev, order, pass_through, max_rounds)


# --------------------------------------------------------------------------------------------
# The steps of :func:`propagate`


def _shocks(G: nx.DiGraph, shortfall: Mapping[Any, float]) -> dict[Hashable, float]:
    """The shocked parties (shortfall > 0), each checked to be a node with a fraction."""
    shock: dict[Hashable, float] = {}
    for node, value in shortfall.items():
        if node not in G:
            raise InvalidParameterError(
                f"`shortfall` names a company that is not a node of `G`: {node!r}"
            )
        x = _as_float(value, "shortfall", node)
        if not 0.0 <= x <= 1.0:  # also rejects NaN
            raise InvalidParameterError(
                f"`shortfall` values must be fractions in [0, 1]; got {value!r} for {node!r}"
            )
        if x > 0:
            shock[node] = x
    return shock


def _revenues(G: nx.DiGraph, revenue: Mapping[Any, float] | None) -> dict[Hashable, float]:
    """The known revenues (> 0) of the nodes of ``G``; NaN and <= 0 mean unknown."""
    rev: dict[Hashable, float] = {}
    for key, value in (revenue or {}).items():
        if key not in G:
            continue
        x = _as_float(value, "revenue", key)
        if math.isinf(x):
            raise InvalidParameterError(
                f"`revenue` values must be finite (NaN or <= 0 means unknown); "
                f"got {value!r} for {key!r}"
            )
        if x > 0:  # NaN and <= 0: unknown
            rev[key] = x
    return rev


def _payees(G: nx.DiGraph, weight: str) -> dict[Hashable, list[tuple[Hashable, float]]]:
    """Each node's payees and the amounts it pays them (self-loops left out, amounts checked)."""
    payees: dict[Hashable, list[tuple[Hashable, float]]] = {node: [] for node in G}
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        payees[u].append((v, edge_amount(data, weight, check=True)))
    return payees


@dataclass
class _Spread:
    """The state of a propagation between rounds: losses, cuts and who has propagated."""

    cut: dict[Hashable, float]
    propagated: set[Hashable]
    loss: dict[Hashable, float] = field(default_factory=dict)
    loss1: dict[Hashable, float] = field(default_factory=dict)
    first_round: dict[Hashable, int] = field(default_factory=dict)
    undisclosed: set[Hashable] = field(default_factory=set)
    unresolved: set[Hashable] = field(default_factory=set)
    rounds: int = 0

    def pay(
        self,
        r: int,
        active: list[Hashable],
        payees: Mapping[Hashable, list[tuple[Hashable, float]]],
    ) -> list[Hashable]:
        """Round ``r``: every active company cuts its payments; the companies first hit."""
        newly_hit: list[Hashable] = []
        for i in active:
            c_i = self.cut[i]
            for j, amount in payees[i]:
                self.rounds = r
                if math.isnan(amount):
                    self.undisclosed.add(j)
                    continue
                delta = c_i * amount
                if delta <= 0:
                    continue
                self.loss[j] = self.loss.get(j, 0.0) + delta
                if r == 1:
                    self.loss1[j] = self.loss1.get(j, 0.0) + delta
                if j not in self.first_round:
                    self.first_round[j] = r
                    newly_hit.append(j)
        return newly_hit

    def distress(
        self,
        newly_hit: list[Hashable],
        order: Mapping[Hashable, int],
        rev: Mapping[Hashable, float],
        pass_through: float,
    ) -> list[Hashable]:
        """The companies that cut their own payments in the next round (each at most once)."""
        active: list[Hashable] = []
        for j in sorted(newly_hit, key=order.__getitem__):
            if j in self.propagated:
                continue
            self.propagated.add(j)
            if j not in rev:
                self.unresolved.add(j)
                continue
            c_j = pass_through * min(1.0, self.loss[j] / rev[j])
            self.cut[j] = c_j
            if c_j > 0:
                active.append(j)
        return active

    def result(
        self,
        shock: Mapping[Hashable, float],
        rev: Mapping[Hashable, float],
        order: Mapping[Hashable, int],
        converged: bool,
    ) -> Propagation:
        """Every company reached, by loss descending (ties in the graph's node order)."""
        reached: set[Hashable] = set(shock) | set(self.loss) | self.undisclosed
        companies = []
        for company in reached:
            total = self.loss.get(company, 0.0)
            first = self.loss1.get(company, 0.0)
            companies.append(
                StressedCompany(
                    node=company,
                    loss_usd=total,
                    loss_round1=first,
                    loss_later=total - first,
                    round_hit=self.first_round.get(company, 0),
                    share_of_revenue=total / rev[company] if company in rev else math.nan,
                    cut_fraction=self.cut.get(company, 0.0),
                    unresolved=company in self.unresolved,
                    undisclosed_inflows=company in self.undisclosed,
                    shocked=company in shock,
                )
            )
        companies.sort(key=lambda c: (-c.loss_usd, order[c.node]))
        return Propagation(
            companies=tuple(companies),
            rounds=self.rounds,
            total_loss=math.fsum(c.loss_usd for c in companies),
            converged=converged,
        )
