"""Backtests: the index methodology over history against benchmarks."""

from __future__ import annotations

from aiinfra.backtest._backtest import BacktestResult, backtest

__all__ = ["BacktestResult", "backtest"]
