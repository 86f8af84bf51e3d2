"""Reading the ledger CSV files, overlaying a user directory, and turning rows into frames."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from aiinfra._csv import read_csv_records
from aiinfra.dates import PartialDate
from aiinfra.exceptions import Problem
from aiinfra.ledger._schema import TableSpec, _Row

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_FILE_BYTES_ENV",
    "Override",
    "ParsedRow",
    "bundled_data_dir",
    "max_file_bytes",
    "read_table",
]

#: Largest ledger file read, in bytes (16 MiB, over 100 times the largest bundled file); override
#: with ``AIINFRA_MAX_LEDGER_FILE_BYTES``. A larger file, or anything that is not a regular file
#: (a device such as ``/dev/zero``, a pipe), is refused before it is read.
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_FILE_BYTES_ENV = "AIINFRA_MAX_LEDGER_FILE_BYTES"


def max_file_bytes() -> int:
    """The per-file byte limit: ``AIINFRA_MAX_LEDGER_FILE_BYTES`` or :data:`MAX_FILE_BYTES`.

    Raises
    ------
    InvalidParameterError
        When the variable is set to anything but a whole number > 0.
    """
    from aiinfra._csv import byte_limit

    return byte_limit(MAX_FILE_BYTES_ENV, MAX_FILE_BYTES)


def bundled_data_dir() -> Path:
    """Directory of the ledger CSV files shipped with the package."""
    return Path(str(resources.files("aiinfra.ledger") / "data"))


@dataclass(frozen=True)
class ParsedRow:
    """A validated row and where it came from."""

    file: str
    line: int
    row: _Row

    def key(self, spec: TableSpec) -> tuple[str, ...]:
        return tuple(_key_text(getattr(self.row, k)) for k in spec.key)


def _key_text(v: object) -> str:
    if isinstance(v, PartialDate):
        return v.text
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


_RULES = {
    "missing": "is required",
    "string_too_short": "is required (empty)",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "finite_number": "must be a finite number",
    "bool_parsing": "must be true or false",
}


def _rule(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in _RULES:
        return _RULES[kind]
    if kind == "greater_than_equal":
        return f"must be ≥ {ctx.get('ge'):g}"
    if kind == "less_than_equal":
        return f"must be ≤ {ctx.get('le'):g}"
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected', '')}".replace("'", "")
    if kind == "string_pattern_mismatch":
        return f"must match the pattern {ctx.get('pattern')}"
    msg = str(err.get("msg", kind))
    return msg.removeprefix("Value error, ")


def _parse_row(
    spec: TableSpec, values: dict[str, str], file: str, line: int
) -> tuple[ParsedRow | None, list[Problem]]:
    try:
        row = spec.model.model_validate(values)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = err.get("loc") or ()
            column = str(loc[0]) if loc else None
            raw = values.get(column) if column else None
            problems.append(Problem(file, line, column, _rule(err), raw))
        return None, problems
    return ParsedRow(file, line, row), []


def read_table(
    spec: TableSpec,
    path: Path,
    label: str,
    unparsed: set[str] | None = None,
    *,
    max_bytes: int | None = None,
) -> tuple[list[ParsedRow], list[Problem]]:
    """Read and validate one CSV file row by row.

    The header must name every required column (:attr:`TableSpec.required_columns`: the key
    and the fields without a default); any other column may be left out, and its cells are then
    empty (an overlay may carry only the columns it fills). Returns the rows that passed the row
    schema and every problem found (header problems stop
    row validation of that file, since every row would repeat them). The first key value of
    every row that failed validation is added to ``unparsed``, so that references to it are not
    reported a second time as unknown.

    A key used twice within one file is a problem on the later row that names the earlier one
    (across files it is an overlay); it is found on the key cells as written, so it is reported
    even when one of the two rows breaks another rule. Only the first of the two rows is kept.
    The file is read only when it is a regular file of at most ``max_bytes`` bytes (default
    :func:`max_file_bytes`), and every cell must be one line of text.
    """
    limit = max_bytes or max_file_bytes()
    table = read_csv_records(
        path, label, limit=limit, limit_env=MAX_FILE_BYTES_ENV, single_line=True
    )
    header = table.header
    if not header:
        return [], table.problems
    expected = spec.columns
    problems: list[Problem] = []
    required = spec.required_columns
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in expected]
    dupes = sorted({c for c in header if header.count(c) > 1})
    for c in missing:
        what = "key column" if c in spec.key else "column"
        problems.append(
            Problem(
                label,
                1,
                c,
                f"required column is missing from the header (a {spec.name} row needs this "
                f"{what}; a header may leave out only optional columns, whose cells are then "
                f"empty; required: {', '.join(required)})",
            )
        )
    for c in unknown:
        problems.append(Problem(label, 1, c, f"unknown column (expected: {', '.join(expected)})"))
    for c in dupes:
        problems.append(Problem(label, 1, c, "column appears more than once in the header"))
    if problems:
        return [], problems

    problems += table.problems
    rows: list[ParsedRow] = []
    first_line: dict[tuple[str, ...], int] = {}
    for line, record in table.records:
        values = dict(zip(header, record, strict=True))
        key = tuple(values.get(k, "").strip() for k in spec.key)
        earlier = first_line.get(key) if all(key) else None
        if all(key) and earlier is None:
            first_line[key] = line
        if earlier is not None:
            shown = ", ".join(f"{c}={v}" for c, v in zip(spec.key, key, strict=True))
            problems.append(
                Problem(
                    label,
                    line,
                    spec.key[0],
                    f"duplicate key ({shown}): rows {earlier} and {line} of this file have it; "
                    "a key must be unique within one file",
                    key[0],
                )
            )
        parsed, row_problems = _parse_row(spec, values, label, line)
        problems.extend(row_problems)
        if parsed is None and unparsed is not None:
            unparsed.add(values.get(spec.key[0], "").strip())
        if parsed is not None and earlier is None:
            rows.append(parsed)
    return rows, problems


@dataclass(frozen=True)
class Override:
    """A user row that replaces a row of the base ledger (listed by ``ledger validate``).

    For ``flow_events`` the unit is the flow: ``key`` is ``flow_id=…``, ``row`` the first user
    row of that flow and ``replaced_rows`` every base row of it.
    """

    table: str
    key: str
    file: str
    row: int
    replaced_file: str
    replaced_rows: tuple[int, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "table": self.table,
            "key": self.key,
            "file": self.file,
            "row": self.row,
            "replaced_file": self.replaced_file,
            "replaced_rows": list(self.replaced_rows),
        }


def overlay(
    spec: TableSpec, bundled: list[ParsedRow], user: list[ParsedRow]
) -> tuple[list[ParsedRow], list[Override]]:
    """User rows replace bundled rows with the same key; new keys are appended.

    For ``flow_events`` the unit of replacement is the flow: a user file that names a flow id
    replaces all bundled events of that flow.

    Returns
    -------
    rows : list of ParsedRow
        The merged rows (bundled rows kept in order, then the user's).
    overrides : list of Override
        One per replaced key (per flow for ``flow_events``), in the user file's order.
    """
    if not user:
        return bundled, []
    if spec.name == "flow_events":

        def unit(r: ParsedRow) -> tuple[str, ...]:
            return (str(r.row.flow_id),)  # type: ignore[attr-defined]

        names: tuple[str, ...] = ("flow_id",)
    else:

        def unit(r: ParsedRow) -> tuple[str, ...]:
            return r.key(spec)

        names = spec.key
    user_first: dict[tuple[str, ...], ParsedRow] = {}
    for r in user:
        user_first.setdefault(unit(r), r)
    replaced: dict[tuple[str, ...], list[ParsedRow]] = {}
    kept = []
    for r in bundled:
        k = unit(r)
        if k in user_first:
            replaced.setdefault(k, []).append(r)
        else:
            kept.append(r)
    overrides = [
        Override(
            spec.name,
            ", ".join(f"{c}={v}" for c, v in zip(names, k, strict=True)),
            u.file,
            u.line,
            replaced[k][0].file,
            tuple(r.line for r in replaced[k]),
        )
        for k, u in user_first.items()
        if k in replaced
    ]
    return kept + user, overrides


# --- frames


def rows_to_frame(spec: TableSpec, rows: list[ParsedRow]) -> pd.DataFrame:
    """One DataFrame per table, columns in schema order.

    Partial-date columns keep their text and gain a ``<column>_known`` datetime column (the end of
    the period); full-date columns become datetimes. ``_file`` and ``_line`` record provenance.
    """
    records: list[dict[str, Any]] = []
    for r in rows:
        rec: dict[str, Any] = {}
        for col in spec.columns:
            v = getattr(r.row, col)
            if isinstance(v, PartialDate):
                rec[col] = v.text
                rec[f"{col}_known"] = pd.Timestamp(v.known)
            elif isinstance(v, dt.date):
                rec[col] = pd.Timestamp(v)
            else:
                rec[col] = v
        rec["_file"], rec["_line"] = r.file, r.line
        records.append(rec)
    frame = pd.DataFrame.from_records(records, columns=_frame_columns(spec))
    for col in spec.columns:
        kind = spec.kind(col)
        if kind == "partial_date":
            frame[f"{col}_known"] = pd.to_datetime(frame[f"{col}_known"]).astype("datetime64[ns]")
        elif kind == "date":
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
        elif kind == "number":
            frame[col] = pd.to_numeric(frame[col]).astype("float64")
    return frame


def _frame_columns(spec: TableSpec) -> list[str]:
    cols: list[str] = []
    for col in spec.columns:
        cols.append(col)
        if spec.kind(col) == "partial_date":
            cols.append(f"{col}_known")
    return [*cols, "_file", "_line"]
