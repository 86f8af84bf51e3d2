"""aiinfra: the AI-infrastructure ledger, index, capital-flow map, stress tests and ROI gap.

The public API is imported lazily so that ``import aiinfra`` and ``aiinfra --help`` stay fast.

>>> import aiinfra
>>> ledger = aiinfra.load_ledger()
>>> sorted(ledger.counts())[:3]
['ai_revenue', 'balance_sheets', 'companies']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AiinfraError",
    "CsvDirProvider",
    "DataValidationError",
    "Ledger",
    "LedgerView",
    "Store",
    "YFinanceProvider",
    "__version__",
    "backtest",
    "compare_strategies",
    "diff",
    "flow_graph",
    "gap",
    "load_ledger",
    "load_methodology",
    "lookthrough",
    "run_review",
    "stress",
]

_LAZY = {
    "load_ledger": "aiinfra.ledger",
    "Ledger": "aiinfra.ledger",
    "LedgerView": "aiinfra.ledger",
    "AiinfraError": "aiinfra.exceptions",
    "DataValidationError": "aiinfra.exceptions",
    "CsvDirProvider": "aiinfra.prices",
    "YFinanceProvider": "aiinfra.prices",
    "Store": "aiinfra.store",
    "run_review": "aiinfra.index",
    "flow_graph": "aiinfra.flows",
    "gap": "aiinfra.roi_gap",
    "diff": "aiinfra.services.diff",
    "load_methodology": "aiinfra.index",
    "compare_strategies": "aiinfra.backtest",
}

if TYPE_CHECKING:
    from aiinfra.backtest import backtest, compare_strategies
    from aiinfra.exceptions import AiinfraError, DataValidationError
    from aiinfra.flows import flow_graph
    from aiinfra.index import load_methodology, run_review
    from aiinfra.ledger import Ledger, LedgerView, load_ledger
    from aiinfra.lookthrough import lookthrough
    from aiinfra.prices import CsvDirProvider, YFinanceProvider
    from aiinfra.roi_gap import gap
    from aiinfra.services.diff import diff
    from aiinfra.store import Store
    from aiinfra.stress import stress


def __getattr__(name: str) -> Any:
    if name == "lookthrough":  # a callable package too (aiinfra/_callable.py)
        import importlib

        return importlib.import_module("aiinfra.lookthrough")
    if name in ("backtest", "stress"):  # callable packages: see aiinfra/_callable.py
        import importlib

        return importlib.import_module(f"aiinfra.{name}")
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'aiinfra' has no attribute {name!r}")
