"""The dashboard says, as the report does, how much of an amount rests on each source tier and how
much carries a verbatim quote: under the cycles of the flow map, under the stress result, beside a
company's self-funded share (what its inflows rest on) and under the ROI gap (the ledger figures
behind its inputs), in English and German. The real `aiinfra serve` on 127.0.0.1 driven by a real
headless Chromium; what is shown is checked against ``aiinfra.flows.evidence_split`` and
``aiinfra.gap`` computed here from the same ledger on the same date.
"""

from __future__ import annotations

import itertools
import re

import pytest

from aiinfra import gap, load_ledger
from aiinfra.charts import figures_evidence_sentence, label, tier_mix
from aiinfra.charts._labels import TIER_DATIVE_DE, TIER_NAMES, number
from aiinfra.flows import evidence_split, find_cycles, flow_graph
from tests.browser._dashboard import (
    TIMEOUT,
    click_map_node,
    require_browser,
    serve_dashboard,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # ~30 s with its server
#: the date the server is started on (every page then shows the deals in force on it)
AS_OF = "2026-06-30"
#: what the stress page runs by default: OpenAI pays half of its deals (annualised, 5 years
#: where a deal states no term)
PARTY = "openai"
#: the first words of the sentence in each language
LEAD = {"en": "Evidence", "de": "Belege"}
#: the company whose panel is checked on the flow map (its inflows rest on several tiers)
COMPANY = "openai"
#: the year the ROI-gap page opens on
GAP_YEAR = 2026


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    # no prices: the evidence does not depend on them, and the stress page runs quicker
    with serve_dashboard(tmp_path_factory.mktemp("home"), None, "--as-of", AS_OF) as srv:
        yield srv.url


def cycle_split() -> dict:
    """The split of the deals on every cycle of 3..5 companies of the committed map."""
    g = flow_graph(load_ledger(), AS_OF, "committed")
    edges = set()
    for c in find_cycles(g, length_bound=5):
        edges.update(itertools.pairwise([*c.nodes, c.nodes[0]]))
    assert edges, "no cycle on the map: nothing to check"
    return evidence_split(g, sorted(edges))


def stress_split() -> dict:
    """The split of the deals the shocked party stops paying (every deal it pays)."""
    g = flow_graph(load_ledger(), AS_OF, "annualised", default_horizon=5.0)
    return evidence_split(g, list(g.out_edges(PARTY)))


def shown(text: str) -> tuple[str, dict[str, str], str]:
    """The amount, the percentage per tier (by the tier's name) and the quoted percentage of a
    sentence as shown."""
    head, tail = text.split(";", 1)
    amount = re.search(r"(?:USD )?([\d.,]+) (?:bn|Mrd\. USD)", head)
    assert amount, text
    body = re.split(r"bn,|beruhen", head, maxsplit=1)[-1]  # the tiers, after the amount
    tiers = {name.strip(): pct for pct, name in re.findall(r"(\d+) %(?: on| auf)? ([^,]+)", body)}
    quoted = re.search(r"(\d+) %", tail)
    assert quoted, text
    return amount.group(1), tiers, quoted.group(1)


def expected(split: dict, lang: str) -> tuple[str, dict[str, str], str]:
    """What the sentence must show for ``split`` in ``lang``."""
    assert split["total"] > 0 and split["by_tier"]
    names = TIER_DATIVE_DE if lang == "de" else {t: v["en"] for t, v in TIER_NAMES.items()}
    tiers = {names[t]: f"{100 * s:.0f}" for t, s in split["by_tier"].items()}
    return number(split["total"], lang, 1), tiers, f"{100 * split['quoted']:.0f}"


def switch_to_german(page) -> None:
    page.click("#lang input[value=de]")
    page.wait_for_function(
        "document.querySelector('#nav-overview').textContent === 'Überblick'", timeout=TIMEOUT
    )


def sentence(page, selector: str, lang: str) -> str:
    """The text of ``selector`` once it is the sentence in ``lang`` (read in the same step as
    the check: a result being redrawn shows no inner text for a moment)."""
    found = page.wait_for_function(
        f"(() => {{ const e = document.querySelector('{selector}');"
        f" return e && e.textContent.startsWith('{LEAD[lang]}') ? e.textContent : null; }})()",
        timeout=TIMEOUT,
    )
    return str(found.json_value())


def inflow_mix(lang: str) -> str:
    """The tiers the inflows of :data:`COMPANY` on the committed map rest on, as the report's
    dependence table words them."""
    g = flow_graph(load_ledger(), AS_OF, "committed")
    mix = tier_mix(evidence_split(g, list(g.in_edges(COMPANY))), lang)
    assert mix, f"{COMPANY} has no inflow with an amount: nothing to check"
    return mix


def text_starting(page, selector: str, lead: str) -> str:
    """The text of ``selector`` once it starts with ``lead`` (read in the same step as the
    check, as :func:`sentence`)."""
    found = page.wait_for_function(
        f"(() => {{ const e = document.querySelector('{selector}');"
        f" return e && e.textContent.startsWith({lead!r}) ? e.textContent : null; }})()",
        timeout=TIMEOUT,
    )
    return str(found.json_value())


def test_the_flow_map_says_what_the_cycle_volume_rests_on_in_both_languages(page, server):
    split = cycle_split()
    page.goto(server + "/flows")
    page.wait_for_selector("#fl-summary-text", timeout=TIMEOUT)
    assert page.get_attribute("#fl-summary-text", "data-asof") == AS_OF
    for lang in ("en", "de"):
        if lang == "de":
            switch_to_german(page)
        text = sentence(page, "#fl-evidence-text", lang)
        assert shown(text) == expected(split, lang), text
        assert page.get_attribute("#fl-evidence-text", "data-asof") == AS_OF
        # under the cycles: the sentence follows the cycle dropdown in the side panel
        assert page.evaluate(
            "document.querySelector('#fl-cycle').compareDocumentPosition("
            "document.querySelector('#fl-evidence-text')) & Node.DOCUMENT_POSITION_FOLLOWING"
        )
    assert page.errors == []


def test_the_stress_result_says_what_the_stopped_payments_rest_on_in_both_languages(page, server):
    split = stress_split()
    page.goto(server + "/stress")
    for lang in ("en", "de"):
        if lang == "de":
            switch_to_german(page)
        text = sentence(page, "#st-evidence", lang)
        assert shown(text) == expected(split, lang), text
        assert page.get_attribute("#st-evidence", "data-asof") == AS_OF
        # under the result: after the table of the companies hit
        assert page.evaluate(
            "document.querySelector('#st-table').compareDocumentPosition("
            "document.querySelector('#st-evidence')) & Node.DOCUMENT_POSITION_FOLLOWING"
        )
    assert page.errors == []


def test_a_company_panel_says_what_its_inflows_rest_on_beside_its_self_funded_share(page, server):
    page.goto(server + "/flows")
    page.wait_for_selector("#fl-summary-text", timeout=TIMEOUT)
    assert page.get_attribute("#fl-summary-text", "data-asof") == AS_OF
    for lang in ("en", "de"):
        if lang == "de":
            switch_to_german(page)
            # the page is drawn anew in German: the panel asks for a click again
            page.wait_for_selector("#fl-panel-name", state="detached", timeout=TIMEOUT)
        click_map_node(page, COMPANY)
        lead = label("inflows_rest_on", lang)
        text = text_starting(page, "#fl-panel-evidence", lead)
        assert text == f"{lead}: {inflow_mix(lang)}", text
        assert page.get_attribute("#fl-panel-evidence", "data-asof") == AS_OF
        # the line follows the self-funded share in the company's panel
        assert page.evaluate(
            "document.querySelector('#fl-panel-selffunded').compareDocumentPosition("
            "document.querySelector('#fl-panel-evidence')) & Node.DOCUMENT_POSITION_FOLLOWING"
        )
    assert page.errors == []


def test_the_gap_says_what_its_inputs_rest_on_in_both_languages(page, server):
    r = gap(load_ledger(), GAP_YEAR, as_of=AS_OF)
    page.goto(server + "/gap")
    for lang in ("en", "de"):
        if lang == "de":
            switch_to_german(page)
        want = figures_evidence_sentence(r.evidence, GAP_YEAR, lang)
        assert want.startswith(LEAD[lang]), "the gap's inputs name no ledger figure"
        text = sentence(page, "#gp-evidence", lang)
        assert text == want, text
        assert page.get_attribute("#gp-evidence", "data-asof") == AS_OF
        assert page.get_attribute("#gp-evidence", "data-year") == str(GAP_YEAR)
        # under the result: after the gap by year, the last line of the result
        assert page.evaluate(
            "document.querySelector('#gp-years').compareDocumentPosition("
            "document.querySelector('#gp-evidence')) & Node.DOCUMENT_POSITION_FOLLOWING"
        )
        assert page.evaluate(
            "document.querySelector('#gp-result').lastElementChild.id === 'gp-evidence'"
        )
    assert page.errors == []
