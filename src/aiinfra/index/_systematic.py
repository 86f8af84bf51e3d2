"""Systematic score vintages: the five rubric components computed from inputs known at a review's
cut-off only (``pit_mode: systematic`` and ``vintage_or_systematic``; docs/methodology.md,
"Systematic scores").

Each component maps one measurable input to 1–5 by fixed thresholds; Q = (mean of the known
components − 1) / 4 × 100, as for the house view's rubric (docs/ledger.md), when at least
:data:`MIN_COMPONENTS` of the five are known. The inputs and the date that makes each known:

==================  ===================================================  ==========================
component           input                                                known from
==================  ===================================================  ==========================
market_position     free-float market cap, percentile rank in category   prices ≤ cut-off, shares
                                                                         of the latest filing
bottleneck_power    gross margin of the latest fiscal year               its filing date
ai_leverage         AI-revenue share (else a data-centre segment share)  ``known_from`` / filing
execution           revenue growth of the latest fiscal year (one step   both filings
                    lower with an operating loss)
demand_visibility   max(backlog or RPO, ledger commitments to the        filing; deals announced
                    company in force) ÷ latest revenue                   and in force by then
==================  ===================================================  ==========================

The rubric was designed on 2026-12-04 (issue 14), knowing what mattered in 2019–2026: its choice
of components and thresholds, and the universe (companies in the ledger's seven categories, many
of which became AI names later), are look-ahead that no vintage date removes. The docs say so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from aiinfra.ledger import IN_FORCE, Ledger

__all__ = [
    "COMPONENT_RULES",
    "MIN_COMPONENTS",
    "Q_SCALE",
    "RUBRIC_DESIGNED",
    "SYSTEMATIC_COMPONENTS",
    "apply_systematic",
    "bucket",
    "component_inputs",
    "score_components",
    "systematic_placeholders",
]

#: the date the rubric was written (everything before it is scored with hindsight of its design)
RUBRIC_DESIGNED = "2026-12-04"
SYSTEMATIC_COMPONENTS: tuple[str, ...] = (
    "market_position",
    "bottleneck_power",
    "ai_leverage",
    "execution",
    "demand_visibility",
)
#: fewer known components than this: no systematic score (reason NO_SCORE)
MIN_COMPONENTS = 3
#: the scale of Q: (percentile rank of the rubric mean in the review's universe, Q). Frozen on
#: the design date from the house view (scores.csv, 2026-11-20): its composite S = 0.8·Q + 0.2·R
#: had minimum, quartiles and maximum 20, 49, 62, 71, 96; the points are those divided by 0.8
#: (capped at 100). A systematic vintage knows few AI-revenue shares before 2024 (R = 0 for most
#: companies), so a company at a given rank gets the Q that, with R = 0, gives the house view's
#: composite at that rank: the composite screens (S ≥ 60 new, ≥ 50 existing) then pass about the
#: same share of the universe as they do for the house view. Where a share is known, R adds on
#: top. Constants, so that no later edit of the house view changes an earlier vintage.
Q_SCALE: tuple[tuple[float, float], ...] = (
    (0.0, 25.0),
    (0.25, 61.2),
    (0.5, 77.5),
    (0.75, 88.8),
    (1.0, 100.0),
)
#: lower bounds of the scores 2, 3, 4 and 5 (below the first: 1), per component input
COMPONENT_RULES: dict[str, tuple[float, float, float, float]] = {
    # percentile rank of free-float market cap within the category (0 smallest … 1 largest)
    "market_position": (0.125, 0.375, 0.625, 0.875),
    # gross profit / revenue
    "bottleneck_power": (0.25, 0.40, 0.50, 0.60),
    # AI-revenue share (the index's R buckets)
    "ai_leverage": (0.05, 0.20, 0.50, 0.80),
    # revenue growth of the latest fiscal year over the one before
    "execution": (0.0, 0.10, 0.25, 0.50),
    # years of revenue covered by backlog/RPO or by commitments to the company in force
    "demand_visibility": (0.25, 0.50, 1.0, 2.0),
}
#: flow layers whose deals are demand for the payee (equity and credit are financing, not orders)
_DEMAND_LAYERS = ("cash", "compute")


def bucket(x: float, bounds: Sequence[float]) -> float:
    """1 + the number of ``bounds`` that ``x`` reaches (bounds inclusive); NaN stays NaN.

    >>> [bucket(x, (0.25, 0.40, 0.50, 0.60)) for x in (0.1, 0.25, 0.45, 0.6, 0.9)]
    [1.0, 2.0, 3.0, 5.0, 5.0]
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return math.nan
    return float(1 + sum(x >= b for b in bounds))


