"""``aiinfra gap``: the ROI gap."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from aiinfra.cli._options import AsOfOpt, DataOpt, FormatOpt
from aiinfra.cli._output import (
    Format,
    as_percent,
    emit_frame,
    emit_json,
    handle_errors,
    terminal_safe,
)


class GapMethod(StrEnum):
    sequoia = "sequoia"
    capex = "capex"


class GapSpend(StrEnum):
    capex = "capex"
    nvidia = "nvidia"


class NetBasis(StrEnum):
    committed = "committed"
    ceiling = "ceiling"
    funded = "funded"
    annualised = "annualised"


#: Columns of the gap table that are fractions: the table format prints them as percent.
GAP_FRACTIONS = ("coverage", "circular_share", "net_coverage", "p_coverage_ge_1")


def gap(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", help="Year shown in detail (default: as-of year).")
    ] = None,
    method: Annotated[
        GapMethod | None, typer.Option("--method", help="Required-revenue method (sequoia).")
    ] = None,
    spend: Annotated[
        GapSpend | None,
        typer.Option("--spend", help="Sequoia input: AI capex (default) or NVIDIA run-rate."),
    ] = None,
    target_year: Annotated[
        int | None, typer.Option("--target-year", help="Year the gap should close (2030).")
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Parameter override NAME=VALUE (repeatable)."),
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", min=0, help="Monte Carlo samples (0: none).")
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Monte Carlo seed.")] = 0,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Local worker processes.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler tcp://HOST:PORT.")
    ] = None,
    as_of: AsOfOpt = None,
    data: DataOpt = None,
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence",
            help="Say what the detail year's inputs rest on: the ledger figures by source tier "
            "and kind, and how many carry a verbatim quote.",
        ),
    ] = False,
    net_basis: Annotated[
        NetBasis,
        typer.Option(
            "--net-basis",
            help="Flow-graph amount basis of the circular share behind the net figures.",
        ),
    ] = NetBasis.committed,
    fmt: FormatOpt = Format.table,
) -> None:
    """The ROI gap: revenue needed to justify the AI capex vs AI revenue earned, gross and net
    of circularity (the part of it that is the build-out's own investment coming back)."""
    from aiinfra.services import gap as svc

    with handle_errors(fmt):
        result = svc.run(
            ctx.obj,
            year,
            method=method.value if method else None,
            spend=spend.value if spend else None,
            target_year=target_year,
            sets=sets or (),
            samples=samples,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            as_of=as_of,
            data_dir=str(data) if data else None,
            net_basis=net_basis.value,
        )
    if fmt is Format.json:
        emit_json(result.to_dict())
        return
    row, g = result.row(), result.growth
    cols = ["capex", "required", "revenue", "gap", "coverage", "revenue_kind",
            "published_required", "circular_share", "net_revenue", "net_gap",
            "net_coverage"]  # fmt: skip
    frame = result.to_frame().reset_index()[["year", *cols]]
    if result.montecarlo is not None:
        mc = result.montecarlo.summary[["gap_p5", "gap_p50", "gap_p95", "p_coverage_ge_1"]]
        frame = frame.merge(mc.reset_index(), on="year", how="left")
        net = result.montecarlo.summary[["net_gap_p5", "net_gap_p50", "net_gap_p95"]]
        frame = frame.merge(net.reset_index(), on="year", how="left")
    if fmt is Format.table:  # fractions as percent (docs/cli.md, "Numbers")
        frame = as_percent(frame, dict.fromkeys(GAP_FRACTIONS, 1)).round(3)
    emit_frame(
        frame,
        fmt,
        title=f"ROI gap ({result.params.method}), as of {result.as_of}: {row['year']} capex "
        f"{_bn(row['capex'])}, required {_bn(row['required'])}, AI revenue "
        f"{_bn(row['revenue'])}, net of circularity {_bn(row['net_revenue'])} (USD bn); "
        f"AI revenue = {terminal_safe(result.revenue_series.get('definition', ''))}",
        unit="years",
    )
    if fmt is Format.table:
        if "needed_cagr" in g:
            sys.stderr.write(_growth_line(g) + "\n")
        top = result.tornado.head(3)
        sys.stderr.write(
            "moves the gap most: "
            + ", ".join(f"{r.parameter} ({r.swing:.0f})" for r in top.itertuples())
            + "\n"
        )
        if row.get("circular_share") is not None:
            sys.stderr.write(
                f"net of circularity {row['year']}: s = {row['circular_share']:.1%}, "
                f"{terminal_safe(row['circular_source'])}; net gap {_bn(row['net_gap'])}\n"
            )
    for n in result.notes:
        sys.stderr.write(f"note: {terminal_safe(n)}\n")
    if evidence and fmt is Format.table:
        from aiinfra.charts import figures_evidence_sentence

        typer.echo(figures_evidence_sentence(result.evidence, result.year, "en") or "no figures")


def _growth_line(g: dict[str, Any]) -> str:
    """The growth needed, and the growth a forecast of the series' own definition implies (a
    forecast of another definition is never compared: docs/gap.md)."""
    fc = g.get("forecast_cagr")
    return f"growth needed {g['from_year']}->{g['target_year']}: {g['needed_cagr']:.0%} a year" + (
        f"; the forecast of the same definition ({g['forecast']['id']}) implies {fc:.0%}"
        if fc is not None
        else "; no forecast of the same definition to compare it with"
    )


def _bn(value: float | None) -> str:
    """An amount in USD bn without decimals; a year without the figure shows "–"."""
    return "–" if value is None else f"{value:.0f}"
