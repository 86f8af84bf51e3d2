"""``aiinfra ledger``: validate and show the ledger."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Any

import typer

from aiinfra.cli._options import DataOpt, FormatOpt
from aiinfra.cli._output import (
    Format,
    emit_frame,
    emit_json,
    emit_rows,
    handle_errors,
    records,
)

ledger_app = typer.Typer(
    help="Validate and show the ledger (companies, flows, figures, scores).", no_args_is_help=True
)


@ledger_app.command("validate")
def ledger_validate(
    ctx: typer.Context,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Check afresh even when the same files were found valid today by the same code "
            "(a success is kept in AIINFRA_HOME/cache, keyed by the SHA-256 of the files, the "
            "code and the date).",
        ),
    ] = False,
) -> None:
    """Validate the ledger; print row counts per table (exit 2 listing every problem)."""
    from aiinfra.services import ledger_check

    settings = ctx.obj
    data_dir = data or settings.data_dir
    # table and json: a success already found for these very files, code and day is printed
    # without loading pandas (docs/cli.md); csv and --no-cache always check afresh
    quick = fmt is not Format.csv and not no_cache
    k = ledger_check.key(data_dir) if quick else None
    result = ledger_check.cached(settings.home, k)
    if result is None:
        from aiinfra.services import ledger as svc

        with handle_errors(fmt):
            result = svc.validate(settings, str(data) if data else None, cache=quick)
        if k is not None and ledger_check.key(data_dir) == k:  # unchanged while it was read
            ledger_check.store(settings.home, k, result)
    if fmt is Format.json:
        emit_json(result)
        return
    counts, overrides = result["counts"], result["overrides"]
    assert isinstance(counts, dict) and isinstance(overrides, list)
    if fmt is Format.csv:
        import pandas as pd

        frame = pd.DataFrame({"table": list(counts), "rows": list(counts.values())})
        emit_frame(frame, fmt, title="ledger is valid", unit="tables")
        return
    rows = [{"table": t, "rows": n} for t, n in counts.items()]
    emit_rows(["table", "rows"], rows, title="ledger is valid", unit="tables")
    if overrides:
        # every field is text or a whole number (Override.to_dict): printed as they are
        shown = [{**o, "replaced_rows": ", ".join(map(str, o["replaced_rows"]))} for o in overrides]
        title = "overrides: user rows that replace bundled rows"
        emit_rows(list(overrides[0]), shown, title=title, unit="rows")


@ledger_app.command("show")
def ledger_show(
    ctx: typer.Context,
    table: Annotated[
        str,
        typer.Argument(
            help="companies | flows | figures | scores | events | relationships | components | "
            "ai_revenue | financials | balance_sheets"
        ),
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Show the ledger as known on this date (YYYY-MM-DD); default today."
        ),
    ] = None,
    company: Annotated[
        str | None,
        typer.Option(
            "--company",
            help="With `flows`: only the deals where this company id is payer or payee, with "
            "the parties' names and each deal's events.",
        ),
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Show one ledger table as of a date (flows with their status and amounts on that date)."""
    from aiinfra.services import ledger as svc

    if company is not None:
        _show_company_flows(ctx, table, company, as_of, str(data) if data else None, fmt)
        return
    with handle_errors(fmt):
        name, frame = svc.show_table(ctx.obj, table, as_of, str(data) if data else None)
    columns = svc.TABLE_COLUMNS[name]
    if fmt is Format.table:  # companies by name (csv and json: the ledger's ids as stored)
        ledger = svc.load(ctx.obj, str(data) if data else None)
        names = ledger.company_names()
        frame, columns = _in_words(frame, columns, names)
        if "flow_id" in frame.columns:  # an event's deal as "payer → payee"
            frame, columns = _with_deal(frame, columns, ledger, names)
    emit_frame(frame, fmt, title=f"{table} as of {as_of or 'today'}", columns=columns)


#: columns of the shown ledger tables that hold a company id, shown by name in the table
_BY_NAME = ("payer", "payee", "company_a", "company_b", "entity")


def _in_words(frame: Any, columns: list[str], names: dict[str, str]) -> tuple[Any, list[str]]:
    """A ledger table as a reader reads it (docs/cli.md, "Names"): the parties of a flow or a
    relationship and a figure's entity by name (a group such as ``big4`` by its label; the id
    where there is neither), a ``company_id`` with the company's name beside it."""
    from aiinfra.charts import ENTITY_NAMES

    out = frame.copy()
    for c in _BY_NAME:
        if c in out.columns:
            out[c] = [
                v if not isinstance(v, str) else
                names.get(v) or ENTITY_NAMES.get(v, {}).get("en") or v
                for v in out[c]
            ]  # fmt: skip
    if "company_id" in out.columns and "company" not in out.columns:
        out.insert(
            list(out.columns).index("company_id") + 1,
            "company",
            [names.get(str(v), str(v)) for v in out["company_id"]],
        )
        i = columns.index("company_id") + 1 if "company_id" in columns else 0
        columns = [*columns[:i], "company", *columns[i:]]
    return out, columns


