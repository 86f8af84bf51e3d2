"""The latest record per company when several are known the same day (issue 17, found while
speeding up reviews): the later fiscal year wins, whatever numpy's sort does with ties."""

from __future__ import annotations

import pandas as pd
import pytest

from aiinfra.index._cache import by_date, latest
from aiinfra.ledger import load_ledger


def _frame(n_other: int) -> pd.DataFrame:
    # one company with three fiscal years published the same day (as in a prospectus), in a
    # file order that is not the fiscal order, among other rows (introsort only past 16 rows)
    rows = [
        {"company_id": f"c{i:03d}", "fiscal_year": "FY2024", "known": pd.Timestamp("2024-01-01")
         + pd.Timedelta(days=i), "v": float(i)}
        for i in range(n_other)
    ]  # fmt: skip
    day = pd.Timestamp("2025-03-03")
    rows += [
        {"company_id": "crwv", "fiscal_year": fy, "known": day, "v": v}
        for fy, v in (("FY2024", 1.915), ("FY2022", 0.016), ("FY2023", 0.229))
    ]
    rows += [{"company_id": "crwv", "fiscal_year": "FY2025", "known": pd.Timestamp("2026-03-01"),
              "v": 5.13}]  # fmt: skip
    return pd.DataFrame(rows).sample(frac=1.0, random_state=7).reset_index(drop=True)


@pytest.mark.parametrize("n_other", [0, 40, 500])
def test_the_later_fiscal_year_of_the_same_day_wins(n_other):
    frame = _frame(n_other)
    got = latest(frame, "company_id", "known", pd.Timestamp("2025-06-30"))
    assert got["crwv"]["fiscal_year"] == "FY2024" and got["crwv"]["v"] == 1.915
    assert latest(frame, "company_id", "known", None)["crwv"]["fiscal_year"] == "FY2025"
    first = by_date(frame, "known").groupby("company_id").head(1)
    assert first.set_index("company_id").loc["crwv", "fiscal_year"] == "FY2022"


def test_coreweave_from_its_prospectus_on_the_bundled_ledger():
    # before: numpy's unstable quicksort put FY2022 last among the S-1's three years, so the
    # 2025-06 review read CoreWeave's 2022 revenue (0.016 bn) instead of 2024's (1.915 bn)
    ledger = load_ledger()
    got = latest(ledger.financials, "company_id", "source_date_known", pd.Timestamp("2025-06-30"))
    assert got["coreweave"]["fiscal_year"] == "FY2024"
    assert got["coreweave"]["revenue_usd_bn"] == pytest.approx(1.915)
