"""Your ETF, looked through (``/lookthrough``): upload a fund's holdings file (``dcc.Upload``)
and see its category mix, overlap and active share against the index, its weight on money
cycles, its self-funded share, its loss under each stress scenario and the lines that map to no
ledger company (:func:`aiinfra.services.lookthrough_upload.compose_upload`): headings, scenarios
and reasons in the reader's language, the engine's notes folded under "Details".

The file is data: its names and tickers reach the page as plain Dash children (text, never
markup), and an unreadable file gives its error as text."""

from __future__ import annotations

from typing import Any

from aiinfra.charts import lookthrough_tables
from aiinfra.config import Lang
from aiinfra.exceptions import AiinfraError
from aiinfra.services.dashboard import Dashboard
from aiinfra.services.lookthrough_upload import MAX_BYTES, compose_upload
from aiinfra.web import _inputs as rule
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages._common import html_table

__all__ = ["layout", "register", "render"]


def _contents_rule() -> rule.Rule:
    """An upload: nothing, or a data URL of at most 4/3 × :data:`MAX_BYTES` characters."""

    def convert(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError
        if len(value) > MAX_BYTES * 4 // 3 + 200 or not value.startswith("data:"):
            raise ValueError
        return value

    return rule.Rule("contents", f"an uploaded file (at most {MAX_BYTES} bytes)", convert)


def layout(d: Dashboard, lang: Lang) -> Any:
    """The upload area above the result."""
    from dash import dcc, html

    del d
    return html.Div(
        [
            html.H2(t("lookthrough", lang)),
            dcc.Upload(
                id="lt-upload",
                children=html.Div(t("lt_upload", lang)),
                className="upload",
                style={"border": "1px dashed #888", "padding": "1em", "cursor": "pointer"},
                multiple=False,
            ),
            dcc.Loading(html.Div(id="lt-result")),
        ]
    )


def render(d: Dashboard, contents: str, filename: str, lang: Lang) -> list[Any]:
    """The look-through of an uploaded file as the page shows it; a file the service refuses
    gives its message as text."""
    from dash import html

    try:
        r = compose_upload(contents, filename, d.ledger, prices=d.prices, fx=d.fx)
    except AiinfraError as exc:
        return [html.P(str(exc), className="label", id="lt-error")]
    tables = lookthrough_tables(r, lang)
    return [
        html.H3(f"{t('lt_fund', lang)}: {r.fund} ({r.as_of})", id="lt-fund"),
        html_table(tables["summary"], "lt-summary", csv=r.summary()),
        html.H4(t("lt_categories", lang)),
        html_table(tables["categories"], "lt-categories", csv=r.categories),
        html.H4(t("lt_stress", lang)),
        html_table(tables["stress"], "lt-stress", csv=r.stress),
        html.H4(t("lt_unmapped", lang)),
        html_table(tables["unmapped"], "lt-unmapped", csv=r.unmapped),
        *_notes(r.notes, lang),
    ]


def _notes(notes: list[Any], lang: Lang) -> list[Any]:
    """The engine's notes (English) folded under "Details (the engine's message)", none when
    there are none."""
    from dash import html

    if not notes:
        return []
    return [
        html.Details(
            [
                html.Summary(t("engine_detail", lang)),
                html.Ul([html.Li(str(n), className="small") for n in notes]),
            ],
            className="engine",
            id="lt-notes",
        )
    ]


def register(app: Any, d: Dashboard, jobs: Jobs) -> None:
    """An upload (or a change of language) draws the look-through."""
    from dash import Input, Output, State
    from dash.exceptions import PreventUpdate

    del jobs

    @app.callback(
        Output("lt-result", "children"),
        Input("lt-upload", "contents"),
        Input("lang", "value"),
        State("lt-upload", "filename"),
    )
    @rule.checked(_contents_rule(), rule.lang(), rule.text("filename", optional=True))
    def show(contents: str | None, lang: Lang, filename: str | None) -> Any:
        if contents is None:
            raise PreventUpdate
        return render(d, contents, filename or "upload.csv", lang)
