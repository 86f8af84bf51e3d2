"""Issue 18: one definition of AI revenue per series, also after the last reported year.

The ROI gap's AI revenue (generative-AI software and services, ``ai_revenue_usd_bn`` of
``global``) was interpolated from its 2026 point (g069) to g017, SemiAnalysis' forecast of the
labs' ARR ("above $300 bn by 2030") — another metric. Now a year after the last reported one is
interpolated only to a forecast of the series' own metric; the bundled ledger has none, so the
series stops at 2026 and g017 is a labelled reference series beside it, never joined to it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiinfra import load_ledger
from aiinfra.app import app
from aiinfra.roi_gap import gap, gap_inputs
from aiinfra.roi_gap._inputs import REVENUE_DEFINITION, REVENUE_GLOBAL

AS_OF = "2026-12-04"
HEADER = "id,metric,entity,period,value,low,high,kind,source,source_date,notes\n"


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


@pytest.fixture(scope="module")
def result(ledger):
    return gap(ledger, 2026, as_of=AS_OF)


def _overlay(tmp_path: Path, *rows: str) -> Path:
    (tmp_path / "figures.csv").write_text(HEADER + "".join(r + "\n" for r in rows))
    return tmp_path


def _interpolation_targets(inputs) -> set[str]:
    rev = inputs.revenue
    return {
        str(rev.at[y, "sources"]) for y in rev.index if str(rev.at[y, "kind"]) == "interpolated"
    }


def test_no_interpolated_year_uses_a_forecast_of_another_metric(ledger):
    inputs = gap_inputs(ledger, AS_OF)
    figs = ledger.figures.set_index("id")
    for fid in _interpolation_targets(inputs):  # none in the bundled ledger (below)
        assert (figs.at[fid, "metric"], figs.at[fid, "entity"]) == REVENUE_GLOBAL
    # the ledger's only AI-revenue forecast is g017, the labs' ARR: not a target, so the series
    # stops at its last reported year
    assert _interpolation_targets(inputs) == set()
    assert list(inputs.revenue.index) == [2026]
    assert inputs.forecast == {}
    assert (figs.at["g017", "metric"], figs.at["g017", "kind"]) == ("arr_usd_bn", "forecast")


def test_the_years_after_2026_have_no_revenue_gap_or_coverage(result):
    t = result.years
    for y in range(2027, 2031):
        assert not math.isnan(t.at[y, "required"])  # capex still follows its own forecast
        for col in ("revenue", "gap", "coverage", "net_revenue", "net_gap", "net_coverage"):
            assert math.isnan(t.at[y, col]), (y, col)
        assert t.at[y, "revenue_kind"] == ""


def test_the_other_definition_forecast_is_a_labelled_reference_series(result, ledger):
    rs = result.revenue_series
    assert rs["definition"] == REVENUE_DEFINITION
    assert rs["years"] == rs["reported_years"] == [2026]
    assert rs["interpolated_years"] == [] and rs["interpolated_to"] is None
    g017 = ledger.figures.set_index("id").loc["g017"]
    [ref] = rs["reference"]
    assert ref["id"] == "g017" and ref["year"] == int(g017["period"])
    assert ref["metric"] == f"{g017['metric']} of {g017['entity']}"
    assert "ARR" in ref["definition"] and ref["definition"] != REVENUE_DEFINITION
    # "above $300 bn": only a low end is stated, so the value is that bound, labelled so
    assert math.isnan(float(g017["value"])) and ref["value"] == float(g017["low"])
    assert ref["bound"] == "at least"
    # not joined to the line: the series has no point in the reference's year
    assert ref["year"] not in rs["years"]
    note = next(n for n in result.notes if n.startswith("AI revenue stops at 2026"))
    assert "no forecast of " + REVENUE_DEFINITION in note
    assert "at least 300 in 2030 (g017 (forecast))" in note


def test_no_growth_rate_across_definitions(result):
    g = result.growth
    assert "forecast_cagr" not in g and "forecast_closes_gap" not in g
    assert g["needed_cagr"] == pytest.approx(
        (result.years.at[2030, "required"] / result.years.at[2026, "revenue"]) ** (1 / 4) - 1
    )


def test_a_forecast_of_the_same_metric_is_interpolated_to(tmp_path):
    led = load_ledger(_overlay(tmp_path,
        "gx1,ai_revenue_usd_bn,global,2029,400,300,500,forecast,https://example.com/a,"
        "2026-03-01,a forecast of the series' definition (test)",
    ))  # fmt: skip
    inputs = gap_inputs(led, AS_OF)
    rev = inputs.revenue
    assert _interpolation_targets(inputs) == {"gx1"}
    assert list(rev.index) == [2026, 2027, 2028, 2029]
    assert rev.at[2029, "value"] == 400 and rev.at[2029, "kind"] == "forecast"
    # log-linear from 55 (g069's midpoint) to 400 over three years
    step = (400 / 55) ** (1 / 3)
    assert rev.at[2027, "value"] == pytest.approx(55 * step)
    assert rev.at[2028, "value"] == pytest.approx(55 * step**2)
    r = gap(led, 2026, as_of=AS_OF)
    assert r.revenue_series["interpolated_to"]["id"] == "gx1"
    assert r.revenue_series["interpolated_years"] == [2027, 2028]
    assert math.isnan(r.years.at[2030, "revenue"])  # nothing after the forecast
    assert r.growth["forecast"]["id"] == "gx1"
    assert "AI revenue 2027-2028 is interpolated (log-linear) to gx1" in " ".join(r.notes)


def test_a_forecast_of_another_metric_never_becomes_a_target(tmp_path):
    # more forecasts of other metrics (a broader scope, another entity): still no target
    led = load_ledger(_overlay(tmp_path,
        "gx2,ai_services_revenue_usd_bn,global,2028,400,,,forecast,https://example.com/b,"
        "2026-03-01,test",
        "gx3,ai_revenue_usd_bn,openai,2028,90,,,forecast,https://example.com/c,2026-03-01,test",
    ))  # fmt: skip
    inputs = gap_inputs(led, AS_OF)
    assert list(inputs.revenue.index) == [2026] and _interpolation_targets(inputs) == set()
    ref = inputs.revenue_reference
    assert ref is not None
    assert set(ref["id"]) == {"g017", "gx2"}  # gx3 is a company's figure, not a global series
    assert ref.set_index("id").at["gx2", "bound"] == ""


def test_cli_and_json_say_so():
    runner = CliRunner()
    out = runner.invoke(app, ["gap", "--as-of", AS_OF, "--format", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert [r["id"] for r in doc["revenue_series"]["reference"]] == ["g017"]
    assert doc["revenue_series"]["interpolated_to"] is None
    assert all(r["revenue"] is None for r in doc["years"] if r["year"] > 2026)
    assert "forecast" not in doc["growth"] and "forecast_note" in doc["growth"]
    table = runner.invoke(app, ["gap", "--as-of", AS_OF])
    assert table.exit_code == 0, table.output
    err = " ".join(table.stderr.split())
    assert "AI revenue stops at 2026" in err and "g017" in err
    assert "no forecast of the same definition to compare it with" in err
    assert "interpolated to" not in table.stdout + err
