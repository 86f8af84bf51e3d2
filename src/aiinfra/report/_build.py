"""Build the self-contained HTML report (plotly.js embedded; no request to any other host)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import os
import re
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from aiinfra import metrics
from aiinfra.backtest import BacktestSummary, IndexView, StrategyComparison
from aiinfra.charts import (
    CATEGORY_NAMES,
    COMPARED,
    PERIOD_TYPE_NAMES,
    SERIES_NAMES,
    buildout_figure,
    csv_data_uri,
    csv_file_name,
    entity_names,
    esc,
    house_rows,
    key_buildout_label,
    key_buildout_records,
    label,
    levels_figure,
    look_ahead_rows,
    number,
    reviews_by_source,
    score_source_name,
    score_source_text,
    treemap_figure,
)
from aiinfra.config import Lang
from aiinfra.exceptions import AiinfraError, InvalidParameterError
from aiinfra.ledger import Ledger, source_text

__all__ = [
    "ReportResult",
    "content_security_policy",
    "csv_link",
    "notice_html",
    "render_report",
    "source_html",
    "write_report",
]


@dataclass
class ReportResult:
    """The rendered report and what it is based on."""

    html: str
    notices: list[str]
    sections: list[str]
    charts: int
    sources: list[tuple[str, str]] = field(default_factory=list)
    #: the index the report shows (None without prices)
    index: IndexView | None = None
    #: the strategies compared in the index section (None without a backtest)
    strategies: StrategyComparison | None = None


#: the decimal and thousands separators of the charts of the report being rendered (set by
#: :func:`render_report` for its language; plotly's default ".," otherwise)
_SEPARATORS: ContextVar[str | None] = ContextVar("report_separators", default=None)


def _fig_html(fig: Any) -> str:
    import plotly.io as pio

    seps = _SEPARATORS.get()
    if seps is not None:  # German charts: 1.234,5 on the axes, in hover and value labels
        fig.update_layout(separators=seps)

    return str(
        pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=False,
            config={"displaylogo": False, "responsive": True},
        )
    )


class _Fmt:
    """Number formatting in the reader's language; NaN and None become an en dash."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def pct(self, x: Any) -> str:
        if x is None or not np.isfinite(float(x)):
            return "–"
        return f"{number(float(x) * 100, self.lang)} %"

    def num(self, x: Any, digits: int = 2) -> str:
        if x is None or not np.isfinite(float(x)):
            return "–"
        return number(float(x), self.lang, digits)

    def amount(self, value: Any, low: Any, high: Any) -> str:
        def one(x: Any) -> str:
            x = float(x)
            return number(x, self.lang, 0 if abs(x) >= 100 else 1)

        if pd.notna(value):
            return one(value)
        if pd.notna(low) and pd.notna(high):
            return f"{one(low)}–{one(high)}"
        if pd.notna(low):
            return f"≥ {one(low)}"
        if pd.notna(high):
            return f"≤ {one(high)}"
        return "–"


