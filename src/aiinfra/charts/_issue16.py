"""Figures and tables of issue 16 shared by the report and the dashboard: circularity over
time (:func:`history_figure`, :func:`history_table`), what changed (:func:`diff_tables`) and a
fund looked through (:func:`lookthrough_tables`).

Every cell is text in the reader's convention (:func:`aiinfra.charts.number`); ledger and file
text stays data (the report escapes it, the dashboard puts it in plain children).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from aiinfra.charts._figures import esc
from aiinfra.charts._labels import CATEGORY_NAMES, LABELS, label, number
from aiinfra.config import Lang

__all__ = [
    "DIFF_COLUMNS",
    "diff_tables",
    "history_figure",
    "history_table",
    "lookthrough_tables",
    "num_text",
    "pct_text",
]

#: the columns each part of a diff keeps in its compact table (the rest is in the CSV)
DIFF_COLUMNS: dict[str, list[str]] = {
    "deals": ["change", "flow_id", "payer", "payee", "type", "status_d1", "status_d2",
              "committed_d1", "committed_d2"],
    "cycles": ["change", "cycle", "length", "bottleneck_d1", "bottleneck_d2"],
    "index": ["name", "change", "weight_d1", "weight_d2", "difference"],
    "gap_stress": ["part", "item", "measure", "unit", "value_d1", "value_d2", "difference"],
}  # fmt: skip


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def pct_text(x: Any, lang: Lang, digits: int = 1) -> str:
    """``x`` (a fraction) as a percentage; None and NaN as an en dash.

    >>> pct_text(0.1234, "de")
    '12,3 %'
    """
    return "–" if _missing(x) else f"{number(100 * float(x), lang, digits)} %"


def num_text(x: Any, lang: Lang, digits: int = 1) -> str:
    """``x`` in the reader's convention; None and NaN as an en dash.

    >>> num_text(1151.4, "en")
    '1,151.4'
    """
    return "–" if _missing(x) else number(float(x), lang, digits)


def history_figure(frame: pd.DataFrame, lang: Lang, benchmark: str | None = None) -> Any:
    """The cycling index (left axis) and the cycle volume (right axis, USD bn) at every period
    end (a single period end: labelled markers and a labelled bar on a one-tick axis, no
    line); with the drawdown columns (``index_drawdown``, ``benchmark_drawdown``) a second panel
    with the drawdowns of the index and of ``benchmark`` (fractions ≤ 0, in percent)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    dd = "index_drawdown" in frame.columns and frame["index_drawdown"].notna().any()
    rows = 2 if dd else 1
    fig = make_subplots(
        rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.08,
        specs=[[{"secondary_y": True}]] + ([[{"secondary_y": False}]] if dd else []),
        row_heights=[0.6, 0.4] if dd else None,
    )  # fmt: skip
    x = [d.date().isoformat() for d in pd.DatetimeIndex(frame.index)]
    one = len(x) == 1  # one period end: labelled markers on a one-tick axis, not a line
    index_text = [num_text(v, lang, 4) for v in frame["cycling_index"]] if one else None
    volume_text = [num_text(v, lang, 1) for v in frame["cycle_volume"]] if one else None
    fig.add_trace(
        go.Scatter(x=x, y=frame["cycling_index"], name=label("hist_index", lang),
                   mode="markers+text" if one else "lines", text=index_text,
                   textposition="middle right", marker={"size": 12} if one else None),
        row=1, col=1, secondary_y=False,
    )  # fmt: skip
    fig.add_trace(
        go.Bar(x=x, y=frame["cycle_volume"], name=label("hist_volume", lang), opacity=0.35,
               text=volume_text, textposition="outside" if one else None),
        row=1, col=1, secondary_y=True,
    )  # fmt: skip
    fig.update_yaxes(title_text=label("hist_index", lang), row=1, col=1, secondary_y=False)
    fig.update_yaxes(title_text=label("hist_volume", lang), row=1, col=1, secondary_y=True)
    if dd:
        bench = label("hist_bench_dd", lang).format(ticker=esc(benchmark or ""))
        for col, name in (
            ("index_drawdown", label("hist_index_dd", lang)),
            ("benchmark_drawdown", bench),
        ):
            text = [pct_text(v, lang) for v in frame[col]] if one else None
            fig.add_trace(
                go.Scatter(x=x, y=100 * frame[col], name=name, mode="markers+text" if one else
                           "lines", text=text, textposition="middle right"),
                row=2, col=1,
            )  # fmt: skip
        fig.update_yaxes(title_text=f"{label('hist_drawdown', lang)} (%)", row=2, col=1)
    fig.update_layout(
        title=label("history", lang), height=560 if dd else 400, margin={"t": 50},
        legend={"orientation": "h", "y": -0.15},
    )  # fmt: skip
    if one:  # the one date as a category tick (no axis of empty months, no time of day)
        fig.update_xaxes(type="category", tickvals=x, ticktext=x)
        fig.update_yaxes(rangemode="tozero")
    return fig


