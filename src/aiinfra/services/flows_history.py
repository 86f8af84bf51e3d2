"""Circularity over time beside the drawdowns of the index and a benchmark (CLI, report, web).

:func:`history` replays the flow map's circularity at every period end
(:func:`aiinfra.flows.history`) and, when prices are given (``--prices DIR``), joins the drawdown
of the aiinfra index's backtest (the default rules, point in time, formed by
:func:`aiinfra.services.index.form_index`) and of a benchmark ETF (default SMH) on each date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from aiinfra.config import Settings
from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows import Basis, CircularityHistory
from aiinfra.flows import history as flow_history
from aiinfra.metrics import drawdown_series
from aiinfra.services.index import (
    cached_prices,
    form_index,
    last_price_date,
    load_fx,
    resolve_methodology,
)
from aiinfra.services.ledger import load

__all__ = ["DEFAULT_BENCHMARK", "STALE_DAYS", "HistoryView", "drawdowns_at", "history"]

DEFAULT_BENCHMARK = "SMH"
#: a date takes the drawdown of the last session on or before it, at most this many days earlier
#: (weekends and holidays); a date further past the end of the levels gets NaN
STALE_DAYS = 7
DRAWDOWN_COLUMNS = ("index_drawdown", "benchmark_drawdown")


def _json(v: Any) -> Any:
    """``v`` with every float NaN replaced by None, through dicts and lists."""
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, dict):
        return {k: _json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_json(x) for x in v]
    return v


@dataclass(frozen=True)
class HistoryView:
    """The circularity history and, with prices, the drawdowns on the same dates.

    Attributes
    ----------
    history : CircularityHistory
        :func:`aiinfra.flows.history` on the ledger.
    benchmark : str
        The benchmark ticker.
    drawdowns : DataFrame or None
        Indexed like ``history.frame``: ``index_drawdown`` (the index's gross total return) and
        ``benchmark_drawdown``, each ``level / running peak − 1`` (≤ 0) on the date, the peak
        taken since the backtest's first level; NaN before the first level or more than
        :data:`STALE_DAYS` after the last. None without prices or without a backtest.
    levels : DataFrame or None
        The daily levels the drawdowns come from: ``index`` (GTR) and ``benchmark``.
    backtest_label : str or None
        ``point-in-time`` or the not-point-in-time label of the backtest.
    notes : tuple of str
        What was left out and why (no prices, no index, no benchmark prices, …).
    """

    history: CircularityHistory
    benchmark: str
    drawdowns: pd.DataFrame | None = field(default=None, repr=False)
    levels: pd.DataFrame | None = field(default=None, repr=False)
    backtest_label: str | None = None
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per date: the history's columns, the tracked self-funded shares and, with
        prices, the two drawdown columns."""
        frame = self.history.to_frame()
        return frame if self.drawdowns is None else frame.join(self.drawdowns)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN → None): :meth:`CircularityHistory.to_dict` with ``benchmark``,
        ``backtest``, ``notes`` and, with prices, the drawdowns in every date's record."""
        out = self.history.to_dict()
        if self.drawdowns is not None:
            for row, (_, dd) in zip(out["dates"], self.drawdowns.iterrows(), strict=True):
                row.update({c: float(dd[c]) for c in DRAWDOWN_COLUMNS})
        out["benchmark"] = self.benchmark
        out["backtest"] = self.backtest_label
        out["notes"] = list(self.notes)
        return dict(_json(out))


def drawdowns_at(
    levels: pd.DataFrame, dates: pd.DatetimeIndex | list[pd.Timestamp]
) -> pd.DataFrame:
    """The drawdown of each column of ``levels`` on each of ``dates``.

    Parameters
    ----------
    levels : DataFrame of shape (n_days, n_series)
        Daily levels (> 0) in date order.
    dates : DatetimeIndex or list of Timestamp

    Returns
    -------
    DataFrame of shape (len(dates), n_series)
        ``L_t / max(L_first … L_t) − 1`` (≤ 0, :func:`aiinfra.metrics.drawdown_series` of the
        daily returns) at the last day ``t`` on or before each date; NaN before the first level,
        or when ``t`` lies more than :data:`STALE_DAYS` days before the date.

    Examples
    --------
    >>> lv = pd.DataFrame({"x": [100.0, 120.0, 90.0]},
    ...                   index=pd.to_datetime(["2025-03-28", "2025-06-30", "2025-09-30"]))
    >>> drawdowns_at(lv, pd.to_datetime(["2025-03-31", "2025-09-30", "2025-12-31"]))["x"].tolist()
    [0.0, -0.25, nan]
    """
    index = pd.DatetimeIndex(dates, name="date")
    out = pd.DataFrame(index=index)
    for col in levels.columns:
        s = levels[col].astype(float).dropna()
        if s.empty:
            out[col] = math.nan
            continue
        dd = pd.concat(
            [pd.Series([0.0], index=s.index[:1]), drawdown_series(s.pct_change().iloc[1:])]
        ).reindex(s.index)
        pos = s.index.searchsorted(index, side="right") - 1
        values = dd.to_numpy()[pos.clip(0)]
        fresh = (pos >= 0) & ((index - s.index[pos.clip(0)]).days <= STALE_DAYS)
        out[col] = [float(v) if ok else math.nan for v, ok in zip(values, fresh, strict=True)]
    return out


