"""The methodology over history: every quarterly review, daily levels, turnover, benchmarks."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from aiinfra import metrics
from aiinfra._csvout import to_csv
from aiinfra._io import atomic_directory
from aiinfra.backtest._summary import BacktestSummary, BenchmarkStats, SeriesStats, TurnoverStats
from aiinfra.dates import to_timestamp
from aiinfra.exceptions import (
    InfeasibleCappingError,
    InsufficientConstituentsError,
    InvalidParameterError,
    MissingDataError,
)
from aiinfra.index import (
    NOT_PIT_LABEL,
    CorporateAction,
    Deferred,
    LazyField,
    LevelResult,
    Methodology,
    PriceGetter,
    Rebalance,
    ReviewResult,
    compute_levels,
    currency_of,
    dividends_from_adjusted,
    memo,
    review_cache,
    review_schedule,
    run_review,
    trading_days,
)
from aiinfra.ledger import Ledger

__all__ = ["BacktestResult", "backtest"]


@dataclass
class BacktestResult:
    """Levels, reviews, turnover and summary of a backtest (``to_frame()`` gives the levels)."""

    levels: pd.DataFrame
    reviews: list[ReviewResult]
    calc: LevelResult
    turnover: pd.DataFrame
    #: the JSON form of :attr:`stats` (what ``summary.json`` holds)
    summary: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    company_of: dict[str, str] = field(default_factory=dict)
    if TYPE_CHECKING:
        prices_usd: pd.DataFrame | None = None
        dividends_usd: pd.DataFrame | None = None
    else:
        # both made on first access (a sweep reads neither)
        #: daily closes in USD of every line ever held (dates × lines), as used for the levels
        prices_usd: pd.DataFrame | None = LazyField(default=None)
        #: gross cash dividends per share in USD going ex on each date (dates × lines)
        dividends_usd: pd.DataFrame | None = LazyField(default=None)
    #: category (C1..C7) of each line's company at its latest review
    category_of: dict[str, str] = field(default_factory=dict)

    @property
    def point_in_time(self) -> bool:
        return all(r.point_in_time for r in self.reviews)

    @property
    def stats(self) -> BacktestSummary:
        """The summary as typed objects (``stats.gtr.total_return``, ``stats.benchmarks``)."""
        return BacktestSummary.from_dict(self.summary)

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
            to_csv(levels, tmp / "levels.csv", date_format="%Y-%m-%d", float_format="%.10g")
            # the holdings blocks (see compute_levels): shares and divisor after every change,
            # so that the levels can be rebuilt from this file and the prices alone
            w = self.calc.weights.copy()
            w.insert(0, "label", label)
            w.insert(
                list(w.columns).index("security"), "company", w["security"].map(self.company_of)
            )
            to_csv(
                w, tmp / "weights.csv", index=False, date_format="%Y-%m-%d", float_format="%.12g"
            )
            to_csv(
                self.turnover.assign(label=label),
                tmp / "turnover.csv",
                index=False,
                date_format="%Y-%m-%d",
            )
            if self.calc.compliance is not None:
                to_csv(
                    self.calc.compliance.assign(label=label),
                    tmp / "compliance.csv",
                    date_format="%Y-%m-%d",
                    float_format="%.10g",
                )
            (tmp / "summary.json").write_text(json.dumps(self.summary, indent=2, default=str))
            (tmp / "reviews").mkdir()
            for r in self.reviews:
                (tmp / "reviews" / f"{r.dates.review}.json").write_text(
                    json.dumps(r.to_dict(), indent=2, default=str)
                )
        return Path(out).expanduser()


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

    Notes
    -----
    The steps: the reviews in date order (:func:`_run_reviews`); the level inputs per listing
    line (:func:`_level_inputs`); the levels (:func:`~aiinfra.index.compute_levels`); the
    benchmarks on the index dates (:func:`_with_benchmarks`); the summary (:func:`_summary`).
    """
    s, e = to_timestamp(start, "start"), to_timestamp(end, "end")
    if s >= e:
        raise InvalidParameterError(f"`start` ({s.date()}) must be before `end` ({e.date()})")
    # the reviews and the level inputs share what they derive from the prices and the ledger
    # (which are not changed while the backtest runs): the cache active, or one of its own
    with review_cache():
        return _backtest(ledger, prices, methodology, s, e, benchmarks, cost_bps, fx, events)


