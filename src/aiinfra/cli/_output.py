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
    without pandas: the command line's quick paths print through it."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for c in columns:
        table.add_column(escape(terminal_safe(c)), overflow="fold")
    for rec in rows:
        # data, not markup: `[red]` or `[link=…]` in a ledger note is shown as written
        table.add_row(*["" if v is None else escape(terminal_safe(v)) for v in rec.values()])
    Console().print(table)
    if title:
        typer.echo(f"{len(rows)} {unit}")


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