def _levels(
    settings: Settings,
    ledger: Any,
    h: CircularityHistory,
    benchmark: str,
    methodology: str | None,
    notes: list[str],
) -> tuple[pd.DataFrame | None, str | None]:
    """(daily ``index`` and ``benchmark`` levels, the backtest's label), or (None, None) with a
    note saying why."""
    prices = cached_prices(settings)
    last = last_price_date(ledger, prices)
    if last is None:
        notes.append(f"no prices for any scored company in {settings.prices_dir}: no drawdowns")
        return None, None
    day = min(pd.Timestamp(h.frame.index[-1]), last)
    view = form_index(
        ledger,
        prices,
        resolve_methodology(methodology),
        day,
        fx=load_fx(settings.fx),
        start=str(h.start.date()),
        benchmarks=(benchmark,),
        compare=False,
    )
    if view.backtest is None:
        why = view.error if view.review is None else view.backtest_error
        notes.append(f"no index backtest on {day.date()} ({why}): no drawdowns")
        return None, None
    bt = view.backtest
    label = str(bt.summary["label"])
    if not bt.point_in_time:
        notes.append(f"the index backtest is {label}: today's scores applied to earlier dates")
    if view.relaxation is not None:
        notes.append(f"the index was formed with relaxed rules ({view.relaxation.reason})")
    levels = pd.DataFrame({"index": bt.levels["GTR"], "benchmark": bt.levels[f"bench_{benchmark}"]})
    return levels, label


def history(
    settings: Settings,
    start: object = "2019-01-01",
    end: object = None,
    freq: str = "Q",
    basis: Basis = "committed",
    samples: int = 200,
    seed: int = 0,
    *,
    model: str = "degree",
    top: int = 5,
    benchmark: str = DEFAULT_BENCHMARK,
    methodology: str | None = None,
    data_dir: str | None = None,
) -> HistoryView:
    """The circularity at every period end, with the index's and ``benchmark``'s drawdowns.

    Parameters
    ----------
    settings : Settings
        With ``prices_dir`` (``--prices DIR``) the drawdowns are added; without it they are
        left out and a note says so.
    start, end, freq, basis, samples, seed, model, top
        As in :func:`aiinfra.flows.history`.
    benchmark : str, default "SMH"
        The ETF whose total-return drawdown is shown beside the index's.
    methodology : str, optional
        The index rules (a YAML file or built-in name; default the default rules).
    data_dir : str, optional
        A user ledger directory overlaid on the bundled ledger.

    Notes
    -----
    The index is formed on the last date of the history (or the last price of a scored line,
    when the prices end earlier) with the one relaxation policy of
    :func:`~aiinfra.services.index.form_index`, and its backtest runs from ``start``: the
    drawdowns are measured from the running peak since the first level of that backtest, with
    the benchmark rebased to the same first day.
    """
    benchmark = str(benchmark).strip()
    if not benchmark:
        raise InvalidParameterError("`benchmark` must name a ticker (e.g. SMH); got ''")
    ledger = load(settings, data_dir)
    h = flow_history(
        ledger,
        start,
        end,
        freq,  # type: ignore[arg-type]
        basis,
        samples,
        seed,
        model=model,  # type: ignore[arg-type]
        top=top,
    )
    notes: list[str] = []
    if settings.prices_dir is None:
        notes.append(
            "no prices given (--prices DIR): the drawdowns of the index and of "
            f"{benchmark} are left out"
        )
        return HistoryView(h, benchmark, notes=tuple(notes))
    levels, label = _levels(settings, ledger, h, benchmark, methodology, notes)
    if levels is None:
        return HistoryView(h, benchmark, notes=tuple(notes))
    dd = drawdowns_at(levels, pd.DatetimeIndex(h.frame.index))
    dd.columns = list(DRAWDOWN_COLUMNS)
    return HistoryView(h, benchmark, dd, levels, label, tuple(notes))
