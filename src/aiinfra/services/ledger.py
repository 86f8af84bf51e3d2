"""Ledger use cases: validate, show a table as of a date, a company's flows, flow dependence."""

from __future__ import annotations

import math

import pandas as pd

from aiinfra.config import Settings
from aiinfra.dates import resolve_as_of
from aiinfra.ledger import Ledger, load_ledger, source_parts, source_text

__all__ = [
    "SHOW_TABLES",
    "company_flows",
    "flow_dependence",
    "load",
    "show_table",
    "source_parts",
    "source_text",
    "validate",
]

SHOW_TABLES: dict[str, str] = {
    "companies": "companies",
    "flows": "flows",
    "figures": "figures",
    "scores": "scores",
    "events": "flow_events",
    "relationships": "relationships",
    "components": "score_components",
    "ai_revenue": "ai_revenue",
    "financials": "financials",
    "balance_sheets": "balance_sheets",
}
#: Columns shown by ``--format table`` (csv/json show every column).
TABLE_COLUMNS: dict[str, list[str]] = {
    "companies": ["id", "name", "ticker", "country", "listed", "layer", "category"],
    "flows": [
        "id",
        "payer",
        "payee",
        "type",
        "flow_layer",
        "ceiling",
        "committed",
        "funded",
        "announced",
        "status",
        "status_date",
        "obligation_role",
    ],
    "flow_events": ["flow_id", "date", "status", "ceiling", "committed", "funded"],
    "relationships": ["id", "company_a", "company_b", "kind", "announced"],
    "figures": ["id", "metric", "entity", "period", "value", "low", "high", "kind", "source_date"],
    "scores": [
        "company_id",
        "as_of",
        "category",
        "qualitative",
        "ai_revenue_share",
        "ai_revenue_source_type",
    ],
    "score_components": ["company_id", "as_of", "component", "value"],
    "ai_revenue": [
        "company_id",
        "fiscal_year",
        "known_from",
        "ai_revenue_usd_bn",
        "total_revenue_usd_bn",
        "share",
        "source_type",
    ],
    "financials": [
        "company_id",
        "fiscal_year",
        "revenue_usd_bn",
        "gross_profit_usd_bn",
        "capex_usd_bn",
        "shares_outstanding_mn",
        "free_float",
        "estimate",
    ],
    "balance_sheets": [
        "company_id",
        "period_end",
        "cash_usd_bn",
        "total_debt_usd_bn",
        "debt_current_usd_bn",
        "interest_expense_usd_bn",
        "estimate",
    ],
}


def load(settings: Settings, data_dir: str | None = None, *, cache: bool = True) -> Ledger:
    """The validated ledger (bundled, overlaid by ``data_dir`` or the settings' data directory).

    With ``cache``, a ledger loaded earlier today from the very same files by the very same code
    is unpickled from ``AIINFRA_HOME/cache`` (:mod:`aiinfra._derived`; the key is
    :func:`aiinfra.services.ledger_check.key`) instead of being read and validated again; only
    a ledger that passed validation is kept.
    """
    from aiinfra._derived import DerivedCache
    from aiinfra.services import ledger_check

    directory = data_dir or settings.data_dir
    k = ledger_check.key(directory) if cache else None
    store = DerivedCache(settings.home / "cache")
    if k is not None:
        hit = store.get("ledger", k)
        if isinstance(hit, Ledger):
            return hit
    ledger = load_ledger(directory)
    if k is not None and ledger_check.key(directory) == k:  # unchanged while it was read
        store.put("ledger", k, ledger)
    return ledger


def validate(
    settings: Settings, data_dir: str | None = None, *, cache: bool = True
) -> dict[str, object]:
    """Load and validate the ledger (raises DataValidationError listing every problem otherwise).

    Returns
    -------
    dict
        ``valid`` (True), ``counts`` (table → rows), ``data_dirs`` (in overlay order) and
        ``overrides``: one record per user row that replaces a bundled row (``table``, ``key``,
        ``file``, ``row``, ``replaced_file``, ``replaced_rows``).
    """
    ledger = load(settings, data_dir, cache=cache)
    return {
        "valid": True,
        "counts": ledger.counts(),
        "data_dirs": list(ledger.data_dirs),
        "overrides": [o.to_dict() for o in ledger.overrides],
    }


def show_table(
    settings: Settings, table: str, as_of: object = None, data_dir: str | None = None
) -> tuple[str, pd.DataFrame]:
    """A table as known on ``as_of`` (default today), without provenance or helper columns."""
    from aiinfra.exceptions import InvalidParameterError

    if table not in SHOW_TABLES:
        raise InvalidParameterError(
            f"`table` must be one of {', '.join(SHOW_TABLES)}; got {table!r}"
        )
    ledger = load(settings, data_dir)
    view = ledger.as_of(resolve_as_of(as_of))
    name = SHOW_TABLES[table]
    frame = view.table(name)
    frame = frame.drop(columns=[c for c in frame.columns if c.endswith("_known")])
    return name, frame.reset_index(drop=True)


