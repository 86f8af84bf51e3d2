"""The typed summary of a backtest: what ``summary.json`` holds, as objects.

:class:`BacktestSummary` is built by :func:`aiinfra.backtest.backtest`, written as
``summary.json`` (:meth:`BacktestSummary.to_dict`) and read back with
:meth:`BacktestSummary.from_dict`; the report, the dashboard and the sweep read its fields rather
than string keys.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Self

import pandas as pd

from aiinfra import metrics

__all__ = ["BacktestSummary", "BenchmarkStats", "SeriesStats", "TurnoverStats"]


def _float(x: object) -> float:
    """A JSON number, or NaN for null."""
    return float("nan") if x is None else float(x)  # type: ignore[arg-type]


def _json_value(x: object) -> object:
    """``x`` with every NaN float replaced by None (JSON null), containers walked."""
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, Mapping):
        return {str(k): _json_value(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_json_value(v) for v in x]
    return x


@dataclass(frozen=True)
class SeriesStats:
    """Return and risk of one level series (an index variant or a benchmark); NaN when a
    figure is undefined (e.g. the Sharpe ratio of a flat series)."""

    total_return: float
    annual_return: float
    annual_volatility: float
    sharpe_ratio: float
    max_drawdown: float

    @staticmethod
    def _of(levels: pd.Series) -> dict[str, float]:
        lv = levels.dropna()
        r = metrics.returns_from_levels(lv)
        return {
            "total_return": float(lv.iloc[-1] / lv.iloc[0] - 1),
            "annual_return": metrics.annual_return(r),
            "annual_volatility": metrics.annual_volatility(r),
            "sharpe_ratio": metrics.sharpe_ratio(r),
            "max_drawdown": metrics.max_drawdown(r),
        }

    @classmethod
    def from_levels(cls, levels: pd.Series) -> Self:
        return cls(**cls._of(levels))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Self:
        return cls(**{f.name: _float(d.get(f.name)) for f in fields(cls)})

    def to_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class BenchmarkStats(SeriesStats):
    """A benchmark's return and risk, and the GTR index's tracking error and information ratio
    against it."""

    tracking_error_gtr: float = float("nan")
    information_ratio_gtr: float = float("nan")

    @classmethod
    def against(
        cls,
        levels: pd.Series,
        gtr: pd.Series,
        *,
        own: tuple[dict[str, float], pd.Series] | None = None,
        gtr_returns: pd.Series | None = None,
    ) -> BenchmarkStats:
        """The stats of the benchmark ``levels`` and the GTR ``gtr``'s tracking error and IR.

        ``own``: :meth:`own_stats` of ``levels``, and ``gtr_returns``: the returns of ``gtr``,
        when already at hand (a sweep's variants share their benchmarks' series).
        """
        gr = metrics.returns_from_levels(gtr) if gtr_returns is None else gtr_returns
        stats, br = cls.own_stats(levels) if own is None else own
        return cls(
            **stats,
            tracking_error_gtr=metrics.tracking_error(gr, br),
            information_ratio_gtr=metrics.information_ratio(gr, br),
        )

    @classmethod
    def own_stats(cls, levels: pd.Series) -> tuple[dict[str, float], pd.Series]:
        """What :meth:`against` computes of the benchmark alone: its stats and its returns."""
        return cls._of(levels), metrics.returns_from_levels(levels)


@dataclass(frozen=True)
class TurnoverStats:
    """Mean one-way turnover per review (the first, building review left out; NaN with one
    review) and the sum per calendar year."""

    mean_per_review: float
    per_year: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class BacktestSummary:
    """Label, window and statistics of a backtest (the content of ``summary.json``).

    Attributes
    ----------
    label : str
        ``"point-in-time"`` or the not-point-in-time label shown wherever the backtest is.
    point_in_time : bool
        Whether every review used only scores known at its cut-off.
    variants : Mapping[str, SeriesStats]
        ``PR``, ``GTR`` and ``NTR``.
    benchmarks : Mapping[str, BenchmarkStats]
        One per benchmark ticker, in the order asked for.
    turnover : TurnoverStats
    corporate_actions : list of dict
        The corporate actions applied (one record each).
    warnings : list of str
        Every warning of the run and its reviews.
    score_sources : Mapping[str, str]
        Per review, the source of its scores.
    """

    label: str
    point_in_time: bool
    methodology: str
    methodology_hash: str
    start: str
    end: str
    reviews: int
    cost_bps: float
    variants: Mapping[str, SeriesStats]
    benchmarks: Mapping[str, BenchmarkStats]
    turnover: TurnoverStats
    corporate_actions: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: per review (``YYYY-MM``): where its scores came from (``house``, ``systematic``, ``static``)
    score_sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def score_source_counts(self) -> dict[str, int]:
        """How many reviews used each score source."""
        out: dict[str, int] = {}
        for v in self.score_sources.values():
            out[v] = out.get(v, 0) + 1
        return out

    @property
    def gtr(self) -> SeriesStats:
        """The gross total return variant (the headline series)."""
        return self.variants["GTR"]

    @property
    def reference_benchmark(self) -> str | None:
        """The first benchmark asked for (relative figures are shown against it), or None."""
        return next(iter(self.benchmarks), None)

    def excess_return(self, benchmark: str) -> float:
        """GTR annual return minus the benchmark's (NaN when either is undefined)."""
        return float(self.gtr.annual_return - self.benchmarks[benchmark].annual_return)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``summary.json``): NaN is written as null, dates as strings."""
        d: dict[str, Any] = {
            "label": self.label,
            "point_in_time": self.point_in_time,
            "methodology": self.methodology,
            "methodology_hash": self.methodology_hash,
            "start": self.start,
            "end": self.end,
            "reviews": self.reviews,
            "score_sources": dict(self.score_sources),
            "cost_bps": self.cost_bps,
            "variants": {k: v.to_dict() for k, v in self.variants.items()},
            "benchmarks": {k: v.to_dict() for k, v in self.benchmarks.items()},
            "turnover": {
                "mean_per_review": self.turnover.mean_per_review,
                "per_year": dict(self.turnover.per_year),
            },
            "corporate_actions": self.corporate_actions,
            "warnings": list(self.warnings),
        }
        out: dict[str, Any] = json.loads(json.dumps(_json_value(d), default=str))
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> BacktestSummary:
        """Read the JSON form back (null → NaN)."""
        t = d.get("turnover") or {}
        return cls(
            label=str(d.get("label", "")),
            point_in_time=bool(d.get("point_in_time", False)),
            methodology=str(d.get("methodology", "")),
            methodology_hash=str(d.get("methodology_hash", "")),
            start=str(d.get("start", "")),
            end=str(d.get("end", "")),
            reviews=int(d.get("reviews", 0)),
            cost_bps=_float(d.get("cost_bps", 0.0)),
            variants={k: SeriesStats.from_dict(v) for k, v in (d.get("variants") or {}).items()},
            benchmarks={
                k: BenchmarkStats.from_dict(v) for k, v in (d.get("benchmarks") or {}).items()
            },
            turnover=TurnoverStats(
                _float(t.get("mean_per_review")),
                {str(k): _float(v) for k, v in (t.get("per_year") or {}).items()},
            ),
            corporate_actions=list(d.get("corporate_actions") or []),
            warnings=[str(w) for w in d.get("warnings") or []],
            score_sources={str(k): str(v) for k, v in (d.get("score_sources") or {}).items()},
        )
