"""Issue 18: the ROI gap's AI-revenue series has one definition in every year.

The bundled ledger has two global AI-revenue figures of different scope (figures.csv):
g165, $100 bn of "AI services" in 2025 (ai_services_revenue_usd_bn), and g069, $50-60 bn of
generative-AI software and services in 2026 (ai_revenue_usd_bn, seed 004). Spliced, they read
as a 2025 → 2026 dip of 45 bn; the series takes g069's definition only, g165 is shown beside it.
"""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from aiinfra import load_ledger
from aiinfra.app import app
from aiinfra.roi_gap import gap, gap_inputs
from aiinfra.roi_gap._inputs import REVENUE_DEFINITION, REVENUE_GLOBAL

AS_OF = "2026-12-04"


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


@pytest.fixture(scope="module")
def result(ledger):
    return gap(ledger, 2026, as_of=AS_OF)


def test_the_ledger_keeps_both_definitions_under_their_own_metric(ledger):
    f = ledger.figures.set_index("id")
    assert f.at["g165", "metric"] == "ai_services_revenue_usd_bn"
    assert (f.at["g165", "period"], float(f.at["g165", "value"])) == ("2025", 100.0)
    assert f.at["g069", "metric"] == "ai_revenue_usd_bn"
    assert (float(f.at["g069", "low"]), float(f.at["g069", "high"])) == (50.0, 60.0)
    # every figure of the series' metric and entity (hand-checked in figures.csv): g069 only
    rows = ledger.figures[
        (ledger.figures["metric"] == REVENUE_GLOBAL[0])
        & (ledger.figures["entity"] == REVENUE_GLOBAL[1])
    ]
    assert sorted(rows["id"]) == ["g069"]


def test_every_reported_point_of_the_series_has_its_definition(ledger):
    inputs = gap_inputs(ledger, AS_OF)
    rev = inputs.revenue
    reported = rev[rev["kind"] != "interpolated"]
    # one reported year: 2026 = midpoint of g069's 50-60; 2025 (g165, another scope) is empty
    assert list(reported.index) == [2026]
    assert reported.at[2026, "value"] == pytest.approx(55.0)
    assert reported.at[2026, "source"] == "g069 (estimate)"
    assert 2025 not in rev.index
    assert all("g165" not in str(s) for s in rev["sources"])


def test_the_2025_to_2026_dip_is_gone(result):
    t = result.years
    assert math.isnan(t.at[2025, "revenue"])  # was 100 (g165, "AI services")
    assert t.at[2026, "revenue"] == pytest.approx(55.0)
    # one point: 2026; no forecast of the series' definition, so no later year (issue 18)
    vals = t["revenue"].dropna()
    assert list(vals.index) == [2026]


def test_the_other_definition_is_shown_beside_the_series(result):
    rs = result.revenue_series
    assert rs["definition"] == REVENUE_DEFINITION
    assert rs["metric"] == "ai_revenue_usd_bn of global"
    g165 = [r for r in rs["other"] if r["source"] == "g165 (estimate)"]
    assert g165 == [
        {
            "year": 2025,
            "definition": "'AI services' revenue (a broader scope)",
            "metric": "ai_services_revenue_usd_bn",
            "value": 100.0,
            "low": 100.0,
            "high": 100.0,
            "source": "g165 (estimate)",
        }
    ]
    note = " ".join(result.notes)
    assert "2025 100 ('AI services' revenue (a broader scope), g165 (estimate))" in note
    assert "AI revenue stops at 2026" in note  # no interpolation to another definition


def test_cli_states_the_definition_in_table_and_json():
    runner = CliRunner()
    args = ["gap", "--as-of", AS_OF]
    out = runner.invoke(app, [*args, "--format", "json"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["revenue_series"]["definition"] == REVENUE_DEFINITION
    years = {r["year"]: r for r in doc["years"]}
    assert years[2025]["revenue"] is None and years[2026]["revenue"] == pytest.approx(55.0)
    table = runner.invoke(app, args, catch_exceptions=False)
    assert table.exit_code == 0, table.output
    flat = " ".join(table.stdout.split())
    assert "AI revenue = generative-AI software and services revenue" in flat