def _cell(v: Any) -> str:
    return "–" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def _table(
    frame: pd.DataFrame, cls: str = "", *, csv: pd.DataFrame | None = None, name: str = ""
) -> str:
    """``frame`` as an HTML table (every header and cell escaped), followed by its CSV link
    (:func:`csv_link`): the cells as shown, or ``csv`` when given (the same table with the
    unrounded numbers). ``name`` (else ``cls``) names the downloaded file."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for rec in frame.itertuples(index=False):
        cells = "".join(f"<td>{html.escape(_cell(v))}</td>" for v in rec)
        rows.append(f"<tr>{cells}</tr>")
    shown = csv if csv is not None else frame.map(_cell)
    # the wrapper keeps a table wider than its card inside it (scrolled sideways, not
    # overflowing); the CSV link follows the table inside it
    return (
        f'<div class="tbl"><table class="{cls}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        + csv_link(shown, name or cls or "table", as_shown=csv is None)
        + "</div>"
    )


def csv_link(frame: pd.DataFrame, name: str = "table", *, as_shown: bool = True) -> str:
    """The small "CSV" link that downloads ``frame`` (:func:`aiinfra.charts.csv_data_uri`) as
    ``aiinfra-<name>.csv`` (:func:`aiinfra.charts.csv_file_name`): the report stays one offline
    file. ``data-csv`` says what the file holds: ``shown`` (the table's cells) or ``data`` (the
    table's data, e.g. unrounded numbers)."""
    what = "shown" if as_shown else "data"
    return (
        f'<a class="csv" data-csv="{what}" href="{html.escape(csv_data_uri(frame))}" '
        f'download="{html.escape(csv_file_name(name))}">CSV</a>'
    )


def render_report(
    ledger: Ledger,
    index: IndexView | None,
    *,
    as_of: pd.Timestamp,
    lang: Lang = "en",
    notices: Sequence[str] = (),
    source_list: Sequence[tuple[str, str]] = (),
    strategies: StrategyComparison | None = None,
    history: Any = None,
    changes: Any = None,
    lookthrough: Sequence[Any] = (),
    index_notices: Sequence[dict[str, Any]] | None = None,
) -> ReportResult:
    """Lay out the report: summary, index, backtest, flow map, stress, ROI gap, build-out and
    sources (rendering only: the index comes formed, see
    :func:`aiinfra.services.report.build_report`). ``source_list`` seeds the sources appendix
    (the methodology and the prices used).

    ``index`` is None when there are no prices; its relaxation, error and backtest error are
    shown on page one, each as an analyst's sentence with the engine's message folded under it
    (``index_notices``: the parts of :func:`aiinfra.backtest.index_notice_parts`, made
    from ``index`` when not given), and a backtest that applies today's scores to earlier
    dates is labelled not point-in-time wherever it is shown. The point-in-time backtest is the
    headline (page one and the index section, with the score source of each review); the same
    rules on today's scores (``IndexView.comparison``) are a labelled comparison beside it: a
    dashed line in the levels chart and a table with the look-ahead premium.
    ``IndexView.house_comparison`` adds the systematic scores against the house view.

    ``strategies`` (several methodologies and benchmarks on one window, see
    :func:`aiinfra.services.strategies.form_strategies`) adds to the index section the table
    with a row per strategy and per benchmark and their levels chart (with more than one
    strategy), the monthly returns of each strategy and the rolling one-year charts; without it
    the monthly returns and rolling charts are those of the index's own backtest and its
    benchmarks.

    ``history`` (circularity over time), ``changes`` (what changed over a year) and
    ``lookthrough`` (one look-through per holdings file) add their sections before the sources
    (:mod:`aiinfra.report._history`, :mod:`aiinfra.report._diff`,
    :mod:`aiinfra.report._lookthrough`).
    """
    token = _SEPARATORS.set(",." if lang == "de" else None)
    try:
        return _render(
            ledger, index, as_of, lang, notices, source_list, strategies, history, changes,
            lookthrough, index_notices,
        )  # fmt: skip
    finally:
        _SEPARATORS.reset(token)


def _render(
    ledger: Ledger,
    index: IndexView | None,
    as_of: pd.Timestamp,
    lang: Lang,
    notices: Sequence[str],
    source_list: Sequence[tuple[str, str]],
    strategies: StrategyComparison | None,
    history: Any,
    changes: Any,
    lookthrough: Sequence[Any],
    index_notices: Sequence[dict[str, Any]] | None,
) -> ReportResult:
    """:func:`render_report`'s body (the charts' separators already set for ``lang``)."""
    as_of_ts = as_of
    f = _Fmt(lang)
    formed = _index_notices(index, index_notices, lang, f)
    details = {text: detail for text, detail in formed}
    notices = [*notices, *(text for text, _ in formed)]
    sources: set[tuple[str, str]] = set(source_list)
    charts: list[str] = []
    review = None if index is None else index.review
    parts: list[tuple[str, str]] = [
        ("summary", _summary_html(ledger, index, notices, as_of_ts, lang, f, details))
    ]
    if index is not None and review is not None:
        if strategies is None:
            strategies = _own_strategy(index)
        parts.append(
            ("index", _index_html(ledger, index, as_of_ts, lang, f, charts, sources, strategies))
        )
        from aiinfra.report._factsheet import factsheet_html

        fs = factsheet_html(ledger, index, lang, f, _fig_html, _table, charts)
        if fs:
            parts.append(("factsheet", fs))
    parts += _analysis_sections(ledger, review, as_of_ts, lang, f, charts, sources)
    parts += _issue16_sections(history, changes, lookthrough, lang, charts, entity_names(ledger))
    parts.append(("sources", _sources_html(sources, lang)))
    sections = [name for name, _ in parts]
    page = _page("".join(text for _, text in parts), sections, as_of_ts, lang)
    return ReportResult(page, notices, sections, len(charts), sorted(sources), index, strategies)


def _issue16_sections(
    history: Any,
    changes: Any,
    lookthrough: Sequence[Any],
    lang: Lang,
    charts: list[str],
    names: dict[str, str] | None = None,
) -> list[tuple[str, str]]:
    """(section id, markup) of circularity over time (``history``, a flows-history view), what
    changed (``changes``, a diff result) and the funds looked through, each left out when None
    or empty."""
    from aiinfra.report._diff import diff_html
    from aiinfra.report._history import history_html
    from aiinfra.report._lookthrough import lookthrough_html

    out = []
    hist = "" if history is None else history_html(history, lang, charts, _fig_html, _table)
    for name, text in (
        ("history", hist),
        ("diff", "" if changes is None else diff_html(changes, lang, _table, names)),
        ("lookthrough", lookthrough_html(lookthrough, lang, _table)),
    ):
        if text:
            out.append((name, text))
    return out


def _notice_sentence(part: dict[str, Any], lang: Lang, f: _Fmt) -> str:
    """The analyst's sentence of one notice part (``key``, ``numbers``, ``detail``; see
    :func:`aiinfra.backtest.index_notice_parts`)."""
    key, n = part["key"], part.get("numbers") or {}
    if key == "relaxed":
        text = label("relaxed_counts", lang).format(
            priced=n["priced"], candidates=n["candidates"], eligible=n["eligible"],
            rule=n["min_n_rule"], held=n["selected"],
        )  # fmt: skip
        changes = n.get("changes", [])
        how = []
        if "cap" in changes:
            cap, rule = f.pct(n["cap"]), f.pct(n["cap_rule"])
            how.append(label("relaxed_cap", lang).format(cap=cap, rule=rule))
        if "min_n" in changes:
            mins = {"min_n": n["min_n"], "rule": n["min_n_rule"]}
            how.append(label("relaxed_min_n", lang).format(**mins))
        if "ucits" in changes:
            how.append(label("relaxed_ucits", lang))
        if "cap" not in changes:
            how.append(label("relaxed_cap_kept", lang).format(cap=f.pct(n["cap"])))
        return f"{text} {', '.join(how)}."
    if key == "no_index":
        if not {"candidates", "eligible", "min_n"} <= set(n):
            return label("no_index_plain", lang)
        return label("no_index_counts", lang).format(**n)
    if key == "not_pit":
        return label("not_pit", lang)
    if key == "bt_left_out" and {"start", "review"} <= set(n):
        return label("bt_left_out_plain", lang).format(**n)
    return label("bt_left_out_short", lang)


def _index_notices(
    index: IndexView | None, parts: Sequence[dict[str, Any]] | None, lang: Lang, f: _Fmt
) -> list[tuple[str, str]]:
    """What page one says about how the index was formed (relaxed rules, no index, not
    point-in-time, backtest left out): (the analyst's sentence, the engine's message).
    ``parts`` are :func:`aiinfra.backtest.index_notice_parts` of ``index`` (computed
    here when not given)."""
    if index is None:
        return []
    if parts is None:
        from aiinfra.backtest import index_notice_parts

        parts = index_notice_parts(index)
    parts = list(parts)
    if index.review is not None and not index.review.point_in_time:
        at = 1 if parts and parts[0]["key"] in ("relaxed", "no_index") else 0
        parts.insert(at, {"key": "not_pit", "numbers": {}, "detail": ""})
    return [(_notice_sentence(p, lang, f), str(p.get("detail") or "")) for p in parts]


def notice_html(text: str, detail: str, lang: Lang) -> str:
    """One notice: the sentence, and the engine's message folded under "Details" (escaped)."""
    more = ""
    if detail:
        more = (
            f'<details class="engine"><summary>{label("engine_detail", lang)}</summary>'
            f'<p class="small">{html.escape(detail)}</p></details>'
        )
    return (
        f'<div class="notice"><p><b>{label("notice", lang)}:</b> {html.escape(text)}</p>'
        f"{more}</div>"
    )


def _summary_html(
    ledger: Ledger,
    index: IndexView | None,
    notices: list[str],
    as_of: pd.Timestamp,
    lang: Lang,
    f: _Fmt,
    details: dict[str, str] | None = None,
) -> str:
    """Page one: the notices (each with the engine's message folded under it, ``details``:
    sentence → message), what the index holds, how it performed (the point-in-time
    backtest, with the look-ahead premium when compared), key build-out numbers."""

    def L(k: str) -> str:
        return label(k, lang)

    review = None if index is None else index.review
    bt = None if index is None else index.backtest

    summary = [f'<section id="summary"><h2>{L("summary")}</h2>']
    for n in notices:
        summary.append(notice_html(n, (details or {}).get(n, ""), lang))
    if review is not None:
        sel = review.selection()
        cats = sel.groupby("category")["weight"].sum().sort_index()
        summary.append(
            f"<h3>{L('holds')}</h3><p>{len(sel)} {L('constituents')}; {L('review')} "
            f"{review.dates.review}, {L('effective')} {review.dates.effective.date()}.</p>"
        )
        summary.append(
            _table(
                pd.DataFrame(
                    {
                        L("category"): [f"{c} {CATEGORY_NAMES[c][lang]}" for c in cats.index],
                        L("weight"): [f.pct(w) for w in cats],
                    }
                )
            )
        )
        top = sel.head(10)
        summary.append(
            _table(
                pd.DataFrame(
                    {L("company"): top["name"], L("weight"): [f.pct(w) for w in top["weight"]]}
                )
            )
        )
    if bt is not None:
        summary.extend(_performance_html(bt.stats, lang, f))
        premium = None if index is None else index.look_ahead_premium()
        if premium is not None:
            text = _premium_text(bt.stats, premium, lang, f)
            summary.append(f'<p class="small" id="premium-summary">{text}</p>')
    key = _key_buildout(ledger, as_of, lang, f)
    if key is not None:
        summary.append(
            f"<h3>{L('key_buildout')}</h3>"
            + _table(key)
            + f'<p class="small">{html.escape(L("key_buildout_note"))}</p>'
        )
    summary.append("</section>")
    return "".join(summary)


def _performance_html(s: BacktestSummary, lang: Lang, f: _Fmt) -> list[str]:
    """How the index performed against its benchmarks (total and annual return)."""

    def L(k: str) -> str:
        return label(k, lang)

    rows = [
        {
            L("series"): "GTR",
            L("total_return"): f.pct(s.gtr.total_return),
            L("annual_return"): f.pct(s.gtr.annual_return),
        }
    ]
    for t, v in s.benchmarks.items():
        rows.append(
            {
                L("series"): t,
                L("total_return"): f.pct(v.total_return),
                L("annual_return"): f.pct(v.annual_return),
            }
        )
    out = [f"<h3>{L('performance')} ({s.start} – {s.end})</h3>"]
    out.extend(_pit_lines(s, lang))
    out.append(_table(pd.DataFrame(rows)))
    return out


def _pit_lines(s: BacktestSummary, lang: Lang) -> list[str]:
    """Whether the backtest is point-in-time, and the score source of its reviews."""
    if s.point_in_time:
        first = f'<p class="pit"><b>{html.escape(label("pit", lang))}</b></p>'
    else:
        first = f'<p class="label">{label("not_pit", lang)}</p>'
    return [first, f'<p class="small">{html.escape(score_source_text(s, lang))}</p>']


def _premium_text(s: BacktestSummary, premium: dict[str, float], lang: Lang, f: _Fmt) -> str:
    def signed(x: float) -> str:
        return ("+" if np.isfinite(x) and x > 0 else "") + f.pct(x)

    return html.escape(
        label("premium_text", lang).format(
            start=s.start,
            end=s.end,
            total=signed(premium["total_return"]),
            annual=signed(premium["annual_return"]),
        )
    )


def _analysis_sections(
    ledger: Ledger,
    review: Any,
    as_of: pd.Timestamp,
    lang: Lang,
    f: _Fmt,
    charts: list[str],
    sources: set[tuple[str, str]],
) -> list[tuple[str, str]]:
    """(section id, markup) of the flow map, the stress tests, the ROI gap and the build-out,
    each left out when the ledger cannot fill it."""
    from aiinfra.report._flows import flows_html
    from aiinfra.report._gap import gap_html
    from aiinfra.report._stress import stress_html

    out: list[tuple[str, str]] = []
    fl = flows_html(ledger, as_of, lang, charts, sources, _fig_html, _table, f)
    if fl:
        out.append(("flows", fl))
    st = stress_html(
        ledger,
        as_of,
        lang,
        charts,
        _fig_html,
        _table,
        f,
        weights=None if review is None else review.weights,
        weights_label="" if review is None else f"{label('index', lang)} {review.dates.review}",
    )
    if st:
        out.append(("stress", st))
    gp = gap_html(ledger, as_of, lang, charts, _fig_html, _table, f)
    if gp:
        out.append(("gap", gp))
    bo = _buildout_html(ledger, as_of, lang, charts, sources)
    if bo:
        out.append(
            ("buildout", f'<section id="buildout"><h2>{label("buildout", lang)}</h2>{bo}</section>')
        )
    return out


#: a ledger row's reference in the sources appendix, then its ``source`` cell
_LEDGER_ROW = re.compile(r"^((?:figures|flows|scores)\.csv [^:]*?): (.*)$", re.DOTALL)


def source_html(source: object, lang: Lang) -> str:
    """A ledger ``source`` cell as the report shows it: the seed articles by their title, web
    addresses as links (``rel="noopener noreferrer"``, opened in a new tab; only ``http`` and
    ``https``), anything else as text; every part escaped.

    Examples
    --------
    >>> html = source_html("https://a.example/x?a=1&b=2 | 003_fc8085e7628fbeab.txt", "en")
    >>> html.startswith('<a href="https://a.example/x?a=1&amp;b=2" rel="noopener noreferrer"')
    True
    >>> "Der KI-Kreislauf" in html
    True
    """
    from aiinfra.ledger import source_parts

    parts = []
    for p in source_parts(source):
        if p.kind == "url":
            href = html.escape(p.url, quote=True)
            parts.append(
                f'<a href="{href}" rel="noopener noreferrer" target="_blank">'
                f"{html.escape(p.text)}</a>"
            )
        elif p.kind == "seed":
            text = _seed_words(p.text, lang)
            parts.append(f'<span class="seed">{html.escape(text)}</span>')
        else:
            parts.append(html.escape(p.text))
    return " | ".join(parts) if parts else "–"


def _source_item(value: str, lang: Lang) -> str:
    """One entry of the appendix: a ledger row (``figures.csv (series): SOURCE`` …) with its
    source cell read by :func:`source_html`; anything else (the methodology, the prices) as
    escaped text."""
    m = _LEDGER_ROW.match(value)
    if m is None:
        return html.escape(value)
    return f"{html.escape(m.group(1))}: {source_html(m.group(2), lang)}"


def _sources_html(sources: set[tuple[str, str]], lang: Lang) -> str:
    items = "".join(
        f"<li><b>{html.escape(k)}</b>: {_source_item(v, lang)}</li>" for k, v in sorted(sources)
    )
    return (
        f'<section id="sources"><h2>{label("sources", lang)}</h2><ul class="sources">{items}</ul>'
        f'<p class="small">{label("not_advice", lang)}</p></section>'
    )


def _page(body: str, sections: list[str], as_of: pd.Timestamp, lang: Lang) -> str:
    """The whole document: plotly.js inline, the navigation, ``body``, and the
    Content-Security-Policy that lets only its own inline scripts run."""
    from plotly.offline import get_plotlyjs

    title = f"{label('title', lang)} — {label('as_of', lang)} {as_of.date()}"
    nav = "".join(f'<a href="#{s}">{label(s, lang)}</a>' for s in sections)
    plotly_js = get_plotlyjs()
    head = f"""<title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_CSS}</style>{_plotly_style_placeholders(plotly_js)}<script>{plotly_js}</script>"""
    rest = f"""</head>
<body><header><h1>{html.escape(title)}</h1><nav>{nav}</nav></header><main>{body}</main>
<footer>{label("generated", lang)} · {dt.date.today().isoformat()}</footer></body></html>"""
    csp = content_security_policy(head + rest)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp, quote=False)}">\n'
        + head
        + rest
    )


#: plotly.js injects the stylesheet of its map traces (``<style id="<sha256 hex>">…``) unless
#: an element with that id exists; the report draws no map, so an empty one stands in for it
_PLOTLY_STYLE_ID = re.compile(
    r'getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement\("style"\)'
)


def _plotly_style_placeholders(plotly_js: str) -> str:
    ids = sorted(set(_PLOTLY_STYLE_ID.findall(plotly_js)))
    return "".join(f'<style id="{i}"></style>' for i in ids)


_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def _sha256(text: str) -> str:
    # the browser hashes the element's text after the parser normalised newlines to LF
    data = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    return "'sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii") + "'"


def content_security_policy(markup: str) -> str:
    """The report's Content-Security-Policy: only its own inline scripts run.

    * ``script-src``: the SHA-256 hash of every inline ``<script>`` of ``markup`` (plotly.js and
      one per chart) and nothing else — no other inline script, no event-handler attribute, no
      ``javascript:`` URL, no ``eval`` (plotly.js draws these charts without it), no file or
      host;
    * ``style-src-elem``: the hash of every inline ``<style>`` and of the empty one plotly.js
      adds and then fills through the CSSOM;
    * ``style-src-attr 'unsafe-inline'``: plotly.js positions what it draws with ``style``
      attributes (and the chart containers carry one); a style attribute cannot run script,
      and with images limited to ``data:`` and no font or connect source it cannot send
      anything anywhere. ``style-src`` repeats the element hashes for browsers without the
      ``-elem``/``-attr`` directives (they then show the charts less neatly, never less safely);
    * ``img-src data:`` (plotly's "download plot as png"); ``default-src 'none'`` refuses
      everything else: connections, fonts, frames, media, objects, workers, manifests;
      ``base-uri`` and ``form-action`` ``'none'``.
    """
    scripts = sorted({_sha256(m) for m in _SCRIPT.findall(markup)})
    # the empty stylesheet: plotly.js adds an empty <style> and fills it through the CSSOM
    styles = sorted({_sha256(m) for m in [*_STYLE.findall(markup), ""]})
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(scripts or ["'none'"]),
            "style-src-elem " + " ".join(styles),
            "style-src-attr 'unsafe-inline'",
            "style-src " + " ".join(styles),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def _index_html(
    ledger: Ledger,
    index: IndexView,
    as_of: pd.Timestamp,
    lang: Lang,
    f: _Fmt,
    charts: list[str],
    sources: set[tuple[str, str]],
    strategies: StrategyComparison | None = None,
) -> str:
    """The index section: composition, constituents, the backtest (point-in-time headline and
    its comparison), the strategies compared (monthly returns, rolling charts) and the
    systematic scores against the house view."""

    def L(k: str) -> str:
        return label(k, lang)

    review: Any = index.review
    bt = index.backtest
    sel = review.selection()
    out = [f'<section id="index"><h2>{L("index")}</h2>']
    if not review.point_in_time:
        out.append(f'<p class="label">{L("not_pit")}</p>')
    tree = treemap_figure(sel, lang)
    charts.append(_fig_html(tree))
    out.append(charts[-1])
    # rationale of the vintage the review used (the latest on or before the date, else today's)
    known = ledger.scores[ledger.scores["as_of"] <= as_of]
    pool = known if not known.empty else ledger.scores
    rat = pool.sort_values("as_of").groupby("company_id").tail(1).set_index("company_id")
    for cid in sel["id"]:
        if cid in rat.index:
            sources.add(
                (
                    L("ledger_source"),
                    f"scores.csv {cid} ({rat.loc[cid, 'as_of'].date()}): "
                    f"{rat.loc[cid, 'source']!s}",
                )
            )
    table = pd.DataFrame(
        {
            L("rank"): sel["rank"],
            L("company"): sel["name"],
            L("ticker"): sel["ticker"],
            L("category"): sel["category"],
            "Q": [f.num(x, 1) for x in sel["Q"]],
            "a": [f.num(x, 2) for x in sel["a"]],
            "S": [f.num(x, 1) for x in sel["S"]],
            L("weight"): [f.pct(w) for w in sel["weight"]],
            L("rationale"): [rat.at[c, "rationale"] if c in rat.index else "" for c in sel["id"]],
        }
    )
    out.append(f"<h3>{L('constituents')}</h3>" + _table(table, "wide"))
    source = str(getattr(review, "score_source", "house"))
    score_note = L("review_scores").format(source=score_source_name(source, lang))
    if source != "house" and len(rat):
        score_note += " " + L("rationale_house").format(date=rat["as_of"].max().date())
    out.append(f'<p class="small">{html.escape(L("q_a_s") + " " + score_note)}</p>')
    if bt is not None:
        try:
            out.extend(_backtest_html(index, lang, f, charts))
        except AiinfraError as exc:  # a window too short for a chart: leave it out, say why
            out.append(notice_html(L("bt_left_out_short"), str(exc), lang))
    if strategies is not None:
        from aiinfra.report._strategies import strategies_html

        def chart(fig: Any) -> str:
            charts.append(_fig_html(fig))
            return charts[-1]

        out.append(strategies_html(strategies, lang, f, chart, _table))
    if index.house_comparison is not None:
        out.append(_house_html(index.house_comparison, lang, f))
    out.append("</section>")
    return "".join(out)


