"""A memo of what reviews derive from their inputs alone, shared while a backtest or sweep runs.

:class:`ReviewCache` holds, per input frame, the figures a review computes from it that do not
depend on the methodology (liquidity per listing line and cut-off, the latest ledger record per
company); :func:`review_cache` activates one for a ``with`` block in this thread, and
:func:`memo` / :func:`latest` read through the active cache (or compute afresh when none is).
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

__all__ = [
    "Deferred",
    "LazyField",
    "ReviewCache",
    "by_date",
    "latest",
    "memo",
    "memo_checked",
    "review_cache",
]


class ReviewCache:
    """Memo of what a review derives from its inputs alone, not from the methodology.

    A backtest runs many reviews on the same price frames and ledger tables; a sweep runs many
    backtests on them. Liquidity figures per listing line and cut-off, and the latest record per
    company in a ledger table, are computed once per frame while a cache is active
    (:func:`review_cache`). Entries are keyed by the frame's identity, checked through a weak
    reference, so a new frame never meets an old entry. The frames must not be changed in place
    while the cache is active: a backtest activates one for its own duration; a sweep keeps one
    per worker for its own (private) frames. Outside that, nothing is cached.
    """

    MAX_FRAMES = 10_000

    def __init__(self) -> None:
        self._frames: dict[int, tuple[weakref.ref[Any], dict[tuple[Any, ...], Any]]] = {}

    def lookup(self, frame: Any, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        entry = self._frames.get(id(frame))
        if entry is None or entry[0]() is not frame:
            if len(self._frames) >= self.MAX_FRAMES:
                self._frames.clear()
            entry = (weakref.ref(frame), {})
            self._frames[id(frame)] = entry
        if key not in entry[1]:
            entry[1][key] = compute()
        return entry[1][key]


_LOCAL = threading.local()  # per thread: the stack of active caches (the dashboard runs
# backtests in several threads at once)


def _active() -> list[ReviewCache]:
    stack: list[ReviewCache] | None = getattr(_LOCAL, "stack", None)
    if stack is None:
        stack = _LOCAL.stack = []
    return stack


@contextlib.contextmanager
def review_cache(cache: ReviewCache | None = None) -> Iterator[ReviewCache]:
    """Activate ``cache`` (or the one already active, or a new one) for the ``with`` block, in
    this thread."""
    stack = _active()
    use = cache if cache is not None else (stack[-1] if stack else ReviewCache())
    stack.append(use)
    try:
        yield use
    finally:
        stack.pop()


def memo(frame: Any, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """``compute()``, looked up under (``frame``, ``key``) in the active cache when there is one."""
    stack = _active()
    return stack[-1].lookup(frame, key, compute) if stack else compute()


def memo_checked(
    frame: Any, key: tuple[Any, ...], deps: tuple[Any, ...], compute: Callable[[], Any]
) -> Any:
    """:func:`memo` for a value that depends on other objects than ``frame`` too (``deps``: a
    price getter, an FX mapping, a ledger table): the entry is keyed by their ids and holds
    them, and is used only when every one of them is the very object given now (an id reused
    by a new object computes afresh)."""
    ids = tuple(id(d) for d in deps)
    held, value = memo(frame, (*key, ids), lambda: (deps, compute()))
    if any(a is not b for a, b in zip(held, deps, strict=True)):
        return compute()
    return value


def latest(
    frame: pd.DataFrame, key: str, date_col: str, cutoff: pd.Timestamp | None
) -> dict[Any, dict[Any, Any]]:
    """Per key, the row with the latest ``date_col`` on or before ``cutoff`` (as a dict)."""
    cached = memo(frame, ("latest", key, date_col, cutoff),
                  lambda: _compute_latest(frame, key, date_col, cutoff))  # fmt: skip
    return {k: dict(v) for k, v in cached.items()}


def by_date(frame: pd.DataFrame, date_col: str) -> pd.DataFrame:
    """``frame`` in the order records became known: by ``date_col``, then (several fiscal years
    published the same day, as in a prospectus) by ``fiscal_year``, then in file order.

    The sort is stable, so which of two records of the same day comes last never depends on the
    sorting algorithm: numpy's default ``quicksort`` is not stable, and with AVX-512 it ordered
    CoreWeave's FY2022, FY2023 and FY2024 financials (all known on 2025-03-03) so that FY2022
    came last, and reviews from the 2025-06 cut-off on read its 2022 share count and revenue.
    """
    cols = [date_col, *(["fiscal_year"] if "fiscal_year" in frame.columns else [])]
    return frame.sort_values(cols, kind="stable")


def _compute_latest(
    frame: pd.DataFrame, key: str, date_col: str, cutoff: pd.Timestamp | None
) -> dict[Any, dict[Any, Any]]:
    f = frame if cutoff is None else frame[frame[date_col] <= cutoff]
    last = by_date(f, date_col).groupby(key).tail(1).set_index(key)
    out: dict[Any, dict[Any, Any]] = last.to_dict(orient="index")
    return out


class Deferred:
    """A value made by :meth:`make` when a :class:`LazyField` holding it is first read:
    ``build()`` (picklable when ``build`` is), or what a subclass's ``make`` returns."""

    __slots__ = ("build",)

    def __init__(self, build: Callable[[], Any] | None = None) -> None:
        self.build = build

    def make(self) -> Any:
        assert self.build is not None
        return self.build()


_NO_DEFAULT = object()


class LazyField:
    """A dataclass field whose value may be given as a :class:`Deferred`: the first read makes
    the value and keeps it, so reading the field always gives the value (repr, ``==`` and
    ``dataclasses.replace`` read it too). ``default``: the field's default (none when omitted).

    A result whose parts are costly to build and often unread (a review's candidate frame read
    by the report but not by a sweep) is built on first use, from what the steps computed.
    """

    def __init__(self, default: Any = _NO_DEFAULT) -> None:
        self.default = default
        self._lock = threading.RLock()  # one make per value when threads read it at once

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.slot = "_" + name

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            if self.default is _NO_DEFAULT:
                raise AttributeError(self.name)  # a dataclass field without a default
            return self.default
        value = obj.__dict__[self.slot]
        if isinstance(value, Deferred):
            with self._lock:
                value = obj.__dict__[self.slot]
                if isinstance(value, Deferred):
                    value = obj.__dict__[self.slot] = value.make()
        return value

    def __set__(self, obj: object, value: Any) -> None:
        obj.__dict__[self.slot] = value

    def held(self, obj: object) -> Any:
        """What ``obj`` holds: the value, or the :class:`Deferred` not made yet."""
        return obj.__dict__[self.slot]
