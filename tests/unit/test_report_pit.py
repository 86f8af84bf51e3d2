"""The report's index on its own rules (issue 14): the point-in-time backtest is the headline, the
same rules on today's scores a labelled comparison (a dashed line and the look-ahead premium),
and the systematic scores are set against the house view; in English and German, with ledger
names escaped.

The universe (tests/_pit_universe.py) backtests 2021-03 – 2024-09 with systematic scores before
the house vintage of 2024-01-02 and the house view after it.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from aiinfra.charts import LABELS
from aiinfra.report import render_report
from aiinfra.report._build import _Fmt
from aiinfra.services.report import build_report
from tests._pit_universe import AS_OF, BENCHMARKS, START, pit_universe
from tests.unit.test_report_escaping import _assert_only_escaped, _figures

NEW_KEYS = (
    "pit", "score_sources_line", "n_reviews", "one_review", "score_source_house",
    "score_source_systematic", "score_source_static", "reviews_per_source", "review_scores",
    "rationale_house", "static_series", "comparison", "comparison_label", "pit_row", "static_row",
    "premium_row", "premium_text", "comparison_left_out", "house_vs", "house_vs_text", "rubric",
    "differ_most", "q_systematic", "q_house", "q_difference",
)  # fmt: skip


@pytest.fixture(scope="module")
def universe(tmp_path_factory):
    return pit_universe(tmp_path_factory.mktemp("pit"))


@pytest.fixture(scope="module")
def reports(universe):
    """The report through build_report (en), and the same view laid out in German."""
    en = build_report(
        universe.ledger,
        universe.prices.get,
        as_of=AS_OF,
        methodology=str(universe.methodology_path),
        start=START,
        benchmarks=BENCHMARKS,
    )
    view = en.index
    assert view is not None and view.review is not None
    de = render_report(universe.ledger, view, as_of=view.as_of, lang="de")
    return {"en": en, "de": de}


def _section(page: str, sid: str) -> str:
    return page.split(f'<section id="{sid}">')[1].split("</section>")[0]


def _rows(block: str) -> list[list[str]]:
    """The body rows of the first table in ``block``, cells unescaped."""
    body = block.split("<tbody>")[1].split("</tbody>")[0]
    return [
        [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row, flags=re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]


def test_the_backtest_is_point_in_time_with_two_score_sources(reports):
    view = reports["en"].index
    s = view.backtest.stats
    assert s.point_in_time and view.point_in_time
    assert s.score_source_counts.keys() == {"house", "systematic"}
    assert view.comparison is not None and not view.comparison.stats.point_in_time
    assert (view.comparison.stats.start, view.comparison.stats.end) == (s.start, s.end)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_page_one_headline_numbers_are_the_point_in_time_backtests(reports, lang):
    r = reports[lang]
    s = r.index.backtest.stats
    f = _Fmt(lang)
    first = _section(r.html, "summary")
    perf = first.split(LABELS["performance"][lang])[1]
    gtr = next(row for row in _rows(perf) if row[0] == "GTR")
    assert gtr[1:] == [f.pct(s.gtr.total_return), f.pct(s.gtr.annual_return)]
    assert f"({s.start} – {s.end})" in first
    assert LABELS["pit"][lang] in first and LABELS["not_pit"][lang] not in first
    counts = s.score_source_counts
    n_sys, n_house = counts["systematic"], counts["house"]
    words = {
        "en": f"Scores per review: house view {n_house} reviews, systematic {n_sys} reviews.",
        "de": f"Bewertungen je Überprüfung: Hausbewertung {n_house} Überprüfungen, "
        f"systematisch {n_sys} Überprüfungen.",
    }[lang]
    assert words in first
    # the look-ahead premium on page one: static − point-in-time from the two summaries
    static = r.index.comparison.stats.gtr
    total = static.total_return - s.gtr.total_return
    line = re.search(r'<p class="small" id="premium-summary">(.*?)</p>', first).group(1)
    sign = "+" if total > 0 else ""
    assert f"{sign}{f.pct(total)}" in html.unescape(line)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_comparison_is_labelled_and_the_premium_is_static_minus_pit(reports, lang):
    r = reports[lang]
    f = _Fmt(lang)
    view = r.index
    pit, static = view.backtest.stats.gtr, view.comparison.stats.gtr
    block = r.html.split('<div id="comparison">')[1].split("</div>")[0]
    label = {
        "en": "Not point-in-time: today's scores applied to earlier dates.",
        "de": "Nicht zeitpunktgenau: heutige Bewertungen auf frühere Daten angewandt.",
    }[lang]
    assert label in html.unescape(block)
    rows = _rows(block)
    assert [row[0] for row in rows] == [
        LABELS["pit_row"][lang], LABELS["static_row"][lang], LABELS["premium_row"][lang],
    ]  # fmt: skip

    def cells(x):
        return [
            f.pct(x.total_return), f.pct(x.annual_return), f.pct(x.annual_volatility),
            f.num(x.sharpe_ratio), f.pct(x.max_drawdown),
        ]  # fmt: skip

    assert rows[0][1:] == cells(pit)
    assert rows[1][1:] == cells(static)
    diff = type(pit)(**{k: getattr(static, k) - getattr(pit, k) for k in pit.to_dict()})
    assert rows[2][1:] == cells(diff)
    # the same figures as IndexView.look_ahead_premium
    premium = view.look_ahead_premium()
    assert premium == {
        "total_return": diff.total_return,
        "annual_return": diff.annual_return,
    }
    assert not np.isclose(diff.total_return, 0.0)  # the two backtests do differ


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_levels_chart_draws_todays_scores_dashed_and_labelled(reports, lang):
    r = reports[lang]
    figs = _figures(r.html)
    levels = [d for d, lay in figs if LABELS["levels_log"][lang] in str(lay.get("title"))]
    assert len(levels) == 1
    names = {tr["name"]: tr for tr in levels[0]}
    dashed = names[html.escape(LABELS["static_series"][lang], quote=False)]
    assert dashed["line"]["dash"] == "dash"
    assert "GTR" in names and names["GTR"].get("line", {}).get("dash") is None


def test_the_reviews_of_each_score_source_are_listed(reports):
    r = reports["en"]
    s = r.index.backtest.stats
    details = r.html.split('<details class="score-sources">')[1].split("</details>")[0]
    for source, word in (("systematic", "systematic"), ("house", "house view")):
        reviews = sorted(k for k, v in s.score_sources.items() if v == source)
        assert f"<li><b>{word}</b> ({len(reviews)}): {', '.join(reviews)}</li>" in details


@pytest.mark.parametrize("lang", ["en", "de"])
def test_systematic_scores_against_the_house_view(reports, lang):
    r = reports[lang]
    f = _Fmt(lang)
    hc = r.index.house_comparison
    assert hc is not None and hc.n == 30
    block = r.html.split('<div id="house-comparison">')[1].split("</div>")[0]
    text = html.unescape(block)
    assert LABELS["house_vs"][lang] in text
    assert f.num(hc.rank_correlation) in text and f" {hc.n} " in text
    assert str(hc.cutoff.date()) in text and str(hc.house_as_of.date()) in text
    assert "docs/methodology.md#systematic-scores" in text
    rows = _rows(block)
    top = hc.table.head(10)
    assert [row[0] for row in rows] == list(top["name"])  # the names, as typed
    assert [row[3] for row in rows] == list(top["Q_house"].map(lambda x: f.num(x, 1)))
    d = top["difference"].abs()
    assert d.is_monotonic_decreasing and d.iloc[-1] >= hc.table["difference"].abs().iloc[10]


def test_ledger_names_stay_text_in_the_new_blocks(reports):
    for r in reports.values():
        _assert_only_escaped(r.html)
        block = r.html.split('<div id="house-comparison">')[1].split("</div>")[0]
        assert "&lt;script&gt;" in block or "&lt;img" in block or "&lt;svg" in block


def test_german_labels_of_the_new_blocks(reports):
    page = html.unescape(reports["de"].html)
    for word in ("Zeitpunktgenau:", "Bewertungen je Überprüfung", "Vorgriffsprämie",
                 "Systematische Bewertungen vs. Hausbewertung", "Spearman-Rangkorrelation",
                 "Die 10 Titel mit den größten Abweichungen", "Überprüfungen je Bewertungsquelle"):  # fmt: skip
        assert word in page, word
    for key in NEW_KEYS:
        assert LABELS[key]["en"] and LABELS[key]["de"], key
        assert LABELS[key]["en"] not in page.replace("#systematic-scores", ""), key


def test_without_a_comparison_nothing_of_it_is_shown(universe):
    view = universe.view(compare=False)
    assert view.comparison is None and view.house_comparison is None
    r = render_report(universe.ledger, view, as_of=pd.Timestamp(AS_OF))
    assert 'id="comparison"' not in r.html and 'id="house-comparison"' not in r.html
    assert 'id="premium-summary"' not in r.html
    assert LABELS["static_series"]["en"] not in html.unescape(r.html)
    assert LABELS["pit"]["en"] in html.unescape(r.html)  # still the point-in-time headline
