"""Issue 18 in process: the diff page in words (cycles and deals by name, headers with the two
dates), the stress page's weights as a sentence in the reader's language with the engine's own
text folded under "Details", and the look-through tables (dashboard and report) with headings,
scenarios, reasons and measures in English and German. Callbacks are posted as the browser posts
them (Flask's test client); the expected cells are built from the services' own frames."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("dash")

from aiinfra.charts import LABELS, label, lookthrough_tables
from aiinfra.config import get_settings
from aiinfra.services.dashboard import Dashboard
from aiinfra.services.diff import diff
from aiinfra.services.lookthrough_upload import compose_upload
from aiinfra.stress import builtin_scenarios
from aiinfra.web._app import create_app
from aiinfra.web._i18n import t
from aiinfra.web.pages import lookthrough, stress
from tests.conftest import SHARED_PRICES

ROOT = Path(__file__).resolve().parents[2]
HOLDINGS = ROOT / "tests" / "data" / "holdings_hostile.csv"
AS_OF = "2026-06-30"
D1, D2 = "2025-06-30", "2026-06-30"

needs_prices = pytest.mark.skipif(
    not SHARED_PRICES.is_dir(), reason="../shared/data/prices is absent"
)


@pytest.fixture(scope="module")
def board(tmp_path_factory) -> Dashboard:
    return Dashboard(get_settings(home=tmp_path_factory.mktemp("home")), as_of=AS_OF)


@pytest.fixture(scope="module")
def client(board):
    return create_app(board).server.test_client()


def post(client: Any, output: str, inputs: list[tuple[str, str, Any]],
         state: list[tuple[str, str, Any]] = ()) -> Any:  # fmt: skip
    """What the browser posts to run a one-output callback; the children it answers."""
    cid, prop = output.split(".")
    r = client.post(
        "/_dash-update-component",
        json={
            "output": output,
            "outputs": {"id": cid, "property": prop},
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
        },
    )
    assert r.status_code == 200, r.data[:300]
    return json.loads(r.data)["response"][cid][prop]


def walk(tree: Any, skip: str | None = None) -> list[dict[str, Any]]:
    """Every component (JSON form) in ``tree``; with ``skip``, none inside a component of
    that type (nor the component itself)."""
    out, stack = [], [tree]
    while stack:
        c = stack.pop()
        if isinstance(c, list | tuple):
            stack.extend(reversed(c))
        elif isinstance(c, dict) and "type" in c:
            if c["type"] == skip:
                continue
            out.append(c)
            stack.append(c.get("props", {}).get("children"))
    return out


def texts(tree: Any, skip: str | None = None) -> list[str]:
    """Every string child in ``tree`` (outside components of type ``skip``)."""
    out = [] if not isinstance(tree, str) else [tree]
    for c in walk(tree, skip):
        ch = c.get("props", {}).get("children")
        items = ch if isinstance(ch, list) else [ch]
        out += [x for x in items if isinstance(x, str | int | float) and not isinstance(x, bool)]
    return [str(x) for x in out]


def by_id(tree: Any, cid: str) -> dict[str, Any]:
    hit = [c for c in walk(tree) if c.get("props", {}).get("id") == cid]
    assert len(hit) == 1, cid
    return hit[0]


def table_rows(table: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """A page table's headers and cells as text."""
    head, body = table["props"]["children"]
    headers = [th["props"]["children"] for th in walk(head) if th["type"] == "Th"]
    rows = [[td["props"]["children"] for td in walk(tr) if td["type"] == "Td"]
            for tr in walk(body) if tr["type"] == "Tr"]  # fmt: skip
    return headers, rows


# --- 1. the diff page in words --------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_diff_page_shows_cycles_and_deals_by_name(client, board, lang):
    out = post(client, "df-result.children",
               [("df-date1", "date", D1), ("df-date2", "date", D2), ("lang", "value", lang)])  # fmt: skip
    r = diff(board.ledger, D1, D2, prices=board.prices, fx=board.fx)
    names = dict(r.names)
    ids = set(board.ledger.companies["id"])
    # the cycles: every company by name, the loop closed ("NVIDIA → OpenAI → Oracle → NVIDIA")
    headers, rows = table_rows(by_id(out, "df-cycles"))
    assert len(rows) == len(r.cycles) > 0
    cycle_col = headers.index(label("diff_col:cycle", lang))
    for row, cyc in zip(rows, r.cycles["cycle"], strict=True):
        parts = [p.strip() for p in cyc.split("→")]
        assert row[cycle_col] == " → ".join(names.get(p, p) for p in parts)
        shown = [p.strip() for p in row[cycle_col].split("→")]
        assert shown[0] == shown[-1] and len(shown) == len(parts)
        assert not set(shown) & {i for i in ids if names.get(i, i) != i}  # no bare id
    # the deals: payer and payee by name; the status headers carry the two dates
    headers, rows = table_rows(by_id(out, "df-deals"))
    assert len(rows) == len(r.deals) > 0
    payer, payee = (
        headers.index(label("diff_col:payer", lang)),
        headers.index(label("diff_col:payee", lang)),
    )
    for row, (a, b) in zip(rows, zip(r.deals["payer"], r.deals["payee"], strict=True), strict=True):
        assert (row[payer], row[payee]) == (names.get(a, a), names.get(b, b))
    assert f"{label('diff_col:status', lang)} {D1}" in headers
    assert f"{label('diff_col:status', lang)} {D2}" in headers


