"""A synthetic, seeded universe for index tests: a ledger directory and price files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

CATS = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
HEADERS = {
    "flows.csv": "id,payer,payee,type,flow_layer,ceiling,committed,funded,horizon_years,announced,"
    "supersedes,obligation,obligation_role,source_tier,source,source_date,notes\n",
    "flow_events.csv": "flow_id,date,status,ceiling,committed,funded,source,notes\n",
    "relationships.csv": "id,company_a,company_b,kind,announced,source,source_date,notes\n",
    "figures.csv": "id,metric,entity,period,value,low,high,kind,source,source_date,notes\n",
    "score_components.csv": "company_id,as_of,component,value,rationale\n",
    "ai_revenue.csv": "company_id,fiscal_year,period_end,known_from,ai_revenue_usd_bn,"
    "total_revenue_usd_bn,share,source_type,source,notes\n",
}


def make_universe(
    root: Path,
    n: int = 30,
    seed: int = 7,
    start: str = "2022-01-03",
    days: int = 700,
    score_as_of: str = "2022-01-01",
) -> tuple[Path, Path]:
    """Write ``root/ledger`` and ``root/prices``; returns both paths.

    Company ``cNN`` has ticker ``TNN``, category ``C{NN % 7 + 1}``, Q from 55 to 98 and an
    AI-revenue share from 0.02 to 0.95 (both spread deterministically), 1000 mn shares, free
    float 0.9, and a seeded geometric random walk with volume 1e6 shares a day.
    """
    rng = np.random.default_rng(seed)
    led = root / "ledger"
    px = root / "prices"
    led.mkdir(parents=True)
    px.mkdir(parents=True)
    ids = [f"c{i:02d}" for i in range(n)]
    q = np.linspace(55, 98, n)[rng.permutation(n)].round(1)
    a = np.linspace(0.02, 0.95, n)[rng.permutation(n)].round(3)
    comp = pd.DataFrame({
        "id": ids, "name": [f"Company {i}" for i in ids], "ticker": [f"T{i[1:]}" for i in ids],
        "alt_tickers": "", "country": "US", "listed": "true", "layer": "chip_designer",
        "category": [CATS[i % 7] for i in range(n)], "notes": "", "source": "synthetic",
    })  # fmt: skip
    comp.to_csv(led / "companies.csv", index=False)
    pd.DataFrame({
        "company_id": ids, "as_of": score_as_of, "category": comp["category"], "qualitative": q,
        "ai_revenue_share": a, "ai_revenue_source_type": "estimate", "rationale": "synthetic",
        "source": "synthetic",
    }).to_csv(led / "scores.csv", index=False)  # fmt: skip
    pd.DataFrame({
        "company_id": ids, "fiscal_year": "FY2020", "period_end": "2020-12-31",
        "revenue_usd_bn": 10.0, "capex_usd_bn": 1.0, "shares_outstanding_mn": 1000.0,
        "free_float": 0.9, "source": "synthetic", "source_date": "2021-02-15", "notes": "",
    }).to_csv(led / "financials.csv", index=False)  # fmt: skip
    for name, header in HEADERS.items():
        (led / name).write_text(header)
    dates = pd.bdate_range(start, periods=days)
    for i, cid in enumerate(ids):
        r = rng.normal(0.0004, 0.02, days)
        close = 50 * np.exp(np.cumsum(r)) * (1 + i / n)
        pd.DataFrame({
            "date": dates.strftime("%Y-%m-%d"), "open": close, "high": close * 1.01,
            "low": close * 0.99, "close": close, "adj_close": close, "volume": 1e6,
        }).to_csv(px / f"T{cid[1:]}.csv", index=False)  # fmt: skip
    return led, px
