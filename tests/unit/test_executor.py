"""The executor interface: serial, local processes (joblib/loky), the Dask client's checks."""

from __future__ import annotations

import os
import socket
import time

import numpy as np
import pytest

from aiinfra.exceptions import (
    InsufficientConstituents,
    InvalidParameterError,
    ProviderUnavailableError,
)
from aiinfra.parallel import (
    DaskExecutor,
    LocalExecutor,
    SerialExecutor,
    chunk_seeds,
    chunks,
    get_executor,
)


def square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def slow_first(x: int) -> int:
    # the first item finishes last: results must still come back in item order
    time.sleep(0.3 if x == 0 else 0.0)
    return x


def fail_on_three(x: int) -> int:
    if x == 3:
        raise InsufficientConstituents(f"item {x}: too few names")
    return x


def draw(seed: np.random.SeedSequence) -> float:
    return float(np.random.default_rng(seed).standard_normal())


def test_serial_keeps_order_and_reports_every_item():
    calls: list[tuple[int, int]] = []
    out = SerialExecutor().map(
        square_and_pid, [3, 1, 2], progress=lambda d, n: calls.append((d, n))
    )
    assert [v for v, _ in out] == [9, 1, 4]
    assert {pid for _, pid in out} == {os.getpid()}
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_local_processes_run_elsewhere_and_return_in_item_order():
    calls: list[tuple[int, int]] = []
    with LocalExecutor(2) as ex:
        out = ex.map(square_and_pid, list(range(8)), progress=lambda d, n: calls.append((d, n)))
        late = ex.map(slow_first, [0, 1, 2, 3])
    assert [v for v, _ in out] == [x * x for x in range(8)]
    assert os.getpid() not in {pid for _, pid in out}  # real worker processes
    assert calls[-1] == (8, 8) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert late == [0, 1, 2, 3]


def test_one_local_worker_runs_in_this_process():
    out = LocalExecutor(1).map(square_and_pid, [2])
    assert out == [(4, os.getpid())]


def test_an_error_in_a_worker_reaches_the_caller_with_its_type():
    with pytest.raises(InsufficientConstituents, match="item 3: too few names"):
        LocalExecutor(2).map(fail_on_three, list(range(6)))


@pytest.mark.parametrize("workers", [0, -1, True, 1.5, "2"])
def test_workers_must_be_a_positive_integer(workers):
    with pytest.raises(InvalidParameterError, match="`workers` must be a positive integer"):
        LocalExecutor(workers)  # type: ignore[arg-type]


def test_get_executor_picks_the_backend():
    ex = get_executor(workers=2)
    assert isinstance(ex, LocalExecutor) and ex.workers == 2 and ex.name == "local"
    assert get_executor().workers == (os.cpu_count() or 1)
    with pytest.raises(InvalidParameterError, match="either `scheduler` or `workers`"):
        get_executor("tcp://127.0.0.1:8786", 2)


def test_chunks_cover_every_item_once():
    assert chunks(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert chunks(0, 3) == [] and chunks(3, 5) == [(0, 3)]
    with pytest.raises(InvalidParameterError, match="size >= 1"):
        chunks(5, 0)
    with pytest.raises(InvalidParameterError, match="n >= 0"):
        chunks(-1, 2)


def test_chunk_seeds_depend_on_the_seed_and_the_position_only():
    a = [draw(s) for s in chunk_seeds(7, 5)]
    assert a == [draw(s) for s in chunk_seeds(7, 5)]
    # the first chunks do not change when more chunks follow
    assert a == [draw(s) for s in chunk_seeds(7, 9)][:5]
    assert len(set(a)) == 5
    assert a != [draw(s) for s in chunk_seeds(8, 5)]
    # the same draws whether one process or two make them
    with LocalExecutor(2) as ex:
        assert ex.map(draw, chunk_seeds(7, 5)) == a


@pytest.mark.parametrize(
    ("address", "hint"),
    [
        ("localhost:8786", "like tcp://127.0.0.1:8786"),
        ("tcp://127.0.0.1", "missing port"),
        ("foo://127.0.0.1:8786", "unknown scheme 'foo'"),
    ],
)
def test_a_malformed_scheduler_address_is_bad_input(address, hint):
    with pytest.raises(InvalidParameterError, match=hint):
        DaskExecutor(address)


def test_a_closed_scheduler_port_fails_fast_and_says_what_to_do():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    with pytest.raises(ProviderUnavailableError, match="is `dask scheduler` running") as info:
        DaskExecutor(f"tcp://127.0.0.1:{port}", timeout=5)
    assert time.perf_counter() - t0 < 5
    assert info.value.exit_code == 3
