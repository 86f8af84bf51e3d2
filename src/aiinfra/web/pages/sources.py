"""The sources (``/sources``): every source behind the pages, filterable and sortable."""

from __future__ import annotations

from typing import Any

from aiinfra.config import Lang
from aiinfra.services.dashboard import Dashboard
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages._common import csv_link

__all__ = ["layout", "register"]


def layout(d: Dashboard, lang: Lang) -> Any:
    """Deals, figures, scores, AI revenue, financials, the gap's parameters, the prices and the
    methodology, each with its date and source."""
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
            csv_link(frame.rename(columns=lambda c: t(c, lang)), "src-table"),
            html.P(t("not_advice", lang), className="small"),
        ]
    )


def register(app: Any, d: Dashboard, jobs: Jobs) -> None:
    """The table filters and sorts in the browser: nothing to register."""
    del app, d, jobs
