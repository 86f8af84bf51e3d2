"""The ROI gap's yearly inputs from the ledger: capex, NVIDIA's spend and AI revenue.

Inputs come from the ledger's figures known on ``as_of``; each year's value carries its source
and a band that spans every source for that year (where sources disagree, both count).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aiinfra.dates import resolve_as_of
from aiinfra.ledger import Ledger
from aiinfra.roi_gap._model import FIRST_YEAR, LAST_YEAR, GapParams

__all__ = ["REVENUE_DEFINITION", "Inputs", "gap_inputs", "revenue_other", "revenue_reference"]

#: a source more than this many days older than the newest for the same year is stale
STALE_DAYS = 365

#: figure rows used as inputs (metric, entity)
CAPEX_AI = ("ai_infrastructure_capex_usd_bn", "global")
CAPEX_BIG4 = (("capex_usd_bn", "big4"), ("hyperscale_capex_usd_bn", "global"))
CAPEX_CUMULATIVE = ("cumulative_capex_usd_bn", "global")
REVENUE_GLOBAL = ("ai_revenue_usd_bn", "global")
#: what each global AI-revenue metric counts: the gap's AI-revenue series takes its points from
#: ``REVENUE_GLOBAL`` alone (one definition for every year); a figure of another definition is
#: shown beside it (``Inputs.revenue_other``), never spliced into it (issue 18)
REVENUE_DEFINITIONS = {
    "ai_revenue_usd_bn": "generative-AI software and services revenue (seed 004's scope)",
    "ai_services_revenue_usd_bn": "'AI services' revenue (a broader scope)",
}
#: the definition of the gap's AI-revenue series
REVENUE_DEFINITION = REVENUE_DEFINITIONS[REVENUE_GLOBAL[0]]
#: the labs' bottom-up revenue: part of the series' band, not its point
LABS_DEFINITION = "OpenAI + Anthropic revenue (the year's, else the last ARR reported in it)"
#: other global AI-revenue metrics, shown as separate series
REVENUE_OTHER = tuple((m, "global") for m in REVENUE_DEFINITIONS if m != REVENUE_GLOBAL[0])
LABS = ("openai", "anthropic")
#: forecasts of another definition than the series': never the target of its interpolation
#: (issue 18: the labs' ARR is not AI services revenue), shown as a labelled reference series
#: beside it (:func:`revenue_reference`), with the forecasts of the ``REVENUE_OTHER`` metrics
REFERENCE_FORECASTS = {
    ("arr_usd_bn", "openai_anthropic_combined"): (
        "OpenAI + Anthropic combined ARR (the two labs' annualised revenue run-rate)"
    ),
}
REQUIRED_PUBLISHED = ("required_revenue_usd_bn", "global")


@dataclass(frozen=True)
class Inputs:
    """Yearly inputs (index: year) with ``value``, ``low``, ``high``, ``source``, ``kind``."""

    capex: pd.DataFrame
    spend_nvidia: pd.DataFrame
    revenue: pd.DataFrame
    published: pd.DataFrame
    forecast: dict[str, Any]
    as_of: pd.Timestamp
    figures: pd.DataFrame
    #: the ``(ai_share, forecast_uncertainty)`` that ``capex`` and ``revenue`` were built with
    #: from ``figures`` (None: not known, e.g. after :meth:`replace`)
    built_with: tuple[float, float] | None = field(default=None, compare=False, repr=False)
    #: the AI-revenue figures of other definitions than the series' (``REVENUE_OTHER``) and the
    #: labs' bottom-up revenue, one row per figure: ``year``, ``definition``, ``metric``,
    #: ``value``, ``low``, ``high``, ``source`` (shown beside the series, never in it)
    revenue_other: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    #: the forecasts of other definitions (:func:`revenue_reference`): a reference series
    #: beside the AI-revenue series, never joined to it
    revenue_reference: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    def with_params(self, p: GapParams) -> Inputs:
        """The inputs again with ``p``'s ``ai_share`` and ``forecast_uncertainty`` (a table
        built with the same value is reused, not rebuilt)."""
        built = self.built_with
        same_share = built is not None and built[0] == p.ai_share
        same_uncertainty = built is not None and built[1] == p.forecast_uncertainty
        return Inputs(
            self.capex if same_share else _capex(self.figures, p.ai_share),
            self.spend_nvidia,
            self.revenue if same_uncertainty else _revenue(self.figures, p.forecast_uncertainty)[0],
            self.published,
            self.forecast,
            self.as_of,
            self.figures,
            (p.ai_share, p.forecast_uncertainty),
            self.revenue_other,
            self.revenue_reference,
        )

    def replace(self, **kw: Any) -> Inputs:
        from dataclasses import replace

        if {"capex", "revenue", "figures"} & set(kw):
            kw.setdefault("built_with", None)
        return replace(self, **kw)


def _num(frame: pd.DataFrame, row: Any, col: str) -> float:
    """``frame.at[row, col]`` as a float."""
    v: Any = frame.at[row, col]
    return float(v)


def _text(frame: pd.DataFrame, row: Any, col: str) -> str:
    v: Any = frame.at[row, col]
    return str(v)


def _point(rec: Mapping[Any, Any]) -> tuple[float, float, float]:
    """(point, low, high) of a figure row; a one-sided range uses its bound as the point."""
    v, lo, hi = (float(rec[k]) if pd.notna(rec[k]) else math.nan for k in ("value", "low", "high"))
    if math.isnan(v):
        v = (
            (lo + hi) / 2
            if not (math.isnan(lo) or math.isnan(hi))
            else lo
            if not math.isnan(lo)
            else hi
        )
    lo = v if math.isnan(lo) else lo
    hi = v if math.isnan(hi) else hi
    return v, min(lo, v), max(hi, v)


_KIND_RANK = {"actual": 0, "estimate": 1, "guidance": 2, "forecast": 3}


def _best(rows: pd.DataFrame) -> pd.Series:
    """The figure to use: actuals first, then the latest source."""
    rank = rows["kind"].map(_KIND_RANK).fillna(9)
    order = rows.assign(_r=rank).sort_values(
        ["_r", "source_date_known", "id"], ascending=[True, False, True]
    )
    return order.iloc[0]


_Groups = dict[tuple[Any, Any, Any], list[int]]


def _groups(fig: pd.DataFrame) -> _Groups:
    """The positions of the rows of ``fig`` by (metric, entity, period), each in row order."""
    out: _Groups = {}
    cols = (fig["metric"].tolist(), fig["entity"].tolist(), fig["period"].tolist())
    for i, key in enumerate(zip(*cols, strict=True)):
        out.setdefault(key, []).append(i)
    return out


def _year_rows(
    fig: pd.DataFrame, metric: str, entity: str, year: int, groups: _Groups | None = None
) -> pd.DataFrame:
    """The figures of ``metric`` for ``entity`` in ``year`` that state a value, low or high
    (``groups``: :func:`_groups` of ``fig``, to find them without scanning ``fig``)."""
    if groups is None:
        rows = fig[
            (fig["metric"] == metric) & (fig["entity"] == entity) & (fig["period"] == str(year))
        ]
    else:
        mask = np.zeros(len(fig), dtype=bool)
        mask[groups.get((metric, entity, str(year)), [])] = True
        rows = fig[mask]
    keep = rows[["value", "low", "high"]].notna().any(axis=1)
    return rows[keep]


def _fresh(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows no more than ``STALE_DAYS`` older than the newest source among them."""
    if rows.empty:
        return rows
    newest = rows["source_date_known"].max()
    out: pd.DataFrame = rows[(newest - rows["source_date_known"]).dt.days <= STALE_DAYS]
    return out


