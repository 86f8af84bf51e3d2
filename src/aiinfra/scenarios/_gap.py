"""The ROI gap: revenue needed to justify the AI capex versus AI revenue earned (seed 004).

Two documented methods turn the year's spending into the revenue it needs:

* **Sequoia** (D. Cahn, "AI's $200B Question", 2023, and "AI's $600B Question", 2024): the
  accelerator spend is about half of a data centre's cost (``gpu_share``), and the end users,
  whose cost that data centre is, need a gross margin (``gross_margin``) on what they sell, so
  their revenue is cost / (1 − margin):
  ``required = spend / gpu_share / (1 − gross_margin)``. Cahn's input was NVIDIA's data-centre
  run-rate revenue (``spend="nvidia"``); seed 004's table applies the same factors to the
  year's AI-infrastructure capex (``spend="capex"``, the default, which reproduces its ~$2 tn).
* **Capex** (an annuity view): the year's capital charge — depreciation plus a required return
  on the capex — is the end users' cost of the compute they sell, and they need the same gross
  margin on top: ``required = capex × (1 / useful_life + required_return) / (1 −
  gross_margin)``.

In both a higher margin needs more revenue; the two readings of the margin (÷ m and ÷ (1 − m))
agree only at m = 0.5, the default.

Inputs come from the ledger's figures known on ``as_of``; each year's value carries its source
and a band that spans every source for that year (where sources disagree, both count).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aiinfra.exceptions import InvalidParameterError
from aiinfra.ledger import Ledger

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "PARAMETERS",
    "GapParams",
    "GapResult",
    "Inputs",
    "gap",
    "gap_inputs",
    "required_revenue",
]

FIRST_YEAR, LAST_YEAR = 2023, 2030
Method = Literal["sequoia", "capex"]
#: a source more than this many days older than the newest for the same year is stale
STALE_DAYS = 365


@dataclass(frozen=True)
class Parameter:
    """A model parameter: default, the range the sensitivity and Monte Carlo use, its source."""

    name: str
    default: float
    low: float
    high: float
    unit: str
    source: str


#: every numeric parameter, with default, range and source (docs/gap.md explains each)
PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter(
            "gpu_share",
            0.5,
            0.4,
            0.6,
            "share",
            "Cahn 2023/2024: GPUs are about half of a data centre's total cost of ownership",
        ),
        Parameter(
            "gross_margin",
            0.5,
            0.4,
            0.7,
            "share",
            "Cahn 2023/2024: 50 % gross margin for the end user; software margins reach 70 %",
        ),
        Parameter(
            "useful_life",
            5.0,
            3.0,
            6.0,
            "years",
            "Hyperscalers depreciate servers over 5-6 years; critics argue 3 for accelerators",
        ),
        Parameter(
            "required_return",
            0.10,
            0.06,
            0.15,
            "per year",
            "a cost of capital for large tech (WACC about 8-10 %) up to venture-like hurdles",
        ),
        Parameter(
            "ai_share",
            0.75,
            0.6,
            0.9,
            "share",
            "AI share of the big four's total capex where no AI-only figure exists; seed 004's "
            "~$500 bn AI capex against the big four's 2026 guidance of $630-700 bn",
        ),
        Parameter(
            "nvidia_share",
            1.0,
            0.75,
            1.0,
            "share",
            "NVIDIA's share of accelerator spend (spend='nvidia'); 1 is Cahn's choice",
        ),
        Parameter(
            "forecast_uncertainty",
            0.5,
            0.25,
            0.75,
            "± share",
            "band around interpolated revenue for years after the last reported figure",
        ),
    )
}

#: figure rows used as inputs (metric, entity)
CAPEX_AI = ("ai_infrastructure_capex_usd_bn", "global")
CAPEX_BIG4 = (("capex_usd_bn", "big4"), ("hyperscale_capex_usd_bn", "global"))
CAPEX_CUMULATIVE = ("cumulative_capex_usd_bn", "global")
REVENUE_GLOBAL = ("ai_revenue_usd_bn", "global")
LABS = ("openai", "anthropic")
REVENUE_FORECAST = ("arr_usd_bn", "openai_anthropic_combined")
REQUIRED_PUBLISHED = ("required_revenue_usd_bn", "global")


class GapParams(BaseModel):
    """The model's parameters; every value is checked against its documented range's sense."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Method = "sequoia"
    spend: Literal["capex", "nvidia"] = "capex"
    target_year: int = Field(2030, ge=FIRST_YEAR, le=LAST_YEAR)
    gpu_share: float = Field(PARAMETERS["gpu_share"].default, gt=0, le=1)
    #: revenue = cost / (1 − gross_margin): a margin of 1 would need infinite revenue
    gross_margin: float = Field(PARAMETERS["gross_margin"].default, ge=0, lt=1)
    useful_life: float = Field(PARAMETERS["useful_life"].default, gt=0)
    required_return: float = Field(PARAMETERS["required_return"].default, ge=0, le=1)
    ai_share: float = Field(PARAMETERS["ai_share"].default, gt=0, le=1)
    nvidia_share: float = Field(PARAMETERS["nvidia_share"].default, gt=0, le=1)
    forecast_uncertainty: float = Field(PARAMETERS["forecast_uncertainty"].default, ge=0, lt=1)

    @model_validator(mode="after")
    def _finite(self) -> GapParams:
        for name in PARAMETERS:
            if not math.isfinite(getattr(self, name)):
                raise ValueError(f"{name} must be finite")
        return self


