"""The report without a browser: sections, labels, notices, atomic writing."""

from __future__ import annotations

import html

import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from aiinfra.report import write_report
from aiinfra.services.report import build_report
from tests.index_fixtures import make_universe

runner = CliRunner()


def test_offline_without_prices_the_report_says_why_on_page_one(tmp_path):
    env = {"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
    out = tmp_path / "r.html"
    result = runner.invoke(
        app, ["--home", str(tmp_path / "h"), "report", "--out", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    first = text.split('<section id="summary">')[1].split("</section>")[0]
    assert "No prices were available" in first and "no network" in first
    assert 'id="index"' not in text and 'id="sources"' in text


def vintage_rules(tmp_path) -> str:
    """The default rules in ``pit_mode: vintage`` (the default before issue 14): a report dated
    before the house vintage runs on today's scores, labelled not point-in-time."""
    path = tmp_path / "vintage.yaml"
    path.write_text("pit_mode: vintage\n")
    return str(path)


def test_german_labels_and_the_point_in_time_label(tmp_path):
    led, px = make_universe(tmp_path, n=24, score_as_of="2024-06-01")
    ledger, prices = load_ledger(base=led), CsvDirProvider(px)
    r = build_report(
        ledger,
        prices.get,
        as_of="2023-06-30",
        lang="de",
        methodology=vintage_rules(tmp_path),
        start="2022-06-01",
        benchmarks=("T01",),
    )
    assert '<html lang="de">' in r.html and "Zusammenfassung" in r.html and "Der Index" in r.html
    assert "Nicht zeitpunktgenau" in r.html
    assert r.sections[:2] == ["summary", "index"] and r.charts >= 5
    assert "flows" not in r.sections  # later parts are left out, not shown empty


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    led, _ = make_universe(tmp_path, n=24)
    r = build_report(load_ledger(base=led), None, as_of="2023-06-30")
    out = tmp_path / "out" / "r.html"

    class Boom(Exception):
        pass

    import aiinfra.report._build as b

    real = b.os.replace

    def fail(*_args):
        raise Boom("disk full (injected)")

    monkeypatch.setattr(b.os, "replace", fail)
    with pytest.raises(Boom):
        write_report(r, out)
    monkeypatch.setattr(b.os, "replace", real)
    assert list((tmp_path / "out").iterdir()) == []
    write_report(r, out)
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_a_report_after_the_last_price_is_dated_to_it_and_says_so(tmp_path):
    # prices end in 2023-12; the house view is dated later, like the bundled one
    led, px = make_universe(tmp_path, n=24, days=500, score_as_of="2024-06-01")
    ledger, prices = load_ledger(base=led), CsvDirProvider(px)
    r = build_report(
        ledger,
        prices.get,
        as_of="2026-11-21",
        start="2022-06-01",
        benchmarks=("T01",),
        methodology=vintage_rules(tmp_path),
    )
    last = prices.get("T01").index[-1].date()
    assert any(f"The prices end on {last}" in n for n in r.notices)
    assert "index" in r.sections


def test_a_report_dated_before_any_backtest_window_is_still_written(tmp_path):
    led, px = make_universe(tmp_path, n=24, score_as_of="2024-06-01")
    r = build_report(
        load_ledger(base=led),
        CsvDirProvider(px).get,
        as_of="2022-09-21",
        start="2023-01-01",
        benchmarks=("T01",),
        methodology=vintage_rules(tmp_path),
    )
    # the analyst's sentence on page one, the engine's message folded under it
    assert any(n.startswith("No backtest since 2023-01-01") for n in r.notices)
    first = r.html.split('<section id="summary">')[1].split("</section>")[0]
    assert 'class="engine"' in first and str(r.index.backtest_error)[:40] in html.unescape(first)
    assert r.sections[:2] == ["summary", "index"]
    body = r.html.split("</head>")[1]  # the page, without the embedded plotly.js
    assert ">nan<" not in body.lower()


def test_buildout_summary_shows_growth_and_cagr():
    import json

    result = runner.invoke(
        app, ["buildout", "--summary", "--metric", "wfe_spend", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    wfe = next(r for r in rows if r["measure"] == "wfe_spend_usd_bn")
    assert wfe["growth"] == pytest.approx(160 / 104 - 1, rel=1e-9)
    assert wfe["cagr"] == pytest.approx((160 / 104) ** (1 / 3) - 1, rel=1e-6)


def res_of(ledger, name):
    from aiinfra.stress import stress

    return stress(ledger, name, as_of="2026-11-01")


@pytest.mark.parametrize(("lang", "title"), [("en", "Stress tests"), ("de", "Stresstests")])
def test_the_stress_section_shows_every_builtin_scenario(lang, title):
    from aiinfra.stress import builtin_scenarios, stress

    ledger = load_ledger()
    r = build_report(ledger, None, as_of="2026-11-01", lang=lang)
    assert "stress" in r.sections
    section = r.html.split('<section id="stress">')[1].split("</section>")[0]
    assert title in section and "house-view" in section
    from aiinfra.report._stress import scenario_name

    for name in builtin_scenarios():  # each by its name in words, not its id
        words = scenario_name(res_of(ledger, name).scenario, lang)
        assert words != name and f"<td>{words}</td>" in section
    # the table's index impact is the API's, formatted
    res = stress(ledger, "lab_default", as_of="2026-11-01")
    from aiinfra.report._build import _Fmt

    assert f"<td>{_Fmt(lang).pct(res.index['impact'])}</td>" in section
    assert "Data-Centre" in section or "Rechenzentren" in section  # the by-category chart


@pytest.mark.parametrize(("lang", "title"), [("en", "The ROI gap"), ("de", "Die ROI-Lücke")])
def test_the_gap_section_shows_years_bands_and_the_tornado(lang, title):
    from aiinfra.roi_gap import gap

    ledger = load_ledger()
    r = build_report(ledger, None, as_of="2026-11-01", lang=lang)
    assert "gap" in r.sections
    section = r.html.split('<section id="gap">')[1].split("</section>")[0]
    assert title in section
    g = gap(ledger, None, as_of="2026-11-01")
    from aiinfra.report._build import _Fmt

    f = _Fmt(lang)
    row = g.row(2026)
    # the 2026 row: required with its band, as the model computes them
    band = f"{f.num(row['required'], 0)} ({f.num(row['required_low'], 0)}–"
    assert band in section
    assert section.count("Plotly.newPlot") == 2  # gap by year, tornado
    assert "gross_margin" in section  # the tornado's largest swing
    assert ">nan<" not in section.lower()
