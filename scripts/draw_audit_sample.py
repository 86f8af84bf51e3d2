"""Draw a random audit sample of the ledger reproducibly (docs/ledger_audit.md, "random samples").

    python scripts/draw_audit_sample.py --rev 05962e7 --seed 20261204 --sizes 40 30 30 > sample.csv

reads flows.csv, flow_events.csv and figures.csv as they were at the git revision ``--rev``
(default: the working tree), draws ``--sizes`` rows of each (flows, events, figures, in that
order, without replacement) with ``numpy.random.default_rng(seed).choice`` and writes them as
CSV with a ``table`` and a ``key`` column first. The same revision and seed give the same sample.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = "src/aiinfra/ledger/data"
TABLES = ("flows", "flow_events", "figures")


def _read(table: str, rev: str | None) -> pd.DataFrame:
    path = f"{DATA}/{table}.csv"
    if rev is None:
        text = (ROOT / path).read_text(encoding="utf-8")
    else:
        text = subprocess.run(
            ["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _key(table: str, r: pd.Series) -> str:
    return f"{r['flow_id']}|{r['date']}|{r['status']}" if table == "flow_events" else str(r["id"])


def draw(seed: int, sizes: tuple[int, int, int], rev: str | None = None) -> pd.DataFrame:
    """The sample: ``sizes`` rows of flows, flow events and figures."""
    rng = np.random.default_rng(seed)
    frames = []
    for table, n in zip(TABLES, sizes, strict=True):
        df = _read(table, rev)
        s = df.iloc[rng.choice(len(df), n, replace=False)].copy()
        s.insert(0, "key", [_key(table, r) for _, r in s.iterrows()])
        s.insert(0, "table", table)
        frames.append(s)
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--sizes", type=int, nargs=3, default=(40, 30, 30))
    ap.add_argument(
        "--rev", default=None, help="git revision of the ledger (default: working tree)"
    )
    a = ap.parse_args()
    draw(a.seed, tuple(a.sizes), a.rev).to_csv(sys.stdout, index=False)


if __name__ == "__main__":
    main()
