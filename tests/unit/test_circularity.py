"""Finn's cycling index, the self-funded share, hubs and dependence (flows/_cycling, _self_funding, _dependence).

Hand cases first (each derived in its docstring), then the published oyster-reef model as printed
by enaR, then edge cases, error paths, invariances and the bundled ledger.
"""

from __future__ import annotations

import copy
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from aiinfra import load_ledger
from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows._cycling import CyclingIndex, cycling_index
from aiinfra.flows._dependence import hub_metrics, inflow_dependence
from aiinfra.flows._graph import flow_graph
from aiinfra.flows._self_funding import self_funded_detail, self_funded_share
from tests._tol import prod_tol

#: the hand cases solve a 2- or 3-node system (I − G)x = b by LU: each result is off by at most
#: about κ·n·u relative (Higham, Thm 9.4) with κ ≤ 12 for these matrices; prod_tol(n) holds the
#: n·u part (with its safety factor), 16 the condition number
HAND = 16 * prod_tol(3)


def graph(*edges: tuple[str, str, float]) -> nx.DiGraph:
    G = nx.DiGraph()
    for u, v, a in edges:
        G.add_edge(u, v, amount=a, flow_ids=[f"{u}>{v}"])
    return G


@pytest.fixture(scope="module")
def ledger_graph() -> nx.DiGraph:
    return flow_graph(load_ledger(), "2026-06-30")


# ---------------------------------------------------------------------------------------------
# Hand cases


def test_chain_has_no_cycling() -> None:
    """a → b → c: nothing comes back, n_ii = 1 for every node, CI = 0.

    T = (1, 1, 1) (a's input and c's output inferred), TST = 3, TST_c = 0.
    """
    ci = cycling_index(graph(("a", "b", 1.0), ("b", "c", 1.0)))
    assert ci.system == 0.0
    assert ci.per_node.to_dict() == {"a": 0.0, "b": 0.0, "c": 0.0}
    assert ci.throughflow.to_dict() == {"a": 1.0, "b": 1.0, "c": 1.0}
    assert (ci.tst, ci.tst_cycled) == (3.0, 0.0)
    sf = self_funded_share(graph(("a", "b", 1.0), ("b", "c", 1.0)))
    assert math.isnan(sf["a"]) and sf["b"] == 0.0 and sf["c"] == 0.0


def test_two_node_loop_with_known_external_inflow() -> None:
    """a ⇄ b with 3 entering a from outside: a → b = 4, b → a = 1, b sends 3 out.

    Steady state: T_a = 3 + 1 = 4, T_b = 4. Output-oriented G: g_ab = 4/4 = 1, g_ba = 1/4.
    N = (I - G)^-1 = 1/(1 - 1/4) · [[1, 1], [1/4, 1]], so n_aa = n_bb = 4/3 and
    (n_ii - 1)/n_ii = 1/4 for both. TST = 8, TST_c = 1/4·4 + 1/4·4 = 2, CI = 2/8 = 0.25.
    The inferred boundary gives exactly z_a = max(0, 4 - 1) = 3 and y_b = 3.

    Self-funded: a's inflow (1, from b) is entirely a's own money (b is funded only by a):
    share 1/4·4/1 = 1. b's inflow is 4, of which 1/4·4 = 1 is b's dollar gone round a: 0.25.
    """
    G = graph(("a", "b", 4.0), ("b", "a", 1.0))
    ci = cycling_index(G)
    assert ci.system == pytest.approx(0.25, abs=HAND)
    assert ci.per_node.to_dict() == pytest.approx({"a": 0.25, "b": 0.25}, abs=HAND)
    assert ci.throughflow.to_dict() == {"a": 4.0, "b": 4.0}
    # the same with the boundary given explicitly
    explicit = cycling_index(G, inputs={"a": 3.0}, outputs={"b": 3.0})
    assert explicit.system == pytest.approx(0.25, abs=HAND)
    assert self_funded_share(G).to_dict() == pytest.approx({"a": 1.0, "b": 0.25}, abs=HAND)
    d = self_funded_detail(G, "b")
    assert (d.direct, d.via_intermediaries) == pytest.approx((1.0, 0.0), abs=HAND)
    assert (d.share_direct, d.share_via_intermediaries) == pytest.approx((0.25, 0.0), abs=HAND)


