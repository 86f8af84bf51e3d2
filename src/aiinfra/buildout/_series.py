"""Build-out points from ledger figures: one row per figure of a series, conflicts flagged."""

from __future__ import annotations

import math
from typing import Any, Protocol

import numpy as np
import pandas as pd

from aiinfra.buildout._periods import fiscal_year_ends, parse_period
from aiinfra.buildout._registry import SERIES, SeriesSpec, series_spec

__all__ = ["POINT_COLUMNS", "LedgerLike", "buildout_series"]

#: Columns of a points frame, in order (the JSON keys of ``aiinfra buildout``).
POINT_COLUMNS: tuple[str, ...] = (
    "series",
    "entity",
    "metric",
    "measure",
    "unit",
    "period",
    "period_type",
    "date",
    "value",
    "low",
    "high",
    "kind",
    "derived",
    "derivation",
    "conflict",
    "conflicts_with",
    "figure_id",
    "source",
    "source_date",
    "source_date_known",
    "notes",
)

_KIND_ORDER = {"actual": 0, "guidance": 1, "estimate": 2, "forecast": 3}


class LedgerLike(Protocol):
    """What :func:`buildout_series` reads: a :class:`~aiinfra.ledger.Ledger` or a view."""

    @property
    def figures(self) -> pd.DataFrame: ...
    @property
    def companies(self) -> pd.DataFrame: ...
    @property
    def financials(self) -> pd.DataFrame: ...
    @property
    def ai_revenue(self) -> pd.DataFrame: ...


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in POINT_COLUMNS})
    for c in ("value", "low", "high"):
        frame[c] = frame[c].astype(float)
    for c in ("date", "source_date_known"):
        frame[c] = pd.to_datetime(frame[c])
    for c in ("derived", "conflict"):
        frame[c] = frame[c].astype(bool)
    return frame


def _scaled(v: Any, factor: float) -> float:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return math.nan
    return float(v) * factor


