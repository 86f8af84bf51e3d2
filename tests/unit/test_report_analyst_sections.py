"""The report's sections as an analyst reads them (issue 18): "15 of N cycles shown" and both
null models' p-values in the flow section, the capture ratios' definition beside the metrics
table, price files that end called "prices end on DATE" (not delistings), and a single-point
build-out chart without a meaningless axis."""

from __future__ import annotations

import html
import math
import re

import numpy as np
import pandas as pd
import pytest

from aiinfra import metrics
from aiinfra.buildout import buildout_series
from aiinfra.charts import buildout_figure, label
from aiinfra.flows import find_cycles, flow_graph, significance
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from aiinfra.report import render_report
from aiinfra.report._build import analyst_note
from aiinfra.services.report import build_report
from tests.index_fixtures import make_universe

DAY = pd.Timestamp("2026-06-30")


def _section(page: str, sid: str) -> str:
    return page.split(f'<section id="{sid}">')[1].split("</section>")[0]


@pytest.fixture(scope="module")
def flows_pages():
    ledger = load_ledger()
    return ledger, {
        lang: _section(render_report(ledger, None, as_of=DAY, lang=lang).html, "flows")
        for lang in ("en", "de")
    }


def test_the_cycle_list_says_how_many_of_how_many_it_shows(flows_pages):
    ledger, pages = flows_pages
    total = len(list(find_cycles(flow_graph(ledger, DAY, "committed"), length_bound=5)))
    assert total > 15  # the bundled ledger has more cycles than the list shows
    assert f"15 of {total} cycles shown." in pages["en"]
    assert f"15 von {total} Kreisläufen gezeigt." in pages["de"]
    body = pages["en"].split("cycles shown.")[1].split("</table>")[0]
    assert body.count("<tr>") == 1 + 15  # header and the 15 rows the sentence announces


@pytest.mark.parametrize("lang", ["en", "de"])
def test_both_null_models_p_values_are_shown_each_named(flows_pages, lang):
    ledger, pages = flows_pages
    g = flow_graph(ledger, DAY, "committed")
    rows = re.findall(r"<tr>(.*?)</tr>", pages[lang].split(label("circularity", lang))[1])
    cells = [re.findall(r"<td>(.*?)</td>", r) for r in rows]
    cells = [c for c in cells if len(c) == 6]
    got = {(c[0], c[1]): c[5] for c in cells}
    for model in ("degree", "role"):
        sig = significance(g, samples=200, seed=1, model=model, length_bound=5)
        for stat in ("cycling_index", "cycle_volume"):
            p = getattr(sig, stat).p_value
            text = f"{p:.3f}".replace(".", "," if lang == "de" else ".")
            key = (label(f"stat_{stat}", lang), label(f"null_{model}", lang))
            assert got[key] == text, (key, got)
    assert len(got) == 4
    note = label("significance_note", lang)
    assert note in pages[lang] and ("role-preserving" in note or "rollentreu" in note)


def test_capture_definition_is_what_metrics_computes_by_hand():
    """The definition written beside the table, done by hand on a tiny series."""
    r = np.array([0.02, -0.01, 0.03, -0.04])
    b = np.array([0.01, -0.02, 0.02, -0.01])
    # up: the days b rose (1st and 3rd); CAGR over those days only, 252 a year
    up_r = (1.02 * 1.03) ** (252 / 2) - 1
    up_b = (1.01 * 1.02) ** (252 / 2) - 1
    assert metrics.up_capture(r, b) == pytest.approx(up_r / up_b, rel=1e-12)
    down_r = (0.99 * 0.96) ** (252 / 2) - 1
    down_b = (0.98 * 0.99) ** (252 / 2) - 1
    assert metrics.down_capture(r, b) == pytest.approx(down_r / down_b, rel=1e-12)
    # not the ratio of the plain mean returns on those days
    assert not math.isclose(metrics.up_capture(r, b), (0.025) / (0.015), rel_tol=1e-3)


