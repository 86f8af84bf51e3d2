"""`flows metrics`: the table format prints its shares as percent, csv keeps fractions (issue 18,
docs/cli.md "Numbers")."""

from __future__ import annotations

import csv
import io

from tests.conftest import run_cli


def test_shares_in_percent_in_the_table_and_fractions_in_csv(tmp_path):
    env = {"AIINFRA_HOME": str(tmp_path / "h"), "COLUMNS": "250"}
    table = run_cli("flows", "metrics", "--as-of", "2026-06-30", env=env)
    data = run_cli("flows", "metrics", "--as-of", "2026-06-30", "--format", "csv", env=env)
    assert table.returncode == 0 and data.returncode == 0, table.stderr + data.stderr
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(data.stdout))}
    share = float(rows["openai"]["self_funded_share"])
    assert 0 < share < 1  # a fraction in csv
    line = next(x for x in table.stdout.splitlines() if "│ openai " in x)
    assert f"{round(share * 100, 1):.1f} %" in line
    assert "system cycling index" in table.stdout and " % as of 2026-06-30" in table.stdout
    assert "-0.0 %" not in table.stdout
