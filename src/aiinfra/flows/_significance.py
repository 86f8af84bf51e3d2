"""Significance of the circularity: the cycling index and cycle volume against a null model.

Is the AI build-out's money unusually circular, or would any graph with the same companies and
the same number of deals per company be as circular? :func:`significance` answers by rewiring
the graph many times (the null models of :mod:`aiinfra.flows._rewire`) and comparing the
observed cycling index and cycle volume with the rewired ones.

All randomness comes from a ``seed`` (an int, a :class:`numpy.random.Generator`, or None for
fresh entropy): the same seed gives the same numbers. Amounts follow the conventions of
:mod:`aiinfra.flows._cycling` (undisclosed counts 0 in the cycling index; a cycle through an
undisclosed edge is left out of the cycle volume).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows._checks import check_count
from aiinfra.flows._cycles import volume_on_indices
from aiinfra.flows._cycling import _finn
from aiinfra.flows._rewire import (
    NULL_MODELS,
    NullModel,
    Seed,
    _amount_classes,
    _amounts,
    _ras,
    _rng,
    _role_classes,
    _slots,
    _swap_targets,
    _swaps,
)

__all__ = ["NullTest", "Significance", "significance"]


@dataclass(frozen=True)
class NullTest:
    """One statistic against its null distribution.

    Attributes
    ----------
    observed : float
        The statistic on the real graph.
    null_mean, null_std : float
        Mean and standard deviation (``ddof=1``) of the statistic over the null samples.
    p_value : float
        One-sided, ``(1 + #{null >= observed}) / (1 + samples)``: in ``[1/(1+N), 1]``, never 0
        (the observed graph counts as one draw). NaN when ``observed`` is NaN.
    z_score : float
        ``(observed - null_mean) / null_std``; NaN when ``null_std`` is 0 or undefined.
    null : numpy.ndarray of shape (samples,)
        The null samples, in order.

    Examples
    --------
    >>> t = NullTest.from_samples(0.5, np.array([0.1, 0.2, 0.6]))
    >>> t.p_value, round(t.null_mean, 3)
    (0.5, 0.3)
    """

    observed: float
    null_mean: float
    null_std: float
    p_value: float
    z_score: float
    null: np.ndarray = field(repr=False)

    @classmethod
    def from_samples(cls, observed: float, null: np.ndarray) -> NullTest:
        """Summarise ``null`` against ``observed`` (ties within 1e-12 relative count as ≥).

        Examples
        --------
        >>> NullTest.from_samples(1.0, np.array([1.0, 1.0])).p_value
        1.0
        """
        null = np.asarray(null, dtype=float)
        finite = null[~np.isnan(null)]
        k = len(finite)
        mean = float(finite.mean()) if k else math.nan
        std = float(finite.std(ddof=1)) if k >= 2 else math.nan
        if math.isnan(observed):
            p, z = math.nan, math.nan
        else:
            tie = 1e-12 * max(1.0, abs(observed))
            hits = int(np.count_nonzero(finite >= observed - tie))
            p = (1 + hits) / (1 + len(null))
            z = (observed - mean) / std if std > 0 else math.nan
        return cls(observed, mean, std, p, z, null)

    def to_dict(self) -> dict[str, float]:
        """The summary numbers (the samples are left out).

        Examples
        --------
        >>> sorted(NullTest.from_samples(0.0, np.zeros(3)).to_dict())
        ['null_mean', 'null_std', 'observed', 'p_value', 'z_score']
        """
        return {
            "observed": self.observed,
            "null_mean": self.null_mean,
            "null_std": self.null_std,
            "p_value": self.p_value,
            "z_score": self.z_score,
        }


@dataclass(frozen=True)
class Significance:
    """The cycling index and the cycle volume of a graph against a null model.

    Attributes
    ----------
    model : {"degree", "role", "strength"}
    samples : int
    seed : int or None
        The seed when it was an int (None for a Generator or fresh entropy).
    length_bound : int
        The longest cycle counted in the cycle volume.
    n_swaps : int
        Swaps requested per null sample.
    cycling_index : NullTest
        Finn's cycling index (:func:`~aiinfra.flows.cycling_index`).
    cycle_volume : NullTest
        Sum of cycle bottlenecks (:func:`aiinfra.flows.cycle_volume`).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b", {"amount": 2.0}), ("b", "a", {"amount": 1.0})])
    >>> significance(G, samples=5, seed=0).to_dict()["cycle_volume"]["observed"]
    1.0
    """

    model: str
    samples: int
    seed: int | None
    length_bound: int
    n_swaps: int
    cycling_index: NullTest
    cycle_volume: NullTest

    def to_dict(self) -> dict[str, Any]:
        """Plain values: the settings, then one dict per statistic.

        Examples
        --------
        >>> import networkx as nx
        >>> G = nx.DiGraph([("a", "b", {"amount": 2.0}), ("b", "a", {"amount": 1.0})])
        >>> list(significance(G, samples=3, seed=0).to_dict())
        ['model', 'samples', 'seed', 'length_bound', 'n_swaps', 'cycling_index', 'cycle_volume']
        """
        return {
            "model": self.model,
            "samples": self.samples,
            "seed": self.seed,
            "length_bound": self.length_bound,
            "n_swaps": self.n_swaps,
            "cycling_index": self.cycling_index.to_dict(),
            "cycle_volume": self.cycle_volume.to_dict(),
        }


def _volume_on_indices(
    n: int, src: Sequence[int], dst: Sequence[int], raw: Sequence[float], k: int
) -> float:
    """Cycle volume of the graph on ``0 … n-1`` with these edges (amounts ``raw``)."""
    return float(volume_on_indices(n, list(src), list(dst), list(raw), k))


def significance(
    G: nx.DiGraph,
    samples: int = 1000,
    seed: Seed = None,
    model: NullModel = "degree",
    length_bound: int = 5,
    weight: str | None = "amount",
    n_swaps: int | None = None,
) -> Significance:
    """Is the graph more circular than its null model? Cycling index and cycle volume.

    Parameters
    ----------
    G : networkx.DiGraph
        The money-flow graph (not modified).
    samples : int, default 1000
        Null graphs to draw, at least 1.
    seed : int, numpy.random.Generator or None
        Source of randomness: the same int gives the same numbers.
    model : {"degree", "role", "strength"}, default "degree"
        :func:`rewire_degree_preserving`, :func:`rewire_role_preserving` (layers from the node
        attribute ``layer``) or :func:`rewire_strength_preserving`.
    length_bound : int, default 5
        Longest cycle (in companies) counted in the cycle volume.
    weight : str or None, default "amount"
        The amount attribute (None: every edge 1.0; the volume then counts cycles).
    n_swaps : int, optional
        Swaps per null graph (default ``10 × number of edges``), each drawn afresh from ``G``.

    Returns
    -------
    Significance
        For each statistic: observed, null mean and standard deviation, p-value and z-score.

    Raises
    ------
    InvalidParameterError
        For an invalid ``samples``, ``model``, ``length_bound``, ``seed`` or graph.

    Notes
    -----
    The null graphs are independent: each starts from ``G`` and gets ``n_swaps`` swaps, drawn
    one after the other from one generator (so the order of samples is fixed by the seed). The
    rewiring runs on index arrays; each null graph's cycling index comes straight from the
    arrays and only its cycle volume goes through a small integer-labelled networkx graph.
    The p-value is one-sided (is the observed value unusually *high*) with the +1 correction
    of Davison and Hinkley (1997), so it is never 0. Cost: about ``samples × (n_swaps set
    operations + one sparse solve per strong component + one bounded cycle search)``; on the
    bundled ledger (55 companies, 84 edges) 1000 samples take a few seconds.

    References
    ----------
    .. [1] A. C. Davison and D. V. Hinkley, "Bootstrap Methods and their Application",
       Cambridge University Press (1997), ch. 4.
    .. [2] R. Milo et al., "Network motifs: simple building blocks of complex networks",
       Science 298, 824-827 (2002).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("a", "b", 3.0), ("b", "c", 2.0), ("c", "a", 1.0),
    ...                            ("c", "d", 1.0), ("d", "e", 1.0)], weight="amount")
    >>> s = significance(G, samples=50, seed=42)
    >>> s.cycling_index.observed > 0, 1 / 51 <= s.cycling_index.p_value <= 1
    (True, True)
    >>> s.to_dict() == significance(G, samples=50, seed=42).to_dict()
    True
    """
    return _significance(G, samples, seed, model, length_bound, weight, n_swaps)


def _significance(
    G: nx.DiGraph,
    samples: int,
    seed: Seed,
    model: NullModel,
    length_bound: int,
    weight: str | None,
    n_swaps: int | None,
    *,
    volume_nulls: bool = True,
) -> Significance:
    """:func:`significance`; with ``volume_nulls=False`` the null graphs' cycle volumes are not
    searched (``cycle_volume`` then holds only the observed volume, its null samples NaN: for
    callers that read nothing else of it). The cycling index, its nulls and the random numbers
    drawn are the same either way (the cycle search draws none)."""
    samples = check_count(samples, "samples", 1)
    k = check_count(length_bound, "length_bound", 1)
    if model not in NULL_MODELS:
        raise InvalidParameterError(
            f"`model` must be one of {', '.join(NULL_MODELS)}; got {model!r}"
        )
    s = _slots(G)
    raw = _amounts(s, weight)
    w = np.where(np.isnan(raw), 0.0, raw)
    rng = _rng(seed)
    swaps = _swaps(n_swaps, s.m)
    zeros = np.zeros(s.n)
    src_list = s.src.tolist()
    dst_list = s.dst.tolist()
    raw_list = raw.tolist()
    classes = (
        _role_classes(G, s, "layer")
        if model == "role"
        else _amount_classes(w, 0.25)
        if model == "strength"
        else None
    )
    if model == "strength":
        out_target = np.bincount(s.src, weights=w, minlength=s.n)
        in_target = np.bincount(s.dst, weights=w, minlength=s.n)

    observed_ci = _finn(s.n, s.src, s.dst, w, zeros, zeros)[0]
    observed_cv = _volume_on_indices(s.n, src_list, dst_list, raw_list, k)
    null_ci = np.empty(samples)
    null_cv = np.empty(samples)
    for t in range(samples):
        new, _ = _swap_targets(src_list, dst_list, s.n, swaps, rng, classes)
        dst = np.asarray(new, dtype=np.int64)
        x, x_list = w, raw_list
        if model == "strength":
            x, _ = _ras(s.src, dst, w, out_target, in_target, 1000, 1e-9)  # as the default
            x_list = np.where(np.isnan(raw), np.nan, x).tolist()
        null_ci[t] = _finn(s.n, s.src, dst, x, zeros, zeros)[0]
        null_cv[t] = _volume_on_indices(s.n, src_list, new, x_list, k) if volume_nulls else np.nan
    return Significance(
        model=model,
        samples=samples,
        seed=int(seed) if isinstance(seed, int | np.integer) else None,
        length_bound=k,
        n_swaps=swaps,
        cycling_index=NullTest.from_samples(observed_ci, null_ci),
        cycle_volume=NullTest.from_samples(observed_cv, null_cv),
    )
