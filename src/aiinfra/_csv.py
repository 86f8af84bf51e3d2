"""Reading CSV files row by row with the file's real line numbers (shared by ledger and prices)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from aiinfra.exceptions import Problem

__all__ = ["CsvTable", "parse_csv_text", "read_csv_records"]


@dataclass
class CsvTable:
    """Header, records with their line numbers, and the problems met while reading."""

    header: list[str] = field(default_factory=list)
    records: list[tuple[int, list[str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_csv_records(path: str | Path, label: str) -> CsvTable:
    """Read a UTF-8 CSV file (BOM allowed) into records keyed by their first line number.

    Blank lines are skipped; a quoted cell may span lines (the record keeps the line it starts
    on); a record with more or fewer cells than the header is a problem, not a shifted row. The
    file is never partly trusted: callers stop when ``problems`` is not empty.
    """
    out = CsvTable()
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except UnicodeDecodeError as exc:
        out.problems.append(Problem(label, None, None, f"is not UTF-8 text ({exc.reason})"))
        return out
    except OSError as exc:
        out.problems.append(Problem(label, None, None, f"cannot be read ({exc.strerror})"))
        return out
    return parse_csv_text(text, label)


def parse_csv_text(text: str, label: str) -> CsvTable:
    """The records of CSV ``text`` already read from a file (see :func:`read_csv_records`)."""
    out = CsvTable()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        out.header = [h.strip() for h in next(reader)]
    except StopIteration:
        out.problems.append(Problem(label, None, None, "is empty: a header row is required"))
        return out
    except csv.Error as exc:
        out.problems.append(Problem(label, 1, None, f"is not valid CSV ({exc})"))
        return out
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            out.problems.append(Problem(label, start, None, f"is not valid CSV ({exc})"))
            break
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(out.header):
            out.problems.append(
                Problem(label, line, None,
                        f"has {len(record)} cells, the header has {len(out.header)}")
            )  # fmt: skip
            continue
        out.records.append((line, record))
    return out
