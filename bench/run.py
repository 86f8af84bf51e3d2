"""Benchmarks. `make bench` runs them and rewrites bench/RESULTS.md with the figures measured.

Each benchmark states its goal; the results file records the command, the machine and whether the
goal was met. Nothing here is a test: timings vary with the machine.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_PRICES = ROOT.parent / "shared" / "data" / "prices"
AIINFRA = [sys.executable, "-c", "from aiinfra.app import main; main()"]
#: the report's date in the report benchmark (fixed, so that runs compare)
REPORT_AS_OF = "2026-06-30"


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def run(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        [*AIINFRA, *args], check=True, capture_output=True, env={**os.environ, **(env or {})}
    )


def main() -> None:
    rows: list[tuple[str, str, str, str]] = []

    t = timed(lambda: run("--help"), 7)
    med = statistics.median(t)
    rows.append(
        (
            "`aiinfra --help` (process start to exit)",
            f"{med:.3f} s median of 7 (max {max(t):.3f} s)",
            "< 1 s",
            "met" if med < 1 else "NOT met",
        )
    )

    with tempfile.TemporaryDirectory() as home:
        fresh = timed(lambda: run("--home", home, "ledger", "validate", "--no-cache"), 5)
        run("--home", home, "ledger", "validate")  # keeps the success (docs/cli.md)
        again = timed(lambda: run("--home", home, "ledger", "validate"), 5)
    med_fresh, med = statistics.median(fresh), statistics.median(again)
    rows.append(
        (
            "`aiinfra ledger validate --no-cache` (load + validate the bundled ledger afresh)",
            f"{med_fresh:.3f} s median of 5",
            "—",
            "—",
        )
    )
    rows.append(
        (
            "`aiinfra ledger validate`, files, code and day unchanged since a success (the kept "
            "result, keyed by SHA-256; no pandas)",
            f"{med:.3f} s median of 5 ({med_fresh / med:.1f}× less than afresh, same run)",
            "≤ 0.3 s",
            "met" if med <= 0.3 else "NOT met",
        )
    )

    import pandas as pd

    from aiinfra.ledger import load_ledger

    ledger = load_ledger()
    days = iter(pd.date_range("2024-01-01", periods=20, freq="ME"))
    t = timed(lambda: ledger.as_of(next(days)), 20)
    rows.append(
        (
            "`Ledger.as_of` on a new date (flows replayed from events; 20 month ends)",
            f"{statistics.median(t) * 1000:.1f} ms median of 20",
            "—",
            "—",
        )
    )
    t = timed(lambda: ledger.as_of("2025-06-30"), 20)
    rows.append(
        (
            "`Ledger.as_of` on a date asked for before (the ledger keeps its views)",
            f"{statistics.median(t) * 1000:.2f} ms median of 20",
            "—",
            "—",
        )
    )

    if SHARED_PRICES.is_dir():

        def imp() -> None:
            with tempfile.TemporaryDirectory() as home:
                run("--home", home, "prices", "import", str(SHARED_PRICES))

        t = timed(imp, 3)
        files = sorted(SHARED_PRICES.glob("*.csv"))
        n_rows = sum(sum(1 for _ in f.open()) - 1 for f in files)
        rows.append(
            (
                f"`aiinfra prices import` of {len(files)} tickers ({n_rows:,} rows) into a new store",
                f"{statistics.median(t):.2f} s median of 3",
                "—",
                "—",
            )
        )

    if SHARED_PRICES.is_dir():
        fx = SHARED_PRICES.parent / "fx"
        with tempfile.TemporaryDirectory() as home:
            out = str(Path(home) / "report.html")
            prices = ["--prices", str(SHARED_PRICES), *(["--fx", str(fx)] if fx.is_dir() else [])]
            t = timed(
                lambda: run(
                    "--home", home, *prices, "report", "--out", out, "--as-of", REPORT_AS_OF
                ),
                3,
            )
        med = statistics.median(t)
        rows.append(
            (
                f"`aiinfra --prices {SHARED_PRICES.parent.name}/prices --fx "
                f"{SHARED_PRICES.parent.name}/fx report --as-of {REPORT_AS_OF}` (the whole "
                "report: index, backtests, flows, circularity over time, stress, gap, diff; "
                "three runs in one new AIINFRA_HOME: the first keeps the validated ledger and "
                "price files, the next two read them)",
                f"{med:.2f} s median of 3 (first run {t[0]:.2f} s)",
                "≤ 5 s",
                "met" if med <= 5 else "NOT met",
            )
        )

    with tempfile.TemporaryDirectory() as home:
        env = {"HTTPS_PROXY": "http://127.0.0.1:9"}
        t = timed(
            lambda: subprocess.run(
                [*AIINFRA, "--home", home, "prices", "fetch", "NVDA"],
                capture_output=True,
                env={**os.environ, **env},
            ),
            3,
        )
    med = statistics.median(t)
    rows.append(
        (
            "`aiinfra prices fetch NVDA` offline (exit 3)",
            f"{med:.2f} s median of 3",
            "< 30 s",
            "met" if med < 30 else "NOT met",
        )
    )

    # a proxy that accepts connections and never answers: the run must end at the deadline
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"
    try:
        with tempfile.TemporaryDirectory() as home:
            t = timed(
                lambda: subprocess.run(
                    [*AIINFRA, "--home", home, "prices", "fetch", "NVDA"],
                    capture_output=True,
                    env={**os.environ, "HTTPS_PROXY": url, "https_proxy": url},
                ),
                3,
            )
    finally:
        silent.close()
    med = statistics.median(t)
    rows.append(
        (
            "`aiinfra prices fetch NVDA` behind a proxy that accepts and never answers (exit 3; "
            "default deadline 20 s)",
            f"{med:.2f} s median of 3",
            "≤ deadline + start-up",
            "met" if med < 25 else "NOT met",
        )
    )

    lines = [
        "## Command line and store",
        "",
        "Produced by `make bench` (`python bench/run.py`).",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}.",
        f"Date: {time.strftime('%Y-%m-%d')}.",
        "",
        "| benchmark | measured | goal | |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
    ]
    sys.path.insert(0, str(ROOT / "bench"))
    from _results import write_section

    write_section("cli", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
