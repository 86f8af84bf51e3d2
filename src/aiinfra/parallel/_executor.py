"""One executor interface, two backends: local processes (joblib) or Dask distributed.

Work is split into *chunks* that are independent of the number of workers; randomness is seeded
per chunk (:func:`chunk_seeds`), so a result is identical — bit for bit — whichever backend and
however many workers run it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

import numpy as np

from aiinfra.exceptions import InvalidParameterError, ProviderUnavailableError

__all__ = [
    "DaskExecutor",
    "Executor",
    "LocalExecutor",
    "SerialExecutor",
    "chunk_seeds",
    "chunks",
    "get_executor",
]

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int, int], None]


class Executor(Protocol):
    """Runs ``fn`` over ``items`` and returns the results in the order of ``items``."""

    name: str
    workers: int

    def map(
        self, fn: Callable[[T], R], items: Sequence[T], *, progress: Progress | None = None
    ) -> list[R]: ...

    def close(self) -> None: ...


class SerialExecutor:
    """In this process, one item after the other (for small jobs and debugging)."""

    name = "serial"
    workers = 1

    def map(
        self, fn: Callable[[T], R], items: Sequence[T], *, progress: Progress | None = None
    ) -> list[R]:
        out: list[R] = []
        for i, item in enumerate(items):
            out.append(fn(item))
            if progress is not None:
                progress(i + 1, len(items))
        return out

    def close(self) -> None:
        return None

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LocalExecutor:
    """Local worker processes (joblib's loky backend); ``workers`` defaults to the CPU count."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        n = workers if workers is not None else (os.cpu_count() or 1)
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise InvalidParameterError(f"`workers` must be a positive integer; got {workers!r}")
        self.workers = n

    def map(
        self, fn: Callable[[T], R], items: Sequence[T], *, progress: Progress | None = None
    ) -> list[R]:
        if self.workers == 1:
            return SerialExecutor().map(fn, items, progress=progress)
        from joblib import Parallel, delayed

        out: list[R] = []
        par = Parallel(n_jobs=self.workers, backend="loky", return_as="generator")
        for i, r in enumerate(par(delayed(fn)(item) for item in items)):
            out.append(r)
            if progress is not None:
                progress(i + 1, len(items))
        return out

    def close(self) -> None:
        return None

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DaskExecutor:
    """A Dask distributed cluster at ``address`` (``tcp://HOST:PORT``).

    Needs the ``aiinfra[distributed]`` extra.

    Connects as a client only: it never starts or stops the cluster's scheduler or workers.
    A malformed address is an :class:`InvalidParameterError` (exit 2); a scheduler that cannot
    be reached, or that has no worker within ``timeout`` seconds, a
    :class:`ProviderUnavailableError` (exit 3).
    """

    name = "dask"

    def __init__(self, address: str, *, timeout: float = 10.0) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise InvalidParameterError(
                "`--scheduler` needs Dask: pip install 'aiinfra[distributed]'"
            ) from exc
        _check_reachable(address, timeout)
        try:
            self._client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, ValueError) as exc:
            raise ProviderUnavailableError(
                f"`scheduler` {address}: cannot connect ({exc}); start one with "
                "`dask scheduler` and `dask worker` (docs/sweep.md)"
            ) from None
        try:
            self._client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError):
            self._client.close()
            raise ProviderUnavailableError(
                f"`scheduler` {address} has no worker after {timeout:g} s; start some with "
                f"`dask worker {address}`"
            ) from None
        self.address = address
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))

    def map(
        self, fn: Callable[[T], R], items: Sequence[T], *, progress: Progress | None = None
    ) -> list[R]:
        from distributed import as_completed

        futures = self._client.map(fn, list(items), pure=False)
        for done, _ in enumerate(as_completed(futures, loop=self._client.loop), start=1):
            if progress is not None:
                progress(done, len(futures))
        return [f.result() for f in futures]

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_reachable(address: object, timeout: float) -> None:
    """Fail fast, with the rule, on a malformed address or a closed port."""
    import socket

    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import backends

    rule = "`scheduler` must be an address like tcp://127.0.0.1:8786"
    if not isinstance(address, str) or "://" not in address:
        raise InvalidParameterError(f"{rule}; got {address!r}")
    try:
        scheme, loc = parse_address(address)
        if scheme not in backends:
            raise ValueError(f"unknown scheme {scheme!r}; known: {', '.join(sorted(backends))}")
        host, port = parse_host_port(loc)
    except ValueError as exc:
        raise InvalidParameterError(f"{rule}; got {address!r} ({exc})") from None
    if scheme not in ("tcp", "tls"):
        return
    try:
        with socket.create_connection((host, int(port)), timeout=min(timeout, 5.0)):
            pass
    except OSError as exc:
        raise ProviderUnavailableError(
            f"`scheduler` {address}: cannot connect ({exc.strerror or exc}); is `dask scheduler` "
            "running there and reachable from this machine? (docs/sweep.md)"
        ) from None


def get_executor(scheduler: str | None = None, workers: int | None = None) -> Executor:
    """``scheduler`` → :class:`DaskExecutor`; else :class:`LocalExecutor` with ``workers``."""
    if scheduler is not None and workers is not None:
        raise InvalidParameterError("give either `scheduler` or `workers`, not both")
    if scheduler is not None:
        return DaskExecutor(scheduler)
    return LocalExecutor(workers)


def chunks(n: int, size: int) -> list[tuple[int, int]]:
    """``[start, stop)`` bounds of ``n`` items in chunks of ``size`` (the last may be shorter).

    >>> chunks(10, 4)
    [(0, 4), (4, 8), (8, 10)]
    """
    if n < 0 or size < 1:
        raise InvalidParameterError(f"chunks need n >= 0 and size >= 1; got n={n}, size={size}")
    return [(s, min(s + size, n)) for s in range(0, n, size)]


def chunk_seeds(seed: int | None, n_chunks: int) -> list[np.random.SeedSequence]:
    """One independent seed per chunk, derived from ``seed`` and the chunk's position only.

    >>> [s.generate_state(1)[0] for s in chunk_seeds(7, 2)] == [
    ...     s.generate_state(1)[0] for s in chunk_seeds(7, 2)]
    True
    """
    return list(np.random.SeedSequence(seed).spawn(n_chunks))
