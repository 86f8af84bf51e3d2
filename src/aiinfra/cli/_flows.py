"""``aiinfra flows``: cycles, metrics, significance, export and stress on the capital-flow map."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from aiinfra.cli._options import AsOfOpt, DataOpt, FormatOpt, MethodologyOpt
from aiinfra.cli._output import (
    Format,
    as_percent,
    emit_frame,
    emit_json,
    handle_errors,
    pct,
    terminal_safe,
)

flows_app = typer.Typer(
    help="The capital-flow map: cycles, circularity, significance, stress.", no_args_is_help=True
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


BasisOpt = Annotated[FlowBasis, typer.Option("--basis", help="Amount on each edge.")]
EvidenceOpt = Annotated[
    bool,
    typer.Option(
        "--evidence",
        help="Say how much of each amount rests on filings, company statements, press reports, "
        "secondary sources or the seed articles, and how much carries a verbatim quote.",
    ),
]
MaxLenOpt = Annotated[
    int, typer.Option("--max-length", min=2, max=12, help="Longest cycle, in companies.")
]
SeedOpt = Annotated[
    int | None,
    typer.Option(
        "--seed",
        min=0,
        help="Random seed for reproducible runs; if left out, one is drawn and shown.",
    ),
]


def _drawn_seed(seed: int | None) -> int:
    """``seed``, or a fresh one from the operating system's entropy when none was given, so
    that every run says which seed reproduces it (never "seed None")."""
    import secrets

    return secrets.randbelow(2**31) if seed is None else seed


@flows_app.command("cycles")
def flows_cycles(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    basis: BasisOpt = FlowBasis.committed,
    max_length: MaxLenOpt = 5,
    data: DataOpt = None,
    evidence: EvidenceOpt = False,
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
                "cycle": " → ".join([*c["names"], c["names"][0]]),
                "length": c["length"],
                "bottleneck_usd_bn": c["bottleneck"],
                "flow_ids": " | ".join(",".join(ids) for ids in c["flow_ids"]),
                "evidence": c["evidence"]["text"],
                "cycle_ids": " → ".join([*c["nodes"], c["nodes"][0]]),
            }
            for c in result["cycles"]
        ],
        columns=["cycle", "length", "bottleneck_usd_bn", "flow_ids", "evidence", "cycle_ids"],
    )
    if not evidence:
        frame = frame.drop(columns=["evidence"])
    if fmt is Format.table:  # names; the ids are in csv and json (docs/cli.md, "Names")
        frame = frame.drop(columns=["cycle_ids"])
    emit_frame(
        frame, fmt, title=f"money cycles as of {result['as_of']} ({basis.value})", unit="cycles"
    )
    if fmt is Format.table:
        typer.echo(f"{len(result['reciprocal_pairs'])} reciprocal pairs (see --format json)")
        if evidence:
            typer.echo("deals on the cycles: " + result["evidence"]["text"])


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
    evidence: EvidenceOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Finn cycling index of the system; per company cycling, self-funded share, hubs."""
    from aiinfra.services import flows as svc

    with handle_errors(fmt):
        result = svc.metrics(
            ctx.obj,
            as_of,
            basis.value,
            samples,
            _drawn_seed(seed) if samples else seed,
            str(data) if data else None,
        )
    if fmt is Format.json:
        emit_json(result)
        return
    import pandas as pd

    frame = pd.DataFrame(result["companies"])
    if evidence:
        from aiinfra.charts import tier_mix

        frame["inflows_rest_on"] = [
            tier_mix({"total": 1.0 if t else 0.0, "by_tier": t}, "en")
            for t in frame["inflows_by_tier"]
        ]
    # the table by name (the payer of the largest inflow too), the id last; csv and json keep
    # every column, ids and names (docs/cli.md, "Names")
    cols = [
        "company",
        "layer",
        "self_funded_share",
        "cycling",
        "in_strength",
        "out_strength",
        "largest_payer",
        "largest_share",
        "hhi",
        "inflows_rest_on",
        "id",
    ]
    ci = result["system_cycling_index"]
    if fmt is Format.table:  # fractions as percent (docs/cli.md "Numbers"); csv/json keep them
        shown = as_percent(
            frame.round(4), {"self_funded_share": 1, "cycling": 1, "largest_share": 1}
        ).rename(columns={"name": "company", "largest_counterparty_name": "largest_payer"})
        title = f"system cycling index {pct(ci, 2)} as of {result['as_of']}"
        cols = [c for c in cols if c in shown.columns]
    else:
        shown, title = frame, f"system cycling index {ci:.4f} as of {result['as_of']}"
        cols = list(frame.columns)
    emit_frame(shown, fmt, columns=cols, title=title, unit="companies")


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
            _drawn_seed(seed),
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
    evidence: EvidenceOpt = False,
    horizon_draws: Annotated[
        int,
        typer.Option(
            "--horizon-draws",
            min=0,
            help="Also draw the terms of the deals that state none this many times from the "
            "ledger's stated terms of their type (Monte Carlo; 0 = only the 5-year assumption).",
        ),
    ] = 0,
    seed: SeedOpt = None,
    methodology: MethodologyOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """If a party stops paying: who loses what, down to tickers and the index.

    With --prices (or prices in the store) the index is the one formed on the stress date
    under --methodology (default rules); without prices, house-view weights under its caps."""
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
            horizon_draws=horizon_draws,
            seed=seed or 0,
            methodology=methodology,
        )
    if fmt is Format.json:
        emit_json(result.to_dict())
        return
    _print_stress(result, fmt, evidence)


