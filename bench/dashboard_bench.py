"""Dashboard timings (section "dashboard" of RESULTS.md).

Workload: the dashboard over the bundled ledger and the price files of ``../shared/data/prices``.
Measured: ``aiinfra serve`` from launch to listening (a subprocess on 127.0.0.1, port 0); the
service calls behind each page, first call and cached; a callback's round trip through the Dash
HTTP endpoint (Flask test client) alone and while a 10^6-sample Monte Carlo job runs in the
dashboard's job pool (the page must not block).

Run: ``python bench/dashboard_bench.py`` (``make bench`` runs it).
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_section

ROOT = Path(__file__).resolve().parents[1]
PRICES = ROOT.parent / "shared" / "data" / "prices"


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def serve_startup(home: str) -> float:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from aiinfra.app import main; main()", "--home", home,
         "--prices", str(PRICES), "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    took = time.perf_counter() - t0
    proc.terminate()
    proc.wait(10)
    if not re.search(r"http://127\.0\.0\.1:\d+/", line):
        raise SystemExit(f"dashboard bench: the server did not start: {line}")
    return took


def callback_round_trip(client, samples: int = 5) -> float:  # type: ignore[no-untyped-def]
    payload = {
        "output": "st-result.children",
        "outputs": {"id": "st-result", "property": "children"},
        "inputs": [
            {"id": "st-parties", "property": "value", "value": ["openai"]},
            {"id": "st-shortfall", "property": "value", "value": 0.5},
            {"id": "st-pass", "property": "value", "value": 0.5},
        ],
        "state": [{"id": "lang", "property": "value", "value": "en"}],
        "changedPropIds": ["st-parties.value"],
    }
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        r = client.post("/_dash-update-component", json=payload)
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200
    return statistics.median(times)


def main() -> None:
    if not PRICES.is_dir():
        sys.exit(f"dashboard bench: {PRICES} is absent; nothing measured")
    from aiinfra.config import get_settings
    from aiinfra.services.dashboard import Dashboard
    from aiinfra.web._app import create_app
    from aiinfra.web._jobs import Jobs

    home = tempfile.mkdtemp(prefix="aiinfra-bench-")
    rows: list[tuple[str, str]] = []
    rows.append(("`aiinfra serve` launch → listening (subprocess)", f"{serve_startup(home):.2f} s"))
    settings = get_settings(home=home, prices_dir=PRICES)
    t, board = timed(Dashboard, settings)
    rows.append(("`Dashboard(...)`: ledger + price directory + last price date", f"{t:.2f} s"))
    t, _ = timed(board.overview)
    rows.append(("Overview cards, first call (default review + backtest since 2019, gap, graph)",
                 f"{t:.2f} s"))  # fmt: skip
    t, _ = timed(board.overview)
    rows.append(("Overview cards, cached", f"{1e6 * t:.0f} µs"))
    t, _ = timed(board.index_view, single_cap=0.12)
    from aiinfra.services.index import form_index

    m = board.methodology(0.13)
    t_before, _ = timed(form_index, board.ledger, board.prices, m, board.as_of, fx=board.fx,
                        compare=False)  # fmt: skip
    t_after, _ = timed(board.index_view, single_cap=0.13)
    rows.append(
        (
            "Index page, a new cap (review + backtest, the dashboard's review cache; goal ≤ 300 "
            f"ms: {'met' if max(t, t_after) <= 0.3 else 'NOT met'})",
            f"{1000 * t:.0f} ms (cap 0.12), {1000 * t_after:.0f} ms (cap 0.13)",
        )
    )
    rows.append(
        (
            "The same rerun with a fresh review cache (what a new cap cost before issue 17; cap "
            "0.13, same run)",
            f"{t_before:.2f} s ({t_before / t_after:.0f}×)",
        )
    )
    t, _ = timed(board.flow_view, "2024-12-31")
    rows.append(("Flow map, a new as-of date (graph, metrics, cycles)", f"{1000 * t:.0f} ms"))
    t, _ = timed(board.company, "nvidia", "2024-12-31")
    rows.append(("Flow map, a node click (side panel)", f"{1000 * t:.0f} ms"))
    t, _ = timed(board.stress, ["openai"], 0.5, 0.5)
    rows.append(("Stress test, one party", f"{1000 * t:.0f} ms"))
    t, _ = timed(board.gap, {"gross_margin": 0.6}, samples=1_000_000)
    rows.append(("ROI gap with 10^6 Monte Carlo samples", f"{t:.2f} s"))
    jobs = Jobs()
    app = create_app(board, jobs=jobs)
    client = app.server.test_client()
    alone = callback_round_trip(client)
    rows.append(("A callback's HTTP round trip (stress page, cached)", f"{1000 * alone:.0f} ms"))
    jid = jobs.submit(
        lambda progress: board.gap({"gross_margin": 0.55}, samples=1_000_000, progress=progress)
    )
    time.sleep(0.05)
    busy = callback_round_trip(client)
    running = jobs.poll(jid)["state"] == "running"
    while jobs.poll(jid)["state"] == "running":
        time.sleep(0.05)
    rows.append(
        (
            "The same round trip while a 10^6-sample job runs"
            + ("" if running else " (the job ended first)"),
            f"{1000 * busy:.0f} ms",
        )
    )
    jobs.close()
    n_files = len(list(PRICES.glob("*.csv")))
    body = [
        "## Dashboard (`bench/dashboard_bench.py`)",
        "",
        "Command: `python bench/dashboard_bench.py` (run by `make bench`). Workload: the bundled "
        f"ledger and the {n_files} price files of `../shared/data/prices` (no FX); one run each "
        "(first calls are uncached, as a fresh server sees them). Since issue 14 the default "
        "index view also runs the static-score comparison backtest and the systematic-vs-house "
        "comparison; a changed cap runs the point-in-time backtest alone.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {time.strftime('%Y-%m-%d')}.",
        "",
        "| step | time |",
        "|---|---|",
        *[f"| {a} | {b} |" for a, b in rows],
    ]
    write_section("dashboard", "\n".join(body))
    print("\n".join(body))


if __name__ == "__main__":
    main()