def _backtest(
    ledger: Ledger,
    prices: PriceGetter,
    methodology: Methodology,
    s: pd.Timestamp,
    e: pd.Timestamp,
    benchmarks: Sequence[str],
    cost_bps: float,
    fx: Mapping[str, pd.Series] | None,
    events: Sequence[CorporateAction] | None,
) -> BacktestResult:
    warnings: list[str] = []
    reviews, last = _run_reviews(ledger, prices, methodology, s, e, fx, warnings)
    end = min(e, last)
    if end < e:
        warnings.append(
            f"levels end on {end.date()}, the last date with prices (asked: {e.date()})"
        )
    inputs = _level_inputs(ledger, prices, methodology, reviews, end, fx, events, warnings)
    calc = compute_levels(
        inputs.close,
        _rebalances(reviews),
        dividends=inputs.dividends,
        fx=inputs.fx,
        withholding=inputs.withholding,
        base_value=methodology.index.base_value,
        cost_bps=cost_bps,
        stale_days=methodology.corporate_actions.delist_after_stale_days,
        compliance=True,
        actions=inputs.actions,
    )
    levels = _with_benchmarks(
        calc.levels.loc[:end], prices, benchmarks, methodology.index.base_value
    )
    turnover = calc.rebalances.copy()[
        ["review", "announce", "effective", "turnover", "cost", "names"]
    ]
    source_of = {str(r.dates.review): r.score_source for r in reviews}
    turnover["score_source"] = turnover["review"].astype(str).map(source_of)
    stats = _summary(
        levels, reviews, calc, turnover, methodology, benchmarks, cost_bps, warnings, prices
    )
    return BacktestResult(
        levels,
        reviews,
        calc,
        turnover,
        stats.to_dict(),
        list(stats.warnings),
        inputs.company_of,
        # made on first access (a sweep reads neither)
        Deferred(partial(_in_usd, inputs.close, inputs.fx, end)),  # type: ignore[arg-type]
        None
        if inputs.dividends is None
        else Deferred(partial(_in_usd, inputs.dividends, inputs.fx, end, fill=False)),  # type: ignore[arg-type]
        _category_of(reviews),
    )


def _run_reviews(
    ledger: Ledger,
    prices: PriceGetter,
    methodology: Methodology,
    start: pd.Timestamp,
    end: pd.Timestamp,
    fx: Mapping[str, pd.Series] | None,
    warnings: list[str],
) -> tuple[list[ReviewResult], pd.Timestamp]:
    """Every review effective in ``[start, end]``, each given the previous one's constituents.

    Requires the calendar of the methodology and the prices. Provides the reviews and the last
    date with a close on any line bought; stops (with a warning) at the first review effective
    after that date.

    Reviews before the first one the rules can form (too few eligible names, or caps that cannot
    hold) are left out with a warning each: the index starts at its first formable review, as
    an index provider launches an index (no backfill of a review that could not have been formed).

    Raises
    ------
    InvalidParameterError
        No review takes effect in the window.
    InsufficientConstituentsError, InfeasibleCappingError
        A review after the first formed one (or the last review of the window) cannot be formed.
    MissingDataError
        No prices on or after the first effective date.
    """
    cal = methodology.calendar
    schedule = review_schedule(start, end, cal.rebalance_months, cal.exchange)
    if not schedule:
        raise InvalidParameterError(
            f"no review takes effect between {start.date()} and {end.date()}"
        )
    reviews: list[ReviewResult] = []
    previous: dict[str, float] = {}
    data_end: pd.Timestamp | None = None
    # the reviews share liquidity figures and ledger lookups (prices and ledger are not changed
    # while the backtest runs)
    with review_cache():
        for d in schedule:
            try:
                r = run_review(
                    ledger, prices, methodology, d.cutoff, previous=previous, fx=fx, dates=d
                )
            except (InsufficientConstituentsError, InfeasibleCappingError) as exc:
                if reviews and data_end is not None and d.cutoff > data_end:
                    # the prices end before this review's cut-off: the levels end there
                    warnings.append(
                        f"review {d.review} (cut-off {d.cutoff.date()}) not formed: the prices "
                        f"of the lines held end on {data_end.date()} ({exc})"
                    )
                    break
                if reviews or d is schedule[-1]:
                    raise  # an index that has launched must form at every review
                # the index launches at the first review its rules can form (no backfill)
                warnings.append(f"review {d.review} not formed, the index starts later: {exc}")
                continue
            # the last date with a close on any of the lines this review buys
            last = max(_last_close(prices(t)) for t in r.proforma_column("ticker"))
            data_end = last if data_end is None else max(data_end, last)
            if r.dates.effective > data_end:
                warnings.append(
                    f"review {d.review} (effective {d.effective.date()}) skipped: no prices after "
                    f"{data_end.date()}"
                )
                break
            reviews.append(r)
            # the ids of r.weights as str, as its pro-forma rows list them
            previous = dict(zip(r.proforma_column("id"), r.weights.tolist(), strict=True))
    if not reviews:
        raise MissingDataError(
            f"no prices on or after the first effective date {schedule[0].effective.date()}"
        )
    assert data_end is not None
    return reviews, data_end


