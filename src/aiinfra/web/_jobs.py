"""Long computations off the request thread, with progress the page can poll, and with bounds.

A callback submits a job and returns at once with its id; a ``dcc.Interval`` polls
:meth:`Jobs.poll` until the job is done. So a Monte Carlo run or a backtest never blocks the page,
and other callbacks keep being served meanwhile (waitress serves requests on several threads).

The queue is bounded, so one page (or a script posting callbacks) cannot bury everyone else's
work:

- **a session** is one page load (a browser tab): the page carries a random id (a ``dcc.Store``
  filled when the layout is served) with every start and poll;
- **superseded** jobs are cancelled: a new job of the same kind (``index``, ``gap``) from the same
  session replaces the previous one, whatever the client says it had;
- **forgotten** jobs are cancelled: a job its page has not polled for ``forget_after`` seconds
  (the tab was closed or navigated away; the page polls every 0.4 s, a background tab about
  once a second);
- at most ``per_session`` jobs per session and ``max_live`` jobs overall are queued or running;
  beyond that a start is refused with :class:`Busy` (shown in the page's error banner);
- cancelling is **cooperative**: a job that has not started never starts; a running one stops at
  its next progress report (the Monte Carlo reports after every chunk, the index view between the
  review and the backtest), by raising :class:`Cancelled` out of ``progress``.
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

__all__ = ["Busy", "Cancelled", "Jobs"]

log = logging.getLogger("aiinfra.web")


#: why a job was cancelled when a newer one of its kind from the same page replaced it
SUPERSEDED = "a newer one from the same page replaced it"


class Busy(AiinfraError):
    """A start refused because the bound on queued and running jobs is reached."""


class Cancelled(AiinfraError):
    """Raised inside a job (out of its ``progress``) once nobody waits for its answer."""


@dataclass
class _Job:
    session: str
    kind: str
    seen: float
    future: Future[Any] | None = None
    done: float = 0.0
    what: str = ""
    started: bool = False
    ended: float = 0.0
    why: str = ""  # why it was cancelled ("" while nobody cancelled it)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def live(self) -> bool:
        """Queued or running, and not cancelled."""
        return not self.ended and not self.why


class Jobs:
    """A small pool of worker threads with a bounded queue (see the module doc).

    A job's answer can be polled any number of times (a browser may drop a late answer and ask
    again); finished jobs are forgotten beyond ``keep`` and after ``ttl`` seconds."""

    def __init__(
        self,
        workers: int = 2,
        keep: int = 32,
        ttl: float = 600.0,
        *,
        max_live: int = 8,
        per_session: int = 2,
        forget_after: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aiinfra-job")
        self._jobs: dict[str, _Job] = {}
        self._ids = itertools.count(1)
        self._keep = keep
        self._lock = threading.Lock()
        self.max_live = max_live
        self.per_session = per_session
        self.forget_after = forget_after
        self._clock = clock

    # --- bookkeeping (under self._lock) ---------------------------------------------------

    def _cancel(self, job: _Job, why: str) -> None:
        if job.live:
            job.why = why
            # not started: never starts; running: stops at its next progress report
            if job.future is not None and job.future.cancel():
                job.ended = self._clock()

    def _sweep(self, now: float) -> None:
        for job in self._jobs.values():
            if job.live and now - job.seen > self.forget_after:
                self._cancel(job, f"its page has not asked for it for {self.forget_after:g} s")
        for old in [k for k, j in self._jobs.items() if j.ended and now - j.ended > self._ttl]:
            self._jobs.pop(old)
        while len(self._jobs) > self._keep:  # forget the oldest that is not live
            oldest = next((k for k, j in self._jobs.items() if not j.live), None)
            if oldest is None:
                break
            self._jobs.pop(oldest)

    # --- API ------------------------------------------------------------------------------

    def submit(
        self, fn: Callable[..., Any], *args: Any, session: str = "", kind: str = "", **kwargs: Any
    ) -> str:
        """Run ``fn(*args, progress=..., **kwargs)`` in the pool; returns the job id.

        A live job of the same ``kind`` (when one is given) from the same ``session`` is
        cancelled first (superseded).

        Raises
        ------
        Busy
            ``per_session`` jobs of this session, or ``max_live`` jobs overall, are queued or
            running.
        """
        with self._lock:
            now = self._clock()
            self._sweep(now)
            for job in self._jobs.values():
                if kind and job.live and job.session == session and job.kind == kind:
                    self._cancel(job, SUPERSEDED)
            live = [j for j in self._jobs.values() if j.live]
            mine = sum(j.session == session for j in live)
            if mine >= self.per_session:
                raise Busy(
                    f"this page already has {mine} computations queued or running (at most "
                    f"{self.per_session}); wait for one to finish"
                )
            if len(live) >= self.max_live:
                raise Busy(
                    f"the server is busy: {len(live)} computations are queued or running (at "
                    f"most {self.max_live}); try again in a moment"
                )
            jid = f"job{next(self._ids)}"
            job = _Job(session=session, kind=kind, seen=now)
            self._jobs[jid] = job

        def check() -> None:
            if job.why:
                raise Cancelled(f"job {jid} was cancelled: {job.why}")
            if self._clock() - job.seen > self.forget_after:
                with self._lock:
                    self._cancel(job, f"its page has not asked for it for {self.forget_after:g} s")
                raise Cancelled(f"job {jid} was cancelled: {job.why}")

        def progress(done: float, what: str) -> None:
            check()
            with job.lock:
                job.done, job.what = max(job.done, min(float(done), 1.0)), what

        def run() -> Any:
            try:
                job.started = True
                check()
                return fn(*args, progress=progress, **kwargs)
            finally:
                job.ended = self._clock()

        with self._lock:
            job.future = self._pool.submit(run)
        return jid

    def cancel(self, jid: str | None, why: str = "cancelled by its page") -> None:
        """Cancel a job nobody waits for any more: it never starts, or stops at its next
        progress report."""
        if not jid:
            return
        with self._lock:
            job = self._jobs.get(jid)
            if job is not None:
                self._cancel(job, why)

    def poll(self, jid: str, session: str | None = None) -> dict[str, Any]:
        """``{"state": "running", "done": 0..1, "what": ...}``, ``{"state": "done", "result":
        ...}`` or ``{"state": "error", "error": message}`` (with ``"superseded": True`` when a
        newer job of its kind from the same page replaced it: the page shows the newer one, not
        this error); an unknown id (or another session's job, when ``session`` is given) is an
        error. A poll tells the job its page still waits."""
        with self._lock:
            now = self._clock()
            self._sweep(now)
            job = self._jobs.get(jid)
            if job is not None and session is not None and job.session != session:
                job = None
            if job is not None and job.live:
                job.seen = now
        if job is None or job.future is None:
            return {"state": "error", "error": f"unknown job {jid!r} (the server restarted?)"}
        if job.why == SUPERSEDED and (
            job.future.cancelled()
            or not job.future.done()
            or isinstance(job.future.exception(), Cancelled)
        ):  # the page has moved on to the newer job: nothing to show for this one
            return {"state": "error", "error": f"job {jid} was cancelled: {job.why}",
                    "superseded": True}  # fmt: skip
        if job.future.cancelled() or (job.why and not job.future.done()):
            return {"state": "error", "error": f"job {jid} was cancelled: {job.why}"}
        if not job.future.done():
            with job.lock:
                return {"state": "running", "done": job.done, "what": job.what}
        exc = job.future.exception()
        if exc is None:
            return {"state": "done", "result": job.future.result()}
        if isinstance(exc, AiinfraError):
            return {"state": "error", "error": str(exc)}
        log.error("job %s failed", jid, exc_info=exc)
        return {"state": "error", "error": f"internal error ({type(exc).__name__}: {exc})"}

    def stats(self) -> dict[str, int]:
        """How many jobs are queued, running, and stopping (cancelled but not yet at a progress
        report)."""
        with self._lock:
            jobs = list(self._jobs.values())
        return {
            "queued": sum(j.live and not j.started for j in jobs),
            "running": sum(j.live and j.started for j in jobs),
            "stopping": sum(bool(j.why) and j.started and not j.ended for j in jobs),
        }

    def close(self) -> None:
        """Cancel every job (running ones stop at their next progress report) and stop the pool."""
        with self._lock:
            for job in self._jobs.values():
                self._cancel(job, "the server is stopping")
        self._pool.shutdown(wait=False, cancel_futures=True)