def _without_negative_zero(frame: Any) -> Any:
    """``frame`` with every float -0.0 shown as 0.0 (the same number; rendering only)."""
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype.kind == "f":
            out[c] = out[c] + 0.0
    return out


#: stress-table columns shown as percent (fractions in CSV and JSON)
_PCT_COLS = ("share_of_revenue", "equity_shock", "cut_fraction")


def _print_stress(result: Any, fmt: Format, evidence: bool) -> None:
    """The stress result as tables (or CSV): the companies that lose, then the shocked parties
    apart (their own loss comes back to them through the others' cuts)."""
    frame = result.to_frame()
    shocked = frame["shocked"].astype(bool)  # the parties that stop paying
    # the whole weights label: it has colons of its own ("… the prices end on D: the index
    # formed then", "house-view weights: … (no index on the date: …)")
    # the scenario's name, then what it does in words (companies by name)
    about = result.scenario.description.strip().rstrip(".")
    title = (
        f"{result.scenario.name}{f' ({about})' if about else ''} as of {result.as_of} "
        "(loss in USD bn a year, shares in %): "
        f"index impact {pct(result.index['impact'], 2)} with {result.index['weights_source']}"
    )
    if fmt is Format.csv:
        # one row per company; the shocked parties last, flagged in `shocked`
        out = _without_negative_zero(frame.round(6))
        out = out.iloc[list(shocked[~shocked].index) + list(shocked[shocked].index)]
        emit_frame(out, fmt)
    else:

        def shown(rows: Any, cols: list[str]) -> Any:
            rows = _without_negative_zero(rows.round(4))
            for c in _PCT_COLS:
                if c in rows.columns:
                    rows[c] = [pct(v) for v in rows[c]]
            return rows.rename(columns={"name": "company", "loss_usd": "loss_usd_bn"})[
                [{"name": "company", "loss_usd": "loss_usd_bn"}.get(c, c) for c in cols]
            ]

        cols = ["name", "ticker", "layer", "loss_usd", "loss_round1", "loss_later", "round_hit",
                "share_of_revenue", "unresolved", "equity_shock"]  # fmt: skip
        emit_frame(
            shown(frame[~shocked], cols),
            fmt,
            title=title,
            unit="companies hit (the shocked parties apart, below)",
        )
        if shocked.any():
            emit_frame(
                shown(
                    frame[shocked],
                    ["name", "ticker", "layer", "cut_fraction", "loss_usd", "share_of_revenue"],
                ).rename(columns={"cut_fraction": "shortfall", "loss_usd_bn": "loss_back_usd_bn"}),
                fmt,
                title="shocked parties (they stop paying): their shortfall and what comes back "
                "to them through the others' cuts, not counted among those hit",
                unit="shocked parties",
            )
    for n in result.notes:
        sys.stderr.write(f"note: {terminal_safe(n)}\n")
    credit = result.credit
    if fmt is Format.table and "default_baseline" in credit.columns:
        credit_shown = credit[(credit["owed"] > 0) | (credit["creditor_loss_added"] > 1e-9)]
        emit_frame(  # by name, the id last (docs/cli.md, "Names")
            _without_negative_zero(credit_shown.round(4)).rename(columns={"name": "company"}),
            fmt,
            columns=[
                "company",
                "owed",
                "external_assets",
                "paid",
                "default",
                "default_baseline",
                "creditor_loss",
                "creditor_loss_added",
                "node",
            ],
            title="credit layer (USD bn): borrowers and the lenders the scenario costs",
            unit="companies",
        )
    if fmt is Format.table and result.credit_status:
        typer.echo("credit: " + terminal_safe(result.credit_status))
    if evidence and fmt is Format.table:
        typer.echo("the payments stopped rest on: " + result.evidence.get("text", "no amount"))
    if result.horizons is not None and fmt is Format.table:
        h = result.horizons
        top = h.companies[~h.companies["node"].isin(set(frame.loc[shocked, "node"]))].head(15)
        names = dict(zip(frame["node"], frame["name"], strict=True))
        top = top.assign(company=[names.get(n, n) for n in top["node"]])
        emit_frame(  # by name, the id last
            _without_negative_zero(top.round(4)),
            fmt,
            columns=["company", *[c for c in top.columns if c not in ("node", "company")], "node"],
            title=f"deal terms drawn {h.draws} times (seed {h.seed}) for {len(h.deals)} deal(s) "
            f"without a stated term; loss in USD bn a year",
            unit="companies",
        )
        t, i = h.total, h.index_impact
        typer.echo(
            f"total loss {t['point']:.1f} USD bn a year with {h.default_horizon:g}-year terms; "
            f"90 % of draws between {t['p05']:.1f} and {t['p95']:.1f} (median {t['p50']:.1f}); "
            f"index impact {pct(i['point'], 2)}, 90 % between {pct(i['p05'], 2)} and "
            f"{pct(i['p95'], 2)}"
        )


