"""The report in a real headless Chromium: every chart renders, nothing else is requested."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiinfra.cli._app import app
from tests.conftest import SHARED_PRICES

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> tuple[Path, int]:
    out = tmp_path_factory.mktemp("report") / "r.html"
    args = ["report", "--out", str(out), "--as-of", "2026-06-30"]
    if SHARED_PRICES.is_dir():
        args = ["--prices", str(SHARED_PRICES), *args]
    else:
        args = ["--home", str(out.parent / "home"), *args]  # empty store, offline: no backtest
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    charts = int(result.output.split("; ")[1].split(" charts")[0])
    return out, charts


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (scripts/setup.sh installs it)"
)
def test_every_chart_renders_without_errors_or_outside_requests(report_file, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    path, charts = report_file
    requests: list[str] = []
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(
            f"document.querySelectorAll('.plotly-graph-div .main-svg').length >= {charts}",
            timeout=30_000,
        )
        drawn = page.evaluate("document.querySelectorAll('.plotly-graph-div').length")
        with_svg = page.evaluate(
            "[...document.querySelectorAll('.plotly-graph-div')].filter(d => d.querySelector('.main-svg')).length"
        )
        page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
        browser.close()
    assert drawn == charts >= 1 and with_svg == charts
    assert errors == []
    assert set(requests) == {path.as_uri()}, requests