def history_table(frame: pd.DataFrame, lang: Lang, benchmark: str | None = None) -> pd.DataFrame:
    """One row per period end: the date, the cycling index, the cycles, the cycle volume, the
    p-value (both, each named by its null model, when ``frame`` has ``p_value_role``) and,
    when the frame has them, the two drawdowns, as text."""
    out = pd.DataFrame(
        {
            label("hist_date", lang): [d.date().isoformat() for d in pd.DatetimeIndex(frame.index)],
            label("hist_index", lang): [num_text(v, lang, 4) for v in frame["cycling_index"]],
            label("hist_cycles", lang): [num_text(v, lang, 0) for v in frame["cycles"]],
            label("hist_volume", lang): [num_text(v, lang, 1) for v in frame["cycle_volume"]],
            label("hist_p", lang): [num_text(v, lang, 3) for v in frame["p_value"]],
        }
    )
    if "p_value_role" in frame.columns:  # both null models (the report): each p named
        out = out.rename(columns={label("hist_p", lang): label("hist_p_degree", lang)})
        out[label("hist_p_role", lang)] = [num_text(v, lang, 3) for v in frame["p_value_role"]]
    if "index_drawdown" in frame.columns:
        out[label("hist_index_dd", lang)] = [pct_text(v, lang) for v in frame["index_drawdown"]]
        out[label("hist_bench_dd", lang).format(ticker=benchmark or "")] = [
            pct_text(v, lang) for v in frame["benchmark_drawdown"]
        ]
    return out


