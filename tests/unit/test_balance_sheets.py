"""The balance_sheets table (issue 15): optional in a base directory, checked, point in time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aiinfra.exceptions import DataValidationError
from aiinfra.ledger import load_ledger

HEADER = (
    "company_id,period_end,source_date,cash_usd_bn,total_debt_usd_bn,debt_current_usd_bn,"
    "interest_expense_usd_bn,lease_obligations_usd_bn,estimate,source,quote,read_on,notes\n"
)


def _overlay(tmp_path: Path, rows: str) -> Path:
    d = tmp_path / "over"
    d.mkdir()
    (d / "balance_sheets.csv").write_text(HEADER + rows)
    return d


def test_rows_are_checked_and_each_problem_named(tmp_path):
    d = _overlay(
        tmp_path,
        "coreweave,2025-12-31,2025-12-15,1,2,3,,,false,x,,,\n"
        "nope,2025-12-31,2026-03-01,1,5,3,,,false,x,,,\n"
        "oracle,2025-05-31,2025-06-20,-1,5,3,,,false,x,,,\n",
    )
    with pytest.raises(DataValidationError) as err:
        load_ledger(d)
    text = str(err.value)
    assert "row 2, column 'debt_current_usd_bn': must not exceed total_debt_usd_bn" in text
    assert "row 2, column 'source_date': must be after period_end" in text
    assert "row 3, column 'company_id': unknown company id" in text
    assert "row 4, column 'cash_usd_bn'" in text


def test_latest_balance_sheet_is_the_one_published_by_the_date(tmp_path):
    d = _overlay(
        tmp_path,
        "cerebras,2024-12-31,2025-03-03,1.4,8,2,0.36,,false,10-K 2024,,,\n"
        "cerebras,2025-12-31,2026-02-26,2.0,20,5,1.2,,false,10-K 2025,,,\n",
    )
    ledger = load_ledger(d)
    assert ledger.latest_balance_sheets("2025-06-30").loc["cerebras", "total_debt_usd_bn"] == 8
    assert ledger.latest_balance_sheets("2026-03-01").loc["cerebras", "total_debt_usd_bn"] == 20
    assert "cerebras" not in ledger.latest_balance_sheets("2025-01-01").index
    assert len(ledger.as_of("2025-06-30").balance_sheets) == len(
        ledger.balance_sheets[ledger.balance_sheets["source_date_known"] <= "2025-06-30"]
    )


def test_a_base_directory_without_the_file_loads_with_an_empty_table(tmp_path, mini_ledger_dir):
    base = tmp_path / "base"
    shutil.copytree(mini_ledger_dir, base)
    (base / "balance_sheets.csv").unlink(missing_ok=True)
    ledger = load_ledger(base=base)
    assert ledger.balance_sheets.empty


def test_the_latest_figure_of_a_field_skips_sheets_that_do_not_state_it(tmp_path):
    d = _overlay(
        tmp_path,
        "cerebras,2024-12-31,2025-03-03,1.4,8,2,0.36,,false,10-K 2024,,,\n"
        "cerebras,2025-12-31,2026-02-26,,20,5,1.2,,false,10-K 2025,,,\n",
    )
    ledger = load_ledger(d)
    latest = ledger.latest_balance_sheets("2026-03-01").loc["cerebras"]
    assert str(latest["period_end"]).startswith("2025-12-31")
    cash = ledger.latest_balance_sheets("2026-03-01", "cash_usd_bn")
    assert cash.loc["cerebras", "cash_usd_bn"] == 1.4
    assert str(cash.loc["cerebras", "period_end"]).startswith("2024-12-31")
