"""The index page (``/index``): methodology controls, and the index they form against the
default, computed in a background job; below, several strategies (built-in methodologies) and
benchmarks compared, in a second job."""

from __future__ import annotations

from typing import Any

import pandas as pd

from aiinfra.charts import (
    CATEGORY_NAMES,
    COMPARED,
    house_rows,
    label,
    levels_figure,
    look_ahead_rows,
    monthly_table,
    reviews_by_source,
    rolling_figure,
    score_source_name,
    score_source_text,
    strategies_levels_figure,
    strategies_table,
    treemap_figure,
)
from aiinfra.config import Lang
from aiinfra.services.dashboard import CATEGORIES, Dashboard, switched_off
from aiinfra.web import _inputs as rule
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages._common import (
    csv_link,
    graph,
    html_table,
    job_stores,
    num,
    pct,
    poll_callback,
    slider_value,
    table_number,
)

__all__ = [
    "INDEX_RANGES",
    "MULTIPLIER_STEP",
    "cap_marks",
    "index_notices",
    "layout",
    "multiplier_marks",
    "register",
]

#: the index controls' ranges: the sliders' and the rules a callback input must keep
INDEX_RANGES: dict[str, tuple[Any, Any]] = {
    "single_cap": (0.04, 0.25),
    "target_n": (10, 50),
    "multiplier": (0.0, 3.0),
}


#: the multiplier sliders' step: every position above 0 is a multiplier the rules accept
#: (``categories.C#.m`` > 0); 0 switches the category off (see ``Dashboard.methodology``)
MULTIPLIER_STEP = 0.1


def multiplier_marks(lang: Lang) -> dict[float, str]:
    """The multiplier sliders' marks: 0 is "off", then whole multipliers."""
    lo, hi = INDEX_RANGES["multiplier"]
    return {lo: t("off", lang)} | {float(x): str(x) for x in range(1, int(hi) + 1)}


def cap_marks(lang: Lang) -> dict[float, str]:
    """The cap slider's marks, as percentages in the reader's convention ("8 %")."""
    return {x / 100: pct(x / 100, lang, 0) for x in (4, 8, 12, 16, 20, 25)}


def _slider(label: str, **slider: Any) -> Any:
    from dash import dcc, html

    return html.Div(
        [html.Label(label), dcc.Slider(updatemode="mouseup", **slider)], className="ctl"
    )


def layout(d: Dashboard, lang: Lang) -> Any:
    """The controls (single-name cap, target count, a multiplier per category, reset) beside
    the result of the job they start."""
    from dash import html

    if d.prices is None:  # every page says why first (aiinfra.web._app.no_prices_notice)
        return html.Div([html.H2(t("index", lang))], id="ix-no-prices")
    m = d.methodology()
    ctl: list[Any] = [
        _slider(
            t("single_cap", lang),
            id="ix-cap",
            min=INDEX_RANGES["single_cap"][0],
            max=INDEX_RANGES["single_cap"][1],
            step=0.01,
            value=m.weighting.single_cap,
            marks=cap_marks(lang),
            **slider_value(lang, percent=True),
        ),
        _slider(
            t("target_n", lang),
            id="ix-n",
            min=INDEX_RANGES["target_n"][0],
            max=INDEX_RANGES["target_n"][1],
            step=1,
            value=m.selection.target_n,
            marks={x: str(x) for x in (10, 20, 30, 40, 50)},
            **slider_value(lang),
        ),
    ]
    for c in CATEGORIES:
        ctl.append(
            _slider(
                t("multiplier", lang).format(cat=f"{c} {CATEGORY_NAMES[c][lang]}"),
                id=f"ix-m-{c}",
                min=INDEX_RANGES["multiplier"][0],
                max=INDEX_RANGES["multiplier"][1],
                step=MULTIPLIER_STEP,
                value=m.categories[c].m,
                marks=multiplier_marks(lang),
                **slider_value(lang),
            )
        )
    ctl.append(html.P(t("multiplier_off_note", lang), className="small"))
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
            *job_stores("ix"),
            _strategies_panel(d, lang),
        ]
    )


