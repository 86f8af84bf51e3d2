"""Growth and CAGR between two points of one entity, and a per-series summary.

Growth is computed from point values only: a range (``low``–``high``) or a bound ("over 700")
is refused with an error that names the figure — a midpoint would be a number no source gave.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from aiinfra.buildout._periods import month_diff
from aiinfra.buildout._registry import SERIES
from aiinfra.buildout._series import LedgerLike, buildout_series
from aiinfra.exceptions import InvalidParameterError

__all__ = [
    "SUMMARY_COLUMNS",
    "cagr",
    "growth",
    "latest_reported",
    "reported_points",
    "series_summary",
]

_NEEDED = (
    "series",
    "entity",
    "measure",
    "period",
    "period_type",
    "date",
    "value",
    "low",
    "high",
    "kind",
    "figure_id",
    "source_date_known",
)
_OUTLOOK = ("guidance", "forecast")

#: Columns of :func:`series_summary`, in order.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "series",
    "entity",
    "measure",
    "unit",
    "periods",
    "points",
    "conflicts",
    "reported_kind",
    "reported_period",
    "reported_value",
    "reported_low",
    "reported_high",
    "reported_id",
    "outlook_kind",
    "outlook_period",
    "outlook_value",
    "outlook_low",
    "outlook_high",
    "outlook_id",
    "growth",
    "cagr",
    "note",
)


def _fmt(v: float) -> str:
    return f"{v:g}"


def _describe(row: pd.Series) -> str:
    return f"{row['figure_id']} ({row['entity']} {row['period']} {row['kind']} {_stated(row)})"


def _stated(row: pd.Series) -> str:
    value, low, high = row["value"], row["low"], row["high"]
    if pd.notna(value):
        return _fmt(value)
    if pd.notna(low) and pd.notna(high):
        return f"range {_fmt(low)}–{_fmt(high)}"
    if pd.notna(low):
        return f"bound ≥ {_fmt(low)}"
    return f"bound ≤ {_fmt(high)}"


def _pick(candidates: pd.DataFrame, which: str, param: str, scope: str) -> pd.Series:
    hit = candidates[(candidates["period"] == which) | (candidates["figure_id"] == which)]
    if hit.empty:
        periods = candidates.drop_duplicates("period").sort_values("date", na_position="last")
        shown = ", ".join(periods["period"].astype(str).head(30)) or "none"
        raise InvalidParameterError(
            f"`{param}` {which!r} matches no point{scope}; periods available: {shown}"
        )
    if len(hit) > 1:
        listed = "; ".join(_describe(r) for _, r in hit.iterrows())
        raise InvalidParameterError(
            f"`{param}` {which!r} matches {len(hit)} points{scope}: {listed}. Narrow it with "
            "`entity=`, `kind=` or `measure=`, or pass a figure id instead of the period"
        )
    row: pd.Series = hit.iloc[0]
    return row


def _pair(
    points: pd.DataFrame,
    start_period: str,
    end_period: str,
    entity: str | None,
    series: str | None,
    measure: str | None,
    kind: str | None,
) -> tuple[pd.Series, pd.Series]:
    if not isinstance(points, pd.DataFrame) or not set(_NEEDED) <= set(points.columns):
        raise InvalidParameterError(
            "`points` must be a frame from buildout_series (columns " + ", ".join(_NEEDED) + ")"
        )
    mask = pd.Series(True, index=points.index)
    filters = {"entity": entity, "series": series, "measure": measure, "kind": kind}
    for column, wanted in filters.items():
        if wanted is not None:
            mask &= points[column] == wanted
    candidates = points[mask]
    used = [f"{k}={v!r}" for k, v in filters.items() if v is not None]
    scope = f" ({', '.join(used)})" if used else ""
    start = _pick(candidates, start_period, "start_period", scope)
    end = _pick(candidates, end_period, "end_period", scope)
    for column in ("entity", "series", "measure"):
        if start[column] != end[column]:
            raise InvalidParameterError(
                f"growth compares two points of one {column}; got {start[column]!r} "
                f"({start['figure_id']}) and {end[column]!r} ({end['figure_id']})"
            )
    spec = SERIES.get(str(start["series"]))
    if spec is not None and spec.aggregation == "ratio":
        raise InvalidParameterError(
            f"series {spec.name!r} holds ratios ({spec.unit}); growth of a ratio is not "
            "computed — compare the values directly"
        )
    for row in (start, end):
        if pd.isna(row["value"]):
            raise InvalidParameterError(
                f"point {_describe(row)} states a {_stated(row).split(' ')[0]}, not a value; "
                "growth is computed from point values only (no midpoints of ranges)"
            )
        if pd.isna(row["date"]):
            raise InvalidParameterError(
                f"point {_describe(row)} has no date (period {row['period']!r}); growth needs "
                "two dated points"
            )
    if end["date"] <= start["date"]:
        raise InvalidParameterError(
            f"`end_period` must end after `start_period`; {end['figure_id']} ends "
            f"{end['date'].date()}, {start['figure_id']} ends {start['date'].date()}"
        )
    if (
        spec is not None
        and spec.aggregation == "flow"
        and start["period_type"] != end["period_type"]
    ):
        raise InvalidParameterError(
            f"series {spec.name!r} holds amounts per period; a {start['period_type']} "
            f"({start['figure_id']}) is not comparable with a {end['period_type']} "
            f"({end['figure_id']})"
        )
    return start, end


def _years(start: pd.Timestamp, end: pd.Timestamp) -> float:
    if start.is_month_end and end.is_month_end:
        return month_diff(start.date(), end.date()) / 12
    return (end - start).days / 365.25


def growth(
    points: pd.DataFrame,
    start_period: str,
    end_period: str,
    *,
    entity: str | None = None,
    series: str | None = None,
    measure: str | None = None,
    kind: str | None = None,
) -> float:
    """Total growth ``end / start − 1`` between two points of one entity.

    Parameters
    ----------
    points : DataFrame
        Points from :func:`buildout_series` (one or several series).
    start_period, end_period : str
        The period text (``"2024"``, ``"FY2026-Q1"``) or the figure id (``"g080"``) of each
        point. A period must match exactly one point after the filters.
    entity, series, measure, kind : str, optional
        Filters applied before matching (``kind`` to both points; to compare an actual with a
        guidance, pass figure ids).

    Returns
    -------
    float
        The growth as a fraction (0.5 = +50 %); NaN when the start value is 0 (undefined).

    Raises
    ------
    InvalidParameterError
        When a period matches no point or several (the message lists them); when the points
        belong to different entities, series or measures; when either states a range or a
        bound instead of a value (no midpoints are taken); when either has no date
        (``planned``); when the end is not after the start; for a ratio series; or, in a flow
        series (amounts per period), when the period types differ (a quarter vs a year).

    Examples
    --------
    >>> from aiinfra import load_ledger
    >>> from aiinfra.buildout import buildout_series
    >>> pts = buildout_series(load_ledger(), "transceivers")
    >>> round(growth(pts, "g022", "g023"), 2)  # 800G: 25 mn (2025) to 112 mn (2027)
    3.48
    """
    start, end = _pair(points, start_period, end_period, entity, series, measure, kind)
    if float(start["value"]) == 0.0:
        return math.nan
    return float(end["value"]) / float(start["value"]) - 1.0


def cagr(
    points: pd.DataFrame,
    start_period: str,
    end_period: str,
    *,
    entity: str | None = None,
    series: str | None = None,
    measure: str | None = None,
    kind: str | None = None,
) -> float:
    """Compound annual growth rate ``(end / start) ** (1 / years) − 1`` between two points.

    ``years`` is the number of whole months between the two period ends divided by 12
    (2025-12-31 → 2026-04-30 is 4 months = 1/3 year); day-precise periods use days / 365.25.
    Parameters, selection and errors are those of :func:`growth`.

    Returns
    -------
    float
        The annual rate as a fraction; NaN when the start value is 0 (undefined).

    Examples
    --------
    >>> from aiinfra import load_ledger
    >>> from aiinfra.buildout import buildout_series
    >>> pts = buildout_series(load_ledger(), "transceivers")
    >>> round(cagr(pts, "g022", "g023"), 4)  # sqrt(112 / 25) - 1
    1.1166
    """
    start, end = _pair(points, start_period, end_period, entity, series, measure, kind)
    s, e = float(start["value"]), float(end["value"])
    if s <= 0.0 or e < 0.0:
        return math.nan
    rate: float = (e / s) ** (1.0 / _years(start["date"], end["date"])) - 1.0
    return rate


def _latest(frame: pd.DataFrame) -> pd.Series | None:
    if frame.empty:
        return None
    ordered = frame.assign(_actual=frame["kind"] == "actual").sort_values(
        ["date", "_actual", "source_date_known", "figure_id"], kind="stable"
    )
    row: pd.Series = ordered.iloc[-1]
    return row


def _last_month_start(end: pd.Timestamp, period_type: str) -> pd.Timestamp:
    """The first day of the month a period ends in (the day itself for a day period)."""
    if pd.isna(end):
        return pd.NaT
    if period_type == "day":
        return end
    start: pd.Timestamp = end.replace(day=1)
    return start


def reported_points(points: pd.DataFrame, as_of: object = None) -> pd.DataFrame:
    """The points of ``points`` that count as *reported* (on ``as_of`` when given).

    A point counts when it is dated and

    * of kind ``actual``, or
    * of kind ``estimate`` and measured, not projected: in a **level** series (a run-rate,
      a capacity at the period end) the estimate was published in the last month of its
      period or later (an ARR "for March" published on 27 March reads the run-rate then; a
      year-end capacity published in May is a projection); in **flow** and **ratio** series
      (an amount or a share over the period) once its period had ended (an estimate of a
      year's capex made in its spring is a projection);

    and, with ``as_of``, the period had ended and the point was known on that date (period end
    and ``source_date_known`` ≤ ``as_of``). ``guidance`` and ``forecast`` never count.
    """
    from aiinfra.dates import to_timestamp

    dated = points[points["date"].notna()]
    if dated.empty:
        return dated
    known = pd.to_datetime(dated["source_date_known"])
    level = pd.Series(
        [
            (s := SERIES.get(str(sr))) is not None and s.aggregation == "level"
            for sr in dated["series"]
        ],
        index=dated.index,
    )
    start = pd.Series(
        [
            _last_month_start(d, str(t))
            for d, t in zip(dated["date"], dated["period_type"], strict=True)
        ],
        index=dated.index,
        dtype="datetime64[ns]",
    )
    measured = (dated["date"] <= known) | (level & (start <= known))
    ok = (dated["kind"] == "actual") | ((dated["kind"] == "estimate") & measured)
    if as_of is not None:
        day = to_timestamp(as_of, "as_of")
        ok &= (dated["date"] <= day) & (known <= day)
    return dated[ok]


def latest_reported(points: pd.DataFrame, as_of: object = None) -> pd.DataFrame:
    """The points of the latest reported period of one series, entity and measure.

    Of :func:`reported_points`, those with the latest period end; actuals only when that
    period has an actual (a company's own figure supersedes third-party estimates of it).
    Several rows mean several sources for the same period; when their values differ the
    period is stated as the range they span. Ordered by publication date, then figure id
    (the last row is the most recently published). Empty when nothing counts as reported.
    """
    rows = reported_points(points, as_of)
    if rows.empty:
        return rows
    last = rows[rows["date"] == rows["date"].max()]
    if (last["kind"] == "actual").any():
        last = last[last["kind"] == "actual"]
    ordered: pd.DataFrame = last.sort_values(["source_date_known", "figure_id"], kind="stable")
    return ordered


def _summary_row(group: pd.DataFrame, periods: str, as_of: object = None) -> dict[str, Any]:
    first = group.iloc[0]
    dated = group[group["date"].notna()]
    latest = latest_reported(group, as_of)
    reported = None if latest.empty else latest.iloc[-1]
    outlook = _latest(dated[dated["kind"].isin(_OUTLOOK)])
    out: dict[str, Any] = {
        "series": first["series"],
        "entity": first["entity"],
        "measure": first["measure"],
        "unit": first.get("unit"),
        "periods": periods,
        "points": len(group),
        "conflicts": int(group["conflict"].sum()) if "conflict" in group else 0,
    }
    for prefix, row in (("reported", reported), ("outlook", outlook)):
        out[f"{prefix}_kind"] = None if row is None else row["kind"]
        out[f"{prefix}_period"] = None if row is None else row["period"]
        for c in ("value", "low", "high"):
            out[f"{prefix}_{c}"] = math.nan if row is None else float(row[c])
        out[f"{prefix}_id"] = None if row is None else row["figure_id"]
    out["growth"] = out["cagr"] = math.nan
    if reported is None or outlook is None:
        missing = [p for p, r in (("reported", reported), ("outlook", outlook)) if r is None]
        out["note"] = f"no {' and no '.join(missing)} point"
    elif outlook["date"] <= reported["date"]:
        out["note"] = "no outlook after the latest reported point"
    else:
        ids = (str(reported["figure_id"]), str(outlook["figure_id"]))
        try:
            out["growth"] = growth(group, *ids)
            out["cagr"] = cagr(group, *ids)
            out["note"] = f"from {ids[0]} to {ids[1]}"
        except InvalidParameterError as exc:
            out["note"] = str(exc)
    return out


def series_summary(
    source: LedgerLike | pd.DataFrame, name: str | None = None, as_of: object = None
) -> pd.DataFrame:
    """Per series, entity and measure: the latest reported point, the latest outlook, growth.

    Parameters
    ----------
    source : Ledger, LedgerView or DataFrame
        A ledger (the points are built with :func:`buildout_series`) or a points frame.
    name : str, optional
        One series; default every series.
    as_of : str, date or Timestamp, optional
        The date of the summary: only figures known by then, and a reported point only for a
        period over by then (a points frame is filtered the same way).

    Returns
    -------
    DataFrame of shape (n_groups, 22)
        Columns :data:`SUMMARY_COLUMNS`. One row per series, entity and measure — and, in flow
        series (amounts per period), per period type (``periods`` = ``year``, ``quarter``…;
        ``all`` in level and ratio series). ``reported_*``: the most recently published point
        of the latest reported period (:func:`latest_reported`: an actual, or an estimate that
        measured rather than projected; with ``as_of``, a period over and known by then).
        ``outlook_*``: the latest dated ``guidance`` or
        ``forecast`` (the furthest period; on the same period the most recently published).
        ``growth`` and ``cagr`` run from the reported point to the outlook when both state a
        value; otherwise NaN and ``note`` says why.

    Examples
    --------
    >>> from aiinfra import load_ledger
    >>> s = series_summary(load_ledger(), "transceivers")
    >>> list(s.loc[s["measure"] == "transceivers_800g_mn_units", "outlook_id"])
    ['g023']
    """
    if isinstance(source, pd.DataFrame):
        points = source if name is None else source[source["series"] == name]
        if as_of is not None:
            from aiinfra.dates import to_timestamp

            day = to_timestamp(as_of, "as_of")
            points = points[pd.to_datetime(points["source_date_known"]) <= day]
    else:
        points = buildout_series(source, name, as_of)
    rows: list[dict[str, Any]] = []
    if not points.empty:
        periods = [
            pt if (s := SERIES.get(str(sr))) is not None and s.aggregation == "flow" else "all"
            for sr, pt in zip(points["series"], points["period_type"], strict=True)
        ]
        keyed = points.assign(_periods=periods)
        for (_, _, _, p), group in keyed.groupby(
            ["series", "entity", "measure", "_periods"], sort=False
        ):
            rows.append(_summary_row(group.drop(columns="_periods"), str(p), as_of))
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SUMMARY_COLUMNS})
    return pd.DataFrame(rows)[list(SUMMARY_COLUMNS)]
