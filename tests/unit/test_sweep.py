"""Methodology sweeps: the grid file, variant expansion, the table, the CLI (synthetic universe)."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.backtest import load_grid, methodology_paths, sweep
from aiinfra.exceptions import DataValidationError, InvalidParameterError, MissingDataError
from aiinfra.index import NOT_PIT_LABEL, load_methodology
from aiinfra.ledger import load_ledger
from aiinfra.parallel import LocalExecutor, SerialExecutor
from aiinfra.prices import CsvDirProvider
from tests.conftest import ROOT
from tests.index_fixtures import make_universe

runner = CliRunner()

#: rules that a 12-company synthetic universe can satisfy; scores known only today
OVERRIDES = {
    "pit_mode": "static_scores",
    "selection": {"min_n": 4, "min_per_category": 0, "target_n": 8},
    "eligibility": {"min_composite": {"new": 0, "existing": 0}},
    "weighting": {"ucits": None, "single_cap": 0.3},
}
WINDOW = {"start": "2022-06-01", "end": "2023-06-30"}


def grid(**parameters: object) -> dict[str, object]:
    return {"overrides": OVERRIDES, **WINDOW, "parameters": parameters}


@pytest.fixture(scope="module")
def universe(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_universe(tmp_path_factory.mktemp("sweep"), n=12, days=400)


@pytest.fixture(scope="module")
def ledger(universe):
    return load_ledger(base=universe[0])


def problems_of(exc: pytest.ExceptionInfo[DataValidationError]) -> list[tuple[str | None, str]]:
    return [(p.column, p.rule) for p in exc.value.problems]


# --- the grid: expansion ---------------------------------------------------------------------------


def test_grid_mode_is_the_cartesian_product_last_parameter_fastest():
    g = load_grid(grid(**{"weighting.single_cap": [0.2, 0.3], "selection.target_n": [5, 6, 7]}))
    vs = g.variants()
    assert [v.id for v in vs] == [f"v{i:04d}" for i in range(6)]
    assert [(v.values["weighting.single_cap"], v.values["selection.target_n"]) for v in vs] == [
        (0.2, 5), (0.2, 6), (0.2, 7), (0.3, 5), (0.3, 6), (0.3, 7),
    ]  # fmt: skip
    # the methodology's own validation ran, on the base with the overrides
    m = vs[4].methodology
    assert m is not None
    assert (m.weighting.single_cap, m.selection.target_n, m.selection.min_n) == (0.3, 6, 4)
    assert m.pit_mode == "static_scores" and m.weighting.ucits is None
    assert len({v.methodology.config_hash() for v in vs if v.methodology}) == 6


def test_mapping_values_are_merged_and_invalid_combinations_are_kept_as_rows():
    g = load_grid({
        "parameters": {
            "weighting.single_cap": [0.04, 0.08],
            "weighting.ucits": [None, {"threshold": 0.045}],  # aggregate comes from the base
            "scores.composite_weights": [{"qualitative": 0.7, "ai_revenue": 0.3}],
        }
    })  # fmt: skip
    vs = g.variants()
    assert [v.methodology is not None for v in vs] == [True, False, True, True]
    assert "ucits.threshold must be ≤ single_cap" in (vs[1].error or "")
    ucits = vs[3].methodology.weighting.ucits  # type: ignore[union-attr]
    assert ucits is not None and (ucits.threshold, ucits.aggregate) == (0.045, 0.35)
    assert vs[0].methodology.scores.composite_weights.ai_revenue == 0.3  # type: ignore[union-attr]


def test_random_mode_gives_each_variant_its_own_seed():
    spec = {
        "mode": "random",
        "seed": 3,
        "parameters": {
            "weighting.single_cap": {"low": 0.1, "high": 0.3},
            "selection.target_n": {"low": 5, "high": 8},
            "categories.C2.m": [1.0, 1.5, 2.0],
        },
    }
    ten = load_grid({**spec, "n": 10}).variants()
    again = load_grid({**spec, "n": 10}).variants()
    four = load_grid({**spec, "n": 4}).variants()
    other = load_grid({**spec, "n": 10, "seed": 4}).variants()
    assert [v.values for v in ten] == [v.values for v in again]
    assert [v.values for v in four] == [v.values for v in ten[:4]]  # independent of n
    assert [v.values for v in other] != [v.values for v in ten]
    caps = [v.values["weighting.single_cap"] for v in ten]
    ns = [v.values["selection.target_n"] for v in ten]
    assert all(0.1 <= c < 0.3 for c in caps) and len(set(caps)) == 10
    assert all(type(n) is int and 5 <= n <= 8 for n in ns)
    assert {v.values["categories.C2.m"] for v in ten} <= {1.0, 1.5, 2.0}


def test_every_methodology_path_is_offered():
    paths = methodology_paths()
    for p in ("weighting.single_cap", "selection.target_n", "categories.C7.m",
              "scores.composite_weights.qualitative", "weighting.ucits.threshold", "pit_mode"):  # fmt: skip
        assert p in paths
    assert "categories.C8.m" not in paths


# --- the grid: errors name the file and the key --------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "grid.yaml"
    p.write_text(text)
    return p


def test_schema_errors_name_the_file_and_every_key(tmp_path):
    p = write(tmp_path, """
