"""Build-out use cases: the points of a series as of a date, and their summary."""

from __future__ import annotations

import pandas as pd

from aiinfra.buildout import SERIES, buildout_series, series_summary
from aiinfra.config import Settings
from aiinfra.exceptions import InvalidParameterError
from aiinfra.services.ledger import load

__all__ = ["TABLE_COLUMNS", "flatten", "points", "summary"]

#: Columns shown by ``--format table`` (csv and json show every column).
TABLE_COLUMNS: list[str] = [
    "series",
    "entity",
    "measure",
    "period",
    "value",
    "low",
    "high",
    "kind",
    "derived",
    "conflicts_with",
    "figure_id",
    "source",
]
#: Columns shown by ``--summary --format table``.
SUMMARY_COLUMNS: list[str] = [
    "series",
    "entity",
    "measure",
    "reported_period",
    "reported_value",
    "outlook_period",
    "outlook_value",
    "growth",
    "cagr",
]


def points(
    settings: Settings,
    series: str | None = None,
    as_of: object = None,
    data_dir: str | None = None,
) -> pd.DataFrame:
    """The points of one series (or all) known on ``as_of`` (default: every figure).

    Raises
    ------
    InvalidParameterError
        For an unknown series (before the ledger is read) or a bad date.
    """
    if series is not None and series not in SERIES:
        raise InvalidParameterError(
            f"`metric` must be a build-out series, one of {', '.join(SERIES)}; got {series!r}"
        )
    return buildout_series(load(settings, data_dir), series, as_of)


def summary(
    settings: Settings,
    series: str | None = None,
    as_of: object = None,
    data_dir: str | None = None,
) -> pd.DataFrame:
    """:func:`aiinfra.buildout.series_summary` of the points :func:`points` returns."""
    return series_summary(points(settings, series, as_of, data_dir))


def flatten(frame: pd.DataFrame) -> pd.DataFrame:
    """``conflicts_with`` as ``;``-separated text, for csv and table output."""
    out = frame.copy()
    out["conflicts_with"] = [";".join(ids) for ids in out["conflicts_with"]]
    return out
