"""What changed between two dates (``aiinfra diff DATE1 DATE2``): the deals, the money cycles, the
index, the ROI gap and the stress figures, each side built only from what was known on its date.

The result is one table per part (:data:`PARTS`), so that the command line, the report and the
dashboard lay out the same frames. See docs/diff.md.

>>> from aiinfra import load_ledger
>>> d = diff(load_ledger(), "2025-06-30", "2026-06-30")
>>> d.counts()["deals"]["added"] > 0
True
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from aiinfra.config import Settings
from aiinfra.dates import check_ledger_range, resolve_as_of, to_timestamp
from aiinfra.exceptions import AiinfraError, InvalidParameterError
from aiinfra.index import Methodology
from aiinfra.ledger import Ledger, LedgerView
from aiinfra.services.ledger import load

__all__ = [
    "CYCLE_CHANGES",
    "DEAL_CHANGES",
    "GAP_MEASURES",
    "PARTS",
    "WEIGHT_CHANGES",
    "DiffResult",
    "IndexSide",
    "check_dates",
    "company_names",
    "cycle_changes",
    "deal_changes",
    "diff",
    "gap_stress_changes",
    "index_in_force",
    "run",
    "weight_changes",
]

#: the parts of a diff, each one table (:meth:`DiffResult.part`)
PARTS: tuple[str, ...] = ("deals", "cycles", "index", "gap_stress")
#: what can happen to a deal between the two dates, in the order the deals table lists them
DEAL_CHANGES: tuple[str, ...] = ("added", "restated", "stalled", "terminated", "completed")
#: what can happen to a money cycle
CYCLE_CHANGES: tuple[str, ...] = ("appeared", "closed")
#: what can happen to a constituent of the index
WEIGHT_CHANGES: tuple[str, ...] = ("added", "deleted", "reweighted", "unchanged")
#: the ROI-gap figures compared (``aiinfra.gap``'s row of the year)
GAP_MEASURES: dict[str, str] = {
    "capex": "USD bn",
    "required": "USD bn",
    "revenue": "USD bn",
    "gap": "USD bn",
    "coverage": "ratio",
}
#: a weight change smaller than this is no change (the weights of one review agree to ~1e-16)
WEIGHT_TOL = 1e-12

_AMOUNTS = ("ceiling", "committed", "funded")
_DEAL_COLUMNS = [
    "change",
    "flow_id",
    "payer",
    "payee",
    "payer_name",
    "payee_name",
    "type",
    "flow_layer",
    "announced",
    "status_d1",
    "status_d2",
    "status_date_d2",
    "ceiling_d1",
    "ceiling_d2",
    "committed_d1",
    "committed_d2",
    "funded_d1",
    "funded_d2",
    "restated",
    "counted_d2",
]
_CYCLE_COLUMNS = [
    "change",
    "cycle",
    "cycle_names",
    "length",
    "bottleneck_d1",
    "bottleneck_d2",
    "flow_ids",
    "changed_edges",
    "changed_edges_names",
    "changed_flows",
]
_WEIGHT_COLUMNS = ["id", "name", "category", "change", "weight_d1", "weight_d2", "difference"]
_GAP_STRESS_COLUMNS = ["part", "item", "measure", "unit", "value_d1", "value_d2", "difference"]


# --------------------------------------------------------------------------------------------
# Dates


def check_dates(
    date1: object, date2: object, today: dt.date | None = None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``date1`` and ``date2`` as timestamps, checked: ``date1 < date2 <= today``.

    Raises
    ------
    InvalidParameterError
        Naming ``date1`` or ``date2``: not a date (YYYY-MM-DD), outside the ledger's date range,
        in the future (after ``today``, default today), or ``date1`` not before ``date2``.

    Examples
    --------
    >>> check_dates("2025-06-30", "2026-06-30")[0]
    Timestamp('2025-06-30 00:00:00')
    >>> check_dates("2026-06-30", "2025-06-30")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    aiinfra.exceptions.InvalidParameterError: `date1` (2026-06-30) must be before `date2` ...
    """
    today = today or dt.date.today()
    days = []
    for name, value in (("date1", date1), ("date2", date2)):
        d = to_timestamp(value, name)
        try:
            check_ledger_range(d.date())
        except ValueError as exc:
            raise InvalidParameterError(f"`{name}` {exc}; got {d.date()}") from None
        if d.date() > today:
            raise InvalidParameterError(
                f"`{name}` ({d.date()}) is in the future (today is {today}): nothing is known "
                "on it yet"
            )
        days.append(d)
    d1, d2 = days
    if d1 >= d2:
        raise InvalidParameterError(f"`date1` ({d1.date()}) must be before `date2` ({d2.date()})")
    return d1, d2


