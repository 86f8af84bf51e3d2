"""The ROI-gap model: formulas by hand, inputs from the ledger, sensitivity, Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from aiinfra import load_ledger
from aiinfra.exceptions import InvalidParameterError
from aiinfra.parallel import LocalExecutor, SerialExecutor
from aiinfra.roi_gap import PARAMETERS, gap, gap_inputs, make_params, required_revenue

AS_OF = "2026-11-01"


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


@pytest.fixture(scope="module")
def base(ledger):
    return gap(ledger, 2026, as_of=AS_OF)


def test_the_seed_004_magnitudes(base):
    row = base.row()
    assert row["capex"] == pytest.approx(500)  # ~$500 bn AI capex (g067)
    assert 1800 <= row["required"] <= 2200  # ~$2 tn needed
    assert 50 <= row["revenue"] <= 60  # ~$50-60 bn AI revenue (g069)
    assert row["coverage"] == pytest.approx(row["revenue"] / row["required"])
    assert row["gap"] == pytest.approx(row["required"] - row["revenue"])


@pytest.mark.parametrize(
    ("method", "kw", "expected"),
    [
        ("sequoia", {}, 500 / 0.5 / 0.5),
        # 500 / 0.4 = 1,250 data-centre cost; the end users keep 60 %: 1,250 / 0.4 = 3,125
        ("sequoia", {"gpu_share": 0.4, "gross_margin": 0.6}, 3125.0),
        ("sequoia", {"gross_margin": 0.7}, 500 / 0.5 / 0.3),
        ("sequoia", {"gross_margin": 0.4}, 500 / 0.5 / 0.6),
        ("capex", {}, 500 * (1 / 5 + 0.10) / 0.5),
        ("capex", {"useful_life": 3, "required_return": 0.15}, 500 * (1 / 3 + 0.15) / 0.5),
        # capital charge 500 × 0.3 = 150 a year; at a 70 % margin it is 30 % of revenue: 500
        ("capex", {"gross_margin": 0.7}, 500.0),
        ("capex", {"gross_margin": 0.4}, 250.0),
    ],
)
def test_required_revenue_by_hand(method, kw, expected):
    args = {"gpu_share": 0.5, "gross_margin": 0.5, "useful_life": 5, "required_return": 0.1}
    got = required_revenue(500.0, None, method=method, **{**args, **kw})
    assert got == pytest.approx(expected, rel=1e-12)


def test_cahns_arithmetic_off_the_even_margin():
    # 150 of NVIDIA revenue / 0.4 GPU share = 375 data-centre cost; / (1 - 0.6) = 937.5
    got = required_revenue(
        None, 150.0, method="sequoia", gpu_share=0.4, gross_margin=0.6,
        useful_life=5, required_return=0.1, use_nvidia=True,
    )  # fmt: skip
    assert float(got) == pytest.approx(937.5, rel=1e-12)


@pytest.mark.parametrize("method", ["sequoia", "capex"])
def test_a_higher_margin_needs_more_revenue(method):
    margins = np.linspace(0.0, 0.95, 96)
    req = required_revenue(
        np.full_like(margins, 500.0), np.full_like(margins, 150.0), method=method,
        gpu_share=0.5, gross_margin=margins, useful_life=5, required_return=0.1,
    )  # fmt: skip
    assert np.all(np.diff(req) > 0)
    # revenue x margin leaves the cost: (1 - m) x required is the same at every margin
    assert np.allclose(req * (1 - margins), req[0], rtol=1e-12)


def test_the_margin_moves_the_gap_in_the_right_direction(ledger, base):
    hi = gap(ledger, 2026, as_of=AS_OF, params={"gross_margin": 0.6}).row()
    assert hi["required"] == pytest.approx(base.row()["capex"] / 0.5 / 0.4, rel=1e-12)
    assert hi["required_capex"] == pytest.approx(base.row()["capex"] * 0.3 / 0.4, rel=1e-12)
    tor = base.tornado.set_index("parameter").loc["gross_margin"]
    assert tor["gap_at_high"] > tor["gap_at_low"]  # 70 % needs more than 40 %


def test_sequoia_on_nvidia_run_rate_is_cahns_arithmetic(ledger):
    r = gap(ledger, 2026, as_of=AS_OF, params={"spend": "nvidia"})
    row = r.row()
    # NVIDIA FY2027-Q1 guidance 78 (g125) × 4 = 312 → ×2 (TCO) ×2 (margin)
    assert row["spend_nvidia"] == pytest.approx(4 * 78)
    assert row["required"] == pytest.approx(4 * 78 * 4)
    half = gap(ledger, 2026, as_of=AS_OF, params={"spend": "nvidia", "nvidia_share": 0.8})
    assert half.row()["required"] == pytest.approx(4 * 78 * 4 / 0.8)


def test_other_method_is_reported_alongside(base):
    row = base.row()
    assert row["required_capex"] == pytest.approx(row["capex"] * 0.3 / 0.5)


def test_nothing_known_after_as_of_is_used(ledger):
    early = gap_inputs(ledger, "2025-06-30")
    figs = ledger.figures.set_index("id")
    for frame in (early.capex, early.revenue):
        for text in frame["sources"]:
            for fid in [t.split(" ")[0] for t in str(text).replace("labs: ", "").split("; ")]:
                for part in fid.split("+"):
                    part = part.strip()
                    if part in figs.index:
                        assert figs.at[part, "source_date_known"] <= pd.Timestamp("2025-06-30")
    assert 2026 not in early.revenue.index or "g069" not in early.revenue.at[2026, "sources"]


def test_sources_that_disagree_make_the_band_and_stale_ones_drop(base):
    row = base.row()
    # 2026: AI capex 500 (g067); the big four's guidance × ai_share spans 0.75 × 470 … 0.75 × 700;
    # the Feb-2025 forecast of 367 (g254) is more than a year older than the newest: left out
    assert row["capex_low"] == pytest.approx(0.75 * 470)
    assert row["capex_high"] == pytest.approx(0.75 * 700)
    assert "g254" not in base.years.at[2026, "capex_source"]
    # revenue: global estimate 50-60 (g069) and the labs' ARR add up to the band
    assert row["revenue_low"] == pytest.approx(50)
    assert row["revenue_high"] > 60


def test_later_capex_follows_the_cumulative_forecast(base):
    t = base.years
    path = t.loc[2025:2030, "capex"]
    assert path.sum() == pytest.approx(5200)  # McKinsey 2025-2030 base case (g204)
    growth = (path.loc[2027:] / path.shift(1).loc[2027:]).to_numpy()
    assert np.allclose(growth, growth[0])  # one constant growth rate


def test_growth_needed_and_the_forecast(base):
    g, t = base.growth, base.years
    n = g["target_year"] - g["from_year"]
    assert g["needed_cagr"] == pytest.approx(
        (t.at[2030, "required"] / t.at[2026, "revenue"]) ** (1 / n) - 1
    )
    # the ledger's only revenue forecast is the labs' ARR (g017), another definition: no growth
    # rate is implied across definitions (issue 18; tests/unit/test_gap_issue18_definition.py)
    assert "forecast" not in g and "forecast_cagr" not in g
    assert g["forecast_note"].startswith("no forecast of generative-AI software and services")
    assert g["needed_cagr_published"] == pytest.approx((2000 / 55) ** (1 / 4) - 1)


def test_the_tornado_is_one_at_a_time_and_sorted(ledger, base):
    tor = base.tornado
    assert list(tor["swing"]) == sorted(tor["swing"], reverse=True)
    gm = tor.set_index("parameter").loc["gross_margin"]
    at_low = gap(ledger, 2026, as_of=AS_OF, params={"gross_margin": PARAMETERS["gross_margin"].low})
    assert gm["gap_at_low"] == pytest.approx(at_low.row()["gap"])
    assert gm["swing"] == pytest.approx(abs(gm["gap_at_high"] - gm["gap_at_low"]))
    assert {"gross_margin", "gpu_share", "capex band", "revenue band"} <= set(tor["parameter"])


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"gross_margin": 1}, "gross_margin"),
        ({"gross_margin": -0.1}, "gross_margin"),
        ({"gpu_share": 1.5}, "gpu_share"),
        ({"method": "magic"}, "method"),
        ({"bogus": 1}, "bogus"),
        ({"useful_life": math.inf}, "useful_life"),
    ],
)
def test_bad_parameters_name_themselves(params, needle):
    with pytest.raises(InvalidParameterError, match=needle):
        make_params(params)


def test_a_year_without_inputs_is_an_error(ledger):
    with pytest.raises(InvalidParameterError, match=r"year.*2019"):
        gap(ledger, 2019, as_of=AS_OF)


def test_monte_carlo_is_seeded_and_independent_of_workers(ledger):
    a = gap(ledger, 2026, as_of=AS_OF, samples=30_000, seed=3, chunk_size=7_000).montecarlo
    b = gap(
        ledger, 2026, as_of=AS_OF, samples=30_000, seed=3, chunk_size=7_000,
        executor=LocalExecutor(2),
    ).montecarlo  # fmt: skip
    c = gap(
        ledger, 2026, as_of=AS_OF, samples=30_000, seed=3, chunk_size=7_000,
        executor=SerialExecutor(),
    ).montecarlo  # fmt: skip
    pd.testing.assert_frame_equal(a.summary, b.summary, check_exact=True)
    pd.testing.assert_frame_equal(a.summary, c.summary, check_exact=True)
    d = gap(ledger, 2026, as_of=AS_OF, samples=30_000, seed=4, chunk_size=7_000).montecarlo
    assert not a.summary.equals(d.summary)


def test_monte_carlo_stays_inside_the_corners(ledger, base):
    mc = gap(ledger, 2026, as_of=AS_OF, samples=50_000, seed=1).montecarlo.summary
    row = mc.loc[2026]
    assert row["gap_p5"] <= row["gap_p50"] <= row["gap_p95"]
    t = base.years.loc[2026]
    gpu, gm = PARAMETERS["gpu_share"], PARAMETERS["gross_margin"]
    # the most revenue is needed at the smallest GPU share and the highest margin
    most = t["capex_high"] / gpu.low / (1 - gm.high) - t["revenue_low"]
    least = t["capex_low"] / gpu.high / (1 - gm.low) - t["revenue_high"]
    assert least <= row["gap_p5"] and row["gap_p95"] <= most
    assert row["p_coverage_ge_1"] == 0.0  # no corner covers 2026
    # with every range collapsed to its default the distribution is a point mass per band draw
    assert 0 <= mc["p_covered_by_year"].max() <= 1


def test_monte_carlo_probability_of_coverage_can_be_positive(tmp_path):
    # the bundled series stops at 2026 (no forecast of its definition, issue 18): an overlay
    # adds one for 2030 (1000-1400 bn), and the capex method covers 2030 in some samples
    (tmp_path / "figures.csv").write_text(
        "id,metric,entity,period,value,low,high,kind,source,source_date,notes\n"
        "gx1,ai_revenue_usd_bn,global,2030,1200,1000,1400,forecast,https://example.com/f,"
        "2026-03-01,a forecast of the series' definition (test)\n"
    )
    r = gap(load_ledger(tmp_path), 2030, as_of=AS_OF, params={"method": "capex"},
            samples=50_000, seed=2)  # fmt: skip
    s = r.montecarlo.summary
    p = s["p_covered_by_year"]
    assert (p.diff().dropna() >= 0).all()  # "by year" is cumulative
    assert p.loc[2030] >= s.loc[2030, "p_coverage_ge_1"]
    assert 0 < s.loc[2030, "p_coverage_ge_1"] < 1  # possible, not certain
    # the probability is the share of samples whose revenue reaches the requirement
    assert s.loc[2030, "p_coverage_ge_1"] * 50_000 == pytest.approx(
        round(s.loc[2030, "p_coverage_ge_1"] * 50_000)
    )


def test_a_ledger_without_figures_gets_a_clear_error(tmp_path):
    from tests.index_fixtures import make_universe

    led, _ = make_universe(tmp_path, n=5)
    with pytest.raises(InvalidParameterError, match="no capex or AI-revenue figures"):
        gap(load_ledger(base=led), 2026, as_of=AS_OF)


def test_monte_carlo_histogram_matches_the_quantiles(ledger):
    mc = gap(ledger, 2026, as_of=AS_OF, samples=40_000, seed=5).montecarlo
    h = mc.histogram(2026, bins=100)
    assert int(h["count"].sum()) == 40_000 and len(h) == 100
    assert (h["right"] > h["left"]).all() and np.allclose(h["left"].iloc[1:], h["right"].iloc[:-1])
    # the median from the coarse histogram lies in the bin the summary's median falls in
    cum = h["count"].cumsum() / 40_000
    k = int((cum >= 0.5).idxmax())
    assert h.loc[k, "left"] <= mc.summary.loc[2026, "gap_p50"] <= h.loc[k, "right"]
    with pytest.raises(InvalidParameterError, match="`bins` must divide"):
        mc.histogram(2026, bins=7)
    with pytest.raises(InvalidParameterError, match="`year` 1999"):
        mc.histogram(1999)
    # a year without a revenue figure has no distribution: said, not drawn from NaN bounds
    empty = [y for y in mc.summary.index if not np.isfinite(mc.summary.loc[y, "gap_p50"])]
    assert empty, "expected a year without a finite gap (2023/2024 have no revenue band)"
    with pytest.raises(InvalidParameterError, match="no finite gap"):
        mc.histogram(empty[0])


def test_monte_carlo_mean_requirement_is_the_analytic_expectation(ledger, base):
    # Sequoia, 2026: required = capex / gpu / (1 - m) with capex ~ U(band), gpu ~ U(0.4, 0.6),
    # m ~ U(0.4, 0.7) independent, so E = E[capex] E[1/gpu] E[1/(1-m)]; the tolerance is five
    # standard errors of the sample mean
    n = 200_000
    mc = gap(ledger, 2026, as_of=AS_OF, samples=n, seed=11).montecarlo.summary
    t = base.years.loc[2026]
    c0, c1 = t["capex_low"], t["capex_high"]
    g0, g1 = PARAMETERS["gpu_share"].low, PARAMETERS["gpu_share"].high
    m0, m1 = PARAMETERS["gross_margin"].low, PARAMETERS["gross_margin"].high
    ec, ec2 = (c0 + c1) / 2, (c0**2 + c0 * c1 + c1**2) / 3

    def inv(a, b):  # E[1/X] and E[1/X^2] for X ~ U(a, b)
        return math.log(b / a) / (b - a), (1 / a - 1 / b) / (b - a)

    eg, eg2 = inv(g0, g1)
    em, em2 = inv(1 - m1, 1 - m0)
    mean = ec * eg * em
    sd = math.sqrt(ec2 * eg2 * em2 - mean**2)
    assert mc.loc[2026, "required_mean"] == pytest.approx(mean, abs=5 * sd / math.sqrt(n))
