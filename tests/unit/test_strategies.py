"""Several strategies side by side (issue 16 part 5): the common window, the monthly returns, the
rolling one-year figures, the CSV links of the report's and the dashboard's tables, and the
report with several methodologies on the synthetic universe. Every expected number is worked out
by hand in the comments."""

from __future__ import annotations

import csv
import io
import json
import math
from html.parser import HTMLParser
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest

from aiinfra import metrics
from aiinfra.backtest import StrategyComparison, compare_strategies
from aiinfra.charts import (
    LABELS,
    csv_data_uri,
    csv_file_name,
    monthly_table,
    rolling_figure,
    strategies_levels_figure,
    strategies_table,
)
from aiinfra.exceptions import InvalidParameterError, MissingDataError
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from aiinfra.report._build import _Fmt, _table
from aiinfra.services.report import build_report
from tests.index_fixtures import make_universe

HOSTILE = '</a><script>window.__pwned=1</script>"><img src=x onerror=alert(1)>'


def ts(*days: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(list(days)))


# --- the common window -------------------------------------------------------------------------


def test_the_window_is_the_dates_all_strategies_share_every_series_rebased_to_1000():
    d = ts("2024-01-30", "2024-01-31", "2024-02-01", "2024-02-29")
    a = pd.Series([100.0, 110, 99, 121], index=d)
    b = pd.Series([200.0, 220, 242], index=d[1:])  # starts a day later
    # the benchmark has no price on 02-01 (carried forward) and one before the window
    q = pd.Series([40.0, 50, 60], index=ts("2024-01-29", "2024-01-31", "2024-02-29"))
    c = compare_strategies({"A": a, "B": b}, {"Q": q}, window=2)
    assert list(c.levels.index) == list(d[1:])  # 01-31 … 02-29
    # A: 110 → 1000, 99 → 900, 121 → 1100; B: 200·5 → 1000, 1100, 1210; Q: 50, 50, 60 → ×20
    assert c.levels["A"].tolist() == pytest.approx([1000, 900, 1100], abs=1e-9)
    assert c.levels["B"].tolist() == pytest.approx([1000, 1100, 1210], abs=1e-9)
    assert c.levels["Q"].tolist() == pytest.approx([1000, 1000, 1200], abs=1e-9)
    assert c.series == ("A", "B", "Q") and c.reference == "Q"
    assert (c.start, c.end) == (d[1], d[3])
    assert dict(c.point_in_time) == {"A": None, "B": None}  # levels, not backtests


def test_the_summary_has_a_row_per_strategy_and_per_benchmark_with_beta_against_the_first():
    d = pd.bdate_range("2024-03-04", periods=4)
    # benchmark returns +5 %, +5 %, −5 %; the strategy's exactly twice that: beta 2
    q = pd.Series([100.0, 105, 110.25, 104.7375], index=d)
    s = pd.Series([100.0, 110, 121, 108.9], index=d)
    other = pd.Series([10.0, 11, 12, 11], index=d)
    c = compare_strategies({"S": s}, {"Q": q, "O": other}, window=2)
    t = c.summary().set_index("series")
    assert list(t.index) == ["S", "Q", "O"]
    assert list(t["kind"]) == ["strategy", "benchmark", "benchmark"]
    # total return 108.9 / 100 − 1 = 8.9 %; the benchmark 4.7375 %
    assert t.loc["S", "total_return"] == pytest.approx(0.089, abs=1e-12)
    assert t.loc["Q", "total_return"] == pytest.approx(0.047375, abs=1e-12)
    assert t.loc["S", "beta"] == pytest.approx(2.0, abs=1e-12)
    assert math.isnan(t.loc["Q", "beta"])  # the reference against itself: not shown
    r = c.returns()["S"]
    assert t.loc["S", "annual_volatility"] == metrics.annual_volatility(r)
    assert t.loc["S", "max_drawdown"] == pytest.approx(108.9 / 121 - 1, abs=1e-12)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_comparison_table_names_its_columns_in_the_readers_language(lang):
    d = pd.bdate_range("2024-03-04", periods=4)
    q = pd.Series([100.0, 105, 110.25, 104.7375], index=d)
    c = compare_strategies({"S": q * 2}, {"Q": q}, window=2)
    f = _Fmt(lang)
    shown = strategies_table(c, lang, f.pct, f.num)
    L = {k: v[lang] for k, v in LABELS.items()}
    assert list(shown.columns) == [
        L["series"], L["kind"], L["methodology"], L["point_in_time_col"], L["total_return"],
        L["annual_return"], L["annual_volatility"], L["sharpe_ratio"], L["max_drawdown"],
        L["beta_vs"].format(ref="Q"),
    ]  # fmt: skip
    # S is Q doubled: the same returns, beta 1; the reference's own beta is not shown
    assert shown.iloc[:, 1].tolist() == [L["strategy"], L["benchmark"]]
    assert shown.iloc[:, -1].tolist() == [f.num(1.0), "–"]
    assert shown.iloc[0, 4] == f.pct(0.047375) == shown.iloc[1, 4]
    raw = strategies_table(c, lang)
    assert raw.iloc[0, -1] == pytest.approx(1.0, abs=1e-12) and pd.isna(raw.iloc[1, -1])


