"""``aiinfra buildout``: the build-out tracker."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from aiinfra.cli._options import DataOpt, FormatOpt
from aiinfra.cli._output import Format, as_percent, emit_frame, handle_errors


def buildout(
    ctx: typer.Context,
    metric: Annotated[
        str | None,
        typer.Option(
            "--metric",
            "-m",
            help="A build-out series (model_lab_arr, hyperscaler_capex, accelerator_shipments, "
            "wfe_spend, cowos_monthly, dc_capacity, ...); default: every series.",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Only figures known on this date (YYYY-MM-DD); default: all."),
    ] = None,
    data: DataOpt = None,
    summary: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="One row per series, entity and measure: latest reported value, furthest "
            "outlook, growth and CAGR between them.",
        ),
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Build-out tracker: capex, accelerators, WFE, CoWoS, transceivers, MW — one row per figure."""
    from aiinfra.services import buildout as svc

    if summary:
        with handle_errors(fmt):
            table = svc.summary(ctx.obj, metric, as_of, str(data) if data else None)
        emit_frame(  # growth and CAGR as percent in the table (docs/cli.md, "Numbers")
            _in_words(as_percent(table, {"growth": 1, "cagr": 1}).round(3), ctx, data)
            if fmt is Format.table
            else table,
            fmt,
            title=f"build-out summary, figures known {as_of or 'today'}",
            columns=svc.SUMMARY_COLUMNS,
            unit="rows",
        )
        return
    with handle_errors(fmt):
        frame = svc.points(ctx.obj, metric, as_of, str(data) if data else None)
    if fmt is Format.json:
        emit_frame(frame, fmt)
        return
    flat = svc.flatten(frame)
    emit_frame(
        _in_words(flat, ctx, data) if fmt is Format.table else flat,
        fmt,
        title=f"build-out {metric or 'series'}, figures known {as_of or 'today'}",
        columns=svc.TABLE_COLUMNS,
        unit="points",
    )


def _in_words(frame: Any, ctx: typer.Context, data: Any) -> Any:
    """The table as a reader reads it (csv and json keep the ids and file names): the entity by
    name (a company's from the ledger, a group's label such as "Big four hyperscalers", else
    the id) and the sources with the seed articles by title (docs/cli.md, "Names")."""
    from aiinfra.charts import ENTITY_NAMES
    from aiinfra.ledger import source_text
    from aiinfra.services.ledger import load

    out = frame.copy()
    if "entity" in out.columns:
        names = load(ctx.obj, str(data) if data else None).company_names()
        out["entity"] = [
            names.get(str(e)) or ENTITY_NAMES.get(str(e), {}).get("en") or str(e)
            for e in out["entity"]
        ]
    if "source" in out.columns:
        out["source"] = [source_text(v) for v in out["source"]]
    return out
