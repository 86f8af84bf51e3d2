"""Monte Carlo over the ROI gap's uncertain inputs: vectorised, chunked, seeded per chunk.

Each chunk returns mergeable summaries — per year a histogram of the gap on a fixed grid
between its analytical bounds, sums and counts — never its samples, so memory stays flat in
the number of samples and merging in chunk order makes the result independent of the executor.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aiinfra.exceptions import InvalidParameterError
from aiinfra.parallel import SerialExecutor, chunk_seeds, chunks
from aiinfra.roi_gap._inputs import Inputs, _num, _text
from aiinfra.roi_gap._model import PARAMETERS, GapParams, required_revenue

__all__ = ["BINS", "MonteCarlo", "monte_carlo"]

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: histogram bins per year; a quantile is exact to within one bin (``resolution`` per year)
BINS = 20_000


@dataclass(frozen=True)
class MonteCarlo:
    """Distribution of the gap per year.

    ``summary`` (index: year): ``gap_mean``, ``gap_p5`` … ``gap_p95`` (from a ``BINS``-bin
    histogram between the gap's analytical bounds, interpolated within the bin: exact to within
    ``resolution``), ``required_mean``, ``revenue_mean``, ``p_coverage_ge_1`` (share of samples
    whose revenue covers that year's requirement) and ``p_covered_by_year`` (covered in that
    year or an earlier one of the table; NaN for a year without revenue: not known). With the
    circular share's draws (docs/gap.md, "Net of circularity"), also ``circular_share_mean``
    and ``circular_share_p5/p50/p95`` (of the graph draws), ``net_revenue_mean``,
    ``net_gap_mean``, ``net_gap_p5`` … ``net_gap_p95`` (from their own histogram,
    ``net_resolution``) and ``p_net_coverage_ge_1``.
    """

    samples: int
    seed: int | None
    chunk_size: int
    sampled: tuple[str, ...]
    summary: pd.DataFrame
    #: per year (rows in ``summary`` order) the gap's counts on ``BINS`` bins, and the bounds
    counts: np.ndarray = field(default_factory=lambda: np.zeros((0, BINS), dtype=np.int64))
    bounds: tuple[np.ndarray, np.ndarray] = field(
        default_factory=lambda: (np.zeros(0), np.zeros(0))
    )
    #: the same for the gap net of circularity (empty without the circular share's draws)
    net_counts: np.ndarray = field(default_factory=lambda: np.zeros((0, BINS), dtype=np.int64))
    net_bounds: tuple[np.ndarray, np.ndarray] = field(
        default_factory=lambda: (np.zeros(0), np.zeros(0))
    )

    def histogram(self, year: int, bins: int = 50, *, net: bool = False) -> pd.DataFrame:
        """The gap's distribution in ``year`` on ``bins`` equal bins (``bins`` divides 20,000).

        Columns ``left``, ``right`` (USD bn) and ``count``; the counts sum to the samples with a
        finite gap that year. Bins are merged from the fine histogram, so nothing is re-sampled.
        ``net=True``: the gap net of circularity.

        Raises
        ------
        InvalidParameterError
            ``year`` has no row or no finite sample, or ``bins`` does not divide 20,000.
        """
        years = list(self.summary.index)
        if year not in years:
            raise InvalidParameterError(
                f"`year` {year}: no Monte Carlo row (years: {', '.join(map(str, years))})"
            )
        if not isinstance(bins, int) or bins < 1 or BINS % bins:
            raise InvalidParameterError(f"`bins` must divide {BINS}; got {bins!r}")
        j = years.index(year)
        counts_all, bounds = (
            (self.net_counts, self.net_bounds) if net else (self.counts, self.bounds)
        )
        if net and not len(counts_all):
            raise InvalidParameterError("no net gap: the Monte Carlo ran without circular shares")
        lo, hi = float(bounds[0][j]), float(bounds[1][j])
        if not (np.isfinite(lo) and np.isfinite(hi)) or int(counts_all[j].sum()) == 0:
            raise InvalidParameterError(
                f"`year` {year}: no finite gap was sampled (the year lacks a capex or revenue "
                "figure)"
            )
        counts = counts_all[j].reshape(bins, BINS // bins).sum(axis=1)
        edges = np.linspace(lo, hi, bins + 1)
        return pd.DataFrame({"left": edges[:-1], "right": edges[1:], "count": counts})

    def to_dict(self) -> dict[str, Any]:
        import json

        return {
            "samples": self.samples,
            "seed": self.seed,
            "chunk_size": self.chunk_size,
            "bins": BINS,
            "sampled": list(self.sampled),
            "years": json.loads(self.summary.reset_index().to_json(orient="records")),
        }


def _sampled(p: GapParams) -> tuple[str, ...]:
    names = ["gross_margin"]
    if p.method == "sequoia":
        names.append("gpu_share")
        if p.spend == "nvidia":
            names.append("nvidia_share")
    else:
        names += ["useful_life", "required_return"]
    if p.spend == "capex" or p.method == "capex":
        names.append("ai_share")
    return tuple(sorted(names))


def _evaluate(
    data: dict[str, Any], draws: dict[str, Any], u_capex: Any, u_rev: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Required revenue, revenue and gap (samples × years) for the given draws."""
    fixed = data["params"]

    def par(name: str) -> Any:
        return draws[name] if name in draws else fixed[name]

    c_lo, c_hi = data["capex_low"][None, :], data["capex_high"][None, :]
    capex = c_lo + u_capex * (c_hi - c_lo)
    if "ai_share" in draws:
        scale = np.where(data["capex_scaled"][None, :], draws["ai_share"] / fixed["ai_share"], 1.0)
        capex = capex * scale
    r_lo, r_hi = data["revenue_low"][None, :], data["revenue_high"][None, :]
    revenue = r_lo + u_rev * (r_hi - r_lo)
    req = required_revenue(
        capex,
        data["spend"][None, :],
        method=fixed["method"],
        gpu_share=par("gpu_share"),
        gross_margin=par("gross_margin"),
        useful_life=par("useful_life"),
        required_return=par("required_return"),
        nvidia_share=par("nvidia_share"),
        use_nvidia=fixed["spend"] == "nvidia",
    )
    return np.asarray(req), np.asarray(revenue), np.asarray(req - revenue)


