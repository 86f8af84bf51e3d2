"""The checks every flow algorithm shares: the graph, the edge amounts and the counts.

One place for the conventions of the whole package: a flow graph is a directed, non-multi
networkx graph; an edge's amount is its ``weight`` attribute (default ``"amount"``), where a
missing or None value is NaN (undisclosed) and ``weight=None`` counts every edge as 1.0; a
negative or infinite amount is an error wherever money is summed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np

from aiinfra.exceptions import InvalidParameterError

__all__ = ["check_count", "check_graph", "clean_amounts", "edge_amount"]


def check_graph(G: Any) -> None:
    """Raise unless ``G`` is a directed, non-multi networkx graph.

    Raises
    ------
    InvalidParameterError
        If ``G`` is not an ``nx.DiGraph`` (or a subclass), or is a multigraph.

    Examples
    --------
    >>> check_graph(nx.DiGraph())
    >>> try:
    ...     check_graph(nx.Graph())
    ... except ValueError as exc:
    ...     print(exc)
    `G` must be a directed networkx graph (nx.DiGraph); got Graph
    """
    if not isinstance(G, nx.Graph) or not G.is_directed():
        raise InvalidParameterError(
            f"`G` must be a directed networkx graph (nx.DiGraph); got {type(G).__name__}"
        )
    if G.is_multigraph():
        raise InvalidParameterError(
            "`G` must not be a multigraph: merge parallel edges first (e.g. nx.DiGraph(G)); "
            f"got {type(G).__name__}"
        )


def edge_amount(data: Mapping[str, Any], weight: str | None, *, check: bool = False) -> float:
    """The amount of one edge: 1.0 when ``weight`` is None, NaN when missing or None.

    Parameters
    ----------
    data : mapping
        The edge's attributes.
    weight : str or None
        The attribute holding the amount; None counts the edge as 1.0.
    check : bool, default False
        Raise for a negative or infinite amount (NaN, undisclosed, passes).

    Raises
    ------
    InvalidParameterError
        With ``check=True``, for a negative or infinite amount.

    Examples
    --------
    >>> edge_amount({"amount": 2}, "amount"), edge_amount({}, "amount"), edge_amount({}, None)
    (2.0, nan, 1.0)
    """
    if weight is None:
        return 1.0
    value = data.get(weight)
    x = math.nan if value is None else float(value)
    if check and not math.isnan(x) and (x < 0 or math.isinf(x)):
        raise InvalidParameterError(
            f"edge amounts ({weight!r}) must be finite and >= 0 (NaN means undisclosed); got {x!r}"
        )
    return x


def clean_amounts(raw: np.ndarray, what: str) -> np.ndarray:
    """NaN → 0; a negative or infinite amount is an error (``what`` names the amounts)."""
    bad = ~np.isnan(raw) & ((raw < 0) | ~np.isfinite(raw))
    if bad.any():
        raise InvalidParameterError(
            f"{what} must be finite and >= 0 (NaN means undisclosed); got {raw[bad][0]!r}"
        )
    return np.where(np.isnan(raw), 0.0, raw)


def check_count(value: object, name: str, minimum: int) -> int:
    """``value`` as an int, checked to be an integer (not a bool) >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InvalidParameterError(f"`{name}` must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise InvalidParameterError(f"`{name}` must be >= {minimum}; got {value}")
    return int(value)
