"""Validation of daily price tables (the ``date,open,high,low,close,adj_close,volume`` format)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd

from aiinfra._csv import parse_csv_text, read_text_bounded
from aiinfra.exceptions import DataValidationError, Problem

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "GAP_WARN_DAYS",
    "MAX_FILE_BYTES",
    "MAX_FILE_BYTES_ENV",
    "MAX_LISTED",
    "PRICE_COLUMNS",
    "max_file_bytes",
    "read_price_csv",
    "validate_prices",
]

PRICE_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close", "adj_close", "volume")
#: Consecutive rows further apart than this many calendar days are reported as a gap (a warning).
GAP_WARN_DAYS = 7
#: The dates a price table may hold: the days pandas can represent (nanosecond timestamps).
DATE_MIN = pd.Timestamp("1677-09-22")
DATE_MAX = pd.Timestamp("2262-04-11")
#: At most this many rows are listed per column and rule; the rest are counted in one line.
MAX_LISTED = 20
#: Largest price file read, in bytes (256 MiB, about 4 million rows); override with
#: ``AIINFRA_MAX_PRICE_FILE_BYTES``. A larger file is refused before it is read.
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_FILE_BYTES_ENV = "AIINFRA_MAX_PRICE_FILE_BYTES"


def max_file_bytes() -> int:
    """The per-file byte limit: ``AIINFRA_MAX_PRICE_FILE_BYTES`` or :data:`MAX_FILE_BYTES`."""
    from aiinfra._csv import byte_limit

    return byte_limit(MAX_FILE_BYTES_ENV, MAX_FILE_BYTES)


class _Collector:
    """Problems of one table, at most :data:`MAX_LISTED` listed per (column, rule)."""

    def __init__(self, label: str, line_no: Sequence[int], raw: pd.DataFrame) -> None:
        self.label, self.line_no, self.raw = label, line_no, raw
        self.problems: list[Problem] = []

    def add(self, positions: Sequence[int] | np.ndarray, column: str, rule: str) -> None:
        pos = list(positions)
        for i in pos[:MAX_LISTED]:
            value = str(self.raw[column].iloc[i])
            self.problems.append(Problem(self.label, int(self.line_no[i]), column, rule, value))
        if len(pos) > MAX_LISTED:
            more = len(pos) - MAX_LISTED
            self.problems.append(
                Problem(
                    self.label,
                    None,
                    column,
                    f"{rule}: {more:,} more rows after row {self.line_no[pos[MAX_LISTED - 1]]} "
                    f"break this rule ({len(pos):,} in all; the first {MAX_LISTED} are listed)",
                )
            )


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
    found = _Collector(label, line_no, raw)
    dates = pd.to_datetime(raw["date"].astype(str).str.strip(), format="%Y-%m-%d", errors="coerce")
    found.add(np.flatnonzero(dates.isna().to_numpy()), "date", "must be a date YYYY-MM-DD")
    # checked before any conversion to nanoseconds, which overflows outside these days
    outside = dates.notna() & ((dates < DATE_MIN) | (dates > DATE_MAX))
    found.add(
        np.flatnonzero(outside.to_numpy()),
        "date",
        f"must be a date from {DATE_MIN.date()} to {DATE_MAX.date()} (the days pandas can hold)",
    )
    dates = dates.where(~outside)
    values = {}
    for c in PRICE_COLUMNS:
        num = pd.to_numeric(raw[c], errors="coerce")
        nan = num.isna().to_numpy()
        inf = ~nan & ~np.isfinite(num.fillna(0.0).to_numpy())
        found.add(np.flatnonzero(nan), c, "must be a number")
        found.add(np.flatnonzero(inf), c, "must be a finite number")
        limit_bad = ((num < 0) if c == "volume" else (num <= 0)).to_numpy() & ~nan & ~inf
        found.add(np.flatnonzero(limit_bad), c, "must be ≥ 0" if c == "volume" else "must be > 0")
        values[c] = num.astype("float64").to_numpy()
    ok = dates.notna()
    d = dates[ok]
    dup = d.duplicated(keep="first")
    found.add(d.index[dup].to_numpy(), "date", "duplicate date")
    back = d.diff() < pd.Timedelta(0)
    found.add(d.index[back & ~dup].to_numpy(), "date", "dates must be sorted ascending")
    problems += found.problems
    if problems:
        raise DataValidationError(problems, "prices")
    return _typed(values, dates, label, line_no)


def _typed(
    values: dict[str, np.ndarray], dates: pd.Series, label: str, line_no: Sequence[int]
) -> tuple[pd.DataFrame, list[str]]:
    """The typed frame of a table that broke no rule, and its warnings (gaps, high/low)."""
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
            f"{label}, row {line_no[int(pos)]}: high/low/close inconsistent "
            f"(low {frame['low'].iloc[pos]:g}, high {frame['high'].iloc[pos]:g}, "
            f"close {frame['close'].iloc[pos]:g})"
        )
    return frame, warnings


def _read_text(path: str, label: str, limit: int) -> tuple[str | None, list[Problem]]:
    """The file's text, read only when it is a regular file of at most ``limit`` bytes."""
    return read_text_bounded(path, label, limit, MAX_FILE_BYTES_ENV)


