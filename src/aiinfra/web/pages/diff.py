"""What changed (``/diff``): two date pickers and the four tables of
:func:`aiinfra.services.diff.diff` between them (deals, cycles, the index, gap and stress), in
words as the report shows them (companies by name, headers with the two dates), the engine's
notes folded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiinfra.charts import diff_tables
from aiinfra.config import Lang
from aiinfra.exceptions import AiinfraError
from aiinfra.services.dashboard import Dashboard
from aiinfra.services.diff import diff
from aiinfra.web import _inputs as rule
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages._common import html_table

__all__ = ["DATE", "layout", "register", "render"]

#: a date the pickers send
DATE = r"\d{4}-\d{2}-\d{2}"


def layout(d: Dashboard, lang: Lang) -> Any:
    """The two date pickers (a year ago and today) above the tables."""
    from dash import dcc, html

    del d
    today = dt.date.today()
    return html.Div(
        [
            html.H2(t("diff", lang)),
            html.Div(
                [
                    html.Label(t("diff_date1", lang)),
                    dcc.DatePickerSingle(
                        id="df-date1", date=(today.replace(year=today.year - 1)).isoformat(),
                        display_format="YYYY-MM-DD",
                    ),
                    html.Label(t("diff_date2", lang)),
                    dcc.DatePickerSingle(
                        id="df-date2", date=today.isoformat(), display_format="YYYY-MM-DD"
                    ),
                ],
                className="panel",
            ),
            dcc.Loading(html.Div(id="df-result")),
        ]
    )  # fmt: skip


def render(d: Dashboard, date1: str, date2: str, lang: Lang) -> list[Any]:
    """The diff between the two dates as the page shows it; a date the diff refuses gives its
    message as text."""
    from dash import html

    try:
        r = diff(d.ledger, date1, date2, prices=d.prices, fx=d.fx)
    except AiinfraError as exc:
        return [html.P(str(exc), className="label", id="df-error")]
    frames = r.to_frames()
    out: list[Any] = [
        html.P(
            t("diff_intro", lang).format(d1=r.date1.date(), d2=r.date2.date()),
            className="small",
            id="df-intro",
        )
    ]
    # in words as the report shows them: companies by name, headers with the two dates
    dates = (str(r.date1.date()), str(r.date2.date()))
    for part, shown in diff_tables(frames, lang, names=dict(r.names), dates=dates).items():
        out.append(html.H3(t("diff_" + part, lang)))
        if shown.empty:
            out.append(html.P(t("diff_none", lang), className="small"))
        out.append(html_table(shown, f"df-{part}", csv=frames[part]))
    if r.notes:  # the engine's notes (English: what could not be compared), folded
        out.append(
            html.Details(
                [
                    html.Summary(t("engine_detail", lang)),
                    html.Ul([html.Li(str(n), className="small") for n in r.notes]),
                ],
                className="engine",
                id="df-notes",
            )
        )
    return out


def register(app: Any, d: Dashboard, jobs: Jobs) -> None:
    """A change of either date redraws the tables."""
    from dash import Input, Output

    del jobs

    @app.callback(
        Output("df-result", "children"),
        Input("df-date1", "date"),
        Input("df-date2", "date"),
        Input("lang", "value"),
    )
    @rule.checked(
        rule.text("date1", pattern=DATE + r".*", what="a date YYYY-MM-DD"),
        rule.text("date2", pattern=DATE + r".*", what="a date YYYY-MM-DD"),
        rule.lang(),
    )
    def show(date1: str, date2: str, lang: Lang) -> Any:
        return render(d, date1[:10], date2[:10], lang)
