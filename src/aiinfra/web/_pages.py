"""The dashboard's pages: a layout function per page and the callbacks behind their controls.

Every control is a slider, a choice or a click: no callback takes a file path, a URL or free
text from the client, so no endpoint reads or writes a path the client names. Every callback
input passes its rule (``_inputs``) before a service sees it: the control's range or choices, as
the page offers them.
"""

from __future__ import annotations

import itertools
import logging
import math
from typing import Any

import pandas as pd

from aiinfra.exceptions import AiinfraError
from aiinfra.report._charts import (
    buildout_figure,
    gap_figure,
    levels_figure,
    mc_histogram_figure,
    tornado_figure,
    treemap_figure,
)
from aiinfra.report._i18n import CATEGORY_NAMES
from aiinfra.services.dashboard import CATEGORIES, Dashboard
from aiinfra.web import _inputs as rule
from aiinfra.web._app import FLOW_LAYER_COLORS, LAYER_COLORS, _html_table, num, pct
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs

POLL_MS = 400
log = logging.getLogger("aiinfra.web")
FLOW_LAYER_COLORS_NAMED = {
    "equity": {"en": "green", "de": "grün"},
    "compute": {"en": "blue", "de": "blau"},
    "cash": {"en": "orange", "de": "orange"},
    "credit": {"en": "red", "de": "rot"},
    "mixed": {"en": "purple", "de": "lila"},
}
GAP_YEARS = list(range(2023, 2031))
SAMPLE_CHOICES = [0, 10_000, 100_000, 1_000_000]
#: the index controls' ranges: the sliders' and the rules a callback input must keep
INDEX_RANGES: dict[str, tuple[Any, Any]] = {
    "single_cap": (0.04, 0.25),
    "target_n": (10, 50),
    "multiplier": (0.0, 3.0),
}
SHORTFALL = (0.05, 1.0)
GAP_METHODS = ("sequoia", "capex")
PASS_THROUGH = (0.0, 1.0)


def _asof_src(date: Any, source: str, lang: str) -> Any:
    from dash import html

    return html.P(t("as_of_src", lang).format(date=date, source=source), className="small")


def _error_card(title: str, why: str) -> Any:
    from dash import html

    return html.Div([html.H3(title), html.P(why, className="label")], className="card")


def _raise_in_page(message: str) -> None:
    """Show ``message`` in the page's error banner (the form every error takes)."""
    import dash

    dash.set_props("error-text", {"children": message})
    dash.set_props("error-banner", {"hidden": False})


def _graph(fig: Any, gid: str) -> Any:
    from dash import dcc

    return dcc.Graph(id=gid, figure=fig, config={"displaylogo": False})


# --- Overview ---------------------------------------------------------------------------------


def _card(card_id: str, title: str, body: list[Any], date: Any, source: str, lang: str,
          wide: bool = False) -> Any:  # fmt: skip
    """An overview card: title, content, and the line with its as-of date and source."""
    from dash import html

    style = {"gridColumn": "span 2"} if wide else {}
    return html.Div(
        [html.H3(title), *body, _asof_src(date, source, lang)],
        className="card",
        id=card_id,
        style=style,
    )


def _buildout_rows(rows: list[dict[str, Any]], lang: str) -> pd.DataFrame:
    """The report's page-one build-out rows: names and units in words, the latest figure known
    on the date with its kind and sources, disagreeing sources as a range."""
    from aiinfra.report._build import key_buildout_label

    def amount(r: dict[str, Any], which: str) -> str:
        v, lo, hi = r[f"{which}_value"], r[f"{which}_low"], r[f"{which}_high"]
        ids = r.get(f"{which}_ids") or []
        rlo, rhi = r.get(f"{which}_range_low"), r.get(f"{which}_range_high")
        if len(ids) > 1 and not _nan(rlo) and not _nan(rhi) and rlo != rhi:
            text = f"{num(rlo, lang, 0)}–{num(rhi, lang, 0)} ({t('sources_disagree_short', lang)})"
        elif not _nan(v):
            text = num(v, lang, 0)
        elif not _nan(lo) and not _nan(hi):
            text = f"{num(lo, lang, 0)}–{num(hi, lang, 0)}"
        else:
            return "–"
        periods = r.get(f"{which}_periods") or [r[f"{which}_period"]]
        kinds = r.get(f"{which}_kinds") or [r[f"{which}_kind"]]
        return (
            f"{text} ({' / '.join(map(str, periods))}, "
            f"{' / '.join(t(str(k), lang) for k in kinds)})"
        )

    out = []
    for r in rows:
        what, unit = key_buildout_label(r, lang)
        reported = [f"{i}: {src}" for i, src in r.get("reported_sources") or []]
        outlook = [str(r["outlook_id"])] if not _nan(r.get("outlook_id")) else []
        out.append(
            {
                t("series", lang): what,
                t("unit", lang): unit,
                t("reported", lang): amount(r, "reported"),
                t("outlook", lang): amount(r, "outlook"),
                t("source", lang): "; ".join(reported + outlook) or "–",
            }
        )
    return pd.DataFrame(out)


