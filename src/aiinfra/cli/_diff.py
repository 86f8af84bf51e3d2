"""``aiinfra diff DATE1 [DATE2]``: what changed between two dates, one table per part."""

from __future__ import annotations

import math
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from aiinfra.cli._options import DataOpt, FormatOpt, MethodologyOpt
from aiinfra.cli._output import (
    Format,
    as_percent,
    emit_frame,
    emit_json,
    handle_errors,
    terminal_safe,
)


class DiffPart(StrEnum):
    deals = "deals"
    cycles = "cycles"
    index_ = "index"  # (`index` is a method of str)
    gap_stress = "gap_stress"


_TITLES = {
    "deals": "deals",
    "cycles": "money cycles",
    "index": "index constituents",
    "gap_stress": "ROI gap and stress, then and now",
}


def _amount(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:g}" if isinstance(v, float | int) else str(v)


def _then_now(a: Any, b: Any, known: bool) -> str:
    """``a → b`` when the value changed, else the value (a deal added: its value on D2)."""
    x, y = _amount(a), _amount(b)
    return y if not known or x == y else f"{x} → {y}"


def _deals_table(frame: Any) -> Any:
    """One row per deal and change: the parties by name (``payer → payee``), the deal's flow id
    last (csv and json: ``payer``/``payee`` ids and ``*_name``)."""
    import pandas as pd

    known = frame["status_d1"].notna()
    out = pd.DataFrame(
        {
            "change": frame["change"],
            "payer → payee": frame["payer_name"] + " → " + frame["payee_name"],
            "type": frame["type"],
            "status": [
                _then_now(a, b, k)
                for a, b, k in zip(frame["status_d1"], frame["status_d2"], known, strict=True)
            ],
        }
    )
    for c in ("ceiling", "committed", "funded"):
        out[c] = [
            _then_now(a, b, k)
            for a, b, k in zip(frame[f"{c}_d1"], frame[f"{c}_d2"], known, strict=True)
        ]
    out["flow"] = frame["flow_id"]
    return out


def _title(part: str, result: Any) -> str:
    counts = result.counts()
    span = f"{result.date1.date()} → {result.date2.date()}"
    if part == "gap_stress":
        return f"{_TITLES[part]}: {span} (gap of {result.year})"
    missing = [str(d.date()) for d, s in zip((result.date1, result.date2), result.index_sides,
               strict=True) if not s.available]  # fmt: skip
    if part == "index" and missing:
        return f"{_TITLES[part]}, {span}: not compared (no index on {' and '.join(missing)})"
    shown = {k: v for k, v in counts[part].items() if k not in ("d1", "d2")}
    text = ", ".join(f"{v} {k}" for k, v in shown.items())
    if part == "cycles":
        c = counts["cycles"]
        text += f" (of at most {result.max_length} companies: {c['d1']} then, {c['d2']} now)"
    return f"{_TITLES[part]}, {span}: {text}"


def _table(part: str, result: Any) -> Any:
    """The part's frame for the terminal: amounts as ``then → now``, the dates as headers, the
    companies by name (the ids last, or in csv and json: docs/cli.md, "Names")."""
    frame = result.part(part)
    d1, d2 = str(result.date1.date()), str(result.date2.date())
    if part == "deals":
        return _deals_table(frame)
    if part == "cycles":
        out = frame[["change", "cycle_names", "length"]].rename(columns={"cycle_names": "cycle"})
        out["bottleneck"] = frame["bottleneck_d2"].fillna(frame["bottleneck_d1"]).round(3)
        out["changed edges"] = frame["changed_edges_names"]
        out["their deals"] = frame["changed_flows"]
        return out
    if part == "index":  # weights as percent, their difference in percentage points
        weights = {"weight_d1": f"weight {d1}", "weight_d2": f"weight {d2}"}
        shown = as_percent(frame, {"weight_d1": 2, "weight_d2": 2})
        shown = as_percent(shown, {"difference": 2}, sign="pp").rename(columns=weights)
        # by name (the id where the ledger has none), the id last
        shown["name"] = [n if isinstance(n, str) and n.strip() else i
                         for n, i in zip(shown["name"], shown["id"], strict=True)]  # fmt: skip
        shown = shown[[c for c in shown.columns if c != "id"] + ["id"]]
        return shown.rename(columns={"name": "company"})
    return _gap_stress_table(frame).rename(columns={"value_d1": d1, "value_d2": d2})


def _gap_stress_table(frame: Any) -> Any:
    """Amounts rounded; a fraction (coverage, index impact) as percent, its change in
    percentage points, and the unit column saying so (docs/cli.md, "Numbers")."""
    out = frame.round(3).astype({c: object for c in ("value_d1", "value_d2", "difference")})
    share = frame["unit"].isin(["fraction", "ratio"])
    if share.any():
        part = as_percent(frame.loc[share], {"value_d1": 1, "value_d2": 1})
        part = as_percent(part, {"difference": 1}, sign="pp")
        for c in ("value_d1", "value_d2", "difference"):
            out.loc[share, c] = part[c]
        out.loc[share, "unit"] = "%"
    return out


def diff(
    ctx: typer.Context,
    date1: Annotated[str, typer.Argument(help="The earlier date (YYYY-MM-DD).")],
    date2: Annotated[
        str | None,
        typer.Argument(help="The later date (YYYY-MM-DD; default --as-of, else today)."),
    ] = None,
    part: Annotated[
        DiffPart | None,
        typer.Option(
            "--part",
            help="One part only: deals, cycles, index or gap_stress (needed with --format csv).",
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Year of the ROI gap on both dates (default: DATE2's year)."),
    ] = None,
    max_length: Annotated[
        int, typer.Option("--max-length", min=3, help="Most companies on a money cycle.")
    ] = 5,
    methodology: MethodologyOpt = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="DATE2 when it is left out (default today).")
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """What changed between DATE1 and DATE2: deals, money cycles, the index, gap and stress."""
    from aiinfra.services import diff as svc

    with handle_errors(fmt):
        if fmt is Format.csv and part is None:
            from aiinfra.exceptions import InvalidParameterError

            raise InvalidParameterError(
                "`--part` is needed with `--format csv` (one table per CSV): one of "
                + ", ".join(p.value for p in DiffPart)
            )
        result = svc.run(
            ctx.obj,
            date1,
            date2,
            as_of=as_of,
            year=year,
            max_length=max_length,
            methodology=methodology,
            data_dir=str(data) if data else None,
        )
    if fmt is Format.json:
        if part is None:
            emit_json(result.to_dict())
        else:
            emit_frame(result.part(part.value), fmt)
        return
    if fmt is Format.csv:
        emit_frame(result.part(str(part)), fmt)
        return
    for p in [part.value] if part is not None else list(svc.PARTS):
        emit_frame(_table(p, result), fmt, title=_title(p, result))
    for day, side in zip((result.date1, result.date2), result.index_sides, strict=True):
        if side.available:
            sys.stderr.write(f"index on {day.date()}: {terminal_safe(side.label)}\n")
    for n in result.notes:
        sys.stderr.write(f"note: {terminal_safe(n)}\n")
