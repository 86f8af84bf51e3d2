"""The horizon Monte Carlo of the stress test: terms drawn from the ledger's stated terms by type,
on hand-computable graphs and on the bundled ledger."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import aiinfra
from aiinfra.app import app
from aiinfra.exceptions import InvalidParameterError
from aiinfra.ledger import load_ledger
from aiinfra.stress import TermDistribution, horizon_monte_carlo, term_distribution

SCENARIO = {"shocks": [{"party": "openai", "shortfall": 0.5}], "as_of": "2026-11-01"}


def _chain(raw_ab: float, raw_bc: float, default: float) -> nx.DiGraph:
    """A pays B (one deal without a term) and B pays C (one deal with a stated 4-year term:
    no ``assumed_terms``), annualised as the flow graph does it."""
    g = nx.DiGraph()
    g.add_edge("a", "b", amount=raw_ab / default, assumed_terms=[("f1", "lease", raw_ab)])
    g.add_edge("b", "c", amount=raw_bc / 4, assumed_terms=[])
    return g


def _run(g: nx.DiGraph, dist: TermDistribution, draws: int = 50, seed: int = 0, **kw: object):
    args: dict[str, object] = dict(
        distribution=dist,
        default_horizon=5.0,
        pass_through=1.0,
        max_rounds=10,
        elasticity=1.0,
        listed={"b": True, "c": True},
        weights={"b": 0.5, "c": 0.5},
        draws=draws,
        seed=seed,
    )
    args.update(kw)
    return horizon_monte_carlo(g, {"a": 1.0}, {"b": 20.0, "c": 10.0}, **args)  # type: ignore[arg-type]


def test_a_single_stated_term_replaces_the_assumed_one_exactly() -> None:
    # A owes 10 over an unknown term; every lease in the ledger runs 2 years: B loses 10/2 = 5 a
    # year (not 10/5 = 2), passes 5/20 = 25 % of its payments to C: 0.25 × 8/4 = 0.5
    dist = TermDistribution("2026-01-01", {"lease": (2.0, 2.0, 2.0)}, (2.0, 2.0, 2.0))
    mc = _run(_chain(10.0, 8.0, 5.0), dist)
    rows = mc.companies.set_index("node")
    assert rows.loc["b", "loss_point"] == pytest.approx(2.0)
    for q in ("loss_p05", "loss_p50", "loss_p95"):
        assert rows.loc["b", q] == pytest.approx(5.0)
        assert rows.loc["c", q] == pytest.approx(0.5)
    assert mc.total["p50"] == pytest.approx(5.5)
    # index: b −min(1, 5/20) × 0.5 + c −min(1, 0.5/10) × 0.5
    assert mc.index_impact["p50"] == pytest.approx(-0.25 * 0.5 - 0.05 * 0.5)
    assert mc.deals.to_dict("records") == [
        {"flow_id": "f1", "type": "lease", "amount_usd_bn": 10.0, "drawn_from": "own"}
    ]


def test_a_type_with_too_few_terms_draws_from_all_types() -> None:
    dist = TermDistribution("2026-01-01", {"lease": (1.0,), "loan": (2.0, 10.0, 10.0)},
                            (1.0, 2.0, 10.0, 10.0), min_own=3)  # fmt: skip
    assert dist.terms_for("lease") == ((1.0, 2.0, 10.0, 10.0), "pooled")
    assert dist.terms_for("loan") == ((2.0, 10.0, 10.0), "own")
    mc = _run(_chain(10.0, 8.0, 5.0), dist, draws=4000, seed=7)
    b = mc.companies.set_index("node").loc["b"]
    # terms 1, 2, 10 with probabilities 1/4, 1/4, 1/2: loss 10, 5 or 1
    assert b["loss_p05"] == pytest.approx(1.0)
    assert b["loss_p50"] == pytest.approx(1.0) or b["loss_p50"] == pytest.approx(5.0)
    assert b["loss_p95"] == pytest.approx(10.0)
    assert mc.deals["drawn_from"].tolist() == ["pooled"]


def test_the_input_graph_is_left_as_it_was() -> None:
    g = _chain(10.0, 8.0, 5.0)
    before = {(u, v): d["amount"] for u, v, d in g.edges(data=True)}
    _run(g, TermDistribution("2026-01-01", {}, (3.0,)))
    assert {(u, v): d["amount"] for u, v, d in g.edges(data=True)} == before


def test_draws_must_be_positive() -> None:
    with pytest.raises(InvalidParameterError, match="horizon_draws"):
        _run(_chain(1.0, 1.0, 5.0), TermDistribution("2026-01-01", {}, (3.0,)), draws=0)


def test_term_distribution_uses_only_deals_known_on_the_date() -> None:
    ledger = load_ledger()
    flows = ledger.flows
    day = pd.Timestamp("2024-01-01")
    dist = term_distribution(ledger, day)
    announced = pd.to_datetime(flows["announced"].astype(str), format="mixed")
    later = flows[announced > day]["horizon_years"].dropna()
    assert len(later) > 0  # the ledger states terms of later deals
    assert len(dist.pooled) < len(term_distribution(ledger, pd.Timestamp("2026-11-01")).pooled)
    assert sum(len(v) for v in dist.by_type.values()) == len(dist.pooled)
    frame = dist.to_frame()
    assert frame.iloc[-1]["type"] == "(all types)"
    assert frame.iloc[-1]["n_stated"] == len(dist.pooled)


def test_on_the_ledger_the_point_is_the_stress_result_and_the_seed_repeats() -> None:
    ledger = load_ledger()
    r = aiinfra.stress(ledger, SCENARIO, horizon_draws=200, seed=11)
    h = r.horizons
    assert h is not None
    point = r.companies.set_index("node")["loss_usd"]
    got = h.companies.set_index("node")["loss_point"]
    for node, loss in point.items():
        assert got.get(node, 0.0) == pytest.approx(loss, rel=1e-12, abs=1e-12)
    assert h.total["point"] == pytest.approx(float(r.companies["loss_usd"].sum()))
    assert h.index_impact["point"] == pytest.approx(r.index["impact"])
    # every deal the point run annualised over the assumed 5 years is drawn
    assumed = sum(1 for n in r.notes if "without a stated horizon" in n)
    assert assumed == 1 and len(h.deals) > 0
    assert f"{len(h.deals)} deal(s)" in next(n for n in r.notes if "without a stated horizon" in n)
    again = aiinfra.stress(ledger, SCENARIO, horizon_draws=200, seed=11).horizons
    assert again is not None
    pd.testing.assert_frame_equal(again.companies, h.companies)
    other = aiinfra.stress(ledger, SCENARIO, horizon_draws=200, seed=12).horizons
    assert other is not None and other.total["p50"] != h.total["p50"]
    assert h.total["p05"] <= h.total["p50"] <= h.total["p95"]
    assert np.isfinite(list(h.index_impact.values())).all()


def test_horizon_draws_need_the_annualised_basis() -> None:
    with pytest.raises(InvalidParameterError, match="annualised"):
        aiinfra.stress(load_ledger(), {**SCENARIO, "basis": "committed"}, horizon_draws=10)


def test_cli_prints_and_serialises_the_spread() -> None:
    runner = CliRunner()
    args = ["flows", "stress", "--default", "openai", "--shortfall", "0.5", "--as-of",
            "2026-11-01", "--horizon-draws", "100", "--seed", "2"]  # fmt: skip
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    assert "deal terms drawn 100 times (seed 2)" in out.output
    assert "90 % of draws between" in out.output
    js = runner.invoke(app, [*args, "--format", "json"])
    assert js.exit_code == 0
    data = json.loads(js.stdout)
    assert data["horizons"]["draws"] == 100 and data["horizons"]["seed"] == 2
    assert data["horizons"]["deals_drawn"] > 0
    bad = runner.invoke(app, [*args[:-4], "--horizon-draws", "-1"])
    assert bad.exit_code == 2
