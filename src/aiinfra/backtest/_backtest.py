"""The methodology over history: every quarterly review, daily levels, turnover, benchmarks."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from aiinfra import metrics
from aiinfra._io import atomic_directory
from aiinfra.exceptions import InvalidParameterError, MissingDataError
from aiinfra.index._calendar import review_schedule, trading_days
from aiinfra.index._levels import (
    CorporateAction,
    LevelResult,
    Rebalance,
    compute_levels,
    dividends_from_adjusted,
)
from aiinfra.index._methodology import Methodology
from aiinfra.index._review import NOT_PIT_LABEL, PriceGetter, ReviewResult, run_review
from aiinfra.ledger import Ledger
from aiinfra.ledger._dates import to_timestamp

__all__ = ["BacktestResult", "backtest"]


@dataclass
class BacktestResult:
    """Levels, reviews, turnover and summary of a backtest (``to_frame()`` gives the levels)."""

    levels: pd.DataFrame
    reviews: list[ReviewResult]
    calc: LevelResult
    turnover: pd.DataFrame
    summary: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    @property
    def point_in_time(self) -> bool:
        return all(r.point_in_time for r in self.reviews)

    def to_frame(self) -> pd.DataFrame:
        return self.levels

    def write(self, out: str | os.PathLike[str]) -> Path:
        """Write ``levels.csv``, ``weights.csv``, ``turnover.csv``, ``compliance.csv``,
        ``summary.json`` and ``reviews/<review>.json`` into ``out``.

        Files are written into a temporary sibling directory and moved into place only when all
        of them are complete: a failed run leaves no half-written output. ``out`` must not exist
        or be an empty directory.
        """
        with atomic_directory(out) as tmp:
            label = self.summary["label"]
            levels = self.levels.copy()
            levels.insert(0, "label", label)
            levels.to_csv(tmp / "levels.csv", date_format="%Y-%m-%d", float_format="%.10g")
            w = self.calc.weights.copy()
            w.insert(0, "label", label)
            w.to_csv(tmp / "weights.csv", index=False, date_format="%Y-%m-%d", float_format="%.12g")
            self.turnover.assign(label=label).to_csv(
                tmp / "turnover.csv", index=False, date_format="%Y-%m-%d"
            )
            if self.calc.compliance is not None:
                self.calc.compliance.to_csv(
                    tmp / "compliance.csv", date_format="%Y-%m-%d", float_format="%.10g"
                )
            (tmp / "summary.json").write_text(json.dumps(self.summary, indent=2, default=str))
            (tmp / "reviews").mkdir()
            for r in self.reviews:
                (tmp / "reviews" / f"{r.dates.review}.json").write_text(
                    json.dumps(r.to_dict(), indent=2, default=str)
                )
        return Path(out).expanduser()


def _stats(levels: pd.Series) -> dict[str, float]:
    r = metrics.returns_from_levels(levels.dropna())
    return {
        "total_return": float(levels.dropna().iloc[-1] / levels.dropna().iloc[0] - 1),
        "annual_return": metrics.annual_return(r),
        "annual_volatility": metrics.annual_volatility(r),
        "sharpe_ratio": metrics.sharpe_ratio(r),
        "max_drawdown": metrics.max_drawdown(r),
    }


def backtest(
    ledger: Ledger,
    prices: PriceGetter,
    methodology: Methodology,
    start: object,
    end: object,
    *,
    benchmarks: Sequence[str] = (),
    cost_bps: float = 0.0,
    fx: Mapping[str, pd.Series] | None = None,
    events: Sequence[CorporateAction] | None = None,
) -> BacktestResult:
    """Run every review whose effective date lies in ``[start, end]`` and compute daily levels.

    Parameters
    ----------
    ledger, prices, methodology
        As for :func:`~aiinfra.index.run_review`.
    start, end : date
    benchmarks : tickers
        Total-return series (from ``adj_close``) on the index dates, base ``base_value``.
    cost_bps : float
        Transaction cost per unit traded, deducted at every rebalance after the first.
    events : corporate actions, optional
        Keyed by listing ticker. When given, dividends come from these events only (the spec's
        rule); otherwise they are derived from ``close`` and ``adj_close``. Spun-off tickers are
        read from ``prices`` and enter at price 0.

    Raises
    ------
    NotPointInTimeError
        ``pit_mode: vintage`` and a review has no score vintage before its cut-off.
    """
    s, e = to_timestamp(start, "start"), to_timestamp(end, "end")
    if s >= e:
        raise InvalidParameterError(f"`start` ({s.date()}) must be before `end` ({e.date()})")
    cal = methodology.calendar
    schedule = review_schedule(s, e, cal.rebalance_months, cal.exchange)
    if not schedule:
        raise InvalidParameterError(f"no review takes effect between {s.date()} and {e.date()}")
    reviews: list[ReviewResult] = []
    previous: dict[str, float] = {}
    for d in schedule:
        r = run_review(ledger, prices, methodology, d.cutoff, previous=previous, fx=fx, dates=d)
        reviews.append(r)
        previous = {str(k): float(v) for k, v in r.weights.items()}

    # price matrices on the exchange calendar, from the first announcement to the end
    first = min(r.dates.announce for r in reviews)
    days = trading_days(first - pd.Timedelta(days=10), e, cal.exchange)
    ids = sorted({cid for r in reviews for cid in r.weights.index})
    line = {}
    for r in reviews:
        line.update(dict(zip(r.proforma["id"], r.proforma["ticker"], strict=True)))
    close, adj = {}, {}
    for cid in ids:
        px = prices(line[cid])
        close[cid] = px["close"]
        adj[cid] = px["adj_close"]
    by_ticker = {t: cid for cid, t in line.items()}
    actions: list[CorporateAction] = []
    for ev in events or []:
        cid = by_ticker.get(ev.security)
        if cid is None:
            continue  # not a constituent in this backtest
        new = ev.new_security
        if new is not None:
            close[new] = prices(new)["close"]
        actions.append(replace(ev, security=cid))
    close_df = pd.DataFrame(close).reindex(days)
    if events is None:
        # dividends from the two columns, on each security's own trading days
        divs = dividends_from_adjusted(
            pd.DataFrame(close).sort_index(), pd.DataFrame(adj).sort_index()
        )
        divs = divs.reindex(days, fill_value=0.0).fillna(0.0)
    else:
        divs = None
    country = {
        str(k): str(v)
        for k, v in zip(ledger.companies["id"], ledger.companies["country"], strict=True)
    }
    wht = pd.Series(
        {cid: methodology.withholding_tax.rate(country[cid]) for cid in ids}, dtype=float
    )
    rebs = [
        Rebalance(r.dates.announce, r.dates.effective, r.weights, r.dates.review) for r in reviews
    ]
    calc = compute_levels(
        close_df,
        rebs,
        dividends=divs,
        withholding=wht,
        base_value=methodology.index.base_value,
        cost_bps=cost_bps,
        stale_days=methodology.corporate_actions.delist_after_stale_days,
        compliance=True,
        actions=actions,
    )
    levels = calc.levels.loc[:e]
    bench_cols = {}
    for t in benchmarks:
        try:
            b = prices(t)["adj_close"].reindex(levels.index).ffill()
        except MissingDataError as exc:
            raise MissingDataError(f"benchmark {t}: {exc}") from None
        bench_cols[f"bench_{t}"] = methodology.index.base_value * b / b.iloc[0]
    levels = levels.assign(**bench_cols)

    reb = calc.rebalances.copy()
    turnover = reb[["review", "announce", "effective", "turnover", "cost", "names"]]
    per_year = turnover.iloc[1:].groupby(turnover["effective"].iloc[1:].dt.year)["turnover"].sum()
    pit = all(r.point_in_time for r in reviews)
    label = "point-in-time" if pit else NOT_PIT_LABEL
    gtr_r = metrics.returns_from_levels(levels["GTR"])
    bench_stats = {}
    for t in benchmarks:
        br = metrics.returns_from_levels(levels[f"bench_{t}"])
        bench_stats[t] = {
            **_stats(levels[f"bench_{t}"]),
            "tracking_error_gtr": metrics.tracking_error(gtr_r, br),
            "information_ratio_gtr": metrics.information_ratio(gtr_r, br),
        }
    summary: dict[str, Any] = {
        "label": label,
        "point_in_time": pit,
        "methodology": methodology.index.name,
        "methodology_hash": methodology.config_hash(),
        "start": str(levels.index[0].date()),
        "end": str(levels.index[-1].date()),
        "reviews": len(reviews),
        "cost_bps": cost_bps,
        "variants": {v: _stats(levels[v]) for v in ("PR", "GTR", "NTR")},
        "benchmarks": bench_stats,
        "turnover": {
            "mean_per_review": float(turnover["turnover"].iloc[1:].mean())
            if len(turnover) > 1
            else float("nan"),
            "per_year": {str(k): float(v) for k, v in per_year.items()},
        },
        "corporate_actions": calc.actions.to_dict(orient="records"),
        "warnings": calc.warnings + [w for r in reviews for w in r.warnings if w != NOT_PIT_LABEL],
    }
    summary = json.loads(json.dumps(summary, default=str).replace("NaN", "null"))
    return BacktestResult(levels, reviews, calc, turnover, summary, list(summary["warnings"]))
