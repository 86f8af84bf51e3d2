"""Replaying the life of each deal: status and amounts in force on a date."""

from __future__ import annotations

import pandas as pd

from aiinfra.ledger._schema import STATUS_ORDER

AMOUNTS = ("ceiling", "committed", "funded")

__all__ = ["AMOUNTS", "events_in_force"]


def events_in_force(events: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """State of every flow after its last event known by ``as_of``.

    Parameters
    ----------
    events : DataFrame
        ``flow_events`` frame (``flow_id``, ``date``, ``date_known``, ``status`` and the amounts).
    as_of : Timestamp, optional
        Only events with ``date_known <= as_of`` count; None uses every event.

    Returns
    -------
    DataFrame indexed by ``flow_id`` with ``status``, ``status_date`` and the amounts in force.
    An empty amount cell carries the previous event's value forward.

    Notes
    -----
    Events are ordered by the date they became known, then by lifecycle (announced before
    signed before funded ...), then by file position. Cost: one sort and one grouped forward-fill,
    O(n log n) in the number of events.
    """
    ev = events if as_of is None else events[events["date_known"] <= as_of]
    if ev.empty:
        empty = pd.Index([], dtype=object, name="flow_id")
        return pd.DataFrame(
            {
                "status": pd.Series(dtype=object),
                **{c: pd.Series(dtype="float64") for c in AMOUNTS},
                "status_date": pd.Series(dtype=object),
            },
            index=empty,
        )
    ev = ev.assign(_order=ev["status"].map(STATUS_ORDER))
    ev = ev.sort_values(["flow_id", "date_known", "_order", "_line"], kind="mergesort")
    filled = ev[list(AMOUNTS)].groupby(ev["flow_id"]).ffill()
    ev = ev.assign(**{c: filled[c] for c in AMOUNTS})
    last = ev.groupby("flow_id", sort=True).tail(1).set_index("flow_id")
    out = last[["status", *AMOUNTS]].copy()
    out["status_date"] = last["date"]
    return out
