"""Bounded simple cycles (aiinfra.flows._cycles): networkx as the oracle, closed forms, hand cases.

Every comparison with :func:`networkx.simple_cycles` fails on a missing cycle *and* on a spurious
one, and on a cycle reported twice. A cycle is compared by its edge set (a simple cycle is fixed by
its edges), so the rotation networkx happens to choose does not matter. Seeds are explicit.
"""

from __future__ import annotations

import copy
import inspect
import itertools
import math
import random
import sys
from collections import Counter
from collections.abc import Hashable, Iterable

import networkx as nx
import numpy as np
import pytest

from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows._cycles import (
    Cycle,
    cycle_volume,
    find_cycles,
    reciprocal_pairs,
    simple_cycles,
)

NAN = math.nan


def key(cycle: Iterable[Hashable]) -> frozenset[tuple[Hashable, Hashable]]:
    """A cycle by its edges: the same for every rotation of it."""
    c = list(cycle)
    return frozenset(zip(c, [*c[1:], c[0]], strict=True))


def assert_same_cycles(ours: list[list[Hashable]], reference: Iterable[list[Hashable]]) -> None:
    counts = Counter(key(c) for c in ours)
    twice = [sorted(map(repr, k)) for k, n in counts.items() if n > 1]
    assert not twice, f"reported more than once: {twice[:3]}"
    ref = {key(c) for c in reference}
    missing, spurious = ref - set(counts), set(counts) - ref
    assert not missing, f"{len(missing)} cycles missing, e.g. {sorted(next(iter(missing)))}"
    assert not spurious, f"{len(spurious)} spurious cycles, e.g. {sorted(next(iter(spurious)))}"


def assert_valid(G: nx.DiGraph, cycles: list[list[Hashable]], k: int) -> None:
    """Each cycle: 1..k distinct nodes, a closed path of edges of G."""
    for c in cycles:
        assert 1 <= len(c) <= k
        assert len(set(c)) == len(c), f"repeated node in {c}"
        for u, v in zip(c, [*c[1:], c[0]], strict=True):
            assert G.has_edge(u, v), f"{c}: no edge {u!r} -> {v!r}"


def random_digraph(seed: int) -> nx.DiGraph:
    """A small seeded random digraph: gnp of 1..13 nodes, density 0..0.6, a few self-loops."""
    rng = random.Random(seed)
    n = rng.randint(1, 13)
    G = nx.gnp_random_graph(n, rng.uniform(0.0, 0.6), seed=seed, directed=True)
    for _ in range(rng.randint(0, 2)):
        v = rng.randrange(n)
        G.add_edge(v, v)
    return G


def out_degree_digraph(n: int, d: int, seed: int) -> nx.DiGraph:
    """n nodes, each with d edges to random other nodes (as in the benchmark)."""
    rng = np.random.default_rng(seed)
    src = np.repeat(np.arange(n), d)
    dst = rng.integers(0, n - 1, size=n * d)
    dst[dst >= src] += 1  # no self-loops
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    return G


# --------------------------------------------------------------------------------------------
# networkx as the oracle


@pytest.mark.parametrize("seed", range(120))
def test_same_cycles_as_networkx_on_random_digraphs(seed: int) -> None:
    G = random_digraph(seed)
    for k in range(1, 8):
        ours = list(simple_cycles(G, length_bound=k))
        assert_valid(G, ours, k)
        assert_same_cycles(ours, nx.simple_cycles(G, length_bound=k))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_cycles_as_networkx_unbounded_on_small_graphs(seed: int) -> None:
    G = nx.gnp_random_graph(9, 0.35, seed=seed, directed=True)
    ours = list(simple_cycles(G, length_bound=G.number_of_nodes()))
    assert_same_cycles(ours, nx.simple_cycles(G))


@pytest.mark.parametrize(("n", "d", "k", "seed"), [(300, 3, 5, 7), (200, 5, 4, 11), (60, 4, 6, 3)])
def test_same_cycles_as_networkx_on_sparse_out_degree_graphs(
    n: int, d: int, k: int, seed: int
) -> None:
    G = out_degree_digraph(n, d, seed)
    ours = list(simple_cycles(G, length_bound=k))
    assert len(ours) > 10  # the workload has cycles to find
    assert_valid(G, ours, k)
    assert_same_cycles(ours, nx.simple_cycles(G, length_bound=k))


