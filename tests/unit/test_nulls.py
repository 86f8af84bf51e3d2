"""Null models, significance and Monte Carlo sensitivity (flows/_rewire, _significance, _sensitivity).

Each null model is checked for exactly what it promises to keep (and, where it says so, for
what it does not keep); significance and sensitivity for reproducibility, bounds and their
formulas.
"""

from __future__ import annotations

import copy
import math
from collections import Counter

import networkx as nx
import numpy as np
import pytest

from aiinfra import load_ledger
from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows._checks import edge_amount
from aiinfra.flows._cycles import cycle_volume as _cycle_volume
from aiinfra.flows._cycling import cycling_index
from aiinfra.flows._graph import flow_graph
from aiinfra.flows._rewire import (
    rewire_degree_preserving,
    rewire_role_preserving,
    rewire_strength_preserving,
)
from aiinfra.flows._self_funding import self_funded_share
from aiinfra.flows._sensitivity import sensitivity
from aiinfra.flows._significance import NullTest, Significance, significance


def _cycle_volume_fallback(
    G: nx.DiGraph, length_bound: int = 5, weight: str | None = "amount"
) -> float:
    """The definition of the cycle volume on :func:`networkx.simple_cycles`, as an oracle.

    Sum over simple cycles of 2 … ``length_bound`` nodes of the smallest amount on each;
    self-loops are not cycles here, and a cycle with an undisclosed (NaN) amount on it is left
    out. (Once a fallback in the flows package, dead since the cycles module exists.)
    """
    total = 0.0
    adj = G.adj
    for cycle in nx.simple_cycles(G, length_bound=length_bound):
        if len(cycle) < 2:
            continue
        amounts = [
            edge_amount(adj[u][v], weight)
            for u, v in zip(cycle, [*cycle[1:], cycle[0]], strict=True)
        ]
        low = min(amounts)
        if not any(math.isnan(a) for a in amounts):
            total += low
    return total


@pytest.fixture(scope="module")
def ledger_graph() -> nx.DiGraph:
    return flow_graph(load_ledger(), "2026-06-30")


def strengths(G: nx.DiGraph, direction: str) -> dict[object, float]:
    total: dict[object, float] = {v: 0.0 for v in G}
    for u, v, a in G.edges(data="amount"):
        x = 0.0 if a is None or math.isnan(a) else a
        total[u if direction == "out" else v] += x
    return total


def layer_pairs(G: nx.DiGraph) -> Counter[tuple[str, str]]:
    return Counter((G.nodes[u]["layer"], G.nodes[v]["layer"]) for u, v in G.edges())


def edge_slots(G: nx.DiGraph) -> Counter[tuple[object, str]]:
    """(source, flow ids) per edge: what travels with the source."""
    return Counter((u, ";".join(d["flow_ids"])) for u, _, d in G.edges(data=True))


# ---------------------------------------------------------------------------------------------
# Degree-preserving


def test_degree_rewiring_keeps_what_it_promises(ledger_graph: nx.DiGraph) -> None:
    H = rewire_degree_preserving(ledger_graph, seed=1)
    G = ledger_graph
    assert set(H) == set(G) and H.number_of_edges() == G.number_of_edges()
    assert dict(H.in_degree()) == dict(G.in_degree())
    assert dict(H.out_degree()) == dict(G.out_degree())
    assert strengths(H, "out") == pytest.approx(strengths(G, "out"))
    assert edge_slots(H) == edge_slots(G)  # every edge kept its source and its attributes
    assert nx.number_of_selfloops(H) == 0
    assert H.graph["null_model"] == "degree" and H.graph["swaps"] == 10 * G.number_of_edges()
    assert H.graph["as_of"] == G.graph["as_of"]
    assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
    # what it does not promise: money received moves
    assert strengths(H, "in") != pytest.approx(strengths(G, "in"))
    assert set(H.edges()) != set(G.edges())