def systematic_placeholders(ledger: Ledger, cutoff: pd.Timestamp) -> pd.DataFrame:
    """Score rows for every listed company with a category, Q not yet known (filled by
    :func:`score_components` once the universe has priced the lines): the shape of
    ``ledger.scores`` so that the review's steps read them like a house vintage."""
    c = ledger.companies
    c = c[c["category"].notna() & c["listed"].astype(bool) & c["ticker"].notna()]
    return pd.DataFrame(
        {
            "company_id": c["id"].to_numpy(),
            "as_of": cutoff,
            "category": c["category"].to_numpy(),
            "qualitative": np.nan,
            "ai_revenue_share": np.nan,
            "ai_revenue_source_type": None,
        }
    )


#: The columns of a financial record that :func:`component_inputs` reads.
_FINANCIAL_FIELDS = (
    "company_id",
    "fiscal_year",
    "period_end",
    "revenue_usd_bn",
    "gross_profit_usd_bn",
    "operating_income_usd_bn",
    "dc_revenue_usd_bn",
    "backlog_usd_bn",
)


def _two_latest(fin: pd.DataFrame) -> dict[str, tuple[dict[str, Any], dict[str, Any] | None]]:
    """Per company: the latest known fiscal year's row and the one before (None if absent)."""
    if fin.empty:
        return {}
    last2 = (
        fin.sort_values(["company_id", "period_end"], kind="stable").groupby("company_id").tail(2)
    )
    out: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {}
    cols = [c for c in _FINANCIAL_FIELDS if c in last2.columns]  # what component_inputs reads
    # by company, then period: previous first
    for rec in last2[cols].to_dict(orient="records"):
        r = {str(k): v for k, v in rec.items()}
        cid = str(r["company_id"])
        before = out.get(cid)
        out[cid] = (r, before[0] if before is not None else None)
    return out


class _SortedFinancials:
    """The ledger's financials in the order :func:`_two_latest` reads them (by company, then
    period end, stable), each row once as a record: built once per ledger, so that the two
    latest years of every company at a cut-off are a few array operations (:meth:`two_latest`
    gives what :func:`_two_latest` gives on the rows kept, the same records read-only)."""

    def __init__(self, fin: pd.DataFrame) -> None:
        ordered = fin.sort_values(["company_id", "period_end"], kind="stable")
        cols = [c for c in _FINANCIAL_FIELDS if c in ordered.columns]
        self.records = [
            {str(k): v for k, v in rec.items()} for rec in ordered[cols].to_dict(orient="records")
        ]
        # groupby drops a missing company id: code -1, never kept
        self.company = pd.factorize(ordered["company_id"])[0]
        self.known = ordered["source_date_known"]
        self.present = {c: ordered[c].notna().to_numpy() for c in cols}

    def known_by(self, cutoff: pd.Timestamp) -> np.ndarray:
        """Which rows were known on ``cutoff`` (bool, in this order)."""
        return (self.known <= cutoff).to_numpy() & (self.company >= 0)

    def two_latest(
        self, keep: np.ndarray, cols: Sequence[str]
    ) -> dict[str, tuple[dict[str, Any], dict[str, Any] | None]]:
        """:func:`_two_latest` of the rows ``keep`` that have every column ``cols``."""
        for c in cols:
            keep = keep & self.present[c]
        rows = np.flatnonzero(keep)
        if not len(rows):
            return {}
        company = self.company[rows]
        last = np.append(company[1:] != company[:-1], True)
        out: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {}
        for k in np.flatnonzero(last).tolist():
            r = self.records[rows[k]]
            prev = self.records[rows[k - 1]] if k > 0 and company[k - 1] == company[k] else None
            out[str(r["company_id"])] = (r, prev)
        return out


