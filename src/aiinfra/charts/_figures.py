"""Plotly figures shared by the HTML report and the web dashboard (presentation only).

Each builder takes results the library computed (a review's selection, a backtest's levels, a
gap result, build-out points) and returns a ``plotly.graph_objects.Figure``; nothing here
computes an analysis figure.

Plotly renders a subset of HTML in every text it draws (trace names, hover texts, labels, titles,
tick labels, annotations): ``<br>``, ``<b>``, ``<a href>``, ``<span style>``… Text from the
ledger, an overlay or a user is data, so it goes through :func:`esc` before it is joined with
any markup; only the markup this module writes itself (``<br>``) stays markup.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from aiinfra.charts._labels import (
    CATEGORY_NAMES,
    ENTITY_NAMES,
    MEASURE_NAMES,
    SERIES_NAMES,
    UNIT_NAMES,
    label,
    number,
)
from aiinfra.config import Lang

__all__ = [
    "buildout_figure",
    "esc",
    "gap_figure",
    "levels_figure",
    "mc_histogram_figure",
    "source_label",
    "tornado_figure",
    "treemap_figure",
]

#: points of a period are drawn at its middle (a year's figure sits mid-year)
_OFFSET = {"year": 182, "quarter": 45, "half": 91, "month": 15}
_SYMBOLS = {
    "actual": "circle",
    "guidance": "diamond",
    "estimate": "square",
    "forecast": "triangle-up",
}


def esc(value: object) -> str:
    """``value`` as literal text in a plotly label: ``&``, ``<`` and ``>`` as entities.

    Plotly decodes ``&amp;``, ``&lt;`` and ``&gt;`` (and numeric entities) only in the text
    between tags, so escaped text is shown as typed and never becomes a tag. Quotes are left as
    they are: plotly does not decode ``&quot;``, and without ``<`` no attribute can be opened.
    ``None`` and NaN become an en dash.

    >>> esc('<img src=x onerror="alert(1)"> & co')
    '&lt;img src=x onerror="alert(1)"&gt; &amp; co'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return html.escape(str(value), quote=False)


def treemap_figure(sel: pd.DataFrame, lang: Lang, height: int = 480) -> Any:
    """Constituents by category: ``sel`` has ``id``, ``name``, ``category``, ``weight``."""
    import plotly.graph_objects as go

    cats = sel.groupby("category")["weight"].sum().sort_index()
    cat_label = {c: f"{c} {CATEGORY_NAMES[c][lang]}" for c in cats.index}
    fig = go.Figure(
        go.Treemap(
            labels=[cat_label[c] for c in cats.index] + [esc(n) for n in sel["name"]],
            ids=list(cats.index) + list(sel["id"]),
            parents=[""] * len(cats) + list(sel["category"]),
            values=list(cats.values) + list(sel["weight"]),
            branchvalues="total",
            hovertemplate="%{label}: %{value:.2%}<extra></extra>",
        )
    )
    fig.update_layout(
        title=label("composition", lang), margin={"t": 40, "l": 0, "r": 0, "b": 0}, height=height
    )
    return fig


def levels_figure(
    levels: pd.DataFrame,
    lang: Lang,
    extra: dict[str, pd.Series] | None = None,
    dashed: dict[str, pd.Series] | None = None,
) -> Any:
    """GTR and the ``bench_*`` columns on a log scale; ``extra`` adds named series drawn dotted
    (e.g. the default methodology's GTR next to a variant's), ``dashed`` named series drawn
    dashed (the static-score comparison of a point-in-time backtest)."""
    import plotly.graph_objects as go

    cols = ["GTR", *[c for c in levels.columns if c.startswith("bench_")]]
    fig = go.Figure(
        [
            go.Scatter(
                x=levels.index, y=levels[c], name=esc(c.removeprefix("bench_")), mode="lines"
            )
            for c in cols
        ]
    )
    for name, s in (extra or {}).items():
        fig.add_trace(
            go.Scatter(x=s.index, y=s, name=esc(name), mode="lines", line={"dash": "dot"})
        )
    for name, s in (dashed or {}).items():
        fig.add_trace(
            go.Scatter(x=s.index, y=s, name=esc(name), mode="lines", line={"dash": "dash"})
        )
    fig.update_layout(
        title=label("levels_log", lang), yaxis_type="log", height=420, margin={"t": 40}
    )
    return fig


