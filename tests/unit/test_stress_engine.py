"""Hand-computed checks of the stress engines (:mod:`aiinfra.stress._propagation`, ``_clearing``).

Every expected number is worked out in the test's docstring; the graphs have 2 to 6 companies.
"""

from __future__ import annotations

import copy
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from aiinfra.exceptions import InvalidParameterError
from aiinfra.stress._clearing import CLEARING_COLUMNS, clearing_from_graph, clearing_vector
from aiinfra.stress._propagation import STRESS_COLUMNS, propagate


def graph(*edges: tuple[str, str, float]) -> nx.DiGraph:
    g = nx.DiGraph()
    for u, v, a in edges:
        g.add_edge(u, v, amount=a, flow_ids=[f"{u}-{v}"], types=["x"], flow_layers=["cash"])
    return g


def rows(res: object) -> dict[object, dict[str, object]]:
    frame = res.to_frame()  # type: ignore[attr-defined]
    return {r["node"]: r for r in frame.to_dict(orient="records")}


# ----------------------------------------------------------------------------------------------
# propagate: rounds, pass-through, caps, once-only, unresolved, undisclosed
# ----------------------------------------------------------------------------------------------


def test_round_one_is_shortfall_times_amount() -> None:
    """a pays b 10 and c 30 and fails on 20 %: b loses 2, c loses 6; no revenue, so one round."""
    g = graph(("a", "b", 10.0), ("a", "c", 30.0))
    res = propagate(g, {"a": 0.2})
    r = rows(res)
    assert r["b"]["loss_usd"] == pytest.approx(2.0)
    assert r["c"]["loss_usd"] == pytest.approx(6.0)
    assert r["c"]["loss_round1"] == pytest.approx(6.0) and r["c"]["loss_later"] == 0.0
    assert r["b"]["round_hit"] == 1 and r["c"]["round_hit"] == 1
    assert r["a"]["shocked"] and r["a"]["cut_fraction"] == 0.2 and r["a"]["loss_usd"] == 0.0
    assert r["a"]["round_hit"] == 0
    assert res.rounds == 1 and res.total_loss == pytest.approx(8.0)
    assert list(res.to_frame()["node"]) == ["c", "b", "a"]  # by loss, descending


def test_chain_of_three_rounds() -> None:
    """a→b 10, b→c 4, b→d 6, c→e 2; shortfall a = 0.5, pass-through 0.5.

    revenue b = 10, c = 2, d unknown (NaN), e = 5.

    - round 1: b loses 0.5 × 10 = 5.
    - round 2: b cuts 0.5 × min(1, 5/10) = 0.25: c loses 0.25 × 4 = 1, d loses 0.25 × 6 = 1.5.
      d has no revenue: unresolved, it does not propagate.
    - round 3: c cuts 0.5 × min(1, 1/2) = 0.25: e loses 0.25 × 2 = 0.5.
    - e would cut 0.5 × 0.5/5 = 0.05 but has no payees: 3 rounds, total 5 + 1 + 1.5 + 0.5 = 8.
    """
    g = graph(("a", "b", 10.0), ("b", "c", 4.0), ("b", "d", 6.0), ("c", "e", 2.0))
    res = propagate(
        g, {"a": 0.5}, revenue={"b": 10.0, "c": 2.0, "d": math.nan, "e": 5.0}, pass_through=0.5
    )
    r = rows(res)
    assert r["b"]["loss_usd"] == pytest.approx(5.0) and r["b"]["cut_fraction"] == pytest.approx(
        0.25
    )
    assert r["c"]["loss_usd"] == pytest.approx(1.0) and r["c"]["round_hit"] == 2
    assert r["c"]["loss_round1"] == 0.0 and r["c"]["loss_later"] == pytest.approx(1.0)
    assert r["c"]["cut_fraction"] == pytest.approx(0.25)
    assert r["d"]["loss_usd"] == pytest.approx(1.5)
    assert r["d"]["unresolved"] and math.isnan(r["d"]["share_of_revenue"])
    assert r["d"]["cut_fraction"] == 0.0
    assert r["e"]["loss_usd"] == pytest.approx(0.5) and r["e"]["round_hit"] == 3
    assert r["e"]["share_of_revenue"] == pytest.approx(0.1)
    assert r["e"]["cut_fraction"] == pytest.approx(0.05)
    assert res.rounds == 3 and res.converged
    assert res.total_loss == pytest.approx(8.0)
    assert res.unresolved == ("d",)


