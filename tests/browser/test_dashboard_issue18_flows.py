"""The flow map and the stress page as an analyst reads them (issue 18), in the real dashboard
(`aiinfra serve --as-of 2026-06-30` on 127.0.0.1, port 0, no prices) driven by a real headless
Chromium: the company panel follows the as-of slider, the slider shows its date, a company is
found by name, a highlighted cycle has its own colour, layers and parties are named, and the
German pages write German decimals. What is shown is checked against the dashboard service
(:class:`aiinfra.services.dashboard.Dashboard`) computed here on the same date.
"""

from __future__ import annotations

import itertools
import re

import pytest

from aiinfra.charts import number
from aiinfra.config import get_settings
from aiinfra.services.dashboard import Dashboard
from aiinfra.web._i18n import t
from aiinfra.web.pages import flows
from aiinfra.web.pages._common import num, pct
from aiinfra.web.pages.flows import CYCLE_COLOR, FLOW_LAYER_COLORS, LAYER_COLORS
from tests.browser._dashboard import TIMEOUT, click_map_node, require_browser, serve_dashboard

pytestmark = [pytest.mark.browser]
AS_OF = "2026-06-30"
#: the company clicked, and the earlier quarter end the slider is moved to
COMPANY = "nvidia"
EARLIER = "2024-06-30"
CY = "document.getElementById('fl-map')._cyreg.cy"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    with serve_dashboard(tmp_path_factory.mktemp("home"), None, "--as-of", AS_OF) as srv:
        yield srv.url
    text = srv.log.read_text()
    assert "Traceback" not in text, text[:3000]


@pytest.fixture(scope="module")
def board(tmp_path_factory) -> Dashboard:
    """The service on the server's date (no prices, as the server)."""
    return Dashboard(get_settings(home=tmp_path_factory.mktemp("svc")), as_of=AS_OF)


def _rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r},{g},{b})"


def move_slider(page, position: int) -> None:
    """The as-of slider to ``position`` with the keyboard (Home, then one step right each)."""
    thumb = page.locator("#fl-asof [role=slider]").first
    thumb.focus()
    page.keyboard.press("Home")
    for _ in range(position):
        page.keyboard.press("ArrowRight")


def panel_for(page, day: str) -> None:
    page.wait_for_function(
        "(d) => { const e = document.querySelector('#fl-panel-asof, #fl-panel-none');"
        " return e && e.dataset.asof === d; }",
        arg=day,
        timeout=TIMEOUT,
    )


def table_column(page, selector: str, col: int = 0) -> list[str]:
    return page.evaluate(
        "([sel, c]) => [...document.querySelectorAll(sel + ' tbody tr')]"
        ".map(r => r.cells[c].textContent)",
        [selector, col],
    )


@pytest.mark.slow  # ~16 s; tests/unit/test_web_issue18_flows.py checks the panel on two dates
def test_the_company_panel_follows_the_asof_slider_and_the_slider_shows_its_date(
    page, server, board
):
    dates = [str(e.date()) for e in flows._quarter_ends(board)]
    page.goto(server + "/flows")
    page.wait_for_selector("#fl-summary-text", timeout=TIMEOUT)
    assert page.inner_text("#fl-asof-date") == AS_OF == dates[-1]
    click_map_node(page, COMPANY)
    panel_for(page, AS_OF)
    now = board.company(COMPANY, AS_OF)
    assert float(page.get_attribute("#fl-panel-totals", "data-in")) == now["in_strength"]
    # the click chose the company in the search box too (by name)
    assert page.inner_text("#fl-search").strip() == now["name"]

    move_slider(page, dates.index(EARLIER))
    panel_for(page, EARLIER)  # the panel moved with the slider, without a new click
    assert page.inner_text("#fl-asof-date") == EARLIER
    then = board.company(COMPANY, EARLIER)
    assert then["in_strength"] != now["in_strength"]  # the date changes the figures
    shown_in = float(page.get_attribute("#fl-panel-totals", "data-in"))
    shown_out = float(page.get_attribute("#fl-panel-totals", "data-out"))
    assert (shown_in, shown_out) == (then["in_strength"], then["out_strength"])
    totals = page.inner_text("#fl-panel-totals")
    assert number(then["in_strength"], "en", 1) in totals
    assert table_column(page, "#fl-payers") == [p["name"] for p in then["payers"]]
    assert table_column(page, "#fl-payers", 1) == [num(p["amount"], "en") for p in then["payers"]]
    # the map and the summary show that date too
    assert page.get_attribute("#fl-summary-text", "data-asof") == EARLIER

    move_slider(page, 0)  # 2019-03-31: no deal in force yet
    panel_for(page, dates[0])
    assert page.inner_text("#fl-asof-date") == dates[0]
    assert page.inner_text("#fl-panel-none") == t("not_in_force", "en").format(
        name=now["name"], date=dates[0]
    )
    assert page.is_hidden("#error-banner")
    assert page.errors == [], page.errors