def make_params(overrides: Mapping[str, Any] | None = None, **kw: Any) -> GapParams:
    """``GapParams`` from overrides; an unknown name or a bad value names the parameter."""
    data = {**(overrides or {}), **kw}
    try:
        return GapParams(**data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "parameters"
        raise InvalidParameterError(f"gap parameter `{where}`: {err['msg']}") from None


# --------------------------------------------------------------------------------------------
# inputs from the ledger


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

    def with_params(self, p: GapParams) -> Inputs:
        """The inputs again with ``p``'s ``ai_share`` and ``forecast_uncertainty``."""
        return Inputs(
            _capex(self.figures, p.ai_share),
            self.spend_nvidia,
            _revenue(self.figures, p.forecast_uncertainty)[0],
            self.published,
            self.forecast,
            self.as_of,
            self.figures,
        )

    def replace(self, **kw: Any) -> Inputs:
        from dataclasses import replace

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


def _year_rows(fig: pd.DataFrame, metric: str, entity: str, year: int) -> pd.DataFrame:
    rows = fig[(fig["metric"] == metric) & (fig["entity"] == entity) & (fig["period"] == str(year))]
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
    for y in range(FIRST_YEAR, LAST_YEAR + 1):
        ai = _year_rows(fig, *CAPEX_AI, y).assign(_scale=1.0)
        big4 = [_year_rows(fig, m, e, y) for m, e in CAPEX_BIG4]
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


def _labs_revenue(fig: pd.DataFrame, year: int) -> tuple[float, str] | None:
    """OpenAI + Anthropic: the year's revenue, else the last ARR reported in the year."""
    total, used = 0.0, []
    for lab in LABS:
        annual = _year_rows(fig, "revenue_usd_bn", lab, year)
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


def _revenue(fig: pd.DataFrame, forecast_uncertainty: float) -> tuple[pd.DataFrame, dict[str, Any]]:
    recs: dict[int, dict[str, Any]] = {}
    for y in range(FIRST_YEAR, LAST_YEAR + 1):
        cands: list[tuple[float, float, float, str]] = []
        glob = _fresh(_year_rows(fig, *REVENUE_GLOBAL, y))
        for rec in glob.to_dict(orient="records"):
            cands.append((*_point(rec), f"{rec['id']} ({rec['kind']})"))
        labs = _labs_revenue(fig, y)
        if labs is not None:
            cands.append((labs[0], labs[0], labs[0], labs[1]))
        if not cands:
            continue
        if len(glob):
            best = _best(glob)
            v = _point(best.to_dict())[0]
            src, kind = f"{best['id']} ({best['kind']})", str(best["kind"])
        else:
            v, src, kind = cands[-1][0], cands[-1][3], "estimate"
        recs[y] = {
            "value": v,
            "low": min(c[1] for c in cands),
            "high": max(c[2] for c in cands),
            "source": src,
            "kind": kind,
            "sources": "; ".join(c[3] for c in cands),
        }
    # the seeds' forecast (SemiAnalysis: the labs' ARR above $300 bn by 2030)
    fc: dict[str, Any] = {}
    rows = fig[(fig["metric"] == REVENUE_FORECAST[0]) & (fig["entity"] == REVENUE_FORECAST[1])]
    rows = rows[rows["kind"] == "forecast"]
    rows = rows[rows[["value", "low", "high"]].notna().any(axis=1)]
    if len(rows):
        best = _best(rows)
        v = _point(best.to_dict())[0]
        fc = {
            "year": int(str(best["period"])[:4]),
            "value": v,
            "id": best["id"],
            "note": best["notes"],
        }
    # later years: log-linear from the last reported year to the forecast, with a band
    if recs and fc:
        last = max(recs)
        v0, y1, v1 = recs[last]["value"], fc["year"], fc["value"]
        if last < y1 and v0 > 0 and v1 > 0:
            for y in range(last + 1, min(y1, LAST_YEAR) + 1):
                v = v0 * (v1 / v0) ** ((y - last) / (y1 - last))
                recs[y] = {
                    "value": v,
                    "low": v * (1 - forecast_uncertainty),
                    "high": v * (1 + forecast_uncertainty),
                    "source": f"interpolated to {fc['id']} (forecast {y1})",
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
    from aiinfra.ledger._dates import to_timestamp

    p = params or GapParams()
    day = to_timestamp(as_of if as_of is not None else dt.date.today(), "as_of")
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
    return Inputs(capex, _spend_nvidia(fig), revenue, published, fc, day, fig)


# --------------------------------------------------------------------------------------------
# the model


def required_revenue(
    capex: Any,
    spend: Any,
    *,
    method: Method,
    gpu_share: Any,
    gross_margin: Any,
    useful_life: Any,
    required_return: Any,
    nvidia_share: Any = 1.0,
    use_nvidia: bool = False,
) -> Any:
    """Required revenue (vectorised over numpy arrays).

    >>> required_revenue(500.0, None, method="sequoia", gpu_share=0.5, gross_margin=0.5,
    ...                  useful_life=5, required_return=0.1)
    2000.0
    >>> round(required_revenue(500.0, None, method="capex", gpu_share=0.5, gross_margin=0.5,
    ...                        useful_life=5, required_return=0.1), 6)
    300.0
    >>> float(required_revenue(None, 150.0, method="sequoia", gpu_share=0.4, gross_margin=0.6,
    ...                        useful_life=5, required_return=0.1, use_nvidia=True))
    937.5

    The end users' revenue is their cost / (1 − ``gross_margin``): in both methods a higher
    margin needs more revenue (docs/gap.md).
    """
    if method == "sequoia":
        base = (np.asarray(spend) / nvidia_share) if use_nvidia else capex
        return base / gpu_share / (1.0 - gross_margin)
    if method == "capex":
        return capex * (1.0 / useful_life + required_return) / (1.0 - gross_margin)
    raise InvalidParameterError(f"`method` must be sequoia or capex; got {method!r}")


@dataclass(frozen=True)
class GapResult:
    """The gap per year, the growth needed, the sensitivity and (optionally) Monte Carlo."""

    params: GapParams
    as_of: str
    years: pd.DataFrame
    growth: dict[str, Any]
    tornado: pd.DataFrame
    year: int
    montecarlo: Any = None
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        return self.years

    def row(self, year: int | None = None) -> dict[str, Any]:
        y = self.year if year is None else year
        if y not in self.years.index:
            raise InvalidParameterError(
                f"`year` {y}: no inputs for it in the ledger (years with data: "
                f"{', '.join(str(i) for i in self.years.index)})"
            )
        return {"year": int(y), **_clean(self.years.loc[y].to_dict())}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "as_of": self.as_of,
            "params": self.params.model_dump(mode="json"),
            "parameters": {
                n: {
                    "value": getattr(self.params, n),
                    "low": p.low,
                    "high": p.high,
                    "unit": p.unit,
                    "source": p.source,
                }
                for n, p in PARAMETERS.items()
            },
            "year": self.row(),
            "years": [
                {"year": int(str(y)), **_clean(r)}
                for y, r in self.years.to_dict(orient="index").items()
            ],
            "growth": _clean(self.growth),
            "sensitivity": [_clean(r) for r in self.tornado.to_dict(orient="records")],
            "notes": list(self.notes),
        }
        if self.montecarlo is not None:
            out["montecarlo"] = self.montecarlo.to_dict()
        return out


def _clean(d: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, float | np.floating):
            out[str(k)] = None if not math.isfinite(float(v)) else float(v)
        elif isinstance(v, np.integer):
            out[str(k)] = int(v)
        elif isinstance(v, np.bool_):
            out[str(k)] = bool(v)
        else:
            out[str(k)] = v
    return out


def _years_table(inputs: Inputs, p: GapParams) -> pd.DataFrame:
    years = sorted(set(inputs.capex.index) | set(inputs.revenue.index))
    rows = []
    use_nv = p.spend == "nvidia"
    for y in years:
        c = inputs.capex.loc[y] if y in inputs.capex.index else None
        s = inputs.spend_nvidia.loc[y] if y in inputs.spend_nvidia.index else None
        r = inputs.revenue.loc[y] if y in inputs.revenue.index else None
        capex = (c["value"], c["low"], c["high"]) if c is not None else (math.nan,) * 3
        spend = (s["value"],) * 3 if s is not None else (math.nan,) * 3
        kw: dict[str, Any] = {
            "method": p.method,
            "gpu_share": p.gpu_share,
            "gross_margin": p.gross_margin,
            "useful_life": p.useful_life,
            "required_return": p.required_return,
            "nvidia_share": p.nvidia_share,
            "use_nvidia": use_nv,
        }
        req = [float(required_revenue(capex[i], spend[i], **kw)) for i in range(3)]
        other = "capex" if p.method == "sequoia" else "sequoia"
        req_other = float(required_revenue(capex[0], spend[0], **{**kw, "method": other}))
        rev = (r["value"], r["low"], r["high"]) if r is not None else (math.nan,) * 3
        pub = inputs.published[inputs.published["year"] == y]
        rows.append(
            {
                "year": y,
                "capex": capex[0],
                "capex_low": capex[1],
                "capex_high": capex[2],
                "capex_source": c["source"] if c is not None else "",
                "spend_nvidia": spend[0],
                "required": req[0],
                "required_low": min(req[1], req[2]) if use_nv else req[1],
                "required_high": max(req[1], req[2]) if use_nv else req[2],
                f"required_{other}": req_other,
                "revenue": rev[0],
                "revenue_low": rev[1],
                "revenue_high": rev[2],
                "revenue_kind": r["kind"] if r is not None else "",
                "revenue_source": r["source"] if r is not None else "",
                "gap": req[0] - rev[0],
                "coverage": rev[0] / req[0] if req[0] > 0 else math.nan,
                "published_required": float(pub["value"].iloc[-1]) if len(pub) else math.nan,
                "published_source": str(pub["id"].iloc[-1]) if len(pub) else "",
            }
        )
    if not rows:
        return pd.DataFrame(index=pd.Index([], name="year", dtype=int))
    return pd.DataFrame(rows).set_index("year")


def _growth(table: pd.DataFrame, inputs: Inputs, p: GapParams, year: int) -> dict[str, Any]:
    """The annual growth AI revenue needs from ``year`` to cover the target year's requirement."""
    t = p.target_year
    out: dict[str, Any] = {"from_year": year, "target_year": t}
    if year not in table.index or t not in table.index or t <= year:
        out["note"] = "target year must be after the year and both need inputs"
        return out
    r0, req_t = _num(table, year, "revenue"), _num(table, t, "required")
    n = t - year
    out["revenue_from"], out["required_target"] = r0, req_t
    out["needed_cagr"] = (req_t / r0) ** (1 / n) - 1 if r0 > 0 and req_t > 0 else math.nan
    pub = inputs.published[inputs.published["year"] == t]
    if len(pub) and r0 > 0:
        v = float(pub["value"].iloc[-1])
        out["published_target"] = {"year": t, "value": v, "id": str(pub["id"].iloc[-1])}
        out["needed_cagr_published"] = (v / r0) ** (1 / n) - 1
    fc = inputs.forecast
    if fc and fc["year"] > year and r0 > 0:
        m = fc["year"] - year
        out["forecast"] = {"year": fc["year"], "value": fc["value"], "id": fc["id"]}
        out["forecast_cagr"] = (fc["value"] / r0) ** (1 / m) - 1
        out["forecast_closes_gap"] = bool(out["forecast_cagr"] >= out["needed_cagr"])
    return out


def _tornado(inputs: Inputs, p: GapParams, year: int) -> pd.DataFrame:
    """One parameter at a time at its low and high end: the year's gap and required revenue."""
    base = _years_table(inputs, p)
    if year not in base.index:
        return pd.DataFrame(
            columns=["parameter", "low", "high", "gap_at_low", "gap_at_high", "swing"]
        )
    rows = []
    relevant = {"gross_margin"} | (
        {"gpu_share"} | ({"nvidia_share"} if p.spend == "nvidia" else set())
        if p.method == "sequoia"
        else {"useful_life", "required_return"}
    )
    if p.spend == "capex" or p.method == "capex":
        relevant.add("ai_share")
    for name in sorted(relevant):
        spec = PARAMETERS[name]
        gaps = []
        for v in (spec.low, spec.high):
            q = p.model_copy(update={name: v})
            inp = inputs.with_params(q) if name in ("ai_share", "forecast_uncertainty") else inputs
            tab = _years_table(inp, q)
            gaps.append(_num(tab, year, "gap") if year in tab.index else math.nan)
        rows.append(
            {
                "parameter": name,
                "low": spec.low,
                "high": spec.high,
                "gap_at_low": gaps[0],
                "gap_at_high": gaps[1],
                "swing": abs(gaps[1] - gaps[0]),
            }
        )
    for label, col in (("capex band", "capex"), ("revenue band", "revenue")):
        src = inputs.capex if col == "capex" else inputs.revenue
        if year not in src.index:
            continue
        gaps = []
        for end in ("low", "high"):
            frame = src.copy()
            frame.loc[year, "value"] = _num(frame, year, end)
            inp = inputs.replace(**{col: frame})
            gaps.append(_num(_years_table(inp, p), year, "gap"))
        rows.append(
            {
                "parameter": label,
                "low": _num(src, year, "low"),
                "high": _num(src, year, "high"),
                "gap_at_low": gaps[0],
                "gap_at_high": gaps[1],
                "swing": abs(gaps[1] - gaps[0]),
            }
        )
    return (
        pd.DataFrame(rows)
        .sort_values(["swing", "parameter"], ascending=[False, True])
        .reset_index(drop=True)
    )


def gap(
    ledger: Ledger,
    year: int | None = None,
    *,
    as_of: object = None,
    params: GapParams | Mapping[str, Any] | None = None,
    samples: int = 0,
    seed: int | None = 0,
    executor: Any = None,
    chunk_size: int = 200_000,
) -> GapResult:
    """The ROI gap per year, for ``year`` in detail (default: the as-of year).

    Parameters
    ----------
    ledger : Ledger
    year : int, optional
        The year shown in detail (sensitivity, Monte Carlo summary); default the as-of year.
    as_of : date, optional
        Figures known on this date (default today).
    params : GapParams or mapping, optional
        Method and parameters (see ``PARAMETERS`` and docs/gap.md).
    samples : int
        Monte Carlo samples (0: none); seeded by ``seed``, split into chunks of ``chunk_size``
        run by ``executor`` (any :class:`aiinfra.parallel.Executor`; default in this process).
        Results do not depend on the executor or its number of workers.

    Examples
    --------
    >>> from aiinfra import load_ledger
    >>> r = gap(load_ledger(), 2026, as_of="2026-11-01")
    >>> round(r.row()["required"]), r.row()["capex"]
    (2000, 500.0)
    """
    p = params if isinstance(params, GapParams) else make_params(params)
    inputs = gap_inputs(ledger, as_of, p)
    table = _years_table(inputs, p)
    if table.empty:
        raise InvalidParameterError("the ledger has no capex or AI-revenue figures to size the gap")
    y = int(year) if year is not None else int(inputs.as_of.year)
    if y not in table.index:
        raise InvalidParameterError(
            f"`year` {y}: no inputs for it in the ledger (years with data: "
            f"{', '.join(str(i) for i in table.index)})"
        )
    notes = []
    if p.spend == "capex" and p.method == "sequoia":
        notes.append(
            "Sequoia factors applied to total AI capex (as seed 004 does): the capex already "
            "includes the non-accelerator cost, so this is an upper reading; spend='nvidia' is "
            "Cahn's original input"
        )
    interp = [i for i in inputs.revenue.index if _text(inputs.revenue, i, "kind") == "interpolated"]
    if interp:
        notes.append(
            f"AI revenue after {min(interp) - 1} is interpolated to the seeds' forecast "
            f"({inputs.forecast.get('id', '')}), not reported"
        )
    mc = None
    if samples:
        from aiinfra.scenarios._montecarlo import monte_carlo

        mc = monte_carlo(
            inputs, p, samples=samples, seed=seed, executor=executor, chunk_size=chunk_size
        )
    return GapResult(
        p,
        str(inputs.as_of.date()),
        table,
        _growth(table, inputs, p, y),
        _tornado(inputs, p, y),
        y,
        mc,
        tuple(notes),
    )
