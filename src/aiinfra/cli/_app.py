"""Command definitions. Every command calls ``aiinfra.services``; no logic lives here."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from aiinfra.cli._output import Format, emit_frame, emit_json, handle_errors, terminal_safe

app = typer.Typer(
    help="aiinfra: the AI-infrastructure ledger, index, capital-flow map, stress tests, ROI gap.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
ledger_app = typer.Typer(
    help="Validate and show the ledger (companies, flows, figures, scores).", no_args_is_help=True
)
prices_app = typer.Typer(help="Import, fetch and list daily prices.", no_args_is_help=True)
index_app = typer.Typer(help="Index reviews and backtests (METHODOLOGY.md).", no_args_is_help=True)
flows_app = typer.Typer(
    help="The capital-flow map: cycles, circularity, significance, stress.", no_args_is_help=True
)
app.add_typer(ledger_app, name="ledger")
app.add_typer(prices_app, name="prices")
app.add_typer(index_app, name="index")
app.add_typer(flows_app, name="flows")

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="User ledger directory overlaid on the bundled ledger.",
        envvar="AIINFRA_DATA",
        exists=True,
        file_okay=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"aiinfra {version('aiinfra')}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option("--home", help="AIINFRA_HOME: where the store lives.", envvar="AIINFRA_HOME"),
    ] = None,
    prices: Annotated[
        str | None,  # not Path: Path("") would silently be the current directory
        typer.Option(
            "--prices",
            help="Read prices from this CSV directory instead of the store.",
            envvar="AIINFRA_PRICES",
        ),
    ] = None,
    lang: Annotated[
        str,
        typer.Option(
            "--lang", help="Labels in the report and dashboard: en or de.", envvar="AIINFRA_LANG"
        ),
    ] = "en",
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Global options apply to every command."""
    from aiinfra.config import get_settings

    with handle_errors():
        ctx.obj = get_settings(home=home, prices_dir=prices, lang=lang)


# --- ledger


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
            "ai_revenue | financials"
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


# --- prices


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


MethodologyOpt = Annotated[
    str | None,
    typer.Option(
        "--methodology",
        help="YAML file (its keys override methodologies/default.yaml) or a built-in name: "
        "default, cta_style_tiers, semis_20cap.",
    ),
]


class PitMode(StrEnum):
    vintage = "vintage"
    static_scores = "static_scores"


