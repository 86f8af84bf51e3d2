"""Several strategies side by side, as the report and the dashboard show them: the comparison
table, the monthly returns table, the levels chart and the rolling one-year charts of a
:class:`~aiinfra.backtest.StrategyComparison` (presentation only: every figure comes from it).

The display tables come in two forms with the same header and rows: for reading (numbers
formatted by the caller's ``pct`` / ``num``) and for the CSV download (the unrounded numbers,
fractions: ``0.123`` is 12.3 %).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from aiinfra.backtest import RollingStat, StrategyComparison
from aiinfra.charts._figures import esc
from aiinfra.charts._labels import label
from aiinfra.config import Lang

__all__ = [
    "monthly_table",
    "rolling_figure",
    "strategies_levels_figure",
    "strategies_table",
]

Formatter = Callable[[Any], str]
#: the figures of the comparison table, with how each is shown (``pct`` or ``num``)
_FIGURES = (
    ("total_return", "pct"),
    ("annual_return", "pct"),
    ("annual_volatility", "pct"),
    ("sharpe_ratio", "num"),
    ("max_drawdown", "pct"),
)


def _raw(x: Any) -> Any:
    """A figure for the CSV: the float, or None (an empty cell) when undefined."""
    return None if x is None or not np.isfinite(float(x)) else float(x)


def strategies_table(
    cmp: StrategyComparison, lang: Lang, pct: Formatter | None = None, num: Formatter | None = None
) -> pd.DataFrame:
    """A row per strategy and per benchmark: name, kind, methodology, point in time, total and
    annual return, volatility, Sharpe ratio, maximum drawdown and beta against the reference
    benchmark (:meth:`StrategyComparison.summary`), with the headers in ``lang``.

    With ``pct`` and ``num`` the figures are formatted by them (for reading); without, they are
    the unrounded floats (for the CSV).
    """

    def L(k: str) -> str:
        return label(k, lang)

    s = cmp.summary()
    ref = cmp.reference or "–"
    beta_col = L("beta_vs").format(ref=ref)
    rows = []
    for rec in s.to_dict(orient="records"):
        pit = rec["point_in_time"]
        row: dict[str, Any] = {
            L("series"): rec["series"],
            L("kind"): L(rec["kind"]),
            L("methodology"): rec["methodology"] or "–",
            L("point_in_time_col"): "–" if pit is None else L("yes") if pit else L("no"),
        }
        for key, kind in _FIGURES:
            fmt = pct if kind == "pct" else num
            row[L(key)] = fmt(rec[key]) if fmt is not None else _raw(rec[key])
        row[beta_col] = num(rec["beta"]) if num is not None else _raw(rec["beta"])
        rows.append(row)
    return pd.DataFrame(rows)


def monthly_table(
    cmp: StrategyComparison, name: str, lang: Lang, pct: Formatter | None = None
) -> pd.DataFrame:
    """The monthly returns of ``name`` (:meth:`StrategyComparison.monthly_returns`): a row per
    year, a column per month (named in ``lang``) and the year's compounded return.

    With ``pct`` the returns are formatted by it (a month outside the window as an en dash);
    without, they are the unrounded fractions (an empty cell outside the window).
    """
    table = cmp.monthly_returns(name)
    months = label("month_names", lang).split()
    out = pd.DataFrame({label("year", lang): [str(y) for y in table.index]})
    for m in range(1, 13):
        col = table[m]
        out[months[m - 1]] = [pct(v) if pct is not None else _raw(v) for v in col]
    total = label("year", lang) + " Σ"
    out[total] = [pct(v) if pct is not None else _raw(v) for v in table["year"]]
    return out


#: plotly's default colours: a series keeps its colour in every chart of a comparison
_COLOURS = (
    "#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a",
    "#19d3f3", "#ff6692", "#b6e880", "#ff97ff", "#fecb52",
)  # fmt: skip


def _line(cmp: StrategyComparison, name: str) -> dict[str, Any]:
    """Strategies solid, benchmarks dotted; the colour of the series' place in the comparison."""
    i = cmp.series.index(name)
    dash = None if name in cmp.strategies else "dot"
    return {"dash": dash, "color": _COLOURS[i % len(_COLOURS)]}


def strategies_levels_figure(cmp: StrategyComparison, lang: Lang, height: int = 420) -> Any:
    """Every strategy (solid) and benchmark (dotted) on a log scale, base 1000 on the first
    common date."""
    import plotly.graph_objects as go

    lv = cmp.levels
    fig = go.Figure()
    for name in cmp.series:
        fig.add_trace(
            go.Scatter(x=lv.index, y=lv[name], name=esc(name), mode="lines", line=_line(cmp, name))
        )
    fig.update_layout(
        title=label("strategies_levels", lang), yaxis_type="log", height=height, margin={"t": 40}
    )
    return fig


#: per rolling statistic: its title label and the y-axis tick format
_ROLLING = {
    "return": ("rolling_return", ".0%"),
    "volatility": ("rolling_volatility", ".0%"),
    "sharpe": ("rolling_sharpe", ".1f"),
    "beta": ("rolling_beta", ".2f"),
}


def rolling_figure(cmp: StrategyComparison, stat: RollingStat, lang: Lang) -> Any:
    """One rolling one-year statistic (:meth:`StrategyComparison.rolling`) of every series:
    strategies solid, benchmarks dotted (beta: every series but the reference)."""
    import plotly.graph_objects as go

    frame = cmp.rolling(stat)
    key, tick = _ROLLING[stat]
    fig = go.Figure()
    for name in frame.columns:
        s = frame[name].dropna()
        fig.add_trace(
            go.Scatter(x=s.index, y=s, name=esc(name), mode="lines", line=_line(cmp, name))
        )
    title = label(key, lang).format(ref=esc(cmp.reference or "–"))
    fig.update_layout(title=title, yaxis_tickformat=tick, height=320, margin={"t": 40})
    return fig
