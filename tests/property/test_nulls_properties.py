"""Hypothesis properties of the null models and the circularity measures.

For random simple digraphs (2-10 companies in three layers, integer amounts, some undisclosed):
each null model keeps exactly what its docstring promises; the cycling index and the
self-funded shares lie in [0, 1], ignore how nodes are labelled and ordered, and agree with
their per-company detail; significance p-values stay in [1/(N+1), 1].
"""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiinfra.flows._cycling import cycling_index
from aiinfra.flows._rewire import (
    rewire_degree_preserving,
    rewire_role_preserving,
    rewire_strength_preserving,
)
from aiinfra.flows._self_funding import self_funded_detail, self_funded_share
from aiinfra.flows._significance import significance

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LAYERS = ("lab", "cloud", "chips")


@st.composite
def flow_graphs(draw: st.DrawFn, min_n: int = 2, max_n: int = 10) -> nx.DiGraph:
    """Each ordered pair is an edge with a drawn density; about 1 amount in 8 is undisclosed."""
    n = draw(st.integers(min_n, max_n))
    pairs = [(u, v) for u in range(n) for v in range(n) if u != v]
    density = draw(st.sampled_from([0.15, 0.35, 0.6]))
    keep = draw(st.lists(st.floats(0, 1), min_size=len(pairs), max_size=len(pairs)))
    G = nx.DiGraph()
    for i in range(n):
        G.add_node(f"c{i}", layer=draw(st.sampled_from(LAYERS)))
    for (u, v), x in zip(pairs, keep, strict=True):
        if x < density:
            amount = draw(st.integers(0, 100).map(lambda a: math.nan if a % 8 == 0 else float(a)))
            G.add_edge(f"c{u}", f"c{v}", amount=amount, flow_ids=[f"f{u}-{v}"])
    return G


def out_strength(G: nx.DiGraph) -> dict[str, float]:
    return {
        v: sum(0.0 if math.isnan(a) else a for *_, a in G.out_edges(v, data="amount")) for v in G
    }


def in_strength(G: nx.DiGraph) -> dict[str, float]:
    return {
        v: sum(0.0 if math.isnan(a) else a for *_, a in G.in_edges(v, data="amount")) for v in G
    }


def simple(H: nx.DiGraph, G: nx.DiGraph) -> bool:
    return nx.number_of_selfloops(H) == 0 and H.number_of_edges() == G.number_of_edges()


@SETTINGS
@given(G=flow_graphs(), seed=st.integers(0, 2**32 - 1))
def test_degree_model_keeps_degrees_and_out_strength(G: nx.DiGraph, seed: int) -> None:
    H = rewire_degree_preserving(G, seed=seed)
    assert simple(H, G)
    assert dict(H.in_degree()) == dict(G.in_degree())
    assert dict(H.out_degree()) == dict(G.out_degree())
    assert out_strength(H) == out_strength(G)  # exact: amounts travel with their source
    assert Counter(d["flow_ids"][0] for *_, d in H.edges(data=True)) == Counter(
        d["flow_ids"][0] for *_, d in G.edges(data=True)
    )
    assert list(rewire_degree_preserving(G, seed=seed).edges()) == list(H.edges())


@SETTINGS
@given(G=flow_graphs(), seed=st.integers(0, 2**32 - 1))
def test_role_model_keeps_layer_pairs(G: nx.DiGraph, seed: int) -> None:
    H = rewire_role_preserving(G, seed=seed)
    assert simple(H, G)
    assert dict(H.in_degree()) == dict(G.in_degree())
    assert dict(H.out_degree()) == dict(G.out_degree())
    assert out_strength(H) == out_strength(G)
    for v in G:
        for nbrs in ("succ", "pred"):
            before = Counter(G.nodes[w]["layer"] for w in getattr(G, nbrs)[v])
            after = Counter(H.nodes[w]["layer"] for w in getattr(H, nbrs)[v])
            assert before == after


