"""The sweep's robustness figures: DSR of the best variant and PBO over the variants' returns.

Hand cases on small frames for ``sweep_robustness``; the wiring on the synthetic universe of
test_sweep.py (returns kept, table unchanged, same figures on every executor, CLI in all three
formats); and a small sweep on the bundled ledger with ../shared/data/prices.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from aiinfra import metrics
from aiinfra.app import app
from aiinfra.backtest import backtest, load_grid, sweep, sweep_robustness
from aiinfra.exceptions import InvalidParameterError
from aiinfra.ledger import load_ledger
from aiinfra.parallel import LocalExecutor
from aiinfra.prices import CsvDirProvider
from tests.conftest import ROOT
from tests.index_fixtures import make_universe

runner = CliRunner()

OVERRIDES = {
    "pit_mode": "static_scores",
    "selection": {"min_n": 4, "min_per_category": 0, "target_n": 8},
    "eligibility": {"min_composite": {"new": 0, "existing": 0}},
    "weighting": {"ucits": None, "single_cap": 0.3},
}
WINDOW = {"start": "2022-06-01", "end": "2023-06-30"}
#: 4 ok variants; 5 or 6 names cannot hold a 15 % cap (75 %, 90 % allocated): infeasible_capping
PARAMETERS = {"weighting.single_cap": [0.15, 0.3], "selection.target_n": [5, 6, 8]}

#: documented JSON keys of "robustness" (docs/sweep.md, docs/cli.md)
KEYS = {
    "trials", "observations", "start", "end", "best_variant", "sharpe_ratio",
    "sharpe_ratio_daily", "sharpe_variance", "sharpe_variance_daily", "expected_max_sharpe",
    "expected_max_sharpe_daily", "deflated_sharpe_ratio", "pbo", "pbo_splits",
    "pbo_combinations", "performance_degradation_slope", "probability_of_loss", "notes",
}  # fmt: skip


# --- sweep_robustness by hand --------------------------------------------------------------------


def frame(columns: dict[str, list[float]]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=pd.bdate_range("2024-01-01", periods=n))


def test_two_variants_that_swap_places():
    # the S = 2 case of test_robustness: A's block Sharpe ratios √2, −1/√2; B's −√2, 1/√2.
    # Over all 4 days A = [0.03, 0.01, 0, −0.02]: mean 0.005, deviations 0.025, 0.005, −0.005,
    # −0.025, Σd² = 0.0013, sd (ddof 1) = √(0.0013/3) = 0.020817, SR_A = a = 0.240192.
    # B = [−0.01, −0.03, 0.02, 0]: mean −0.005, the same deviations, SR_B = −a. Best: A.
    # Variance (ddof 1) of {a, −a} = 2a² = 0.115385; N = 2.
    r = sweep_robustness(
        frame({"A": [0.03, 0.01, 0.00, -0.02], "B": [-0.01, -0.03, 0.02, 0.00]}), n_splits=2
    )
    a = 0.005 / math.sqrt(0.0013 / 3)
    assert r.trials == 2 and r.observations == 4 and r.best_variant == "A"
    assert r.sharpe_ratio_daily == pytest.approx(a, abs=1e-12)
    assert r.sharpe_variance_daily == pytest.approx(2 * a * a, abs=1e-12)
    assert r.expected_max_sharpe_daily == pytest.approx(
        metrics.expected_max_sharpe(2, 2 * a * a), abs=1e-15
    )
    assert r.pbo is not None and r.pbo.pbo == 1.0 and r.pbo.n_combinations == 2
    d = r.to_dict()
    assert set(d) == KEYS and d["pbo"] == 1.0 and d["probability_of_loss"] == 1.0
    assert d["sharpe_ratio"] == pytest.approx(a * math.sqrt(252), abs=1e-12)
    assert d["sharpe_variance"] == pytest.approx(2 * a * a * 252, abs=1e-12)
    assert d["start"] == "2024-01-01" and d["end"] == "2024-01-04" and d["notes"] == []


def test_one_variant_gives_the_psr_against_zero_and_no_pbo():
    x = [0.01, -0.005, 0.02, 0.0, 0.004, -0.01]
    r = sweep_robustness(frame({"v0000": x}))
    assert r.trials == 1 and r.expected_max_sharpe_daily == 0.0
    assert r.deflated_sharpe_ratio == metrics.deflated_sharpe_ratio(np.array(x), [0.0])
    assert r.pbo is None and r.to_dict()["pbo"] is None
    assert r.notes == ("PBO needs at least two variants",)


def test_unshared_dates_and_flat_variants_are_left_out_with_a_note():
    rng = np.random.default_rng(3)
    f = frame({c: list(rng.normal(0.001, 0.01, 40)) for c in ("v0", "v1", "v2")})
    f["flat"] = 0.0
    f.iloc[:3, 1] = np.nan  # v1 starts three days later
    r = sweep_robustness(f, n_splits=4)
    assert r.observations == 37 and r.trials == 3 and r.pbo is not None
    assert r.pbo.n_strategies == 3 and r.pbo.dropped == 1  # 37 = 4 · 9 + 1
    assert r.notes == (
        "3 date(s) left out: not every variant has a return on them",
        "left out (returns do not vary): flat",
    )
    short = sweep_robustness(f.iloc[:10], n_splits=16)
    assert short.pbo is None and "PBO needs at least 16 common dates" in short.notes[-1]


def test_no_return_series_at_all():
    r = sweep_robustness(pd.DataFrame())
    assert r.trials == 0 and r.best_variant is None and r.pbo is None
    d = r.to_dict()
    assert d["deflated_sharpe_ratio"] is None and "nothing to deflate" in d["notes"][-1]


# --- wiring into the sweep (synthetic universe) --------------------------------------------------


@pytest.fixture(scope="module")
def universe(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_universe(tmp_path_factory.mktemp("rob"), n=12, days=400)


@pytest.fixture(scope="module")
def ledger(universe):
    return load_ledger(base=universe[0])


@pytest.fixture(scope="module")
def result(universe, ledger):
    spec = {"overrides": OVERRIDES, **WINDOW, "parameters": PARAMETERS}
    return sweep(spec, universe[1], ledger=ledger, pbo_splits=4)


def test_the_sweep_keeps_each_ok_variants_returns_and_not_in_the_table(universe, ledger, result):
    t = result.to_frame()
    ok = list(t.loc[t["status"] == "ok", "variant"])
    assert list(result.returns.columns) == ok == ["v0002", "v0003", "v0004", "v0005"]
    assert "_returns" not in t.columns and "robustness" not in t.columns
    # the kept series is the variant's GTR returns, as a backtest of its own gives them
    m = load_grid({"overrides": OVERRIDES, **WINDOW, "parameters": PARAMETERS}).variants()[2]
    bt = backtest(
        ledger, CsvDirProvider(universe[1]).get, m.methodology, "2022-06-01", "2023-06-30"
    )
    expected = metrics.returns_from_levels(bt.levels["GTR"])
    pd.testing.assert_series_equal(result.returns[m.id], expected, check_names=False)


def test_the_figures_are_those_of_the_metrics_on_the_kept_returns(result):
    rob = result.robustness
    assert rob is not None and rob.n_splits == 4 and rob.notes == ()
    srs = result.returns.apply(lambda c: metrics.sharpe_ratio(c, annualization=1))
    assert rob.trials == 4 and rob.best_variant == srs.idxmax()
    assert rob.observations == len(result.returns)
    assert rob.deflated_sharpe_ratio == metrics.deflated_sharpe_ratio(
        result.returns[srs.idxmax()], srs.to_numpy()
    )
    assert rob.pbo is not None and rob.pbo.n_combinations == 6
    np.testing.assert_array_equal(rob.pbo.logits, metrics.pbo(result.returns, 4).logits)
    # the table's annualised Sharpe ratio of the best is its daily one × √252
    row = result.to_frame().set_index("variant").loc[rob.best_variant]
    assert row["sharpe_ratio"] == pytest.approx(rob.sharpe_ratio_daily * math.sqrt(252), rel=1e-12)
    d = result.to_dict()
    assert set(d["robustness"]) == KEYS and 0.0 <= d["robustness"]["pbo"] <= 1.0


def test_same_figures_on_two_processes(universe, ledger, result):
    spec = {"overrides": OVERRIDES, **WINDOW, "parameters": PARAMETERS}
    with LocalExecutor(2) as ex:
        two = sweep(spec, universe[1], ledger=ledger, executor=ex, chunk_size=1, pbo_splits=4)
    pd.testing.assert_frame_equal(two.returns, result.returns, check_exact=True)
    assert two.robustness is not None and result.robustness is not None
    assert two.robustness.to_dict() == result.robustness.to_dict()


def test_pbo_splits_is_checked_before_any_backtest(universe, ledger):
    spec = {"overrides": OVERRIDES, **WINDOW, "parameters": {"selection.target_n": [5]}}
    for bad in (3, 0, 2.0):
        with pytest.raises(InvalidParameterError, match="`pbo_splits` must be an even integer"):
            sweep(spec, universe[1], ledger=ledger, pbo_splits=bad)  # type: ignore[arg-type]


def cli(universe, tmp_path, *args: str):
    p = tmp_path / "grid.yaml"
    p.write_text(
        yaml.safe_dump(
            {"overrides": OVERRIDES, **WINDOW, "parameters": PARAMETERS}, sort_keys=False
        )
    )
    return runner.invoke(
        app,
        ["--prices", str(universe[1]), "sweep", str(p), "--data", str(universe[0]),
         "--workers", "1", *args],
        catch_exceptions=False,
    )  # fmt: skip


def test_cli_prints_the_figures_under_the_table_and_keeps_csv_a_csv(universe, tmp_path, result):
    rob = result.robustness
    assert rob is not None
    r = cli(universe, tmp_path, "--pbo-splits", "4")
    assert r.exit_code == 0, r.output
    table, below = r.stdout.split("6 variants\n")  # the sweep table, then the figures
    assert "robustness" not in table and "robustness of the selection" in below
    assert f"{rob.deflated_sharpe_ratio:.4f}" in below and rob.best_variant in below
    assert "PBO (CSCV, S = 4, 6 splits)" in below and below.rstrip().endswith("10 figures")
    r = cli(
        universe, tmp_path, "--pbo-splits", "4", "--format", "csv", "--out", str(tmp_path / "t.csv")
    )
    assert r.exit_code == 0 and r.stdout == (tmp_path / "t.csv").read_text()
    assert "robustness" not in r.stdout and "note: robustness: best " in r.stderr
    r = cli(universe, tmp_path, "--pbo-splits", "4", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["robustness"] == json.loads(json.dumps(rob.to_dict()))
    r = cli(universe, tmp_path, "--pbo-splits", "5")
    assert r.exit_code == 2 and "`pbo_splits` must be an even integer" in r.output


# --- the bundled ledger and the shared prices ----------------------------------------------------


def test_robustness_of_a_small_sweep_on_the_real_prices(shared_prices):
    spec = yaml.safe_load((ROOT / "docs" / "sweep_grid.yaml").read_text())
    spec.update(start="2024-01-01", parameters={"selection.target_n": [15, 20, 30]})
    res = sweep(spec, shared_prices)
    rob = res.robustness
    assert rob is not None and list(res.table["status"]) == ["ok"] * 3
    assert rob.trials == 3 and rob.observations > 500 and rob.notes == ()
    assert rob.best_variant in {"v0000", "v0001", "v0002"}
    assert 0.0 <= rob.deflated_sharpe_ratio <= 1.0
    assert rob.expected_max_sharpe_daily > 0 and rob.sharpe_variance_daily > 0
    assert rob.pbo is not None and rob.pbo.n_combinations == 12870 and 0 <= rob.pbo.pbo <= 1
    # deflating can only lower the PSR against 0 (SR0 > 0)
    psr0 = metrics.deflated_sharpe_ratio(res.returns[rob.best_variant], [0.0])
    assert rob.deflated_sharpe_ratio < psr0
