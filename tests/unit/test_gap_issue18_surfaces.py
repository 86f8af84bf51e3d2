"""Issue 18, the ROI gap after the AI-revenue definition change (d10a3a2): the report's and the
dashboard's gap chart (one function, every trace named, no point for a year without revenue,
the labs' ARR forecast as a reference of its own), the texts that no longer claim an
interpolation to another definition's forecast, and the report's growth sentence."""

from __future__ import annotations

import html
import math
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from aiinfra import load_ledger
from aiinfra.charts import LABELS, gap_figure, label
from aiinfra.roi_gap import PARAMETERS, gap

AS_OF = "2026-11-01"


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


@pytest.fixture(scope="module")
def result(ledger):
    return gap(ledger, 2026, as_of=AS_OF)


def _no_revenue_years(r) -> list[int]:
    return [int(y) for y in r.years.index[r.years["revenue"].isna()]]


# --- every trace named; nothing drawn for a year without revenue --------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_trace_of_the_gap_chart_is_named_and_in_the_legend_unless_a_band(result, lang):
    fig = gap_figure(result, lang)
    assert len(fig.data) >= 4
    for tr in fig.data:
        assert tr.name, tr
        # plotly draws markers on a trace of < 20 points unless its mode says otherwise
        # (unnamed dots along the band's edges): every trace sets its mode
        assert tr.mode is not None, tr.name
        if tr.showlegend is False:  # only a band: an area without markers, toggled with its line
            assert (tr.meta or {}).get("band") and tr.fill == "toself" and tr.mode == "lines"
            assert tr.legendgroup in {x.legendgroup for x in fig.data if x.showlegend is not False}
        else:
            assert "markers" in tr.mode or "lines" in tr.mode


@pytest.mark.parametrize("lang", ["en", "de"])
def test_no_revenue_point_for_a_year_without_revenue(result, lang):
    missing = _no_revenue_years(result)
    # the bundled ledger has no forecast of the series' definition: 2027-2030 have no revenue
    assert {2027, 2028, 2029, 2030} <= set(missing)
    name = label("ai_revenue", lang)
    revenue = [tr for tr in fig_traces(result, lang) if tr.legendgroup == "revenue"]
    assert revenue and all(tr.name.startswith(name) for tr in revenue)
    drawn = {int(x) for tr in revenue for x in tr.x}
    assert drawn == {int(y) for y in result.years.index if y not in missing}
    for tr in revenue:
        assert all(y is not None and math.isfinite(y) for y in tr.y)


def fig_traces(r, lang):
    return list(gap_figure(r, lang).data)


def test_a_revenue_series_of_one_year_is_a_labelled_marker_with_its_band(result):
    row = result.years.loc[result.years["revenue"].notna()]
    assert len(row) == 1, "the bundled ledger's series has one reported year"
    (year,) = row.index
    v, lo, hi = (float(row[c].iloc[0]) for c in ("revenue", "revenue_low", "revenue_high"))
    (tr,) = [x for x in fig_traces(result, "de") if x.legendgroup == "revenue"]
    assert list(tr.x) == [year] and list(tr.y) == [v]
    assert "markers" in tr.mode and tr.showlegend is not False
    assert list(tr.error_y.array) == [pytest.approx(hi - v)]
    assert list(tr.error_y.arrayminus) == [pytest.approx(v - lo)]
    assert tr.text[0] == f"{v:,.0f} ({lo:,.0f}–{hi:,.0f})".replace(",", ".")


def test_the_required_band_has_no_markers_and_spans_the_years_with_a_requirement(result):
    (band,) = [x for x in fig_traces(result, "en") if (x.meta or {}).get("band") == "required"]
    years = [int(y) for y in result.years.index[result.years["required"].notna()]]
    assert list(band.x) == years + years[::-1]
    assert list(band.y) == list(result.years.loc[years, "required_high"]) + list(
        result.years.loc[years[::-1], "required_low"]
    )
    assert band.mode == "lines" and band.line.width == 0


# --- the labs' ARR forecast: a reference of its own, in the report and the dashboard ------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_report_chart_draws_the_labs_forecast_as_a_reference(result, lang):
    refs = result.revenue_series["reference"]
    assert refs and refs[0]["bound"] == "at least", "g017: above $300 bn by 2030"
    fig = gap_figure(result, lang)
    (tr,) = [x for x in fig.data if (x.meta or {}).get("reference")]
    assert tr.mode == "markers" and tr.name == label("gap_ref_labs", lang)
    assert list(tr.x) == [int(x["year"]) for x in refs]
    assert list(tr.y) == [float(x["value"]) for x in refs]
    assert list(tr.marker.symbol) == ["triangle-up"] * len(refs)
    bound = label("gap_bound:at least", lang)
    assert bound in tr.hovertext[0]
    # never joined to the series' line: the revenue traces end before the reference starts
    revenue = [x for x in fig.data if x.legendgroup == "revenue"]
    assert max(int(x) for r in revenue for x in r.x) < min(tr.x)
    # "at least" stays readable without hovering: written beside the marker (log axis: log10)
    notes = [a for a in fig.layout.annotations if a.name == "reference"]
    value = refs[0]["value"]
    assert [a.text for a in notes] == [f"{bound} {value:,.0f}".replace(",", ".")]
    assert notes[0].x == refs[0]["year"] and notes[0].y == pytest.approx(math.log10(value))


