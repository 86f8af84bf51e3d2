"""Stress propagation on the money-flow graph: DebtRank-style cuts and Eisenberg–Noe clearing.

Two engines, both pure functions:

- :func:`propagate` follows a payment shortfall through the graph round by round. A shocked
  payer cuts its payments; its payees lose money; a payee that lost money cuts its own payments
  in the next round in proportion to its loss over its revenue, once (DebtRank, Battiston et al.
  2012).
- :func:`clearing_vector` (and :func:`clearing_from_graph` on the credit edges of the graph)
  computes the Eisenberg & Noe (2001) clearing payments of a network of liabilities.

Amounts follow the conventions of :mod:`aiinfra.flows._circularity`: the edge attribute
``weight`` (default ``"amount"``, USD bn); an undisclosed amount (NaN, None, missing) carries no
money and is flagged, a negative or infinite amount is an error. Self-loops are ignored.

References
----------
.. [1] Battiston, S., Puliga, M., Kaushik, R., Tasca, P. & Caldarelli, G. (2012). DebtRank: too
   central to fail? Financial networks, the FED and systemic risk. *Scientific Reports* 2, 541.
.. [2] Eisenberg, L. & Noe, T. H. (2001). Systemic risk in financial systems. *Management
   Science* 47(2), 236–249.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import networkx as nx
import numpy as np
import pandas as pd

from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows._circularity import _check_graph, _edge_amount

__all__ = [
    "CLEARING_COLUMNS",
    "STRESS_COLUMNS",
    "Clearing",
    "Propagation",
    "StressedCompany",
    "clearing_from_graph",
    "clearing_vector",
    "propagate",
]

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

#: columns of :meth:`Clearing.to_frame`, in order
CLEARING_COLUMNS: tuple[str, ...] = (
    "node",
    "owed",
    "external_assets",
    "paid",
    "default",
    "recovery_rate",
    "creditor_loss",
    "equity",
)


# --------------------------------------------------------------------------------------------
# DebtRank-style propagation
# --------------------------------------------------------------------------------------------


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


def _check_amount(x: float, weight: str) -> float:
    if not math.isnan(x) and (x < 0 or math.isinf(x)):
        raise InvalidParameterError(
            f"edge amounts ({weight!r}) must be finite and >= 0 (NaN means undisclosed); got {x!r}"
        )
    return x


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
    _check_graph(G)
    _check_fraction(pass_through, "pass_through")
    if isinstance(max_rounds, bool) or not isinstance(max_rounds, int) or max_rounds < 1:
        raise InvalidParameterError(f"`max_rounds` must be an integer >= 1; got {max_rounds!r}")
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

    order = {node: k for k, node in enumerate(G)}
    payees: dict[Hashable, list[tuple[Hashable, float]]] = {node: [] for node in G}
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        payees[u].append((v, _check_amount(_edge_amount(data, weight), weight)))

    loss: dict[Hashable, float] = {}
    loss1: dict[Hashable, float] = {}
    first_round: dict[Hashable, int] = {}
    cut: dict[Hashable, float] = dict(shock)
    undisclosed: set[Hashable] = set()
    propagated: set[Hashable] = set(shock)
    unresolved: set[Hashable] = set()

    active = sorted(shock, key=order.__getitem__)
    rounds = 0
    for r in range(1, max_rounds + 1):
        if not active:
            break
        newly_hit: list[Hashable] = []
        for i in active:
            c_i = cut[i]
            for j, amount in payees[i]:
                rounds = r
                if math.isnan(amount):
                    undisclosed.add(j)
                    continue
                delta = c_i * amount
                if delta <= 0:
                    continue
                loss[j] = loss.get(j, 0.0) + delta
                if r == 1:
                    loss1[j] = loss1.get(j, 0.0) + delta
                if j not in first_round:
                    first_round[j] = r
                    newly_hit.append(j)
        active = []
        for j in sorted(newly_hit, key=order.__getitem__):
            if j in propagated:
                continue
            propagated.add(j)
            if j not in rev:
                unresolved.add(j)
                continue
            c_j = pass_through * min(1.0, loss[j] / rev[j])
            cut[j] = c_j
            if c_j > 0:
                active.append(j)
    converged = not active

    reached: set[Hashable] = set(shock) | set(loss) | undisclosed
    companies = []
    for company in reached:
        total = loss.get(company, 0.0)
        first = loss1.get(company, 0.0)
        companies.append(
            StressedCompany(
                node=company,
                loss_usd=total,
                loss_round1=first,
                loss_later=total - first,
                round_hit=first_round.get(company, 0),
                share_of_revenue=total / rev[company] if company in rev else math.nan,
                cut_fraction=cut.get(company, 0.0),
                unresolved=company in unresolved,
                undisclosed_inflows=company in undisclosed,
                shocked=company in shock,
            )
        )
    companies.sort(key=lambda c: (-c.loss_usd, order[c.node]))
    return Propagation(
        companies=tuple(companies),
        rounds=rounds,
        total_loss=math.fsum(c.loss_usd for c in companies),
        converged=converged,
    )


# --------------------------------------------------------------------------------------------
# Eisenberg–Noe clearing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Clearing:
    """The Eisenberg–Noe clearing of a liability network (:func:`clearing_vector`).

    Attributes
    ----------
    nodes : tuple
        Labels of the rows (``0 .. n-1`` from :func:`clearing_vector`, companies from
        :func:`clearing_from_graph`).
    owed : numpy.ndarray of shape (n,)
        ``p̄``: total owed by each party, ``p̄_i = Σ_j L_ij``.
    external_assets : numpy.ndarray of shape (n,)
        ``e``: assets outside the network.
    payments : numpy.ndarray of shape (n,)
        ``p``: the greatest clearing vector, ``p = min(p̄, e + Πᵀ p)``.
    defaults : numpy.ndarray of bool, shape (n,)
        ``p < p̄`` (beyond the tolerance).
    losses : numpy.ndarray of shape (n,)
        Loss of each party as a creditor, ``Σ_i (L_ij − Π_ij p_i)``.
    equity : numpy.ndarray of shape (n,)
        ``e + Πᵀ p − p`` (>= 0 up to the tolerance).
    iterations : int
        Iterations used.
    converged : bool
        Whether a clearing vector was reached within ``max_iter``.
    undisclosed : tuple of (hashable, hashable)
        (borrower, lender) pairs left out because the amount is undisclosed
        (:func:`clearing_from_graph` only).
    """

    nodes: tuple[Hashable, ...]
    owed: np.ndarray
    external_assets: np.ndarray
    payments: np.ndarray
    defaults: np.ndarray
    losses: np.ndarray
    equity: np.ndarray
    iterations: int
    converged: bool
    undisclosed: tuple[tuple[Hashable, Hashable], ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per party, columns :data:`CLEARING_COLUMNS`.

        ``recovery_rate`` is ``paid / owed`` (NaN for a party that owes nothing).

        Returns
        -------
        pandas.DataFrame of shape (n, 8)
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(self.owed > 0, self.payments / self.owed, np.nan)
        return pd.DataFrame(
            {
                "node": list(self.nodes),
                "owed": self.owed,
                "external_assets": self.external_assets,
                "paid": self.payments,
                "default": self.defaults,
                "recovery_rate": rate,
                "creditor_loss": self.losses,
                "equity": self.equity,
            },
            columns=list(CLEARING_COLUMNS),
        )


def _restricted_solve(
    pi: np.ndarray, e: np.ndarray, owed: np.ndarray, default: np.ndarray
) -> np.ndarray | None:
    """Payments if exactly ``default`` default: ``x_N = p̄_N``, ``x_D = e_D + (Πᵀ x)_D``."""
    x: np.ndarray = owed.copy()
    d = np.flatnonzero(default)
    if d.size == 0:
        return x
    nd = np.flatnonzero(~default)
    a = np.eye(d.size) - pi[np.ix_(d, d)].T
    b = e[d] + pi[np.ix_(nd, d)].T @ owed[nd]
    if np.linalg.cond(a) > 1e12:
        return None
    try:
        x[d] = np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        return None
    return x if bool(np.all(np.isfinite(x))) else None


def clearing_vector(
    liabilities: np.ndarray,
    external_assets: np.ndarray,
    *,
    tol: float = 1e-12,
    max_iter: int = 10_000,
    nodes: Sequence[Hashable] | None = None,
) -> Clearing:
    """The greatest Eisenberg–Noe clearing payment vector.

    Parameters
    ----------
    liabilities : array_like of shape (n, n)
        ``L_ij`` >= 0: what party ``i`` owes party ``j``; zero diagonal.
    external_assets : array_like of shape (n,)
        ``e_i`` >= 0: assets of party ``i`` outside the network (cash).
    tol : float, default 1e-12
        Tolerance, relative to ``max(1, max p̄)``: for the stopping rule, the accepted residual
        of the clearing equations and the test ``p < p̄`` of a default.
    max_iter : int, default 10000
        Maximum number of iterations (>= 1).
    nodes : sequence of hashable, optional
        Labels of the parties (default ``0 .. n-1``).

    Returns
    -------
    Clearing
        ``payments``, ``defaults``, ``losses`` (of each creditor), ``equity``.

    Raises
    ------
    InvalidParameterError
        Shapes do not match, an entry is negative, NaN or infinite, the diagonal of
        ``liabilities`` is not zero, ``tol`` <= 0 or ``max_iter`` < 1.

    Notes
    -----
    With ``p̄_i = Σ_j L_ij`` and relative liabilities ``Π_ij = L_ij / p̄_i`` (0 when ``p̄_i = 0``),
    a clearing vector is a fixed point of ``Φ(p) = min(p̄, e + Πᵀ p)``: every party pays what
    it owes or everything it has, creditors are paid pro rata. ``Φ`` is monotone, so iterating
    it from ``p̄`` decreases to the *greatest* clearing vector (Eisenberg & Noe 2001, Thm. 1;
    unique when every party has positive external assets).

    Each iteration is one step of the fictitious-default algorithm: with ``D`` the parties
    that default at the current ``p``, solve the linear system in which exactly ``D`` default
    (non-defaulters pay ``p̄``, defaulters pay ``e + Πᵀ p``); if the solution is a clearing
    vector below the current ``p`` it is the greatest one (no other clearing vector between
    them can have more defaulters) and the algorithm stops; otherwise ``p ← Φ(p)``, which
    only adds defaulters. At most ``n`` linear solves are needed when the systems are
    regular; a singular system (a closed group of defaulters without outside assets) falls
    back to the plain monotone iteration. Cost: O(n³) per solve.

    References
    ----------
    Eisenberg, L. & Noe, T. H. (2001). Systemic risk in financial systems. *Management Science*
    47(2), 236–249.

    Examples
    --------
    Bank 0 owes bank 1 10 and holds 4 in cash; bank 1 owes nothing:

    >>> import numpy as np
    >>> res = clearing_vector(np.array([[0.0, 10.0], [0.0, 0.0]]), np.array([4.0, 1.0]))
    >>> res.payments.tolist(), res.defaults.tolist()
    ([4.0, 0.0], [True, False])
    >>> res.losses.tolist(), res.equity.tolist()
    ([0.0, 6.0], [0.0, 5.0])
    """
    L = np.asarray(liabilities, dtype=float)
    e = np.asarray(external_assets, dtype=float)
    if L.ndim != 2 or L.shape[0] != L.shape[1]:
        raise InvalidParameterError(f"`liabilities` must be a square matrix; got shape {L.shape}")
    n = L.shape[0]
    if e.shape != (n,):
        raise InvalidParameterError(
            f"`external_assets` must have shape ({n},) to match `liabilities`; got {e.shape}"
        )
    for name, arr in (("liabilities", L), ("external_assets", e)):
        if not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise InvalidParameterError(f"`{name}` must be finite and >= 0")
    if np.any(np.diag(L) != 0):
        raise InvalidParameterError("`liabilities` must have a zero diagonal (no self-debt)")
    if not (isinstance(tol, int | float) and tol > 0):
        raise InvalidParameterError(f"`tol` must be > 0; got {tol!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise InvalidParameterError(f"`max_iter` must be an integer >= 1; got {max_iter!r}")
    labels: tuple[Hashable, ...] = tuple(range(n)) if nodes is None else tuple(nodes)
    if len(labels) != n:
        raise InvalidParameterError(f"`nodes` must have {n} labels; got {len(labels)}")

    owed = L.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        pi = np.where(owed[:, None] > 0, L / owed[:, None], 0.0)
    scale = max(1.0, float(owed.max(initial=0.0)))
    eps = tol * scale

    def phi(p: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.minimum(owed, e + pi.T @ p)
        return out

    p = owed.copy()
    converged = False
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - reported after the loop
        default = e + pi.T @ p < owed
        x = _restricted_solve(pi, e, owed, default)
        if (
            x is not None
            and np.all(x >= -eps)
            and np.all(x <= p + eps)
            and np.max(np.abs(phi(x) - x), initial=0.0) <= eps
        ):
            p = np.clip(x, 0.0, owed)
            converged = True
            break
        nxt = phi(p)
        step = float(np.max(p - nxt, initial=0.0))
        p = nxt
        if step <= eps:
            converged = True
            break

    paid_in = e + pi.T @ p
    return Clearing(
        nodes=labels,
        owed=owed,
        external_assets=e,
        payments=p,
        defaults=owed - p > eps,
        losses=pi.T @ (owed - p),
        equity=np.maximum(paid_in - p, 0.0) if converged else paid_in - p,
        iterations=iterations,
        converged=converged,
    )


def clearing_from_graph(
    G: nx.DiGraph,
    cash: Mapping[N, float],
    *,
    layers: Iterable[str] | None = ("credit",),
    weight: str = "amount",
    tol: float = 1e-12,
    max_iter: int = 10_000,
) -> Clearing:
    """Eisenberg–Noe clearing of the credit edges of a money-flow graph.

    **Direction.** In the ledger a loan is a flow ``lender → borrower`` (the money goes from
    the lender to the borrower). The *borrower owes the lender*, so an edge ``u → v`` of amount
    ``a`` becomes the liability ``L[v, u] = a``: the payee owes the payer.

    Parameters
    ----------
    G : networkx.DiGraph
        A money-flow graph (:func:`~aiinfra.flows.flow_graph`). Not modified.
    cash : mapping of node to float
        External assets (>= 0, same units as the amounts) of **every** company in the credit
        network; keys must be nodes of ``G`` (companies outside the credit network are
        ignored).
    layers : iterable of str or None, default ("credit",)
        An edge is a liability when every entry of its ``flow_layers`` attribute is in
        ``layers`` (an edge without ``flow_layers`` is not); None: every edge is a liability.
    weight : str, default "amount"
        Edge attribute holding the amount. Undisclosed (NaN) liabilities are left out and
        listed in :attr:`Clearing.undisclosed` — never guessed.
    tol, max_iter
        As in :func:`clearing_vector`.

    Returns
    -------
    Clearing
        With ``nodes`` the companies of the credit network, in the order of ``G``.

    Raises
    ------
    InvalidParameterError
        An edge mixes layers in and out of ``layers`` (its amount cannot be split: build the
        graph with ``flow_graph(ledger, layers=["credit"])``); a ``cash`` key is not a node
        of ``G``; a company of the credit network has no ``cash``; a value is invalid as in
        :func:`clearing_vector`.

    Examples
    --------
    A bank lends 10 to a builder that holds 6 in cash:

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("bank", "builder", amount=10.0, flow_layers=["credit"])
    >>> res = clearing_from_graph(g, {"bank": 0.0, "builder": 6.0})
    >>> res.to_frame()[["node", "owed", "paid", "default", "creditor_loss"]]
          node  owed  paid  default  creditor_loss
    0     bank   0.0   0.0    False            4.0
    1  builder  10.0   6.0     True            0.0
    """
    _check_graph(G)
    keep = None if layers is None else set(layers)
    edges: list[tuple[Hashable, Hashable, float]] = []
    undisclosed: list[tuple[Hashable, Hashable]] = []
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        if keep is not None:
            own = set(data.get("flow_layers") or ())
            if not own & keep:
                continue
            if not own <= keep:
                raise InvalidParameterError(
                    f"edge {u!r} → {v!r} mixes flow layers {sorted(own)} with `layers` "
                    f"{sorted(keep)}; its amount cannot be split: build the graph with "
                    "flow_graph(ledger, layers=[...]) first"
                )
        amount = _check_amount(_edge_amount(data, weight), weight)
        if math.isnan(amount):
            undisclosed.append((v, u))
            continue
        edges.append((v, u, amount))  # the borrower (payee) owes the lender (payer)
    for node in cash:
        if node not in G:
            raise InvalidParameterError(
                f"`cash` names a company that is not a node of `G`: {node!r}"
            )
    members = {x for b, lender, _ in edges for x in (b, lender)}
    members |= {x for pair in undisclosed for x in pair}
    nodes = [node for node in G if node in members]
    missing = [node for node in nodes if node not in cash]
    if missing:
        raise InvalidParameterError(
            f"`cash` must give the external assets of every company in the credit network; "
            f"missing: {', '.join(map(repr, missing))}"
        )
    pos = {node: k for k, node in enumerate(nodes)}
    L = np.zeros((len(nodes), len(nodes)))
    for borrower, lender, amount in edges:
        L[pos[borrower], pos[lender]] += amount
    e = np.array([_as_float(cash[node], "cash", node) for node in nodes], dtype=float)
    res = clearing_vector(L, e, tol=tol, max_iter=max_iter, nodes=nodes)
    return Clearing(
        nodes=res.nodes,
        owed=res.owed,
        external_assets=res.external_assets,
        payments=res.payments,
        defaults=res.defaults,
        losses=res.losses,
        equity=res.equity,
        iterations=res.iterations,
        converged=res.converged,
        undisclosed=tuple(undisclosed),
    )