def overview(d: Dashboard, lang: str) -> Any:
    from dash import html

    cards = d.overview()
    out = []
    ix, bo, gp, ci = (cards[k] for k in ("index", "buildout", "gap", "circularity"))
    if "error" in ix:
        out.append(_error_card(t("index_vs", lang), t("no_index", lang).format(why=ix["error"])))
    else:
        fig = levels_figure(ix["levels"], lang)
        fig.update_layout(
            height=320, title=None, margin={"t": 10}, legend={"orientation": "h", "y": -0.15}
        )
        bench = ", ".join(f"{k} {pct(v, lang)}" for k, v in ix["benchmarks"].items())
        total = t("total_since", lang).format(
            start=ix["start"], end=ix["end"], gtr=pct(ix["gtr_total_return"], lang), bench=bench
        )
        pit = [] if ix["point_in_time"] else [html.P(t("not_pit", lang), className="label")]
        body = [*pit, _graph(fig, "ov-levels"), html.P(total)]
        out.append(_card("ov-index", t("index_vs", lang), body, ix["end"], ix["source"], lang))
    if "error" in bo:
        out.append(_error_card(t("key_buildout", lang), bo["error"]))
    else:
        table = _html_table(_buildout_rows(bo["rows"], lang), "ov-buildout-table")
        date, src = str(d.as_of.date()), "figures.csv (ids above)"
        out.append(
            _card("ov-buildout", t("key_buildout", lang), [table], date, src, lang, wide=True)
        )
    if "error" in gp:
        out.append(_error_card(t("gap_page", lang), gp["error"]))
    else:
        text = t("gap_card_text", lang).format(
            req=num(gp["required"], lang, 0),
            rev=num(gp["revenue"], lang, 0),
            cov=pct(gp["coverage"], lang),
        )
        title = t("gap_card", lang).format(year=gp["year"])
        body = [html.P(text, id="ov-gap-text")]
        out.append(_card("ov-gap", title, body, gp["as_of"], gp["source"], lang))
    if "error" in ci:
        out.append(_error_card(t("circ_card", lang), ci["error"]))
    else:
        text = t("circ_card_text", lang).format(ci=num(ci["system"], lang, 3), deals=ci["deals"])
        body = [html.P(text, id="ov-circ-text")]
        out.append(_card("ov-circ", t("circ_card", lang), body, ci["as_of"], ci["source"], lang))
    return html.Div([html.H2(t("overview", lang)), html.Div(out, className="cards")])


