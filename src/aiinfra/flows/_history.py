"""Circularity over time: the flow map's circularity replayed at every period end.

At each quarter (month, year) end the graph in force then (:func:`~aiinfra.flows.flow_graph`,
the ledger's point-in-time view: deals announced by then, with the status and amounts of the
events known by then) is measured with the functions of this package, unchanged: Finn's cycling
index, the cycles, the self-funded shares of the largest companies and the null-model p-value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from aiinfra.dates import parse_partial_date, resolve_as_of, to_timestamp
from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows._checks import check_count, edge_amount
from aiinfra.flows._cycles import find_cycles, reciprocal_pairs
from aiinfra.flows._cycling import cycling_index
from aiinfra.flows._dependence import hub_metrics
from aiinfra.flows._graph import Basis, flow_graph
from aiinfra.flows._rewire import NULL_MODELS, NullModel
from aiinfra.flows._self_funding import self_funded_share
from aiinfra.flows._significance import _significance
from aiinfra.ledger import Ledger

__all__ = ["FREQUENCIES", "CircularityHistory", "Frequency", "date_seed", "history"]

Frequency = Literal["Q", "M", "Y"]
#: the period ends a history is measured at: quarter, month or year ends (pandas aliases)
FREQUENCIES: dict[str, str] = {"Q": "QE", "M": "ME", "Y": "YE"}
_PERIOD = {"Q": "quarter", "M": "month", "Y": "year"}
#: layers whose inflows are stakes and loans, not revenue: not ranked among the top companies
TOP_EXCLUDED: tuple[str, ...] = ("capital_provider", "joint_venture")

#: the columns of :attr:`CircularityHistory.frame`, in order
COLUMNS = (
    "companies",
    "edges",
    "amount",
    "cycling_index",
    "cycles",
    "reciprocal_pairs",
    "cycle_edges",
    "cycle_volume",
    "cycle_share",
    "bottleneck_volume",
    "p_value",
    "z_score",
    "seed",
)


@dataclass(frozen=True)
class CircularityHistory:
    """The circularity of the money-flow graph at every period end.

    Attributes
    ----------
    start, end : Timestamp
        The window asked for; the dates are the period ends inside it.
    freq : {"Q", "M", "Y"}
    basis : str
        The amount basis of every graph.
    samples : int
        Null graphs per date for the p-value.
    seed : int
        The base seed; each date's own seed is :func:`date_seed` ``(seed, date)``.
    model : str
        The null model of :func:`~aiinfra.flows.significance`.
    length_bound : int
        The longest cycle counted, in companies.
    frame : DataFrame of shape (n_dates, 13)
        Indexed by ``date``; columns ``companies`` and ``edges`` (of the graph in force),
        ``amount`` (USD bn, the summed disclosed amounts), ``cycling_index`` (Finn's index of the
        system; NaN without money), ``cycles`` (cycles of 3 … ``length_bound`` companies,
        :func:`~aiinfra.flows.find_cycles`), ``reciprocal_pairs``, ``cycle_edges`` (edges on at
        least one of those cycles), ``cycle_volume`` (their summed amount, see :func:`history`),
        ``cycle_share`` (``cycle_volume / amount``; NaN without money), ``bottleneck_volume``
        (:func:`~aiinfra.flows.cycle_volume`: the sum of cycle bottlenecks, pairs included, the
        null model's second statistic), ``p_value`` and ``z_score`` of the observed cycling index
        against the null model, and ``seed`` (the date's seed).
    self_funded : DataFrame of shape (n_dates, n_top)
        The self-funded revenue share (:func:`~aiinfra.flows.self_funded_share`) of each of the
        top companies at each date; NaN before a company takes in money from the graph.
    top : DataFrame
        The tracked companies (index ``id``): ``name``, ``layer`` and ``inflow`` (USD bn
        received at the last date, the ranking), largest first.

    Examples
    --------
    >>> from aiinfra import load_ledger
    >>> h = history(load_ledger(), start="2026-01-01", end="2026-06-30", samples=5)
    >>> [str(d.date()) for d in h.frame.index]
    ['2026-03-31', '2026-06-30']
    >>> list(h.to_dict())[:4]
    ['start', 'end', 'freq', 'basis']
    """

    start: pd.Timestamp
    end: pd.Timestamp
    freq: str
    basis: str
    samples: int
    seed: int
    model: str
    length_bound: int
    frame: pd.DataFrame = field(repr=False)
    self_funded: pd.DataFrame = field(repr=False)
    top: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """:attr:`frame` with one column ``self_funded_<id>`` per top company.

        Examples
        --------
        >>> from aiinfra import load_ledger
        >>> h = history(load_ledger(), start="2026-01-01", end="2026-03-31", samples=2, top=1)
        >>> h.to_frame().columns[-1]
        'self_funded_oracle'
        """
        shares = self.self_funded.add_prefix("self_funded_")
        return self.frame.join(shares)

    def to_dict(self) -> dict[str, Any]:
        """Plain values: the settings, the top companies and one record per date (``date`` as
        ``YYYY-MM-DD``, ``self_funded`` a mapping id → share; NaN stays a float NaN).

        Examples
        --------
        >>> from aiinfra import load_ledger
        >>> h = history(load_ledger(), start="2026-01-01", end="2026-03-31", samples=2, top=2)
        >>> d = h.to_dict()
        >>> first = d["dates"][0]
        >>> first["date"], list(first["self_funded"]) == [t["id"] for t in d["top"]]
        ('2026-03-31', True)
        """
        counts = {"companies", "edges", "cycles", "reciprocal_pairs", "cycle_edges", "seed"}
        columns = {c: self.frame[c].tolist() for c in COLUMNS}
        ids = [str(c) for c in self.self_funded.columns]
        shares = self.self_funded.to_numpy(dtype=float).tolist()
        rows = []
        for i, day in enumerate(self.frame.index):
            row: dict[str, Any] = {"date": str(pd.Timestamp(day).date())}
            for c in COLUMNS:
                v = columns[c][i]
                row[c] = int(v) if c in counts else float(v)
            row["self_funded"] = dict(zip(ids, shares[i], strict=True))
            rows.append(row)
        return {
            "start": str(self.start.date()),
            "end": str(self.end.date()),
            "freq": self.freq,
            "basis": self.basis,
            "samples": self.samples,
            "seed": self.seed,
            "model": self.model,
            "length_bound": self.length_bound,
            "top": [
                {
                    "id": str(i),
                    "name": str(r["name"]),
                    "layer": str(r["layer"]),
                    "inflow": float(r["inflow"]),
                }
                for i, r in self.top.iterrows()
            ],
            "dates": rows,
        }


def date_seed(seed: int, day: object) -> int:
    """The seed of the null model on ``day``: a function of the base ``seed`` and the date only.

    ``SeedSequence([seed, yyyymmdd])`` gives one 32-bit word, so a date's p-value does not
    depend on which other dates the history holds, and ``significance(g, seed=date_seed(s, d))``
    reproduces it.

    Examples
    --------
    >>> date_seed(0, "2025-09-30") == date_seed(0, "2025-09-30") != date_seed(1, "2025-09-30")
    True
    """
    s = check_count(seed, "seed", 0)
    d = to_timestamp(day, "day")
    words = np.random.SeedSequence([s, d.year * 10_000 + d.month * 100 + d.day])
    return int(words.generate_state(1, dtype=np.uint32)[0])


def _bound(value: object, name: str, *, last: bool) -> pd.Timestamp:
    """A window bound: ``YYYY``, ``YYYY-MM`` or a date; a partial date stands for its first day
    (``last=False``) or its last day (``last=True``)."""
    if isinstance(value, str):
        try:
            p = parse_partial_date(value)
        except ValueError as exc:
            raise InvalidParameterError(f"`{name}` {exc}, got {value!r}") from None
        return pd.Timestamp(p.end if last else p.start)
    return to_timestamp(value, name)


def _window(
    start: object, end: object, freq: str
) -> tuple[pd.Timestamp, pd.Timestamp, pd.DatetimeIndex]:
    """(start, end, the period ends in ``[start, end]``) of a history.

    Raises
    ------
    InvalidParameterError
        For an unknown ``freq``, ``start`` after ``end``, or a window without a period end.
    """
    if freq not in FREQUENCIES:
        raise InvalidParameterError(f"`freq` must be one of {', '.join(FREQUENCIES)}; got {freq!r}")
    s = _bound(start, "start", last=False)
    e = resolve_as_of(None) if end is None else _bound(end, "end", last=True)
    if s > e:
        raise InvalidParameterError(f"`start` ({s.date()}) must not be after `end` ({e.date()})")
    dates = pd.date_range(s, e, freq=FREQUENCIES[freq], name="date")
    if dates.empty:
        raise InvalidParameterError(
            f"no {_PERIOD[freq]} end lies between `start` {s.date()} and `end` {e.date()}: widen "
            "the window or choose a shorter `freq`"
        )
    return s, e, dates


def _disclosed(g: nx.DiGraph, edges: Any) -> float:
    """The summed amount of ``edges``, undisclosed amounts counted 0."""
    total = 0.0
    for u, v in edges:
        a = edge_amount(g.edges[u, v], "amount")
        total += 0.0 if math.isnan(a) else a
    return total


def _measure(
    g: nx.DiGraph, day: pd.Timestamp, samples: int, seed: int, model: str, length_bound: int
) -> dict[str, Any]:
    """One row of :attr:`CircularityHistory.frame` for the graph ``g`` in force on ``day``."""
    amount = _disclosed(g, g.edges)
    cycles = list(find_cycles(g, length_bound=length_bound))
    on_cycles = {e for c in cycles for e in c.edges}
    volume = _disclosed(g, sorted(on_cycles, key=lambda e: (str(e[0]), str(e[1]))))  # an order
    # that does not depend on the hash seed, so the sum is the same in every run
    s = date_seed(seed, day)
    # (only the observed cycle volume is read: the null graphs' cycle searches are skipped)
    sig = _significance(g, samples, s, model, length_bound, "amount", None, volume_nulls=False)  # type: ignore[arg-type]
    return {
        "companies": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "amount": amount,
        "cycling_index": cycling_index(g).system,
        "cycles": len(cycles),
        "reciprocal_pairs": len(reciprocal_pairs(g)),
        "cycle_edges": len(on_cycles),
        "cycle_volume": volume,
        "cycle_share": volume / amount if amount > 0 else math.nan,
        "bottleneck_volume": sig.cycle_volume.observed,
        "p_value": sig.cycling_index.p_value,
        "z_score": sig.cycling_index.z_score,
        "seed": s,
    }


def _top_companies(g: nx.DiGraph, top: int, exclude: frozenset[str]) -> pd.DataFrame:
    """The ``top`` companies with the largest inflow (ties: by id): those with inflow, outside
    the ``exclude`` layers."""
    hubs = hub_metrics(g)
    keep = np.array([g.nodes[n].get("layer") not in exclude for n in hubs.index], dtype=bool)
    hubs = hubs.loc[keep]  # (a plain list would select no column on an empty graph)
    table = pd.DataFrame(
        {
            "name": [str(g.nodes[n].get("name", n)) for n in hubs.index],
            "layer": [str(g.nodes[n].get("layer", "")) for n in hubs.index],
            "inflow": hubs["in_strength"].to_numpy(dtype=float),
        },
        index=pd.Index([str(n) for n in hubs.index], name="id"),
    )
    table = table[table["inflow"] > 0].sort_index(kind="stable")
    return table.sort_values("inflow", ascending=False, kind="stable").head(top)


def history(
    ledger: Ledger,
    start: object = "2019-01-01",
    end: object = None,
    freq: Frequency = "Q",
    basis: Basis = "committed",
    samples: int = 200,
    seed: int = 0,
    *,
    model: NullModel = "degree",
    length_bound: int = 5,
    top: int = 5,
    exclude_layers: Iterable[str] = TOP_EXCLUDED,
) -> CircularityHistory:
    """Replay the circularity of the money-flow graph at every quarter (month, year) end.

    Parameters
    ----------
    ledger : Ledger
    start : date or str, default "2019-01-01"
        The first day of the window; ``YYYY`` or ``YYYY-MM`` mean its first day.
    end : date or str, optional
        The last day of the window (default today); ``YYYY`` or ``YYYY-MM`` mean its last day.
    freq : {"Q", "M", "Y"}, default "Q"
        Quarter, month or year ends (pandas ``QE``, ``ME``, ``YE``).
    basis : {"committed", "ceiling", "funded", "annualised"}, default "committed"
        The amount on each edge, as in :func:`~aiinfra.flows.flow_graph`.
    samples : int, default 200
        Null graphs per date for the p-value (at least 1).
    seed : int, default 0
        Base seed (>= 0); the date ``d`` uses :func:`date_seed` ``(seed, d)``.
    model : {"degree", "role", "strength"}, default "degree"
        The null model of :func:`~aiinfra.flows.significance`.
    length_bound : int, default 5
        The longest cycle, in companies, for the cycles, the cycle volume and the null model.
    top : int, default 5
        How many companies to track: the largest by inflow at the last date.
    exclude_layers : iterable of str, default ("capital_provider", "joint_venture")
        Value-chain layers left out of the ranking: investors, lenders, selling shareholders and
        joint-venture vehicles take in money for stakes and loans, not revenue, so their
        self-funded *revenue* share says nothing. Pass ``()`` to rank every company.

    Returns
    -------
    CircularityHistory
        One row per date in ``frame``, the tracked shares in ``self_funded``.

    Raises
    ------
    InvalidParameterError
        For an unknown ``freq``, ``basis`` or ``model``, a window without a period end, ``start``
        after ``end``, or ``samples``, ``seed``, ``length_bound`` or ``top`` out of range.

    Notes
    -----
    At each period end ``d`` the graph ``G_d = flow_graph(ledger, d, basis)`` is measured:

    - ``cycling_index``: ``cycling_index(G_d).system``, Finn's share of recycled throughflow.
    - ``cycles``: the simple cycles of 3 … ``length_bound`` companies (``find_cycles``); the
      two-company loops are counted apart in ``reciprocal_pairs``.
    - ``cycle_volume``: the money on those cycles, ``V_d = Σ_{(u,v) ∈ C_d} a_uv``, where
      ``C_d`` is the set of edges that lie on at least one of the cycles and ``a_uv`` the edge's
      amount (undisclosed counts 0, so ``V_d`` is a lower bound). Each edge counts once however
      many cycles run through it; reciprocal pairs are not cycles of ``find_cycles`` and add
      nothing. ``cycle_share = V_d / Σ a_uv`` over all edges. Not to be confused with
      :func:`~aiinfra.flows.cycle_volume` (the sum of cycle bottlenecks, pairs included), which
      is given as ``bottleneck_volume``.
    - ``p_value``, ``z_score``: of the observed cycling index in ``significance(G_d,
      samples=samples, seed=date_seed(seed, d), model=model)``.
    - ``self_funded``: ``self_funded_share(G_d)`` of the ``top`` companies with the largest
      inflow (in-strength, :func:`~aiinfra.flows.hub_metrics`) in the graph of the last date,
      outside ``exclude_layers``, ties broken by id; companies without inflow then are not
      tracked. A share is NaN on a date when the company takes in no money from the graph.

    Cost: one graph and one significance test per date, about ``samples`` rewirings each; on the
    bundled ledger from 2019 (31 quarter ends, up to about 150 edges) 200 samples take about
    6 s on one core, most of it in the last quarters (see docs/flows.md).

    Examples
    --------
    >>> from aiinfra import load_ledger
    >>> h = history(load_ledger(), start="2025-01-01", end="2025-12-31", samples=20)
    >>> h.frame[["cycles", "cycle_volume"]].loc["2025-03-31"].tolist()
    [0.0, 0.0]
    >>> bool(h.frame.loc["2025-12-31", "cycle_volume"] > 0)
    True
    """
    first, last, dates = _window(start, end, freq)
    samples = check_count(samples, "samples", 1)
    seed = check_count(seed, "seed", 0)
    k = check_count(length_bound, "length_bound", 1)
    n_top = check_count(top, "top", 1)
    if model not in NULL_MODELS:
        raise InvalidParameterError(
            f"`model` must be one of {', '.join(NULL_MODELS)}; got {model!r}"
        )
    graphs = [flow_graph(ledger, d, basis) for d in dates]
    tracked = _top_companies(graphs[-1], n_top, frozenset(exclude_layers))
    rows, shares = [], []
    for day, g in zip(dates, graphs, strict=True):
        rows.append(_measure(g, day, samples, seed, model, k))
        shares.append(self_funded_share(g).reindex(pd.Index(tracked.index, dtype=object)))
    frame = pd.DataFrame(rows, index=dates, columns=list(COLUMNS))
    self_funded = pd.DataFrame(
        [s.to_numpy(dtype=float) for s in shares], index=dates, columns=list(tracked.index)
    )
    return CircularityHistory(
        start=first,
        end=last,
        freq=freq,
        basis=basis,
        samples=samples,
        seed=seed,
        model=model,
        length_bound=k,
        frame=frame,
        self_funded=self_funded,
        top=tracked,
    )