def test_same_cycles_as_networkx_on_the_ledger_graph() -> None:
    from aiinfra import load_ledger
    from aiinfra.flows import flow_graph

    G = flow_graph(load_ledger(), "2026-06-30")
    for k in (2, 3, 5, 7):
        ours = list(simple_cycles(G, length_bound=k))
        assert_valid(G, ours, k)
        assert_same_cycles(ours, nx.simple_cycles(G, length_bound=k))


def test_oracle_comparison_catches_missing_and_spurious_cycles() -> None:
    """The helper the oracle tests rely on does fail (guards against a vacuous comparison)."""
    ref = [[0, 1, 2], [0, 1]]
    with pytest.raises(AssertionError, match="missing"):
        assert_same_cycles([[0, 1]], ref)
    with pytest.raises(AssertionError, match="spurious"):
        assert_same_cycles([[0, 1], [1, 2, 0], [3, 4]], ref)
    with pytest.raises(AssertionError, match="more than once"):
        assert_same_cycles([[0, 1], [0, 1, 2], [1, 2, 0]], ref)
    assert_same_cycles([[1, 0], [2, 0, 1]], ref)  # rotations are the same cycle


# --------------------------------------------------------------------------------------------
# Canonical form: every cycle once, from its smallest node


@pytest.mark.parametrize("seed", range(10))
def test_each_cycle_starts_at_its_smallest_node(seed: int) -> None:
    G = random_digraph(seed)
    for c in simple_cycles(G, length_bound=6):
        assert c[0] == min(c)


def test_unsortable_labels_start_at_the_first_in_graph_order() -> None:
    G = nx.DiGraph([("x", 1), (1, (2, 3)), ((2, 3), "x"), (1, "x")])
    order = {v: i for i, v in enumerate(G)}
    cycles = list(simple_cycles(G))
    assert sorted(map(len, cycles)) == [2, 3]
    for c in cycles:
        assert order[c[0]] == min(order[v] for v in c)


# --------------------------------------------------------------------------------------------
# Relabelling changes nothing


RELABEL_SEEDS = range(12)


@pytest.mark.parametrize("seed", RELABEL_SEEDS)
def test_relabelling_gives_the_same_cycles_under_the_mapping(seed: int) -> None:
    G = random_digraph(seed)
    rng = random.Random(1000 + seed)
    nodes = list(G)
    shuffled = nodes[:]
    rng.shuffle(shuffled)
    labelings: list[dict[Hashable, Hashable]] = [
        dict(zip(nodes, shuffled, strict=True)),  # a permutation of the integers
        {v: f"n{w:02d}" for v, w in zip(nodes, shuffled, strict=True)},  # strings
        {v: (w % 3, -w) for v, w in zip(nodes, shuffled, strict=True)},  # tuples
        {v: (str(w) if w % 2 else w) for v, w in zip(nodes, shuffled, strict=True)},  # mixed
    ]
    base = list(simple_cycles(G, length_bound=5))
    for mapping in labelings:
        H = nx.relabel_nodes(G, mapping)
        # also a different insertion order of the nodes and edges
        H2 = nx.DiGraph()
        H2.add_nodes_from(rng.sample(list(H), len(H)))
        H2.add_edges_from(rng.sample(list(H.edges), H.number_of_edges()))
        for graph in (H, H2):
            got = list(simple_cycles(graph, length_bound=5))
            assert len(got) == len(base)
            assert {key(c) for c in got} == {key([mapping[v] for v in c]) for c in base}


# --------------------------------------------------------------------------------------------
# Closed forms


@pytest.mark.parametrize("n", [5, 6, 7])
def test_complete_digraph_has_binomial_times_factorial_cycles_of_each_length(n: int) -> None:
    G = nx.complete_graph(n, create_using=nx.DiGraph)
    lengths = Counter(len(c) for c in simple_cycles(G, length_bound=n))
    assert lengths == {k: math.comb(n, k) * math.factorial(k - 1) for k in range(2, n + 1)}
    for k in range(1, n + 1):
        expected = sum(math.comb(n, j) * math.factorial(j - 1) for j in range(2, k + 1))
        assert sum(1 for _ in simple_cycles(G, length_bound=k)) == expected


