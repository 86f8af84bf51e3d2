"""The Dash application: a shell with ten pages over the dashboard service.

No analysis happens here: every number comes from the dashboard service (which calls the same
library functions as the CLI and the report); this module lays it out, and turns each control
into a service call. Pages are addressed by path (``/``, ``/index``, ``/flows``, ``/stress``,
``/gap``, ``/buildout``, ``/sources``, ``/history``, ``/diff``, ``/lookthrough``); the language
switch re-renders the page.

Errors: a callback that raises shows the message in one banner at the top of the page (an
``AiinfraError`` as it is, anything else as "internal error" with its type, logged with the
traceback on the server); the other outputs keep their values and the server keeps serving.
Every callback input is checked by its rule first (``_inputs``: a wrong value is an input error
naming the parameter and the rule), and requests no page sends are answered 404 / 400 before
Dash sees them (``_guard``).

Each page load gets a session id (``session`` store, filled when the layout is served): the job
pool bounds and supersedes background jobs per session (``_jobs``).
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from aiinfra.config import Lang
from aiinfra.exceptions import AiinfraError
from aiinfra.services.dashboard import Dashboard
from aiinfra.web import _inputs as rule
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages import PAGES, layouts, register
from aiinfra.web.pages._common import SLIDER_JS, localise

__all__ = ["PAGES", "create_app", "no_prices_notice"]

log = logging.getLogger("aiinfra.web")

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222}
header{background:#1d2b3a;color:#fff;padding:.5rem 1rem;display:flex;gap:1.2rem;
 align-items:center;flex-wrap:wrap}
header a{color:#cfe3ff;text-decoration:none;font-weight:500}
header a.active{color:#fff;border-bottom:2px solid #fff}
header .brand{font-weight:700;margin-right:1rem}
main{padding:1rem 1.5rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1rem}
.card{border:1px solid #dde;border-radius:6px;padding:.8rem 1rem;background:#fafbfd}
.card h3{margin-top:0}
.small{font-size:.82rem;color:#555}
.label{color:#a40;font-weight:600}
.error-banner{background:#fdecea;color:#611a15;border:1px solid #f5c6cb;padding:.6rem 1rem;
 margin:.5rem 1.5rem;border-radius:4px}
.row{display:flex;gap:1.5rem;flex-wrap:wrap}
.col{flex:1 1 320px;min-width:300px}
.panel{border-left:3px solid #1d2b3a;padding-left:1rem;min-width:300px;flex:0 0 340px}
.ctl{margin-bottom:.6rem}
table.simple{border-collapse:collapse;font-size:.88rem}
table.simple td,table.simple th{border-bottom:1px solid #e3e3e3;padding:.2rem .5rem;
 text-align:left}
progress{width:100%}
.ctl .dash-slider-container{margin-top:1.7rem}
.ctl .dash-slider-tooltip{white-space:nowrap;padding:0 .35rem;font-size:.8rem}
.notice{margin:.3rem 0 .6rem}.notice p{margin:.1rem 0}
.card.notice{border-color:#e0c48a;background:#fffaf0;margin-bottom:1rem}
"""


# --- the application ----------------------------------------------------------------------------


def no_prices_notice(dashboard: Dashboard, lang: Lang) -> list[Any]:
    """Without prices, what every page says first, in the reader's language: why there are
    none, what is left out, and where price files come from and how to fetch them (the CLI's
    ``NO_PRICES_HELP``); nothing when there are prices."""
    from dash import html

    kind = dashboard.no_prices_kind
    if kind is None:
        return []
    why = t(f"no_prices:{kind}", lang).format(where=dashboard.no_prices_where)
    return [
        html.Div(
            [
                html.H3(t("no_prices_title", lang)),
                html.P(why, id="no-prices-why"),
                html.P(t("no_prices_help", lang), className="small", id="no-prices-help"),
            ],
            id="no-prices",
            className="card notice",
            role="note",
        )
    ]


def create_app(dashboard: Dashboard, *, jobs: Jobs | None = None) -> Any:
    """The Dash app over ``dashboard`` (assets served by the app itself, nothing from a CDN)."""
    import dash
    from dash import Dash, Input, Output, dcc, html

    jobs = jobs or Jobs()

    def on_error(err: Exception) -> None:
        if isinstance(err, AiinfraError):
            text = str(err)
        else:
            log.error("callback failed", exc_info=err)
            text = f"internal error ({type(err).__name__}: {err})"
        dash.set_props("error-text", {"children": text})
        dash.set_props("error-banner", {"hidden": False})

    app = Dash(
        __name__,
        title="aiinfra",
        suppress_callback_exceptions=True,
        serve_locally=True,
        update_title=None,  # type: ignore[arg-type]
        on_error=on_error,
    )
    app.server.config["MAX_CONTENT_LENGTH"] = 1 << 20  # no upload endpoint; small bodies only
    head = f"<style>{CSS}</style><script>{SLIDER_JS}</script>"
    app.index_string = app.index_string.replace("{%css%}", "{%css%}" + head)

    def layout() -> Any:  # a function: every page load gets its own session id
        return html.Div(
            [
                dcc.Location(id="url"),
                dcc.Store(id="session", data=secrets.token_hex(16), storage_type="memory"),
                html.Header(
                    [
                        html.Span("aiinfra", className="brand"),
                        html.Nav(id="nav", style={"display": "flex", "gap": "1rem"}),
                        html.Span(style={"flex": "1"}),
                        dcc.RadioItems(
                            id="lang",
                            options=[
                                {"label": "EN", "value": "en"},
                                {"label": "DE", "value": "de"},
                            ],
                            value=dashboard.settings.lang,
                            inline=True,
                            persistence=True,
                            persistence_type="local",
                        ),
                    ]
                ),
                html.Div(
                    [
                        html.B(id="error-title", children="Error: "),
                        html.Span(id="error-text"),
                        html.Button("×", id="error-close", n_clicks=0, style={"float": "right"}),
                    ],
                    id="error-banner",
                    className="error-banner",
                    role="alert",
                    hidden=True,
                ),
                html.Main(id="page"),
            ]
        )

    app.layout = layout
    page_path = rule.text("path", optional=True)
    builders = layouts()

    @app.callback(Output("nav", "children"), Input("url", "pathname"), Input("lang", "value"))
    @rule.checked(page_path, rule.lang())
    def nav(path: str | None, lang: Lang) -> Any:
        return [
            dcc.Link(
                t(key, lang),
                href=p,
                id=f"nav-{key}",
                className="active" if (path or "/") == p else "",
            )
            for p, key in PAGES.items()
        ]

    @app.callback(
        Output("error-banner", "hidden", allow_duplicate=True),
        Input("error-close", "n_clicks"),
        prevent_initial_call=True,
    )
    @rule.checked(rule.count("n_clicks"))
    def close_error(_n: int | None) -> bool:
        return True

    @app.callback(Output("page", "children"), Input("url", "pathname"), Input("lang", "value"))
    @rule.checked(page_path, rule.lang())
    def page(path: str | None, lang: Lang) -> Any:
        build = builders.get(path or "/")
        if build is None:
            return html.P(t("not_found", lang))
        return [*no_prices_notice(dashboard, lang), localise(build(dashboard, lang), lang)]

    from aiinfra.web import _guard

    register(app, dashboard, jobs)
    _guard.install(app)
    return app
