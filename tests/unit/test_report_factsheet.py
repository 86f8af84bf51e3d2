"""The report's factsheet and tearsheet basics (issue 18): the section is there in English and
German, after the index, with numbers checked by hand against the backtest's own levels, and
every figure of a backtest on today's scores carries the not-point-in-time label."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from aiinfra.charts import LABELS, number
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from aiinfra.services.report import build_report
from tests.conftest import SHARED_PRICES
from tests.index_fixtures import make_universe

AS_OF = "2023-12-29"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("fs")
    led, px = make_universe(root, n=24, score_as_of="2024-06-01")
    (root / "vintage.yaml").write_text("pit_mode: vintage\n")
    ledger, prices = load_ledger(base=led), CsvDirProvider(px).get
    return {
        lang: build_report(
            ledger,
            prices,
            as_of=AS_OF,
            lang=lang,
            methodology=str(root / "vintage.yaml"),
            start="2022-06-01",
            benchmarks=("T01",),
        )
        for lang in ("en", "de")
    }


def _section(page: str) -> str:
    return page.split('<section id="factsheet">')[1].split("</section>")[0]


def _text(section: str) -> str:
    """The section's visible text (scripts of the figures dropped), whitespace collapsed."""
    body = re.sub(r"<script.*?</script>", " ", section, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _pct(x: float, lang: str) -> str:
    return f"{number(100 * x, lang)} %"  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_factsheet_follows_the_index_with_hand_checked_numbers(reports, lang):
    r = reports[lang]
    assert r.sections.index("factsheet") == r.sections.index("index") + 1
    text = _text(_section(r.html))
    L = {k: v[lang] for k, v in LABELS.items()}
    bt = r.index.backtest
    lv = bt.levels["GTR"].dropna()
    # base date and value
    assert L["fs_base"].format(date=lv.index[0].date(), value=number(1000.0, lang, 2)) in text
    assert lv.iloc[0] == pytest.approx(1000.0)
    # period returns by hand: one month back from 2023-12-29 is 2023-11-29
    one_m = lv.iloc[-1] / lv.loc[:"2023-11-29"].iloc[-1] - 1
    ytd = lv.iloc[-1] / lv.loc[:"2022-12-31"].iloc[-1] - 1
    incept = lv.iloc[-1] / lv.iloc[0] - 1
    assert f"{L['fs_1M']} {_pct(one_m, lang)}" in text
    assert f"{L['fs_YTD']} {_pct(ytd, lang)}" in text
    assert f"{L['fs_inception']} {_pct(incept, lang)}" in text
    assert f"{L['fs_3Y']} –" in text and f"{L['fs_5Y']} –" in text  # history too short
    # the last review: count and top-10 weight; every company of the universe is in the US
    w = r.index.review.weights.sort_values(ascending=False)
    w = w[w > 0]
    top = L["fs_review"].format(review=r.index.review.dates.review,
                                date=r.index.review.dates.effective.date(), n=len(w),
                                top10=_pct(w.head(10).sum(), lang))  # fmt: skip
    assert top in text
    assert f"US {len(w)} {_pct(1.0, lang)}" in text
    # every rebalance date, with its constituent count
    for rec in bt.turnover.itertuples():
        assert f"{rec.effective.date()} {rec.names}" in text
    # VaR at 95 % by hand: the 5 % quantile of the daily returns, sign turned
    ret = lv.pct_change().dropna().to_numpy()
    var95 = -np.percentile(ret, 5)
    assert f"95 % {_pct(var95, lang)}" in text
    # the deepest drawdown by hand
    depth = (lv / lv.cummax() - 1).min()
    assert L["fs_drawdowns"] in text and _pct(depth, lang) in text
    for k in ("fs_periods_note", "fs_country", "fs_rebalances", "fs_tearsheet", "fs_var"):
        assert L[k].split("{")[0] in text


def test_the_german_factsheet_has_no_english_label(reports):
    text = _text(_section(reports["de"].html))
    english = [v["en"] for k, v in LABELS.items() if k.startswith("fs_") and v["en"] != v["de"]]
    found = [e for e in english if e.split("{")[0].strip() and e.split("{")[0] in text]
    assert found == []
    assert "Seit Jahresbeginn" in text and "Länderaufteilung" in text


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_factsheet_figure_carries_the_not_point_in_time_label(reports, lang):
    r = reports[lang]
    assert not r.index.backtest.point_in_time
    sec = _section(r.html)
    figures = len(re.findall(r"<script", sec))
    assert figures >= 4  # constituents, rolling, heatmap, histogram
    note = LABELS["not_pit"][lang].split(":")[0]
    # the plotly JSON of each figure holds the label once in its title; the section once above
    escaped = json_escaped(note)  # non-ASCII text is \\u-escaped in plotly JSON
    extra = sec.count(escaped) if escaped != note else 0
    assert sec.count(note) + extra == figures + 1


def json_escaped(s: str) -> str:
    return s.encode("ascii", "backslashreplace").decode().replace("\\x", "\\u00")


@pytest.mark.slow  # a whole report on the shared prices (~20 s): the slow suite
@pytest.mark.skipif(not SHARED_PRICES.is_dir(), reason="../shared/data/prices is absent")
def test_factsheet_on_the_bundled_ledger_with_shared_prices():
    r = build_report(load_ledger(), CsvDirProvider(SHARED_PRICES).get, lang="de")
    assert r.index is not None and r.index.backtest is not None
    assert "factsheet" in r.sections
    text = _text(_section(r.html))
    lv = r.index.backtest.levels["GTR"].dropna()
    incept = lv.iloc[-1] / lv.iloc[0] - 1
    assert f"Seit Start {_pct(incept, 'de')}" in text
    # the country mix adds up to the index
    sel = r.index.review.selection()
    countries = load_ledger().companies.set_index("id")["country"]
    mix = sel.groupby(sel["id"].map(countries))["weight"].sum()
    top = mix.idxmax()
    assert f"{top} {int((sel['id'].map(countries) == top).sum())} {_pct(mix.max(), 'de')}" in text
    assert pd.Timestamp(lv.index[0]).strftime("%Y-%m-%d") in text
