"""Build the self-contained HTML report (plotly.js embedded; no request to any other host)."""

from __future__ import annotations

import datetime as dt
import html
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aiinfra import metrics
from aiinfra.exceptions import InfeasibleCapping, InsufficientConstituents, MissingDataError
from aiinfra.index import Methodology, load_methodology, run_review
from aiinfra.ledger import Ledger
from aiinfra.report._i18n import label

__all__ = ["ReportResult", "build_report", "write_report"]

PriceGetter = Callable[[str], pd.DataFrame]
CATEGORY_NAMES = {
    "C1": "Semiconductor Manufacturing & Equipment",
    "C2": "Compute Silicon & Design",
    "C3": "Memory & Storage",
    "C4": "Networking & Optical",
    "C5": "Servers & Systems",
    "C6": "Power, Electrical & Thermal",
    "C7": "Data-Centre & Cloud Capacity",
}


@dataclass
class ReportResult:
    """The rendered report and what it is based on."""

    html: str
    notices: list[str]
    sections: list[str]
    charts: int
    sources: list[tuple[str, str]] = field(default_factory=list)


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


def _pct(x: float) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{x * 100:.1f} %"


def _table(frame: pd.DataFrame, cls: str = "") -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for rec in frame.itertuples(index=False):
        cells = "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in rec)
        rows.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _last_price_date(
    ledger: Ledger, prices: PriceGetter, benchmarks: Sequence[str]
) -> pd.Timestamp | None:
    """The last date with a close on any scored company's line or benchmark."""
    comp = ledger.companies.set_index("id")
    lines = set(benchmarks)
    for cid in ledger.scores["company_id"].unique():
        lines.add(str(comp.at[cid, "ticker"]))
        alt = comp.at[cid, "alt_tickers"]
        if isinstance(alt, str):
            lines.update(t for t in alt.split(";") if t)
    last = None
    for t in sorted(lines):
        try:
            day = prices(t)["close"].last_valid_index()
        except MissingDataError:
            continue
        if day is not None:
            day = pd.Timestamp(str(day))
            last = day if last is None or day > last else last
    return last


def _relaxed(m: Methodology, eligible_hint: int) -> Methodology:
    """The same rules without the UCITS buffer rule and with a lower minimum count."""
    data = m.model_dump(mode="json")
    data["weighting"]["ucits"] = None
    data["weighting"]["single_cap"] = max(data["weighting"]["single_cap"], 0.10)
    data["selection"]["min_n"] = min(data["selection"]["min_n"], 5)
    return Methodology.model_validate(data)


