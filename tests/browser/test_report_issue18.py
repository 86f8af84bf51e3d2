"""The German report in a real headless Chromium (issue 18): the metrics table (14 columns with
long German headers) stays inside its card, as does every other table: a table wider than its
card scrolls sideways inside it instead of running over the card's edge. The notices' and the
backtest notes' engine details open with a click.

One German report on a synthetic universe (24 names, two benchmarks; ~10 s), one browser.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from aiinfra.report import write_report
from aiinfra.services.report import build_report
from tests.browser._dashboard import chromium, require_browser
from tests.index_fixtures import make_universe

pytestmark = [pytest.mark.browser]

#: per table: its wrapper's and its card's right edge, its width and the wrapper's, whether the
#: wrapper scrolls sideways, and the header of its first column
BOXES = """
() => [...document.querySelectorAll('main table')].map(t => {
    const wrap = t.parentElement, card = t.closest('section');
    const w = wrap.getBoundingClientRect(), c = card.getBoundingClientRect();
    const style = getComputedStyle(card);
    const inner = c.right - parseFloat(style.borderRightWidth);
    return {
        section: card.id, wrapClass: wrap.className,
        wrapRight: w.right, cardRight: inner, tableRight: t.getBoundingClientRect().right,
        tableWidth: t.scrollWidth, wrapWidth: wrap.clientWidth,
        scrolls: getComputedStyle(wrap).overflowX,
        head: t.rows[0].cells[t.rows[0].cells.length - 1].textContent,
    };
})
"""


@pytest.fixture(scope="module")
def german_report(tmp_path_factory) -> Path:
    require_browser()
    root = tmp_path_factory.mktemp("de")
    # 16 names: fewer than the rules' 20, so the index forms on relaxed rules (a notice with the
    # engine's message folded under it)
    led, px = make_universe(root, n=16, score_as_of="2024-06-01")
    rules = root / "vintage.yaml"  # today's scores on earlier dates (labelled): a fast index
    rules.write_text("pit_mode: vintage\n")
    r = build_report(
        load_ledger(base=led), CsvDirProvider(px).get, as_of="2023-06-30", lang="de",
        start="2022-06-01", benchmarks=("T01", "T02"), methodology=str(rules),
    )  # fmt: skip
    assert "index" in r.sections and r.index is not None and r.index.relaxation is not None
    return write_report(r, root / "r.html")


def _metrics(boxes: list[dict]) -> dict:
    # the metrics table: its last column is the capture ratios against the first benchmark
    return next(b for b in boxes if b["head"].startswith("Aufwärts-/Abwärtspartizipation"))


def test_the_german_metrics_table_stays_inside_its_card(german_report):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        page.goto(german_report.as_uri(), wait_until="load")
        boxes = page.evaluate(BOXES)
        # the same page without the wrapper's rule: the bug this guards against
        page.evaluate(
            "document.querySelectorAll('.tbl').forEach(d => d.style.overflowX = 'visible')"
        )
        unguarded = _metrics(page.evaluate(BOXES))
        page.close()
    m = _metrics(boxes)
    assert m["section"] == "index" and m["wrapClass"] == "tbl"
    assert m["tableWidth"] > m["wrapWidth"]  # wider than its card at this width …
    assert m["scrolls"] == "auto" and m["wrapRight"] <= m["cardRight"] + 0.5  # … and inside it
    assert unguarded["tableRight"] > unguarded["cardRight"] + 1  # without it: over the edge
    for b in boxes:  # every table: its wrapper within its card
        assert b["wrapClass"] == "tbl" and b["wrapRight"] <= b["cardRight"] + 0.5, b


def test_the_engine_detail_opens_with_a_click(german_report):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.goto(german_report.as_uri(), wait_until="load")
        notice = page.locator("#summary div.notice", has=page.locator("details.engine")).first
        sentence = notice.locator("p").first.text_content()
        detail = notice.locator("details.engine p")
        before = detail.is_visible()
        notice.locator("details.engine summary").click()
        after = detail.is_visible()
        text = detail.text_content()
        page.close()
    assert "von 16 Kandidaten haben Kurse" in sentence and "selection.min_n" not in sentence
    assert before is False and after is True and "fewer than the minimum of 20" in text
