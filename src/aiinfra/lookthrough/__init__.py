"""ETF look-through: a fund's holdings seen through the ledger (docs/lookthrough.md).

``aiinfra.lookthrough`` is both this package and the function of the public API: the module
object is callable and forwards to :func:`lookthrough` (see ``aiinfra._callable``), so
``aiinfra.lookthrough(holdings, ledger, ...)`` works whichever Python resolves.

The modules: ``_holdings`` (reading issuer holdings files), ``_mapping`` (holding lines to
ledger companies, by ticker and exchange variants, then by name) and ``_exposure`` (category
mix, overlap with the index, money cycles, self-funded revenue, stress losses, evidence). The
stress results are passed in (this package sits beside ``aiinfra.stress``, not above it);
:func:`aiinfra.services.lookthrough.compose` runs every built-in scenario and passes them.

>>> import aiinfra
>>> callable(aiinfra.lookthrough)
True
"""

from __future__ import annotations

from aiinfra._callable import make_callable
from aiinfra.lookthrough._exposure import (
    NOT_IN_LEDGER,
    UNCATEGORISED,
    LookThrough,
    category_mix,
    evidence_exposure,
    lookthrough,
    overlap_measures,
    stress_exposure,
)
from aiinfra.lookthrough._holdings import (
    HOLDINGS_COLUMNS,
    WEIGHT_KINDS,
    Holdings,
    WeightKind,
    column_role,
    parse_holdings,
    read_holdings,
)
from aiinfra.lookthrough._mapping import (
    MAPPING_COLUMNS,
    exchange_suffix,
    map_holdings,
    normalise_name,
    ticker_key,
)

__all__ = [
    "HOLDINGS_COLUMNS",
    "MAPPING_COLUMNS",
    "NOT_IN_LEDGER",
    "UNCATEGORISED",
    "WEIGHT_KINDS",
    "Holdings",
    "LookThrough",
    "WeightKind",
    "category_mix",
    "column_role",
    "evidence_exposure",
    "exchange_suffix",
    "lookthrough",
    "map_holdings",
    "normalise_name",
    "overlap_measures",
    "parse_holdings",
    "read_holdings",
    "stress_exposure",
    "ticker_key",
]

make_callable(__name__, lookthrough)
