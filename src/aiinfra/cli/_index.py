"""``aiinfra index``: index reviews and backtests."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from aiinfra.cli._options import FormatOpt, FxOpt, MethodologyOpt
from aiinfra.cli._output import Format, emit_frame, emit_json, handle_errors, terminal_safe

index_app = typer.Typer(help="Index reviews and backtests (METHODOLOGY.md).", no_args_is_help=True)


class PitMode(StrEnum):
    vintage_or_systematic = "vintage_or_systematic"
    vintage = "vintage"
    systematic = "systematic"
    static_scores = "static_scores"


PitOpt = Annotated[
    PitMode | None,
    typer.Option(
        "--pit-mode",
        help="Overrides the methodology's pit_mode: vintage_or_systematic (default: the house "
        "vintage in force, else systematic scores), vintage, systematic, static_scores (today's "
        "scores, labelled not point-in-time).",
    ),
]
OutOpt = Annotated[
    str | None,
    typer.Option("--out", help="Output directory (must not exist or be empty)."),
]


@index_app.command("review")
def index_review(
    ctx: typer.Context,
    methodology: MethodologyOpt = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Review with the latest cut-off on or before this date."),
    ] = None,
    out: OutOpt = None,
    pit_mode: PitOpt = None,
    fx: FxOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """One index review: eligibility, scores, selection and capped weights."""
    from aiinfra.services import index as svc

    with handle_errors(fmt):
        result = svc.review(ctx.obj, methodology, as_of, out, pit_mode, fx)
    if fmt is Format.json:
        emit_json(result.to_dict())
        return
    for w in result.warnings:
        sys.stderr.write(f"warning: {terminal_safe(w)}\n")
    frame = result.selection()
    if fmt is Format.csv:
        emit_frame(frame.assign(label=result.label), fmt)
        return
    d = result.dates
    emit_frame(
        frame.round(4),
        fmt,
        columns=["rank", "id", "ticker", "category", "Q", "R", "S", "weight"],
        title=f"review {d.review}: cut-off {d.cutoff.date()}, effective {d.effective.date()} "
        f"({result.label}; scores: {result.score_source})",
        unit="constituents",
    )
    counts = result.exclusions()["reason"].value_counts()
    typer.echo("not selected: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@index_app.command("backtest")
def index_backtest(
    ctx: typer.Context,
    methodology: MethodologyOpt = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First date (default 2019-01-01).")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last date (default today).")] = None,
    benchmark: Annotated[
        list[str] | None,
        typer.Option("--benchmark", help="Benchmark ticker, repeatable (QQQ, SMH, SOXX)."),
    ] = None,
    cost_bps: Annotated[
        float, typer.Option("--cost-bps", min=0, help="Cost per unit traded, basis points.")
    ] = 0.0,
    out: OutOpt = None,
    pit_mode: PitOpt = None,
    fx: FxOpt = None,
    events: Annotated[
        str | None,
        typer.Option("--events", help="Corporate actions CSV: date,ticker,type,value,new_ticker."),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Every quarterly review in the window, daily PR/GTR/NTR levels, turnover, benchmarks."""
    from aiinfra.services import index as svc

    with handle_errors(fmt):
        result = svc.run_backtest(
            ctx.obj, methodology, start, end, benchmark or [], cost_bps, out, pit_mode, fx, events
        )
    if fmt is Format.json:
        emit_json(result.summary)
        return
    s = result.stats
    if not s.point_in_time:
        sys.stderr.write(f"warning: {s.label}\n")
    import pandas as pd

    keys = ("total_return", "annual_return", "annual_volatility", "sharpe_ratio", "max_drawdown")
    series = {**s.variants, **s.benchmarks}
    rows = [{"series": k, **{x: getattr(v, x) for x in keys}} for k, v in series.items()]
    frame = pd.DataFrame(rows)
    if fmt is Format.csv:
        frame["label"] = s.label
    emit_frame(
        frame.round(4) if fmt is Format.table else frame,
        fmt,
        title=f"{s.methodology} {s.start} to {s.end}, {s.reviews} reviews ({s.label}; scores: "
        + ", ".join(f"{k} {v}" for k, v in s.score_source_counts.items())
        + ")",
        unit="series",
    )
