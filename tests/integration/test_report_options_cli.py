"""``aiinfra report --start --cost-bps --benchmark`` on the shared prices (issue 18): the HTML
states the settings, and the backtest starts with the first review effective on or after the
start instead of in 2019. Skipped without ../shared/data/prices; in the slow suite (~12 s)."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.slow


def test_a_report_from_2023_with_costs_against_qqq_says_so(tmp_path, shared_prices):
    out = tmp_path / "r.html"
    r = run_cli("--prices", str(shared_prices), "--home", str(tmp_path / "h"), "report",
                "--as-of", "2026-06-30", "--start", "2023-01-01", "--cost-bps", "10",
                "--benchmark", "QQQ", "--out", str(out), "--format", "json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["backtest"] == {"start": "2023-01-01", "cost_bps": 10.0, "benchmarks": ["QQQ"]}
    assert doc["strategies"]["benchmarks"] == ["QQQ"]
    # the first review effective on or after 2023-01-01 (the March review), not 2019's
    first = doc["strategies"]["start"]
    assert "2023-01-01" <= first < "2023-07-01"
    page = out.read_text(encoding="utf-8")
    assert (
        "<b>Backtest settings</b>: start 2023-01-01 (the first review effective on or after it), "
        "transaction cost 10 bp per unit traded, benchmarks: QQQ</li>"
    ) in page
    shown = re.search(r"<h3>How it performed \((\d{4}-\d\d-\d\d) – 2026-06-30\)</h3>", page)
    assert shown is not None and shown.group(1) == first


def test_a_benchmark_without_prices_is_refused_before_anything_is_written(tmp_path, shared_prices):
    out = tmp_path / "r.html"
    r = run_cli("--prices", str(shared_prices), "--home", str(tmp_path / "h"), "report",
                "--benchmark", "NOSUCH", "--out", str(out))  # fmt: skip
    assert r.returncode == 3 and "`--benchmark` NOSUCH: no prices" in r.stderr
    assert "Traceback" not in r.stderr and not out.exists()
