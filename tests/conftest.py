"""Shared fixtures. Real components only: real CSV files, a real DuckDB file, real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
SHARED_PRICES = SHARED / "data" / "prices"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the user's AIINFRA_* settings or writes outside tmp_path."""
    for var in ("AIINFRA_HOME", "AIINFRA_PRICES", "AIINFRA_DATA", "AIINFRA_LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AIINFRA_HOME", str(tmp_path / "home"))


@pytest.fixture
def mini_ledger_dir() -> Path:
    return FIXTURES / "mini_ledger"


@pytest.fixture
def shared_prices() -> Path:
    if not SHARED_PRICES.is_dir():
        pytest.skip("../shared/data/prices is absent")
    return SHARED_PRICES


def write_prices(
    directory: Path, ticker: str, n: int = 30, seed: int = 0, start: str = "2024-01-01"
) -> pd.DataFrame:
    """A synthetic, valid price file (business days, positive prices)."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range(start, periods=n)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    frame = pd.DataFrame(
        {
            "date": dates.strftime("%Y-%m-%d"),
            "open": close * 0.99,
            "high": close * 1.01,
            "low": close * 0.98,
            "close": close,
            "adj_close": close * 0.995,
            "volume": rng.integers(1_000, 10_000, n).astype(float),
        }
    )
    directory.mkdir(parents=True, exist_ok=True)
    frame.to_csv(directory / f"{ticker}.csv", index=False)
    return frame


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real `aiinfra` entry point in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", "from aiinfra.app import main; main()", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )
