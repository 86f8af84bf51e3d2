"""Build the self-contained HTML report (plotly.js embedded; no request to any other host)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aiinfra import metrics
from aiinfra.backtest import IndexView
from aiinfra.exceptions import AiinfraError, InvalidParameterError
from aiinfra.ledger import Ledger
from aiinfra.report._charts import buildout_figure, esc, levels_figure, treemap_figure
from aiinfra.report._i18n import CATEGORY_NAMES, label, number

__all__ = ["ReportResult", "content_security_policy", "render_report", "write_report"]


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


def _fig_html(fig: Any) -> str:
    import plotly.io as pio

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

    def __init__(self, lang: str) -> None:
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


def _table(frame: pd.DataFrame, cls: str = "") -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for rec in frame.itertuples(index=False):
        cells = "".join(f"<td>{html.escape(_cell(v))}</td>" for v in rec)
        rows.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def render_report(
    ledger: Ledger,
    index: IndexView | None,
    *,
    as_of: pd.Timestamp,
    lang: str = "en",
    notices: Sequence[str] = (),
    source_list: Sequence[tuple[str, str]] = (),
) -> ReportResult:
    """Lay out the report: summary, index, backtest, flow map, stress, ROI gap, build-out and
    sources (rendering only: the index comes formed, see
    :func:`aiinfra.services.report.build_report`). ``source_list`` seeds the sources appendix
    (the methodology and the prices used).

    ``index`` is None when there are no prices; its relaxation, error and backtest error are
    shown on page one, and a backtest that applies today's scores to earlier dates is labelled
    not point-in-time wherever it is shown.
    """
    as_of_ts = as_of
    notices = list(notices)
    sections: list[str] = []
    sources: set[tuple[str, str]] = set(source_list)
    charts: list[str] = []
    body: list[str] = []
    f = _Fmt(lang)

    def L(k: str) -> str:
        return label(k, lang)

    review = bt = None
    if index is not None:
        m = index.methodology
        review, bt = index.review, index.backtest
        if index.relaxation is not None:
            notices.append(
                L("relaxed").format(
                    why=index.relaxation.reason,
                    cap=f.pct(m.weighting.single_cap),
                    n=m.selection.min_n,
                )
            )
        if index.error is not None:
            notices.append(L("no_index").format(why=index.error))
        if review is not None and not review.point_in_time:
            notices.append(L("not_pit"))
        if index.backtest_error is not None:
            notices.append(L("bt_left_out").format(why=index.backtest_error))

    # --- summary ---------------------------------------------------------------------------
    summary = [f'<section id="summary"><h2>{L("summary")}</h2>']
    for n in notices:
        summary.append(f'<p class="notice"><b>{L("notice")}:</b> {html.escape(n)}</p>')
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
        s = bt.summary
        rows = [
            {
                L("series"): "GTR",
                L("total_return"): f.pct(s["variants"]["GTR"]["total_return"]),
                L("annual_return"): f.pct(s["variants"]["GTR"]["annual_return"]),
            }
        ]
        for t, v in s["benchmarks"].items():
            rows.append(
                {
                    L("series"): t,
                    L("total_return"): f.pct(v["total_return"]),
                    L("annual_return"): f.pct(v["annual_return"]),
                }
            )
        summary.append(f"<h3>{L('performance')} ({s['start']} – {s['end']})</h3>")
        if not s["point_in_time"]:
            summary.append(f'<p class="label">{L("not_pit")}</p>')
        summary.append(_table(pd.DataFrame(rows)))
    key = _key_buildout(ledger, as_of_ts, lang, f)
    if key is not None:
        summary.append(
            f"<h3>{L('key_buildout')}</h3>"
            + _table(key)
            + f'<p class="small">{html.escape(L("key_buildout_note"))}</p>'
        )
    summary.append("</section>")
    body.append("".join(summary))
    sections.append("summary")

    # --- index ------------------------------------------------------------------------------
    if review is not None:
        body.append(_index_html(ledger, review, bt, as_of_ts, lang, f, charts, sources))
        sections.append("index")

    # --- capital-flow map ------------------------------------------------------------------
    from aiinfra.report._flows import flows_html

    fl = flows_html(ledger, as_of_ts, lang, charts, sources, _fig_html, _table, f)
    if fl:
        body.append(fl)
        sections.append("flows")

    # --- stress tests -----------------------------------------------------------------------
    from aiinfra.report._stress import stress_html

    st = stress_html(
        ledger,
        as_of_ts,
        lang,
        charts,
        _fig_html,
        _table,
        f,
        weights=None if review is None else review.weights,
        weights_label="" if review is None else f"{L('index')} {review.dates.review}",
    )
    if st:
        body.append(st)
        sections.append("stress")

    # --- ROI gap ----------------------------------------------------------------------------
    from aiinfra.report._gap import gap_html

    gp = gap_html(ledger, as_of_ts, lang, charts, _fig_html, _table, f)
    if gp:
        body.append(gp)
        sections.append("gap")

    # --- build-out --------------------------------------------------------------------------
    bo = _buildout_html(ledger, as_of_ts, lang, charts, sources)
    if bo:
        body.append(f'<section id="buildout"><h2>{L("buildout")}</h2>{bo}</section>')
        sections.append("buildout")

    # --- sources ----------------------------------------------------------------------------
    items = "".join(
        f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in sorted(sources)
    )
    body.append(
        f'<section id="sources"><h2>{L("sources")}</h2><ul class="sources">{items}</ul>'
        f'<p class="small">{L("not_advice")}</p></section>'
    )
    sections.append("sources")

    from plotly.offline import get_plotlyjs

    title = f"{L('title')} — {L('as_of')} {as_of_ts.date()}"
    nav = "".join(f'<a href="#{s}">{L(s)}</a>' for s in sections)
    plotly_js = get_plotlyjs()
    head = f"""<title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_CSS}</style>{_plotly_style_placeholders(plotly_js)}<script>{plotly_js}</script>"""
    rest = f"""</head>