def test_degree_rewiring_is_reproducible(ledger_graph: nx.DiGraph) -> None:
    a = rewire_degree_preserving(ledger_graph, seed=7)
    b = rewire_degree_preserving(ledger_graph, seed=7)
    c = rewire_degree_preserving(ledger_graph, seed=8)
    assert list(a.edges(data="amount")) == list(b.edges(data="amount"))
    assert set(a.edges()) != set(c.edges())
    gen = np.random.default_rng(7)
    assert list(rewire_degree_preserving(ledger_graph, seed=gen).edges()) == list(a.edges())


def test_zero_swaps_and_tiny_graphs() -> None:
    G = nx.DiGraph([("a", "b", {"amount": 1.0}), ("c", "d", {"amount": 2.0})])
    assert set(rewire_degree_preserving(G, n_swaps=0, seed=0).edges()) == set(G.edges())
    one = nx.DiGraph([("a", "b", {"amount": 1.0})])
    H = rewire_degree_preserving(one, seed=0)
    assert list(H.edges()) == [("a", "b")] and H.graph["swaps"] == 0
    assert rewire_degree_preserving(nx.DiGraph(), seed=0).number_of_nodes() == 0


def test_rigid_graph_gives_up() -> None:
    """a ⇄ b admits no swap (each would create a self-loop): the chain stops, 0 swaps."""
    G = nx.DiGraph([("a", "b", {"amount": 1.0}), ("b", "a", {"amount": 2.0})])
    H = rewire_degree_preserving(G, n_swaps=5, seed=0)
    assert H.graph["swaps"] == 0 and set(H.edges()) == set(G.edges())


def test_swap_creates_no_multi_edges() -> None:
    """A star into c plus a → d: every valid swap would duplicate an edge; nothing changes."""
    G = nx.DiGraph([("a", "c"), ("b", "c"), ("a", "d")])
    H = rewire_degree_preserving(G, n_swaps=3, seed=0)
    assert sorted(H.edges()) == sorted(G.edges())


