"""Monte Carlo throughput of the ROI gap (section "gap" of bench/RESULTS.md).

Workload: :func:`aiinfra.roi_gap.gap` on the bundled ledger (as of 2026-11-01, default
parameters, every uncertain input sampled, all eight years 2023-2030 per sample), 10^6 and 10^7
samples in chunks of 200,000, in this process and on 2 local worker processes (joblib). Asserts
that the summaries are identical, bit for bit, across the executors. Goal (issue): 10^6 samples
vectorised "in seconds".

Run: ``python bench/gap_bench.py [--repeat R]`` (about a minute on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pandas as pd
from _results import write_section

from aiinfra import load_ledger
from aiinfra.parallel import LocalExecutor, SerialExecutor
from aiinfra.roi_gap import gap

AS_OF = "2026-11-01"


def run(ledger, samples, executor):
    t = time.perf_counter()
    r = gap(ledger, 2026, as_of=AS_OF, samples=samples, seed=0, executor=executor)
    return time.perf_counter() - t, r.montecarlo.summary


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ledger = load_ledger()
    base, _ = run(ledger, 1, SerialExecutor())  # model without sampling, warmed up
    base = min(run(ledger, 1, SerialExecutor())[0] for _ in range(3))
    rows = []
    for samples in (10**6, 10**7):
        results = {}
        for name, make in (
            ("in process", SerialExecutor),
            ("2 local workers", lambda: LocalExecutor(2)),
        ):
            times, summary = [], None
            reps = args.repeat if samples == 10**6 else 1
            for _ in range(reps):
                ex = make()
                dt, summary = run(ledger, samples, ex)
                times.append(dt)
            results[name] = summary
            med = statistics.median(times)
            rows.append(
                f"| {samples:,} | {name} | {med:.2f} s ({'median of ' + str(reps) if reps > 1 else 'one run'}) "
                f"| {samples / max(med - base, 1e-9) / 1e6:.1f} M samples/s |"
                + (" reference |" if name == "in process" else "")
            )
        pd.testing.assert_frame_equal(
            results["in process"], results["2 local workers"], check_exact=True
        )
        rows[-1] += " identical ✓ (asserted) |"
    tracemalloc.start()
    gap(ledger, 2026, as_of=AS_OF, samples=10**6, seed=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    body = "\n".join(
        [
            "## ROI gap Monte Carlo (`bench/gap_bench.py`)",
            "",
            f"Command: `python bench/gap_bench.py --repeat {args.repeat}` (run by `make bench`). "
            f'Workload: `aiinfra.roi_gap.gap(load_ledger(), 2026, as_of="{AS_OF}", samples=N, '
            "seed=0)`: every parameter uniform over its range, capex and revenue uniform within "
            "each year's band, all 8 years (2023-2030) per sample, chunks of 200,000 seeded per "
            "chunk. Time is the whole call (inputs from the ledger, sensitivity, sampling, "
            f"quantiles); throughput subtracts the call without sampling ({base * 1000:.0f} ms). "
            "The last column asserts the two executors' summaries are equal bit for bit.",
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, numpy {np.__version__}; {time.strftime('%Y-%m-%d')}.",
            "",
            "| samples | executor | time | throughput | summary |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"Peak traced memory of one 10^6-sample call: {peak / 2**20:.0f} MiB. "
            "Goal (issue): 10^6 samples in seconds — "
            + (
                "met."
                if any(
                    "1,000,000 | in process" in r and float(r.split("|")[3].split()[0]) < 10
                    for r in rows
                )
                else "NOT met."
            ),
        ]
    )
    write_section("gap", body)
    print(body)


if __name__ == "__main__":
    main()
