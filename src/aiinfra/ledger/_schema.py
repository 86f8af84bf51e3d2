"""Row schemas of the ledger tables (pydantic v2) and the closed vocabularies they use.

Each CSV row is validated by one model; field names are the CSV column names, so a validation
error maps straight to (file, row, column, rule). Cross-row rules live in ``_validate.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from aiinfra.dates import (
    LEDGER_DATE_MAX,
    LEDGER_DATE_MIN,
    PartialDate,
    check_ledger_range,
    parse_partial_date,
)

# --- closed vocabularies

Layer = Literal[
    "capital_provider",
    "model_lab",
    "hyperscaler",
    "neocloud",
    "chip_designer",
    "eda_ip",
    "foundry",
    "memory",
    "semiconductor_equipment",
    "materials",
    "packaging",
    "networking",
    "optical",
    "server_oem",
    "data_center_reit_operator",
    "power_and_electrical",
    "cooling",
    "energy_utility",
    "application",
    "joint_venture",
    "government",
]
Category = Literal["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
FlowType = Literal[
    "equity_investment",
    "cloud_compute_commitment",
    "chip_purchase",
    "chip_supply_agreement",
    "compute_capacity_lease",
    "loan_or_credit",
    "vendor_financing",
    "revenue_share",
    "acquisition",
    "joint_venture_contribution",
    "distribution",
    "guarantee",
    "grant_conversion",
    "power_purchase_agreement",
    "bond_or_notes",
    "government_grant",
    "other",
]
FlowLayer = Literal["cash", "compute", "equity", "credit", "power"]
FlowStatus = Literal[
    "announced", "loi", "signed", "funded", "in_progress", "completed", "stalled", "terminated"
]
ObligationRole = Literal["primary", "tranche", "duplicate"]
SourceTier = Literal["filing", "company", "press", "secondary", "seed"]
RelationshipKind = Literal["partnership", "supply_relationship", "non_monetary", "seed_claim"]
FigureKind = Literal["actual", "guidance", "estimate", "forecast"]
RevenueSourceType = Literal["reported", "guided", "estimate"]
Component = Literal[
    "market_position", "bottleneck_power", "ai_leverage", "execution", "demand_visibility"
]
#: Entities of figures.csv that are groups or regions rather than companies.
GROUP_ENTITIES: tuple[str, ...] = (
    "global",
    "global_ex_china",
    "china",
    "us",
    "europe",
    "big4",
    "big4_plus_oracle",
    "top8_csp",
    "hyperscalers_and_neoclouds",
    "openai_anthropic_combined",
)

#: Order of statuses within one day (a deal signed and funded on the same day ends funded).
STATUS_ORDER: dict[str, int] = {s: i for i, s in enumerate(get_args(FlowStatus))}
COMPONENTS: tuple[str, ...] = get_args(Component)

# --- field types


def _strip(v: Any) -> Any:
    return v.strip() if isinstance(v, str) else v


def _empty_to_none(v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
        return None if v == "" else v
    return v


def _partial(v: Any) -> Any:
    if isinstance(v, str):
        d = parse_partial_date(v)
        check_ledger_range(d.start, d.end)
        return d
    return v


def _full(v: Any) -> Any:
    if isinstance(v, str):
        d = parse_partial_date(v, allow_partial=False).start
        check_ledger_range(d)
        return d
    return v


def _years_in_range(v: Any) -> Any:
    """Periods and fiscal years name years in the ledger's date range (``FY1500`` is refused)."""
    if isinstance(v, str):
        for year in re.findall(r"\d{4}", v):
            if not LEDGER_DATE_MIN.year <= int(year) <= LEDGER_DATE_MAX.year:
                raise ValueError(
                    f"must name years from {LEDGER_DATE_MIN.year} to {LEDGER_DATE_MAX.year} "
                    f"(the ledger's date range); got {year}"
                )
    return v


def _bool(v: Any) -> Any:
    if isinstance(v, str):
        s = v.strip().lower()
        if s in ("true", "false"):
            return s == "true"
        raise ValueError("must be true or false")
    return v


