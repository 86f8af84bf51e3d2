"""Several strategies side by side: the backtests of several methodologies and several
benchmarks on one window, with their monthly returns and rolling one-year statistics (the
report's and the dashboard's strategy comparison, docs/report.md "Several strategies")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from aiinfra import metrics
from aiinfra.exceptions import InvalidParameterError, MissingDataError

__all__ = ["ROLLING_STATS", "RollingStat", "StrategyComparison", "compare_strategies"]

#: the rolling one-year statistics :meth:`StrategyComparison.rolling` computes
RollingStat = Literal["return", "volatility", "sharpe", "beta"]
ROLLING_STATS: tuple[RollingStat, ...] = ("return", "volatility", "sharpe", "beta")
#: every series of a comparison starts at this level on the first common date
BASE = 1000.0
#: the columns of :meth:`StrategyComparison.summary` that hold figures
SUMMARY_FIGURES = (
    "total_return",
    "annual_return",
    "annual_volatility",
    "sharpe_ratio",
    "max_drawdown",
    "beta",
)


@dataclass(frozen=True)
class StrategyComparison:
    """Strategies (the GTR levels of backtests) and benchmarks on their common window.

    Attributes
    ----------
    levels : DataFrame of shape (n_dates, n_strategies + n_benchmarks)
        One column per strategy, then one per benchmark (its ticker), on the index dates every
        strategy shares from the latest start to the earliest end; every column is ``BASE``
        (1000) on the first date. A benchmark is its total-return price (``adj_close``) carried
        forward to each date.
    strategies : tuple of str
        The strategies' names, in the order given.
    benchmarks : tuple of str
        The benchmark tickers, in the order given; the first is the reference of the betas.
    point_in_time : Mapping[str, bool or None]
        Per strategy: whether every review of its backtest used only scores known at its cut-off
        (None for a strategy given as a level series).
    methodologies : Mapping[str, str]
        Per strategy: the methodology's index name (``AIX``, ``SEMI20``, …; empty for a level
        series).
    window : int
        Returns per rolling window (252: one year of trading days).
    """

    levels: pd.DataFrame
    strategies: tuple[str, ...]
    benchmarks: tuple[str, ...]
    point_in_time: Mapping[str, bool | None] = field(default_factory=dict)
    methodologies: Mapping[str, str] = field(default_factory=dict)
    window: int = 252
    #: the rolling statistics computed so far (each is computed once per comparison)
    _rolling: dict[str, pd.DataFrame] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def series(self) -> tuple[str, ...]:
        """Every column: the strategies, then the benchmarks."""
        return (*self.strategies, *self.benchmarks)

    @property
    def reference(self) -> str | None:
        """The first benchmark (the betas are against it), or None without benchmarks."""
        return self.benchmarks[0] if self.benchmarks else None

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.levels.index[0])

    @property
    def end(self) -> pd.Timestamp:
        return pd.Timestamp(self.levels.index[-1])

    def returns(self) -> pd.DataFrame:
        """Daily simple returns of every series, ``level[t] / level[t−1] − 1`` (the first date
        dropped): a DataFrame of shape (n_dates − 1, n_series)."""
        return self.levels.pct_change().iloc[1:]

    def summary(self) -> pd.DataFrame:
        """One row per strategy, then per benchmark, over the common window.

        Columns ``series``, ``kind`` (``strategy`` / ``benchmark``), ``methodology`` (the index
        name; empty for a benchmark), ``point_in_time`` (None for a benchmark), and the figures
        of :mod:`aiinfra.metrics` on the daily returns: ``total_return`` (``level[end] /
        level[start] − 1``), ``annual_return``, ``annual_volatility``, ``sharpe_ratio`` (risk
        free 0), ``max_drawdown`` and ``beta`` (``cov(r, b) / var(b)`` against the reference
        benchmark; NaN for the reference itself and without a benchmark).
        """
        rets = self.returns()
        ref = None if self.reference is None else rets[self.reference]
        rows = []
        for name in self.series:
            r = rets[name]
            strategy = name in self.strategies
            rows.append(
                {
                    "series": name,
                    "kind": "strategy" if strategy else "benchmark",
                    "methodology": self.methodologies.get(name, "") if strategy else "",
                    "point_in_time": self.point_in_time.get(name) if strategy else None,
                    "total_return": metrics.total_return(r),
                    "annual_return": metrics.annual_return(r),
                    "annual_volatility": metrics.annual_volatility(r),
                    "sharpe_ratio": metrics.sharpe_ratio(r),
                    "max_drawdown": metrics.max_drawdown(r),
                    "beta": (
                        float("nan")
                        if ref is None or name == self.reference
                        else metrics.beta(r, ref)
                    ),
                }
            )
        return pd.DataFrame(rows)

    def monthly_returns(self, name: str) -> pd.DataFrame:
        """Calendar-month returns of one series: a row per year, columns 1 … 12 and ``year``.

        Each month's return is ``level[last date of the month] / level[last date of the month
        before] − 1`` (for the first month: from the first date of the window), i.e. the daily
        returns compounded (:func:`aiinfra.metrics.monthly_returns_table`); ``year`` is the
        year's compounded return, ``Π(1 + month) − 1``. NaN for a month outside the window.

        Raises
        ------
        InvalidParameterError
            ``name`` is not a series of the comparison.
        """
        self._check(name)
        return metrics.monthly_returns_table(self.returns()[name])

    def rolling(self, stat: RollingStat) -> pd.DataFrame:
        """A rolling one-year statistic of every series, on each window's last date.

        A window is the last :attr:`window` daily returns (252: one year of trading days), so
        on index date ``t``:

        * ``return``: ``level[t] / level[t − 252] − 1`` (:func:`aiinfra.metrics.annual_return`
          of the window: with 252 returns its annualisation is the identity);
        * ``volatility``: :func:`aiinfra.metrics.annual_volatility` of the window;
        * ``sharpe``: :func:`aiinfra.metrics.sharpe_ratio` of the window (risk free 0);
        * ``beta``: :func:`aiinfra.metrics.beta` of the window against the reference benchmark,
          for every series but the reference (an empty frame without a benchmark).

        Returns
        -------
        DataFrame of shape (n_dates − 1, n_series)
            Indexed by the returns' dates; NaN for the first ``window − 1`` dates.

        Raises
        ------
        InvalidParameterError
            ``stat`` is not one of :data:`ROLLING_STATS`.

        Notes
        -----
        Each statistic is computed once per comparison (a window at a time, from the scalar
        function: about 0.2 s for six series of seven years) and kept; a copy is returned.
        """
        if stat not in self._rolling:
            self._rolling[stat] = self._compute_rolling(stat)
        return self._rolling[stat].copy()

    def _compute_rolling(self, stat: RollingStat) -> pd.DataFrame:
        rets = self.returns()
        w = self.window
        if stat == "return":
            return rets.apply(lambda r: metrics.rolling_annual_return(r, w, annualization=w))
        if stat == "volatility":
            return rets.apply(lambda r: metrics.rolling_volatility(r, w))
        if stat == "sharpe":
            return rets.apply(lambda r: metrics.rolling_sharpe(r, w))
        if stat == "beta":
            ref = self.reference
            names = [n for n in self.series if n != ref]
            if ref is None:
                return pd.DataFrame(index=rets.index, columns=pd.Index([], dtype=object))
            return pd.DataFrame(
                {n: _rolling_pair(rets[n], rets[ref], w, metrics.beta) for n in names},
                index=rets.index,
            )
        raise InvalidParameterError(
            f"`stat` must be one of {', '.join(ROLLING_STATS)}; got {stat!r}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: window, reference, the summary rows and each strategy's monthly
        returns (``{year: {"1": r, …, "12": r, "year": r}}``); NaN as None."""

        def clean(x: Any) -> Any:
            if isinstance(x, float | np.floating):
                return None if not np.isfinite(x) else float(x)
            if isinstance(x, np.bool_):
                return bool(x)
            return x

        return {
            "start": str(self.start.date()),
            "end": str(self.end.date()),
            "window": self.window,
            "reference": self.reference,
            "strategies": list(self.strategies),
            "benchmarks": list(self.benchmarks),
            "summary": [
                {k: clean(v) for k, v in row.items()}
                for row in self.summary().to_dict(orient="records")
            ],
            "monthly": {
                name: {
                    str(year): {str(k): clean(v) for k, v in row.items()}
                    for year, row in self.monthly_returns(name).iterrows()
                }
                for name in self.strategies
            },
        }

    def _check(self, name: str) -> None:
        if name not in self.levels.columns:
            raise InvalidParameterError(
                f"`name` {name!r} is not a series of the comparison; "
                f"series: {', '.join(self.series)}"
            )


