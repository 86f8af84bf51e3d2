"""The build-out tracker: named series of ledger figures, conflicts, growth and CAGR.

>>> from aiinfra import load_ledger
>>> from aiinfra.buildout import buildout_series, list_series
>>> "hyperscaler_capex" in list_series()
True
>>> pts = buildout_series(load_ledger(), "transceivers")
>>> bool(pts["source"].notna().all())
True
"""

from __future__ import annotations

from aiinfra.buildout._growth import (
    SUMMARY_COLUMNS,
    cagr,
    growth,
    latest_reported,
    reported_points,
    series_summary,
)
from aiinfra.buildout._periods import parse_period
from aiinfra.buildout._registry import (
    SERIES,
    MetricRule,
    SeriesSpec,
    describe_series,
    list_series,
    series_spec,
)
from aiinfra.buildout._series import POINT_COLUMNS, buildout_series

__all__ = [
    "POINT_COLUMNS",
    "SERIES",
    "SUMMARY_COLUMNS",
    "MetricRule",
    "SeriesSpec",
    "buildout_series",
    "cagr",
    "describe_series",
    "growth",
    "latest_reported",
    "list_series",
    "parse_period",
    "reported_points",
    "series_spec",
    "series_summary",
]
