"""``aiinfra ledger validate`` keeps a success for unchanged files, code and day (issue 17).

Through the real entry point in subprocesses: the kept result prints exactly what a fresh
check prints and does not load pandas; a changed file, a corrupt cache file, ``--no-cache`` and
``--format csv`` check afresh; a failure is never kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aiinfra.services import ledger_check

PROBE = (
    "import sys\n"
    "from aiinfra.app import main\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    sys.stderr.write('\\nPANDAS=%s\\n' % ('pandas' in sys.modules))\n"
)


def run(home: Path, *args: str) -> tuple[int, str, str, bool]:
    """Exit code, stdout, stderr without the probe line, and whether pandas was imported."""
    env = {**os.environ, "AIINFRA_HOME": str(home), "COLUMNS": "120"}
    env.pop("AIINFRA_DATA", None)
    p = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=120
    )
    err, _, probe = p.stderr.rpartition("\nPANDAS=")
    return p.returncode, p.stdout, err, probe.strip() == "True"


SCORE_HEADER = (
    "company_id,as_of,category,qualitative,ai_revenue_share,ai_revenue_source_type,rationale,"
    "source\n"
)


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    """A valid overlay that replaces one bundled score row (so the overrides table shows)."""
    from aiinfra.ledger import bundled_data_dir

    d = tmp_path / "mine"
    d.mkdir()
    bundled = (bundled_data_dir() / "scores.csv").read_text().splitlines()
    (d / "scores.csv").write_text("\n".join([bundled[0], bundled[1]]) + "\n")
    return d


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_kept_success_prints_the_same_without_pandas(tmp_path, overlay, fmt):
    home = tmp_path / "home"
    rc1, out1, err1, pd1 = run(home, "ledger", "validate", "--data", str(overlay), "-f", fmt)
    assert rc1 == 0, err1
    assert pd1, "the first run checks afresh, through pandas"
    assert (home / "cache" / ledger_check.CACHE_FILE).is_file()
    rc2, out2, err2, pd2 = run(home, "ledger", "validate", "--data", str(overlay), "-f", fmt)
    assert rc2 == 0, err2
    assert not pd2, "the kept result must print without loading pandas"
    assert out2 == out1
    if fmt == "table":
        assert "overrides" in out1 and "scores" in out1  # the overlay's table is shown too
    else:
        assert json.loads(out1)["overrides"], "the overlay replaces one bundled row"


def test_no_cache_and_csv_check_afresh(tmp_path):
    home = tmp_path / "home"
    assert run(home, "ledger", "validate")[0] == 0
    rc, out, _, used_pandas = run(home, "ledger", "validate", "--no-cache")
    assert rc == 0 and used_pandas and "ledger is valid" in out
    rc, out, _, used_pandas = run(home, "ledger", "validate", "-f", "csv")
    assert rc == 0 and used_pandas and out.startswith("table,rows")


def test_a_changed_file_is_checked_again_and_a_failure_is_not_kept(tmp_path, overlay):
    home = tmp_path / "home"
    assert run(home, "ledger", "validate", "--data", str(overlay))[0] == 0
    scores = overlay / "scores.csv"
    header, row = scores.read_text().splitlines()
    cells = row.split(",")
    cells[1] = "2025-13-45"  # as_of: not a date
    scores.write_text(header + "\n" + ",".join(cells) + "\n")
    for _ in range(2):  # and again: the failure was not stored as anything
        rc, out, err, used_pandas = run(home, "ledger", "validate", "--data", str(overlay))
        assert rc == 2 and used_pandas, (out, err)
        assert "scores.csv" in err and "as_of" in err and "Traceback" not in err
    kept = json.loads((home / "cache" / ledger_check.CACHE_FILE).read_text())["entries"]
    assert len(kept) == 1  # the success of the valid file only


def test_a_corrupt_cache_file_is_ignored(tmp_path):
    home = tmp_path / "home"
    (home / "cache").mkdir(parents=True)
    (home / "cache" / ledger_check.CACHE_FILE).write_text("{not json")
    rc, out, err, used_pandas = run(home, "ledger", "validate")
    assert rc == 0 and used_pandas and "ledger is valid" in out, err
    assert run(home, "ledger", "validate")[3] is False  # and replaced by a good one


def test_the_key_follows_the_day_the_files_and_the_limit(tmp_path, overlay, monkeypatch):
    today = dt.date(2026, 12, 4)
    k = ledger_check.key(overlay, today)
    assert k is not None and k == ledger_check.key(overlay, today)
    assert ledger_check.key(overlay, today + dt.timedelta(days=1)) != k
    assert ledger_check.key(None, today) != k
    (overlay / "notes.txt").write_text("a file the loader does not read is still named")
    k2 = ledger_check.key(overlay, today)
    assert k2 != k
    scores = overlay / "scores.csv"
    scores.write_text(scores.read_text() + "\n")
    assert ledger_check.key(overlay, today) not in (k, k2)
    monkeypatch.setenv("AIINFRA_MAX_LEDGER_FILE_BYTES", "10")
    assert ledger_check.key(overlay, today) is None  # over the limit: the full check says so
    monkeypatch.setenv("AIINFRA_MAX_LEDGER_FILE_BYTES", "many")
    assert ledger_check.key(overlay, today) is None


def test_a_fifo_in_the_data_directory_is_not_read(tmp_path):
    d = tmp_path / "odd"
    d.mkdir()
    os.mkfifo(d / "flows.csv")  # reading it would block forever
    assert ledger_check.key(d) is None