def test_three_node_ring_returns_through_intermediaries() -> None:
    """a → b → c → a, 1 entering a, c passing half on to a and sending half out.

    Steady state with p = 1/2: T_a = 1 + p·T_c and T_a = T_b = T_c, so T = 1/(1 - p) = 2:
    flows a → b = 2, b → c = 2, c → a = 1. Every node's return probability is p = 1/2, so
    CI = p = 0.5. Self-funded: a receives 1, all of it its own: 1/2·2/1 = 1; b and c receive
    2, half their own: 0.5. Nothing comes back directly (no reciprocal edge).
    """
    G = graph(("a", "b", 2.0), ("b", "c", 2.0), ("c", "a", 1.0))
    ci = cycling_index(G)
    assert ci.system == pytest.approx(0.5, abs=HAND)
    assert ci.per_node.tolist() == pytest.approx([0.5, 0.5, 0.5], abs=HAND)
    assert self_funded_share(G).to_dict() == pytest.approx({"a": 1.0, "b": 0.5, "c": 0.5})
    d = self_funded_detail(G, "a")
    assert d.direct == 0.0
    assert d.via_intermediaries == pytest.approx(1.0)
    assert d.by_counterparty.loc["b", "return_probability"] == pytest.approx(0.5)


def test_closed_loop_cycles_everything() -> None:
    """a ⇄ b, 1 each way: nothing enters or leaves, n_ii = ∞, CI = 1 (Finn's limit)."""
    ci = cycling_index(graph(("a", "b", 1.0), ("b", "a", 1.0)))
    assert ci.system == 1.0
    assert ci.per_node.tolist() == [1.0, 1.0]
    assert self_funded_share(graph(("a", "b", 1.0), ("b", "a", 1.0))).tolist() == [1.0, 1.0]


def test_self_loop_recycles() -> None:
    """a pays itself 1 and b 1; 1 enters a: T_a = 2, g_aa = 1/2, so a's cycling is 1/2.

    T_b = 1, TST = 3, TST_c = 1/2·2 = 1, CI = 1/3.
    """
    G = graph(("a", "a", 1.0), ("a", "b", 1.0))
    ci = cycling_index(G)
    assert ci.per_node.to_dict() == pytest.approx({"a": 0.5, "b": 0.0})
    assert ci.system == pytest.approx(1 / 3)
    assert self_funded_detail(G, "a").direct == pytest.approx(1.0)


def test_mixed_reciprocal_and_indirect_returns() -> None:
    """The example of self_funded_detail: a → b 4, b → a 1, b → c 3, c → a 3 is closed.

    All of a's outflow (4, to b) comes back: 1 straight from b (g_ba = 1/4 of b's 4) and 3
    through c; share of a's inflow (4): 1.
    """
    G = graph(("a", "b", 4.0), ("b", "a", 1.0), ("b", "c", 3.0), ("c", "a", 3.0))
    d = self_funded_detail(G, "a")
    assert (d.direct, d.via_intermediaries, d.returned) == pytest.approx((1.0, 3.0, 4.0))
    assert (d.share, d.share_direct, d.share_via_intermediaries) == pytest.approx((1.0, 0.25, 0.75))
    row = d.by_counterparty.loc["b"]
    assert (row.paid, row.return_probability) == pytest.approx((4.0, 1.0))


# ---------------------------------------------------------------------------------------------
# Published reference: the oyster reef model (Dame and Patten 1981) in enaR


OYSTER_FLOWS = [
    # row-to-column flows, kcal m^-2 d^-1, from the enaR vignette (Lau & Borrett), unpack(oyster)
    ("filter_feeders", "predators", 0.5135),
    ("filter_feeders", "deposited_detritus", 15.7910),
    ("microbiota", "meiofauna", 1.2060),
    ("microbiota", "deposit_feeders", 1.2060),
    ("meiofauna", "deposit_feeders", 0.6609),
    ("meiofauna", "deposited_detritus", 4.2403),
    ("deposit_feeders", "predators", 0.1721),
    ("deposit_feeders", "deposited_detritus", 1.9076),
    ("predators", "deposited_detritus", 0.3262),
    ("deposited_detritus", "microbiota", 8.1721),
    ("deposited_detritus", "meiofauna", 7.2745),
    ("deposited_detritus", "deposit_feeders", 0.6431),
]
OYSTER_INPUTS = {"filter_feeders": 41.47}
OYSTER_RESPIRATION = {
    "filter_feeders": 25.1650,
    "microbiota": 5.7600,
    "meiofauna": 3.5794,
    "deposit_feeders": 0.4303,
    "predators": 0.3594,
    "deposited_detritus": 6.1759,
}