def _own_strategy(index: IndexView) -> StrategyComparison | None:
    """The index's own backtest and its benchmarks as a one-strategy comparison (named after
    the methodology's index), or None without a backtest or when it cannot be formed."""
    from aiinfra.backtest import compare_strategies

    bt = index.backtest
    if bt is None:
        return None
    bench = {
        c.removeprefix("bench_"): bt.levels[c] for c in bt.levels.columns if c.startswith("bench_")
    }
    try:
        return compare_strategies({index.methodology.index.name: bt}, bench)
    except AiinfraError:
        return None


def _comparison_html(index: IndexView, lang: Lang, f: _Fmt) -> list[str]:
    """The same rules on today's scores, labelled not point-in-time: GTR figures of both
    backtests and the look-ahead premium (static − point-in-time)."""

    def L(k: str) -> str:
        return label(k, lang)

    rows = look_ahead_rows(index)
    if not rows:
        if index.comparison_error is None:
            return []
        why = L("comparison_left_out").format(why=index.comparison_error)
        return [f'<p class="notice">{html.escape(why)}</p>']
    names = {"pit": L("pit_row"), "static": L("static_row"), "premium": L("premium_row")}
    table = pd.DataFrame(
        [
            {L("series"): names[kind]}
            | {L(k): (f.num(v[k]) if k == "sharpe_ratio" else f.pct(v[k])) for k in COMPARED}
            for kind, v in rows
        ]
    )
    assert index.backtest is not None
    premium = dict(rows[-1][1])
    return [
        '<div id="comparison">',
        f"<h3>{L('comparison')}</h3>",
        f'<p class="label">{L("comparison_label")}</p>',
        _table(table, "comparison"),
        f'<p class="small">{_premium_text(index.backtest.stats, premium, lang, f)}</p>',
        "</div>",
    ]


