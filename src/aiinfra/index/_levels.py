"""Daily index levels: index shares, divisor, price / gross / net total return (METHODOLOGY §10-11).

The calculation is vectorised over (dates × securities): between two boundaries (a rebalance or
a corporate action) the shares are fixed and the market value of every day is one matrix-vector
product. Python loops run only over boundaries (about four a year), never over days or names.
Float64 throughout; shares and divisor are never rounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from aiinfra.exceptions import InvalidParameterError

__all__ = [
    "CorporateAction",
    "LevelResult",
    "Rebalance",
    "compute_levels",
    "dividends_from_adjusted",
]

K_NOTIONAL = 1e9
#: columns of :attr:`LevelResult.weights` (documented in :func:`compute_levels`)
WEIGHT_COLUMNS = [
    "review",
    "effective",
    "date",
    "event",
    "security",
    "target",
    "weight_effective",
    "weight_drifted",
    "shares",
    "divisor",
]


@dataclass(frozen=True)
class Rebalance:
    """Target weights set on ``announce`` (shares from that close), live after ``effective``."""

    announce: pd.Timestamp
    effective: pd.Timestamp
    weights: pd.Series  # security id -> weight (sums to 1)
    label: str = ""


@dataclass(frozen=True)
class CorporateAction:
    """One event of a user-supplied corporate-action file.

    ``kind``: ``split`` (``value`` new shares per old; only for prices not split-adjusted),
    ``cash_dividend`` / ``special_dividend`` (``value`` per share, local currency, going ex on
    ``date``), ``delisting`` (removed at the last price at the close of ``date``, proceeds
    reinvested pro rata), ``spin_off`` (``value`` new shares of ``new_security`` per parent share,
    ex on ``date``: added at price 0 at the previous close, removed at the close of ``date`` and
    reinvested pro rata — METHODOLOGY Example 6).
    """

    date: pd.Timestamp
    security: str
    kind: Literal["split", "cash_dividend", "special_dividend", "delisting", "spin_off"]
    value: float = 0.0
    new_security: str | None = None


@dataclass(eq=False)
class LevelResult:
    """Daily levels and the logs of the calculation.

    Attributes
    ----------
    levels : DataFrame indexed by date
        ``PR``, ``GTR``, ``NTR`` (base ``base_value`` on the first effective date), ``divisor``,
        ``dividend_points`` (gross, PR points).
    rebalances : DataFrame
        One row per rebalance: effective date, one-way ``turnover`` = ½Σ|w_new − w_drifted|,
        ``cost`` (fraction of the level deducted), number of names.
    weights : DataFrame
        The holdings: one block of rows per close at which the index shares or the divisor
        changed (each rebalance and each corporate action between rebalances), one row per line
        held before or after the change, with the shares and divisor in force from the next
        session (columns in :func:`compute_levels`).
    actions : DataFrame
        Corporate actions applied (and automatic removals of stale securities).
    compliance : DataFrame or None
        Daily drifted-weight statistics (max weight, sum above 5 % and 4.5 %, count).
    """

    levels: pd.DataFrame
    compliance: pd.DataFrame | None = None
    warnings: list[str] = field(default_factory=list)
    _weight_parts: list[tuple[Any, ...]] = field(default_factory=list, repr=False)
    _columns: list[str] = field(default_factory=list, repr=False)
    _dates: pd.DatetimeIndex | None = field(default=None, repr=False)
    _rebalance_rows: list[dict[str, object]] = field(default_factory=list, repr=False)
    _action_rows: list[dict[str, object]] = field(default_factory=list, repr=False)

    @cached_property
    def rebalances(self) -> pd.DataFrame:
        """One row per rebalance: ``effective``, ``announce``, ``review``, one-way ``turnover``,
        ``cost`` (fraction of the level deducted), ``names`` (built on first access)."""
        rows = self._rebalance_rows
        days = np.asarray(self._dates if self._dates is not None else [], dtype="datetime64[ns]")
        return pd.DataFrame(
            {
                "effective": days[[int(x["effective"]) for x in rows]],  # type: ignore[call-overload]
                "announce": days[[int(x["announce"]) for x in rows]],  # type: ignore[call-overload]
                "review": [x["review"] for x in rows],
                "turnover": np.array([x["turnover"] for x in rows], dtype=float),
                "cost": np.array([x["cost"] for x in rows], dtype=float),
                "names": np.array([x["names"] for x in rows], dtype=np.int64),
            }
        )

    @cached_property
    def actions(self) -> pd.DataFrame:
        """Corporate actions applied, and automatic removals of stale securities."""
        return pd.DataFrame(
            self._action_rows, columns=["date", "security", "action", "value_reinvested", "note"]
        )

    @cached_property
    def weights(self) -> pd.DataFrame:
        """The holdings after every change of shares or divisor (built on first access; columns
        in :func:`compute_levels`)."""
        return _weights_frame(self._weight_parts, self._columns, self._dates)

    def to_frame(self) -> pd.DataFrame:
        return self.levels


def dividends_from_adjusted(
    close: pd.DataFrame, adj_close: pd.DataFrame, tol: float = 1e-6
) -> pd.DataFrame:
    """Cash dividends per share implied by a close and a dividend-adjusted close.

    Yahoo-style adjustment multiplies every row before an ex-date ``e`` by ``1 − d/close[e−1]``,
    so with ``f = adj_close / close``: ``d_e = close[e−1] · (1 − f[e−1] / f[e])``. Relative
    changes of ``f`` below ``tol`` are rounding noise of the source and give no dividend.

    Returns
    -------
    DataFrame like ``close``: the dividend going ex on each date (0 elsewhere).
    """
    f = (adj_close / close).to_numpy(float)
    c = close.to_numpy(float)
    out = np.zeros_like(c)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = f[:-1] / f[1:]
        d = c[:-1] * (1.0 - ratio)
    ok = np.isfinite(d) & ((1.0 - ratio) > tol)
    out[1:][ok] = d[ok]
    return pd.DataFrame(out, index=close.index, columns=close.columns)


def _weights_frame(
    parts: list[tuple[Any, ...]], cols: list[str], dates: pd.DatetimeIndex | None
) -> pd.DataFrame:
    """One frame of every holdings block (names held before or after), built on demand.

    ``parts`` holds one :class:`_Block` per close at which shares or the divisor changed.
    """
    if not parts or dates is None:
        return pd.DataFrame(columns=WEIGHT_COLUMNS)
    names = np.asarray(cols, dtype=object)
    frames = []
    for label, b_eff, b, event, w, w_eff, w_drift, shares, divisor in parts:
        held = np.flatnonzero((shares > 0) | (w_drift > 0))
        frames.append(
            pd.DataFrame(
                {
                    "review": label,
                    "effective": dates[int(b_eff)],
                    "date": dates[int(b)],
                    "event": event,
                    "security": names[held],
                    "target": w[held],
                    "weight_effective": w_eff[held],
                    "weight_drifted": w_drift[held],
                    "shares": shares[held],
                    "divisor": divisor,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[WEIGHT_COLUMNS]


def _fast_segments(
    PX: np.ndarray,
    DIV: np.ndarray | None,
    wht: np.ndarray,
    schedule: list[tuple[int, int, Rebalance]],
    aligned: Any,
    base_value: float,
    cost_bps: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[dict[str, object]], list[Any]]:
    """Levels of a schedule without corporate actions: one matrix-vector product per segment.

    ``U_k = w_k / P_ann,k`` are the shares per unit of notional; within segment k the level is
    ``I_b · (P_t · U_k) / (P_b · U_k)``, which is the divisor arithmetic of the general path with
    the notional factored out (N = K·U, D = K·(P_b·U_k)/I_b).
    """
    n_t = PX.shape[0]
    eff = np.array([b for b, _, _ in schedule])
    t0 = int(eff[0])
    ann = np.array([t0 if k == 0 else a for k, (_, a, _) in enumerate(schedule)])
    W = np.vstack([aligned(r) for _, _, r in schedule])
    sums = W.sum(axis=1)
    if np.any(np.abs(sums - 1.0) > 1e-9):
        k = int(np.argmax(np.abs(sums - 1.0)))
        r = schedule[k][2]
        raise InvalidParameterError(
            f"weights of rebalance {r.label or r.effective.date()} sum to {sums[k]}"
        )
    R = PX[ann]
    if np.any((W > 0) & (R <= 0)):
        k, j = (int(x[0]) for x in np.nonzero((W > 0) & (R <= 0)))
        raise InvalidParameterError(
            f"no price on the announcement date for column {j} (rebalance {k})"
        )
    U = np.divide(W, R, out=np.zeros_like(W), where=W > 0)
    lvl = np.full(n_t, np.nan)
    ID = np.zeros(n_t)
    IDN = np.zeros(n_t)
    Dv = np.full(n_t, np.nan)
    net = 1.0 - wht
    ends = [*eff[1:].tolist(), n_t - 1]
    level = base_value
    v0 = np.empty(len(eff))
    for k, b in enumerate(eff.tolist()):
        e = ends[k]
        v = PX[b : e + 1] @ U[k]
        v0[k] = v[0]
        scale = level / v[0]
        lvl[b : e + 1] = v * scale
        Dv[b + 1 : e + 1] = K_NOTIONAL / scale
        if DIV is not None and e > b:
            ID[b + 1 : e + 1] = (DIV[b + 1 : e + 1] @ U[k]) * scale
            IDN[b + 1 : e + 1] = (DIV[b + 1 : e + 1] @ (U[k] * net)) * scale
        level = float(lvl[e])
    Dv[t0] = K_NOTIONAL * v0[0] / base_value
    # bookkeeping, vectorised over the rebalances (row gathers are strided: reuse when possible)
    PB = R if np.array_equal(ann, eff) else PX[eff]
    w_eff = PB * U / v0[:, None]
    w_drift = np.zeros_like(w_eff)
    if len(eff) > 1:
        held = PB[1:] * U[:-1]
        w_drift[1:] = held / held.sum(axis=1, keepdims=True)
    traded = np.abs(w_eff - w_drift).sum(axis=1)
    turnover = np.where(np.arange(len(eff)) == 0, 1.0, traded / 2.0)
    cost = np.where(np.arange(len(eff)) == 0, 0.0, cost_bps / 1e4 * traded)
    names = (U > 0).sum(axis=1)
    reb_rows: list[dict[str, object]] = [
        {"effective": int(eff[k]), "announce": int(ann[k]), "review": schedule[k][2].label,
         "turnover": float(turnover[k]), "cost": float(cost[k]), "names": int(names[k])}
        for k in range(len(eff))
    ]  # fmt: skip
    parts = [
        (schedule[k][2].label, int(eff[k]), int(eff[k]), "rebalance", W[k], w_eff[k], w_drift[k],
         U[k] * K_NOTIONAL, K_NOTIONAL * v0[k] / (base_value if k == 0 else float(lvl[eff[k]])))
        for k in range(len(eff))
    ]  # fmt: skip
    return lvl, ID, IDN, Dv, reb_rows, parts


def _ffill(a: np.ndarray) -> np.ndarray:
    """Forward-fill NaN down each column (vectorised); leading NaN stay NaN."""
    mask = np.isnan(a)
    if not mask.any():
        return a
    idx = np.where(~mask, np.arange(a.shape[0])[:, None], 0)
    np.maximum.accumulate(idx, axis=0, out=idx)
    out = a[idx, np.arange(a.shape[1])]
    return out


def compute_levels(
    close: pd.DataFrame,
    rebalances: list[Rebalance],
    *,
    dividends: pd.DataFrame | None = None,
    fx: pd.DataFrame | None = None,
    withholding: pd.Series | None = None,
    actions: list[CorporateAction] | None = None,
    base_value: float = 1000.0,
    cost_bps: float = 0.0,
    stale_days: int | None = 20,
    split_adjusted: bool = True,
    compliance: bool = False,
) -> LevelResult:
    """Index levels from prices and a rebalance schedule.

    Parameters
    ----------
    close : DataFrame of shape (n_dates, n_securities)
        Closing prices in local currency on every calculation day (NaN where a security does
        not trade; a held security's last close is carried forward).
    rebalances : list of Rebalance
        In date order. The first effective date is the base date (level ``base_value``).
    dividends : DataFrame like ``close``, optional
        Gross cash dividend per share going ex on each date (e.g. from
        :func:`dividends_from_adjusted`). Used for GTR and NTR.
    fx : DataFrame like ``close``, optional
        USD per unit of each security's currency (1 when omitted).
    withholding : Series, optional
        Withholding-tax rate per security for NTR (0 when omitted).
    actions : list of CorporateAction, optional
    cost_bps : float
        Transaction cost per unit traded (two-way Σ|Δw|), deducted from all variants at each
        effective close after the first.
    stale_days : int or None
        A held security without a new close for this many days is removed as delisted at its last
        price, proceeds reinvested pro rata (None: never).
    split_adjusted : bool
        Prices are split-adjusted (the csv format): ``split`` actions are then ignored with a
        warning, since applying them would double-count.
    compliance : bool
        Also return the daily drifted-weight statistics.

    Returns
    -------
    LevelResult
        ``weights`` holds one block of rows per close at which the shares or the divisor
        changed — every rebalance and every corporate action applied between two (removals,
        splits, spin-offs, special dividends) — and one row per line held before or after the
        change: ``review`` and ``effective`` (the review in force), ``date`` (the close of the
        change), ``event`` (``rebalance`` and/or ``<action> <line>``, ``; ``-separated),
        ``target`` (the review's target weight), ``weight_effective`` / ``weight_drifted`` (the
        weight after / before the change at that close; value-neutral actions leave it
        unchanged, a SpinCo enters at 0), ``shares`` and ``divisor`` (after costs) in force from
        the next session. So on every day ``t`` after the base date, with the block of the latest
        ``date`` before ``t``: ``PR_t = Σ shares·P_t·X_t / divisor`` and
        ``GTR_t = GTR_t−1 · (PR_t + Σ shares·d_t·X_t / divisor) / PR_t−1``.

    Notes
    -----
    Shares at a rebalance are ``w·K/(P_ann·X_ann)`` with ``K = 1e9`` (the base uses the base-date
    close); the new divisor keeps the level continuous: ``D' = Σ N' P X / I``. GTR and NTR chain
    ``(I_t + ID_t)/I_{t−1}`` with the index dividend points ``ID_t = Σ N d X / D`` (NTR with
    ``d·(1−wht)``). Cost: O(n_dates × n_securities) for the market values plus O(n_boundaries).
    """
    if not rebalances:
        raise InvalidParameterError("`rebalances` must hold at least one rebalance")
    dates = pd.DatetimeIndex(close.index)
    if not dates.is_monotonic_increasing or not dates.is_unique:
        raise InvalidParameterError("`close` must have sorted, unique dates")
    cols = list(close.columns)
    col_index = pd.Index(cols)
    if not col_index.is_unique:
        raise InvalidParameterError("`close` must have unique security columns")
    pos = {c: j for j, c in enumerate(cols)}
    n_t, n_s = close.shape
    raw = close.to_numpy(dtype=float)
    # a column sum finds the columns with gaps without a full-size mask (NaN propagates)
    nan_cols = np.flatnonzero(np.isnan(raw.sum(axis=0)))
    has_sub = ~np.isnan(raw[:, nan_cols])  # (n_dates, n_gappy): where those columns have a close
    if nan_cols.size == 0:
        P = raw  # no copy: nothing to fill
    else:
        P = raw.copy()
        filled = _ffill(raw[:, nan_cols])
        P[:, nan_cols] = np.where(np.isnan(filled), 0.0, filled)
    X = (
        None
        if fx is None
        else fx.reindex(index=dates, columns=cols).ffill().bfill().fillna(1.0).to_numpy(float)
    )
    PX = P if X is None else P * X
    DIV = None
    if dividends is not None:
        DIV = dividends.reindex(index=dates, columns=cols).fillna(0.0).to_numpy(float)
        if X is not None:
            DIV = DIV * X
    wht = (
        np.zeros(n_s)
        if withholding is None
        else withholding.reindex(cols).fillna(0.0).to_numpy(float)
    )
    warnings: list[str] = []
    log: list[dict[str, object]] = []

    # boundaries: day index -> ordered actions at that day's close
    removals: dict[int, list[tuple[str, CorporateAction]]] = {}
    pre_ex: dict[int, list[CorporateAction]] = {}
    special: dict[int, list[CorporateAction]] = {}
    #: first index from which a security is out of the index for good (delisted, stale)
    dead_from: dict[int, int] = {}
    for a in actions or []:
        if a.security not in pos:
            warnings.append(f"corporate action for {a.security!r} ignored: not in the price matrix")
            continue
        # an event dated on a non-trading day takes effect on the next session
        t = int(dates.searchsorted(pd.Timestamp(a.date), side="left"))
        if t >= n_t or t == 0:
            side = "after the last" if t >= n_t else "on or before the first"
            warnings.append(
                f"{a.kind} of {a.security} on {a.date.date()} ignored: {side} price date"
            )
            continue
        j = pos[a.security]
        if a.kind == "split":
            if split_adjusted:
                warnings.append(
                    f"split of {a.security} on {a.date.date()} ignored: prices are split-adjusted"
                )
                continue
            pre_ex.setdefault(t - 1, []).append(a)
        elif a.kind == "special_dividend":
            special.setdefault(t - 1, []).append(a)
        elif a.kind == "cash_dividend":
            if DIV is None:
                DIV = np.zeros((n_t, n_s))
            DIV[t, j] += a.value * (1.0 if X is None else X[t, j])
        elif a.kind == "delisting":
            removals.setdefault(t, []).append(("delisting", a))
            dead_from[j] = min(dead_from.get(j, n_t), t)
        elif a.kind == "spin_off":
            if a.new_security not in pos:
                raise InvalidParameterError(
                    f"spin-off of {a.security}: no prices for {a.new_security!r}"
                )
            s_j = pos[a.new_security]
            pre_ex.setdefault(t - 1, []).append(a)
            # removed at the close of SpinCo's first trading day on or after the ex-date
            first = np.flatnonzero(~np.isnan(raw[t:, s_j]))
            if first.size == 0:
                warnings.append(f"spin-off {a.new_security} never trades: removed at price 0")
            removals.setdefault(t + int(first[0]) if first.size else t, []).append(
                ("spin_off_removal", a)
            )
    if stale_days is not None and nan_cols.size:
        # every run of more than `stale_days` sessions without a close (a suspension, or the end
        # of a file) removes the security at its last price once the run reaches the limit
        for k, col_no in enumerate(nan_cols):
            col = has_sub[:, k]
            starts = np.flatnonzero(~col & np.r_[True, col[:-1]])  # first NaN of each run
            ends = np.flatnonzero(~col & np.r_[col[1:], True])  # last NaN of each run
            for a0, a1 in zip(starts, ends, strict=True):
                if a0 == 0 or a1 - a0 + 1 <= stale_days:
                    continue  # before the first close, or a short gap
                day = int(a0 - 1 + stale_days)
                stale = CorporateAction(dates[int(a0 - 1)], cols[int(col_no)], "delisting")
                removals.setdefault(day, []).append(("stale", stale))
                if a1 == n_t - 1:
                    dead_from[int(col_no)] = min(dead_from.get(int(col_no), n_t), day)

    def aligned(r: Rebalance) -> np.ndarray:
        """The rebalance's weights as a vector over the columns (a fresh array)."""
        if r.weights.index is close.columns or r.weights.index.equals(col_index):
            return r.weights.to_numpy(float, copy=True)
        where = col_index.get_indexer(r.weights.index)
        if (where < 0).any():
            missing = list(r.weights.index[where < 0])
            raise InvalidParameterError(f"no prices for {', '.join(map(str, missing))}")
        w = np.zeros(n_s)
        w[where] = r.weights.to_numpy(float)
        return w

    # all schedule dates located at once: the rebalance at the last session on or before a date
    when = np.array([pd.Timestamp(r.effective).asm8 for r in rebalances], dtype="datetime64[ns]")
    told = np.array([pd.Timestamp(r.announce).asm8 for r in rebalances], dtype="datetime64[ns]")
    eff = dates.searchsorted(when, side="right") - 1
    ann = dates.searchsorted(told, side="right") - 1
    if (eff < 0).any() or (ann < 0).any():
        raise InvalidParameterError("a rebalance date is before the first price date")
    reb_at: dict[int, Rebalance] = {}
    ann_at: dict[int, int] = {}
    for r, e_i, a_i in zip(rebalances, eff, ann, strict=True):
        reb_at[int(e_i)] = r
        ann_at[int(e_i)] = int(a_i)
    t0 = min(reb_at)
    bounds = sorted(b for b in set(reb_at) | set(removals) | set(pre_ex) | set(special) if b >= t0)

    comp_parts: list[pd.DataFrame] = []
    # Without corporate actions, removals or a compliance report nothing interleaves with the
    # rebalances, and all bookkeeping (drift, turnover, divisors) is computed in one pass after the
    # levels: the loop holds one matrix-vector product per segment. The general path below handles
    # everything else; a property test checks that both agree.
    fast = not (removals or pre_ex or special or dead_from or compliance)
    if fast:
        lvl, ID, IDN, Dv, reb_rows, w_parts = _fast_segments(
            PX, DIV, wht, [(b, ann_at[b], reb_at[b]) for b in sorted(reb_at)], aligned, base_value,
            cost_bps,
        )  # fmt: skip
    else:
        lvl = np.full(n_t, np.nan)
        ID = np.zeros(n_t)
        IDN = np.zeros(n_t)
        Dv = np.full(n_t, np.nan)
        N = np.zeros(n_s)
        D = 1.0
        reb_rows = []
        w_parts = []
        prev = t0

        def fill(a: int, b: int) -> None:
            """Levels for days a..b (inclusive) with the current shares and divisor."""
            if b < a:
                return
            lvl[a : b + 1] = PX[a : b + 1] @ N / D
            Dv[a : b + 1] = D
            if DIV is not None:
                ID[a : b + 1] = DIV[a : b + 1] @ N / D
                IDN[a : b + 1] = DIV[a : b + 1] @ (N * (1.0 - wht)) / D
            if compliance and (N > 0).any():
                held = N > 0
                mv = PX[a : b + 1][:, held] * N[held]
                w = mv / mv.sum(axis=1, keepdims=True)
                comp_parts.append(
                    pd.DataFrame(
                        {
                            "max_weight": w.max(axis=1),
                            "sum_above_5pct": np.where(w > 0.05, w, 0).sum(axis=1),
                            "sum_above_4_5pct": np.where(w > 0.045, w, 0).sum(axis=1),
                            "count": np.full(b - a + 1, int(held.sum())),
                        },
                        index=dates[a : b + 1],
                    )
                )

        def reinvest(j: int, t: int, why: str, when: pd.Timestamp) -> bool:
            """Remove line ``j`` at the close of ``t``, proceeds pro rata (False: not held)."""
            nonlocal N
            if N[j] == 0:
                return False
            mv = float(PX[t] @ N)
            freed = N[j] * PX[t, j]
            # copy on write: the array in force before may be stored in a holdings block
            N = N.copy()
            N[j] = 0.0
            rest = mv - freed
            if rest > 0:
                N = N * (mv / rest)
            log.append(
                {
                    "date": dates[t],
                    "security": cols[j],
                    "action": why,
                    "value_reinvested": freed / D,
                    "note": f"last close {when.date()}",
                }
            )
            return True

        # the review in force: label, effective day index, target weights
        current: tuple[str, int, np.ndarray] = ("", t0, np.zeros(n_s))
        for b in bounds:
            if b > t0:
                fill(prev + 1, b)
            # shares and divisor are never changed in place (copy on write): every holdings block
            # keeps the array it was given
            N_before = N
            changes: list[str] = []
            # 1. removals at the close of b
            for why, a in removals.get(b, []):
                j = pos[a.new_security] if why == "spin_off_removal" else pos[a.security]  # type: ignore[index]
                if why == "stale" and N[j] > 0:
                    warnings.append(
                        f"{cols[j]}: no close after {a.date.date()}; removed as delisted at "
                        "the last price"
                    )
                if reinvest(j, b, why, a.date):
                    changes.append(f"{why} {cols[j]}")
            # 2. rebalance at the close of b
            if b in reb_at:
                r = reb_at[b]
                w = aligned(r)
                if abs(w.sum() - 1.0) > 1e-9:
                    raise InvalidParameterError(
                        f"weights of rebalance {r.label or r.effective.date()} sum to {w.sum()}"
                    )
                gone = [j for j, t_dead in dead_from.items() if t_dead <= b and w[j] > 0]
                if gone:
                    w[gone] = 0.0
                    if w.sum() <= 0:
                        raise InvalidParameterError(
                            f"rebalance {r.label or dates[b].date()}: every constituent was removed"
                        )
                    w = w / w.sum()
                    names = ", ".join(cols[j] for j in gone)
                    warnings.append(
                        f"rebalance {r.label or dates[b].date()}: {names} removed before the "
                        "effective date (delisted or stale); weights renormalised"
                    )
                # the base uses the base-date close; later rebalances the announcement-date close
                t_ann = t0 if b == t0 else ann_at[b]
                ref = np.array(PX[t_ann])  # one contiguous read of the (column-major) row
                row = ref if t_ann == b else np.array(PX[b])
                if np.any((w > 0) & (ref <= 0)):
                    bad = [cols[j] for j in np.flatnonzero((w > 0) & (ref <= 0))]
                    raise InvalidParameterError(
                        f"no price on {dates[t_ann].date()} for {', '.join(bad)}"
                    )
                N_new = np.divide(w * K_NOTIONAL, ref, out=np.zeros(n_s), where=w > 0)
                for a in [x for x in actions or [] if x.kind == "split" and not split_adjusted]:
                    if dates[t_ann] < a.date <= dates[b]:
                        N_new[pos[a.security]] *= a.value
                mv_new = float(row @ N_new)
                if b == t0:
                    level = base_value
                    turnover, cost = 1.0, 0.0
                else:
                    level = float(lvl[b])
                    mv_old = float(row @ N)
                    traded = float(np.abs(row * N_new / mv_new - row * N / mv_old).sum())
                    turnover = traded / 2.0
                    cost = cost_bps / 1e4 * traded
                N = N_new
                D = mv_new / level
                if b == t0:
                    lvl[t0], Dv[t0] = base_value, D
                reb_rows.append(
                    {
                        "effective": b,
                        "announce": t_ann,
                        "review": r.label,
                        "turnover": turnover,
                        "cost": cost,
                        "names": int((N > 0).sum()),
                    }
                )
                current = (r.label, b, w)
                changes.append("rebalance")
            N_mid = N  # the holdings valued at this close (a spin-off enters at price 0)
            # 3. corporate actions taking effect before the next day's open
            for a in special.get(b, []):
                j = pos[a.security]
                mv = float(PX[b] @ N)
                amount = a.value * (1.0 if X is None else X[b, j])
                if N[j] > 0 and mv > 0:
                    paid = N[j] * amount / D
                    D = D * (mv - N[j] * amount) / mv
                    changes.append(f"special_dividend {a.security}")
                    log.append(
                        {
                            "date": dates[b + 1],
                            "security": a.security,
                            "action": "special_dividend",
                            "value_reinvested": paid,
                            "note": "divisor adjusted",
                        }
                    )
            for a in pre_ex.get(b, []):
                j = pos[a.security]
                if a.kind == "split" and N[j] > 0:
                    N = N.copy()
                    N[j] *= a.value
                    changes.append(f"split {a.security}")
                    log.append(
                        {
                            "date": dates[b + 1],
                            "security": a.security,
                            "action": "split",
                            "value_reinvested": 0.0,
                            "note": f"ratio {a.value:g}",
                        }
                    )
                elif a.kind == "spin_off" and N[j] > 0:
                    s = pos[a.new_security]  # type: ignore[index]
                    N = N.copy()
                    N[s] += N[j] * a.value
                    changes.append(f"spin_off_add {a.new_security}")
                    log.append(
                        {
                            "date": dates[b + 1],
                            "security": a.new_security,
                            "action": "spin_off_add",
                            "value_reinvested": 0.0,
                            "note": f"{a.value:g} per {a.security} share at price 0",
                        }
                    )
            if changes:
                # one holdings block per close that changed shares or divisor: the weights before
                # the change (previous shares at this close) and after it, the shares and the
                # divisor in force from the next session
                row = np.array(PX[b])
                mv_before = float(row @ N_before)
                w_drift = row * N_before / mv_before if mv_before > 0 else np.zeros(n_s)
                mv_after = float(row @ N_mid)
                w_eff = row * N_mid / mv_after if mv_after > 0 else np.zeros(n_s)
                label, b_eff, w_target = current
                event = "; ".join(changes)
                w_parts.append((label, b_eff, b, event, w_target, w_eff, w_drift, N, D))
            prev = b
        fill(prev + 1, n_t - 1)

    # costs are deducted at each effective close after the first: scale all later levels.
    # `after[t]` is the factor in force from the session after t's close (one slot past the end
    # for a rebalance on the last day); the published divisor includes it, so that on every day
    # PR = Σ N·P·X / divisor, in levels and in the holdings blocks alike
    after: np.ndarray = np.ones(n_t + 1)
    if cost_bps:
        steps = np.ones(n_t + 1)
        for rec in reb_rows[1:]:
            t = int(rec["effective"])  # type: ignore[call-overload]
            steps[t + 1] *= 1.0 - float(rec["cost"])  # type: ignore[arg-type]
        after = np.cumprod(steps)
        Dv = Dv / after[:n_t]
        w_parts = [(*p[:-1], p[-1] / after[int(p[2]) + 1]) for p in w_parts]
    running = after[:n_t]
    pr = lvl * running
    with np.errstate(invalid="ignore", divide="ignore"):
        g_ratio = (lvl[1:] + ID[1:]) / lvl[:-1]
        n_ratio = (lvl[1:] + IDN[1:]) / lvl[:-1]
    g = np.full(n_t, np.nan)
    nt = np.full(n_t, np.nan)
    g[t0] = nt[t0] = base_value
    g[t0 + 1 :] = base_value * np.cumprod(g_ratio[t0:]) * running[t0 + 1 :]
    nt[t0 + 1 :] = base_value * np.cumprod(n_ratio[t0:]) * running[t0 + 1 :]
    levels = pd.DataFrame(
        {"PR": pr, "GTR": g, "NTR": nt, "divisor": Dv, "dividend_points": ID}, index=dates
    ).iloc[t0:]
    levels.index.name = "date"
    return LevelResult(
        levels=levels,
        _rebalance_rows=reb_rows,
        _action_rows=log,
        _weight_parts=w_parts,
        _columns=cols,
        _dates=dates,
        compliance=pd.concat(comp_parts) if comp_parts else None,
        warnings=warnings,
    )