def test_the_diff_pages_notes_are_folded(client, board):
    out = post(client, "df-result.children",
               [("df-date1", "date", D1), ("df-date2", "date", D2), ("lang", "value", "de")])  # fmt: skip
    r = diff(board.ledger, D1, D2, prices=board.prices, fx=board.fx)
    assert r.notes, "without prices the index side of the diff has notes"
    outside, folded = texts(out, skip="Details"), texts(by_id(out, "df-notes"))
    for n in r.notes:
        assert str(n) not in outside and str(n) in folded
    summary = [c for c in walk(by_id(out, "df-notes")) if c["type"] == "Summary"]
    assert summary[0]["props"]["children"] == label("engine_detail", "de")


# --- 2. the stress page: the weights in words, the engine's text folded -----------------------


def _stress_out(client: Any, lang: str) -> Any:
    return post(client, "st-result.children",
                [("st-parties", "value", ["openai"]), ("st-shortfall", "value", 0.5),
                 ("st-pass", "value", 0.5)], [("lang", "value", lang)])  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_stress_page_words_the_weights_and_folds_the_engines_text(client, board, lang):
    out = _stress_out(client, lang)
    r = board.stress(["openai"], 0.5, 0.5)
    engine = [str(r.index["weights_source"]), *map(str, r.notes)]
    assert len(engine) >= 2 and "pass --prices" in engine[0]  # what the engine says (CLI words)
    outside = " ".join(texts(out, skip="Details"))
    folded = texts(by_id(out, "st-notes"))
    for n in engine:
        assert n not in outside and n in folded
    assert "--prices" not in outside  # no CLI advice on a dashboard page
    # no prices: house-view weights, and why, in the reader's language
    assert by_id(out, "st-weights")["props"]["children"] == (
        f"{t('st_weights_house', lang)} {t('st_weights_no_prices', lang)}"
    )
    summary = [c for c in walk(by_id(out, "st-notes")) if c["type"] == "Summary"]
    assert summary[0]["props"]["children"] == label("engine_detail", lang)


def test_no_english_engine_sentence_outside_details_on_the_german_page(client, board):
    out = _stress_out(client, "de")
    r = board.stress(["openai"], 0.5, 0.5)
    outside = " ".join(texts(out, skip="Details"))
    # the engine's sentences start with these words; none is shown unfolded
    for word in ("house-view", "assumption:", "estimate:", "weights of the index", "revenue of"):
        assert word not in outside
    assert any(n.startswith(("assumption", "estimate")) for n in r.notes)


@pytest.fixture(scope="module")
def priced(tmp_path_factory) -> Dashboard:
    home = tmp_path_factory.mktemp("priced")
    return Dashboard(get_settings(home=home, prices_dir=SHARED_PRICES), as_of=AS_OF)


@needs_prices
@pytest.mark.parametrize("lang", ["en", "de"])
def test_with_prices_the_sentence_names_the_review_whose_weights_were_used(priced, lang):
    d = priced
    review = stress.review_date(d)
    assert review is not None and re.fullmatch(r"\d{4}-\d{2}", review)
    r = d.stress(["openai"], 0.5, 0.5)
    assert review in r.index["weights_source"]  # the service used that review's weights
    assert r.index["constituents"] == len(d.index_view().review.weights)
    out = stress._result(r, lang, review, prices=True)
    assert by_id(out_json(out), "st-weights")["props"]["children"] == t(
        "st_weights_review", lang
    ).format(review=review)


def test_house_view_weights_with_prices_say_no_index_forms(board):
    r = board.stress(["openai"], 0.5, 0.5)
    # a review the weights label does not name is not claimed: house-view weights, and why
    assert stress.weights_sentence(r, "de", "1999-01", prices=True) == (
        f"{t('st_weights_house', 'de')} {t('st_weights_no_index', 'de')}"
    )


def out_json(components: Any) -> Any:
    """Dash components in the JSON form a callback answers."""
    from plotly.utils import PlotlyJSONEncoder

    return json.loads(json.dumps(components, cls=PlotlyJSONEncoder))


# --- 3. the look-through tables in both languages (page and report) ---------------------------