def _house_html(hc: Any, lang: Lang, f: _Fmt, n: int = 10) -> str:
    """Systematic scores against the house view: rank correlation, the dates compared, what
    the rubric is, and the ``n`` names that differ most (ledger names escaped)."""

    def L(k: str) -> str:
        return label(k, lang)

    top = house_rows(hc, n)
    table = pd.DataFrame(
        {
            L("company"): top["name"],
            L("category"): top["category"],
            L("q_systematic"): [f.num(x, 1) for x in top["Q_systematic"]],
            L("q_house"): [f.num(x, 1) for x in top["Q_house"]],
            L("q_difference"): [
                ("+" if np.isfinite(x) and x > 0 else "") + f.num(x, 1) for x in top["difference"]
            ],
        }
    )
    text = L("house_vs_text").format(
        rho=f.num(hc.rank_correlation),
        n=hc.n,
        cutoff=pd.Timestamp(hc.cutoff).date(),
        house=pd.Timestamp(hc.house_as_of).date(),
    )
    return (
        f'<div id="house-comparison"><h3>{L("house_vs")}</h3>'
        f"<p>{html.escape(text)}</p>"
        f'<p class="small">{html.escape(L("rubric"))}</p>'
        f"<h4>{html.escape(L('differ_most').format(n=len(top)))}</h4>"
        + _table(table, "house")
        + "</div>"
    )


def _sources_details(stats: BacktestSummary, lang: Lang) -> str:
    """The reviews per score source, folded."""
    items = "".join(
        f"<li><b>{html.escape(score_source_name(src, lang))}</b> ({len(reviews)}): "
        f"{html.escape(', '.join(reviews))}</li>"
        for src, reviews in reviews_by_source(stats).items()
    )
    head = f"<summary>{label('reviews_per_source', lang)}</summary>"
    return f'<details class="score-sources">{head}<ul class="small">{items}</ul></details>'


_STALE_NOTE = re.compile(
    r"^(?P<security>.+?): no close after (?P<date>\d{4}-\d{2}-\d{2}); removed as delisted at "
    r"the last price$"
)
_GONE_NOTE = re.compile(
    r"^rebalance (?P<review>.+?): (?P<names>.+) removed before the effective date "
    r"\(delisted or stale\); weights renormalised$"
)


_NOT_FORMED_NOTE = re.compile(
    r"^review (?P<review>\S+) not formed, the index starts later: (?P<why>.*)$", re.DOTALL
)
_PRICES_END_NOTE = re.compile(
    r"^review (?P<review>\S+) \(cut-off (?P<cutoff>[\d-]+)\) not formed: the prices of the "
    r"lines held end on (?P<date>[\d-]+) \((?P<why>.*)\)$",
    re.DOTALL,
)
_SKIPPED_NOTE = re.compile(
    r"^review (?P<review>\S+) \(effective (?P<effective>[\d-]+)\) skipped: no prices after "
    r"(?P<date>[\d-]+)$"
)
_LEVELS_END_NOTE = re.compile(
    r"^levels end on (?P<date>[\d-]+), the last date with prices \(asked: (?P<asked>[\d-]+)\)$"
)
_ANNOUNCE_NOTE = re.compile(
    r"^(?P<company>[^:]+): no close on the announcement date (?P<date>[\d-]+); pro-forma shares "
    r"use the last close \((?P<last>[\d-]+)\)$"
)
_NOT_FORMED_COUNTS = re.compile(
    r"Of (?P<candidates>\d+) candidates (?P<eligible>\d+) (?:is|are) eligible.*?"
    r"|fewer than the minimum of (?P<min_n>\d+)",
    re.DOTALL,
)