def _with_deal(
    frame: Any, columns: list[str], ledger: Any, names: dict[str, str]
) -> tuple[Any, list[str]]:
    """An ``events`` table with each event's deal as "payer → payee" (names) beside its flow id."""
    fl = ledger.flows
    deal = {
        str(i): f"{names.get(str(a), str(a))} → {names.get(str(b), str(b))}"
        for i, a, b in zip(fl["id"], fl["payer"], fl["payee"], strict=True)
    }
    out = frame.copy()
    out.insert(
        list(out.columns).index("flow_id") + 1,
        "deal",
        [deal.get(str(v), "") for v in out["flow_id"]],
    )
    i = columns.index("flow_id") + 1 if "flow_id" in columns else 0
    return out, [*columns[:i], "deal", *columns[i:]]


def _show_company_flows(
    ctx: typer.Context, table: str, company: str, as_of: str | None, data: str | None, fmt: Format
) -> None:
    """``ledger show flows --company ID``: the company's deals and their events.

    table: two tables (deals, then events); csv: one row per event with its deal's columns
    (``event_*``); json: a list of deals, each with a nested ``events`` list.
    """
    from aiinfra.exceptions import InvalidParameterError
    from aiinfra.services import ledger as svc

    with handle_errors(fmt):
        if table != "flows":
            raise InvalidParameterError(
                f"`--company` works with the `flows` table only; got table {table!r}"
            )
        flows, events = svc.company_flows(ctx.obj, company, as_of, data)
    when = as_of or "today"
    if fmt is Format.json:
        by_flow: dict[str, list[dict[str, object]]] = {}
        for ev in records(events):
            by_flow.setdefault(str(ev.pop("flow_id")), []).append(ev)
        emit_json([{**f, "events": by_flow.get(str(f["id"]), [])} for f in records(flows)])
    elif fmt is Format.csv:
        renamed = events.rename(
            columns={c: f"event_{c}" for c in events.columns if c not in ("flow_id", "event")}
        )
        long = flows.merge(renamed, left_on="id", right_on="flow_id", how="left")
        emit_frame(long.drop(columns="flow_id"), fmt)
    else:
        emit_rows(
            svc.COMPANY_FLOW_TABLE_COLUMNS,
            records(flows[svc.COMPANY_FLOW_TABLE_COLUMNS]),
            title=f"flows of {svc.load(ctx.obj, data).company_names().get(company, company)} "
            f"as of {when} (USD bn)",
            unit="flows",
        )
        emit_rows(
            svc.COMPANY_EVENT_COLUMNS,
            records(events),
            title=f"events of these flows known on {when} (USD bn)",
            unit="events",
        )


class Basis(StrEnum):
    committed = "committed"
    funded = "funded"


def _num(x: object, pattern: str) -> str:
    """``x`` formatted by ``pattern``; empty for a missing value."""
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else pattern.format(x)


def _pct(x: object) -> str:
    """A fraction as ``12.3 %``; empty for a missing value."""
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f} %"  # type: ignore[operator]


@ledger_app.command("dependence")
def ledger_dependence(
    ctx: typer.Context,
    payer: Annotated[str, typer.Argument(help="The paying company's id (e.g. openai).")],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="The ledger as known on this date (YYYY-MM-DD); default today."
        ),
    ] = None,
    basis: Annotated[
        Basis,
        typer.Option(
            "--basis", help="committed: what PAYER owes (ceiling where undisclosed); funded: paid."
        ),
    ] = Basis.committed,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Whose revenue depends most on PAYER: each payee's amount from it as a share of its revenue.

    Table: shares in percent; csv/json: shares as fractions (1.0 = 100 %), amounts in USD bn.
    """
    from aiinfra.services import ledger as svc

    with handle_errors(fmt):
        frame, meta = svc.flow_dependence(
            ctx.obj, payer, as_of, basis.value, str(data) if data else None
        )
    if fmt is Format.json:
        emit_json({**meta, "payees": records(frame)})
        return
    if fmt is Format.csv:
        emit_frame(frame, fmt)
        return
    rows = []
    for r in records(frame):
        fy = r["fiscal_year"] or ""
        est = " (estimate)" if r["revenue_estimate"] else ""
        rows.append(
            {
                "payee": r["name"],
                "flows": str(r["flows"]),
                f"{basis.value}, USD bn": _num(r["amount_usd_bn"], "{:,.1f}"),
                "amount from": r["amount_source"],
                "per year, USD bn": _num(r["per_year_usd_bn"], "{:,.1f}")
                + (f" ({r['per_year_flows']} of {r['flows']})" if r["per_year_flows"] else ""),
                "revenue, USD bn": _num(r["revenue_usd_bn"], "{:,.1f}")
                + (f" {fy}{est}" if fy else ""),
                "share of revenue": _pct(r["share_of_revenue"]),
                "per year share": _pct(r["per_year_share_of_revenue"]),
            }
        )
    title = f"whose revenue depends on {meta['payer_name']} ({basis.value}, as of {meta['as_of']})"
    emit_rows(list(rows[0]) if rows else ["payee"], rows, title=title, unit="payees")
    typer.echo(
        "Shares in percent of the payee's revenue in the latest fiscal year published by the "
        "date (annual), while a commitment spans years: 'per year' spreads each deal evenly over "
        "its horizon_years (an estimate; '(k of n)' deals state a horizon). Sorted by share of "
        "revenue; revenue marked (estimate) is not taken from a filing."
    )