@pytest.fixture(scope="module")
def ended_universe(tmp_path_factory):
    """The synthetic universe with the price files of T00–T11 ending on 2023-03-31."""
    root = tmp_path_factory.mktemp("ends")
    led, px = make_universe(root, n=24, score_as_of="2024-06-01")
    for i in range(12):
        f = px / f"T{i:02d}.csv"
        frame = pd.read_csv(f)
        frame[frame["date"] <= "2023-03-31"].to_csv(f, index=False)
    (root / "vintage.yaml").write_text("pit_mode: vintage\n")
    return load_ledger(base=led), CsvDirProvider(px).get, str(root / "vintage.yaml")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_report_states_capture_definition_and_price_ends_not_delistings(ended_universe, lang):
    ledger, prices, rules = ended_universe
    r = build_report(ledger, prices, as_of="2023-12-29", lang=lang, methodology=rules,
                     start="2022-06-01", benchmarks=("T20",))  # fmt: skip
    page = r.html
    index = _section(page, "index")
    definition = label("capture_def", lang).format(ref="T20")
    assert f'<p class="small capture-def">{html.escape(definition)}</p>' in index
    assert label("capture", lang).format(ref="T20") in index  # the column it explains
    warnings = r.index.backtest.stats.warnings
    stale = [w for w in warnings if "removed as delisted" in w]
    assert stale  # the engine removed lines whose files end
    assert "delisted" not in page and "removed as delisted" not in page
    word = "prices end on 2023-03-31" if lang == "en" else "Kurse enden am 2023-03-31"
    assert word in page
    security = stale[0].split(":")[0]
    assert f"{security}: {word}" in page


def test_analyst_note_rewords_only_the_engines_stale_rule():
    stale = "T03: no close after 2023-03-31; removed as delisted at the last price"
    assert analyst_note(stale, "en").startswith("T03: prices end on 2023-03-31; held at its last")
    assert "no delisting event was given" in analyst_note(stale, "en")
    assert analyst_note(stale, "de").startswith("T03: Kurse enden am 2023-03-31;")
    gone = "rebalance 2023Q2: T01, T02 removed before the effective date (delisted or stale); weights renormalised"
    assert analyst_note(gone, "en") == (
        "Rebalance 2023Q2: T01, T02 left out (prices ended, or a given delisting event, before "
        "the effective date); the other weights scaled up to 100 %."
    )
    other = "T09: something the report does not know how to word"
    assert analyst_note(other, "de") == other


def test_a_single_point_buildout_chart_is_a_labelled_marker_on_its_period():
    ledger = load_ledger()
    pts = buildout_series(ledger, "inference_power", as_of=DAY)
    pts = pts[pts["date"].notna()]
    assert len(pts) == 1
    row = pts.iloc[0]
    fig = buildout_figure(pts, "inference_power", "en")
    (trace,) = fig.data
    assert "markers" in trace.mode and "text" in trace.mode
    assert str(row["unit"]) in trace.texttemplate and "%{y:,}" in trace.texttemplate
    x = fig.layout.xaxis
    lo, hi = (pd.Timestamp(v) for v in x.range)
    assert (hi - lo).days <= 366  # the period, not a year either side of it
    assert lo <= pd.Timestamp(trace.x[0]) <= hi and hi <= pd.Timestamp(row["date"])
    assert list(x.ticktext) == [str(row["period"])] and len(x.tickvals) == 1
    assert fig.layout.yaxis.rangemode == "tozero" and fig.layout.showlegend is True


def test_a_chart_over_several_periods_keeps_its_plain_axes():
    ledger = load_ledger()
    pts = buildout_series(ledger, "wfe_spend", as_of=DAY)
    fig = buildout_figure(pts[pts["date"].notna()], "wfe_spend", "en")
    assert fig.layout.xaxis.range is None and fig.layout.xaxis.tickvals is None
    assert all("text" not in t.mode for t in fig.data)