def _num(rec: dict[str, Any] | None, col: str) -> float:
    if rec is None:
        return math.nan
    v = rec.get(col)
    return math.nan if v is None or pd.isna(v) else float(v)


def _commitments(ledger: Ledger, cutoff: pd.Timestamp) -> pd.Series:
    """Committed (else funded) amounts of the deals in force on ``cutoff`` whose payee is the
    company, on the cash and compute layers, each obligation counted once: USD bn by payee."""
    view = ledger.as_of(cutoff)
    f = view.flows
    keep = f["counted"] & f["status"].isin(IN_FORCE) & f["flow_layer"].isin(_DEMAND_LAYERS)
    f = f[keep]
    amount = f["committed"].where(f["committed"].notna(), f["funded"])
    return amount.fillna(0.0).groupby(f["payee"]).sum()


_Latest = dict[str, tuple[dict[str, Any], dict[str, Any] | None]]


def _ledger_inputs(
    ledger: Ledger, cutoff: pd.Timestamp
) -> tuple[_Latest, _Latest, _Latest, _Latest, _Latest, pd.Series, pd.Series]:
    """What :func:`component_inputs` reads from the ledger alone on ``cutoff`` (kept by the
    ledger per cut-off: read-only): the latest fiscal years known with revenue, with revenue and
    gross profit, with operating income, with revenue and data-centre revenue, with backlog;
    the latest AI-revenue share and the commitments, by company."""
    fin = ledger.memo(
        ("index._systematic.sorted_financials",), lambda: _SortedFinancials(ledger.financials)
    )
    known = fin.known_by(cutoff)

    def latest_with(*cols: str) -> _Latest:
        # the latest fiscal years known with every column given: a filing that left a field
        # empty does not hide the year before that has it
        return fin.two_latest(known, cols)

    with_rev = latest_with("revenue_usd_bn")
    margin = latest_with("revenue_usd_bn", "gross_profit_usd_bn")
    op = latest_with("operating_income_usd_bn")
    dcs = latest_with("revenue_usd_bn", "dc_revenue_usd_bn")
    back = latest_with("backlog_usd_bn")
    ai = ledger.ai_revenue
    ai = ai[ai["known_from"] <= cutoff].sort_values("period_end", kind="stable")
    ai_share = ai.groupby("company_id")["share"].last()
    return with_rev, margin, op, dcs, back, ai_share, _commitments(ledger, cutoff)


def _ffmc_percentiles(
    ids: list[str], ffmc: pd.Series, category: pd.Series
) -> pd.Series | dict[str, float]:
    """The percentile rank of ffmc within each category among the companies with a known ffmc
    (1.0 for the only one; NaN without a category or ffmc): ``(rank - 1) / (n - 1)``, ranks
    averaged over ties. By id: a dict when the ids are unique (ranked with numpy masks), else
    what the pandas groupby this replaces gives (kept for that case as it was)."""
    cap_values = ffmc.reindex(ids).to_numpy(dtype=float)
    cat = category.reindex(ids)
    if len(set(ids)) == len(ids):
        codes = pd.factorize(cat.to_numpy())[0]  # a missing category: -1, in no group
        out = np.full(len(ids), np.nan)
        for c in range(int(codes.max()) + 1 if len(codes) else 0):
            at = np.flatnonzero((codes == c) & ~np.isnan(cap_values))
            if len(at) == 1:
                out[at] = 1.0
            elif len(at) > 1:
                rank = pd.Series(cap_values[at]).rank(method="average").to_numpy()
                out[at] = (rank - 1) / (len(at) - 1)
        return dict(zip(ids, out.tolist(), strict=True))
    cap = pd.Series(cap_values, index=list(ids))
    pct = pd.Series(np.nan, index=list(ids))
    for _, members in cap.groupby(cat.to_numpy()):
        known = members.dropna()
        if len(known) == 1:
            pct[known.index] = 1.0
        elif len(known) > 1:
            pct[known.index] = (known.rank(method="average") - 1) / (len(known) - 1)
    return pct


