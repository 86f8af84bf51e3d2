"""`ledger show events` names each event's deal as "payer → payee" (table format only)."""

from __future__ import annotations

import csv
import io

from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.ledger import load_ledger

runner = CliRunner()


def _show(fmt: str) -> str:
    r = runner.invoke(app, ["ledger", "show", "events", "-f", fmt], env={"COLUMNS": "400"})
    assert r.exit_code == 0, r.output
    return r.output


def test_each_event_row_names_its_deal():
    led = load_ledger()
    names = dict(zip(led.companies["id"], led.companies["name"], strict=True))
    fl = led.flows.set_index("id")
    deal = {i: f"{names[fl.at[i, 'payer']]} → {names[fl.at[i, 'payee']]}" for i in fl.index}
    rows = [line.split("│") for line in _show("table").splitlines() if line.startswith("│")]
    assert 0 < len(rows) <= len(led.flow_events)
    for row in rows:
        flow_id, shown = row[1].strip(), row[2].strip()
        assert shown == deal[flow_id], (flow_id, shown)


def test_csv_keeps_the_stored_columns():
    header = next(csv.reader(io.StringIO(_show("csv"))))
    assert "deal" not in header and header[0] == "flow_id"