def _corners(data: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Required revenue, revenue and gap (corners × years) at the corners of the sampled box."""
    names = list(data["sampled"])
    axes = [(PARAMETERS[n].low, PARAMETERS[n].high) for n in names] + [(0.0, 1.0), (0.0, 1.0)]
    corners = np.array(list(itertools.product(*axes)))
    draws = {n: corners[:, i : i + 1] for i, n in enumerate(names)}
    return _evaluate(data, draws, corners[:, -2:-1], corners[:, -1:])


def _bounds(data: dict[str, Any], net: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest possible gap per year: the model is monotone in every input, so the
    extremes sit at the corners of the sampled box. ``net``: the gap net of circularity,
    ``required − revenue × (1 − s)``, also monotone in ``s`` (its draws' extremes)."""
    req, rev, g = _corners(data)
    if net:
        s = data["circular"]
        some = np.isfinite(s).any(axis=1)
        s_lo = np.where(some, np.nanmin(np.where(some[:, None], s, 0.0), axis=1), np.nan)
        s_hi = np.where(some, np.nanmax(np.where(some[:, None], s, 0.0), axis=1), np.nan)
        g = np.concatenate([req - rev * (1 - s_lo[None, :]), req - rev * (1 - s_hi[None, :])])
    finite = np.isfinite(g)
    lo = np.where(finite, g, np.inf).min(axis=0)
    hi = np.where(finite, g, -np.inf).max(axis=0)
    lo, hi = np.where(np.isfinite(lo), lo, np.nan), np.where(np.isfinite(hi), hi, np.nan)
    # a degenerate range (a year with no uncertainty) still gets one bin of width > 0
    pad = np.where(np.isfinite(hi - lo) & (hi - lo > 0), 0.0, np.maximum(np.abs(lo), 1.0) * 1e-9)
    return lo - pad, hi + pad


def _chunk(job: tuple[dict[str, Any], int, np.random.SeedSequence]) -> dict[str, np.ndarray]:
    """One chunk of ``n`` samples, reduced to per-year histograms, sums and counts."""
    data, n, seq = job
    rng = np.random.default_rng(seq)
    draws = {
        name: rng.uniform(PARAMETERS[name].low, PARAMETERS[name].high, size=(n, 1))
        for name in data["sampled"]
    }
    u_capex = rng.uniform(size=(n, 1))
    u_rev = rng.uniform(size=(n, 1))
    req, rev, gap = _evaluate(data, draws, u_capex, u_rev)
    ok = np.isfinite(gap)
    with np.errstate(invalid="ignore", divide="ignore"):
        covered = np.where(ok, rev / req >= 1.0, False)
    ever = np.logical_or.accumulate(covered, axis=1)
    out = {
        "counts": _histogram(gap, data["gap_lo"], data["gap_hi"]),
        "n": ok.sum(axis=0),
        "gap_sum": np.where(ok, gap, 0.0).sum(axis=0),
        "req_sum": np.where(np.isfinite(req), req, 0.0).sum(axis=0),
        "req_n": np.isfinite(req).sum(axis=0),
        "rev_sum": np.where(ok, rev, 0.0).sum(axis=0),
        "covered": covered.sum(axis=0),
        "ever": ever.sum(axis=0),
    }
    if data.get("circular") is not None:
        out.update(_net_chunk(data, rng, req, rev))
    return out


def _histogram(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Counts (years × ``BINS``) of the finite ``values`` (samples × years) between the bounds."""
    years = values.shape[1]
    ok = np.isfinite(values)
    with np.errstate(invalid="ignore"):
        idx = np.floor((values - lo) / (hi - lo) * BINS)
    idx = np.clip(np.nan_to_num(idx, nan=0.0), 0, BINS - 1).astype(np.int64)
    flat = (idx + np.arange(years)[None, :] * BINS)[ok]
    return np.bincount(flat, minlength=years * BINS).reshape(years, BINS)


def _net_chunk(
    data: dict[str, Any], rng: np.random.Generator, req: np.ndarray, rev: np.ndarray
) -> dict[str, np.ndarray]:
    """The gap net of circularity for one chunk: one more uniform per sample (drawn after all
    the others, so the gross figures stay what they were) picks one of the circular share's
    sorted draws in every year (comonotone: a high-circularity world is high in every year)."""
    s_draws = data["circular"]  # years × draws, each row sorted
    k = s_draws.shape[1]
    u = rng.uniform(size=req.shape[0])
    s = s_draws[:, np.minimum((u * k).astype(np.int64), k - 1)].T  # samples × years
    net_rev = rev * (1.0 - s)
    net = req - net_rev
    ok = np.isfinite(net)
    with np.errstate(invalid="ignore", divide="ignore"):
        covered = np.where(ok, net_rev / req >= 1.0, False)
    return {
        "net_counts": _histogram(net, data["net_lo"], data["net_hi"]),
        "net_n": ok.sum(axis=0),
        "net_sum": np.where(ok, net, 0.0).sum(axis=0),
        "net_rev_sum": np.where(ok, net_rev, 0.0).sum(axis=0),
        "net_covered": covered.sum(axis=0),
    }


def _quantile(counts: np.ndarray, lo: float, hi: float, q: float) -> float:
    total = int(counts.sum())
    if total == 0:
        return math.nan
    cum = np.cumsum(counts)
    target = q * total
    k = int(np.searchsorted(cum, target, side="left"))
    before = cum[k - 1] if k > 0 else 0
    inside = (target - before) / counts[k] if counts[k] else 0.0
    width = (hi - lo) / BINS
    return float(lo + (k + inside) * width)


def monte_carlo(
    inputs: Inputs,
    params: GapParams,
    *,
    samples: int,
    seed: int | None = 0,
    executor: Any = None,
    chunk_size: int = 200_000,
    circular: Mapping[int, np.ndarray] | None = None,
) -> MonteCarlo:
    """Sample every uncertain input: parameters uniform over their ranges, capex and revenue
    uniform within each year's band (one draw per sample for all years, so a high-capex world
    is high in every year). Chunk *i* always uses the *i*-th child of ``SeedSequence(seed)``
    and the chunks are merged in order, so the result is identical whichever executor and
    however many workers run it.

    ``circular`` (year → draws of the circular share ``s``, from
    :func:`~aiinfra.roi_gap.circularity_by_year`) adds the gap net of circularity: each sample
    also picks one draw of ``s`` (the same rank in every year) and nets its revenue,
    ``revenue × (1 − s)``. A year without draws has no net figures.
    """
    if not isinstance(samples, int) or samples < 1:
        raise InvalidParameterError(f"`samples` must be a positive integer; got {samples!r}")
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise InvalidParameterError(f"`chunk_size` must be a positive integer; got {chunk_size!r}")
    years = sorted(set(inputs.capex.index) | set(inputs.revenue.index))

    def col(frame: pd.DataFrame, name: str) -> np.ndarray:
        return np.array([_num(frame, y, name) if y in frame.index else math.nan for y in years])

    data: dict[str, Any] = {
        "sampled": _sampled(params),
        "params": params.model_dump(),
        "capex_low": col(inputs.capex, "low"),
        "capex_high": col(inputs.capex, "high"),
        "capex_scaled": np.array(
            [
                y in inputs.capex.index and "× ai_share" in _text(inputs.capex, y, "source")
                for y in years
            ]
        ),
        "spend": col(inputs.spend_nvidia, "value"),
        "revenue_low": col(inputs.revenue, "low"),
        "revenue_high": col(inputs.revenue, "high"),
    }
    data["gap_lo"], data["gap_hi"] = _bounds(data)
    if circular is not None:
        width = max((len(v) for v in circular.values()), default=1)
        data["circular"] = np.stack(
            [
                np.sort(np.asarray(circular[y], dtype=float))
                if y in circular and len(circular[y]) == width
                else np.full(width, math.nan)
                for y in years
            ]
        )
        data["net_lo"], data["net_hi"] = _bounds(data, net=True)
    bounds = chunks(samples, chunk_size)
    seeds = chunk_seeds(seed, len(bounds))
    jobs = [(data, b - a, s) for (a, b), s in zip(bounds, seeds, strict=True)]
    ex = executor if executor is not None else SerialExecutor()
    parts = ex.map(_chunk, jobs)
    total = {k: parts[0][k].copy() for k in parts[0]}
    for part in parts[1:]:  # in chunk order: the float sums are the same for every executor
        for k in total:
            total[k] = total[k] + part[k]
    rows = []
    for j, y in enumerate(years):
        n = int(total["n"][j])
        lo, hi = float(data["gap_lo"][j]), float(data["gap_hi"][j])
        row: dict[str, Any] = {
            "year": y,
            "gap_mean": total["gap_sum"][j] / n if n else math.nan,
        }
        for q in QUANTILES:
            row[f"gap_p{round(q * 100)}"] = (
                _quantile(total["counts"][j], lo, hi, q) if n else math.nan
            )
        rn = int(total["req_n"][j])
        row["required_mean"] = total["req_sum"][j] / rn if rn else math.nan
        row["revenue_mean"] = total["rev_sum"][j] / n if n else math.nan
        row["p_coverage_ge_1"] = total["covered"][j] / n if n else math.nan
        # a year without AI revenue: whether it is covered is not known (not "never", 0)
        row["p_covered_by_year"] = total["ever"][j] / samples if n else math.nan
        row["resolution"] = (hi - lo) / BINS if n else math.nan
        if circular is not None:
            row.update(_net_row(data, total, j))
        rows.append(row)
    net = circular is not None
    return MonteCarlo(
        samples,
        seed,
        chunk_size,
        _sampled(params),
        pd.DataFrame(rows).set_index("year"),
        counts=total["counts"],
        bounds=(np.asarray(data["gap_lo"], dtype=float), np.asarray(data["gap_hi"], dtype=float)),
        net_counts=total["net_counts"] if net else np.zeros((0, BINS), dtype=np.int64),
        net_bounds=(
            (np.asarray(data["net_lo"], dtype=float), np.asarray(data["net_hi"], dtype=float))
            if net
            else (np.zeros(0), np.zeros(0))
        ),
    )


def _net_row(data: dict[str, Any], total: dict[str, np.ndarray], j: int) -> dict[str, Any]:
    """The summary's net-of-circularity columns for year number ``j``."""
    draws = data["circular"][j]
    finite = draws[np.isfinite(draws)]
    row: dict[str, Any] = {"circular_share_mean": float(finite.mean()) if len(finite) else math.nan}
    for q in (0.05, 0.5, 0.95):
        row[f"circular_share_p{round(q * 100)}"] = (
            float(np.quantile(finite, q)) if len(finite) else math.nan
        )
    n = int(total["net_n"][j])
    lo, hi = float(data["net_lo"][j]), float(data["net_hi"][j])
    row["net_revenue_mean"] = total["net_rev_sum"][j] / n if n else math.nan
    row["net_gap_mean"] = total["net_sum"][j] / n if n else math.nan
    for q in QUANTILES:
        row[f"net_gap_p{round(q * 100)}"] = (
            _quantile(total["net_counts"][j], lo, hi, q) if n else math.nan
        )
    row["p_net_coverage_ge_1"] = total["net_covered"][j] / n if n else math.nan
    row["net_resolution"] = (hi - lo) / BINS if n else math.nan
    return row