# --- monthly returns ---------------------------------------------------------------------------


def test_each_month_runs_from_the_last_level_of_the_month_before_to_its_own_last_level():
    d = ts("2023-12-28", "2023-12-29", "2024-01-15", "2024-01-31", "2024-02-15", "2024-02-29",
           "2024-03-01")  # fmt: skip
    lv = pd.Series([100.0, 104, 95, 117, 120, 128.7, 115.83], index=d)
    c = compare_strategies({"A": lv})
    m = c.monthly_returns("A")
    # Dec 2023: from the window's first level, 104 / 100 − 1 = 4 %
    # Jan: 117 / 104 − 1 = 12.5 %; Feb: 128.7 / 117 − 1 = 10 %; Mar: 115.83 / 128.7 − 1 = −10 %
    assert m.loc[2023, 12] == pytest.approx(0.04, abs=1e-12)
    assert m.loc[2024, [1, 2, 3]].tolist() == pytest.approx([0.125, 0.1, -0.1], abs=1e-12)
    assert m.loc[2024, 4:12].isna().all() and m.loc[2023, 1:11].isna().all()
    # the year compounds its months: 1.125 · 1.1 · 0.9 − 1 = 11.375 % (= 115.83 / 104 − 1)
    assert m.loc[2024, "year"] == pytest.approx(0.11375, abs=1e-12)
    assert m.loc[2023, "year"] == pytest.approx(0.04, abs=1e-12)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_monthly_table_shows_the_months_in_the_readers_language(lang):
    d = ts("2023-12-28", "2023-12-29", "2024-01-31")
    c = compare_strategies({"A": pd.Series([100.0, 104, 117], index=d)})
    f = _Fmt(lang)
    shown = monthly_table(c, "A", lang, f.pct)
    raw = monthly_table(c, "A", lang)
    months = LABELS["month_names"][lang].split()
    assert list(shown.columns) == [LABELS["year"][lang], *months, LABELS["year"][lang] + " Σ"]
    assert list(raw.columns) == list(shown.columns)
    assert shown[months[0]].tolist() == ["–", f.pct(0.125)]  # Jan 2024: 117 / 104 − 1
    assert raw[months[0]].tolist()[1] == pytest.approx(0.125, abs=1e-12)
    assert pd.isna(raw[months[0]].iloc[0])  # no January 2023 in the window: an empty cell
    de_or_en = {"en": "12.5 %", "de": "12,5 %"}[lang]
    assert shown[months[0]].tolist()[1] == de_or_en


# --- rolling one-year figures ------------------------------------------------------------------


def test_rolling_figures_cover_the_last_window_returns_up_to_each_date():
    d = pd.bdate_range("2024-03-04", periods=4)
    s = pd.Series([100.0, 110, 121, 108.9], index=d)  # returns +10 %, +10 %, −10 %
    q = pd.Series([100.0, 105, 110.25, 104.7375], index=d)  # returns +5 %, +5 %, −5 %
    c = compare_strategies({"S": s}, {"Q": q}, window=2)
    ret = c.rolling("return")
    # level[t] / level[t − 2] − 1: 121 / 100 − 1 = 21 %, 108.9 / 110 − 1 = −1 %
    assert ret["S"].tolist()[0] != ret["S"].tolist()[0]  # NaN: fewer than 2 returns
    assert ret["S"].tolist()[1:] == pytest.approx([0.21, -0.01], abs=1e-12)
    vol = c.rolling("volatility")["S"]
    # (+10 %, +10 %): no variation, 0; (+10 %, −10 %): sample sd √0.02 = 0.1414…, × √252
    assert vol.tolist()[1:] == pytest.approx([0.0, math.sqrt(0.02) * math.sqrt(252)], abs=1e-12)
    sharpe = c.rolling("sharpe")["S"]
    assert math.isnan(sharpe.iloc[1]) and sharpe.iloc[2] == pytest.approx(0.0, abs=1e-12)
    beta = c.rolling("beta")
    assert list(beta.columns) == ["S"]  # every series but the reference
    # (+5 %, +5 %): the benchmark does not vary, NaN; (+5 %, −5 %) vs (+10 %, −10 %): 2
    assert math.isnan(beta["S"].iloc[1]) and beta["S"].iloc[2] == pytest.approx(2.0, abs=1e-12)