def _not_formed(review: str, why: str, lang: Lang) -> str:
    """A review the index could not form before it launched, with the counts the engine's
    message states (eligible of candidates, the minimum)."""
    found: dict[str, str] = {}
    for m in _NOT_FORMED_COUNTS.finditer(why):
        found.update({k: v for k, v in m.groupdict().items() if v is not None})
    if {"candidates", "eligible", "min_n"} <= set(found):
        return label("note_not_formed_counts", lang).format(review=review, **found)
    return label("note_not_formed", lang).format(review=review)


def analyst_note(warning: str, lang: Lang, names: dict[str, str] | None = None) -> str:
    """A backtest warning as the report shows it, in the reader's language: a line whose price
    file ends (the engine's stale rule) is "prices end on DATE", not a delisting, which only a
    given event is; a review not formed before the launch gives the counts; companies by name
    (``names``: company id → name). A warning of another form is returned unchanged.

    Examples
    --------
    >>> w = "X: no close after 2024-03-28; removed as delisted at the last price"
    >>> analyst_note(w, "en")[:27]
    'X: prices end on 2024-03-28'
    """
    for pattern, key in (
        (_STALE_NOTE, "note_prices_end"),
        (_GONE_NOTE, "note_prices_ended_before"),
        (_PRICES_END_NOTE, "note_review_prices_end"),
        (_SKIPPED_NOTE, "note_review_skipped"),
        (_LEVELS_END_NOTE, "note_levels_end"),
    ):
        m = pattern.match(warning)
        if m:
            return label(key, lang).format(**m.groupdict())
    m = _NOT_FORMED_NOTE.match(warning)
    if m:
        return _not_formed(m.group("review"), m.group("why"), lang)
    m = _ANNOUNCE_NOTE.match(warning)
    if m:
        parts = m.groupdict()
        parts["company"] = (names or {}).get(parts["company"], parts["company"])
        return label("note_announce_close", lang).format(**parts)
    return warning


def _note_item(warning: str, lang: Lang, names: dict[str, str]) -> str:
    """One backtest note as a list item: the analyst's wording, and the engine's own message
    folded under it where the wording leaves part of it out (escaped)."""
    text = analyst_note(warning, lang, names)
    more = ""
    if _NOT_FORMED_NOTE.match(warning) or _PRICES_END_NOTE.match(warning):
        more = (
            f'<details class="engine"><summary>{label("engine_detail", lang)}</summary>'
            f"{html.escape(warning)}</details>"
        )
    return f"<li>{html.escape(text)}{more}</li>"


def _backtest_html(index: IndexView, lang: Lang, f: _Fmt, charts: list[str]) -> list[str]:
    """The backtest part of the index section: point in time or not, the score source per
    review, notes, levels (with today's scores dashed when compared), drawdown, metrics, the
    comparison with today's scores, calendar years, attribution and turnover (a window under 3
    index dates raises)."""

    def L(k: str) -> str:
        return label(k, lang)

    def chart(fig: Any) -> str:
        charts.append(_fig_html(fig))
        return charts[-1]

    bt = index.backtest
    assert bt is not None
    out = [f"<h3>{L('backtest')}</h3>"]
    stats = bt.stats
    out.extend(_pit_lines(stats, lang))
    if stats.score_sources:
        out.append(_sources_details(stats, lang))
    if stats.warnings:  # every note (the list is folded): the analyst's wording, by name
        names = _company_names(index)
        shown = "".join(_note_item(w, lang, names) for w in stats.warnings)
        head = f"<summary>{L('bt_notes')} ({len(stats.warnings)})</summary>"
        out.append(f'<details class="bt-notes">{head}<ul class="small">{shown}</ul></details>')
    lv = bt.levels
    if len(lv) < 3:
        raise InvalidParameterError(
            f"only {len(lv)} index dates between {lv.index[0].date()} and {lv.index[-1].date()}"
        )
    cols = ["GTR", *[c for c in lv.columns if c.startswith("bench_")]]
    dashed = {}
    if index.comparison is not None:
        dashed[L("static_series")] = index.comparison.levels["GTR"]
    out.append(chart(levels_figure(lv, lang, dashed=dashed)))
    out.append(chart(_drawdown_figure(lv, cols, lang)))
    table = _metrics_table(lv, cols, stats.reference_benchmark, lang, f)
    out.append(f"<h3>{L('metrics')}</h3>" + _table(table) + _capture_note(lv, stats, lang))
    out.append(_drawdown_text(lv, lang, f))
    out.extend(_comparison_html(index, lang, f))
    years, yr, yfig = _yearly(lv, cols, lang)
    out.append(chart(yfig))
    ytab = pd.DataFrame(
        {L("year"): years, **{c.removeprefix("bench_"): [f.pct(v) for v in yr[c]] for c in cols}}
    )
    out.append(_table(ytab))
    out.append(chart(_attribution_figure(bt, lang)))
    out.append(chart(_turnover_figure(bt, lang)))
    return out


def _company_names(index: IndexView) -> dict[str, str]:
    """Company id → name of the review's candidates (empty when the review has none)."""
    review = index.review
    if review is None:
        return {}
    c = review.candidates
    if "id" not in c.columns or "name" not in c.columns:
        return {}
    return {str(i): str(n) for i, n in zip(c["id"], c["name"], strict=True)}


def _drawdown_figure(lv: pd.DataFrame, cols: list[str], lang: Lang) -> Any:
    import plotly.graph_objects as go

    dd = go.Figure()
    for c in cols:
        x = lv[c].dropna()
        dd.add_trace(
            go.Scatter(
                x=x.index, y=x / x.cummax() - 1, name=esc(c.removeprefix("bench_")), mode="lines"
            )
        )
    dd.update_layout(
        title=label("drawdown", lang), yaxis_tickformat=".0%", height=320, margin={"t": 40}
    )
    return dd


