"""Validation of daily price tables (the ``date,open,high,low,close,adj_close,volume`` format)."""

from __future__ import annotations

import pandas as pd

from aiinfra.exceptions import DataValidationError, Problem

__all__ = ["GAP_WARN_DAYS", "PRICE_COLUMNS", "read_price_csv", "validate_prices"]

PRICE_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close", "adj_close", "volume")
#: Consecutive rows further apart than this many calendar days are reported as a gap (a warning).
GAP_WARN_DAYS = 7


def validate_prices(
    raw: pd.DataFrame, label: str, *, first_line: int = 2
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

    Returns
    -------
    frame : DataFrame of shape (n_days, 6)
        Indexed by a ``DatetimeIndex`` named ``date``; float64 columns :data:`PRICE_COLUMNS`.
    warnings : list of str
        One line per gap longer than :data:`GAP_WARN_DAYS` calendar days.

    Raises
    ------
    DataValidationError
        Every problem at once: missing/unknown columns, unparseable dates, non-numeric cells,
        non-positive prices, negative volume, unsorted or duplicate dates, an empty table.
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

    lines = pd.RangeIndex(first_line, first_line + len(raw))
    dates = pd.to_datetime(raw["date"].astype(str).str.strip(), format="%Y-%m-%d", errors="coerce")
    for i in dates.index[dates.isna()]:
        problems.append(
            Problem(
                label, int(lines[i]), "date", "must be a date YYYY-MM-DD", str(raw["date"].iloc[i])
            )
        )
    values = {}
    for c in PRICE_COLUMNS:
        num = pd.to_numeric(raw[c], errors="coerce")
        bad = num.isna()
        for i in num.index[bad]:
            problems.append(
                Problem(label, int(lines[i]), c, "must be a number", str(raw[c].iloc[i]))
            )
        limit_bad = (num < 0) if c == "volume" else (num <= 0)
        for i in num.index[limit_bad & ~bad]:
            rule = "must be ≥ 0" if c == "volume" else "must be > 0"
            problems.append(Problem(label, int(lines[i]), c, rule, str(raw[c].iloc[i])))
        values[c] = num.astype("float64").to_numpy()
    ok = dates.notna()
    d = dates[ok]
    dup = d.duplicated(keep="first")
    for i in d.index[dup]:
        problems.append(
            Problem(label, int(lines[i]), "date", "duplicate date", str(raw["date"].iloc[i]))
        )
    back = d.diff() < pd.Timedelta(0)
    for i in d.index[back & ~dup]:
        problems.append(
            Problem(
                label,
                int(lines[i]),
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
    return frame, warnings


def read_price_csv(path: str, label: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Read and validate one ``TICKER.csv`` file (see :func:`validate_prices`)."""
    label = label or str(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataValidationError(
            [Problem(label, None, None, f"cannot be read as CSV ({exc})")], "prices"
        ) from None
    return validate_prices(raw, label)
