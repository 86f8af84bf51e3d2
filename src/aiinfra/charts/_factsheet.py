"""The factsheet's and tearsheet's figures, as the report shows them (presentation only: every
number comes from :mod:`aiinfra.metrics` or the backtest).

``note`` is the not-point-in-time label: a backtest that applied today's scores to earlier
dates carries it under the title of every figure (empty for a point-in-time backtest).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from aiinfra.charts._figures import esc
from aiinfra.charts._labels import label
from aiinfra.config import Lang

__all__ = [
    "constituents_figure",
    "monthly_heatmap_figure",
    "return_histogram_figure",
    "rolling_risk_figure",
]


def _title(text: str, note: str) -> dict[str, Any]:
    """A title with the not-point-in-time label under it (``note`` empty: none)."""
    return {"text": esc(text) + (f"<br><sup>{esc(note)}</sup>" if note else "")}


def _margin(note: str) -> dict[str, int]:
    return {"t": 70 if note else 40}


def constituents_figure(turnover: pd.DataFrame, lang: Lang, note: str = "") -> Any:
    """The number of securities (listing lines) held after each rebalance (``turnover`` of a
    backtest: columns ``effective`` and ``names``), as a step line; a single rebalance is one
    bar on a category axis (no time axis to read)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    x = pd.to_datetime(turnover["effective"])
    y = turnover["names"].astype(int)
    if len(turnover) == 1:
        fig.add_trace(go.Bar(x=[str(x.iloc[0].date())], y=y.tolist(), width=0.3))
        fig.update_xaxes(type="category")
    else:
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", line={"shape": "hv"}))
    fig.update_layout(
        title=_title(label("fs_count", lang), note),
        yaxis={"title": label("fs_lines", lang), "rangemode": "tozero"},
        height=300,
        margin=_margin(note),
        showlegend=False,
    )
    return fig


def rolling_risk_figure(
    sharpe: pd.Series,
    volatility: pd.Series,
    beta: pd.Series | None,
    ref: str | None,
    lang: Lang,
    note: str = "",
) -> Any:
    """Rolling Sharpe ratio, volatility and (with a benchmark) beta in stacked panels sharing
    the date axis (NaN of the first window left out)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    panels: list[tuple[str, pd.Series, str]] = [
        (label("fs_sharpe", lang), sharpe, ".1f"),
        (label("fs_vol", lang), volatility, ".0%"),
    ]
    if beta is not None and ref is not None:
        panels.append((label("fs_beta", lang).format(ref=ref), beta, ".2f"))
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=[esc(name) for name, _, _ in panels],
    )
    for i, (name, s, tick) in enumerate(panels, start=1):
        s = s.dropna()
        fig.add_trace(go.Scatter(x=s.index, y=s, name=esc(name), mode="lines"), row=i, col=1)
        fig.update_yaxes(tickformat=tick, row=i, col=1)
    fig.update_layout(
        title=_title(label("fs_rolling", lang), note),
        height=180 * len(panels) + 80,
        margin=_margin(note),
        showlegend=False,
    )
    return fig


def monthly_heatmap_figure(table: pd.DataFrame, lang: Lang, note: str = "") -> Any:
    """Monthly returns as a heatmap: a row per year, a column per month and one for the year
    (``table`` from :func:`aiinfra.metrics.monthly_returns_table`), in percent, red for losses
    and green for gains, centred on zero."""
    import plotly.graph_objects as go

    months = label("month_names", lang).split()
    cols = [*range(1, 13), "year"]
    z = 100 * table.reindex(columns=cols).to_numpy(dtype=float)
    text = [["" if np.isnan(v) else _pct_text(v, lang) for v in row] for row in z]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[*months, label("year", lang)],
            y=[str(y) for y in table.index],
            text=text,
            texttemplate="%{text}",
            colorscale="RdYlGn",
            zmid=0,
            hoverongaps=False,
            colorbar={"title": "%"},
        )
    )
    fig.update_layout(
        title=_title(label("fs_heatmap", lang), note),
        yaxis={"type": "category", "autorange": "reversed"},
        xaxis={"type": "category"},
        height=max(220, 60 + 34 * len(table)) + (30 if note else 0),
        margin=_margin(note),
    )
    return fig


def _pct_text(v: float, lang: Lang) -> str:
    text = f"{v:.1f}"
    return text.replace(".", ",") if lang == "de" else text


def return_histogram_figure(
    returns: pd.Series, var: dict[float, float], lang: Lang, note: str = ""
) -> Any:
    """A histogram of the daily returns with a dashed line at minus each value at risk
    (``var``: confidence → VaR as a positive loss)."""
    import plotly.graph_objects as go

    r = returns.dropna()
    fig = go.Figure(go.Histogram(x=r, nbinsx=80, name=label("fs_daily_return", lang)))
    for level, v in var.items():
        if np.isfinite(v):
            conf = f"{100 * level:.0f} %"
            fig.add_vline(x=-v, line_dash="dash", annotation_text=f"VaR {conf}")
    fig.update_layout(
        title=_title(label("fs_histogram", lang), note),
        xaxis={"title": label("fs_daily_return", lang), "tickformat": ".1%"},
        yaxis={"title": label("fs_days_count", lang)},
        height=320,
        margin=_margin(note),
        showlegend=False,
    )
    return fig
