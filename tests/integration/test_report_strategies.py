"""The report of two strategies and three benchmarks on the shared prices (issue 16 part 5):
the comparison table, the monthly returns against returns computed here from the backtest's
levels, the rolling one-year return as drawn against level[t] / level[t − 252] − 1, and every
CSV link against its table. Skipped without ../shared/data/prices; in the slow suite (~30 s)."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest

from aiinfra import metrics
from aiinfra.charts import LABELS
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from aiinfra.report._build import _Fmt
from aiinfra.services.report import build_report
from tests.conftest import SHARED_PRICES

#: forming three indexes and backtests on the shared prices takes ~30 s (slow suite)
pytestmark = pytest.mark.slow
AS_OF = "2026-06-30"
BENCH = ("QQQ", "SMH", "SOXX")


@pytest.fixture(scope="module")
def report():
    if not SHARED_PRICES.is_dir():
        pytest.skip("../shared/data/prices is absent")
    prices = CsvDirProvider(SHARED_PRICES)
    return build_report(
        load_ledger(), prices.get, as_of=AS_OF, methodology=["default", "semis_20cap"],
        benchmarks=BENCH,
    )  # fmt: skip


class _Tables(HTMLParser):
    """Each table's rows (cells as the browser shows them) and the CSV link after it."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.links: list[str] = []
        self.kinds: list[str | None] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a" and a.get("class") == "csv":
            self.links.append(a["href"] or "")
            self.kinds.append(a.get("data-csv"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _parse(block: str) -> _Tables:
    p = _Tables()
    p.feed(block)
    assert len(p.links) == len(p.tables)  # every table has its link
    return p


def _decode(uri: str) -> list[list[str]]:
    head, _, body = uri.partition(",")
    assert head == "data:text/csv;charset=utf-8"
    return list(csv.reader(io.StringIO(unquote(body), newline="")))


def _block(page: str) -> str:
    """The strategies block: up to the house view or the end of the index section."""
    block = page.split('<div id="strategies">')[1].split("</section>")[0]
    return block.split('<div id="house-comparison">')[0]


def _window_gtr(report) -> pd.Series:
    """The default strategy's GTR from its own backtest, on the comparison's window."""
    cmp = report.strategies
    gtr = report.index.backtest.levels["GTR"]
    return gtr.loc[cmp.start : cmp.end]


def test_one_table_has_a_row_per_strategy_and_per_benchmark(report):
    cmp = report.strategies
    assert cmp.strategies == ("default", "semis_20cap") and cmp.benchmarks == BENCH
    p = _parse(_block(report.html))
    table = p.tables[0]
    assert [r[0] for r in table[1:]] == ["default", "semis_20cap", *BENCH]
    assert [r[3] for r in table[1:]] == ["yes", "yes", "–", "–", "–"]  # the PIT headline
    # the CSV carries the unrounded numbers of the same rows; formatted, they are the cells
    rows = _decode(p.links[0])
    assert rows[0] == table[0]
    f = _Fmt("en")
    for shown, raw in zip(table[1:], rows[1:], strict=True):
        assert shown[:4] == raw[:4]
        pcts = [f.pct(float(x)) for x in (raw[4], raw[5], raw[6], raw[8])]
        assert pcts == [shown[4], shown[5], shown[6], shown[8]]
        assert f.num(float(raw[7])) == shown[7]
        assert shown[9] == ("–" if raw[9] == "" else f.num(float(raw[9])))
    # the default's total return over the window and its beta against QQQ, from its levels
    gtr = _window_gtr(report)
    assert float(rows[1][4]) == pytest.approx(gtr.iloc[-1] / gtr.iloc[0] - 1, rel=1e-12)
    qqq = cmp.levels["QQQ"]
    beta = metrics.beta(gtr.pct_change().iloc[1:], qqq.pct_change().iloc[1:])
    assert float(rows[1][9]) == pytest.approx(beta, rel=1e-9)
    assert "Strategies compared" in _block(report.html)


def test_the_monthly_returns_are_month_end_to_month_end_levels(report):
    gtr = _window_gtr(report)
    ends = gtr.groupby(gtr.index.to_period("M")).last()
    # each month from the last level of the month before (the first from the window's start)
    expected = pd.concat([pd.Series([gtr.iloc[0]]), ends.reset_index(drop=True)]).pct_change()
    expected = expected.iloc[1:].set_axis(ends.index)
    p = _parse(_block(report.html))
    shown, raw = p.tables[1], _decode(p.links[1])  # the default's monthly table
    months = LABELS["month_names"]["en"].split()
    assert raw[0] == shown[0] == ["Year", *months, "Year Σ"]
    f = _Fmt("en")
    checked = 0
    for row_shown, row_raw in zip(shown[1:], raw[1:], strict=True):
        year = int(row_raw[0])
        for m in range(1, 13):
            period = pd.Period(year=year, month=m, freq="M")
            if period in expected.index:
                assert float(row_raw[m]) == pytest.approx(expected[period], rel=1e-9, abs=1e-12)
                assert row_shown[m] == f.pct(expected[period])
                checked += 1
            else:
                assert row_raw[m] == "" and row_shown[m] == "–"
        in_year = expected[[q.year == year for q in expected.index]]
        assert float(row_raw[13]) == pytest.approx(np.prod(1 + in_year) - 1, rel=1e-9)
    assert checked == len(expected) >= 80  # 2019-06 … 2026-06


def _figure(page: str, div_id: str) -> list[dict]:
    seg = page.split(f'id="{div_id}"', 1)[1]
    m = re.search(r'Plotly\.newPlot\(\s*"[^"]+",\s*', seg)
    data, _ = json.JSONDecoder().raw_decode(seg, m.end())
    return data


def _values(v) -> np.ndarray:
    if isinstance(v, dict):  # plotly's typed array
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v, dtype=float)


def test_the_drawn_rolling_return_is_level_t_over_level_t_minus_252(report):
    gtr = _window_gtr(report)
    trace = next(t for t in _figure(report.html, "rolling-return") if t["name"] == "default")
    x = pd.to_datetime(trace["x"])
    y = _values(trace["y"])
    # a window is 252 daily returns: the first point is the 253rd index date of the window
    assert x[0] == gtr.index[252] and x[-1] == gtr.index[-1] and len(y) == len(gtr) - 252
    for day in (x[0], x[len(x) // 2], x[-1]):
        t = gtr.index.get_loc(day)
        assert y[x.get_loc(day)] == pytest.approx(gtr.iloc[t] / gtr.iloc[t - 252] - 1, rel=1e-9)
    # four rolling charts: return, volatility, Sharpe, beta against the first benchmark
    beta = _figure(report.html, "rolling-beta")
    assert [t["name"] for t in beta] == ["default", "semis_20cap", "SMH", "SOXX"]


def test_every_table_of_the_report_has_a_csv_link_that_decodes_to_it(report):
    p = _Tables()
    p.feed(report.html.split("</head>", 1)[1])
    assert len(p.tables) == len(p.links) >= 20
    # the strategies table and the two monthly tables link their data (unrounded numbers)
    mine = _parse(_block(report.html))
    assert mine.kinds == ["data"] * 3
    for table, link, kind in zip(p.tables, p.links, p.kinds, strict=True):
        rows = _decode(link)
        assert kind in ("shown", "data") and rows
        if kind == "shown":  # the cells as shown; a text cell a spreadsheet would run gets a '
            assert [[c.removeprefix("'") for c in r] for r in rows] == table
    assert p.kinds.count("shown") >= 15