def _last_close(px: pd.DataFrame) -> pd.Timestamp:
    """The last date with a close (once per price frame while a review cache is active)."""
    out: pd.Timestamp = memo(
        px, ("last_close",), lambda: pd.Timestamp(str(px["close"].last_valid_index()))
    )
    return out


@dataclass(frozen=True)
class _LevelInputs:
    """What the level engine needs, per listing line (dates × lines): closes in local currency,
    gross dividends (None: from the events), FX rates (None: all USD), withholding rates, the
    corporate actions on constituent lines (the closes and dividends in USD: :func:`_in_usd`)."""

    close: pd.DataFrame
    dividends: pd.DataFrame | None
    fx: pd.DataFrame | None
    withholding: pd.Series
    actions: list[CorporateAction]
    company_of: dict[str, str]


def _in_usd(
    frame: pd.DataFrame, fx: pd.DataFrame | None, end: pd.Timestamp, *, fill: bool = True
) -> pd.DataFrame:
    """Closes (``fill``: carried forward) or dividends in USD, up to ``end``."""
    local = frame.ffill() if fill else frame
    return (local * (fx if fx is not None else 1.0)).loc[:end]


def _level_inputs(
    ledger: Ledger,
    prices: PriceGetter,
    methodology: Methodology,
    reviews: list[ReviewResult],
    end: pd.Timestamp,
    fx: Mapping[str, pd.Series] | None,
    events: Sequence[CorporateAction] | None,
    warnings: list[str],
) -> _LevelInputs:
    """The level engine's inputs on the index calendar, from the first announcement to ``end``.

    Securities are listing lines: a company that changes line between reviews sells one and
    buys the other; each line has its own currency, prices and dividends. Events on lines that
    are never constituents are ignored with a warning.
    """
    cal = methodology.calendar
    first = min(r.dates.announce for r in reviews)
    days = trading_days(first - pd.Timedelta(days=10), end, cal.exchange)
    company_of: dict[str, str] = {}
    for r in reviews:
        company_of.update(
            dict(zip(r.proforma_column("ticker"), r.proforma_column("id"), strict=True))
        )
    lines = sorted(company_of)
    new_lines = [
        ev.new_security for ev in events or [] if ev.security in company_of and ev.new_security
    ]
    # each line's closes on the index days, once per line and calendar while a review cache is
    # active (a sweep's variants hold the same lines)
    on_days = ("close_on_days", str(days.dtype), days.asi8.tobytes())
    close = {
        t: memo(px, on_days, partial(_close_on_days, px, days))
        for t in [*lines, *[n for n in new_lines if n is not None]]
        for px in [prices(t)]
    }
    actions = [ev for ev in events or [] if ev.security in company_of]
    for ev in events or []:
        if ev.security not in company_of:
            warnings.append(
                f"{ev.kind} of {ev.security} on {ev.date.date()} ignored: not a constituent line"
            )
    close_df = pd.DataFrame(close).reindex(days)
    divs = None if events is not None else _dividends(prices, lines, days, close_df.columns)
    comp = ledger.companies
    country: dict[str, str] = memo(comp, ("country_of",), lambda: {
        str(k): str(v) for k, v in zip(comp["id"], comp["country"], strict=True)
    })  # fmt: skip
    wht = pd.Series(
        {
            t: methodology.withholding_tax.rate(country.get(company_of.get(t, ""), ""))
            for t in close_df.columns
        },
        dtype=float,
    )
    fx_frame = _fx_frame(fx, days, close_df.columns)
    return _LevelInputs(close_df, divs, fx_frame, wht, actions, company_of)


