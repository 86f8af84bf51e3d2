"""Issue 18, the dashboard in process: the sources page as an analyst reads it (deals as
"payer → payee", companies by name, seed articles by title, web addresses as links, hostile
text literal), the gap page in German with the labs' ARR forecast as a reference of its own, and
percent as the one number convention of the pages' tables."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

pytest.importorskip("dash")

from aiinfra.config import get_settings
from aiinfra.ledger import SEEDS, source_parts, source_text
from aiinfra.roi_gap import PARAMETERS
from aiinfra.services.dashboard import Dashboard
from aiinfra.services.flows_history import history
from aiinfra.web._i18n import WEB_LABELS
from aiinfra.web.pages import diff as df
from aiinfra.web.pages import gap, lookthrough, overview, sources
from aiinfra.web.pages import history as hi
from aiinfra.web.pages import index as ix
from tests._report_payloads import PAYLOADS
from tests.conftest import SHARED_PRICES

ROOT = Path(__file__).resolve().parents[2]
HOLDINGS = ROOT / "tests" / "data" / "holdings_hostile.csv"


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> Dashboard:
    return Dashboard(get_settings(home=tmp_path_factory.mktemp("home")), as_of="2026-06-30")


# --- 1. the sources page ----------------------------------------------------------------------


def test_sources_name_deals_and_companies_and_keep_the_ids_last(bare):
    s = bare.sources("en")
    led = bare.ledger
    names = dict(zip(led.companies["id"], led.companies["name"], strict=True))
    deals = s[s["what"] == "flow"].set_index("id")
    assert len(deals) == len(led.flows)
    for f in led.flows.itertuples():
        assert deals.at[f.id, "item"] == f"{names[f.payer]} → {names[f.payee]}"
    for kind in ("score", "AI revenue", "financials"):
        rows = s[s["what"] == kind]
        assert [i.split(" · ")[0] for i in rows["item"]] == [names[c] for c in rows["id"]]
    rows, csv = sources.table(bare, "en")
    assert list(rows[0]) == list(sources.SHOWN) and sources.SHOWN[-1] == "id"
    assert list(csv.columns) == ["What", "About", "Date", "Source", "Id"]
    # the CSV is the plain text: seed articles by title, no markdown
    assert list(csv["Source"]) == [source_text(c) for c in s["source_cell"]]
    assert list(csv["Id"]) == list(s["id"])


def test_seed_articles_read_by_title_and_addresses_are_links(bare):
    s = bare.sources("en")
    seeded = s[s["source_cell"].str.strip().isin(SEEDS)]
    assert len(seeded) > 0
    for cell, text in zip(seeded["source_cell"], seeded["source"], strict=True):
        assert SEEDS[cell.strip()].title in text and ".txt" not in text
    rows, _ = sources.table(bare, "en")
    md = [r["source"] for r in rows]
    urls = [p.url for c in s["source_cell"] for p in source_parts(c) if p.kind == "url"]
    assert urls and all(u.startswith(("http://", "https://")) for u in urls)
    # every address is the destination of a link in its row, shown by its host
    for cell, text in zip(s["source_cell"], md, strict=True):
        for p in source_parts(cell):
            if p.kind == "url":
                host = sources.link_text(p.url)
                assert f"]({sources.md_url(p.url)})" in text
                assert sources.md_text(host) in text


def _render(md: str) -> str:
    """``md`` rendered like dash's table cells (CommonMark, raw HTML off)."""
    markdown_it = pytest.importorskip("markdown_it")
    return markdown_it.MarkdownIt("commonmark", {"html": False}).enable("table").render(md)


@pytest.mark.parametrize("hostile", [*PAYLOADS, "[x](javascript:alert(1))", "&lt;b&gt; `c` *d*"])
def test_hostile_source_text_renders_literally(hostile):
    html = _render(sources.source_markdown(hostile))
    text = re.sub(r"<[^>]+>", "", html).strip()
    assert re.sub(r"</?p>", "", html).strip() == text  # no element but the paragraph
    unescaped = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    assert unescaped.replace("&amp;", "&") == " ".join(hostile.split())


def test_a_hostile_address_is_one_encoded_link():
    url = 'https://example.org/<script>x</script>(a)[b]"q"'
    html = _render(sources.source_markdown(f"{url} | javascript:alert(1) | 10-K"))
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs == ["https://example.org/%3Cscript%3Ex%3C/script%3E%28a%29%5Bb%5D%22q%22"]
    assert "<script" not in html and html.count("<a ") == 1
    assert "javascript:alert(1)" in html  # as text


