"""Overlays with a partial header (issue 18): only the required columns and those it fills.

A column whose field has a default may be left out of a user file's header (its cells are then
empty); a missing required or key column is still an error naming file, row 1, column and rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.exceptions import DataValidationError
from aiinfra.ledger import load_ledger
from tests.conftest import run_cli

runner = CliRunner()


def test_a_partial_flows_header_replaces_a_bundled_row(tmp_path):
    (tmp_path / "flows.csv").write_text(
        "id,payer,payee,type,flow_layer,committed,announced,source_tier,source\n"
        "f025,openai,oracle,cloud_compute_commitment,compute,300,2025-07,press,https://e.org/mine\n"
    )
    result = runner.invoke(app, ["ledger", "validate", "--data", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    overrides = json.loads(result.output)["overrides"]
    assert [(o["table"], o["key"], o["row"]) for o in overrides] == [("flows", "id=f025", 2)]
    flows = load_ledger(tmp_path).flows.set_index("id")
    row = flows.loc["f025"]
    assert row["source"] == "https://e.org/mine"
    # the columns left out are empty (the bundled row had a horizon, a quote and notes)
    assert all(pd.isna(row[c]) for c in ("horizon_years", "quote", "notes", "obligation"))


def test_a_partial_financials_header_changes_the_dependence_share(tmp_path):
    # only revenue is filled: capex, shares, free float and notes are left out of the header
    (tmp_path / "financials.csv").write_text(
        "company_id,fiscal_year,period_end,revenue_usd_bn,source,source_date\n"
        "oracle,FY2026,2026-05-31,100,https://e.org/oracle-10k,2026-06\n"
    )
    result = runner.invoke(
        app,
        [
            "ledger",
            "dependence",
            "openai",
            "--as-of",
            "2026-06-30",
            "--data",
            str(tmp_path),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    oracle = next(r for r in json.loads(result.output)["payees"] if r["payee"] == "oracle")
    assert oracle["revenue_usd_bn"] == 100.0 and oracle["revenue_estimate"] is False
    assert oracle["share_of_revenue"] == pytest.approx(3.0)  # 300 bn / 100 bn
    fin = load_ledger(tmp_path).financials
    row = fin[(fin["company_id"] == "oracle") & (fin["fiscal_year"] == "FY2026")].iloc[0]
    assert pd.isna(row["capex_usd_bn"]) and pd.isna(row["notes"]) and pd.isna(row["free_float"])


def test_a_partial_header_without_the_key_column_fails_naming_it(tmp_path):
    (tmp_path / "flows.csv").write_text(
        "payer,payee,type,flow_layer,committed,announced,source_tier,source\n"
        "openai,oracle,cloud_compute_commitment,compute,300,2025-07,press,https://e.org/mine\n"
    )
    result = run_cli("ledger", "validate", "--data", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    flows = tmp_path / "flows.csv"
    assert (
        f"{flows}, row 1, column 'id': required column is missing from the header (a flows row "
        "needs this key column" in result.stderr
    )


def test_a_missing_required_column_is_still_an_error(tmp_path: Path):
    (tmp_path / "financials.csv").write_text(
        "company_id,fiscal_year,revenue_usd_bn,source,source_date\n"
        "oracle,FY2026,100,https://e.org/oracle-10k,2026-06\n"
    )
    with pytest.raises(DataValidationError) as info:
        load_ledger(tmp_path)
    problems = [(Path(p.file).name, p.row, p.column) for p in info.value.problems]
    assert problems == [("financials.csv", 1, "period_end")]
    assert "required: company_id, fiscal_year, period_end, source, source_date" in str(info.value)
