"""Speed and memory of the level engine against a numpy reference, bt and vectorbt.

Workload (issue #3): synthetic seeded prices, T = 6300 days (25 years), N = 50, 500 and 5000
securities, quarterly rebalances (every 63 days) to fixed random weights, daily levels.
Run: ``make bench`` (or ``python bench/index_bench.py [--peers] [--repeat R]``).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_section

from aiinfra.index import Rebalance, compute_levels

T = 6300
STEP = 63
PEER_LIMIT_S = 600.0
# measured on this kind of machine (issue #3); used only to decide whether a peer would run past
# the 10-minute limit
PEER_ESTIMATE_S = {
    "bt": {50: 1.8, 500: 12.0, 5000: 340.0},
    "vectorbt": {50: 0.05, 500: 0.65, 5000: 11.0},
}


def workload(n: int, seed: int = 0) -> tuple[pd.DataFrame, list[int], np.ndarray]:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2000-01-03", periods=T)
    px = 100.0 * np.exp(np.cumsum(rng.normal(0.0002, 0.02, (T, n)), axis=0))
    close = pd.DataFrame(px, index=idx, columns=[f"S{i:04d}" for i in range(n)])
    days = list(range(0, T, STEP))
    raw = rng.uniform(0.1, 1.0, (len(days), n))
    return close, days, raw / raw.sum(axis=1, keepdims=True)


def schedule(close: pd.DataFrame, days: list[int], w: np.ndarray) -> list[Rebalance]:
    """The engine's input (built once, outside the timing, like the reference's arrays)."""
    idx = close.index
    return [
        Rebalance(idx[d], idx[d], pd.Series(w[k], index=close.columns)) for k, d in enumerate(days)
    ]


def engine(close: pd.DataFrame, rebs: list[Rebalance]) -> np.ndarray:
    return compute_levels(close, rebs, stale_days=None).levels["PR"].to_numpy()


def reference(close: pd.DataFrame, days: list[int], w: np.ndarray) -> np.ndarray:
    """The plainest vectorised numpy: shares per rebalance, one matrix-vector product a segment."""
    p = close.to_numpy()
    out = np.empty(p.shape[0])
    level, bounds = 1000.0, [*days, p.shape[0] - 1]
    out[0] = level
    for k, d in enumerate(days):
        shares = w[k] * level / p[d]
        seg = slice(d + 1, bounds[k + 1] + 1)
        out[seg] = p[seg] @ shares
        level = out[bounds[k + 1]]
    return out


def with_bt(close: pd.DataFrame, days: list[int], w: np.ndarray) -> np.ndarray:
    import bt

    dates = [close.index[d] for d in days]
    target = pd.DataFrame(w, index=dates, columns=close.columns)
    s = bt.Strategy(
        "s",
        [
            bt.algos.RunOnDate(*dates),
            bt.algos.SelectAll(),
            bt.algos.WeighTarget(target),
            bt.algos.Rebalance(),
        ],
    )
    t = bt.Backtest(s, close, integer_positions=False, progress_bar=False)
    bt.run(t)
    return t.strategy.values.loc[close.index].to_numpy() / 1e3


def with_vectorbt(close: pd.DataFrame, days: list[int], w: np.ndarray) -> np.ndarray:
    import vectorbt as vbt

    size = np.full(close.shape, np.nan)
    size[days] = w
    pf = vbt.Portfolio.from_orders(
        close=close,
        size=size,
        size_type="targetpercent",
        group_by=True,
        cash_sharing=True,
        call_seq="auto",
        init_cash=1e6,
        fees=0.0,
        freq="1D",
    )
    return pf.value().to_numpy() / 1e3


def timed(fn, args, repeat: int) -> tuple[float, np.ndarray]:
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def peak(fn, args) -> int:
    gc.collect()
    tracemalloc.start()
    fn(*args)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="50,500,5000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--peers", action="store_true", help="also time bt and vectorbt")
    args = ap.parse_args()
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        close, days, w = workload(n)
        matrix = close.to_numpy().nbytes
        t_ref, ref = timed(reference, (close, days, w), args.repeat)
        rebs = schedule(close, days, w)
        t_eng, eng = timed(engine, (close, rebs), args.repeat)
        err = float(np.max(np.abs(eng / ref - 1)))
        mem = peak(engine, (close, rebs)) / matrix
        row = {
            "N": n,
            "reference": t_ref,
            "engine": t_eng,
            "ratio": t_eng / t_ref,
            "mem": mem,
            "err": err,
        }
        for name, fn in (("bt", with_bt), ("vectorbt", with_vectorbt)):
            if not args.peers:
                row[name] = "not run (use --peers)"
                continue
            if PEER_ESTIMATE_S[name][n] > PEER_LIMIT_S:
                row[name] = "skipped: would exceed 10 min"
                continue
            try:
                if name == "vectorbt":
                    small = workload(5)
                    with_vectorbt(*small)  # numba compile, not timed
                t_peer, out = timed(fn, (close, days, w), 1 if n >= 500 else 3)
                row[name] = (
                    f"{t_peer:.3f} s (max rel. diff {float(np.max(np.abs(out / ref - 1))):.1e})"
                )
            except ImportError:
                row[name] = "not installed"
        rows.append(row)
        print(row, flush=True)
    lines = [
        "## Index level engine (`bench/index_bench.py`)",
        "",
        f"Command: `python bench/index_bench.py --peers --repeat {args.repeat}` (run by `make bench`). "
        f"Synthetic seeded prices, T = {T} days, quarterly rebalances (every {STEP} days) to fixed weights. "
        "Times are medians (engine and reference over the repeats; bt and vectorbt one run at N ≥ 500, "
        "vectorbt after its numba compile). Peak memory is tracemalloc's peak during one engine call, "
        "as a multiple of the price matrix (T × N float64).",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {time.strftime('%Y-%m-%d')}.",
        "",
        "| N | numpy reference | engine | engine / reference (goal ≤ 2) | peak memory / matrix (goal < 3) | max rel. diff to reference | bt | vectorbt |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['N']} | {r['reference'] * 1e3:.1f} ms | {r['engine'] * 1e3:.1f} ms | {r['ratio']:.2f} "
            f"({'met' if r['ratio'] <= 2 else 'NOT met'}) | {r['mem']:.2f} ({'met' if r['mem'] < 3 else 'NOT met'}) "
            f"| {r['err']:.1e} | {r['bt']} | {r['vectorbt']} |"
        )
    write_section("index", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
