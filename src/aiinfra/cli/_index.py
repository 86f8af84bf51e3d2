"""``aiinfra index``: index reviews and backtests."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from aiinfra.cli._options import FormatOpt, FxOpt, MethodologyOpt
from aiinfra.cli._output import (
    Format,
    as_percent,
    emit_frame,
    emit_json,
    handle_errors,
    terminal_safe,
)

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
    frame = result.selection()
    names = {str(i): str(n) for i, n in zip(result.candidates["id"], result.candidates["name"],
             strict=True) if isinstance(n, str) and n.strip()}  # fmt: skip
    for w in result.warnings:
        sys.stderr.write(f"warning: {terminal_safe(_named_warning(w, names))}\n")
    if fmt is Format.csv:
        emit_frame(frame.assign(label=result.label), fmt)
        return
    d = result.dates
    emit_frame(  # by name, the id last (docs/cli.md, "Names"; csv and json: both)
        as_percent(frame, {"weight": 2}).round(4).rename(columns={"name": "company"}),
        fmt,
        columns=["rank", "company", "ticker", "category", "Q", "R", "S", "weight", "id"],
        title=f"review {d.review}: cut-off {d.cutoff.date()}, effective {d.effective.date()} "
        f"({result.label}; scores: {result.score_source})",
        unit="constituents",
    )
    counts = result.exclusions()["reason"].value_counts()
    typer.echo("not selected: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def _named_warning(text: str, names: dict[str, str]) -> str:
    """A warning that starts with a company id (``tsmc: no close on …``) with the company's
    name instead (``TSMC: no close on …``); any other warning as it is."""
    head, sep, rest = text.partition(": ")
    return f"{names[head]}{sep}{rest}" if sep and head in names else text


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
    if fmt is Format.table:  # fractions as percent, the Sharpe ratio as is (docs/cli.md)
        fractions = ("total_return", "annual_return", "annual_volatility", "max_drawdown")
        frame = as_percent(frame, dict.fromkeys(fractions, 1)).round(4)
    emit_frame(
        frame,
        fmt,
        title=f"{s.methodology} {s.start} to {s.end}, {s.reviews} reviews ({s.label}; scores: "
        + ", ".join(f"{k} {v}" for k, v in s.score_source_counts.items())
        + ")",
        unit="series",
    )


class PackKind(StrEnum):
    vintage = "vintage"
    review = "review"


RegistryOpt = Annotated[
    str,
    typer.Option(
        "--registry",
        help="Registry directory of review packs (default: reviews in the current directory).",
    ),
]


@index_app.command("publish")
def index_publish(
    ctx: typer.Context,
    as_of: Annotated[
        str,
        typer.Option("--as-of", help="The review with the latest cut-off on or before this date."),
    ],
    methodology: MethodologyOpt = None,
    registry: RegistryOpt = "reviews",
    kind: Annotated[
        PackKind | None,
        typer.Option(
            "--kind",
            help="review: the formed review (selection, weights); vintage: pre-register the "
            "house score vintage and the methodology before the effective date (no prices). "
            "Default: review, and if it cannot be formed, say why.",
        ),
    ] = None,
    fx: FxOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Append a review pack to the hash-chained registry (pre-registered reviews)."""
    with handle_errors(fmt):
        out = _publish_telling_where_prices_come_from(
            ctx.obj, as_of, methodology, registry, None if kind is None else kind.value, fx
        )
    if fmt is Format.json:
        emit_json(out)
        return
    if fmt is Format.csv:
        import pandas as pd

        sv = out["score_vintage"]
        flat = {k: v for k, v in out.items() if k not in ("review", "score_vintage")}
        flat = {
            **flat,
            "review": out["review"]["review"],
            "effective": out["review"]["effective"],
            "score_as_of": sv["as_of"],
            "score_source": sv["source"],
            "score_rows": sv["rows"],
        }
        emit_frame(pd.DataFrame([flat]), fmt)
        return
    r, sv = out["review"], out["score_vintage"]
    what = (
        f"{out['selection']} constituents, prices through {out['prices_through']}"
        if out["kind"] == "review"
        else "no prices read"
    )
    typer.echo(
        terminal_safe(
            f"published {out['file']}: {out['kind']} pack {out['seq']} of review {r['review']} "
            f"(cut-off {r['cutoff']}, announced {r['announce']}, effective {r['effective']})\n"
            f"methodology {out['methodology']} {out['methodology_hash'][:12]}; {sv['source']} "
            f"score vintage {sv['as_of']}, {sv['rows']} rows; {what}\n"
            f"sha256 {out['sha256']}"
        )
    )


def _publish_telling_where_prices_come_from(
    settings: Any, as_of: str, methodology: str | None, registry: str, kind: str | None,
    fx: str | None,
) -> dict[str, Any]:  # fmt: skip
    """:func:`aiinfra.services.index.publish_pack`; a review that fails when the settings give
    no prices at all fails with the message every command without prices gives
    (:data:`aiinfra.services.prices.NO_PRICES_HELP`), its exit code kept, nothing written. A
    vintage pack reads no prices: its errors are its own."""
    from aiinfra.exceptions import (
        AiinfraError,
        InfeasibleCapping,
        InsufficientConstituents,
        InvalidParameterError,
        MissingDataError,
        NotPointInTimeError,
    )
    from aiinfra.services import index as svc
    from aiinfra.services.prices import missing_prices, no_prices_message

    forming = (InsufficientConstituents, InfeasibleCapping, NotPointInTimeError, MissingDataError)
    try:
        return svc.publish_pack(settings, as_of, methodology, registry, kind, fx)
    except AiinfraError as exc:
        # the review could not be formed (raised as such, or wrapped by publish_pack with the
        # advice to publish a vintage); other errors (a bad option, a pack already published)
        # are their own
        failed = isinstance(exc, forming) or isinstance(exc.__context__, forming)
        why = missing_prices(settings) if failed and kind != "vintage" else None
        if why is None:
            raise
        err = InvalidParameterError(
            no_prices_message(why) + " Nothing was published. Without prices, `--kind vintage` "
            "pre-registers the house score vintage and the methodology before the review takes "
            "effect."
        )
        err.exit_code = exc.exit_code
        raise err from None


@index_app.command("verify")
def index_verify(
    ctx: typer.Context,
    registry: RegistryOpt = "reviews",
    fmt: FormatOpt = Format.table,
) -> None:
    """Verify the registry's hash chain and its score vintages against the ledger (exit 2 and
    every problem when it does not verify)."""
    from aiinfra.services import index as svc

    with handle_errors(fmt):
        out = svc.verify_packs(ctx.obj, registry)
    if fmt is Format.json:
        emit_json(out)
        return
    import pandas as pd

    frame = pd.DataFrame(
        out["packs"],
        columns=["seq", "file", "kind", "review", "published", "score_source", "rows", "sha256"],
    )
    if fmt is Format.csv:
        emit_frame(frame, fmt)
        return
    emit_frame(
        frame,
        fmt,
        columns=["seq", "file", "kind", "review", "published", "score_source", "rows"],
        title=f"registry {out['registry']}: the chain verifies",
        unit="packs",
    )
    typer.echo(f"head sha256 {out['head']}")