def _dividends(
    prices: PriceGetter, lines: list[str], days: pd.DatetimeIndex, columns: pd.Index
) -> pd.DataFrame:
    """Gross dividends per share from ``close`` and ``adj_close``, on each line's own trading
    days, booked on the first index session on or after the ex-date (an ex-date on a local
    holiday of the index calendar is not lost)."""
    key = ("dividends_on_days", str(days.dtype), days.asi8.tobytes())
    parts = {}
    for t in lines:
        px = prices(t)
        parts[t] = memo(px, key, partial(_line_dividends, px, days))
    return pd.DataFrame(parts).reindex(index=days, columns=columns).fillna(0.0)


def _line_dividends(px: pd.DataFrame, days: pd.DatetimeIndex) -> pd.Series:
    """One line's gross dividends per share on ``days`` (NaN: none), booked as
    :func:`_dividends` says."""
    own = dividends_from_adjusted(px[["close"]], px[["adj_close"]].set_axis(["close"], axis=1))
    paid = own["close"][own["close"] > 0]
    pos = days.searchsorted(paid.index, side="left")
    keep = pos < len(days)
    booked = pd.Series(paid.to_numpy()[keep], index=days[pos[keep]]).groupby(level=0).sum()
    return booked.reindex(days)


def _close_on_days(px: pd.DataFrame, days: pd.DatetimeIndex) -> pd.Series:
    return px["close"].reindex(days)


def _fx_frame(
    fx: Mapping[str, pd.Series] | None, days: pd.DatetimeIndex, columns: pd.Index
) -> pd.DataFrame | None:
    """USD per unit of each non-USD line's currency on the index days (None: every line USD,
    or no rates)."""
    if not fx:
        return None
    rates = {}
    for t in columns:
        cur, _ = currency_of(t)
        if cur != "USD" and cur in fx:
            rates[t] = fx[cur].reindex(days, method="ffill")
    if not rates:
        return None
    return pd.DataFrame(rates).reindex(index=days, columns=columns).fillna(1.0)


def _rebalances(reviews: list[ReviewResult]) -> list[Rebalance]:
    """One rebalance per review, its target weights keyed by listing line."""
    rebs = []
    for r in reviews:
        if r.proforma_column("id") == list(map(str, r.weights.index.tolist())):
            # run_review's order: the labels of pd.Index(r.proforma["ticker"]), without the
            # frame (compute_levels reads the labels, not their dtype)
            line = pd.Index(r.proforma_column("ticker"), dtype=object, name="ticker")
        else:
            pro = r.proforma
            line = pd.Index(pro.set_index("id").loc[r.weights.index, "ticker"])
        by_line = pd.Series(r.weights.to_numpy(), index=line)
        rebs.append(Rebalance(r.dates.announce, r.dates.effective, by_line, r.dates.review))
    return rebs


