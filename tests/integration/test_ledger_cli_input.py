"""Bad ledger input through the real command line: exit 2, file/row/column/rule, no traceback.

Covers ``ledger validate --data``, ``report`` and ``serve`` (which read the overlay named by
``--data`` or ``AIINFRA_DATA``), the duplicate-key overlay of issue 12, and the overrides list.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from tests.conftest import run_cli

runner = CliRunner()
FLOW_HEADER = (
    "id,payer,payee,type,flow_layer,ceiling,committed,funded,horizon_years,announced,supersedes,"
    "obligation,obligation_role,source_tier,source,source_date,notes\n"
)
SCORE_HEADER = (
    "company_id,as_of,category,qualitative,ai_revenue_share,ai_revenue_source_type,rationale,"
    "source\n"
)


def flow(fid: str, committed: str = "1", announced: str = "2025-07-01", sup: str = "") -> str:
    return (
        f"{fid},nvidia,openai,equity_investment,equity,,{committed},,,{announced},{sup},,,press,"
        f"https://e.org/{fid},2025-07-01,\n"
    )


@pytest.fixture
def out_of_range(tmp_path: Path) -> Path:
    """An overlay with the issue's dates: flows in 9999 and 0001, a score of 1600, a figure of 1500."""
    d = tmp_path / "dates"
    d.mkdir()
    (d / "flows.csv").write_text(
        FLOW_HEADER + flow("zz_d1", announced="9999-01-01") + flow("zz_d2", announced="0001-01-01")
    )
    (d / "scores.csv").write_text(
        SCORE_HEADER + "nvidia,1600-01-01,C2,50,,,old view,https://e.org/s\n"
    )
    (d / "figures.csv").write_text(
        "id,metric,entity,period,value,low,high,kind,source,source_date,notes\n"
        "zz_g1,capex_usd_bn,global,1500,1,,,actual,https://e.org/g,1500,\n"
    )
    return d


EXPECTED_DATES = {
    ("flows.csv", 2, "announced"),
    ("flows.csv", 3, "announced"),
    ("scores.csv", 2, "as_of"),
    ("figures.csv", 2, "period"),
    ("figures.csv", 2, "source_date"),
}


def test_ledger_validate_reports_out_of_range_dates(out_of_range):
    # Before: OutOfBoundsDatetime traceback, exit 1.
    result = run_cli("ledger", "validate", "--data", str(out_of_range), "--format", "json")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    problems = json.loads(result.stderr)["error"]["problems"]
    got = {(Path(p["file"]).name, p["row"], p["column"]) for p in problems}
    assert got == EXPECTED_DATES
    assert all("1900" in p["rule"] and "2100" in p["rule"] for p in problems)


