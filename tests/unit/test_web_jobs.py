"""The dashboard's job pool is bounded (issue 12): superseded and forgotten jobs stop, a session
and the server hold a bounded number of jobs, and a Monte Carlo run stops between its chunks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

pytest.importorskip("dash")

from aiinfra.config import get_settings
from aiinfra.services.dashboard import Dashboard
from aiinfra.web._jobs import Busy, Cancelled, Jobs


def wait_for(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


class Loop:
    """A job of many small steps that reports progress after each; counts the steps it ran."""

    def __init__(self, steps: int = 100_000, step: float = 0.005) -> None:
        self.steps, self.step = steps, step
        self.ran = 0
        self.stopped: BaseException | None = None

    def __call__(self, progress: Any) -> int:
        try:
            for i in range(self.steps):
                time.sleep(self.step)
                self.ran += 1
                progress(i / self.steps, "loop")
        except BaseException as exc:
            self.stopped = exc
            raise
        return self.ran


def settle(job: Loop) -> int:
    """The step count once it stops moving (a stopped job runs no further step)."""
    wait_for(lambda: job.stopped is not None, 5)
    n = job.ran
    time.sleep(0.1)
    assert job.ran == n
    return n


@pytest.fixture
def jobs():
    j = Jobs(workers=2, max_live=3, per_session=2, forget_after=60)
    yield j
    j.close()


def test_a_newer_job_of_the_same_kind_and_session_stops_the_running_one(jobs):
    old, new = Loop(), Loop(steps=3)
    a = jobs.submit(old, session="s1", kind="gap")
    wait_for(lambda: old.ran > 3)
    b = jobs.submit(new, session="s1", kind="gap")
    settle(old)
    assert isinstance(old.stopped, Cancelled)
    assert jobs.poll(a, "s1")["error"].endswith("a newer one from the same page replaced it")
    wait_for(lambda: jobs.poll(b, "s1")["state"] == "done")
    assert jobs.poll(b, "s1")["result"] == 3
    assert jobs.stats() == {"queued": 0, "running": 0, "stopping": 0}


def test_a_superseded_job_that_has_not_started_never_starts(jobs):
    blockers = [Loop(), Loop()]
    for k, blk in enumerate(blockers):  # both workers busy
        jobs.submit(blk, session=f"b{k}", kind="gap")
    wait_for(lambda: all(b.ran for b in blockers))
    queued = Loop()
    q = jobs.submit(queued, session="s1", kind="index")
    assert jobs.stats()["queued"] == 1
    jobs.submit(lambda progress: "x", session="s1", kind="index")  # supersedes q
    assert jobs.poll(q, "s1")["state"] == "error"
    for k in range(2):
        jobs.submit(lambda progress: None, session=f"b{k}", kind="gap")  # supersede the blockers
    for b in blockers:
        settle(b)
    time.sleep(0.1)
    assert queued.ran == 0 and queued.stopped is None  # never ran


def test_another_kind_or_session_is_not_superseded(jobs):
    a, b = Loop(steps=20), Loop(steps=20)
    ja = jobs.submit(a, session="s1", kind="gap")
    jb = jobs.submit(b, session="s1", kind="index")
    wait_for(lambda: jobs.poll(ja, "s1")["state"] == "done" and jobs.poll(jb)["state"] == "done")
    assert a.ran == b.ran == 20


def test_a_job_its_page_stopped_polling_is_cancelled():
    jobs = Jobs(workers=1, forget_after=0.4)
    try:
        job = Loop()
        jid = jobs.submit(job, session="s1", kind="gap")
        for _ in range(10):  # polled every 0.1 s: keeps running
            time.sleep(0.1)
            assert jobs.poll(jid, "s1")["state"] == "running"
        t0 = time.monotonic()
        stopped_at = settle(job)  # nobody polls any more
        assert time.monotonic() - t0 < 0.4 + 1.0
        assert isinstance(job.stopped, Cancelled) and stopped_at > 0
        assert "has not asked for it for 0.4 s" in jobs.poll(jid, "s1")["error"]
    finally:
        jobs.close()


def test_the_bounds_refuse_with_a_clear_busy_message(jobs):
    first = [jobs.submit(Loop(), session="s1", kind="gap"),
             jobs.submit(Loop(), session="s1", kind="index")]  # fmt: skip
    with pytest.raises(Busy, match=r"this page already has 2 computations .* \(at most 2\)"):
        jobs.submit(Loop(), session="s1", kind="other")
    first.append(jobs.submit(Loop(), session="s2", kind="gap"))
    with pytest.raises(Busy, match=r"the server is busy: 3 computations .* \(at most 3\)"):
        jobs.submit(Loop(), session="s3", kind="gap")
    # superseding frees the slot it takes: a page may always replace its own job
    first.append(jobs.submit(Loop(), session="s2", kind="gap"))
    for jid in first:
        jobs.cancel(jid)
    wait_for(lambda: jobs.stats() == {"queued": 0, "running": 0, "stopping": 0})
    jobs.submit(Loop(steps=1), session="s3", kind="gap")  # room again


def test_a_job_is_polled_by_its_own_session_only(jobs):
    jid = jobs.submit(lambda progress: 1, session="s1", kind="gap")
    wait_for(lambda: jobs.poll(jid, "s1")["state"] == "done")
    assert jobs.poll(jid, "s2")["error"].startswith("unknown job")


def test_a_monte_carlo_run_stops_between_chunks_and_caches_nothing(tmp_path):
    """The real gap service with 10^6 samples (10 chunks): cancelled after its first chunk,
    it stops at the next chunk boundary; the same inputs later compute afresh."""
    board = Dashboard(get_settings(home=tmp_path), as_of="2026-06-30")
    jobs = Jobs(workers=1)
    seen: list[float] = []
    lock = threading.Lock()
    params = {"gross_margin": 0.55, "gpu_share": 0.45}
    try:

        def run(progress: Any) -> Any:
            def spy(x: float, what: str) -> None:
                with lock:
                    seen.append(x)
                progress(x, what)

            return board.gap(params, samples=1_000_000, year=2026, progress=spy)

        jid = jobs.submit(run, session="s1", kind="gap")
        wait_for(lambda: any(x > 0.05 for x in seen), 60)  # the first chunk is done
        jobs.cancel(jid, "test")
        wait_for(lambda: jobs.poll(jid, "s1")["state"] == "error" and jobs.stats()["stopping"] == 0)
        chunks_run = sum(1 for x in seen if x > 0.05)
        assert 1 <= chunks_run <= 3 < 10  # it stopped at a chunk boundary, not at the end
        assert jobs.poll(jid, "s1")["error"] == f"job {jid} was cancelled: test"
        # nothing half-done was kept: the same inputs run (and report) again, to the end
        again: list[float] = []
        r = board.gap(params, samples=1_000_000, year=2026, progress=lambda x, w: again.append(x))
        assert r.montecarlo is not None and r.montecarlo.samples == 1_000_000
        assert again[-1] == 1.0 and sum(1 for x in again if x > 0.05) >= 10
    finally:
        jobs.close()


def test_a_replaced_job_is_marked_superseded_so_its_page_shows_nothing(jobs):
    """A poll tick may still carry the replaced job's id (the browser sent it before the newer
    id reached the page): the answer says superseded, and the page draws nothing for it instead
    of an error banner (seen in the index page when the language was switched)."""
    old = Loop()
    a = jobs.submit(old, session="s1", kind="strategies")
    wait_for(lambda: old.ran > 0)
    jobs.submit(lambda progress: "new", session="s1", kind="strategies")
    assert jobs.poll(a, "s1").get("superseded") is True  # while it stops, and after
    settle(old)
    assert jobs.poll(a, "s1")["superseded"] is True
    other = Loop(steps=1)
    c = jobs.submit(other, session="s2", kind="gap")
    jobs.cancel(c, "cancelled by its page")
    assert "superseded" not in jobs.poll(c, "s2")  # any other cancellation is still an error
