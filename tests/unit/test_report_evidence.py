"""The report says how much of the flow map and of a stress loss rests on each source tier."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from aiinfra.charts import evidence_sentence
from aiinfra.flows import evidence_split, flow_graph
from aiinfra.ledger import load_ledger
from aiinfra.report import render_report


def test_the_sentence_follows_the_split_in_both_languages():
    split = {"total": 40.0, "by_tier": {"filing": 0.25, "press": 0.75}, "quoted": 0.5}
    en = evidence_sentence(split, "en")
    assert en == (
        "Evidence: of USD 40.0 bn, 75 % on press reports, 25 % on filings; "
        "50 % carries a verbatim quote of its source."
    )
    assert evidence_sentence(split, "de").startswith("Belege: von 40,0 Mrd. USD beruhen 75 %")
    assert evidence_sentence({"total": 0.0, "by_tier": {}}, "en") == ""


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_flow_section_of_the_report_carries_the_evidence_split(lang):
    ledger = load_ledger()
    r = render_report(ledger, None, as_of=pd.Timestamp("2026-06-30"), lang=lang)
    flows = r.html.split('<section id="flows">')[1].split("</section>")[0]
    found = re.findall(r'<p class="small evidence">(.*?)</p>', flows)
    split = evidence_split(flow_graph(ledger, "2026-06-30", "committed"))
    assert found == [evidence_sentence(split, lang)]


def test_the_stress_section_shows_the_range_over_drawn_terms():
    import aiinfra
    from aiinfra.stress import builtin_scenarios

    ledger = load_ledger()
    day = pd.Timestamp("2026-06-30")
    r = render_report(ledger, None, as_of=day, lang="en")
    section = r.html.split('<section id="stress">')[1].split("</section>")[0]
    assert "Total loss (USD bn a year): 90 % range over drawn terms" in section
    for name in builtin_scenarios():
        h = aiinfra.stress(ledger, name, as_of=day, horizon_draws=500).horizons
        assert h is not None
        expected = f"{h.total['p05']:.1f} – {h.total['p95']:.1f}"
        assert expected in section, (name, expected)


def test_the_self_funded_shares_say_what_their_inflows_rest_on():
    import json

    from typer.testing import CliRunner

    from aiinfra.app import app
    from aiinfra.charts import tier_mix

    ledger = load_ledger()
    g = flow_graph(ledger, "2026-06-30", "committed")
    out = CliRunner().invoke(app, ["flows", "metrics", "--as-of", "2026-06-30", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = {r["id"]: r for r in json.loads(out.stdout)["companies"]}
    for node in ("openai", "oracle", "coreweave"):
        split = evidence_split(g, list(g.in_edges(node)))
        assert rows[node]["inflows_by_tier"] == pytest.approx(split["by_tier"])
        assert rows[node]["inflows_quoted"] == pytest.approx(split["quoted"])
        assert sum(split["by_tier"].values()) == pytest.approx(1.0)
    table = CliRunner().invoke(
        app, ["flows", "metrics", "--as-of", "2026-06-30", "--evidence", "--format", "csv"]
    )
    assert table.exit_code == 0
    assert "inflows_rest_on" in table.stdout.splitlines()[0]
    r = render_report(ledger, None, as_of=pd.Timestamp("2026-06-30"), lang="de")
    flows = r.html.split('<section id="flows">')[1].split("</section>")[0]
    assert "Zuflüsse beruhen auf" in flows
    expected = tier_mix(evidence_split(g, list(g.in_edges("oracle"))), "de")
    assert expected and expected in flows.replace("&#x27;", "'")


def test_the_gap_inputs_say_which_figures_they_rest_on(tmp_path):
    import json
    import re as _re

    from typer.testing import CliRunner

    import aiinfra
    from aiinfra.app import app
    from aiinfra.charts import figures_evidence_sentence

    ledger = load_ledger()
    r = aiinfra.gap(ledger, 2026, as_of="2026-11-01")
    fig = ledger.figures.set_index("id")
    for name in ("capex", "revenue"):
        ev = r.evidence[name]
        # exactly the figure ids named in the input's sources, counted by tier and kind
        inputs = aiinfra.roi_gap.gap_inputs(ledger, "2026-11-01")
        src = str(getattr(inputs, name).at[2026, "sources"])
        assert ev["figures"] == sorted(set(_re.findall(r"\bg\d+\b", src)), key=lambda i: int(i[1:]))
        assert sum(ev["by_tier"].values()) == len(ev["figures"]) == sum(ev["by_kind"].values())
        rows = fig.loc[ev["figures"]]
        assert ev["by_tier"] == rows["source_tier"].value_counts().to_dict()
        assert ev["quoted"] == int(rows["quote"].notna().sum())
    out = CliRunner().invoke(app, ["gap", "--as-of", "2026-11-01", "--format", "json"])
    assert out.exit_code == 0
    assert json.loads(out.stdout)["evidence"] == r.evidence
    text = CliRunner().invoke(app, ["gap", "--as-of", "2026-11-01", "--evidence"])
    assert figures_evidence_sentence(r.evidence, 2026, "en") in text.stdout
    # the German report's gap section carries the sentence
    html_de = render_report(ledger, None, as_of=pd.Timestamp("2026-11-01"), lang="de").html
    gap = html_de.split('<section id="gap">')[1].split("</section>")[0]
    assert "Belege für 2026: KI-Investitionen:" in gap
