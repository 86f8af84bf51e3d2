"""The first steps of a review: what is known at the cut-off, and the universe with its lines.

* :func:`point_in_time` -- whether the review runs on score vintages known at the cut-off.
* :func:`known_data` -- the ledger as known at the cut-off (latest record per company).
* :func:`universe` -- one candidate row per company: scores as known, the universe rules
  (category, exclusion list), the listing line and its liquidity, the free-float market cap.

Every step reads the :class:`ReviewContext` and appends what it has to say to its warnings.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from aiinfra.exceptions import MissingDataError, NotPointInTimeError
from aiinfra.index._cache import by_date, latest, memo, memo_checked
from aiinfra.index._calendar import ReviewDates, previous_reviews, trading_days
from aiinfra.index._methodology import Methodology
from aiinfra.index._systematic import systematic_placeholders
from aiinfra.ledger import Ledger, parse_adr_ratios

__all__ = [
    "UNIVERSE_REASONS",
    "KnownData",
    "PriceGetter",
    "ReviewContext",
    "ScoreSource",
    "currency_of",
    "frame_columns",
    "known_data",
    "score_source",
    "universe",
    "universe_columns",
    "universe_frame",
]

PriceGetter = Callable[[str], pd.DataFrame]

#: Reason codes the universe step writes (the screens and the selection add theirs).
UNIVERSE_REASONS: dict[str, str] = {
    "EXCLUDED_CATEGORY": "category not in universe.categories",
    "EXCLUDED_BY_CONFIG": "listed in universe.exclude",
    "NO_SCORE": "no score vintage with as_of ≤ cut-off",
    "NO_PRICES": "no price history for any listing line",
    "NO_FX": "only non-USD lines and no FX rates for their currency",
    "LISTING": "no line on an eligible exchange (eligibility.exchanges)",
    "SCORE_STALE": "score vintage older than the previous review (carried at most one review)",
}

_SUFFIX = {
    "KS": ("KRW", "XKRX"),
    "KQ": ("KRW", "XKRX"),
    "TW": ("TWD", "XTAI"),
    "T": ("JPY", "XTKS"),
    "AS": ("EUR", "XAMS"),
    "PA": ("EUR", "XPAR"),
    "DE": ("EUR", "XETR"),
    "HE": ("EUR", "XHEL"),
    "HK": ("HKD", "XHKG"),
    "SZ": ("CNY", "XSHG"),  # Shenzhen trades on Shanghai's sessions; no separate calendar
    "SS": ("CNY", "XSHG"),
    "TO": ("CAD", "XTSE"),
    "OL": ("NOK", "XOSL"),
    "L": ("GBP", "XLON"),
    "TA": ("ILS", "XTAE"),
    "SW": ("CHF", "XSWX"),
}


def currency_of(ticker: str) -> tuple[str, str]:
    """(currency, exchange calendar) of a Yahoo-style ticker (no suffix: USD, XNYS)."""
    if "." in ticker:
        suffix = ticker.rsplit(".", 1)[1]
        if suffix in _SUFFIX:
            return _SUFFIX[suffix]
    return "USD", "XNYS"


@dataclass
class ReviewContext:
    """What every step of one review reads: the rules, the dates, the inputs, and the warnings
    the steps append to (in the order they run)."""

    methodology: Methodology
    dates: ReviewDates
    prices: PriceGetter
    fx: Mapping[str, pd.Series] | None
    existing: set[str]
    source: ScoreSource
    warnings: list[str]

    @property
    def pit(self) -> bool:
        """Whether the review uses only data known at its cut-off."""
        return self.source != "static"

    @property
    def cutoff(self) -> pd.Timestamp:
        return self.dates.cutoff


@dataclass(frozen=True)
class KnownData:
    """The ledger as known at a review's cut-off, one record per company id.

    ``stale_before`` is (cut-off of the previous review, of the one before) when
    ``scores.max_vintage_age_reviews`` limits how long a vintage may be carried, else None.
    """

    companies: dict[Any, dict[Any, Any]]
    scores: dict[Any, dict[Any, Any]]
    ai_revenue: dict[Any, dict[Any, Any]]
    financials: dict[Any, dict[Any, Any]]
    stale_before: tuple[pd.Timestamp, pd.Timestamp] | None


#: where a review's scores come from: the house vintage in force, the systematic rubric computed
#: at the cut-off (both point in time), or today's house view applied to an earlier date (not)
ScoreSource = Literal["house", "systematic", "static"]


def score_source(
    ledger: Ledger,
    methodology: Methodology,
    dates: ReviewDates,
    missing_vintage: Literal["raise", "static"],
    warnings: list[str],
) -> ScoreSource:
    """Where the review's scores come from (``pit_mode``; docs/methodology.md §"Point in time").

    Requires ``pit_mode`` and the house score vintages; provides the source:

    * ``vintage``: the house vintage in force at the cut-off; none → :class:`NotPointInTimeError`,
      or (``missing_vintage = "static"``) today's house view with a warning;
    * ``vintage_or_systematic`` (default): the house vintage in force, else the systematic rubric;
    * ``systematic``: the systematic rubric;
    * ``static_scores``: today's house view (labelled not point-in-time).
    """
    cut = dates.cutoff
    mode = methodology.pit_mode
    if mode == "static_scores":
        return "static"
    if mode == "systematic":
        return "systematic"
    scores = ledger.scores
    house: bool = memo(scores, ("house_vintage", cut),
                       lambda: bool((scores["as_of"] <= cut).any()))  # fmt: skip
    if house:
        return "house"
    if mode == "vintage_or_systematic":
        return "systematic"
    if missing_vintage == "static":
        warnings.append(
            f"no score vintage on or before the cut-off {cut.date()}: the latest scores were used"
        )
        return "static"
    first = ledger.scores["as_of"].min()
    raise NotPointInTimeError(
        f"review {dates.review} (cut-off {cut.date()}): no score vintage on or before the "
        f"cut-off (the earliest is {first.date() if pd.notna(first) else 'none'}). Add "
        "historical vintages to scores.csv, use `pit_mode: vintage_or_systematic` (systematic "
        "scores where no house vintage exists), or set `pit_mode: static_scores` to run with "
        "today's scores, labelled not point-in-time."
    )


def known_data(ledger: Ledger, ctx: ReviewContext) -> KnownData:
    """The latest score, AI-revenue share and financial record per company as of the cut-off.

    Requires the ledger and ``ctx.pit``; provides :class:`KnownData`. Not point-in-time, the
    latest scores are used, and a company with no financial record published by the cut-off gets
    its earliest one (share counts and free floats change slowly), with a warning.
    """
    cal = ctx.methodology.calendar
    carry = ctx.methodology.scores.max_vintage_age_reviews
    key = ("known_data", ctx.dates, ctx.source, carry, tuple(cal.rebalance_months), cal.exchange)
    deps = (ledger.scores, ledger.ai_revenue, ledger.financials)
    known, said = memo_checked(ledger.companies, key, deps, lambda: _known_data(ledger, ctx))
    ctx.warnings.extend(said)
    return known  # type: ignore[no-any-return]


def _known_data(ledger: Ledger, ctx: ReviewContext) -> tuple[KnownData, list[str]]:
    """:func:`known_data` computed afresh, with the warnings it gives."""
    ctx = replace(ctx, warnings=[])
    cut = ctx.cutoff
    if ctx.source == "systematic":
        sc = latest(
            memo(ledger.companies, ("systematic", cut),
                 lambda: systematic_placeholders(ledger, cut)),
            "company_id", "as_of", cut,
        )  # fmt: skip
    else:
        sc = latest(ledger.scores, "company_id", "as_of", cut if ctx.pit else None)
    cal = ctx.methodology.calendar
    carry = ctx.methodology.scores.max_vintage_age_reviews
    stale_before = None
    if carry is not None:
        prev = previous_reviews(ctx.dates, carry + 1, cal.rebalance_months, cal.exchange)
        stale_before = (prev[0].cutoff, prev[-1].cutoff)  # (previous review, the one before)
    comp: dict[Any, dict[Any, Any]] = memo(
        ledger.companies,
        ("companies",),
        lambda: ledger.companies.set_index("id").to_dict(orient="index"),
    )
    ai = latest(ledger.ai_revenue, "company_id", "known_from", cut)
    fin = latest(ledger.financials, "company_id", "source_date_known", cut)
    if not ctx.pit:
        # not point-in-time anyway: where nothing was published by the cut-off, use the earliest
        # record (share count and free float change slowly) and say so
        earliest = by_date(ledger.financials, "source_date_known").groupby("company_id").head(1)
        late = [c for c in earliest["company_id"] if c not in fin and c in sc]
        for rec in earliest[earliest["company_id"].isin(late)].to_dict(orient="records"):
            fin[rec["company_id"]] = rec
        if late:
            names = sorted(map(str, late))
            shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
            ctx.warnings.append(
                f"share counts and free floats published after the cut-off {cut.date()} used "
                f"for {len(names)} companies (their earliest record): {shown}"
            )
    return KnownData(comp, sc, ai, fin, stale_before), ctx.warnings


def universe(ctx: ReviewContext, known: KnownData) -> pd.DataFrame:
    """One candidate row per company with a score (plus current members).

    Requires :class:`KnownData`, ``prices`` and ``fx``. Provides the candidate frame: ``id``,
    ``name``, ``country``, ``existing``, ``reason`` (a universe code of :data:`UNIVERSE_REASONS`
    or None), ``category``, ``Q``, ``score_as_of``, ``a``, ``a_source``, and for names with a
    usable line ``ticker``, ``currency``, ``first_date``, ``close_cut``, ``fx_cut``, ``adtv``,
    ``trading_ratio``, ``free_float``, ``ffmc`` (every column present, NaN where unknown).
    """
    return universe_frame(ctx, known)[0]


def universe_frame(
    ctx: ReviewContext, known: KnownData
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """:func:`universe`, and the frame it copied when it is a copy of the same rows with no
    current member (None when it was built afresh): the rows of the companies with a score are
    computed once per cut-off and universe rules while a review cache is active; only what the
    current members change (``existing``, a vintage carried one review) is redone per review."""
    rows, carried, base = _cached_universe(ctx, known)
    existing = ctx.existing
    if rows and existing <= rows.keys() and not (carried & existing):
        cand = base.copy()
        cand["existing"] = cand["id"].isin(existing).to_numpy()
        return cand, base
    return _universe_rows(ctx, known, rows, carried), None


def universe_columns(
    ctx: ReviewContext, known: KnownData
) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """:func:`universe_frame` as a mapping of column name → array (numpy, or the pandas
    extension array of a string column), for the review steps that work on arrays; the arrays
    are shared with the cached frame and must be replaced, never changed in place."""
    rows, carried, base = _cached_universe(ctx, known)
    existing = ctx.existing
    if rows and existing <= rows.keys() and not (carried & existing):
        cols = dict(memo(base, ("columns",), lambda: frame_columns(base)))
        cols["existing"] = np.fromiter((cid in existing for cid in rows), bool, len(rows))
        return cols, base
    return frame_columns(_universe_rows(ctx, known, rows, carried)), None


def frame_columns(frame: pd.DataFrame) -> dict[str, Any]:
    """Column name → its array: numpy, or the extension array (``str`` columns)."""
    out: dict[str, Any] = {}
    for col in frame.columns:
        s = frame[col]
        out[str(col)] = (
            s.array if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) else s.to_numpy()
        )
    return out


def _universe_rows(
    ctx: ReviewContext,
    known: KnownData,
    rows: dict[str, dict[str, Any]],
    carried: set[str],
) -> pd.DataFrame:
    """The universe frame built row by row (current members outside the cached rows, or a
    vintage carried one review)."""
    existing = ctx.existing
    out = []
    for cid in sorted(set(rows) | existing):
        if cid not in rows:
            out.append(_candidate(cid, ctx, known))
            continue
        row = dict(rows[cid])
        row["existing"] = cid in existing
        if cid in carried and cid in existing:
            ctx.warnings.append(
                f"{cid}: score vintage {known.scores[cid]['as_of'].date()} carried forward one "
                "review"
            )
            if row["reason"] == "SCORE_STALE":
                row["reason"] = None
        out.append(row)
    return _candidate_frame(out)


def _cached_universe(
    ctx: ReviewContext, known: KnownData
) -> tuple[dict[str, dict[str, Any]], set[str], pd.DataFrame]:
    """:func:`_universe_base`, once per known data, cut-off, universe and eligibility rules,
    price getter and FX rates while a review cache is active."""
    u = ctx.methodology.universe
    key = (
        "universe",
        ctx.cutoff,
        ctx.pit,
        frozenset(u.categories or ()),
        tuple(u.exclude),
        frozenset(ctx.methodology.eligibility.exchanges),
    )
    out: tuple[dict[str, dict[str, Any]], set[str], pd.DataFrame] = memo_checked(
        known, key, (ctx.prices, ctx.fx), lambda: _universe_base(ctx, known)
    )
    return out


def _universe_base(
    ctx: ReviewContext, known: KnownData
) -> tuple[dict[str, dict[str, Any]], set[str], pd.DataFrame]:
    """The rows of every company with a score as if none were a current member, the ids whose
    vintage a current member may carry one review, and the frame of those rows."""
    plain = replace(ctx, existing=set(), warnings=[])
    rows = {cid: _candidate(cid, plain, known) for cid in sorted(str(k) for k in known.scores)}
    stale_before = known.stale_before
    carried: set[str] = set()
    if ctx.pit and stale_before is not None:
        for cid in rows:
            as_of = known.scores[cid]["as_of"]
            if stale_before[1] < as_of <= stale_before[0]:
                carried.add(cid)
    return rows, carried, _candidate_frame(list(rows.values()))


def _candidate_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    cand = pd.DataFrame(rows)
    for col in ("ticker", "currency", "a_source"):
        if col not in cand:
            cand[col] = None
    for col in ("Q", "a", "close_cut", "fx_cut", "adtv", "trading_ratio", "free_float", "ffmc"):
        if col not in cand:
            cand[col] = np.nan
    if "first_date" not in cand:
        cand["first_date"] = pd.NaT
    return cand


def _candidate(cid: str, ctx: ReviewContext, known: KnownData) -> dict[str, Any]:
    """The row of one company: its scores, the universe rules, its listing line and ffmc."""
    c = known.companies[cid]
    row: dict[str, Any] = {
        "id": cid,
        "name": c["name"],
        "country": c["country"],
        "existing": cid in ctx.existing,
        "reason": None,
    }
    if cid not in known.scores:
        row.update(category=c["category"], reason="NO_SCORE")
        return row
    _score_fields(row, known.scores[cid], ctx, known)
    allowed = set(ctx.methodology.universe.categories or ())
    if allowed and row["category"] not in allowed:
        row["reason"] = "EXCLUDED_CATEGORY"
        return row
    if cid in ctx.methodology.universe.exclude:
        row["reason"] = "EXCLUDED_BY_CONFIG"
        return row
    lines = [c["ticker"], *[t for t in str(c.get("alt_tickers") or "").split(";") if t]]
    best, reason = _listing_line(lines, ctx)
    if best is None:
        row["reason"] = reason
        return row
    row.update(
        ticker=best["line"],
        currency=best["currency"],
        first_date=best["first_date"],
        close_cut=best["close_cut"],
        fx_cut=best["fx_cut"],
        adtv=best["adtv"],
        trading_ratio=best["trading_ratio"],
    )
    f: dict[Any, Any] = dict(known.financials.get(cid) or {})
    adr = c.get("adr_ratios")
    ratio = parse_adr_ratios(adr if isinstance(adr, str) else "").get(best["line"], 1.0)
    # home-market shares expressed in units of the chosen line (one TSM ADR = 5 shares)
    shares = float(f.get("shares_outstanding_mn", np.nan)) / ratio
    ff = float(f.get("free_float", np.nan))
    row["free_float"] = ff
    row["ffmc"] = shares * 1e6 * ff * best["close_cut"] * best["fx_cut"]
    return row


def _score_fields(
    row: dict[str, Any], s: dict[Any, Any], ctx: ReviewContext, known: KnownData
) -> None:
    """Category, Q and the AI-revenue share as known; SCORE_STALE for a vintage too old."""
    cid = row["id"]
    cut = ctx.cutoff
    row.update(category=s["category"], Q=float(s["qualitative"]), score_as_of=s["as_of"])
    stale_before = known.stale_before
    if ctx.pit and stale_before is not None and s["as_of"] <= stale_before[0]:
        # spec §6: a constituent may carry its last vintage one review; others may not
        if cid in ctx.existing and s["as_of"] > stale_before[1]:
            ctx.warnings.append(
                f"{cid}: score vintage {s['as_of'].date()} carried forward one review"
            )
        else:
            row["reason"] = "SCORE_STALE"
    ai = known.ai_revenue
    if cid in ai:
        row.update(
            a=float(ai[cid]["share"]),
            a_source=f"{ai[cid]['source_type']} {ai[cid]['fiscal_year']}",
        )
    elif pd.notna(s["ai_revenue_share"]) and (not ctx.pit or s["as_of"] <= cut):
        row.update(a=float(s["ai_revenue_share"]), a_source=str(s["ai_revenue_source_type"]))
    else:
        row.update(a=np.nan, a_source="none (R = 0)")


def _listing_line(lines: list[Any], ctx: ReviewContext) -> tuple[dict[str, Any] | None, str | None]:
    """The listing line with the highest ADTV (the primary preferred within 20 %), or None and
    the reason code when no line is usable."""
    cut = ctx.cutoff
    fx = ctx.fx
    stats = []
    no_fx = off_exchange = False
    for line in [x for x in lines if isinstance(x, str) and x]:
        try:
            px = ctx.prices(line)
        except MissingDataError:
            continue
        cur, exchange = currency_of(line)
        if exchange not in ctx.methodology.eligibility.exchanges:
            off_exchange = True
            continue
        if cur != "USD" and (fx is None or cur not in fx):
            no_fx = True
            continue
        if not _has_close_by(px, cut):
            continue
        rates = None if cur == "USD" or fx is None else fx[cur]
        stats.append(_line_stats(line, px, rates, cut))
    if not stats:
        return None, "NO_FX" if no_fx else "LISTING" if off_exchange else "NO_PRICES"
    best = max(stats, key=lambda d: d["adtv"])
    primary = next((d for d in stats if d["line"] == lines[0]), None)
    if primary is not None and primary["adtv"] >= 0.8 * best["adtv"]:
        best = primary
    return best, None


def _has_close_by(px: pd.DataFrame, cut: pd.Timestamp) -> bool:
    """Whether ``px.loc[:cut]`` has a row (a search in a sorted date index, not a slice)."""
    idx = px.index
    if isinstance(idx, pd.DatetimeIndex) and idx.is_monotonic_increasing:
        return bool(idx.searchsorted(cut, side="right") > 0)
    return not px.loc[:cut].empty


def _line_stats(
    line: str, prices: pd.DataFrame, fx: pd.Series | None, cutoff: pd.Timestamp
) -> dict[str, Any]:
    stats = memo_checked(prices, ("line_stats", line, cutoff), (fx,),
                         lambda: _compute_line_stats(line, prices, fx, cutoff))  # fmt: skip
    return dict(stats)


def _compute_line_stats(
    line: str, prices: pd.DataFrame, fx: pd.Series | None, cutoff: pd.Timestamp
) -> dict[str, Any]:
    idx = prices.index
    if not (isinstance(idx, pd.DatetimeIndex) and idx.is_monotonic_increasing and idx.is_unique):
        return _compute_line_stats_slow(line, prices, fx, cutoff)
    # the same figures as _compute_line_stats_slow, from positions in the (sorted) index and
    # the arrays of the whole line (traded values, volumes, closes, days), made once per line
    currency, exchange = currency_of(line)
    window_start = _window_start(cutoff)
    hi = int(idx.searchsorted(cutoff, side="right"))
    lo = min(int(idx.searchsorted(window_start, side="right")), hi)
    rate = 1.0
    if currency != "USD":
        assert fx is not None
        known = fx.loc[:cutoff]
        rate = float(known.iloc[-1]) if len(known) else np.nan
    value, volume, close, days = memo_checked(prices, ("line_arrays",), (fx,),
                                              lambda: _line_arrays(prices, fx))  # fmt: skip
    first_session = window_start + pd.Timedelta(days=1)
    sessions = _sessions(first_session, cutoff, exchange)
    on_session = np.isin(days[lo:hi], _session_days(first_session, cutoff, exchange))
    traded_days = int(((volume[lo:hi] > 0) & on_session).sum())
    return {
        "line": line,
        "currency": currency,
        "first_date": idx[0] if hi else pd.NaT,
        "close_cut": float(close[hi - 1]) if hi else np.nan,
        "fx_cut": rate,
        "adtv": float(_mean(value[lo:hi])) if hi > lo else 0.0,
        "trading_ratio": traded_days / len(sessions) if len(sessions) else 0.0,
    }


def _mean(values: np.ndarray) -> float:
    """``Series.mean()`` of float values, to the last bit: NaN skipped (set to 0 in a copy),
    numpy's sum over the count of the others (pandas' ``nanops.nanmean``)."""
    missing = np.isnan(values)
    if missing.any():
        values = np.where(missing, 0.0, values)
    count = np.float64(values.size - missing.sum())
    return float(values.sum() / count) if count > 0 else float("nan")


def _line_arrays(
    prices: pd.DataFrame, fx: pd.Series | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Of a whole line: the daily traded value (close × volume, × the USD rate carried forward
    for a non-USD line), the volumes, the closes and the days (``datetime64[ns]``)."""
    value = prices["close"] * prices["volume"]
    if fx is not None:
        value = value * fx.reindex(prices.index, method="ffill")
    days = np.asarray(prices.index.to_numpy(), dtype="datetime64[ns]")
    return (
        value.to_numpy(dtype=float),
        prices["volume"].to_numpy(),
        prices["close"].to_numpy(dtype=float),
        days,
    )


