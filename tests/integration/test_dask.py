"""A real Dask cluster on 127.0.0.1 (scheduler and two worker processes) runs a sweep.

The table must equal, bit for bit, the one the local backend gives with one and two workers.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.exceptions import InsufficientConstituents, ProviderUnavailableError
from aiinfra.parallel import DaskExecutor
from tests.index_fixtures import make_universe

distributed = pytest.importorskip("distributed")

runner = CliRunner()
GRID = {
    "overrides": {
        "pit_mode": "static_scores",
        "selection": {"min_n": 4, "min_per_category": 0},
        "eligibility": {"min_composite": {"new": 0, "existing": 0}},
        "weighting": {"ucits": None},
    },
    "start": "2022-06-01",
    "end": "2023-06-30",
    "benchmarks": ["T00"],
    "parameters": {
        "weighting.single_cap": [0.1, 0.25, 0.4],
        "selection.target_n": [5, 8],
        "categories.C1.m": [0.5, 2.0],
    },
}


def cluster(n_workers: int):
    """Scheduler and workers on 127.0.0.1 only; no dashboard. The scheduler's small HTTP server
    (health routes) gets a free loopback port instead of the fixed 8787."""
    return distributed.LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        scheduler_kwargs={"dashboard": False},
    )


@pytest.fixture(scope="module")
def loopback_cluster():
    with cluster(2) as c:
        yield c


@pytest.fixture(scope="module")
def universe(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("dask")
    led, px = make_universe(root, n=12, days=400)
    grid = root / "grid.yaml"
    grid.write_text(yaml.safe_dump(GRID))
    return led, px, grid


def fail(x: int) -> int:
    raise InsufficientConstituents(f"item {x}")


def run(universe, out: Path, *backend: str):
    led, px, grid = universe
    r = runner.invoke(
        app,
        ["--prices", str(px), "sweep", str(grid), "--data", str(led), *backend,
         "--out", str(out), "--format", "csv"],
        catch_exceptions=False,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    return r


def test_dask_cluster_gives_the_local_backends_table_bit_for_bit(
    loopback_cluster, universe, tmp_path
):
    address = loopback_cluster.scheduler_address
    assert address.startswith("tcp://127.0.0.1:")
    dask = run(universe, tmp_path / "dask.parquet", "--scheduler", address)
    one = run(universe, tmp_path / "one.parquet", "--workers", "1")
    two = run(universe, tmp_path / "two.parquet", "--workers", "2")
    assert "on dask (2 workers)" in dask.stderr and "on local (1 worker)" in one.stderr
    tables = {k: pd.read_parquet(tmp_path / f"{k}.parquet") for k in ("dask", "one", "two")}
    assert len(tables["dask"]) == 12
    assert set(tables["dask"]["status"]) == {"ok", "infeasible_capping"}
    pd.testing.assert_frame_equal(tables["dask"], tables["one"], check_exact=True)
    pd.testing.assert_frame_equal(tables["dask"], tables["two"], check_exact=True)
    assert dask.stdout == one.stdout == two.stdout  # the CSV, byte for byte


def test_work_really_runs_on_both_dask_workers(loopback_cluster):
    import os

    with DaskExecutor(loopback_cluster.scheduler_address) as ex:
        assert ex.workers == 2 and ex.name == "dask"
        pids = ex.map(_pid_after_sleep, list(range(8)))
    assert len(set(pids)) == 2 and os.getpid() not in pids


def _pid_after_sleep(_: int) -> int:
    import os

    time.sleep(0.2)
    return os.getpid()


def test_an_error_on_a_dask_worker_reaches_the_caller_with_its_type(loopback_cluster):
    with (
        DaskExecutor(loopback_cluster.scheduler_address) as ex,
        pytest.raises(InsufficientConstituents, match="item"),
    ):
        ex.map(fail, [1, 2])


def test_every_port_of_the_cluster_is_on_loopback_and_there_is_no_dashboard(loopback_cluster):
    import urllib.error
    import urllib.request

    sched = loopback_cluster.scheduler
    addresses = [sched.address, *sched.workers]
    assert len(addresses) == 3 and all(a.startswith("tcp://127.0.0.1:") for a in addresses)
    http = {s.getsockname() for s in sched.http_server._sockets.values()}
    assert {h for h, _ in http} == {"127.0.0.1"} and 8787 not in {p for _, p in http}
    port = next(iter(http))[1]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
        assert r.status == 200
    with pytest.raises(urllib.error.HTTPError, match="404"):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5)


def test_a_scheduler_without_workers_is_a_clear_error():
    with cluster(0) as empty:
        t0 = time.perf_counter()
        with pytest.raises(ProviderUnavailableError, match="has no worker after 1 s"):
            DaskExecutor(empty.scheduler_address, timeout=1)
        assert time.perf_counter() - t0 < 10
