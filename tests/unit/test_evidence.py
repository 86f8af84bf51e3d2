"""Evidence (issue 15): every summed amount can say how much rests on each source tier."""

from __future__ import annotations

import json
import math

import pytest

from aiinfra.flows import TIERS, evidence_split, flow_graph
from aiinfra.ledger import load_ledger


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


@pytest.mark.parametrize("basis", ["committed", "ceiling", "funded", "annualised"])
def test_each_edge_amount_is_split_by_tier_without_loss(ledger, basis):
    g = flow_graph(ledger, "2026-06-30", basis)
    for _, _, d in g.edges(data=True):
        split = sum(d["evidence"].values())
        if math.isnan(d["amount"]):
            assert split == 0.0
        else:
            assert split == pytest.approx(d["amount"], rel=1e-12, abs=1e-12)
        assert set(d["evidence"]) <= set(TIERS)
        assert 0.0 <= d["quoted"] <= split + 1e-12


def test_the_split_of_a_set_of_edges_sums_to_one(ledger):
    g = flow_graph(ledger, "2026-06-30", "committed")
    s = evidence_split(g)
    assert s["total"] == pytest.approx(
        sum(d["amount"] for _, _, d in g.edges(data=True) if not math.isnan(d["amount"])),
        rel=1e-12,
    )
    assert sum(s["by_tier"].values()) == pytest.approx(1.0, abs=1e-12)
    assert list(s["by_tier"]) == [t for t in TIERS if t in s["by_tier"]]
    assert "USD bn" in s["text"] and "quote" in s["text"]
    assert evidence_split(g, [])["total"] == 0.0


def test_cli_cycles_and_stress_say_what_the_amounts_rest_on():
    from typer.testing import CliRunner

    from aiinfra.app import app

    r = CliRunner().invoke(app, ["flows", "cycles", "--as-of", "2026-06-30", "--evidence"])
    assert r.exit_code == 0, r.output
    assert "deals on the cycles: of " in r.output
    j = CliRunner().invoke(app, ["flows", "cycles", "--as-of", "2026-06-30", "--format", "json"])
    doc = json.loads(j.output)
    assert all(sum(c["evidence"]["by_tier"].values()) == pytest.approx(1.0) for c in doc["cycles"]
               if c["evidence"]["total"] > 0)  # fmt: skip
    s = CliRunner().invoke(app, ["flows", "stress", "--default", "openai", "--shortfall", "0.5",
                                 "--as-of", "2026-06-30", "--format", "json"])  # fmt: skip
    assert s.exit_code == 0, s.output
    ev = json.loads(s.output)["evidence"]
    assert ev["total"] > 0 and sum(ev["by_tier"].values()) == pytest.approx(1.0)