def test_complete_digraph_totals() -> None:
    # sum_{k=2..n} C(n, k)(k-1)!: 84, 409, 2365 for n = 5, 6, 7
    totals = {
        n: sum(1 for _ in simple_cycles(nx.complete_graph(n, create_using=nx.DiGraph), n))
        for n in (5, 6, 7)
    }
    assert totals == {5: 84, 6: 409, 7: 2365}


@pytest.mark.parametrize("n", [1, 2, 3, 8])
def test_directed_ring_has_one_cycle_once_the_bound_allows_it(n: int) -> None:
    G = nx.cycle_graph(n, create_using=nx.DiGraph)
    for k in range(1, n + 3):
        assert list(simple_cycles(G, k)) == ([list(range(n))] if k >= n else [])


def test_a_long_ring_needs_no_recursion() -> None:
    n = sys.getrecursionlimit() + 500
    G = nx.cycle_graph(n, create_using=nx.DiGraph)
    (cycle,) = simple_cycles(G, length_bound=n)
    assert cycle == list(range(n))


def test_dag_and_empty_graphs_have_no_cycles() -> None:
    assert list(simple_cycles(nx.DiGraph())) == []
    single = nx.DiGraph()
    single.add_node("a")
    assert list(simple_cycles(single)) == []
    dag = nx.gn_graph(50, seed=4)  # a directed tree: acyclic
    assert list(simple_cycles(dag, 10)) == []


def test_self_loops_are_cycles_of_one_node() -> None:
    G = nx.DiGraph([("a", "a"), ("a", "b"), ("b", "a"), ("c", "c")])
    assert list(simple_cycles(G, 1)) == [["a"], ["c"]]
    assert list(simple_cycles(G, 2)) == [["a"], ["a", "b"], ["c"]]


# --------------------------------------------------------------------------------------------
# Generator behaviour, inputs not mutated


def test_simple_cycles_is_a_lazy_generator() -> None:
    # K_12 has about 10^8 cycles of up to 12 nodes: only a lazy search returns quickly here
    G = nx.complete_graph(12, create_using=nx.DiGraph)
    gen = simple_cycles(G, length_bound=12)
    assert inspect.isgenerator(gen)
    first = list(itertools.islice(gen, 1000))
    assert len(first) == 1000
    assert_valid(G, first, 12)
    assert inspect.isgenerator(find_cycles(G, 12))


def test_inputs_are_not_mutated() -> None:
    G = toy_graph()
    before = copy.deepcopy(G)
    list(simple_cycles(G))
    list(find_cycles(G))
    reciprocal_pairs(G)
    cycle_volume(G)
    assert nx.utils.graphs_equal(G, before)
    assert list(G.nodes) == list(before.nodes)
    assert G.graph == before.graph


# --------------------------------------------------------------------------------------------
# Cycle, find_cycles, reciprocal_pairs, cycle_volume on a hand-made graph


def toy_graph() -> nx.DiGraph:
    """a → b → c → a (5, 2, 3), a ⇄ b (b → a: 1), c → d → a (4, NaN), d → e (no cycle).

    Cycles: (a, b) 2 nodes; (a, b, c) bottleneck 2; (a, b, c, d) 4 nodes, bottleneck NaN.
    """
    G = nx.DiGraph()
    G.add_edge("a", "b", amount=5.0, flow_ids=["F1"])
    G.add_edge("b", "c", amount=2.0, flow_ids=["F2", "F3"])
    G.add_edge("c", "a", amount=3.0, flow_ids=["F4"])
    G.add_edge("b", "a", amount=1.0, flow_ids=["F5"])
    G.add_edge("c", "d", amount=4.0, flow_ids=["F6"])
    G.add_edge("d", "a", amount=NAN, flow_ids=["F7"])
    G.add_edge("d", "e", amount=9.0, flow_ids=["F8"])
    return G


def test_find_cycles_on_the_hand_made_graph() -> None:
    cycles = list(find_cycles(toy_graph()))
    assert [c.nodes for c in cycles] == [("a", "b", "c"), ("a", "b", "c", "d")]
    abc, abcd = cycles
    assert abc.edges == (("a", "b"), ("b", "c"), ("c", "a"))
    assert abc.flow_ids == (("F1",), ("F2", "F3"), ("F4",))
    assert abc.amounts == (5.0, 2.0, 3.0)
    assert abc.bottleneck == 2.0
    assert abc.length == 3
    assert abcd.flow_ids == (("F1",), ("F2", "F3"), ("F6",), ("F7",))
    assert abcd.amounts[:3] == (5.0, 2.0, 4.0) and math.isnan(abcd.amounts[3])
    assert math.isnan(abcd.bottleneck)  # an undisclosed edge: the bottleneck is unknown
    assert abcd.length == 4


