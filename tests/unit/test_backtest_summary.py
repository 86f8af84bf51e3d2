"""The typed backtest summary: JSON round trip, NaN as null, the reference benchmark."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from aiinfra.backtest import BacktestSummary, BenchmarkStats, SeriesStats, TurnoverStats


def _levels(seed: int, n: int = 300) -> pd.Series:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2020-01-01", periods=n)
    return pd.Series(100 * np.exp(np.cumsum(rng.normal(0.0004, 0.01, n))), index=idx)


def _summary(**kw: object) -> BacktestSummary:
    gtr = _levels(1)
    base = {
        "label": "point-in-time",
        "point_in_time": True,
        "methodology": "m",
        "methodology_hash": "abc",
        "start": "2020-01-01",
        "end": "2021-02-23",
        "reviews": 4,
        "cost_bps": 5.0,
        "variants": {v: SeriesStats.from_levels(gtr) for v in ("PR", "GTR", "NTR")},
        "benchmarks": {
            "SMH": BenchmarkStats.against(_levels(2), gtr),
            "QQQ": BenchmarkStats.against(_levels(3), gtr),
        },
        "turnover": TurnoverStats(float("nan"), {"2020": 0.5}),
        "warnings": ["a price was NaN on 2020-03-02"],
    }
    base.update(kw)
    return BacktestSummary(**base)  # type: ignore[arg-type]


def test_round_trip_keeps_every_field_and_nan() -> None:
    s = _summary()
    d = s.to_dict()
    back = BacktestSummary.from_dict(json.loads(json.dumps(d)))
    assert back.to_dict() == d
    assert math.isnan(back.turnover.mean_per_review)
    assert back.gtr == s.gtr
    assert list(back.benchmarks) == ["SMH", "QQQ"]


def test_nan_is_null_in_json_but_text_keeps_the_word_nan() -> None:
    d = _summary().to_dict()
    assert d["turnover"]["mean_per_review"] is None
    # the old writer replaced "NaN" in the whole JSON text, warnings included
    assert d["warnings"] == ["a price was NaN on 2020-03-02"]
    json.dumps(d, allow_nan=False)  # strict JSON


def test_stats_follow_from_the_levels() -> None:
    lv = pd.Series([100.0, 110.0, 99.0], index=pd.bdate_range("2021-01-04", periods=3))
    st = SeriesStats.from_levels(lv)
    assert st.total_return == pytest.approx(-0.01, rel=1e-12)
    assert st.max_drawdown == pytest.approx(99 / 110 - 1, rel=1e-12)


def test_reference_benchmark_is_the_first_asked_and_excess_return() -> None:
    s = _summary()
    assert s.reference_benchmark == "SMH"
    assert s.excess_return("QQQ") == pytest.approx(
        s.gtr.annual_return - s.benchmarks["QQQ"].annual_return, rel=0, abs=0
    )
    assert _summary(benchmarks={}).reference_benchmark is None


def test_report_metrics_table_is_relative_to_the_first_benchmark() -> None:
    from aiinfra.report._build import _Fmt, _metrics_table

    lv = pd.DataFrame({"GTR": _levels(1), "bench_SMH": _levels(2), "bench_QQQ": _levels(3)})
    cols = ["GTR", "bench_SMH", "bench_QQQ"]
    t = _metrics_table(lv, cols, "SMH", "en", _Fmt("en"))
    assert "β (SMH)" in t.columns and not any("QQQ)" in c for c in t.columns)
    # the reference itself has no relative figures, the others do
    assert t.loc[1, "β (SMH)"] == "–" and t.loc[0, "β (SMH)"] != "–"
    bare = _metrics_table(lv[["GTR"]], ["GTR"], None, "en", _Fmt("en"))
    assert not any("β" in c for c in bare.columns)
