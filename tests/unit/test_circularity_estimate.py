"""cycling_index_estimate (Monte Carlo) against the exact cycling_index, and the batched exact path."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy.sparse import csc_array

from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows._cycling import _inverse_diagonal, _inverse_diagonal_dense, cycling_index
from aiinfra.flows._cycling_estimate import CyclingIndexEstimate, cycling_index_estimate


def random_money_graph(n: int, d: int, seed: int) -> nx.DiGraph:
    """n nodes, d out-edges each (no self-loops), lognormal amounts; seeded."""
    rng = np.random.default_rng(seed)
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    for u in range(n):
        others = np.delete(np.arange(n), u)
        for v in rng.choice(others, size=d, replace=False).tolist():
            G.add_edge(u, v, amount=float(rng.lognormal()))
    return G


@pytest.mark.parametrize(
    ("n", "d", "seed"), [(8, 2, 1), (20, 2, 2), (30, 3, 3), (50, 2, 4), (60, 4, 5)]
)
def test_estimate_within_four_standard_errors(n: int, d: int, seed: int) -> None:
    G = random_money_graph(n, d, seed)
    exact = cycling_index(G)
    est = cycling_index_estimate(G, walks=4000, seed=seed)
    assert isinstance(est, CyclingIndexEstimate)
    assert est.std_error > 0
    assert abs(est.system - exact.system) <= 4 * est.std_error + est.truncated
    assert abs(est.system - exact.system) <= est.error_bound
    # per node: each fraction is a binomial proportion of 4000 walks
    se_node = np.sqrt(exact.per_node * (1 - exact.per_node) / 4000).to_numpy()
    err = np.abs(est.per_node.to_numpy() - exact.per_node.to_numpy())
    assert np.all(err <= 5 * se_node + 1e-12)


def test_two_node_loop_and_reproducibility() -> None:
    G = nx.DiGraph([("a", "b", {"amount": 4.0}), ("b", "a", {"amount": 1.0})])
    est = cycling_index_estimate(G, walks=20_000, seed=7)
    assert abs(est.system - 0.25) <= 4 * est.std_error
    assert est.seed == 7 and est.walks == 20_000 and est.truncated == 0.0
    again = cycling_index_estimate(G, walks=20_000, seed=7)
    assert again.to_dict() == est.to_dict()
    fresh = cycling_index_estimate(G, walks=100)
    assert isinstance(fresh.seed, int)
    assert cycling_index_estimate(G, walks=100, seed=fresh.seed).to_dict() == fresh.to_dict()


def test_exact_values_where_no_walks_are_needed() -> None:
    # a chain (no cycle), a closed loop (no money leaves), and an isolated node
    G = nx.DiGraph()
    G.add_edge("x", "y", amount=1.0)
    G.add_edge("p", "q", amount=2.0)
    G.add_edge("q", "p", amount=2.0)
    G.add_node("lonely")
    est = cycling_index_estimate(G, walks=10, seed=0)
    exact = cycling_index(G)
    assert est.system == pytest.approx(exact.system)
    assert est.per_node.drop("lonely").to_dict() == exact.per_node.drop("lonely").to_dict()
    assert np.isnan(est.per_node["lonely"])
    assert est.std_error == 0.0


def test_truncation_makes_a_lower_bound_and_is_reported() -> None:
    # a long ring with a small leak: walks need many steps to come back
    G = nx.DiGraph()
    n = 40
    for i in range(n):
        G.add_edge(i, (i + 1) % n, amount=1.0)
    est_full = cycling_index_estimate(G, walks=500, seed=3, inputs={0: 0.05}, outputs={0: 0.05})
    est_cut = cycling_index_estimate(
        G, walks=500, seed=3, max_steps=10, inputs={0: 0.05}, outputs={0: 0.05}
    )
    exact = cycling_index(G, inputs={0: 0.05}, outputs={0: 0.05}).system
    assert est_full.truncated == 0.0
    assert est_cut.truncated > 0.9  # almost nobody gets round a 40-ring in 10 steps
    assert est_cut.system <= exact
    assert abs(est_cut.system - exact) <= est_cut.error_bound
    assert abs(est_full.system - exact) <= est_full.error_bound


@pytest.mark.parametrize(
    "kwargs",
    [{"walks": 0}, {"walks": 2.5}, {"max_steps": 0}, {"seed": "x"}, {"seed": True}],
)
def test_invalid_parameters(kwargs: dict[str, object]) -> None:
    G = nx.DiGraph([("a", "b", {"amount": 1.0}), ("b", "a", {"amount": 1.0})])
    with pytest.raises(InvalidParameterError):
        cycling_index_estimate(G, **kwargs)  # type: ignore[arg-type]


def test_batched_inverse_diagonal_matches_dense() -> None:
    rng = np.random.default_rng(0)
    k = 300
    a = np.eye(k) - 0.5 * (rng.random((k, k)) < 0.02) * rng.random((k, k)) / 3
    got = _inverse_diagonal(csc_array(a), batch=7)
    assert np.allclose(got, np.diagonal(np.linalg.inv(a)), rtol=1e-10, atol=0)


def test_large_component_uses_batched_path_and_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    import aiinfra.flows._cycling as circ

    G = random_money_graph(150, 3, 11)
    dense = cycling_index(G)
    monkeypatch.setattr(circ, "_DENSE_MAX", 10)
    monkeypatch.setattr(circ, "_DENSE_BYTES", 0)  # too large for the dense LAPACK path
    batched = cycling_index(G)
    assert batched.system == pytest.approx(dense.system, rel=1e-10, abs=1e-15)
    np.testing.assert_allclose(batched.per_node, dense.per_node, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("rows", [1, 7, 512])
def test_dense_lapack_inverse_diagonal_matches_the_inverse(rows: int) -> None:
    """Row interchanges happen: a random matrix with a small diagonal pivots at most steps."""
    rng = np.random.default_rng(1)
    k = 300
    a = np.eye(k) * 0.01 + rng.standard_normal((k, k))
    got = _inverse_diagonal_dense(csc_array(a), rows=rows)
    want = np.diagonal(np.linalg.inv(a))
    # both are backward stable solves of a matrix with cond(a) ≈ 1e3: agreement to ~1e-10
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    m = np.eye(k) - 0.5 * (rng.random((k, k)) < 0.02) * rng.random((k, k)) / 3
    np.testing.assert_allclose(
        _inverse_diagonal_dense(m, rows=rows), _inverse_diagonal(csc_array(m), batch=64),
        rtol=1e-12, atol=0,
    )  # fmt: skip


def test_large_component_uses_the_dense_lapack_path_and_agrees(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import aiinfra.flows._cycling as circ

    G = random_money_graph(150, 3, 11)
    small = cycling_index(G)
    calls: list[int] = []
    real = circ._inverse_diagonal_dense
    monkeypatch.setattr(circ, "_DENSE_MAX", 10)
    monkeypatch.setattr(
        circ, "_inverse_diagonal_dense", lambda a: calls.append(a.shape[0]) or real(a)
    )
    dense = cycling_index(G)
    assert calls and max(calls) > 10  # the giant component went through LAPACK
    assert dense.system == pytest.approx(small.system, rel=1e-10, abs=1e-15)
    np.testing.assert_allclose(dense.per_node, small.per_node, rtol=1e-9, atol=1e-14)
