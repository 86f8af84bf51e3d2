"""`aiinfra gap` on the bundled ledger: the seed-004 check, bad input, and Monte Carlo on Dask."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from aiinfra.app import app

runner = CliRunner()


def gap_json(*args: str) -> dict:
    result = runner.invoke(app, ["gap", *args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_gap_2026_reproduces_seed_004_and_names_what_moves_it():
    doc = gap_json("--year", "2026", "--as-of", "2026-11-01")
    y = doc["year"]
    assert y["year"] == 2026
    assert 450 <= y["capex"] <= 550 and 1800 <= y["required"] <= 2200
    assert 50 <= y["revenue"] <= 60
    sens = doc["sensitivity"]
    assert sens[0]["swing"] == max(s["swing"] for s in sens)
    assert sens[0]["parameter"] in {"gross_margin", "gpu_share", "capex band"}
    # every parameter with default, range and source
    for name, p in doc["parameters"].items():
        assert p["low"] <= p["value"] <= p["high"] or name == "nvidia_share", name
        assert p["source"]
    assert doc["growth"]["target_year"] == 2030 and doc["growth"]["needed_cagr"] > 0


def test_table_output_and_notes_on_stderr():
    result = runner.invoke(app, ["gap", "--year", "2026", "--as-of", "2026-11-01"])
    assert result.exit_code == 0
    assert "required 2000" in result.stdout
    assert "moves the gap most" in result.stderr and "AI revenue stops at 2026" in result.stderr


def test_set_method_and_spend_change_the_answer():
    base = gap_json("--year", "2026", "--as-of", "2026-11-01")["year"]["required"]
    margin = gap_json("--year", "2026", "--as-of", "2026-11-01", "--set", "gross_margin=0.7")
    # revenue = cost / (1 - margin): from 0.5 to 0.7 the requirement grows by 0.5 / 0.3
    assert margin["year"]["required"] == pytest.approx(base * 0.5 / 0.3)
    capex = gap_json("--year", "2026", "--as-of", "2026-11-01", "--method", "capex")
    assert capex["year"]["required"] == pytest.approx(500 * 0.3 / 0.5)
    capex7 = gap_json(
        "--year", "2026", "--as-of", "2026-11-01", "--method", "capex", "--set", "gross_margin=0.7"
    )  # fmt: skip
    assert capex7["year"]["required"] == pytest.approx(500 * 0.3 / 0.3)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--set", "bogus=1"], "bogus"),
        (["--set", "gross_margin=abc"], "gross_margin=abc"),
        (["--set", "gross_margin=1"], "gross_margin"),
        (["--year", "2019"], "2019"),
        (["--samples", "10", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "either"),
    ],
)
def test_bad_input_exits_2_and_names_it(args, needle):
    result = runner.invoke(app, ["gap", *args])
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert "Traceback" not in result.output


def test_an_unreachable_scheduler_exits_3_and_says_so():
    result = runner.invoke(app, ["gap", "--samples", "10", "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 3, result.output
    assert "tcp://127.0.0.1:1" in result.output and "Traceback" not in result.output


def test_monte_carlo_is_identical_locally_and_on_a_dask_cluster():
    distributed = pytest.importorskip("distributed")
    args = ("--year", "2026", "--as-of", "2026-11-01", "--samples", "400000", "--seed", "9")
    serial = gap_json(*args)
    local = gap_json(*args, "--workers", "2")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        on_dask = gap_json(*args, "--scheduler", cluster.scheduler_address)
    assert serial["montecarlo"] == local["montecarlo"] == on_dask["montecarlo"]
    assert serial["montecarlo"]["samples"] == 400_000
