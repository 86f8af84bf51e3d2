"""Backtests: the index methodology over history against benchmarks.

``aiinfra.backtest`` is both this package (DESIGN.md's layout) and the function of the public API:
the module object is callable and forwards to :func:`backtest`, so ``aiinfra.backtest(...)`` works
whether Python resolves the name to the package or to the function (see ``aiinfra._callable``).
"""

from __future__ import annotations

from aiinfra._callable import make_callable
from aiinfra.backtest._attribution import attribution
from aiinfra.backtest._backtest import BacktestResult, backtest
from aiinfra.backtest._view import IndexMetrics, IndexView, Relaxation

__all__ = ["BacktestResult", "IndexMetrics", "IndexView", "Relaxation", "attribution", "backtest"]

make_callable(__name__, backtest)
