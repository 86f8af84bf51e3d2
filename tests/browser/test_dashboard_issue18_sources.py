"""Issue 18 in the real dashboard (`aiinfra serve --data OVERLAY`, 127.0.0.1, port 0) and a real
headless Chromium: the sources page reads as an analyst reads it (a deal as "payer → payee" by
name, a seed article by its title, a web address as a link), hostile ledger text in a source or
a name is shown literally and runs nothing, and the gap page in German (slider labels, the labs'
ARR forecast as markers of its own).

One server on the bundled ledger with the payload overlay (tests/_report_payloads.py), no
prices (the pages tested need none).
"""

from __future__ import annotations

import pytest

from aiinfra.ledger import SEEDS, load_ledger
from aiinfra.web._i18n import WEB_LABELS
from tests._report_payloads import EDITS, IMG, JS_LINK, LINK, SCRIPT, SVG, write_payload_overlay
from tests.browser._dashboard import (
    TIMEOUT,
    chromium,
    recording_page,
    require_browser,
    serve_dashboard,
)

pytestmark = [pytest.mark.browser]
DANGER = """() => ({
  pwned: typeof window.__pwned,
  img: document.querySelectorAll('img[src="x"]').length,
  handlers: document.querySelectorAll('[onerror], [onload]').length,
  scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('__pwned')).length,
  jslinks: document.querySelectorAll('a[href^="javascript:" i]').length,
  phish: document.querySelectorAll('a[href*="example.invalid"]:not([href^="data:"])').length,
})"""
SAFE = {"pwned": "undefined", "img": 0, "handlers": 0, "scripts": 0, "jslinks": 0, "phish": 0}
#: the cells of the table's shown rows by column id, and the links of its source cells
ROWS = """() => [...document.querySelectorAll('#src-table tbody tr')].filter(
  tr => tr.querySelector('td')).map(tr => {
  const cell = c => tr.querySelector(`td[data-dash-column="${c}"]`);
  const out = {};
  for (const c of ['what', 'item', 'date', 'source', 'id']) out[c] = cell(c) ? cell(c).innerText.trim() : null;
  out.links = [...cell('source').querySelectorAll('a')].map(a => ({
    href: a.getAttribute('href'), text: a.innerText, target: a.getAttribute('target')}));
  out.elements = [...cell('source').querySelectorAll('*')].map(e => e.tagName.toLowerCase());
  return out;
})"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    home = tmp_path_factory.mktemp("home")
    overlay = write_payload_overlay(home / "overlay")
    with serve_dashboard(home, None, "--data", str(overlay)) as srv:
        yield srv.url
    text = srv.log.read_text()
    assert "Traceback" not in text, text[:3000]


@pytest.fixture(scope="module")
def page(server):
    """One page for the module, recording page errors, dialogs and requested hosts."""
    with chromium() as browser, recording_page(browser, console_errors=True) as pg:
        yield pg


def _row(page, ident: str) -> dict:
    """The row of the sources table whose id is ``ident`` (typed into the id filter)."""
    box = page.locator('#src-table th.dash-filter[data-dash-column="id"] input[type=text]')
    box.fill(ident)
    box.press("Enter")
    page.wait_for_function(
        """id => { const rows = [...document.querySelectorAll('#src-table tbody tr')]
          .filter(tr => tr.querySelector('td[data-dash-column="id"]'));
          return rows.length > 0 && rows.every(tr =>
            tr.querySelector('td[data-dash-column="id"]').innerText.includes(id)); }""",
        arg=ident,
        timeout=TIMEOUT,
    )
    rows = [r for r in page.evaluate(ROWS) if r["id"] == ident]
    assert rows, ident
    return rows[0]


def _check(page, where: str) -> None:
    assert page.evaluate(DANGER) == SAFE, where
    assert page.dialogs == [], where


@pytest.fixture(scope="module")
def sources_page(page, server):
    page.goto(server + "/sources")
    page.wait_for_selector("#src-table table", timeout=TIMEOUT)
    return page


def _clean_deal() -> tuple[str, str]:
    """A deal between two companies the overlay leaves alone (its id, "payer → payee")."""
    led = load_ledger()
    names = dict(zip(led.companies["id"], led.companies["name"], strict=True))
    edited = {key for file, key, _c, _t in EDITS if file == "companies.csv"}
    flows = {key for file, key, _c, _t in EDITS if file == "flows.csv"}
    for f in led.flows.itertuples():
        if {f.payer, f.payee}.isdisjoint(edited) and f.id not in flows:
            return f.id, f"{names[f.payer]} → {names[f.payee]}"
    raise AssertionError("no deal outside the overlay")


def test_a_deal_reads_payer_to_payee_with_its_links(sources_page):
    page = sources_page
    ident, deal = _clean_deal()
    row = _row(page, ident)
    assert row["item"] == deal and row["what"] == WEB_LABELS["src_what:flow"]["en"]
    led = load_ledger()
    cell = str(led.flows.set_index("id").at[ident, "source"])
    urls = [p.strip() for p in cell.split(" | ") if p.strip().startswith(("https://", "http://"))]
    assert urls, cell
    assert [a["href"] for a in row["links"]] == urls
    assert all(a["target"] == "_blank" for a in row["links"])
    assert set(row["elements"]) <= {"div", "p", "a"}  # the cell, the paragraph, links
    _check(page, "a clean deal")


def test_a_seed_article_reads_by_title(sources_page):
    led = load_ledger()
    fig = led.figures[led.figures["source"].astype(str).str.strip().isin(SEEDS)].iloc[0]
    row = _row(sources_page, fig["id"])
    seed = SEEDS[str(fig["source"]).strip()]
    assert seed.title in row["source"] and str(fig["source"]).strip() not in row["source"]
    assert row["links"] == []


def test_hostile_sources_and_names_render_literally(sources_page):
    page = sources_page
    # f001: a javascript: source between two hostile names
    row = _row(page, "f001")
    assert row["source"] == JS_LINK and row["links"] == []
    assert row["item"] == f"Microsoft {SCRIPT} → OpenAI {SVG}"
    _check(page, "f001")
    # g139: markup as the whole source; g140: an <img onerror>
    assert _row(page, "g139")["source"] == f"<img src=x onerror=alert(1)> {LINK}"
    assert _row(page, "g140")["source"] == IMG
    _check(page, "g139, g140")
    # g134: a web address with a script in its path: one link, the path percent-encoded
    row = _row(page, "g134")
    (link,) = row["links"]
    assert link["href"] == "https://example.org/%3Cscript%3Ewindow.__pwned=1%3C/script%3E"
    assert link["text"] == "example.org/…"
    _check(page, "g134")
    assert page.errors == []


def test_the_csv_keeps_the_plain_text_and_the_ids(sources_page):
    from urllib.parse import unquote

    href = sources_page.get_attribute("#src-table-csv", "href")
    text = unquote(href.split(",", 1)[1])
    assert text.splitlines()[0] == "What,About,Date,Source,Id"
    assert JS_LINK in text and "](" not in text and "f001" in text


def test_the_gap_page_in_german(page, server):
    page.goto(server + "/")
    page.click("#lang input[value=de]")
    page.wait_for_selector("#nav-overview:has-text('Überblick')", timeout=TIMEOUT)
    page.goto(server + "/gap")
    page.wait_for_selector("#gp-years .main-svg", timeout=TIMEOUT)
    labels = page.locator("label.small").all_inner_texts()
    assert any(x.startswith(WEB_LABELS["param:gpu_share"]["de"]) for x in labels), labels
    assert not any(x.startswith("gpu_share") for x in labels), labels
    traces = page.evaluate(
        "() => document.querySelector('#gp-years .js-plotly-plot').data"
        ".map(t => ({name: t.name, mode: t.mode, x: t.x}))"
    )
    ref = [t for t in traces if t["name"] == WEB_LABELS["gap_ref_labs"]["de"]]
    assert len(ref) == 1 and ref[0]["mode"] == "markers", traces
    intro = page.inner_text("#gp-intro")
    assert "zur Prognose der Seeds interpoliert" not in intro and "ARR-Prognose" in intro
    _check(page, "the gap page")
    assert page.errors == []
