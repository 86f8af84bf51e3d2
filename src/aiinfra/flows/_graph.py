"""The money-flow graph: who pays whom, as of a date, on a chosen amount basis."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from aiinfra.dates import resolve_as_of
from aiinfra.exceptions import InvalidParameterError
from aiinfra.ledger import IN_FORCE, Ledger

__all__ = ["BASES", "FLOW_LAYERS", "IN_FORCE", "TIERS", "evidence_split", "flow_graph"]

Basis = Literal["committed", "ceiling", "funded", "annualised"]
BASES: tuple[str, ...] = ("committed", "ceiling", "funded", "annualised")
FLOW_LAYERS: tuple[str, ...] = ("cash", "compute", "equity", "credit", "power")
#: the amount used when the chosen basis is missing, in order
FALLBACK: dict[str, tuple[str, ...]] = {
    "committed": ("committed", "ceiling", "funded"),
    "ceiling": ("ceiling", "committed", "funded"),
    "funded": ("funded", "committed", "ceiling"),
    "annualised": ("committed", "ceiling", "funded"),
}


def _bounds(row: Any, amount: float) -> tuple[float, float]:
    """(low, high) of a deal's amount: funded (else the amount) to ceiling (else the amount)."""

    def val(col: str) -> float:
        v = row[col]
        return math.nan if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    low, high = val("funded"), val("ceiling")
    low = amount if math.isnan(low) else min(low, amount) if not math.isnan(amount) else low
    high = amount if math.isnan(high) else max(high, amount) if not math.isnan(amount) else high
    return low, high


def _pick(row: Any, basis: str) -> tuple[float, str | None]:
    for i, col in enumerate(FALLBACK[basis]):
        v = row[col]
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            return float(v), (None if i == 0 else col)
    return math.nan, "undisclosed"


def _annualise(
    years: Any,
    amount: float,
    low: float,
    high: float,
    fallback: str | None,
    default_horizon: float | None,
) -> tuple[float, float, float, str | None]:
    """Amounts a year over the deal's ``horizon_years``; without one, over ``default_horizon``
    (flagged ``assumed_horizon=…``) or not at all (flagged ``no_horizon``)."""
    if years is None or (isinstance(years, float) and math.isnan(years)) or years <= 0:
        if default_horizon is None:
            return amount, low, high, (fallback + "+" if fallback else "") + "no_horizon"
        fallback = (fallback + "+" if fallback else "") + f"assumed_horizon={default_horizon:g}"
        return (
            amount / default_horizon,
            low / default_horizon,
            high / default_horizon,
            fallback,
        )
    y = float(years)
    return amount / y, low / y, high / y, fallback


