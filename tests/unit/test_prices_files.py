"""Price files through the command line: out-of-range dates, non-regular and oversized files,
an empty ``--prices``. Every failure exits 2 naming file, row, column and rule; nothing is stored."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli, write_prices

HEADER = "date,open,high,low,close,adj_close,volume\n"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"AIINFRA_HOME": str(tmp_path / "home"), **extra}


def _store(tmp_path: Path) -> Path:
    return tmp_path / "home" / "aiinfra.duckdb"


def test_a_date_pandas_cannot_hold_is_exit_2_naming_row_and_column(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "AAA.csv").write_text(HEADER + "2024-01-02,1,1,1,1,1,1\n9999-12-31,1,1,1,1,1,1\n")
    proc = run_cli("prices", "import", str(src), env=_env(tmp_path))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{src / 'AAA.csv'}, row 3, column 'date': must be a date from 1677-09-22 to " \
        "2262-04-11" in proc.stderr  # fmt: skip
    assert "'9999-12-31'" in proc.stderr
    assert not _store(tmp_path).exists()


def test_a_failed_import_leaves_an_existing_store_as_it_was(tmp_path):
    good = tmp_path / "good"
    write_prices(good, "AAA", n=10)
    assert run_cli("prices", "import", str(good), env=_env(tmp_path)).returncode == 0
    before = run_cli("prices", "list", "--format", "json", env=_env(tmp_path)).stdout
    bad = tmp_path / "bad"
    write_prices(bad, "BBB", n=10)
    (bad / "CCC.csv").write_text(HEADER + "2262-04-12,1,1,1,1,1,1\n")
    proc = run_cli("prices", "import", str(bad), env=_env(tmp_path))
    assert proc.returncode == 2 and "CCC.csv, row 2, column 'date'" in proc.stderr
    assert run_cli("prices", "list", "--format", "json", env=_env(tmp_path)).stdout == before


def test_the_same_rule_on_many_rows_lists_the_first_and_counts_the_rest(tmp_path):
    path = tmp_path / "MANY.csv"
    rows = [f"{2263 + i}-01-02,1,1,1,1,1,1\n" for i in range(100)]
    path.write_text(HEADER + "".join(rows))
    proc = run_cli("prices", "import", str(path), env=_env(tmp_path))
    assert proc.returncode == 2, proc.stderr
    listed = [line for line in proc.stderr.splitlines() if ", row " in line]
    assert len(listed) == 20  # MAX_LISTED
    assert "80 more rows after row 21 break this rule (100 in all" in proc.stderr


@pytest.mark.slow
def test_a_million_rows_running_past_2262_is_exit_2_not_a_traceback(tmp_path):
    import pandas as pd

    days = pd.date_range("1990-01-01", periods=1_000_000, freq="D", unit="s").strftime("%Y-%m-%d")
    path = tmp_path / "BIG.csv"
    path.write_text(HEADER + "".join(f"{d},1,1,1,1,1,1\n" for d in days))
    first_bad = int((pd.Timestamp("2262-04-12") - pd.Timestamp("1990-01-01")).days) + 2  # line
    proc = run_cli("prices", "import", str(path), env=_env(tmp_path), timeout=300)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert f"BIG.csv, row {first_bad}, column 'date': must be a date from" in proc.stderr
    assert not _store(tmp_path).exists()


def test_a_symlink_to_dev_zero_is_refused_without_reading_it(tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    src = tmp_path / "src"
    write_prices(src, "AAA", n=10)
    (src / "ZERO.csv").symlink_to("/dev/zero")
    t0 = time.monotonic()
    proc = run_cli("prices", "import", str(src), env=_env(tmp_path), timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert f"{src / 'ZERO.csv'}: must be a regular file" in proc.stderr
    assert time.monotonic() - t0 < 60
    assert not _store(tmp_path).exists()
    # the same file named directly, and read through --prices
    proc = run_cli("prices", "import", str(src / "ZERO.csv"), env=_env(tmp_path), timeout=60)
    assert proc.returncode == 2 and "must be a regular file" in proc.stderr
    proc = run_cli("--prices", str(src), "prices", "list", env=_env(tmp_path), timeout=60)
    assert proc.returncode == 2 and "ZERO.csv: must be a regular file" in proc.stderr


def test_a_file_over_the_byte_limit_is_refused(tmp_path):
    src = tmp_path / "src"
    write_prices(src, "AAA", n=10)
    size = (src / "AAA.csv").stat().st_size
    env = _env(tmp_path, AIINFRA_MAX_PRICE_FILE_BYTES=str(size - 1))
    proc = run_cli("prices", "import", str(src), env=env)
    assert proc.returncode == 2, proc.stderr
    assert f"must be at most {size - 1:,} bytes" in proc.stderr and f"{size:,} bytes" in proc.stderr
    assert not _store(tmp_path).exists()
    env["AIINFRA_MAX_PRICE_FILE_BYTES"] = str(size)
    assert run_cli("prices", "import", str(src), env=env).returncode == 0
    env["AIINFRA_MAX_PRICE_FILE_BYTES"] = "lots"
    proc = run_cli("prices", "import", str(src), env=env)
    assert proc.returncode == 2 and "`AIINFRA_MAX_PRICE_FILE_BYTES`" in proc.stderr


def test_an_empty_prices_option_is_an_error_naming_it(tmp_path):
    # the current directory holds a valid price file: reading it silently would exit 0
    write_prices(tmp_path, "AAA", n=10)
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", "from aiinfra.app import main; main()", "--prices", "",
         "prices", "list"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, **_env(tmp_path)},
    )  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "`--prices`" in proc.stderr and "empty" in proc.stderr
    assert "AAA" not in proc.stdout