def test_find_cycles_respects_the_bound_and_leaves_out_pairs_and_loops() -> None:
    G = toy_graph()
    G.add_edge("e", "e", amount=1.0)
    assert [c.nodes for c in find_cycles(G, length_bound=3)] == [("a", "b", "c")]
    assert list(find_cycles(G, length_bound=2)) == []
    assert list(find_cycles(G, length_bound=1)) == []


def test_find_cycles_weight_options() -> None:
    G = toy_graph()
    (abc,) = find_cycles(G, 3, weight=None)
    assert abc.amounts == (1.0, 1.0, 1.0)
    (abc,) = find_cycles(G, 3, weight="missing")
    assert all(math.isnan(a) for a in abc.amounts) and math.isnan(abc.bottleneck)
    H = nx.DiGraph([(1, 2), (2, 3), (3, 1)])  # no attributes at all
    (c,) = find_cycles(H)
    assert c.flow_ids == ((), (), ())
    assert c.nodes == (1, 2, 3)


def test_cycle_to_dict() -> None:
    (abc, _) = find_cycles(toy_graph())
    assert abc.to_dict() == {
        "nodes": ["a", "b", "c"],
        "edges": [["a", "b"], ["b", "c"], ["c", "a"]],
        "flow_ids": [["F1"], ["F2", "F3"], ["F4"]],
        "amounts": [5.0, 2.0, 3.0],
        "bottleneck": 2.0,
        "length": 3,
    }


def test_cycle_is_frozen() -> None:
    c = Cycle(("a",), (("a", "a"),), ((),), (1.0,))
    with pytest.raises(AttributeError):
        c.nodes = ("b",)  # type: ignore[misc]


def test_reciprocal_pairs_on_the_hand_made_graph() -> None:
    G = toy_graph()
    G.add_edge("e", "d", amount=NAN, flow_ids=["F9"])
    G.add_edge("e", "e", amount=7.0)  # a self-loop is no pair
    pairs = reciprocal_pairs(G)
    assert [(p["u"], p["v"]) for p in pairs] == [("a", "b"), ("d", "e")]
    ab, de = pairs
    assert ab == {
        "u": "a",
        "v": "b",
        "amount_uv": 5.0,
        "amount_vu": 1.0,
        "flow_ids_uv": ["F1"],
        "flow_ids_vu": ["F5"],
        "netted": 1.0,
    }
    assert de["amount_uv"] == 9.0 and math.isnan(de["amount_vu"])
    assert de["flow_ids_uv"] == ["F8"] and de["flow_ids_vu"] == ["F9"]
    assert math.isnan(de["netted"])


def test_reciprocal_pairs_are_the_two_node_cycles() -> None:
    for seed in range(20):
        G = random_digraph(seed)
        pairs = {frozenset((p["u"], p["v"])) for p in reciprocal_pairs(G, weight=None)}
        assert pairs == {frozenset(c) for c in simple_cycles(G, 2) if len(c) == 2}
    assert reciprocal_pairs(nx.DiGraph([(1, 2), (2, 3)])) == []


def test_cycle_volume_on_the_hand_made_graph() -> None:
    G = toy_graph()
    # pair a ⇄ b nets 1; a → b → c → a carries 2; a → b → c → d → a has an undisclosed edge
    assert cycle_volume(G) == 3.0
    assert cycle_volume(G, length_bound=2) == 1.0
    assert cycle_volume(G, length_bound=1) == 0.0
    assert cycle_volume(G, weight=None) == 3.0  # the number of cycles of 2+ nodes
    G.add_edge("e", "e", amount=100.0)  # self-loops are not counted
    assert cycle_volume(G) == 3.0
    G.edges["d", "a"]["amount"] = 0.5
    assert cycle_volume(G) == 3.5
    assert cycle_volume(nx.DiGraph()) == 0.0


