"""The report's factsheet (issue 18), a section after the index: base date and value, the
period returns as of the last index date, the last review's constituent count, top-10 weight
and country mix, the constituent count after each rebalance and the rebalance dates; then the
tearsheet basics: the five largest drawdowns, rolling one-year Sharpe ratio, volatility and
beta, a monthly-returns heatmap, one-day VaR and CVaR at 95 % and 99 % and the histogram of
daily returns. All numbers are those of the index's own backtest (gross total return, ``GTR``)
from :mod:`aiinfra.metrics`; a backtest that applied today's scores to earlier dates carries
the not-point-in-time label above the section and under every figure's title."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pandas as pd

from aiinfra import metrics
from aiinfra.charts import (
    constituents_figure,
    label,
    monthly_heatmap_figure,
    return_histogram_figure,
    rolling_risk_figure,
)
from aiinfra.config import Lang

__all__ = ["VAR_LEVELS", "WINDOW", "factsheet_html"]

#: trading days of the rolling window
WINDOW = 252
#: the confidence levels of the VaR table
VAR_LEVELS = (0.95, 0.99)


def _date(x: Any) -> str:
    return "–" if x is None or pd.isna(x) else str(pd.Timestamp(x).date())


def factsheet_html(
    ledger: Any,
    index: Any,
    lang: Lang,
    fmt: Any,
    fig_html: Callable[[Any], str],
    table: Callable[..., str],
    charts: list[str],
) -> str:
    """``<section id="factsheet">`` for ``index`` (an :class:`~aiinfra.backtest.IndexView`);
    "" without a backtest or with fewer than two index dates.

    ``fmt`` formats numbers (``pct``, ``num``); ``fig_html`` renders a figure (appended to
    ``charts``, which counts them); ``table`` is the report's table helper (every table gets
    its CSV link, the unrounded numbers as fractions).
    """
    bt = index.backtest
    review = index.review
    if bt is None or review is None or "GTR" not in bt.levels or bt.levels["GTR"].count() < 2:
        return ""

    def L(k: str) -> str:
        return label(k, lang)

    def chart(fig: Any) -> str:
        charts.append(fig_html(fig))
        return charts[-1]

    lv = bt.levels["GTR"].dropna()
    r = metrics.returns_from_levels(lv)
    note = "" if bt.point_in_time else L("not_pit")
    out = [f'<section id="factsheet"><h2>{L("factsheet")}</h2>']
    if note:
        out.append(f'<p class="label">{html.escape(note)}</p>')
    base = L("fs_base").format(date=lv.index[0].date(), value=fmt.num(lv.iloc[0], 2))
    out.append(f"<p>{html.escape(base)}</p>")
    # period returns
    pr = metrics.period_returns(lv)
    out.append(f"<h3>{html.escape(L('fs_periods').format(date=lv.index[-1].date()))}</h3>")
    names = [L(f"fs_{k}") for k in pr.index]
    shown = pd.DataFrame({L("fs_period"): names, L("fs_return"): [fmt.pct(v) for v in pr]})
    raw = pd.DataFrame({L("fs_period"): names, L("fs_return"): pr.to_numpy()})
    out.append(table(shown, "factsheet-periods", csv=raw))
    out.append(f'<p class="small">{html.escape(L("fs_periods_note"))}</p>')
    out.extend(_holdings_html(ledger, review, lang, fmt, table))
    # constituents over time and rebalance dates
    tv = bt.turnover
    if len(tv):
        out.append(chart(constituents_figure(tv, lang, note)))
        out.append(f"<h3>{L('fs_rebalances')}</h3>")
        reb = pd.DataFrame(
            {
                L("fs_review_col"): tv["review"].astype(str),
                L("fs_announce"): [_date(d) for d in tv["announce"]],
                L("fs_effective"): [_date(d) for d in tv["effective"]],
                L("fs_lines"): tv["names"].astype(int),
                L("fs_turnover"): [fmt.pct(v) for v in tv["turnover"]],
            }
        )
        out.append(table(reb, "factsheet-rebalances"))
    out.append(_tearsheet_html(bt, lv, r, lang, fmt, chart, table, note))
    out.append("</section>")
    return "".join(out)


def _holdings_html(
    ledger: Any, review: Any, lang: Lang, fmt: Any, table: Callable[..., str]
) -> list[str]:
    """The last review: constituent count, top-10 weight and country mix (by weight)."""

    def L(k: str) -> str:
        return label(k, lang)

    w = review.weights.astype(float).sort_values(ascending=False)
    w = w[w > 0]
    top10 = float(w.head(10).sum())
    text = L("fs_review").format(
        review=review.dates.review,
        date=review.dates.effective.date(),
        n=len(w),
        top10=fmt.pct(top10),
    )
    out = [f"<p>{html.escape(text)}</p>", f"<h3>{L('fs_country')}</h3>"]
    sel = review.selection()
    country = ledger.companies.set_index("id")["country"]
    frame = pd.DataFrame(
        {"country": sel["id"].map(country).fillna("–"), "weight": sel["weight"].astype(float)}
    )
    mix = (
        frame.groupby("country")
        .agg(weight=("weight", "sum"), n=("weight", "size"))
        .sort_values(["weight", "n"], ascending=False)
    )
    shown = pd.DataFrame(
        {
            L("fs_country_col"): mix.index,
            L("fs_names"): mix["n"].astype(int),
            L("fs_weight"): [fmt.pct(v) for v in mix["weight"]],
        }
    )
    raw = shown.assign(**{L("fs_weight"): mix["weight"].to_numpy()})
    out.append(table(shown, "factsheet-countries", csv=raw))
    return out


def _tearsheet_html(
    bt: Any,
    lv: pd.Series,
    r: pd.Series,
    lang: Lang,
    fmt: Any,
    chart: Callable[[Any], str],
    table: Callable[..., str],
    note: str,
) -> str:
    """Drawdowns, rolling chart, heatmap, VaR/CVaR table and histogram."""

    def L(k: str) -> str:
        return label(k, lang)

    out = [f'<div id="tearsheet"><h3>{L("fs_tearsheet")}</h3>']
    dd = metrics.top_drawdowns(lv, n=5)
    out.append(f"<h4>{L('fs_drawdowns')}</h4>")
    if dd.empty:
        out.append(f'<p class="small">{html.escape(L("fs_no_drawdown"))}</p>')
    else:
        shown = pd.DataFrame(
            {
                L("fs_peak"): [_date(d) for d in dd["peak"]],
                L("fs_trough"): [_date(d) for d in dd["trough"]],
                L("fs_recovery"): [
                    L("fs_not_recovered") if pd.isna(d) else _date(d) for d in dd["recovery"]
                ],
                L("fs_depth"): [fmt.pct(v) for v in dd["depth"]],
                L("fs_days"): dd["days"].astype(int),
            }
        )
        raw = shown.assign(**{L("fs_depth"): dd["depth"].to_numpy()})
        out.append(table(shown, "factsheet-drawdowns", csv=raw))
    # rolling one year
    ref = bt.stats.reference_benchmark
    col = f"bench_{ref}" if ref is not None else None
    if len(r) > WINDOW:
        beta = None
        if col is not None and col in bt.levels:
            bench = metrics.returns_from_levels(bt.levels[col].dropna())
            beta = metrics.rolling_beta(r, bench, window=WINDOW)
        fig = rolling_risk_figure(
            metrics.rolling_sharpe(r, window=WINDOW),
            metrics.rolling_volatility(r, window=WINDOW),
            beta,
            ref,
            lang,
            note,
        )
        out.append(f'<div id="factsheet-rolling">{chart(fig)}</div>')
    else:
        text = L("fs_rolling_short").format(n=len(lv))
        out.append(f'<p class="notice">{html.escape(text)}</p>')
    out.append(chart(monthly_heatmap_figure(metrics.monthly_returns_table(r), lang, note)))
    # VaR / CVaR
    var = {lvl: metrics.value_at_risk(r, lvl) for lvl in VAR_LEVELS}
    cvar = {lvl: metrics.conditional_value_at_risk(r, lvl) for lvl in VAR_LEVELS}
    out.append(f"<h4>{L('fs_var')}</h4>")
    conf = [f"{fmt.num(100 * lvl, 0)} %" for lvl in VAR_LEVELS]
    shown = pd.DataFrame(
        {
            L("fs_confidence"): conf,
            "VaR": [fmt.pct(var[lvl]) for lvl in VAR_LEVELS],
            "CVaR": [fmt.pct(cvar[lvl]) for lvl in VAR_LEVELS],
        }
    )
    raw = pd.DataFrame(
        {
            L("fs_confidence"): list(VAR_LEVELS),
            "VaR": [var[lvl] for lvl in VAR_LEVELS],
            "CVaR": [cvar[lvl] for lvl in VAR_LEVELS],
        }
    )
    out.append(table(shown, "factsheet-var", csv=raw))
    out.append(f'<p class="small">{html.escape(L("fs_var_note").format(n=len(r)))}</p>')
    out.append(chart(return_histogram_figure(r, var, lang, note)))
    out.append("</div>")
    return "".join(out)