def test_a_company_found_by_name_is_marked_on_the_map_and_opens_its_panel(page, server, board):
    page.goto(server + "/flows")
    page.wait_for_selector("#fl-summary-text", timeout=TIMEOUT)
    page.click("#fl-search")  # with a company chosen, the focus is on its option: fill the box
    page.locator(".dash-dropdown-search:visible").fill("corew")
    page.locator(".dash-dropdown-option", has_text=re.compile(r"^\s*CoreWeave\s*$")).click()
    page.wait_for_function(
        "document.querySelector('#fl-panel-name') && "
        "document.querySelector('#fl-panel-name').textContent === 'CoreWeave'",
        timeout=TIMEOUT,
    )
    c = board.company("coreweave", AS_OF)
    assert table_column(page, "#fl-payees") == [p["name"] for p in c["payees"]]
    page.wait_for_function(f"{CY}.$('#coreweave').hasClass('sel')", timeout=TIMEOUT)
    assert page.evaluate(f"{CY}.$('.sel').map(n => n.id())") == ["coreweave"]
    assert page.evaluate(f"{CY}.$('#coreweave').style('border-color')") == _rgb(CYCLE_COLOR)
    # an edge clicked: its deals as "payer → payee", by name
    click_edge(page, "nvidia->coreweave")
    assert page.inner_text("#fl-edge-text").startswith("NVIDIA → CoreWeave: ")
    n = len(board.flow_graph(AS_OF).edges["nvidia", "coreweave"]["flow_ids"])
    assert f": {n} deal(s) in force on {AS_OF}" in page.inner_text("#fl-edge-text")
    assert page.errors == [], page.errors


def click_edge(page, edge: str, attempts: int = 5) -> None:
    """Click the middle of edge ``edge`` once the map has stopped moving, until the line under
    the map names it."""
    where = (
        f"(() => {{ const p = {CY}.getElementById({edge!r}).renderedMidpoint();"
        " return [Math.round(p.x), Math.round(p.y)]; })()"
    )
    page.wait_for_function(f"{CY}.getElementById({edge!r}).length === 1", timeout=TIMEOUT)
    box = page.locator("#fl-map").bounding_box()
    for _attempt in range(attempts):
        pos = page.evaluate(where)
        page.wait_for_timeout(700)
        if page.evaluate(where) != pos:
            continue
        page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])
        try:
            page.wait_for_function(
                "(e) => { const x = document.querySelector('#fl-edge-text');"
                " return x && x.dataset.deal === e; }",
                arg=edge,
                timeout=10_000,
            )
            return
        except Exception:  # redrawn under the click, or another edge on top: again
            continue
    raise AssertionError(f"could not click the edge {edge}")


def test_a_highlighted_cycle_has_a_colour_no_layer_has(page, server, board):
    assert CYCLE_COLOR not in {*FLOW_LAYER_COLORS.values(), *LAYER_COLORS.values()}
    cycle = board.flow_view(AS_OF)["cycles"][0]
    page.goto(server + "/flows")
    page.wait_for_selector("#fl-summary-text", timeout=TIMEOUT)
    page.click("#fl-cycle")
    page.locator(".dash-dropdown-option").first.click()
    ring = [*cycle["nodes"], cycle["nodes"][0]]
    want = sorted(f"{a}->{b}" for a, b in itertools.pairwise(ring))
    page.wait_for_function(f"{CY}.edges('.hl').length === {len(want)}", timeout=TIMEOUT)
    assert sorted(page.evaluate(f"{CY}.edges('.hl').map(e => e.id())")) == want
    colours = page.evaluate(f"{CY}.edges('.hl').map(e => e.style('line-color'))")
    assert set(colours) == {_rgb(CYCLE_COLOR)}
    # a credit edge that is not on the cycle keeps the credit colour
    credit = page.evaluate(f"{CY}.edges('.credit').not('.hl').map(e => e.style('line-color'))")
    assert credit and set(credit) == {_rgb(FLOW_LAYER_COLORS["credit"])}
    # the cycle's nodes are named by name in the dropdown
    assert " → ".join(cycle["names"]) in page.inner_text("#fl-cycle")
    assert page.errors == [], page.errors