@pytest.mark.parametrize("seed", range(15))
def test_cycle_volume_matches_its_definition_on_networkx(seed: int) -> None:
    rng = np.random.default_rng(seed)
    G = random_digraph(seed)
    for u, v in G.edges:
        G.edges[u, v]["amount"] = NAN if rng.random() < 0.15 else float(rng.integers(1, 100))
    for k in (2, 3, 5):
        expected = 0.0
        for c in nx.simple_cycles(G, length_bound=k):
            if len(c) >= 2:
                low = min(G.edges[e]["amount"] for e in key(c))
                if not any(math.isnan(G.edges[e]["amount"]) for e in key(c)):
                    expected += low
        assert cycle_volume(G, length_bound=k) == pytest.approx(expected, rel=1e-12, abs=0)
        via_objects = sum(
            c.bottleneck for c in find_cycles(G, k) if not math.isnan(c.bottleneck)
        ) + sum(p["netted"] for p in reciprocal_pairs(G) if not math.isnan(p["netted"]))
        assert cycle_volume(G, length_bound=k) == pytest.approx(via_objects, rel=1e-12, abs=0)


def test_the_ledger_graph_cycles_carry_their_flow_ids() -> None:
    from aiinfra import load_ledger
    from aiinfra.flows import flow_graph

    G = flow_graph(load_ledger(), "2026-06-30")
    cycles = list(find_cycles(G))
    assert cycles, "the 2026-06-30 ledger has money cycles"
    for c in cycles:
        assert 3 <= c.length <= 5
        for (u, v), ids, amount in zip(c.edges, c.flow_ids, c.amounts, strict=True):
            assert list(ids) == G.edges[u, v]["flow_ids"]
            assert amount == G.edges[u, v]["amount"] or math.isnan(amount)


# --------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize("bad", [0, -1, 2.5, "3", None, True])
def test_bad_length_bound_is_refused_when_called(bad: object) -> None:
    G = toy_graph()
    for fn in (simple_cycles, find_cycles, cycle_volume):
        with pytest.raises(InvalidParameterError, match="`length_bound`"):
            fn(G, length_bound=bad)  # type: ignore[arg-type]  # no iteration needed
    with pytest.raises(ValueError, match="length_bound"):
        simple_cycles(G, bad)  # type: ignore[arg-type]


def test_numpy_integer_length_bound_is_accepted() -> None:
    assert len(list(simple_cycles(toy_graph(), np.int64(3)))) == 2


@pytest.mark.parametrize(
    "graph",
    [nx.Graph([(1, 2), (2, 3), (3, 1)]), nx.MultiDiGraph([(1, 2), (2, 1)]), [(1, 2), (2, 1)]],
    ids=["undirected", "multigraph", "edge list"],
)
def test_graph_must_be_a_directed_simple_graph(graph: object) -> None:
    for fn in (simple_cycles, find_cycles, cycle_volume, reciprocal_pairs):
        with pytest.raises(InvalidParameterError, match="`G`"):
            fn(graph)  # type: ignore[operator]


# --------------------------------------------------------------------------------------------
# The pruning the speed relies on (private helpers)


def test_index_keeps_only_edges_inside_strong_components() -> None:
    from aiinfra.flows._cycles import _index

    # {a, b} and {c, d} are strong components joined by b -> c; e hangs off d; e has a loop
    G = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "d"), ("d", "c"), ("d", "e")])
    G.add_edge("e", "e")
    ix = _index(G)
    assert ix.labels == ["a", "b", "c", "d", "e"]
    assert ix.succ == [(1,), (0,), (3,), (2,), ()]
    assert ix.pred == [(1,), (0,), (3,), (2,), ()]
    assert ix.loop == [False, False, False, False, True]


def test_reverse_search_gives_distances_back_through_later_nodes() -> None:
    from aiinfra.flows._cycles import _index, _reach_back

    # 0 -> 1 -> 2 -> 3 -> 0, a shortcut 2 -> 0, and 0 <-> 4
    G = nx.DiGraph([(0, 1), (1, 2), (2, 3), (3, 0), (2, 0), (0, 4), (4, 0)])
    ix = _index(G)
    assert _reach_back(0, ix.pred, 5) == {2: 1, 3: 1, 4: 1, 1: 2}
    assert _reach_back(0, ix.pred, 1) == {2: 1, 3: 1, 4: 1}
    assert _reach_back(1, ix.pred, 5) == {}  # every way back to 1 passes through 0 < 1
