"""The stress test clears the credit layer on the ledger's balance sheets by default (issue 15)."""

from __future__ import annotations

import pytest

from aiinfra.ledger import load_ledger
from aiinfra.stress import Scenario, stress

HEADER = (
    "company_id,period_end,source_date,cash_usd_bn,total_debt_usd_bn,debt_current_usd_bn,"
    "interest_expense_usd_bn,lease_obligations_usd_bn,estimate,source,quote,read_on,notes\n"
)
SCENARIO = Scenario.model_validate({"shocks": [{"party": "openai", "shortfall": 0.5}]})
#: the whole principal owed at once (the committed basis), as before the one-year clearing
PRINCIPAL = Scenario.model_validate(
    {"shocks": [{"party": "openai", "shortfall": 0.5}], "basis": "committed"}
)
#: hyperion_jv's name in companies.csv
HYPERION = "Hyperion JV (Beignet Investor LLC)"


def _with_sheet(tmp_path, row: str):
    (tmp_path / "balance_sheets.csv").write_text(HEADER + row)
    return load_ledger(tmp_path)


def test_a_borrower_with_a_balance_sheet_is_cleared_on_its_cash(tmp_path):
    ledger = _with_sheet(tmp_path, "hyperion_jv,2025-12-31,2026-02-15,10,48.3,,,,true,test,,,\n")
    r = stress(ledger, PRINCIPAL, as_of="2026-06-30")
    row = r.credit.set_index("node").loc["hyperion_jv"]
    owed = row["owed"]
    assert owed > 10 and row["paid"] == pytest.approx(10.0, abs=1e-9)
    assert row["recovery_rate"] == pytest.approx(10.0 / owed, rel=1e-9)
    assert bool(row["default"])
    assert "compan(ies) from balance sheets published by 2026-06-30" in r.credit_status
    assert row["name"] == HYPERION  # the status names companies by name (issue 18)
    assert HYPERION not in r.credit_status.split("no balance sheet for")[-1].split(":")[0]


def test_a_balance_sheet_published_after_the_stress_date_is_not_used(tmp_path):
    ledger = _with_sheet(tmp_path, "hyperion_jv,2025-12-31,2026-02-15,10,48.3,,,,true,test,,,\n")
    r = stress(ledger, SCENARIO, as_of="2026-01-31")
    # hyperion_jv's sheet is published 2026-02-15: on 2026-01-31 it is one of the unresolved
    assert HYPERION in r.credit_status.split("no balance sheet for")[-1].split(":")[0]


def test_cash_given_wins_over_the_ledger(tmp_path):
    ledger = _with_sheet(tmp_path, "hyperion_jv,2025-12-31,2026-02-15,10,48.3,,,,true,test,,,\n")
    base = stress(ledger, SCENARIO, as_of="2026-06-30")
    nodes = list(base.credit["node"])
    r = stress(ledger, SCENARIO, as_of="2026-06-30", cash=dict.fromkeys(nodes, 100.0))
    assert "cash as given" in r.credit_status
    assert not r.credit["default"].any()


def test_over_one_year_a_loan_owes_its_amount_over_its_term_against_cash_less_the_loss():
    from aiinfra.flows import flow_graph

    ledger = load_ledger()
    day = "2026-11-01"
    r = stress(ledger, SCENARIO, as_of=day)
    credit = r.credit.set_index("node")
    g = flow_graph(ledger, day, "annualised", layers=["credit"], default_horizon=5.0)
    owed: dict[str, float] = {}
    for _, v, d in g.edges(data=True):
        owed[v] = owed.get(v, 0.0) + d["amount"]
    loss = r.companies.set_index("node")["loss_usd"]
    cash = ledger.latest_balance_sheets(day, "cash_usd_bn")["cash_usd_bn"]
    hit = [n for n in owed if n in cash.index and loss.get(n, 0.0) > 0 and n != "openai"]
    assert hit, "no borrower with a balance sheet is hit by the scenario"
    for n in owed:
        assert credit.at[n, "owed"] == pytest.approx(owed[n], rel=1e-12)
    for n in hit:
        expected = max(0.0, float(cash[n]) - float(loss[n]))
        assert credit.at[n, "external_assets"] == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # OpenAI: its own cash cut by its shortfall, less what it lost
    if "openai" in cash.index:
        exp = max(0.0, 0.5 * float(cash["openai"]) - float(loss.get("openai", 0.0)))
        assert credit.at["openai", "external_assets"] == pytest.approx(exp, rel=1e-12, abs=1e-12)
    # the baseline clears on the untouched cash; the scenario adds losses, never removes them
    assert (credit["creditor_loss_added"] >= 0).all()
    assert (credit["creditor_loss"] >= credit["creditor_loss_baseline"] - 1e-9).all()
    new = credit.loc[credit["default"] & ~credit["default_baseline"], "name"].tolist()
    assert ("Default in the scenario: " + (", ".join(new) or "none")) in r.credit_status


def test_without_the_scenario_nothing_is_added():
    none = Scenario.model_validate({"shocks": [{"party": "openai", "shortfall": 0.0}]})
    r = stress(load_ledger(), none, as_of="2026-11-01")
    assert r.credit["creditor_loss_added"].abs().max() == pytest.approx(0.0, abs=1e-9)
    assert (r.credit["default"] == r.credit["default_baseline"]).all()
