"""The stress test (``/stress``): parties that stop paying, the shortfall and the pass-through;
the revenue at risk per company (the shocked parties apart) and the impact on the index."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from aiinfra.charts import CATEGORY_NAMES, evidence_sentence
from aiinfra.config import Lang
from aiinfra.exceptions import AiinfraError
from aiinfra.services.dashboard import Dashboard
from aiinfra.web import _inputs as rule
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages._common import graph, html_table, num, pct, slider_value
from aiinfra.web.pages.flows import layer_name

__all__ = ["PASS_THROUGH", "SHORTFALL", "layout", "register", "review_date", "weights_sentence"]

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
                            # each slider holds a fraction and shows it above its handle in
                            # percent, in the reader's convention (no box that would show "0.5")
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
                                        **slider_value(lang, percent=True),
                                    ),
                                ],
                                className="ctl",
                            ),
                            html.Div(
                                [
                                    html.Label(t("pass_through", lang)),
                                    dcc.Slider(
                                        id="st-pass",
                                        min=PASS_THROUGH[0],
                                        max=PASS_THROUGH[1],
                                        step=0.05,
                                        value=0.5,
                                        marks={x / 100: f"{x} %" for x in (0, 25, 50, 75, 100)},
                                        **slider_value(lang, percent=True),
                                    ),
                                ],
                                className="ctl",
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


def _pct(x: Any, lang: Lang, digits: int = 1) -> str:
    """:func:`pct`, but a value that rounds to zero is ``0.0 %``, never ``-0.0 %``."""
    text = pct(x, lang, digits)
    return text[1:] if re.fullmatch(r"-0([.,]0*)? %", text) else text


def _risk_chart(hit: pd.DataFrame, lang: Lang) -> Any:
    """Revenue at risk of the 20 companies that lose most (share of annual revenue, in %)."""
    import plotly.graph_objects as go

    shares = [float(x) for x in hit["share_of_revenue"]]
    fig = go.Figure(
        go.Bar(
            x=list(hit["name"]),
            y=[100 * x for x in shares],
            customdata=[_pct(x, lang) for x in shares],
            marker={"color": "rgba(200,60,60,0.7)"},
            hovertemplate="%{x}: %{customdata}<extra></extra>",
        )
    )
    fig.update_layout(
        title=t("revenue_at_risk", lang), yaxis={"ticksuffix": " %", "tickformat": ",.0f"},
        height=360, margin={"t": 50},
    )  # fmt: skip
    return fig


def _index_chart(index: dict[str, Any], lang: Lang) -> Any:
    """The index impact by category (in %), its total in the title."""
    import plotly.graph_objects as go

    by = index.get("by_category", {})
    fig = go.Figure(
        go.Bar(
            x=[f"{c} {CATEGORY_NAMES.get(c, {}).get(lang, '')}" for c in by],
            y=[100 * float(v) + 0.0 for v in by.values()],
            customdata=[_pct(v, lang, 2) for v in by.values()],
            hovertemplate="%{x}: %{customdata}<extra></extra>",
        )
    )
    fig.update_layout(
        title=t("index_impact", lang).format(impact=_pct(index.get("impact"), lang, 2)),
        yaxis={"ticksuffix": " %", "tickformat": ",.1f"},
        height=320,
        margin={"t": 50},
    )
    return fig


def _tables(comp: pd.DataFrame, lang: Lang) -> list[Any]:
    """The companies hit (the shocked parties left out: they are no victims of their own
    shock) and, apart, the shocked parties: their shortfall and what comes back to them."""
    from dash import html

    shocked = comp["shocked"].astype(bool)
    # a company reached that lost nothing (round 0) is no company hit
    hit, parties = comp[~shocked & (comp["loss_usd"] > 0)], comp[shocked]
    table = pd.DataFrame(
        {
            t("company", lang): hit["name"],
            t("layer", lang): [layer_name(str(x), lang) for x in hit["layer"]],
            t("loss", lang): [num(x, lang, 2) for x in hit["loss_usd"]],
            t("share", lang): [_pct(x, lang) for x in hit["share_of_revenue"]],
            t("round", lang): hit["round_hit"],
            t("equity_shock", lang): [_pct(x, lang) for x in hit["equity_shock"]],
        }
    )
    out = [html.H4(t("hit", lang)), html_table(table.head(40), "st-table")]
    if len(parties):
        own = pd.DataFrame(
            {
                t("company", lang): parties["name"],
                t("shortfall", lang): [_pct(x, lang) for x in parties["cut_fraction"]],
                t("loss_back", lang): [num(x, lang, 2) for x in parties["loss_usd"]],
                t("share", lang): [_pct(x, lang) for x in parties["share_of_revenue"]],
            }
        )
        out += [html.H4(t("shocked", lang)), html_table(own, "st-shocked")]
    return out


def review_date(d: Dashboard) -> str | None:
    """The review (its month, ``2026-06``) of the dashboard's index, whose weights
    :meth:`Dashboard.stress` uses for the index impact; None when it uses house-view weights
    (no prices, or no index on them)."""
    if d.prices is None:
        return None
    try:
        review = d.index_view().review
    except AiinfraError:
        return None
    return None if review is None else str(review.dates.review)


def weights_sentence(r: Any, lang: Lang, review: str | None, prices: bool) -> str:
    """Which weights the index impact used, in the reader's language: the review's (``review``,
    when the result's weights label names it) or house-view weights, and why (``prices``: the
    dashboard has prices, but no index forms on them)."""
    source = str(r.index.get("weights_source", ""))
    if review is not None and review in source:
        return t("st_weights_review", lang).format(review=review)
    why = t("st_weights_no_index" if prices else "st_weights_no_prices", lang)
    return f"{t('st_weights_house', lang)} {why}"


def _result(r: Any, lang: Lang, review: str | None = None, prices: bool = False) -> list[Any]:
    """Revenue at risk (the 20 largest losses), index impact by category, the weights used in
    words (:func:`weights_sentence`), the companies hit, the shocked parties apart, and the
    engine's own text (its weights label and notes, English) folded under "Details"."""
    from dash import html

    comp = r.companies.sort_values("loss_usd", ascending=False)
    hit = comp[(comp["loss_usd"] > 0) & ~comp["shocked"].astype(bool)]
    hit = hit[hit["share_of_revenue"].notna()].head(20)
    # how much of what the shocked parties stop paying rests on each source tier (as the report)
    ev = evidence_sentence(r.evidence, lang, t("evidence_stress", lang))
    return [
        # ticks and hover labels in the reader's decimals (plotly's separators)
        graph(_risk_chart(hit, lang), "st-risk", lang),
        graph(_index_chart(r.index, lang), "st-index", lang),
        html.P(weights_sentence(r, lang, review, prices), className="small", id="st-weights"),
        *_tables(comp, lang),
        *(
            [html.P(ev, id="st-evidence", className="small evidence", **{"data-asof": r.as_of})]
            if ev
            else []
        ),
        html.Details(
            [
                html.Summary(t("engine_detail", lang)),
                html.Ul(
                    [
                        html.Li(str(n), className="small")
                        for n in [r.index.get("weights_source", ""), *r.notes]
                        if n
                    ]
                ),
            ],
            className="engine",
            id="st-notes",
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
        r = d.stress(parties, shortfall, pass_through)
        return _result(r, lang, review_date(d), d.prices is not None)
