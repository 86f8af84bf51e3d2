"""Parallel execution: local processes (joblib, default) or a Dask distributed cluster.

One executor interface (:class:`Executor`: ``map(fn, items)`` in item order) with three
implementations; the Monte Carlo of the ROI gap and the methodology sweeps
(:func:`aiinfra.backtest.sweep`, ``aiinfra sweep``) run on it. See docs/sweep.md, also for
pointing work at an existing Dask cluster.
"""

from __future__ import annotations

from aiinfra.parallel._executor import (
    DaskExecutor,
    Executor,
    LocalExecutor,
    SerialExecutor,
    chunk_seeds,
    chunks,
    get_executor,
)

__all__ = [
    "DaskExecutor",
    "Executor",
    "LocalExecutor",
    "SerialExecutor",
    "chunk_seeds",
    "chunks",
    "get_executor",
]
