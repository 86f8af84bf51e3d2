"""`aiinfra flows history` on the bundled ledger: formats, the seed, errors, the drawdowns."""

from __future__ import annotations

import io
import json

import pandas as pd
from typer.testing import CliRunner

from aiinfra.app import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["flows", "history", *args], catch_exceptions=False)


def test_json_is_reproducible_and_says_why_there_are_no_drawdowns():
    args = ("--from", "2025", "--to", "2026-03-31", "--samples", "20", "--seed", "4")
    a, b = invoke(*args, "--format", "json"), invoke(*args, "--format", "json")
    assert a.exit_code == 0, a.output
    assert a.stdout == b.stdout
    doc = json.loads(a.stdout)
    assert [d["date"] for d in doc["dates"]] == [
        "2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31", "2026-03-31"]  # fmt: skip
    assert (doc["samples"], doc["seed"], doc["freq"], doc["benchmark"]) == (20, 4, "Q", "SMH")
    first = doc["dates"][0]
    assert first["cycle_volume"] == 0 and first["cycles"] == 0 and first["p_value"] == 1.0
    assert doc["dates"][-1]["cycle_volume"] > 0
    assert set(first["self_funded"]) == {t["id"] for t in doc["top"]} and len(doc["top"]) == 5
    assert "no prices given" in doc["notes"][0] and "index_drawdown" not in first
    assert a.stderr == ""  # the notes are in the document


def test_csv_has_one_row_per_month_end_and_as_of_is_the_last_day():
    r = invoke("--from", "2026-01", "--as-of", "2026-04-30", "--freq", "m", "--samples", "3",
               "--format", "csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    frame = pd.read_csv(io.StringIO(r.stdout))
    assert frame["date"].tolist() == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]
    assert {"cycling_index", "cycle_volume", "p_value", "seed"} <= set(frame.columns)
    assert sum(c.startswith("self_funded_") for c in frame.columns) == 5


def test_the_table_shows_both_tables():
    r = invoke("--from", "2026", "--to", "2026-06-30", "--samples", "3", "--top", "2")
    assert r.exit_code == 0, r.output
    assert "circularity at every Q end 2026-01-01" in r.stdout
    assert "self-funded revenue share" in r.stdout and "2 dates" in r.stdout
    assert "note: no prices given (--prices DIR)" in r.stderr


def test_errors_exit_2_and_name_the_rule():
    r = invoke("--from", "2026", "--to", "2025")
    assert r.exit_code == 2 and "must not be after" in r.stderr
    r = invoke("--to", "2026-03-31", "--as-of", "2026-06-30")
    assert r.exit_code == 2 and "both name the last day" in r.stderr
    r = invoke("--from", "2026-10-01", "--to", "2026-11-15", "--format", "json")
    assert r.exit_code == 2
    assert json.loads(r.stderr)["error"]["type"] == "InvalidParameterError"
    r = invoke("--freq", "W")
    assert r.exit_code == 2


def test_with_prices_the_drawdowns_are_columns(shared_prices):
    args = ["--from", "2024", "--to", "2025-12-31", "--samples", "3", "--format", "json"]
    r = runner.invoke(
        app, ["--prices", str(shared_prices), "flows", "history", *args], catch_exceptions=False
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    dd = [(d["index_drawdown"], d["benchmark_drawdown"]) for d in doc["dates"]]
    assert len(dd) == 8 and all(x is not None and x <= 0 for pair in dd for x in pair)
    assert doc["backtest"] == "point-in-time"