def build_report(
    ledger: Ledger,
    prices: PriceGetter | None,
    *,
    as_of: object = None,
    lang: str = "en",
    methodology: str | None = None,
    price_label: str = "",
    start: str = "2019-01-01",
    benchmarks: Sequence[str] = ("QQQ", "SMH"),
    fx: dict[str, pd.Series] | None = None,
    no_prices_reason: str | None = None,
) -> ReportResult:
    """Assemble the report: summary, index, backtest, build-out and sources.

    When the methodology cannot form the index on the available prices (too few eligible
    names for its caps), the same rules without the UCITS buffer rule are shown instead and the
    report says so on its first page. Scores unknown at a past date make the backtest
    not point-in-time: labelled wherever it is shown.
    """
    import plotly.graph_objects as go

    from aiinfra.backtest import backtest
    from aiinfra.ledger._dates import to_timestamp

    as_of_ts = to_timestamp(as_of if as_of is not None else dt.date.today(), "as_of")
    notices: list[str] = []
    sections: list[str] = []
    sources: set[tuple[str, str]] = set()
    charts: list[str] = []
    body: list[str] = []
    L = lambda k: label(k, lang)  # noqa: E731

    m = load_methodology(methodology)
    sources.add((L("methodology"), methodology or "methodologies/default.yaml"))
    review = bt = None
    if prices is None:
        notices.append(L("no_prices") + (f" ({no_prices_reason})" if no_prices_reason else ""))
    else:
        sources.add((L("price_source"), price_label))
        data_end = _last_price_date(ledger, prices, benchmarks)
        if data_end is not None and data_end < as_of_ts:
            notices.append(
                f"{L('prices_end')} {data_end.date()}: {L('report_dated')} {data_end.date()}."
            )
            as_of_ts = data_end
        try:
            review = run_review(ledger, prices, m, as_of_ts, missing_vintage="static", fx=fx)
        except (InsufficientConstituents, InfeasibleCapping) as exc:
            relaxed = _relaxed(m, 0)
            try:
                review = run_review(
                    ledger, prices, relaxed, as_of_ts, missing_vintage="static", fx=fx
                )
                m = relaxed
                notices.append(
                    f"The methodology cannot form the index on the available prices "
                    f"({str(exc).rstrip('.')}). Shown instead: the same rules without the UCITS "
                    f"buffer rule (single cap {m.weighting.single_cap:.0%}, at least "
                    f"{m.selection.min_n} names)."
                )
            except (InsufficientConstituents, InfeasibleCapping) as exc2:
                notices.append(f"No index can be formed on the available prices: {exc2}")
    if review is not None and prices is not None:
        if not review.point_in_time:
            notices.append(L("not_pit"))
        try:
            static = (
                m.model_copy(update={"pit_mode": "static_scores"})
                if not review.point_in_time
                else m
            )
            end = min(
                as_of_ts,
                max(
                    pd.Timestamp(str(prices(t)["close"].last_valid_index()))
                    for t in review.proforma["ticker"]
                ),
            )
            bt = backtest(ledger, prices, static, start, end, benchmarks=benchmarks, fx=fx)
        except (MissingDataError, InsufficientConstituents, InfeasibleCapping) as exc:
            notices.append(f"Backtest left out: {exc}")

    # --- summary ---------------------------------------------------------------------------
    summary = [f'<section id="summary"><h2>{L("summary")}</h2>']
    for n in notices:
        summary.append(f'<p class="notice"><b>{L("notice")}:</b> {html.escape(n)}</p>')
    if review is not None:
        sel = review.selection()
        top = sel.head(10)
        cats = sel.groupby("category")["weight"].sum().sort_index()
        summary.append(
            f"<h3>{L('holds')}</h3><p>{len(sel)} {L('constituents').lower()}; "
            f"{L('review')} {review.dates.review}, {L('effective')} "
            f"{review.dates.effective.date()}.</p>"
        )
        summary.append(
            _table(
                pd.DataFrame(
                    {
                        L("category"): [f"{c} {CATEGORY_NAMES[c]}" for c in cats.index],
                        L("weight"): [_pct(w) for w in cats],
                    }
                )
            )
        )
        summary.append(
            _table(
                pd.DataFrame(
                    {L("company"): top["name"], L("weight"): [_pct(w) for w in top["weight"]]}
                )
            )
        )
    if bt is not None:
        s = bt.summary
        rows = [
            {
                L("series"): "GTR",
                L("total_return"): _pct(s["variants"]["GTR"]["total_return"]),
                L("annual_return"): _pct(s["variants"]["GTR"]["annual_return"]),
            }
        ]
        for t, v in s["benchmarks"].items():
            rows.append(
                {
                    L("series"): t,
                    L("total_return"): _pct(v["total_return"]),
                    L("annual_return"): _pct(v["annual_return"]),
                }
            )
        summary.append(f"<h3>{L('performance')} ({s['start']} – {s['end']})</h3>")
        if not s["point_in_time"]:
            summary.append(f'<p class="label">{L("not_pit")}</p>')
        summary.append(_table(pd.DataFrame(rows)))
    key = _key_buildout(ledger, as_of_ts, lang)
    if key is not None:
        summary.append(f"<h3>{L('key_buildout')}</h3>" + _table(key))
    summary.append("</section>")
    body.append("".join(summary))
    sections.append("summary")

    # --- index ------------------------------------------------------------------------------
    if review is not None:
        sel = review.selection()
        idx = [f'<section id="index"><h2>{L("index")}</h2>']
        if not review.point_in_time:
            idx.append(f'<p class="label">{L("not_pit")}</p>')
        parents = [""] * len(cats) + list(sel["category"])
        tree = go.Figure(
            go.Treemap(
                labels=[f"{c}" for c in cats.index] + list(sel["name"]),
                ids=list(cats.index) + list(sel["id"]),
                parents=parents,
                values=list(cats.values) + list(sel["weight"]),
                branchvalues="total",
                hovertemplate="%{label}: %{value:.2%}<extra></extra>",
            )
        )
        tree.update_layout(
            title=L("composition"), margin={"t": 40, "l": 0, "r": 0, "b": 0}, height=480
        )
        charts.append(_fig_html(tree))
        idx.append(charts[-1])
        rat = (
            ledger.scores.sort_values("as_of").groupby("company_id").tail(1).set_index("company_id")
        )
        for cid in sel["id"]:
            if cid in rat.index:
                sources.add((L("ledger_source"), f"scores.csv {cid}: {rat.loc[cid, 'source']!s}"))
        table = pd.DataFrame(
            {
                L("rank"): sel["rank"],
                L("company"): sel["name"],
                L("ticker"): sel["ticker"],
                L("category"): sel["category"],
                "Q": sel["Q"].round(1),
                "a": sel["a"].round(3),
                "S": sel["S"].round(1),
                L("weight"): [_pct(w) for w in sel["weight"]],
                L("rationale"): [
                    rat.at[c, "rationale"] if c in rat.index else "" for c in sel["id"]
                ],
            }
        )
        idx.append(f"<h3>{L('constituents')}</h3>" + _table(table, "wide"))
        if bt is not None:
            idx.extend(_backtest_html(bt, lang, charts))
        idx.append("</section>")
        body.append("".join(idx))
        sections.append("index")

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
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_CSS}</style><script>{get_plotlyjs()}</script></head>
<body><header><h1>{html.escape(title)}</h1><nav>{nav}</nav></header><main>{"".join(body)}</main>
<footer>{L("generated")} · {dt.date.today().isoformat()}</footer></body></html>"""
    return ReportResult(page, notices, sections, len(charts), sorted(sources))


def _backtest_html(bt: Any, lang: str, charts: list[str]) -> list[str]:
    import plotly.graph_objects as go

    L = lambda k: label(k, lang)  # noqa: E731
    out = [f"<h3>{L('backtest')}</h3>"]
    if not bt.summary["point_in_time"]:
        out.append(f'<p class="label">{L("not_pit")}</p>')
    lv = bt.levels
    cols = ["GTR", *[c for c in lv.columns if c.startswith("bench_")]]
    fig = go.Figure(
        [go.Scatter(x=lv.index, y=lv[c], name=c.removeprefix("bench_"), mode="lines") for c in cols]
    )
    fig.update_layout(title=L("levels_log"), yaxis_type="log", height=420, margin={"t": 40})
    charts.append(_fig_html(fig))
    out.append(charts[-1])
    dd = go.Figure()
    for c in cols:
        x = lv[c].dropna()
        dd.add_trace(
            go.Scatter(x=x.index, y=x / x.cummax() - 1, name=c.removeprefix("bench_"), mode="lines")
        )
    dd.update_layout(title=L("drawdown"), yaxis_tickformat=".0%", height=320, margin={"t": 40})
    charts.append(_fig_html(dd))
    out.append(charts[-1])
    rows = []
    bench_r = metrics.returns_from_levels(lv["bench_QQQ"].dropna()) if "bench_QQQ" in lv else None
    for c in cols:
        r = metrics.returns_from_levels(lv[c].dropna())
        rows.append(
            {
                L("series"): c.removeprefix("bench_"),
                L("total_return"): _pct(
                    float(lv[c].dropna().iloc[-1] / lv[c].dropna().iloc[0] - 1)
                ),
                L("annual_return"): _pct(metrics.annual_return(r)),
                L("annual_volatility"): _pct(metrics.annual_volatility(r)),
                L("sharpe_ratio"): f"{metrics.sharpe_ratio(r):.2f}",
                L("max_drawdown"): _pct(metrics.max_drawdown(r)),
                "Sortino": f"{metrics.sortino_ratio(r):.2f}",
                "Calmar": f"{metrics.calmar_ratio(r):.2f}",
                "β (QQQ)": "–" if bench_r is None else f"{metrics.beta(r, bench_r):.2f}",
                "up/down capture (QQQ)": "–"
                if bench_r is None
                else f"{metrics.up_capture(r, bench_r):.2f} / "
                f"{metrics.down_capture(r, bench_r):.2f}",
            }
        )
    out.append(f"<h3>{L('metrics')}</h3>" + _table(pd.DataFrame(rows)))
    yearly = lv[cols].resample("YE").last()
    first = lv[cols].iloc[0]
    yr = pd.concat([first.to_frame().T, yearly]).pct_change().iloc[1:]
    yr.index = yr.index.year
    yfig = go.Figure(
        [go.Bar(x=yr.index.astype(str), y=yr[c], name=c.removeprefix("bench_")) for c in cols]
    )
    yfig.update_layout(
        title=L("yearly"), yaxis_tickformat=".0%", barmode="group", height=340, margin={"t": 40}
    )
    charts.append(_fig_html(yfig))
    out.append(charts[-1])
    ytab = yr.map(lambda v: _pct(v)).reset_index(names=L("year"))
    ytab.columns = [L("year"), *[c.removeprefix("bench_") for c in cols]]
    out.append(_table(ytab))
    from aiinfra.backtest import attribution

    att = attribution(bt, by="category", period="year")
    afig = go.Figure(
        [
            go.Bar(x=g["period"].astype(str), y=g["contribution"], name=str(cat))
            for cat, g in att.groupby("group")
        ]
    )
    afig.update_layout(
        title=L("attribution"),
        barmode="relative",
        yaxis_tickformat=".0%",
        height=340,
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


#: (series, entity, periods) shown on page one: the headline numbers of the seeds
KEY_BUILDOUT = (
    ("model_lab_arr", "openai", "all"),
    ("model_lab_arr", "anthropic", "all"),
    ("hyperscaler_capex", "big4", "year"),
    ("wfe_spend", "global", "year"),
    ("cowos_monthly", "tsmc", "all"),
    ("dc_capacity", "global", "all"),
)


def _amount(value: Any, low: Any, high: Any) -> str:
    def num(x: Any) -> str:
        x = float(x)
        return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.4g}"

    if pd.notna(value):
        return num(value)
    if pd.notna(low) and pd.notna(high):
        return f"{num(low)}–{num(high)}"
    if pd.notna(low):
        return f"≥ {num(low)}"
    if pd.notna(high):
        return f"≤ {num(high)}"
    return "–"


def _key_buildout(ledger: Ledger, as_of: pd.Timestamp, lang: str) -> pd.DataFrame | None:
    """The latest reported value and the furthest outlook of a few headline series."""
    try:
        from aiinfra.buildout import series_summary
    except ImportError:
        return None
    frame = series_summary(ledger, as_of=as_of)
    rows = []
    for series, entity, periods in KEY_BUILDOUT:
        hit = frame[(frame["series"] == series) & (frame["entity"] == entity)]
        if periods != "all":
            hit = hit[hit["periods"] == periods]
        for rec in hit.head(1).to_dict(orient="records"):
            reported = _amount(rec["reported_value"], rec["reported_low"], rec["reported_high"])
            outlook = _amount(rec["outlook_value"], rec["outlook_low"], rec["outlook_high"])
            rows.append(
                {
                    label("series", lang): f"{series.replace('_', ' ')}: {entity}",
                    "unit": rec["unit"],
                    "reported": "–"
                    if reported == "–"
                    else f"{reported} ({rec['reported_period']}, "
                    f"{label(str(rec['reported_kind']), lang)})",
                    "outlook": "–"
                    if outlook == "–"
                    else f"{outlook} ({rec['outlook_period']}, "
                    f"{label(str(rec['outlook_kind']), lang)})",
                }
            )
    return pd.DataFrame(rows) if rows else None


def _buildout_html(
    ledger: Ledger, as_of: pd.Timestamp, lang: str, charts: list[str], sources: set[tuple[str, str]]
) -> str:
    try:
        from aiinfra.buildout import buildout_series, list_series
    except ImportError:
        return ""
    import plotly.graph_objects as go

    L = lambda k: label(k, lang)  # noqa: E731
    out = []
    symbols = {
        "actual": "circle",
        "guidance": "diamond",
        "estimate": "square",
        "forecast": "triangle-up",
    }
    for name in list_series():
        pts = buildout_series(ledger, name, as_of=as_of)
        pts = pts[pts["date"].notna()] if "date" in pts else pts
        if pts.empty:
            continue
        fig = go.Figure()
        for (entity, kind), g in pts.groupby(["entity", "kind"]):
            g = g.sort_values("date")
            tag = f"{entity} ({L(kind)})"
            hover = "%{x|%Y-%m}: %{y}<br>%{text}<extra></extra>"
            point = g[g["value"].notna()]
            if not point.empty:  # point values; actuals joined by a line
                fig.add_trace(
                    go.Scatter(
                        x=point["date"],
                        y=point["value"],
                        name=tag,
                        text=point["source"],
                        mode="markers+lines" if kind == "actual" else "markers",
                        marker={"symbol": symbols.get(str(kind), "circle"), "size": 9},
                        hovertemplate=hover,
                    )
                )
            both = g[g["value"].isna() & g["low"].notna() & g["high"].notna()]
            if not both.empty:  # a range is drawn as a bar from low to high, never a midpoint
                fig.add_trace(
                    go.Scatter(
                        x=both["date"],
                        y=both["low"],
                        name=f"{tag}, range",
                        text=both["source"],
                        mode="markers",
                        marker={"symbol": "line-ew-open", "size": 12},
                        error_y={
                            "type": "data",
                            "symmetric": False,
                            "array": (both["high"] - both["low"]).tolist(),
                            "arrayminus": [0] * len(both),
                        },
                        hovertemplate="%{x|%Y-%m}: %{y} to %{customdata}<br>%{text}<extra></extra>",
                        customdata=both["high"],
                    )
                )
            low = g[g["value"].isna() & g["low"].notna() & g["high"].isna()]
            high = g[g["value"].isna() & g["low"].isna() & g["high"].notna()]
            for part, col, symbol, word in (
                (low, "low", "triangle-up-open", "at least"),
                (high, "high", "triangle-down-open", "at most"),
            ):
                if not part.empty:  # a bound sits at the bound, marked as one
                    fig.add_trace(
                        go.Scatter(
                            x=part["date"],
                            y=part[col],
                            name=f"{tag}, {word}",
                            text=part["source"],
                            mode="markers",
                            marker={"symbol": symbol, "size": 10},
                            hovertemplate=hover,
                        )
                    )
        fig.update_layout(title=name.replace("_", " "), height=360, margin={"t": 40})
        charts.append(_fig_html(fig))
        out.append(charts[-1])
        for src in pts["source"].dropna().unique():
            sources.add((L("ledger_source"), f"figures.csv ({name}): {src}"))
    return "".join(out)


def write_report(result: ReportResult, out: str | os.PathLike[str]) -> Path:
    """Write to a temporary file beside ``out`` and rename: never a partial report."""
    target = Path(out).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(result.html)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; a report is an ordinary file
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


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
