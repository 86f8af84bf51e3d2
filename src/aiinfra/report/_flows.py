"""The report's capital-flow map section."""

from __future__ import annotations

import html
import math
from typing import Any, Literal

import pandas as pd

from aiinfra.charts import LABELS, LAYER_COLUMN, esc, flow_layout, label, tier_mix
from aiinfra.config import Lang
from aiinfra.exceptions import InvalidParameterError
from aiinfra.ledger import Ledger

__all__ = ["NULL_MODELS_SHOWN", "flows_html", "layer_name", "node_name"]

NULL_MODELS_SHOWN: tuple[Literal["degree", "role"], ...] = ("degree", "role")
"""The null models whose p-values the circularity table shows, each in its own rows."""

CYCLES_SHOWN = 15


def flows_html(
    ledger: Ledger,
    as_of: pd.Timestamp,
    lang: Lang,
    charts: list[str],
    sources: set[tuple[str, str]],
    fig_html: Any,
    table: Any,
    fmt: Any,
) -> str:
    """The flow-map section (empty string when no flow is in force)."""
    from aiinfra.charts import evidence_sentence
    from aiinfra.flows import cycling_index, evidence_split, flow_graph

    def L(k: str) -> str:
        return label(k, lang)

    g = flow_graph(ledger, as_of, "committed")
    if g.number_of_edges() == 0:
        return ""
    out = [f'<section id="flows"><h2>{L("flows")}</h2><p class="small">{L("flows_intro")}</p>']
    ci = cycling_index(g)
    charts.append(fig_html(_flow_figure(g, ci, lang)))
    out.append(charts[-1])
    ev = evidence_sentence(evidence_split(g), lang)
    if ev:
        out.append(f'<p class="small evidence">{html.escape(ev)}</p>')
    out.append(_cycles_html(g, lang, table, fmt))
    out.append(_circularity_html(g, ci, lang, table, fmt))
    out.append(_dependence_html(g, lang, table, fmt))
    flows = ledger.flows.set_index("id")
    for u, v, d in g.edges(data=True):
        deal = f"{node_name(g, u)} → {node_name(g, v)}"
        for fid in d["flow_ids"]:
            sources.add(
                (L("ledger_source"), f"flows.csv {fid} ({deal}): {flows.at[fid, 'source']!s}")
            )
    out.append("</section>")
    return "".join(out)


def node_name(g: Any, node: Any) -> str:
    """A company of the flow graph by its name (its id when the ledger gives none)."""
    if node not in g.nodes:
        return str(node)
    name = g.nodes[node].get("name")
    return str(node) if name is None or str(name) in ("", "nan") else str(name)


def layer_name(layer: Any, lang: Lang) -> str:
    """A layer of the flow graph in words (``hyperscaler`` → "Hyperscaler"); unknown as given."""
    key = f"layer:{layer}"
    return label(key, lang) if key in LABELS else str(layer)


def _payer(g: Any, node: Any) -> str:
    if node is None or (isinstance(node, float) and math.isnan(node)) or node == "":
        return "–"
    return node_name(g, node)


def _flow_figure(g: Any, ci: Any, lang: Lang) -> Any:
    """Money along the value chain: a column per step, line width by amount, node size by the
    money passing through."""
    import plotly.graph_objects as go

    pos = flow_layout(g)
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
    fig.add_trace(
        go.Scatter(
            x=[pos[n][0] for n in names],
            y=[pos[n][1] for n in names],
            mode="markers+text",
            text=[esc(node_name(g, n)) for n in names],
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
            hovertext=[
                f"{esc(node_name(g, n))} ({esc(layer_name(g.nodes[n].get('layer'), lang))})"
                for n in names
            ],
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.update_layout(
        title=label("flow_picture", lang),
        height=760,
        margin={"t": 40, "l": 10, "r": 10},
        xaxis={
            "tickvals": list(range(6)),
            "ticktext": [label(f"col{i}", lang) for i in range(6)],
            "showgrid": False,
            "zeroline": False,
        },
        yaxis={"visible": False},
    )
    return fig


def _cycles_html(g: Any, lang: Lang, table: Any, fmt: Any) -> str:
    """The money cycles, largest bottleneck first (the first 15)."""
    from aiinfra.flows import find_cycles

    def L(k: str) -> str:
        return label(k, lang)

    cycles = sorted(
        find_cycles(g, length_bound=5),
        key=lambda c: -(0 if math.isnan(c.bottleneck) else c.bottleneck),
    )
    rows = [
        {
            L("cycle"): " → ".join(node_name(g, n) for n in [*c.nodes, c.nodes[0]]),
            L("bottleneck"): "–" if math.isnan(c.bottleneck) else fmt.num(c.bottleneck, 1),
            L("cycle_flow_ids"): " | ".join(",".join(ids) for ids in c.flow_ids),
        }
        for c in cycles[:CYCLES_SHOWN]
    ]
    head = f"<h3>{L('cycles')} ({len(cycles)})</h3>"
    if len(cycles) > len(rows):
        shown = L("cycles_shown").format(shown=len(rows), total=len(cycles))
        head += f'<p class="small cycles-shown">{html.escape(shown)}</p>'
    return head + str(table(pd.DataFrame(rows)))


def _circularity_html(g: Any, ci: Any, lang: Lang, table: Any, fmt: Any) -> str:
    """The system cycling index and its significance against each null model (degree- and
    role-preserving rewirings), one row per statistic and model, each p-value named."""
    from aiinfra.flows import significance as null_test

    def L(k: str) -> str:
        return label(k, lang)

    stat_rows = []
    for model in NULL_MODELS_SHOWN:
        try:
            sig = null_test(g, samples=200, seed=1, model=model, length_bound=5).to_dict()
        except InvalidParameterError:  # e.g. no layer on a node: this model cannot run
            continue
        for key, value in sig.items():
            if isinstance(value, dict) and "observed" in value:
                stat_rows.append(
                    {
                        L("statistic"): L(f"stat_{key}") if f"stat_{key}" in LABELS else key,
                        L("null_model"): L(f"null_{model}"),
                        L("observed"): fmt.num(value["observed"], 3),
                        L("null_mean"): fmt.num(value.get("null_mean"), 3),
                        "z": fmt.num(value.get("z_score"), 2),
                        "p": fmt.num(value.get("p_value"), 3),
                    }
                )
    return (
        f"<h3>{L('circularity')}</h3><p>{L('system_ci')}: <b>{fmt.num(ci.system, 3)}</b>. "
        f"{L('significance_note')}</p>" + str(table(pd.DataFrame(stat_rows)))
    )


def _dependence_html(g: Any, lang: Lang, table: Any, fmt: Any) -> str:
    """Who depends on whom: inflows, self-funded share and the largest payer (first 15)."""
    from aiinfra.flows import evidence_split, hub_metrics, self_funded_share

    def L(k: str) -> str:
        return label(k, lang)

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
            L("largest_payer"): _payer(g, r.get("largest_counterparty")),
            L("largest_share"): fmt.pct(r.get("largest_share", math.nan)),
            "HHI": fmt.num(r.get("hhi", math.nan), 2),
            L("inflows_rest_on"): tier_mix(evidence_split(g, list(g.in_edges(n))), lang),
        }
        for n, r in dep.iterrows()
    ]
    return f"<h3>{L('dependence')}</h3>" + str(table(pd.DataFrame(dep_rows)))
