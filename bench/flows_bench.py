"""Speed and memory of the capital-flow map's algorithms (section "flows" of bench/RESULTS.md).

Sections (run by name; all by default, and only a full run rewrites the whole "flows" section):

``cycles``
    Bounded simple-cycle enumeration, :func:`aiinfra.flows._cycles.simple_cycles`, against
    :func:`networkx.simple_cycles` with ``length_bound=k``. Workload: seeded random digraphs of
    10^3, 10^4 and 10^5 nodes with 5 distinct out-edges each (targets drawn by numpy, no
    self-loops), k = 4 and 5, plus the real ledger graph as of 2026-06-30. Both must produce the
    same set of cycles wherever both ran (asserted). Goals (issue): ≥ 10× faster than networkx
    where networkx finishes; 10^4 nodes with k = 5 in under 10 s.

Run: ``python bench/flows_bench.py [--sections cycles] [--repeat R] [--no-nx-scaling]``.
The whole run takes about 2-3 minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_section

from aiinfra.flows._cycles import _index, simple_cycles

OUT_DEGREE = 5
SIZES = (1_000, 10_000, 100_000)
BOUNDS = (4, 5)
#: networkx is run only at sizes up to this (its bounded search redoes the strongly connected
#: components after every start node, so its time grows about quadratically with n)
NX_MAX_N = 1_000
#: sizes at which networkx is also timed (k = 4) to show how its time grows
NX_SCALING_SIZES = (1_000, 2_000, 4_000)
NX_SKIP_NOTE = "skipped: networkx would exceed 5 minutes (measured ≈ >5 min at 10^4 on this machine per the issue)"
LEDGER_DATE = "2026-06-30"


# --------------------------------------------------------------------------------------------
# helpers


def random_digraph(n: int, d: int = OUT_DEGREE, seed: int = 0) -> nx.DiGraph:
    """n nodes, each with d distinct out-edges to other nodes chosen uniformly (seeded)."""
    assert n > d, "need more nodes than out-edges per node"
    rng = np.random.default_rng(seed)
    src = np.arange(n)[:, None]
    targets = rng.integers(0, n - 1, size=(n, d))
    targets += targets >= src  # skip the node itself: no self-loops
    while True:
        srt = np.sort(targets, axis=1)
        dup = (srt[:, 1:] == srt[:, :-1]).any(axis=1)
        if not dup.any():
            break
        redraw = rng.integers(0, n - 1, size=(int(dup.sum()), d))  # rows with a repeat
        targets[dup] = redraw + (redraw >= src[dup])
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from(
        zip(np.repeat(np.arange(n), d).tolist(), targets.ravel().tolist(), strict=True)
    )
    return G


def key(cycle: Iterable[Hashable]) -> frozenset[tuple[Hashable, Hashable]]:
    """A cycle by its edge set: the same for every rotation."""
    c = list(cycle)
    return frozenset(zip(c, [*c[1:], c[0]], strict=True))


def timed(fn: Callable[[], Any], repeat: int, number: int = 1) -> tuple[float, Any]:
    """Median over ``repeat`` runs of the time per call, each run timing ``number`` calls."""
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        for _ in range(number):
            out = fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times), out


def peak(fn: Callable[[], Any]) -> int:
    """tracemalloc's peak (bytes) during one call."""
    gc.collect()
    tracemalloc.start()
    fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def fmt_s(t: float) -> str:
    if t < 1e-3:
        return f"{t * 1e6:.0f} µs"
    return f"{t * 1e3:.1f} ms" if t < 1 else f"{t:.2f} s"


# --------------------------------------------------------------------------------------------
# section: cycles


def ours(G: nx.DiGraph, k: int) -> list[list[Hashable]]:
    return list(simple_cycles(G, length_bound=k))


def ours_count(G: nx.DiGraph, k: int) -> int:
    return sum(1 for _ in simple_cycles(G, length_bound=k))


def theirs(G: nx.DiGraph, k: int) -> list[list[Hashable]]:
    return list(nx.simple_cycles(G, length_bound=k))


def assert_same(a: list[list[Hashable]], b: list[list[Hashable]], what: str) -> None:
    ka, kb = [key(c) for c in a], {key(c) for c in b}
    assert len(ka) == len(set(ka)), f"{what}: a cycle reported twice"
    assert set(ka) == kb, (
        f"{what}: {len(kb - set(ka))} cycles missing, {len(set(ka) - kb)} spurious"
    )


