"""The report's capital-flow map section."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from aiinfra.ledger import Ledger
from aiinfra.report._charts import esc
from aiinfra.report._i18n import label

__all__ = ["flows_html"]

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


def _layout(g: Any) -> dict[str, tuple[float, float]]:
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


def flows_html(
    ledger: Ledger,
    as_of: pd.Timestamp,
    lang: str,
    charts: list[str],
    sources: set[tuple[str, str]],
    fig_html: Any,
    table: Any,
    fmt: Any,
) -> str:
    """The flow-map section (empty string when no flow is in force)."""
    import plotly.graph_objects as go

    from aiinfra.flows import cycling_index, find_cycles, flow_graph, hub_metrics, self_funded_share
    from aiinfra.flows import significance as null_test

    def L(k: str) -> str:
        return label(k, lang)

    g = flow_graph(ledger, as_of, "committed")
    if g.number_of_edges() == 0:
        return ""
    out = [f'<section id="flows"><h2>{L("flows")}</h2><p class="small">{L("flows_intro")}</p>']
    pos = _layout(g)
    buckets: dict[int, list[tuple[str, str]]] = {}
    for u, v, d in g.edges(data=True):
        a = d["amount"]
        w = 1 if math.isnan(a) or a < 5 else 2 if a < 25 else 4 if a < 100 else 7
        buckets.setdefault(w, []).append((u, v))
    fig = go.Figure()
    for w, edges in sorted(buckets.items()):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for u, v in edges:
            xs += [pos[u][0], pos[v][0], None]
            ys += [pos[u][1], pos[v][1], None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"width": w, "color": "rgba(80,90,120,0.35)"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    names = list(g.nodes)
    ci = cycling_index(g)
    fig.add_trace(
        go.Scatter(
            x=[pos[n][0] for n in names],
            y=[pos[n][1] for n in names],
            mode="markers+text",
            text=[esc(n) for n in names],
            textposition="middle right",
            textfont={"size": 9},
            marker={
                "size": [
                    6 + 3 * math.sqrt(max(float(ci.throughflow.get(n, 0.0)), 0.0)) for n in names
                ],
                "color": [LAYER_COLUMN.get(str(g.nodes[n]["layer"]), 2) for n in names],
                "colorscale": "Viridis",
                "line": {"width": 0},
            },
            hovertext=[f"{esc(g.nodes[n]['name'])} ({esc(g.nodes[n]['layer'])})" for n in names],
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.update_layout(
        title=L("flow_picture"),
        height=760,
        margin={"t": 40, "l": 10, "r": 10},
        xaxis={
            "tickvals": list(range(6)),
            "ticktext": [L(f"col{i}") for i in range(6)],
            "showgrid": False,
            "zeroline": False,
        },
        yaxis={"visible": False},
    )
    charts.append(fig_html(fig))
    out.append(charts[-1])

    cycles = sorted(
        find_cycles(g, length_bound=5),
        key=lambda c: -(0 if math.isnan(c.bottleneck) else c.bottleneck),
    )
    rows = [
        {
            L("cycle"): " → ".join(str(n) for n in [*c.nodes, c.nodes[0]]),
            L("bottleneck"): "–" if math.isnan(c.bottleneck) else fmt.num(c.bottleneck, 1),
            "flow ids": " | ".join(",".join(ids) for ids in c.flow_ids),
        }
        for c in cycles[:15]
    ]
    out.append(f"<h3>{L('cycles')} ({len(cycles)})</h3>" + table(pd.DataFrame(rows)))
    sig = null_test(g, samples=200, seed=1, model="degree", length_bound=5).to_dict()
    stat_rows = []
    for key, value in sig.items():
        if isinstance(value, dict) and "observed" in value:
            stat_rows.append(
                {
                    L("statistic"): key,
                    L("observed"): fmt.num(value["observed"], 3),
                    L("null_mean"): fmt.num(value.get("null_mean"), 3),
                    "z": fmt.num(value.get("z_score"), 2),
                    "p": fmt.num(value.get("p_value"), 3),
                }
            )
    out.append(
        f"<h3>{L('circularity')}</h3><p>{L('system_ci')}: <b>{fmt.num(ci.system, 3)}</b>. "
        f"{L('significance_note')}</p>" + table(pd.DataFrame(stat_rows))
    )
    sf = self_funded_share(g)
    hubs = hub_metrics(g)
    dep = (
        hubs.assign(self_funded=sf.reindex(hubs.index))
        .sort_values("in_strength", ascending=False)
        .head(15)
    )
    dep_rows = [
        {
            L("company"): g.nodes[n]["name"],
            L("inflows"): fmt.num(r["in_strength"], 1),
            L("self_funded"): fmt.pct(r["self_funded"]),
            L("largest_payer"): str(r.get("largest_counterparty", "")),
            L("largest_share"): fmt.pct(r.get("largest_share", math.nan)),
            "HHI": fmt.num(r.get("hhi", math.nan), 2),
        }
        for n, r in dep.iterrows()
    ]
    out.append(f"<h3>{L('dependence')}</h3>" + table(pd.DataFrame(dep_rows)))
    flows = ledger.flows.set_index("id")
    for _, _, d in g.edges(data=True):
        for fid in d["flow_ids"]:
            sources.add((L("ledger_source"), f"flows.csv {fid}: {flows.at[fid, 'source']!s}"))
    out.append("</section>")
    return "".join(out)
