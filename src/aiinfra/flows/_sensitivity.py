"""Sensitivity of the circularity to the uncertain amounts: Monte Carlo intervals.

:func:`sensitivity` shows how much the cycling index, the cycle volume and the self-funded
shares move when every deal's amount is anywhere in its uncertainty range. Randomness comes
from a ``seed`` (an int, a :class:`numpy.random.Generator`, or None for fresh entropy);
amounts follow the conventions of :mod:`aiinfra.flows._cycling`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from aiinfra.flows._checks import check_count, clean_amounts
from aiinfra.flows._cycles import simple_cycles
from aiinfra.flows._cycling import _finn
from aiinfra.flows._rewire import Seed, _amounts, _is_number, _rng, _Slots, _slots
from aiinfra.flows._self_funding import _self_funded

__all__ = ["sensitivity"]


def _bound(data: dict[str, Any], key: str, fallback: float) -> float:
    v: Any = data.get(key)
    x = float(v) if _is_number(v) else math.nan
    return fallback if math.isnan(x) else x


def _quantiles(values: np.ndarray, qs: Sequence[float]) -> list[float]:
    finite = values[~np.isnan(values)]
    if not len(finite):
        return [math.nan] * len(qs)
    return [float(q) for q in np.quantile(finite, qs)]


def _cycle_slots(s: _Slots, k: int) -> list[np.ndarray]:
    """The cycles of two to ``k`` nodes as arrays of slot indices, found once (the topology of
    every draw is the same)."""
    slot = {(a, b): e for e, (a, b) in enumerate(zip(s.src.tolist(), s.dst.tolist(), strict=True))}
    index_graph = nx.DiGraph()
    index_graph.add_nodes_from(range(s.n))
    index_graph.add_edges_from(slot)
    return [
        np.asarray([slot[a, b] for a, b in zip(c, [*c[1:], c[0]], strict=True)], dtype=np.int64)
        for c in simple_cycles(index_graph, length_bound=k)
        if len(c) >= 2
    ]


def _volumes(cycles: Sequence[np.ndarray], amounts: np.ndarray) -> np.ndarray:
    """Cycle volume per row of ``amounts`` (draws × edges); NaN bottlenecks left out."""
    total = np.zeros(amounts.shape[0])
    for idx in cycles:
        low_ = amounts[:, idx].min(axis=1)
        total += np.where(np.isnan(low_), 0.0, low_)
    return total


def _finn_stats(s: _Slots, amounts: np.ndarray) -> tuple[float, np.ndarray]:
    """Cycling index and self-funded shares at one set of amounts (NaN counts 0)."""
    zeros = np.zeros(s.n)
    w = np.where(np.isnan(amounts), 0.0, amounts)
    ci, rho, T, inflow, _ = _finn(s.n, s.src, s.dst, w, zeros, zeros)
    return ci, _self_funded(rho, T, inflow)


def sensitivity(
    G: nx.DiGraph,
    samples: int = 1000,
    seed: Seed = None,
    weight: str = "amount",
    length_bound: int = 5,
    low: str = "amount_low",
    high: str = "amount_high",
) -> pd.DataFrame:
    """Monte Carlo intervals of the circularity when every amount is uncertain.

    Parameters
    ----------
    G : networkx.DiGraph
        The money-flow graph (not modified); edges carry ``weight`` and, optionally, the range
        ``low`` … ``high`` (from :func:`~aiinfra.flows.flow_graph`: funded … ceiling).
    samples : int, default 1000
        Draws, at least 1.
    seed : int, numpy.random.Generator or None
        Source of randomness: the same int gives the same table.
    weight, low, high : str
        Edge attributes of the amount and of its range. A missing or NaN bound falls back to
        the amount, so an edge without a range is fixed at its amount; bounds given the wrong
        way round are swapped.
    length_bound : int, default 5
        Longest cycle counted in the cycle volume.

    Returns
    -------
    pandas.DataFrame
        One row per statistic: ``cycling_index`` and ``cycle_volume`` (``node`` None), then
        ``self_funded_share`` for every node in the order of ``G``. Columns ``statistic``,
        ``node``, ``point`` (the value at the amounts themselves), ``p5``, ``p50``, ``p95``
        (percentiles over the draws; NaN draws, e.g. a share without inflow, are left out; all
        NaN when no draw is defined).

    Raises
    ------
    InvalidParameterError
        For a negative amount or bound, or invalid ``samples`` / ``length_bound`` / ``seed``.

    Notes
    -----
    Each draw sets every edge's amount independently and uniformly in ``[low, high]``, then
    computes Finn's cycling index, the cycle volume and the self-funded shares (conventions of
    :mod:`aiinfra.flows._cycling`). An edge without any amount or bound stays undisclosed
    in every draw. The topology does not change, so the cycles are enumerated once and each
    draw's volume is a vectorised minimum over their edges. Independence between edges is an
    assumption: deals signed together may move together. Cost: ``samples`` sparse solves plus
    O(samples × cycles × length).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", amount=4.0, amount_low=2.0, amount_high=6.0)
    >>> G.add_edge("b", "a", amount=1.0, amount_low=1.0, amount_high=1.0)
    >>> t = sensitivity(G, samples=200, seed=0)
    >>> t.loc[t.statistic == "cycle_volume", ["point", "p5", "p95"]].values.tolist()
    [[1.0, 1.0, 1.0]]
    >>> row = t[t.statistic == "cycling_index"].iloc[0]
    >>> bool(row.p5 <= row.point <= row.p95), round(float(row.point), 2)
    (True, 0.25)
    """
    samples = check_count(samples, "samples", 1)
    k = check_count(length_bound, "length_bound", 1)
    s = _slots(G)
    raw = _amounts(s, weight)
    lo = np.asarray([_bound(d, low, a) for d, a in zip(s.data, raw, strict=True)], dtype=float)
    hi = np.asarray([_bound(d, high, a) for d, a in zip(s.data, raw, strict=True)], dtype=float)
    clean_amounts(lo, f"`{low}`")
    clean_amounts(hi, f"`{high}`")
    lo, hi = np.fmin(lo, hi), np.fmax(lo, hi)  # a single NaN bound: the other one
    rng = _rng(seed)
    draws = lo + rng.random((samples, s.m)) * (hi - lo)

    cycles = _cycle_slots(s, k)
    point_ci, point_sf = _finn_stats(s, raw)
    point_cv = float(_volumes(cycles, raw[None, :])[0])
    ci = np.empty(samples)
    sf = np.empty((samples, s.n))
    for t in range(samples):
        ci[t], sf[t] = _finn_stats(s, draws[t])
    cv = _volumes(cycles, draws)

    qs = (0.05, 0.5, 0.95)
    rows: list[dict[str, Any]] = [
        {"statistic": "cycling_index", "node": None, "point": point_ci},
        {"statistic": "cycle_volume", "node": None, "point": point_cv},
    ]
    values: list[np.ndarray] = [ci, cv]
    for i, label in enumerate(s.labels):
        rows.append({"statistic": "self_funded_share", "node": label, "point": point_sf[i]})
        values.append(sf[:, i])
    for row, v in zip(rows, values, strict=True):
        row["p5"], row["p50"], row["p95"] = _quantiles(v, qs)
    frame = pd.DataFrame(rows, columns=["statistic", "node", "point", "p5", "p50", "p95"])
    return frame.astype({"point": float, "p5": float, "p50": float, "p95": float})