# --- 2. the gap page in German, the labs' ARR forecast a reference ----------------------------


def test_gap_sliders_are_labelled_in_german_with_sources_as_written():
    for name, p in PARAMETERS.items():
        de, en = gap.param_label(name, "de"), gap.param_label(name, "en")
        assert de.startswith(WEB_LABELS[f"param:{name}"]["de"]) and name not in de
        assert de.endswith(p.source) and en.endswith(p.source)
        assert de != en
        assert f"({WEB_LABELS['unit:' + p.unit]['de']})" in de
    layout = str(gap.layout(None, "de"))  # type: ignore[arg-type]
    assert "gpu_share (share)" not in layout and "GPU-Anteil" in layout


def test_gap_chart_draws_the_labs_forecast_as_markers_beside_the_series(bare):
    r = bare.gap(samples=0, year=2026)
    refs = r.revenue_series["reference"]
    assert refs, "the bundled ledger has the labs' ARR forecast (g017)"
    for lang in ("en", "de"):
        fig = gap.gap_chart(r, lang)
        ref = [tr for tr in fig.data if (tr.meta or {}).get("reference")]
        assert len(ref) == 1
        (tr,) = ref
        assert tr.mode == "markers" and tr.name == WEB_LABELS["gap_ref_labs"][lang]
        assert list(tr.x) == [x["year"] for x in refs]
        assert list(tr.y) == [x["value"] for x in refs]
        # the AI-revenue line ends at its last year: never joined to the reference
        (line,) = [x for x in fig.data if x.name == gap.t("ai_revenue", lang)]
        assert max(line.x) == max(r.revenue_series["years"]) < min(tr.x)
        bound = refs[0]["bound"]
        assert WEB_LABELS[f"bound:{bound}"][lang] in tr.hovertext[0]


def test_the_gap_page_does_not_claim_interpolation_to_the_forecast(bare):
    r = bare.gap(samples=0, year=2026)
    assert not r.revenue_series["interpolated_years"]
    for lang in ("en", "de"):
        text = str(gap.layout(None, lang))  # type: ignore[arg-type]
        assert "interpolated to the seeds' forecast" not in text
        assert "zur Prognose der Seeds interpoliert" not in text
        assert WEB_LABELS["gap_page_intro"][lang][:40] in text


# --- 3. percent in every table ----------------------------------------------------------------

#: a column heading that names a share, weight, return or rate (a percentage on the dashboard)
SHARE_WORDS = re.compile(
    r"share|anteil|weight|gewicht|return|rendite|coverage|deckung|volatil|drawdown|turnover|"
    r"umschlag|%",
    re.I,
)
#: headings of amounts that only mention a share ("Lücke ohne Kreislaufanteil": a gap in USD bn)
AMOUNT_WORDS = re.compile(r"\bgap\b|lücke|usd", re.I)
BARE_NUMBER = re.compile(r"^[+\-−]?\d[\d.,]*$")


def _tables(tree):
    """Every table in a component tree: (id, headings, rows of cells)."""
    from dash import dash_table, html

    stack = [tree]
    while stack:
        c = stack.pop()
        if isinstance(c, list | tuple):
            stack.extend(c)
        elif isinstance(c, html.Table):
            head = [str(th.children) for th in c.children[0].children.children]
            rows = [[td.children for td in tr.children] for tr in c.children[1].children]
            yield getattr(c, "id", None), head, rows
        elif isinstance(c, dash_table.DataTable):
            head = [str(x["name"]) for x in c.columns]
            yield c.id, head, [[r.get(x["id"]) for x in c.columns] for r in c.data]
        elif getattr(c, "children", None) is not None and not isinstance(c.children, str):
            stack.append(c.children)


def fraction_cells(tree) -> list[tuple[str, str, object]]:
    """The cells of share-named columns shown as fractions: a bare number where the heading
    does not say "%", or a column headed "(%)" whose numbers all lie within ±1 (0.083 for
    8.3 %)."""
    bad = []
    for tid, head, rows in _tables(tree):
        for j, h in enumerate(head):
            if not SHARE_WORDS.search(h) or AMOUNT_WORDS.search(h):
                continue
            cells = [r[j] for r in rows]
            if "%" in h:
                nums = [float(x) for x in cells if isinstance(x, int | float) and x == x and x]
                if len(nums) >= 3 and all(abs(x) <= 1 for x in nums):
                    bad.append((str(tid), h, nums[:3]))
                continue
            for x in cells:
                text = str(x).strip()
                if isinstance(x, int | float) or BARE_NUMBER.match(text):
                    bad.append((str(tid), h, x))
    return bad


