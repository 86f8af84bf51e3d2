"""Long computations off the request thread, with progress the page can poll.

A callback submits a job and returns at once with its id; a ``dcc.Interval`` polls
:meth:`Jobs.poll` until the job is done. So a Monte Carlo run or a backtest never blocks the page,
and other callbacks keep being served meanwhile (waitress serves requests on several threads).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from aiinfra.exceptions import AiinfraError

__all__ = ["Jobs"]

log = logging.getLogger("aiinfra.web")


@dataclass
class _Job:
    future: Future[Any] | None = None
    done: float = 0.0
    what: str = ""
    ended: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Jobs:
    """A small pool of worker threads. A job's answer can be polled any number of times (a
    browser may drop a late answer and ask again); the oldest jobs are forgotten beyond ``keep``,
    and finished ones after ``ttl`` seconds."""

    def __init__(self, workers: int = 2, keep: int = 32, ttl: float = 600.0) -> None:
        self._ttl = ttl
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aiinfra-job")
        self._jobs: dict[str, _Job] = {}
        self._ids = itertools.count(1)
        self._keep = keep
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
        """Run ``fn(*args, progress=..., **kwargs)`` in the pool; returns the job id."""
        job = _Job()
        with self._lock:
            jid = f"job{next(self._ids)}"
            self._jobs[jid] = job
            now = time.monotonic()
            for old in [k for k, j in self._jobs.items() if j.ended and now - j.ended > self._ttl]:
                self._jobs.pop(old)
            while len(self._jobs) > self._keep:  # forget the oldest
                self._jobs.pop(next(iter(self._jobs)))

        def progress(done: float, what: str) -> None:
            with job.lock:
                job.done, job.what = max(job.done, min(float(done), 1.0)), what

        def run() -> Any:
            try:
                return fn(*args, progress=progress, **kwargs)
            finally:
                job.ended = time.monotonic()

        job.future = self._pool.submit(run)
        return jid

    def cancel(self, jid: str | None) -> None:
        """Drop a job nobody waits for any more (a superseded setting): cancelled if it has not
        started; a running one finishes, unobserved."""
        if not jid:
            return
        with self._lock:
            job = self._jobs.pop(jid, None)
        if job is not None and job.future is not None:
            job.future.cancel()

    def poll(self, jid: str) -> dict[str, Any]:
        """``{"state": "running", "done": 0..1, "what": ...}``, ``{"state": "done", "result":
        ...}`` or ``{"state": "error", "error": message}``; an unknown id is an error."""
        with self._lock:
            job = self._jobs.get(jid)
        if job is None or job.future is None:
            return {"state": "error", "error": f"unknown job {jid!r} (the server restarted?)"}
        if not job.future.done():
            with job.lock:
                return {"state": "running", "done": job.done, "what": job.what}
        if job.future.cancelled():
            return {"state": "error", "error": f"job {jid!r} was cancelled"}
        exc = job.future.exception()
        if exc is None:
            return {"state": "done", "result": job.future.result()}
        if isinstance(exc, AiinfraError):
            return {"state": "error", "error": str(exc)}
        log.error("job %s failed", jid, exc_info=exc)
        return {"state": "error", "error": f"internal error ({type(exc).__name__}: {exc})"}

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