@pytest.fixture(scope="module")
def fund(board) -> Any:
    uri = "data:text/csv;base64," + base64.b64encode(HOLDINGS.read_bytes()).decode()
    return uri, compose_upload(uri, HOLDINGS.name, board.ledger, prices=board.prices, fx=board.fx)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_lookthrough_tables_speak_the_readers_language(fund, lang):
    _, r = fund
    tables = lookthrough_tables(r, lang)
    # scenarios by their names, never their ids
    st = tables["stress"]
    assert st.columns[0] == label("scenario", lang)
    assert list(st.iloc[:, 0]) == [label(f"scenario:{s}", lang) for s in r.stress["scenario"]]
    assert set(r.stress["scenario"]) == set(builtin_scenarios())
    assert not set(st.iloc[:, 0]) & set(builtin_scenarios())
    # the unmapped lines: headings and reasons in words; the file's text as written
    um = tables["unmapped"]
    assert list(um.columns) == [label(k, lang) for k in ("ticker", "lt_line_name", "weight",
                                                         "lt_reason")]  # fmt: skip
    assert list(um.iloc[:, 1]) == list(r.unmapped["name"].astype(str))
    keys = {"a cash, currency or derivative line": "lt_reason:cash",
            "no ledger company with this ticker or name": "lt_reason:none"}  # fmt: skip
    assert set(r.unmapped["reason"]) == set(keys)  # the hostile file has both kinds
    assert list(um.iloc[:, 3]) == [label(keys[v], lang) for v in r.unmapped["reason"]]
    # every measure and category in words: no engine key left
    measures = list(tables["summary"].iloc[:, 0])
    assert len(measures) == len(r.summary())
    assert not [m for m in measures if re.fullmatch(r"[a-z_]+", m)]
    assert not [c for c in tables["categories"].iloc[:, 0] if re.fullmatch(r"[a-z_]+", c)]
    for s in r.stress["scenario"]:
        assert f"{label('lt_fund_impact', lang)}: {label(f'scenario:{s}', lang)}" in measures


def test_a_reason_listing_companies_keeps_its_list(fund):
    _, r = fund

    class One:  # the fund with one line that fits two companies (map_holdings' wording)
        unmapped = r.unmapped.head(1).assign(reason="fits several ledger companies: a, b")

        def __getattr__(self, name: str) -> Any:
            return getattr(r, name)

    got = lookthrough_tables(One(), "de")["unmapped"].iloc[0, 3]
    assert got == f"{label('lt_reason:several', 'de')}: a, b"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_lookthrough_page_and_report_show_the_translated_tables(board, fund, lang):
    from aiinfra.report._lookthrough import lookthrough_html

    uri, r = fund
    out = out_json(lookthrough.render(board, uri, HOLDINGS.name, lang))
    headers, rows = table_rows(by_id(out, "lt-stress"))
    assert headers[0] == label("scenario", lang)
    assert [row[0] for row in rows] == [label(f"scenario:{s}", lang) for s in r.stress["scenario"]]
    headers, _ = table_rows(by_id(out, "lt-unmapped"))
    assert headers[:2] == [label("ticker", lang), label("lt_line_name", lang)]
    outside = texts(out, skip="Details")
    assert r.notes and not set(map(str, r.notes)) & set(outside)
    assert set(map(str, r.notes)) <= set(texts(by_id(out, "lt-notes")))
    # the report: the same cells, escaped; the notes folded
    shown: list[Any] = []

    def table(frame: Any, tid: str | None = None, csv: Any = None) -> str:
        shown.append(frame)
        return f"<table id='{tid}'></table>"

    page = lookthrough_html([r], lang, table)
    frames = lookthrough_tables(r, lang)
    assert [list(f.columns) for f in shown] == [list(f.columns) for f in frames.values()]
    assert list(shown[2].iloc[:, 0]) == list(frames["stress"].iloc[:, 0])
    folded = page[page.index('<details class="engine">') :]
    assert label("engine_detail", lang) in folded
    assert all(html_escape(str(n)) in folded for n in r.notes)
    assert not any(html_escape(str(n)) in page[: page.index("<details")] for n in r.notes)


def html_escape(s: str) -> str:
    import html

    return html.escape(s)


def test_the_labels_added_here_have_both_languages():
    keys = [k for k in LABELS if k.startswith(("lt_reason:", "lt_line_name", "lt_overlap_max",
                                              "lt_active_share_min"))]  # fmt: skip
    from aiinfra.web._i18n import WEB_LABELS

    keys_web = [k for k in WEB_LABELS if k.startswith("st_weights_")]
    assert len(keys) == 6 and len(keys_web) == 4
    for k in keys:
        assert LABELS[k]["en"] and LABELS[k]["de"] and LABELS[k]["en"] != LABELS[k]["de"]
    for k in keys_web:
        assert WEB_LABELS[k]["en"] and WEB_LABELS[k]["de"] != WEB_LABELS[k]["en"]
