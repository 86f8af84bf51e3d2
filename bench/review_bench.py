"""Speed of one index review, a full backtest and the backtest command (section "review" of
RESULTS.md).

Workload (issue #17): the default methodology on the tickers of ``../shared/data/prices`` and
the bundled ledger, 2019-01-01 to 2026-06-30 (about 30 quarterly reviews), against QQQ and SMH.

* One review with its inputs loaded: every review of the backtest is run again, alone (same
  dates, same current members), inside the review cache the backtest warmed (prices read, the
  liquidity of every line and the ledger as known at every cut-off computed); the median over
  the reviews, each the best of ``--repeat`` runs. Each rerun is checked to give the backtest's
  weights exactly.
* A full backtest once the prices are loaded: reviews, levels, benchmarks and summary, in a
  warm review cache (what a sweep's variant costs); the best of ``--repeat`` runs. The cold
  backtest (prices read and everything computed afresh) is shown beside it.
* The command ``aiinfra --prices ../shared/data/prices index backtest`` (with the window and
  benchmarks above): wall time of the process, from start to exit, best of ``--repeat``.

Run: ``python bench/review_bench.py [--repeat R]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_section

from aiinfra.backtest import backtest
from aiinfra.index import ReviewCache, load_methodology, review_cache, run_review
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider

ROOT = Path(__file__).resolve().parents[1]
SHARED_PRICES = ROOT.parent / "shared" / "data" / "prices"
START, END, BENCHMARKS = "2019-01-01", "2026-06-30", ("QQQ", "SMH")
GOAL_REVIEW_MS, GOAL_BACKTEST_MS, GOAL_CLI_S = 5.0, 150.0, 3.0


class Prices:
    """``prices(ticker)`` over a CSV directory, each file read once (as the CLI's getter)."""

    def __init__(self, directory: Path) -> None:
        self._provider = CsvDirProvider(directory)
        self._frames: dict[str, pd.DataFrame] = {}

    def __call__(self, ticker: str) -> pd.DataFrame:
        if ticker not in self._frames:
            self._frames[ticker] = self._provider.get(ticker)
        return self._frames[ticker]


def best(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def cli_seconds(prices: Path, repeat: int, pythonpath: str | None = None) -> tuple[float, float]:
    """Wall time of the backtest command in a new AIINFRA_HOME: the first run (nothing kept
    yet) and the best of the next ``repeat`` (the validated ledger and price files kept in
    AIINFRA_HOME/cache since issue 17); with ``pythonpath``, of the engine found there (the one
    before the speed-up)."""
    cmd = [sys.executable, "-c", "from aiinfra.app import main; main()", "--prices", str(prices),
           "index", "backtest", "--start", START, "--end", END]  # fmt: skip
    for b in BENCHMARKS:
        cmd += ["--benchmark", b]
    times = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "AIINFRA_HOME": home}
        if pythonpath:
            env["PYTHONPATH"] = pythonpath
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT)
            times.append(time.perf_counter() - t0)
    return times[0], min(times[1:])


def measure(prices_dir: str, repeat: int) -> dict[str, float]:
    """One review (median over the backtest's reviews, ms), the warm and the cold backtest (s)
    and the number of reviews, with the engine imported in this process."""
    ledger = load_ledger()
    m = load_methodology("default")
    prices = Prices(Path(prices_dir))

    def run() -> Any:
        return backtest(ledger, prices, m, START, END, benchmarks=BENCHMARKS)

    with review_cache(ReviewCache()):
        t0 = time.perf_counter()
        res = run()
        cold = time.perf_counter() - t0
        warm = best(run, repeat)
        per_review = []
        previous: dict[str, float] = {}
        for r in res.reviews:
            prev = dict(previous)

            def one(r: Any = r, prev: dict[str, float] = prev) -> Any:
                return run_review(ledger, prices, m, r.dates.cutoff, previous=prev, dates=r.dates)

            again = one()
            pd.testing.assert_series_equal(again.weights, r.weights, check_exact=True)
            per_review.append(best(one, repeat))
            previous = {str(k): float(v) for k, v in r.weights.items()}
    return {
        "review_ms": 1000 * statistics.median(per_review),
        "warm_s": warm,
        "cold_s": cold,
        "reviews": float(len(res.reviews)),
    }


BEFORE_CODE = """
import json, sys
sys.path.insert(0, "bench")
import review_bench
print(json.dumps(review_bench.measure({prices!r}, {repeat})))
"""