def component_inputs(
    ledger: Ledger, cutoff: pd.Timestamp, ids: list[str], ffmc: pd.Series, category: pd.Series
) -> pd.DataFrame:
    """The measured input of each component per company (index ``ids``), from what was known on
    ``cutoff``: ``ffmc`` and ``category`` by id come from the review's universe step (prices up to
    the cut-off, shares of the latest filing)."""
    with_rev, margin, op, dcs, back, ai_share, commit = ledger.memo(
        ("index._systematic.ledger_inputs", cutoff), lambda: _ledger_inputs(ledger, cutoff)
    )
    pct = _ffmc_percentiles(ids, ffmc, category)
    share_of: dict[Any, Any] = ai_share.to_dict()
    committed_to: dict[Any, Any] = commit.to_dict()
    rows = []
    for cid in ids:
        last, prev = with_rev.get(cid, (None, None))
        rev = _num(last, "revenue_usd_bn")
        gm = margin.get(cid, (None, None))[0]
        share = float(share_of.get(cid, math.nan))
        share_src = "ai_revenue" if not math.isnan(share) else None
        dc = dcs.get(cid, (None, None))[0]
        if math.isnan(share) and dc is not None and _num(dc, "revenue_usd_bn") > 0:
            share = _num(dc, "dc_revenue_usd_bn") / _num(dc, "revenue_usd_bn")
            share_src = "dc_segment"
        consecutive = (
            last is not None
            and prev is not None
            and int(str(last["fiscal_year"])[2:]) - int(str(prev["fiscal_year"])[2:]) == 1
        )
        prev_rev = _num(prev, "revenue_usd_bn") if consecutive else math.nan
        b = back.get(cid, (None, None))[0]
        # a backlog reported for an earlier year than the revenue does not count
        backlog = (
            _num(b, "backlog_usd_bn")
            if b is not None and last is not None and (b["period_end"] >= last["period_end"])
            else 0.0
        )
        committed = float(committed_to.get(cid, 0.0))
        rows.append(
            {
                "id": cid,
                "fiscal_year": None if last is None else str(last["fiscal_year"]),
                "ffmc_pct": float(pct[cid]) if isinstance(pct, pd.Series) else pct[cid],
                "gross_margin": (
                    _num(gm, "gross_profit_usd_bn") / _num(gm, "revenue_usd_bn")
                    if gm is not None and _num(gm, "revenue_usd_bn") > 0
                    else math.nan
                ),
                "ai_share": share,
                "ai_share_source": share_src,
                "revenue_growth": rev / prev_rev - 1 if prev_rev > 0 else math.nan,
                "operating_loss": _num(op.get(cid, (None, None))[0], "operating_income_usd_bn") < 0,
                "coverage": max(backlog, committed) / rev if rev > 0 else math.nan,
            }
        )
    return pd.DataFrame(rows).set_index("id")


def scale_q(raw: pd.Series) -> pd.Series:
    """Q on the house view's scale: the percentile rank p of each known ``raw`` value among the
    known ones (ties share their average rank; p = (rank − 1)/(n − 1), 0.5 when n = 1), mapped
    piecewise-linearly through :data:`Q_SCALE`, rounded to one decimal; NaN stays NaN.

    >>> scale_q(pd.Series([10.0, 50.0, 50.0, 90.0, None])).tolist()
    [25.0, 77.5, 77.5, 100.0, nan]
    """
    known = raw.dropna()
    out = pd.Series(np.nan, index=raw.index)
    if known.empty:
        return out
    p = (known.rank(method="average") - 1) / (len(known) - 1) if len(known) > 1 else known * 0 + 0.5
    xs, ys = zip(*Q_SCALE, strict=True)
    out[known.index] = np.round(np.interp(p.to_numpy(), xs, ys), 1)
    return out


