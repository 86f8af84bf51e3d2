"""`aiinfra gap` net of circularity on the bundled ledger: the JSON keys, the table, the basis."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from aiinfra import load_ledger
from aiinfra.app import app
from aiinfra.flows import flow_graph
from aiinfra.roi_gap import circular_share

runner = CliRunner()
ARGS = ("--year", "2026", "--as-of", "2026-11-01")


def gap_json(*args: str) -> dict:
    result = runner.invoke(app, ["gap", *args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_has_the_net_figures_beside_the_gross_ones():
    doc = gap_json(*ARGS, "--samples", "20000", "--seed", "2")
    y = doc["year"]
    for key in ("circular_share", "circular_share_own", "circular_as_of", "circular_paid",
                "circular_source", "net_revenue", "net_revenue_low", "net_revenue_high",
                "net_gap", "net_coverage"):  # fmt: skip
        assert key in y, key
        assert all(key in r for r in doc["years"]), key
    s = circular_share(flow_graph(load_ledger(), "2026-11-01")).share
    assert y["circular_share"] == pytest.approx(s, rel=1e-12)
    assert y["net_revenue"] == pytest.approx(y["revenue"] * (1 - s), rel=1e-12)
    assert y["net_gap"] == pytest.approx(y["required"] - y["net_revenue"], rel=1e-12)
    assert "flow graph (committed) on 2026-11-01" in y["circular_source"]
    mc = {r["year"]: r for r in doc["montecarlo"]["years"]}[2026]
    for key in ("net_gap_mean", "net_gap_p5", "net_gap_p50", "net_gap_p95", "net_revenue_mean",
                "circular_share_p5", "circular_share_p95", "p_net_coverage_ge_1"):  # fmt: skip
        assert key in mc, key
    assert mc["net_gap_p5"] <= mc["net_gap_p50"] <= mc["net_gap_p95"]
    circ = doc["circularity"]
    assert circ["basis"] == "committed" and circ["draws"] == 1000
    assert circ["payer_layers"] == ["model_lab"] and "hyperscaler" in circ["group_layers"]
    graph = circ["graphs"]["2026-11-01"]
    assert graph["share"] == pytest.approx(s, rel=1e-12)
    # whose money: the funders' amounts add up to the circular money
    assert sum(f["circular"] for f in graph["by_funder"]) == pytest.approx(graph["circular"])
    # the same seed gives the same figures
    assert gap_json(*ARGS, "--samples", "20000", "--seed", "2")["montecarlo"] == doc["montecarlo"]


def test_table_shows_net_columns_and_says_what_s_is():
    result = runner.invoke(app, ["gap", *ARGS], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "net of circularity 48" in result.stdout  # 55 × (1 − 138 / 1082.4) = 47.99
    for col in ("circular_share", "net_revenue", "net_gap", "net_coverage"):
        assert col in result.stdout
    assert "net of circularity 2026: s = 12.7%" in result.stderr


def test_csv_has_the_net_gap_percentiles():
    result = runner.invoke(app, ["gap", *ARGS, "--samples", "5000", "--format", "csv"])
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0].split(",")
    assert {"net_gap", "net_gap_p5", "net_gap_p50", "net_gap_p95"} <= set(header)


def test_net_basis_option_and_a_bad_one():
    ann = gap_json(*ARGS, "--net-basis", "annualised")
    s = circular_share(flow_graph(load_ledger(), "2026-11-01", "annualised")).share
    assert ann["circularity"]["basis"] == "annualised"
    assert ann["year"]["circular_share"] == pytest.approx(s, rel=1e-12)
    bad = runner.invoke(app, ["gap", *ARGS, "--net-basis", "weekly"])
    assert bad.exit_code == 2 and "weekly" in bad.output


def test_a_year_without_ai_revenue_prints_a_dash_not_a_traceback():
    result = runner.invoke(app, ["gap", "--year", "2023", "--as-of", "2026-11-01"])
    assert result.exit_code == 0, result.output
    assert "AI revenue –" in result.stdout.replace("\n", " ")