class HistoryFreq(StrEnum):
    Q = "Q"
    M = "M"
    Y = "Y"


@flows_app.command("history")
def flows_history(
    ctx: typer.Context,
    start: Annotated[
        str, typer.Option("--from", help="First day of the window: YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = "2019",
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="Last day of the window: YYYY, YYYY-MM or a date (default today)."
        ),
    ] = None,
    freq: Annotated[
        HistoryFreq,
        typer.Option("--freq", case_sensitive=False, help="Quarter, month or year ends."),
    ] = HistoryFreq.Q,
    basis: BasisOpt = FlowBasis.committed,
    samples: Annotated[
        int, typer.Option("--samples", min=1, help="Null-model samples per date.")
    ] = 200,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Base seed; each date derives its own from it.")
    ] = 0,
    model: Annotated[NullModel, typer.Option("--model", help="Null model.")] = NullModel.degree,
    top: Annotated[
        int, typer.Option("--top", min=1, help="Companies tracked: the largest by inflow.")
    ] = 5,
    benchmark: Annotated[
        str, typer.Option("--benchmark", help="ETF whose drawdown is shown (with --prices).")
    ] = "SMH",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The last day of the window (same as --to).")
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Circularity at every quarter end: cycling index, cycles, self-funded shares, p-value;
    with --prices the drawdowns of the index and a benchmark on the same dates."""
    from aiinfra.exceptions import InvalidParameterError
    from aiinfra.services import flows_history as svc

    with handle_errors(fmt):
        if to is not None and as_of is not None and to != as_of:
            raise InvalidParameterError(
                f"`--to` ({to}) and `--as-of` ({as_of}) both name the last day: give one"
            )
        view = svc.history(
            ctx.obj,
            start,
            to if to is not None else as_of,
            freq.value,
            basis.value,
            samples,
            seed,
            model=model.value,
            top=top,
            benchmark=benchmark,
            data_dir=str(data) if data else None,
        )
    if fmt is Format.json:
        emit_json(view.to_dict())
        return
    frame = view.to_frame().reset_index()
    if fmt is Format.csv:
        emit_frame(frame, fmt)
    else:  # two tables: the circularity (and drawdowns) per date; the self-funded shares
        h = view.history
        frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
        names = {"cycling_index": "cycling", "reciprocal_pairs": "pairs",
                 "cycle_volume": "volume", "cycle_share": "vol_share", "index_drawdown":
                 "index_dd", "benchmark_drawdown": f"{view.benchmark}_dd"}  # fmt: skip
        cols = ["date", "edges", "cycling_index", "cycles", "reciprocal_pairs", "cycle_volume",
                "cycle_share", "p_value", "index_drawdown", "benchmark_drawdown"]  # fmt: skip
        # fractions as percent (docs/cli.md, "Numbers"); the p-value a plain number
        fractions = ("cycling_index", "cycle_share", "index_drawdown", "benchmark_drawdown")
        circ = frame[[c for c in cols if c in frame.columns]].round(6)
        emit_frame(
            as_percent(circ, dict.fromkeys(fractions, 1)).rename(columns=names).round(4),
            fmt,
            title=f"circularity at every {h.freq} end {h.start.date()} … {h.end.date()} "
            f"({h.basis}; volume in USD bn, shares in %); null model {h.model}, "
            f"{h.samples} samples, seed {h.seed}",
            unit="dates",
        )
        # one column per company, headed by its name (csv and json: self_funded_<id>)
        own = {f"self_funded_{i}": str(h.top.at[i, "name"]) for i in h.top.index}
        shares = as_percent(frame[["date", *own]], dict.fromkeys(own, 1))
        emit_frame(
            shares.rename(columns=own),
            fmt,
            title="self-funded revenue share (%) of the companies with the largest inflow",
            unit="dates",
        )
    for n in view.notes:
        sys.stderr.write(f"note: {terminal_safe(n)}\n")
