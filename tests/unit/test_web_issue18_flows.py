"""The flow map and the stress page in process (issue 18): the panel follows the as-of slider,
the slider's date, the company search, the cycle colour, names instead of ids and slugs, German
decimals, the shocked parties apart and never "-0.0 %". Callbacks are posted as the browser posts
them (Flask's test client); the figures are compared with the dashboard service's."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

pytest.importorskip("dash")
pytest.importorskip("dash_cytoscape")

from aiinfra.charts import number
from aiinfra.config import get_settings
from aiinfra.flows import FLOW_LAYERS
from aiinfra.services.dashboard import Dashboard
from aiinfra.web._app import create_app
from aiinfra.web._i18n import t
from aiinfra.web.pages import flows, stress
from aiinfra.web.pages._common import num, pct

AS_OF = "2026-06-30"
EARLIER = "2024-06-30"


@pytest.fixture(scope="module")
def board(tmp_path_factory) -> Dashboard:
    return Dashboard(get_settings(home=tmp_path_factory.mktemp("home")), as_of=AS_OF)


@pytest.fixture(scope="module")
def client(board):
    return create_app(board).server.test_client()


@pytest.fixture(scope="module")
def dates(board) -> list[str]:
    return [str(e.date()) for e in flows._quarter_ends(board)]


def post(client: Any, outputs: list[tuple[str, str]], inputs: list[tuple[str, str, Any]],
         state: list[tuple[str, str, Any]] = ()) -> dict[str, Any]:  # fmt: skip
    """What the browser posts to run a callback; the decoded answer."""
    single = len(outputs) == 1
    out = (
        f"{outputs[0][0]}.{outputs[0][1]}"
        if single
        else "".join(f"..{i}.{p}.." for i, p in outputs).replace("....", "...")
    )
    spec = [{"id": i, "property": p} for i, p in outputs]
    r = client.post(
        "/_dash-update-component",
        json={
            "output": out,
            "outputs": spec[0] if single else spec,
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
        },
    )
    assert r.status_code == 200, r.data[:300]
    return json.loads(r.data)


def find(component: Any, cid: str) -> Any:
    """The component ``cid`` in a layout (a dash component or its JSON form)."""
    stack = [component]
    while stack:
        c = stack.pop()
        if isinstance(c, list | tuple):
            stack.extend(c)
            continue
        if isinstance(c, dict):  # JSON from a callback answer
            props = c.get("props", {})
            if props.get("id") == cid:
                return c
            stack.append(props.get("children"))
            continue
        if getattr(c, "id", None) == cid:
            return c
        ch = getattr(c, "children", None)
        if ch is not None and not isinstance(ch, str):
            stack.append(ch)
    return None


def rows(table: Any) -> list[list[str]]:
    """The body cells of an html table (component or JSON)."""
    if isinstance(table, dict):
        body = table["props"]["children"][1]["props"]["children"]
        return [[td["props"]["children"] for td in tr["props"]["children"]] for tr in body]
    body = table.children[1].children
    return [[td.children for td in tr.children] for tr in body]


def panel(client: Any, node: str | None, i: int, lang: str = "en") -> Any:
    r = post(client, [("fl-panel", "children")],
             [("fl-search", "value", node), ("fl-asof", "value", i),
              ("fl-basis", "value", "committed")], [("lang", "value", lang)])  # fmt: skip
    return r["response"]["fl-panel"]["children"]


# --- the panel follows the slider; the slider's date --------------------------------------------


def test_the_panel_shows_the_company_on_the_sliders_date(client, board, dates):
    now, then = (
        panel(client, "nvidia", dates.index(AS_OF)),
        panel(client, "nvidia", dates.index(EARLIER)),
    )
    for shown, day in ((now, AS_OF), (then, EARLIER)):
        c = board.company("nvidia", day)
        totals = find(shown, "fl-panel-totals")["props"]
        assert float(totals["data-in"]) == c["in_strength"]
        assert float(totals["data-out"]) == c["out_strength"]
        assert find(shown, "fl-panel-asof")["props"]["data-asof"] == day
        payers = rows(find(shown, "fl-payers"))
        assert [r[0] for r in payers] == [p["name"] for p in c["payers"]]
        assert [r[1] for r in payers] == [num(p["amount"], "en") for p in c["payers"]]
    assert float(find(now, "fl-panel-totals")["props"]["data-in"]) != float(
        find(then, "fl-panel-totals")["props"]["data-in"]
    )


def test_a_company_without_a_deal_on_the_date_says_so_and_an_unknown_id_is_an_error(client, dates):
    first = panel(client, "nvidia", 0, "de")
    assert find(first, "fl-panel-none")["props"]["children"] == t("not_in_force", "de").format(
        name="NVIDIA", date=dates[0]
    )
    r = client.post(
        "/_dash-update-component",
        json={
            "output": "fl-panel.children",
            "outputs": {"id": "fl-panel", "property": "children"},
            "inputs": [{"id": "fl-search", "property": "value", "value": "../x"},
                       {"id": "fl-asof", "property": "value", "value": 0},
                       {"id": "fl-basis", "property": "value", "value": "committed"}],
            "state": [{"id": "lang", "property": "value", "value": "en"}],
            "changedPropIds": ["fl-search.value"],
        },
    )  # fmt: skip
    banner = json.loads(r.data)["sideUpdate"]["error-text"]["children"]
    assert banner == f"`company` '../x' has no flow in force on {dates[0]}"
    assert panel(client, None, 0) == t("click_node", "en")


def test_the_slider_label_shows_the_quarter_end_of_its_position(client, board, dates):
    assert find(flows.layout(board, "en"), "fl-asof-date").children == AS_OF == dates[-1]
    for i in (0, dates.index(EARLIER)):
        r = post(client, [("fl-asof-date", "children")], [("fl-asof", "value", i)])
        assert r["response"]["fl-asof-date"]["children"] == dates[i]
    slider = find(flows.layout(board, "en"), "fl-asof")
    assert slider.allow_direct_input is False  # no box showing a bare position number


@pytest.mark.parametrize("as_of", ["2026-06-30", "2026-01-15", "2025-12-31"])
def test_the_slider_marks_years_and_the_last_date_without_overlap(as_of, tmp_path):
    d = Dashboard(get_settings(home=tmp_path), as_of=as_of)
    ends = flows._quarter_ends(d)
    marks = find(flows.layout(d, "en"), "fl-asof").marks
    last = len(ends) - 1
    assert marks[last] == as_of
    years = {i: m for i, m in marks.items() if i != last}
    assert years and all(m == str(ends[i].year) and ends[i].month == 12 for i, m in years.items())
    assert all(last - i >= 2 for i in years)  # no year mark runs into the date's
    assert "2020" in marks.values()


# --- search, cycle colour, names ------------------------------------------------------------------


def test_the_search_offers_every_company_on_the_map_by_name(board):
    options = find(flows.layout(board, "en"), "fl-search").options
    by_id = {o["value"]: o["label"] for o in options}
    for n in board.flow_view(AS_OF)["nodes"]:
        assert by_id[n["id"]] == n["name"]
    labels = [o["label"] for o in options]
    assert labels == sorted(labels, key=str.lower)


def _draw(client: Any, i: int, chosen: str | None, cycle: str | None = None,
          lang: str = "en") -> dict[str, Any]:  # fmt: skip
    layers = sorted(flows.LAYER_COLORS)
    r = post(client, [("fl-map", "elements"), ("fl-map", "stylesheet"), ("fl-summary", "children"),
                      ("fl-cycle", "options")],
             [("fl-asof", "value", i), ("fl-basis", "value", "committed"),
              ("fl-layers", "value", layers), ("fl-cycle", "value", cycle),
              ("fl-search", "value", chosen)], [("lang", "value", lang)])  # fmt: skip
    return r["response"]


def test_a_click_chooses_the_company_and_the_map_marks_it(client, board, dates):
    r = post(client, [("fl-search", "value")], [("fl-map", "tapNodeData", {"id": "coreweave"})])
    assert r["response"]["fl-search"]["value"] == "coreweave"
    out = _draw(client, len(dates) - 1, "coreweave")
    marked = [e["data"]["id"] for e in out["fl-map"]["elements"] if "sel" in e["classes"].split()]
    assert marked == ["coreweave"]
    names = {n["id"]: n["name"] for n in board.flow_view(AS_OF)["nodes"]}
    for e in out["fl-map"]["elements"]:
        d = e["data"]
        if "source" in d:  # an edge: the deal as payer → payee, by name
            assert d["deal"] == f"{names[d['source']]} → {names[d['target']]}"
        else:  # a node: labelled by name
            assert d["label"] == names[d["id"]]


def _edge(client: Any, data: Any, i: int, lang: str = "en") -> Any:
    r = post(client, [("fl-edge", "children")],
             [("fl-map", "tapEdgeData", data), ("fl-asof", "value", i),
              ("fl-basis", "value", "committed")], [("lang", "value", lang)])  # fmt: skip
    return r.get("response", {}).get("fl-edge", {}).get("children"), r


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_clicked_edge_reads_payer_to_payee_with_its_deals(client, board, dates, lang):
    g = board.flow_graph(AS_OF)
    e = g.edges["nvidia", "coreweave"]
    shown, _ = _edge(client, {"id": "nvidia->coreweave", "source": "nvidia",
                              "target": "coreweave"}, dates.index(AS_OF), lang)  # fmt: skip
    text = shown["props"]["children"]
    assert text == t("edge_deals", lang).format(
        deal="NVIDIA → CoreWeave",
        n=len(e["flow_ids"]),
        date=AS_OF,
        layers=", ".join(flows.flow_layer_name(x, lang) for x in sorted(set(e["flow_layers"]))),
        amount=num(e["amount"], lang),
        basis=t("net_basis_committed", lang),
    )
    assert len(e["flow_ids"]) >= 2 and "_" not in text  # names, not slugs
    # on a date before the deals, the pair says so; a malformed edge is an input error
    shown, _ = _edge(client, {"source": "nvidia", "target": "coreweave"}, 0, lang)
    assert shown["props"]["children"] == t("edge_none", lang).format(
        deal="NVIDIA → CoreWeave", date=dates[0]
    )
    _, r = _edge(client, {"source": 1, "target": "x"}, 0, lang)
    assert r["sideUpdate"]["error-text"]["children"].startswith("`deal` must be a map edge")


def test_the_cycle_highlight_has_a_colour_no_layer_has(client, board, dates):
    layer_colours = {
        c.lower() for c in (*flows.FLOW_LAYER_COLORS.values(), *flows.LAYER_COLORS.values())
    }
    assert flows.CYCLE_COLOR.lower() not in layer_colours
    cycle = board.flow_view(AS_OF)["cycles"][0]
    out = _draw(client, len(dates) - 1, None, "→".join(cycle["nodes"]))
    sheet = {s["selector"]: s["style"] for s in out["fl-map"]["stylesheet"]}
    assert sheet[".hl"]["line-color"] == sheet[".hl"]["border-color"] == flows.CYCLE_COLOR
    hl = {e["data"]["id"] for e in out["fl-map"]["elements"] if "hl" in e["classes"].split()}
    ring = [*cycle["nodes"], cycle["nodes"][0]]
    assert hl == set(cycle["nodes"]) | {f"{a}->{b}" for a, b in itertools.pairwise(ring)}
    # the cycle's option reads by name, with the bottleneck in the reader's decimals
    opts = out["fl-cycle"]["options"]
    assert opts[0]["label"] == " → ".join(cycle["names"]) + f" ({num(cycle['bottleneck'], 'en')})"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_layer_has_a_readable_name(board, lang):
    slugs = set(board.ledger.companies["layer"]) | set(flows.LAYER_COLORS)
    for slug in slugs:
        name = flows.layer_name(slug, lang)
        assert name != slug and "_" not in name, slug
    for slug in (*FLOW_LAYERS, "mixed"):
        assert flows.flow_layer_name(slug, lang) != slug
    assert flows.layer_name("model_lab", lang) == {"en": "Model lab", "de": "KI-Labor"}[lang]
    checklist = find(flows.layout(board, lang), "fl-layers").options
    shown = [o["label"].children for o in checklist]
    assert shown == [flows.layer_name(o["value"], lang) for o in checklist] == sorted(shown)
    basis = find(flows.layout(board, lang), "fl-basis").options
    assert [o["value"] for o in basis] == ["committed", "ceiling", "funded", "annualised"]
    assert basis[0]["label"] == {"en": "committed", "de": "zugesagt"}[lang]


def test_the_german_summary_and_panel_write_german_decimals(client, board, dates):
    out = _draw(client, len(dates) - 1, None, lang="de")
    v = board.flow_view(AS_OF)
    text = out["fl-summary"]["children"]["props"]["children"]
    assert f"Kreislaufindex {number(v['system_cycling_index'], 'de', 3)}" in text
    shown = panel(client, "nvidia", len(dates) - 1, "de")
    c = board.company("nvidia", AS_OF)
    totals = find(shown, "fl-panel-totals")["props"]["children"]
    assert totals == (f"Zufluss {number(c['in_strength'], 'de', 1)} · "
                      f"Abfluss {number(c['out_strength'], 'de', 1)} (Mrd. USD)")  # fmt: skip
    assert find(shown, "fl-panel-asof")["props"]["children"].startswith("Chipdesigner · Stand ")


# --- the stress page --------------------------------------------------------------------------


def test_pct_never_writes_minus_zero():
    assert stress._pct(-0.00004, "en") == "0.0 %"
    assert stress._pct(-0.00004, "de") == "0,0 %"
    assert stress._pct(-0.0000004, "en", 2) == "0.00 %"
    assert stress._pct(-0.0006, "de") == "-0,1 %"  # not zero once rounded: the sign stays
    assert stress._pct(float("nan"), "en") == "–"


@pytest.mark.parametrize("parties", [["openai"], ["openai", "oracle", "microsoft"]])
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_shocked_parties_are_apart_and_no_cell_is_minus_zero(board, parties, lang):
    r = board.stress(parties, 0.5, 0.5)
    out = stress._result(r, lang)
    hit = rows(find(out, "st-table"))
    own = rows(find(out, "st-shocked"))
    comp = r.companies
    shocked = comp[comp["shocked"].astype(bool)]
    want_hit = comp[~comp["shocked"].astype(bool) & (comp["loss_usd"] > 0)]
    want_hit = want_hit.sort_values("loss_usd", ascending=False).head(40)
    assert [row[0] for row in hit] == list(want_hit["name"])
    assert sorted(row[0] for row in own) == sorted(shocked["name"])
    assert not {row[0] for row in hit} & set(shocked["name"])
    # the layer by name, the losses in the reader's decimals
    assert [row[1] for row in hit] == [flows.layer_name(x, lang) for x in want_hit["layer"]]
    assert [row[2] for row in hit] == [number(x, lang, 2) for x in want_hit["loss_usd"]]
    assert {row[1] for row in own} == {pct(0.5, lang)}
    cells = [c for row in hit + own for c in row]
    assert not any(str(c).startswith(("-0.0 ", "-0,0 ")) for c in cells), cells
    # the charts: German separators, hover labels formatted as the tables
    risk = find(out, "st-risk").figure
    assert risk.layout.separators == (",." if lang == "de" else ".,")
    assert risk.layout.yaxis.ticksuffix == " %"
    assert all(not x.startswith("-0") for x in risk.data[0].customdata)
    assert set(risk.data[0].x) <= set(want_hit["name"])
    index = find(out, "st-index").figure
    assert list(index.data[0].customdata) == [
        stress._pct(v, lang, 2) for v in r.index["by_category"].values()
    ]
    assert not any(
        x.startswith("-0" + ("," if lang == "de" else ".") + "00") for x in index.data[0].customdata
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_stress_sliders_show_percent_and_no_input_box(board, lang):
    for sid in ("st-shortfall", "st-pass"):
        slider = find(stress.layout(board, lang), sid)
        assert slider.allow_direct_input is False
        assert slider.tooltip["always_visible"] is True
        assert slider.tooltip["transform"] == "aiinfraPct" + lang.capitalize()
