"""Hypothesis properties of the stress engines (:mod:`aiinfra.stress._propagation`, ``_clearing``).

Random graphs of 2 to 7 companies with amounts in {undisclosed, 0, 1 … 20}, random revenues
(some unknown) and random shortfalls:

- propagation: no shortfall → no loss; for a fixed set of shocked parties the losses grow with
  every shortfall and with the pass-through; nobody loses more than its disclosed inflows;
  relabelling the companies changes nothing; the result is deterministic.
- clearing: the result is a clearing vector, the greatest one (checked against the linear
  programme max Σp s.t. p <= p̄, p <= e + Πᵀp, Eisenberg & Noe 2001, Lemma 4), and equity >= 0.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from aiinfra.stress._clearing import clearing_vector
from aiinfra.stress._propagation import propagate

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AMOUNTS = st.one_of(st.just(math.nan), st.just(0.0), st.integers(1, 20).map(float))
REVENUES = st.one_of(st.just(math.nan), st.just(0.0), st.integers(1, 40).map(float))
FRACTIONS = st.integers(0, 8).map(lambda k: k / 8)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[nx.DiGraph, dict[str, float], dict[str, float], float]:
    n = draw(st.integers(2, 7))
    names = [f"c{k}" for k in range(n)]
    pairs = [(u, v) for u in names for v in names if u != v]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    g = nx.DiGraph()
    g.add_nodes_from(names)
    for u, v in chosen:
        g.add_edge(u, v, amount=draw(AMOUNTS))
    revenue = {c: draw(REVENUES) for c in names}
    shocked = draw(st.lists(st.sampled_from(names), unique=True, min_size=1))
    shortfall = {c: draw(st.integers(1, 8)) / 8 for c in shocked}
    pass_through = draw(FRACTIONS)
    return g, shortfall, revenue, pass_through


def losses(res: object, nodes: list[str]) -> np.ndarray:
    return np.array([res.loss(c) for c in nodes])  # type: ignore[attr-defined]


@SETTINGS
@given(scenarios())
def test_zero_shortfall_means_zero_loss(sc: tuple) -> None:
    g, shortfall, revenue, pt = sc
    res = propagate(g, dict.fromkeys(shortfall, 0.0), revenue=revenue, pass_through=pt)
    assert res.total_loss == 0.0 and res.rounds == 0 and res.to_frame().empty


@SETTINGS
@given(scenarios(), st.data())
def test_losses_grow_with_the_shortfall(sc: tuple, data: st.DataObject) -> None:
    """Same shocked parties, every shortfall at least as large ⇒ every loss at least as large."""
    g, shortfall, revenue, pt = sc
    larger = {c: min(1.0, s + data.draw(st.integers(0, 8)) / 8) for c, s in shortfall.items()}
    nodes = list(g)
    small = losses(propagate(g, shortfall, revenue=revenue, pass_through=pt), nodes)
    big = losses(propagate(g, larger, revenue=revenue, pass_through=pt), nodes)
    assert np.all(big >= small - 1e-9)


@SETTINGS
@given(scenarios(), FRACTIONS)
def test_losses_grow_with_the_pass_through(sc: tuple, extra: float) -> None:
    g, shortfall, revenue, pt = sc
    hi = min(1.0, pt + extra)
    nodes = list(g)
    lo_l = losses(propagate(g, shortfall, revenue=revenue, pass_through=pt), nodes)
    hi_l = losses(propagate(g, shortfall, revenue=revenue, pass_through=hi), nodes)
    assert np.all(hi_l >= lo_l - 1e-9)


@SETTINGS
@given(scenarios())
def test_no_company_loses_more_than_its_inflows(sc: tuple) -> None:
    g, shortfall, revenue, pt = sc
    res = propagate(g, shortfall, revenue=revenue, pass_through=pt)
    frame = res.to_frame()
    for row in frame.itertuples():
        inflow = sum(
            d["amount"]
            for u, _, d in g.in_edges(row.node, data=True)
            if not math.isnan(d["amount"])
        )
        assert row.loss_usd <= inflow + 1e-9
        assert math.isclose(row.loss_round1 + row.loss_later, row.loss_usd, abs_tol=1e-12)
        assert 0.0 <= row.cut_fraction <= 1.0
        if row.unresolved:
            assert math.isnan(row.share_of_revenue) and row.loss_usd > 0
    assert math.isclose(res.total_loss, float(frame["loss_usd"].sum()), abs_tol=1e-9)
    assert res.rounds <= g.number_of_nodes()


@SETTINGS
@given(scenarios(), st.randoms(use_true_random=False))
def test_relabelling_changes_nothing(sc: tuple, rnd: object) -> None:
    g, shortfall, revenue, pt = sc
    nodes = list(g)
    new = [f"z{k}" for k in range(len(nodes))]
    rnd.shuffle(new)  # type: ignore[attr-defined]
    mapping = dict(zip(nodes, new, strict=True))
    # relabel and also shuffle the order in which nodes and edges are stored
    h = nx.DiGraph()
    h.add_nodes_from(sorted(mapping[c] for c in nodes))
    h.add_edges_from(sorted((mapping[u], mapping[v], d) for u, v, d in g.edges(data=True)))
    a = propagate(g, shortfall, revenue=revenue, pass_through=pt)
    b = propagate(
        h,
        {mapping[c]: s for c, s in shortfall.items()},
        revenue={mapping[c]: r for c, r in revenue.items()},
        pass_through=pt,
    )
    fa = a.to_frame()
    fa["node"] = fa["node"].map(mapping)
    fa = fa.set_index("node").sort_index()
    fb = b.to_frame().set_index("node").sort_index()
    pd.testing.assert_frame_equal(fa, fb, rtol=1e-12)
    assert a.rounds == b.rounds


@SETTINGS
@given(scenarios())
def test_deterministic(sc: tuple) -> None:
    g, shortfall, revenue, pt = sc
    a = propagate(g, shortfall, revenue=revenue, pass_through=pt)
    b = propagate(g.copy(), dict(shortfall), revenue=dict(revenue), pass_through=pt)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame(), check_exact=True)
    assert (a.rounds, a.total_loss, a.converged) == (b.rounds, b.total_loss, b.converged)


# ----------------------------------------------------------------------------------------------
# Eisenberg–Noe
# ----------------------------------------------------------------------------------------------


@st.composite
def networks(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 6))
    cells = st.one_of(st.just(0.0), st.integers(1, 30).map(float))
    L = np.array([[draw(cells) if i != j else 0.0 for j in range(n)] for i in range(n)])
    e = np.array([draw(st.one_of(st.just(0.0), st.integers(1, 30).map(float))) for _ in range(n)])
    return L, e


@SETTINGS
@given(networks())
def test_clearing_is_the_greatest_clearing_vector(net: tuple[np.ndarray, np.ndarray]) -> None:
    L, e = net
    res = clearing_vector(L, e)
    assert res.converged
    owed = L.sum(axis=1)
    pi = np.divide(L, owed[:, None], out=np.zeros_like(L), where=owed[:, None] > 0)
    p = res.payments
    tol = 1e-9 * max(1.0, owed.max(initial=0.0))
    # a fixed point of Φ, within bounds
    np.testing.assert_allclose(p, np.minimum(owed, e + pi.T @ p), atol=tol)
    assert np.all(p >= -tol) and np.all(p <= owed + tol)
    assert np.all(res.equity >= -tol)
    # the greatest: the linear programme max Σp, p <= p̄, (I − Πᵀ) p <= e, p >= 0
    n = len(e)
    if n:
        lp = linprog(
            -np.ones(n),
            A_ub=np.eye(n) - pi.T,
            b_ub=e,
            bounds=list(zip(np.zeros(n), owed, strict=True)),
            method="highs",
        )
        assert lp.status == 0
        np.testing.assert_allclose(p, lp.x, atol=1e-7 * max(1.0, owed.max()))
    # accounting: creditor losses sum to the shortfall of payments
    np.testing.assert_allclose(res.losses.sum(), (owed - p).sum(), atol=tol)
    assert res.defaults.tolist() == (owed - p > 1e-9 * np.maximum(1.0, owed)).tolist()


@SETTINGS
@given(networks(), st.integers(0, 20).map(float))
def test_clearing_payments_grow_with_cash(net: tuple[np.ndarray, np.ndarray], extra: float) -> None:
    L, e = net
    a = clearing_vector(L, e)
    b = clearing_vector(L, e + extra)
    assert np.all(b.payments >= a.payments - 1e-9)