def _strategies_panel(d: Dashboard, lang: Lang) -> Any:
    """Several built-in methodologies and benchmarks (multi-selects) and, from their job, the
    comparison: a table with a row per strategy and per benchmark, the levels, each strategy's
    monthly returns and the rolling one-year charts."""
    from dash import dcc, html

    from aiinfra.services.strategies import DEFAULT_BENCHMARKS, builtin_names, dashboard_benchmarks

    offered = dashboard_benchmarks(d)
    return html.Div(
        [
            html.H2(t("strategies", lang)),
            html.Div(
                [
                    html.Div(
                        [
                            html.Label(t("methodologies", lang)),
                            dcc.Dropdown(
                                id="ixs-methodologies",
                                options=[{"label": n, "value": n} for n in builtin_names()],
                                value=["default"],
                                multi=True,
                            ),
                        ],
                        className="ctl col",
                    ),
                    html.Div(
                        [
                            html.Label(t("benchmarks", lang)),
                            dcc.Dropdown(
                                id="ixs-benchmarks",
                                options=[{"label": b, "value": b} for b in offered],
                                value=[b for b in DEFAULT_BENCHMARKS if b in offered],
                                multi=True,
                            ),
                        ],
                        className="ctl col",
                    ),
                ],
                className="row",
            ),
            html.Progress(id="ixs-progress", max=1, value="0", hidden=True),
            html.Div(id="ixs-status", className="small"),
            html.Div(id="ixs-result"),
            *job_stores("ixs"),
        ],
        id="ixs-panel",
    )


def _strategies_result(cmp: Any, notices: list[str], lang: Lang) -> list[Any]:
    """The finished comparison job: notices, the window, the table (a row per strategy and per
    benchmark), the levels, each strategy's monthly returns and the rolling one-year charts
    (the same as the report's, see aiinfra.report._strategies)."""
    from dash import html

    from aiinfra.services.strategies import ROLLING_STATS

    def p(x: Any) -> str:
        return pct(x, lang)

    def n2(x: Any) -> str:
        return num(x, lang, 2)

    out: list[Any] = [html.P(n, className="small") for n in notices]
    if cmp is None:
        return out
    text = label("strategies_window", lang).format(
        start=cmp.start.date(), end=cmp.end.date(), ref=cmp.reference or "–"
    )
    out.append(html.P(text, className="small", id="ixs-window"))
    out.append(
        html_table(
            strategies_table(cmp, lang, p, n2), "ixs-summary", csv=strategies_table(cmp, lang)
        )
    )
    out.append(graph(strategies_levels_figure(cmp, lang), "ixs-levels"))
    for i, name in enumerate(cmp.strategies):
        m = cmp.methodologies.get(name, "")
        head = label("monthly_returns", lang).format(
            name=name + (f" ({m})" if m and m != name else "")
        )
        out.append(html.H4(head))
        out.append(
            html_table(
                monthly_table(cmp, name, lang, p),
                f"ixs-monthly-{i}",
                csv=monthly_table(cmp, name, lang),
            )
        )
    out.append(html.P(label("monthly_note", lang), className="small"))
    out.append(html.H3(label("rolling", lang)))
    if len(cmp.levels) <= cmp.window:
        note = label("rolling_short", lang).format(window=cmp.window, n=len(cmp.levels))
        out.append(html.P(note, className="label", id="ixs-rolling-short"))
        return out
    out.append(html.P(label("rolling_note", lang).format(window=cmp.window), className="small"))
    for stat in ROLLING_STATS:
        if stat == "beta" and cmp.reference is None:
            continue
        out.append(graph(rolling_figure(cmp, stat, lang), f"ixs-rolling-{stat}"))
    return out


def _share(x: float, lang: Lang) -> str:
    """A cap as a percentage: whole percents without decimals (8 %), else one (12,5 %)."""
    whole = abs(100 * x - round(100 * x)) < 1e-9
    return pct(x, lang, 0 if whole else 1)