def test_pass_through_scales_later_rounds_only() -> None:
    """a→b 10, b→c 10, revenue b = 20, shortfall a = 1: b loses 10, share 0.5.

    c loses pass_through × 0.5 × 10: 0 at pass-through 0, 2.5 at 0.5, 5 at 1; b's loss is 10
    whatever the pass-through.
    """
    g = graph(("a", "b", 10.0), ("b", "c", 10.0))
    for pt, expected in ((0.0, 0.0), (0.5, 2.5), (1.0, 5.0)):
        res = propagate(g, {"a": 1.0}, revenue={"b": 20.0}, pass_through=pt)
        assert res.loss("b") == pytest.approx(10.0)
        assert res.loss("c") == pytest.approx(expected)
    assert propagate(g, {"a": 1.0}, revenue={"b": 20.0}, pass_through=0.0).rounds == 1


def test_revenue_cap_min_one() -> None:
    """a→b 10, b→c 8; shortfall a = 1, revenue b = 2, pass-through 0.5.

    b loses 10 = 5 × its revenue; its cut is 0.5 × min(1, 5) = 0.5 (not 2.5), so c loses 4.
    The reported share of revenue is the uncapped 5.
    """
    g = graph(("a", "b", 10.0), ("b", "c", 8.0))
    r = rows(propagate(g, {"a": 1.0}, revenue={"b": 2.0}, pass_through=0.5))
    assert r["b"]["share_of_revenue"] == pytest.approx(5.0)
    assert r["b"]["cut_fraction"] == pytest.approx(0.5)
    assert r["c"]["loss_usd"] == pytest.approx(4.0)
    assert r["c"]["unresolved"]  # no revenue for c


def test_each_company_propagates_once() -> None:
    """a→b 10, a→c 10, c→d 10, d→b 10, b→e 10; shortfall a = 1; revenue 10 each; pass 1.

    - round 1: b and c lose 10.
    - round 2: b cuts min(1, 10/10) = 1 → e loses 10; c cuts 1 → d loses 10.
    - round 3: d cuts 1 → b loses 10 more (20 in all), but b has propagated already: e stays
      at 10 (it would be 20 if b propagated again) and there is no round 4.
    """
    g = graph(
        ("a", "b", 10.0), ("a", "c", 10.0), ("c", "d", 10.0), ("d", "b", 10.0), ("b", "e", 10.0)
    )
    rev = dict.fromkeys("abcde", 10.0)
    res = propagate(g, {"a": 1.0}, revenue=rev, pass_through=1.0)
    r = rows(res)
    assert r["b"]["loss_usd"] == pytest.approx(20.0)
    assert r["b"]["loss_round1"] == pytest.approx(10.0) and r["b"]["loss_later"] == pytest.approx(
        10.0
    )
    assert r["b"]["cut_fraction"] == pytest.approx(1.0)  # sized on its loss of 10 at round 1
    assert r["e"]["loss_usd"] == pytest.approx(10.0)
    assert r["d"]["round_hit"] == 2
    assert res.rounds == 3
    assert res.total_loss == pytest.approx(20 + 10 + 10 + 10)


def test_shocked_party_never_propagates_its_losses() -> None:
    """a ⇄ b 10 each way; shortfall a = 1, revenue 10 each, pass 1.

    Round 1: b loses 10; round 2: b cuts 1, a loses 10 — but a is shocked (it has
    propagated with its own cut of 1), so b loses nothing more. 2 rounds.
    """
    g = graph(("a", "b", 10.0), ("b", "a", 10.0))
    res = propagate(g, {"a": 1.0}, revenue={"a": 10.0, "b": 10.0}, pass_through=1.0)
    r = rows(res)
    assert r["a"]["loss_usd"] == pytest.approx(10.0) and r["a"]["shocked"]
    assert r["a"]["cut_fraction"] == 1.0 and r["a"]["round_hit"] == 2
    assert r["b"]["loss_usd"] == pytest.approx(10.0)
    assert res.rounds == 2


