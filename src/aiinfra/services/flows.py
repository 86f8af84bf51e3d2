"""Flow-map use cases: cycles, circularity metrics, significance, export (CLI, web, report)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import networkx as nx

from aiinfra.config import Settings
from aiinfra.dates import resolve_as_of
from aiinfra.exceptions import InvalidParameterError

# BASES: the amount bases a graph is built on (re-exported: the web offers them as choices)
from aiinfra.flows import BASES, Basis, evidence_split, flow_graph
from aiinfra.services.ledger import load

__all__ = [
    "BASES",
    "EXPORT_FORMATS",
    "Basis",
    "cycles",
    "export",
    "export_graph",
    "graph",
    "metrics",
    "significance",
]

EXPORT_FORMATS = ("graphml", "gexf", "json")


def _clean(v: Any) -> Any:
    return None if isinstance(v, float) and math.isnan(v) else v


def graph(
    settings: Settings,
    as_of: object = None,
    basis: Basis = "committed",
    data_dir: str | None = None,
) -> nx.DiGraph:
    """The flow graph in force on ``as_of`` (default today) on ``basis``."""
    day = resolve_as_of(as_of)
    return flow_graph(load(settings, data_dir), day, basis)


def _evidence(split: dict[str, Any]) -> dict[str, Any]:
    """The evidence split as JSON values (NaN → None)."""
    return {k: _clean(v) if not isinstance(v, dict) else v for k, v in split.items()}


def cycles(
    settings: Settings,
    as_of: object = None,
    basis: Basis = "committed",
    max_length: int = 5,
    data_dir: str | None = None,
) -> dict[str, Any]:
    """Every simple money cycle of 3..max_length companies (``nodes``: ids, ``names``: the
    company names in the same order), and the reciprocal pairs."""
    from aiinfra.flows import find_cycles, reciprocal_pairs

    g = graph(settings, as_of, basis, data_dir)
    found = sorted(
        find_cycles(g, length_bound=max_length),
        key=lambda c: (-(c.bottleneck if not math.isnan(c.bottleneck) else -1), c.nodes),
    )

    def ring(nodes: list[str]) -> list[tuple[str, str]]:
        return list(zip(nodes, [*nodes[1:], nodes[0]], strict=True))

    rows = []
    on_cycles: set[tuple[str, str]] = set()
    for c in found:
        row = {k: _clean(v) for k, v in c.to_dict().items()}
        row["names"] = [str(g.nodes[n].get("name") or n) for n in c.nodes]
        edges = ring([str(n) for n in c.nodes])
        on_cycles.update(edges)
        row["evidence"] = _evidence(evidence_split(g, edges))
        rows.append(row)
    return {
        "as_of": g.graph["as_of"],
        "basis": basis,
        "max_length": max_length,
        "evidence": _evidence(evidence_split(g, sorted(on_cycles))),
        "cycles": rows,
        "reciprocal_pairs": [{k: _clean(v) for k, v in p.items()} for p in reciprocal_pairs(g)],
    }


def metrics(
    settings: Settings,
    as_of: object = None,
    basis: Basis = "committed",
    samples: int = 0,
    seed: int | None = None,
    data_dir: str | None = None,
) -> dict[str, Any]:
    """System cycling index; per company: cycling, self-funded share, hubs and dependence
    (``largest_counterparty``: the id of the payer of the largest inflow,
    ``largest_counterparty_name`` its name).

    With ``samples`` > 0, Monte Carlo intervals over the uncertain amounts are added.
    """
    from aiinfra.flows import (
        cycling_index,
        evidence_split,
        hub_metrics,
        self_funded_share,
        sensitivity,
    )

    g = graph(settings, as_of, basis, data_dir)
    ci = cycling_index(g)
    sf = self_funded_share(g)
    hubs = hub_metrics(g)
    per = hubs.copy()
    per["cycling"] = ci.per_node.reindex(per.index)
    per["self_funded_share"] = sf.reindex(per.index)
    per.insert(0, "name", [g.nodes[n]["name"] for n in per.index])
    per.insert(1, "layer", [g.nodes[n]["layer"] for n in per.index])
    # the payer of the largest inflow by name beside its id (None: no inflow)
    largest = per["largest_counterparty"]
    per.insert(
        list(per.columns).index("largest_counterparty") + 1,
        "largest_counterparty_name",
        [str(g.nodes[p].get("name") or p) if p in g else None for p in largest],
    )
    per = per.sort_values("self_funded_share", ascending=False, na_position="last")
    # what the inflows (the base of the self-funded share) rest on, by source tier
    ev = {n: evidence_split(g, list(g.in_edges(n))) for n in per.index}
    per["inflows_by_tier"] = [ev[n]["by_tier"] for n in per.index]
    per["inflows_quoted"] = [ev[n]["quoted"] for n in per.index]
    out: dict[str, Any] = {
        "as_of": g.graph["as_of"],
        "basis": basis,
        "system_cycling_index": ci.system,
        "total_throughflow": float(ci.throughflow.sum()),
        "companies": [
            {"id": i, **{k: _clean(v) for k, v in r.items()}}
            for i, r in per.to_dict(orient="index").items()
        ],
    }
    if samples:
        intervals = sensitivity(g, samples=samples, seed=seed)
        out["sensitivity"] = json.loads(intervals.to_json(orient="records"))
    return out


def significance(
    settings: Settings,
    as_of: object = None,
    basis: Basis = "committed",
    samples: int = 1000,
    seed: int | None = None,
    model: str = "degree",
    max_length: int = 5,
    data_dir: str | None = None,
) -> dict[str, Any]:
    """Observed circularity against a null model (p-value and z-score)."""
    from aiinfra.flows import significance as run

    if samples < 1:
        raise InvalidParameterError(f"`samples` must be ≥ 1; got {samples}")
    g = graph(settings, as_of, basis, data_dir)
    result = run(g, samples=samples, seed=seed, model=model, length_bound=max_length)  # type: ignore[arg-type]
    return {
        "as_of": g.graph["as_of"],
        "basis": basis,
        "samples": samples,
        "seed": seed,
        "model": model,
        **result.to_dict(),
    }


def export(
    settings: Settings,
    fmt: str,
    out: str | None,
    as_of: object = None,
    basis: Basis = "committed",
    data_dir: str | None = None,
) -> str:
    """The graph as GraphML, GEXF (Gephi) or node-link JSON (Cytoscape); returns the text.

    Every node keeps the company id as its id and as the attribute ``company_id``; its
    ``label`` is the company name. Every edge has a numeric ``weight``: the amount on
    ``basis`` in USD bn of the deals on it that state one (see :func:`export_graph`).
    """
    if fmt not in EXPORT_FORMATS:
        raise InvalidParameterError(
            f"`format` must be one of {', '.join(EXPORT_FORMATS)}; got {fmt!r}"
        )
    flat = export_graph(graph(settings, as_of, basis, data_dir))
    if fmt == "json":
        text = json.dumps(nx.node_link_data(flat, edges="edges"), indent=2, default=str)
    else:
        import io

        buf = io.BytesIO()
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(flat, buf)
        text = buf.getvalue().decode("utf-8")
    if out is not None:
        from aiinfra._io import atomic_file

        atomic_file(Path(out), text)
    return text


def export_graph(g: nx.DiGraph) -> nx.DiGraph:
    """The flow graph flattened for GraphML, GEXF and JSON (scalar attributes only).

    Nodes: ``label`` = the company name (Gephi shows it), ``company_id`` = the node id.
    Edges: ``weight`` = ``amount`` (USD bn on the graph's basis) of the deals that state an
    amount; ``amount_known`` is false when none of them does, and then ``weight`` is 0 and
    ``amount``, ``amount_low`` and ``amount_high`` are left out (an unknown amount is absent,
    never a sentinel such as −1); ``undisclosed`` counts the deals on the edge whose amount is
    not stated (not in ``weight``). Lists become ``;``-joined text and the amount by source tier
    one number per tier (``evidence_<tier>``): GraphML and GEXF hold no lists or mappings.
    """
    flat = nx.DiGraph(**{k: str(v) for k, v in g.graph.items()})
    for n, d in g.nodes(data=True):
        attrs = {k: ("" if v is None else v) for k, v in d.items()}
        attrs["label"] = str(d.get("name") or n)
        attrs["company_id"] = str(n)
        flat.add_node(n, **attrs)
    for u, v, d in g.edges(data=True):
        d = dict(d)
        for tier, a in d.pop("evidence", {}).items():
            d[f"evidence_{tier}"] = float(a)
        attrs = {k: (";".join(map(str, x)) if isinstance(x, list) else x) for k, x in d.items()}
        attrs = {k: x for k, x in attrs.items() if not (isinstance(x, float) and math.isnan(x))}
        amount = attrs.get("amount")
        attrs["amount_known"] = amount is not None
        attrs["weight"] = float(amount) if amount is not None else 0.0
        flat.add_edge(u, v, **attrs)
    return flat