def test_the_scan_finds_a_fraction():
    import pandas as pd

    from aiinfra.web.pages._common import html_table

    assert fraction_cells(html_table(pd.DataFrame({"AI-revenue share": ["0.083"]})))
    assert fraction_cells(html_table(pd.DataFrame({"Anteil": [0.5]})))
    assert not fraction_cells(html_table(pd.DataFrame({"Anteil": ["8,3 %"], "Rang": ["1"]})))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[tuple[str, str], object]:
    """The overview, gap, history, look-through and diff pages (and the index with prices) as
    drawn in both languages."""
    prices = SHARED_PRICES if SHARED_PRICES.is_dir() else None
    d = Dashboard(
        get_settings(home=tmp_path_factory.mktemp("h"), prices_dir=prices), as_of="2026-06-30"
    )
    r = d.gap(samples=10_000, year=2026)
    h = history(d.settings, hi.START, None, "Q", "committed", 20, 0)
    uri = "data:text/csv;base64," + base64.b64encode(HOLDINGS.read_bytes()).decode()
    view = d.index_view() if prices is not None else None
    out: dict[tuple[str, str], object] = {}
    for lang in ("en", "de"):
        out["overview", lang] = overview.layout(d, lang)
        out["gap", lang] = gap._gap_result(r, lang)
        out["history", lang] = hi._render(h, lang)
        out["lookthrough", lang] = lookthrough.render(d, uri, HOLDINGS.name, lang)
        out["diff", lang] = df.render(d, "2025-06-30", "2026-06-30", lang)
        if view is not None:
            out["index", lang] = ix._index_result(d, view, view, lang)
    return out


@pytest.mark.slow  # ~10 s: renders six pages in two languages
def test_no_page_shows_a_share_as_a_fraction(rendered):
    seen = {k[0] for k, tree in rendered.items() if list(_tables(tree))}
    assert {"overview", "gap", "history", "lookthrough", "diff"} <= seen
    for key, tree in rendered.items():
        assert fraction_cells(tree) == [], key


@pytest.mark.skipif(not SHARED_PRICES.is_dir(), reason="../shared/data/prices is absent")
@pytest.mark.slow  # ~8 s: shares the six-page rendering of the fraction scan
def test_the_constituents_ai_share_is_in_percent(rendered):
    (table,) = [x for x in _tables(rendered["index", "de"]) if x[0] == "ix-table"]
    _, head, rows = table
    j = head.index("KI-Umsatzanteil (%)")
    shares = [r[j] for r in rows if r[j] == r[j]]  # NaN: no AI-revenue share stated
    assert shares and max(shares) > 1 and all(0 <= x <= 100 for x in shares)


# --- the build-out page by name ---------------------------------------------------------------


def test_the_buildout_page_names_series_companies_and_measures(bare):
    from aiinfra.charts import ENTITY_NAMES, MEASURE_NAMES
    from aiinfra.web.pages import buildout

    names = bare.buildout_names()
    options = buildout.layout(bare, "de").children[2].options
    assert [o["value"] for o in options] == names
    assert all("_" not in o["label"] for o in options)
    pts = bare.buildout("model_lab_arr")
    pts = pts[pts["date"].notna()]
    table = buildout.series_table(bare, pts, "de")
    led = bare.ledger
    company = dict(zip(led.companies["id"], led.companies["name"], strict=True))
    expected = [
        f"{company.get(e) or ENTITY_NAMES[e]['de']} · {MEASURE_NAMES[m]['de']}"
        for e, m in zip(pts["entity"], pts["measure"], strict=True)
    ]
    assert list(table["Reihe"]) == expected
    assert list(table.columns)[-1] == "Kennung" and list(table["Kennung"]) == list(pts["figure_id"])
    assert list(table["Quelle"]) == [source_text(s) for s in pts["source"]]
    assert not any(".txt" in s and "seed" not in s for s in table["Quelle"])


def test_the_tornado_names_its_bars_as_the_sliders_do(bare):
    r = bare.gap(samples=0, year=2026)
    fig = gap.tornado_chart(r, "de")
    params = list(r.tornado["parameter"])
    assert set(params) & set(PARAMETERS)
    for trace in fig.data:
        assert list(trace.y) == [WEB_LABELS[f"param:{p}"]["de"] for p in params]
