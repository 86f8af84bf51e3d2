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

Inputs come from the ledger's figures known on ``as_of`` (:mod:`aiinfra.roi_gap._inputs`); the
parameters and the formula are in :mod:`aiinfra.roi_gap._model`, the Monte Carlo in
:mod:`aiinfra.roi_gap._montecarlo`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aiinfra.dates import resolve_as_of
from aiinfra.exceptions import InvalidParameterError
from aiinfra.ledger import Ledger
from aiinfra.roi_gap._circularity import DRAWS, GROUP_LAYERS, PAYER_LAYERS, circularity_by_year
from aiinfra.roi_gap._inputs import (
    LABS_DEFINITION,
    REVENUE_DEFINITION,
    REVENUE_GLOBAL,
    Inputs,
    _num,
    _text,
    gap_inputs,
)
from aiinfra.roi_gap._model import (
    LAST_YEAR,
    PARAMETERS,
    GapParams,
    make_params,
    required_revenue,
)
from aiinfra.roi_gap._montecarlo import monte_carlo

__all__ = ["GapResult", "gap"]


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
    #: what the detail year's inputs rest on: input → the ledger figures behind it, counted by
    #: ``source_tier`` and ``kind``, and how many carry a verbatim quote (:func:`input_evidence`)
    evidence: dict[str, Any] = field(default_factory=dict)
    #: the circular share behind the net figures: definition, basis, the payer and group
    #: layers, and per graph date :meth:`CircularShare.to_dict` (docs/gap.md)
    circularity: dict[str, Any] = field(default_factory=dict)
    #: the AI-revenue series: its ``definition`` and ``metric`` (one for every year), its
    #: ``years`` (``reported_years``, ``interpolated_years`` and the forecast of the same
    #: definition they are ``interpolated_to``, or None), ``other``: the figures of other
    #: definitions, by year, shown beside it, never in it, and ``reference``: the forecasts of
    #: other definitions (the labs' ARR), a reference series never joined to it
    revenue_series: dict[str, Any] = field(default_factory=dict)

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
            "evidence": self.evidence,
            "circularity": self.circularity,
            "revenue_series": self.revenue_series,
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


def _by_year(frame: pd.DataFrame) -> dict[Any, dict[str, Any]]:
    """The rows of ``frame`` by index label with the values ``frame.loc[label]`` gives (numbers
    as numpy scalars), read a column at a time."""
    cols: dict[str, Any] = {}
    for c in frame.columns:
        col = frame[c]
        cols[c] = list(col.to_numpy()) if col.dtype.kind in "fiub" else col.tolist()
    return {y: {c: v[i] for c, v in cols.items()} for i, y in enumerate(frame.index.tolist())}


def _years_table(inputs: Inputs, p: GapParams) -> pd.DataFrame:
    years = sorted(set(inputs.capex.index) | set(inputs.revenue.index))
    if not all(f.index.is_unique for f in (inputs.capex, inputs.spend_nvidia, inputs.revenue)):
        return _years_table_rows(inputs, p, years)
    capex_rows = _by_year(inputs.capex)
    spend_rows = _by_year(inputs.spend_nvidia)
    revenue_rows = _by_year(inputs.revenue)
    published: dict[Any, tuple[float, str]] = {}  # the last published figure of each year
    pub = inputs.published
    for y, v, i in zip(
        pub["year"].tolist(), pub["value"].tolist(), pub["id"].tolist(), strict=True
    ):
        published[y] = (float(v), str(i))
    rows = [
        _year_row(y, capex_rows.get(y), spend_rows.get(y), revenue_rows.get(y), published.get(y), p)
        for y in years
    ]
    if not rows:
        return pd.DataFrame(index=pd.Index([], name="year", dtype=int))
    return pd.DataFrame(rows).set_index("year")


def _years_table_rows(inputs: Inputs, p: GapParams, years: list[Any]) -> pd.DataFrame:
    """:func:`_years_table` row by row with ``.loc`` (for inputs whose index repeats a year)."""
    rows = []
    for y in years:
        c = inputs.capex.loc[y] if y in inputs.capex.index else None
        s = inputs.spend_nvidia.loc[y] if y in inputs.spend_nvidia.index else None
        r = inputs.revenue.loc[y] if y in inputs.revenue.index else None
        pub = inputs.published[inputs.published["year"] == y]
        last = (float(pub["value"].iloc[-1]), str(pub["id"].iloc[-1])) if len(pub) else None
        rows.append(_year_row(y, c, s, r, last, p))
    if not rows:
        return pd.DataFrame(index=pd.Index([], name="year", dtype=int))
    return pd.DataFrame(rows).set_index("year")


def _year_row(
    y: Any, c: Any, s: Any, r: Any, pub: tuple[float, str] | None, p: GapParams
) -> dict[str, Any]:
    """One year of :func:`_years_table` from its capex, NVIDIA spend and revenue inputs (None
    when missing) and the last published requirement ``(value, id)``."""
    use_nv = p.spend == "nvidia"
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
    return {
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
        "published_required": pub[0] if pub is not None else math.nan,
        "published_source": pub[1] if pub is not None else "",
    }