def test_cut_uses_loss_so_far_not_later_losses() -> None:
    """a→b 10, a→c 10, b→d 10, c→e 10, e→d 10, d→f 4; shortfall a = 1; pass 1.

    revenue b = c = e = 10, d = 40. d is first hit in round 2 (10 from b) and cuts in round 3
    by 10/40 = 0.25, so f loses 0.25 × 4 = 1 — the 10 that d loses from e in round 3 (total 20)
    does not enlarge that cut.
    """
    g = graph(
        ("a", "b", 10.0),
        ("a", "c", 10.0),
        ("b", "d", 10.0),
        ("c", "e", 10.0),
        ("e", "d", 10.0),
        ("d", "f", 4.0),
    )
    rev = {"b": 10.0, "c": 10.0, "e": 10.0, "d": 40.0}
    r = rows(propagate(g, {"a": 1.0}, revenue=rev, pass_through=1.0))
    assert r["d"]["loss_usd"] == pytest.approx(20.0)
    assert r["d"]["cut_fraction"] == pytest.approx(0.25)
    assert r["d"]["share_of_revenue"] == pytest.approx(0.5)
    assert r["f"]["loss_usd"] == pytest.approx(1.0)


def test_losses_from_several_payers_add_up_before_the_cut() -> None:
    """a→b 4 (shortfall 0.5), x→b 6 (shortfall 1): b loses 2 + 6 = 8 in round 1.

    revenue b = 16, pass 0.5: b cuts 0.5 × 8/16 = 0.25 and c (b→c 8) loses 2.
    """
    g = graph(("a", "b", 4.0), ("x", "b", 6.0), ("b", "c", 8.0))
    r = rows(propagate(g, {"a": 0.5, "x": 1.0}, revenue={"b": 16.0}, pass_through=0.5))
    assert r["b"]["loss_round1"] == pytest.approx(8.0)
    assert r["b"]["cut_fraction"] == pytest.approx(0.25)
    assert r["c"]["loss_usd"] == pytest.approx(2.0)


def test_unknown_revenue_is_unresolved_never_guessed() -> None:
    """a→b 10, b→c 10; shortfall a = 1. b's revenue missing, NaN, 0 or negative: b loses 10,
    its share is NaN, it is unresolved and c loses nothing."""
    g = graph(("a", "b", 10.0), ("b", "c", 10.0))
    for rev in (None, {}, {"b": math.nan}, {"b": 0.0}, {"b": -5.0}, {"c": 3.0}):
        res = propagate(g, {"a": 1.0}, revenue=rev, pass_through=1.0)
        r = rows(res)
        assert r["b"]["loss_usd"] == pytest.approx(10.0)
        assert r["b"]["unresolved"] and math.isnan(r["b"]["share_of_revenue"])
        assert "c" not in r
        assert res.rounds == 1


def test_revenue_for_companies_outside_the_graph_is_ignored() -> None:
    g = graph(("a", "b", 10.0))
    res = propagate(g, {"a": 1.0}, revenue={"b": 20.0, "not_in_graph": 5.0})
    assert rows(res)["b"]["share_of_revenue"] == pytest.approx(0.5)


def test_undisclosed_amount_flags_without_loss() -> None:
    """a→b undisclosed (NaN), a→c 5; shortfall a = 1: c loses 5, b loses nothing but is listed
    with ``undisclosed_inflows``; an undisclosed edge from a company that does not cut (d→e)
    flags nobody."""
    g = graph(("a", "b", math.nan), ("a", "c", 5.0), ("d", "e", math.nan))
    g.add_edge("a", "f")  # no amount attribute at all: undisclosed too
    res = propagate(g, {"a": 1.0})
    r = rows(res)
    assert r["b"]["undisclosed_inflows"] and r["b"]["loss_usd"] == 0.0 and r["b"]["round_hit"] == 0
    assert r["f"]["undisclosed_inflows"]
    assert not r["c"]["undisclosed_inflows"] and r["c"]["loss_usd"] == pytest.approx(5.0)
    assert not r["b"]["unresolved"]  # nothing to size: it lost nothing
    assert "e" not in r and "d" not in r


