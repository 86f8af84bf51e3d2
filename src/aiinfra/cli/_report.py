"""``aiinfra report``: the self-contained HTML report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from aiinfra.cli._options import DataOpt, FormatOpt, FxOpt
from aiinfra.cli._output import Format, emit_frame, emit_json, handle_errors, terminal_safe

MethodologiesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--methodology",
        help="A YAML file (its keys override methodologies/default.yaml) or a built-in name: "
        "default, cta_style_tiers, equal_weight, semis_20cap. Repeat to compare several "
        "strategies; the first is the report's index.",
    ),
]
BenchmarksOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--benchmark",
        help="A benchmark ticker (repeatable; default: QQQ, SMH and SOXX when they have "
        "prices). The first is the reference of the betas.",
    ),
]


def report(
    ctx: typer.Context,
    out: Annotated[
        str | None, typer.Option("--out", help="HTML file (default AIINFRA_HOME/report.html).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Report date (default today).")
    ] = None,
    methodology: MethodologiesOpt = None,
    benchmark: BenchmarksOpt = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="First date of the backtests (YYYY-MM-DD, before the report's date; default "
            "2019-01-01): the first review effective on or after it.",
        ),
    ] = None,
    cost_bps: Annotated[
        float,
        typer.Option(
            "--cost-bps",
            help="Transaction cost per unit traded, basis points (≥ 0; as `index backtest`).",
        ),
    ] = 0.0,
    holdings: Annotated[
        list[str] | None,
        typer.Option(
            "--holdings",
            help="A fund's holdings file (CSV as the issuer downloads it); repeat for several. "
            "Adds the look-through section (docs/lookthrough.md).",
        ),
    ] = None,
    fx: FxOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Write the self-contained HTML report (summary, index, backtest, build-out, sources).

    ``--start``, ``--cost-bps`` and ``--benchmark`` set the backtests; the sources appendix
    states what was used.

    ``--format table`` prints where the report went; ``csv`` prints the strategies table (a row
    per strategy and per benchmark); ``json`` prints the path, sections, charts, notices, the
    backtest settings and the strategies compared (docs/cli.md).
    """
    import dataclasses

    from aiinfra.dates import to_timestamp
    from aiinfra.services import report as svc
    from aiinfra.services.index import BACKTEST_START

    settings = ctx.obj if data is None else dataclasses.replace(ctx.obj, data_dir=Path(data))
    with handle_errors(fmt):
        result, path = svc.make_report(
            settings,
            out,
            as_of,
            methodology or None,
            fx,
            progress=sys.stderr.isatty() and fmt is Format.table,
            benchmarks=benchmark or None,
            holdings=holdings or (),
            start=start,
            cost_bps=cost_bps,
        )
    for n in result.notices:
        sys.stderr.write(f"note: {terminal_safe(n)}\n")
    cmp = result.strategies
    if fmt is Format.json:
        emit_json(
            {
                "path": str(path),
                "sections": result.sections,
                "charts": result.charts,
                "notices": result.notices,
                "backtest": {
                    "start": str(to_timestamp(start or BACKTEST_START, "--start").date()),
                    "cost_bps": cost_bps,
                    "benchmarks": None if cmp is None else list(cmp.benchmarks),
                },
                "strategies": None if cmp is None else cmp.to_dict(),
            }
        )
    elif fmt is Format.csv:
        if cmp is not None:
            emit_frame(cmp.summary(), fmt)
    else:
        typer.echo(
            f"report written to {path} ({', '.join(result.sections)}; {result.charts} charts)"
        )