def _text(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return str(v)


def _figures_known(ledger: LedgerLike, as_of: object) -> pd.DataFrame:
    figures = ledger.figures
    if as_of is None:
        return figures
    view = getattr(ledger, "as_of", None)
    if callable(view):  # a Ledger: its point-in-time view is the one definition of "known"
        known: pd.DataFrame = view(as_of).figures
        return known
    from aiinfra.dates import to_timestamp

    d = to_timestamp(as_of, "as_of")
    return figures[figures["source_date_known"] <= d]


def _same(a: tuple[float, float, float], b: tuple[float, float, float]) -> bool:
    return all(
        (math.isnan(x) and math.isnan(y)) or (not math.isnan(x) and math.isclose(x, y))
        for x, y in zip(a, b, strict=True)
    )


def _flag_conflicts(frame: pd.DataFrame) -> None:
    """Set ``conflict`` and ``conflicts_with`` in place (same series, entity, measure, period
    and kind, different value/low/high)."""
    conflicts: list[tuple[str, ...]] = [()] * len(frame)
    keys = ["series", "entity", "measure", "period", "kind"]
    position = {idx: i for i, idx in enumerate(frame.index)}
    for _, group in frame.groupby(keys, sort=False):
        if len(group) < 2:
            continue
        triples = {
            idx: (float(r["value"]), float(r["low"]), float(r["high"]))
            for idx, r in group.iterrows()
        }
        for idx, mine in triples.items():
            others = sorted(
                str(group.at[o, "figure_id"])
                for o, theirs in triples.items()
                if o != idx and not _same(mine, theirs)
            )
            conflicts[position[idx]] = tuple(others)
    frame["conflicts_with"] = conflicts
    frame["conflict"] = np.array([bool(c) for c in conflicts], dtype=bool)


def buildout_series(
    ledger: LedgerLike, name: str | None = None, as_of: object = None
) -> pd.DataFrame:
    """The points of one build-out series (or of every series), as known on ``as_of``.

    Parameters
    ----------
    ledger : Ledger or LedgerView
        From :func:`aiinfra.load_ledger`.
    name : str, optional
        A series name (see :func:`list_series`); default: every series.
    as_of : str, date or Timestamp, optional
        Keep only figures known by then (``source_date_known <= as_of``; a partial source
        date counts from the end of its period). Default: every figure. Conflicts are
        flagged among the figures kept.

    Returns
    -------
    DataFrame of shape (n_points, 21)
        Columns :data:`POINT_COLUMNS`: ``series``, ``entity``, ``metric`` (the ledger metric),
        ``measure`` (what the value measures after conversion; points compare only within
        one), ``unit``, ``period`` (text as in the ledger), ``period_type`` (``year``,
        ``quarter``, ``month``, ``half``, ``day``, ``multi_year``, ``planned``), ``date`` (the
        period end; NaT for ``planned``), ``value``/``low``/``high`` (a point, a range or a
        bound — never a midpoint), ``kind``, ``derived`` and ``derivation`` (a converted value,
        e.g. monthly revenue × 12), ``conflict`` and ``conflicts_with`` (ids of the figures of
        the same series, entity, measure, period and kind that state a different value),
        ``figure_id``, ``source``, ``source_date`` (text), ``source_date_known``, ``notes``.
        Sorted by series (registry order), entity, date (planned last), kind, figure id.

    Raises
    ------
    InvalidParameterError
        For an unknown series name (the message lists the valid ones) or a bad ``as_of``.

    Examples
    --------
    >>> from aiinfra import load_ledger
    >>> pts = buildout_series(load_ledger(), "cowos_monthly")
    >>> sorted(set(pts["unit"]))
    ['k wafers per month']
    """
    specs: list[SeriesSpec] = [series_spec(name)] if name is not None else list(SERIES.values())
    figures = _figures_known(ledger, as_of)
    layers: dict[str, str] = dict(
        zip(ledger.companies["id"], ledger.companies["layer"], strict=True)
    )
    calendars = fiscal_year_ends([ledger.financials, ledger.ai_revenue])
    rows: list[dict[str, Any]] = []
    order = {s.name: i for i, s in enumerate(SERIES.values())}
    for rec in figures.to_dict(orient="records"):
        metric, entity = str(rec["metric"]), str(rec["entity"])
        for spec in specs:
            rule = spec.rule_for(metric)
            if rule is None or not spec.takes_entity(entity, layers.get(entity)):
                continue
            span = parse_period(str(rec["period"]), calendars.get(entity))
            rows.append(
                {
                    "series": spec.name,
                    "entity": entity,
                    "metric": metric,
                    "measure": rule.measure_of(metric),
                    "unit": spec.unit,
                    "period": span.text,
                    "period_type": span.type,
                    "date": pd.Timestamp(span.end) if span.end else pd.NaT,
                    "value": _scaled(rec["value"], rule.factor),
                    "low": _scaled(rec["low"], rule.factor),
                    "high": _scaled(rec["high"], rule.factor),
                    "kind": str(rec["kind"]),
                    "derived": rule.factor != 1.0,
                    "derivation": rule.derivation,
                    "figure_id": str(rec["id"]),
                    "source": _text(rec["source"]),
                    "source_date": _text(rec["source_date"]),
                    "source_date_known": rec["source_date_known"],
                    "notes": _text(rec["notes"]),
                    "_series_order": order[spec.name],
                    "_kind_order": _KIND_ORDER.get(str(rec["kind"]), len(_KIND_ORDER)),
                }
            )
            break
    if not rows:
        return _empty()
    frame = pd.DataFrame(rows)
    frame = frame.sort_values(
        ["_series_order", "entity", "measure", "date", "_kind_order", "figure_id"],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)
    _flag_conflicts(frame)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["source_date_known"] = pd.to_datetime(frame["source_date_known"])
    return frame[list(POINT_COLUMNS)]