def _and(items: list[str], lang: Lang) -> str:
    """``a, b and c`` (``a, b und c``)."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('and', lang)} {items[-1]}"


def notice_text(part: dict[str, Any], lang: Lang) -> str:
    """The analyst's sentence for one of :func:`aiinfra.services.notices.index_notice_parts`
    (the report words the same parts in its own labels)."""
    key, n = part["key"], part["numbers"]
    if key == "relaxed":
        clauses = {
            "cap": t("nt_cap", lang).format(
                cap=_share(n["cap"], lang), cap_rule=_share(n["cap_rule"], lang)
            ),
            "min_n": t("nt_min_n", lang).format(min_n=n["min_n"], min_n_rule=n["min_n_rule"]),
            "ucits": t("nt_ucits", lang),
        }
        changes = _and([clauses[c] for c in n["changes"]], lang)
        text = t("nt_relaxed", lang).format(**{k: n[k] for k in NOTICE_COUNTS})
        return text + (t("nt_with", lang).format(changes=changes) if changes else "") + "."
    if key == "no_index":
        return t("nt_no_index" if n else "nt_no_index_plain", lang).format(**n)
    return t("nt_bt_left_out", lang).format(**n)


#: the counts the "relaxed" sentence quotes
NOTICE_COUNTS = ("priced", "candidates", "eligible", "selected")


def index_notices(view: Any, lang: Lang) -> list[Any]:
    """What the page says about how the index was formed (the report says the same): the
    analyst's sentence, with the engine's message one click away (``details``)."""
    from dash import html

    from aiinfra.services.notices import index_notice_parts

    out = []
    for part in index_notice_parts(view):
        out.append(
            html.Div(
                [
                    html.P(notice_text(part, lang), className="notice-text"),
                    html.Details(
                        [html.Summary(t("details", lang)), html.P(part["detail"])],
                        className="small",
                    ),
                ],
                id=f"ix-notice-{part['key']}",
                className="notice",
            )
        )
    return out


def _off_notice(view: Any, lang: Lang) -> list[Any]:
    """Which categories the multiplier sliders switched off (their multiplier at 0)."""
    from dash import html

    on = view.requested.universe.categories
    off = [c for c in CATEGORIES if on is not None and c not in on]
    if not off:
        return []
    names = ", ".join(f"{c} {CATEGORY_NAMES[c][lang]}" for c in off)
    text = t("categories_off", lang).format(names=names)
    return [html.P(text, className="label", id="ix-off", **{"data-off": " ".join(off)})]  # type: ignore[arg-type]


def _index_result(d: Dashboard, view: Any, default: Any, lang: Lang) -> Any:
    """The finished job: the rules in force, notices, the difference to the default, the
    composition, the constituents, the backtest against the default and, for the default rules
    (the only ones compared), the same rules on today's scores and the systematic scores against
    the house view."""
    from dash import html

    if view is None:  # every category switched off: nothing was asked
        return [html.P(t("all_off", lang), className="label", id="ix-all-off")]
    if view.review is None:  # no index, even relaxed: why, in the reader's words
        return [*_off_notice(view, lang), *index_notices(view, lang)]
    sel = view.review.selection()
    out: list[Any] = [_applied(view, lang), *_off_notice(view, lang), *index_notices(view, lang)]
    if not view.point_in_time:
        out.append(html.P(t("not_pit", lang), className="label", id="ix-not-pit"))
    if default.review is not None:  # the default's own notices are the default's page
        out += _difference(view, default, lang)
    out.append(graph(treemap_figure(sel, lang, height=420), "ix-treemap"))
    out.append(html.H3(t("constituents", lang)))
    out.append(_constituents(sel, d.rationale(), lang))
    if view.backtest is not None:
        out += _backtest(view, default, lang)
    if view.house_comparison is not None:
        out += _house(view.house_comparison, lang)
    return out


def _applied(view: Any, lang: Lang) -> Any:
    """The rules in force (``data-cap`` carries the cap applied)."""
    from dash import html

    m = view.methodology
    on = m.universe.categories

    def mult(c: str) -> str:
        return t("off", lang) if on is not None and c not in on else num(m.categories[c].m, lang)

    mult_text = ", ".join(f"{c} {mult(c)}" for c in CATEGORIES)
    return html.P(
        f"{t('single_cap', lang)} {pct(m.weighting.single_cap, lang, 0)} · "
        f"{t('target_n', lang)} {m.selection.target_n} · {mult_text} · "
        f"{t('review', lang)} {view.review.dates.review}",
        id="ix-applied",
        **{"data-cap": f"{m.weighting.single_cap:g}"},  # type: ignore[arg-type]
    )


def _difference(view: Any, default: Any, lang: Lang) -> list[Any]:
    """Metrics of these settings against the default's, and the names added and removed."""
    from dash import html

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
    sel = view.review.selection()
    ids_v, ids_d = set(sel["id"]), set(default.review.selection()["id"])
    names = dict(zip(sel["id"], sel["name"], strict=True)) | dict(
        zip(default.review.selection()["id"], default.review.selection()["name"], strict=True)
    )
    return [
        html.H3(t("vs_default", lang)),
        html_table(pd.DataFrame(rows), "ix-diff"),
        html.P(
            f"{t('added', lang)}: {', '.join(sorted(names[i] for i in ids_v - ids_d)) or '–'}; "
            f"{t('removed', lang)}: {', '.join(sorted(names[i] for i in ids_d - ids_v)) or '–'}",
            className="small",
            id="ix-changes",
        ),
    ]


