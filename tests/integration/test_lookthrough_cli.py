"""``aiinfra lookthrough HOLDINGS.csv`` through the real entry point (issue 16, part 1)."""

from __future__ import annotations

import io
import json

import pandas as pd

from tests.conftest import ROOT, run_cli

HOSTILE = ROOT / "tests" / "data" / "holdings_hostile.csv"
SOXX = ROOT / "examples" / "holdings" / "ishares_soxx_top10_2026-05-12.csv"


def test_the_tables_show_hostile_names_as_text():
    # a wide terminal, so that no cell wraps
    r = run_cli("lookthrough", str(HOSTILE), "--as-of", "2026-11-30", env={"COLUMNS": "300"})
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for title in ("look-through of", "category mix", "ledger companies held",
                  "loss under each built-in stress scenario", "lines that map to no ledger"):  # fmt: skip
        assert title in out
    # a name is data: rich markup in it is printed, not obeyed; HTML is printed as written
    assert "[red]Rich markup[/red] Holdings" in out
    assert "<script>alert('x')</script>" in out
    assert "skipped line 23 (a total)" in r.stderr
    assert "note: weights: the weights carry % signs" in r.stderr


def test_json_has_every_part():
    r = run_cli("lookthrough", str(SOXX), "--as-of", "2026-11-30", "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["as_of"] == "2026-11-30"
    assert {"summary", "categories", "companies", "overlap", "cycles", "self_funding",
            "stress", "evidence", "unmapped", "holdings", "notes"} <= set(d)  # fmt: skip
    assert d["holdings"]["total_weight"] == 0.599592
    assert sorted(u["ticker"] for u in d["unmapped"]) == ["MPWR", "NXPI"]
    assert [s["scenario"] for s in d["stress"]] == ["capex_cut", "lab_default", "venture_halt"]
    # the same figure in the summary and in its own part
    summary = {s["measure"]: s["value"] for s in d["summary"]}
    assert summary["weight_overlap"] == d["overlap"]["overlap"]


def test_csv_of_one_table():
    r = run_cli("lookthrough", str(HOSTILE), "--as-of", "2026-11-30", "-f", "csv", "--table",
                "companies")  # fmt: skip
    assert r.returncode == 0, r.stderr
    frame = pd.read_csv(io.StringIO(r.stdout))
    assert frame["company_id"].iloc[0] == "tsmc"  # the heaviest: 20 % + 2 %
    assert abs(frame["weight"].sum() - 0.80) < 1e-12
    assert {"shock_capex_cut", "shock_lab_default", "shock_venture_halt"} <= set(frame.columns)
    r = run_cli("lookthrough", str(HOSTILE), "--as-of", "2026-11-30", "-f", "csv")
    assert r.returncode == 0 and r.stdout.startswith("measure,value,note")


def test_control_characters_in_a_name_are_shown_not_obeyed(tmp_path):
    p = tmp_path / "evil.csv"
    p.write_text("Ticker,Name,Weight\nEVIL,\x1b[31mRed Corp,60\nNVDA,NVIDIA,40\n", encoding="utf-8")
    r = run_cli("lookthrough", str(p), "--as-of", "2026-11-30", "--table", "unmapped")
    assert r.returncode == 0, r.stderr
    assert "\x1b[31m" not in r.stdout and "\\x1b[31mRed Corp" in r.stdout


def test_a_bad_weight_exits_2_naming_file_row_column_and_rule(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("Fund\nTicker,Weight (%)\nNVDA,12..5\nAMD,40\n", encoding="utf-8")
    r = run_cli("lookthrough", str(p))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert f"{p}, row 3, column 'Weight (%)': must be a number" in r.stderr
    r = run_cli("lookthrough", str(p), "--format", "json")
    assert r.returncode == 2
    problem = json.loads(r.stderr)["error"]["problems"][0]
    assert (problem["row"], problem["column"], problem["value"]) == (3, "Weight (%)", "12..5")
    r = run_cli("lookthrough", str(tmp_path / "missing.csv"))
    assert r.returncode == 2 and "cannot be read" in r.stderr
