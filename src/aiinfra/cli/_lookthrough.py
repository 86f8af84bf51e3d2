"""``aiinfra lookthrough``: a fund's holdings seen through the ledger."""

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


class WeightsRead(StrEnum):
    auto = "auto"
    percent = "percent"
    fraction = "fraction"


class LookTable(StrEnum):
    summary = "summary"
    categories = "categories"
    companies = "companies"
    stress = "stress"
    unmapped = "unmapped"
    mapping = "mapping"


#: columns of the companies table in the terminal, by name with the id last (csv and json have
#: every column: docs/cli.md, "Names")
COMPANY_COLUMNS = ["company", "ticker", "category", "weight", "index_weight", "cycles",
                   "self_funded_share", "inflow_usd_bn", "company_id"]  # fmt: skip
TITLES = {
    "summary": "look-through of {fund}, as of {as_of}",
    "categories": "category mix (weight of the fund; share of the lines read)",
    "companies": "ledger companies held (weight; index weight; money cycles; self-funded share)",
    "stress": "loss under each built-in stress scenario (Σ weight × equity shock)",
    "unmapped": "lines that map to no ledger company",
    "mapping": "every line and the company it maps to",
}


#: Columns that are fractions of the fund (or of the lines read): percent in the table format.
FRACTIONS = ("weight", "share", "index_weight", "self_funded_share", "fund_impact",
             "unresolved_weight", "not_in_ledger_weight")  # fmt: skip


def _shown(name: str, frame: Any, names: dict[str, str] | None = None) -> Any:
    """A table as the terminal shows it: every fraction as percent with two decimals (docs/cli.md,
    "Numbers"); in the summary every measure but the line count is a fraction. The companies by
    name (``names``: id → name; the id where there is none), the id last."""
    if name == "companies":
        frame = frame.rename(columns={"name": "company"})
    elif name == "stress" and "largest_hit" in frame.columns:
        named = names or {}
        frame = frame.assign(
            largest_hit=[named.get(str(c), str(c)) if c else c for c in frame["largest_hit"]]
        )
    if name != "summary":
        return as_percent(frame, dict.fromkeys(FRACTIONS, 2)).round(4)
    out = frame.astype({"value": object})
    lines = out["measure"] == "lines"
    out.loc[lines, "value"] = [f"{v:.0f}" for v in frame.loc[lines, "value"]]
    out.loc[~lines, "value"] = as_percent(frame.loc[~lines], {"value": 2})["value"]
    return out


def lookthrough(
    ctx: typer.Context,
    holdings: Annotated[
        str,
        typer.Argument(
            help="Holdings CSV as issuers publish it (Ticker/Symbol, Name, Weight (%) / % of "
            "Net Assets / Market Value; preamble and footer lines are skipped)."
        ),
    ],
    as_of: AsOfOpt = None,
    data: DataOpt = None,
    weights: Annotated[
        WeightsRead,
        typer.Option(
            "--weights",
            help="How to read the weight column: auto (percent if any % sign or the weights "
            "sum to more than 1.5, else fractions), percent or fraction.",
        ),
    ] = WeightsRead.auto,
    table: Annotated[
        LookTable | None,
        typer.Option(
            "--table",
            help="Show one table only (csv: default summary; table and json: default all).",
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """What a fund holds, seen through the ledger: categories, overlap with the index, money
    cycles, self-funded revenue, stress losses, evidence; and what did not map."""
    from aiinfra.services import lookthrough as svc

    with handle_errors(fmt):
        result = svc.run(
            ctx.obj,
            holdings,
            as_of,
            str(data) if data else None,
            weights=weights.value,
        )
    frames = result.frames()
    held = frames["companies"]
    names = {str(i): str(n) for i, n in zip(held["company_id"], held["name"], strict=True)
             if isinstance(n, str) and n.strip()}  # fmt: skip
    if fmt is Format.json and table is None:
        emit_json(result.to_dict())
        return
    if fmt is not Format.table or table is not None:
        name = (table or LookTable.summary).value
        frame = frames[name]
        emit_frame(
            _shown(name, frame, names) if fmt is Format.table else frame,
            fmt,
            title=TITLES[name].format(fund=result.fund, as_of=result.as_of),
            columns=COMPANY_COLUMNS if name == "companies" and fmt is Format.table else None,
        )
        return
    for name in ("summary", "categories", "companies", "stress", "unmapped"):
        frame = frames[name]
        emit_frame(
            _shown(name, frame, names),
            fmt,
            title=TITLES[name].format(fund=result.fund, as_of=result.as_of),
            columns=COMPANY_COLUMNS if name == "companies" else None,
        )
    typer.echo("index: " + terminal_safe(result.overlap["index_label"]))
    typer.echo("evidence: " + terminal_safe(result.evidence["text"]))
    for n in result.notes:
        sys.stderr.write(f"note: {terminal_safe(n)}\n")
    for s in result.holdings.skipped:
        sys.stderr.write(f"skipped line {s['line']} ({s['why']}): {terminal_safe(s['text'])}\n")