def test_rewiring_does_not_mutate(ledger_graph: nx.DiGraph) -> None:
    snapshot = repr(nx.node_link_data(ledger_graph, edges="edges"))
    for fn in (rewire_degree_preserving, rewire_role_preserving, rewire_strength_preserving):
        H = fn(ledger_graph, seed=0)
        # the copies do not share the attribute dicts
        u, v = next(iter(H.edges()))
        H.edges[u, v]["amount"] = -1.0
    assert repr(nx.node_link_data(ledger_graph, edges="edges")) == snapshot


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_swaps": -1}, "`n_swaps` must be >= 0"),
        ({"n_swaps": 1.5}, "`n_swaps` must be an integer"),
        ({"seed": "x"}, "`seed` must be an int"),
    ],
)
def test_rewire_bad_parameters(kwargs: dict[str, object], match: str) -> None:
    G = nx.DiGraph([("a", "b")])
    with pytest.raises(InvalidParameterError, match=match):
        rewire_degree_preserving(G, **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Role-preserving


def test_role_rewiring_keeps_layers(ledger_graph: nx.DiGraph) -> None:
    G = ledger_graph
    H = rewire_role_preserving(G, seed=3)
    assert dict(H.in_degree()) == dict(G.in_degree())
    assert dict(H.out_degree()) == dict(G.out_degree())
    assert strengths(H, "out") == pytest.approx(strengths(G, "out"))
    assert layer_pairs(H) == layer_pairs(G)
    # per company: payees by layer and payers by layer
    for v in G:
        for direction in ("succ", "pred"):
            before = Counter(G.nodes[w]["layer"] for w in getattr(G, direction)[v])
            after = Counter(H.nodes[w]["layer"] for w in getattr(H, direction)[v])
            assert before == after, (v, direction)
    assert H.graph["null_model"] == "role" and H.graph["swaps"] > 0
    assert set(H.edges()) != set(G.edges())


def test_role_rewiring_hand_case() -> None:
    G = nx.DiGraph()
    G.add_nodes_from(["lab1", "lab2"], layer="model_lab")
    G.add_nodes_from(["cloud1", "cloud2"], layer="hyperscaler")
    G.add_node("chip", layer="chip_designer")
    G.add_edge("lab1", "cloud1", amount=10.0)
    G.add_edge("lab2", "cloud2", amount=5.0)
    G.add_edge("lab2", "chip", amount=1.0)  # a class of its own: never swapped
    H = rewire_role_preserving(G, n_swaps=1, seed=0)
    assert sorted(H.edges(data="amount")) == [
        ("lab1", "cloud2", 10.0),
        ("lab2", "chip", 1.0),
        ("lab2", "cloud1", 5.0),
    ]


# ---------------------------------------------------------------------------------------------
# Strength-preserving (approximate, error measured)


def test_strength_rewiring_keeps_out_and_measures_in(ledger_graph: nx.DiGraph) -> None:
    G = ledger_graph
    errors = []
    for seed in range(10):
        H = rewire_strength_preserving(G, seed=seed)
        assert dict(H.in_degree()) == dict(G.in_degree())
        assert dict(H.out_degree()) == dict(G.out_degree())
        out_h, out_g = strengths(H, "out"), strengths(G, "out")
        assert out_h == pytest.approx(out_g, rel=1e-9, abs=1e-9)
        in_h, in_g = strengths(H, "in"), strengths(G, "in")
        measured = sum(abs(in_h[v] - in_g[v]) for v in G) / sum(in_g.values())
        assert H.graph["strength_error"] == pytest.approx(measured, abs=1e-12)
        assert H.graph["strength_error"] <= H.graph["swap_error"] + 1e-12
        undisclosed = [(u, v) for u, v, a in G.edges(data="amount") if math.isnan(a)]
        assert sum(math.isnan(a) for *_, a in H.edges(data="amount")) == len(undisclosed)
        errors.append(H.graph["strength_error"])
    # a property of the bundled ledger, not of one seed: over seeds 0-199 on the 2026-12-04 ledger
    # the share of money that ends at the wrong company averages 0.66 % (max 1.5 %); the bound is
    # on the mean of these ten seeds, with the worst seed allowed twice the mean's bound
    assert sum(errors) / len(errors) < 0.01
    assert max(errors) < 0.02
    assert H.graph["null_model"] == "strength"


def test_strength_rewiring_exact_when_amounts_equal() -> None:
    """Edges of equal amounts swap without changing anyone's receipts: error exactly 0."""
    G = nx.DiGraph()
    G.add_weighted_edges_from(
        [("a", "b", 2.0), ("c", "d", 2.0), ("e", "f", 2.0), ("b", "a", 1.0)], weight="amount"
    )
    H = rewire_strength_preserving(G, seed=5)
    assert H.graph["swap_error"] == 0.0 and H.graph["strength_error"] == 0.0
    assert set(H.edges()) != set(G.edges())


def test_strength_rewiring_scales_bounds() -> None:
    G = nx.DiGraph()
    G.add_edge("a", "b", amount=2.0, amount_low=1.0, amount_high=4.0)
    G.add_edge("c", "d", amount=2.1, amount_low=2.1, amount_high=2.1)
    G.add_edge("a", "x", amount=1.0, amount_low=1.0, amount_high=1.0)
    G.add_edge("c", "x", amount=1.0, amount_low=1.0, amount_high=1.0)
    H = rewire_strength_preserving(G, n_swaps=1, seed=0)
    for _, _, d in H.edges(data=True):
        assert d["amount_low"] <= d["amount"] <= d["amount_high"]
    e = H.edges["a", "d"]
    assert e["amount_high"] / e["amount"] == pytest.approx(4.0 / 2.0)


def test_strength_rewiring_bad_parameters() -> None:
    G = nx.DiGraph([("a", "b", {"amount": 1.0})])
    with pytest.raises(InvalidParameterError, match="`rel_tol` must be a number > 0"):
        rewire_strength_preserving(G, rel_tol=0)
    with pytest.raises(InvalidParameterError, match="`tol` must be a number >= 0"):
        rewire_strength_preserving(G, tol=-1.0)
    with pytest.raises(InvalidParameterError, match="`max_iter` must be >= 1"):
        rewire_strength_preserving(G, max_iter=0)


# ---------------------------------------------------------------------------------------------
# Significance


def test_significance_is_reproducible(ledger_graph: nx.DiGraph) -> None:
    a = significance(ledger_graph, samples=60, seed=11)
    b = significance(ledger_graph, samples=60, seed=11)
    assert a.to_dict() == b.to_dict()
    np.testing.assert_array_equal(a.cycling_index.null, b.cycling_index.null)
    np.testing.assert_array_equal(a.cycle_volume.null, b.cycle_volume.null)
    c = significance(ledger_graph, samples=60, seed=12)
    assert not np.array_equal(a.cycling_index.null, c.cycling_index.null)


@pytest.mark.parametrize("model", ["degree", "role", "strength"])
def test_significance_formulas_and_bounds(ledger_graph: nx.DiGraph, model: str) -> None:
    n = 40
    s = significance(ledger_graph, samples=n, seed=5, model=model)  # type: ignore[arg-type]
    assert isinstance(s, Significance)
    assert (s.model, s.samples, s.seed, s.length_bound) == (model, n, 5, 5)
    assert s.n_swaps == 10 * ledger_graph.number_of_edges()
    assert s.cycling_index.observed == pytest.approx(cycling_index(ledger_graph).system)
    assert s.cycle_volume.observed == pytest.approx(_cycle_volume(ledger_graph))
    for t in (s.cycling_index, s.cycle_volume):
        assert len(t.null) == n
        assert 1 / (n + 1) <= t.p_value <= 1
        hits = int(np.sum(t.null >= t.observed - 1e-12 * max(1.0, abs(t.observed))))
        assert t.p_value == (1 + hits) / (1 + n)
        assert t.null_mean == pytest.approx(t.null.mean())
        assert t.null_std == pytest.approx(t.null.std(ddof=1))
        assert t.z_score == pytest.approx((t.observed - t.null_mean) / t.null_std)
    d = s.to_dict()
    assert list(d) == [
        "model",
        "samples",
        "seed",
        "length_bound",
        "n_swaps",
        "cycling_index",
        "cycle_volume",
    ]
    assert set(d["cycling_index"]) == {"observed", "null_mean", "null_std", "p_value", "z_score"}


def test_significance_of_an_acyclic_graph() -> None:
    """A chain has CI 0 and no cycles, and so has every rewiring: all ties, p = 1, z NaN."""
    G = nx.DiGraph()
    G.add_weighted_edges_from([("a", "b", 1.0), ("c", "d", 2.0), ("e", "f", 3.0)], "amount")
    s = significance(G, samples=20, seed=0, length_bound=3)
    assert s.cycling_index.observed == 0.0 and s.cycle_volume.observed == 0.0
    assert s.cycling_index.p_value == 1.0 and s.cycle_volume.p_value == 1.0
    assert math.isnan(s.cycling_index.z_score)


def test_nulltest_summary() -> None:
    t = NullTest.from_samples(0.5, np.array([0.1, 0.2, 0.6, 0.5]))
    assert t.p_value == (1 + 2) / (1 + 4)
    assert t.z_score == pytest.approx((0.5 - 0.35) / np.std([0.1, 0.2, 0.6, 0.5], ddof=1))
    assert NullTest.from_samples(9.0, np.array([0.0, 1.0])).p_value == 1 / 3  # the minimum
    nan = NullTest.from_samples(math.nan, np.array([0.0, 1.0]))
    assert math.isnan(nan.p_value) and math.isnan(nan.z_score)
    one = NullTest.from_samples(1.0, np.array([0.0]))
    assert math.isnan(one.null_std) and math.isnan(one.z_score)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"samples": 0}, "`samples` must be >= 1"),
        ({"model": "random"}, "`model` must be one of degree, role, strength; got 'random'"),
        ({"length_bound": 0}, "`length_bound` must be >= 1"),
    ],
)
def test_significance_bad_parameters(kwargs: dict[str, object], match: str) -> None:
    G = nx.DiGraph([("a", "b", {"amount": 1.0})])
    with pytest.raises(InvalidParameterError, match=match):
        significance(G, **kwargs)  # type: ignore[arg-type]