def _with_net(table: pd.DataFrame, circ: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the figures net of circularity: ``net_revenue = revenue × (1 − s)`` (and
    its band), ``net_gap = required − net_revenue``, ``net_coverage = net_revenue / required``,
    beside the circular share ``s`` of :func:`circularity_by_year` and its source."""
    out = table.join(circ, how="left")
    keep = 1.0 - out["circular_share"].astype(float)
    for col in ("revenue", "revenue_low", "revenue_high"):
        out["net_" + col] = out[col].astype(float) * keep
    out["net_gap"] = out["required"] - out["net_revenue"]
    req = out["required"].astype(float)
    out["net_coverage"] = (out["net_revenue"] / req).where(req > 0)
    return out


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
    # only a forecast of the series' own definition (Inputs.forecast): a growth rate from one
    # definition to another (55 bn of AI services to the labs' 300 bn of ARR) measures nothing
    fc = inputs.forecast
    if fc and fc["year"] > year and r0 > 0:
        m = fc["year"] - year
        out["forecast"] = {"year": fc["year"], "value": fc["value"], "id": fc["id"],
                           "definition": fc.get("definition", REVENUE_DEFINITION)}  # fmt: skip
        out["forecast_cagr"] = (fc["value"] / r0) ** (1 / m) - 1
        out["forecast_closes_gap"] = bool(out["forecast_cagr"] >= out["needed_cagr"])
    elif not fc:
        out["forecast_note"] = (
            f"no forecast of {REVENUE_DEFINITION} in the ledger: the growth it implies is not "
            "known (forecasts of other definitions: revenue_series.reference)"
        )
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


def _inputs_table(ledger: Ledger, day: pd.Timestamp, p: GapParams) -> tuple[Inputs, pd.DataFrame]:
    """The inputs known on ``day`` and the gap per year they give (kept by the ledger: the
    report and its diff ask for the same date)."""
    inputs = gap_inputs(ledger, day, p)
    return inputs, _years_table(inputs, p)


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
    net_basis: str = "committed",
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
    net_basis : {"committed", "ceiling", "funded", "annualised"}
        The flow graph's amount basis for the circular share ``s`` behind the figures net of
        circularity (``net_revenue = revenue × (1 − s)``, ``net_gap``, ``net_coverage``; docs/
        gap.md, "Net of circularity"). With ``samples``, ``s`` is drawn too (:data:`DRAWS`
        draws of the graph's amounts per year, seeded by ``seed``).

    Examples
    --------
    >>> from aiinfra import load_ledger
    >>> r = gap(load_ledger(), 2026, as_of="2026-11-01")
    >>> round(r.row()["required"]), r.row()["capex"]
    (2000, 500.0)
    >>> round(r.row()["circular_share"], 4), round(r.row()["net_revenue"], 2)
    (0.1275, 47.99)
    """
    p = params if isinstance(params, GapParams) else make_params(params)
    day = resolve_as_of(as_of)
    key = ("roi_gap.gap_inputs", day, day.unit, p.model_dump_json())
    inputs, table = ledger.memo(key, lambda: _inputs_table(ledger, day, p))
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
    notes += _revenue_notes(inputs)
    circ, draws, detail = circularity_by_year(
        ledger, inputs.as_of, table.index, basis=net_basis, draws=DRAWS if samples else 0, seed=seed
    )
    later = [int(i) for i in circ.index if i > inputs.as_of.year]
    if later:
        notes.append(
            f"the circular share of {min(later)}-{max(later)} is the one on {inputs.as_of.date()} "
            "(the latest flow graph known), held constant"
        )
    mc = None
    if samples:
        mc = monte_carlo(
            inputs,
            p,
            samples=samples,
            seed=seed,
            executor=executor,
            chunk_size=chunk_size,
            circular=dict(zip(circ.index, draws, strict=True)) if draws is not None else None,
        )
    circularity = {
        "definition": "s = share of the payers' payments to the group that traces back to the "
        "group's own money (docs/gap.md, 'Net of circularity')",
        "basis": net_basis,
        "payer_layers": list(PAYER_LAYERS),
        "group_layers": list(GROUP_LAYERS),
        "draws": DRAWS if samples else 0,
        "graphs": detail,
    }
    tornado = ledger.memo((*key, "tornado", y), lambda: _tornado(inputs, p, y))
    return GapResult(
        p,
        str(inputs.as_of.date()),
        _with_net(table, circ),
        _growth(table, inputs, p, y),
        tornado.copy(deep=False),
        y,
        mc,
        tuple(notes),
        input_evidence(inputs, y, spend=p.spend),
        circularity,
        _revenue_series(inputs),
    )


def _revenue_notes(inputs: Inputs) -> list[str]:
    """What the AI-revenue series is and is not: interpolated years (only ever to a forecast of
    its own definition), where it stops, the forecasts and figures of other definitions."""
    notes = []
    rev = inputs.revenue
    interp = [int(i) for i in rev.index if _text(rev, i, "kind") == "interpolated"]
    fc = inputs.forecast
    if interp:
        notes.append(
            f"AI revenue {min(interp)}-{max(interp)} is interpolated (log-linear) to "
            f"{fc.get('id', '')}, a forecast of the same definition for {fc.get('year', '')}, "
            "not reported"
        )
    ref = inputs.revenue_reference
    refs = (
        "; ".join(
            f"{r['definition']}: {r['bound'] + ' ' if r['bound'] else ''}{r['value']:.0f} in "
            f"{r['year']} ({r['source']})"
            for r in ref.to_dict(orient="records")
        )
        if ref is not None and len(ref)
        else ""
    )
    if len(rev) and not fc and int(rev.index.max()) < LAST_YEAR:
        notes.append(
            f"AI revenue stops at {int(rev.index.max())}, its last reported year: the ledger "
            f"has no forecast of {REVENUE_DEFINITION} to interpolate to, so the gap and coverage "
            f"of {int(rev.index.max()) + 1}-{LAST_YEAR} are not computed"
            + (
                f"; forecasts of another definition, a reference series beside it, never joined "
                f"to it: {refs}"
                if refs
                else ""
            )
        )
    elif refs:
        notes.append(f"forecasts of another definition (reference, not in the series): {refs}")
    other = inputs.revenue_other
    if other is not None and len(other):
        shown = [
            f"{r['year']} {r['value']:.0f} ({r['definition']}, {r['source']})"
            for r in other.to_dict(orient="records")
            if r["definition"] != LABS_DEFINITION
        ]
        if shown:
            notes.append(
                f"AI revenue is {REVENUE_DEFINITION} in every year; figures of other definitions "
                "are shown beside it, not in it: " + "; ".join(shown)
            )
    return notes


def _revenue_series(inputs: Inputs) -> dict[str, Any]:
    """:attr:`GapResult.revenue_series` of ``inputs``."""
    other = inputs.revenue_other
    rows = [] if other is None else [_clean(r) for r in other.to_dict(orient="records")]
    ref = inputs.revenue_reference
    reference = [] if ref is None else [_clean(r) for r in ref.to_dict(orient="records")]
    rev = inputs.revenue
    kinds = rev["kind"].astype(str)
    fc = inputs.forecast
    return {
        "definition": REVENUE_DEFINITION,
        "metric": f"{REVENUE_GLOBAL[0]} of {REVENUE_GLOBAL[1]}",
        "years": [int(y) for y in rev.index],
        "reported_years": [int(y) for y in rev.index[~kinds.isin(["interpolated", "forecast"])]],
        "interpolated_years": [int(y) for y in rev.index[kinds == "interpolated"]],
        "interpolated_to": (
            None if not fc else {k: fc[k] for k in ("id", "year", "value", "definition", "metric")}
        ),
        "other": rows,
        "reference": reference,
    }


#: a figure id inside an input's ``sources`` text ("g112 (guidance) × ai_share; g113 …")
_FIGURE_ID = re.compile(r"\bg\d+\b")


def input_evidence(inputs: Inputs, year: int, *, spend: str = "capex") -> dict[str, Any]:
    """What the gap's inputs for ``year`` rest on.

    For each input (``capex`` or ``spend_nvidia``, and ``revenue``): the ids of the ledger
    figures its ``sources`` name, their count by ``source_tier`` and by ``kind``, and how many
    carry a verbatim quote. Figures are counted, not weighted by amount: an input is a maximum,
    a sum or an interpolation of them (docs/gap.md), so no amount share is meaningful.
    """
    fig = inputs.figures.set_index("id")
    out: dict[str, Any] = {}
    frames = {"capex" if spend == "capex" else "spend_nvidia": (
        inputs.capex if spend == "capex" else inputs.spend_nvidia
    ), "revenue": inputs.revenue}  # fmt: skip
    for name, frame in frames.items():
        if year not in frame.index or "sources" not in frame.columns:
            continue
        found = set(_FIGURE_ID.findall(str(frame.at[year, "sources"])))
        ids = sorted(found, key=lambda i: int(i[1:]))
        rows = fig.loc[[i for i in ids if i in fig.index]]
        tiers = rows["source_tier"] if "source_tier" in rows else pd.Series(dtype=object)
        quotes = rows["quote"] if "quote" in rows else pd.Series(dtype=object)
        out[name] = {
            "figures": list(rows.index),
            "by_tier": {str(k): int(v) for k, v in tiers.fillna("unknown").value_counts().items()},
            "by_kind": {str(k): int(v) for k, v in rows["kind"].value_counts().items()},
            "quoted": int(quotes.fillna("").astype(str).str.strip().ne("").sum()),
        }
    return out
