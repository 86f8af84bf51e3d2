"""``aiinfra ledger show flows --company ID`` (issue 18): a company's deals with parties and events."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from aiinfra.app import app
from tests.conftest import run_cli

runner = CliRunner()


def test_company_flows_json_nests_events_and_names_the_parties():
    result = runner.invoke(
        app,
        [
            "ledger",
            "show",
            "flows",
            "--company",
            "cerebras",
            "--as-of",
            "2026-06-30",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    flows = {f["id"]: f for f in json.loads(result.output)}
    # the bundled ledger: f095 and f125 OpenAI → Cerebras, f126 Cerebras → OpenAI
    assert set(flows) == {"f095", "f125", "f126"}
    assert flows["f095"]["deal"] == "OpenAI → Cerebras Systems"
    assert flows["f126"]["deal"] == "Cerebras Systems → OpenAI"
    assert flows["f095"]["committed"] == 20.0 and flows["f095"]["status"] == "signed"
    # two events: 10 bn signed in January, raised to 20 bn in April
    assert [(e["date"], e["event"], e["committed"]) for e in flows["f095"]["events"]] == [
        ("2026-01-14", "signed", 10.0),
        ("2026-04-17", "signed", 20.0),
    ]


def test_company_flows_as_of_cuts_deals_and_events():
    result = runner.invoke(
        app,
        [
            "ledger",
            "show",
            "flows",
            "--company",
            "cerebras",
            "--as-of",
            "2026-02-01",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    flows = json.loads(result.output)
    assert [f["id"] for f in flows] == ["f095"]
    assert flows[0]["committed"] == 10.0
    assert len(flows[0]["events"]) == 1


def test_company_flows_csv_has_one_row_per_event_and_the_table_shows_names():
    out = runner.invoke(
        app,
        [
            "ledger",
            "show",
            "flows",
            "--company",
            "cerebras",
            "--as-of",
            "2026-06-30",
            "--format",
            "csv",
        ],
    )
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert [(r["id"], r["event_date"], r["event"], r["event_committed"]) for r in rows] == [
        ("f095", "2026-01-14", "signed", "10.0"),
        ("f095", "2026-04-17", "signed", "20.0"),
        ("f125", "2026-04-17", "funded", "1.0"),
        ("f126", "2026-04-17", "signed", ""),
    ]
    table = runner.invoke(
        app, ["ledger", "show", "flows", "--company", "cerebras", "--as-of", "2026-06-30"]
    )
    assert table.exit_code == 0
    assert "3 flows" in table.output and "4 events" in table.output
    assert "OpenAI" in table.output


def test_unknown_company_exits_2_naming_the_option_and_close_ids():
    result = run_cli("ledger", "show", "flows", "--company", "opnai")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "`--company`" in result.stderr and "'opnai'" in result.stderr
    assert "did you mean openai" in result.stderr


def test_company_with_another_table_exits_2():
    result = run_cli("ledger", "show", "figures", "--company", "openai")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "`--company` works with the `flows` table only" in result.stderr