def gap_figure(result: Any, lang: Lang) -> Any:
    """Required revenue and AI revenue per year with their bands (log scale), the published
    estimates, and the forecasts of other definitions than the AI-revenue series' as a
    reference of their own (:func:`_gap_references`).

    Every trace carries a name: a line's band is a filled area with no markers (plotly would
    draw markers on a trace of fewer than 20 points unless told otherwise), named as its line
    and toggled with it; a year without a value has no point. A series with a single year (AI
    revenue that stops at its only reported year) is a labelled marker with its band as an
    error bar: a band of one year has no area.

    With a single year there is no line to read off an axis: each series is a marker that
    carries its value (and its band) as text, the x axis is that one year (one tick) and the
    bands are error bars on the marker."""
    import plotly.graph_objects as go

    t = result.years
    if len(t.index) == 1:
        return _gap_one_year(t, lang)
    fig = go.Figure()
    for col, name, color in (
        ("required", label("required", lang), "rgba(200,60,60,"),
        ("revenue", label("ai_revenue", lang), "rgba(40,110,190,"),
    ):
        ok = t[col].notna()
        x = [int(y) for y in t.index[ok]]
        if len(x) == 1:
            fig.add_trace(_gap_point(t.loc[t.index[ok][0]], x[0], col, name, color + "1)", lang))
            continue
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=list(t.loc[ok, f"{col}_high"]) + list(t.loc[ok, f"{col}_low"])[::-1],
                mode="lines",
                fill="toself",
                fillcolor=color + "0.15)",
                line={"width": 0},
                hoverinfo="skip",
                name=f"{name}: {label('gap_band', lang)}",
                legendgroup=col,
                showlegend=False,
                meta={"band": col},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=list(t.loc[ok, col]),
                mode="lines+markers",
                name=name,
                legendgroup=col,
                line={"color": color + "1)"},
            )
        )
    pub = t["published_required"].dropna()
    if len(pub):
        fig.add_trace(
            go.Scatter(
                x=[int(y) for y in pub.index],
                y=list(pub),
                mode="markers",
                marker={"symbol": "diamond", "size": 10, "color": "black"},
                name=label("published", lang),
            )
        )
    _gap_references(fig, result, lang)
    fig.update_layout(
        title=label("gap_chart", lang),
        yaxis={"type": "log", "title": _unit("USD bn", lang)},
        height=420,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
    )
    return fig


def _gap_point(row: pd.Series, year: int, col: str, name: str, color: str, lang: Lang) -> Any:
    """A gap series that has one year in a chart of several: a marker labelled with its value
    and band, the band as an error bar."""
    import plotly.graph_objects as go

    v, lo, hi = (_finite(row[c]) for c in (col, f"{col}_low", f"{col}_high"))
    v = math.nan if v is None else v  # only years with a value are drawn
    band, err = "", None
    if lo is not None and hi is not None:
        band = f" ({number(lo, lang, 0)}–{number(hi, lang, 0)})"
        err = {"type": "data", "symmetric": False, "array": [hi - v], "arrayminus": [v - lo]}
    return go.Scatter(
        x=[year], y=[v], mode="markers+text", name=name, legendgroup=col,
        text=[number(v, lang, 0) + band], textposition="middle right",
        marker={"size": 10, "color": color}, error_y=err,
    )  # fmt: skip


#: a reference forecast's marker by its bound: a floor points up, a ceiling down
_BOUND_SYMBOL = {"at least": "triangle-up", "at most": "triangle-down", "": "diamond-open"}


