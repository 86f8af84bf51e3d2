"""The build-out (``/buildout``): one series at a time, as a chart and as its figures."""

from __future__ import annotations

from typing import Any

import pandas as pd

from aiinfra.charts import buildout_figure
from aiinfra.config import Lang
from aiinfra.services.dashboard import Dashboard
from aiinfra.web import _inputs as rule
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages._common import graph, html_table, num

__all__ = ["layout", "register"]


def layout(d: Dashboard, lang: Lang) -> Any:
    """The series with a point known on the dashboard's date to choose from."""
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


def register(app: Any, d: Dashboard, jobs: Jobs) -> None:
    """The chart and the table of the series chosen."""
    from dash import Input, Output, State, html

    del jobs

    @app.callback(
        Output("bo-result", "children"),
        Input("bo-series", "value"),
        State("lang", "value"),
    )
    @rule.checked(rule.choice("series", d.buildout_names, optional=True), rule.lang())
    def show(name: str | None, lang: Lang) -> Any:
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
        return [graph(fig, "bo-graph", lang), html_table(table, "bo-table")]