# --------------------------------------------------------------------------------------------
# Names


def _has_text(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def company_names(companies: pd.DataFrame) -> dict[str, str]:
    """Company id → name from a ``companies`` table (``id``, ``name``); a company without a
    name is left out (shown by its id).

    Examples
    --------
    >>> company_names(pd.DataFrame({"id": ["a", "b"], "name": ["Alpha Corp", None]}))
    {'a': 'Alpha Corp'}
    """
    return {
        str(i): str(n)
        for i, n in zip(companies["id"], companies["name"], strict=True)
        if _has_text(n)
    }


def _name(names: Mapping[str, str] | None, company: Hashable) -> str:
    """A company by name, by its id where ``names`` has none."""
    key = str(company)
    return (names or {}).get(key, key)


# --------------------------------------------------------------------------------------------
# Part 1: deals


def _differs(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise: the two amounts differ (NaN equals NaN: both undisclosed is no change)."""
    x, y = a.astype(float), b.astype(float)
    return ~((x == y) | (x.isna() & y.isna()))


def deal_changes(
    view1: LedgerView, view2: LedgerView, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The deals added, restated, stalled, terminated or completed between two as-of views.

    Parameters
    ----------
    view1, view2 : LedgerView
        :meth:`Ledger.as_of` on the earlier and the later date.
    names : mapping, optional
        Company id → name (:func:`company_names`) for ``payer_name`` and ``payee_name`` (the
        id where it has none).

    Returns
    -------
    DataFrame
        One row per deal and change, in the order of :data:`DEAL_CHANGES`, then by flow id;
        columns ``change``, ``flow_id``, ``payer``, ``payee`` (ids), ``payer_name``,
        ``payee_name``, ``type``, ``flow_layer``,
        ``announced``, ``status_d1`` / ``status_d2`` (None on D1 for an added deal),
        ``status_date_d2``, the amounts (USD bn) ``ceiling_d1`` … ``funded_d2``, ``restated``
        (the bases whose amount changed, ``;``-joined) and ``counted_d2`` (count the row when
        summing amounts: each obligation once).

    Notes
    -----
    With ``F1``, ``F2`` the flows of the two views (``F1 ⊆ F2``: a view holds the deals announced
    by its date):

    * **added**: in ``F2 \\ F1`` — announced in (D1, D2];
    * **restated**: in ``F1``, and its ceiling, committed or funded amount in force differs
      between the views (an event known in the window changed it: a new amount, a first
      disclosure, or money paid out; both undisclosed is no change);
    * **stalled** / **terminated** / **completed**: the status in force on D2 is that one and
      the status on D1 was not (a deal added in the window and already stalled is listed as
      added and as stalled).

    A deal can be listed under several changes, once each.

    Examples
    --------
    >>> from aiinfra import load_ledger
    >>> ledger = load_ledger()
    >>> t = deal_changes(ledger.as_of("2025-06-30"), ledger.as_of("2026-06-30"))
    >>> sorted(set(t["change"])) == sorted(DEAL_CHANGES)
    True
    """
    f1 = view1.flows.set_index("id")
    f2 = view2.flows.set_index("id")
    ids = f2.index
    wide = pd.DataFrame(
        {
            "flow_id": ids,
            **{c: f2[c].to_numpy() for c in ("payer", "payee", "type", "flow_layer", "announced")},
            "status_d1": f1["status"].reindex(ids).to_numpy(),
            "status_d2": f2["status"].to_numpy(),
            "status_date_d2": f2["status_date"].to_numpy(),
            **{
                f"{c}_{s}": f[c].reindex(ids).astype(float).to_numpy()
                for c in _AMOUNTS
                for s, f in (("d1", f1), ("d2", f2))
            },
            "counted_d2": f2["counted"].astype(bool).to_numpy(),
        },
        index=ids,
    )
    for c in ("payer", "payee"):
        wide[f"{c}_name"] = [_name(names, v) for v in wide[c]]
    known = ids.isin(f1.index)
    changed = {c: known & _differs(wide[f"{c}_d1"], wide[f"{c}_d2"]).to_numpy() for c in _AMOUNTS}
    wide["restated"] = [
        ";".join(c for c in _AMOUNTS if changed[c][i]) or None for i in range(len(wide))
    ]
    masks = {
        "added": ~known,
        "restated": np.logical_or.reduce([changed[c] for c in _AMOUNTS]),
        **{
            s: ((wide["status_d2"] == s) & (wide["status_d1"] != s)).to_numpy()
            for s in ("stalled", "terminated", "completed")
        },
    }
    parts = [wide[masks[k]].assign(change=k).sort_values("flow_id") for k in DEAL_CHANGES]
    parts = [p for p in parts if len(p)]
    out = pd.concat(parts, ignore_index=True) if parts else wide.iloc[:0].assign(change=None)
    return out.reindex(columns=_DEAL_COLUMNS).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Part 2: cycles


def _canonical(nodes: tuple[Hashable, ...]) -> tuple[Hashable, ...]:
    """The rotation of a directed cycle that starts at its smallest node (by ``str``)."""
    i = min(range(len(nodes)), key=lambda k: str(nodes[k]))
    return (*nodes[i:], *nodes[:i])


def _ring(nodes: tuple[Hashable, ...]) -> list[tuple[Hashable, Hashable]]:
    return list(zip(nodes, [*nodes[1:], nodes[0]], strict=True))


def _bottleneck(g: nx.DiGraph, nodes: tuple[Hashable, ...]) -> float:
    amounts = [float(g.edges[u, v].get("amount", math.nan)) for u, v in _ring(nodes)]
    return math.nan if any(math.isnan(a) for a in amounts) else min(amounts)


def _flow_ids(g: nx.DiGraph, edges: list[tuple[Hashable, Hashable]]) -> str:
    return ";".join(str(f) for u, v in edges for f in g.edges[u, v].get("flow_ids", ()))


def cycle_changes(
    g1: nx.DiGraph,
    g2: nx.DiGraph,
    max_length: int = 5,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The money cycles that appeared or closed between two flow graphs.

    Parameters
    ----------
    g1, g2 : networkx.DiGraph
        Flow graphs (:func:`aiinfra.flows.flow_graph`) on the earlier and the later date.
    max_length : int, default 5
        The most companies on a cycle (:func:`aiinfra.flows.find_cycles`; cycles of three
        companies or more).
    names : mapping, optional
        Company id → name for ``cycle_names`` and ``changed_edges_names``; default the graphs'
        node ``name`` (the id where there is none).

    Returns
    -------
    DataFrame
        One row per cycle found on one date only: ``change`` (``appeared``: on D2 only;
        ``closed``: on D1 only), ``cycle`` (ids: ``a → b → c → a``), ``cycle_names`` (the
        same by company name: ``NVIDIA → OpenAI → Oracle → NVIDIA``), ``length``,
        ``bottleneck_d1`` / ``bottleneck_d2`` (the smallest amount on the cycle, USD bn, on the
        date it exists; NaN when an amount is undisclosed), ``flow_ids`` (the deals on it, on
        that date), ``changed_edges`` (the edges missing on the other date: the new edges that
        closed the loop, or the edges that broke it; ``changed_edges_names`` by name) and
        ``changed_flows`` (the deals on them).
        Appeared first, then closed; each by cycle.

    Notes
    -----
    Two cycles are the same when they run through the same companies in the same direction:
    each is compared in its canonical rotation (starting at its smallest company), so
    ``b → c → a`` is ``a → b → c`` and ``a → c → b`` is another cycle. Cost: two cycle searches.

    Examples
    --------
    >>> import networkx as nx
    >>> g1 = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")])
    >>> g2 = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "a")])
    >>> cycle_changes(g1, g2)[["change", "cycle", "changed_edges"]].to_dict("records")[0]
    {'change': 'appeared', 'cycle': 'a → b → c → d → a', 'changed_edges': 'c → d; d → a'}
    """
    from aiinfra.flows import find_cycles

    found = [
        {_canonical(c.nodes): c for c in find_cycles(g, length_bound=max_length)} for g in (g1, g2)
    ]
    if names is None:  # the graphs' node names (D2's where both have one)
        names = {}
        for g in (g1, g2):
            names.update(
                {str(n): d["name"] for n, d in g.nodes(data=True) if _has_text(d.get("name"))}
            )
    rows = []
    for change, here, there, g_here, g_there in (
        ("appeared", found[1], found[0], g2, g1),
        ("closed", found[0], found[1], g1, g2),
    ):
        for key in sorted(set(here) - set(there), key=lambda k: [str(n) for n in k]):
            edges = _ring(key)
            missing = [(u, v) for u, v in edges if not g_there.has_edge(u, v)]
            b = _bottleneck(g_here, key)
            rows.append(
                {
                    "change": change,
                    "cycle": " → ".join(str(n) for n in (*key, key[0])),
                    "cycle_names": " → ".join(_name(names, n) for n in (*key, key[0])),
                    "length": len(key),
                    "bottleneck_d1": b if change == "closed" else math.nan,
                    "bottleneck_d2": b if change == "appeared" else math.nan,
                    "flow_ids": _flow_ids(g_here, edges),
                    "changed_edges": "; ".join(f"{u} → {v}" for u, v in missing),
                    "changed_edges_names": "; ".join(
                        f"{_name(names, u)} → {_name(names, v)}" for u, v in missing
                    ),
                    "changed_flows": _flow_ids(g_here, missing),
                }
            )
    return pd.DataFrame(rows, columns=_CYCLE_COLUMNS)


# --------------------------------------------------------------------------------------------
# Part 3: the index


@dataclass(frozen=True)
class IndexSide:
    """The index weights on one side of a diff, and what they are.

    Attributes
    ----------
    weights : Series
        Weight by company id (empty when there is no index on the date).
    label : str
        What the weights are (the review in force, or house-view weights), or why there are none.
    review : str or None
        The review month in force (``2026-06``) when the weights are those of a review.
    available : bool
        Whether there is an index on the date.
    point_in_time : bool
        False when the review applied today's scores to the date (labelled).
    """

    weights: pd.Series
    label: str
    review: str | None = None
    available: bool = True
    point_in_time: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "review": self.review,
            "available": self.available,
            "point_in_time": self.point_in_time,
            "constituents": len(self.weights),
        }


def _none(label: str, review: str | None = None) -> IndexSide:
    return IndexSide(pd.Series(dtype=float, name="weight"), label, review, available=False)


def index_in_force(
    ledger: Ledger,
    day: pd.Timestamp,
    prices: Any = None,
    methodology: Methodology | None = None,
    fx: Mapping[str, pd.Series] | None = None,
) -> IndexSide:
    """The index weights in force on ``day``, from what was known then.

    With ``prices``: the review in force on ``day`` — the latest whose effective date is on or
    before it — formed by :func:`aiinfra.services.index.form_index` (its cut-off data only;
    the one relaxation policy when the rules cannot hold). Without: the house-view weights
    (:func:`aiinfra.index.house_view_weights`: composite × multiplier of the top-scored
    companies, capped, no price screens) of the score vintage known on ``day``; none when no
    vintage was known by then (today's scores are not applied to an earlier date).

    Returns
    -------
    IndexSide
        Unavailable, with the reason in its label, when no index can be formed.
    """
    from aiinfra.index import house_view_weights, load_methodology, review_schedule

    m = methodology if methodology is not None else load_methodology()
    if prices is None:
        vintages = ledger.scores.loc[ledger.scores["as_of"] <= day, "as_of"]
        if vintages.empty:
            first = ledger.scores["as_of"].min()
            return _none(
                f"no house score vintage known on {day.date()} (the first is "
                f"{first.date() if pd.notna(first) else 'none'}); pass --prices for the index "
                "of the review in force, formed from the systematic scores of its cut-off"
            )
        try:
            w = house_view_weights(ledger, m, day)
        except AiinfraError as exc:
            return _none(f"no house-view weights on {day.date()}: {exc}")
        return IndexSide(
            w,
            f"house-view weights of the score vintage of {vintages.max().date()} (composite × "
            "multiplier of the top-scored companies, capped; no price screens: pass --prices "
            "for the index of the review in force)",
        )
    from aiinfra.services.index import form_index

    cal = m.calendar
    try:
        reviews = review_schedule(
            day - pd.DateOffset(years=1), day, cal.rebalance_months, cal.exchange
        )
    except AiinfraError as exc:
        return _none(f"no review in force on {day.date()}: {exc}")
    if not reviews:
        return _none(f"no review effective in the year up to {day.date()}")
    r = reviews[-1]
    view = form_index(
        ledger, prices, m, r.cutoff, fx=dict(fx) if fx else None, with_backtest=False, compare=False
    )
    if view.review is None:
        return _none(
            f"no index for the review {r.review} in force on {day.date()}: {view.error}", r.review
        )
    label = (
        f"index weights of the review {r.review} in force (cut-off {r.cutoff.date()}, "
        f"effective {r.effective.date()}; {view.review.label})"
    )
    if view.relaxation is not None:
        applied = view.methodology
        label += (
            f"; formed without the UCITS rule, single cap {applied.weighting.single_cap:.0%}, "
            f"at least {applied.selection.min_n} names"
        )
    return IndexSide(view.weights(), label, r.review, True, bool(view.review.point_in_time))


def weight_changes(
    side1: IndexSide, side2: IndexSide, companies: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Additions, deletions and weight changes between the index on two dates.

    Parameters
    ----------
    side1, side2 : IndexSide
        The index on D1 and on D2 (:func:`index_in_force`).
    companies : DataFrame, optional
        ``companies`` table (``id``, ``name``, ``category``) for the names shown.

    Returns
    -------
    DataFrame
        One row per company in either index: ``id``, ``name``, ``category``, ``change``
        (``added``: in the index on D2 only; ``deleted``: on D1 only; ``reweighted``: in both,
        ``|w2 − w1| > 1e-12``; ``unchanged``), ``weight_d1``, ``weight_d2`` (NaN where not a
        constituent) and ``difference`` = ``w2 − w1`` with a missing weight counted 0. When one
        side has no index, ``change`` and ``difference`` are left empty (nothing to compare
        with). Sorted by change, then by the size of the difference.

    Examples
    --------
    >>> a = IndexSide(pd.Series({"x": 0.6, "y": 0.4}), "D1")
    >>> b = IndexSide(pd.Series({"x": 0.5, "z": 0.5}), "D2")
    >>> weight_changes(a, b)[["id", "change", "difference"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'id': 'z', 'change': 'added', 'difference': 0.5},
     {'id': 'y', 'change': 'deleted', 'difference': -0.4},
     {'id': 'x', 'change': 'reweighted', 'difference': -0.09999999999999998}]
    """
    w1, w2 = side1.weights.astype(float), side2.weights.astype(float)
    ids = sorted(set(w1.index) | set(w2.index), key=str)
    out = pd.DataFrame({"id": ids})
    if companies is not None:
        comp = companies.set_index("id")
        for c in ("name", "category"):
            out[c] = [comp[c].get(i) for i in ids]
    else:
        out["name"], out["category"] = None, None
    out["weight_d1"] = w1.reindex(ids).to_numpy()
    out["weight_d2"] = w2.reindex(ids).to_numpy()
    if not (side1.available and side2.available):
        out["change"], out["difference"] = None, math.nan
        return out.reindex(columns=_WEIGHT_COLUMNS)
    diff_ = out["weight_d2"].fillna(0.0) - out["weight_d1"].fillna(0.0)
    out["difference"] = diff_
    out["change"] = np.select(
        [out["weight_d1"].isna(), out["weight_d2"].isna(), diff_.abs() > WEIGHT_TOL],
        ["added", "deleted", "reweighted"],
        "unchanged",
    )
    order = {k: i for i, k in enumerate(WEIGHT_CHANGES)}
    out = out.assign(_k=out["change"].map(order), _a=-diff_.abs())
    out = out.sort_values(["_k", "_a", "id"], kind="mergesort")
    return out.reindex(columns=_WEIGHT_COLUMNS).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Part 4: the gap and the stress figures


def _row(part: str, item: str, measure: str, unit: str, a: float, b: float) -> dict[str, Any]:
    return {
        "part": part,
        "item": item,
        "measure": measure,
        "unit": unit,
        "value_d1": a,
        "value_d2": b,
        "difference": b - a,
    }


def _num(v: Any) -> float:
    return math.nan if v is None else float(v)


def gap_stress_changes(
    ledger: Ledger,
    days: tuple[pd.Timestamp, pd.Timestamp],
    sides: tuple[IndexSide, IndexSide],
    year: int,
) -> tuple[pd.DataFrame, list[str]]:
    """The ROI gap of ``year`` and each built-in stress scenario, then (D1) and now (D2).

    Parameters
    ----------
    ledger : Ledger
    days : (Timestamp, Timestamp)
        D1 and D2.
    sides : (IndexSide, IndexSide)
        The index weights on each date (the stress's index impact is computed on them).
    year : int
        The year of the gap on both dates.

    Returns
    -------
    (DataFrame, list of str)
        Rows ``part`` (``gap`` or ``stress``), ``item`` (the year, or the scenario), ``measure``
        (``capex``, ``required``, ``revenue``, ``gap``, ``coverage``; ``total_loss``,
        ``index_impact``), ``unit``, ``value_d1``, ``value_d2``, ``difference`` (D2 − D1); and
        the notes: why a value is missing (NaN) on a date.

    Notes
    -----
    The gap is :func:`aiinfra.gap` with ``as_of`` = the date (figures known by then). Each
    scenario is :func:`aiinfra.stress` on the date: ``total_loss`` is the sum of ``loss_usd``
    over the companies hit (USD bn a year on the annualised basis), ``index_impact`` the
    weighted equity shock of the side's index weights (NaN when that date has no index).
    """
    from aiinfra.roi_gap import gap
    from aiinfra.stress import builtin_scenarios, load_scenario, stress

    notes: list[str] = []
    rows: list[dict[str, Any]] = []
    gap_rows: list[dict[str, Any]] = []
    for d in days:
        try:
            gap_rows.append(gap(ledger, year, as_of=d).row())
        except AiinfraError as exc:
            notes.append(f"gap {year} on {d.date()}: {exc}")
            gap_rows.append({})
    for measure, unit in GAP_MEASURES.items():
        a, b = (_num(r.get(measure)) for r in gap_rows)
        rows.append(_row("gap", str(year), measure, unit, a, b))
    for name in builtin_scenarios():
        sc = load_scenario(name)
        unit = "USD bn a year" if sc.basis == "annualised" else "USD bn"
        loss, impact = [math.nan, math.nan], [math.nan, math.nan]
        for i, (d, side) in enumerate(zip(days, sides, strict=True)):
            try:
                r = stress(
                    ledger,
                    sc,
                    as_of=d,
                    weights={str(k): float(v) for k, v in side.weights.items()},
                    weights_label=side.label,
                )
            except AiinfraError as exc:
                notes.append(f"stress {name} on {d.date()}: {exc}")
                continue
            loss[i] = float(r.companies["loss_usd"].sum())
            impact[i] = float(r.index["impact"]) if side.available else math.nan
        rows.append(_row("stress", name, "total_loss", unit, loss[0], loss[1]))
        rows.append(_row("stress", name, "index_impact", "fraction", impact[0], impact[1]))
    return pd.DataFrame(rows, columns=_GAP_STRESS_COLUMNS), notes


# --------------------------------------------------------------------------------------------
# The result and the use case


def _json(v: Any) -> Any:
    if v is None or v is pd.NaT:
        return None
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalar
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    return v


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _json(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]


@dataclass(frozen=True)
class DiffResult:
    """What changed between ``date1`` and ``date2``: one table per part (:data:`PARTS`).

    Attributes
    ----------
    date1, date2 : Timestamp
    deals : DataFrame
        :func:`deal_changes`.
    cycles : DataFrame
        :func:`cycle_changes` on the committed graphs.
    index : DataFrame
        :func:`weight_changes`.
    gap_stress : DataFrame
        :func:`gap_stress_changes`.
    year : int
        The year of the gap.
    max_length : int
        The most companies on a cycle.
    index_sides : (IndexSide, IndexSide)
        What the index weights are on each date.
    cycle_totals : (int, int)
        The number of cycles on each date.
    notes : tuple of str
        Why a figure is missing on a date.
    names : dict
        Company id → name (:func:`company_names`): how the tables show the companies (the
        frames keep the ids, with ``*_name`` columns beside them).
    """

    date1: pd.Timestamp
    date2: pd.Timestamp
    deals: pd.DataFrame
    cycles: pd.DataFrame
    index: pd.DataFrame
    gap_stress: pd.DataFrame
    year: int
    max_length: int
    index_sides: tuple[IndexSide, IndexSide]
    cycle_totals: tuple[int, int]
    notes: tuple[str, ...] = field(default_factory=tuple)
    names: Mapping[str, str] = field(default_factory=dict)

    def part(self, name: str) -> pd.DataFrame:
        """The table of one part (``deals``, ``cycles``, ``index``, ``gap_stress``)."""
        if name not in PARTS:
            raise InvalidParameterError(f"`part` must be one of {', '.join(PARTS)}; got {name!r}")
        frame: pd.DataFrame = getattr(self, name)
        return frame

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Every part's table, by part name, in the order of :data:`PARTS`."""
        return {p: self.part(p) for p in PARTS}

    def counts(self) -> dict[str, dict[str, int]]:
        """How many deals, cycles and constituents changed, by kind (zeros included)."""
        deals = self.deals["change"].value_counts()
        cycles = self.cycles["change"].value_counts()
        index = self.index["change"].value_counts()
        return {
            "deals": {k: int(deals.get(k, 0)) for k in DEAL_CHANGES},
            "cycles": {
                "d1": self.cycle_totals[0],
                "d2": self.cycle_totals[1],
                **{k: int(cycles.get(k, 0)) for k in CYCLE_CHANGES},
            },
            "index": {k: int(index.get(k, 0)) for k in WEIGHT_CHANGES},
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``date1``, ``date2``, ``year``, ``max_length``, ``counts``,
        ``index_weights`` (``date1``/``date2``: label, review, available, point_in_time,
        constituents), one list of records per part, ``notes`` (NaN → None)."""
        return {
            "date1": self.date1.date().isoformat(),
            "date2": self.date2.date().isoformat(),
            "year": self.year,
            "max_length": self.max_length,
            "counts": self.counts(),
            "index_weights": {
                "date1": self.index_sides[0].to_dict(),
                "date2": self.index_sides[1].to_dict(),
            },
            **{p: _records(f) for p, f in self.to_frames().items()},
            "notes": list(self.notes),
        }


def diff(
    ledger: Ledger,
    date1: object,
    date2: object,
    *,
    prices: Any = None,
    fx: Mapping[str, pd.Series] | None = None,
    methodology: Methodology | None = None,
    year: int | None = None,
    max_length: int = 5,
    today: dt.date | None = None,
) -> DiffResult:
    """What changed between ``date1`` and ``date2``: deals, cycles, the index, gap and stress.

    Each side uses only what was known on its date: the ledger's as-of view, the flow graph,
    the review (or score vintage) in force, the gap's figures and the stress's deals and
    financials known then.

    Parameters
    ----------
    ledger : Ledger
    date1, date2 : date-like
        D1 < D2 ≤ today (``YYYY-MM-DD``).
    prices : callable, optional
        ``prices(ticker) -> DataFrame``: the index is then the review in force on each date;
        without it, the house-view weights (labelled). See :func:`index_in_force`.
    fx : mapping, optional
        USD per unit by currency, for non-USD listing lines.
    methodology : Methodology, optional
        Index rules (default ``methodologies/default.yaml``).
    year : int, optional
        The year of the ROI gap on both dates (default: the year of ``date2``).
    max_length : int, default 5
        The most companies on a money cycle.
    today : date, optional
        What "in the future" is checked against (default today).

    Returns
    -------
    DiffResult

    Raises
    ------
    InvalidParameterError
        ``date1`` ≥ ``date2``, a date in the future or not a date (naming the parameter), or
        ``max_length`` < 3.

    Examples
    --------
    >>> from aiinfra import load_ledger
    >>> d = diff(load_ledger(), "2025-06-30", "2026-06-30")
    >>> list(d.to_frames())
    ['deals', 'cycles', 'index', 'gap_stress']
    """
    from aiinfra.flows import flow_graph

    d1, d2 = check_dates(date1, date2, today)
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 3:
        raise InvalidParameterError(
            f"`max_length` must be a whole number ≥ 3 (a cycle of three companies or more); "
            f"got {max_length!r}"
        )
    y = int(year) if year is not None else int(d2.year)
    names = ledger.company_names()
    deals = deal_changes(ledger.as_of(d1), ledger.as_of(d2), names)
    g1, g2 = flow_graph(ledger, d1, "committed"), flow_graph(ledger, d2, "committed")
    cycles = cycle_changes(g1, g2, max_length, names)
    from aiinfra.flows import find_cycles

    totals = (
        sum(1 for _ in find_cycles(g1, max_length)),
        sum(1 for _ in find_cycles(g2, max_length)),
    )
    sides = (
        index_in_force(ledger, d1, prices, methodology, fx),
        index_in_force(ledger, d2, prices, methodology, fx),
    )
    index = weight_changes(sides[0], sides[1], ledger.companies)
    gap_stress, notes = gap_stress_changes(ledger, (d1, d2), sides, y)
    notes = [f"index on {d.date()}: {s.label}" for d, s in zip((d1, d2), sides, strict=True)
             if not s.available] + notes  # fmt: skip
    return DiffResult(
        date1=d1,
        date2=d2,
        deals=deals,
        cycles=cycles,
        index=index,
        gap_stress=gap_stress,
        year=y,
        max_length=max_length,
        index_sides=sides,
        cycle_totals=totals,
        notes=tuple(notes),
        names=names,
    )


def run(
    settings: Settings,
    date1: str,
    date2: str | None = None,
    *,
    as_of: str | None = None,
    year: int | None = None,
    max_length: int = 5,
    methodology: str | None = None,
    data_dir: str | None = None,
    today: dt.date | None = None,
) -> DiffResult:
    """``aiinfra diff DATE1 [DATE2]``: :func:`diff` on the ledger (with ``data_dir`` overlaid),
    the prices of the global ``--prices`` directory when given, and its ``--fx``.

    ``date2`` defaults to ``as_of``, else today; giving both with different dates is an error.
    """
    from aiinfra.services.index import cached_prices, load_fx, resolve_methodology

    if (
        date2 is not None
        and as_of is not None
        and to_timestamp(date2, "date2") != to_timestamp(as_of, "as_of")
    ):
        raise InvalidParameterError(
            f"`date2` ({date2}) and `--as-of` ({as_of}) differ: give one of them (--as-of is "
            "DATE2 when DATE2 is left out)"
        )
    second = date2 if date2 is not None else resolve_as_of(as_of, "as_of")
    prices = cached_prices(settings) if settings.prices_dir is not None else None
    return diff(
        load(settings, data_dir),
        date1,
        second,
        prices=prices,
        fx=load_fx(settings.fx) if prices is not None else None,
        methodology=resolve_methodology(methodology) if methodology is not None else None,
        year=year,
        max_length=max_length,
        today=today,
    )
