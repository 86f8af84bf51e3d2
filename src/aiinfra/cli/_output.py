"""Rendering results and errors for the terminal (table), csv and json."""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

import typer


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _clean(v: Any) -> Any:
    import datetime as dt

    import pandas as pd

    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if hasattr(v, "item"):  # numpy scalar
        return _clean(v.item())
    return v


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: object) -> str:
    r"""``text`` with every control character but newline and tab shown as an escape (``\x1b``).

    Ledger, overlay and price-file text reaches the terminal in tables, notes and error
    messages; an ANSI escape sequence in it must be shown, not obeyed.

    >>> terminal_safe("a\x1b[31mred")
    'a\\x1b[31mred'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def pct(x: object, digits: int = 1, sign: str = "%") -> str:
    """A fraction as percent text for the table format, ``""`` when unknown; a value that
    rounds to zero prints ``0.0 %``, never ``-0.0 %``. ``sign="pp"`` for a difference of two
    fractions (percentage points).

    >>> pct(0.1274), pct(-0.00004), pct(0.0123, 2), pct(-0.012, sign="pp"), pct(None)
    ('12.7 %', '0.0 %', '1.23 %', '-1.2 pp', '')
    """
    try:
        f = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(f):
        return ""
    v = round(f * 100, digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{v:.{digits}f} {sign}"


def as_percent(frame: Any, columns: dict[str, int], sign: str = "%") -> Any:
    """A copy of ``frame`` whose ``columns`` (name → decimals) hold fractions printed as
    percent (the table format's number rule, docs/cli.md "Numbers"); csv and json keep the
    fractions. Columns ``frame`` lacks are skipped."""
    out = frame.copy()
    for c, digits in columns.items():
        if c in out.columns:
            out[c] = [pct(v, digits, sign) for v in out[c]]
    return out


def records(frame: Any) -> list[dict[str, Any]]:
    """DataFrame → JSON-ready records (dates as ISO strings, NaN as null)."""
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def emit_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=_clean))


def emit_frame(
    frame: Any,
    fmt: Format,
    *,
    title: str | None = None,
    columns: list[str] | None = None,
    unit: str = "rows",
) -> None:
    if fmt is Format.json:
        emit_json(records(frame))
    elif fmt is Format.csv:
        out = frame.copy()
        for c in out.columns:
            if str(out[c].dtype).startswith("datetime"):
                out[c] = out[c].dt.strftime("%Y-%m-%d")
        from aiinfra._csvout import to_csv

        typer.echo(to_csv(out, index=False), nl=False)
    else:
        shown = frame[[c for c in (columns or list(frame.columns)) if c in frame.columns]]
        emit_rows([str(c) for c in shown.columns], records(shown), title=title, unit=unit)


def emit_rows(
    columns: list[str],
    rows: list[dict[str, Any]],
    *,
    title: str | None = None,
    unit: str = "rows",
) -> None:
    """A terminal table of JSON-ready records (what :func:`emit_frame` prints for a frame),
    without pandas: the command line's quick paths print through it.

    On a terminal the table fits the window, as rich draws it. Piped or redirected (``| less``,
    ``> file``, ``| grep``) it is drawn at its natural width, one line per row, every cell whole,
    a newline inside a cell shown as ``\\n``; ``COLUMNS`` wins when set (docs/cli.md, "Tables").
    """
    import os

    from rich.console import Console
    from rich.markup import escape
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    console = Console()
    piped = not console.is_terminal and not os.environ.get("COLUMNS", "").strip()

    def cell(v: Any) -> str:
        text = terminal_safe(v)
        # data, not markup: `[red]` or `[link=…]` in a ledger note is shown as written
        return escape(text.replace("\n", "\\n") if piped else text)

    # the title is data too (a fund's name, a file name): a Text is never parsed as markup
    head = None if title is None else Text(terminal_safe(title), style="table.title")
    table = Table(title=head, show_lines=False)
    for c in columns:
        table.add_column(cell(c), overflow="fold")
    for rec in rows:
        table.add_row(*["" if v is None else cell(v) for v in rec.values()])
    if piped:
        if head is not None:
            table.min_width = head.cell_len  # a title wider than the table stays on one line
        wide = Console(width=_UNBOUNDED)
        natural = Measurement.get(wide, wide.options, table).maximum
        console = Console(width=max(natural, 80))
    console.print(table)
    if title:
        typer.echo(f"{len(rows)} {unit}")


_UNBOUNDED = 1_000_000  # a width no table reaches: its measure is then its natural width


@contextmanager
def handle_errors(fmt: Format = Format.table) -> Iterator[None]:
    """Print an AiinfraError without a traceback and exit with its code (2 input, 3 data)."""
    from aiinfra.exceptions import AiinfraError, DataValidationError

    try:
        yield
    except AiinfraError as exc:
        if fmt is Format.json:
            payload: dict[str, Any] = {
                "type": type(exc).__name__,
                "message": str(exc).split("\n")[0],
            }
            if isinstance(exc, DataValidationError):
                payload["problems"] = [p.to_dict() for p in exc.problems]
            sys.stderr.write(json.dumps({"error": payload}, ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stderr.write(f"error: {terminal_safe(exc)}\n")
        raise typer.Exit(exc.exit_code) from None
