"""Ledger use cases: validate, show a table as of a date."""

from __future__ import annotations

import pandas as pd

from aiinfra.config import Settings
from aiinfra.dates import resolve_as_of
from aiinfra.ledger import Ledger, load_ledger

__all__ = ["SHOW_TABLES", "load", "show_table", "validate"]

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
