"""The report's strategy comparison (in the index section): with several strategies, one table
with a row per strategy and per benchmark and the levels of all of them; for every strategy its
monthly returns; the rolling one-year return, volatility, Sharpe ratio and beta."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from aiinfra.backtest import ROLLING_STATS, StrategyComparison
from aiinfra.charts import (
    label,
    monthly_table,
    rolling_figure,
    strategies_levels_figure,
    strategies_table,
)
from aiinfra.config import Lang

__all__ = ["strategies_html"]


def strategies_html(
    cmp: StrategyComparison,
    lang: Lang,
    fmt: Any,
    chart: Callable[[Any], str],
    table: Callable[..., str],
) -> str:
    """``<div id="strategies">``: the comparison (table and levels; only with more than one
    strategy, one strategy's are the backtest's own above), the monthly returns of every
    strategy and the rolling one-year charts (a note instead when the window has no more than
    :attr:`StrategyComparison.window` index dates).

    ``fmt`` formats numbers (``pct``, ``num``); ``chart`` renders a figure (and counts it);
    ``table`` is the report's table helper (every table gets its CSV link).
    """

    def L(k: str) -> str:
        return label(k, lang)

    out = ['<div id="strategies">']
    if len(cmp.strategies) > 1:
        out.append(f"<h3>{L('strategies')}</h3>")
        text = L("strategies_window").format(
            start=cmp.start.date(), end=cmp.end.date(), ref=cmp.reference or "–"
        )
        out.append(f'<p class="small">{html.escape(text)}</p>')
        shown = strategies_table(cmp, lang, fmt.pct, fmt.num)
        out.append(table(shown, "strategies", csv=strategies_table(cmp, lang)))
        out.append(chart(strategies_levels_figure(cmp, lang)))
    for i, name in enumerate(cmp.strategies):
        m = cmp.methodologies.get(name, "")
        head = L("monthly_returns").format(name=name + (f" ({m})" if m and m != name else ""))
        out.append(f'<h4 id="monthly-{i}">{html.escape(head)}</h4>')
        out.append(
            table(
                monthly_table(cmp, name, lang, fmt.pct),
                "monthly",
                csv=monthly_table(cmp, name, lang),
                name=f"monthly-{name}",
            )
        )
    out.append(f'<p class="small">{html.escape(L("monthly_note"))}</p>')
    out.append(f'<h3 id="rolling">{L("rolling")}</h3>')
    n = len(cmp.levels)
    if n <= cmp.window:
        note = L("rolling_short").format(window=cmp.window, n=n)
        out.append(f'<p class="notice">{html.escape(note)}</p>')
    else:
        note = L("rolling_note").format(window=cmp.window)
        out.append(f'<p class="small">{html.escape(note)}</p>')
        for stat in ROLLING_STATS:
            if stat == "beta" and cmp.reference is None:
                continue
            out.append(f'<div class="rolling" id="rolling-{stat}">')
            out.append(chart(rolling_figure(cmp, stat, lang)))
            out.append("</div>")
    out.append("</div>")
    return "".join(out)