def test_the_one_year_return_is_level_t_over_level_t_minus_252():
    rng = np.random.default_rng(3)
    d = pd.bdate_range("2021-01-04", periods=400)
    lv = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 400))), index=d)
    c = compare_strategies({"A": lv})
    ret = c.rolling("return")["A"]
    lvl = c.levels["A"]
    for t in (252, 300, 399):  # index-date positions; the returns start at position 1
        assert ret.loc[d[t]] == pytest.approx(lvl.iloc[t] / lvl.iloc[t - 252] - 1, rel=1e-12)
    assert ret.loc[: d[251]].isna().all()  # fewer than 252 returns up to position 251
    assert c.rolling("beta").empty  # no benchmark: no beta
    assert math.isnan(c.summary().loc[0, "beta"])


def test_the_figures_draw_every_series_and_escape_the_names():
    d = pd.bdate_range("2024-03-04", periods=4)
    s = pd.Series([100.0, 110, 121, 108.9], index=d)
    c = compare_strategies(
        {"<b>x</b>": s, "plain": s * 2}, {"Q": s.iloc[::-1].set_axis(d)}, window=2
    )
    names = [tr.name for tr in strategies_levels_figure(c, "en").data]
    assert names == ["&lt;b&gt;x&lt;/b&gt;", "plain", "Q"]
    fig = rolling_figure(c, "beta", "de")
    assert [tr.name for tr in fig.data] == ["&lt;b&gt;x&lt;/b&gt;", "plain"]
    assert fig.layout.title.text == "Rollierendes Einjahres-Beta gegen Q"
    dashes = [tr.line.dash for tr in strategies_levels_figure(c, "en").data]
    assert dashes == [None, None, "dot"]  # benchmarks dotted


# --- errors ------------------------------------------------------------------------------------


def test_what_cannot_be_compared_says_why():
    d = pd.bdate_range("2024-03-04", periods=3)
    s = pd.Series([1.0, 2, 3], index=d)
    with pytest.raises(InvalidParameterError, match="give at least one"):
        compare_strategies({})
    with pytest.raises(InvalidParameterError, match=r"`window` must be an integer ≥ 2"):
        compare_strategies({"a": s}, window=1)
    with pytest.raises(InvalidParameterError, match="share the name 'a'"):
        compare_strategies({"a": s}, {"a": s})
    later = pd.Series([1.0, 2], index=pd.bdate_range("2025-01-06", periods=2))
    with pytest.raises(InvalidParameterError, match="share fewer than two index dates"):
        compare_strategies({"a": s, "b": later})
    with pytest.raises(MissingDataError, match=r"benchmark Q: no price on the first common date "
                                               r"2024-03-04 \(its prices start 2024-03-05\)"):  # fmt: skip
        compare_strategies({"a": s}, {"Q": s.iloc[1:]})
    with pytest.raises(InvalidParameterError, match="DatetimeIndex"):
        compare_strategies({"a": pd.Series([1.0, 2])})
    c = compare_strategies({"a": s})
    with pytest.raises(InvalidParameterError, match="`stat` must be one of return"):
        c.rolling("drawdown")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'z' is not a series"):
        c.monthly_returns("z")


def test_the_json_form_holds_the_summary_and_the_monthly_returns():
    d = ts("2023-12-28", "2023-12-29", "2024-01-31")
    q = pd.Series([10.0, 10, 11], index=d)
    c = compare_strategies({"A": pd.Series([100.0, 104, 117], index=d)}, {"Q": q})
    out = json.loads(json.dumps(c.to_dict()))
    assert out["strategies"] == ["A"] and out["benchmarks"] == ["Q"] and out["reference"] == "Q"
    assert [r["series"] for r in out["summary"]] == ["A", "Q"]
    assert out["summary"][1]["beta"] is None  # NaN → null
    assert out["monthly"]["A"]["2024"]["1"] == pytest.approx(0.125)
    assert out["monthly"]["A"]["2024"]["2"] is None
    assert (out["start"], out["end"], out["window"]) == ("2023-12-28", "2024-01-31", 252)


