"""The README's Python example against the same backtest on the command line.

Goal (issue 12): the documented Python path runs in about the CLI's time. Both run as fresh
processes over ../shared/data/prices: the README's ``python`` block as a script (as
tests/integration/test_readme_example.py runs it), and the CLI backtest it mirrors
(semis_20cap, static scores, 2019-01-01..2026-05-29, QQQ and SMH, 5 bps, --out). The part of
the example up to ``result.write`` is the path the issue timed (it also runs one review); the
goal is met when it takes at most 1.25 times the CLI's time. The whole block (metrics,
attribution, the flow map, a 1000-sample significance test) is timed too, for information.

    python bench/readme_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
AIINFRA = [sys.executable, "-c", "from aiinfra.app import main; main()"]


def readme_python() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    return block


UNCACHED = """
import aiinfra.prices._csv_dir as _d
from aiinfra.prices._validation import read_price_csv as _read
_d.read_cached = lambda path: _read(str(path))  # every get re-reads and re-validates its file
"""


def readme_backtest_part() -> str:
    """The block up to ``result.write(...)``: the documented path to a written backtest."""
    block = readme_python()
    end = block.index("result.write(")
    return block[: block.index("\n", end) + 1]


def time_example(uncached: bool = False, part: bool = False) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "main"
        work.mkdir()
        (Path(tmp) / "shared").symlink_to(SHARED, target_is_directory=True)
        script = work / "readme_example.py"
        code = readme_backtest_part() if part else readme_python()
        script.write_text((UNCACHED if uncached else "") + code, encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, str(script)], cwd=work, check=True, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT / "src")})  # fmt: skip
        return time.perf_counter() - t0


def time_cli() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run(
            [*AIINFRA, "--prices", str(SHARED / "data" / "prices"), "index", "backtest",
             "--methodology", "semis_20cap", "--pit-mode", "static_scores",
             "--start", "2019-01-01", "--end", "2026-05-29", "--benchmark", "QQQ",
             "--benchmark", "SMH", "--cost-bps", "5", "--out", str(Path(tmp) / "bt"),
             "--format", "json"],
            check=True, capture_output=True,
        )  # fmt: skip
        return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not (SHARED / "data" / "prices").is_dir():
        sys.exit("../shared/data/prices is absent: nothing to measure")
    cli = [time_cli() for _ in range(args.repeat)]
    part = [time_example(part=True) for _ in range(args.repeat)]
    ex = [time_example() for _ in range(args.repeat)]
    before = time_example(uncached=True, part=True)  # once: it is slow
    c, p, e = statistics.median(cli), statistics.median(part), statistics.median(ex)
    met = p <= 1.25 * c
    lines = [
        "## README Python example (`bench/readme_bench.py`)",
        "",
        f"Produced by `python bench/readme_bench.py --repeat {args.repeat}` (part of `make bench`).",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        f"Date: {time.strftime('%Y-%m-%d')}.",
        "",
        "| run (fresh process each) | median | all runs |",
        "|---|---|---|",
        f"| CLI `index backtest` semis_20cap 2019-01..2026-05, QQQ+SMH, 5 bps, `--out` | {c:.1f} s | "
        + ", ".join(f"{x:.1f}" for x in cli)
        + " |",
        f"| README `python` block up to `result.write` (ledger, a review, the same backtest, "
        f"written) | {p:.1f} s | " + ", ".join(f"{x:.1f}" for x in part) + " |",
        f"| that part without the per-process price cache (each `get` re-reads and re-validates "
        f"its file, as before issue 12) | {before:.1f} s | one run |",
        f"| the whole block (also metrics, attribution, the flow map and a 1000-sample "
        f"significance test) | {e:.1f} s | " + ", ".join(f"{x:.1f}" for x in ex) + " |",
        "",
        f"Goal: the documented path to the backtest within 1.25× the CLI's time (it also runs a "
        f"review): {p / c:.2f}× — {'met' if met else 'NOT met'}; without the cache "
        f"{before / c:.1f}×.",
        "",
    ]
    sys.path.insert(0, str(ROOT / "bench"))
    from _results import write_section

    write_section("readme", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