def read_price_csv(
    path: str, label: str | None = None, *, max_bytes: int | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Read and validate one ``TICKER.csv`` file (see :func:`validate_prices`).

    Only a regular file (or a symbolic link to one) of at most ``max_bytes`` bytes (default
    :func:`max_file_bytes`) is read; anything else is a problem, found before its content is read.
    Rows are read with the csv module so that every problem names the file's real line number,
    and a row with more or fewer cells than the header is reported rather than shifted. A plain
    file (the exact header; digits, dots, commas and the dates' hyphens only) is first read with
    pandas' C parser, several times faster, and kept only when it gives exactly what the csv
    module's reading gives (:func:`_read_plain`); anything else is read the careful way.
    """
    label = label or str(path)
    text, problems = _read_text(str(path), label, max_bytes or max_file_bytes())
    if text is None:
        raise DataValidationError(problems, "prices")
    fast = _read_plain(text, label)
    if fast is not None:
        return fast
    return _read_careful(text, label)


#: The header of a plain price file, exactly (the fast path reads only such files).
_PLAIN_HEADER = ",".join(("date", *PRICE_COLUMNS))
#: The only bytes a plain file's rows hold: digits, ``.``, ``,``, ``-`` and LF (no quote, space,
#: CR, exponent, sign other than the dates' hyphens, NUL, letter or non-ASCII character).
_PLAIN_BYTES = b"0123456789.,-\n"
#: Whole numbers from here on are not read on the fast path (``pd.to_numeric`` keeps integer
#: columns as integers, exact only below 2**53 once converted to float).
_PLAIN_INT_LIMIT = float(2**53)


def _read_plain(text: str, label: str) -> tuple[pd.DataFrame, list[str]] | None:
    """The validated table of a *plain* file read by pandas' C parser, else None.

    A plain file has the exact header ``date,open,high,low,close,adj_close,volume``, no blank
    line, and rows of digits, dots, commas and hyphens only (what the shared files and
    yfinance exports hold). Its numbers are parsed by the C parser's default converter, the one
    ``pd.to_numeric`` uses on text, so the floats are the careful path's bit for bit (the tests
    compare both paths); anything that could make the two differ (a signed zero, a whole number
    of 2**53 or more) or any problem at all (a short or long row, a cell that is not a number, a
    date that is not ``YYYY-MM-DD`` or out of order, a price ≤ 0, a negative volume) returns
    None, and :func:`_read_careful` reads the file again and reports it exactly as before. A
    table that passes is typed by the same code as :func:`validate_prices` (same frame, same
    warnings).
    """
    head, _, body = text.partition("\n")
    if head != _PLAIN_HEADER or not body or "\n\n" in body:
        return None
    try:
        data = body.encode("ascii")
    except UnicodeEncodeError:
        return None
    if data.translate(None, _PLAIN_BYTES):  # a byte outside the plain set
        return None
    n_rows = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    types: dict[str, str] = {"date": "str", **dict.fromkeys(PRICE_COLUMNS, "float64")}
    try:
        raw = pd.read_csv(
            io.BytesIO(data),
            header=None,
            names=["date", *PRICE_COLUMNS],
            dtype=types,
            na_filter=False,
            engine="c",
        )
    except (ValueError, OverflowError):  # pandas' ParserError is a ValueError
        return None
    if len(raw) != n_rows:
        return None
    values = {c: raw[c].to_numpy() for c in PRICE_COLUMNS}
    prices = np.column_stack([values[c] for c in PRICE_COLUMNS[:-1]])
    volume = values["volume"]
    # NaN (a short row or an empty cell) and infinities fail these comparisons
    if not ((prices > 0).all() and (prices < _PLAIN_INT_LIMIT).all()):
        return None
    if not ((volume >= 0).all() and (volume < _PLAIN_INT_LIMIT).all()) or np.signbit(volume).any():
        return None
    dates = pd.to_datetime(raw["date"], format="%Y-%m-%d", errors="coerce")
    days = dates.to_numpy()
    if (
        np.isnat(days).any()
        or days.min() < DATE_MIN.to_datetime64()
        or days.max() > DATE_MAX.to_datetime64()
        or not (days[1:] > days[:-1]).all()  # sorted, no duplicate
    ):
        return None
    return _typed(values, dates, label, range(2, 2 + n_rows))


def _read_careful(text: str, label: str) -> tuple[pd.DataFrame, list[str]]:
    """Rows read with the csv module, every cell as text (every problem named by its line)."""
    table = parse_csv_text(text, label)
    if table.problems:
        raise DataValidationError(table.problems, "prices")
    raw = pd.DataFrame([r for _, r in table.records], columns=table.header, dtype=str)
    return validate_prices(raw, label, lines=[line for line, _ in table.records])