Text = Annotated[str, BeforeValidator(_strip), StringConstraints(min_length=1)]
OptText = Annotated[str | None, BeforeValidator(_empty_to_none)]
Slug = Annotated[str, BeforeValidator(_strip), StringConstraints(pattern=r"^[a-z0-9_]+$")]
OptSlug = Annotated[
    Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")] | None,
    BeforeValidator(_empty_to_none),
]
Amount = Annotated[
    Annotated[float, Field(ge=0, allow_inf_nan=False)] | None, BeforeValidator(_empty_to_none)
]
Number = Annotated[
    Annotated[float, Field(allow_inf_nan=False)] | None, BeforeValidator(_empty_to_none)
]
Share = Annotated[Annotated[float, Field(ge=0, le=1)] | None, BeforeValidator(_empty_to_none)]
PDate = Annotated[PartialDate, BeforeValidator(_partial)]
OptPDate = Annotated[PDate | None, BeforeValidator(_empty_to_none)]
FullDate = Annotated[dt.date, BeforeValidator(_full)]
Bool = Annotated[bool, BeforeValidator(_bool)]
#: a verbatim quote of a source: at most 300 characters
Quote = Annotated[
    Annotated[str, StringConstraints(max_length=300)] | None, BeforeValidator(_empty_to_none)
]
#: true/false, empty = false
OptBool = Annotated[
    bool, BeforeValidator(lambda v: False if _empty_to_none(v) is None else _bool(v))
]
FiscalYear = Annotated[
    str,
    BeforeValidator(_strip),
    StringConstraints(pattern=r"^FY\d{4}$"),
    AfterValidator(_years_in_range),
]
Period = Annotated[
    str,
    BeforeValidator(_strip),
    StringConstraints(
        pattern=r"^(\d{4}|FY\d{4}|\d{4}-Q[1-4]|FY\d{4}-Q[1-4]|\d{4}-H[12]|FY\d{4}-H[12]|"
        r"\d{4}-\d{2}|\d{4}-\d{2}-\d{2}|\d{4}-\d{4}|FY\d{4}-FY\d{4}|planned)$"
    ),
    AfterValidator(_years_in_range),
]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class CompanyRow(_Row):
    id: Slug
    name: Text
    ticker: OptText = None
    alt_tickers: OptText = None
    adr_ratios: OptText = None
    country: Annotated[str, BeforeValidator(_strip), StringConstraints(pattern=r"^[A-Z]{2}$")]
    listed: Bool
    layer: Layer
    category: Annotated[Category | None, BeforeValidator(_empty_to_none)] = None
    notes: OptText = None
    source: Text


class FlowRow(_Row):
    id: Slug
    payer: Slug
    payee: Slug
    type: FlowType
    flow_layer: FlowLayer
    ceiling: Amount = None
    committed: Amount = None
    funded: Amount = None
    horizon_years: Amount = None
    announced: PDate
    supersedes: OptSlug = None
    obligation: OptSlug = None
    obligation_role: Annotated[ObligationRole | None, BeforeValidator(_empty_to_none)] = None
    source_tier: SourceTier
    source: Text
    source_date: OptPDate = None
    #: a verbatim quote (≤ 300 characters) of the source that states the amounts and terms
    quote: Quote = None
    #: the date the source was read for the quote
    read_on: OptPDate = None
    notes: OptText = None


class FlowEventRow(_Row):
    flow_id: Slug
    date: PDate
    status: FlowStatus
    ceiling: Amount = None
    committed: Amount = None
    funded: Amount = None
    reported: OptPDate = None
    source: Text
    quote: Quote = None
    read_on: OptPDate = None
    notes: OptText = None


class RelationshipRow(_Row):
    id: Slug
    company_a: Slug
    company_b: Slug
    kind: RelationshipKind
    announced: PDate
    source: Text
    source_date: OptPDate = None
    notes: OptText = None


class FigureRow(_Row):
    id: Slug
    metric: Slug
    entity: Slug
    period: Period
    value: Number = None
    low: Number = None
    high: Number = None
    kind: FigureKind
    #: the kind of source the value rests on (as for flows); optional in overlays
    source_tier: Annotated[SourceTier | None, BeforeValidator(_empty_to_none)] = None
    source: Text
    source_date: PDate
    quote: Quote = None
    read_on: OptPDate = None
    notes: OptText = None


class ScoreRow(_Row):
    company_id: Slug
    as_of: FullDate
    category: Category
    qualitative: Annotated[float, Field(ge=0, le=100)]
    ai_revenue_share: Share = None
    ai_revenue_source_type: Annotated[RevenueSourceType | None, BeforeValidator(_empty_to_none)] = (
        None
    )
    rationale: Text
    source: Text


class ScoreComponentRow(_Row):
    company_id: Slug
    as_of: FullDate
    component: Component
    value: Annotated[int, Field(ge=1, le=5, strict=False)]
    rationale: Text


class AiRevenueRow(_Row):
    company_id: Slug
    fiscal_year: FiscalYear
    period_end: FullDate
    known_from: FullDate
    ai_revenue_usd_bn: Amount = None
    total_revenue_usd_bn: Amount = None
    share: Annotated[float, Field(ge=0, le=1)]
    source_type: RevenueSourceType
    source: Text
    notes: OptText = None


class BalanceSheetRow(_Row):
    company_id: Slug
    period_end: FullDate
    #: publication of the filing or release (after period_end): the row counts from then
    source_date: PDate
    cash_usd_bn: Amount = None
    total_debt_usd_bn: Amount = None
    debt_current_usd_bn: Amount = None
    interest_expense_usd_bn: Amount = None
    lease_obligations_usd_bn: Amount = None
    estimate: OptBool = False
    source: Text
    quote: Quote = None
    read_on: OptPDate = None
    notes: OptText = None