def fmt_mem(b: int) -> str:
    return f"{b / 2**10:.0f} KiB" if b < 2**20 else f"{b / 2**20:.1f} MiB"


def bench_cycles(args: argparse.Namespace) -> list[str]:
    rows: list[dict[str, Any]] = []

    def measure(label: str, G: nx.DiGraph, k: int, repeat: int, number: int, run_nx: bool) -> None:
        t_ours, found = timed(lambda: ours(G, k), repeat, number)
        mem = peak(lambda: ours_count(G, k))
        row: dict[str, Any] = {
            "graph": label,
            "n": G.number_of_nodes(),
            "m": G.number_of_edges(),
            "k": k,
            "cycles": len(found),
            "ours": t_ours,
            "how": f"median of {repeat}" if repeat > 1 else "one run",
            "mem": mem,
            "nx": None,
            "nx_how": "",
        }
        if number > 1:
            row["how"] += f" × {number} calls"
        if run_nx:
            nx_repeat = 1 if G.number_of_nodes() >= 1_000 else repeat
            t_nx, ref = timed(lambda: theirs(G, k), nx_repeat, number)
            assert_same(found, ref, f"{label}, k = {k}")
            row["nx"] = t_nx
            row["nx_how"] = f"median of {nx_repeat}" if nx_repeat > 1 else "one run"
            if number > 1:
                row["nx_how"] += f" × {number} calls"
        rows.append(row)
        print(row, flush=True)

    # the real ledger graph: small, so each timing covers many calls
    from aiinfra import load_ledger
    from aiinfra.flows import flow_graph

    ledger_graph = flow_graph(load_ledger(), LEDGER_DATE)
    for k in BOUNDS:
        measure(f"ledger {LEDGER_DATE}", ledger_graph, k, args.repeat, 200, True)
    t_setup, _ = timed(lambda: _index(ledger_graph), args.repeat, 200)

    # random digraphs
    for n in SIZES:
        G = random_digraph(n, seed=n)
        for k in BOUNDS:
            repeat = args.repeat if n <= 10_000 else 1
            measure(f"random, out-degree {OUT_DEGREE}", G, k, repeat, 1, n <= NX_MAX_N)
        del G

    # how networkx's time grows (k = 4): the evidence for skipping it at 10^4
    scaling: list[tuple[int, float, float]] = []
    if not args.no_nx_scaling:
        for n in NX_SCALING_SIZES:
            G = random_digraph(n, seed=n)
            t_nx, ref = timed(lambda G=G: theirs(G, 4), 1)
            t_ours, found = timed(lambda G=G: ours(G, 4), 3)
            assert_same(found, ref, f"scaling n = {n}, k = 4")
            scaling.append((n, t_nx, t_ours))
            print(("nx scaling", n, t_nx, t_ours), flush=True)

    # goals
    r10k = next(
        r for r in rows if r["n"] == 10_000 and r["k"] == 5 and r["graph"].startswith("random")
    )
    goal_10k = r10k["ours"] < 10.0
    speedups = [(r, r["nx"] / r["ours"]) for r in rows if r["nx"] is not None]
    on_random = [(r, s) for r, s in speedups if r["graph"].startswith("random")]
    on_ledger = [(r, s) for r, s in speedups if r["graph"].startswith("ledger")]
    goal_random = all(s >= 10 for _, s in on_random)
    goal_ledger = all(s >= 10 for _, s in on_ledger)

    lines = [
        "### Bounded simple cycles (`simple_cycles` vs `networkx.simple_cycles(G, length_bound=k)`)",
        "",
        f"Workload: seeded random digraphs (numpy `default_rng(seed = n)`), every node with {OUT_DEGREE} "
        "distinct out-edges to uniformly drawn other nodes (no self-loops); and the real ledger graph "
        f'(`flow_graph(load_ledger(), "{LEDGER_DATE}")`). Both sides start from the same networkx graph '
        "(our time includes turning it into integer adjacency lists) and collect every cycle into a "
        "list. Times are per call: the median over the runs stated (on the small ledger graph each run "
        "times 200 calls). Peak memory is tracemalloc's peak during one of our calls that counts the "
        "cycles without keeping them. Wherever both ran, the two sets of cycles (compared by edge set, "
        "so rotations do not matter) are asserted equal (✓).",
        "",
        "| graph | nodes | edges | k | cycles | ours | networkx | speed-up | our peak memory |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        nx_cell = f"{fmt_s(r['nx'])} ({r['nx_how']}) ✓" if r["nx"] is not None else "skipped¹"
        speed = f"{r['nx'] / r['ours']:.0f}×" if r["nx"] is not None else "—"
        lines.append(
            f"| {r['graph']} | {r['n']:,} | {r['m']:,} | {r['k']} | {r['cycles']:,} | "
            f"{fmt_s(r['ours'])} ({r['how']}) | {nx_cell} | {speed} | {fmt_mem(r['mem'])} |"
        )
    lines += ["", f"¹ {NX_SKIP_NOTE}."]
    if scaling:
        ns = np.log([s[0] for s in scaling])
        ts = np.log([s[1] for s in scaling])
        slope, icpt = np.polyfit(ns, ts, 1)
        est = math.exp(icpt + slope * math.log(10_000))
        lines[-1] += (
            " This run agrees: networkx's bounded search recomputes the strongly connected components "
            "of what is left after each start node, so its time grows about quadratically with n. "
            "Measured at k = 4: "
            + "; ".join(f"n = {n:,}: networkx {fmt_s(t)}, ours {fmt_s(o)}" for n, t, o in scaling)
            + f" (same cycles, asserted). A power-law fit (time ∝ n^{slope:.2f}) puts networkx at "
            f"≈ {est / 60:.0f} min for 10^4 nodes at k = 4 (more at k = 5), beyond the 5-minute cap."
        )
    lines += [
        "",
        "Goals (issue):",
        "",
        "- ≥ 10× faster than networkx where it finishes, on the random digraphs (10^3 nodes): "
        + ", ".join(f"{s:.0f}× (k = {r['k']})" for r, s in on_random)
        + f" — {'met' if goal_random else 'NOT met'}. On the ledger graph (55 nodes, 84 edges): "
        + ", ".join(f"{s:.0f}× (k = {r['k']})" for r, s in on_ledger)
        + f" — {'met' if goal_ledger else 'NOT met'}"
        + (
            ""
            if goal_ledger
            else ": at this size both take about a millisecond or less, and our fixed cost of "
            f"turning the graph into index arrays and finding its strong components "
            f"({fmt_s(t_setup)} a call) is a large part of ours"
        )
        + ".",
        f"- 10^4 nodes with k = 5 under 10 s: {fmt_s(r10k['ours'])} — "
        f"{'met' if goal_10k else 'NOT met'}.",
    ]
    return lines


# --------------------------------------------------------------------------------------------

SECTIONS: dict[str, Callable[[argparse.Namespace], list[str]]] = {
    "cycles": bench_cycles,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run (default all: {', '.join(SECTIONS)})",
    )
    ap.add_argument(
        "--repeat", type=int, default=5, help="runs per timing (median) up to 10^4 nodes"
    )
    ap.add_argument(
        "--no-nx-scaling",
        action="store_true",
        help="skip timing networkx at 2·10^3 and 4·10^3 nodes (about 90 s)",
    )
    args = ap.parse_args()
    names = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = [s for s in names if s not in SECTIONS]
    if unknown:
        ap.error(f"section(s) {', '.join(unknown)} not found; available: {', '.join(SECTIONS)}")
    started = time.perf_counter()
    body: list[str] = []
    for name in names:
        body += SECTIONS[name](args)
        body.append("")
    cmd = "python bench/flows_bench.py" + (
        f" --sections {','.join(names)}" if names != list(SECTIONS) else ""
    )
    head = [
        "## Capital-flow map (`bench/flows_bench.py`)",
        "",
        f"Command: `{cmd}{' --repeat ' + str(args.repeat) if args.repeat != 5 else ''}"
        f"{' --no-nx-scaling' if args.no_nx_scaling else ''}`; whole run "
        f"{time.perf_counter() - started:.0f} s.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"networkx {nx.__version__}, numpy {np.__version__}; {time.strftime('%Y-%m-%d')}.",
        "",
    ]
    write_section("flows", "\n".join(head + body))
    print("\n".join(head + body))


if __name__ == "__main__":
    main()
