"""Daily index levels: index shares, divisor, price / gross / net total return (METHODOLOGY §10-11).

The calculation is vectorised over (dates × securities): between two boundaries (a rebalance or
a corporate action) the shares are fixed and the market value of every day is one matrix-vector
product. Python loops run only over boundaries (about four a year), never over days or names.
Float64 throughout; shares and divisor are never rounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from aiinfra.exceptions import InvalidParameterError
from aiinfra.index._cache import Deferred, LazyField

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
        Daily drifted-weight statistics (max weight, sum above 5 % and 4.5 %, count), made on
        first access.
    """

    levels: pd.DataFrame
    if TYPE_CHECKING:
        compliance: pd.DataFrame | None = None
    else:
        compliance: pd.DataFrame | None = LazyField(default=None)
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

    @property
    def has_actions(self) -> bool:
        """Whether :attr:`actions` has a row (without making the frame)."""
        return bool(self._action_rows)

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


def _ffill(a: np.ndarray) -> np.ndarray:
    """Forward-fill NaN down each column (vectorised); leading NaN stay NaN."""
    mask = np.isnan(a)
    if not mask.any():
        return a
    idx = np.where(~mask, np.arange(a.shape[0])[:, None], 0)
    np.maximum.accumulate(idx, axis=0, out=idx)
    out = a[idx, np.arange(a.shape[1])]
    return out


# --------------------------------------------------------------------------------------------
# step 1: the inputs, validated, as matrices


@dataclass
class _Market:
    """The inputs of a level calculation as float matrices over (dates × lines).

    ``raw`` is ``close`` as given; ``PX`` the closes carried forward over gaps (0 before a line's
    first close) times FX; ``X`` the FX rates (None: all 1); ``DIV`` the gross dividend per share
    going ex on each day times FX (None: no dividends); ``wht`` the withholding rate per line;
    ``gappy`` the columns with gaps and ``has_close`` (days × gappy) where they have a close.
    """

    dates: pd.DatetimeIndex
    columns: pd.Index  # close.columns, as given
    col_index: pd.Index
    cols: list[str]
    pos: dict[str, int]
    raw: np.ndarray
    PX: np.ndarray
    X: np.ndarray | None
    DIV: np.ndarray | None
    wht: np.ndarray
    gappy: np.ndarray
    has_close: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        n_t, n_s = self.raw.shape
        return int(n_t), int(n_s)

    def aligned(self, r: Rebalance) -> np.ndarray:
        """The rebalance's weights as a vector over the columns (a fresh array)."""
        if r.weights.index is self.columns or r.weights.index.equals(self.col_index):
            return r.weights.to_numpy(float, copy=True)
        # col_index.get_indexer(r.weights.index) of the (unique) columns, by their positions
        labels = r.weights.index.tolist()
        where = np.fromiter((self.pos.get(c, -1) for c in labels), np.intp, len(labels))
        if (where < 0).any():
            missing = list(r.weights.index[where < 0])
            raise InvalidParameterError(f"no prices for {', '.join(map(str, missing))}")
        w = np.zeros(self.shape[1])
        w[where] = r.weights.to_numpy(float)
        return w


def _market(
    close: pd.DataFrame,
    rebalances: list[Rebalance],
    dividends: pd.DataFrame | None,
    fx: pd.DataFrame | None,
    withholding: pd.Series | None,
) -> _Market:
    """Validate the inputs (a schedule, sorted unique dates, unique columns) and lay them out as
    matrices aligned on ``close``'s dates and columns."""
    if not rebalances:
        raise InvalidParameterError("`rebalances` must hold at least one rebalance")
    dates = pd.DatetimeIndex(close.index)
    if not dates.is_monotonic_increasing or not dates.is_unique:
        raise InvalidParameterError("`close` must have sorted, unique dates")
    cols = list(close.columns)
    col_index = pd.Index(cols)
    if not col_index.is_unique:
        raise InvalidParameterError("`close` must have unique security columns")
    n_s = close.shape[1]
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
    pos = {c: j for j, c in enumerate(cols)}
    return _Market(
        dates, close.columns, col_index, cols, pos, raw, PX, X, DIV, wht, nan_cols, has_sub
    )