# --- one company's flows (``ledger show flows --company ID``) ---------------------------------

#: Columns of :func:`company_flows` (one row per flow); ``--format table`` shows them all.
COMPANY_FLOW_COLUMNS: list[str] = [
    "id",
    "deal",
    "payer",
    "payee",
    "type",
    "flow_layer",
    "ceiling",
    "committed",
    "funded",
    "horizon_years",
    "status",
    "status_date",
    "announced",
]
#: The columns of :data:`COMPANY_FLOW_COLUMNS` that ``--format table`` shows (names, not ids).
COMPANY_FLOW_TABLE_COLUMNS: list[str] = [
    "id",
    "deal",
    "type",
    "ceiling",
    "committed",
    "funded",
    "status",
    "status_date",
]
#: Columns of the events of :func:`company_flows` (one row per event known on the date).
COMPANY_EVENT_COLUMNS: list[str] = ["flow_id", "date", "event", "ceiling", "committed", "funded"]


def _check_company(ledger: Ledger, company: str, option: str) -> None:
    """Raise InvalidParameterError naming ``option`` and close ids when ``company`` is unknown."""
    import difflib

    from aiinfra.exceptions import InvalidParameterError

    ids = [str(c) for c in ledger.companies["id"]]
    if company in ids:
        return
    close = difflib.get_close_matches(company, ids, n=5, cutoff=0.6)
    names = dict(zip(ledger.companies["name"].str.lower(), ids, strict=True))
    close += [names[n] for n in difflib.get_close_matches(company.lower(), list(names), n=3)]
    hint = (
        f"; did you mean {', '.join(dict.fromkeys(close))}?"
        if close
        else "; `aiinfra ledger show companies` lists the ids"
    )
    raise InvalidParameterError(
        f"`{option}` must be a company id of the ledger; got {company!r}{hint}"
    )


