"""Validation of daily price tables (the ``date,open,high,low,close,adj_close,volume`` format)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from aiinfra._csv import read_csv_records
from aiinfra.exceptions import DataValidationError, Problem

__all__ = ["GAP_WARN_DAYS", "PRICE_COLUMNS", "read_price_csv", "validate_prices"]

PRICE_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close", "adj_close", "volume")
#: Consecutive rows further apart than this many calendar days are reported as a gap (a warning).
GAP_WARN_DAYS = 7


def validate_prices(
    raw: pd.DataFrame, label: str, *, first_line: int = 2, lines: Sequence[int] | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Check a raw price table and return it typed, with warnings for gaps.

    Parameters
    ----------
    raw : DataFrame
        Columns ``date`` and :data:`PRICE_COLUMNS`, values as text or numbers, one row per day.
    label : str
        Name used in messages (usually the file path).
    first_line : int
        File line number of the first row (2 when the file has a header).
    lines : sequence of int, optional
        The file line number of every row (overrides ``first_line`` when rows are not one line
        each, e.g. after blank lines or quoted line breaks).

    Returns
    -------
    frame : DataFrame of shape (n_days, 6)
        Indexed by a ``DatetimeIndex`` named ``date``; float64 columns :data:`PRICE_COLUMNS`.
    warnings : list of str
        One line per gap longer than :data:`GAP_WARN_DAYS` calendar days.

    Raises
    ------
    DataValidationError
        Every problem at once: missing/unknown columns, unparseable dates, non-numeric or
        non-finite cells, non-positive prices, negative volume, unsorted or duplicate dates, an
        empty table. Rows whose high is below their low, or whose close lies outside [low, high],
        are reported as warnings (real vendor data contains a few).
    """
    problems: list[Problem] = []
    cols = [str(c).strip() for c in raw.columns]
    expected = ("date", *PRICE_COLUMNS)
    missing = [c for c in expected if c not in cols]
    unknown = [c for c in cols if c not in expected]
    if missing or unknown:
        for c in missing:
            problems.append(Problem(label, 1, c, "required column is missing"))
        for c in unknown:
            problems.append(
                Problem(label, 1, c, f"unknown column (expected: {', '.join(expected)})")
            )
        raise DataValidationError(problems, "prices")
    raw = raw.set_axis(cols, axis=1)
    if raw.empty:
        raise DataValidationError([Problem(label, None, None, "has no rows")], "prices")

    raw = raw.reset_index(drop=True)
    line_no = list(lines) if lines is not None else list(range(first_line, first_line + len(raw)))
    dates = pd.to_datetime(raw["date"].astype(str).str.strip(), format="%Y-%m-%d", errors="coerce")
    for i in dates.index[dates.isna()]:
        problems.append(
            Problem(
                label,
                int(line_no[i]),
                "date",
                "must be a date YYYY-MM-DD",
                str(raw["date"].iloc[i]),
            )
        )
    values = {}
    for c in PRICE_COLUMNS:
        num = pd.to_numeric(raw[c], errors="coerce")
        bad = num.isna() | ~np.isfinite(num.fillna(0.0))
        for i in num.index[bad]:
            rule = "must be a number" if pd.isna(num.iloc[i]) else "must be a finite number"
            problems.append(Problem(label, int(line_no[i]), c, rule, str(raw[c].iloc[i])))
        limit_bad = (num < 0) if c == "volume" else (num <= 0)
        for i in num.index[limit_bad & ~bad]:
            rule = "must be ≥ 0" if c == "volume" else "must be > 0"
            problems.append(Problem(label, int(line_no[i]), c, rule, str(raw[c].iloc[i])))
        values[c] = num.astype("float64").to_numpy()
    ok = dates.notna()
    d = dates[ok]
    dup = d.duplicated(keep="first")
    for i in d.index[dup]:
        problems.append(
            Problem(label, int(line_no[i]), "date", "duplicate date", str(raw["date"].iloc[i]))
        )
    back = d.diff() < pd.Timedelta(0)
    for i in d.index[back & ~dup]:
        problems.append(
            Problem(
                label,
                int(line_no[i]),
                "date",
                "dates must be sorted ascending",
                str(raw["date"].iloc[i]),
            )
        )
    if problems:
        raise DataValidationError(problems, "prices")

    frame = pd.DataFrame(
        values, index=pd.DatetimeIndex(dates, name="date").astype("datetime64[ns]")
    )
    gaps = frame.index.to_series().diff()
    warnings = [
        f"{label}: gap of {g.days} days before {pd.Timestamp(day).date()}"  # type: ignore[arg-type]
        for day, g in gaps[gaps > pd.Timedelta(days=GAP_WARN_DAYS)].items()
    ]
    odd = (frame["high"] < frame["low"]) | (frame["close"] > frame["high"] * (1 + 1e-6))
    odd |= frame["close"] < frame["low"] * (1 - 1e-6)
    for pos in np.flatnonzero(odd.to_numpy()):
        warnings.append(
            f"{label}, row {line_no[pos]}: high/low/close inconsistent "
            f"(low {frame['low'].iloc[pos]:g}, high {frame['high'].iloc[pos]:g}, "
            f"close {frame['close'].iloc[pos]:g})"
        )
    return frame, warnings


def read_price_csv(path: str, label: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Read and validate one ``TICKER.csv`` file (see :func:`validate_prices`).

    Rows are read with the csv module so that every problem names the file's real line number,
    and a row with more or fewer cells than the header is reported rather than shifted.
    """
    label = label or str(path)
    table = read_csv_records(path, label)
    if table.problems:
        raise DataValidationError(table.problems, "prices")
    raw = pd.DataFrame([r for _, r in table.records], columns=table.header, dtype=str)
    return validate_prices(raw, label, lines=[line for line, _ in table.records])