def test_cycle_volume_fallback_matches(ledger_graph: nx.DiGraph) -> None:
    """The networkx fallback and the cycles module give the same volume (NaN cycles skipped)."""
    for k in (2, 3, 5):
        assert _cycle_volume_fallback(ledger_graph, k) == pytest.approx(
            _cycle_volume(ledger_graph, length_bound=k)
        )
    for seed in range(5):
        H = rewire_degree_preserving(ledger_graph, seed=seed)
        assert _cycle_volume_fallback(H) == pytest.approx(_cycle_volume(H))


# ---------------------------------------------------------------------------------------------
# Sensitivity


def test_sensitivity_degenerate_ranges_give_the_point(ledger_graph: nx.DiGraph) -> None:
    """With low = high = amount on every edge, every draw is the point: p5 = p50 = p95."""
    G = copy.deepcopy(ledger_graph)
    for _, _, d in G.edges(data=True):
        d["amount_low"] = d["amount_high"] = d["amount"]
    t = sensitivity(G, samples=25, seed=0)
    assert len(t) == 2 + G.number_of_nodes()
    assert list(t.columns) == ["statistic", "node", "point", "p5", "p50", "p95"]
    ci = t[t.statistic == "cycling_index"].iloc[0]
    assert ci.point == pytest.approx(cycling_index(G).system)
    cv = t[t.statistic == "cycle_volume"].iloc[0]
    assert cv.point == pytest.approx(_cycle_volume(G))
    defined = t.dropna(subset=["point"])
    for col in ("p5", "p50", "p95"):
        np.testing.assert_allclose(defined[col], defined["point"], rtol=1e-12, atol=1e-12)
    sf = t[t.statistic == "self_funded_share"].set_index("node")["point"]
    expected = self_funded_share(G)
    np.testing.assert_allclose(sf.reindex(expected.index), expected, rtol=1e-12)


