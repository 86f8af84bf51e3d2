"""Hypothesis properties of the bounded cycle search (aiinfra.flows._cycles).

For random small digraphs (up to 9 nodes, self-loops allowed) and bounds 1..7: the cycles are
networkx's, each once; relabelling the nodes maps the cycles; raising the bound only adds cycles
of the new length; reversing every edge reverses every cycle; the cycle volume is the sum of the
cycle bottlenecks and pair nettings (and the cycle count when ``weight=None``); nothing is
mutated. Cycles are compared by their edge sets, so rotations do not matter.
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from collections.abc import Hashable, Iterable

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiinfra.flows._cycles import cycle_volume, find_cycles, reciprocal_pairs, simple_cycles

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BOUNDS = st.integers(1, 7)


def key(cycle: Iterable[Hashable]) -> frozenset[tuple[Hashable, Hashable]]:
    c = list(cycle)
    return frozenset(zip(c, [*c[1:], c[0]], strict=True))


@st.composite
def digraphs(draw: st.DrawFn, max_n: int = 9) -> nx.DiGraph:
    n = draw(st.integers(0, max_n))
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    if n:
        pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
        G.add_edges_from(draw(st.lists(pairs, max_size=3 * n + 4)))
    return G


@st.composite
def weighted_digraphs(draw: st.DrawFn) -> nx.DiGraph:
    G = draw(digraphs())
    amounts = st.one_of(st.integers(1, 50).map(float), st.just(math.nan))
    for u, v in G.edges:
        G.edges[u, v]["amount"] = draw(amounts)
    return G


@SETTINGS
@given(G=digraphs(), k=BOUNDS)
def test_the_cycles_are_networkx_s_each_once(G: nx.DiGraph, k: int) -> None:
    ours = list(simple_cycles(G, length_bound=k))
    counts = Counter(key(c) for c in ours)
    assert all(n == 1 for n in counts.values())
    assert set(counts) == {key(c) for c in nx.simple_cycles(G, length_bound=k)}
    for c in ours:
        assert c[0] == min(c)
        assert len(set(c)) == len(c) <= k


@SETTINGS
@given(G=digraphs(), k=BOUNDS, data=st.data())
def test_relabelling_maps_the_cycles(G: nx.DiGraph, k: int, data: st.DataObject) -> None:
    nodes = list(G)
    perm = data.draw(st.permutations(nodes))
    kind = data.draw(st.sampled_from(["int", "str", "mixed"]))
    if kind == "int":
        mapping: dict[Hashable, Hashable] = dict(zip(nodes, perm, strict=True))
    elif kind == "str":
        mapping = {v: f"c{w}" for v, w in zip(nodes, perm, strict=True)}
    else:  # ints and strings mixed: labels that cannot be sorted
        mapping = {v: (w if w % 2 else str(w)) for v, w in zip(nodes, perm, strict=True)}
    H = nx.relabel_nodes(G, mapping)
    expected = {key([mapping[v] for v in c]) for c in simple_cycles(G, k)}
    got = list(simple_cycles(H, k))
    assert len(got) == len(expected)
    assert {key(c) for c in got} == expected


@SETTINGS
@given(G=digraphs(), k=st.integers(1, 6))
def test_a_larger_bound_only_adds_cycles_of_the_new_length(G: nx.DiGraph, k: int) -> None:
    small = {key(c) for c in simple_cycles(G, k)}
    large = list(simple_cycles(G, k + 1))
    assert small <= {key(c) for c in large}
    assert all(len(c) == k + 1 for c in large if key(c) not in small)


@SETTINGS
@given(G=digraphs(), k=BOUNDS)
def test_reversing_the_edges_reverses_the_cycles(G: nx.DiGraph, k: int) -> None:
    forward = {key(reversed(c)) for c in simple_cycles(G, k)}
    assert {key(c) for c in simple_cycles(G.reverse(copy=True), k)} == forward


@SETTINGS
@given(G=weighted_digraphs(), k=BOUNDS)
def test_cycle_volume_is_the_sum_of_bottlenecks(G: nx.DiGraph, k: int) -> None:
    before = copy.deepcopy(G)
    found = list(find_cycles(G, k))
    pairs = reciprocal_pairs(G) if k >= 2 else []
    expected = sum(c.bottleneck for c in found if not math.isnan(c.bottleneck))
    expected += sum(p["netted"] for p in pairs if not math.isnan(p["netted"]))
    volume = cycle_volume(G, k)
    assert volume == expected or math.isclose(volume, expected, rel_tol=1e-12)
    assert not math.isnan(volume) and volume >= 0
    n_cycles = sum(1 for c in simple_cycles(G, k) if len(c) >= 2)
    assert cycle_volume(G, k, weight=None) == n_cycles
    assert all(c.length >= 3 for c in found)
    assert nx.utils.graphs_equal(G, before)
