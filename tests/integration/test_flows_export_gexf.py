"""``aiinfra flows export --format gexf``: names as labels, a numeric weight, no −1 (issue 18)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.flows import flow_graph
from aiinfra.ledger import load_ledger
from aiinfra.ledger._loader import bundled_data_dir

runner = CliRunner()
HOSTILE = '<script>alert("x")</script> & \'Oracle\' "Corp" &amp;'
AS_OF = "2026-06-30"


def _export(tmp_path: Path, *extra: str) -> nx.DiGraph:
    out = tmp_path / "flows.gexf"
    result = runner.invoke(
        app, ["flows", "export", "--format", "gexf", "--out", str(out), "--as-of", AS_OF, *extra]
    )
    assert result.exit_code == 0, result.output
    return nx.read_gexf(out)


def _numbers(d: dict[str, object]) -> list[float]:
    return [float(v) for v in d.values() if isinstance(v, int | float) and not isinstance(v, bool)]


def test_gexf_has_names_as_labels_ids_as_ids_and_numeric_weights(tmp_path):
    g = _export(tmp_path)
    src = flow_graph(load_ledger(), AS_OF, "committed")
    assert set(g.nodes) == set(src.nodes) and g.number_of_edges() == src.number_of_edges()
    assert g.nodes["oracle"]["label"] == "Oracle"
    assert g.nodes["openai"]["label"] == "OpenAI"
    for n, d in g.nodes(data=True):
        assert d["label"] == src.nodes[n]["name"]
        assert d["company_id"] == n
    unknown = 0
    for u, v, d in g.edges(data=True):
        amount = src.edges[u, v]["amount"]
        assert isinstance(d["weight"], float)
        if math.isnan(amount):  # no deal on the edge states an amount: weight 0, amount absent
            unknown += 1
            assert d["weight"] == 0.0 and d["amount_known"] is False
            assert "amount" not in d and "amount_low" not in d
        else:
            assert d["weight"] == pytest.approx(amount) and d["amount_known"] is True
            assert d["amount"] == pytest.approx(amount)
        assert -1.0 not in _numbers(d)
    assert unknown > 0  # the ledger has deals without an amount: the rule was exercised
    for _, d in g.nodes(data=True):
        assert -1.0 not in _numbers(d)
    # the microsoft → openai equity edge, by hand from flows.csv: 13.0 USD bn committed
    assert g.edges["microsoft", "openai"]["weight"] == pytest.approx(
        src.edges["microsoft", "openai"]["amount"]
    )


def test_no_minus_one_in_any_export_format(tmp_path):
    for fmt in ("gexf", "graphml", "json"):
        out = tmp_path / f"g.{fmt}"
        result = runner.invoke(app, ["flows", "export", "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        text = out.read_text()
        assert '"-1.0"' not in text and ": -1.0" not in text and ">-1.0<" not in text


def test_a_hostile_company_name_round_trips_literally(tmp_path):
    data = tmp_path / "overlay"
    data.mkdir()
    with (bundled_data_dir() / "companies.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    row = next(r for r in rows if r["id"] == "oracle")
    row["name"] = HOSTILE
    with (data / "companies.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(row))
        w.writeheader()
        w.writerow(row)
    g = _export(tmp_path, "--data", str(data))
    assert g.nodes["oracle"]["label"] == HOSTILE
    assert g.nodes["oracle"]["name"] == HOSTILE
    assert g.nodes["oracle"]["company_id"] == "oracle"
    raw = (tmp_path / "flows.gexf").read_text()
    assert "<script>" not in raw  # escaped in the XML, literal after parsing
