"""The :class:`Ledger`: validated tables, user overlay, and point-in-time views."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from aiinfra.dates import to_timestamp
from aiinfra.exceptions import DataValidationError, InvalidParameterError, Problem
from aiinfra.ledger._flows import AMOUNTS, counted_flows, events_in_force
from aiinfra.ledger._loader import (
    Override,
    ParsedRow,
    bundled_data_dir,
    max_file_bytes,
    overlay,
    read_table,
    rows_to_frame,
)
from aiinfra.ledger._schema import TABLES
from aiinfra.ledger._validate import cross_table_problems

__all__ = ["TABLE_NAMES", "Ledger", "LedgerView", "load_ledger"]

T = TypeVar("T")

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
PROVENANCE = ("_file", "_line")
#: point-in-time views a ledger keeps (the most recently used; a report asks for about 60 dates)
VIEW_CACHE_SIZE = 256
#: the tables of a view that :meth:`Ledger.as_of` cuts to the date, but the flows, and the
#: date column that says when a row became known
_DATED_BY = {
    "flow_events": "known_from",
    "relationships": "announced_known",
    "figures": "source_date_known",
    "scores": "as_of",
    "score_components": "as_of",
    "ai_revenue": "known_from",
    "financials": "source_date_known",
    "balance_sheets": "source_date_known",
}
#: the tables of a view that :meth:`Ledger.as_of` cuts to the date (``companies`` is shared)
_DATED = ("flows", *_DATED_BY)


@dataclass(frozen=True)
class _Tables:
    companies: pd.DataFrame
    flows: pd.DataFrame
    flow_events: pd.DataFrame
    relationships: pd.DataFrame
    figures: pd.DataFrame
    scores: pd.DataFrame
    score_components: pd.DataFrame
    ai_revenue: pd.DataFrame
    financials: pd.DataFrame
    balance_sheets: pd.DataFrame

    def table(self, name: str, *, provenance: bool = False) -> pd.DataFrame:
        """One table by name; ``provenance=True`` keeps the ``_file``/``_line`` columns.

        Raises
        ------
        InvalidParameterError
            For an unknown table name (the message lists the valid ones).
        """
        if name not in TABLE_NAMES:
            raise InvalidParameterError(
                f"`table` must be one of {', '.join(TABLE_NAMES)}; got {name!r}"
            )
        frame: pd.DataFrame = getattr(self, name)
        if provenance:
            return frame.copy()
        return frame.drop(columns=[c for c in PROVENANCE if c in frame.columns])

    # --- point in time: the one place that answers "the latest … known on a date" ---------------

    def latest_scores(self, as_of: object = None, *, static: bool = False) -> pd.DataFrame:
        """The latest score row of each company known on ``as_of``, indexed by ``company_id``.

        Parameters
        ----------
        as_of : date, optional
            Only vintages with ``as_of`` on or before this date count; None: every vintage.
        static : bool, default False
            When no vintage at all is known on ``as_of``, use the latest vintages instead
            (today's scores applied to an earlier date: not point-in-time; label what you show).

        Examples
        --------
        >>> sc = load_ledger().latest_scores()
        >>> bool(sc.index.is_unique), "category" in sc.columns
        (True, True)
        """
        sc = self.scores
        if as_of is not None:
            known = sc[sc["as_of"] <= to_timestamp(as_of, "as_of")]
            sc = known if not (known.empty and static) else sc
        return (
            sc.sort_values("as_of", kind="stable")
            .groupby("company_id")
            .tail(1)
            .set_index("company_id")
        )

    def latest_financials(self, as_of: object = None, column: str | None = None) -> pd.DataFrame:
        """Each company's financials of the latest fiscal period published by ``as_of`` (where
        ``column`` is given, the latest period with a value in it), indexed by ``company_id``."""
        fin = self.financials
        if as_of is not None:
            fin = fin[fin["source_date_known"] <= to_timestamp(as_of, "as_of")]
        if column is not None:
            fin = fin[fin[column].notna()]
        return (
            fin.sort_values("period_end", kind="stable")
            .groupby("company_id")
            .tail(1)
            .set_index("company_id")
        )

    def latest_balance_sheets(self, as_of: object = None, field: str | None = None) -> pd.DataFrame:
        """Each company's latest balance sheet published by ``as_of`` (period end, cash, debt,
        interest, leases), indexed by ``company_id``; with ``field`` (e.g. ``"cash_usd_bn"``),
        the latest one that states that figure."""
        bs = self.balance_sheets
        if as_of is not None:
            bs = bs[bs["source_date_known"] <= to_timestamp(as_of, "as_of")]
        if field is not None:
            bs = bs[bs[field].notna()]
        return (
            bs.sort_values("period_end", kind="stable")
            .groupby("company_id")
            .tail(1)
            .set_index("company_id")
        )

    def counts(self) -> dict[str, int]:
        """Number of rows per table."""
        return {f.name: len(getattr(self, f.name)) for f in fields(_Tables)}


@dataclass(frozen=True)
class LedgerView(_Tables):
    """The ledger as it was known on ``as_of``.

    ``flows`` holds only deals announced by then, with the ``status``, ``status_date`` and the
    ``ceiling``/``committed``/``funded`` amounts in force on that date, and ``counted`` (count
    this row when summing, so that each obligation is counted once — see
    :func:`~aiinfra.ledger.counted_flows`); every other dated table holds only rows known by then
    (``source_date``, ``as_of``, ``known_from``; events by the date they became public).
    """

    as_of: pd.Timestamp


class _Memo:
    """What one ledger has computed, by key: a thread-safe LRU.

    The ledger's tables never change once loaded, so what is derived from them depends only on
    the key. Not carried by pickling or copying (a copy starts empty).
    """

    def __init__(self, size: int = VIEW_CACHE_SIZE) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        """The value kept for ``key`` (None when there is none)."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)

    def __getstate__(self) -> dict[str, Any]:
        return {"size": self._size}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(int(state["size"]))  # type: ignore[misc]

    def __copy__(self) -> _Memo:
        return _Memo(self._size)

    def __deepcopy__(self, memo: dict[int, Any]) -> _Memo:
        return _Memo(self._size)


