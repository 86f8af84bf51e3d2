"""Methodology sweep on the real prices with 1 and 2 local workers (section "sweep" of RESULTS.md).

Workload (issue #7): N methodology variants (default 1000) of the default methodology on the 42
tickers of ``../shared/data/prices``, each a full backtest 2019-01-01 to 2026-06-30 (29
quarterly reviews) against QQQ and SMH. The variants are a ``mode: random`` grid (seed 1):
single cap uniform in [0.08, 0.25], target count an integer in [10, 30], the C1 and C2
multipliers uniform in [0.8, 2.0] and five pairs of composite-score weights; so every variant is
distinct. The base is ``docs/sweep_grid.yaml``'s (``pit_mode: static_scores``, ``min_n: 5``,
no UCITS rule): the bundled ledger's scores are today's, so every backtest is labelled not
point-in-time.

The same sweep runs with ``LocalExecutor(1)`` (in this process, what ``--workers 1`` does) and
with ``LocalExecutor(2)`` (two loky worker processes, started inside the timing, each reading the
ledger and the price files once); the two tables must be equal bit for bit (asserted). Scaling
efficiency = t1 / (2 · t2).

Run: ``make bench`` (or ``python bench/sweep_bench.py [--variants N] [--workers 1,2]``). On a
2-core machine 1000 variants take about half an hour with one worker.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_section

from aiinfra.backtest import load_grid, sweep
from aiinfra.parallel import LocalExecutor

BEFORE_COMMIT = "69323a88d790c2adf9d19946d7c43bf0a8ebf951"

ROOT = Path(__file__).resolve().parents[1]
SHARED_PRICES = ROOT.parent / "shared" / "data" / "prices"


def grid(n: int) -> dict[str, object]:
    import yaml

    base = yaml.safe_load((ROOT / "docs" / "sweep_grid.yaml").read_text())
    return {
        **{k: base[k] for k in ("base", "overrides", "start", "end", "benchmarks")},
        "mode": "random",
        "n": n,
        "seed": 1,
        "parameters": {
            "weighting.single_cap": {"low": 0.08, "high": 0.25},
            "selection.target_n": {"low": 10, "high": 30},
            "categories.C1.m": {"low": 0.8, "high": 2.0},
            "categories.C2.m": {"low": 0.8, "high": 2.0},
            "scores.composite_weights": [
                {"qualitative": q, "ai_revenue": round(1 - q, 2)} for q in (0.6, 0.7, 0.8, 0.9, 1.0)
            ],
        },
    }


REFERENCE = ROOT / "bench" / "reference" / "sweep_random_1000.json"


def _fingerprint(directory: Path, pattern: str) -> str:
    """SHA-256 over the files' names and bytes, sorted by name."""
    import hashlib

    h = hashlib.sha256()
    for p in sorted(directory.rglob(pattern)):
        h.update(str(p.relative_to(directory)).encode())
        h.update(b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()


def against_reference(table: pd.DataFrame, prices: Path, n: int) -> str:
    """Whether ``table`` is byte for byte the reference table made before the speed-up."""
    import gzip
    import hashlib
    import json

    ref = json.loads(REFERENCE.read_text())
    if n != ref["variants"]:
        return f"not compared: the reference has {ref['variants']} variants, this run {n}"
    ledger_dir = ROOT / "src" / "aiinfra" / "ledger" / "data"
    if _fingerprint(prices, "*.csv") != ref["prices_sha256"]:
        return "not compared: the price files differ from those the reference was made on"
    if _fingerprint(ledger_dir, "*.csv") != ref["ledger_sha256"]:
        return "not compared: the bundled ledger differs from the one the reference was made on"
    text = table.to_csv().encode()
    want = gzip.decompress((REFERENCE.parent / "sweep_random_1000.csv.gz").read_bytes())
    assert text == want, "the sweep table differs from the one made before the speed-up"
    return (
        f"identical ✓ (asserted) to the table made before the speed-up (commit "
        f"{ref['commit']}, SHA-256 {hashlib.sha256(want).hexdigest()[:12]}…)"
    )


BEFORE_CODE = """
import json, sys, time
sys.path.insert(0, "bench")
from sweep_bench import grid
from aiinfra.backtest import load_grid, sweep
from aiinfra.parallel import LocalExecutor
g = load_grid(grid({n}))
with LocalExecutor({w}) as ex:
    t0 = time.perf_counter()
    r = sweep(g, {prices!r}, executor=ex)
    t = time.perf_counter() - t0
print(json.dumps({{"seconds": t, "csv": r.to_frame().to_csv()}}))
"""


def before_run(n: int, w: int, prices: Path) -> tuple[float, str]:
    """The first ``n`` variants on ``w`` workers with the engine before the speed-up: the
    time and the table as CSV text."""
    from _before import run_before

    out = run_before(BEFORE_CODE.format(n=n, w=w, prices=str(prices)))
    return float(out["seconds"]), str(out["csv"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=1000, help="number of variants (1000)")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts (1,2)")
    ap.add_argument("--prices", type=Path, default=SHARED_PRICES, help="price CSV directory")
    ap.add_argument(
        "--before",
        type=int,
        default=100,
        help="variants also run with the engine before the speed-up, on 2 workers (0: none)",
    )
    args = ap.parse_args()
    if not args.prices.is_dir():
        sys.exit(f"sweep bench: {args.prices} is absent; nothing measured")
    counts = [int(w) for w in args.workers.split(",")]
    g = load_grid(grid(args.variants))
    started = time.perf_counter()
    runs: dict[int, tuple[float, pd.DataFrame]] = {}
    result = None
    for w in counts:
        with LocalExecutor(w) as ex:
            t0 = time.perf_counter()
            result = sweep(g, args.prices, executor=ex)
            runs[w] = (time.perf_counter() - t0, result.to_frame())
        print(f"{w} worker(s): {runs[w][0]:.1f} s", flush=True)
    assert result is not None
    first = runs[counts[0]][1]
    for w in counts[1:]:
        pd.testing.assert_frame_equal(first, runs[w][1], check_exact=True)
    status = result.counts()
    n = len(first)
    identity = against_reference(first, args.prices, n)
    print(identity, flush=True)
    before_rows: list[str] = []
    if args.before:
        k = min(args.before, n)
        with LocalExecutor(2) as ex:
            t0 = time.perf_counter()
            now = sweep(load_grid(grid(k)), args.prices, executor=ex).to_frame()
            t_now = time.perf_counter() - t0
        t_before, old = before_run(k, 2, args.prices)
        assert now.to_csv() == old, "the engine before the speed-up gives another table"
        before_rows = [
            f"| first {k} variants, 2 workers | {t_before:.1f} s (before, commit "
            f"{BEFORE_COMMIT[:7]}) | {t_now:.1f} s | {t_before / t_now:.1f}× | identical ✓ "
            "(asserted) |"
        ]
        print(before_rows[0], flush=True)
    rows = []
    t1 = runs[1][0] if 1 in runs else None
    for w in counts:
        t = runs[w][0]
        eff = f"{t1 / (w * t):.2f}" if t1 is not None and w > 1 else "—"
        rows.append(
            f"| {w} | {t:.1f} s | {n / t:.2f} | {1000 * t * w / n:.0f} ms | {eff} | "
            + ("identical ✓ (asserted)" if w != counts[0] else "reference")
            + " |"
        )
    cmd = (
        "python bench/sweep_bench.py"
        + (f" --variants {args.variants}" if args.variants != 1000 else "")
        + (f" --workers {args.workers}" if args.workers != "1,2" else "")
    )
    body = [
        "## Methodology sweep (`bench/sweep_bench.py`)",
        "",
        f"Command: `{cmd}` (run by `make bench`); this run {time.perf_counter() - started:.0f} s.",
        "",
        f"Workload: {n} methodology variants (`mode: random`, seed 1: single cap in [0.08, 0.25], "
        "target count 10-30, C1 and C2 multipliers in [0.8, 2.0], five composite-weight pairs) "
        "of `docs/sweep_grid.yaml`'s base on the tickers of `../shared/data/prices`, each a "
        "full backtest 2019-01-01 to 2026-06-30 (29 quarterly reviews) against QQQ and SMH. "
        f"Outcome: {', '.join(f'{v} {k}' for k, v in status.items())} (a variant whose caps "
        "cannot hold on its names is a row with its status, not an error). Backtests labelled "
        "not point-in-time (the bundled ledger's scores are today's). One worker runs in the "
        "calling process (`--workers 1`); two workers are loky processes started inside the "
        "timing, each reading the ledger and the prices once. Scaling efficiency = t1 / (w · tw).",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, pandas {pd.__version__}; {time.strftime('%Y-%m-%d')}.",
        "",
        "| workers | wall time | variants/s | core time per variant | scaling efficiency | table |",
        "|---|---|---|---|---|---|",
        *rows,
    ]
    t2 = runs.get(2, (None,))[0]
    body += [
        "",
        "Goal (issue 17): 1000 variants ≤ 60 s on 2 cores: "
        + (
            f"{t2:.1f} s, {'met' if t2 <= 60 and n == 1000 else 'NOT met'}."
            if t2
            else "not run with 2 workers."
        ),
        f"The table: {identity}.",
    ]
    if before_rows:
        body += [
            "",
            "The same variants with the engine before the speed-up, in this run (its `src/` "
            "extracted from the git history by `bench/_before.py`), and the table compared:",
            "",
            "| workload | before | now | speed-up | table |",
            "|---|---|---|---|---|",
            *before_rows,
        ]
    write_section("sweep", "\n".join(body))
    print("\n".join(body))


if __name__ == "__main__":
    main()