def _metrics_table(
    lv: pd.DataFrame, cols: list[str], ref: str | None, lang: Lang, f: _Fmt
) -> pd.DataFrame:
    """Return, risk and relative metrics per series; the relative ones against ``ref``, the
    first benchmark of the backtest (none without a benchmark)."""

    def L(k: str) -> str:
        return label(k, lang)

    ref_col = f"bench_{ref}" if ref is not None else None
    bench = (
        metrics.returns_from_levels(lv[ref_col].dropna())
        if ref_col is not None and ref_col in lv
        else None
    )
    names = [f"{k} ({ref})" for k in ("β", "α", "ρ", "TE", "IR")] + [L("capture").format(ref=ref)]
    rows = []
    for c in cols:
        r = metrics.returns_from_levels(lv[c].dropna())
        row = {
            L("series"): c.removeprefix("bench_"),
            L("total_return"): f.pct(metrics.total_return(r)),
            L("annual_return"): f.pct(metrics.annual_return(r)),
            L("annual_volatility"): f.pct(metrics.annual_volatility(r)),
            L("sharpe_ratio"): f.num(metrics.sharpe_ratio(r)),
            "Sortino": f.num(metrics.sortino_ratio(r)),
            L("max_drawdown"): f.pct(metrics.max_drawdown(r)),
            "Calmar": f.num(metrics.calmar_ratio(r)),
        }
        if bench is None:
            rows.append(row)
            continue
        rel = dict.fromkeys(names, "–")
        if c != ref_col:
            up, down = metrics.up_capture(r, bench), metrics.down_capture(r, bench)
            values = [
                f.num(metrics.beta(r, bench)),
                f.pct(metrics.alpha(r, bench)),
                f.num(metrics.correlation(r, bench)),
                f.pct(metrics.tracking_error(r, bench)),
                f.num(metrics.information_ratio(r, bench)),
                f"{f.num(up)} / {f.num(down)}",
            ]
            rel = dict(zip(names, values, strict=True))
        rows.append(row | rel)
    return pd.DataFrame(rows)


def _capture_note(lv: pd.DataFrame, stats: BacktestSummary, lang: Lang) -> str:
    """The definition of the capture ratios beside the metrics table (empty without the
    reference benchmark): what :func:`aiinfra.metrics.up_capture` and
    :func:`~aiinfra.metrics.down_capture` compute on the daily returns."""
    ref = stats.reference_benchmark
    if ref is None or f"bench_{ref}" not in lv:
        return ""
    text = label("capture_def", lang).format(ref=ref)
    return f'<p class="small capture-def">{html.escape(text)}</p>'


def _drawdown_text(lv: pd.DataFrame, lang: Lang, f: _Fmt) -> str:
    """The index's largest drawdown, best and worst day and month, and the assumptions."""

    def L(k: str) -> str:
        return label(k, lang)

    gtr = metrics.returns_from_levels(lv["GTR"].dropna())
    d = metrics.drawdown_details(gtr)
    day = lambda x: "–" if x is None else str(pd.Timestamp(x).date())  # noqa: E731
    return (
        '<p class="small">'
        + html.escape(
            L("drawdown_dates").format(
                peak=day(d["peak"]),
                trough=day(d["trough"]),
                rec=day(d["recovery"]) if d["recovery"] is not None else L("not_recovered"),
            )
        )
        + " "
        + html.escape(
            L("best_worst").format(
                bd=f.pct(metrics.best_day(gtr)),
                wd=f.pct(metrics.worst_day(gtr)),
                bm=f.pct(metrics.best_month(gtr)),
                wm=f.pct(metrics.worst_month(gtr)),
            )
        )
        + " "
        + html.escape(L("assumptions"))
        + "</p>"
    )


def _yearly(lv: pd.DataFrame, cols: list[str], lang: Lang) -> tuple[list[str], pd.DataFrame, Any]:
    """Calendar-year returns: the year labels (``*`` for a partial year), the returns per
    series and their bar chart."""
    import plotly.graph_objects as go

    yearly = lv[cols].resample("YE").last()
    first = lv[cols].iloc[0]
    yr = pd.concat([first.to_frame().T, yearly]).pct_change().iloc[1:]
    ends = cast(pd.DatetimeIndex, yr.index)
    partial = {
        ends[0].year: lv.index[0] > pd.Timestamp(year=lv.index[0].year, month=1, day=10),
        ends[-1].year: lv.index[-1] < pd.Timestamp(year=lv.index[-1].year, month=12, day=20),
    }
    years = [f"{y}*" if partial.get(y) else str(y) for y in ends.year]
    yfig = go.Figure([go.Bar(x=years, y=yr[c], name=esc(c.removeprefix("bench_"))) for c in cols])
    yfig.update_layout(
        title=label("yearly", lang),
        yaxis_tickformat=".0%",
        barmode="group",
        height=340,
        margin={"t": 40},
    )
    return years, yr, yfig


def _attribution_figure(bt: Any, lang: Lang) -> Any:
    """Contribution to gross total return by category and year, with the residual."""
    import plotly.graph_objects as go

    from aiinfra.backtest import attribution

    att = attribution(bt, by="category", period="year")
    afig = go.Figure(
        [
            go.Bar(
                x=g["period"].astype(str),
                y=g["contribution"],
                name=esc(f"{cat} {CATEGORY_NAMES.get(str(cat), {}).get(lang, '')}"),
            )
            for cat, g in att.groupby("group")
        ]
    )
    res = att.drop_duplicates("period")
    afig.add_trace(
        go.Bar(
            x=res["period"].astype(str),
            y=res["residual"],
            name=esc(label("residual", lang)),
            marker_color="#999",
        )
    )
    afig.update_layout(
        title=label("attribution", lang),
        barmode="relative",
        yaxis_tickformat=".0%",
        height=360,
        margin={"t": 40},
    )
    return afig