def test_zero_shortfall_is_no_shock() -> None:
    g = graph(("a", "b", 10.0))
    res = propagate(g, {"a": 0.0})
    assert res.to_frame().empty and res.rounds == 0 and res.total_loss == 0.0
    assert list(res.to_frame().columns) == list(STRESS_COLUMNS)


def test_shocked_party_without_payees() -> None:
    g = graph(("a", "b", 10.0))
    res = propagate(g, {"b": 1.0})
    assert res.rounds == 0 and res.total_loss == 0.0
    assert list(res.to_frame()["node"]) == ["b"]


def test_self_loop_ignored() -> None:
    g = graph(("a", "a", 10.0), ("a", "b", 1.0))
    res = propagate(g, {"a": 1.0}, revenue={"a": 1.0}, pass_through=1.0)
    assert res.loss("a") == 0.0 and res.loss("b") == pytest.approx(1.0)


def test_max_rounds_truncates() -> None:
    g = graph(("a", "b", 10.0), ("b", "c", 10.0), ("c", "d", 10.0))
    rev = dict.fromkeys("bcd", 10.0)
    full = propagate(g, {"a": 1.0}, revenue=rev, pass_through=1.0)
    assert full.rounds == 3 and full.converged and full.loss("d") == pytest.approx(10.0)
    cut = propagate(g, {"a": 1.0}, revenue=rev, pass_through=1.0, max_rounds=1)
    assert cut.rounds == 1 and not cut.converged
    assert cut.loss("c") == 0.0 and cut.loss("b") == pytest.approx(10.0)


def test_adding_a_shocked_party_can_lower_a_loss() -> None:
    """The documented timing effect of the once-only rule (not a bug).

    a→b 10, b→c 10, c→e 10, d→c 10; revenue 10 each; pass 1.

    - shortfall a = 1 only: b loses 10 (r1), c loses 10 (r2) and cuts 1, e loses 10 (r3).
    - plus d = 0.01: c is hit in round 1 (0.1) and cuts 0.01 in round 2, so e loses only 0.1.
    """
    g = graph(("a", "b", 10.0), ("b", "c", 10.0), ("c", "e", 10.0), ("d", "c", 10.0))
    rev = dict.fromkeys("abcde", 10.0)
    one = propagate(g, {"a": 1.0}, revenue=rev, pass_through=1.0)
    two = propagate(g, {"a": 1.0, "d": 0.01}, revenue=rev, pass_through=1.0)
    assert one.loss("e") == pytest.approx(10.0)
    assert two.loss("e") == pytest.approx(0.1)
    assert two.loss("c") == pytest.approx(10.1)


def test_frame_columns_and_dtypes() -> None:
    g = graph(("a", "b", 10.0))
    frame = propagate(g, {"a": 1.0}).to_frame()
    assert list(frame.columns) == list(STRESS_COLUMNS)
    assert frame["round_hit"].dtype.kind == "i"
    assert frame["loss_usd"].dtype == float
    for col in ("unresolved", "undisclosed_inflows", "shocked"):
        assert frame[col].dtype == bool


def test_inputs_not_mutated() -> None:
    g = graph(("a", "b", 10.0), ("b", "c", 4.0))
    before = copy.deepcopy(nx.to_dict_of_dicts(g))
    shortfall, rev = {"a": 0.5}, {"b": 10.0}
    propagate(g, shortfall, revenue=rev)
    assert nx.to_dict_of_dicts(g) == before
    assert shortfall == {"a": 0.5} and rev == {"b": 10.0}