def score_components(inputs: pd.DataFrame) -> pd.DataFrame:
    """The five components (1–5, NaN when the input is unknown), ``n_components``, the rubric
    mean as ``Q_raw`` and Q per company from :func:`component_inputs`.

    ``Q_raw`` = (mean of the known components − 1) / 4 × 100, rounded to one decimal, where at
    least :data:`MIN_COMPONENTS` are known (NaN otherwise): the same formula as the house view's
    rubric. Q = :func:`scale_q` of it: its rank within the review's universe on the house view's
    scale.

    Examples
    --------
    >>> x = pd.DataFrame({"ffmc_pct": [1.0], "gross_margin": [0.62], "ai_share": [0.9],
    ...                   "revenue_growth": [0.3], "operating_loss": [False],
    ...                   "coverage": [0.1]}, index=["a"])
    >>> score_components(x).loc["a"].tolist()
    [5.0, 5.0, 5.0, 4.0, 1.0, 5.0, 75.0, 77.5]
    """
    r = COMPONENT_RULES
    out = pd.DataFrame(index=inputs.index)
    out["market_position"] = [bucket(x, r["market_position"]) for x in inputs["ffmc_pct"]]
    out["bottleneck_power"] = [bucket(x, r["bottleneck_power"]) for x in inputs["gross_margin"]]
    out["ai_leverage"] = [bucket(x, r["ai_leverage"]) for x in inputs["ai_share"]]
    growth = [bucket(x, r["execution"]) for x in inputs["revenue_growth"]]
    loss = inputs["operating_loss"].fillna(False).astype(bool).to_numpy()
    out["execution"] = np.where(loss, np.maximum(np.asarray(growth) - 1, 1), growth)
    out["demand_visibility"] = [bucket(x, r["demand_visibility"]) for x in inputs["coverage"]]
    comps = out[list(SYSTEMATIC_COMPONENTS)]
    n = comps.notna().sum(axis=1)
    scored = n >= MIN_COMPONENTS
    raw = ((comps.mean(axis=1) - 1) / 4 * 100).where(scored)
    out["n_components"] = n
    out["Q_raw"] = raw.round(1)
    out["Q"] = scale_q(raw)
    return out


def apply_systematic(cand: pd.DataFrame, ledger: Ledger, cutoff: pd.Timestamp) -> None:
    """The review step for a systematic vintage: the components, their inputs and Q of every
    candidate, in place (``Q`` NaN and reason ``NO_SCORE`` where fewer than
    :data:`MIN_COMPONENTS` are known).

    Requires the universe (``ffmc``, ``category``); provides ``Q`` and the columns
    :data:`SYSTEMATIC_COMPONENTS`, ``n_components``, ``gross_margin``, ``revenue_growth``,
    ``coverage``, ``ffmc_pct``, ``ai_share``.
    """
    ids = [str(x) for x in cand["id"]]
    inputs = component_inputs(
        ledger,
        cutoff,
        ids,
        pd.Series(cand["ffmc"].to_numpy(dtype=float), index=ids),
        pd.Series(cand["category"].to_numpy(), index=ids),
    )
    comps = score_components(inputs)
    for col in ("ffmc_pct", "gross_margin", "ai_share", "revenue_growth", "coverage"):
        cand[col] = inputs[col].reindex(ids).to_numpy()
    for col in (*SYSTEMATIC_COMPONENTS, "n_components", "Q_raw"):
        cand[col] = comps[col].reindex(ids).to_numpy()
    q = comps["Q"].reindex(ids).to_numpy(dtype=float)
    cand["Q"] = q
    missing = np.isnan(q) & cand["reason"].isna().to_numpy()
    cand.loc[missing, "reason"] = "NO_SCORE"
    # R: where no AI-revenue share is known, a reported data-centre segment's share (a proxy)
    src = inputs["ai_share_source"].reindex(ids).to_numpy()
    proxy = cand["a"].isna().to_numpy() & (src == "dc_segment")
    share = inputs["ai_share"].reindex(ids).to_numpy(dtype=float)
    fy = inputs["fiscal_year"].reindex(ids).to_numpy()
    cand.loc[proxy, "a"] = share[proxy]
    cand.loc[proxy, "a_source"] = [f"dc segment {y} (proxy)" for y in fy[proxy]]