def test_oyster_reef_matches_enar() -> None:
    """The oyster reef model of Dame and Patten (1981), as distributed with enaR.

    Published output of ``enaFlow(oyster)$ns`` in the enaR vignette (M. K. Lau and S. R.
    Borrett, "enaR: Ecosystem Network Analysis with R", github.com/SEELab/enaR,
    vignettes/enaR-vignette.tex): Boundary 41.47, TST 83.5833, FCI 0.1101686; and the
    diagonal of the input-oriented integral matrix N' (same diagonal as N): 1, 1.1018630,
    1.2971032, 1.1240688, 1.0051064, 1.3885039. enaR's throughflow is inflow + input, which is
    ours when only the inputs are given (every compartment there takes in at least what it
    passes on).
    """
    G = graph(*OYSTER_FLOWS)
    ci = cycling_index(G, inputs=OYSTER_INPUTS)
    assert ci.tst == pytest.approx(83.5833, abs=5e-5)
    assert ci.system == pytest.approx(0.1101686, abs=5e-8)
    n_ii = 1.0 / (1.0 - ci.per_node)
    published = {
        "filter_feeders": 1.0,
        "microbiota": 1.1018630,
        "meiofauna": 1.2971032,
        "deposit_feeders": 1.1240688,
        "predators": 1.0051064,
        "deposited_detritus": 1.3885039,
    }
    for node, value in published.items():
        assert n_ii[node] == pytest.approx(value, abs=5e-8), node
    # with the respiration given too, the throughflow is max(in + z, out + y): the model is
    # balanced to the published 4 decimals, so the index moves by less than 1e-5
    both = cycling_index(G, inputs=OYSTER_INPUTS, outputs=OYSTER_RESPIRATION)
    assert both.system == pytest.approx(0.1101686, abs=1e-5)


# ---------------------------------------------------------------------------------------------
# Edge cases


def test_undisclosed_amounts_count_zero() -> None:
    """A NaN return edge carries nothing: same result as without it (CI 0)."""
    with_nan = graph(("a", "b", 4.0), ("b", "a", math.nan))
    assert cycling_index(with_nan).system == 0.0
    assert cycling_index(with_nan).per_node.to_dict() == {"a": 0.0, "b": 0.0}
    none_amount = nx.DiGraph([("a", "b", {"amount": 4.0}), ("b", "a", {"amount": None})])
    assert cycling_index(none_amount).system == 0.0
    missing = nx.DiGraph([("a", "b", {"amount": 4.0}), ("b", "a", {})])
    assert cycling_index(missing).system == 0.0


def test_node_without_throughflow_is_nan() -> None:
    G = graph(("a", "b", 1.0), ("c", "d", math.nan))
    G.add_node("e")
    ci = cycling_index(G)
    assert ci.per_node[["c", "d", "e"]].isna().all()
    assert ci.per_node[["a", "b"]].tolist() == [0.0, 0.0]
    assert self_funded_share(G)[["c", "d", "e"]].isna().all()


@pytest.mark.parametrize(
    "G",
    [nx.DiGraph(), nx.DiGraph([("a", "b", {"amount": math.nan})])],
    ids=["empty", "nothing-disclosed"],
)
def test_no_money_gives_nan(G: nx.DiGraph) -> None:
    ci = cycling_index(G)
    assert math.isnan(ci.system)
    assert ci.tst == 0.0
    assert ci.to_dict()["tst_cycled"] == 0.0


def test_unit_weights() -> None:
    """weight=None: every edge counts 1, so a ⇄ b is a closed loop."""
    G = nx.DiGraph([("a", "b"), ("b", "a")])
    assert cycling_index(G, weight=None).system == 1.0


def test_to_dict_is_plain() -> None:
    d = cycling_index(graph(("a", "b", 4.0), ("b", "a", 1.0))).to_dict()
    assert set(d) == {"system", "tst", "tst_cycled", "per_node", "throughflow"}
    assert d["per_node"] == pytest.approx({"a": 0.25, "b": 0.25})
    assert isinstance(d["system"], float)


def test_result_type() -> None:
    assert isinstance(cycling_index(graph(("a", "b", 1.0))), CyclingIndex)


# ---------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize(
    ("G", "match"),
    [
        (nx.Graph([("a", "b")]), "directed"),
        (nx.MultiDiGraph([("a", "b"), ("a", "b")]), "multigraph"),
        ("not a graph", "directed"),
        (nx.DiGraph([("a", "b", {"amount": -1.0})]), "must be finite and >= 0"),
        (nx.DiGraph([("a", "b", {"amount": math.inf})]), "must be finite and >= 0"),
    ],
)
def test_bad_graphs_raise(G: object, match: str) -> None:
    for fn in (cycling_index, self_funded_share, hub_metrics):
        with pytest.raises(InvalidParameterError, match=match):
            fn(G)  # type: ignore[operator]