def company_flows(
    settings: Settings, company: str, as_of: object = None, data_dir: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The flows where ``company`` is payer or payee, as known on ``as_of`` (default today).

    Returns
    -------
    flows : DataFrame
        One row per deal announced by the date (:data:`COMPANY_FLOW_COLUMNS`): ``deal`` is
        "payer name → payee name", ``payer``/``payee`` the ids, the amounts (USD bn) and
        ``status`` in force on the date; ordered by announcement, then id.
    events : DataFrame
        The events of those deals known on the date (:data:`COMPANY_EVENT_COLUMNS`; ``event`` is
        the status the event set), in flow order, then by date.

    Raises
    ------
    InvalidParameterError
        When ``company`` is not a company id (the message names ``--company`` and close ids).
    """
    ledger = load(settings, data_dir)
    _check_company(ledger, company, "--company")
    view = ledger.as_of(resolve_as_of(as_of))
    names = ledger.company_names()
    f = view.flows
    f = f[(f["payer"] == company) | (f["payee"] == company)]
    f = f.sort_values(["announced_known", "id"], kind="stable")
    deal = (
        f["payer"].map(names).fillna(f["payer"]) + " → " + f["payee"].map(names).fillna(f["payee"])
    )
    flows = f.assign(deal=deal)[COMPANY_FLOW_COLUMNS].reset_index(drop=True)
    ev = view.flow_events
    ev = ev[ev["flow_id"].isin(flows["id"])]
    order = {fid: i for i, fid in enumerate(flows["id"])}
    ev = ev.assign(_o=ev["flow_id"].map(order)).sort_values(["_o", "date_known", "_line"])
    events = ev.rename(columns={"status": "event"})[COMPANY_EVENT_COLUMNS].reset_index(drop=True)
    return flows, events


# --- flow dependence (``ledger dependence PAYER``) --------------------------------------------

#: Columns of :func:`flow_dependence`, in order.
DEPENDENCE_COLUMNS: list[str] = [
    "payee",
    "name",
    "flows",
    "amount_usd_bn",
    "amount_source",
    "per_year_usd_bn",
    "per_year_flows",
    "fiscal_year",
    "revenue_usd_bn",
    "revenue_estimate",
    "share_of_revenue",
    "per_year_share_of_revenue",
]


def flow_dependence(
    settings: Settings,
    payer: str,
    as_of: object = None,
    basis: str = "committed",
    data_dir: str | None = None,
) -> tuple[pd.DataFrame, dict[str, object]]:
    """Whose revenue depends most on ``payer``: each payee's amount from it against its revenue.

    Parameters
    ----------
    payer : str
        A company id of the ledger.
    as_of : date, optional
        The ledger as known on this date (default today): deals announced by then, with the
        amounts and status in force on it; revenue of the latest fiscal year published by then.
    basis : {"committed", "funded"}
        ``committed``: what ``payer`` owes (the committed amount; where it is undisclosed, the
        ceiling, flagged in ``amount_source``). ``funded``: what it has paid (no fallback: a
        deal without a funded amount counts as undisclosed).

    Returns
    -------
    frame : DataFrame
        One row per payee (:data:`DEPENDENCE_COLUMNS`), sorted by ``share_of_revenue``
        (largest first; payees without revenue last, then by amount). ``flows`` counts the
        deals, ``amount_usd_bn`` sums the disclosed amounts (NaN when none is disclosed);
        ``per_year_usd_bn`` spreads each deal evenly over its ``horizon_years`` and sums the
        deals that state one (``per_year_flows`` of ``flows``); ``share_of_revenue`` is
        ``amount_usd_bn / revenue_usd_bn`` and ``per_year_share_of_revenue`` is
        ``per_year_usd_bn / revenue_usd_bn``. ``revenue_estimate`` is True when the financials
        row is marked an estimate.
    meta : dict
        ``payer``, ``payer_name``, ``as_of``, ``basis`` and ``note`` (how to read the shares).

    Notes
    -----
    Only deals in force (not stalled or terminated) count, and each obligation once (the
    ``counted`` rows of :meth:`~aiinfra.ledger.Ledger.as_of`), as in the flow graph. Revenue is
    annual while a commitment spans years: compare ``per_year_share_of_revenue`` (an estimate:
    straight-line over the horizon) with the annual revenue; ``share_of_revenue`` compares the
    whole commitment with one year's revenue.

    Raises
    ------
    InvalidParameterError
        An unknown ``payer`` (naming ``PAYER`` and close ids) or ``basis``.
    """
    import numpy as np

    from aiinfra.exceptions import InvalidParameterError
    from aiinfra.ledger import IN_FORCE

    if basis not in ("committed", "funded"):
        raise InvalidParameterError(f"`--basis` must be one of committed, funded; got {basis!r}")
    ledger = load(settings, data_dir)
    _check_company(ledger, payer, "PAYER")
    view = ledger.as_of(resolve_as_of(as_of))
    names = ledger.company_names()
    f = view.flows
    f = f[(f["payer"] == payer) & f["counted"] & f["status"].isin(IN_FORCE)].copy()
    amount = f[basis]
    source = pd.Series(np.where(amount.notna(), basis, ""), index=f.index, dtype=object)
    if basis == "committed":
        use_ceiling = amount.isna() & f["ceiling"].notna()
        amount = amount.where(~use_ceiling, f["ceiling"])
        source[use_ceiling] = "ceiling"
    f["_amount"], f["_source"] = amount, source
    horizon = f["horizon_years"].where(f["horizon_years"] > 0)
    f["_per_year"] = amount / horizon
    rows = []
    fin = view.latest_financials(view.as_of, "revenue_usd_bn")
    revenues = fin["revenue_usd_bn"].astype("float64")
    for payee, g in f.groupby("payee", sort=True):
        disclosed = g["_amount"].notna()
        yearly = g["_per_year"].notna()
        kinds = sorted({s for s in g["_source"] if s})
        undisclosed = int((~disclosed).sum())
        src = ", ".join(kinds) + (f", {undisclosed} undisclosed" if undisclosed else "")
        has_fin = payee in fin.index
        revenue = float(revenues[payee]) if has_fin else math.nan
        total = float(g["_amount"].sum()) if disclosed.any() else math.nan
        per_year = float(g["_per_year"].sum()) if yearly.any() else math.nan
        rows.append(
            {
                "payee": payee,
                "name": names.get(str(payee), str(payee)),
                "flows": len(g),
                "amount_usd_bn": total,
                "amount_source": src.strip(", "),
                "per_year_usd_bn": per_year,
                "per_year_flows": int(yearly.sum()),
                "fiscal_year": fin.at[payee, "fiscal_year"] if has_fin else None,
                "revenue_usd_bn": revenue,
                "revenue_estimate": bool(fin.at[payee, "estimate"]) if has_fin else None,
                "share_of_revenue": total / revenue if revenue > 0 else math.nan,
                "per_year_share_of_revenue": per_year / revenue if revenue > 0 else math.nan,
            }
        )
    frame = pd.DataFrame(rows, columns=DEPENDENCE_COLUMNS)
    frame = frame.sort_values(
        ["share_of_revenue", "amount_usd_bn", "payee"],
        ascending=[False, False, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)
    meta: dict[str, object] = {
        "payer": payer,
        "payer_name": names.get(payer, payer),
        "as_of": view.as_of.date().isoformat(),
        "basis": basis,
        "note": (
            "revenue is annual (the latest fiscal year published by the date) while a commitment "
            "spans years: per_year spreads each deal evenly over its horizon_years (an "
            "estimate; deals without a horizon are left out of it); share_of_revenue compares "
            "the whole amount with one year's revenue"
        ),
    }
    return frame, meta
