"""The ROI gap (``/gap``): method, year, Monte Carlo samples and a slider per parameter; the gap
by year, its sensitivities and its distribution, computed in a background job."""

from __future__ import annotations

from typing import Any

from aiinfra.charts import (
    figures_evidence_sentence,
    gap_figure,
    mc_histogram_figure,
    tornado_figure,
)
from aiinfra.config import Lang
from aiinfra.services.dashboard import Dashboard
from aiinfra.services.gap import PARAMETERS
from aiinfra.web import _inputs as rule
from aiinfra.web._i18n import WEB_LABELS, t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages._common import (
    graph,
    html_table,
    is_nan,
    job_stores,
    num,
    pct,
    plain,
    poll_callback,
    slider_value,
)

__all__ = [
    "GAP_METHODS",
    "GAP_YEARS",
    "SAMPLE_CHOICES",
    "gap_chart",
    "is_percent",
    "layout",
    "param_label",
    "register",
    "tornado_chart",
]

GAP_YEARS = list(range(2023, 2031))
SAMPLE_CHOICES = [0, 10_000, 100_000, 1_000_000]
GAP_METHODS = ("sequoia", "capex")


def param_label(name: str, lang: Lang) -> str:
    """A parameter's slider label in the reader's language: its name and unit, then its source
    as written (sources are data)."""
    p = PARAMETERS[name]
    return f"{t('param:' + name, lang)} ({t('unit:' + p.unit, lang)}) — {p.source}"


def is_percent(name: str) -> bool:
    """Whether a parameter is a fraction read as a percentage (a share, a margin, a rate: 0.5
    → "50 %"); a number of years is not."""
    return PARAMETERS[name].unit in {"share", "± share", "per year"}


def _mark(x: float, percent: bool, lang: Lang) -> str:
    """A slider's end mark: the value in the reader's convention, a fraction in percent."""
    return plain(100 * x, lang) + " %" if percent else plain(x, lang)


def _sliders(lang: Lang) -> list[Any]:
    """A slider per parameter over its documented range, at its default, named and with its
    source (the value above the handle and the marks in the reader's convention; shares,
    margins and rates in percent, :func:`is_percent`)."""
    from dash import dcc, html

    sliders = []
    for name, p in PARAMETERS.items():
        step = 0.5 if p.unit == "years" else 0.01
        percent = is_percent(name)
        sliders.append(
            html.Div(
                [
                    html.Label(param_label(name, lang), className="small"),
                    dcc.Slider(
                        id=f"gp-p-{name}",
                        min=p.low,
                        max=p.high,
                        step=step,
                        value=p.default,
                        marks={x: _mark(x, percent, lang) for x in (p.low, p.high)},
                        **slider_value(lang, percent=percent),
                        updatemode="mouseup",
                    ),
                ],
                className="ctl",
            )
        )
    return sliders


def layout(d: Dashboard, lang: Lang) -> Any:
    """The parameters' panel beside the result of the job they start."""
    from dash import dcc, html

    del d  # the controls come from the model's parameters, not from the ledger
    return html.Div(
        [
            html.H2(t("gap", lang)),
            html.P(t("gap_page_intro", lang), className="small", id="gp-intro"),
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
                                options=[
                                    {"label": num(s, lang, 0), "value": s} for s in SAMPLE_CHOICES
                                ],
                                value=100_000,
                                clearable=False,
                            ),
                            *_sliders(lang),
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
            *job_stores("gp"),
        ]
    )


def _gap_result(r: Any, lang: Lang) -> Any:
    """The finished job: the headline, the years, the tornado and the Monte Carlo (or why there
    is none for the year)."""
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
        graph(gap_chart(r, lang), "gp-years"),
        _net(row, lang),
    ]
    if is_nan(row.get("gap")):  # no revenue figure that year: nothing to be sensitive about
        out.append(html.P(t("mc_none", lang).format(year=r.year), className="small"))
        out.append(html.P("; ".join(r.notes), className="small"))
        return [*out, *_evidence(r, lang)]
    out.append(graph(tornado_chart(r, lang), "gp-tornado"))
    mc = r.montecarlo
    if mc is not None and r.year in mc.summary.index and is_nan(mc.summary.loc[r.year, "gap_p50"]):
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
        out.append(graph(mc_histogram_figure(mc, r.year, lang), "gp-mc"))
    out.append(html.P("; ".join(r.notes), className="small"))
    return [*out, *_evidence(r, lang)]


def tornado_chart(r: Any, lang: Lang) -> Any:
    """The sensitivity tornado (:func:`aiinfra.charts.tornado_figure`) with each bar named as
    its slider is, in the reader's language ("capex band" and "revenue band": the sources'
    spread of the year's capex and revenue)."""
    fig = tornado_figure(r, lang)
    for trace in fig.data:
        trace.y = [
            t(f"param:{p}", lang) if f"param:{p}" in WEB_LABELS else p
            for p in r.tornado["parameter"]
        ]
    fig.update_yaxes(automargin=True)
    return fig


def gap_chart(r: Any, lang: Lang) -> Any:
    """The gap by year: :func:`aiinfra.charts.gap_figure`, the report's chart, with the
    forecasts of other definitions than the AI-revenue series' (the labs' ARR forecast) as
    markers of their own, never joined to the series' line (issue 18)."""
    return gap_figure(r, lang)


def _net(row: Any, lang: Lang) -> Any:
    """The year's gap net of circularity beside the gross (issue 16, part 3): the circular
    share s, AI revenue net of it (revenue × (1 − s), with its range) and the net gap."""
    import pandas as pd

    def band(col: str) -> str:
        mid = num(row.get(col), lang, 0)
        lo, hi = num(row.get(col + "_low"), lang, 0), num(row.get(col + "_high"), lang, 0)
        return mid if mid == "–" or lo == "–" else f"{mid} ({lo}–{hi})"

    frame = pd.DataFrame(
        {
            t("year", lang): [str(row.get("year", ""))],
            t("ai_revenue", lang): [band("revenue")],
            t("gap_gross", lang): [num(row.get("gap"), lang, 0)],
            t("circular_share", lang): [pct(row.get("circular_share"), lang)],
            t("net_revenue", lang): [band("net_revenue")],
            t("net_gap", lang): [num(row.get("net_gap"), lang, 0)],
            t("net_coverage", lang): [pct(row.get("net_coverage"), lang)],
        }
    )
    return html_table(frame, "gp-net")


def _evidence(r: Any, lang: Lang) -> list[Any]:
    """What the year's inputs rest on, under the notes (the sentence the report uses): the
    ledger figures behind each input by source tier and kind, and how many are quoted; nothing
    when no input names a figure."""
    from dash import html

    text = figures_evidence_sentence(r.evidence, r.year, lang)
    if not text:
        return []
    return [
        html.P(
            text,
            id="gp-evidence",
            className="small evidence",
            **{"data-asof": r.as_of, "data-year": str(r.year)},
        )
    ]


def register(app: Any, d: Dashboard, jobs: Jobs) -> None:
    """A change of a control starts the gap job (a newer one supersedes it), which the poll
    shows when done."""
    from dash import Input, Output, State

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

    poll_callback(app, jobs, "gp", _gap_result)
