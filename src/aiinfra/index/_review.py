"""One index review: universe → eligibility → scores → selection → capped weights → outputs.

Every step uses only data known at the review's cut-off (``pit_mode: vintage``); with
``pit_mode: static_scores`` the latest scores are used for every date and every output carries
the label "not point-in-time".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from aiinfra.exceptions import InsufficientConstituents, MissingDataError, NotPointInTimeError
from aiinfra.index._calendar import ReviewDates, latest_review, previous_reviews, trading_days
from aiinfra.index._capping import cap_weights, ucits_compliance
from aiinfra.index._methodology import Methodology
from aiinfra.index._scoring import ai_revenue_score, composite_score
from aiinfra.index._selection import rank_candidates, select
from aiinfra.ledger import Ledger
from aiinfra.ledger._dates import to_timestamp
from aiinfra.ledger._validate import parse_adr_ratios

__all__ = ["NOT_PIT_LABEL", "REASONS", "ReviewResult", "currency_of", "run_review"]

NOT_PIT_LABEL = "not point-in-time: scores known only today were applied to earlier dates"
K_NOTIONAL = 1e9

#: Reason codes written for every name that is not selected.
REASONS: dict[str, str] = {
    "EXCLUDED_CATEGORY": "category not in universe.categories",
    "EXCLUDED_BY_CONFIG": "listed in universe.exclude",
    "NO_SCORE": "no score vintage with as_of ≤ cut-off",
    "NO_PRICES": "no price history for any listing line",
    "NO_FX": "only non-USD lines and no FX rates for their currency",
    "LISTING": "no line on an eligible exchange (eligibility.exchanges)",
    "SCORE_STALE": "score vintage older than the previous review (carried at most one review)",
    "HISTORY": "fewer than min_history_months of prices before the cut-off",
    "FFMC_UNKNOWN": "no share count known by the cut-off",
    "FREE_FLOAT_UNKNOWN": "no free float known by the cut-off",
    "FREE_FLOAT": "free float below min_free_float",
    "FFMC": "free-float market cap below min_ffmc_usd",
    "ADTV": "3-month average daily traded value below min_adtv_3m_usd",
    "TRADING_DAYS": "traded on fewer than min_trading_day_ratio of the sessions",
    "COMPOSITE": "composite score below min_composite",
    "NOT_SELECTED": "eligible, ranked outside the selection",
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


PriceGetter = Callable[[str], pd.DataFrame]


@dataclass
class ReviewResult:
    """Everything a review produces.

    Attributes
    ----------
    dates : ReviewDates
    candidates : DataFrame
        One row per company in the universe: line, scores, screen values, ``eligible``,
        ``reason`` (a code of :data:`REASONS`), ``selected``, ``rank``, ``weight``.
    weights : Series
        Target weights of the selected names (index: company id), summing to 1.
    additions, deletions : list of str
    proforma : DataFrame
        Pro-forma constituents: id, ticker, weight, reference price, index shares N' =
        w·K/(P·X) with K = 1e9, from the announcement-date close.
    compliance : dict
    point_in_time : bool
    input_hash : str
        SHA-256 of the methodology and every input the review used.
    warnings : list of str
    """

    dates: ReviewDates
    candidates: pd.DataFrame
    weights: pd.Series
    additions: list[str]
    deletions: list[str]
    proforma: pd.DataFrame
    compliance: dict[str, Any]
    point_in_time: bool
    methodology_hash: str
    input_hash: str
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "point-in-time" if self.point_in_time else NOT_PIT_LABEL

    def selection(self) -> pd.DataFrame:
        cols = [
            "rank",
            "id",
            "name",
            "ticker",
            "category",
            "Q",
            "a",
            "a_source",
            "R",
            "S",
            "m",
            "x",
            "weight",
            "selection_reason",
        ]
        sel = self.candidates[self.candidates["selected"]].sort_values("rank")
        return sel[cols].astype({"rank": int}).reset_index(drop=True)

    def exclusions(self) -> pd.DataFrame:
        cols = ["id", "name", "ticker", "category", "reason", "reason_text"]
        return self.candidates[~self.candidates["selected"]][cols].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """The selection with ranks, scores, categories and weights."""
        return self.selection()

    def to_dict(self) -> dict[str, Any]:
        def recs(frame: pd.DataFrame) -> list[dict[str, Any]]:
            out = json.loads(
                frame.to_json(orient="records", date_format="iso", double_precision=15)
            )
            return out  # type: ignore[no-any-return]

        return {
            "review": self.dates.to_dict(),
            "label": self.label,
            "point_in_time": self.point_in_time,
            "methodology_hash": self.methodology_hash,
            "input_hash": self.input_hash,
            "selection": recs(self.selection()),
            "exclusions": recs(self.exclusions()),
            "additions": self.additions,
            "deletions": self.deletions,
            "proforma": recs(self.proforma),
            "compliance": self.compliance,
            "warnings": self.warnings,
        }


def _latest(
    frame: pd.DataFrame, key: str, date_col: str, cutoff: pd.Timestamp | None
) -> dict[Any, dict[Any, Any]]:
    """Per key, the row with the latest ``date_col`` on or before ``cutoff`` (as a dict)."""
    cached = _memo(frame, ("latest", key, date_col, cutoff),
                   lambda: _compute_latest(frame, key, date_col, cutoff))  # fmt: skip
    return {k: dict(v) for k, v in cached.items()}


def _compute_latest(
    frame: pd.DataFrame, key: str, date_col: str, cutoff: pd.Timestamp | None
) -> dict[Any, dict[Any, Any]]:
    f = frame if cutoff is None else frame[frame[date_col] <= cutoff]
    latest = f.sort_values(date_col).groupby(key).tail(1).set_index(key)
    out: dict[Any, dict[Any, Any]] = latest.to_dict(orient="index")
    return out


class ReviewCache:
    """Memo of what a review derives from its inputs alone, not from the methodology.

    A backtest runs many reviews on the same price frames and ledger tables; a sweep runs many
    backtests on them. Liquidity figures per listing line and cut-off, and the latest record per
    company in a ledger table, are computed once per frame while a cache is active
    (:func:`review_cache`). Entries are keyed by the frame's identity, checked through a weak
    reference, so a new frame never meets an old entry. The frames must not be changed in place
    while the cache is active: a backtest activates one for its own duration; a sweep keeps one
    per worker for its own (private) frames. Outside that, nothing is cached.
    """

    MAX_FRAMES = 10_000

    def __init__(self) -> None:
        self._frames: dict[int, tuple[weakref.ref[Any], dict[tuple[Any, ...], Any]]] = {}

    def lookup(self, frame: Any, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        entry = self._frames.get(id(frame))
        if entry is None or entry[0]() is not frame:
            if len(self._frames) >= self.MAX_FRAMES:
                self._frames.clear()
            entry = (weakref.ref(frame), {})
            self._frames[id(frame)] = entry
        if key not in entry[1]:
            entry[1][key] = compute()
        return entry[1][key]


_LOCAL = threading.local()  # per thread: the stack of active caches (the dashboard runs
# backtests in several threads at once)


def _active() -> list[ReviewCache]:
    stack: list[ReviewCache] | None = getattr(_LOCAL, "stack", None)
    if stack is None:
        stack = _LOCAL.stack = []
    return stack


@contextlib.contextmanager
def review_cache(cache: ReviewCache | None = None) -> Iterator[ReviewCache]:
    """Activate ``cache`` (or the one already active, or a new one) for the ``with`` block, in
    this thread."""
    stack = _active()
    use = cache if cache is not None else (stack[-1] if stack else ReviewCache())
    stack.append(use)
    try:
        yield use
    finally:
        stack.pop()


def _memo(frame: Any, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    stack = _active()
    return stack[-1].lookup(frame, key, compute) if stack else compute()


def _line_stats(
    line: str, prices: pd.DataFrame, fx: pd.Series | None, cutoff: pd.Timestamp
) -> dict[str, Any]:
    key = ("line_stats", line, id(fx), cutoff)
    fx_and_stats = _memo(prices, key, lambda: (fx, _compute_line_stats(line, prices, fx, cutoff)))
    if fx_and_stats[0] is not fx:  # another fx Series under a reused id
        return _compute_line_stats(line, prices, fx, cutoff)
    return dict(fx_and_stats[1])


def _compute_line_stats(
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


def run_review(
    ledger: Ledger,
    prices: PriceGetter,
    methodology: Methodology,
    as_of: object,
    *,
    previous: Mapping[str, float] | None = None,
    fx: Mapping[str, pd.Series] | None = None,
    dates: ReviewDates | None = None,
    missing_vintage: Literal["raise", "static"] = "raise",
) -> ReviewResult:
    """Run the review whose cut-off is the latest on or before ``as_of``.

    Parameters
    ----------
    ledger : Ledger
        Companies, scores, AI-revenue shares, financials (filtered to the cut-off here).
    prices : callable
        ``prices(ticker)`` → daily frame (``close``, ``volume`` …) or MissingDataError.
    methodology : Methodology
    as_of : date
        The review is the latest one whose cut-off is on or before this date.
    previous : mapping, optional
        Current constituents (id → weight): they get the buffered thresholds and the keep rule.
    fx : mapping, optional
        Currency → Series of USD per unit; lines in other currencies are usable only with it.
    dates : ReviewDates, optional
        Use these dates instead of deriving them from ``as_of``.
    missing_vintage : {"raise", "static"}
        With ``pit_mode: vintage`` and no vintage on or before the cut-off: raise
        (:class:`NotPointInTimeError`, the backtest's behaviour), or run with the latest scores
        and label every output not point-in-time (what ``aiinfra index review`` does, so that a
        review dated before today's house view still shows what the rules select).

    Raises
    ------
    NotPointInTimeError
        ``pit_mode: vintage`` and no score vintage exists on or before the cut-off.
    InsufficientConstituents, InfeasibleCapping
        As the methodology defines them.
    """
    cal = methodology.calendar
    if dates is None:
        dates = latest_review(to_timestamp(as_of, "as_of"), cal.rebalance_months, cal.exchange)
    cut = dates.cutoff
    pit = methodology.pit_mode == "vintage"
    existing = set(previous or {})
    warnings: list[str] = []

    scores = ledger.scores
    if pit and not (scores["as_of"] <= cut).any() and missing_vintage == "static":
        pit = False
        warnings.append(
            f"no score vintage on or before the cut-off {cut.date()}: the latest scores were used"
        )
    if pit:
        if not (scores["as_of"] <= cut).any():
            first = scores["as_of"].min()
            raise NotPointInTimeError(
                f"review {dates.review} (cut-off {cut.date()}): no score vintage on or before the "
                f"cut-off (the earliest is {first.date() if pd.notna(first) else 'none'}). Add "
                "historical vintages to scores.csv, or set `pit_mode: static_scores` to run with "
                "today's scores, labelled not point-in-time."
            )
        sc = _latest(scores, "company_id", "as_of", cut)
    else:
        sc = _latest(scores, "company_id", "as_of", None)

    carry = methodology.scores.max_vintage_age_reviews
    stale_before = None
    if carry is not None:
        prev = previous_reviews(dates, carry + 1, cal.rebalance_months, cal.exchange)
        stale_before = (prev[0].cutoff, prev[-1].cutoff)  # (previous review, the one before)
    comp: dict[Any, dict[Any, Any]] = _memo(
        ledger.companies,
        ("companies",),
        lambda: ledger.companies.set_index("id").to_dict(orient="index"),
    )
    ai = _latest(ledger.ai_revenue, "company_id", "known_from", cut)
    fin = _latest(ledger.financials, "company_id", "source_date_known", cut)
    if not pit:
        # not point-in-time anyway: where nothing was published by the cut-off, use the earliest
        # record (share count and free float change slowly) and say so
        earliest = ledger.financials.sort_values("source_date_known").groupby("company_id").head(1)
        late = [c for c in earliest["company_id"] if c not in fin and c in sc]
        for rec in earliest[earliest["company_id"].isin(late)].to_dict(orient="records"):
            fin[rec["company_id"]] = rec
        if late:
            names = sorted(map(str, late))
            shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
            warnings.append(
                f"share counts and free floats published after the cut-off {cut.date()} used "
                f"for {len(names)} companies (their earliest record): {shown}"
            )

    rows: list[dict[str, Any]] = []
    universe = sorted({str(k) for k in sc} | existing)
    allowed = set(methodology.universe.categories or ())
    for cid in universe:
        c = comp[cid]
        row: dict[str, Any] = {
            "id": cid,
            "name": c["name"],
            "country": c["country"],
            "existing": cid in existing,
            "reason": None,
        }
        rows.append(row)
        if cid not in sc:
            row.update(category=c["category"], reason="NO_SCORE")
            continue
        s = sc[cid]
        row.update(category=s["category"], Q=float(s["qualitative"]), score_as_of=s["as_of"])
        if pit and stale_before is not None and s["as_of"] <= stale_before[0]:
            # spec §6: a constituent may carry its last vintage one review; others may not
            if cid in existing and s["as_of"] > stale_before[1]:
                warnings.append(
                    f"{cid}: score vintage {s['as_of'].date()} carried forward one review"
                )
            else:
                row["reason"] = "SCORE_STALE"
        if cid in ai:
            row.update(
                a=float(ai[cid]["share"]),
                a_source=f"{ai[cid]['source_type']} {ai[cid]['fiscal_year']}",
            )
        elif pd.notna(s["ai_revenue_share"]) and (not pit or s["as_of"] <= cut):
            row.update(a=float(s["ai_revenue_share"]), a_source=str(s["ai_revenue_source_type"]))
        else:
            row.update(a=np.nan, a_source="none (R = 0)")
        if allowed and row["category"] not in allowed:
            row["reason"] = "EXCLUDED_CATEGORY"
            continue
        if cid in methodology.universe.exclude:
            row["reason"] = "EXCLUDED_BY_CONFIG"
            continue
        # listing line with the highest ADTV (primary preferred within 20 %)
        lines = [c["ticker"], *[t for t in str(c.get("alt_tickers") or "").split(";") if t]]
        stats = []
        no_fx = off_exchange = False
        for line in [x for x in lines if isinstance(x, str) and x]:
            try:
                px = prices(line)
            except MissingDataError:
                continue
            cur, exchange = currency_of(line)
            if exchange not in methodology.eligibility.exchanges:
                off_exchange = True
                continue
            if cur != "USD" and (fx is None or cur not in fx):
                no_fx = True
                continue
            if px.loc[:cut].empty:
                continue
            rates = None if cur == "USD" or fx is None else fx[cur]
            stats.append(_line_stats(line, px, rates, cut))
        if not stats:
            row["reason"] = "NO_FX" if no_fx else "LISTING" if off_exchange else "NO_PRICES"
            continue
        best = max(stats, key=lambda d: d["adtv"])
        primary = next((d for d in stats if d["line"] == lines[0]), None)
        if primary is not None and primary["adtv"] >= 0.8 * best["adtv"]:
            best = primary
        row.update(
            ticker=best["line"],
            currency=best["currency"],
            first_date=best["first_date"],
            close_cut=best["close_cut"],
            fx_cut=best["fx_cut"],
            adtv=best["adtv"],
            trading_ratio=best["trading_ratio"],
        )
        f: dict[Any, Any] = dict(fin.get(cid) or {})
        adr = c.get("adr_ratios")
        ratio = parse_adr_ratios(adr if isinstance(adr, str) else "").get(best["line"], 1.0)
        # home-market shares expressed in units of the chosen line (one TSM ADR = 5 shares)
        shares = float(f.get("shares_outstanding_mn", np.nan)) / ratio
        ff = float(f.get("free_float", np.nan))
        row["free_float"] = ff
        row["ffmc"] = shares * 1e6 * ff * best["close_cut"] * best["fx_cut"]
    cand = pd.DataFrame(rows)
    for col in ("ticker", "currency", "a_source"):
        if col not in cand:
            cand[col] = None
    for col in ("Q", "a", "close_cut", "fx_cut", "adtv", "trading_ratio", "free_float", "ffmc"):
        if col not in cand:
            cand[col] = np.nan
    if "first_date" not in cand:
        cand["first_date"] = pd.NaT

    # scores
    ms = methodology.scores
    cand["R"] = ai_revenue_score(
        cand["a"],
        ms.ai_revenue_score.method,
        ms.ai_revenue_score.buckets,
        ms.ai_revenue_score.linear_saturation,
    )
    cand.loc[cand["Q"].isna(), "R"] = np.nan
    cand["S"] = composite_score(
        cand["Q"], cand["R"], ms.composite_weights.qualitative, ms.composite_weights.ai_revenue
    )
    cand["m"] = [
        methodology.multiplier(c) if c in methodology.categories else np.nan
        for c in cand["category"]
    ]

    # screens, in METHODOLOGY.md §4 order; existing members get the buffered thresholds
    el = methodology.eligibility
    todo = cand["reason"].isna()
    ex = cand["existing"]

    def screen(mask: pd.Series, code: str) -> None:
        hit = todo & cand["reason"].isna() & mask
        cand.loc[hit, "reason"] = code

    history_cut = cut - pd.DateOffset(months=el.min_history_months)
    screen(cand["first_date"].isna() | (cand["first_date"] > history_cut), "HISTORY")
    screen(cand["ffmc"].isna() & cand["free_float"].notna(), "FFMC_UNKNOWN")
    screen(cand["free_float"].isna(), "FREE_FLOAT_UNKNOWN")
    screen(cand["ffmc"] < np.where(ex, el.min_ffmc_usd.existing, el.min_ffmc_usd.new), "FFMC")
    screen(cand["adtv"] < np.where(ex, el.min_adtv_3m_usd.existing, el.min_adtv_3m_usd.new), "ADTV")
    screen(cand["trading_ratio"] < el.min_trading_day_ratio, "TRADING_DAYS")
    screen(cand["free_float"] < el.min_free_float, "FREE_FLOAT")
    screen(cand["S"] < np.where(ex, el.min_composite.existing, el.min_composite.new), "COMPOSITE")
    cand["eligible"] = cand["reason"].isna()

    # raw weights
    w_spec = methodology.weighting
    if w_spec.scheme == "score":
        tilt = (
            np.power(cand["ffmc"].to_numpy(float), w_spec.mcap_tilt_beta)
            if w_spec.mcap_tilt_beta
            else 1.0
        )
        cand["x"] = cand["S"] * cand["m"] * tilt
    elif w_spec.scheme == "market_cap":
        cand["x"] = cand["ffmc"]
    else:
        cand["x"] = cand["S"] * cand["m"]  # ranking key; weights are set per scheme below
    eligible = cand[cand["eligible"]]
    ranked = rank_candidates(eligible)
    sel = methodology.selection
    try:
        chosen = select(
            ranked,
            existing,
            target_n=sel.target_n,
            core_fraction=sel.core_fraction,
            keep_fraction=sel.keep_fraction,
            min_per_category=sel.min_per_category,
            min_n=sel.min_n,
        )
    except InsufficientConstituents as exc:
        counts = cand["reason"].value_counts()
        why = ", ".join(f"{REASONS[str(k)]} {v}" for k, v in counts.items())
        raise InsufficientConstituents(
            f"review {dates.review} (cut-off {cut.date()}): {exc}. Of {len(cand)} candidates "
            f"{len(eligible)} are eligible; excluded: {why}. Supply more price files (or FX rates "
            "for non-USD lines with --fx), or use a methodology with a lower selection.min_n and "
            "matching caps (see --methodology)."
        ) from None
    rank = dict(zip(ranked["id"], ranked["rank"], strict=True))
    cand["rank"] = cand["id"].map(rank)
    cand["selected"] = cand["id"].isin(chosen.selected)
    cand["selection_reason"] = cand["id"].map(chosen.reasons)
    cand.loc[cand["eligible"] & ~cand["selected"], "reason"] = "NOT_SELECTED"
    cand["reason_text"] = cand["reason"].map(REASONS)

    picked = cand.set_index("id").loc[chosen.selected]
    if w_spec.scheme == "equal":
        u = np.full(len(picked), 1.0 / len(picked))
    elif w_spec.scheme == "tiered_equal":
        assert w_spec.tiers is not None
        u = np.zeros(len(picked))
        live = [t for t in w_spec.tiers if picked["category"].isin(t.categories).any()]
        total = sum(t.weight for t in live)
        for t in live:
            members = picked["category"].isin(t.categories).to_numpy()
            u[members] = t.weight / total / members.sum()
    else:
        x = picked["x"].to_numpy(float)
        u = x / x.sum()
    liq = None
    if w_spec.liquidity_cap is not None:
        lc = w_spec.liquidity_cap
        liq = lc.kappa * picked["adtv"].to_numpy(float) / lc.aum_ref_usd
    thr = w_spec.ucits.threshold if w_spec.ucits else None
    agg = w_spec.ucits.aggregate if w_spec.ucits else None
    w = cap_weights(
        u,
        cap=w_spec.single_cap,
        ucits_threshold=thr,
        ucits_aggregate=agg,
        floor=w_spec.floor,
        liquidity_cap=liq,
        ids=list(picked.index),
    )
    weights = pd.Series(w, index=picked.index, name="weight")
    cand["weight"] = cand["id"].map(weights).fillna(0.0)

    # pro-forma shares from the announcement-date close
    pro = []
    picked_rec: dict[Any, dict[Any, Any]] = picked.to_dict(orient="index")
    for key, weight in weights.items():
        cid = str(key)
        pline = str(picked_rec[cid]["ticker"])
        pclose = prices(pline)["close"].loc[: dates.announce]
        ref_date = pd.Timestamp(pclose.index[-1])
        if ref_date < dates.announce:
            warnings.append(
                f"{cid}: no close on the announcement date {dates.announce.date()}; pro-forma "
                f"shares use the last close ({ref_date.date()})"
            )
        cur = str(picked_rec[cid]["currency"])
        rate = 1.0
        if cur != "USD" and fx is not None:
            known = fx[cur].loc[: dates.announce]
            rate = float(known.iloc[-1]) if len(known) else float("nan")
        price = float(pclose.iloc[-1])
        pro.append(
            {
                "id": cid,
                "ticker": pline,
                "weight": float(weight),
                "ref_date": ref_date,
                "price": price,
                "fx": rate,
                "shares": float(weight) * K_NOTIONAL / (price * rate),
            }
        )
    proforma = pd.DataFrame(pro)
    if not pit:
        warnings.insert(0, NOT_PIT_LABEL)

    compliance: dict[str, Any] = {
        "count": len(weights),
        "max_weight": float(weights.max()),
        "sum": float(weights.sum()),
    }
    if w_spec.ucits:
        compliance.update(
            ucits_compliance(
                w, w_spec.ucits.threshold, w_spec.ucits.aggregate, cap=w_spec.single_cap
            )
        )
    compliance["category_weights"] = {
        str(k): float(v) for k, v in weights.groupby(picked["category"]).sum().items()
    }

    hash_cols = [
        "id",
        "ticker",
        "category",
        "Q",
        "a",
        "ffmc",
        "adtv",
        "trading_ratio",
        "free_float",
        "first_date",
        "existing",
    ]
    payload = {
        "methodology": methodology.config_hash(),
        "dates": dates.to_dict(),
        "inputs": json.loads(
            cand[hash_cols].to_json(orient="records", date_format="iso", double_precision=15)
        ),
        "previous": sorted(existing),
    }
    input_hash = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    return ReviewResult(
        dates=dates,
        candidates=cand,
        weights=weights,
        additions=sorted(set(weights.index) - existing),
        deletions=sorted(existing - set(weights.index)),
        proforma=proforma,
        compliance=compliance,
        point_in_time=pit,
        methodology_hash=methodology.config_hash(),
        input_hash=input_hash,
        warnings=warnings,
    )
