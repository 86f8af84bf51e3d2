"""Reading CSV files row by row with the file's real line numbers (shared by ledger and prices).

A file is read only when it is a regular file (or a link to one) of at most a stated number of
bytes (:func:`read_text_bounded`), so that a link to ``/dev/zero``, a pipe or a device is refused
before anything is read. The CSV is parsed strictly (RFC 4180): a quote that is never closed, or
text after a closing quote, is a problem, never a silently merged cell.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from aiinfra.exceptions import InvalidParameterError, Problem

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "CsvTable",
    "parse_csv_text",
    "read_csv_records",
    "read_text_bounded",
]

#: Byte limit of :func:`read_csv_records` when the caller states none (256 MiB).
DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024

#: Control characters other than tab, CR and LF (line breaks are checked on their own).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class CsvTable:
    """Header, records with their line numbers, and the problems met while reading."""

    header: list[str] = field(default_factory=list)
    records: list[tuple[int, list[str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_text_bounded(
    path: str | os.PathLike[str], label: str, limit: int, limit_env: str | None = None
) -> tuple[str | None, list[Problem]]:
    """A file's UTF-8 text (BOM dropped), read only if it is a regular file of ≤ ``limit`` bytes.

    Parameters
    ----------
    path : path
        The file; a symbolic link is followed and judged by what it points to.
    label : str
        Name used in problems (usually the path).
    limit : int
        Largest size read, in bytes. Never more than ``limit + 1`` bytes are read, even when the
        file grows while it is read.
    limit_env : str, optional
        Environment variable that raises the limit, named in the message when the file is too big.

    Returns
    -------
    text : str or None
        None when the file was refused.
    problems : list of Problem
        Empty when ``text`` is given; otherwise one file-level problem.

    Notes
    -----
    The file is opened with ``O_NONBLOCK`` and checked with ``fstat`` on the open descriptor, so a
    named pipe does not block the open and the check applies to exactly the file that is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return None, [Problem(label, None, None, f"cannot be read ({exc.strerror})")]
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)  # a directory cannot be wrapped in a file object: close it here
        what = "a directory" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
        return None, [Problem(label, None, None, f"must be a regular file (not {what})")]
    with os.fdopen(fd, "rb") as fh:
        if info.st_size > limit:
            return None, [_too_big(label, limit, limit_env, f"it has {info.st_size:,} bytes")]
        try:
            data = fh.read(limit + 1)  # the size can change after fstat: never read more
        except OSError as exc:
            return None, [Problem(label, None, None, f"cannot be read ({exc.strerror})")]
    if len(data) > limit:
        return None, [_too_big(label, limit, limit_env, "it grew while being read")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        return None, [Problem(label, None, None, f"is not UTF-8 text ({exc.reason})")]


def _too_big(label: str, limit: int, limit_env: str | None, got: str) -> Problem:
    raise_it = f" ({limit_env} raises the limit)" if limit_env else ""
    return Problem(label, None, None, f"must be at most {limit:,} bytes{raise_it}; {got}")


def read_csv_records(
    path: str | Path,
    label: str,
    *,
    limit: int = DEFAULT_MAX_FILE_BYTES,
    limit_env: str | None = None,
    single_line: bool = False,
) -> CsvTable:
    """Read a UTF-8 CSV file (BOM allowed) into records keyed by their first line number.

    The file is read with :func:`read_text_bounded` (regular file, at most ``limit`` bytes) and
    parsed with :func:`parse_csv_text`. The file is never partly trusted: callers stop when
    ``problems`` is not empty.
    """
    text, problems = read_text_bounded(path, label, limit, limit_env)
    if text is None:
        return CsvTable(problems=problems)
    return parse_csv_text(text, label, single_line=single_line)


def parse_csv_text(text: str, label: str, *, single_line: bool = False) -> CsvTable:
    """The records of CSV ``text`` already read from a file.

    Blank lines are skipped; a record keeps the line it starts on; a record with more or fewer
    cells than the header is a problem, not a shifted row. A quote that is never closed is a
    problem naming the row it opens on. No cell may hold a NUL character.

    With ``single_line=True`` (tables whose cells are one line of text, such as the ledger) a
    cell may hold no line break and no control character other than tab: a quoted cell that runs
    into the following lines is reported as an unclosed quote, instead of silently swallowing
    those rows into one cell.
    """
    out = CsvTable()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        out.header = [h.strip() for h in next(reader)]
    except StopIteration:
        out.problems.append(Problem(label, None, None, "is empty: a header row is required"))
        return out
    except csv.Error as exc:
        out.problems.append(_csv_error(text, label, 1, reader.line_num, [], exc))
        return out
    check_chars = single_line or "\x00" in text
    for i, name in enumerate(out.header):
        if check_chars and (bad := _bad_char(name, single_line)):
            out.problems.append(Problem(label, 1, name or f"#{i + 1}", f"must not contain {bad}"))
    if reader.line_num > 1 and single_line:
        out.problems.append(_spans(label, 1, None, reader.line_num))
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            out.problems.append(_csv_error(text, label, start, reader.line_num, out.header, exc))
            break
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if check_chars:
            row_problems = _char_problems(label, line, out.header, record, start - 1, single_line)
            if row_problems:
                out.problems += row_problems
                continue
        if len(record) != len(out.header):
            out.problems.append(
                Problem(label, line, None,
                        f"has {len(record)} cells, the header has {len(out.header)}")
            )  # fmt: skip
            continue
        out.records.append((line, record))
    return out


def _bad_char(cell: str, single_line: bool) -> str | None:
    if "\x00" in cell:
        return "a NUL character (\\x00; the file is binary or damaged)"
    if not single_line:
        return None
    if "\n" in cell or "\r" in cell:
        return "a line break"
    if m := _CONTROL.search(cell):
        return f"a control character ({m[0]!r})"
    return None


def _char_problems(
    label: str, line: int, header: list[str], record: list[str], last: int, single_line: bool
) -> list[Problem]:
    out = []
    for i, cell in enumerate(record):
        name = header[i] if i < len(header) else None
        bad = _bad_char(cell, single_line)
        if bad == "a line break":
            out.append(_spans(label, line, name, last))
            break  # the rest of the record was swallowed by the same quote
        if bad:
            out.append(Problem(label, line, name, f"must not contain {bad}", cell))
    return out


_QUOTE_HINT = 'close it on that row; a quote inside a quoted cell is written ""'


def _spans(label: str, line: int, column: str | None, last: int) -> Problem:
    return Problem(
        label,
        line,
        column,
        f"a quoted cell runs from row {line} into row {last}, but a cell must fit on one line: "
        f"its quote is probably not closed ({_QUOTE_HINT})",
    )


def _csv_error(
    text: str, label: str, line: int, at: int, header: list[str], exc: csv.Error
) -> Problem:
    """A problem for a strict-mode parse error in the record that starts on ``line``.

    ``at`` is the line the parser had reached. When the record runs over several lines, a quote
    opened on ``line`` was almost surely never closed: the problem says so and names its column
    (found by reading the record leniently).
    """
    eof = "unexpected end of data" in str(exc)
    if not eof and at <= line:
        return Problem(label, line, None, f"is not valid CSV ({exc})")
    rest = "".join(io.StringIO(text, newline="").readlines()[line - 1 :])
    cells = next(csv.reader(io.StringIO(rest, newline="")), [])
    idx = next((i for i, c in enumerate(cells) if "\n" in c or "\r" in c), len(cells) - 1)
    column = header[idx] if 0 <= idx < len(header) else None
    if eof:
        rule = f"a quote opened on this row is never closed: the file ends in it ({_QUOTE_HINT})"
    else:
        rule = (
            f"a quote opened on this row is not closed on it; the cell runs into row {at}, "
            f"where the CSV breaks ({exc}) ({_QUOTE_HINT})"
        )
    return Problem(label, line, column, rule)


def byte_limit(env: str, default: int) -> int:
    """A per-file byte limit: the environment variable ``env`` (a whole number > 0), else
    ``default``; anything else is an error naming the variable."""
    text = os.environ.get(env, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise InvalidParameterError(f"`{env}` must be a whole number of bytes > 0; got {text!r}")
    return value