def _rolling_pair(
    r: pd.Series, b: pd.Series, window: int, stat: Callable[[np.ndarray, np.ndarray], float]
) -> np.ndarray:
    """``stat(r_window, b_window)`` of every window of ``window`` consecutive pairs, aligned to
    the window's last date (NaN before)."""
    x, y = r.to_numpy(dtype=float), b.to_numpy(dtype=float)
    out = np.full(x.size, np.nan)
    if x.size >= window:
        wx, wy = sliding_window_view(x, window), sliding_window_view(y, window)
        out[window - 1 :] = [stat(a, c) for a, c in zip(wx, wy, strict=True)]
    return out


def compare_strategies(
    strategies: Mapping[str, Any],
    benchmarks: Mapping[str, pd.Series] | None = None,
    *,
    window: int = 252,
) -> StrategyComparison:
    """Put several backtests and benchmarks on one window.

    Parameters
    ----------
    strategies : mapping of name → BacktestResult or Series
        At least one; a backtest gives its ``GTR`` levels, its point-in-time flag and its
        methodology's index name; a Series (DatetimeIndex) is taken as the levels themselves.
    benchmarks : mapping of ticker → Series, optional
        Total-return prices (``adj_close``) with a DatetimeIndex; carried forward to the
        strategies' dates.
    window : int
        Returns per rolling window (252 = one year of trading days).

    Returns
    -------
    StrategyComparison
        On the dates every strategy has from the latest first date to the earliest last date,
        every series rebased to 1000 on the first of them.

    Raises
    ------
    InvalidParameterError
        No strategy, a strategy named like a benchmark, levels without a DatetimeIndex, a window
        below 2, or strategies that share fewer than two dates.
    MissingDataError
        A benchmark without a price on or before the first common date.

    Examples
    --------
    Two strategies given as levels and a benchmark without a price on the second date:

    >>> d = pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"])
    >>> c = compare_strategies({"a": pd.Series([100.0, 110, 121], index=d),
    ...                         "b": pd.Series([50.0, 50, 55], index=d)},
    ...                        {"Q": pd.Series([10.0, 20], index=d[[0, 2]])}, window=2)
    >>> c.levels.round(1).to_dict("list")
    {'a': [1000.0, 1100.0, 1210.0], 'b': [1000.0, 1000.0, 1100.0], 'Q': [1000.0, 1000.0, 2000.0]}
    >>> c.rolling("return")["a"].round(4).tolist()
    [nan, 0.21]
    """
    if not strategies:
        raise InvalidParameterError("`strategies`: give at least one backtest")
    if isinstance(window, bool) or not isinstance(window, int) or window < 2:
        raise InvalidParameterError(f"`window` must be an integer ≥ 2; got {window!r}")
    bench = dict(benchmarks or {})
    clash = sorted(set(strategies) & set(bench))
    if clash:
        raise InvalidParameterError(
            f"`strategies` and `benchmarks` share the name {clash[0]!r}: give the strategy "
            "another name"
        )
    gtr = {
        name: (bt if isinstance(bt, pd.Series) else bt.levels["GTR"]).dropna().astype(float)
        for name, bt in strategies.items()
    }
    for name, s in gtr.items():
        if not isinstance(s.index, pd.DatetimeIndex) or s.empty:
            raise InvalidParameterError(
                f"`strategies` {name!r}: levels need a DatetimeIndex and at least one value"
            )
        gtr[name] = s.sort_index()
    start = max(s.index[0] for s in gtr.values())
    end = min(s.index[-1] for s in gtr.values())
    dates: pd.Index = next(iter(gtr.values())).index
    for s in gtr.values():
        dates = dates.intersection(s.index)
    dates = dates.sort_values()
    dates = dates[(dates >= start) & (dates <= end)]
    if len(dates) < 2:
        raise InvalidParameterError(
            f"`strategies` {', '.join(strategies)} share fewer than two index dates (their "
            f"backtests run from {start.date()} and end by {end.date()})"
        )
    cols = {name: s.reindex(dates) for name, s in gtr.items()}
    for t, prices in bench.items():
        first = prices.first_valid_index()
        if first is None or pd.Timestamp(str(first)) > dates[0]:
            shown = "never" if first is None else str(pd.Timestamp(str(first)).date())
            raise MissingDataError(
                f"benchmark {t}: no price on the first common date {dates[0].date()} (its "
                f"prices start {shown})"
            )
        cols[t] = prices.reindex(prices.index.union(dates)).ffill().reindex(dates)
    levels = pd.DataFrame(cols, index=pd.DatetimeIndex(dates))
    levels = BASE * levels / levels.iloc[0]
    return StrategyComparison(
        levels=levels,
        strategies=tuple(strategies),
        benchmarks=tuple(bench),
        point_in_time={
            n: None if isinstance(bt, pd.Series) else bool(bt.stats.point_in_time)
            for n, bt in strategies.items()
        },
        methodologies={
            n: "" if isinstance(bt, pd.Series) else str(bt.stats.methodology)
            for n, bt in strategies.items()
        },
        window=window,
    )
