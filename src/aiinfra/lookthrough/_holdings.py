"""Reading a fund's holdings from the CSV files issuers publish (iShares, VanEck, Global X, SPDR …).

Issuer downloads share a shape but not a layout: a few lines about the fund before the table
(name, "Fund Holdings as of …"), a header whose words differ ("Ticker" / "Symbol", "Name" /
"Holding" / "Security Name", "Weight (%)" / "% of Net Assets" / "Market Value"), weights written
as ``4.25``, ``4.25%`` or ``0.0425``, and a disclaimer or a total after the table. This module
finds the table, maps its columns by name (case-insensitively), reads the weights and says what
it skipped and how it read them.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from aiinfra._csv import byte_limit, read_text_bounded
from aiinfra.exceptions import DataValidationError, InvalidParameterError, Problem

__all__ = [
    "HOLDINGS_COLUMNS",
    "WEIGHT_KINDS",
    "Holdings",
    "WeightKind",
    "column_role",
    "parse_holdings",
    "read_holdings",
]

WeightKind = Literal["auto", "percent", "fraction"]
WEIGHT_KINDS: tuple[str, ...] = ("auto", "percent", "fraction")
#: the columns of :attr:`Holdings.frame`
HOLDINGS_COLUMNS = ["line", "ticker", "name", "exchange", "raw_weight", "weight"]
#: the rows searched for the header (issuer preambles are a handful of lines)
HEADER_SEARCH_ROWS = 60
#: above this sum of absolute weights, ``auto`` reads the weights as percent
PERCENT_THRESHOLD = 1.5
MAX_BYTES = 32 * 1024 * 1024

# --- the header words of common issuer downloads, normalised (lower case, single spaces) ------
_TICKER = {"ticker", "symbol", "ticker symbol", "holding ticker", "stock ticker",
           "bloomberg ticker", "security ticker", "bbg ticker", "local ticker",
           "kürzel", "börsenkürzel", "tickersymbol"}  # fmt: skip
_NAME = {"name", "holding", "holdings", "holding name", "security name", "security",
         "security description", "description", "company", "company name", "issuer",
         "issuer name", "constituent", "constituent name", "stock name",
         "bezeichnung", "wertpapier", "wertpapiername", "wertpapierbezeichnung", "emittent",
         "unternehmen", "titel"}  # fmt: skip
_WEIGHT = {"weight", "weight (%)", "weight %", "weight(%)", "% weight", "weighting",
           "weightings (%)", "weights", "% of net assets", "% of net assets (%)",
           "% net assets", "net assets (%)", "% of fund", "% of funds", "percent of fund",
           "% of portfolio", "portfolio weight", "portfolio %", "% of market value",
           "% of total net assets", "% tna", "fund weight", "allocation",
           "% allocation", "gewichtung", "gewichtung (%)", "gewichtung in %", "gewicht",
           "gewicht (%)", "anteil", "anteil (%)", "anteil in %", "% des fondsvermögens",
           "anteil am fondsvermögen", "fondsanteil", "fondsanteil (%)"}  # fmt: skip
_EXCHANGE = {"exchange", "listing exchange", "primary exchange", "exchange name",
             "market", "stock exchange", "börse", "handelsplatz"}  # fmt: skip
_TOTAL = {"total", "totals", "grand total", "total net assets", "net assets", "sum"}
_NO_WEIGHT = {"", "-", "--", "—", "–", "n/a", "na", "nan"}


def _norm_header(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\ufeff", "").strip().strip('"').lower())


def column_role(header: str) -> str | None:
    """The role of an issuer's column header: ``ticker``, ``name``, ``weight``,
    ``market_value``, ``exchange`` or None (ignored), case-insensitively; English and German
    downloads (``Bezeichnung``, ``Gewichtung``, ``Anteil am Fondsvermögen``, ``Marktwert``,
    ``Börse``).

    Examples
    --------
    >>> [column_role(h) for h in ("Ticker", "Security Name", "% of Net Assets",
    ...                          "Market Value ($)", "Exchange", "Sector")]
    ['ticker', 'name', 'weight', 'market_value', 'exchange', None]
    """
    h = _norm_header(header)
    if h in _TICKER or re.match(r"^(ticker|symbol)\b", h):
        return "ticker"
    if h in _NAME or re.match(r"^(security|holding|company|issuer|constituent)( name)?$", h):
        return "name"
    if h in _WEIGHT or re.search(r"\bweight(ing)?s?\b", h) or h.startswith("% of"):
        return "weight"
    if re.match(r"^(market value|marktwert|kurswert)\b", h):
        return "market_value"
    if h in _EXCHANGE:
        return "exchange"
    return None


@dataclass(frozen=True)
class Holdings:
    """A fund's holdings as read from a file.

    Attributes
    ----------
    frame : DataFrame
        One row per holding line, in file order: ``line`` (the file's line number), ``ticker``,
        ``name``, ``exchange`` (empty when the file has no such column), ``raw_weight`` (the
        number as written) and ``weight`` (a fraction of the fund: percent / 100, or market value
        / the summed market value).
    source : str
        The file (or label) read.
    weight_kind : {"percent", "fraction", "market_value"}
        How the weights were read; ``weight_rule`` says why.
    columns : dict
        Role → the header as written (``ticker``, ``name``, ``weight`` or ``market_value``,
        ``exchange``).
    header_line : int
        The line of the header row (lines before it are the issuer's preamble).
    skipped : list of dict
        Lines after the header that are not holdings: ``line``, ``text`` (shortened) and
        ``why`` (a note or disclaimer, a total, a line without a weight).
    title : str or None
        The fund's name when the preamble's first line is a single cell (as issuers write it).
    stated_as_of : str or None
        The date the preamble states the holdings are as of (``YYYY-MM-DD``), read from a line
        saying "as of" (or "Stand") followed by a date written as ``2026-05-07``, ``07/May/2026``,
        ``May 7, 2026``, ``07-May-2026``, ``07.05.2026``, or ``11/28/2026`` / ``28/11/2026`` (read
        only when one number exceeds 12); None when there is no such line or the date is
        ambiguous (``05/07/2026``: May or July).
    """

    frame: pd.DataFrame
    source: str
    weight_kind: str
    weight_rule: str
    columns: dict[str, str]
    header_line: int
    skipped: list[dict[str, Any]] = field(default_factory=list)
    title: str | None = None
    stated_as_of: str | None = None

    @property
    def total_weight(self) -> float:
        """The summed weight of the lines read (1 for a full fund, less for top holdings)."""
        return float(self.frame["weight"].sum())

    def to_dict(self) -> dict[str, Any]:
        """The reading as plain values (the lines themselves are in :attr:`frame`)."""
        return {
            "source": self.source,
            "lines": len(self.frame),
            "weight_kind": self.weight_kind,
            "weight_rule": self.weight_rule,
            "total_weight": self.total_weight,
            "columns": dict(self.columns),
            "header_line": self.header_line,
            "preamble_lines": self.header_line - 1,
            "skipped": list(self.skipped),
            "title": self.title,
            "stated_as_of": self.stated_as_of,
        }


def read_holdings(
    path: str | os.PathLike[str],
    *,
    weights: WeightKind = "auto",
    label: str | None = None,
) -> Holdings:
    """Read a holdings CSV as issuers publish it.

    Parameters
    ----------
    path : path
        A UTF-8 CSV file (comma, semicolon or tab separated; a BOM is allowed). Lines before the
        header (the issuer's preamble) and lines after the table that hold no holding (a
        disclaimer, a total, a line without a weight) are skipped and listed in
        :attr:`Holdings.skipped`.
    weights : {"auto", "percent", "fraction"}, default "auto"
        How to read the weight column. ``auto``: percent when any weight carries a ``%`` sign
        or the absolute weights sum to more than 1.5 (a full fund in fractions sums to about 1,
        in percent to about 100), else fractions; :attr:`Holdings.weight_rule` says which rule
        decided. A file with a market-value column and no weight column is normalised:
        ``weight = market value / Σ market value``.
    label : str, optional
        The name used in messages (default: the path).

    Returns
    -------
    Holdings

    Raises
    ------
    DataValidationError
        Naming the file, row, column and rule: no header row with a weight column and a ticker
        or name column, a weight that is not a number, weights summing to 0 or less, no
        holdings rows, a row with more cells than the header. Every bad weight is listed, not
        only the first.
    InvalidParameterError
        ``weights`` outside its choices; an Excel workbook instead of a CSV file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "fund.csv"
    >>> _ = p.write_text("Demo Fund\\nHoldings as of,2026-11-28\\n\\n"
    ...                  "Ticker,Name,Weight (%)\\nNVDA,NVIDIA CORP,60.0\\nTSM,TSMC ADR,40.0\\n"
    ...                  "\\nHoldings are subject to change.\\n")
    >>> h = read_holdings(p)
    >>> h.weight_kind, h.frame["weight"].tolist(), h.header_line
    ('percent', [0.6, 0.4], 4)
    """
    if weights not in WEIGHT_KINDS:
        raise InvalidParameterError(
            f"`weights` must be one of {', '.join(WEIGHT_KINDS)}; got {weights!r}"
        )
    shown = label or str(path)
    if Path(path).suffix.lower() in {".xlsx", ".xls", ".xlsm"}:
        raise InvalidParameterError(
            f"{shown}: an Excel workbook cannot be read; save the holdings sheet as CSV (UTF-8)"
        )
    limit = byte_limit("AIINFRA_MAX_HOLDINGS_BYTES", MAX_BYTES)
    text, problems = read_text_bounded(path, shown, limit, "AIINFRA_MAX_HOLDINGS_BYTES")
    if text is None:
        raise DataValidationError(problems, what="holdings")
    return parse_holdings(text, shown, weights=weights)


def parse_holdings(text: str, label: str, *, weights: WeightKind = "auto") -> Holdings:
    """The holdings in CSV ``text`` already read (see :func:`read_holdings`)."""
    if weights not in WEIGHT_KINDS:
        raise InvalidParameterError(
            f"`weights` must be one of {', '.join(WEIGHT_KINDS)}; got {weights!r}"
        )
    found = None
    near: tuple[int, list[str]] | None = None
    for delimiter in (",", ";", "\t"):
        rows = _records(text, delimiter)
        hit, miss = _find_header(rows)
        near = near or miss
        if hit is not None:
            found = (rows, hit, delimiter)
            break
    if found is None:
        raise DataValidationError([_no_header(label, near)], what="holdings")
    rows, (at, roles), delimiter = found
    header_line, header = rows[at]
    lines, skipped, problems, signs = _holding_lines(
        label, rows[at + 1 :], header, roles, delimiter
    )
    if not lines and not problems:
        problems.append(
            Problem(
                label, None, None, f"has no holdings rows after the header on row {header_line}"
            )
        )
    if problems:
        raise DataValidationError(problems, what="holdings")
    columns = {role: header[i] for role, i in roles.items()}
    frame = pd.DataFrame(lines, columns=["line", "ticker", "name", "exchange", "raw_weight"])
    kind, rule, scale = _weight_kind(frame, roles, weights, columns, signs)
    total = float(frame["raw_weight"].sum())
    if not total > 0:
        what = "market values" if kind == "market_value" else "weights"
        raise DataValidationError(
            [Problem(label, None, columns.get("weight") or columns.get("market_value"),
                     f"the {what} must sum to more than 0 (they sum to {total:g})")],
            what="holdings",
        )  # fmt: skip
    frame["weight"] = frame["raw_weight"] / (total if kind == "market_value" else scale)
    title, stated = _preamble(rows[:at])
    return Holdings(
        frame[HOLDINGS_COLUMNS], label, kind, rule, columns, header_line, skipped, title, stated
    )


#: the date formats a preamble's "as of" may use (unambiguous ones only)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%b/%Y", "%d-%b-%Y", "%d %b %Y", "%b %d, %Y", "%B %d, %Y",
                 "%b %d %Y", "%B %d %Y", "%d %B %Y", "%d.%m.%Y", "%Y/%m/%d")  # fmt: skip
#: 11/28/2026 or 28/11/2026: read only when one of the first two numbers exceeds 12
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_AS_OF = re.compile(r"\b(?:as\s+of|as\s+at|stand)\b[:\s]*", re.IGNORECASE)


def _preamble(rows: list[tuple[int, list[str]]]) -> tuple[str | None, str | None]:
    """The fund's title (a first line of one cell) and the date the preamble says the holdings
    are as of (see :class:`Holdings`)."""
    title = None
    if rows:
        cells = [c for c in rows[0][1] if c]
        if len(cells) == 1 and column_role(cells[0]) is None:
            title = cells[0][:200]
    for _line, cells in rows:
        text = " ".join(c for c in cells if c)
        m = _AS_OF.search(text)
        if m is None:
            continue
        rest = text[m.end() :].strip()
        for n_words in (3, 2, 1):  # "May 7, 2026" before "07/May/2026"
            candidate = " ".join(rest.split()[:n_words]).rstrip(".;")
            for fmt in _DATE_FORMATS:
                try:
                    day = datetime.strptime(candidate, fmt)
                except ValueError:
                    continue
                return title, day.date().isoformat()
        m = _SLASHED.match(rest)
        if m is not None:
            a, b, year = (int(g) for g in m.groups())
            if (a > 12) != (b > 12):  # exactly one of them can only be a day
                month, dom = (b, a) if a > 12 else (a, b)
                try:
                    return title, datetime(year, month, dom).date().isoformat()
                except ValueError:
                    pass
    return title, None


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Every non-blank record with the line it starts on (lenient: a preamble may be ragged)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            cells = [c.strip() for c in record]
            if any(cells):
                out.append((line, cells))
    except csv.Error:  # a broken quote: keep what was read; the rows after it are not trusted
        pass
    return out


def _find_header(
    rows: list[tuple[int, list[str]]],
) -> tuple[tuple[int, dict[str, int]] | None, tuple[int, list[str]] | None]:
    """The index of the header row and its roles; else the first row that named a ticker or
    name column but no weight (for the message)."""
    near = None
    for i, (line, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        roles: dict[str, int] = {}
        for j, cell in enumerate(cells):
            role = column_role(cell)
            if role is not None and role not in roles:
                roles[role] = j
        has_id = "ticker" in roles or "name" in roles
        if has_id and ("weight" in roles or "market_value" in roles):
            if "weight" in roles:
                roles.pop("market_value", None)
            return (i, roles), None
        if has_id and near is None and len([c for c in cells if c]) >= 2:
            near = (line, cells)
    return None, near


def _no_header(label: str, near: tuple[int, list[str]] | None) -> Problem:
    if near is not None:
        return Problem(
            label,
            near[0],
            None,
            "no weight column: the header names a ticker or name column but none for the "
            "weight (e.g. 'Weight (%)', '% of Net Assets', 'Weight', or 'Market Value')",
            ", ".join(near[1])[:60],
        )
    return Problem(
        label,
        None,
        None,
        f"no header row in the first {HEADER_SEARCH_ROWS} rows: expected a column for the "
        "ticker ('Ticker', 'Symbol') or the name ('Name', 'Holding', 'Security Name') and one "
        "for the weight ('Weight (%)', '% of Net Assets', 'Weight', 'Market Value')",
    )


def _holding_lines(
    label: str,
    rows: Iterable[tuple[int, list[str]]],
    header: list[str],
    roles: dict[str, int],
    delimiter: str,
) -> tuple[list[tuple[int, str, str, str, float]], list[dict[str, Any]], list[Problem], bool]:
    """The holding lines after the header, the lines skipped (and why), the problems, and
    whether any weight carried a ``%`` sign."""
    w_col = roles.get("weight", roles.get("market_value"))
    assert w_col is not None
    w_name = header[w_col]
    lines: list[tuple[int, str, str, str, float]] = []
    skipped: list[dict[str, Any]] = []
    problems: list[Problem] = []
    signs = False

    def cell(cells: list[str], role: str) -> str:
        j = roles.get(role)
        return cells[j] if j is not None and j < len(cells) else ""

    for line, cells in rows:
        text = delimiter.join(cells)
        shown = text if len(text) <= 80 else text[:77] + "..."
        filled = [c for c in cells if c]
        extra = [c for c in cells[len(header) :] if c]
        if len(filled) < 2:
            skipped.append({"line": line, "text": shown, "why": "a note (one cell)"})
            continue
        if extra:
            problems.append(
                Problem(label, line, None,
                        f"has {len(cells)} cells with text beyond the header's {len(header)}")
            )  # fmt: skip
            continue
        ticker, name = cell(cells, "ticker"), cell(cells, "name")
        if ticker.lower() in _TOTAL or name.lower() in _TOTAL:
            skipped.append({"line": line, "text": shown, "why": "a total"})
            continue
        if not ticker and not name:
            skipped.append({"line": line, "text": shown, "why": "no ticker or name"})
            continue
        raw = cell(cells, "weight") if "weight" in roles else cell(cells, "market_value")
        if raw.strip().lower() in _NO_WEIGHT:
            skipped.append({"line": line, "text": shown, "why": "no weight given"})
            continue
        if raw.strip().startswith("<"):
            skipped.append({"line": line, "text": shown, "why": "a weight given only as a bound"})
            continue
        value = _number(raw, delimiter)
        if value is None:
            problems.append(
                Problem(label, line, w_name,
                        "must be a number (a weight such as 4.25, 4.25% or 0.0425; a market "
                        "value such as 1,234,567.89)", raw)
            )  # fmt: skip
            continue
        signs = signs or "%" in raw
        lines.append((line, ticker, name, cell(cells, "exchange"), value))
    return lines, skipped, problems, signs


_CURRENCY = re.compile(r"(US\$|USD|EUR|GBP|\$|€|£|¥)", re.IGNORECASE)


def _number(raw: str, delimiter: str) -> float | None:
    """``raw`` as a number: a ``%`` sign, currency signs, thousands separators and spaces
    dropped, ``(1.5)`` negative; a decimal comma in semicolon files. None when it is not one.

    >>> _number("1,234.5", ","), _number("4.25%", ","), _number("(0.10)", ","), _number("1,5", ";")
    (1234.5, 4.25, -0.1, 1.5)
    """
    s = _CURRENCY.sub("", raw).replace("%", "").replace("\u00a0", "").replace(" ", "").strip()
    negative = s.startswith("(") and s.endswith(")")
    s = s.strip("()")
    if delimiter == ";" and re.fullmatch(r"-?\d+(\.\d{3})*,\d+", s):
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    try:
        value = float(s)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return -value if negative else value


def _weight_kind(
    frame: pd.DataFrame,
    roles: dict[str, int],
    weights: str,
    columns: dict[str, str],
    signs: bool,
) -> tuple[str, str, float]:
    """(kind, the rule that decided, the divisor turning raw weights into fractions)."""
    if "weight" not in roles:
        return (
            "market_value",
            f"no weight column: each weight is its market value ({columns['market_value']!r}) "
            "over the summed market value",
            1.0,
        )
    if weights == "percent":
        return "percent", "read as percent, as `weights='percent'` asks", 100.0
    if weights == "fraction":
        return "fraction", "read as fractions, as `weights='fraction'` asks", 1.0
    return _auto_kind(frame, columns["weight"], signs)


def _auto_kind(frame: pd.DataFrame, column: str, signs: bool) -> tuple[str, str, float]:
    total = float(frame["raw_weight"].abs().sum())
    if signs:
        return "percent", "the weights carry % signs", 100.0
    if "%" in column:
        return "percent", f"the weight column {column!r} is in percent", 100.0
    if total > PERCENT_THRESHOLD:
        return (
            "percent",
            f"the absolute weights sum to {total:.4g}, more than {PERCENT_THRESHOLD:g}: "
            "read as percent",
            100.0,
        )
    return (
        "fraction",
        f"the absolute weights sum to {total:.4g}, at most {PERCENT_THRESHOLD:g}: read as "
        "fractions",
        1.0,
    )
