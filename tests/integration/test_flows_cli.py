"""`aiinfra flows ...` on the bundled ledger."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from aiinfra.app import app

runner = CliRunner()


def run(*args: str) -> dict:
    result = runner.invoke(app, ["flows", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_seed_003_loop_is_found_with_its_flow_ids():
    doc = run("cycles", "--as-of", "2026-06-30", "--format", "json")
    loop = [c for c in doc["cycles"] if set(c["nodes"]) == {"nvidia", "openai", "oracle"}]
    assert len(loop) == 1
    c = loop[0]
    assert c["nodes"][0] == "nvidia" and c["length"] == 3
    assert [e for e in c["edges"]] == [
        ["nvidia", "openai"],
        ["openai", "oracle"],
        ["oracle", "nvidia"],
    ]
    assert {f for ids in c["flow_ids"] for f in ids} == {"f010", "f025", "f026"}
    assert c["bottleneck"] == pytest.approx(min(c["amounts"]))


def test_an_earlier_date_shows_no_later_deal():
    import aiinfra

    flows = aiinfra.load_ledger().flows.set_index("id")
    doc = run("cycles", "--as-of", "2024-06-30", "--format", "json")
    ids = {f for c in doc["cycles"] for ids in c["flow_ids"] for f in ids}
    ids |= {f for p in doc["reciprocal_pairs"] for f in p["flow_ids_uv"] + p["flow_ids_vu"]}
    assert ids and all(
        flows.at[f, "announced_known"].date().isoformat() <= "2024-06-30" for f in ids
    )


def test_metrics_and_reproducible_significance():
    m = run("metrics", "--format", "json")
    assert 0 < m["system_cycling_index"] < 1
    shares = {c["id"]: c["self_funded_share"] for c in m["companies"]}
    assert 0 < shares["openai"] < 1 and all(v is None or 0 <= v <= 1 for v in shares.values())
    a = run("significance", "--samples", "200", "--seed", "1", "--format", "json")
    b = run("significance", "--samples", "200", "--seed", "1", "--format", "json")
    assert a == b and a["cycling_index"]["p_value"] > 0


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_export_formats_parse(fmt, tmp_path):
    out = tmp_path / f"g.{fmt}"
    result = runner.invoke(app, ["flows", "export", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    if fmt == "json":
        doc = json.loads(text)
        assert len(doc["nodes"]) > 20 and len(doc["edges"]) > 20
    else:
        root = ET.fromstring(text)
        assert "graphml" in root.tag or "gexf" in root.tag


def test_bad_basis_is_exit_2():
    result = runner.invoke(app, ["flows", "cycles", "--basis", "promised"])
    assert result.exit_code == 2