mode: grid
n: 5
stat: 2019-01-01
cost_bps: -1
parameters:
  multipliers.C2: [1.0, 1.5]
  weighting.single_cap: {low: 0.05, high: 0.2}
  selection.target_n: []
""")  # fmt: skip
    with pytest.raises(DataValidationError) as info:
        load_grid(p)
    assert all(pr.file == str(p) for pr in info.value.problems)
    cols = {c for c, _ in problems_of(info)}
    assert {"stat", "cost_bps"} <= cols  # pydantic: unknown key, out of range
    p2 = write(tmp_path, """
n: 5
parameters:
  multipliers.C2: [1.0, 1.5]
  weighting.single_cap: {low: 0.05, high: 0.2}
  selection.target_n: []
  selection.core_fraction: [0.5, 0.5]
""")  # fmt: skip
    with pytest.raises(DataValidationError) as info:
        load_grid(p2)
    got = dict(problems_of(info))
    assert "did you mean categories.C2.m?" in got["parameters.multipliers.C2"]
    assert got["parameters.weighting.single_cap"] == "must be a list of values (mode: grid)"
    assert got["parameters.selection.target_n"] == "needs at least one value"
    assert got["parameters.selection.core_fraction"] == "lists a value twice"
    assert got["n"] == "is used only with mode: random"
    assert str(p2) in str(info.value) and "column 'parameters.multipliers.C2'" in str(info.value)


def test_random_mode_needs_n_and_seed_and_ordered_bounds():
    with pytest.raises(DataValidationError) as info:
        load_grid(
            {"mode": "random", "parameters": {"weighting.single_cap": {"low": 0.3, "high": 0.1}}}
        )
    got = dict(problems_of(info))
    assert got["n"] == got["seed"] == "is required with mode: random"
    assert got["parameters.weighting.single_cap"] == "needs numbers low ≤ high"


def test_a_value_invalid_in_every_variant_is_an_error_naming_it():
    with pytest.raises(DataValidationError) as info:
        load_grid(
            {"parameters": {"weighting.single_cap": [0.08, 8], "selection.target_n": [10, "x"]}}
        ).variants()
    got = {c: r for c, r in problems_of(info)}
    assert "value #2 is invalid in every variant" in got["parameters.weighting.single_cap"]
    assert "less than or equal to 1" in got["parameters.weighting.single_cap"]
    assert "valid integer" in got["parameters.selection.target_n"]
    # one variant valid is enough for a value to stay
    assert len(load_grid({"parameters": {"weighting.single_cap": [0.08, 0.04],
                                         "weighting.ucits": [None]}}).variants()) == 2  # fmt: skip


def test_bad_base_and_overrides_name_the_grid_keys(tmp_path):
    with pytest.raises(DataValidationError) as info:
        load_grid({"base": "nope.yaml", "parameters": {"pit_mode": ["vintage"]}})
    assert problems_of(info)[0][0] == "base" and "not found" in problems_of(info)[0][1]
    with pytest.raises(DataValidationError) as info:
        load_grid(
            {
                "overrides": {"weighting": {"single_kap": 0.1}},
                "parameters": {"pit_mode": ["vintage"]},
            }
        )
    assert problems_of(info)[0][0] == "overrides.weighting.single_kap"
    # a relative base is read next to the grid file
    (tmp_path / "m.yaml").write_text("selection: {target_n: 7}\n")
    g = load_grid(write(tmp_path, "base: m.yaml\nparameters: {pit_mode: [vintage]}\n"))
    assert g.variants()[0].methodology.selection.target_n == 7  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "rule"),
    [("parameters: [", "is not valid YAML"), ("- 1\n- 2\n", "must be a YAML mapping"),
     ("start: 2024-01-01\nend: 2023-01-01\nparameters: {pit_mode: [vintage]}\n", "must be after start")],
)  # fmt: skip
def test_unreadable_grid_files(tmp_path, text, rule):
    with pytest.raises(DataValidationError, match=re.escape(rule)):
        load_grid(write(tmp_path, text))
    with pytest.raises(InvalidParameterError, match="`GRID` file not found"):
        load_grid(tmp_path / "missing.yaml")


# --- running -------------------------------------------------------------------------------------


def test_the_table_has_one_row_per_variant_and_failures_as_status_rows(universe, ledger):
    g = grid(**{"weighting.single_cap": [0.1, 0.3], "selection.target_n": [5, 8]})
    res = sweep(g, universe[1], ledger=ledger)
    t = res.to_frame()
    assert list(t["variant"]) == ["v0000", "v0001", "v0002", "v0003"]
    assert list(t.columns[:3]) == ["variant", "weighting.single_cap", "selection.target_n"]
    # 5 or 8 names cannot hold a 10 % cap (at most 50 % / 80 % can be allocated)
    assert list(t["status"]) == ["infeasible_capping", "infeasible_capping", "ok", "ok"]
    assert t.loc[0, "error"].startswith("5 names cannot satisfy the 10 % cap")
    assert t.loc[:1, "annual_return"].isna().all() and t.loc[2:, "annual_return"].notna().all()
    ok = t[t["status"] == "ok"]
    assert (ok["constituents_last"] == [5, 8]).all() and (ok["reviews"] == 5).all()
    assert ok["label"].eq(NOT_PIT_LABEL).all() and t.attrs["label"] == NOT_PIT_LABEL
    assert res.point_in_time is False and res.counts() == {"ok": 2, "infeasible_capping": 2}
    assert ((ok["turnover"] > 0) & (ok["turnover"] <= 1)).all()
    assert t["methodology_hash"].notna().all() and t["methodology_hash"].is_unique


def test_metrics_match_a_backtest_of_the_same_variant(universe, ledger):
    from aiinfra import metrics
    from aiinfra.backtest import backtest

    g = load_grid({**grid(**{"categories.C2.m": [2.0]}), "benchmarks": ["T01"], "cost_bps": 5})
    row = sweep(g, universe[1], ledger=ledger).to_frame().iloc[0]
    m = g.variants()[0].methodology
    bt = backtest(ledger, CsvDirProvider(universe[1]).get, m, "2022-06-01", "2023-06-30",
                  benchmarks=["T01"], cost_bps=5)  # fmt: skip
    gtr = bt.summary["variants"]["GTR"]
    r = metrics.returns_from_levels(bt.levels["GTR"])
    assert (
        row["annual_return"] == gtr["annual_return"] and row["sharpe_ratio"] == gtr["sharpe_ratio"]
    )
    assert row["max_drawdown"] == metrics.max_drawdown(r) and row[
        "sortino_ratio"
    ] == metrics.sortino_ratio(r)
    assert row["turnover"] == bt.turnover["turnover"].iloc[1:].mean()
    bench = bt.summary["benchmarks"]["T01"]
    assert row["excess_return_T01"] == gtr["annual_return"] - bench["annual_return"]
    assert row["information_ratio_T01"] == bench["information_ratio_gtr"]
    assert row["methodology_hash"] == bt.summary["methodology_hash"]


def test_identical_tables_whatever_the_executor_chunking_or_price_source(universe, ledger):
    spec = {**grid(**{"weighting.single_cap": {"low": 0.15, "high": 0.4},
                      "selection.target_n": [5, 6, 8], "categories.C3.m": {"low": 0.5, "high": 2.0}}),
            "mode": "random", "n": 6, "seed": 11, "benchmarks": ["T02"]}  # fmt: skip
    serial = sweep(spec, universe[1], ledger=ledger, executor=SerialExecutor()).to_frame()
    frames = {t: CsvDirProvider(universe[1]).get(t) for t in CsvDirProvider(universe[1]).tickers()}
    with LocalExecutor(2) as ex:
        two = sweep(spec, universe[1], ledger=ledger, executor=ex, chunk_size=1).to_frame()
        mapped = sweep(spec, frames, ledger=ledger, executor=ex, chunk_size=4).to_frame()
    assert (serial["status"] == "ok").sum() >= 4
    pd.testing.assert_frame_equal(serial, two, check_exact=True)
    pd.testing.assert_frame_equal(serial, mapped, check_exact=True)


def test_a_scores_vintage_window_is_labelled_point_in_time(universe, ledger):
    over = {**OVERRIDES, "pit_mode": "vintage", "scores": {"max_vintage_age_reviews": None}}
    res = sweep({"overrides": over, **WINDOW, "parameters": {"selection.target_n": [5]}},
                universe[1], ledger=ledger)  # fmt: skip
    assert res.point_in_time and res.to_frame().loc[0, "label"] == "point-in-time"


def test_no_variant_forming_an_index_is_a_table_not_an_error(universe, ledger):
    res = sweep(grid(**{"selection.min_n": [30, 40]}), universe[1], ledger=ledger)
    assert list(res.to_frame()["status"]) == ["insufficient_constituents"] * 2
    assert "fewer than the minimum of 30" in res.to_frame().loc[0, "error"]
    assert res.notes[0].startswith("no variant formed an index")


def test_missing_inputs_stop_before_any_backtest(universe, ledger, tmp_path):
    g = grid(**{"selection.target_n": [5]})
    with pytest.raises(MissingDataError, match="benchmark QQQ"):
        sweep({**g, "benchmarks": ["QQQ"]}, universe[1], ledger=ledger)
    with pytest.raises(InvalidParameterError, match="`prices` directory does not exist"):
        sweep(g, tmp_path / "nope", ledger=ledger)
    with pytest.raises(InvalidParameterError, match="`chunk_size` must be a positive integer"):
        sweep(g, universe[1], ledger=ledger, chunk_size=0)


def test_progress_counts_variants(universe, ledger):
    seen: list[tuple[int, int]] = []
    sweep(grid(**{"selection.target_n": [4, 5, 6]}), universe[1], ledger=ledger, chunk_size=2,
          progress=lambda d, n: seen.append((d, n)))  # fmt: skip
    assert seen == [(0, 3), (2, 3), (3, 3)]


# --- the command line ----------------------------------------------------------------------------


def cli(universe, *args: str):
    return runner.invoke(app, ["--prices", str(universe[1]), "sweep", *args,
                               "--data", str(universe[0])], catch_exceptions=False)  # fmt: skip


def test_cli_bad_grid_exits_2_naming_file_and_field(universe, tmp_path):
    p = write(tmp_path, "parameters:\n  weighting.single_cap: [0.1, 2]\n  weighting.cap: [0.1]\n")
    r = cli(universe, str(p), "--workers", "1")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert str(p) in r.output and "column 'parameters.weighting.cap'" in r.output
    assert "did you mean weighting.single_cap?" in r.output
    r = cli(universe, str(p), "--format", "json")
    err = json.loads(r.stderr)["error"]
    assert err["type"] == "DataValidationError"
    assert {q["column"] for q in err["problems"]} == {"parameters.weighting.cap"}
    r = cli(universe, str(tmp_path / "none.yaml"))
    assert r.exit_code == 2 and "`GRID` file not found" in r.output


def test_cli_options_are_checked_before_running(universe, tmp_path):
    p = write(tmp_path, yaml.safe_dump(grid(**{"selection.target_n": [5]})))
    r = cli(universe, str(p), "--out", str(tmp_path / "t.xlsx"))
    assert r.exit_code == 2 and "must end in .csv or .parquet" in r.output
    r = cli(universe, str(p), "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786")
    assert r.exit_code == 2 and "either `scheduler` or `workers`" in r.output
    r = cli(universe, str(p), "--scheduler", "127.0.0.1:8786")
    assert r.exit_code == 2 and "like tcp://127.0.0.1:8786" in r.output


def test_cli_writes_csv_and_parquet_atomically_and_labels_not_point_in_time(universe, tmp_path):
    spec = {**grid(**{"weighting.single_cap": [0.1, 0.3], "selection.target_n": [8]}),
            "benchmarks": ["T03"]}  # fmt: skip
    p = write(tmp_path, yaml.safe_dump(spec))
    r = cli(universe, str(p), "--workers", "1", "--format", "csv", "--out", str(tmp_path / "t.csv"))
    assert r.exit_code == 0, r.output
    assert r.stdout == (tmp_path / "t.csv").read_text()
    assert f"warning: {NOT_PIT_LABEL}" in r.stderr and "1 variant(s) infeasible_capping" in r.stderr
    t = pd.read_csv(tmp_path / "t.csv")
    assert list(t["status"]) == ["infeasible_capping", "ok"] and t["label"].iloc[1] == NOT_PIT_LABEL
    r = cli(universe, str(p), "--workers", "2", "--out", str(tmp_path / "t.parquet"))
    assert r.exit_code == 0, r.output
    assert "sweep" in r.stdout and "2 variants" in r.stdout
    pq = pd.read_parquet(tmp_path / "t.parquet")
    pd.testing.assert_series_equal(pq["annual_return"], t["annual_return"], check_exact=True)
    r = cli(universe, str(p), "--workers", "1", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["status"] == {"ok": 1, "infeasible_capping": 1} and doc["point_in_time"] is False
    assert doc["rows"][1]["annual_return"] == t["annual_return"].iloc[1]
    assert doc["rows"][0]["annual_return"] is None
    assert sorted(os.listdir(tmp_path)) == ["grid.yaml", "t.csv", "t.parquet"]  # no temp files


def test_cli_failure_leaves_no_output_file(universe, tmp_path):
    p = write(
        tmp_path, yaml.safe_dump({**grid(**{"selection.target_n": [5]}), "benchmarks": ["NOPE"]})
    )
    r = cli(universe, str(p), "--out", str(tmp_path / "t.csv"))
    assert r.exit_code == 3 and "benchmark NOPE" in r.output and "Traceback" not in r.output
    assert sorted(os.listdir(tmp_path)) == ["grid.yaml"]


# --- the documented example and the real prices -------------------------------------------------


def test_the_documented_example_grid_has_200_variants():
    g = load_grid(ROOT / "docs" / "sweep_grid.yaml")
    vs = g.variants()
    assert len(vs) == 200 and all(v.methodology is not None for v in vs)
    doc = (ROOT / "docs" / "sweep.md").read_text()
    assert "sweep_grid.yaml" in doc and "--scheduler tcp://" in doc


def test_a_small_sweep_on_the_real_prices(shared_prices):
    spec = yaml.safe_load((ROOT / "docs" / "sweep_grid.yaml").read_text())
    spec.update(start="2024-01-01", parameters={"weighting.single_cap": [0.08, 0.2]})
    t = sweep(spec, shared_prices).to_frame()
    assert list(t["status"]) == ["ok", "ok"]
    assert t["label"].eq(NOT_PIT_LABEL).all()
    assert np.isfinite(t[["annual_return", "sharpe_ratio", "excess_return_QQQ"]].to_numpy()).all()
    assert (t["constituents_last"] >= 13).all() and math.isfinite(t["turnover"].iloc[0])
    assert load_methodology("default").weighting.single_cap == 0.08