class FinancialRow(_Row):
    company_id: Slug
    fiscal_year: FiscalYear
    period_end: FullDate
    revenue_usd_bn: Amount = None
    #: revenue minus cost of revenue, as reported (may be negative)
    gross_profit_usd_bn: Number = None
    #: may be negative
    operating_income_usd_bn: Number = None
    #: a reported data-centre segment's revenue (the segment is named in notes)
    dc_revenue_usd_bn: Amount = None
    #: reported remaining performance obligations or order backlog at period end (notes say which)
    backlog_usd_bn: Amount = None
    capex_usd_bn: Amount = None
    shares_outstanding_mn: Amount = None
    free_float: Share = None
    #: true when a number of the row is not taken from the report (notes say which)
    estimate: OptBool = False
    source: Text
    source_date: PDate
    notes: OptText = None


def _base_types(annotation: Any) -> set[Any]:
    """The concrete types behind an annotation (unwrapping Annotated, Optional and unions)."""
    if get_origin(annotation) is Annotated:
        return _base_types(get_args(annotation)[0])
    args = get_args(annotation)
    if args and get_origin(annotation) in (Union, UnionType):
        out: set[Any] = set()
        for a in args:
            if a is not type(None):
                out |= _base_types(a)
        return out
    return {annotation}


@dataclass(frozen=True)
class TableSpec:
    """How one ledger table is stored, keyed and checked."""

    name: str
    filename: str
    model: type[_Row]
    key: tuple[str, ...]
    #: columns that may be absent from a file's header although their field has no default
    #: (then empty); a column whose field has a default may always be absent (issue 18)
    optional_columns: frozenset[str] = frozenset()
    #: date columns that must not lie after the validation date
    not_future: tuple[str, ...] = ()
    #: a table added after the first release: a base directory without its file has it empty
    optional_file: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.model.model_fields)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns every file's header must have: the key and the fields without a default
        (a header may leave out any other column; its cells are then empty)."""
        fields = self.model.model_fields
        return tuple(
            c
            for c in self.columns
            if c in self.key or (fields[c].is_required() and c not in self.optional_columns)
        )

    def kind(self, column: str) -> Literal["partial_date", "date", "number", "bool", "text"]:
        """The storage kind of a column, read from the row model's annotation."""
        base = _base_types(self.model.model_fields[column].annotation)
        if PartialDate in base:
            return "partial_date"
        if dt.date in base:
            return "date"
        if bool in base:
            return "bool"
        if base & {float, int}:
            return "number"
        return "text"


TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec(
            "companies",
            "companies.csv",
            CompanyRow,
            ("id",),
            frozenset({"alt_tickers", "adr_ratios"}),
        ),
        TableSpec(
            "flows",
            "flows.csv",
            FlowRow,
            ("id",),
            # evidence columns, added in 2026-12 (issue 15): overlays may leave them out
            frozenset({"quote", "read_on"}),
            not_future=("announced", "read_on"),
        ),
        TableSpec(
            "flow_events",
            "flow_events.csv",
            FlowEventRow,
            ("flow_id", "date", "status"),
            frozenset({"reported", "quote", "read_on"}),
            not_future=("date", "reported", "read_on"),
        ),
        TableSpec(
            "relationships",
            "relationships.csv",
            RelationshipRow,
            ("id",),
            not_future=("announced",),
        ),
        TableSpec(
            "figures",
            "figures.csv",
            FigureRow,
            ("id",),
            frozenset({"quote", "read_on", "source_tier"}),
            not_future=("source_date", "read_on"),
        ),
        TableSpec("scores", "scores.csv", ScoreRow, ("company_id", "as_of"), not_future=("as_of",)),
        TableSpec(
            "score_components",
            "score_components.csv",
            ScoreComponentRow,
            ("company_id", "as_of", "component"),
            not_future=("as_of",),
        ),
        TableSpec(
            "ai_revenue",
            "ai_revenue.csv",
            AiRevenueRow,
            ("company_id", "fiscal_year"),
            not_future=("known_from",),
        ),
        TableSpec(
            "financials",
            "financials.csv",
            FinancialRow,
            ("company_id", "fiscal_year"),
            # added in 2026-12 (issue 14): overlays written before may leave them out
            optional_columns=frozenset(
                {
                    "gross_profit_usd_bn",
                    "operating_income_usd_bn",
                    "dc_revenue_usd_bn",
                    "backlog_usd_bn",
                    "estimate",
                }
            ),
            not_future=("source_date",),
        ),
        TableSpec(
            "balance_sheets",
            "balance_sheets.csv",
            BalanceSheetRow,
            ("company_id", "period_end"),
            frozenset({"quote", "read_on", "estimate"}),
            not_future=("source_date", "read_on"),
            optional_file=True,
        ),
    )
}
