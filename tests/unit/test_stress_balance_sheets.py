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


def _with_sheet(tmp_path, row: str):
    (tmp_path / "balance_sheets.csv").write_text(HEADER + row)
    return load_ledger(tmp_path)


def test_a_borrower_with_a_balance_sheet_is_cleared_on_its_cash(tmp_path):
    ledger = _with_sheet(tmp_path, "hyperion_jv,2025-12-31,2026-02-15,10,48.3,,,,true,test,,,\n")
    r = stress(ledger, SCENARIO, as_of="2026-06-30")
    row = r.credit.set_index("node").loc["hyperion_jv"]
    owed = row["owed"]
    assert owed > 10 and row["paid"] == pytest.approx(10.0, abs=1e-9)
    assert row["recovery_rate"] == pytest.approx(10.0 / owed, rel=1e-9)
    assert bool(row["default"])
    assert "compan(ies) from balance sheets published by 2026-06-30" in r.credit_status
    assert "hyperion_jv" not in r.credit_status.split("no balance sheet for")[-1]


def test_a_balance_sheet_published_after_the_stress_date_is_not_used(tmp_path):
    ledger = _with_sheet(tmp_path, "hyperion_jv,2025-12-31,2026-02-15,10,48.3,,,,true,test,,,\n")
    r = stress(ledger, SCENARIO, as_of="2026-01-31")
    # hyperion_jv's sheet is published 2026-02-15: on 2026-01-31 it is one of the unresolved
    assert "hyperion_jv" in r.credit_status.split("no balance sheet for")[-1]


def test_cash_given_wins_over_the_ledger(tmp_path):
    ledger = _with_sheet(tmp_path, "hyperion_jv,2025-12-31,2026-02-15,10,48.3,,,,true,test,,,\n")
    base = stress(ledger, SCENARIO, as_of="2026-06-30")
    nodes = list(base.credit["node"])
    r = stress(ledger, SCENARIO, as_of="2026-06-30", cash=dict.fromkeys(nodes, 100.0))
    assert "cash as given" in r.credit_status
    assert not r.credit["default"].any()
