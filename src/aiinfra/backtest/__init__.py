"""Backtests: the index methodology over history against benchmarks.

``aiinfra.backtest`` is both this package (DESIGN.md's layout) and the function of the public API:
the module object is callable and forwards to :func:`backtest`, so ``aiinfra.backtest(...)`` works
whether Python resolves the name to the package or to the function.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from aiinfra.backtest._attribution import attribution
from aiinfra.backtest._backtest import BacktestResult, backtest

__all__ = ["BacktestResult", "attribution", "backtest"]


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> BacktestResult:
        return backtest(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