def test_report_stops_on_out_of_range_dates_and_writes_nothing(out_of_range, tmp_path):
    out = tmp_path / "r.html"
    prices = tmp_path / "no_prices"
    prices.mkdir()  # never reached; and nothing is fetched if it were
    result = run_cli(
        "--home",
        str(tmp_path / "home"),
        "--prices",
        str(prices),
        "report",
        "--out",
        str(out),
        env={"AIINFRA_DATA": str(out_of_range)},
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    flows = out_of_range / "flows.csv"
    assert f"{flows}, row 2, column 'announced': must lie between 1900-01-01 and 2100-12-31" in (
        result.stderr
    )
    assert not out.exists() and not (tmp_path / "home").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_serve_stops_on_out_of_range_dates(out_of_range, tmp_path):
    result = run_cli(
        "--home",
        str(tmp_path / "home"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--data",
        str(out_of_range),
        timeout=90,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{out_of_range / 'scores.csv'}, row 2, column 'as_of'" in result.stderr


def test_the_duplicate_id_overlay_exits_2_naming_both_rows(tmp_path):
    # issue 12: two zz_bad_3 rows, one of them also breaking another rule
    (tmp_path / "flows.csv").write_text(
        FLOW_HEADER
        + flow("zz_bad_1").replace("nvidia", "ghost_corp", 1)
        + flow("zz_bad_3", committed="-3")
        + flow("zz_bad_3")
    )
    result = run_cli("ledger", "validate", "--data", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    flows = tmp_path / "flows.csv"
    assert f"{flows}, row 4, column 'id': duplicate key (id=zz_bad_3): rows 3 and 4" in (
        result.stderr
    )
    assert f"{flows}, row 3, column 'committed'" in result.stderr
    assert f"{flows}, row 2, column 'payer'" in result.stderr


def test_every_damaged_file_is_reported_at_once(tmp_path):
    (tmp_path / "flows.csv").write_text(
        FLOW_HEADER
        + flow("f900", sup="f901")
        + flow("f901", sup="f900")
        + flow("zz_q").replace(",\n", ',"unclosed\n')
        + flow("zz_after")
    )
    (tmp_path / "relationships.csv").write_text(
        "id,company_a,company_b,kind,announced,source,source_date,notes\n"
        "zz_r,oracle,oracle,partnership,2024,https://e.org/r,2024,\n"
    )
    (tmp_path / "figures.csv").write_bytes(
        b"id,metric,entity,period,value,low,high,kind,source,source_date,notes\n"
        b"zz_g,capex_usd_bn,global,2025,1,,,actual,https://e.org/g,2025,a\x00b\n"
    )
    if os.path.exists("/dev/zero"):
        (tmp_path / "scores.csv").symlink_to("/dev/zero")
    result = run_cli("ledger", "validate", "--data", str(tmp_path), "--format", "json")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    problems = json.loads(result.stderr)["error"]["problems"]
    got = {(Path(p["file"]).name, p["row"], p["column"]): p["rule"] for p in problems}
    assert "never closed" in got["flows.csv", 4, "notes"]
    assert "cycle" in got["flows.csv", 2, "supersedes"]
    assert got["relationships.csv", 2, "company_b"] == "company_a and company_b must differ"
    assert "NUL" in got["figures.csv", 2, "notes"]
    if os.path.exists("/dev/zero"):
        assert "must be a regular file" in got["scores.csv", None, None]


def test_validate_lists_overrides_in_json_and_table(tmp_path):
    shown = runner.invoke(app, ["ledger", "show", "flows", "--format", "json"])
    first = json.loads(shown.output)[0]
    (tmp_path / "flows.csv").write_text(
        FLOW_HEADER
        + f"{first['id']},{first['payer']},{first['payee']},{first['type']},{first['flow_layer']},,,,,"
        + f"{first['announced']},,,,press,https://example.org/mine,2026-01-01,my correction\n"
    )
    (tmp_path / "flow_events.csv").write_text(
        "flow_id,date,status,ceiling,committed,funded,source,notes\n"
        f"{first['id']},{first['announced']},announced,,,,https://example.org/mine,\n"
    )
    result = runner.invoke(app, ["ledger", "validate", "--data", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    overrides = json.loads(result.output)["overrides"]
    by_table = {o["table"]: o for o in overrides}
    assert set(by_table) == {"flows", "flow_events"}
    assert by_table["flows"]["key"] == f"id={first['id']}"
    assert (
        by_table["flows"]["file"] == str(tmp_path / "flows.csv") and by_table["flows"]["row"] == 2
    )
    assert by_table["flows"]["replaced_file"].endswith("aiinfra/ledger/data/flows.csv")
    assert by_table["flows"]["replaced_rows"] and by_table["flow_events"]["replaced_rows"]

    table = runner.invoke(app, ["ledger", "validate", "--data", str(tmp_path)])
    assert table.exit_code == 0
    assert "overrides" in table.output and f"id={first['id']}" in table.output

    plain = runner.invoke(app, ["ledger", "validate", "--format", "json"])
    assert json.loads(plain.output)["overrides"] == []
