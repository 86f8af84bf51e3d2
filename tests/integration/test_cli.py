"""The command line, in-process (typer's runner) and as a real subprocess."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from tests.conftest import run_cli, write_prices

runner = CliRunner()
FLOW_HEADER = (
    "id,payer,payee,type,flow_layer,ceiling,committed,funded,horizon_years,announced,supersedes,"
    "obligation,obligation_role,source_tier,source,source_date,notes\n"
)
GROUPS = ["ledger", "prices", "index", "flows", "gap", "buildout", "report", "serve", "sweep"]


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_help_lists_every_command_group():
    result = invoke("--help")
    assert result.exit_code == 0
    for group in GROUPS:
        assert f"  {group} " in result.output, group


def test_ledger_validate_prints_counts():
    result = invoke("ledger", "validate", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    counts = payload["counts"]
    assert payload["valid"] is True
    assert counts["companies"] >= 80 and counts["flows"] >= 120 and counts["scores"] >= 40
    assert counts["flow_events"] >= counts["flows"]


def test_ledger_show_flows_as_of_lists_only_known_deals_with_status():
    result = invoke("ledger", "show", "flows", "--as-of", "2025-06-30", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows, "expected deals announced by mid-2025"
    statuses = {
        "announced",
        "loi",
        "signed",
        "funded",
        "in_progress",
        "completed",
        "stalled",
        "terminated",
    }
    for r in rows:
        assert r["status"] in statuses
        assert r["status_date"] is not None
        assert {"ceiling", "committed", "funded"} <= r.keys()
        # announced by then: a partial date counts from the end of its period
        text = r["announced"]
        assert text[:4] <= "2025"
        if text[:4] == "2025" and len(text) >= 7:
            assert text[:7] <= "2025-06"
    later = json.loads(invoke("ledger", "show", "flows", "--format", "json").output)
    assert len(later) > len(rows)


def test_ledger_show_formats_and_bad_table():
    csv_out = invoke("ledger", "show", "companies", "--format", "csv").output
    assert csv_out.splitlines()[0].startswith("id,name,ticker")
    table_out = invoke("ledger", "show", "scores").output
    assert "qualitative" in table_out
    bad = invoke("ledger", "show", "deals")
    assert bad.exit_code == 2 and "`table` must be one of" in bad.output


def test_bad_user_ledger_exits_2_with_all_four_problems(tmp_path):
    (tmp_path / "flows.csv").write_text(
        FLOW_HEADER
        + "zz1,ghost_corp,openai,equity_investment,equity,,5,,,2025-01-10,,,,press,https://e.org/x,2025-01-10,\n"
        + "zz2,nvidia,openai,equity_investment,equity,,-3,,,2025-01-10,,,,press,https://e.org/x,2025-01-10,\n"
        + "zz3,nvidia,oracle,chip_purchase,cash,,1,,,2025-13-45,,,,press,https://e.org/x,2025-01-10,\n"
        + "zz1,nvidia,oracle,chip_purchase,cash,,1,,,2025-02-01,,,,press,https://e.org/x,2025-01-10,\n"
    )
    result = run_cli("ledger", "validate", "--data", str(tmp_path))
    assert result.returncode == 2
    err = result.stderr
    assert "Traceback" not in err
    flows = str(tmp_path / "flows.csv")
    for row, column in [(2, "payer"), (3, "committed"), (4, "announced"), (5, "id")]:
        assert f"{flows}, row {row}, column '{column}'" in err, err

    as_json = run_cli("ledger", "validate", "--data", str(tmp_path), "--format", "json")
    problems = json.loads(as_json.stderr)["error"]["problems"]
    assert {(p["row"], p["column"]) for p in problems} == {
        (2, "payer"),
        (3, "committed"),
        (4, "announced"),
        (5, "id"),
    }


def test_user_overlay_corrects_a_deal(tmp_path):
    shown = json.loads(invoke("ledger", "show", "flows", "--format", "json").output)
    first = shown[0]
    (tmp_path / "flows.csv").write_text(
        FLOW_HEADER
        + f"{first['id']},{first['payer']},{first['payee']},{first['type']},{first['flow_layer']},,,,,"
        + f"{first['announced']},,,,press,https://example.org/mine,2026-01-01,my correction\n"
    )
    (tmp_path / "flow_events.csv").write_text(
        "flow_id,date,status,ceiling,committed,funded,source,notes\n"
        f"{first['id']},{first['announced']},announced,,,,https://example.org/mine,\n"
    )
    result = invoke("ledger", "show", "flows", "--data", str(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.output
    mine = next(r for r in json.loads(result.output) if r["id"] == first["id"])
    assert mine["notes"] == "my correction" and mine["status"] == "announced"


def test_prices_import_list_and_a_bad_file(tmp_path, shared_prices: Path):
    home = tmp_path / "H"
    result = run_cli(
        "--home", str(home), "prices", "import", str(shared_prices), "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["imported"]) == len(list(shared_prices.glob("*.csv")))
    listed = json.loads(run_cli("--home", str(home), "prices", "list", "--format", "json").stdout)
    assert len(listed) == len(list(shared_prices.glob("*.csv")))
    nvda = next(r for r in listed if r["ticker"] == "NVDA")
    assert nvda["first"] == "1999-12-31" and nvda["rows"] > 6000

    store = home / "aiinfra.duckdb"
    before = store.read_bytes()
    bad = tmp_path / "bad"
    write_prices(bad, "NVDA", n=5)
    text = (bad / "NVDA.csv").read_text().splitlines()
    cells = text[3].split(",")
    cells[4] = "n/a"
    text[3] = ",".join(cells)
    (bad / "NVDA.csv").write_text("\n".join(text) + "\n")
    result = run_cli("--home", str(home), "prices", "import", str(bad))
    assert result.returncode == 2
    assert "NVDA.csv, row 4, column 'close': must be a number" in result.stderr
    assert "Traceback" not in result.stderr
    assert store.read_bytes() == before
    again = json.loads(run_cli("--home", str(home), "prices", "list", "--format", "json").stdout)
    assert again == listed


@pytest.mark.parametrize("name", ["nvda.csv", "my ticker.csv"])
def test_import_rejects_file_names_that_are_not_tickers(tmp_path, name):
    write_prices(tmp_path / "p", "AAA", n=3)
    (tmp_path / "p" / "AAA.csv").rename(tmp_path / "p" / name)
    result = invoke("--home", str(tmp_path / "H"), "prices", "import", str(tmp_path / "p"))
    assert result.exit_code == 2 and "file name must be the ticker" in result.output
    assert not (tmp_path / "H" / "aiinfra.duckdb").exists()


def test_prices_dir_option_reads_csv_without_importing(tmp_path):
    write_prices(tmp_path / "p", "AAA", n=7)
    result = invoke(
        "--home",
        str(tmp_path / "H"),
        "--prices",
        str(tmp_path / "p"),
        "prices",
        "list",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["rows"] == 7
    assert not (tmp_path / "H").exists()


def test_prices_list_on_an_empty_home_is_empty_not_an_error(tmp_path):
    result = invoke("--home", str(tmp_path / "H"), "prices", "list", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output) == []
    assert not (tmp_path / "H").exists()


def test_fetch_offline_exits_3_fast_with_the_hint(tmp_path):
    # The proxy variable routes the first TCP hop to a closed loopback port, so the test never
    # sends traffic off this machine yet exercises the real offline path.
    env = {"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
    t0 = time.monotonic()
    result = run_cli("--home", str(tmp_path / "H"), "prices", "fetch", "NVDA", env=env, timeout=30)
    assert time.monotonic() - t0 < 30
    assert result.returncode == 3
    assert "prices import" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "H" / "aiinfra.duckdb").exists()


def test_bad_global_option_is_exit_2():
    result = invoke("--lang", "fr", "ledger", "validate")
    assert result.exit_code == 2 and "`lang` must be 'en' or 'de'" in result.output


def test_missing_data_dir_names_the_option(tmp_path):
    result = invoke("ledger", "validate", "--data", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "--data" in result.output
