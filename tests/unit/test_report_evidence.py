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