# --- CSV links ---------------------------------------------------------------------------------


def _decode(uri: str) -> list[list[str]]:
    head, _, body = uri.partition(",")
    assert head == "data:text/csv;charset=utf-8"
    return list(csv.reader(io.StringIO(unquote(body, encoding="utf-8"), newline="")))


def test_a_data_uri_holds_only_unreserved_characters_and_decodes_to_the_csv():
    frame = pd.DataFrame({"name": [HOSTILE, "Zürich & Co", "=1+1"], "x": [1.5, -2.0, None]})
    uri = csv_data_uri(frame)
    body = uri.partition(",")[2]
    assert set(body) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~%")
    rows = _decode(uri)
    # the text comes back as written; a formula is shown as text ('=1+1), numbers stay numbers
    assert rows == [["name", "x"], [HOSTILE, "1.5"], ["Zürich & Co", "-2.0"], ["'=1+1", ""]]
    assert csv_file_name('x"/<y>') == "aiinfra-x-y.csv" and csv_file_name("") == "aiinfra-table.csv"


class _Links(HTMLParser):
    """Every table's cells and every link, as the browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []
        self.tables: list[list[list[str]]] = []
        self.scripts = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs))
        elif tag == "script":
            self.scripts += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_every_report_table_carries_a_csv_link_a_hostile_cell_cannot_leave():
    frame = pd.DataFrame({"Company": [HOSTILE, "NVIDIA"], "Weight": ["4.5 %", None]})
    markup = _table(frame, "wide")
    p = _Links()
    p.feed(markup)
    assert p.scripts == 0 and len(p.links) == 1  # the payload made no tag
    link = p.links[0]
    assert link["class"] == "csv" and link["download"] == "aiinfra-wide.csv"
    assert link["data-csv"] == "shown"
    shown = p.tables[0]
    assert shown == [["Company", "Weight"], [HOSTILE, "4.5 %"], ["NVIDIA", "–"]]
    assert _decode(link["href"] or "") == shown  # the CSV is the table as shown


def test_a_table_with_its_own_csv_frame_links_the_unrounded_numbers():
    shown = pd.DataFrame({"Year": ["2024"], "Jan": ["12.5 %"]})
    raw = pd.DataFrame({"Year": ["2024"], "Jan": [0.125]})
    p = _Links()
    p.feed(_table(shown, "monthly", csv=raw, name="monthly-semis_20cap"))
    assert p.links[0]["download"] == "aiinfra-monthly-semis_20cap.csv"
    assert p.links[0]["data-csv"] == "data"  # not the cells as shown
    assert _decode(p.links[0]["href"] or "") == [["Year", "Jan"], ["2024", "0.125"]]


def test_every_dashboard_table_carries_a_csv_link_that_decodes_to_it():
    pytest.importorskip("dash")
    from aiinfra.web.pages._common import html_table

    frame = pd.DataFrame({"a": [HOSTILE, "b"], "n": [1.0, float("nan")]})
    box = html_table(frame, "xx-table")
    table, link = box.children
    assert table.id == "xx-table" and link.id == "xx-table-csv"
    assert getattr(link, "data-csv") == "shown"
    assert link.download == "aiinfra-xx-table.csv"
    cells = [[td.children for td in tr.children] for tr in table.children[1].children]
    assert cells == [[HOSTILE, "1.0"], ["b", ""]]
    assert _decode(link.href) == [["a", "n"], *cells]


# --- the report on the synthetic universe ------------------------------------------------------


@pytest.fixture(scope="module")
def universe(tmp_path_factory):
    root = tmp_path_factory.mktemp("u")
    led, px = make_universe(root, n=24, score_as_of="2024-06-01")
    rules = {
        "vintage.yaml": "pit_mode: vintage\n",
        "ew.yaml": "pit_mode: vintage\nweighting: {scheme: equal}\n",
    }
    for name, text in rules.items():
        (root / name).write_text(text)
    return load_ledger(base=led), CsvDirProvider(px).get, root


def _strategies_div(page: str) -> str:
    """The strategies block: up to the house view or the end of the index section."""
    block = page.split('<div id="strategies">')[1].split("</section>")[0]
    return block.split('<div id="house-comparison">')[0]


def test_a_report_of_two_methodologies_compares_them_with_the_benchmarks(universe):
    ledger, prices, root = universe
    r = build_report(
        ledger,
        prices,
        as_of="2023-12-29",
        methodology=[str(root / "vintage.yaml"), str(root / "ew.yaml")],
        start="2022-06-01",
        benchmarks=("T01", "T02"),
    )
    cmp = r.strategies
    assert isinstance(cmp, StrategyComparison)
    assert cmp.strategies == ("vintage", "ew") and cmp.benchmarks == ("T01", "T02")
    block = _strategies_div(r.html)
    p = _Links()
    p.feed(block)
    first = p.tables[0]
    assert [row[0] for row in first[1:]] == ["vintage", "ew", "T01", "T02"]
    assert first[0][-1] == "Beta (T01)"
    # a monthly table per strategy, each with its CSV; the rolling charts (> 252 index dates)
    assert block.count('<h4 id="monthly-') == 2
    assert len(p.tables) == 3 and len(p.links) == 3
    assert all(
        'id="rolling-' + s + '"' in block for s in ("return", "volatility", "sharpe", "beta")
    )
    # the sources appendix names each methodology
    assert any(v.startswith("ew: ") for _, v in r.sources)


def test_one_methodology_keeps_its_backtest_and_adds_monthly_and_rolling_only(universe):
    ledger, prices, root = universe
    r = build_report(ledger, prices, as_of="2023-12-29", methodology=str(root / "vintage.yaml"),
                     start="2022-06-01", benchmarks=("T01",))  # fmt: skip
    block = _strategies_div(r.html)
    assert LABELS["strategies"]["en"] not in block  # no comparison table for one strategy
    assert block.count('<h4 id="monthly-') == 1 and 'id="rolling-beta"' in block
    assert (LABELS["methodology"]["en"], str(root / "vintage.yaml")) in r.sources


def test_methodologies_and_benchmarks_named_twice_or_without_prices_fail_before_any_work(universe):
    ledger, prices, root = universe
    with pytest.raises(InvalidParameterError, match="a strategy named 'vintage' is already"):
        build_report(ledger, prices, as_of="2023-12-29",
                     methodology=[str(root / "vintage.yaml"), str(root / "vintage.yaml")])  # fmt: skip
    with pytest.raises(InvalidParameterError, match="`--benchmark` 'T01' is named twice"):
        build_report(ledger, prices, as_of="2023-12-29", benchmarks=("T01", "T01"))
    with pytest.raises(MissingDataError, match="`--benchmark` QQQ: no prices"):
        build_report(ledger, prices, as_of="2023-12-29", benchmarks=("QQQ",))


def test_the_built_in_equal_weight_methodology_weighs_every_name_alike():
    from aiinfra.index import builtin_methodologies, load_methodology

    assert "equal_weight" in builtin_methodologies()
    m, default = load_methodology("equal_weight"), load_methodology("default")
    assert m.weighting.scheme == "equal" and m.index.name == "AIX-EW"
    # everything but the weighting scheme and the index name is the default's
    same = m.model_copy(update={"weighting": default.weighting, "index": default.index})
    assert same.config_hash() == default.config_hash()


# --- the command line --------------------------------------------------------------------------


def test_the_report_command_takes_several_methodologies_and_benchmarks_and_says_what_is_wrong(
    tmp_path,
):
    from typer.testing import CliRunner

    from aiinfra.app import app
    from tests.conftest import write_prices

    run = CliRunner().invoke
    offline = {"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
    home = ["--home", str(tmp_path / "h")]
    twice = run(app, [*home, "report", "--methodology", "default", "--methodology", "default"],
                env=offline)  # fmt: skip
    assert twice.exit_code == 2 and "a strategy named 'default' is already compared" in twice.output
    bad = run(app, [*home, "report", "--methodology", "nosuch"], env=offline)
    assert bad.exit_code == 2 and "built-ins: cta_style_tiers, default, equal_weight" in bad.output
    # a named benchmark without prices: exit 3, with what to do
    write_prices(tmp_path / "px", "T01")
    missing = run(app, ["--prices", str(tmp_path / "px"), *home, "report", "--benchmark", "NOPE",
                        "--out", str(tmp_path / "r.html")], env=offline)  # fmt: skip
    assert missing.exit_code == 3
    assert (
        "`--benchmark` NOPE: no prices" in missing.output
        and "aiinfra prices import" in missing.output
    )
    # without prices: written, and the JSON says so (no strategies)
    out = tmp_path / "r.html"
    ok = run(app, [*home, "report", "--out", str(out), "--format", "json"], env=offline)
    assert ok.exit_code == 0, ok.output
    doc = json.loads(ok.stdout)
    assert doc["path"] == str(out) and doc["strategies"] is None and doc["charts"] >= 1
    assert doc["sections"][0] == "summary" and "index" not in doc["sections"]