def _capex(fig: pd.DataFrame, ai_share: float) -> pd.DataFrame:
    recs: dict[int, dict[str, Any]] = {}
    groups = _groups(fig)
    for y in range(FIRST_YEAR, LAST_YEAR + 1):
        ai = _year_rows(fig, *CAPEX_AI, y, groups).assign(_scale=1.0)
        big4 = [_year_rows(fig, m, e, y, groups) for m, e in CAPEX_BIG4]
        pool = _fresh(pd.concat([ai, *(b.assign(_scale=ai_share) for b in big4)]))
        if pool.empty:
            continue
        cands = []
        for rec in pool.to_dict(orient="records"):
            v, lo, hi = (x * rec["_scale"] for x in _point(rec))
            tag = "" if rec["_scale"] == 1.0 and rec["metric"] == CAPEX_AI[0] else " × ai_share"
            cands.append((v, lo, hi, f"{rec['id']} ({rec['kind']}){tag}"))
        ai = pool[pool["metric"] == CAPEX_AI[0]]
        best = _best(ai if len(ai) else pool)
        v = _point(best.to_dict())[0] * float(best["_scale"])
        tag = "" if len(ai) else " × ai_share"
        recs[y] = {
            "value": v,
            "low": min(c[1] for c in cands),
            "high": max(c[2] for c in cands),
            "source": f"{best['id']} ({best['kind']}){tag}",
            "kind": str(best["kind"]),
            "sources": "; ".join(c[3] for c in cands),
        }
    # years after the last one with a figure: a constant-growth path that adds up to the
    # cumulative forecast (McKinsey 2025-2030), low and high paths from its range
    cum = fig[(fig["metric"] == CAPEX_CUMULATIVE[0]) & (fig["entity"] == CAPEX_CUMULATIVE[1])]
    if recs and len(cum):
        row = _best(cum)
        span = str(row["period"]).split("-")
        if len(span) == 2 and all(s.isdigit() for s in span):
            y0, y1 = int(span[0]), int(span[1])
            last = max(recs)
            known = [y for y in range(y0, last + 1)]
            if last < y1 and all(y in recs for y in known):
                total, tlo, thi = _point(row.to_dict())
                base = recs[last]["value"]
                done = sum(recs[y]["value"] for y in known)
                n = y1 - last
                paths = {
                    k: _growth_path(base, t - done, n)
                    for k, t in (("v", total), ("l", tlo), ("h", thi))
                }
                for i in range(n):
                    y = last + 1 + i
                    if y > LAST_YEAR:
                        break
                    vals = sorted(paths[k][i] for k in "vlh")
                    recs[y] = {
                        "value": paths["v"][i],
                        "low": vals[0],
                        "high": vals[2],
                        "source": f"{row['id']} ({row['kind']}): path to its {y0}-{y1} total",
                        "kind": "path",
                        "sources": f"{row['id']}",
                    }
    return _frame(recs)