def test_sensitivity_intervals_are_ordered() -> None:
    """Wide ranges: p5 <= p50 <= p95 everywhere, and the cycle volume stays inside its range.

    a ⇄ b ⇄ c with ranges; the bottleneck of a ⇄ b is min(a→b, b→a) ∈ [1, 2].
    """
    G = nx.DiGraph()
    G.add_edge("a", "b", amount=4.0, amount_low=2.0, amount_high=8.0)
    G.add_edge("b", "a", amount=1.5, amount_low=1.0, amount_high=2.0)
    G.add_edge("b", "c", amount=3.0, amount_low=3.0, amount_high=6.0)
    G.add_edge("c", "b", amount=1.0, amount_low=0.5, amount_high=1.0)
    G.add_edge("c", "d", amount=math.nan)
    t = sensitivity(G, samples=300, seed=2)
    ok = t.dropna(subset=["p5"])
    assert (ok.p5 <= ok.p50).all() and (ok.p50 <= ok.p95).all()
    cv = t[t.statistic == "cycle_volume"].iloc[0]
    assert 1.5 <= cv.p5 < cv.p95 <= 3.0
    assert cv.point == 2.5
    assert t.equals(sensitivity(G, samples=300, seed=2))
    d = t[(t.statistic == "self_funded_share") & (t.node == "d")].iloc[0]
    assert math.isnan(d.point) and math.isnan(d.p50)  # no disclosed inflow


def test_sensitivity_missing_bounds_fall_back_to_amount() -> None:
    G = nx.DiGraph()
    G.add_edge("a", "b", amount=4.0)
    G.add_edge("b", "a", amount=1.0, amount_low=None, amount_high=float("nan"))
    t = sensitivity(G, samples=10, seed=0)
    row = t[t.statistic == "cycling_index"].iloc[0]
    assert (row.point, row.p5, row.p95) == pytest.approx((0.25, 0.25, 0.25))


def test_sensitivity_bad_parameters() -> None:
    G = nx.DiGraph([("a", "b", {"amount": 1.0, "amount_low": -1.0})])
    with pytest.raises(InvalidParameterError, match="`amount_low` must be finite and >= 0"):
        sensitivity(G, samples=2)
    with pytest.raises(InvalidParameterError, match="`samples` must be >= 1"):
        sensitivity(nx.DiGraph(), samples=0)