def test_on_the_bundled_ledger() -> None:
    from aiinfra import load_ledger
    from aiinfra.flows import flow_graph

    g = flow_graph(load_ledger(), "2026-06-30")
    res = propagate(g, {"openai": 0.3})
    frame = res.to_frame()
    assert res.loss("oracle") == pytest.approx(0.3 * g.edges["openai", "oracle"]["amount"])
    hit = frame[frame["loss_usd"] > 0]
    assert len(hit) > 0 and hit["unresolved"].all()  # no revenue: nobody can be sized
    assert res.rounds == 1  # no revenue given: round 1 only


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"shortfall": {"a": 1.5}}, "`shortfall`.*\\[0, 1\\]"),
        ({"shortfall": {"a": -0.1}}, "`shortfall`.*\\[0, 1\\]"),
        ({"shortfall": {"a": math.nan}}, "`shortfall`.*\\[0, 1\\]"),
        ({"shortfall": {"a": "x"}}, "`shortfall` values must be numbers"),
        ({"shortfall": {"zz": 0.5}}, "`shortfall` names a company.*'zz'"),
        ({"pass_through": 1.5}, "`pass_through`.*\\[0, 1\\]"),
        ({"pass_through": -0.1}, "`pass_through`.*\\[0, 1\\]"),
        ({"pass_through": math.nan}, "`pass_through`"),
        ({"max_rounds": 0}, "`max_rounds`"),
        ({"revenue": {"b": math.inf}}, "`revenue` values must be finite"),
        ({"revenue": {"b": "lots"}}, "`revenue` values must be numbers"),
    ],
)
def test_propagate_rejects_bad_input(kwargs: dict[str, object], match: str) -> None:
    g = graph(("a", "b", 10.0))
    args: dict[str, object] = {"shortfall": {"a": 0.5}} | kwargs
    shortfall = args.pop("shortfall")
    with pytest.raises(InvalidParameterError, match=match):
        propagate(g, shortfall, **args)  # type: ignore[arg-type]


def test_propagate_rejects_bad_graphs() -> None:
    with pytest.raises(InvalidParameterError, match="`G` must be a directed"):
        propagate(nx.Graph([("a", "b")]), {"a": 1.0})
    with pytest.raises(InvalidParameterError, match="finite and >= 0"):
        propagate(graph(("a", "b", -1.0)), {"a": 1.0})
    with pytest.raises(InvalidParameterError, match="finite and >= 0"):
        propagate(graph(("a", "b", math.inf)), {"a": 1.0})


# ----------------------------------------------------------------------------------------------
# Eisenberg–Noe clearing
# ----------------------------------------------------------------------------------------------


def test_clearing_no_default() -> None:
    """0 owes 1 5, 1 owes 0 3, cash 10 each: everyone pays in full.

    equity_0 = 10 + 3 − 5 = 8, equity_1 = 10 + 5 − 3 = 12; no creditor loses.
    """
    res = clearing_vector(np.array([[0.0, 5.0], [3.0, 0.0]]), np.array([10.0, 10.0]))
    np.testing.assert_allclose(res.payments, [5.0, 3.0])
    assert not res.defaults.any() and res.converged
    np.testing.assert_allclose(res.losses, [0.0, 0.0])
    np.testing.assert_allclose(res.equity, [8.0, 12.0])


