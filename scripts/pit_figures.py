"""Figures of docs/methodology.md "Systematic scores" (issue 14): the default index on the shared prices,
the point-in-time backtest against the static-score one (look-ahead premium) and the systematic
scores against the house view. Run from the checkout with ../shared beside it:
`.venv/bin/python scripts/pit_figures.py`."""

import pandas as pd

import aiinfra
from aiinfra.index import load_methodology
from aiinfra.prices import CsvDirProvider
from aiinfra.services.index import form_index, load_fx

L = aiinfra.load_ledger()
p = CsvDirProvider("../shared/data/prices")
v = form_index(
    L, p.get, load_methodology(None), pd.Timestamp("2026-08-20"), fx=load_fx("../shared/data/fx")
)
a, b = v.backtest.stats, v.comparison.stats
print(
    "review",
    v.review.dates.review,
    v.review.score_source,
    len(v.review.selection()),
    "relaxed:",
    v.relaxation,
)
print("PIT", a.start, a.end, a.reviews, a.score_source_counts, a.label)
print("static", b.start, b.end, b.reviews, b.label)
for k in ("total_return", "annual_return", "annual_volatility", "sharpe_ratio", "max_drawdown"):
    print(
        f"{k}: PIT {getattr(a.gtr, k):.4f} static {getattr(b.gtr, k):.4f} diff {getattr(b.gtr, k) - getattr(a.gtr, k):+.4f}"
    )
print("premium", v.look_ahead_premium())
h = v.house_comparison
print("house", h.cutoff.date(), h.house_as_of.date(), h.n, round(h.rank_correlation, 3))
print(h.table.head(10).to_string(index=False))
