"""The report in a real headless Chromium: every chart renders, nothing else is requested, the
Content-Security-Policy holds, and hostile ledger text never runs (issue 12).

The report is rendered once, through the real CLI, on the bundled ledger with an overlay whose
company names, flow notes and figure sources/notes are script payloads
(``tests/_report_payloads.py``); on the shared prices when present (with the index charts),
else without prices (the report then leaves the index out and says why).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from tests._report_payloads import ALERT, IMG, LINK, SCRIPT, SVG, write_payload_overlay
from tests.conftest import SHARED_PRICES

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # ~45 s (report built, every point hovered)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (scripts/setup.sh installs it)"
)
#: recorded before any script of the page runs (playwright injects it outside the page's CSP)
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
    window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""
#: traces longer than this (the daily level and drawdown lines: numbers and ticker names only,
#: the same hover text at every point) are hovered at LONG_SAMPLES evenly spaced points
LONG = 200
LONG_SAMPLES = 12
#: Plotly.Fx.hover runs at most once per 20 ms per chart (plotly.js HOVERMINTIME) and drops a
#: call made while one is pending: on each chart, hover one point, wait until the chart's hover
#: data changes (at most 300 ms: a point without hover data changes nothing), read the label,
#: wait out the 20 ms, go on; the charts are hovered side by side
HOVER_ALL = """
async ([long, samples]) => {
    const sleep = ms => new Promise(res => setTimeout(res, ms));
    const charts = [...document.querySelectorAll('.plotly-graph-div')]
        .filter(gd => gd._fullLayout._has('cartesian'));
    const texts = [];
    let hovered = 0;
    await Promise.all(charts.map(async gd => {
        const pts = [];
        gd._fullData.forEach((tr, i) => {
            if (tr.hoverinfo === 'skip' || !tr.visible) return;
            // a histogram's bins and a heatmap's cells are not addressed by one point number
            // (Fx.hover throws on them); they hold numbers only, no ledger text
            if (tr.type === 'histogram' || tr.type === 'heatmap') return;
            const n = tr._length ?? (tr.x || tr.y || []).length;
            const step = n > long ? Math.ceil(n / samples) : 1;
            // the trace's own subplot (a chart with panels puts traces on x2y3 and the like)
            const sub = (tr.xaxis || 'x') + (tr.yaxis || 'y');
            for (let j = 0; j < n; j += step) pts.push([i, j, sub]);
        });
        for (const [i, j, sub] of pts) {
            const before = gd._hoverdata;
            Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: j}], sub);
            for (let k = 0; k < 60 && gd._hoverdata === before; k++) await sleep(5);
            hovered++;
            const layer = gd.querySelector('.hoverlayer');
            if (layer && layer.textContent) texts.push(layer.textContent);
            await sleep(21);
        }
        Plotly.Fx.unhover(gd);
    }));
    return {hovered, texts, charts: charts.length};
}
"""


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> tuple[Path, int]:
    root = tmp_path_factory.mktemp("report")
    out = root / "r.html"
    overlay = write_payload_overlay(root / "overlay")
    args = ["report", "--out", str(out), "--as-of", "2026-06-30"]
    if SHARED_PRICES.is_dir():
        args = ["--prices", str(SHARED_PRICES), *args]
    else:
        args = ["--home", str(root / "home"), *args]  # empty store, offline: no backtest
    env = {"AIINFRA_DATA": str(overlay), "HTTPS_PROXY": "http://127.0.0.1:9"}
    result = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    charts = int(result.output.split("; ")[1].split(" charts")[0])
    return out, charts


def _open(p: Any, path: Path, charts: int) -> tuple[Any, Any, dict[str, list[str]]]:
    seen: dict[str, list[str]] = {"requests": [], "errors": [], "console": [], "dialogs": []}
    browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.add_init_script(WATCH)
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))

    def dialog(d: Any) -> None:
        seen["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function(
        f"document.querySelectorAll('.plotly-graph-div .main-svg').length >= {charts}",
        timeout=30_000,
    )
    return browser, page, seen


@needs_chromium
def test_every_chart_renders_without_errors_or_outside_requests(report_file, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    path, charts = report_file
    with playwright.sync_playwright() as p:
        browser, page, seen = _open(p, path, charts)
        drawn = page.evaluate("document.querySelectorAll('.plotly-graph-div').length")
        with_svg = page.evaluate(
            "[...document.querySelectorAll('.plotly-graph-div')].filter(d => d.querySelector('.main-svg')).length"
        )
        violations = page.evaluate("window.__csp")
        page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
        browser.close()
    assert drawn == charts >= 1 and with_svg == charts
    assert seen["errors"] == [] and violations == []
    assert set(seen["requests"]) == {path.as_uri()}, seen["requests"]


@needs_chromium
def test_hostile_ledger_text_never_runs_even_with_every_point_hovered(report_file):
    playwright = pytest.importorskip("playwright.sync_api")
    path, charts = report_file
    with playwright.sync_playwright() as p:
        browser, page, seen = _open(p, path, charts)
        hover = page.evaluate(HOVER_ALL, [LONG, LONG_SAMPLES])
        # real mouse movements over the pictures that carry names: the treemap's tiles and the
        # flow map's companies (a hover label per tile or node)
        mouse_texts: list[str] = []
        for selector in ("g.slice", ".plotly-graph-div path.point"):
            for el in page.query_selector_all(selector)[:400]:
                if not el.is_visible():
                    continue
                el.hover(force=True)
                text = page.evaluate(
                    "[...document.querySelectorAll('.hoverlayer')].map(h => h.textContent).join(' ')"
                )
                if text:
                    mouse_texts.append(text)
        state = page.evaluate(
            """() => ({
                pwned: typeof window.__pwned,
                csp: window.__csp,
                handlers: document.querySelectorAll('[onerror],[onload],[onclick],[onmouseover]').length,
                jsLinks: [...document.querySelectorAll('a[href], [*|href]')]
                    .map(a => a.getAttribute('href') || a.getAttribute('xlink:href') || '')
                    .filter(h => /^\\s*javascript:/i.test(h)).length,
                scripts: document.querySelectorAll('script').length,
                // a plotly heatmap (the factsheet's monthly returns) is drawn as one PNG
                // image of its numbers in its `g.hm` group: that one is plotly's own
                foreign: [...document.querySelectorAll('svg image, svg foreignObject, .plotly-graph-div img')]
                    .filter(el => !(el.matches('g.hm > image')
                                    && /^data:image\\/png;base64,/.test(el.getAttribute('href') || '')))
                    .length,
                svgLinks: document.querySelectorAll('svg a').length,
                text: document.body.innerText,
            })"""
        )
        browser.close()
    assert state["pwned"] == "undefined" and seen["dialogs"] == []
    assert state["csp"] == [] and not [c for c in seen["console"] if "Content Security" in c]
    assert state["handlers"] == 0 and state["jsLinks"] == 0 and state["foreign"] == 0
    assert state["svgLinks"] == 0  # no ledger text became a link in a chart
    assert state["scripts"] == charts + 1  # plotly.js and one per chart: nothing was added
    assert set(seen["requests"]) == {path.as_uri()}, seen["requests"]
    # every point was hovered and the labels showed the payloads as text
    assert hover["charts"] >= 4 and hover["hovered"] >= 100
    hovers = " ".join(hover["texts"] + mouse_texts)
    assert f"Microsoft {SCRIPT}" in hovers  # the flow map's hover label, as typed
    assert f"{ALERT} {LINK}" in hovers  # g139's source in a build-out hover, as typed
    # the tables show every payload literally
    for payload in (SCRIPT, IMG, SVG, ALERT, LINK):
        assert payload in state["text"], payload
    assert re.search(r"javascript:window\.__pwned=1", state["text"])
    if SHARED_PRICES.is_dir():  # the index is drawn: its treemap names NVIDIA as typed
        assert f"NVIDIA {IMG}" in hovers
