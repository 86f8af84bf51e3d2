"""Issue 18: the flows and stress tables of the command line show company names, not ids (the id
last where it stays; csv and json keep ids and add names), and the stress title carries the
whole label of its index weights (it was cut at the label's first colon). The real ledger,
checked against the engine's JSON, in process (CliRunner's stdout is a pipe: one line per row).
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from aiinfra import flow_graph, load_ledger
from aiinfra.app import app
from tests.conftest import SHARED_PRICES

AS_OF = "2026-11-01"


@pytest.fixture(autouse=True)
def _no_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)


def _out(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every table of ``text``: its header cells and its rows' cells."""
    out: list[tuple[list[str], list[list[str]]]] = []
    for line in text.splitlines():
        if line.startswith("┃"):
            out.append(([c.strip() for c in line.strip().strip("┃").split("┃")], []))
        elif line.startswith("│") and out:
            out[-1][1].append([c.strip() for c in line.strip().strip("│").split("│")])
    return out


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    g = flow_graph(load_ledger(), AS_OF)
    return {str(n): str(d["name"]) for n, d in g.nodes(data=True)}


def test_flows_metrics_table_by_name_with_the_id_last(names):
    doc = json.loads(_out("flows", "metrics", "--as-of", AS_OF, "--format", "json"))
    [(header, rows)] = _tables(_out("flows", "metrics", "--as-of", AS_OF))
    assert header[0] == "company" and header[-1] == "id" and "largest_payer" in header
    assert len(rows) == len(doc["companies"])
    payer = header.index("largest_payer")
    renamed = 0
    for row, company in zip(rows, doc["companies"], strict=True):
        assert row[-1] == company["id"]
        assert row[0] == names[company["id"]] == company["name"]
        largest = company["largest_counterparty"]
        assert row[payer] == (names[largest] if largest else "")
        assert company["largest_counterparty_name"] == (names[largest] if largest else None)
        renamed += row[0] != row[-1]
    assert renamed > len(rows) // 2  # names, not ids: most differ from the id
    assert rows[0][0] == "OpenAI" and rows[0][payer] == "SoftBank Group"


def test_flows_metrics_csv_keeps_ids_and_adds_the_payer_s_name(names):
    frame = pd.read_csv(io.StringIO(_out("flows", "metrics", "--as-of", AS_OF, "-f", "csv")))
    assert {"id", "name", "largest_counterparty", "largest_counterparty_name"} <= set(frame)
    has = frame["largest_counterparty"].notna()
    assert (frame.loc[has, "largest_counterparty"].map(names)
            == frame.loc[has, "largest_counterparty_name"]).all()  # fmt: skip


def test_flows_cycles_by_name_in_the_table_ids_in_csv_and_json(names):
    doc = json.loads(_out("flows", "cycles", "--as-of", AS_OF, "--format", "json"))
    [(header, rows)] = _tables(_out("flows", "cycles", "--as-of", AS_OF))
    assert header[0] == "cycle" and "cycle_ids" not in header
    assert len(rows) == len(doc["cycles"]) > 0
    for row, c in zip(rows, doc["cycles"], strict=True):
        assert c["names"] == [names[n] for n in c["nodes"]]
        assert row[0] == " → ".join([*c["names"], c["names"][0]])
    frame = pd.read_csv(io.StringIO(_out("flows", "cycles", "--as-of", AS_OF, "-f", "csv")))
    assert frame["cycle_ids"].tolist() == [
        " → ".join([*c["nodes"], c["nodes"][0]]) for c in doc["cycles"]
    ]


def test_flows_history_self_funded_table_headed_by_names():
    args = ["flows", "history", "--from", "2026-01", "--to", AS_OF, "--samples", "2"]
    doc = json.loads(_out(*args, "--format", "json"))
    tables = _tables(_out(*args))
    header, rows = tables[-1]
    assert header == ["date", *[t["name"] for t in doc["top"]]]
    # the shares in percent, as the JSON's fractions
    first = doc["dates"][0]
    for t, cell in zip(doc["top"], rows[0][1:], strict=True):
        v = first["self_funded"][t["id"]]
        assert cell == ("" if v is None else f"{round(v * 100, 1) + 0.0:.1f} %")


@pytest.fixture(scope="module")
def stress_runs():
    if not SHARED_PRICES.is_dir():
        pytest.skip("../shared/data/prices is absent")
    base = ["--prices", str(SHARED_PRICES), "flows", "stress", "--scenario", "lab_default",
            "--as-of", AS_OF]  # fmt: skip
    return json.loads(_out(*base, "--format", "json")), _out(*base)


def test_stress_title_carries_the_whole_weights_label(stress_runs):
    doc, text = stress_runs
    label = doc["index"]["weights_source"]
    # the prices end before the stress date: the label says so after a colon of its own
    assert ": the index formed then" in label
    title = text.splitlines()[0].strip()
    assert title.endswith(f"with {label}")
    impact = round(doc["index"]["impact"] * 100, 2) + 0.0
    assert f"index impact {impact:.2f} %" in title


def test_stress_credit_table_by_name_with_the_id_last(stress_runs, names):
    doc, text = stress_runs
    header, rows = next(t for t in _tables(text) if "creditor_loss_added" in t[0])
    assert header[0] == "company" and header[-1] == "node"
    credit = {r["node"]: r for r in doc["credit"]["rows"]}
    assert rows
    for row in rows:
        assert row[0] == credit[row[-1]]["name"] == names.get(row[-1], row[-1])
    assert any(r[0] == "Oracle bondholders" for r in rows)  # a lender the scenario costs


def test_stress_without_prices_keeps_the_house_view_reason_in_the_title():
    doc = json.loads(_out("flows", "stress", "--scenario", "lab_default", "--as-of", AS_OF,
                          "--format", "json"))  # fmt: skip
    title = _out("flows", "stress", "--scenario", "lab_default", "--as-of", AS_OF).splitlines()[0]
    label = doc["index"]["weights_source"]
    assert label.startswith("house-view weights: ") and "pass --prices" in label
    assert title.strip().endswith(f"with {label}")