def test_the_dashboard_chart_is_the_report_chart(result):
    pytest.importorskip("dash")
    from aiinfra.web.pages import gap as page

    for lang in ("en", "de"):
        assert page.gap_chart(result, lang).to_dict() == gap_figure(result, lang).to_dict()


def test_a_reference_of_another_definition_is_named_by_it_escaped():
    years = pd.DataFrame(
        {c: [100.0, 200.0] for c in ("required", "required_low", "required_high")}
        | {c: [10.0, np.nan] for c in ("revenue", "revenue_low", "revenue_high")}
        | {"published_required": [np.nan, np.nan]},
        index=pd.Index([2026, 2027], name="year"),
    )
    ref = {"year": 2027, "definition": "<b>cloud</b> & co", "metric": "x_usd_bn of y",
           "value": 40.0, "bound": "", "source": "g9 <i>"}  # fmt: skip
    far = {**ref, "year": 2031}  # outside the chart's years: not drawn
    r = SimpleNamespace(years=years, revenue_series={"reference": [ref, far]})
    fig = gap_figure(r, "en")
    (tr,) = [x for x in fig.data if (x.meta or {}).get("reference")]
    assert tr.name == label("gap_ref_other", "en").format(
        definition="&lt;b&gt;cloud&lt;/b&gt; &amp; co"
    )
    assert "<b>" not in tr.name and "<i>" not in tr.hovertext[0]
    assert list(tr.x) == [2027] and list(tr.marker.symbol) == ["diamond-open"]
    assert [a.text for a in fig.layout.annotations] == ["40"]
    # without reference forecasts (or revenue_series) the chart has none
    bare = gap_figure(SimpleNamespace(years=years), "en")
    assert not [x for x in bare.data if (x.meta or {}).get("reference")]
    assert not bare.layout.annotations


# --- texts: no interpolation to another definition's forecast -----------------------------------


def test_the_report_intro_says_the_series_stops_and_forecasts_are_apart():
    en, de = LABELS["gap_intro"]["en"], LABELS["gap_intro"]["de"]
    assert "interpolated to the seeds' forecast" not in en
    assert "zur Prognose der Seeds interpoliert" not in de
    assert "only to a forecast of that same definition" in en and "last reported year" in en
    assert "nur zu einer Prognose derselben Definition" in de and "letzten berichteten" in de
    assert "labs' ARR" in en and "ARR der KI-Labore" in de
    seeds = re.compile(r"seeds' forecast|Prognose der Seeds")
    assert not any(seeds.search(v) for k, e in LABELS.items() if "gap" in k or "growth" in k
                   for v in e.values())  # fmt: skip


def test_the_forecast_band_parameter_says_it_needs_a_forecast_of_the_same_definition():
    source = PARAMETERS["forecast_uncertainty"].source
    assert "same definition" in source and "only when" in source


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_report_gap_section(ledger, lang):
    from aiinfra.report._build import _Fmt
    from aiinfra.report._gap import gap_html

    figs, charts = [], []

    def fig_html(fig):
        figs.append(fig)
        return "<div class=fig></div>"

    def table(frame):
        return frame.to_html(escape=True)

    section = gap_html(ledger, pd.Timestamp(AS_OF), lang, charts, fig_html, table, _Fmt(lang))
    assert label("gap_intro", lang) in section
    assert charts[0] == "gap_by_year"
    refs = [x for x in figs[0].data if (x.meta or {}).get("reference")]
    assert [x.name for x in refs] == [label("gap_ref_labs", lang)]
    # the growth sentence: no forecast of the series' definition, so no implied growth
    r = gap(ledger, None, as_of=AS_OF)
    assert "forecast_note" in r.growth and "forecast_cagr" not in r.growth
    assert html.escape(label("growth_no_forecast", lang)) in section
    assert label("growth_forecast", lang).split("{")[0] not in section


def test_the_monte_carlo_title_writes_the_samples_in_the_readers_convention(ledger):
    from aiinfra.charts import mc_histogram_figure

    r = gap(ledger, 2026, as_of=AS_OF, samples=12_000, seed=0)
    for lang, n in (("en", "12,000"), ("de", "12.000")):
        title = mc_histogram_figure(r.montecarlo, 2026, lang).layout.title.text
        assert title == label("mc_title", lang).format(year=2026, n=n)