def _constituents(sel: pd.DataFrame, rat: pd.DataFrame, lang: Lang) -> Any:
    """The constituents as a sortable table, with the rationale of each score, and its CSV
    link."""
    from dash import dash_table, html

    table = pd.DataFrame(
        {
            "rank": sel["rank"],
            "company": sel["name"],
            "ticker": sel["ticker"],
            "category": sel["category"],
            "Q": sel["Q"].round(1),
            "S": sel["S"].round(1),
            "ai_share": (100 * sel["a"]).round(1),
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
        "ai_share": t("ai_share", lang) + " (%)",
        "weight": t("weight", lang) + " (%)",
        "rationale": t("rationale", lang),
    }
    digits = {"Q": 1, "S": 1, "ai_share": 1, "weight": 2}
    grid = dash_table.DataTable(  # type: ignore[attr-defined]
        id="ix-table",
        columns=[
            {"name": labels[c], "id": c}
            | ({"type": "numeric", "format": table_number(digits[c], lang)} if c in digits else {})
            for c in table.columns
        ],
        data=table.to_dict("records"),
        sort_action="native",
        page_size=30,
        style_cell={"textAlign": "left", "whiteSpace": "normal", "fontSize": "0.85rem"},
        style_cell_conditional=[{"if": {"column_id": "rationale"}, "width": "40%"}],
    )
    return html.Div([grid, csv_link(table.rename(columns=labels), "ix-table")])


def _backtest(view: Any, default: Any, lang: Lang) -> list[Any]:
    """The levels of these settings (and the default's GTR, dotted) with a range selector;
    whether they are point in time and the score source per review; when compared, today's
    scores dashed and the look-ahead premium."""
    from dash import html

    lv = view.backtest.levels
    extra = {}
    if default.backtest is not None and default is not view:
        extra[f"GTR ({t('default', lang)})"] = default.backtest.levels["GTR"]
    dashed = {}
    if view.comparison is not None:
        dashed[t("static_series", lang)] = view.comparison.levels["GTR"]
    fig = levels_figure(lv, lang, extra=extra, dashed=dashed)
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
    stats = view.backtest.stats
    out: list[Any] = [html.H3(t("backtest", lang))]
    if stats.point_in_time:
        out.append(html.P(html.B(t("pit", lang)), className="small", id="ix-pit"))
    else:
        out.append(html.P(t("not_pit", lang), className="label"))
    out.append(html.P(score_source_text(stats, lang), className="small", id="ix-sources"))
    if stats.score_sources:
        items = [
            html.Li(f"{score_source_name(src, lang)} ({len(reviews)}): {', '.join(reviews)}")
            for src, reviews in reviews_by_source(stats).items()
        ]
        out.append(
            html.Details(
                [html.Summary(t("reviews_per_source", lang)), html.Ul(items, className="small")],
                id="ix-sources-detail",
            )
        )
    out.append(graph(fig, "ix-levels"))
    out += _premium(view, lang)
    return out


def _premium(view: Any, lang: Lang) -> list[Any]:
    """The same rules on today's scores, labelled not point-in-time, against the point-in-time
    backtest, and the look-ahead premium (nothing without a comparison)."""
    from dash import html

    rows = look_ahead_rows(view)
    if not rows:
        if view.comparison_error is None:
            return []
        why = t("comparison_left_out", lang).format(why=view.comparison_error)
        return [html.P(why, className="small", id="ix-premium-missing")]
    names = {"pit": t("pit_row", lang), "static": t("static_row", lang)}
    names["premium"] = t("premium_row", lang)
    table = pd.DataFrame(
        [
            {t("series", lang): names[kind]}
            | {
                t(k, lang): num(v[k], lang, 2) if k == "sharpe_ratio" else pct(v[k], lang, 1)
                for k in COMPARED
            }
            for kind, v in rows
        ]
    )
    s, premium = view.backtest.stats, rows[-1][1]

    def signed(x: float) -> str:
        return ("+" if x > 0 else "") + pct(x, lang, 1)

    text = t("premium_text", lang).format(
        start=s.start,
        end=s.end,
        total=signed(premium["total_return"]),
        annual=signed(premium["annual_return"]),
    )
    return [
        html.H3(t("comparison", lang)),
        html.P(t("comparison_label", lang), className="label", id="ix-comparison-label"),
        html_table(table, "ix-premium"),
        html.P(text, className="small", id="ix-premium-text"),
    ]


def _house(hc: Any, lang: Lang, n: int = 10) -> list[Any]:
    """Systematic scores against the house view: rank correlation, the dates compared, the
    rubric in a sentence, and the ``n`` names that differ most."""
    from dash import html

    top = house_rows(hc, n)
    table = pd.DataFrame(
        {
            t("company", lang): top["name"].astype(str),
            t("category", lang): top["category"].astype(str),
            t("q_systematic", lang): [num(x, lang, 1) for x in top["Q_systematic"]],
            t("q_house", lang): [num(x, lang, 1) for x in top["Q_house"]],
            t("q_difference", lang): [
                ("+" if x > 0 else "") + num(x, lang, 1) for x in top["difference"]
            ],
        }
    )
    text = t("house_vs_text", lang).format(
        rho=num(hc.rank_correlation, lang, 2),
        n=hc.n,
        cutoff=pd.Timestamp(hc.cutoff).date(),
        house=pd.Timestamp(hc.house_as_of).date(),
    )
    return [
        html.H3(t("house_vs", lang)),
        html.P(text, id="ix-house-text"),
        html.P(t("rubric", lang), className="small"),
        html.H4(t("differ_most", lang).format(n=len(top))),
        html_table(table, "ix-house"),
    ]


def register(app: Any, d: Dashboard, jobs: Jobs) -> None:
    """Reset restores the default's controls; a change of a control starts the job (a newer
    one supersedes it), which the poll shows when done."""
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
        all_off = len(switched_off(multipliers)) == len(CATEGORIES)
        if not all_off:
            d.methodology(cap, n, multipliers)  # a bad value fails here, in the banner

        def run(progress: Any) -> Any:
            if all_off:  # the page says so; there is nothing to form
                return None, None
            view = d.index_view(
                cap, n, multipliers, progress=lambda x, w: progress(0.8 * x, w), keep_error=True
            )
            default = d.index_view(
                progress=lambda x, w: progress(0.8 + 0.2 * x, w), keep_error=True
            )
            return view, default

        # a newer index job from this page supersedes the previous one
        return jobs.submit(run, session=session, kind="index"), False, 0

    poll_callback(app, jobs, "ix", lambda res, lang: _index_result(d, res[0], res[1], lang))
    _register_strategies(app, d, jobs)


def _register_strategies(app: Any, d: Dashboard, jobs: Jobs) -> None:
    """A change of the methodologies or benchmarks chosen starts the comparison job (a newer
    one supersedes it; choices outside the page's offer fail in the banner at once)."""
    from dash import Input, Output, State

    from aiinfra.services.strategies import check_dashboard_choices, dashboard_strategies

    @app.callback(
        Output("ixs-job", "data"),
        Output("ixs-progress", "hidden"),
        Output("ixs-progress", "value"),
        Input("ixs-methodologies", "value"),
        Input("ixs-benchmarks", "value"),
        State("lang", "value"),
        State("session", "data"),
    )
    @rule.checked(rule.text_list("methodologies"), rule.text_list("benchmarks"), rule.lang(),
                  rule.session())  # fmt: skip
    def start(names: list[str], bench: list[str], lang: Lang, session: str) -> Any:
        check_dashboard_choices(d, names, bench)

        def run(progress: Any) -> Any:
            return dashboard_strategies(d, names, bench, lang, progress)

        return jobs.submit(run, session=session, kind="strategies"), False, 0

    poll_callback(app, jobs, "ixs", lambda res, lang: _strategies_result(res[0], res[1], lang))
