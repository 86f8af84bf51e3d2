"""Several strategies in one view: the methodologies' indexes formed on one date, their
point-in-time backtests and the benchmarks put on one window (the report's and the dashboard's
strategy comparison; docs/report.md, "Several strategies")."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from aiinfra.backtest import ROLLING_STATS, IndexView, StrategyComparison
from aiinfra.config import Lang
from aiinfra.exceptions import AiinfraError, InvalidParameterError, MissingDataError
from aiinfra.services.index import BACKTEST_START, form_index

__all__ = [
    "BENCHMARK_CHOICES",
    "DEFAULT_BENCHMARKS",
    "ROLLING_STATS",
    "FormedStrategies",
    "Strategy",
    "available_benchmarks",
    "builtin_names",
    "check_dashboard_choices",
    "compare_views",
    "dashboard_benchmarks",
    "dashboard_strategies",
    "form_strategies",
    "resolve_benchmarks",
    "resolve_strategies",
]

#: the report's benchmarks when none are named: those of these with prices
DEFAULT_BENCHMARKS = ("QQQ", "SMH", "SOXX")
#: the benchmarks the dashboard offers (those of these with prices)
BENCHMARK_CHOICES = ("QQQ", "SMH", "SOXX", "SPY")
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Strategy:
    """A methodology to compare: its name in tables and charts, where it came from, the rules.

    ``name`` is a built-in's name (``default``, ``semis_20cap``, ``equal_weight`` …) or a
    file's stem; ``source`` is the built-in's packaged path or the file as given.
    """

    name: str
    source: str
    methodology: Any


def builtin_names() -> list[str]:
    """The methodologies shipped with the package, ``default`` first, then by name."""
    from aiinfra.index import builtin_methodologies

    names = sorted(builtin_methodologies())
    return ["default", *[n for n in names if n != "default"]]


def resolve_strategies(sources: Sequence[str | None]) -> list[Strategy]:
    """Load each methodology (a built-in name or a YAML file; None: the default).

    Raises
    ------
    InvalidParameterError
        No methodology, a file that does not exist, or two methodologies with the same name
        (``a/x.yaml`` and ``b/x.yaml``: rename one).
    DataValidationError
        A methodology file that breaks a rule (every problem, with its key path).
    """
    from aiinfra.index import builtin_methodologies, load_methodology

    if not sources:
        raise InvalidParameterError("`--methodology`: name at least one methodology")
    builtins = builtin_methodologies()
    out: list[Strategy] = []
    for src in sources:
        key = "default" if src is None else str(src)
        name = key if key in builtins else Path(key).stem
        if any(s.name == name for s in out):
            raise InvalidParameterError(
                f"`--methodology` {key!r}: a strategy named {name!r} is already compared (each "
                "methodology once; rename a file whose stem repeats another's)"
            )
        shown = str(builtins[key]) if key in builtins else key
        out.append(Strategy(name, shown, load_methodology(None if src is None else key)))
    return out


def _has_prices(prices: Callable[[str], pd.DataFrame], ticker: str) -> bool:
    try:
        return prices(ticker)["adj_close"].first_valid_index() is not None
    except AiinfraError:
        return False


def available_benchmarks(
    prices: Callable[[str], pd.DataFrame], candidates: Sequence[str] = DEFAULT_BENCHMARKS
) -> tuple[str, ...]:
    """The ``candidates`` that have prices, in their order."""
    return tuple(t for t in candidates if _has_prices(prices, t))


def resolve_benchmarks(
    prices: Callable[[str], pd.DataFrame], benchmarks: Sequence[str] | None
) -> tuple[str, ...]:
    """The benchmarks to compare with: None gives those of :data:`DEFAULT_BENCHMARKS` with
    prices; named ones are each checked.

    Raises
    ------
    InvalidParameterError
        A benchmark named twice or an empty name.
    MissingDataError
        A named benchmark without prices (the message says how to add them).
    """
    if benchmarks is None:
        return available_benchmarks(prices)
    seen: list[str] = []
    for t in benchmarks:
        t = str(t).strip()
        if not t:
            raise InvalidParameterError("`--benchmark` must be a ticker; got an empty string")
        if t in seen:
            raise InvalidParameterError(f"`--benchmark` {t!r} is named twice (name each once)")
        seen.append(t)
    for t in seen:
        try:
            prices(t)
        except MissingDataError as exc:
            raise MissingDataError(
                f"`--benchmark` {t}: no prices ({str(exc).rstrip('.')}); import them with "
                "`aiinfra prices import` or leave the benchmark out"
            ) from None
    return tuple(seen)


@dataclass
class FormedStrategies:
    """The strategies formed for a report or the dashboard.

    Attributes
    ----------
    strategies : list of Strategy
        In the order given; the first is the primary (its index is the one the report and the
        dashboard show in full, with the static-score comparison and the house view).
    views : dict of name → IndexView
        Every strategy whose index could be formed (each with its point-in-time backtest, or the
        reason in ``backtest_error``).
    comparison : StrategyComparison or None
        The strategies with a backtest and the benchmarks on their common window; None when no
        strategy has a backtest or the window cannot be formed (``notices`` says why).
    notices : list of str
        What was left out and why, in the reader's language.
    """

    strategies: list[Strategy]
    views: dict[str, IndexView]
    comparison: StrategyComparison | None
    notices: list[str] = field(default_factory=list)

    @property
    def primary(self) -> IndexView | None:
        return self.views.get(self.strategies[0].name)


def compare_views(
    views: Mapping[str, IndexView],
    prices: Callable[[str], pd.DataFrame],
    benchmarks: Sequence[str],
    lang: Lang = "en",
) -> tuple[StrategyComparison | None, list[str]]:
    """The views' backtests and the benchmarks' total-return prices on one window
    (:func:`aiinfra.backtest.compare_strategies`), with a notice for every view left out (no
    index, no backtest) and for a comparison that cannot be formed."""
    from aiinfra.backtest import compare_strategies
    from aiinfra.charts import label

    notices = []
    with_bt = {}
    for name, v in views.items():
        if v.backtest is not None:
            with_bt[name] = v.backtest
        else:
            why = v.error or v.backtest_error or "no backtest"
            notices.append(label("strategy_left_out", lang).format(name=name, why=why))
    if not with_bt:
        return None, notices
    try:
        bench = {t: prices(t)["adj_close"] for t in benchmarks}
        return compare_strategies(with_bt, bench), notices
    except AiinfraError as exc:
        notices.append(label("strategies_left_out", lang).format(why=exc))
        return None, notices


def form_strategies(
    ledger: Any,
    prices: Callable[[str], pd.DataFrame],
    sources: Sequence[str | None],
    as_of: pd.Timestamp,
    *,
    benchmarks: Sequence[str],
    fx: dict[str, pd.Series] | None = None,
    start: str = BACKTEST_START,
    lang: Lang = "en",
    cost_bps: float = 0.0,
) -> FormedStrategies:
    """Form every methodology's index on ``as_of`` with its point-in-time backtest from
    ``start`` (:func:`aiinfra.services.index.form_index`, the one way an index is formed), with
    ``cost_bps`` basis points per unit traded, and compare them with the benchmarks.

    The first methodology is the primary: its backtest runs against ``benchmarks`` and, as
    before, with the static-score comparison and the house view; the others run without them
    (``compare=False``). A methodology whose index cannot be formed, even relaxed, is left out
    with a notice (as is one without a backtest).

    Raises
    ------
    InvalidParameterError, DataValidationError
        From :func:`resolve_strategies`.
    """
    from aiinfra.charts import label

    strategies = resolve_strategies(sources)
    views: dict[str, IndexView] = {}
    notices: list[str] = []
    for i, s in enumerate(strategies):
        view = form_index(
            ledger, prices, s.methodology, as_of, fx=fx, start=start,
            benchmarks=benchmarks if i == 0 else (), compare=i == 0, cost_bps=cost_bps,
        )  # fmt: skip
        if i > 0 and view.backtest is None:  # the primary's own notices are on page one
            why = view.error or view.backtest_error or "no backtest"
            notices.append(label("strategy_left_out", lang).format(name=s.name, why=why))
        if i == 0 or view.error is None:
            views[s.name] = view
    with_bt = {n: v for n, v in views.items() if v.backtest is not None}
    cmp, more = compare_views(with_bt, prices, benchmarks, lang)
    return FormedStrategies(strategies, views, cmp, notices + more)


def dashboard_benchmarks(board: Any) -> tuple[str, ...]:
    """The benchmarks the dashboard offers: those of :data:`BENCHMARK_CHOICES` with prices
    (none without prices)."""
    if board.prices is None:
        return ()
    return available_benchmarks(board.prices, BENCHMARK_CHOICES)


def check_dashboard_choices(board: Any, names: Sequence[str], benchmarks: Sequence[str]) -> None:
    """Check the dashboard's choices before any work (see :func:`dashboard_strategies`).

    Raises
    ------
    MissingDataError
        The dashboard has no prices.
    InvalidParameterError
        No methodology, one that is not a built-in, a benchmark the page does not offer, or
        one chosen twice.
    """
    if board.prices is None:
        raise MissingDataError(board.no_prices or "no prices")
    builtins = builtin_names()
    if not names:
        raise InvalidParameterError("`methodologies`: choose at least one methodology")
    for n in names:
        if n not in builtins:
            raise InvalidParameterError(
                f"`methodologies` {n!r} is not a built-in methodology; choose from "
                f"{', '.join(builtins)}"
            )
    offered = dashboard_benchmarks(board)
    for t in benchmarks:
        if t not in offered:
            raise InvalidParameterError(
                f"`benchmarks` {t!r} is not offered; choose from {', '.join(offered) or 'none'}"
            )
    for group, what in ((names, "methodologies"), (benchmarks, "benchmarks")):
        if len(set(group)) != len(group):
            raise InvalidParameterError(f"`{what}`: choose each one once")


def dashboard_strategies(
    board: Any,
    names: Sequence[str],
    benchmarks: Sequence[str],
    lang: Lang = "en",
    progress: Progress | None = None,
) -> tuple[StrategyComparison | None, list[str]]:
    """The dashboard's strategy comparison: built-in methodologies only (the page names them;
    the server reads no file a browser names) and benchmarks among :data:`BENCHMARK_CHOICES`
    with prices. ``default`` is the dashboard's own index (cached with its comparisons); every
    other index is formed once per server (cached in the dashboard's cache).

    Raises
    ------
    InvalidParameterError
        No methodology, one that is not a built-in, a benchmark the page does not offer, or one
        named twice.
    MissingDataError
        The dashboard has no prices.
    """
    from aiinfra.index import load_methodology

    check_dashboard_choices(board, names, benchmarks)

    def tell(x: float, what: str) -> None:
        if progress is not None:
            progress(x, what)

    views: dict[str, IndexView] = {}
    for i, n in enumerate(names):
        tell(i / (len(names) + 1), n)
        if n == "default":
            views[n] = board.index_view()
            continue
        m = load_methodology(n)

        def run(m: Any = m) -> IndexView:
            return form_index(
                board.ledger, board.prices, m, board.as_of, fx=board.fx, benchmarks=(),
                compare=False,
            )  # fmt: skip

        views[n] = board._cache.get(("strategy", m.config_hash()), run)
    tell(len(names) / (len(names) + 1), "comparison")
    cmp, notices = compare_views(views, board.prices, tuple(benchmarks), lang)
    if cmp is not None:  # in the job, not in the page's poll
        for stat in ROLLING_STATS:
            cmp.rolling(stat)
    tell(1.0, "done")
    return cmp, notices