# --------------------------------------------------------------------------------------------
# step 2: corporate actions and stale lines resolved to boundaries (closes of day indices)


@dataclass
class _Boundaries:
    """Corporate actions resolved to the closes at which they change shares or the divisor.

    ``removals``: day → (why, action) removed at that close; ``pre_ex`` (splits, spin-offs) and
    ``special`` (special dividends): day → actions applied after that close, before the ex-date's
    open; ``dead_from``: column → first day from which it is out for good (delisted, stale);
    ``unadjusted_splits``: the split actions to apply to new shares between announcement and
    effective date (prices not split-adjusted).
    """

    removals: dict[int, list[tuple[str, CorporateAction]]] = field(default_factory=dict)
    pre_ex: dict[int, list[CorporateAction]] = field(default_factory=dict)
    special: dict[int, list[CorporateAction]] = field(default_factory=dict)
    dead_from: dict[int, int] = field(default_factory=dict)
    unadjusted_splits: list[CorporateAction] = field(default_factory=list)

    def any(self) -> bool:
        return bool(self.removals or self.pre_ex or self.special or self.dead_from)

    def days(self) -> set[int]:
        return set(self.removals) | set(self.pre_ex) | set(self.special)

    def remove_at(self, t: int, why: str, a: CorporateAction) -> None:
        self.removals.setdefault(t, []).append((why, a))

    def dead(self, j: int, t: int, n_t: int) -> None:
        self.dead_from[j] = min(self.dead_from.get(j, n_t), t)


def _resolve_actions(
    actions: list[CorporateAction],
    m: _Market,
    split_adjusted: bool,
    warnings: list[str],
) -> _Boundaries:
    """Each corporate action at the close where it takes effect; cash dividends into ``m.DIV``.

    An event dated on a non-trading day takes effect on the next session; one on or before the
    first or after the last price date, or for a line without prices, is ignored with a warning.
    """
    n_t, n_s = m.shape
    bounds = _Boundaries(unadjusted_splits=[x for x in actions if x.kind == "split"])
    if split_adjusted:
        bounds.unadjusted_splits = []
    for a in actions:
        if a.security not in m.pos:
            warnings.append(f"corporate action for {a.security!r} ignored: not in the price matrix")
            continue
        # an event dated on a non-trading day takes effect on the next session
        t = int(m.dates.searchsorted(pd.Timestamp(a.date), side="left"))
        if t >= n_t or t == 0:
            side = "after the last" if t >= n_t else "on or before the first"
            warnings.append(
                f"{a.kind} of {a.security} on {a.date.date()} ignored: {side} price date"
            )
            continue
        j = m.pos[a.security]
        if a.kind == "split":
            if split_adjusted:
                warnings.append(
                    f"split of {a.security} on {a.date.date()} ignored: prices are split-adjusted"
                )
                continue
            bounds.pre_ex.setdefault(t - 1, []).append(a)
        elif a.kind == "special_dividend":
            bounds.special.setdefault(t - 1, []).append(a)
        elif a.kind == "cash_dividend":
            if m.DIV is None:
                m.DIV = np.zeros((n_t, n_s))
            m.DIV[t, j] += a.value * (1.0 if m.X is None else m.X[t, j])
        elif a.kind == "delisting":
            bounds.remove_at(t, "delisting", a)
            bounds.dead(j, t, n_t)
        elif a.kind == "spin_off":
            if a.new_security not in m.pos:
                raise InvalidParameterError(
                    f"spin-off of {a.security}: no prices for {a.new_security!r}"
                )
            s_j = m.pos[a.new_security]
            bounds.pre_ex.setdefault(t - 1, []).append(a)
            # removed at the close of SpinCo's first trading day on or after the ex-date
            first = np.flatnonzero(~np.isnan(m.raw[t:, s_j]))
            if first.size == 0:
                warnings.append(f"spin-off {a.new_security} never trades: removed at price 0")
            bounds.remove_at(t + int(first[0]) if first.size else t, "spin_off_removal", a)
    return bounds


