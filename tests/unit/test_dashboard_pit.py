"""The dashboard's index page on its own rules (issue 14): for the default rules the
point-in-time backtest with today's scores dashed beside it, the look-ahead premium, the score
source per review and the systematic scores against the house view; for changed rules (no
comparison) none of the comparison. Laid out in process from real index views of the synthetic
universe in tests/_pit_universe.py.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

pytest.importorskip("dash")

from aiinfra.charts import LABELS
from aiinfra.config import get_settings
from aiinfra.services.dashboard import Dashboard
from aiinfra.web.pages import index as page
from aiinfra.web.pages._common import num, pct
from tests._pit_universe import pit_universe


@pytest.fixture(scope="module")
def views(tmp_path_factory):
    u = pit_universe(tmp_path_factory.mktemp("pit"))
    return u.view(compare=True), u.view(compare=False)


@pytest.fixture(scope="module")
def board(tmp_path_factory) -> Dashboard:
    """A dashboard without prices: the page takes its rationale column from it."""
    return Dashboard(get_settings(home=tmp_path_factory.mktemp("home")), as_of="2024-09-30")


def _walk(component: Any) -> list[Any]:
    out, stack = [], [component]
    while stack:
        c = stack.pop()
        if isinstance(c, list | tuple):
            stack.extend(reversed(c))
            continue
        out.append(c)
        children = getattr(c, "children", None)
        if children is not None:
            stack.append(children)
    return out


def _by_id(tree: Any, cid: str) -> Any:
    hits = [c for c in _walk(tree) if getattr(c, "id", None) == cid]
    assert len(hits) <= 1
    return hits[0] if hits else None


def _text(component: Any) -> str:
    return " ".join(c for c in _walk(component) if isinstance(c, str))


def _rows(table: Any) -> list[list[str]]:
    body = table.children[1]
    return [[str(td.children) for td in tr.children] for tr in body.children]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_default_rules_show_pit_headline_comparison_premium_and_house_view(board, views, lang):
    view, _ = views
    tree = page._index_result(board, view, view, lang)
    s = view.backtest.stats
    assert s.point_in_time
    assert _text(_by_id(tree, "ix-pit")) == LABELS["pit"][lang]
    sources = _text(_by_id(tree, "ix-sources"))
    n_house, n_sys = s.score_source_counts["house"], s.score_source_counts["systematic"]
    assert f"{n_house}" in sources and f"{n_sys}" in sources
    assert LABELS["score_source_systematic"][lang] in sources
    detail = _text(_by_id(tree, "ix-sources-detail"))
    assert all(review in detail for review in s.score_sources)
    # the levels: today's scores dashed and labelled
    fig = _by_id(tree, "ix-levels").figure
    dashed = [tr for tr in fig.data if tr.line.dash == "dash"]
    assert [tr.name for tr in dashed] == [LABELS["static_series"][lang]]
    assert list(dashed[0].y) == list(view.comparison.levels["GTR"])
    # the premium: static − point-in-time from the two summaries
    assert _text(_by_id(tree, "ix-comparison-label")) == LABELS["comparison_label"][lang]
    rows = _rows(_by_id(tree, "ix-premium"))
    pit, static = s.gtr, view.comparison.stats.gtr
    assert rows[0][0] == LABELS["pit_row"][lang] and rows[2][0] == LABELS["premium_row"][lang]
    assert rows[0][1:3] == [pct(pit.total_return, lang), pct(pit.annual_return, lang)]
    assert rows[1][1:3] == [pct(static.total_return, lang), pct(static.annual_return, lang)]
    assert rows[2][1:] == [
        pct(static.total_return - pit.total_return, lang),
        pct(static.annual_return - pit.annual_return, lang),
        pct(static.annual_volatility - pit.annual_volatility, lang),
        num(static.sharpe_ratio - pit.sharpe_ratio, lang, 2),
        pct(static.max_drawdown - pit.max_drawdown, lang),
    ]
    # the systematic scores against the house view: the names as typed (Dash shows text)
    hc = view.house_comparison
    house = _rows(_by_id(tree, "ix-house"))
    assert [r[0] for r in house] == list(hc.table["name"].head(10))
    assert any("<script>" in r[0] or "<img" in r[0] or "<svg" in r[0] for r in house)
    text = _text(_by_id(tree, "ix-house-text"))
    assert num(hc.rank_correlation, lang, 2) in text and str(hc.cutoff.date()) in text
    assert str(pd.Timestamp(hc.house_as_of).date()) in text


def test_changed_rules_show_no_comparison(board, views):
    default, variant = views
    tree = page._index_result(board, variant, default, "en")
    for cid in ("ix-premium", "ix-comparison-label", "ix-house", "ix-house-text"):
        assert _by_id(tree, cid) is None, cid
    fig = _by_id(tree, "ix-levels").figure
    assert [tr.line.dash for tr in fig.data if tr.line.dash] == ["dot"]  # the default's GTR
    assert _by_id(tree, "ix-pit") is not None and _by_id(tree, "ix-sources") is not None
