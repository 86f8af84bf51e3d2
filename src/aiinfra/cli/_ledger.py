"""``aiinfra ledger``: validate and show the ledger."""

from __future__ import annotations

from typing import Annotated

import typer

from aiinfra.cli._options import DataOpt, FormatOpt
from aiinfra.cli._output import Format, emit_frame, emit_json, handle_errors

ledger_app = typer.Typer(
    help="Validate and show the ledger (companies, flows, figures, scores).", no_args_is_help=True
)


@ledger_app.command("validate")
def ledger_validate(
    ctx: typer.Context,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Validate the ledger; print row counts per table (exit 2 listing every problem)."""
    from aiinfra.services import ledger as svc

    with handle_errors(fmt):
        result = svc.validate(ctx.obj, str(data) if data else None)
    if fmt is Format.json:
        emit_json(result)
        return
    import pandas as pd

    counts, overrides = result["counts"], result["overrides"]
    assert isinstance(counts, dict) and isinstance(overrides, list)
    frame = pd.DataFrame({"table": list(counts), "rows": list(counts.values())})
    emit_frame(frame, fmt, title="ledger is valid", unit="tables")
    if overrides and fmt is Format.table:
        shown = pd.DataFrame(overrides, columns=list(overrides[0]))
        shown["replaced_rows"] = shown["replaced_rows"].map(lambda r: ", ".join(map(str, r)))
        emit_frame(shown, fmt, title="overrides: user rows that replace bundled rows", unit="rows")


@ledger_app.command("show")
def ledger_show(
    ctx: typer.Context,
    table: Annotated[
        str,
        typer.Argument(
            help="companies | flows | figures | scores | events | relationships | components | "
            "ai_revenue | financials | balance_sheets"
        ),
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Show the ledger as known on this date (YYYY-MM-DD); default today."
        ),
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Show one ledger table as of a date (flows with their status and amounts on that date)."""
    from aiinfra.services import ledger as svc

    with handle_errors(fmt):
        name, frame = svc.show_table(ctx.obj, table, as_of, str(data) if data else None)
    emit_frame(
        frame, fmt, title=f"{table} as of {as_of or 'today'}", columns=svc.TABLE_COLUMNS[name]
    )