def flow_graph(
    ledger: Ledger,
    as_of: object = None,
    basis: Basis = "committed",
    layers: Iterable[str] | None = None,
    *,
    default_horizon: float | None = None,
) -> nx.DiGraph:
    """The directed money-flow graph in force on ``as_of``.

    Parameters
    ----------
    ledger : Ledger
    as_of : date, optional
        Deals announced by then, with the status and amounts in force then (default today).
        Stalled and terminated deals are left out; each obligation is counted once (the
        ``counted`` rows of :meth:`Ledger.as_of`).
    basis : {"committed", "ceiling", "funded", "annualised"}
        The amount on each edge. A deal without an amount on the basis falls back to the next one
        (committed → ceiling → funded; ceiling → committed → funded; funded → committed →
        ceiling) and the edge records ``fallback``; ``annualised`` divides the committed (or
        fallback) amount by ``horizon_years`` (1 when not stated, flagged ``no_horizon``).
    layers : iterable of str, optional
        Flow layers to keep (``cash``, ``compute``, ``equity``, ``credit``); default all.
    default_horizon : float, optional
        With ``annualised``: the years assumed for a deal without ``horizon_years`` instead of 1
        (an assumption, flagged ``assumed_horizon=<years>`` in ``fallback``).

    Returns
    -------
    networkx.DiGraph
        Nodes are company ids with ``name``, ``layer``, ``ticker``, ``listed``, ``category``.
        Edges payer → payee with ``amount`` (USD bn per year for annualised, else USD bn; NaN
        when undisclosed on every basis), ``amount_low`` / ``amount_high`` (the uncertainty
        range: funded … ceiling of the deals, else the amount), ``flow_ids``, ``types``,
        ``flow_layers``, ``fallback`` (list of the bases used instead), ``undisclosed`` (count
        of deals without any amount), ``evidence`` (the amount by ``source_tier`` of its deals),
        ``quoted`` (the part of the amount whose deals carry a verbatim quote) and
        ``assumed_terms`` (``(flow id, type, amount before annualising)`` of each deal annualised
        over ``default_horizon``: what :func:`aiinfra.stress.stress` redraws in its horizon Monte
        Carlo).
        Several deals between the same pair are one edge with the summed amount.

    Examples
    --------
    >>> from aiinfra import load_ledger
    >>> g = flow_graph(load_ledger(), "2026-06-30")
    >>> g.has_edge("openai", "oracle")
    True
    """
    if basis not in BASES:
        raise InvalidParameterError(f"`basis` must be one of {', '.join(BASES)}; got {basis!r}")
    if default_horizon is not None and not (math.isfinite(default_horizon) and default_horizon > 0):
        raise InvalidParameterError(
            f"`default_horizon` must be a positive number of years; got {default_horizon!r}"
        )
    keep = set(layers) if layers is not None else set(FLOW_LAYERS)
    if not keep <= set(FLOW_LAYERS):
        bad = sorted(keep - set(FLOW_LAYERS))
        raise InvalidParameterError(f"`layers` must be among {', '.join(FLOW_LAYERS)}; got {bad}")
    view = ledger.as_of(resolve_as_of(as_of))
    flows = view.flows
    keep_rows = flows["counted"] & flows["status"].isin(IN_FORCE) & flows["flow_layer"].isin(keep)
    g = nx.DiGraph(as_of=str(view.as_of.date()), basis=basis)
    comp = _node_attrs(ledger.companies)
    for rec in _records(flows, _EDGE_COLUMNS, keep_rows.to_numpy(dtype=bool)):
        amount, fallback = _pick(rec, basis)
        low, high = _bounds(rec, amount)
        raw = amount
        if basis == "annualised" and not math.isnan(amount):
            amount, low, high, fallback = _annualise(
                rec["horizon_years"], amount, low, high, fallback, default_horizon
            )
        u, v = rec["payer"], rec["payee"]
        _add_nodes(g, comp, (u, v))
        if g.has_edge(u, v):
            e = g.edges[u, v]
            for key, add in (("amount", amount), ("amount_low", low), ("amount_high", high)):
                if math.isnan(e[key]):
                    e[key] = add
                elif not math.isnan(add):
                    e[key] += add
        else:
            g.add_edge(
                u,
                v,
                amount=amount,
                amount_low=low,
                amount_high=high,
                flow_ids=[],
                types=[],
                flow_layers=[],
                fallback=[],
                undisclosed=0,
                evidence={},
                quoted=0.0,
                assumed_terms=[],
            )
            e = g.edges[u, v]
        if not math.isnan(amount):
            tier = str(rec["source_tier"])
            e["evidence"][tier] = e["evidence"].get(tier, 0.0) + amount
            q = rec.get("quote")
            if isinstance(q, str) and q.strip():
                e["quoted"] += amount
        e["flow_ids"].append(rec["id"])
        e["types"].append(rec["type"])
        e["flow_layers"].append(rec["flow_layer"])
        if fallback and "assumed_horizon=" in fallback:
            e["assumed_terms"].append((rec["id"], rec["type"], raw))
        if fallback == "undisclosed":
            e["undisclosed"] += 1
        elif fallback:
            e["fallback"].append(f"{rec['id']}:{fallback}")
    return g


#: the columns of a flow that :func:`flow_graph` reads
_EDGE_COLUMNS = ("id", "payer", "payee", "type", "flow_layer", "ceiling", "committed", "funded",
                 "horizon_years", "source_tier", "quote")  # fmt: skip