<body><header><h1>{html.escape(title)}</h1><nav>{nav}</nav></header><main>{"".join(body)}</main>
<footer>{L("generated")} · {dt.date.today().isoformat()}</footer></body></html>"""
    csp = content_security_policy(head + rest)
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp, quote=False)}">\n'
        + head
        + rest
    )
    return ReportResult(page, notices, sections, len(charts), sorted(sources), index)


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
    review: Any,
    bt: Any,
    as_of: pd.Timestamp,
    lang: str,
    f: _Fmt,
    charts: list[str],
    sources: set[tuple[str, str]],
) -> str:

    def L(k: str) -> str:
        return label(k, lang)

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
    out.append(
        '<p class="small">Q = qualitative score (0–100), a = AI-revenue share, '
        "S = 0.8·Q + 0.2·R (R from a).</p>"
    )
    if bt is not None:
        try:
            out.extend(_backtest_html(bt, lang, f, charts))
        except AiinfraError as exc:  # a window too short for a chart: leave it out, say why
            out.append(f'<p class="notice">{html.escape(L("bt_left_out").format(why=exc))}</p>')
    out.append("</section>")
    return "".join(out)


def _backtest_html(bt: Any, lang: str, f: _Fmt, charts: list[str]) -> list[str]:
    import plotly.graph_objects as go

    from aiinfra.backtest import attribution

    def L(k: str) -> str:
        return label(k, lang)

    out = [f"<h3>{L('backtest')}</h3>"]
    if not bt.summary["point_in_time"]:
        out.append(f'<p class="label">{L("not_pit")}</p>')
    notes = [w for w in bt.summary["warnings"]]
    if notes:
        shown = "".join(f"<li>{html.escape(w)}</li>" for w in notes[:8])
        more = f"<li>… {len(notes) - 8} more</li>" if len(notes) > 8 else ""
        head = f"<summary>{L('bt_notes')} ({len(notes)})</summary>"
        out.append(f'<details>{head}<ul class="small">{shown}{more}</ul></details>')
    lv = bt.levels
    if len(lv) < 3:
        raise InvalidParameterError(
            f"only {len(lv)} index dates between {lv.index[0].date()} and {lv.index[-1].date()}"
        )
    cols = ["GTR", *[c for c in lv.columns if c.startswith("bench_")]]
    fig = levels_figure(lv, lang)
    charts.append(_fig_html(fig))
    out.append(charts[-1])
    dd = go.Figure()
    for c in cols:
        x = lv[c].dropna()
        dd.add_trace(
            go.Scatter(
                x=x.index, y=x / x.cummax() - 1, name=esc(c.removeprefix("bench_")), mode="lines"
            )
        )
    dd.update_layout(title=L("drawdown"), yaxis_tickformat=".0%", height=320, margin={"t": 40})
    charts.append(_fig_html(dd))
    out.append(charts[-1])
    bench = metrics.returns_from_levels(lv["bench_QQQ"].dropna()) if "bench_QQQ" in lv else None
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
        rel = dict.fromkeys(
            ["β (QQQ)", "α (QQQ)", "ρ (QQQ)", "TE (QQQ)", "IR (QQQ)", L("capture")], "–"
        )
        if bench is not None and c != "bench_QQQ":
            up, down = metrics.up_capture(r, bench), metrics.down_capture(r, bench)
            rel = {
                "β (QQQ)": f.num(metrics.beta(r, bench)),
                "α (QQQ)": f.pct(metrics.alpha(r, bench)),
                "ρ (QQQ)": f.num(metrics.correlation(r, bench)),
                "TE (QQQ)": f.pct(metrics.tracking_error(r, bench)),
                "IR (QQQ)": f.num(metrics.information_ratio(r, bench)),
                L("capture"): f"{f.num(up)} / {f.num(down)}",
            }
        rows.append(row | rel)
    out.append(f"<h3>{L('metrics')}</h3>" + _table(pd.DataFrame(rows)))
    gtr = metrics.returns_from_levels(lv["GTR"].dropna())
    d = metrics.drawdown_details(gtr)
    day = lambda x: "–" if x is None else str(pd.Timestamp(x).date())  # noqa: E731
    out.append(
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
    yearly = lv[cols].resample("YE").last()
    first = lv[cols].iloc[0]
    yr = pd.concat([first.to_frame().T, yearly]).pct_change().iloc[1:]
    partial = {
        yr.index[0].year: lv.index[0] > pd.Timestamp(year=lv.index[0].year, month=1, day=10),
        yr.index[-1].year: lv.index[-1] < pd.Timestamp(year=lv.index[-1].year, month=12, day=20),
    }
    years = [f"{y}*" if partial.get(y) else str(y) for y in yr.index.year]
    yfig = go.Figure([go.Bar(x=years, y=yr[c], name=esc(c.removeprefix("bench_"))) for c in cols])
    yfig.update_layout(
        title=L("yearly"), yaxis_tickformat=".0%", barmode="group", height=340, margin={"t": 40}
    )
    charts.append(_fig_html(yfig))
    out.append(charts[-1])
    ytab = pd.DataFrame(
        {L("year"): years, **{c.removeprefix("bench_"): [f.pct(v) for v in yr[c]] for c in cols}}
    )
    out.append(_table(ytab))
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
            name=esc(L("residual")),
            marker_color="#999",
        )
    )
    afig.update_layout(
        title=L("attribution"),
        barmode="relative",
        yaxis_tickformat=".0%",
        height=360,
        margin={"t": 40},
    )
    charts.append(_fig_html(afig))
    out.append(charts[-1])
    tv = bt.turnover.iloc[1:]
    tfig = go.Figure(go.Bar(x=tv["review"], y=tv["turnover"], name="turnover"))
    tfig.update_layout(title=L("turnover"), yaxis_tickformat=".0%", height=300, margin={"t": 40})
    charts.append(_fig_html(tfig))
    out.append(charts[-1])
    return out


#: (series, entity, periods, measure) shown on page one: the headline numbers of the seeds
KEY_BUILDOUT = (
    ("model_lab_arr", "openai", "all", "arr_usd_bn"),
    ("model_lab_arr", "anthropic", "all", "arr_usd_bn"),
    ("hyperscaler_capex", "big4", "year", "capex_usd_bn"),
    ("wfe_spend", "global", "year", "wfe_spend_usd_bn"),
    ("cowos_monthly", "tsmc", "all", "cowos_wafers_per_month_k"),
    ("dc_capacity", "global", "all", "dc_capacity_mw"),
)


def _when(amount: str, rec: dict[Any, Any], which: str, lang: str) -> str:
    if amount == "–":
        return amount
    return f"{amount} ({rec[which + '_period']}, {_kind(rec[which + '_kind'], lang)})"


def _kind(kinds: Any, lang: str) -> str:
    """``actual`` / ``estimate``… in the reader's language (several joined by a slash)."""
    parts = str(kinds).split(" / ")
    return " / ".join(label(k, lang) if k in _KINDS else k for k in parts)


