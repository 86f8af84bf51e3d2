"""Hostile ledger text in the dashboard, in a real headless Chromium (issue 12).

`aiinfra serve --data OVERLAY --port 0` on 127.0.0.1, with an overlay whose company names, flow
notes and figure sources/notes are ``<script>``, ``<img onerror>``, ``<svg onload>`` and
``javascript:`` payloads (tests/_report_payloads.py). Every page is visited, every chart point
hovered, the hostile company clicked on the map: nothing runs (``window.__pwned`` stays
undefined, no dialog), the text is shown literally, and no request goes to another host.
"""

from __future__ import annotations

import pytest

from aiinfra.web import PAGES
from tests._report_payloads import IMG, SCRIPT, SVG, write_payload_overlay
from tests.browser._dashboard import (
    TIMEOUT,
    chromium,
    click_map_node,
    recording_page,
    require_browser,
    serve_dashboard,
)
from tests.conftest import SHARED_PRICES

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # about 35 s: every page, every point
#: per page, an element that exists once the page's data is drawn
READY = {
    "/": "#ov-gap-text",
    "/index": "#ix-applied, #error-banner:not([hidden])",  # the index, or "no prices"
    "/flows": "#fl-summary-text",
    "/stress": "#st-risk .main-svg",
    "/gap": "#gp-years .main-svg",
    "/buildout": "#bo-graph .main-svg",
    "/sources": "#src-table table",
    "/history": "#hi-chart .main-svg",
    "/diff": "#df-intro",
    "/lookthrough": "#lt-upload",
}
#: hover every point of every plotly chart on the page (plotly draws the labels from hovertext)
HOVER_ALL = """() => {
  let n = 0;
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    (gd.data || []).forEach((tr, c) => {
      const len = Math.max((tr.x || []).length, (tr.y || []).length, (tr.labels || []).length,
                           (tr.ids || []).length);
      for (let p = 0; p < len; p++) {
        try { window.Plotly.Fx.hover(gd, [{curveNumber: c, pointNumber: p}]); n++; } catch (e) {}
      }
    });
  }
  return n;
}"""
DANGER = """() => ({
  pwned: typeof window.__pwned,
  img: document.querySelectorAll('img[src="x"]').length,
  handlers: document.querySelectorAll('[onerror], [onload]').length,
  scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('__pwned')).length,
  jslinks: document.querySelectorAll('a[href^="javascript:" i]').length,
})"""
SAFE = {"pwned": "undefined", "img": 0, "handlers": 0, "scripts": 0, "jslinks": 0}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    home = tmp_path_factory.mktemp("home")
    overlay = write_payload_overlay(home / "overlay")
    prices = SHARED_PRICES if SHARED_PRICES.is_dir() else None
    with serve_dashboard(home, prices, "--data", str(overlay)) as srv:
        yield srv.url
    text = srv.log.read_text()
    assert "Traceback" not in text, text[:3000]


@pytest.fixture(scope="module")
def page(server):
    """One page for the whole module, recording page errors, dialogs and requested hosts."""
    with chromium() as browser, recording_page(browser) as pg:
        yield pg


def check(pg, where: str) -> None:
    assert pg.evaluate(DANGER) == SAFE, where
    assert pg.dialogs == [], where


def test_hostile_ledger_text_never_runs_and_is_shown_literally(page, server):
    hovered = 0
    for path in PAGES:
        page.goto(server + path)
        page.wait_for_selector(READY[path], timeout=TIMEOUT)
        page.wait_for_timeout(500)  # the other charts of the page
        check(page, path)
        hovered += page.evaluate(HOVER_ALL)
        page.wait_for_timeout(200)
        check(page, f"{path} after hovering")
        if path == "/stress":  # the parties' names, in the dropdown and the loss table
            assert f"OpenAI {SVG}" in page.inner_text("#st-parties")
            # the shocked party apart, the companies hit by name (issue 18)
            assert f"OpenAI {SVG}" in page.inner_text("#st-shocked")
            assert f"Microsoft {SCRIPT}" in page.inner_text("#st-table")
        if path == "/buildout":  # model-lab ARR: figures g132, g139, g140 carry payloads
            page.wait_for_selector("#bo-table", timeout=TIMEOUT)
            assert "g140" in page.inner_text("#bo-table")
    assert hovered > 50  # the points were there to hover

    # the hostile company on the map: clicked, its name literal in the side panel
    page.goto(server + "/flows")
    page.wait_for_selector(READY["/flows"], timeout=TIMEOUT)
    click_map_node(page, "nvidia", attempts=6)
    assert page.inner_text("#fl-panel-name") == f"NVIDIA {IMG}"
    check(page, "after clicking the hostile node")
    # found by name in the search box (issue 18): the option and the panel show it literally
    page.click("#fl-search")  # with a company chosen, the focus is on its option: fill the box
    page.locator(".dash-dropdown-search:visible").fill("Microsoft")
    option = page.locator(".dash-dropdown-option", has_text="Microsoft").first
    assert option.inner_text().strip() == f"Microsoft {SCRIPT}"
    check(page, "with the hostile name in the search box's options")
    option.click()
    page.wait_for_function(
        "(n) => document.querySelector('#fl-panel-name') && "
        "document.querySelector('#fl-panel-name').textContent === n",
        arg=f"Microsoft {SCRIPT}",
        timeout=TIMEOUT,
    )
    check(page, "after choosing the hostile company in the search box")
    # an edge of the hostile company tapped: "payer → payee" by name, literally
    page.evaluate(
        "document.getElementById('fl-map')._cyreg.cy.getElementById('nvidia->coreweave')"
        ".emit('tap')"
    )
    page.wait_for_selector("#fl-edge-text", timeout=TIMEOUT)
    assert page.inner_text("#fl-edge-text").startswith(f"NVIDIA {IMG} → CoreWeave: ")
    check(page, "after tapping an edge of the hostile company")
    assert page.hosts == {server}, page.hosts
    assert page.errors == [], page.errors
