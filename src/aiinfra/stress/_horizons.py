"""Deal horizons in the stress test: the stated terms of the ledger as a distribution, and a Monte
Carlo over the terms of the deals that state none.

On the ``annualised`` basis a deal's amount a year is its amount over its term. Where the ledger
states no term (``horizon_years``), :func:`aiinfra.stress.stress` assumes the scenario's
``default_horizon_years`` (5) for its point estimate. :func:`horizon_monte_carlo` instead draws each
such deal's term, independently, from the terms the ledger *states* for deals of the same type
known on the stress date (:func:`term_distribution`; a type with fewer than ``min_own`` stated
terms draws from the terms of all types), re-runs the propagation for every draw and reports the
spread of each company's loss, the total loss and the index impact.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from aiinfra.exceptions import InvalidParameterError
from aiinfra.ledger import Ledger
from aiinfra.stress._propagation import Prepared, prepare

__all__ = ["HorizonMonteCarlo", "TermDistribution", "horizon_monte_carlo", "term_distribution"]

#: quantiles reported by the Monte Carlo (5th, 50th and 95th percentile)
QUANTILES: tuple[float, float, float] = (0.05, 0.5, 0.95)


@dataclass(frozen=True)
class TermDistribution:
    """The stated terms (years) of the ledger's deals, by deal type, known on ``as_of``.

    Attributes
    ----------
    as_of : str
    by_type : dict
        Deal type → the stated terms of the counted deals of that type (sorted).
    pooled : tuple of float
        The stated terms of all counted deals (sorted): what a type with fewer than ``min_own``
        stated terms draws from.
    min_own : int
    """

    as_of: str
    by_type: dict[str, tuple[float, ...]]
    pooled: tuple[float, ...]
    min_own: int = 3

    def terms_for(self, deal_type: str) -> tuple[tuple[float, ...], str]:
        """The terms a deal of ``deal_type`` draws from, and ``"own"`` or ``"pooled"``."""
        own = self.by_type.get(deal_type, ())
        return (own, "own") if len(own) >= self.min_own else (self.pooled, "pooled")

    def to_frame(self) -> pd.DataFrame:
        """One row per type with stated terms, then ``(all types)``: n, median, min, max."""
        rows = [
            {
                "type": t,
                "n_stated": len(v),
                "median_years": float(np.median(v)),
                "min_years": min(v),
                "max_years": max(v),
                "drawn_from": "own" if len(v) >= self.min_own else "pooled",
            }
            for t, v in sorted(self.by_type.items())
        ]
        if self.pooled:
            rows.append(
                {
                    "type": "(all types)",
                    "n_stated": len(self.pooled),
                    "median_years": float(np.median(self.pooled)),
                    "min_years": min(self.pooled),
                    "max_years": max(self.pooled),
                    "drawn_from": "",
                }
            )
        return pd.DataFrame(
            rows,
            columns=["type", "n_stated", "median_years", "min_years", "max_years", "drawn_from"],
        )


def term_distribution(ledger: Ledger, as_of: pd.Timestamp, *, min_own: int = 3) -> TermDistribution:
    """The stated ``horizon_years`` of the deals announced by ``as_of`` (each obligation once:
    the ``counted`` rows of :meth:`Ledger.as_of`), by type.

    Raises
    ------
    InvalidParameterError
        When no deal known on ``as_of`` states a term (there is nothing to draw from).
    """
    flows = ledger.as_of(as_of).flows
    years = pd.to_numeric(flows["horizon_years"], errors="coerce")
    stated = flows[flows["counted"] & years.gt(0)]
    by_type = {
        str(t): tuple(sorted(float(x) for x in pd.to_numeric(g["horizon_years"])))
        for t, g in stated.groupby("type")
    }
    pooled = tuple(sorted(float(x) for x in pd.to_numeric(stated["horizon_years"])))
    if not pooled:
        raise InvalidParameterError(
            f"no deal announced by {as_of.date()} states a term (`horizon_years`): the horizon "
            "Monte Carlo has nothing to draw from"
        )
    return TermDistribution(str(as_of.date()), by_type, pooled, min_own)


@dataclass
class HorizonMonteCarlo:
    """The stress result's spread over the terms of the deals that state none.

    Attributes
    ----------
    draws, seed : int
    default_horizon : float
        The term the point estimate assumes for those deals.
    deals : DataFrame
        The deals drawn: ``flow_id``, ``type``, ``amount_usd_bn`` (before annualising),
        ``drawn_from`` (``own`` type's terms or ``pooled``).
    distribution : TermDistribution
    companies : DataFrame
        One row per company reached in any draw: ``node``, ``loss_point`` (the point estimate),
        ``loss_p05``, ``loss_p50``, ``loss_p95`` (USD bn a year).
    total : dict
        ``point``, ``p05``, ``p50``, ``p95`` of the total loss.
    index_impact : dict
        ``point``, ``p05``, ``p50``, ``p95`` of the index impact (same weights as the point run).
    """

    draws: int
    seed: int
    default_horizon: float
    deals: pd.DataFrame
    distribution: TermDistribution
    companies: pd.DataFrame
    total: dict[str, float] = field(default_factory=dict)
    index_impact: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        import json

        return {
            "draws": self.draws,
            "seed": self.seed,
            "default_horizon_years": self.default_horizon,
            "deals_drawn": len(self.deals),
            "distribution": json.loads(self.distribution.to_frame().to_json(orient="records")),
            "total_loss_usd_bn": self.total,
            "index_impact": self.index_impact,
            "companies": json.loads(self.companies.to_json(orient="records")),
        }


def horizon_monte_carlo(
    g: nx.DiGraph,
    shortfall: Mapping[str, float],
    revenue: Mapping[str, float],
    *,
    distribution: TermDistribution,
    default_horizon: float,
    pass_through: float,
    max_rounds: int,
    elasticity: float,
    listed: Mapping[str, bool],
    weights: Mapping[str, float],
    draws: int = 1000,
    seed: int = 0,
) -> HorizonMonteCarlo:
    """Redraw the terms of the deals annualised over ``default_horizon`` and re-run the
    propagation ``draws`` times.

    ``g`` is the shocked scenario graph of :func:`aiinfra.stress.stress` (annualised over
    ``default_horizon``; its edges' ``assumed_terms`` name those deals). Each draw sets every
    edge to ``amount + Σ raw × (1/term − 1/default_horizon)`` over its assumed deals, each term
    drawn uniformly from :meth:`TermDistribution.terms_for` its type, and propagates; the index
    impact of a draw is ``Σ weight × −min(1, elasticity × loss / revenue)`` over the listed,
    resolved constituents (the point run's rule). ``g`` is not modified.
    """
    if not (isinstance(draws, int) and draws >= 1):
        raise InvalidParameterError(f"`horizon_draws` must be a whole number >= 1; got {draws!r}")
    deals: list[tuple[str, str, float, str, int]] = []  # id, type, raw, drawn_from, edge index
    edges = list(g.edges(data=True))
    base = np.array([_amount(d) for _, _, d in edges])
    for k, (_, _, d) in enumerate(edges):
        for fid, dtype, raw in d.get("assumed_terms", ()):
            _, src = distribution.terms_for(str(dtype))
            deals.append((str(fid), str(dtype), float(raw), src, k))
    rng = np.random.default_rng(seed)
    # one column of terms per deal: uniform draws from its type's (or the pooled) stated terms
    terms = np.empty((draws, len(deals)))
    for j, (_, dtype, _, _, _) in enumerate(deals):
        pool = np.asarray(distribution.terms_for(dtype)[0])
        terms[:, j] = pool[rng.integers(0, len(pool), size=draws)]
    raw = np.array([x[2] for x in deals])
    edge_of = np.array([x[4] for x in deals], dtype=int)
    delta = raw * (1.0 / terms - 1.0 / default_horizon) if deals else np.zeros((draws, 0))
    keys = [(u, v) for u, v, _ in edges]
    prepared = prepare(
        g, shortfall, revenue=revenue, pass_through=pass_through, max_rounds=max_rounds
    )
    point_loss, point_total, point_impact = _one(prepared, keys, base, listed, weights, elasticity)
    losses: dict[str, np.ndarray] = {}
    totals = np.empty(draws)
    impacts = np.empty(draws)
    for i in range(draws):
        amounts = base.copy()
        np.add.at(amounts, edge_of, delta[i])
        loss, totals[i], impacts[i] = _one(prepared, keys, amounts, listed, weights, elasticity)
        for node, x in loss.items():
            arr = losses.get(node)
            if arr is None:
                arr = losses[node] = np.zeros(draws)
            arr[i] = x
    rows = []
    for node in sorted(set(losses) | set(point_loss)):
        arr = losses.get(node, np.zeros(draws))
        q = np.quantile(arr, QUANTILES)
        rows.append(
            {
                "node": node,
                "loss_point": point_loss.get(node, 0.0),
                "loss_p05": float(q[0]),
                "loss_p50": float(q[1]),
                "loss_p95": float(q[2]),
            }
        )
    companies = (
        pd.DataFrame(rows, columns=["node", "loss_point", "loss_p05", "loss_p50", "loss_p95"])
        .sort_values(["loss_p50", "node"], ascending=[False, True])
        .reset_index(drop=True)
    )
    return HorizonMonteCarlo(
        draws=draws,
        seed=seed,
        default_horizon=default_horizon,
        deals=pd.DataFrame(
            [x[:4] for x in deals], columns=["flow_id", "type", "amount_usd_bn", "drawn_from"]
        ),
        distribution=distribution,
        companies=companies,
        total=_quantiles(point_total, totals),
        index_impact=_quantiles(point_impact, impacts),
    )


def _amount(d: Mapping[str, Any]) -> float:
    a = d.get("amount")
    return math.nan if a is None else float(a)


def _quantiles(point: float, values: np.ndarray) -> dict[str, float]:
    q = np.quantile(values, QUANTILES)
    return {"point": float(point), "p05": float(q[0]), "p50": float(q[1]), "p95": float(q[2])}


def _one(
    prepared: Prepared,
    keys: list[tuple[Any, Any]],
    amounts: np.ndarray,
    listed: Mapping[str, bool],
    weights: Mapping[str, float],
    elasticity: float,
) -> tuple[dict[str, float], float, float]:
    """One propagation with the edge ``amounts`` (in ``keys`` order): loss by node, the total
    and the index impact."""
    prop = prepared.run(prepared.payees(keys, amounts.tolist(), "amount"))
    loss = {str(c.node): c.loss_usd for c in prop.companies}
    impact = 0.0
    for c in prop.companies:
        w = weights.get(str(c.node))
        if w is None or c.unresolved or not listed.get(str(c.node), False):
            continue
        s = c.share_of_revenue
        if np.isfinite(s):
            impact += float(w) * -min(1.0, elasticity * s)
    return loss, prop.total_loss, impact
