"""The headline build-out rows of the report's page one and the dashboard's overview.

The same few series, chosen once (:data:`KEY_BUILDOUT`), summarised by the build-out package
(:func:`aiinfra.buildout.series_summary`, :func:`aiinfra.buildout.latest_reported`) and named
for a reader; the report and the dashboard each lay the rows out in their own way.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from aiinfra.charts._labels import ENTITY_NAMES, MEASURE_NAMES, UNIT_NAMES
from aiinfra.config import Lang
from aiinfra.ledger import Ledger

__all__ = ["KEY_BUILDOUT", "entity_names", "key_buildout_label", "key_buildout_records"]

#: (series, entity, periods, measure) shown on page one: the headline numbers of the seeds
KEY_BUILDOUT = (
    ("model_lab_arr", "openai", "all", "arr_usd_bn"),
    ("model_lab_arr", "anthropic", "all", "arr_usd_bn"),
    ("hyperscaler_capex", "big4", "year", "capex_usd_bn"),
    ("wfe_spend", "global", "year", "wfe_spend_usd_bn"),
    ("cowos_monthly", "tsmc", "all", "cowos_wafers_per_month_k"),
    ("dc_capacity", "global", "all", "dc_capacity_mw"),
)


def entity_names(ledger: Ledger) -> dict[str, str]:
    """Company id → name from ``companies.csv`` (the entities a reader knows by name)."""
    return ledger.company_names()


def key_buildout_label(rec: dict[str, Any], lang: Lang) -> tuple[str, str]:
    """(what, unit) of a headline row in words: ``OpenAI · annualised revenue (ARR)`` and
    ``USD bn a year (run-rate)``; plain text (escape it where it reaches HTML)."""
    entity, measure, unit = str(rec["entity"]), str(rec["measure"]), rec.get("unit")
    who = rec.get("entity_name") or ENTITY_NAMES.get(entity, {}).get(lang) or entity
    what = MEASURE_NAMES.get(measure, {}).get(lang) or measure.replace("_", " ")
    unit_text = UNIT_NAMES.get(str(unit), {}).get(lang) or ("" if unit is None else str(unit))
    return f"{who} · {what}", unit_text


def key_buildout_records(ledger: Ledger, as_of: pd.Timestamp) -> list[dict[str, Any]]:
    """The headline series in :data:`KEY_BUILDOUT`, in that order (report and dashboard).

    Each record is the series summary row (:func:`aiinfra.buildout.series_summary` on
    ``as_of``: the most recent period over and published by then, the furthest outlook) plus
    ``entity_name`` (from ``companies.csv``; None for a group) and every figure of the latest
    reported period (:func:`aiinfra.buildout.latest_reported`): ``reported_ids``,
    ``reported_sources`` (``(figure id, source)`` pairs), ``reported_periods`` and
    ``reported_kinds`` (distinct, in order), and ``reported_range_low`` /
    ``reported_range_high`` (the smallest and largest number they state; NaN when none).
    """
    from aiinfra.buildout import buildout_series, latest_reported, series_summary

    points = buildout_series(ledger, as_of=as_of)
    frame = series_summary(points, as_of=as_of)
    names = entity_names(ledger)
    out: list[dict[str, Any]] = []
    for series, entity, periods, measure in KEY_BUILDOUT:
        hit = frame[
            (frame["series"] == series)
            & (frame["entity"] == entity)
            & (frame["measure"] == measure)
        ]
        if periods != "all":
            hit = hit[hit["periods"] == periods]
        if hit.empty:
            continue
        rec: dict[str, Any] = {str(k): v for k, v in hit.iloc[0].items()}
        group = points[
            (points["series"] == series)
            & (points["entity"] == entity)
            & (points["measure"] == measure)
        ]
        if periods != "all":
            group = group[group["period_type"] == periods]
        latest = latest_reported(group, as_of)
        stated = [float(x) for col in ("value", "low", "high") for x in latest[col] if pd.notna(x)]
        rec |= {
            "entity_name": names.get(entity),
            "reported_ids": [str(i) for i in latest["figure_id"]],
            "reported_sources": [
                (str(i), "–" if pd.isna(src) else str(src))
                for i, src in zip(latest["figure_id"], latest["source"], strict=True)
            ],
            "reported_periods": list(dict.fromkeys(str(x) for x in latest["period"])),
            "reported_kinds": list(dict.fromkeys(str(x) for x in latest["kind"])),
            "reported_range_low": min(stated) if stated else float("nan"),
            "reported_range_high": max(stated) if stated else float("nan"),
        }
        out.append(rec)
    return out
