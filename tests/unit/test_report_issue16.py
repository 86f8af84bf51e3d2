"""The report's issue-16 sections (circularity over time, what changed, look-through) in EN and
DE, with the numbers of the services they show."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import pytest

from aiinfra import load_ledger
from aiinfra.charts import label, num_text, pct_text
from aiinfra.report import render_report
from aiinfra.services.report_sections import (
    report_changes,
    report_history,
    report_lookthrough,
)

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "data" / "holdings_hostile.csv"
SEMI = ROOT / "examples" / "holdings" / "ishares_semi_2026-05-07.csv"
DAY = pd.Timestamp("2026-06-30")


@pytest.fixture(scope="module")
def parts() -> tuple:
    ledger = load_ledger()
    return (
        ledger,
        report_history(ledger, DAY, samples=5),
        report_changes(ledger, DAY),
        report_lookthrough(ledger, [SEMI, HOSTILE], DAY),
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_sections_exist_with_the_services_numbers(parts: tuple, lang: str) -> None:
    ledger, hist, changes, funds = parts
    r = render_report(
        ledger, None, as_of=DAY, lang=lang, history=hist, changes=changes, lookthrough=funds
    )
    assert [s for s in r.sections if s in ("history", "diff", "lookthrough")] == [
        "history",
        "diff",
        "lookthrough",
    ]
    page = r.html
    for key in ("history", "diff", "lookthrough", "hist_p", "diff_deals", "lt_active_share"):
        assert html.escape(label(key, lang)) in page
    # the last quarter's cycling index, cycles and p-value as the service computed them
    last = hist.history.frame.iloc[-1]
    assert hist.history.frame.index[-1] == DAY  # 2026-06-30 is a quarter end
    for cell in (
        num_text(last["cycling_index"], lang, 4),
        num_text(last["cycle_volume"], lang, 1),
        num_text(last["p_value"], lang, 3),
    ):
        assert f"<td>{html.escape(cell)}</td>" in page
    # the tracked companies' self-funded shares at the last quarter end, under their names
    assert html.escape(label("hist_self_funded", lang)) in page
    shares = hist.history.self_funded.iloc[-1]
    assert len(shares) == 5 and shares.notna().all()
    for cid, v in shares.items():
        assert f"<th>{html.escape(str(hist.history.top.at[cid, 'name']))}</th>" in page
        assert f"<td>{html.escape(pct_text(v, lang))}</td>" in page
    # what changed: from a year before, and every added deal's id is in the deals table
    assert changes.date1 == pd.Timestamp("2025-06-30")
    added = changes.deals[changes.deals["change"] == "added"]["flow_id"]
    assert len(added) > 0
    for fid in added:
        assert f"<td>{html.escape(str(fid))}</td>" in page
    # the look-through: the fund's active share and each stress loss, in percent
    for fund in funds:
        s = fund.summary().set_index("measure")["value"]
        assert f"<td>{html.escape(pct_text(s['active_share'], lang, 2))}</td>" in page
        for v in fund.stress["fund_impact"]:
            assert f"<td>{html.escape(pct_text(v, lang, 2))}</td>" in page


def test_hostile_holdings_text_is_escaped(parts: tuple) -> None:
    ledger, _, _, funds = parts
    r = render_report(ledger, None, as_of=DAY, lookthrough=funds)
    assert "<script>alert" not in r.html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in r.html


def test_history_drawdowns_hand_computed() -> None:
    # levels 100 → 120 → 90: the drawdown on the third quarter end is 90/120 − 1 = −0.25
    from aiinfra.charts import history_table

    frame = pd.DataFrame(
        {
            "cycling_index": [0.01, 0.02],
            "cycles": [3, 4],
            "cycle_volume": [10.0, 12.5],
            "p_value": [0.5, 0.04],
            "index_drawdown": [0.0, -0.25],
            "benchmark_drawdown": [0.0, -0.1],
        },
        index=pd.DatetimeIndex(["2025-06-30", "2025-09-30"], name="date"),
    )
    t = history_table(frame, "de", "SMH")
    assert t.iloc[1].tolist() == [
        "2025-09-30",
        "0,0200",
        "4",
        "12,5",
        "0,040",
        "-25,0 %",
        "-10,0 %",
    ]