_KINDS = ("actual", "guidance", "estimate", "forecast")


def entity_names(ledger: Ledger) -> dict[str, str]:
    """Company id → name from ``companies.csv`` (the entities a reader knows by name)."""
    comp = ledger.companies
    return {str(i): str(n) for i, n in zip(comp["id"], comp["name"], strict=True)}


def key_buildout_label(rec: dict[str, Any], lang: str) -> tuple[str, str]:
    """(what, unit) of a headline row in words: ``OpenAI · annualised revenue (ARR)`` and
    ``USD bn a year (run-rate)``; plain text (escape it where it reaches HTML)."""
    from aiinfra.report._i18n import ENTITY_NAMES, MEASURE_NAMES, UNIT_NAMES

    entity, measure, unit = str(rec["entity"]), str(rec["measure"]), rec.get("unit")
    who = rec.get("entity_name") or ENTITY_NAMES.get(entity, {}).get(lang) or entity
    what = MEASURE_NAMES.get(measure, {}).get(lang) or measure.replace("_", " ")
    unit_text = UNIT_NAMES.get(str(unit), {}).get(lang) or ("" if unit is None else str(unit))
    return f"{who} · {what}", unit_text


def key_buildout_records(ledger: Ledger, as_of: pd.Timestamp) -> list[dict[str, Any]]:
    """The headline series in :data:`KEY_BUILDOUT`, in that order (report and dashboard).

    Each record is the series summary row (:func:`aiinfra.buildout.series_summary` on
    ``as_of``: the most recent period over and published by then, the furthest outlook) plus
    ``entity_name`` (from ``companies.csv``; None for a group) and every figure of the latest
    reported period (:func:`aiinfra.buildout.latest_reported`): ``reported_ids``,
    ``reported_sources`` (``(figure id, source)`` pairs), ``reported_periods`` and
    ``reported_kinds`` (distinct, in order), and ``reported_range_low`` /
    ``reported_range_high`` (the smallest and largest number they state; NaN when none).
    """
    from aiinfra.buildout import buildout_series, latest_reported, series_summary

    points = buildout_series(ledger, as_of=as_of)
    frame = series_summary(points, as_of=as_of)
    names = entity_names(ledger)
    out: list[dict[str, Any]] = []
    for series, entity, periods, measure in KEY_BUILDOUT:
        hit = frame[
            (frame["series"] == series)
            & (frame["entity"] == entity)
            & (frame["measure"] == measure)
        ]
        if periods != "all":
            hit = hit[hit["periods"] == periods]
        if hit.empty:
            continue
        rec: dict[str, Any] = {str(k): v for k, v in hit.iloc[0].items()}
        group = points[
            (points["series"] == series)
            & (points["entity"] == entity)
            & (points["measure"] == measure)
        ]
        if periods != "all":
            group = group[group["period_type"] == periods]
        latest = latest_reported(group, as_of)
        stated = [float(x) for col in ("value", "low", "high") for x in latest[col] if pd.notna(x)]
        rec |= {
            "entity_name": names.get(entity),
            "reported_ids": [str(i) for i in latest["figure_id"]],
            "reported_sources": [
                (str(i), "–" if pd.isna(src) else str(src))
                for i, src in zip(latest["figure_id"], latest["source"], strict=True)
            ],
            "reported_periods": list(dict.fromkeys(str(x) for x in latest["period"])),
            "reported_kinds": list(dict.fromkeys(str(x) for x in latest["kind"])),
            "reported_range_low": min(stated) if stated else float("nan"),
            "reported_range_high": max(stated) if stated else float("nan"),
        }
        out.append(rec)
    return out


