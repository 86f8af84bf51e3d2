"""The build-out tracker: registry, points, conflicts, dates, growth/CAGR, summary and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.buildout import (
    POINT_COLUMNS,
    SERIES,
    buildout_series,
    cagr,
    describe_series,
    growth,
    list_series,
    parse_period,
    series_summary,
)
from aiinfra.buildout._periods import fiscal_year_ends
from aiinfra.exceptions import InvalidParameterError
from aiinfra.ledger import load_ledger

TODAY = dt.date(2026, 11, 21)
SEEDS = ("000_e8cd576da995e634.txt", "001_fbfef616c705aba6.txt", "002_08489dfa80323933.txt")
#: The JSON keys of one point, in order. Changing them breaks users: update docs/buildout.md.
KEYS = [
    "series",
    "entity",
    "metric",
    "measure",
    "unit",
    "period",
    "period_type",
    "date",
    "value",
    "low",
    "high",
    "kind",
    "derived",
    "derivation",
    "conflict",
    "conflicts_with",
    "figure_id",
    "source",
    "source_date",
    "source_date_known",
    "notes",
]
FIGURE_HEADER = "id,metric,entity,period,value,low,high,kind,source,source_date,notes\n"
#: A hand-made overlay on tests/fixtures/mini_ledger (which holds g1: big4 2026 capex >= 700
#: guidance, and g2: oracle FY2026 capex 50 guidance).
FIGURES = """\
b1,arr_usd_bn,openai,2025-06,10,,,estimate,https://example.org/b1,2025-07,
b15,arr_usd_bn,openai,2025-09,12.5,,,estimate,https://example.org/b15,2025-10,
b2,arr_usd_bn,openai,2026-06,20,,,estimate,https://example.org/b2,2026-07,
b3,arr_usd_bn,openai,2026-06,22,,,estimate,https://example.org/b3,2026-08,differs from b2
b4,revenue_monthly_usd_bn,openai,2027-06,2.5,,,forecast,https://example.org/b4,2026-09,
b14,arr_usd_bn,openai,2027-06,29,,,forecast,https://example.org/b14,2026-09,
b18,arr_usd_bn,openai,2024,0,,,estimate,https://example.org/b18,2025-01,
b5,capex_usd_bn,oracle,FY2024,10,,,actual,https://example.org/b5,2024-06,
b11,capex_usd_bn,oracle,FY2024,12,,,guidance,https://example.org/b11,2023-09,
b6,capex_usd_bn,oracle,FY2026-Q1,8,,,actual,https://example.org/b6,2025-09,
b7,capex_usd_bn,big4,2025,,300,350,guidance,https://example.org/b7,2025-02,
b12,capex_usd_bn,big4,2025,,300,350,guidance,https://example.org/b12,2025-03,same range
b8,dc_capacity_mw,openai,planned,1000,,,guidance,https://example.org/b8,2025-05,
b9,capex_usd_bn,tsmc,2025,40,,,actual,https://example.org/b9,2026-01,a foundry
b10,valuation_usd_bn,openai,2025,300,,,estimate,https://example.org/b10,2025-10,
b13,ai_dc_capacity_added_mw,global,2025-2030,125000,,,forecast,https://example.org/b13,2025-09,
b16,transceivers_800g_plus_share_pct,global,2024,20,,,estimate,https://example.org/b16,2025-02,
b17,transceivers_800g_plus_share_pct,global,2026,60,,,forecast,https://example.org/b17,2025-02,
"""
FINANCIALS = (
    "company_id,fiscal_year,period_end,revenue_usd_bn,capex_usd_bn,shares_outstanding_mn,"
    "free_float,source,source_date,notes\n"
    "oracle,FY2025,2025-05-31,57.4,21.2,2800,0.6,Oracle 10-K FY2025,2025-06-20,\n"
)

runner = CliRunner()


def invoke(*args: str):
    env = {"AIINFRA_DATA": None, "AIINFRA_PRICES": None, "AIINFRA_LANG": None}
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def bundled():
    return load_ledger()


@pytest.fixture(scope="module")
def cli_points():
    result = invoke("buildout", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    user = tmp_path_factory.mktemp("buildout_user")
    (user / "figures.csv").write_text(FIGURE_HEADER + FIGURES)
    (user / "financials.csv").write_text(FINANCIALS)
    base = Path(__file__).resolve().parents[1] / "fixtures" / "mini_ledger"
    return load_ledger(user, base=base, today=TODAY)


@pytest.fixture(scope="module")
def pts(mini):
    return buildout_series(mini).set_index("figure_id", drop=False)


# --- registry


def test_every_ledger_metric_belongs_to_at_most_one_series(bundled):
    for metric in set(bundled.figures["metric"]):
        owners = [s.name for s in SERIES.values() if s.rule_for(metric) is not None]
        assert len(owners) <= 1, (metric, owners)


def test_every_series_has_points_in_the_bundled_ledger(bundled):
    counts = buildout_series(bundled)["series"].value_counts()
    assert list_series() == list(SERIES)
    assert all(counts.get(name, 0) > 0 for name in list_series()), counts
    catalog = describe_series()
    assert list(catalog["name"]) == list_series()
    assert catalog.loc[catalog["name"] == "model_lab_arr", "metrics"].item() == (
        "arr_usd_bn; revenue_monthly_usd_bn (× 12)"
    )


def test_the_registry_takes_these_ledger_metrics_and_entities(bundled):
    frame = buildout_series(bundled)
    taken = {
        m for m in set(bundled.figures["metric"]) if any(s.rule_for(m) for s in SERIES.values())
    }
    assert taken == {
        "arr_usd_bn",
        "revenue_monthly_usd_bn",
        "capex_usd_bn",
        "hyperscale_capex_usd_bn",
        "xpu_shipments_mn_units",
        "gpu_shipments_rubin_mn_units",
        "wfe_spend_usd_bn",
        "wfe_foundry_logic_spend_usd_bn",
        "wfe_dram_spend_usd_bn",
        "wfe_nand_spend_usd_bn",
        "semi_equipment_sales_usd_bn",
        "cowos_wafers_per_month_k",
        "cowos_wafers_per_year_k",
        "transceivers_800g_mn_units",
        "transceivers_400g_plus_mn_units",
        "transceivers_800g_plus_share_pct",
        "dc_capacity_mw",
        "ai_dc_capacity_mw",
        "dc_capacity_contracted_mw",
        "ai_dc_capacity_added_mw",
        "power_capacity_added_mw",
        "inference_power_mw",
        "xpu_shipments_growth_x",
        "cowos_wafers_growth_x",
        "arr_growth_x",
    }
    capex = set(frame.loc[frame["series"] == "hyperscaler_capex", "entity"])
    assert {"amazon", "big4", "coreweave", "bytedance", "global"} <= capex and "tsmc" not in capex
    arr = set(frame.loc[frame["series"] == "model_lab_arr", "entity"])
    assert arr == {"openai", "anthropic", "openai_anthropic_combined"}  # not Microsoft's AI ARR


def test_units_are_kept_apart(bundled):
    frame = buildout_series(bundled)
    assert frame.groupby("series")["unit"].nunique().max() == 1
    cowos = frame[frame["metric"].str.startswith("cowos_wafers_per")]
    assert set(cowos.groupby("metric")["series"].unique().map(tuple)) == {
        ("cowos_monthly",),
        ("cowos_annual",),
    }


# --- the CLI and the seeds


def test_every_seed_figure_of_a_series_is_in_the_cli_json_with_its_source(bundled, cli_points):
    figures = bundled.figures
    cites_seed = figures["source"].map(lambda s: any(seed in s for seed in SEEDS))
    in_series = figures["metric"].map(
        lambda m: any(s.rule_for(m) is not None for s in SERIES.values())
    )
    expected = figures[cites_seed & in_series].set_index("id")
    assert len(expected) >= 30
    assert {"g001", "g003", "g006", "g022", "g024", "g025", "g028", "g044"} <= set(expected.index)
    by_id = {p["figure_id"]: p for p in cli_points}
    missing = sorted(set(expected.index) - set(by_id))
    assert not missing, f"seed figures missing from `aiinfra buildout`: {missing}"
    for fid, fig in expected.iterrows():
        point = by_id[fid]
        assert point["source"] == fig["source"], fid
        assert point["source_date"] == fig["source_date"], fid
        assert (point["metric"], point["entity"], point["period"], point["kind"]) == (
            fig["metric"],
            fig["entity"],
            fig["period"],
            fig["kind"],
        ), fid
        factor = 12.0 if fig["metric"] == "revenue_monthly_usd_bn" else 1.0
        for col in ("value", "low", "high"):
            if pd.isna(fig[col]):
                assert point[col] is None, (fid, col)
            else:
                assert point[col] == pytest.approx(fig[col] * factor), (fid, col)
    # the one derived seed point: OpenAI's ~$2B a month in early 2026 is $24B annualised
    assert by_id["g001"]["value"] == 24.0 and by_id["g001"]["derived"] is True
    assert by_id["g001"]["conflicts_with"] == ["g002"]


def test_json_keys_and_formats_are_stable(cli_points):
    assert cli_points
    for point in cli_points:
        assert list(point) == KEYS
        assert point["date"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", point["date"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", point["source_date_known"])
        assert isinstance(point["conflicts_with"], list)
        assert point["conflict"] is bool(point["conflicts_with"])
        assert any(point[c] is not None for c in ("value", "low", "high"))
    planned = [p for p in cli_points if p["period"] == "planned"]
    assert planned and all(p["date"] is None for p in planned)


def test_conflicts_in_the_bundled_ledger_are_symmetric(cli_points):
    by_id = {p["figure_id"]: p for p in cli_points}
    for p in cli_points:
        for other in p["conflicts_with"]:
            assert p["figure_id"] in by_id[other]["conflicts_with"]
            same = ("series", "entity", "measure", "period", "kind")
            assert all(by_id[other][k] == p[k] for k in same)


def test_unknown_series_exits_2_and_lists_the_valid_names():
    result = invoke("buildout", "--metric", "capex")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "'capex'" in result.output
    for name in list_series():
        assert name in result.output


def test_as_of_keeps_only_figures_known_by_then(bundled):
    result = invoke("buildout", "--as-of", "2026-03-31", "--format", "json")
    assert result.exit_code == 0, result.output
    got = {p["figure_id"] for p in json.loads(result.output)}
    every = buildout_series(bundled)
    known = every["source_date_known"] <= pd.Timestamp("2026-03-31")
    assert got == set(every.loc[known, "figure_id"])
    assert "g138" in got  # Anthropic $14B run-rate, 2026-02
    assert "g003" not in got and "g020" not in got  # seeds 000 (2026-06-10) and 001 (2026-04)


def test_bad_as_of_exits_2():
    result = invoke("buildout", "--as-of", "2026-13-01")
    assert result.exit_code == 2
    assert "as_of" in result.output


def test_csv_has_every_column_and_flat_conflicts():
    result = invoke("buildout", "--metric", "cowos_monthly", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ",".join(KEYS)
    frame = pd.read_csv(io.StringIO(result.output))
    assert set(frame["series"]) == {"cowos_monthly"}
    row = frame.set_index("figure_id").loc["g182"]
    assert row["conflicts_with"] == "g183;g184;g185" and bool(row["conflict"])


def test_table_names_the_points():
    result = invoke("buildout", "--metric", "inference_power")
    assert result.exit_code == 0, result.output
    assert "g024" in result.output and "1 points" in result.output


# --- points on a constructed ledger


def test_conflicts_are_flagged_with_the_other_ids(pts):
    assert pts.loc["b2", "conflicts_with"] == ("b3",) and pts.loc["b3", "conflicts_with"] == ("b2",)
    assert pts.loc["b2", "conflict"] and pts.loc["b3", "conflict"]
    # a derived annualised value is compared with a stated ARR of the same period and kind
    assert pts.loc["b4", "conflicts_with"] == ("b14",)
    # same range from two sources: no conflict; an actual is not contradicted by a guidance
    assert pts.loc["b7", "conflicts_with"] == () and not pts.loc["b12", "conflict"]
    assert not pts.loc["b5", "conflict"] and not pts.loc["b11", "conflict"]
    # both figures are kept
    assert {"b2", "b3", "b7", "b12"} <= set(pts.index)


def test_derived_points_are_flagged_and_converted(pts):
    b4 = pts.loc["b4"]
    assert b4["value"] == pytest.approx(30.0)
    assert b4["derived"] and "× 12" in b4["derivation"]
    assert (b4["metric"], b4["measure"]) == ("revenue_monthly_usd_bn", "arr_usd_bn")
    assert not pts.loc["b1", "derived"] and pd.isna(pts.loc["b1", "derivation"])


def test_ranges_stay_ranges(pts):
    b7 = pts.loc["b7"]
    assert math.isnan(b7["value"]) and (b7["low"], b7["high"]) == (300.0, 350.0)
    g1 = pts.loc["g1"]
    assert math.isnan(g1["value"]) and g1["low"] == 700.0 and math.isnan(g1["high"])


def test_entities_and_metrics_outside_the_series_stay_out(pts):
    assert "b9" not in pts.index  # TSMC is a foundry: not hyperscaler capex
    assert "b10" not in pts.index  # valuation is no build-out series
    assert list(pts.columns) == KEYS == list(POINT_COLUMNS)


@pytest.mark.parametrize(
    ("fid", "period_type", "date"),
    [
        ("b1", "month", "2025-06-30"),
        ("b5", "year", "2024-05-31"),  # Oracle's fiscal year ends in May
        ("g2", "year", "2026-05-31"),
        ("b6", "quarter", "2025-08-31"),  # FY2026-Q1 = Jun-Aug 2025
        ("b7", "year", "2025-12-31"),
        ("b13", "multi_year", "2030-12-31"),  # a range plots at its end
        ("b8", "planned", None),
    ],
)
def test_points_are_plotted_at_the_period_end(pts, fid, period_type, date):
    assert pts.loc[fid, "period_type"] == period_type
    got = pts.loc[fid, "date"]
    assert (pd.isna(got) and date is None) or got == pd.Timestamp(date)


def test_period_parsing_edge_cases():
    assert parse_period("FY2026").end == dt.date(2026, 12, 31)  # no calendar: calendar year
    assert parse_period("FY2026", {0: 1}).end == dt.date(2026, 1, 31)  # NVIDIA-style
    assert parse_period("FY2026-H1", {0: 6}).end == dt.date(2025, 12, 31)
    assert parse_period("2026-Q2").end == dt.date(2026, 6, 30)
    assert parse_period("2024-02").end == dt.date(2024, 2, 29)
    assert parse_period("FY2024-FY2026", {0: 6}).end == dt.date(2026, 6, 30)
    with pytest.raises(ValueError, match="not a ledger period"):
        parse_period("soon")
    # a 52/53-week year ending in the first days of a month belongs to the month before
    dell = pd.DataFrame(
        {"company_id": ["dell"], "fiscal_year": ["FY2024"], "period_end": ["2024-02-02"]}
    )
    cal = fiscal_year_ends([dell])
    assert cal["dell"] == {2024: 1, 0: 1}


def test_as_of_on_the_constructed_ledger(mini):
    before = buildout_series(mini, "model_lab_arr", as_of="2026-07-31").set_index("figure_id")
    assert "b3" not in before.index and "b4" not in before.index
    assert before.loc["b2", "conflicts_with"] == ()  # b3 was not known yet
    empty = buildout_series(mini, as_of="2020-01-01")
    assert empty.empty and list(empty.columns) == KEYS
    with pytest.raises(InvalidParameterError, match="as_of"):
        buildout_series(mini, as_of="yesterday")


def test_unknown_series_name_is_a_parameter_error(mini):
    with pytest.raises(InvalidParameterError, match="one of model_lab_arr, hyperscaler_capex"):
        buildout_series(mini, "capex")


def test_the_ledger_is_not_mutated(mini):
    figures = mini.figures.copy()
    buildout_series(mini)
    series_summary(mini)
    pd.testing.assert_frame_equal(mini.figures, figures)


# --- growth and CAGR by hand


def test_growth_and_cagr_by_hand(pts):
    # ARR 10 (2025-06) to 30 (2027-06, b4 = 2.5 a month × 12): ×3 in two years
    assert growth(pts, "b1", "b4") == pytest.approx(2.0)
    assert cagr(pts, "b1", "b4") == pytest.approx(math.sqrt(3) - 1)
    # by period text: 10 (2025-06) to 12.5 (2025-09) in 3 months: 1.25 ** 4 - 1
    assert growth(pts, "2025-06", "2025-09", entity="openai") == pytest.approx(0.25)
    assert cagr(pts, "2025-06", "2025-09", entity="openai") == pytest.approx(1.25**4 - 1)
    # Oracle FY2024 actual 10 to FY2026 guidance 50: 24 months between May ends
    assert growth(pts, "b5", "FY2026", entity="oracle") == pytest.approx(4.0)
    assert cagr(pts, "b5", "FY2026", entity="oracle") == pytest.approx(math.sqrt(5) - 1)
    assert cagr(pts, "FY2024", "FY2026", entity="oracle", kind="guidance") == pytest.approx(
        math.sqrt(50 / 12) - 1
    )


def test_growth_from_zero_is_nan(pts):
    assert math.isnan(growth(pts, "b18", "b1"))
    assert math.isnan(cagr(pts, "b18", "b1"))


@pytest.mark.parametrize(
    ("start", "end", "kwargs", "match"),
    [
        ("b7", "g1", {}, r"b7 \(big4 2025 guidance range 300–350\) states a range"),
        ("b5", "g1", {}, "one entity"),
        ("2026-06", "b4", {"entity": "openai"}, r"matches 2 points.*b2.*b3"),
        ("2019", "b4", {"entity": "openai"}, "matches no point.*periods available: 2024, 2025-06"),
        ("b1", "b8", {}, "one series"),
        ("b1", "b14", {}, None),
        ("b6", "g2", {}, "quarter .* not comparable with a year"),
        ("b16", "b17", {}, "ratio"),
        ("b4", "b1", {}, "must end after"),
        ("FY2024", "FY2026", {"entity": "oracle"}, "matches 2 points"),
    ],
)
def test_growth_refuses_with_a_clear_error(pts, start, end, kwargs, match):
    if match is None:  # the control case: a valid pair passes
        assert growth(pts, start, end, **kwargs) == pytest.approx(1.9)
        return
    with pytest.raises(InvalidParameterError, match=match):
        growth(pts, start, end, **kwargs)
    with pytest.raises(InvalidParameterError, match=match):
        cagr(pts, start, end, **kwargs)


def test_growth_refuses_undated_and_bad_input(mini, pts):
    planned = pts[pts["figure_id"] == "b8"]
    other = planned.assign(figure_id="x", period="2030", value=2000.0)
    with pytest.raises(InvalidParameterError, match="no date"):
        growth(pd.concat([planned, other]), "b8", "x")
    with pytest.raises(InvalidParameterError, match="frame from buildout_series"):
        growth(mini.figures, "2025", "2026")


# --- summary


def test_series_summary_on_the_constructed_ledger(mini, pts):
    summary = series_summary(mini, "hyperscaler_capex")
    oracle = summary[summary["entity"] == "oracle"].set_index("periods")
    year = oracle.loc["year"]
    reported = (year["reported_id"], year["reported_kind"], year["reported_value"])
    outlook = (year["outlook_id"], year["outlook_kind"], year["outlook_value"])
    assert reported == ("b5", "actual", 10.0) and outlook == ("g2", "guidance", 50.0)
    assert year["growth"] == pytest.approx(4.0)
    assert year["cagr"] == pytest.approx(math.sqrt(5) - 1)
    assert year["note"] == "from b5 to g2" and year["points"] == 3
    quarter = oracle.loc["quarter"]
    assert quarter["reported_id"] == "b6" and math.isnan(quarter["growth"])
    assert quarter["note"] == "no outlook point"
    big4 = summary[summary["entity"] == "big4"].iloc[0]
    assert big4["outlook_id"] == "g1" and math.isnan(big4["growth"])  # a bound: no growth
    # a points frame works too, and gives the same rows
    again = series_summary(pts.reset_index(drop=True), "hyperscaler_capex")
    pd.testing.assert_frame_equal(summary.reset_index(drop=True), again.reset_index(drop=True))


def test_series_summary_reported_estimates_and_levels(mini):
    summary = series_summary(mini, "model_lab_arr").set_index("entity")
    openai = summary.loc["openai"]
    # the latest estimate of a period already over when published (b2/b3 2026-06, b3 newer)
    assert openai["periods"] == "all" and openai["reported_id"] == "b3"
    assert openai["outlook_id"] == "b4"  # b4 and b14 tie on date and publication: id order
    assert openai["conflicts"] == 4
    assert openai["growth"] == pytest.approx(30 / 22 - 1)
