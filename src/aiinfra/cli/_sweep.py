"""``aiinfra sweep``: backtest every methodology variant of a grid."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from aiinfra.cli._options import DataOpt, FormatOpt
from aiinfra.cli._output import Format, emit_frame, emit_json, handle_errors, terminal_safe


def sweep(
    ctx: typer.Context,
    grid: Annotated[str, typer.Argument(help="Grid file (YAML): base, window, parameters.")],
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Dask scheduler tcp://HOST:PORT (default: local processes)."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Local worker processes (default: CPU count)."),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option("--out", help="Write the table to FILE.csv or FILE.parquet (atomically)."),
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
    pbo_splits: Annotated[
        int,
        typer.Option(
            "--pbo-splits",
            help="CSCV blocks S for the probability of backtest overfitting (even, ≥ 2).",
        ),
    ] = 16,
) -> None:
    """Backtest every methodology variant of a grid; one row per variant (docs/sweep.md).

    Under the table: the deflated Sharpe ratio of the best variant and the probability of
    backtest overfitting of the sweep (docs/sweep.md, "Robustness").
    """
    from aiinfra.services import sweep as svc

    with handle_errors(fmt):
        result = svc.run(
            ctx.obj,
            grid,
            scheduler=scheduler,
            workers=workers,
            out=out,
            data_dir=str(data) if data else None,
            progress=sys.stderr.isatty(),
            pbo_splits=pbo_splits,
        )
    if not result.point_in_time and "ok" in result.counts():
        sys.stderr.write(f"warning: {result.label}\n")
    for n in result.notes:
        sys.stderr.write(f"note: {terminal_safe(n)}\n")
    for n in result.robustness.notes if result.robustness is not None else ():
        sys.stderr.write(f"note: robustness: {terminal_safe(n)}\n")
    sys.stderr.write(
        f"note: {len(result.table)} variants in {result.seconds:.1f} s on {result.backend} "
        f"({result.workers} worker{'s' if result.workers != 1 else ''})"
        + (f"; table written to {out}" if out else "")
        + "\n"
    )
    if fmt is Format.json:
        emit_json(result.to_dict())
        return
    frame = result.to_frame()
    if fmt is Format.csv:
        emit_frame(frame, fmt)
        line = svc.robustness_line(result)
        if line:
            sys.stderr.write(f"note: {line}\n")
        return
    emit_frame(
        frame.round(4),
        fmt,
        columns=["variant", *result.parameter_columns, *svc.TABLE_COLUMNS],
        title=f"sweep {result.grid.source} ({result.grid.mode}): "
        + ", ".join(f"{k} {v}" for k, v in result.counts().items()),
        unit="variants",
    )
    rob = svc.robustness_frame(result)
    if len(rob):
        emit_frame(rob, fmt, title="robustness of the selection (docs/sweep.md)", unit="figures")