def _gap_references(fig: Any, result: Any, lang: Lang) -> None:
    """The forecasts of other definitions than the AI-revenue series'
    (``result.revenue_series["reference"]``: the labs' ARR forecast, g017) on ``fig``: markers
    of their own, one trace per definition, never joined to the series' line (a reference,
    not a revenue point; issue 18), each named by its definition; a bound ("at least") is the
    marker's shape, in its hover text and written beside it."""
    import plotly.graph_objects as go

    years = {int(y) for y in result.years.index}
    refs = [
        x
        for x in (getattr(result, "revenue_series", None) or {}).get("reference", [])
        if _finite(x.get("value")) is not None and int(x["year"]) in years
    ]
    by_def: dict[str, list[dict[str, Any]]] = {}
    for x in refs:
        by_def.setdefault(str(x["definition"]), []).append(x)
    for definition, rows in by_def.items():
        labs = any(str(x.get("metric", "")).startswith("arr_usd_bn of ") for x in rows)
        name = (
            label("gap_ref_labs", lang)
            if labs
            else label("gap_ref_other", lang).format(definition=esc(definition))
        )
        texts = [_bound_text(x, lang) for x in rows]
        symbols = [_BOUND_SYMBOL.get(str(x.get("bound") or ""), "diamond-open") for x in rows]
        fig.add_trace(
            go.Scatter(
                x=[int(x["year"]) for x in rows],
                y=[float(x["value"]) for x in rows],
                mode="markers",
                name=name,
                marker={"symbol": symbols, "size": 12, "color": "rgba(110,60,170,1)"},
                hovertext=[
                    f"{name}<br>{x['year']}: {text} {_unit('USD bn', lang)} "
                    f"({esc(x.get('source', ''))})"
                    for x, text in zip(rows, texts, strict=True)
                ],
                hoverinfo="text",
                meta={"reference": True, "definition": definition},
            )
        )
        for x, text in zip(rows, texts, strict=True):  # the bound stays readable on paper
            if float(x["value"]) <= 0:  # not on a log axis
                continue
            fig.add_annotation(
                x=int(x["year"]), y=math.log10(float(x["value"])), text=text, showarrow=False,
                xanchor="right", xshift=-10, font={"color": "rgba(110,60,170,1)"},
                name="reference",
            )  # fmt: skip


def _bound_text(x: Mapping[str, Any], lang: Lang) -> str:
    """A reference forecast's value with its bound ("at least 300")."""
    bound = str(x.get("bound") or "")
    value = number(float(x["value"]), lang, 0)
    return f"{label('gap_bound:' + bound, lang)} {value}" if bound else value