def _reported_text(rec: dict[str, Any], lang: str, f: _Fmt) -> str:
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


def _key_buildout(ledger: Ledger, as_of: pd.Timestamp, lang: str, f: _Fmt) -> pd.DataFrame | None:
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
                    f"{i}: {src}" for i, src in rec["reported_sources"]
                )
                or "–",
                label("outlook", lang): _when(outlook, rec, "outlook", lang),
            }
        )
    return pd.DataFrame(rows) if rows else None


def _buildout_html(
    ledger: Ledger, as_of: pd.Timestamp, lang: str, charts: list[str], sources: set[tuple[str, str]]
) -> str:
    """One chart per series; a trace per entity, measure, period type and kind (never mixed)."""
    try:
        from aiinfra.buildout import buildout_series, list_series
    except ImportError:
        return ""

    def L(k: str) -> str:
        return label(k, lang)

    out = []
    for name in list_series():
        pts = buildout_series(ledger, name, as_of=as_of)
        pts = pts[pts["date"].notna()]
        if pts.empty:
            continue
        fig = buildout_figure(pts, name, lang, names=entity_names(ledger))
        charts.append(_fig_html(fig))
        out.append(charts[-1])
        for src in pts["source"].dropna().unique():
            sources.add((L("ledger_source"), f"figures.csv ({name}): {src}"))
    return "".join(out)


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
th,td{border-bottom:1px solid #e3e7ec;padding:4px 8px;text-align:left;vertical-align:top}
table.wide td:last-child{max-width:520px}
.notice{background:#fff4e5;border-left:4px solid #f0a020;padding:8px}
.label{color:#a33;font-weight:600}.small{font-size:12px;color:#666}ul.sources{font-size:12px}
footer{padding:16px 28px;color:#777;font-size:12px}
"""