def test_bad_boundary_raises() -> None:
    G = graph(("a", "b", 1.0))
    with pytest.raises(InvalidParameterError, match="`inputs` names 'zz'"):
        cycling_index(G, inputs={"zz": 1.0})
    with pytest.raises(InvalidParameterError, match="`outputs` must be finite and >= 0"):
        cycling_index(G, outputs={"a": -2.0})


def test_unknown_node_raises() -> None:
    G = graph(("a", "b", 1.0))
    with pytest.raises(InvalidParameterError, match="`node` 'zz' is not a node"):
        self_funded_detail(G, "zz")
    with pytest.raises(InvalidParameterError, match="`node` 'zz' is not a node"):
        inflow_dependence(G, "zz")


# ---------------------------------------------------------------------------------------------
# Invariances


def _relabelled(G: nx.DiGraph) -> tuple[nx.DiGraph, dict[str, str]]:
    """New labels whose sorted order is reversed, nodes and edges inserted in reverse."""
    mapping = {v: f"z{len(G) - i:03d}" for i, v in enumerate(G)}
    H = nx.DiGraph()
    H.add_nodes_from((mapping[v], d) for v, d in reversed(list(G.nodes(data=True))))
    H.add_edges_from(
        (mapping[u], mapping[v], copy.deepcopy(d)) for u, v, d in reversed(list(G.edges(data=True)))
    )
    return H, mapping


def test_relabelling_changes_nothing(ledger_graph: nx.DiGraph) -> None:
    H, mapping = _relabelled(ledger_graph)
    a, b = cycling_index(ledger_graph), cycling_index(H)
    assert b.system == pytest.approx(a.system, rel=1e-12)
    back = b.per_node.rename(index={v: k for k, v in mapping.items()})
    pd.testing.assert_series_equal(back.reindex(a.per_node.index), a.per_node, rtol=1e-10)
    sf_a, sf_b = self_funded_share(ledger_graph), self_funded_share(H)
    back_sf = sf_b.rename(index={v: k for k, v in mapping.items()}).reindex(sf_a.index)
    pd.testing.assert_series_equal(back_sf, sf_a, rtol=1e-10)
    hubs_a, hubs_b = hub_metrics(ledger_graph), hub_metrics(H)
    cols = ["in_strength", "out_strength", "pagerank", "betweenness", "hhi", "largest_share"]
    back_h = hubs_b.rename(index={v: k for k, v in mapping.items()}).reindex(hubs_a.index)
    pd.testing.assert_frame_equal(back_h[cols], hubs_a[cols], rtol=1e-6)


def test_inputs_not_mutated(ledger_graph: nx.DiGraph) -> None:
    before = nx.node_link_data(ledger_graph, edges="edges")
    snapshot = copy.deepcopy(before)
    cycling_index(ledger_graph)
    self_funded_share(ledger_graph)
    self_funded_detail(ledger_graph, "openai")
    hub_metrics(ledger_graph)
    inflow_dependence(ledger_graph, "oracle")
    after = nx.node_link_data(ledger_graph, edges="edges")
    assert repr(after) == repr(snapshot)


# ---------------------------------------------------------------------------------------------
# The bundled ledger


def test_ledger_graph_bounds_and_detail_consistency(ledger_graph: nx.DiGraph) -> None:
    ci = cycling_index(ledger_graph)
    assert 0.0 < ci.system < 1.0
    rho = ci.per_node.dropna()
    assert ((rho >= 0) & (rho <= 1)).all()
    assert ci.tst_cycled == pytest.approx(float((ci.per_node * ci.throughflow).sum()))
    sf = self_funded_share(ledger_graph)
    assert ((sf.dropna() >= 0) & (sf.dropna() <= 1)).all()
    for node in ledger_graph:
        d = self_funded_detail(ledger_graph, node)
        if math.isnan(sf[node]):
            assert math.isnan(d.share)
            continue
        assert d.share == pytest.approx(sf[node], abs=1e-9), node
        assert d.returned == pytest.approx(d.direct + d.via_intermediaries)
        assert d.direct >= 0 and d.via_intermediaries >= 0
        assert d.by_counterparty["paid"].sum() == pytest.approx(d.outflow)


