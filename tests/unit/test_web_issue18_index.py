"""Issue 18, the dashboard's index page and what every page shares, in process: the multiplier
sliders against the methodology's rule, the notices' numbers, no prices, German numbers."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("dash")

from aiinfra.config import get_settings
from aiinfra.exceptions import InvalidParameterError
from aiinfra.index import Methodology, load_methodology
from aiinfra.services.dashboard import CATEGORIES, Dashboard, switched_off
from aiinfra.services.notices import CANNOT_PRICE, candidate_counts, index_notice_parts
from aiinfra.services.prices import NO_PRICES_HELP
from aiinfra.web._app import no_prices_notice
from aiinfra.web.pages import index as ix
from aiinfra.web.pages._common import SEPARATORS, graph, localise, plain, table_number
from tests.conftest import SHARED_PRICES

needs_prices = pytest.mark.skipif(
    not SHARED_PRICES.is_dir(), reason="../shared/data/prices is absent"
)


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> Dashboard:
    return Dashboard(get_settings(home=tmp_path_factory.mktemp("home")), as_of="2026-06-30")


def _text(tree) -> str:
    """Every string in a component tree."""
    out, stack = [], [tree]
    while stack:
        c = stack.pop()
        if isinstance(c, str):
            out.append(c)
        elif isinstance(c, list | tuple):
            stack.extend(reversed(c))
        elif getattr(c, "children", None) is not None:
            stack.append(c.children)
    return " ".join(out)


# --- 1. the multiplier sliders against the rule -----------------------------------------------


def test_the_rule_rejects_a_multiplier_of_0_so_0_means_off():
    data = load_methodology(None).model_dump(mode="json")
    data["categories"]["C1"]["m"] = 0.0
    with pytest.raises(ValueError, match="greater than 0"):
        Methodology.model_validate(data)


def test_every_slider_position_and_mark_is_a_valid_methodology(bare):
    lo, hi = ix.INDEX_RANGES["multiplier"]
    steps = round((hi - lo) / ix.MULTIPLIER_STEP)
    # the values the browser sends: min + k·step in floating point (0.30000000000000004 …)
    values = {lo + k * ix.MULTIPLIER_STEP for k in range(steps + 1)} | set(
        ix.multiplier_marks("en")
    )
    assert min(values) == lo == 0 and max(values) == pytest.approx(hi)
    for c in CATEGORIES:
        for v in sorted(values):
            m = bare.methodology(multipliers={c: v})
            if v == 0:
                assert m.universe.categories == tuple(x for x in CATEGORIES if x != c)
                assert m.categories[c].m == load_methodology(None).categories[c].m
            else:
                assert m.categories[c].m == v and m.universe.categories is None
    assert ix.multiplier_marks("en")[0.0] == "off" and ix.multiplier_marks("de")[0.0] == "aus"


def test_switching_every_category_off_is_said_not_run(bare):
    all_off = dict.fromkeys(CATEGORIES, 0.0)
    assert switched_off(all_off) == list(CATEGORIES)
    with pytest.raises(InvalidParameterError, match="every category is switched off"):
        bare.methodology(multipliers=all_off)
    six_off = all_off | {"C4": 1.0}
    assert bare.methodology(multipliers=six_off).universe.categories == ("C4",)
    for lang, word in (("en", "switch at least one on"), ("de", "mindestens eine einschalten")):
        assert word in _text(ix._index_result(bare, None, None, lang))


@needs_prices
def test_a_category_switched_off_leaves_the_index(tmp_path):
    d = Dashboard(get_settings(home=tmp_path, prices_dir=SHARED_PRICES))
    view = d.index_view(multipliers={"C3": 0.0})
    sel = view.review.selection()
    assert len(sel) > 0 and "C3" not in set(sel["category"])
    cand = view.review.candidates
    assert set(cand.loc[cand["category"] == "C3", "reason"]) == {"EXCLUDED_CATEGORY"}
    text = _text(ix._off_notice(view, "de"))
    assert "Abgeschaltet: C3" in text
    assert "C3 aus" in _text(ix._applied(view, "de"))


# --- 4. the notices' numbers ------------------------------------------------------------------


@pytest.fixture(scope="module")
def relaxed(tmp_path_factory):
    """The default rules on the first 30 price files: relaxed (cap raised), no backtest."""
    if not SHARED_PRICES.is_dir():
        pytest.skip("../shared/data/prices is absent")
    folder = tmp_path_factory.mktemp("some_prices")
    files = sorted(SHARED_PRICES.glob("*.csv"))[:30]
    for f in files:
        (folder / f.name).symlink_to(f)
    d = Dashboard(get_settings(home=tmp_path_factory.mktemp("h"), prices_dir=folder))
    return d.index_view(), {f.stem for f in files}


def test_the_relaxed_notice_counts_from_the_candidates(relaxed):
    view, tickers = relaxed
    parts = index_notice_parts(view)
    assert [p["key"] for p in parts] == ["relaxed", "bt_left_out"]
    n = parts[0]["numbers"]
    cand = view.review.candidates
    assert n["universe"] == len(cand)
    assert n["eligible"] == int(cand["eligible"].sum()) == n["selected"] == len(view.weights())
    # a candidate without prices has no file for any of its lines
    unpriced = cand[cand["reason"].isin(CANNOT_PRICE)]
    assert n["priced"] + len(unpriced) == n["candidates"]
    no_file = unpriced[unpriced["reason"] == "NO_PRICES"]
    assert no_file["id"].size and not set(no_file["ticker"].dropna()) & tickers
    assert n["cap"] == view.methodology.weighting.single_cap == 0.10
    assert n["cap_rule"] == view.requested.weighting.single_cap == 0.08
    # 11 names cannot hold 8 % (11 × 8 % < 100 %): the cap had to rise
    assert n["selected"] * n["cap_rule"] < 1 <= n["selected"] * n["cap"]
    assert (n["min_n"], n["min_n_rule"]) == (5, 20) and n["changes"] == ["cap", "min_n", "ucits"]
    assert parts[0]["detail"] == view.relaxation.reason
    bt = parts[1]
    assert bt["numbers"] == {"start": "2019-01-01", "review": str(view.review.dates.review)}
    assert bt["detail"] == str(view.backtest_error)
    assert index_notice_parts(view, start="2021-01-01")[1]["numbers"]["start"] == "2021-01-01"
    assert candidate_counts(view.review) == {k: n[k] for k in candidate_counts(view.review)}


def test_the_notice_sentences_in_both_languages(relaxed):
    view, _ = relaxed
    part = index_notice_parts(view)[0]
    n = part["numbers"]
    en = ix.notice_text(part, "en")
    assert en == (
        f"{n['priced']} of {n['candidates']} candidates have prices and {n['eligible']} pass "
        f"the screens; the index holds {n['selected']} names with a 10 % cap instead of 8 %, a "
        "minimum of 5 names instead of 20 and no UCITS buffer rule."
    )
    odd = part | {"numbers": n | {"cap": 0.125, "changes": ["cap"]}}
    assert ix.notice_text(odd, "de").endswith("mit einer Einzelobergrenze von 12,5 % statt 8 %.")
    shown = ix.index_notices(view, "de")
    assert [c.id for c in shown] == ["ix-notice-relaxed", "ix-notice-bt_left_out"]
    details = shown[0].children[1]
    assert (
        details.children[0].children == "Details"
        and details.children[1].children == (part["detail"])
    )


def test_no_index_numbers_come_from_the_engines_message():
    from types import SimpleNamespace as NS

    msg = (
        "review 2026-12 (cut-off 2026-11-30): 3 eligible names, fewer than the minimum of 5 "
        "(selection.min_n). Of 67 candidates 3 are eligible; excluded: …"
    )
    view = NS(relaxation=None, review=None, error=ValueError(msg), backtest_error=None)
    (part,) = index_notice_parts(view)
    assert part == {
        "key": "no_index",
        "numbers": {"candidates": 67, "eligible": 3, "min_n": 5},
        "detail": msg,
    }
    assert ix.notice_text(part, "en").startswith("Only 3 of the 67 companies in the universe")
    other = NS(relaxation=None, review=None, error=ValueError("9 names cannot …"),
               backtest_error=None)  # fmt: skip
    (plain_part,) = index_notice_parts(other)
    assert plain_part["numbers"] == {}
    assert "gelockerten Regeln" in ix.notice_text(plain_part, "de")


# --- 5. no prices ---------------------------------------------------------------------------------


def test_a_prices_folder_without_a_universe_ticker_is_no_prices(tmp_path):
    folder = tmp_path / "prices"
    folder.mkdir()
    (folder / "QQQ.csv").write_text(
        "date,open,high,low,close,adj_close,volume\n2026-01-02,1,1,1,1,1,100\n"
    )
    d = Dashboard(get_settings(home=tmp_path / "h", prices_dir=folder), as_of="2026-06-30")
    assert d.prices is None and d.no_prices_kind == "no_universe"
    assert NO_PRICES_HELP in d.no_prices and str(folder) in d.no_prices
    empty = tmp_path / "empty"
    empty.mkdir()
    e = Dashboard(get_settings(home=tmp_path / "h", prices_dir=empty), as_of="2026-06-30")
    assert e.prices is None and e.no_prices_kind == "no_csv"
    for lang, help_start in (("en", NO_PRICES_HELP), ("de", "Kursdateien sind CSV-Dateien")):
        text = _text(no_prices_notice(d, lang))
        assert str(folder) in text and help_start in text
    assert "Indexuniversum" in _text(no_prices_notice(d, "de"))
    assert "TICKER.csv" in _text(no_prices_notice(e, "en"))


def test_with_prices_no_page_says_there_are_none(bare):
    assert bare.no_prices_kind in ("no_store", "empty_store")  # the bare board has none
    board = Dashboard.__new__(Dashboard)
    board.no_prices_kind, board.no_prices_where = None, ""
    assert no_prices_notice(board, "en") == []


# --- 3. German numbers ------------------------------------------------------------------------


def test_numbers_marks_and_charts_in_the_readers_convention():
    import plotly.graph_objects as go
    from dash import html

    assert plain(0.75, "de") == "0,75" and plain(0.75, "en") == "0.75"
    assert plain(2.0, "de") == "2" and plain(1234.5, "de") == "1.234,5"
    assert ix.cap_marks("de")[0.08] == "8 %" and ix.cap_marks("en")[0.25] == "25 %"
    fmt = table_number(2, "de").to_plotly_json()
    assert fmt["locale"] == {"decimal": ",", "group": "."} and fmt["specifier"] == ",.2f"
    figs = [go.Figure(go.Scatter(y=[1.5])), {"data": [], "layout": {}}]
    tree = html.Div([html.Div(graph(figs[0], "a")), [graph(figs[1], "b")]])
    assert localise(tree, "de") is tree
    assert figs[0].layout.separators == ",." and figs[1]["layout"]["separators"] == ",."
    localise(tree, "en")  # a figure drawn again in English is English again
    assert figs[0].layout.separators == SEPARATORS["en"] == ".,"
    assert graph(go.Figure(), "c", "de").figure.layout.separators == ",."
    assert math.isclose(float(plain(0.05, "en")), 0.05)


def test_sliders_read_out_their_value_in_the_readers_convention(bare):
    from dash import dcc

    from aiinfra.web.pages import gap
    from aiinfra.web.pages._common import SLIDER_JS, slider_value

    cap = slider_value("de", percent=True)
    assert cap["allow_direct_input"] is False and cap["tooltip"]["always_visible"] is True
    names = {slider_value(lang, percent=p)["tooltip"]["transform"]
             for lang in ("en", "de") for p in (True, False)}  # fmt: skip
    assert len(names) == 4 and all(f"f.{n} = " in SLIDER_JS for n in names)
    sliders, stack = [], [gap.layout(bare, "de")]
    while stack:
        c = stack.pop()
        if isinstance(c, list | tuple):
            stack.extend(c)
        elif isinstance(c, dcc.Slider):
            sliders.append(c)
        elif getattr(c, "children", None) is not None and not isinstance(c.children, str):
            stack.append(c.children)
    assert sliders and all(s.allow_direct_input is False for s in sliders)
    # the gap's shares, margins and rates read "50 %" (their unit says so), years as numbers
    by_name = {s.id.removeprefix("gp-p-"): s for s in sliders}
    assert set(by_name) == set(gap.PARAMETERS)
    for name, s in by_name.items():
        p = gap.PARAMETERS[name]
        percent = p.unit != "years"
        assert s.tooltip["transform"] == ("aiinfraPctDe" if percent else "aiinfraNumDe"), name
        want = [
            f"{100 * x:g}".replace(".", ",") + " %" if percent else f"{x:g}".replace(".", ",")
            for x in (p.low, p.high)
        ]
        assert [s.marks[p.low], s.marks[p.high]] == want, name
    assert by_name["gross_margin"].marks[0.4] == "40 %"
    assert by_name["useful_life"].tooltip["transform"] == "aiinfraNumDe"
    marks = [m for s in sliders for m in s.marks.values()]
    assert not any("." in m for m in marks)
