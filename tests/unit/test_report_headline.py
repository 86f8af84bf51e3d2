"""Page one's key build-out numbers: the most recent figure known on the report date (issue 12).

The bundled ledger holds OpenAI ARR 25 for 2026-03 (g132, published 2026-03-27) and 33 for
2026-05 (g134, "2026-05": known from 2026-05-31); Anthropic 19 for 2026-03 (g139) and 45 for
2026-05 (g140). The headline once showed OpenAI 12.0 (2025-07) and Anthropic 14.0 (2026-02):
a run-rate published inside its own month was not counted as reported.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from aiinfra.buildout import buildout_series, latest_reported, series_summary
from aiinfra.charts import key_buildout_records
from aiinfra.ledger import load_ledger
from aiinfra.services.report import build_report

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini_ledger"
HEADER = "id,metric,entity,period,value,low,high,kind,source,source_date,notes\n"
#: OpenAI ARR in the mini ledger: what counts as reported on which date
SYNTHETIC = """\
x1,arr_usd_bn,openai,2025-06,10,,,actual,https://example.org/x1,2025-07-10,
x2,arr_usd_bn,openai,2026-03,20,,,estimate,https://example.org/x2,2026-03-20,inside its month
x3,revenue_monthly_usd_bn,openai,2026-Q1,1.8333333333333333,,,estimate,https://example.org/x3,2026-04-15,x12 = 22
x4,arr_usd_bn,openai,2026-05,30,,,estimate,https://example.org/x4,2026-07-01,published later
x5,arr_usd_bn,openai,2026-09,40,,,forecast,https://example.org/x5,2026-02-01,a forecast
x6,arr_usd_bn,openai,2026-12,50,,,estimate,https://example.org/x6,2026-05-02,a year-end projection
x7,arr_usd_bn,openai,2026-08,35,,,estimate,https://example.org/x7,2026-08-05,period not over
"""


@pytest.fixture(scope="module")
def bundled():
    return load_ledger()


def _rec(records, entity):
    return next(r for r in records if r["entity"] == entity)


@pytest.mark.parametrize(
    ("as_of", "openai", "anthropic"),
    [
        # before g134/g140 were known: the March readings, published inside March
        ("2026-05-15", (25.0, "2026-03", "g132"), (19.0, "2026-03", "g139")),
        # g134 / g140 ("2026-05") count from 2026-05-31
        ("2026-06-30", (33.0, "2026-05", "g134"), (45.0, "2026-05", "g140")),
        ("2026-11-21", (33.0, "2026-05", "g134"), (45.0, "2026-05", "g140")),
    ],
)
def test_the_bundled_headline_is_the_latest_figure_known_on_the_report_date(
    bundled, as_of, openai, anthropic
):
    records = key_buildout_records(bundled, pd.Timestamp(as_of))
    for entity, (value, period, fid) in (("openai", openai), ("anthropic", anthropic)):
        rec = _rec(records, entity)
        assert (rec["reported_value"], rec["reported_period"], rec["reported_id"]) == (
            value,
            period,
            fid,
        )
        assert rec["reported_kind"] == "estimate" and rec["reported_ids"] == [fid]
        src = bundled.figures.set_index("id").at[fid, "source"]
        assert rec["reported_sources"] == [(fid, src)]


def test_nothing_is_reported_before_it_is_known_or_before_its_period_ends(bundled):
    day = pd.Timestamp("2026-05-15")
    for rec in key_buildout_records(bundled, day):
        known = bundled.figures.set_index("id")
        for fid in rec["reported_ids"]:
            assert known.at[fid, "source_date_known"] <= day
        pts = buildout_series(bundled, rec["series"], as_of=day).set_index("figure_id")
        for fid in rec["reported_ids"]:
            assert pts.at[fid, "date"] <= day


@pytest.mark.parametrize("lang", ["en", "de"])
def test_page_one_names_the_company_the_measure_the_unit_kind_and_source(bundled, lang):
    html = build_report(bundled, None, as_of="2026-06-30", lang=lang).html
    first = html.split('<section id="summary">')[1].split("</section>")[0]
    assert "openai · arr_usd_bn" not in first and "arr_usd_bn" not in first
    words = {
        "en": ("OpenAI · annualised revenue (ARR)", "USD bn a year (run-rate)", "33.0 (2026-05, estimate)"),
        "de": ("OpenAI · annualisierter Umsatz (ARR)", "Mrd. USD pro Jahr (Run-Rate)", "33,0 (2026-05, Schätzung)"),
    }[lang]  # fmt: skip
    for w in words:
        assert f"<td>{w}</td>" in first
    assert "g134: https://www.woofun.ai/en/news/detail/96172" in first
    assert "Anthropic · " in first and ("45.0 (2026-05" in first or "45,0 (2026-05" in first)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    user = tmp_path_factory.mktemp("headline")
    (user / "figures.csv").write_text(HEADER + SYNTHETIC)
    return load_ledger(user, base=MINI, today=pd.Timestamp("2026-11-21").date())


def test_a_later_period_wins_once_it_is_known(synthetic):
    pts = buildout_series(synthetic, "model_lab_arr")
    pts = pts[pts["entity"] == "openai"]
    # x4 (2026-05) is published 2026-07-01: before that the 2026-03 readings are the latest
    assert list(latest_reported(pts, "2026-06-30")["figure_id"]) == ["x2", "x3"]
    assert list(latest_reported(pts, "2026-07-01")["figure_id"]) == ["x4"]
    # x7 (2026-08, published inside August) counts once August is over; x6 (a year-end
    # estimate published in May) and x5 (a forecast) never do
    assert list(latest_reported(pts, "2026-08-30")["figure_id"]) == ["x4"]
    assert list(latest_reported(pts, "2026-08-31")["figure_id"]) == ["x7"]
    assert list(latest_reported(pts, "2027-01-31")["figure_id"]) == ["x7"]
    summary = series_summary(synthetic, "model_lab_arr", as_of="2026-07-15").set_index("entity")
    assert summary.at["openai", "reported_id"] == "x4"


def test_disagreeing_sources_for_the_latest_period_show_as_a_range(synthetic):
    records = key_buildout_records(synthetic, pd.Timestamp("2026-06-30"))
    rec = _rec(records, "openai")
    assert rec["reported_ids"] == ["x2", "x3"]  # 2026-03 and 2026-Q1 end on the same day
    assert rec["reported_range_low"] == 20.0
    assert math.isclose(rec["reported_range_high"], 22.0, rel_tol=4 * 2.2e-16)  # 1.8333… × 12
    assert rec["reported_periods"] == ["2026-03", "2026-Q1"]
    html = build_report(synthetic, None, as_of="2026-06-30").html
    first = html.split('<section id="summary">')[1].split("</section>")[0]
    assert "2 sources disagree: range 20.0–22.0 (2026-03 / 2026-Q1, estimate)" in first
    assert "x2: https://example.org/x2; x3: https://example.org/x3" in first


def test_an_actual_for_the_latest_period_supersedes_its_estimates(tmp_path):
    (tmp_path / "figures.csv").write_text(
        HEADER
        + SYNTHETIC
        + "x8,arr_usd_bn,openai,2026-03,21,,,actual,https://example.org/x8,2026-04-20,\n"
    )
    ledger = load_ledger(tmp_path, base=MINI, today=pd.Timestamp("2026-11-21").date())
    rec = _rec(key_buildout_records(ledger, pd.Timestamp("2026-06-30")), "openai")
    assert rec["reported_ids"] == ["x8"] and rec["reported_kind"] == "actual"
    assert rec["reported_value"] == 21.0
