"""Parallel execution: local processes (joblib, default) or a Dask distributed cluster.

One executor interface (:class:`Executor`: ``map(fn, items)`` in item order) with three
implementations, and methodology sweeps built on it (:func:`sweep`, ``aiinfra sweep``). See
docs/sweep.md, also for pointing sweeps at an existing Dask cluster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiinfra.parallel._executor import (
    DaskExecutor,
    Executor,
    LocalExecutor,
    SerialExecutor,
    chunk_seeds,
    chunks,
    get_executor,
)

if TYPE_CHECKING:
    from aiinfra.parallel._sweep import (
        Grid,
        SweepResult,
        Variant,
        load_grid,
        methodology_paths,
        sweep,
    )

__all__ = [
    "DaskExecutor",
    "Executor",
    "Grid",
    "LocalExecutor",
    "SerialExecutor",
    "SweepResult",
    "Variant",
    "chunk_seeds",
    "chunks",
    "get_executor",
    "load_grid",
    "methodology_paths",
    "sweep",
]

_SWEEP = {"Grid", "SweepResult", "Variant", "load_grid", "methodology_paths", "sweep"}


def __getattr__(name: str) -> Any:
    # the sweep pulls in the index engine (pandas, pydantic): imported only when asked for
    if name in _SWEEP:
        from aiinfra.parallel import _sweep

        return getattr(_sweep, name)
    raise AttributeError(f"module 'aiinfra.parallel' has no attribute {name!r}")
