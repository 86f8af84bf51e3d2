"""``aiinfra ledger``: validate and show the ledger."""

from __future__ import annotations

from typing import Annotated

import typer

from aiinfra.cli._options import DataOpt, FormatOpt
from aiinfra.cli._output import Format, emit_frame, emit_json, emit_rows, handle_errors

ledger_app = typer.Typer(
    help="Validate and show the ledger (companies, flows, figures, scores).", no_args_is_help=True
)


@ledger_app.command("validate")
def ledger_validate(
    ctx: typer.Context,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Check afresh even when the same files were found valid today by the same code "
            "(a success is kept in AIINFRA_HOME/cache, keyed by the SHA-256 of the files, the "
            "code and the date).",
        ),
    ] = False,
) -> None:
    """Validate the ledger; print row counts per table (exit 2 listing every problem)."""
    from aiinfra.services import ledger_check

    settings = ctx.obj
    data_dir = data or settings.data_dir
    # table and json: a success already found for these very files, code and day is printed
    # without loading pandas (docs/cli.md); csv and --no-cache always check afresh
    quick = fmt is not Format.csv and not no_cache
    k = ledger_check.key(data_dir) if quick else None
    result = ledger_check.cached(settings.home, k)
    if result is None:
        from aiinfra.services import ledger as svc

        with handle_errors(fmt):
            result = svc.validate(settings, str(data) if data else None, cache=quick)
        if k is not None and ledger_check.key(data_dir) == k:  # unchanged while it was read
            ledger_check.store(settings.home, k, result)
    if fmt is Format.json:
        emit_json(result)
        return
    counts, overrides = result["counts"], result["overrides"]
    assert isinstance(counts, dict) and isinstance(overrides, list)
    if fmt is Format.csv:
        import pandas as pd

        frame = pd.DataFrame({"table": list(counts), "rows": list(counts.values())})
        emit_frame(frame, fmt, title="ledger is valid", unit="tables")
        return
    rows = [{"table": t, "rows": n} for t, n in counts.items()]
    emit_rows(["table", "rows"], rows, title="ledger is valid", unit="tables")
    if overrides:
        # every field is text or a whole number (Override.to_dict): printed as they are
        shown = [{**o, "replaced_rows": ", ".join(map(str, o["replaced_rows"]))} for o in overrides]
        title = "overrides: user rows that replace bundled rows"
        emit_rows(list(overrides[0]), shown, title=title, unit="rows")


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
