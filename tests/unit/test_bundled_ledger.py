"""The ledger shipped with the package: coverage, seed figures, the audit, point in time."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from aiinfra.ledger import load_ledger
from tests.conftest import ROOT, SHARED, SHARED_PRICES

SEEDS = {
    "000": "000_e8cd576da995e634.txt",
    "001": "001_fbfef616c705aba6.txt",
    "002": "002_08489dfa80323933.txt",
    "003": "003_fc8085e7628fbeab.txt",
    "004": "004_b57f5ab7c3cca1b0.txt",
}


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


def test_coverage_meets_the_floor(ledger):
    c = ledger.counts()
    assert c["companies"] >= 80 and c["flows"] >= 120 and c["flow_events"] >= c["flows"]
    scored = ledger.scores["company_id"].nunique()
    assert scored >= 40
    cats = ledger.scores.groupby("category")["company_id"].nunique()
    assert set(cats.index) == {f"C{i}" for i in range(1, 8)}
    assert cats.min() >= 4


def test_every_flow_has_an_event_and_a_dated_source(ledger):
    assert set(ledger.flows["id"]) == set(ledger.flow_events["flow_id"])
    assert ledger.flows["source"].str.len().min() > 0
    assert ledger.flows["announced_known"].notna().all()


def test_every_scored_company_has_the_full_rubric(ledger):
    comps = ledger.score_components.groupby(["company_id", "as_of"])["component"].nunique()
    keys = set(zip(ledger.scores["company_id"], ledger.scores["as_of"], strict=True))
    assert all(comps.get(k, 0) == 5 for k in keys)


def test_scores_are_differentiated_not_a_flat_house_view(ledger):
    q = ledger.scores["qualitative"]
    assert q.std() > 10 and q.min() < 50 < q.max()


def test_point_in_time_view_uses_nothing_later(ledger):
    d = pd.Timestamp("2025-06-30")
    view = ledger.as_of(d)
    assert (view.flows["announced_known"] <= d).all()
    assert (view.figures["source_date_known"] <= d).all()
    assert (view.ai_revenue["known_from"] <= d).all()
    # the 2026 NVIDIA-OpenAI $30B equity deal is unknown in mid-2025; the $100B LOI is not yet stalled
    assert "f010" not in set(view.flows["id"])
    later = ledger.as_of("2026-06-30").flows.set_index("id")
    assert later.loc["f008", "status"] == "stalled"
    assert later.loc["f010", "supersedes"] == "f008"


@pytest.mark.parametrize(
    ("seed", "metric", "entity", "value", "low", "high"),
    [
        ("000", "revenue_monthly_usd_bn", "openai", 2, None, None),
        ("000", "arr_usd_bn", "anthropic", 30, None, None),
        ("000", "arr_usd_bn", "anthropic", 9, None, None),
        ("000", "capex_usd_bn", "alphabet", None, 175, 185),
        ("000", "capex_usd_bn", "meta", None, 115, 145),
        ("000", "capex_usd_bn", "microsoft", None, 120, 145),
        ("004", "ai_revenue_usd_bn", "global", None, 50, 60),
        ("004", "required_revenue_usd_bn", "global", 2000, None, None),
    ],
)
def test_seed_figures_are_in_the_ledger(ledger, seed, metric, entity, value, low, high):
    g = ledger.figures
    rows = g[
        g["source"].str.contains(SEEDS[seed], regex=False)
        & (g["metric"] == metric)
        & (g["entity"] == entity)
    ]
    assert not rows.empty, (seed, metric, entity)

    def same(col, want):
        return rows[col].isna() if want is None else (rows[col] - want).abs() < 1e-9

    assert (same("value", value) & same("low", low) & same("high", high)).any(), rows[
        ["value", "low", "high"]
    ]


def test_every_seed_is_cited_by_figures(ledger):
    sources = " ".join(ledger.figures["source"])
    for name in SEEDS.values():
        assert name in sources


def test_every_audit_row_is_resolved():
    audit = SHARED / "data" / "ecosystem" / "AUDIT.md"
    if not audit.is_file():
        pytest.skip("../shared/data/ecosystem/AUDIT.md is absent")
    section, wanted = None, set()
    for line in audit.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"## (\d)\.", line):
            section = m[1]
        elif line.startswith("| ") and not line.startswith(("| Row", "| Rows")):
            wanted.add((section, line.split("|")[1].strip()))
    assert len(wanted) == 87
    with (ROOT / "docs" / "audit_resolution.csv").open(encoding="utf-8") as fh:
        have = {
            (r["section"], r["audit_rows"]) for r in csv.DictReader(fh) if r["resolution"].strip()
        }
    assert wanted - have == set()


def test_flows_that_are_not_money_left_the_flow_table(ledger):
    # AUDIT §1: plans (f007, f100's $50B), seed claims (f012) and non-monetary links (f112, f113)
    ids = set(ledger.flows["id"])
    assert not {"f007", "f012", "f112", "f113"} & ids
    notes = " ".join(ledger.relationships["notes"].fillna(""))
    for fid in ("f007", "f012", "f112", "f113"):
        assert f"formerly flows {fid}" in notes
    f091 = ledger.flows.set_index("id").loc["f091"]
    assert (f091["payer"], f091["payee"], f091["type"]) == (
        "coreweave",
        "openai",
        "vendor_financing",
    )


def test_share_counts_are_consistent_across_years(ledger):
    fin = ledger.financials.dropna(subset=["shares_outstanding_mn"]).sort_values(
        ["company_id", "period_end"]
    )
    ratio = fin.groupby("company_id")["shares_outstanding_mn"].pct_change().dropna() + 1
    explained = (
        fin.loc[ratio.index, "notes"]
        .fillna("")
        .str.contains("IPO|issuance|merger|spin|listing", case=False)
    )
    bad = fin.loc[ratio.index][((ratio < 0.7) | (ratio > 1.43)) & ~explained]
    assert bad.empty, bad[["company_id", "fiscal_year", "shares_outstanding_mn"]]


def test_every_priced_stock_is_scored(ledger):
    if not SHARED_PRICES.is_dir():
        pytest.skip("../shared/data/prices is absent")
    etfs = {"QQQ", "SMH", "SOXX", "SPY"}
    priced = {p.stem for p in Path(SHARED_PRICES).glob("*.csv")} - etfs
    comp = ledger.companies.set_index("id")
    scored_lines = set()
    for cid in ledger.scores["company_id"]:
        scored_lines.add(comp.at[cid, "ticker"])
        scored_lines |= set(str(comp.at[cid, "alt_tickers"] or "").split(";"))
    assert priced <= scored_lines, priced - scored_lines