def _nan(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _poll_callback(app: Any, jobs: Jobs, prefix: str, render: Any) -> None:
    """The poll behind a page's background job: progress while it runs, ``render(result, lang)``
    into ``{prefix}-result`` when done, the error banner when it fails.

    The interval keeps ticking while the page is open; a tick for a job already shown
    (``{prefix}-shown``) changes nothing. So a late or dropped answer never stops the polling of
    a newer job, and a job's answer can be fetched again (the pool keeps it)."""
    from dash import Input, Output, State
    from dash.exceptions import PreventUpdate

    @app.callback(
        Output(f"{prefix}-result", "children"),
        Output(f"{prefix}-progress", "hidden", allow_duplicate=True),
        Output(f"{prefix}-progress", "value", allow_duplicate=True),
        Output(f"{prefix}-status", "children"),
        Output(f"{prefix}-shown", "data"),
        Input(f"{prefix}-poll", "n_intervals"),
        State(f"{prefix}-job", "data"),
        State(f"{prefix}-shown", "data"),
        State("lang", "value"),
        State("session", "data"),
        prevent_initial_call=True,
    )
    @rule.checked(rule.count("n_intervals"), rule.job_id("job"), rule.job_id("shown"),
                  rule.lang(), rule.session())  # fmt: skip
    def poll(_n: int | None, jid: str | None, shown: str | None, lang: str, session: str) -> Any:
        from dash import no_update

        if not jid or jid == shown:
            raise PreventUpdate
        st = jobs.poll(jid, session)
        if st["state"] == "running":
            status = f"{t('running', lang)} ({st['what']})"
            return no_update, False, st["done"], status, no_update
        if st["state"] == "error":
            _raise_in_page(st["error"])
            return no_update, True, 0, "", jid
        try:
            out = render(st["result"], lang)
        except Exception as exc:  # shown like every other error; the poll moves on
            if not isinstance(exc, AiinfraError):
                log.error("drawing job %s failed", jid, exc_info=exc)
            _raise_in_page(
                str(exc)
                if isinstance(exc, AiinfraError)
                else f"internal error ({type(exc).__name__}: {exc})"
            )
            return no_update, True, 0, "", jid
        return out, True, 1, "", jid


def _job_stores(prefix: str) -> list[Any]:
    from dash import dcc

    return [
        dcc.Store(id=f"{prefix}-job"),
        dcc.Store(id=f"{prefix}-shown"),
        dcc.Interval(id=f"{prefix}-poll", interval=POLL_MS),
    ]


# --- Index ------------------------------------------------------------------------------------


def index(d: Dashboard, lang: str) -> Any:
    from dash import dcc, html

    m = d.methodology()
    ctl: list[Any] = [
        html.Div(
            [
                html.Label(t("single_cap", lang)),
                dcc.Slider(
                    id="ix-cap",
                    min=INDEX_RANGES["single_cap"][0],
                    max=INDEX_RANGES["single_cap"][1],
                    step=0.01,
                    value=m.weighting.single_cap,
                    marks={x / 100: f"{x} %" for x in (4, 8, 12, 16, 20, 25)},
                    updatemode="mouseup",
                ),
            ],
            className="ctl",
        ),
        html.Div(
            [
                html.Label(t("target_n", lang)),
                dcc.Slider(
                    id="ix-n",
                    min=INDEX_RANGES["target_n"][0],
                    max=INDEX_RANGES["target_n"][1],
                    step=1,
                    value=m.selection.target_n,
                    marks={x: str(x) for x in (10, 20, 30, 40, 50)},
                    updatemode="mouseup",
                ),
            ],
            className="ctl",
        ),
    ]
    for c in CATEGORIES:
        ctl.append(
            html.Div(
                [
                    html.Label(t("multiplier", lang).format(cat=f"{c} {CATEGORY_NAMES[c][lang]}")),
                    dcc.Slider(
                        id=f"ix-m-{c}",
                        min=INDEX_RANGES["multiplier"][0],
                        max=INDEX_RANGES["multiplier"][1],
                        step=0.1,
                        value=m.categories[c].m,
                        marks={x: str(x) for x in (0, 1, 2, 3)},
                        updatemode="mouseup",
                    ),
                ],
                className="ctl",
            )
        )
    ctl.append(html.Button(t("reset", lang), id="ix-reset", n_clicks=0))
    return html.Div(
        [
            html.H2(t("index", lang)),
            html.Div(
                [
                    html.Div([html.H3(t("controls", lang)), *ctl], className="panel"),
                    html.Div(
                        [
                            html.Progress(id="ix-progress", max=1, value="0", hidden=True),
                            html.Div(id="ix-status", className="small"),
                            html.Div(id="ix-result"),
                        ],
                        className="col",
                    ),
                ],
                className="row",
            ),
            *_job_stores("ix"),
        ]
    )


def index_notices(view: Any, lang: str) -> list[str]:
    """What the page says about how the index was formed (the report says the same)."""
    out = []
    m = view.methodology
    if view.relaxation is not None:
        out.append(
            t("relaxed", lang).format(
                why=view.relaxation.reason,
                cap=pct(m.weighting.single_cap, lang, 0),
                n=m.selection.min_n,
            )
        )
    if view.backtest_error is not None:
        out.append(t("bt_left_out", lang).format(why=view.backtest_error))
    return out


def _index_result(d: Dashboard, view: Any, default: Any, lang: str) -> Any:
    from dash import dash_table, html

    sel = view.review.selection()
    rat = d.rationale()
    out: list[Any] = []
    m = view.methodology
    mult = ", ".join(f"{c} {m.categories[c].m:g}" for c in CATEGORIES)
    out.append(
        html.P(
            f"{t('single_cap', lang)} {pct(m.weighting.single_cap, lang, 0)} · "
            f"{t('target_n', lang)} {m.selection.target_n} · {mult} · "
            f"{t('review', lang)} {view.review.dates.review}",
            id="ix-applied",
            **{"data-cap": f"{m.weighting.single_cap:g}"},  # type: ignore[arg-type]
        )
    )
    for n in index_notices(view, lang):
        out.append(html.P(n, className="small"))
    if not view.point_in_time:
        out.append(html.P(t("not_pit", lang), className="label", id="ix-not-pit"))
    # the difference to the default
    mv, md = view.metrics().to_dict(), default.metrics().to_dict()
    keys = [
        ("constituents", "constituents"),
        ("annual_return", "annual_return"),
        ("annual_volatility", "annual_volatility"),
        ("sharpe_ratio", "sharpe_ratio"),
        ("max_drawdown", "max_drawdown"),
        ("turnover", "turnover"),
    ]
    rows = []
    for k, lab in keys:
        a, b = mv.get(k), md.get(k)
        if k == "constituents":
            fmt: Any = lambda x: num(x, lang, 0)  # noqa: E731
        elif k == "sharpe_ratio":
            fmt = lambda x: num(x, lang, 3)  # noqa: E731
        else:
            fmt = lambda x: pct(x, lang, 2)  # noqa: E731
        diff = None if a is None or b is None else a - b
        rows.append(
            {
                "": t(lab, lang),
                t("this_variant", lang): fmt(a),
                t("default", lang): fmt(b),
                t("difference", lang): fmt(diff),
            }
        )
    ids_v, ids_d = set(sel["id"]), set(default.review.selection()["id"])
    names = dict(zip(sel["id"], sel["name"], strict=True)) | dict(
        zip(default.review.selection()["id"], default.review.selection()["name"], strict=True)
    )
    out.append(html.H3(t("vs_default", lang)))
    out.append(_html_table(pd.DataFrame(rows), "ix-diff"))
    out.append(
        html.P(
            f"{t('added', lang)}: {', '.join(sorted(names[i] for i in ids_v - ids_d)) or '–'}; "
            f"{t('removed', lang)}: {', '.join(sorted(names[i] for i in ids_d - ids_v)) or '–'}",
            className="small",
            id="ix-changes",
        )
    )
    out.append(_graph(treemap_figure(sel, lang, height=420), "ix-treemap"))
    table = pd.DataFrame(
        {
            "rank": sel["rank"],
            "company": sel["name"],
            "ticker": sel["ticker"],
            "category": sel["category"],
            "Q": sel["Q"].round(1),
            "S": sel["S"].round(1),
            "ai_share": sel["a"].round(3),
            "weight": (100 * sel["weight"]).round(2),
            "rationale": [rat.at[c, "rationale"] if c in rat.index else "" for c in sel["id"]],
        }
    )
    labels = {
        "rank": t("rank", lang),
        "company": t("company", lang),
        "ticker": t("ticker", lang),
        "category": t("category", lang),
        "Q": "Q",
        "S": "S",
        "ai_share": t("ai_share", lang),
        "weight": t("weight", lang) + " (%)",
        "rationale": t("rationale", lang),
    }
    out.append(html.H3(t("constituents", lang)))
    out.append(
        dash_table.DataTable(  # type: ignore[attr-defined]
            id="ix-table",
            columns=[{"name": labels[c], "id": c} for c in table.columns],
            data=table.to_dict("records"),
            sort_action="native",
            page_size=30,
            style_cell={"textAlign": "left", "whiteSpace": "normal", "fontSize": "0.85rem"},
            style_cell_conditional=[{"if": {"column_id": "rationale"}, "width": "40%"}],
        )
    )
    if view.backtest is not None:
        lv = view.backtest.levels
        extra = {}
        if default.backtest is not None and default is not view:
            extra[f"GTR ({t('default', lang)})"] = default.backtest.levels["GTR"]
        fig = levels_figure(lv, lang, extra=extra)
        fig.update_xaxes(
            rangeselector={
                "buttons": [
                    {"count": 1, "label": "1Y", "step": "year", "stepmode": "backward"},
                    {"count": 3, "label": "3Y", "step": "year", "stepmode": "backward"},
                    {"count": 5, "label": "5Y", "step": "year", "stepmode": "backward"},
                    {"step": "all", "label": "All"},
                ]
            }
        )
        out.append(html.H3(t("backtest", lang)))
        if not view.backtest.summary["point_in_time"]:
            out.append(html.P(t("not_pit", lang), className="label"))
        out.append(_graph(fig, "ix-levels"))
    return out


def _index_callbacks(app: Any, d: Dashboard, jobs: Jobs) -> None:
    from dash import Input, Output, State

    slider_ids = ["ix-cap", "ix-n", *[f"ix-m-{c}" for c in CATEGORIES]]

    @app.callback(
        [Output(i, "value") for i in slider_ids],
        Input("ix-reset", "n_clicks"),
        prevent_initial_call=True,
    )
    @rule.checked(rule.count("n_clicks"))
    def reset(_n: int | None) -> list[Any]:
        m = d.methodology()
        return [m.weighting.single_cap, m.selection.target_n] + [
            m.categories[c].m for c in CATEGORIES
        ]

    @app.callback(
        Output("ix-job", "data"),
        Output("ix-progress", "hidden"),
        Output("ix-progress", "value"),
        [Input(i, "value") for i in slider_ids],
        State("session", "data"),
    )
    @rule.checked(
        rule.number("single_cap", *INDEX_RANGES["single_cap"]),
        rule.integer("target_n", *INDEX_RANGES["target_n"]),
        *[rule.number(f"multiplier {c}", *INDEX_RANGES["multiplier"]) for c in CATEGORIES],
        rule.session(),
    )
    def start(cap: float, n: int, *rest: Any) -> Any:
        *mults, session = rest
        multipliers = dict(zip(CATEGORIES, mults, strict=True))
        d.methodology(cap, n, multipliers)  # a bad value fails here, in the banner

        def run(progress: Any) -> Any:
            view = d.index_view(cap, n, multipliers, progress=lambda x, w: progress(0.8 * x, w))
            default = d.index_view(progress=lambda x, w: progress(0.8 + 0.2 * x, w))
            return view, default

        # a newer index job from this page supersedes the previous one
        return jobs.submit(run, session=session, kind="index"), False, 0

    _poll_callback(app, jobs, "ix", lambda res, lang: _index_result(d, res[0], res[1], lang))


# --- Flow map ---------------------------------------------------------------------------------


def _quarter_ends(d: Dashboard) -> list[pd.Timestamp]:
    first = pd.Timestamp("2019-03-31")
    ends = list(pd.date_range(first, d.as_of, freq="QE"))
    if not ends or ends[-1] != d.as_of:
        ends.append(d.as_of)
    return ends


def flows(d: Dashboard, lang: str) -> Any:
    import dash_cytoscape as cyto
    from dash import dcc, html

    from aiinfra.flows import BASES

    ends = _quarter_ends(d)
    marks = {i: str(e.year) for i, e in enumerate(ends) if e.month == 12 and e.day == 31}
    marks[len(ends) - 1] = str(ends[-1].date())
    layers = sorted({str(v["layer"]) for v in d.flow_view()["nodes"]})
    return html.Div(
        [
            html.H2(t("flows", lang)),
            html.Div(
                [
                    html.Div(
                        [
                            html.Label(t("flow_asof", lang)),
                            dcc.Slider(
                                id="fl-asof",
                                min=0,
                                max=len(ends) - 1,
                                step=1,
                                value=len(ends) - 1,
                                marks=marks,
                                updatemode="mouseup",
                            ),
                        ],
                        className="col",
                    ),
                    html.Div(
                        [
                            html.Label(t("basis", lang)),
                            dcc.Dropdown(
                                id="fl-basis",
                                options=list(BASES),
                                value="committed",
                                clearable=False,
                            ),
                        ],
                        style={"width": "180px"},
                    ),
                ],
                className="row",
            ),
            html.Div(id="fl-summary"),
            html.Div(
                [
                    html.Div(
                        [
                            cyto.Cytoscape(
                                id="fl-map",
                                layout={"name": "preset", "fit": True, "padding": 20},
                                style={"width": "100%", "height": "640px"},
                                elements=[],
                                minZoom=0.2,
                                maxZoom=4,
                            ),
                            html.P(
                                t("edge_legend", lang).format(
                                    colors=", ".join(
                                        f"{k} ({c[lang]})"
                                        for k, c in FLOW_LAYER_COLORS_NAMED.items()
                                    )
                                ),
                                className="small",
                            ),
                        ],
                        className="col",
                    ),
                    html.Div(
                        [
                            html.Label(t("cycles", lang)),
                            dcc.Dropdown(id="fl-cycle", options=[], value=None),
                            html.Div(
                                t("click_node", lang), id="fl-panel", style={"marginTop": "1rem"}
                            ),
                            html.Label(t("layers", lang)),
                            dcc.Checklist(
                                id="fl-layers",
                                options=[
                                    {
                                        "label": html.Span(
                                            lay,
                                            style={"color": LAYER_COLORS.get(lay, "#333")},
                                        ),
                                        "value": lay,
                                    }
                                    for lay in layers
                                ],
                                value=layers,
                            ),
                        ],
                        className="panel",
                    ),
                ],
                className="row",
            ),
        ]
    )


def _stylesheet() -> list[dict[str, Any]]:
    sheet: list[dict[str, Any]] = [
        {
            "selector": "node",
            "style": {
                "label": "data(label)",
                "width": "data(size)",
                "height": "data(size)",
                "font-size": 9,
                "background-color": "#999",
            },
        },
        {
            "selector": "edge",
            "style": {
                "width": "data(width)",
                "curve-style": "bezier",
                "target-arrow-shape": "triangle",
                "opacity": 0.55,
                "line-color": "#888",
                "target-arrow-color": "#888",
            },
        },
    ]
    for lay, color in LAYER_COLORS.items():
        sheet.append({"selector": f"node.{lay}", "style": {"background-color": color}})
    for lay, color in FLOW_LAYER_COLORS.items():
        sheet.append(
            {
                "selector": f"edge.{lay}",
                "style": {"line-color": color, "target-arrow-color": color},
            }
        )
    sheet.append(
        {
            "selector": ".hl",
            "style": {
                "line-color": "#e00",
                "target-arrow-color": "#e00",
                "opacity": 1,
                "border-width": 3,
                "border-color": "#e00",
                "z-index": 10,
            },
        }
    )
    return sheet


def _flows_callbacks(app: Any, d: Dashboard) -> None:
    from dash import Input, Output, State, html

    from aiinfra.flows import BASES
    from aiinfra.report._flows import _layout

    # the as-of slider's positions, on the server: the page sends an index into them
    dates = [str(e.date()) for e in _quarter_ends(d)]
    asof = rule.integer("as_of position", 0, len(dates) - 1)

    @app.callback(
        Output("fl-map", "elements"),
        Output("fl-map", "stylesheet"),
        Output("fl-summary", "children"),
        Output("fl-cycle", "options"),
        Input("fl-asof", "value"),
        Input("fl-basis", "value"),
        Input("fl-layers", "value"),
        Input("fl-cycle", "value"),
        State("lang", "value"),
    )
    @rule.checked(asof, rule.choice("basis", BASES), rule.text_list("layers"),
                  rule.text("cycle", optional=True), rule.lang())  # fmt: skip
    def draw(i: int, basis: str, layers: list[str], cycle: str | None, lang: str) -> Any:
        day = dates[i]
        v = d.flow_view(day, basis)
        g = d.flow_graph(day, basis)
        pos = _layout(g)
        keep = {n["id"] for n in v["nodes"] if n["layer"] in set(layers or [])}
        hl_nodes: set[str] = set()
        hl_edges: set[str] = set()
        options = []
        for k, c in enumerate(v["cycles"]):
            key = "→".join(c["nodes"])
            options.append(
                {
                    "label": " → ".join(c["names"]) + f" ({num(c['bottleneck'], lang, 1)})",
                    "value": key,
                }
            )
            if key == cycle:
                hl_nodes = set(c["nodes"])
                ring = [*c["nodes"], c["nodes"][0]]
                hl_edges = {f"{a}->{b}" for a, b in itertools.pairwise(ring)}
            del k
        top = max((n["strength"] for n in v["nodes"]), default=1.0) or 1.0
        big = max((e["amount"] or 0.0 for e in v["edges"]), default=1.0) or 1.0
        elements: list[dict[str, Any]] = []
        for n in v["nodes"]:
            if n["id"] not in keep:
                continue
            x, y = pos[n["id"]]
            elements.append(
                {
                    "data": {
                        "id": n["id"],
                        "label": n["name"],
                        "size": 14 + 46 * math.sqrt(n["strength"] / top),
                    },
                    # every other node of a column a little to the right: fewer hidden edges
                    "position": {"x": 260 * x + 60 * (round(2 * y) % 4 >= 2), "y": 46 * y},
                    "classes": n["layer"] + (" hl" if n["id"] in hl_nodes else ""),
                }
            )
        for e in v["edges"]:
            if e["source"] not in keep or e["target"] not in keep:
                continue
            amount = e["amount"]
            elements.append(
                {
                    "data": {
                        "id": e["id"],
                        "source": e["source"],
                        "target": e["target"],
                        "amount": amount,
                        "width": 1 + 9 * math.sqrt((amount or 0.0) / big),
                        "types": ", ".join(e["types"]),
                    },
                    # an edge of deals in several layers (equity and compute …) is "mixed"
                    "classes": (e["flow_layers"][0] if len(e["flow_layers"]) == 1 else "mixed")
                    + (" hl" if e["id"] in hl_edges else ""),
                }
            )
        summary = html.P(
            t("flow_summary", lang).format(
                deals=v["deals"],
                date=v["as_of"],
                nodes=len(v["nodes"]),
                ci=num(v["system_cycling_index"], lang, 3),
            ),
            id="fl-summary-text",
            **{"data-deals": str(v["deals"]), "data-asof": v["as_of"]},
        )
        return elements, _stylesheet(), summary, options

    @app.callback(
        Output("fl-panel", "children"),
        Input("fl-map", "tapNodeData"),
        State("fl-asof", "value"),
        State("fl-basis", "value"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    @rule.checked(rule.node("company"), asof, rule.choice("basis", BASES), rule.lang())
    def panel(node: str | None, i: int, basis: str, lang: str) -> Any:
        if not node:
            return t("click_node", lang)
        c = d.company(node, dates[i], basis)
        payers = pd.DataFrame(
            [
                {
                    t("company", lang): p["name"],
                    t("amount", lang): num(p["amount"], lang, 1),
                    t("share", lang): pct(p["share"], lang),
                }
                for p in c["payers"]
            ]
        )
        payees = pd.DataFrame(
            [
                {t("company", lang): p["name"], t("amount", lang): num(p["amount"], lang, 1)}
                for p in c["payees"]
            ]
        )
        return html.Div(
            [
                html.H3(c["name"], id="fl-panel-name"),
                html.P(f"{c['layer']} · {t('as_of', lang)} {c['as_of']}", className="small"),
                html.P(
                    f"{t('inflow', lang)} {num(c['in_strength'], lang)} · "
                    f"{t('outflow', lang)} {num(c['out_strength'], lang)} (USD bn)"
                ),
                html.P(
                    f"{t('hhi', lang)}: {num(c['hhi'], lang, 2)}; {t('largest', lang)}: "
                    f"{c['largest_name'] or '–'} ({pct(c['largest_share'], lang)})"
                ),
                html.P(
                    f"{t('self_funded', lang)}: {pct(c['self_funded_share'], lang)} ("
                    + t("direct_via", lang).format(
                        d=pct(c["self_funded_direct"], lang), v=pct(c["self_funded_via"], lang)
                    )
                    + ")",
                    id="fl-panel-selffunded",
                ),
                html.H4(t("payers", lang)),
                _html_table(payers, "fl-payers") if len(payers) else html.P("–"),
                html.H4(t("payees", lang)),
                _html_table(payees, "fl-payees") if len(payees) else html.P("–"),
            ]
        )


# --- Stress test ------------------------------------------------------------------------------


def stress(d: Dashboard, lang: str) -> Any:
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


def _stress_callbacks(app: Any, d: Dashboard) -> None:
    import plotly.graph_objects as go
    from dash import Input, Output, State, html

    @app.callback(
        Output("st-result", "children"),
        Input("st-parties", "value"),
        Input("st-shortfall", "value"),
        Input("st-pass", "value"),
        State("lang", "value"),
    )
    @rule.checked(rule.text_list("parties"), rule.number("shortfall", *SHORTFALL),
                  rule.number("pass_through", *PASS_THROUGH), rule.lang())  # fmt: skip
    def run(parties: list[str], shortfall: float, pass_through: float, lang: str) -> Any:
        r = d.stress(parties, shortfall, pass_through)
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
        return [
            _graph(fig, "st-risk"),
            _graph(cfig, "st-index"),
            html.P(r.index.get("weights_source", ""), className="small"),
            _html_table(table.head(40), "st-table"),
            html.Ul([html.Li(n, className="small") for n in r.notes]),
        ]


# --- ROI gap ----------------------------------------------------------------------------------


def gap(d: Dashboard, lang: str) -> Any:
    from dash import dcc, html

    from aiinfra.roi_gap import PARAMETERS

    sliders = []
    for name, p in PARAMETERS.items():
        step = 0.5 if p.unit == "years" else 0.01
        sliders.append(
            html.Div(
                [
                    html.Label(f"{name} ({p.unit}) — {p.source}", className="small"),
                    dcc.Slider(
                        id=f"gp-p-{name}",
                        min=p.low,
                        max=p.high,
                        step=step,
                        value=p.default,
                        marks={p.low: str(p.low), p.high: str(p.high)},
                        tooltip={"placement": "bottom"},
                        updatemode="mouseup",
                    ),
                ],
                className="ctl",
            )
        )
    return html.Div(
        [
            html.H2(t("gap", lang)),
            html.P(t("gap_intro", lang), className="small"),
            html.Div(
                [
                    html.Div(
                        [
                            html.H3(t("params", lang)),
                            html.Label(t("method", lang)),
                            dcc.RadioItems(
                                id="gp-method",
                                options=list(GAP_METHODS),
                                value="sequoia",
                                inline=True,
                            ),
                            html.Label(t("year", lang)),
                            dcc.Dropdown(
                                id="gp-year", options=GAP_YEARS, value=2026, clearable=False
                            ),
                            html.Label(t("samples", lang)),
                            dcc.Dropdown(
                                id="gp-samples",
                                options=[{"label": f"{s:,}", "value": s} for s in SAMPLE_CHOICES],
                                value=100_000,
                                clearable=False,
                            ),
                            *sliders,
                        ],
                        className="panel",
                    ),
                    html.Div(
                        [
                            html.Progress(id="gp-progress", max=1, value="0", hidden=True),
                            html.Div(id="gp-status", className="small"),
                            html.Div(id="gp-result"),
                        ],
                        className="col",
                    ),
                ],
                className="row",
            ),
            *_job_stores("gp"),
        ]
    )


def _gap_result(r: Any, lang: str) -> Any:
    from dash import html

    row = r.row()
    out: list[Any] = [
        html.P(
            t("gap_card_text", lang).format(
                req=num(row["required"], lang, 0),
                rev=num(row["revenue"], lang, 0),
                cov=pct(row["coverage"], lang),
            ),
            id="gp-headline",
        ),
        _graph(gap_figure(r, lang), "gp-years"),
    ]
    if _nan(row.get("gap")):  # no revenue figure that year: nothing to be sensitive about
        out.append(html.P(t("mc_none", lang).format(year=r.year), className="small"))
        out.append(html.P("; ".join(r.notes), className="small"))
        return out
    out.append(_graph(tornado_figure(r, lang), "gp-tornado"))
    mc = r.montecarlo
    if mc is not None and r.year in mc.summary.index and _nan(mc.summary.loc[r.year, "gap_p50"]):
        out.append(html.P(t("mc_none", lang).format(year=r.year), className="small"))
    elif mc is not None and r.year in mc.summary.index:
        out.append(html.P(t("mc_ranges", lang), className="small"))
        s = mc.summary.loc[r.year]
        out.append(
            html.P(
                t("mc_quantiles", lang).format(
                    year=r.year,
                    p50=num(s["gap_p50"], lang, 0),
                    p5=num(s["gap_p5"], lang, 0),
                    p95=num(s["gap_p95"], lang, 0),
                    seed=mc.seed,
                ),
                id="gp-mc-text",
            )
        )
        out.append(
            html.P(
                t("p_cover", lang).format(
                    year=r.year,
                    p=pct(s["p_coverage_ge_1"], lang, 2),
                    pby=pct(s["p_covered_by_year"], lang, 2),
                )
            )
        )
        out.append(_graph(mc_histogram_figure(mc, r.year, lang), "gp-mc"))
    out.append(html.P("; ".join(r.notes), className="small"))
    return out


def _gap_callbacks(app: Any, d: Dashboard, jobs: Jobs) -> None:
    from dash import Input, Output, State

    from aiinfra.roi_gap import PARAMETERS

    names = list(PARAMETERS)

    @app.callback(
        Output("gp-job", "data"),
        Output("gp-progress", "hidden"),
        Output("gp-progress", "value"),
        Input("gp-method", "value"),
        Input("gp-year", "value"),
        Input("gp-samples", "value"),
        [Input(f"gp-p-{n}", "value") for n in names],
        State("session", "data"),
    )
    @rule.checked(
        rule.choice("method", GAP_METHODS),
        rule.choice("year", GAP_YEARS),
        rule.choice("samples", SAMPLE_CHOICES),
        *[rule.number(n, p.low, p.high) for n, p in PARAMETERS.items()],
        rule.session(),
    )
    def start(method: str, year: int, samples: int, *rest: Any) -> Any:
        *values, session = rest
        params: dict[str, Any] = {"method": method, **dict(zip(names, values, strict=True))}

        def run(progress: Any) -> Any:
            return d.gap(params, samples=samples, seed=0, year=year, progress=progress)

        # a newer gap job from this page supersedes the previous one
        return jobs.submit(run, session=session, kind="gap"), False, 0

    _poll_callback(app, jobs, "gp", _gap_result)


# --- Build-out --------------------------------------------------------------------------------


def buildout(d: Dashboard, lang: str) -> Any:
    from dash import dcc, html

    names = d.buildout_names()
    return html.Div(
        [
            html.H2(t("buildout", lang)),
            html.Label(t("series_pick", lang)),
            dcc.Dropdown(
                id="bo-series",
                options=[{"label": n.replace("_", " "), "value": n} for n in names],
                value=names[0] if names else None,
                clearable=False,
                style={"maxWidth": "420px"},
            ),
            html.Div(id="bo-result"),
        ]
    )


def _buildout_callbacks(app: Any, d: Dashboard) -> None:
    from dash import Input, Output, State, html

    @app.callback(
        Output("bo-result", "children"),
        Input("bo-series", "value"),
        State("lang", "value"),
    )
    @rule.checked(rule.choice("series", d.buildout_names, optional=True), rule.lang())
    def show(name: str | None, lang: str) -> Any:
        if not name:
            return html.P("–")
        pts = d.buildout(name)
        pts = pts[pts["date"].notna()]
        fig = buildout_figure(pts, name, lang)
        table = pd.DataFrame(
            {
                t("series", lang): pts["entity"] + " · " + pts["measure"],
                t("period", lang): pts["period"],
                t("kind", lang): [t(str(k), lang) for k in pts["kind"]],
                t("value", lang): [num(x, lang, 1) for x in pts["value"]],
                t("low", lang): [num(x, lang, 1) for x in pts["low"]],
                t("high", lang): [num(x, lang, 1) for x in pts["high"]],
                t("id", lang): pts["figure_id"],
                t("source", lang): pts["source"],
            }
        )
        return [_graph(fig, "bo-graph"), _html_table(table, "bo-table")]


# --- Sources ----------------------------------------------------------------------------------


def sources(d: Dashboard, lang: str) -> Any:
    from dash import dash_table, html

    frame = d.sources()
    return html.Div(
        [
            html.H2(t("sources", lang)),
            html.P(t("sources_intro", lang), className="small"),
            dash_table.DataTable(  # type: ignore[attr-defined]
                id="src-table",
                columns=[{"name": t(c, lang), "id": c} for c in frame.columns],
                data=frame.to_dict("records"),
                filter_action="native",
                sort_action="native",
                page_size=25,
                style_cell={"textAlign": "left", "whiteSpace": "normal", "fontSize": "0.85rem"},
            ),
            html.P(t("not_advice", lang), className="small"),
        ]
    )


def register(app: Any, d: Dashboard, jobs: Jobs) -> None:
    """Attach every page's callbacks to ``app``."""
    _index_callbacks(app, d, jobs)
    _flows_callbacks(app, d)
    _stress_callbacks(app, d)
    _gap_callbacks(app, d, jobs)
    _buildout_callbacks(app, d)