@functools.lru_cache(maxsize=4096)
def _window_start(cutoff: pd.Timestamp) -> pd.Timestamp:
    """The start of the 3-month liquidity window ending at ``cutoff`` (exclusive)."""
    out: pd.Timestamp = cutoff - pd.DateOffset(months=3)
    return out


@functools.lru_cache(maxsize=4096)
def _sessions(start: pd.Timestamp, end: pd.Timestamp, exchange: str) -> pd.DatetimeIndex:
    """:func:`trading_days`, kept (the windows of every line at a cut-off are the same)."""
    return trading_days(start, end, exchange)


@functools.lru_cache(maxsize=4096)
def _session_days(start: pd.Timestamp, end: pd.Timestamp, exchange: str) -> np.ndarray:
    """The days of :func:`_sessions` as ``datetime64[ns]`` (the values ``Index.isin``
    compares with a line's days)."""
    sessions = _sessions(start, end, exchange)
    assert sessions.tz is None  # as the lines' days: compared as they are
    return np.asarray(sessions.to_numpy(), dtype="datetime64[ns]")


def _compute_line_stats_slow(
    line: str, prices: pd.DataFrame, fx: pd.Series | None, cutoff: pd.Timestamp
) -> dict[str, Any]:
    px = prices.loc[:cutoff]
    currency, exchange = currency_of(line)
    window_start = cutoff - pd.DateOffset(months=3)
    win = px.loc[px.index > window_start]
    rate = 1.0
    if currency != "USD":
        assert fx is not None
        known = fx.loc[:cutoff]
        rate = float(known.iloc[-1]) if len(known) else np.nan
        traded = (win["close"] * win["volume"] * fx.reindex(win.index, method="ffill")).mean()
    else:
        traded = (win["close"] * win["volume"]).mean()
    sessions = trading_days(window_start + pd.Timedelta(days=1), cutoff, exchange)
    traded_days = int(((win["volume"] > 0) & win.index.isin(sessions)).sum())
    return {
        "line": line,
        "currency": currency,
        "first_date": px.index[0] if len(px) else pd.NaT,
        "close_cut": float(px["close"].iloc[-1]) if len(px) else np.nan,
        "fx_cut": rate,
        "adtv": float(traded) if len(win) else 0.0,
        "trading_ratio": traded_days / len(sessions) if len(sessions) else 0.0,
    }
