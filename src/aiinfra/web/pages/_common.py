"""What every page shares: number formatting, tables, graphs, overview cards, the error banner
and the poll behind a background job."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from aiinfra.charts import csv_data_uri, csv_file_name, number
from aiinfra.config import Lang
from aiinfra.exceptions import AiinfraError
from aiinfra.web import _inputs as rule
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs

__all__ = [
    "POLL_MS",
    "SEPARATORS",
    "SLIDER_JS",
    "asof_src",
    "card",
    "csv_link",
    "error_card",
    "graph",
    "html_table",
    "is_nan",
    "job_stores",
    "localise",
    "num",
    "pct",
    "plain",
    "poll_callback",
    "raise_in_page",
    "slider_value",
    "table_number",
]

#: how often a page with a background job asks for its progress (milliseconds)
POLL_MS = 400
#: finished jobs whose drawn layout a page's poll keeps (per language)
_DRAWN = 4
log = logging.getLogger("aiinfra.web")


# --- formatting -------------------------------------------------------------------------------


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def is_nan(x: Any) -> bool:
    """None or a float NaN (a figure the ledger does not state)."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def pct(x: Any, lang: Lang, digits: int = 1) -> str:
    """``x`` as a percentage in the reader's convention; None, NaN and infinity as an en dash."""
    return "–" if _missing(x) else number(100 * float(x), lang, digits) + " %"


def num(x: Any, lang: Lang, digits: int = 1) -> str:
    """``x`` in the reader's convention; None, NaN and infinity as an en dash."""
    return "–" if _missing(x) else number(float(x), lang, digits)


def plain(x: float, lang: Lang) -> str:
    """``x`` with the decimals it has (at most 6), in the reader's convention: a slider's mark.

    >>> plain(0.75, "de"), plain(2, "de"), plain(1500.5, "en")
    ('0,75', '2', '1,500.5')
    """
    text = f"{round(float(x), 6):g}" if abs(float(x)) < 1e15 else f"{float(x):.0f}"
    digits = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    return number(float(x), lang, digits)


#: the slider tooltips' number formats (``dcc.Slider`` ``tooltip.transform``: a function of
#: ``window.dccFunctions``), defined once in the page's head by the app (``aiinfra.web._app``):
#: the value as written in the reader's convention, a fraction as a percentage
SLIDER_JS = """window.dccFunctions = window.dccFunctions || {};
(function (f) {
  const fmt = (x, dec) => {
    const s = String(Math.round(x * 1e6) / 1e6);
    return dec === ',' ? s.replace('.', ',') : s;
  };
  f.aiinfraNumEn = v => fmt(v, '.');
  f.aiinfraNumDe = v => fmt(v, ',');
  f.aiinfraPctEn = v => fmt(100 * v, '.') + ' %';
  f.aiinfraPctDe = v => fmt(100 * v, ',') + ' %';
})(window.dccFunctions);"""


def slider_value(lang: Lang, *, percent: bool = False) -> dict[str, Any]:
    """A slider's own read-out instead of its input box (whose number the browser writes in
    its own locale): ``tooltip`` and ``allow_direct_input`` for ``dcc.Slider``, the value always
    shown above the handle in the reader's convention, a fraction as a percentage (0.08 →
    "8 %")."""
    name = ("aiinfraPct" if percent else "aiinfraNum") + ("De" if lang == "de" else "En")
    return {
        "tooltip": {"placement": "top", "always_visible": True, "transform": name},
        "allow_direct_input": False,
    }


def table_number(digits: int, lang: Lang) -> Any:
    """A ``dash_table`` column format: ``digits`` decimals, grouped, in the reader's convention
    (the column stays numeric, so it sorts as numbers)."""
    from dash.dash_table.Format import Format, Group, Scheme

    sep = SEPARATORS.get(lang, SEPARATORS["en"])
    dec, group = sep[0], sep[1]
    return Format(
        precision=digits,
        scheme=Scheme.fixed,
        group=Group.yes,
        decimal_delimiter=dec,
        group_delimiter=group,
    )


# --- components -------------------------------------------------------------------------------


def html_table(
    frame: pd.DataFrame, table_id: str | None = None, csv: pd.DataFrame | None = None
) -> Any:
    """``frame`` as a plain HTML table (missing values empty) with its "CSV" download link
    below (:func:`csv_link`): the cells as shown, or ``csv`` when given (the same table with
    the unrounded numbers)."""
    from dash import html

    head = html.Thead(html.Tr([html.Th(str(c)) for c in frame.columns]))
    cells = [["" if _missing(v) else str(v) for v in row] for row in frame.values]
    body = html.Tbody([html.Tr([html.Td(v) for v in row]) for row in cells])
    shown = csv if csv is not None else pd.DataFrame(cells, columns=[str(c) for c in frame.columns])
    if table_id:
        table = html.Table([head, body], className="simple", id=table_id)
    else:
        table = html.Table([head, body], className="simple")
    return html.Div([table, csv_link(shown, table_id, as_shown=csv is None)], className="table-csv")


def csv_link(frame: pd.DataFrame, name: str | None = None, *, as_shown: bool = True) -> Any:
    """A small "CSV" link that downloads ``frame`` as ``aiinfra-<name>.csv`` from a ``data:``
    URI (:func:`aiinfra.charts.csv_data_uri`: percent-encoded, so no cell can leave the
    ``href``; the browser asks the server for nothing). With a ``name`` its id is
    ``<name>-csv``; ``data-csv`` is ``shown`` (the table's cells) or ``data`` (its data)."""
    from dash import html

    link: dict[str, Any] = {"id": f"{name}-csv"} if name else {}
    link["data-csv"] = "shown" if as_shown else "data"
    return html.A(
        "CSV",
        href=csv_data_uri(frame),
        download=csv_file_name(name or "table"),
        className="csv-link small",
        **link,
    )