def _growth_path(base: float, remaining: float, n: int) -> list[float]:
    """``base·(1+g)^k`` for k = 1..n with Σ = ``remaining`` (g solved by bisection)."""
    if remaining <= 0 or base <= 0:
        return [0.0] * n

    def total(g: float) -> float:
        return float(sum(base * (1 + g) ** k for k in range(1, n + 1)))

    lo, hi = -0.99, 10.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if total(mid) < remaining:
            lo = mid
        else:
            hi = mid
    g = (lo + hi) / 2
    return [base * (1 + g) ** k for k in range(1, n + 1)]


def _frame(recs: Mapping[int, Mapping[str, Any]]) -> pd.DataFrame:
    cols = ["value", "low", "high", "source", "kind", "sources"]
    frame = pd.DataFrame.from_dict(dict(recs), orient="index", columns=cols)
    frame.index.name = "year"
    return frame.sort_index()


def _labs_revenue(
    fig: pd.DataFrame, year: int, groups: _Groups | None = None
) -> tuple[float, str] | None:
    """OpenAI + Anthropic: the year's revenue, else the last ARR reported in the year."""
    total, used = 0.0, []
    for lab in LABS:
        annual = _year_rows(fig, "revenue_usd_bn", lab, year, groups)
        if len(annual):
            rec = _best(annual)
            total += _point(rec.to_dict())[0]
            used.append(f"{rec['id']}")
            continue
        arr = fig[
            (fig["metric"] == "arr_usd_bn")
            & (fig["entity"] == lab)
            & fig["period"].astype(str).str.match(rf"^{year}-\d\d$")
            & fig["value"].notna()
        ]
        if not len(arr):
            return None
        rec = arr.sort_values(["period", "source_date_known"]).iloc[-1]
        total += float(rec["value"])
        used.append(f"{rec['id']} (ARR {rec['period']})")
    return total, "labs: " + " + ".join(used)


