"""Backtests: the index methodology over history against benchmarks, and sweeps of methodology
variants as backtests (docs/sweep.md).

``aiinfra.backtest`` is both this package (DESIGN.md's layout) and the function of the public API:
the module object is callable and forwards to :func:`backtest`, so ``aiinfra.backtest(...)`` works
whether Python resolves the name to the package or to the function (see ``aiinfra._callable``).
"""

from __future__ import annotations

from aiinfra._callable import make_callable
from aiinfra.backtest._attribution import attribution
from aiinfra.backtest._backtest import BacktestResult, backtest
from aiinfra.backtest._notices import (
    BACKTEST_START,
    CANNOT_PRICE,
    candidate_counts,
    index_notice_parts,
)
from aiinfra.backtest._strategies import (
    ROLLING_STATS,
    RollingStat,
    StrategyComparison,
    compare_strategies,
)
from aiinfra.backtest._summary import BacktestSummary, BenchmarkStats, SeriesStats, TurnoverStats
from aiinfra.backtest._sweep import (
    MAX_VARIANTS,
    PBO_SPLITS,
    Grid,
    SweepResult,
    Variant,
    load_grid,
    methodology_paths,
    sweep,
)
from aiinfra.backtest._sweep_robustness import SweepRobustness, sweep_robustness
from aiinfra.backtest._view import HouseComparison, IndexMetrics, IndexView, Relaxation

__all__ = [
    "BACKTEST_START",
    "CANNOT_PRICE",
    "MAX_VARIANTS",
    "PBO_SPLITS",
    "ROLLING_STATS",
    "BacktestResult",
    "BacktestSummary",
    "BenchmarkStats",
    "Grid",
    "HouseComparison",
    "IndexMetrics",
    "IndexView",
    "Relaxation",
    "RollingStat",
    "SeriesStats",
    "StrategyComparison",
    "SweepResult",
    "SweepRobustness",
    "TurnoverStats",
    "Variant",
    "attribution",
    "backtest",
    "candidate_counts",
    "compare_strategies",
    "index_notice_parts",
    "load_grid",
    "methodology_paths",
    "sweep",
    "sweep_robustness",
]

make_callable(__name__, backtest)