def _records(
    frame: pd.DataFrame, columns: Iterable[str], rows: np.ndarray | None = None
) -> list[dict[str, Any]]:
    """The rows of ``frame`` (those where the boolean array ``rows`` is true, in order) as dicts
    of the ``columns`` it has: the values of ``DataFrame.to_dict(orient="records")``, read a
    column at a time."""
    cols = [c for c in columns if c in frame.columns]
    values = [frame[c].tolist() for c in cols]
    if rows is not None:
        at = np.flatnonzero(rows).tolist()
        values = [[v[i] for i in at] for v in values]
    return [dict(zip(cols, row, strict=True)) for row in zip(*values, strict=True)]


def _node_attrs(companies: pd.DataFrame) -> dict[Any, dict[str, Any]]:
    """The node attributes of each company by id: name, layer, ticker (``""`` when it has
    none), listed, category (``""`` when it has none)."""
    out: dict[Any, dict[str, Any]] = {}
    for c in _records(companies, ("id", "name", "layer", "ticker", "listed", "category")):
        out[c["id"]] = {
            "name": c["name"],
            "layer": c["layer"],
            "ticker": c["ticker"] if isinstance(c["ticker"], str) else "",
            "listed": bool(c["listed"]),
            "category": c["category"] if isinstance(c["category"], str) else "",
        }
    return out


def _add_nodes(g: nx.DiGraph, comp: dict[Any, dict[str, Any]], nodes: Iterable[str]) -> None:
    """Add the companies ``nodes`` that ``g`` lacks, with their name, layer, ticker, listing
    and category from ``comp`` (:func:`_node_attrs`)."""
    for node in nodes:
        if node not in g:
            g.add_node(node, **comp[node])


def graph_frame(g: nx.DiGraph) -> pd.DataFrame:
    """The edges of a flow graph as a table (one row per payer → payee pair)."""
    rows = [
        {
            "payer": u,
            "payee": v,
            "amount": d["amount"],
            "flow_ids": ";".join(d["flow_ids"]),
            "types": ";".join(sorted(set(d["types"]))),
            "fallback": ";".join(d["fallback"]),
            "undisclosed": d["undisclosed"],
        }
        for u, v, d in g.edges(data=True)
    ]
    return pd.DataFrame(
        rows, columns=["payer", "payee", "amount", "flow_ids", "types", "fallback", "undisclosed"]
    )


#: source tiers from the strongest evidence to the weakest
TIERS: tuple[str, ...] = ("filing", "company", "press", "secondary", "seed")


def evidence_split(g: nx.DiGraph, edges: Any = None) -> dict[str, Any]:
    """How much of the summed amount of ``edges`` (default: every edge of ``g``) rests on each
    source tier, and how much on deals with a verbatim quote.

    Returns
    -------
    dict
        ``total`` (USD bn on the graph's basis), ``by_tier`` (tier → share of the total, in
        :data:`TIERS` order, tiers with no amount left out), ``quoted`` (share), ``text`` (one
        sentence, e.g. "62 % of 40.0 rests on press reports, 30 % on filings …").

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("a", "b", evidence={"press": 6.0, "filing": 4.0}, quoted=4.0)
    >>> evidence_split(g)["by_tier"]
    {'filing': 0.4, 'press': 0.6}
    """
    pairs = list(g.edges) if edges is None else list(edges)
    amounts: dict[str, float] = {}
    quoted = 0.0
    for u, v in pairs:
        d = g.edges[u, v]
        for tier, a in d.get("evidence", {}).items():
            amounts[tier] = amounts.get(tier, 0.0) + float(a)
        quoted += float(d.get("quoted", 0.0))
    total = sum(amounts.values())
    if total <= 0:
        return {"total": 0.0, "by_tier": {}, "quoted": float("nan"), "text": "no amount"}
    order = [t for t in TIERS if t in amounts] + sorted(set(amounts) - set(TIERS))
    by_tier = {t: amounts[t] / total for t in order}
    named = {"filing": "filings", "company": "company statements", "press": "press reports",
             "secondary": "secondary sources", "seed": "the seed articles"}  # fmt: skip
    ranked = sorted(by_tier.items(), key=lambda kv: -kv[1])
    parts = [f"{share:.0%} on {named.get(t, t)}" for t, share in ranked]
    text = (
        f"of {total:,.1f} USD bn, " + ", ".join(parts) + f"; {quoted / total:.0%} carries a quote"
    )
    return {"total": total, "by_tier": by_tier, "quoted": quoted / total, "text": text}