def _stale_removals(m: _Market, stale_days: int | None, bounds: _Boundaries) -> None:
    """Every run of more than ``stale_days`` sessions without a close (a suspension, or the end
    of a file) removes the line at its last price once the run reaches the limit."""
    if stale_days is None or not m.gappy.size:
        return
    n_t = m.shape[0]
    for k, col_no in enumerate(m.gappy):
        col = m.has_close[:, k]
        starts = np.flatnonzero(~col & np.r_[True, col[:-1]])  # first NaN of each run
        ends = np.flatnonzero(~col & np.r_[col[1:], True])  # last NaN of each run
        for a0, a1 in zip(starts, ends, strict=True):
            if a0 == 0 or a1 - a0 + 1 <= stale_days:
                continue  # before the first close, or a short gap
            day = int(a0 - 1 + stale_days)
            stale = CorporateAction(m.dates[int(a0 - 1)], m.cols[int(col_no)], "delisting")
            bounds.remove_at(day, "stale", stale)
            if a1 == n_t - 1:
                bounds.dead(int(col_no), day, n_t)


@dataclass(frozen=True)
class _Schedule:
    """The rebalances located on the calendar: each at the last session on or before its
    effective date (``at``), with the day of its announcement close (``announce``)."""

    at: dict[int, Rebalance]
    announce: dict[int, int]

    @property
    def t0(self) -> int:
        return min(self.at)


def _schedule(rebalances: list[Rebalance], dates: pd.DatetimeIndex) -> _Schedule:
    # all schedule dates located at once: the rebalance at the last session on or before a date
    when = np.array([pd.Timestamp(r.effective).asm8 for r in rebalances], dtype="datetime64[ns]")
    told = np.array([pd.Timestamp(r.announce).asm8 for r in rebalances], dtype="datetime64[ns]")
    eff = dates.searchsorted(when, side="right") - 1
    ann = dates.searchsorted(told, side="right") - 1
    if (eff < 0).any() or (ann < 0).any():
        raise InvalidParameterError("a rebalance date is before the first price date")
    at: dict[int, Rebalance] = {}
    announce: dict[int, int] = {}
    for r, e_i, a_i in zip(rebalances, eff, ann, strict=True):
        at[int(e_i)] = r
        announce[int(e_i)] = int(a_i)
    return _Schedule(at, announce)


# --------------------------------------------------------------------------------------------
# step 3: the validator and the segment kernel, shared by both paths