def test_ledger_graph_has_self_funding_at_the_labs(ledger_graph: nx.DiGraph) -> None:
    """Money OpenAI pays out comes back to it (e.g. via Microsoft and Nvidia investments)."""
    sf = self_funded_share(ledger_graph)
    assert sf["openai"] > 0.0
    assert sf.dropna().idxmax() in {"openai", "anthropic"}


# ---------------------------------------------------------------------------------------------
# Hubs and dependence


def test_hub_metrics_hand_case() -> None:
    """lab → cloud 30, fund → cloud 10, cloud → chips 20.

    cloud: in 40 from two payers, shares 3/4 and 1/4: largest 'lab' (0.75), HHI 9/16 + 1/16.
    """
    G = graph(("lab", "cloud", 30.0), ("fund", "cloud", 10.0), ("cloud", "chips", 20.0))
    h = hub_metrics(G)
    assert list(h.columns) == [
        "in_strength",
        "out_strength",
        "in_degree",
        "out_degree",
        "pagerank",
        "betweenness",
        "largest_counterparty",
        "largest_share",
        "hhi",
    ]
    cloud = h.loc["cloud"]
    assert (cloud.in_strength, cloud.out_strength) == (40.0, 20.0)
    assert (cloud.in_degree, cloud.out_degree) == (2, 1)
    assert cloud.largest_counterparty == "lab"
    assert cloud.largest_share == pytest.approx(0.75)
    assert cloud.hhi == pytest.approx(0.625)
    assert math.isnan(h.loc["lab", "hhi"]) and math.isnan(h.loc["lab", "largest_share"])
    assert h.loc["chips", "hhi"] == 1.0
    expected = nx.pagerank(G, weight="amount")
    assert h["pagerank"].to_dict() == pytest.approx(expected, abs=1e-9)
    assert h["pagerank"].sum() == pytest.approx(1.0)


def test_betweenness_uses_inverse_amounts() -> None:
    """s → h → t with 10 each, and s → t with 1: by distance 1/amount the route through h is
    shorter (0.2 < 1), so h lies on the only shortest s–t path; by hops it would not."""
    G = graph(("s", "h", 10.0), ("h", "t", 10.0), ("s", "t", 1.0))
    h = hub_metrics(G)
    assert h.loc["h", "betweenness"] == pytest.approx(0.5)  # 1 pair of (3-1)(3-2) = 2
    assert nx.betweenness_centrality(G)["h"] == 0.0
    # an undisclosed edge is not a link at all
    G.add_edge("s", "x", amount=math.nan)
    G.add_edge("x", "t", amount=math.nan)
    assert hub_metrics(G).loc["x", "betweenness"] == 0.0


def test_largest_counterparty_ties_are_stable() -> None:
    G = graph(("b", "c", 5.0), ("a", "c", 5.0))
    assert hub_metrics(G).loc["c", "largest_counterparty"] == "a"


def test_inflow_dependence() -> None:
    G = graph(("openai", "oracle", 300.0), ("meta", "oracle", 100.0), ("xai", "oracle", math.nan))
    t = inflow_dependence(G, "oracle")
    assert list(t.index) == ["openai", "meta", "xai"]
    assert t["share"].iloc[:2].tolist() == [0.75, 0.25]
    assert t["cumulative_share"].iloc[:2].tolist() == [0.75, 1.0]
    assert math.isnan(t.loc["xai", "share"])
    assert t.loc["openai", "flow_ids"] == ["openai>oracle"]
    assert inflow_dependence(G, "openai").empty
    assert list(inflow_dependence(G, "openai").columns) == [
        "amount",
        "share",
        "cumulative_share",
        "flow_ids",
    ]


def test_hub_metrics_on_ledger(ledger_graph: nx.DiGraph) -> None:
    h = hub_metrics(ledger_graph)
    assert len(h) == ledger_graph.number_of_nodes()
    assert h["pagerank"].sum() == pytest.approx(1.0)
    assert (h["in_degree"].sum(), h["out_degree"].sum()) == (
        ledger_graph.number_of_edges(),
        ledger_graph.number_of_edges(),
    )
    hhi = h["hhi"].dropna()
    assert ((hhi > 0) & (hhi <= 1 + 1e-12)).all()
    for node in ["oracle", "coreweave", "amd"]:
        t = inflow_dependence(ledger_graph, node)
        assert t["share"].sum() == pytest.approx(1.0)
        assert t.index[0] == h.loc[node, "largest_counterparty"]
        assert t["share"].iloc[0] == pytest.approx(h.loc[node, "largest_share"])
        assert (np.asarray(t["share"].dropna() ** 2).sum()) == pytest.approx(h.loc[node, "hhi"])
