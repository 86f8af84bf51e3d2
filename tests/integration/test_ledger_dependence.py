"""``aiinfra ledger dependence PAYER`` (issue 18): whose revenue depends most on a payer.

Expected values are computed by hand from the bundled ledger as of 2026-06-30 (flows.csv,
flow_events.csv, financials.csv).
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from tests.conftest import run_cli

runner = CliRunner()


def _json(*args: str) -> dict:
    result = runner.invoke(app, ["ledger", "dependence", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_openai_committed_shares_by_hand():
    out = _json("openai", "--as-of", "2026-06-30")
    assert (out["payer"], out["basis"], out["as_of"]) == ("openai", "committed", "2026-06-30")
    rows = {r["payee"]: r for r in out["payees"]}
    # Oracle: f025 300 bn over 5 years; revenue FY2026 67.4 bn (an estimate row)
    oracle = rows["oracle"]
    assert oracle["amount_usd_bn"] == 300.0 and oracle["per_year_usd_bn"] == pytest.approx(60.0)
    assert oracle["fiscal_year"] == "FY2026" and oracle["revenue_usd_bn"] == 67.4
    assert oracle["revenue_estimate"] is True
    assert oracle["share_of_revenue"] == pytest.approx(300 / 67.4)
    assert oracle["per_year_share_of_revenue"] == pytest.approx(60 / 67.4)
    # CoreWeave: f090 ceiling 11.9 (5 y) + f092 committed 4 + f094 ceiling 6.5; f093 is not
    # counted (a duplicate of its obligation); revenue FY2025 5.13
    cw = rows["coreweave"]
    assert cw["flows"] == 3 and cw["amount_usd_bn"] == pytest.approx(22.4)
    assert cw["amount_source"] == "ceiling, committed"
    assert cw["per_year_usd_bn"] == pytest.approx(11.9 / 5) and cw["per_year_flows"] == 1
    assert cw["share_of_revenue"] == pytest.approx(22.4 / 5.13)
    # Amazon: f011 38 bn over 7 y + f014 100 bn over 8 y; revenue FY2025 716.9
    amzn = rows["amazon"]
    assert amzn["amount_usd_bn"] == pytest.approx(138.0)
    assert amzn["per_year_usd_bn"] == pytest.approx(38 / 7 + 100 / 8)
    assert amzn["share_of_revenue"] == pytest.approx(138 / 716.9)
    # Microsoft: f005 250 bn, f006 undisclosed, no horizon
    msft = rows["microsoft"]
    assert msft["amount_source"] == "committed, 1 undisclosed"
    assert msft["per_year_usd_bn"] is None and msft["share_of_revenue"] == pytest.approx(
        250 / 281.724
    )
    # stalled deals (f009 nvidia, f021 stargate) are left out
    assert "nvidia" not in rows and "stargate" not in rows
    # sorted by share of revenue, payees without a share last
    order = [r["payee"] for r in out["payees"]]
    assert order[:4] == ["oracle", "coreweave", "microsoft", "amazon"]
    assert all(r["share_of_revenue"] is None for r in out["payees"][4:])


def test_funded_basis_does_not_fall_back_to_commitments():
    rows = {
        r["payee"]: r
        for r in _json("openai", "--as-of", "2026-06-30", "--basis", "funded")["payees"]
    }
    assert rows["cerebras"]["amount_usd_bn"] == 1.0  # f125, funded 1 bn
    assert rows["oracle"]["amount_usd_bn"] is None
    assert rows["oracle"]["amount_source"] == "1 undisclosed"


def test_as_of_before_the_oracle_deal_leaves_it_out():
    rows = {r["payee"] for r in _json("openai", "--as-of", "2025-01-01")["payees"]}
    assert "oracle" not in rows  # f025 was announced in 2025-07


def test_table_states_the_convention_and_csv_keeps_fractions():
    table = runner.invoke(app, ["ledger", "dependence", "openai", "--as-of", "2026-06-30"])
    assert table.exit_code == 0, table.output
    assert "445.1 %" in table.output  # 300 / 67.4
    assert "horizon_years" in table.output and "(estimate)" in table.output
    out = runner.invoke(
        app, ["ledger", "dependence", "openai", "--as-of", "2026-06-30", "--format", "csv"]
    )
    first = next(csv.DictReader(io.StringIO(out.output)))
    assert first["payee"] == "oracle"
    assert float(first["share_of_revenue"]) == pytest.approx(300 / 67.4)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["opnai"], "`PAYER` must be a company id of the ledger; got 'opnai'; did you mean openai"),
        (["openai", "--basis", "ceiling"], "--basis"),
    ],
)
def test_bad_input_exits_2(args, needle):
    result = run_cli("ledger", "dependence", *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert needle in result.stderr