#: plotly's ``separators`` (decimal mark, then thousands) in the reader's convention, as
#: :func:`aiinfra.charts.number` writes numbers: ticks, hover labels and text of every chart
SEPARATORS = {"en": ".,", "de": ",."}


def graph(fig: Any, gid: str, lang: Lang | None = None) -> Any:
    """``fig`` as a ``dcc.Graph``; with ``lang``, its numbers in the reader's convention (pages
    drawn by the app's page and poll callbacks get them from :func:`localise` anyway)."""
    from dash import dcc

    out = dcc.Graph(id=gid, figure=fig, config={"displaylogo": False})
    return out if lang is None else localise(out, lang)


def _set_separators(fig: Any, lang: Lang) -> None:
    sep = SEPARATORS.get(lang, SEPARATORS["en"])
    if isinstance(fig, dict):
        layout = fig.setdefault("layout", {})
        if isinstance(layout, dict):
            layout["separators"] = sep
    elif hasattr(fig, "update_layout"):
        fig.update_layout(separators=sep)


def localise(tree: Any, lang: Lang) -> Any:
    """``tree`` (a component, a list of them or None) with every chart's numbers in the
    reader's convention (plotly's layout ``separators``: ``,.`` in German); returns ``tree``."""
    from dash import dcc

    stack = [tree]
    while stack:
        c = stack.pop()
        if isinstance(c, list | tuple):
            stack.extend(c)
            continue
        if isinstance(c, dcc.Graph):
            _set_separators(getattr(c, "figure", None), lang)
        children = getattr(c, "children", None)
        if children is not None and not isinstance(children, str):
            stack.append(children)
    return tree


def asof_src(date: Any, source: str, lang: Lang) -> Any:
    from dash import html

    return html.P(t("as_of_src", lang).format(date=date, source=source), className="small")


def error_card(title: str, why: str) -> Any:
    from dash import html

    return html.Div([html.H3(title), html.P(why, className="label")], className="card")


def card(card_id: str, title: str, body: list[Any], date: Any, source: str, lang: Lang,
         wide: bool = False) -> Any:  # fmt: skip
    """An overview card: title, content, and the line with its as-of date and source."""
    from dash import html

    style = {"gridColumn": "span 2"} if wide else {}
    return html.Div(
        [html.H3(title), *body, asof_src(date, source, lang)],
        className="card",
        id=card_id,
        style=style,
    )


def raise_in_page(message: str) -> None:
    """Show ``message`` in the page's error banner (the form every error takes)."""
    import dash

    dash.set_props("error-text", {"children": message})
    dash.set_props("error-banner", {"hidden": False})


# --- background jobs --------------------------------------------------------------------------


def job_stores(prefix: str) -> list[Any]:
    """The job id, the id of the job shown and the poll interval of a page's background job."""
    from dash import dcc

    return [
        dcc.Store(id=f"{prefix}-job"),
        dcc.Store(id=f"{prefix}-shown"),
        dcc.Interval(id=f"{prefix}-poll", interval=POLL_MS),
    ]


def poll_callback(app: Any, jobs: Jobs, prefix: str, render: Callable[[Any, Lang], Any]) -> None:
    """The poll behind a page's background job: progress while it runs, ``render(result, lang)``
    into ``{prefix}-result`` when done, the error banner when it fails.

    The interval keeps ticking while the page is open; a tick for a job already shown
    (``{prefix}-shown``) changes nothing. So a late or dropped answer never stops the polling of
    a newer job, and a job's answer can be fetched again (the pool keeps it). The layout of a
    finished job is drawn once per language and kept (the last :data:`_DRAWN` of them): the
    browser drops an answer that comes after the next tick, so the ticks after a slow first
    drawing answer at once."""
    import threading
    from collections import OrderedDict

    from dash import Input, Output, State
    from dash.exceptions import PreventUpdate

    drawn: OrderedDict[tuple[str, str], Any] = OrderedDict()
    drawn_lock = threading.Lock()

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
    def poll(_n: int | None, jid: str | None, shown: str | None, lang: Lang, session: str) -> Any:
        from dash import no_update

        if not jid or jid == shown:
            raise PreventUpdate
        st = jobs.poll(jid, session)
        if st.get("superseded"):  # a tick that still carried the replaced job's id
            raise PreventUpdate
        if st["state"] == "running":
            status = f"{t('running', lang)} ({st['what']})"
            return no_update, False, st["done"], status, no_update
        if st["state"] == "error":
            raise_in_page(st["error"])
            return no_update, True, 0, "", jid
        with drawn_lock:
            out = drawn.get((jid, lang))
        try:
            if out is None:
                out = localise(render(st["result"], lang), lang)
                with drawn_lock:
                    drawn[(jid, lang)] = out
                    while len(drawn) > _DRAWN:
                        drawn.popitem(last=False)
        except Exception as exc:  # shown like every other error; the poll moves on
            if not isinstance(exc, AiinfraError):
                log.error("drawing job %s failed", jid, exc_info=exc)
            raise_in_page(
                str(exc)
                if isinstance(exc, AiinfraError)
                else f"internal error ({type(exc).__name__}: {exc})"
            )
            return no_update, True, 0, "", jid
        return out, True, 1, "", jid