@SETTINGS
@given(G=flow_graphs(), seed=st.integers(0, 2**32 - 1))
def test_strength_model_keeps_out_and_reports_in_error(G: nx.DiGraph, seed: int) -> None:
    H = rewire_strength_preserving(G, seed=seed)
    assert simple(H, G)
    assert dict(H.in_degree()) == dict(G.in_degree())
    assert dict(H.out_degree()) == dict(G.out_degree())
    out_h, out_g = out_strength(H), out_strength(G)
    assert all(math.isclose(out_h[v], out_g[v], rel_tol=1e-9, abs_tol=1e-9) for v in G)
    in_h, in_g = in_strength(H), in_strength(G)
    total = sum(in_g.values())
    measured = sum(abs(in_h[v] - in_g[v]) for v in G) / total if total else 0.0
    assert math.isclose(H.graph["strength_error"], measured, abs_tol=1e-9)
    assert 0.0 <= H.graph["strength_error"] <= 2.0


def relabel(G: nx.DiGraph, perm: list[int]) -> tuple[nx.DiGraph, dict[str, str]]:
    nodes = list(G)
    mapping = {nodes[i]: f"x{perm[i]:02d}" for i in range(len(nodes))}
    H = nx.DiGraph()
    H.add_nodes_from(mapping[v] for v in sorted(G, key=lambda v: mapping[v], reverse=True))
    edges = list(G.edges(data=True))
    H.add_edges_from((mapping[u], mapping[v], dict(d)) for u, v, d in edges[::-1])
    return H, mapping


@SETTINGS
@given(G=flow_graphs(), data=st.data())
def test_cycling_is_bounded_and_label_free(G: nx.DiGraph, data: st.DataObject) -> None:
    ci = cycling_index(G)
    rho = ci.per_node.dropna()
    assert ((rho >= 0) & (rho <= 1)).all()
    assert math.isnan(ci.system) or 0.0 <= ci.system <= 1.0 + 1e-12
    sf = self_funded_share(G)
    assert ((sf.dropna() >= 0) & (sf.dropna() <= 1)).all()

    perm = data.draw(st.permutations(range(len(G))))
    H, mapping = relabel(G, list(perm))
    ci_h = cycling_index(H)
    if math.isnan(ci.system):
        assert math.isnan(ci_h.system)
    else:
        assert math.isclose(ci_h.system, ci.system, rel_tol=1e-9, abs_tol=1e-12)
    back = ci_h.per_node.rename(index={v: k for k, v in mapping.items()}).reindex(ci.per_node.index)
    np.testing.assert_allclose(back, ci.per_node, rtol=1e-9, atol=1e-12)
    sf_h = self_funded_share(H).rename(index={v: k for k, v in mapping.items()})
    np.testing.assert_allclose(sf_h.reindex(sf.index), sf, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(G=flow_graphs(max_n=7))
def test_detail_agrees_with_share(G: nx.DiGraph) -> None:
    sf = self_funded_share(G)
    for v in G:
        d = self_funded_detail(G, v)
        if math.isnan(sf[v]):
            assert math.isnan(d.share)
        else:
            assert math.isclose(d.share, sf[v], rel_tol=1e-7, abs_tol=1e-9)
            assert d.direct >= 0 and d.via_intermediaries >= -1e-12


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    G=flow_graphs(min_n=3, max_n=8),
    samples=st.integers(1, 15),
    model=st.sampled_from(["degree", "role", "strength"]),
    seed=st.integers(0, 1000),
)
def test_significance_p_values_are_bounded(
    G: nx.DiGraph, samples: int, model: str, seed: int
) -> None:
    s = significance(G, samples=samples, seed=seed, model=model, length_bound=4)  # type: ignore[arg-type]
    for t in (s.cycling_index, s.cycle_volume):
        if math.isnan(t.observed):
            assert math.isnan(t.p_value)
        else:
            assert 1 / (samples + 1) - 1e-15 <= t.p_value <= 1.0
    again = significance(G, samples=samples, seed=seed, model=model, length_bound=4)  # type: ignore[arg-type]
    np.testing.assert_array_equal(again.cycle_volume.null, s.cycle_volume.null)
