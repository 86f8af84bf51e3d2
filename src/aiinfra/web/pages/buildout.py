"""The build-out (``/buildout``): one series at a time, as a chart and as its figures, by name
(issue 18: "OpenAI · annualised revenue (ARR)", not ``openai · arr_usd_bn``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from aiinfra.charts import ENTITY_NAMES, MEASURE_NAMES, SERIES_NAMES, buildout_figure
from aiinfra.config import Lang
from aiinfra.services.dashboard import Dashboard
from aiinfra.services.ledger import source_text
from aiinfra.web import _inputs as rule
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages._common import graph, html_table, num

__all__ = ["layout", "register", "series_label", "series_table"]


def series_label(name: str, lang: Lang) -> str:
    """A build-out series by its name in the reader's language (the id where it has none)."""
    known = SERIES_NAMES.get(name, {})
    return known.get(lang) or known.get("en") or name.replace("_", " ")


def series_table(d: Dashboard, pts: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """A series' figures as the page shows them: "who · what" by name, period, kind, value and
    band, the source as plain text (seed articles by title) and the figure id last."""
    names = d.ledger.company_names()

    def who(e: object) -> str:
        known = ENTITY_NAMES.get(str(e), {})
        return str(names.get(str(e)) or known.get(lang) or known.get("en") or e)

    def what(m: object) -> str:
        known = MEASURE_NAMES.get(str(m), {})
        return known.get(lang) or known.get("en") or str(m).replace("_", " ")

    return pd.DataFrame(
        {
            t("series", lang): [
                f"{who(e)} · {what(m)}" for e, m in zip(pts["entity"], pts["measure"], strict=True)
            ],
            t("period", lang): pts["period"],
            t("kind", lang): [t(str(k), lang) for k in pts["kind"]],
            t("value", lang): [num(x, lang, 1) for x in pts["value"]],
            t("low", lang): [num(x, lang, 1) for x in pts["low"]],
            t("high", lang): [num(x, lang, 1) for x in pts["high"]],
            t("source", lang): [source_text(s) for s in pts["source"]],
            t("id", lang): pts["figure_id"],
        }
    )


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
                options=[{"label": series_label(n, lang), "value": n} for n in names],
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
        table = series_table(d, pts, lang)
        return [graph(fig, "bo-graph", lang), html_table(table, "bo-table")]