def status(value: float, goal: float) -> str:
    return "met" if value <= goal else "NOT met"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs per timing, best kept (5)")
    ap.add_argument("--prices", type=Path, default=SHARED_PRICES, help="price CSV directory")
    ap.add_argument(
        "--no-before",
        dest="before",
        action="store_false",
        help="skip the engine before the speed-up (bench/_before.py: from the git history)",
    )
    args = ap.parse_args()
    if not args.prices.is_dir():
        sys.exit(f"review bench: {args.prices} is absent; nothing measured")
    started = time.perf_counter()
    now = measure(str(args.prices), args.repeat)
    cli_first, cli = cli_seconds(args.prices, max(1, min(args.repeat, 3)))
    before: dict[str, float] | None = None
    cli_before = None
    if args.before:
        from _before import before_src, run_before

        before = run_before(BEFORE_CODE.format(prices=str(args.prices), repeat=args.repeat))
        cli_before = min(cli_seconds(args.prices, max(1, min(args.repeat, 3)), str(before_src())))
    review_ms, warm, cold, n = now["review_ms"], now["warm_s"], now["cold_s"], int(now["reviews"])

    def was(key: str, scale: float, unit: str, digits: int) -> str:
        if before is None:
            return "— | —"
        old = before[key] * scale
        return f"{old:.{digits}f} {unit} | {old / (now[key] * scale):.1f}×"

    cmd = "python bench/review_bench.py" + (f" --repeat {args.repeat}" if args.repeat != 5 else "")
    rows = [
        f"| one review, inputs loaded (median of {n}) | {review_ms:.2f} ms "
        f"| {was('review_ms', 1, 'ms', 1)} | ≤ {GOAL_REVIEW_MS:.0f} ms "
        f"| {status(review_ms, GOAL_REVIEW_MS)} |",
        f"| full backtest, prices loaded (warm cache; {n} reviews, levels, 2 benchmarks) "
        f"| {1000 * warm:.0f} ms | {was('warm_s', 1000, 'ms', 0)} | ≤ {GOAL_BACKTEST_MS:.0f} ms "
        f"| {status(1000 * warm, GOAL_BACKTEST_MS)} |",
        f"| full backtest, cold (prices read, nothing cached) | {cold:.2f} s "
        f"| {was('cold_s', 1, 's', 2)} | — | — |",
        f"| `aiinfra --prices ../shared/data/prices index backtest` (process wall time) "
        f"| {cli:.2f} s | "
        + (f"{cli_before:.2f} s | {cli_before / cli:.1f}×" if cli_before else "— | —")
        + f" | ≤ {GOAL_CLI_S:.0f} s | {status(cli, GOAL_CLI_S)} |",
        f"| the same command, first run in a new AIINFRA_HOME (ledger and price files read and "
        f"validated, then kept) | {cli_first:.2f} s | "
        + (f"{cli_before:.2f} s | {cli_before / cli_first:.1f}×" if cli_before else "— | —")
        + f" | ≤ {GOAL_CLI_S:.0f} s | {status(cli_first, GOAL_CLI_S)} |",
    ]
    body = [
        "## Index review and backtest (`bench/review_bench.py`)",
        "",
        f"Command: `{cmd}`; this run {time.perf_counter() - started:.0f} s.",
        "",
        "Workload: the default methodology on the tickers of `../shared/data/prices` and the "
        f"bundled ledger, {START} to {END} ({n} reviews), against QQQ and SMH. A review with its "
        "inputs loaded: each review of the backtest run again alone (its dates, its current "
        "members; weights checked equal to the backtest's) in the review cache the backtest "
        f"warmed, best of {args.repeat} runs, median over the reviews. The full backtest: best "
        f"of {args.repeat} runs in a warm review cache (a sweep variant's cost). The command: "
        f"`--start {START} --end {END} --benchmark QQQ --benchmark SMH`, process start to "
        "exit, in a new AIINFRA_HOME: its first run, and the best of the next runs (the "
        "validated ledger and price files kept in AIINFRA_HOME/cache by the first; before "
        "issue 17 nothing was kept, so every run was a first run). The 'before' column: the same measures with the engine of "
        "commit 69323a8 (the last before the speed-up; its `src/` extracted from the git history "
        "by `bench/_before.py`) in the same run.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, pandas {pd.__version__}; {time.strftime('%Y-%m-%d')}.",
        "",
        "| measure | time | before the speed-up (same run) | speed-up | goal (issue #17) | |",
        "|---|---|---|---|---|---|",
        *rows,
    ]
    write_section("review", "\n".join(body))
    print("\n".join(body))


if __name__ == "__main__":
    main()
