"""Print the tables of docs/stress.md ("The built-in scenarios", "Deal terms") from the bundled
ledger: python scripts/stress_tables.py [--as-of 2026-11-01] [--draws 1000] [--seed 0]."""

from __future__ import annotations

import argparse

import pandas as pd

import aiinfra
from aiinfra.stress import builtin_scenarios, term_distribution


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--as-of", default="2026-11-01")
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    ledger = aiinfra.load_ledger()
    print("| scenario | rounds | total loss (USD bn a year) | index impact | unresolved |"
          " total loss, 90 % of drawn terms | index impact, 90 % of drawn terms | deals drawn |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name in builtin_scenarios():
        r = aiinfra.stress(ledger, name, as_of=a.as_of, horizon_draws=a.draws, seed=a.seed)
        h = r.horizons
        assert h is not None
        c = r.companies
        print(
            f"| `{name}` | {r.rounds} | {c['loss_usd'].sum():.1f} | {100 * r.index['impact']:.2f} % "
            f"| {int(c['unresolved'].sum())} of {len(c)} | {h.total['p05']:.1f} – "
            f"{h.total['p95']:.1f} | {100 * h.index_impact['p05']:.2f} % – "
            f"{100 * h.index_impact['p95']:.2f} % | {len(h.deals)} |"
        )
    print()
    d = term_distribution(ledger, pd.Timestamp(a.as_of)).to_frame()
    print("| type | stated terms | median (years) | range (years) | drawn from |")
    print("|---|---|---|---|---|")
    for r in d.itertuples():
        print(f"| {r.type} | {r.n_stated} | {r.median_years:g} | {r.min_years:g}–{r.max_years:g} "
              f"| {r.drawn_from} |")  # fmt: skip


if __name__ == "__main__":
    main()