def _turnover_figure(bt: Any, lang: Lang) -> Any:
    import plotly.graph_objects as go

    tv = bt.turnover.iloc[1:]
    tfig = go.Figure(go.Bar(x=tv["review"], y=tv["turnover"], name=label("turnover", lang)))
    tfig.update_layout(
        title=label("turnover", lang), yaxis_tickformat=".0%", height=300, margin={"t": 40}
    )
    return tfig


def _when(amount: str, rec: dict[Any, Any], which: str, lang: Lang) -> str:
    if amount == "–":
        return amount
    return f"{amount} ({rec[which + '_period']}, {_kind(rec[which + '_kind'], lang)})"


def _kind(kinds: Any, lang: Lang) -> str:
    """``actual`` / ``estimate``… in the reader's language (several joined by a slash)."""
    parts = str(kinds).split(" / ")
    return " / ".join(label(k, lang) if k in _KINDS else k for k in parts)


_KINDS = ("actual", "guidance", "estimate", "forecast")


def _reported_text(rec: dict[str, Any], lang: Lang, f: _Fmt) -> str:
    """The latest reported value with its period and kind; a range when sources disagree."""
    ids = rec["reported_ids"]
    lo, hi = rec["reported_range_low"], rec["reported_range_high"]
    if len(ids) > 1 and pd.notna(lo) and pd.notna(hi) and lo != hi:
        amount = (
            label("sources_disagree", lang).format(n=len(ids))
            + " "
            + f.amount(float("nan"), lo, hi)
        )
    else:
        amount = f.amount(rec["reported_value"], rec["reported_low"], rec["reported_high"])
    if amount == "–":
        return amount
    periods = " / ".join(rec["reported_periods"])
    return f"{amount} ({periods}, {_kind(' / '.join(rec['reported_kinds']), lang)})"


def _key_buildout(ledger: Ledger, as_of: pd.Timestamp, lang: Lang, f: _Fmt) -> pd.DataFrame | None:
    """The latest reported value (with its sources) and the furthest outlook of a few
    headline series, labelled in words."""
    rows = []
    for rec in key_buildout_records(ledger, as_of):
        what, unit = key_buildout_label(rec, lang)
        outlook = f.amount(rec["outlook_value"], rec["outlook_low"], rec["outlook_high"])
        rows.append(
            {
                label("series", lang): what,
                label("unit", lang): unit,
                label("reported", lang): _reported_text(rec, lang, f),
                label("reported_sources", lang): "; ".join(
                    f"{i}: {_seed_words(source_text(src), lang)}"
                    for i, src in rec["reported_sources"]
                )
                or "–",
                label("outlook", lang): _when(outlook, rec, "outlook", lang),
            }
        )
    return pd.DataFrame(rows) if rows else None


def _seed_words(text: str, lang: Lang) -> str:
    """``seed 003 “…”`` of :func:`aiinfra.ledger.source_text` in the reader's language."""
    return text if lang == "en" else text.replace("seed ", f"{label('seed_word', lang)} ")


def _buildout_html(
    ledger: Ledger,
    as_of: pd.Timestamp,
    lang: Lang,
    charts: list[str],
    sources: set[tuple[str, str]],
) -> str:
    """One chart per series and period type (a quarterly and an annual figure never share an
    axis: a quarter's amount is not a year's); in each, a trace per entity, measure, kind and
    source, named in words, each source with a dash of its own (:func:`buildout_figure`)."""
    try:
        from aiinfra.buildout import buildout_series, list_series
    except ImportError:
        return ""

    def L(k: str) -> str:
        return label(k, lang)

    out = [f'<p class="small">{html.escape(L("buildout_intro"))}</p>']
    names = entity_names(ledger)
    for name in list_series():
        pts = buildout_series(ledger, name, as_of=as_of)
        pts = pts[pts["date"].notna()]
        if pts.empty:
            continue
        types = [t for t in _PERIOD_ORDER if t in set(pts["period_type"])]
        types += sorted(set(pts["period_type"]) - set(types))
        for ptype in types:
            part = pts[pts["period_type"] == ptype]
            title = SERIES_NAMES.get(name, {}).get(lang) or name.replace("_", " ")
            if len(types) > 1:  # the period type in the title only where the series has several
                title += f" — {PERIOD_TYPE_NAMES.get(ptype, {}).get(lang, ptype)}"
            fig = buildout_figure(part, name, lang, names=names, by_source=True, title=title)
            charts.append(_fig_html(fig))
            out.append(charts[-1])
        for src in pts["source"].dropna().unique():
            sources.add((L("ledger_source"), f"figures.csv ({name}): {src}"))
    return "".join(out) if len(out) > 1 else ""


#: the order of a series' charts by period type (the finest first)
_PERIOD_ORDER = ("day", "month", "quarter", "half", "year", "multi_year")


def write_report(result: ReportResult, out: str | os.PathLike[str]) -> Path:
    """Write to a temporary file beside ``out`` and rename: never a partial report.

    Raises
    ------
    InvalidParameterError
        When ``out`` cannot be written (a directory, a read-only place), naming the path.
    """
    from aiinfra._io import atomic_file

    return atomic_file(Path(out), result.html, what="an HTML file")


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1b1f24;
  background:#fafbfc}
header{background:#10243e;color:#fff;padding:16px 28px}header h1{margin:0 0 8px;font-size:22px}
nav a{color:#cfe3ff;margin-right:16px;text-decoration:none}main{padding:8px 28px;max-width:1200px}
section{background:#fff;border:1px solid #e3e7ec;border-radius:8px;padding:12px 20px;margin:16px 0}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
.tbl{max-width:100%;overflow-x:auto}section{min-width:0;overflow-wrap:break-word}
th,td{border-bottom:1px solid #e3e7ec;padding:4px 8px;text-align:left;vertical-align:top}
table.wide td:last-child{max-width:520px}
.notice{background:#fff4e5;border-left:4px solid #f0a020;padding:8px;margin:8px 0}
.notice p{margin:0}.notice details{margin-top:4px}.notice summary{cursor:pointer;font-size:12px}
a.csv{font-size:11px;color:#557;margin:0 0 8px;display:inline-block}
.tbl>a.csv{display:block;width:max-content}
.label{color:#a33;font-weight:600}.pit{color:#1d6b2f}.small{font-size:12px;color:#666}ul.sources{font-size:12px}
footer{padding:16px 28px;color:#777;font-size:12px}
"""