def history_self_funded_table(frame: pd.DataFrame, top: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """One row per period end: the self-funded revenue share of each tracked company (the
    ``self_funded_<id>`` columns of ``frame``; ``top`` names them), in percent; empty when no
    company is tracked."""
    ids = [str(i) for i in top.index if f"self_funded_{i}" in frame.columns]
    out = pd.DataFrame(
        {label("hist_date", lang): [d.date().isoformat() for d in pd.DatetimeIndex(frame.index)]}
    )
    for i in ids:
        name = str(top.at[i, "name"]) if "name" in top.columns else i
        out[name] = [pct_text(v, lang) for v in frame[f"self_funded_{i}"]]
    return out if ids else out.iloc[0:0]


def _change(v: Any, lang: Lang) -> str:
    key = f"diff_{v}"
    return label(key, lang) if key in LABELS else str(v)


def diff_tables(
    frames: Mapping[str, pd.DataFrame],
    lang: Lang,
    *,
    names: Mapping[str, str] | None = None,
    dates: tuple[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The four parts of a diff (``deals``, ``cycles``, ``index``, ``gap_stress``) as compact
    text tables: the columns of :data:`DIFF_COLUMNS`, the change in the reader's language,
    amounts with one decimal and weights in percent.

    With ``names`` (company id → name; the report) the tables are in words: payer, payee and
    the companies of a cycle by name, deal types, statuses and measures in words, and the
    column headers in the reader's language with the two ``dates`` ("Status 2025-08-20")."""
    out: dict[str, pd.DataFrame] = {}
    words = names is not None
    for part, cols in DIFF_COLUMNS.items():
        f = frames[part]
        keep = [c for c in cols if c in f.columns]
        t = f[keep].copy().astype(object)
        for c in keep:
            if c == "change":
                t[c] = [_change(v, lang) for v in f[c]]
            elif part == "index" and c in ("weight_d1", "weight_d2", "difference"):
                t[c] = [pct_text(v, lang, 2) for v in f[c]]
            elif pd.api.types.is_numeric_dtype(f[c]) and c != "length":
                t[c] = [num_text(v, lang, 3 if part == "gap_stress" else 1) for v in f[c]]
            elif words and c in _WORD_COLUMNS:
                t[c] = [_diff_word(c, v, lang, names or {}) for v in f[c]]
            else:
                t[c] = ["–" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                        for v in f[c]]  # fmt: skip
        if words:
            t.columns = [_diff_header(c, lang, dates) for c in keep]
        out[part] = t.reset_index(drop=True)
    return out


#: the diff columns :func:`diff_tables` puts in words (with ``names``)
_WORD_COLUMNS = frozenset(
    {"payer", "payee", "type", "status_d1", "status_d2", "cycle", "part", "item", "measure", "unit"}
)


def _diff_word(column: str, value: Any, lang: Lang, names: Mapping[str, str]) -> str:
    """One cell of a diff table in words: a company by name, a cycle's companies by name, a
    deal type, status or measure by its label (as written when it has none)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = str(value)
    if column in ("payer", "payee"):
        return names.get(text, text)
    if column == "cycle":
        return " → ".join(names.get(p.strip(), p.strip()) for p in text.split("→"))
    prefix = {"type": "flow_type", "status_d1": "status", "status_d2": "status",
              "item": "scenario"}.get(column, column)  # fmt: skip
    key = f"{prefix}:{text}"
    return label(key, lang) if key in LABELS else text


def _diff_header(column: str, lang: Lang, dates: tuple[str, str] | None) -> str:
    """A diff column's header in the reader's language; ``_d1``/``_d2`` columns carry their
    date (or "then"/"now" without ``dates``)."""
    base, _, which = column.rpartition("_")
    if which in ("d1", "d2") and f"diff_col:{base}" in LABELS:
        when = (dates[0] if which == "d1" else dates[1]) if dates else label(f"diff_{which}", lang)
        return f"{label(f'diff_col:{base}', lang)} {when}"
    key = f"diff_col:{column}"
    return label(key, lang) if key in LABELS else column


def lookthrough_tables(result: Any, lang: Lang) -> dict[str, pd.DataFrame]:
    """A :class:`aiinfra.lookthrough.LookThrough` as text tables: ``summary`` (the headline
    measures; shares in percent), ``categories``, ``stress`` (built-in scenarios by name, a
    user's by its id) and ``unmapped`` (headers and reasons in the reader's language; file text
    kept as it is: the caller escapes it)."""
    s = result.summary()
    names = {
        "lines": label("lt_lines", lang),
        "covered_weight": label("lt_covered_weight", lang),
        "mapped_weight": label("lt_mapped_weight", lang),
        "not_in_ledger_weight": label("lt_not_in_ledger", lang),
        "weight_overlap": label("lt_weight_overlap", lang),
        "active_share": label("lt_active_share", lang),
        "weight_on_cycles": label("lt_weight_on_cycles", lang),
        "self_funded_share": label("lt_self_funded", lang),
    }
    names["weight_overlap_max"] = label("lt_overlap_max", lang)
    names["active_share_min"] = label("lt_active_share_min", lang)
    from aiinfra.charts._labels import TIER_NAMES

    def measure(m: str) -> str:  # stress_<scenario> and evidence_<tier> by name
        kind, _, what = m.partition("_")
        if kind == "stress" and what:
            key = f"scenario:{what}"
            return f"{label('lt_fund_impact', lang)}: {label(key, lang) if key in LABELS else what}"
        if kind == "evidence" and what:
            return f"{label('lt_evidence', lang)}: {TIER_NAMES.get(what, {}).get(lang, what)}"
        return names.get(m, m)

    rows = []
    for rec in s.itertuples(index=False):
        m = str(rec.measure)
        value = num_text(rec.value, lang, 0) if m == "lines" else pct_text(rec.value, lang, 2)
        rows.append({label("lt_measure", lang): measure(m), label("lt_value", lang): value})
    cats = result.categories
    # the two rows that are no index category (aiinfra.lookthrough's NOT_IN_LEDGER and
    # UNCATEGORISED) in words
    other = {"not_in_ledger": "lt_not_in_ledger", "uncategorised": "lt_uncategorised"}
    categories = pd.DataFrame(
        {
            label("category", lang): [
                f"{c} {CATEGORY_NAMES[c][lang]}"
                if c in CATEGORY_NAMES
                else label(other[c], lang)
                if c in other
                else str(c)
                for c in cats["category"]
            ],
            label("weight", lang): [pct_text(v, lang, 2) for v in cats["weight"]],
        }
    )
    st = result.stress
    stress = pd.DataFrame(
        {
            label("scenario", lang): [
                label(f"scenario:{v}", lang) if f"scenario:{v}" in LABELS else str(v)
                for v in st["scenario"]
            ],
            label("lt_fund_impact", lang): [pct_text(v, lang, 2) for v in st["fund_impact"]],
            label("lt_unresolved_weight", lang): [
                pct_text(v, lang, 2) for v in st["unresolved_weight"]
            ],
        }
    )
    um = result.unmapped
    # the reasons map_holdings gives for a line it cannot map, by the label that words them (a
    # reason with a list after its colon keeps the list); any other reason as written
    reasons = {
        "a cash, currency or derivative line": "lt_reason:cash",
        "no ledger company with this ticker or name": "lt_reason:none",
        "fits several ledger companies": "lt_reason:several",
    }

    def reason(text: str) -> str:
        head, colon, rest = text.partition(":")
        key = reasons.get(head.strip())
        return text if key is None else label(key, lang) + (f":{rest}" if colon else "")

    unmapped = pd.DataFrame(
        {
            label("ticker", lang): um["ticker"].astype(str),
            label("lt_line_name", lang): um["name"].astype(str),
            label("weight", lang): [pct_text(v, lang, 2) for v in um["weight"]],
            label("lt_reason", lang): [reason(str(v)) for v in um["reason"]],
        }
    )
    return {
        "summary": pd.DataFrame(rows),
        "categories": categories,
        "stress": stress,
        "unmapped": unmapped,
    }
