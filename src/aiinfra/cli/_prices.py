"""``aiinfra prices``: import, fetch and list daily prices."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from aiinfra.cli._options import FormatOpt
from aiinfra.cli._output import Format, emit_frame, emit_json, handle_errors, terminal_safe

prices_app = typer.Typer(
    help="Import, fetch and list daily prices (files TICKER.csv with the header "
    "date,open,high,low,close,adj_close,volume).",
    no_args_is_help=True,
)


@prices_app.command("import")
def prices_import(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="CSV files or directories of TICKER.csv files.")
    ],
    fmt: FormatOpt = Format.table,
) -> None:
    """Import price CSV files into the store: every file valid, or nothing is written."""
    from aiinfra.services import prices as svc

    with handle_errors(fmt):
        result = svc.import_prices(ctx.obj, paths)
    if fmt is Format.json:
        emit_json(result)
        return
    for w in result["warnings"]:
        sys.stderr.write(f"warning: {terminal_safe(w)}\n")
    import pandas as pd

    frame = pd.DataFrame(
        {"ticker": list(result["imported"]), "rows": list(result["imported"].values())}
    )
    emit_frame(frame, fmt, title=f"imported into {result['store']}")


@prices_app.command("fetch")
def prices_fetch(
    ctx: typer.Context,
    tickers: Annotated[list[str], typer.Argument(help="Yahoo-style tickers, e.g. NVDA 2330.TW.")],
    start: Annotated[
        str | None,
        typer.Option("--start", help="First date (YYYY-MM-DD); default: full history."),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Download prices from Yahoo Finance (extra `online`) into the store."""
    from aiinfra.services import prices as svc

    with handle_errors(fmt):
        result = svc.fetch_prices(ctx.obj, tickers, start)
    if fmt is Format.json:
        emit_json(result)
        return
    import pandas as pd

    frame = pd.DataFrame(
        {"ticker": list(result["fetched"]), "rows": list(result["fetched"].values())}
    )
    emit_frame(frame, fmt, title=f"fetched into {result['store']}")


@prices_app.command("list")
def prices_list(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Tickers with first and last date and row count (store, or --prices DIR)."""
    from aiinfra.services import prices as svc

    with handle_errors(fmt):
        frame = svc.list_prices(ctx.obj)
    emit_frame(frame, fmt, title="prices")