def _with_benchmarks(
    levels: pd.DataFrame, prices: PriceGetter, benchmarks: Sequence[str], base_value: float
) -> pd.DataFrame:
    """``levels`` with a column ``bench_<ticker>`` per benchmark: its total-return series
    (``adj_close``, carried forward) on the index dates, base ``base_value`` on the base date.

    Raises
    ------
    MissingDataError
        A benchmark without prices, or whose prices start after the base date.
    """
    base_day = levels.index[0]
    dates = levels.index
    on_dates = None
    if isinstance(dates, pd.DatetimeIndex):
        on_dates = ("adj_close_on", str(dates.dtype), dates.asi8.tobytes())
    bench_cols = {}
    for t in benchmarks:
        try:
            px = prices(t)
            b = px["adj_close"]
        except MissingDataError as exc:
            raise MissingDataError(f"benchmark {t}: {exc}") from None
        first_b = b.first_valid_index()
        if first_b is None or pd.Timestamp(str(first_b)) > base_day:
            raise MissingDataError(
                f"benchmark {t}: no price on the base date {base_day.date()} (its prices start "
                f"{'never' if first_b is None else str(first_b)[:10]})"
            )
        # once per benchmark and index calendar while a review cache is active
        if on_dates is None:
            b = _carried_to(b, dates)
        else:
            b = memo(px, on_dates, partial(_carried_to, b, dates))
        bench_cols[f"bench_{t}"] = base_value * b / b.iloc[0]
    return levels.assign(**bench_cols)


def _carried_to(series: pd.Series, dates: pd.Index) -> pd.Series:
    """``series`` carried forward to ``dates``."""
    return series.reindex(series.index.union(dates)).ffill().reindex(dates)


def _summary(
    levels: pd.DataFrame,
    reviews: list[ReviewResult],
    calc: LevelResult,
    turnover: pd.DataFrame,
    methodology: Methodology,
    benchmarks: Sequence[str],
    cost_bps: float,
    warnings: list[str],
    prices: PriceGetter | None = None,
) -> BacktestSummary:
    """The summary of a backtest: label, window, statistics of every variant and benchmark,
    turnover, corporate actions and every warning.

    With ``prices``, a benchmark's own statistics are computed once per its price frame, index
    dates and base value while a review cache is active (a sweep's variants share them).
    """
    per_year = turnover.iloc[1:].groupby(turnover["effective"].iloc[1:].dt.year)["turnover"].sum()
    pit = all(r.point_in_time for r in reviews)
    gtr_returns = metrics.returns_from_levels(levels["GTR"])
    dates = levels.index
    base_value = methodology.index.base_value

    def against(t: str) -> BenchmarkStats:
        bench = levels[f"bench_{t}"]
        own = None
        if prices is not None and isinstance(dates, pd.DatetimeIndex):
            key = ("benchmark_stats", str(dates.dtype), dates.asi8.tobytes(), base_value)
            own = memo(prices(t), key, partial(BenchmarkStats.own_stats, bench))
        return BenchmarkStats.against(bench, levels["GTR"], own=own, gtr_returns=gtr_returns)

    return BacktestSummary(
        label="point-in-time" if pit else NOT_PIT_LABEL,
        point_in_time=pit,
        methodology=methodology.index.name,
        methodology_hash=memo(methodology, ("config_hash",), methodology.config_hash),
        start=str(levels.index[0].date()),
        end=str(levels.index[-1].date()),
        reviews=len(reviews),
        score_sources={str(r.dates.review): r.score_source for r in reviews},
        cost_bps=float(cost_bps),
        variants={v: SeriesStats.from_levels(levels[v]) for v in ("PR", "GTR", "NTR")},
        benchmarks={t: against(t) for t in benchmarks},
        turnover=TurnoverStats(
            float(turnover["turnover"].iloc[1:].mean()) if len(turnover) > 1 else float("nan"),
            {str(k): float(v) for k, v in per_year.items()},
        ),
        corporate_actions=[
            {str(k): v for k, v in a.items()} for a in calc.actions.to_dict("records")
        ]
        if calc.has_actions
        else [],
        warnings=warnings
        + calc.warnings
        + [w for r in reviews for w in r.warnings if w != NOT_PIT_LABEL],
    )


def _category_of(reviews: list[ReviewResult]) -> dict[str, str]:
    """Category of each line's company at the latest review that held the line."""
    category_of: dict[str, str] = {}
    for r in reviews:
        # two columns, without making the candidates frame
        cats = dict(zip(r.candidate_column("id"), r.candidate_column("category"), strict=True))
        for line, cid in zip(r.proforma_column("ticker"), r.proforma_column("id"), strict=True):
            category_of[str(line)] = str(cats[cid])
    return category_of