def _target(
    m: _Market, r: Rebalance, b: int, t_ann: int, dead_from: Mapping[int, int], warnings: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """The validated target weights of the rebalance effective at the close of ``b``, and the
    reference prices (the close of ``t_ann``) its shares are bought at.

    The weights must sum to 1; lines out for good by ``b`` (delisted, stale) are dropped and the
    rest renormalised, with a warning; every line bought needs a positive reference price.
    """
    w = m.aligned(r)
    if abs(w.sum() - 1.0) > 1e-9:
        raise InvalidParameterError(
            f"weights of rebalance {r.label or r.effective.date()} sum to {w.sum()}"
        )
    gone = [j for j, t_dead in dead_from.items() if t_dead <= b and w[j] > 0]
    if gone:
        w[gone] = 0.0
        if w.sum() <= 0:
            raise InvalidParameterError(
                f"rebalance {r.label or m.dates[b].date()}: every constituent was removed"
            )
        w = w / w.sum()
        names = ", ".join(m.cols[j] for j in gone)
        warnings.append(
            f"rebalance {r.label or m.dates[b].date()}: {names} removed before the "
            "effective date (delisted or stale); weights renormalised"
        )
    ref = np.array(m.PX[t_ann])  # one contiguous read of the (column-major) row
    if np.any((w > 0) & (ref <= 0)):
        bad = [m.cols[j] for j in np.flatnonzero((w > 0) & (ref <= 0))]
        raise InvalidParameterError(f"no price on {m.dates[t_ann].date()} for {', '.join(bad)}")
    return w, ref


def _segment(
    m: _Market, shares: np.ndarray, a: int, b: int, *, opening: bool = False
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """The kernel: the value of fixed ``shares`` on days ``a..b`` — one matrix-vector product.

    Returns the market value Σ N·P·X per day (with ``opening`` also on day ``a − 1``, the close
    at which the shares were set), and the dividends Σ N·d·X gross and net of withholding (None
    without dividends). The general path divides them by its divisor; the fast path scales them
    by level per unit of value.
    """
    mv = m.PX[a - int(opening) : b + 1] @ shares
    if m.DIV is None:
        return mv, None, None
    d = m.DIV[a : b + 1]
    return mv, d @ shares, d @ (shares * (1.0 - m.wht))


@dataclass
class _Path:
    """What either path produces: the raw level series (before costs), dividend points gross
    and net, the divisor, one record per rebalance and the holdings blocks."""

    lvl: np.ndarray
    ID: np.ndarray
    IDN: np.ndarray
    Dv: np.ndarray
    reb_rows: list[dict[str, object]] = field(default_factory=list)
    parts: list[tuple[Any, ...]] = field(default_factory=list)

    @classmethod
    def empty(cls, n_t: int) -> _Path:
        return cls(np.full(n_t, np.nan), np.zeros(n_t), np.zeros(n_t), np.full(n_t, np.nan))


# --------------------------------------------------------------------------------------------
# step 4a: the fast path (rebalances only)


def _fast_path(
    m: _Market, sched: _Schedule, base_value: float, cost_bps: float, warnings: list[str]
) -> _Path:
    """Levels of a schedule without corporate actions: one kernel call per segment.

    ``U_k = w_k / P_ann,k`` are the shares per unit of notional; within segment k the level is
    ``I_b · (P_t · U_k) / (P_b · U_k)``, which is the divisor arithmetic of the general path with
    the notional factored out (N = K·U, D = K·(P_b·U_k)/I_b). All bookkeeping (drift, turnover,
    divisors) is computed in one pass after the levels.
    """
    n_t = m.shape[0]
    eff = np.array(sorted(sched.at))
    t0 = int(eff[0])
    ann = np.array([t0 if k == 0 else sched.announce[b] for k, b in enumerate(eff.tolist())])
    checked = [
        _target(m, sched.at[b], b, int(ann[k]), {}, warnings) for k, b in enumerate(eff.tolist())
    ]
    W = np.vstack([w for w, _ in checked])
    R = np.vstack([ref for _, ref in checked])
    U = np.divide(W, R, out=np.zeros_like(W), where=W > 0)
    out = _Path.empty(n_t)
    ends = [*eff[1:].tolist(), n_t - 1]
    level = base_value
    v0 = np.empty(len(eff))
    for k, b in enumerate(eff.tolist()):
        e = ends[k]
        v, dv, dvn = _segment(m, U[k], b + 1, e, opening=True)
        v0[k] = v[0]
        scale = level / v[0]
        out.lvl[b : e + 1] = v * scale
        out.Dv[b + 1 : e + 1] = K_NOTIONAL / scale
        if dv is not None and dvn is not None and e > b:
            out.ID[b + 1 : e + 1] = dv * scale
            out.IDN[b + 1 : e + 1] = dvn * scale
        level = float(out.lvl[e])
    out.Dv[t0] = K_NOTIONAL * v0[0] / base_value
    # bookkeeping, vectorised over the rebalances (row gathers are strided: reuse when possible)
    PB = R if np.array_equal(ann, eff) else m.PX[eff]
    w_eff = PB * U / v0[:, None]
    w_drift = np.zeros_like(w_eff)
    if len(eff) > 1:
        held = PB[1:] * U[:-1]
        w_drift[1:] = held / held.sum(axis=1, keepdims=True)
    traded = np.abs(w_eff - w_drift).sum(axis=1)
    turnover = np.where(np.arange(len(eff)) == 0, 1.0, traded / 2.0)
    cost = np.where(np.arange(len(eff)) == 0, 0.0, cost_bps / 1e4 * traded)
    names = (U > 0).sum(axis=1)
    label = [sched.at[b].label for b in eff.tolist()]
    out.reb_rows = [
        {"effective": int(eff[k]), "announce": int(ann[k]), "review": label[k],
         "turnover": float(turnover[k]), "cost": float(cost[k]), "names": int(names[k])}
        for k in range(len(eff))
    ]  # fmt: skip
    out.parts = [
        (label[k], int(eff[k]), int(eff[k]), "rebalance", W[k], w_eff[k], w_drift[k],
         U[k] * K_NOTIONAL, K_NOTIONAL * v0[k] / (base_value if k == 0 else float(out.lvl[eff[k]])))
        for k in range(len(eff))
    ]  # fmt: skip
    return out


# --------------------------------------------------------------------------------------------
# step 4b: the general path (shares and divisor walked from boundary to boundary)


class _GeneralPath:
    """Shares ``N`` and divisor ``D`` walked from boundary to boundary, in the order of a close:
    removals, the rebalance, then the actions taking effect before the next open.

    Shares are never changed in place (copy on write): every holdings block keeps the array it
    was given.
    """

    def __init__(
        self,
        m: _Market,
        sched: _Schedule,
        bounds: _Boundaries,
        base_value: float,
        cost_bps: float,
        compliance: bool,
        warnings: list[str],
    ) -> None:
        self.m, self.sched, self.bounds = m, sched, bounds
        self.base_value, self.cost_bps, self.compliance = base_value, cost_bps, compliance
        self.warnings = warnings
        n_t, n_s = m.shape
        self.out = _Path.empty(n_t)
        self.N = np.zeros(n_s)
        self.D = 1.0
        self.log: list[dict[str, object]] = []
        #: the spans (a, b, shares) of :func:`_compliance_block`, computed when first read
        self.comp_parts: list[tuple[int, int, np.ndarray]] = []
        #: the review in force: label, effective day index, target weights
        self.current: tuple[str, int, np.ndarray] = ("", sched.t0, np.zeros(n_s))

    def run(self) -> _Path:
        t0 = self.sched.t0
        days = sorted(b for b in set(self.sched.at) | self.bounds.days() if b >= t0)
        prev = t0
        for b in days:
            if b > t0:
                self._fill(prev + 1, b)
            N_before = self.N
            changes: list[str] = []
            self._removals(b, changes)  # 1. removals at the close of b
            if b in self.sched.at:
                self._rebalance(b, changes)  # 2. rebalance at the close of b
            N_mid = self.N  # the holdings valued at this close (a spin-off enters at price 0)
            # 3. corporate actions taking effect before the next day's open
            self._special_dividends(b, changes)
            self._pre_ex(b, changes)
            if changes:
                self._record(b, N_before, N_mid, changes)
            prev = b
        self._fill(prev + 1, self.m.shape[0] - 1)
        return self.out

    def _fill(self, a: int, b: int) -> None:
        """Levels for days a..b (inclusive) with the current shares and divisor."""
        if b < a:
            return
        out, D = self.out, self.D
        mv, dv, dvn = _segment(self.m, self.N, a, b)
        out.lvl[a : b + 1] = mv / D
        out.Dv[a : b + 1] = D
        if dv is not None and dvn is not None:
            out.ID[a : b + 1] = dv / D
            out.IDN[a : b + 1] = dvn / D
        if self.compliance and (self.N > 0).any():
            self.comp_parts.append((a, b, self.N))  # N is never changed in place

    def _reinvest(self, j: int, t: int, why: str, when: pd.Timestamp) -> bool:
        """Remove line ``j`` at the close of ``t``, proceeds pro rata (False: not held)."""
        N, PX = self.N, self.m.PX
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
        self.N = N
        self.log.append(
            {
                "date": self.m.dates[t],
                "security": self.m.cols[j],
                "action": why,
                "value_reinvested": freed / self.D,
                "note": f"last close {when.date()}",
            }
        )
        return True

    def _removals(self, b: int, changes: list[str]) -> None:
        pos, cols = self.m.pos, self.m.cols
        for why, a in self.bounds.removals.get(b, []):
            j = pos[a.new_security] if why == "spin_off_removal" else pos[a.security]  # type: ignore[index]
            if why == "stale" and self.N[j] > 0:
                self.warnings.append(
                    f"{cols[j]}: no close after {a.date.date()}; removed as delisted at "
                    "the last price"
                )
            if self._reinvest(j, b, why, a.date):
                changes.append(f"{why} {cols[j]}")

    def _rebalance(self, b: int, changes: list[str]) -> None:
        m, out, t0 = self.m, self.out, self.sched.t0
        r = self.sched.at[b]
        # the base uses the base-date close; later rebalances the announcement-date close
        t_ann = t0 if b == t0 else self.sched.announce[b]
        w, ref = _target(m, r, b, t_ann, self.bounds.dead_from, self.warnings)
        row = ref if t_ann == b else np.array(m.PX[b])
        N_new = np.divide(w * K_NOTIONAL, ref, out=np.zeros(m.shape[1]), where=w > 0)
        for a in self.bounds.unadjusted_splits:
            if m.dates[t_ann] < a.date <= m.dates[b]:
                N_new[m.pos[a.security]] *= a.value
        mv_new = float(row @ N_new)
        if b == t0:
            level = self.base_value
            turnover, cost = 1.0, 0.0
        else:
            level = float(out.lvl[b])
            mv_old = float(row @ self.N)
            if not (level > 0 and mv_old > 0):  # every held line was removed before it
                raise InvalidParameterError(
                    f"the index holds nothing on {m.dates[b].date()} (every constituent was "
                    "delisted or removed since the last rebalance): there is nothing to rebalance"
                )
            traded = float(np.abs(row * N_new / mv_new - row * self.N / mv_old).sum())
            turnover = traded / 2.0
            cost = self.cost_bps / 1e4 * traded
        self.N = N_new
        self.D = mv_new / level
        if b == t0:
            out.lvl[t0], out.Dv[t0] = self.base_value, self.D
        out.reb_rows.append(
            {
                "effective": b,
                "announce": t_ann,
                "review": r.label,
                "turnover": turnover,
                "cost": cost,
                "names": int((self.N > 0).sum()),
            }
        )
        self.current = (r.label, b, w)
        changes.append("rebalance")

    def _special_dividends(self, b: int, changes: list[str]) -> None:
        m = self.m
        for a in self.bounds.special.get(b, []):
            j = m.pos[a.security]
            mv = float(m.PX[b] @ self.N)
            amount = a.value * (1.0 if m.X is None else m.X[b, j])
            if self.N[j] > 0 and mv > 0:
                paid = self.N[j] * amount / self.D
                self.D = self.D * (mv - self.N[j] * amount) / mv
                changes.append(f"special_dividend {a.security}")
                self.log.append(
                    {
                        "date": m.dates[b + 1],
                        "security": a.security,
                        "action": "special_dividend",
                        "value_reinvested": paid,
                        "note": "divisor adjusted",
                    }
                )

    def _pre_ex(self, b: int, changes: list[str]) -> None:
        m = self.m
        for a in self.bounds.pre_ex.get(b, []):
            j = m.pos[a.security]
            if a.kind == "split" and self.N[j] > 0:
                self.N = self.N.copy()
                self.N[j] *= a.value
                changes.append(f"split {a.security}")
                self.log.append(
                    {
                        "date": m.dates[b + 1],
                        "security": a.security,
                        "action": "split",
                        "value_reinvested": 0.0,
                        "note": f"ratio {a.value:g}",
                    }
                )
            elif a.kind == "spin_off" and self.N[j] > 0:
                s = m.pos[a.new_security]  # type: ignore[index]
                self.N = self.N.copy()
                self.N[s] += self.N[j] * a.value
                changes.append(f"spin_off_add {a.new_security}")
                self.log.append(
                    {
                        "date": m.dates[b + 1],
                        "security": a.new_security,
                        "action": "spin_off_add",
                        "value_reinvested": 0.0,
                        "note": f"{a.value:g} per {a.security} share at price 0",
                    }
                )

    def _record(self, b: int, N_before: np.ndarray, N_mid: np.ndarray, changes: list[str]) -> None:
        """One holdings block per close that changed shares or divisor: the weights before the
        change (previous shares at this close) and after it, the shares and the divisor in force
        from the next session."""
        n_s = self.m.shape[1]
        row = np.array(self.m.PX[b])
        mv_before = float(row @ N_before)
        w_drift = row * N_before / mv_before if mv_before > 0 else np.zeros(n_s)
        mv_after = float(row @ N_mid)
        w_eff = row * N_mid / mv_after if mv_after > 0 else np.zeros(n_s)
        label, b_eff, w_target = self.current
        event = "; ".join(changes)
        self.out.parts.append((label, b_eff, b, event, w_target, w_eff, w_drift, self.N, self.D))


#: Days a..b and the arrays of :func:`_compliance_block` for them.
_ComplianceBlock = tuple[int, int, dict[str, np.ndarray]]


def _compliance_block(m: _Market, N: np.ndarray, a: int, b: int) -> _ComplianceBlock:
    """Daily drifted-weight statistics of the holdings ``N`` on days a..b."""
    held = N > 0
    mv = m.PX[a : b + 1][:, held] * N[held]
    w = mv / mv.sum(axis=1, keepdims=True)
    return (
        a,
        b,
        {
            "max_weight": w.max(axis=1),
            "sum_above_5pct": np.where(w > 0.05, w, 0).sum(axis=1),
            "sum_above_4_5pct": np.where(w > 0.045, w, 0).sum(axis=1),
            "count": np.full(b - a + 1, int(held.sum())),
        },
    )


def _compliance_frame(m: _Market, spans: list[tuple[int, int, np.ndarray]]) -> pd.DataFrame:
    """The blocks of the spans (days a..b held as ``N``) as one frame (index: their days), as
    ``pd.concat`` of one frame per block gives it."""
    blocks = [_compliance_block(m, N, a, b) for a, b, N in spans]
    frames = [pd.DataFrame(cols, index=m.dates[a : b + 1]) for a, b, cols in blocks[:1]]
    if len(blocks) == 1:
        return pd.concat(frames)
    first = m.dates[blocks[0][0] : blocks[0][1] + 1]
    index = first.append([m.dates[a : b + 1] for a, b, _ in blocks[1:]])
    return pd.DataFrame(
        {k: np.concatenate([cols[k] for _, _, cols in blocks]) for k in blocks[0][2]},
        index=index,
    )


# --------------------------------------------------------------------------------------------
# step 5: costs and the total-return variants


def _published(
    path: _Path, dates: pd.DatetimeIndex, t0: int, base_value: float, cost_bps: float
) -> tuple[pd.DataFrame, list[tuple[Any, ...]]]:
    """PR, GTR, NTR, divisor and dividend points from a path, costs deducted; and the holdings
    blocks with the published divisor.

    Costs are deducted at each effective close after the first: all later levels are scaled.
    ``after[t]`` is the factor in force from the session after t's close (one slot past the end
    for a rebalance on the last day); the published divisor includes it, so that on every day
    PR = Σ N·P·X / divisor, in levels and in the holdings blocks alike.
    """
    n_t = len(dates)
    lvl, ID, IDN, Dv, w_parts = path.lvl, path.ID, path.IDN, path.Dv, path.parts
    after: np.ndarray = np.ones(n_t + 1)
    if cost_bps:
        steps = np.ones(n_t + 1)
        for rec in path.reb_rows[1:]:
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
    return levels, w_parts


# --------------------------------------------------------------------------------------------


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

    The steps: the inputs validated as matrices (:func:`_market`); corporate actions and stale
    lines resolved to boundaries (:func:`_resolve_actions`, :func:`_stale_removals`); the
    rebalances located (:func:`_schedule`); then one of two paths, both valuing each segment
    with the kernel :func:`_segment` and checking each rebalance with :func:`_target` — the fast
    path when nothing but rebalances changes the holdings and no compliance report is asked for
    (a property test checks that both agree), the general path otherwise; finally costs and the
    total-return variants (:func:`_published`).
    """
    m = _market(close, rebalances, dividends, fx, withholding)
    warnings: list[str] = []
    bounds = _resolve_actions(actions or [], m, split_adjusted, warnings)
    _stale_removals(m, stale_days, bounds)
    sched = _schedule(rebalances, m.dates)
    if not (bounds.any() or compliance):
        path = _fast_path(m, sched, base_value, cost_bps, warnings)
        log: list[dict[str, object]] = []
        comp_parts: list[tuple[int, int, np.ndarray]] = []
    else:
        general = _GeneralPath(m, sched, bounds, base_value, cost_bps, compliance, warnings)
        path = general.run()
        log, comp_parts = general.log, general.comp_parts
    levels, w_parts = _published(path, m.dates, sched.t0, base_value, cost_bps)
    return LevelResult(
        levels=levels,
        _rebalance_rows=path.reb_rows,
        _action_rows=log,
        _weight_parts=w_parts,
        _columns=m.cols,
        _dates=m.dates,
        # made when first read (a sweep reads only the levels)
        compliance=Deferred(partial(_compliance_frame, m, comp_parts)) if comp_parts else None,  # type: ignore[arg-type]
        warnings=warnings,
    )
