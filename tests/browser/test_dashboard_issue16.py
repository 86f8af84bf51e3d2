"""The pages of issue 16 in the real dashboard (`aiinfra serve` on 127.0.0.1, port 0) driven by a
real headless Chromium: circularity over time (/history), what changed between two dates (/diff),
the look-through of an uploaded fund file (/lookthrough, with hostile names) and the gap net of
circularity (/gap).
"""

from __future__ import annotations

import pytest

from aiinfra.web import PAGES
from tests.browser._dashboard import (
    TIMEOUT,
    require_browser,
    serve_dashboard,
)
from tests.conftest import ROOT, SHARED_PRICES

pytestmark = [pytest.mark.browser]
HOSTILE = ROOT / "tests" / "data" / "holdings_hostile.csv"
SCRIPT_NAME = "<script>alert('x')</script>"
#: hover every point of every cartesian chart on its own subplot; count the labels shown
HOVER = """async () => {
  const sleep = ms => new Promise(res => setTimeout(res, ms));
  let n = 0, total = 0;
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const pts = [];
    (gd._fullData || []).forEach((tr, c) => {
      const sub = (tr.xaxis || 'x') + (tr.yaxis || 'y');
      for (let p = 0; p < (tr._length || 0); p++) {
        if (Number.isFinite(Number(tr.y[p]))) pts.push([c, p, sub]);  // a gap has no label
      }
    });
    total += pts.length;
    for (const [c, p, sub] of pts) {
      const before = gd._hoverdata;
      window.Plotly.Fx.hover(gd, [{curveNumber: c, pointNumber: p}], sub);
      for (let k = 0; k < 60 && gd._hoverdata === before; k++) await sleep(5);
      const hit = (gd._hoverdata || []).some(d => d.curveNumber === c && d.pointNumber === p);
      if (hit && gd.querySelector('.hoverlayer').textContent) n++;
      await sleep(21);
    }
  }
  return [n, total];
}"""
DANGER = """() => ({
  pwned: typeof window.__pwned,
  scripts: [...document.querySelectorAll('main script')].length,
  handlers: document.querySelectorAll('[onerror], [onload]').length,
})"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    home = tmp_path_factory.mktemp("home")
    prices = SHARED_PRICES if SHARED_PRICES.is_dir() else None
    with serve_dashboard(home, prices) as srv:
        yield srv.url
    text = srv.log.read_text()
    assert "Traceback" not in text, text[:3000]


def _nav(page, server: str, path: str) -> None:
    page.goto(server + "/")
    page.click(f"#nav-{PAGES[path]}")  # a real click on the navigation link
    page.wait_for_url(server + path, timeout=TIMEOUT)


@pytest.mark.slow  # ~30 s: the history job, then every point of four traces hovered
def test_history_draws_the_chart_and_table_and_every_point_hovers(page, server):
    _nav(page, server, "/history")
    page.wait_for_selector("#hi-chart .main-svg", timeout=TIMEOUT)
    page.wait_for_selector("#hi-table", timeout=TIMEOUT)
    rows = page.locator("#hi-table tbody tr").count()
    assert rows >= 28  # every quarter end from 2019-03-31 (31 to 2026-09-30)
    # the cycling index, the volume bars and (with prices) the two drawdown lines
    traces = page.evaluate("document.querySelector('#hi-chart .js-plotly-plot').data.length")
    assert traces == (4 if SHARED_PRICES.is_dir() else 2)
    hovered, points = page.evaluate(HOVER)
    assert hovered == points >= 2 * rows  # every drawn point shows its label
    assert "2025-09-30" in page.inner_text("#hi-table")
    # the five largest recipients' self-funded shares, one row per quarter end
    assert page.locator("#hi-self-funded thead th").count() == 6
    assert page.locator("#hi-self-funded tbody tr").count() == rows
    assert page.errors == [], page.errors
    assert page.hosts == {server}, page.hosts


def test_diff_shows_the_four_parts_for_the_default_dates(page, server):
    _nav(page, server, "/diff")
    page.wait_for_selector("#df-intro", timeout=TIMEOUT)
    for part in ("deals", "cycles", "index", "gap_stress"):
        assert page.locator(f"#df-{part}").count() == 1, part
    assert page.locator("#df-deals tbody tr").count() > 10  # a year of deals
    assert page.is_hidden("#error-banner")
    assert page.errors == [], page.errors
    assert page.hosts == {server}, page.hosts


def test_an_uploaded_hostile_fund_file_is_shown_literally_and_runs_nothing(page, server):
    _nav(page, server, "/lookthrough")
    page.set_input_files("#lt-upload input[type=file]", str(HOSTILE))
    page.wait_for_selector("#lt-fund", timeout=TIMEOUT)
    assert "Hostile AI Infrastructure Fund" in page.inner_text("#lt-fund")
    assert "(2026-12-01)" in page.inner_text("#lt-fund")  # the date the file states
    # the line named like a script is unmapped, and its name is text on the page
    assert SCRIPT_NAME in page.inner_text("#lt-unmapped")
    assert page.locator("#lt-categories tbody tr").count() >= 3
    assert page.evaluate(DANGER) == {"pwned": "undefined", "scripts": 0, "handlers": 0}
    assert page.dialogs == []
    assert page.errors == [], page.errors
    assert page.hosts == {server}, page.hosts


def test_an_upload_that_is_not_a_fund_file_says_why(page, server, tmp_path):
    bad = tmp_path / "notes.csv"
    bad.write_text("just,some\nwords,here\n")
    _nav(page, server, "/lookthrough")
    page.set_input_files("#lt-upload input[type=file]", str(bad))
    page.wait_for_selector("#lt-error", timeout=TIMEOUT)
    assert "notes.csv" in page.inner_text("#lt-error")
    assert page.errors == [], page.errors


def test_the_gap_page_shows_the_gap_net_of_circularity(page, server):
    _nav(page, server, "/gap")
    page.wait_for_selector("#gp-net", timeout=TIMEOUT)
    text = page.inner_text("#gp-net")
    assert "%" in text  # the circular share s and the net coverage
    assert page.locator("#gp-net tbody tr").count() == 1
    assert page.errors == [], page.errors