def test_clearing_three_bank_ring() -> None:
    """Ring 0 → 1 → 2 → 0 owing 10, 20, 30; cash 5 each.

    p0 = min(10, 5 + p2), p1 = min(20, 5 + p0), p2 = min(30, 5 + p1).
    Try p0 = 10: p1 = 15, p2 = 20, and 5 + 20 = 25 >= 10 confirms p0 = 10.
    So p = (10, 15, 20): banks 1 and 2 default. Creditor losses: bank 2 gets 15 of 20 (loses
    5), bank 0 gets 20 of 30 (loses 10), bank 1 is paid in full. Equity: 5 + 20 − 10 = 15,
    5 + 10 − 15 = 0, 5 + 15 − 20 = 0.
    """
    L = np.array([[0.0, 10.0, 0.0], [0.0, 0.0, 20.0], [30.0, 0.0, 0.0]])
    res = clearing_vector(L, np.full(3, 5.0))
    np.testing.assert_allclose(res.payments, [10.0, 15.0, 20.0])
    assert res.defaults.tolist() == [False, True, True]
    np.testing.assert_allclose(res.losses, [10.0, 0.0, 5.0])
    np.testing.assert_allclose(res.equity, [15.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(res.owed, [10.0, 20.0, 30.0])


def test_clearing_every_debtor_defaults() -> None:
    """0 owes 1 10 and 2 10; 1 owes 0 10 and 2 10; 2 owes nothing. Cash (4, 6, 0).

    Both debtors default: p0 = 4 + p1/2, p1 = 6 + p0/2 ⇒ p0 = 28/3, p1 = 32/3 (both < 20).
    Creditor losses: 0 gets p1/2 = 16/3 of 10 (loses 14/3), 1 gets 14/3 (loses 16/3), 2 gets
    10 of 20 (loses 10). Equity: 0, 0 and 10.
    (In a closed network with no outside creditor someone always pays in full: the greatest
    clearing vector can be scaled up until one party hits its total owed.)
    """
    L = np.array([[0.0, 10.0, 10.0], [10.0, 0.0, 10.0], [0.0, 0.0, 0.0]])
    res = clearing_vector(L, np.array([4.0, 6.0, 0.0]))
    np.testing.assert_allclose(res.payments, [28 / 3, 32 / 3, 0.0])
    assert res.defaults.tolist() == [True, True, False]
    np.testing.assert_allclose(res.losses, [14 / 3, 16 / 3, 10.0])
    np.testing.assert_allclose(res.equity, [0.0, 0.0, 10.0], atol=1e-12)


def test_clearing_greatest_vector_without_cash() -> None:
    """0 owes 1 10, 1 owes 0 5, no cash: p = min(p̄, Πᵀp) has many solutions (t, t) for
    t <= 5; the greatest is (5, 5): 1 pays in full, 0 defaults."""
    res = clearing_vector(np.array([[0.0, 10.0], [5.0, 0.0]]), np.zeros(2))
    np.testing.assert_allclose(res.payments, [5.0, 5.0])
    assert res.defaults.tolist() == [True, False]


def test_clearing_everyone_pays_when_a_closed_ring_has_no_cash() -> None:
    """A ring of equal debts with no cash clears at p̄ (the greatest of the solutions t·1)."""
    L = np.array([[0.0, 7.0, 0.0], [0.0, 0.0, 7.0], [7.0, 0.0, 0.0]])
    res = clearing_vector(L, np.zeros(3))
    np.testing.assert_allclose(res.payments, [7.0, 7.0, 7.0])
    assert not res.defaults.any()


def test_clearing_frame() -> None:
    res = clearing_vector(
        np.array([[0.0, 10.0], [0.0, 0.0]]), np.array([4.0, 1.0]), nodes=["x", "y"]
    )
    frame = res.to_frame()
    assert list(frame.columns) == list(CLEARING_COLUMNS)
    assert frame["recovery_rate"].iloc[0] == pytest.approx(0.4)
    assert math.isnan(frame["recovery_rate"].iloc[1])
    assert list(frame["node"]) == ["x", "y"]


def test_clearing_empty_network() -> None:
    res = clearing_vector(np.zeros((0, 0)), np.zeros(0))
    assert res.payments.shape == (0,) and res.converged


@pytest.mark.parametrize(
    ("L", "e", "kwargs", "match"),
    [
        (np.zeros((2, 3)), np.zeros(2), {}, "`liabilities` must be a square"),
        (np.zeros((2, 2)), np.zeros(3), {}, "`external_assets` must have shape"),
        (np.array([[0.0, -1.0], [0.0, 0.0]]), np.zeros(2), {}, "`liabilities` must be finite"),
        (np.array([[0.0, np.nan], [0.0, 0.0]]), np.zeros(2), {}, "`liabilities` must be finite"),
        (np.zeros((2, 2)), np.array([1.0, -1.0]), {}, "`external_assets` must be finite"),
        (np.eye(2), np.zeros(2), {}, "zero diagonal"),
        (np.zeros((2, 2)), np.zeros(2), {"tol": 0.0}, "`tol`"),
        (np.zeros((2, 2)), np.zeros(2), {"max_iter": 0}, "`max_iter`"),
        (np.zeros((2, 2)), np.zeros(2), {"nodes": ["a"]}, "`nodes` must have 2"),
    ],
)
def test_clearing_rejects_bad_input(
    L: np.ndarray, e: np.ndarray, kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        clearing_vector(L, e, **kwargs)  # type: ignore[arg-type]


def credit_graph() -> nx.DiGraph:
    g = nx.DiGraph()
    # loans: lender → borrower (money flows from the lender)
    g.add_edge("bank", "builder", amount=10.0, flow_layers=["credit"])
    g.add_edge("bank", "lab", amount=20.0, flow_layers=["credit"])
    g.add_edge("lab", "builder", amount=50.0, flow_layers=["cash"])  # not a liability
    g.add_edge("fund", "lab", amount=math.nan, flow_layers=["credit"])
    return g


def test_clearing_from_graph_direction() -> None:
    """Loans bank → builder 10 and bank → lab 20: the builder owes the bank 10, the lab 20.

    Cash: builder 4, lab 25, bank 0: the builder pays 4 (defaults), the lab pays 20; the bank
    loses 6. The lab → builder cash edge is not a liability; the undisclosed fund → lab loan
    is left out and listed as (lab, fund).
    """
    res = clearing_from_graph(
        credit_graph(), {"bank": 0.0, "builder": 4.0, "lab": 25.0, "fund": 1.0}
    )
    frame = res.to_frame().set_index("node")
    assert list(frame.index) == ["bank", "builder", "lab", "fund"]
    assert frame.at["builder", "owed"] == 10.0 and frame.at["lab", "owed"] == 20.0
    assert frame.at["bank", "owed"] == 0.0
    assert frame.at["builder", "paid"] == pytest.approx(4.0) and frame.at["builder", "default"]
    assert frame.at["lab", "paid"] == pytest.approx(20.0) and not frame.at["lab", "default"]
    assert frame.at["bank", "creditor_loss"] == pytest.approx(6.0)
    assert frame.at["bank", "equity"] == pytest.approx(24.0)
    assert res.undisclosed == (("lab", "fund"),)


def test_clearing_from_graph_layers_none_uses_every_edge() -> None:
    g = credit_graph()
    g.remove_edge("fund", "lab")
    res = clearing_from_graph(g, {"bank": 0.0, "builder": 100.0, "lab": 100.0}, layers=None)
    frame = res.to_frame().set_index("node")
    assert frame.at["builder", "owed"] == 60.0  # 10 to the bank + 50 to the lab


def test_clearing_from_graph_errors() -> None:
    g = credit_graph()
    with pytest.raises(InvalidParameterError, match=r"`cash` must give.*'fund'"):
        clearing_from_graph(g, {"bank": 0.0, "builder": 4.0, "lab": 25.0})
    with pytest.raises(InvalidParameterError, match=r"`cash` names a company.*'zz'"):
        clearing_from_graph(g, {"bank": 0.0, "builder": 4.0, "lab": 25.0, "fund": 1.0, "zz": 1.0})
    g.add_edge("fund", "bank", amount=3.0, flow_layers=["credit", "equity"])
    with pytest.raises(InvalidParameterError, match="mixes flow layers"):
        clearing_from_graph(g, {"bank": 0.0, "builder": 4.0, "lab": 25.0, "fund": 1.0})


def test_clearing_from_bundled_ledger_credit_layer() -> None:
    from aiinfra import load_ledger
    from aiinfra.flows import flow_graph

    g = flow_graph(load_ledger(), "2026-06-30", layers=["credit"])
    nodes = {n for e in g.edges for n in e}
    res = clearing_from_graph(g, dict.fromkeys(nodes, 0.0))
    frame = res.to_frame()
    assert res.converged and set(frame["node"]) == nodes
    # no cash anywhere and no loans back: every borrower defaults on everything
    borrowers = frame[frame["owed"] > 0]
    assert borrowers["default"].all() and (borrowers["paid"] == 0).all()
    assert isinstance(frame, pd.DataFrame)
