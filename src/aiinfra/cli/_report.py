"""``aiinfra report``: the self-contained HTML report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from aiinfra.cli._options import DataOpt, FxOpt, MethodologyOpt
from aiinfra.cli._output import handle_errors, terminal_safe


def report(
    ctx: typer.Context,
    out: Annotated[
        str | None, typer.Option("--out", help="HTML file (default AIINFRA_HOME/report.html).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Report date (default today).")
    ] = None,
    methodology: MethodologyOpt = None,
    fx: FxOpt = None,
    data: DataOpt = None,
) -> None:
    """Write the self-contained HTML report (summary, index, backtest, build-out, sources)."""
    import dataclasses

    from aiinfra.services import report as svc

    settings = ctx.obj if data is None else dataclasses.replace(ctx.obj, data_dir=Path(data))
    with handle_errors():
        result, path = svc.make_report(
            settings, out, as_of, methodology, fx, progress=sys.stderr.isatty()
        )
    for n in result.notices:
        sys.stderr.write(f"note: {terminal_safe(n)}\n")
    typer.echo(f"report written to {path} ({', '.join(result.sections)}; {result.charts} charts)")