def revenue_other(fig: pd.DataFrame) -> pd.DataFrame:
    """The AI-revenue figures beside the series: every figure of another definition
    (``REVENUE_OTHER``) and the labs' bottom-up revenue, by year (see :class:`Inputs`)."""
    rows: list[dict[str, Any]] = []
    groups = _groups(fig)
    for y in range(FIRST_YEAR, LAST_YEAR + 1):
        for metric, entity in REVENUE_OTHER:
            for rec in _year_rows(fig, metric, entity, y, groups).to_dict(orient="records"):
                v, lo, hi = _point(rec)
                rows.append(
                    {
                        "year": y,
                        "definition": REVENUE_DEFINITIONS[metric],
                        "metric": metric,
                        "value": v,
                        "low": lo,
                        "high": hi,
                        "source": f"{rec['id']} ({rec['kind']})",
                    }
                )
        labs = _labs_revenue(fig, y, groups)
        if labs is not None:
            rows.append(
                {
                    "year": y,
                    "definition": LABS_DEFINITION,
                    "metric": "revenue_usd_bn | arr_usd_bn",
                    "value": labs[0],
                    "low": labs[0],
                    "high": labs[0],
                    "source": labs[1],
                }
            )
    cols = ["year", "definition", "metric", "value", "low", "high", "source"]
    return pd.DataFrame(rows, columns=cols)


def revenue_reference(fig: pd.DataFrame) -> pd.DataFrame:
    """The forecasts of AI revenue under another definition than the series' — the labs' ARR
    (``REFERENCE_FORECASTS``) and the ``REVENUE_OTHER`` metrics — one row per figure of kind
    ``forecast``: ``year``, ``definition``, ``metric``, ``value``, ``low``, ``high``, ``bound``
    (``"at least"`` for a figure that states only a low end, such as g017's "above $300 bn",
    ``"at most"`` for only a high end, else ``""``), ``id``, ``source``. A reference series
    beside the AI-revenue series: the series is never interpolated to it (issue 18)."""
    defs = {
        **REFERENCE_FORECASTS,
        **{(m, e): REVENUE_DEFINITIONS[m] for m, e in REVENUE_OTHER},
    }
    rows: list[dict[str, Any]] = []
    for (metric, entity), definition in defs.items():
        sel = fig[(fig["metric"] == metric) & (fig["entity"] == entity)]
        sel = sel[(sel["kind"] == "forecast") & sel[["value", "low", "high"]].notna().any(axis=1)]
        for rec in sel.to_dict(orient="records"):
            year = str(rec["period"])[:4]
            if not year.isdigit():
                continue
            v, lo, hi = _point(rec)
            stated = [pd.notna(rec[k]) for k in ("value", "low", "high")]
            bound = (
                ""
                if stated[0] or stated[1] == stated[2]
                else "at least"
                if stated[1]
                else "at most"
            )
            rows.append(
                {
                    "year": int(year),
                    "definition": definition,
                    "metric": f"{metric} of {entity}",
                    "value": v,
                    "low": lo,
                    "high": hi,
                    "bound": bound,
                    "id": str(rec["id"]),
                    "source": f"{rec['id']} ({rec['kind']})",
                }
            )
    cols = ["year", "definition", "metric", "value", "low", "high", "bound", "id", "source"]
    return pd.DataFrame(rows, columns=cols).sort_values(["year", "id"]).reset_index(drop=True)


