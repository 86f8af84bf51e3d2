"""Circularity over time (``/history``): the cycling index, the cycle volume and the p-value at
every quarter end from 2019 (:func:`aiinfra.services.flows_history.history`), with the drawdowns
of the index and SMH when the dashboard has prices; computed in a background job."""

from __future__ import annotations

from typing import Any

from aiinfra.charts import history_figure, history_self_funded_table, history_table
from aiinfra.config import Lang
from aiinfra.services.dashboard import Dashboard
from aiinfra.services.flows_history import history
from aiinfra.web import _inputs as rule
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages._common import graph, html_table, job_stores, poll_callback

__all__ = ["SAMPLE_CHOICES", "START", "layout", "register"]

#: rewirings per quarter the page offers (the CLI's default is 200)
SAMPLE_CHOICES = [20, 100, 200]
START = "2019-01-01"


def layout(d: Dashboard, lang: Lang) -> Any:
    """The samples' choice beside the result of the job it starts."""
    from dash import dcc, html

    del d
    return html.Div(
        [
            html.H2(t("history", lang)),
            html.Label(t("samples", lang)),
            dcc.Dropdown(id="hi-samples", options=SAMPLE_CHOICES, value=100, clearable=False),
            html.Progress(id="hi-progress", max=1, value="0", hidden=True),
            html.Div(id="hi-status", className="small"),
            html.Div(id="hi-result"),
            *job_stores("hi"),
        ]
    )


def _render(v: Any, lang: Lang) -> Any:
    """The finished job: what was replayed, the chart, the notes and the table."""
    from dash import html

    h = v.history
    frame = v.to_frame()
    intro = t("hist_intro", lang).format(
        start=h.start.date(), basis=h.basis, samples=h.samples, seed=h.seed
    )
    csv = frame.reset_index()
    csv["date"] = csv["date"].dt.date.astype(str)
    return [
        html.P(intro, className="small", id="hi-intro"),
        graph(history_figure(frame, lang, v.benchmark), "hi-chart"),
        *[html.P(str(n), className="small") for n in v.notes],
        html_table(history_table(frame, lang, v.benchmark), "hi-table", csv=csv),
        html.H4(t("hist_self_funded", lang)),
        html_table(
            history_self_funded_table(frame, h.top, lang),
            "hi-self-funded",
            csv=csv[["date", *[c for c in csv.columns if str(c).startswith("self_funded_")]]],
        ),
    ]


def register(app: Any, d: Dashboard, jobs: Jobs) -> None:
    """A choice of samples starts the history job; the poll shows it when done."""
    from dash import Input, Output, State

    @app.callback(
        Output("hi-job", "data"),
        Output("hi-progress", "hidden"),
        Output("hi-progress", "value"),
        Input("hi-samples", "value"),
        State("session", "data"),
    )
    @rule.checked(rule.choice("samples", SAMPLE_CHOICES), rule.session())
    def start(samples: int, session: str) -> Any:
        def run(progress: Any) -> Any:
            del progress
            return history(d.settings, START, None, "Q", "committed", samples, 0)

        return jobs.submit(run, session=session, kind="history"), False, 0

    poll_callback(app, jobs, "hi", _render)
