"""A party that chooses not to pay (a halt of funding, a cut of spending) keeps its cash in the
credit layer; one that cannot pay has its cash cut by its shortfall (issue 18 review: before,
venture_halt set Meta's, Amazon's and Alphabet's cash to zero and had them default)."""

from __future__ import annotations

import pytest

import aiinfra
from aiinfra.stress import load_scenario

AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def ledger():
    return aiinfra.load_ledger()


def _credit(ledger, scenario):
    return aiinfra.stress(ledger, scenario, as_of=AS_OF).credit.set_index("node")


def test_builtin_halts_and_cuts_are_not_distress_and_the_lab_default_is():
    assert not any(s.distress for s in load_scenario("venture_halt").shocks)
    assert not any(s.distress for s in load_scenario("capex_cut").shocks)
    assert all(s.distress for s in load_scenario("lab_default").shocks)


def test_a_halting_hyperscaler_keeps_its_cash(ledger):
    halt = load_scenario("venture_halt")
    as_distress = halt.model_copy(
        update={"shocks": tuple(s.model_copy(update={"distress": True}) for s in halt.shocks)}
    )
    kept, cut = _credit(ledger, halt), _credit(ledger, as_distress)
    shocked = [n for n in ("meta", "amazon", "alphabet", "microsoft") if n in kept.index]
    assert shocked, "the credit layer holds a hyperscaler with a balance sheet"
    for n in shocked:
        # the scenario takes no revenue from a funder, so its cash stays its balance-sheet cash;
        # cut by a 100 % shortfall it would be zero
        assert kept.at[n, "external_assets"] > 0.0
        assert cut.at[n, "external_assets"] == 0.0
        assert not (kept.at[n, "default"] and not kept.at[n, "default_baseline"]), n


def test_a_lab_in_distress_has_its_cash_cut(ledger):
    sc = load_scenario("lab_default")
    calm = sc.model_copy(
        update={"shocks": tuple(s.model_copy(update={"distress": False}) for s in sc.shocks)}
    )
    hit, kept = _credit(ledger, sc), _credit(ledger, calm)
    if "openai" not in hit.index:
        pytest.skip("OpenAI borrows nothing in the ledger's credit layer on this date")
    shortfall = sc.shocks[0].shortfall
    # cash × (1 − shortfall) − loss, floored at zero; the loss is the same in both runs
    expected = kept.at["openai", "external_assets"]
    assert expected > 0.0, "OpenAI keeps cash when not in distress"
    assert hit.at["openai", "external_assets"] <= expected * (1 - shortfall) + 1e-9 * max(
        1.0, expected
    )