def _revenue(fig: pd.DataFrame, forecast_uncertainty: float) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The AI-revenue series: its points are figures of one definition (``REVENUE_GLOBAL``) —
    a year without one has no point, whatever other definitions say (issue 18: $100 bn of
    "AI services" in 2025 followed by $50-60 bn of generative-AI software in 2026 was a change
    of definition, not a dip); the labs' bottom-up revenue widens the band of a year with one.
    Years between the last reported one and a forecast of the same metric are interpolated to
    it; a forecast of another definition is never a target (:func:`revenue_reference`)."""
    recs: dict[int, dict[str, Any]] = {}
    chosen: dict[int, pd.Series] = {}
    groups = _groups(fig)
    for y in range(FIRST_YEAR, LAST_YEAR + 1):
        cands: list[tuple[float, float, float, str]] = []
        glob = _fresh(_year_rows(fig, *REVENUE_GLOBAL, y, groups))
        if glob.empty:
            continue
        for rec in glob.to_dict(orient="records"):
            cands.append((*_point(rec), f"{rec['id']} ({rec['kind']})"))
        labs = _labs_revenue(fig, y, groups)
        if labs is not None:
            cands.append((labs[0], labs[0], labs[0], labs[1]))
        best = chosen[y] = _best(glob)
        v = _point(best.to_dict())[0]
        src, kind = f"{best['id']} ({best['kind']})", str(best["kind"])
        recs[y] = {
            "value": v,
            "low": min(c[1] for c in cands),
            "high": max(c[2] for c in cands),
            "source": src,
            "kind": kind,
            "sources": "; ".join(c[3] for c in cands),
        }
    # years after the last reported one: log-linear to the next forecast of the SAME definition
    # (a figure of the series' metric of kind "forecast"), with a band; without one the series
    # stops at its last reported year (a forecast of another definition, such as the labs' ARR
    # g017, is a reference series beside it: :func:`revenue_reference`)
    fc: dict[str, Any] = {}
    reported = [y for y, r in recs.items() if r["kind"] != "forecast"]
    ahead = sorted(y for y in recs if reported and y > max(reported))
    if ahead:
        last, y1 = max(reported), ahead[0]
        v0, v1 = recs[last]["value"], recs[y1]["value"]
        best = chosen[y1]
        fc = {
            "year": y1,
            "value": v1,
            "id": best["id"],
            "note": best["notes"],
            "definition": REVENUE_DEFINITION,
            "metric": f"{REVENUE_GLOBAL[0]} of {REVENUE_GLOBAL[1]}",
        }
        if v0 > 0 and v1 > 0:
            for y in range(last + 1, y1):
                v = v0 * (v1 / v0) ** ((y - last) / (y1 - last))
                recs[y] = {
                    "value": v,
                    "low": v * (1 - forecast_uncertainty),
                    "high": v * (1 + forecast_uncertainty),
                    "source": f"interpolated to {fc['id']} (forecast {y1}, the same definition)",
                    "kind": "interpolated",
                    "sources": f"{fc['id']}",
                }
    return _frame(recs), fc


def _spend_nvidia(fig: pd.DataFrame) -> pd.DataFrame:
    """NVIDIA's accelerator revenue for calendar year Y (its fiscal year Y+1).

    The run-rate of the fiscal year's latest quarter (×4) when a quarter is reported — Cahn's
    input — else the fiscal year's AI revenue, else its total revenue.
    """
    recs: dict[int, dict[str, Any]] = {}
    nv = fig[fig["entity"] == "nvidia"]
    for y in range(FIRST_YEAR, LAST_YEAR + 1):
        fy = f"FY{y + 1}"
        found = None
        for metric in ("ai_revenue_usd_bn", "revenue_usd_bn"):
            q = nv[(nv["metric"] == metric) & nv["period"].astype(str).str.match(rf"^{fy}-Q\d$")]
            q = q[q["value"].notna()]
            if len(q):
                rec = q.sort_values(["period", "source_date_known"]).iloc[-1]
                found = (
                    4 * float(rec["value"]),
                    f"{rec['id']} ({rec['kind']}) × 4, {rec['period']}",
                    str(rec["kind"]),
                )
                break
        if found is None:
            for metric in ("ai_revenue_usd_bn", "revenue_usd_bn"):
                a = nv[(nv["metric"] == metric) & (nv["period"] == fy) & nv["value"].notna()]
                if len(a):
                    rec = _best(a)
                    found = (
                        float(rec["value"]),
                        f"{rec['id']} ({rec['kind']}), {fy}",
                        str(rec["kind"]),
                    )
                    break
        if found is not None:
            recs[y] = {
                "value": found[0],
                "low": found[0],
                "high": found[0],
                "source": found[1],
                "kind": found[2],
                "sources": found[1],
            }
    return _frame(recs)


def gap_inputs(ledger: Ledger, as_of: object = None, params: GapParams | None = None) -> Inputs:
    """The yearly inputs known on ``as_of`` (default today)."""

    p = params or GapParams()
    day = resolve_as_of(as_of)
    fig = ledger.figures
    fig = fig[fig["source_date_known"] <= day]
    capex = _capex(fig, p.ai_share)
    revenue, fc = _revenue(fig, p.forecast_uncertainty)
    pub = fig[(fig["metric"] == REQUIRED_PUBLISHED[0]) & (fig["entity"] == REQUIRED_PUBLISHED[1])]
    published = pd.DataFrame(
        [
            {
                "year": int(str(r["period"])[:4]),
                "value": _point(r)[0],
                "id": r["id"],
                "kind": r["kind"],
                "note": r["notes"],
            }
            for r in pub.to_dict(orient="records")
            if str(r["period"])[:4].isdigit()
        ],
        columns=["year", "value", "id", "kind", "note"],
    )
    built = (p.ai_share, p.forecast_uncertainty)
    return Inputs(
        capex,
        _spend_nvidia(fig),
        revenue,
        published,
        fc,
        day,
        fig,
        built,
        revenue_other(fig),
        revenue_reference(fig),
    )