def _finite(x: Any) -> float | None:
    """``x`` as a float, None when missing or not finite."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _gap_one_year(t: pd.DataFrame, lang: Lang) -> Any:
    """:func:`gap_figure` for one year: labelled markers with their bands as error bars."""
    import plotly.graph_objects as go

    year = t.index[0]
    fig = go.Figure()
    for col, name, color in (
        ("required", label("required", lang), "rgb(200,60,60)"),
        ("revenue", label("ai_revenue", lang), "rgb(40,110,190)"),
    ):
        v, lo, hi = (_finite(t[c].iloc[0]) for c in (col, f"{col}_low", f"{col}_high"))
        if v is None:
            continue
        band = "" if lo is None or hi is None else (
            f" ({number(lo, lang, 0)}–{number(hi, lang, 0)})"
        )  # fmt: skip
        err = (
            {"type": "data", "symmetric": False, "array": [hi - v], "arrayminus": [v - lo]}
            if lo is not None and hi is not None else None
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=[str(year)], y=[v], mode="markers+text", name=name,
                text=[number(v, lang, 0) + band], textposition="middle right",
                marker={"size": 12, "color": color}, error_y=err,
            )
        )  # fmt: skip
    fig.update_layout(
        title=label("gap_chart", lang),
        xaxis={"type": "category", "tickvals": [str(year)], "ticktext": [str(year)]},
        yaxis={"type": "log", "title": _unit("USD bn", lang)},
        height=420,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        showlegend=True,
    )
    return fig


def tornado_figure(result: Any, lang: Lang) -> Any:
    """One-at-a-time sensitivity of the gap in ``result.year``."""
    import plotly.graph_objects as go

    tor = result.tornado
    gap = result.row()["gap"]
    base = math.nan if gap is None else float(gap)  # no revenue that year: nothing to draw
    fig = go.Figure()
    for end, color in (
        ("gap_at_low", "rgba(40,110,190,0.8)"),
        ("gap_at_high", "rgba(200,60,60,0.8)"),
    ):
        fig.add_trace(
            go.Bar(
                y=[esc(p) for p in tor["parameter"]],
                x=[math.nan if v is None else v - base for v in tor[end]],
                base=base,
                orientation="h",
                marker={"color": color},
                name=label("at_low", lang) if end == "gap_at_low" else label("at_high", lang),
            )
        )
    fig.update_layout(
        barmode="overlay",
        title=label("tornado", lang).format(year=result.year),
        xaxis={"title": _unit("USD bn", lang)},
        yaxis={"autorange": "reversed"},
        height=320,
        margin={"l": 120, "r": 20, "t": 50, "b": 40},
    )
    return fig


def mc_histogram_figure(mc: Any, year: int, lang: Lang, bins: int = 80) -> Any:
    """The Monte Carlo distribution of the gap in ``year``, with its 5/50/95 % quantiles."""
    import plotly.graph_objects as go

    h = mc.histogram(year, bins=bins)
    fig = go.Figure(
        go.Bar(
            x=(h["left"] + h["right"]) / 2,
            y=h["count"] / max(int(h["count"].sum()), 1),
            width=(h["right"] - h["left"]),
            marker={"color": "rgba(200,60,60,0.6)"},
            name=label("gap", lang),
            hovertemplate="%{x:,.0f}: %{y:.2%}<extra></extra>",
        )
    )
    row = mc.summary.loc[year]
    for q in ("gap_p5", "gap_p50", "gap_p95"):
        fig.add_vline(
            x=float(row[q]), line_dash="dot", annotation_text=q.removeprefix("gap_").upper()
        )
    fig.update_layout(
        title=label("mc_title", lang).format(year=year, n=number(mc.samples, lang, 0)),
        xaxis={"title": _unit("USD bn", lang)},
        yaxis={"title": label("share_of_samples", lang), "tickformat": ".1%"},
        height=360,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        bargap=0,
    )
    return fig


def buildout_figure(
    pts: pd.DataFrame,
    name: str,
    lang: Lang,
    names: Mapping[str, str] | None = None,
    *,
    by_source: bool = False,
    title: str | None = None,
) -> Any:
    """One build-out series: a trace per entity, measure, period type and kind (never mixed);
    actuals joined by lines, guidance/estimates/forecasts as markers of their own shape, ranges
    as bars, conflicting figures ringed. Traces are named in words: the entity by ``names``
    (entity id → name; default the group names of :data:`ENTITY_NAMES`, else the id) and the
    measure by :data:`MEASURE_NAMES` ("OpenAI · annualised revenue (ARR) · estimate"). Every
    ledger text in a label or hover text is escaped (:func:`esc`).

    ``by_source`` also splits the traces by source (:func:`source_label`: a seed article by
    its title, a web address by its host), each named in the legend and drawn with a dash and
    marker edge of its own, so figures from different sources are never joined by one line.
    ``title`` replaces the series' name in words (:data:`SERIES_NAMES`) as the title.

    A chart whose points all sit on one period (one observation, or several figures for the
    same period) has no line to read off an axis: each marker carries its value as text, the
    x axis spans only that period (one tick, the period's name) and the y axis starts at 0."""
    import plotly.graph_objects as go

    pts = _placed_points(pts[pts["date"].notna()], lang)
    one_period = pts["x"].nunique() == 1  # a single-point chart: values written beside markers
    pts = pts.assign(source_label=[source_label(x, lang) for x in pts["source"]])
    keys = ["entity", "measure", "period_type", "kind"] + (["source_label"] if by_source else [])
    dashes: dict[str, int] = {}
    fig = go.Figure()
    for key, g in pts.groupby(keys, sort=True):
        entity, measure, ptype, kind = key[:4]
        quarterly = f" ({label('quarterly', lang)})" if ptype == "quarter" else ""
        who = (names or {}).get(str(entity)) or ENTITY_NAMES.get(str(entity), {}).get(lang)
        what = MEASURE_NAMES.get(str(measure), {}).get(lang) or str(measure).replace("_", " ")
        kind_text = label(str(kind), lang) if str(kind) in _SYMBOLS else str(kind)
        tag = f"{esc(who or entity)} · {esc(what)}{quarterly} · {esc(kind_text)}"
        if by_source:
            tag += f" · {esc(key[4])}"
            k = dashes.setdefault(str(key[4]), len(dashes))
        for trace in _group_traces(g.sort_values("x"), str(kind), tag, lang):
            if by_source:
                trace.line.dash = _DASHES[k % len(_DASHES)]
                trace.marker.opacity = 1.0 - 0.12 * (k % 4)
            if one_period:
                _label_values(trace, g, lang)
            fig.add_trace(trace)
    layout = _buildout_layout(pts, name, lang)
    layout["title"] = esc(title or SERIES_NAMES.get(name, {}).get(lang) or name.replace("_", " "))
    if by_source:  # the legend names each source: below the plot, a line per trace
        layout["showlegend"] = True
        layout["legend"] = {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0}
        layout["height"] = int(layout.get("height", 380)) + 20 * len(fig.data)
    fig.update_layout(**layout)
    return fig


#: the line dashes that tell sources apart in a build-out chart (:func:`buildout_figure`)
_DASHES = ("solid", "dot", "dash", "longdash", "dashdot", "longdashdot")


def source_label(source: object, lang: Lang) -> str:
    """A short name for a figure's ``source`` cell in a legend: a seed article by its number
    and title cut at 32 characters (``seed 003 “Der KI-Kreislauf”``), a web address by its host
    (``newzino.com``), other text as written (cut at 40 characters); several sources joined by
    `` + ``. Plain text: escape it where it reaches markup.

    >>> source_label("https://www.newzino.com/story/x | 003_fc8085e7628fbeab.txt", "en")
    'newzino.com + seed 003 “Der KI-Kreislauf”'
    """
    from urllib.parse import urlsplit

    from aiinfra.ledger import source_parts

    out = []
    for p in source_parts(source):
        if p.kind == "url":
            host = urlsplit(p.url).hostname or p.url
            out.append(host.removeprefix("www."))
        elif p.kind == "seed":
            head, _, title = p.text.partition(" “")
            title = title.rstrip("”")
            short = title if len(title) <= 32 else title[:31].rstrip() + "…"
            word = head if lang == "en" else head.replace("seed", label("seed_word", lang), 1)
            out.append(f"{word} “{short}”")
        else:
            out.append(p.text if len(p.text) <= 40 else p.text[:39] + "…")
    return " + ".join(dict.fromkeys(out)) or "–"


def _label_values(trace: Any, g: pd.DataFrame, lang: Lang = "en") -> None:
    """Write the value beside the marker(s) of ``trace`` (a single-period chart): the figure,
    the range "low – high", or the bound; the unit of the group after it (escaped)."""
    units = sorted({_unit(str(u), lang) for u in g["unit"].dropna()})
    unit = f" {esc(units[0])}" if len(units) == 1 else ""
    symbol = str(trace.marker.symbol or "")
    if trace.customdata is not None:  # a range: low is y, high the custom data
        template = "%{y:,} – %{customdata:,}"
    elif symbol == "triangle-up-open":
        template = "≥ %{y:,}"
    elif symbol == "triangle-down-open":
        template = "≤ %{y:,}"
    else:
        template = "%{y:,}"
    trace.mode = f"{trace.mode}+text"
    trace.texttemplate = template + unit
    trace.textposition = "middle right"


def _placed_points(pts: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """``pts`` with ``x`` (the date a point is drawn at: mid-period) and ``hover`` (period,
    kind, figure id, conflict and source, escaped)."""

    def kind_text(k: object) -> object:
        return label(str(k), lang) if str(k) in _SYMBOLS else k

    conflict = f" · {label('conflict_word', lang)}"

    return pts.assign(
        x=[
            d - pd.Timedelta(days=_OFFSET.get(str(t), 0))
            for d, t in zip(pts["date"], pts["period_type"], strict=True)
        ],
        hover=[
            f"{esc(p)} · {esc(kind_text(k))} · {esc(i)}{conflict if c else ''}<br>{esc(s)}"
            for p, k, i, c, s in zip(
                pts["period"],
                pts["kind"],
                pts["figure_id"],
                pts["conflict"],
                pts["source"],
                strict=True,
            )
        ],
    )


def _group_traces(g: pd.DataFrame, kind: str, tag: str, lang: Lang) -> list[Any]:
    """The traces of one (entity, measure, period type, kind) group: the points with a value,
    the ranges (low and high), and the one-sided bounds (at least / at most)."""
    import plotly.graph_objects as go

    out: list[Any] = []
    point = g[g["value"].notna()]
    if not point.empty:
        out.append(
            go.Scatter(
                x=point["x"],
                y=point["value"],
                name=tag,
                text=point["hover"],
                mode="markers+lines" if kind == "actual" else "markers",
                marker={
                    "symbol": _SYMBOLS.get(kind, "circle"),
                    "size": 9,
                    "line": {
                        "width": [2 if c else 0 for c in point["conflict"]],
                        "color": "#c00",
                    },
                },
                hovertemplate="%{y}<br>%{text}<extra></extra>",
            )
        )
    both = g[g["value"].isna() & g["low"].notna() & g["high"].notna()]
    if not both.empty:
        out.append(
            go.Scatter(
                x=both["x"],
                y=both["low"],
                name=f"{tag}, {label('range', lang)}",
                text=both["hover"],
                mode="markers",
                marker={"symbol": "line-ew-open", "size": 12},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (both["high"] - both["low"]).tolist(),
                    "arrayminus": [0] * len(both),
                },
                customdata=both["high"],
                hovertemplate="%{y} – %{customdata}<br>%{text}<extra></extra>",
            )
        )
    for part, col, symbol, word in (
        (
            g[g["value"].isna() & g["low"].notna() & g["high"].isna()],
            "low",
            "triangle-up-open",
            label("at_least", lang),
        ),
        (
            g[g["value"].isna() & g["low"].isna() & g["high"].notna()],
            "high",
            "triangle-down-open",
            label("at_most", lang),
        ),
    ):
        if not part.empty:
            out.append(
                go.Scatter(
                    x=part["x"],
                    y=part[col],
                    name=f"{tag}, {word}",
                    text=part["hover"],
                    mode="markers",
                    marker={"symbol": symbol, "size": 10},
                    hovertemplate="%{y}<br>%{text}<extra></extra>",
                )
            )
    return out


def _unit(unit: str, lang: Lang) -> str:
    """A unit in the reader's language (:data:`UNIT_NAMES`; as written when it has none)."""
    return UNIT_NAMES.get(unit, {}).get(lang) or unit


def _buildout_layout(pts: pd.DataFrame, name: str, lang: Lang = "en") -> dict[str, Any]:
    """Title, units on the y axis; on a single-period chart the x axis limited to that period
    (not a year of empty axis, nor milliseconds) and the y axis from 0."""
    units = sorted({_unit(str(u), lang) for u in pts["unit"].dropna()})
    layout: dict[str, Any] = {
        "title": esc(name.replace("_", " ")),
        "height": 380,
        "margin": {"t": 40},
        "yaxis_title": esc(" / ".join(units)),
        "xaxis": {"type": "date"},
    }
    if pts["x"].nunique() == 1:  # one period: the axis spans it, one tick named by it
        only = pts["x"].iloc[0]
        half = max(_OFFSET.get(str(t), 0) for t in pts["period_type"]) or 15
        layout["xaxis"] = {
            "type": "date",
            "range": [only - pd.Timedelta(days=half), only + pd.Timedelta(days=half)],
            "tickvals": [only],
            "ticktext": [esc(" / ".join(dict.fromkeys(str(p) for p in pts["period"])))],
        }
        layout["yaxis"] = {"title": layout.pop("yaxis_title"), "rangemode": "tozero"}
        layout["showlegend"] = True  # the entity's name, even for a lone trace
    return layout
