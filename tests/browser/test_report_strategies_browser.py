"""The report's CSV links and strategy comparison in a real headless Chromium (issue 16 part 5).

* Every table is followed by one "CSV" link whose ``data:`` URI decodes, in the browser, to the
  table; a company named ``NVIDIA </a><script>…`` (a ledger overlay) stays text in the cells and
  in the CSV, runs nothing and makes no link; a click downloads the file (the report stays one
  offline file, nothing is requested).
* (slow) The report of two methodologies and three benchmarks on the shared prices draws every
  chart, the rolling one-year charts among them, and its strategies table downloads.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.ledger._loader import bundled_data_dir
from tests.browser._dashboard import chromium, require_browser
from tests.conftest import SHARED_PRICES

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # ~12 s: a report of three strategies
HOSTILE = "NVIDIA </a><script>window.__pwned=1</script>"
#: recorded before any script of the page runs
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
    window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""
#: per table: its cells (as shown), the element after it, and the CSV its link decodes to
TABLES = """
() => [...document.querySelectorAll('main table')].map(t => {
    const next = t.nextElementSibling;
    const link = next && next.matches('a.csv') ? next : null;
    return {
        cells: [...t.rows].map(r => [...r.cells].map(c => c.textContent)),
        link: link && link.textContent,
        download: link && link.getAttribute('download'),
        kind: link && link.dataset.csv,
        csv: link && decodeURIComponent(link.getAttribute('href').split(',').slice(1).join(',')),
        scheme: link && link.getAttribute('href').split(',')[0],
    };
})
"""


def _overlay(folder: Path) -> Path:
    """companies.csv with NVIDIA's name replaced by a payload that tries to close a link."""
    folder.mkdir(parents=True, exist_ok=True)
    with (bundled_data_dir() / "companies.csv").open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        row = next(r for r in reader if r["id"] == "nvidia")
    row["name"] = HOSTILE
    with (folder / "companies.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerow(row)
    return folder


def _report(root: Path, *args: str, prices: bool) -> tuple[Path, int]:
    out = root / "r.html"
    base = ["--prices", str(SHARED_PRICES)] if prices else ["--home", str(root / "home")]
    env = {"AIINFRA_DATA": str(_overlay(root / "overlay")), "HTTPS_PROXY": "http://127.0.0.1:9"}
    result = CliRunner().invoke(
        app, [*base, "report", "--out", str(out), "--as-of", "2026-06-30", *args], env=env,
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, int(result.output.split("; ")[1].split(" charts")[0])


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> tuple[Path, int]:
    """The bundled ledger with the overlay, without prices (offline: no index, ~10 s)."""
    require_browser()
    return _report(tmp_path_factory.mktemp("csv"), prices=False)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _open(browser: Any, path: Path, charts: int) -> Any:
    ctx = browser.new_context(viewport={"width": 1300, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    page.add_init_script(WATCH)
    page.errors, page.requests, page.dialogs = [], [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function(
        f"document.querySelectorAll('.plotly-graph-div .main-svg').length >= {charts}",
        timeout=60_000,
    )
    return page


def test_every_table_has_a_csv_link_a_hostile_name_cannot_break_out_of(hostile_report, tmp_path):
    path, charts = hostile_report
    with chromium() as browser:
        page = _open(browser, path, charts)
        tables = page.evaluate(TABLES)
        links = page.evaluate("document.querySelectorAll('a.csv').length")
        # the payload made no element: no script beyond plotly.js and the charts, no extra link
        scripts = page.evaluate("document.querySelectorAll('script').length")
        # (the sources appendix links the ledger's web addresses, issue 18: those only)
        anchors = page.evaluate(
            "[...document.querySelectorAll('a')].filter(a => !a.matches('a.csv') && "
            "!a.getAttribute('href').startsWith('#') && !(a.matches('ul.sources a') && "
            "/^https?:\\/\\//.test(a.getAttribute('href')) && a.rel === 'noopener noreferrer'"
            ")).length"
        )
        pwned = page.evaluate("window.__pwned === undefined")
        violations = page.evaluate("window.__csp")
        # a click downloads the first table with the hostile name as a file
        k = next(
            i for i, t in enumerate(tables) if any(HOSTILE in c for r in t["cells"] for c in r)
        )
        with page.expect_download() as info:
            page.locator("main table").nth(k).locator("xpath=following-sibling::a[1]").click()
        saved = tmp_path / "t.csv"
        info.value.save_as(saved)
        name = info.value.suggested_filename
        errors, requests, dialogs = page.errors, page.requests, page.dialogs
    assert len(tables) == links >= 5
    assert scripts == charts + 1 and anchors == 0 and pwned
    assert errors == [] and violations == [] and dialogs == []
    assert set(requests) == {path.as_uri()}, requests  # nothing fetched, the download included
    shown_hostile = 0
    for t in tables:
        assert t["link"] == "CSV" and t["scheme"] == "data:text/csv;charset=utf-8"
        assert t["download"].startswith("aiinfra-") and t["download"].endswith(".csv")
        rows = _rows(t["csv"])
        assert t["kind"] in ("shown", "data") and rows
        if t["kind"] == "shown":  # the table as shown (a formula-like text cell gets a ')
            assert [[c.removeprefix("'") for c in r] for r in rows] == t["cells"], t["download"]
        shown_hostile += any(HOSTILE in c for r in rows for c in r)
    assert shown_hostile >= 1  # the name reached the CSV whole, as text
    assert sum(t["kind"] == "shown" for t in tables) >= 5
    assert saved.read_text(encoding="utf-8") == tables[k]["csv"]
    assert name == tables[k]["download"]


@pytest.mark.slow  # two indexes and backtests on the shared prices: 25-30 s
def test_a_report_of_several_strategies_draws_its_rolling_charts_and_downloads_its_table(
    tmp_path_factory, tmp_path
):
    require_browser()
    if not SHARED_PRICES.is_dir():
        pytest.skip("../shared/data/prices is absent")
    path, charts = _report(
        tmp_path_factory.mktemp("multi"),
        "--methodology", "default", "--methodology", "semis_20cap",
        "--benchmark", "QQQ", "--benchmark", "SMH", "--benchmark", "SOXX",
        prices=True,
    )  # fmt: skip
    with chromium() as browser:
        page = _open(browser, path, charts)
        drawn = page.evaluate(
            "[...document.querySelectorAll('.plotly-graph-div')]"
            ".filter(d => d.querySelector('.main-svg')).length"
        )
        rolling = page.evaluate(
            "['return', 'volatility', 'sharpe', 'beta'].map(s => "
            "[...document.querySelectorAll(`#rolling-${s} .plotly-graph-div`)]"
            ".filter(d => d.querySelector('.main-svg')).length)"
        )
        legend = page.evaluate(
            "[...document.querySelectorAll('#rolling-beta .legendtext')].map(t => t.textContent)"
        )
        first = page.evaluate(TABLES.replace("'main table'", "'#strategies table'"))[0]
        with page.expect_download() as info:
            page.click("#strategies a.csv >> nth=0")
        saved = tmp_path / "s.csv"
        info.value.save_as(saved)
        errors, violations = page.errors, page.evaluate("window.__csp")
    assert drawn == charts and rolling == [1, 1, 1, 1]
    assert legend == ["default", "semis_20cap", "SMH", "SOXX"]  # beta against QQQ
    assert [r[0] for r in first["cells"][1:]] == ["default", "semis_20cap", "QQQ", "SMH", "SOXX"]
    assert _rows(saved.read_text(encoding="utf-8"))[0] == first["cells"][0]
    assert errors == [] and violations == []
