"""`aiinfra flows stress` and `aiinfra.stress` on the bundled ledger, checked against the ledger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aiinfra
from aiinfra.app import app
from aiinfra.exceptions import InvalidParameterError

runner = CliRunner()
AS_OF = "2026-11-01"


def stress_json(*args: str) -> dict:
    result = runner.invoke(app, ["flows", "stress", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def openai_60() -> dict:
    return stress_json("--default", "openai", "--shortfall", "0.6", "--as-of", AS_OF,
                       "--format", "json")  # fmt: skip


def test_every_payee_of_openai_is_listed(openai_60):
    g = aiinfra.flow_graph(aiinfra.load_ledger(), AS_OF, "annualised", default_horizon=5)
    payees = set(g.successors("openai"))
    rows = {c["node"]: c for c in openai_60["companies"]}
    assert {"oracle", "microsoft", "coreweave", "amd", "broadcom"} <= payees
    assert payees <= set(rows)
    # undisclosed chip deals: listed, flagged, no invented loss
    for chip in ("amd", "broadcom"):
        assert rows[chip]["undisclosed_inflows"] is True


def test_first_round_losses_agree_with_the_ledger(openai_60):
    g = aiinfra.flow_graph(aiinfra.load_ledger(), AS_OF, "annualised", default_horizon=5)
    rows = {c["node"]: c for c in openai_60["companies"]}
    for payee in g.successors("openai"):
        amount = g["openai"][payee]["amount"]
        expected = 0.0 if amount != amount else 0.6 * amount
        assert rows[payee]["loss_round1"] == pytest.approx(expected), payee
    # Oracle: $300bn over 5 years (f025) → 60 bn a year, 60 % of it unpaid
    assert rows["oracle"]["loss_round1"] == pytest.approx(0.6 * 300 / 5)


def test_second_round_effects_and_unresolved_entries(openai_60):
    rows = openai_60["companies"]
    later = [r for r in rows if r["round_hit"] >= 2 and r["loss_usd"] > 0]
    assert later, "no company hit in round 2 or later"
    assert openai_60["rounds"] >= 2
    unresolved = [r for r in rows if r["unresolved"]]
    assert unresolved and all(r["share_of_revenue"] is None for r in unresolved)
    assert all(r["equity_shock"] is None for r in unresolved)
    # a listed company with revenue: share and equity shock agree (elasticity 1)
    oracle = next(r for r in rows if r["node"] == "oracle")
    assert oracle["share_of_revenue"] == pytest.approx(
        oracle["loss_usd"] / oracle["revenue_usd_bn"]
    )
    assert oracle["equity_shock"] == pytest.approx(-min(1.0, oracle["share_of_revenue"]))


def test_index_impact_is_the_weighted_sum(openai_60):
    idx = openai_60["index"]
    assert idx["impact"] < 0
    assert sum(idx["by_category"].values()) == pytest.approx(idx["impact"])
    assert "house-view" in idx["weights_source"]
    assert "unresolved" in openai_60["credit"]["status"]
    assert any("assumption" in n for n in openai_60["notes"])


def test_elasticity_and_pass_through_flags_change_the_result():
    base = stress_json("--scenario", "lab_default", "--as-of", AS_OF, "--format", "json")
    half = stress_json("--scenario", "lab_default", "--as-of", AS_OF, "--elasticity", "0.5",
                       "--format", "json")  # fmt: skip
    none = stress_json("--scenario", "lab_default", "--as-of", AS_OF, "--pass-through", "0",
                       "--format", "json")  # fmt: skip
    assert half["index"]["impact"] == pytest.approx(base["index"]["impact"] / 2, rel=0.3)
    assert abs(half["index"]["impact"]) < abs(base["index"]["impact"])
    assert none["rounds"] == 1
    assert all(c["loss_later"] == 0 or c["shocked"] for c in none["companies"])


@pytest.mark.parametrize("name", ["lab_default", "venture_halt", "capex_cut"])
def test_builtin_scenarios_run(name):
    doc = stress_json("--scenario", name, "--as-of", AS_OF, "--format", "json")
    assert doc["scenario"]["name"] == name
    assert doc["total_loss_usd_bn"] > 0


def test_from_date_selects_the_deals_in_force():
    early = stress_json("--default", "openai", "--shortfall", "1", "--from", "2024-01-01",
                        "--format", "json")  # fmt: skip
    late = stress_json("--default", "openai", "--shortfall", "1", "--from", AS_OF,
                       "--format", "json")  # fmt: skip
    assert early["as_of"] == "2024-01-01"
    assert early["total_loss_usd_bn"] < late["total_loss_usd_bn"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--default", "openai"], "--shortfall"),
        ([], "either"),
        (["--default", "nobody", "--shortfall", "0.5"], "nobody"),
        (["--scenario", "no_such_scenario"], "no_such_scenario"),
    ],
)
def test_bad_input_exits_2_without_traceback(args, needle):
    result = runner.invoke(app, ["flows", "stress", *args])
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output


def test_bad_yaml_names_the_field(tmp_path: Path):
    f = tmp_path / "s.yaml"
    f.write_text("shocks:\n  - party: openai\n    shortfall: 1.5\n")
    result = runner.invoke(app, ["flows", "stress", "--scenario", str(f)])
    assert result.exit_code == 2
    assert "shortfall" in result.output and "Traceback" not in result.output


def test_credit_layer_is_cleared_when_cash_is_given():
    ledger = aiinfra.load_ledger()
    # the loans in force (since issue 15 the default result is already cleared on the ledger's
    # balance sheets, so the loans are read from the credit graph)
    g = aiinfra.flow_graph(ledger, AS_OF, "committed", layers=["credit"])
    loans = [(u, v, d["amount"]) for u, v, d in g.edges(data=True) if d["amount"] == d["amount"]]
    cash = dict.fromkeys(g.nodes, 5.0)
    # the whole principal at once: the committed basis (the annualised default clears one year)
    from aiinfra.stress import load_scenario

    base = load_scenario("lab_default").model_dump(mode="json", by_alias=True)
    principal = {**base, "basis": "committed"}
    cleared = aiinfra.stress(ledger, principal, as_of=AS_OF, cash=cash)
    frame = cleared.credit.set_index("node")
    assert (frame["paid"] <= frame["owed"] + 1e-9).all()
    # a borrower owing more than its cash (and nothing owed to it) pays exactly its cash, less
    # what the scenario took from it
    big = max(loans, key=lambda x: x[2])
    assert big[2] > 5.0 and big[1] not in {u for u, _, _ in loans}
    lost = cleared.companies.set_index("node")["loss_usd"].get(big[1], 0.0)
    assert frame.at[big[1], "paid"] == pytest.approx(max(0.0, 5.0 - lost))
    with pytest.raises(InvalidParameterError, match="cash"):
        aiinfra.stress(ledger, "lab_default", as_of=AS_OF, cash={"openai": 1.0})


def test_assumed_horizon_is_flagged_on_the_edge():
    g = aiinfra.flow_graph(aiinfra.load_ledger(), AS_OF, "annualised", default_horizon=5)
    raw = aiinfra.flow_graph(aiinfra.load_ledger(), AS_OF, "annualised")
    e, r = g["openai"]["microsoft"], raw["openai"]["microsoft"]
    assert any("assumed_horizon=5" in f for f in e["fallback"])
    assert e["amount"] == pytest.approx(r["amount"] / 5)
    with pytest.raises(InvalidParameterError, match="default_horizon"):
        aiinfra.flow_graph(aiinfra.load_ledger(), AS_OF, "annualised", default_horizon=0)
