"""The report's issue-16 sections as use cases: circularity over time, what changed over the
year to the report's date, and the funds of ``--holdings`` looked through.

Each composes existing services (:mod:`aiinfra.services.flows_history`,
:mod:`aiinfra.services.diff`, :mod:`aiinfra.services.lookthrough`) for
:func:`aiinfra.services.report.build_report`; the report only lays them out.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import pandas as pd

from aiinfra.dates import to_timestamp
from aiinfra.exceptions import AiinfraError
from aiinfra.flows import history as flow_history
from aiinfra.services.flows_history import (
    DEFAULT_BENCHMARK,
    DRAWDOWN_COLUMNS,
    HistoryView,
    drawdowns_at,
)

__all__ = [
    "HISTORY_SAMPLES",
    "HISTORY_START",
    "report_changes",
    "report_history",
    "report_lookthrough",
]

#: null graphs per quarter behind the report's p-values (the CLI's default is 200; 100 halves the
#: section's run time, and the p-value's resolution is 1/101)
HISTORY_SAMPLES = 100
#: the first quarter end the report replays
HISTORY_START = "2019-01-01"


def report_history(
    ledger: Any,
    as_of: object,
    index: Any = None,
    *,
    samples: int = HISTORY_SAMPLES,
    seed: int = 0,
    benchmark: str = DEFAULT_BENCHMARK,
) -> HistoryView | None:
    """The circularity at every quarter end from :data:`HISTORY_START` to ``as_of``
    (:func:`aiinfra.flows.history`, committed amounts, ``samples`` rewirings per quarter under
    each of the two null models of the flow section: degree-preserving (``p_value``) and
    role-preserving (``p_value_role``, ``z_score_role``), as the flow section shows both), with
    the drawdowns of the index (GTR) and of ``benchmark`` taken from ``index``'s backtest (the
    report's own index, so nothing is formed twice) when it has one with that benchmark. None
    when the ledger has no flows on ``as_of``.

    ``drawdown_t = L_t / max(L_first … L_t) − 1`` on the last session on or before each quarter
    end (:func:`aiinfra.services.flows_history.drawdowns_at`).

    Examples
    --------
    >>> from aiinfra import load_ledger
    >>> v = report_history(load_ledger(), "2019-12-31", samples=5)
    >>> [str(d.date()) for d in v.history.frame.index]
    ['2019-03-31', '2019-06-30', '2019-09-30', '2019-12-31']
    """
    from aiinfra.flows import flow_graph

    day = to_timestamp(as_of, "as_of")
    if flow_graph(ledger, day, "committed").number_of_edges() == 0:
        return None  # no money flows on the date: nothing to replay
    h = _kept_history(ledger, day, samples, seed)
    bt = None if index is None else index.backtest
    column = f"bench_{benchmark}"
    if bt is None or column not in bt.levels.columns:
        note = "no index backtest with prices: the drawdowns are left out"
        return HistoryView(h, benchmark, notes=(note,))
    levels = pd.DataFrame({"index": bt.levels["GTR"], "benchmark": bt.levels[column]})
    dd = drawdowns_at(levels, pd.DatetimeIndex(h.frame.index))
    dd.columns = list(DRAWDOWN_COLUMNS)
    return HistoryView(h, benchmark, dd, levels, str(bt.summary["label"]))


#: the histories computed in this process, by the ledger's tables and the arguments (a report and
#: the dashboard's history page, or a Python session writing several reports, replay the same
#: 31 quarters of 6,200 null graphs once)
_KEPT: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_KEPT_SIZE = 4
_KEPT_LOCK = threading.Lock()


def _ledger_fingerprint(ledger: Any) -> str:
    """A digest of every table of ``ledger`` (the history reads nothing else of it): equal
    tables give equal digests; two ledgers that differ in any cell differ (a pickle of the same
    frame may differ byte for byte between objects, which only costs a recomputation)."""
    import hashlib
    import pickle

    from aiinfra.ledger import TABLE_NAMES

    digest = hashlib.sha256()
    for name in TABLE_NAMES:
        digest.update(name.encode())
        digest.update(pickle.dumps(ledger.table(name), protocol=5))
    return digest.hexdigest()


def _kept_history(ledger: Any, day: pd.Timestamp, samples: int, seed: int) -> Any:
    """Both null models' histories from :data:`HISTORY_START` to ``day`` (:func:`_with_role_model`),
    computed once per process for the same ledger tables and arguments; a deep copy is handed
    out, so a caller may change what it gets."""
    import copy

    key = (_ledger_fingerprint(ledger), day, samples, seed)
    with _KEPT_LOCK:
        kept = _KEPT.get(key)
        if kept is not None:
            _KEPT.move_to_end(key)
    if kept is None:
        kept = _with_role_model(
            flow_history(ledger, HISTORY_START, day, "Q", "committed", samples, seed),
            flow_history(ledger, HISTORY_START, day, "Q", "committed", samples, seed, model="role"),
        )
        with _KEPT_LOCK:
            _KEPT[key] = kept
            while len(_KEPT) > _KEPT_SIZE:
                _KEPT.popitem(last=False)
    return copy.deepcopy(kept)


def _with_role_model(degree: Any, role: Any) -> Any:
    """``degree`` (a degree-preserving history) with the role-preserving run's p-value and
    z-score beside its own as ``p_value_role`` and ``z_score_role`` (the same dates and seeds;
    every other column is the graph's own and the same in both runs)."""
    import dataclasses

    frame = degree.frame.copy()
    frame["p_value_role"] = role.frame["p_value"].reindex(frame.index)
    frame["z_score_role"] = role.frame["z_score"].reindex(frame.index)
    return dataclasses.replace(degree, frame=frame)


def report_changes(ledger: Any, as_of: object, *, prices: Any = None, fx: Any = None) -> Any:
    """What changed from one year before ``as_of`` to ``as_of``
    (:func:`aiinfra.services.diff.diff`); None when the first date lies outside the ledger's
    range (the diff's error is then not the report's)."""
    from aiinfra.services.diff import diff

    d2 = to_timestamp(as_of, "as_of")
    d1 = d2 - pd.DateOffset(years=1)
    try:
        return diff(ledger, d1, d2, prices=prices, fx=fx)
    except AiinfraError:
        return None


def report_lookthrough(
    ledger: Any,
    holdings: Sequence[str | os.PathLike[str]],
    as_of: object,
    *,
    prices: Any = None,
    fx: Any = None,
) -> list[Any]:
    """One :func:`aiinfra.services.lookthrough.compose` per holdings file, in the order given;
    a file that cannot be read raises its error (naming the file)."""
    from aiinfra.services.lookthrough import compose

    return [compose(h, ledger, as_of, prices=prices, fx=fx) for h in holdings]