def _fresh(view: LedgerView) -> LedgerView:
    """``view`` with its dated tables as new frames (shallow copies: copy-on-write keeps the
    cached ones unchanged whatever the caller does with them)."""
    tables: dict[str, Any] = {name: getattr(view, name).copy(deep=False) for name in _DATED}
    return LedgerView(companies=view.companies, **tables, as_of=view.as_of)


@dataclass(frozen=True)
class Ledger(_Tables):
    """The validated ledger (bundled data, optionally overlaid by a user directory).

    Use :func:`load_ledger` to build one. Tables are pandas DataFrames with the columns described
    in ``docs/ledger.md``; partial-date columns keep their text and have a ``<column>_known``
    datetime companion (the end of the period).
    """

    data_dirs: tuple[str, ...]
    validated_on: dt.date
    #: rows of the user directory that replace rows of the base ledger, in table order
    overrides: tuple[Override, ...] = ()
    #: the views :meth:`as_of` has built, by date
    _views: _Memo = field(default_factory=_Memo, init=False, repr=False, compare=False)
    #: what :meth:`memo` has kept
    _derived: _Memo = field(default_factory=_Memo, init=False, repr=False, compare=False)
    #: the rows of each table known on a date, by which rows they are (:meth:`_view`)
    _slices: _Memo = field(
        default_factory=lambda: _Memo(4 * VIEW_CACHE_SIZE), init=False, repr=False, compare=False
    )

    def as_of(self, date: object) -> LedgerView:
        """Point-in-time view: nothing dated after ``date`` is used.

        Parameters
        ----------
        date : str, date or Timestamp
            The view date (``YYYY-MM-DD``).

        Examples
        --------
        >>> view = load_ledger().as_of("2025-06-30")
        >>> bool((view.flows["announced_known"] <= view.as_of).all())
        True

        Notes
        -----
        The ledger keeps the views it has built (the :data:`VIEW_CACHE_SIZE` most recently used,
        by date): asking again for a date returns the same tables as new frames, without
        replaying the events.
        """
        d = to_timestamp(date, "as_of")
        key = (d, d.unit)  # (the unit too: the view carries the date as given)
        cached = self._views.get(key)
        if cached is None:
            cached = self._view(d)
            self._views.put(key, cached)
        return _fresh(cached)

    def company_names(self) -> dict[str, str]:
        """Company id → name (``companies.csv``; every company has one): what a reader is shown
        instead of an id. A new dict each call (the caller may change it)."""
        names: dict[str, str] = self.memo(
            ("company_names",),
            lambda: {
                str(i): str(n)
                for i, n in zip(self.companies["id"], self.companies["name"], strict=True)
            },
        )
        return dict(names)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, kept by this ledger under ``key`` (the most recently used
        :data:`VIEW_CACHE_SIZE` values): for what is derived from the ledger alone and asked
        for several times in one run (a report computes the ROI gap of its date twice).

        ``key`` must name everything else the value depends on (the function, the date, the
        parameters); the ledger's tables never change. The value is shared: treat it as
        read-only (hand out copies of its frames). Thread-safe (two threads may both compute a
        value the first time; they get equal values).
        """
        value = self._derived.get(key)
        if value is None:
            value = compute()
            self._derived.put(key, value)
        return value  # type: ignore[no-any-return]

    def _view(self, d: pd.Timestamp) -> LedgerView:
        """The view on ``d``, built from the tables.

        Each table's rows known on ``d`` are kept by which rows they are (many dates see the
        same rows of a table: a month without a new score has the previous month's scores), so
        a table is cut, and the flows replayed, once per distinct set of rows.
        """
        f_known = (self.flows["announced_known"] <= d).to_numpy()
        e_known = (self.flow_events["known_from"] <= d).to_numpy()
        flows = self._slices.get(("flows", f_known.tobytes(), e_known.tobytes()))
        if flows is None:
            flows = self._flows_known(d)
            self._slices.put(("flows", f_known.tobytes(), e_known.tobytes()), flows)
        tables: dict[str, pd.DataFrame] = {}
        for name, column in _DATED_BY.items():
            frame: pd.DataFrame = getattr(self, name)
            known = (frame[column] <= d).to_numpy()
            key = (name, known.tobytes())
            cut = self._slices.get(key)
            if cut is None:
                cut = frame[known]
                self._slices.put(key, cut)
            tables[name] = cut
        return LedgerView(companies=self.companies, flows=flows, **tables, as_of=d)

    def _flows_known(self, d: pd.Timestamp) -> pd.DataFrame:
        """The deals announced by ``d`` with the status and amounts in force on ``d``."""
        flows = self.flows[self.flows["announced_known"] <= d]
        state = events_in_force(self.flow_events, d)
        flows = flows.drop(columns=list(AMOUNTS)).join(state, on="id")
        flows["counted"] = counted_flows(flows)
        order = [c for c in self.flows.columns if c not in PROVENANCE]
        flows = flows[[*order, "status", "status_date", "counted", *PROVENANCE]]
        return flows.reset_index(drop=True)


def _label(path: Path, packaged: bool) -> str:
    return f"aiinfra/ledger/data/{path.name}" if packaged else str(path)


def _synthesise_events(flows: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """A flow without events gets one ``announced`` event on its announced date."""
    have = set(events["flow_id"]) if not events.empty else set()
    bare = flows[~flows["id"].isin(have)]
    if bare.empty:
        return events
    extra = pd.DataFrame(
        {
            "flow_id": bare["id"],
            "date": bare["announced"],
            "date_known": bare["announced_known"],
            "status": "announced",
            **{c: bare[c] for c in AMOUNTS},
            "reported": None,
            "reported_known": pd.NaT,
            "source": bare["source"],
            # the flow's own evidence states its amounts at announcement
            **{c: bare[c] for c in ("quote", "read_on", "read_on_known") if c in bare},
            "notes": "synthesised: the flow has no events",
            "_file": bare["_file"],
            "_line": bare["_line"],
        }
    )
    parts = [p for p in (events, extra) if not p.empty]
    # (an empty events frame is left out of the concat: reindex keeps its columns all the same)
    return pd.concat(parts, ignore_index=True).reindex(columns=events.columns)


def load_ledger(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    base: str | os.PathLike[str] | None = None,
    today: dt.date | None = None,
) -> Ledger:
    """Load, overlay and validate the ledger.

    Parameters
    ----------
    data_dir : path, optional
        A user directory holding any subset of the ledger CSV files (same columns). Its rows
        replace bundled rows with the same key and add new ones (see ``docs/ledger.md``).
    base : path, optional
        A complete ledger directory to start from instead of the one shipped with the package
        (every file must be present). ``data_dir`` is overlaid on it.
    today : date, optional
        The date against which "not in the future" is checked (default: today).

    Returns
    -------
    Ledger

    Raises
    ------
    DataValidationError
        With **every** problem found (file, row, column, rule), not only the first.
    InvalidParameterError
        When ``data_dir`` does not exist or is not a directory, or when
        ``AIINFRA_MAX_LEDGER_FILE_BYTES`` is set to anything but a whole number > 0.

    Notes
    -----
    Each file is read only if it is a regular file within the byte limit (16 MiB, or
    ``AIINFRA_MAX_LEDGER_FILE_BYTES``); every date must lie in 1900-01-01 … 2100-12-31. Rows a
    user file replaces are listed in :attr:`Ledger.overrides`.
    """
    today = today or dt.date.today()
    dirs: list[tuple[Path, bool]] = []
    if base is None:
        dirs.append((bundled_data_dir(), True))
    else:
        b = Path(base).expanduser()
        if not b.is_dir():
            raise InvalidParameterError(f"`base` must be an existing directory; got {str(b)!r}")
        dirs.append((b, True))
    if data_dir is not None:
        p = Path(data_dir).expanduser()
        if not p.is_dir():
            raise InvalidParameterError(f"`data_dir` must be an existing directory; got {str(p)!r}")
        known = {s.filename for s in TABLES.values()}
        stray = sorted(x.name for x in p.glob("*.csv") if x.name not in known)
        if stray:
            raise DataValidationError(
                [
                    Problem(
                        str(p / s),
                        None,
                        None,
                        f"is not a ledger file (expected one of: {', '.join(sorted(known))})",
                    )
                    for s in stray
                ],
                "ledger",
            )
        dirs.append((p, False))

    limit = max_file_bytes()
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    overrides: list[Override] = []
    unparsed: dict[str, set[str]] = {name: set() for name in TABLES}
    for name, spec in TABLES.items():
        merged: list[ParsedRow] = []
        for directory, is_base in dirs:
            path = directory / spec.filename
            label = _label(path, packaged=base is None and is_base)
            if not os.path.lexists(path):
                if is_base and not spec.optional_file:
                    problems.append(Problem(label, None, None, "file is missing"))
                continue
            rows, file_problems = read_table(spec, path, label, unparsed[name], max_bytes=limit)
            problems += file_problems
            merged, replaced = overlay(spec, merged, rows)
            overrides += replaced
        frames[name] = rows_to_frame(spec, merged)
    events = _synthesise_events(frames["flows"], frames["flow_events"])
    events["known_from"] = events[["date_known", "reported_known"]].max(axis=1)
    frames["flow_events"] = events
    problems += cross_table_problems(frames, today, unparsed)
    if problems:
        raise DataValidationError(problems, "ledger")
    return Ledger(
        **frames,
        data_dirs=tuple(str(d) for d, _ in dirs),
        validated_on=today,
        overrides=tuple(overrides),
    )
