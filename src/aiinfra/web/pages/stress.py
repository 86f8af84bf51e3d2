"""The stress test (``/stress``): parties that stop paying, the shortfall and the pass-through;
the revenue at risk per company and the impact on the index."""

from __future__ import annotations

from typing import Any

import pandas as pd

from aiinfra.charts import CATEGORY_NAMES, evidence_sentence
from aiinfra.config import Lang
from aiinfra.services.dashboard import Dashboard
from aiinfra.web import _inputs as rule
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages._common import graph, html_table, num, pct

__all__ = ["PASS_THROUGH", "SHORTFALL", "layout", "register"]

#: the sliders' ranges: the share of their deals the parties do not pay, and the share of a loss
#: passed on
SHORTFALL = (0.05, 1.0)
PASS_THROUGH = (0.0, 1.0)


def layout(d: Dashboard, lang: Lang) -> Any:
    """The payers to choose from (OpenAI by default) and the two sliders above the result."""
    from dash import dcc, html

    g = d.flow_graph(None, "annualised")
    payers = sorted((n for n in g if g.out_degree(n) > 0), key=lambda n: g.nodes[n]["name"])
    default = ["openai"] if "openai" in payers else payers[:1]
    return html.Div(
        [
            html.H2(t("stress", lang)),
            html.Div(
                [
                    html.Div(
                        [
                            html.Label(t("parties", lang)),
                            dcc.Dropdown(
                                id="st-parties",
                                options=[{"label": g.nodes[n]["name"], "value": n} for n in payers],
                                value=default,
                                multi=True,
                            ),
                        ],
                        className="col",
                    ),
                    html.Div(
                        [
                            html.Label(t("shortfall", lang)),
                            dcc.Slider(
                                id="st-shortfall",
                                min=SHORTFALL[0],
                                max=SHORTFALL[1],
                                step=0.05,
                                value=0.5,
                                marks={x / 100: f"{x} %" for x in (5, 25, 50, 75, 100)},
                            ),
                            html.Label(t("pass_through", lang)),
                            dcc.Slider(
                                id="st-pass",
                                min=PASS_THROUGH[0],
                                max=PASS_THROUGH[1],
                                step=0.05,
                                value=0.5,
                                marks={x / 100: f"{x} %" for x in (0, 25, 50, 75, 100)},
                            ),
                        ],
                        className="col",
                    ),
                ],
                className="row",
            ),
            dcc.Loading(html.Div(id="st-result")),
        ]
    )


def _result(r: Any, lang: Lang) -> list[Any]:
    """Revenue at risk (the 20 largest losses), index impact by category, the weights used, the
    companies hit and the notes."""
    import plotly.graph_objects as go
    from dash import html

    comp = r.companies.sort_values("loss_usd", ascending=False)
    hit = comp[comp["share_of_revenue"].notna()].head(20)
    fig = go.Figure(
        go.Bar(
            x=list(hit["name"]),
            y=list(hit["share_of_revenue"]),
            marker={"color": "rgba(200,60,60,0.7)"},
            hovertemplate="%{x}: %{y:.1%}<extra></extra>",
        )
    )
    fig.update_layout(
        title=t("revenue_at_risk", lang), yaxis_tickformat=".0%", height=360,
        margin={"t": 50},
    )  # fmt: skip
    by = r.index.get("by_category", {})
    cfig = go.Figure(
        go.Bar(
            x=[f"{c} {CATEGORY_NAMES.get(c, {}).get(lang, '')}" for c in by],
            y=list(by.values()),
            hovertemplate="%{x}: %{y:.2%}<extra></extra>",
        )
    )
    cfig.update_layout(
        title=t("index_impact", lang).format(impact=pct(r.index.get("impact"), lang, 2)),
        yaxis_tickformat=".1%",
        height=320,
        margin={"t": 50},
    )
    table = pd.DataFrame(
        {
            t("company", lang): comp["name"],
            t("loss", lang): [num(x, lang, 2) for x in comp["loss_usd"]],
            t("share", lang): [pct(x, lang) for x in comp["share_of_revenue"]],
            t("round", lang): comp["round_hit"],
            t("equity_shock", lang): [pct(x, lang) for x in comp["equity_shock"]],
        }
    )
    # how much of what the shocked parties stop paying rests on each source tier (as the report)
    ev = evidence_sentence(r.evidence, lang, t("evidence_stress", lang))
    return [
        graph(fig, "st-risk"),
        graph(cfig, "st-index"),
        html.P(r.index.get("weights_source", ""), className="small"),
        html_table(table.head(40), "st-table"),
        html.Ul([html.Li(n, className="small") for n in r.notes]),
        *(
            [html.P(ev, id="st-evidence", className="small evidence", **{"data-asof": r.as_of})]
            if ev
            else []
        ),
    ]


def register(app: Any, d: Dashboard, jobs: Jobs) -> None:
    """The stress run on every change of a control (quick: no background job)."""
    from dash import Input, Output, State

    del jobs

    @app.callback(
        Output("st-result", "children"),
        Input("st-parties", "value"),
        Input("st-shortfall", "value"),
        Input("st-pass", "value"),
        State("lang", "value"),
    )
    @rule.checked(rule.text_list("parties"), rule.number("shortfall", *SHORTFALL),
                  rule.number("pass_through", *PASS_THROUGH), rule.lang())  # fmt: skip
    def run(parties: list[str], shortfall: float, pass_through: float, lang: Lang) -> Any:
        return _result(d.stress(parties, shortfall, pass_through), lang)
