"""Replaying the life of each deal: status and amounts in force on a date."""

from __future__ import annotations

import pandas as pd

from aiinfra.ledger._schema import STATUS_ORDER

AMOUNTS = ("ceiling", "committed", "funded")

__all__ = ["AMOUNTS", "IN_FORCE", "counted_flows", "events_in_force"]

#: statuses of a deal that is in force (stalled and terminated deals are not)
IN_FORCE: frozenset[str] = frozenset(
    {"announced", "loi", "signed", "funded", "in_progress", "completed"}
)


def counted_flows(flows: pd.DataFrame) -> pd.Series:
    """Which rows to count so that each obligation is counted once.

    Rows without an ``obligation`` group count. In a group, the ``primary`` row counts when it
    is present; before it is known (a point-in-time view), the group's ``tranche`` rows count
    instead; a group holding only ``duplicate`` rows counts its earliest one.

    Returns
    -------
    Series of bool aligned with ``flows``.
    """
    counted = flows["obligation"].isna()
    grouped = flows[~counted]
    for _, g in grouped.groupby("obligation", sort=False):
        role = g["obligation_role"]
        if (role == "primary").any():
            pick = g.index[role == "primary"]
        elif (role == "tranche").any():
            pick = g.index[role == "tranche"]
        else:
            pick = g.sort_values(["announced_known", "id"]).index[:1]
        counted.loc[pick] = True
    return counted.astype(bool)


def events_in_force(events: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """State of every flow after its last event known by ``as_of``.

    Parameters
    ----------
    events : DataFrame
        ``flow_events`` frame (``flow_id``, ``date``, ``status``, the amounts, and ``known_from``
        — the date the event became public — or, without it, ``date_known``).
    as_of : Timestamp, optional
        Only events known by ``as_of`` count; None uses every event.

    Returns
    -------
    DataFrame indexed by ``flow_id`` with ``status``, ``status_date`` and the amounts in force.
    An empty amount cell carries the previous event's value forward.

    Notes
    -----
    Events are ordered by the date they became known, then the date they happened, then by
    lifecycle (announced before signed before funded ...), then by file position. Cost: one
    sort and one grouped forward-fill, O(n log n) in the number of events.
    """
    known = "known_from" if "known_from" in events.columns else "date_known"
    ev = events if as_of is None else events[events[known] <= as_of]
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
    ev = ev.sort_values(["flow_id", known, "date_known", "_order", "_line"], kind="mergesort")
    filled = ev[list(AMOUNTS)].groupby(ev["flow_id"]).ffill()
    ev = ev.assign(**{c: filled[c] for c in AMOUNTS})
    last = ev.groupby("flow_id", sort=True).tail(1).set_index("flow_id")
    out = last[["status", *AMOUNTS]].copy()
    out["status_date"] = last["date"]
    return out