PitOpt = Annotated[
    PitMode | None,
    typer.Option("--pit-mode", help="Overrides the methodology's pit_mode."),
]
FxOpt = Annotated[
    str | None,
    typer.Option(
        "--fx",
        help="FX for non-USD lines: a directory of FX_USDXXX.csv (date,rate = XXX per USD), one "
        "such file, or a CSV date,currency,usd_per_unit.",
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
        f"({result.label})",
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
    summary = result.summary
    if fmt is Format.json:
        emit_json(summary)
        return
    if not summary["point_in_time"]:
        sys.stderr.write(f"warning: {summary['label']}\n")
    import pandas as pd

    keys = ("total_return", "annual_return", "annual_volatility", "sharpe_ratio", "max_drawdown")
    rows = [{"series": k, **{x: v[x] for x in keys}} for k, v in summary["variants"].items()]
    rows += [{"series": k, **{x: v[x] for x in keys}} for k, v in summary["benchmarks"].items()]
    frame = pd.DataFrame(rows)
    if fmt is Format.csv:
        frame["label"] = summary["label"]
    emit_frame(
        frame.round(4) if fmt is Format.table else frame,
        fmt,
        title=f"{summary['methodology']} {summary['start']} to {summary['end']}, "
        f"{summary['reviews']} reviews ({summary['label']})",
        unit="series",
    )


class FlowBasis(StrEnum):
    committed = "committed"
    ceiling = "ceiling"
    funded = "funded"
    annualised = "annualised"


class NullModel(StrEnum):
    degree = "degree"
    role = "role"


class ExportFormat(StrEnum):
    graphml = "graphml"
    gexf = "gexf"
    json = "json"


AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Flows in force on this date (default today).")
]
BasisOpt = Annotated[FlowBasis, typer.Option("--basis", help="Amount on each edge.")]
MaxLenOpt = Annotated[
    int, typer.Option("--max-length", min=2, max=12, help="Longest cycle, in companies.")
]
SeedOpt = Annotated[int | None, typer.Option("--seed", help="Random seed (reproducible runs).")]


@flows_app.command("cycles")
def flows_cycles(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    basis: BasisOpt = FlowBasis.committed,
    max_length: MaxLenOpt = 5,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Every money cycle (3+ companies) with its flow ids and bottleneck; reciprocal pairs."""
    from aiinfra.services import flows as svc

    with handle_errors(fmt):
        result = svc.cycles(ctx.obj, as_of, basis.value, max_length, str(data) if data else None)
    if fmt is Format.json:
        emit_json(result)
        return
    import pandas as pd

    frame = pd.DataFrame(
        [
            {
                "cycle": " → ".join([*c["nodes"], c["nodes"][0]]),
                "length": c["length"],
                "bottleneck_usd_bn": c["bottleneck"],
                "flow_ids": " | ".join(",".join(ids) for ids in c["flow_ids"]),
            }
            for c in result["cycles"]
        ],
        columns=["cycle", "length", "bottleneck_usd_bn", "flow_ids"],
    )
    emit_frame(
        frame, fmt, title=f"money cycles as of {result['as_of']} ({basis.value})", unit="cycles"
    )
    if fmt is Format.table:
        typer.echo(f"{len(result['reciprocal_pairs'])} reciprocal pairs (see --format json)")


@flows_app.command("metrics")
def flows_metrics(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    basis: BasisOpt = FlowBasis.committed,
    samples: Annotated[
        int, typer.Option("--samples", min=0, help="Monte Carlo samples for intervals (0: none).")
    ] = 0,
    seed: SeedOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Finn cycling index of the system; per company cycling, self-funded share, hubs."""
    from aiinfra.services import flows as svc

    with handle_errors(fmt):
        result = svc.metrics(
            ctx.obj, as_of, basis.value, samples, seed, str(data) if data else None
        )
    if fmt is Format.json:
        emit_json(result)
        return
    import pandas as pd

    frame = pd.DataFrame(result["companies"])
    cols = [
        "id",
        "layer",
        "self_funded_share",
        "cycling",
        "in_strength",
        "out_strength",
        "largest_counterparty",
        "largest_share",
        "hhi",
    ]
    emit_frame(
        frame.round(4) if fmt is Format.table else frame,
        fmt,
        columns=[c for c in cols if c in frame.columns],
        title=f"system cycling index {result['system_cycling_index']:.4f} as of {result['as_of']}",
        unit="companies",
    )


@flows_app.command("significance")
def flows_significance(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    basis: BasisOpt = FlowBasis.committed,
    samples: Annotated[int, typer.Option("--samples", min=1, help="Null-model samples.")] = 1000,
    seed: SeedOpt = None,
    model: Annotated[NullModel, typer.Option("--model", help="Null model.")] = NullModel.degree,
    max_length: MaxLenOpt = 5,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Is the circularity more than chance? Cycling index and cycle volume against a null model."""
    from aiinfra.services import flows as svc

    with handle_errors(fmt):
        result = svc.significance(
            ctx.obj,
            as_of,
            basis.value,
            samples,
            seed,
            model.value,
            max_length,
            str(data) if data else None,
        )
    emit_json(result) if fmt is Format.json else _print_significance(result, fmt)


def _print_significance(result: dict[str, object], fmt: Format) -> None:
    import pandas as pd

    rows = []
    for key, value in result.items():
        if isinstance(value, dict):
            rows.append(
                {"statistic": key, **{k: v for k, v in value.items() if not isinstance(v, list)}}
            )
    frame = pd.DataFrame(rows)
    emit_frame(
        frame.round(4) if fmt is Format.table else frame,
        fmt,
        title=f"null model {result['model']}, {result['samples']} samples, seed {result['seed']}",
        unit="statistics",
    )


@flows_app.command("export")
def flows_export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="File format.")] = (
        ExportFormat.graphml
    ),
    out: Annotated[
        str | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
    as_of: AsOfOpt = None,
    basis: BasisOpt = FlowBasis.committed,
    data: DataOpt = None,
) -> None:
    """The flow graph as GraphML, GEXF (Gephi) or node-link JSON (Cytoscape)."""
    from aiinfra.services import flows as svc

    with handle_errors():
        text = svc.export(ctx.obj, fmt.value, out, as_of, basis.value, str(data) if data else None)
    if out is None:
        typer.echo(text)
    else:
        typer.echo(f"written to {out}")


@flows_app.command("stress")
def flows_stress(
    ctx: typer.Context,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            help="YAML file or built-in name: lab_default, venture_halt, capex_cut.",
        ),
    ] = None,
    default: Annotated[
        str | None,
        typer.Option("--default", help="Company id that stops paying (with --shortfall)."),
    ] = None,
    shortfall: Annotated[
        float | None,
        typer.Option("--shortfall", min=0, max=1, help="Share of its obligations it does not pay."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="Date the shortfall starts (YYYY-MM-DD).")
    ] = None,
    pass_through: Annotated[
        float | None,
        typer.Option("--pass-through", min=0, max=1, help="Share of a revenue loss passed on."),
    ] = None,
    elasticity: Annotated[
        float | None,
        typer.Option("--elasticity", min=0, help="Equity shock per unit of revenue at risk."),
    ] = None,
    as_of: AsOfOpt = None,
    basis: Annotated[
        FlowBasis | None, typer.Option("--basis", help="Amount basis (default annualised).")
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """If a party stops paying: who loses what, down to tickers and the index."""
    from aiinfra.services import stress as svc

    with handle_errors(fmt):
        result = svc.run(
            ctx.obj,
            scenario,
            default,
            shortfall,
            start,
            pass_through,
            elasticity,
            as_of,
            basis.value if basis else None,
            str(data) if data else None,
        )
    if fmt is Format.json:
        emit_json(result.to_dict())
        return
    cols = ["node", "ticker", "layer", "loss_usd", "loss_round1", "loss_later", "round_hit",
            "share_of_revenue", "unresolved", "equity_shock"]  # fmt: skip
    frame = result.to_frame()
    emit_frame(
        frame.round(4) if fmt is Format.table else frame,
        fmt,
        columns=cols,
        title=f"{result.scenario.name}: index impact {result.index['impact']:.2%} "
        f"({result.index['weights_source'].split(':')[0]}), as of {result.as_of}",
        unit="companies",
    )
    for n in result.notes:
        sys.stderr.write(f"note: {terminal_safe(n)}\n")


class GapMethod(StrEnum):
    sequoia = "sequoia"
    capex = "capex"


class GapSpend(StrEnum):
    capex = "capex"
    nvidia = "nvidia"


@app.command("gap")
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
    fmt: FormatOpt = Format.table,
) -> None:
    """The ROI gap: revenue needed to justify the AI capex vs AI revenue earned."""
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
        )
    if fmt is Format.json:
        emit_json(result.to_dict())
        return
    row, g = result.row(), result.growth
    cols = ["capex", "required", "revenue", "gap", "coverage", "revenue_kind",
            "published_required"]  # fmt: skip
    frame = result.to_frame().reset_index()[["year", *cols]]
    if result.montecarlo is not None:
        mc = result.montecarlo.summary[["gap_p5", "gap_p50", "gap_p95", "p_coverage_ge_1"]]
        frame = frame.merge(mc.reset_index(), on="year", how="left")
    emit_frame(
        frame.round(3) if fmt is Format.table else frame,
        fmt,
        title=f"ROI gap ({result.params.method}), as of {result.as_of}: {row['year']} capex "
        f"{row['capex']:.0f}, required {row['required']:.0f}, AI revenue "
        f"{row['revenue']:.0f} (USD bn)",
        unit="years",
    )
    if fmt is Format.table:
        if "needed_cagr" in g:
            fc = g.get("forecast_cagr")
            sys.stderr.write(
                f"growth needed {g['from_year']}->{g['target_year']}: {g['needed_cagr']:.0%} a year"
                + (f"; the seeds' forecast implies {fc:.0%}" if fc is not None else "")
                + "\n"
            )
        top = result.tornado.head(3)
        sys.stderr.write(
            "moves the gap most: "
            + ", ".join(f"{r.parameter} ({r.swing:.0f})" for r in top.itertuples())
            + "\n"
        )
    for n in result.notes:
        sys.stderr.write(f"note: {terminal_safe(n)}\n")


@app.command("buildout")
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
        emit_frame(
            table.round(3) if fmt is Format.table else table,
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
    emit_frame(
        svc.flatten(frame),
        fmt,
        title=f"build-out {metric or 'series'}, figures known {as_of or 'today'}",
        columns=svc.TABLE_COLUMNS,
        unit="points",
    )


@app.command("report")
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


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to bind (default 127.0.0.1: this machine only)."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8050,
    as_of: AsOfOpt = None,
    data: DataOpt = None,
) -> None:
    """Serve the web dashboard (docs/dashboard.md); Ctrl-C stops it."""
    with handle_errors():
        from aiinfra.web import check_bind, create_app, make_server, run_server

        check_bind(host, port)
        dash_app = create_app(ctx.obj, as_of=as_of, data_dir=str(data) if data else None)
        server = make_server(dash_app, host, port)
    run_server(server, host)


@app.command("sweep")
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
) -> None:
    """Backtest every methodology variant of a grid; one row per variant (docs/sweep.md)."""
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
        )
    if not result.point_in_time and "ok" in result.counts():
        sys.stderr.write(f"warning: {result.label}\n")
    for n in result.notes:
        sys.stderr.write(f"note: {terminal_safe(n)}\n")
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
        return
    emit_frame(
        frame.round(4),
        fmt,
        columns=["variant", *result.parameter_columns, *svc.TABLE_COLUMNS],
        title=f"sweep {result.grid.source} ({result.grid.mode}): "
        + ", ".join(f"{k} {v}" for k, v in result.counts().items()),
        unit="variants",
    )