def _switch_to_german(page) -> None:
    page.click("#lang input[value=de]")
    page.wait_for_function(
        "document.querySelector('#nav-overview').textContent === 'Überblick'", timeout=TIMEOUT
    )


def test_the_german_flow_map_names_layers_and_writes_german_decimals(page, server, board):
    page.goto(server + "/flows")
    _switch_to_german(page)
    page.wait_for_function(
        "document.querySelector('#fl-summary-text') && "
        "document.querySelector('#fl-summary-text').textContent.includes('laufende Deals')",
        timeout=TIMEOUT,
    )
    v = board.flow_view(AS_OF)
    assert number(v["system_cycling_index"], "de", 3) in page.inner_text("#fl-summary-text")
    layers = page.evaluate(
        "[...document.querySelectorAll('#fl-layers label')].map(l => l.textContent.trim())"
    )
    # every layer on the map, by its German name, in the order of those names
    assert layers == sorted({flows.layer_name(n["layer"], "de") for n in v["nodes"]})
    assert page.inner_text("#fl-basis").strip() == "zugesagt"  # the amount basis, in German
    assert "KI-Labor" in layers and "model_lab" not in layers
    legend = page.inner_text("#fl-legend")
    assert "Eigenkapital (grün)" in legend and "schwarz" in legend and "equity" not in legend
    click_map_node(page, COMPANY)
    c = board.company(COMPANY, AS_OF)
    panel_for(page, AS_OF)
    assert page.inner_text("#fl-panel-asof").startswith("Chipdesigner · Stand")
    totals = page.inner_text("#fl-panel-totals")
    assert f"Zufluss {number(c['in_strength'], 'de', 1)}" in totals and "Mrd. USD" in totals
    assert table_column(page, "#fl-payers", 1)[0] == number(c["payers"][0]["amount"], "de", 1)
    assert page.errors == [], page.errors


def test_the_stress_page_sets_the_shocked_party_apart_in_german_decimals(page, server, board):
    page.goto(server + "/stress")
    page.wait_for_selector("#st-table", timeout=TIMEOUT)
    tip = page.locator("#st-shortfall .dash-slider-tooltip").first
    assert tip.inner_text().strip() == "50 %"  # the fraction 0.5, shown in percent
    r = board.stress(["openai"], 0.5, 0.5)
    comp = r.companies
    hit = comp[~comp["shocked"].astype(bool) & (comp["loss_usd"] > 0)]
    hit = hit.sort_values("loss_usd", ascending=False)
    assert table_column(page, "#st-table") == list(hit["name"].head(40))
    assert "OpenAI" not in table_column(page, "#st-table")  # the shocked party: apart
    assert table_column(page, "#st-shocked") == ["OpenAI"]
    _switch_to_german(page)
    page.wait_for_function(
        "document.querySelector('#st-table') && "
        "document.querySelector('#st-table').textContent.includes('Verlust')",
        timeout=TIMEOUT,
    )
    text = page.inner_text("main")
    assert "-0,0 %" not in text and "-0.0 %" not in text
    losses = table_column(page, "#st-table", 2)
    assert losses[:5] == [number(x, "de", 2) for x in hit["loss_usd"].head(5)]
    assert table_column(page, "#st-table", 1)[0] == flows.layer_name(hit["layer"].iloc[0], "de")
    own = page.evaluate(
        "[...document.querySelectorAll('#st-shocked tbody td')].map(c => c.textContent)"
    )
    party = comp[comp["shocked"].astype(bool)].iloc[0]
    assert own == ["OpenAI", pct(0.5, "de"), num(party["loss_usd"], "de", 2),
                   pct(party["share_of_revenue"], "de")]  # fmt: skip
    # the charts use German separators: the axis ticks and the hover labels
    ticks = page.evaluate(
        "[...document.querySelectorAll('#st-index .ytick text')].map(t => t.textContent)"
    )
    assert any("," in x for x in ticks) and not any("." in x for x in ticks), ticks
    hover = page.evaluate(
        "document.querySelector('#st-risk .js-plotly-plot').data[0].customdata[0]"
    )
    first = hit[hit["share_of_revenue"].notna()].iloc[0]["share_of_revenue"]
    assert hover == number(100 * first, "de", 1) + " %"
    assert page.errors == [], page.errors
