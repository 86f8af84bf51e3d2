"""The dashboard in process: the service, every page's layout, the callbacks over HTTP (Flask's
test client posting what the browser posts), the error banner, jobs and the safety rules."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from typer.testing import CliRunner

pytest.importorskip("dash")
pytest.importorskip("dash_cytoscape")

from aiinfra.app import app as cli_app
from aiinfra.config import get_settings
from aiinfra.exceptions import InvalidParameterError, MissingDataError
from aiinfra.flows import flow_graph
from aiinfra.services.dashboard import Dashboard
from aiinfra.web import PAGES, check_bind, make_server
from aiinfra.web._app import create_app
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages import buildout, flows, gap, overview, sources, stress
from tests.conftest import SHARED_PRICES

needs_prices = pytest.mark.skipif(
    not SHARED_PRICES.is_dir(), reason="../shared/data/prices is absent"
)


@pytest.fixture(scope="module")
def dash_home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def board(dash_home) -> Dashboard:
    if not SHARED_PRICES.is_dir():
        pytest.skip("../shared/data/prices is absent")
    return Dashboard(get_settings(home=dash_home, prices_dir=SHARED_PRICES))


@pytest.fixture(scope="module")
def bare(dash_home) -> Dashboard:
    """No prices at all: the index is unavailable, everything else works."""
    return Dashboard(get_settings(home=dash_home / "empty"), as_of="2026-06-30")


@pytest.fixture(scope="module")
def client(bare):
    return create_app(bare).server.test_client()


def post(client: Any, outputs: list[tuple[str, str]], inputs: list[tuple[str, str, Any]],
         state: list[tuple[str, str, Any]] = ()) -> dict[str, Any]:  # fmt: skip
    """What the browser posts to run a callback; returns the decoded answer."""
    single = len(outputs) == 1
    out = (
        f"{outputs[0][0]}.{outputs[0][1]}"
        if single
        else "".join(f"..{i}.{p}.." for i, p in outputs).replace("....", "...")
    )
    spec = [{"id": i, "property": p} for i, p in outputs]
    payload = {
        "output": out,
        "outputs": spec[0] if single else spec,
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
    }
    r = client.post("/_dash-update-component", json=payload)
    assert r.status_code in (200, 204), r.data[:300]
    return json.loads(r.data) if r.status_code == 200 else {}


# --- the service ------------------------------------------------------------------------------


def test_overview_cards_carry_date_and_source_or_say_why_not(bare):
    cards = bare.overview()
    assert "error" in cards["index"] and "prices" in cards["index"]["error"]
    assert cards["gap"]["year"] == 2026 and cards["gap"]["required"] == pytest.approx(2000)
    assert cards["gap"]["as_of"] == "2026-06-30" and "g067" in cards["gap"]["source"]
    assert 0 <= cards["circularity"]["system"] <= 1 and cards["circularity"]["deals"] > 50
    assert len(cards["buildout"]["rows"]) >= 5
    with pytest.raises(MissingDataError, match="--prices"):
        bare.index_view()


def test_overview_build_out_rows_read_like_the_reports_page_one(bare):
    from aiinfra.web.pages.overview import _buildout_rows

    # the dashboard's date is 2026-06-30: OpenAI's and Anthropic's latest are 2026-05 (33, 45)
    for lang in ("en", "de"):
        rows = _buildout_rows(bare.overview()["buildout"]["rows"], lang)
        names = list(rows.iloc[:, 0])
        assert not any("arr_usd_bn" in n or n.startswith("openai ·") for n in names), names
        openai = rows[rows.iloc[:, 0].str.startswith("OpenAI")]
        assert len(openai) == 1
        cell = openai.iloc[0, 2]
        assert cell.startswith("33") and "2026-05" in cell, cell


def test_flow_view_is_the_library_graph(bare):
    v = bare.flow_view("2024-12-31", "committed")
    g = flow_graph(bare.ledger, "2024-12-31", "committed")
    assert {(e["source"], e["target"]) for e in v["edges"]} == set(g.edges)
    assert v["deals"] == sum(len(d["flow_ids"]) for *_, d in g.edges(data=True))
    later = bare.flow_view("2026-06-30")
    assert later["deals"] > v["deals"]
    c = bare.company("nvidia")
    assert c["payers"] and abs(sum(p["share"] or 0 for p in c["payers"]) - 1) < 1e-9
    with pytest.raises(InvalidParameterError, match="no flow in force"):
        bare.company("no_such_company")


def test_stress_and_its_checks(bare):
    r = bare.stress(["openai"], 0.5, 0.5)
    assert r.companies["loss_usd"].sum() > 0 and r.index["impact"] < 0
    for args, needle in [(([], 0.5, 0.5), "at least one"), ((["openai"], 0, 0.5), "shortfall"),
                         ((["openai"], 0.5, 2), "pass_through")]:  # fmt: skip
        with pytest.raises(InvalidParameterError, match=needle):
            bare.stress(*args)


def test_gap_with_monte_carlo_reports_progress(bare):
    seen: list[float] = []
    r = bare.gap(
        {"gross_margin": 0.6}, samples=20_000, year=2027, progress=lambda x, w: seen.append(x)
    )
    assert r.year == 2027 and r.params.gross_margin == 0.6
    assert r.montecarlo is not None and r.montecarlo.samples == 20_000
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 3
    with pytest.raises(InvalidParameterError):
        bare.gap({"gross_margin": 5})


def test_gap_page_for_a_year_without_a_distribution(bare):
    text = str(gap._gap_result(bare.gap(samples=10_000, year=2023), "en"))
    assert "No Monte Carlo distribution for 2023" in text and "gp-mc" not in text
    text = str(gap._gap_result(bare.gap(samples=10_000, year=2026), "de"))
    assert "gp-mc" in text and "nicht die gezogenen Spannen" in text


def test_sources_cover_every_table_shown(bare):
    s = bare.sources()
    assert {"flow", "figure", "score", "AI revenue", "financials", "gap parameter"} <= set(
        s["what"]
    )
    assert s["source"].str.len().gt(0).all()


@needs_prices
def test_index_view_and_a_variant_differ_where_the_controls_say(board):
    base = board.index_view()
    wide = board.index_view(single_cap=0.2, multipliers={"C2": 3.0})
    # issue 14: the default rules score every review point in time (systematic before the house
    # vintage), and the default view carries the static-score comparison
    assert base.backtest is not None and base.point_in_time
    assert base.comparison is not None and not base.comparison.stats.point_in_time
    assert wide.methodology.weighting.single_cap == pytest.approx(0.2)
    w = wide.review.selection().groupby("category")["weight"].sum()
    b = base.review.selection().groupby("category")["weight"].sum()
    assert w["C2"] > b["C2"]
    assert board.index_view() is base  # cached
    with pytest.raises(InvalidParameterError, match="single_cap"):
        board.methodology(single_cap=2.0)


# --- layouts ----------------------------------------------------------------------------------


def _ids(component: Any) -> set[str]:
    out = set()
    stack = [component]
    while stack:
        c = stack.pop()
        if isinstance(c, list | tuple):
            stack.extend(c)
            continue
        cid = getattr(c, "id", None)
        if isinstance(cid, str):
            out.add(cid)
        children = getattr(c, "children", None)
        if children is not None and not isinstance(children, str):
            stack.append(children)
    return out


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_page_lays_out_in_both_languages(bare, lang):
    builders = {"/": overview.layout, "/flows": flows.layout, "/stress": stress.layout,
                "/gap": gap.layout, "/buildout": buildout.layout, "/sources": sources.layout}  # fmt: skip
    expected = {"/": "ov-gap", "/flows": "fl-map", "/stress": "st-parties", "/gap": "gp-p-gpu_share",
                "/buildout": "bo-series", "/sources": "src-table"}  # fmt: skip
    for path, build in builders.items():
        assert expected[path] in _ids(build(bare, lang)), path
    text = str(gap.layout(bare, lang))
    assert ("Die ROI-Lücke" in text) == (lang == "de")


def test_no_control_takes_a_path_or_free_text(bare):
    """No endpoint reads or writes a path the client names: no text box, no upload anywhere."""
    from dash import dcc

    banned = (dcc.Input, dcc.Textarea, dcc.Upload)
    for build in (overview.layout, flows.layout, stress.layout, gap.layout, buildout.layout,
                  sources.layout):  # fmt: skip
        stack = [build(bare, "en")]
        while stack:
            c = stack.pop()
            if isinstance(c, list | tuple):
                stack.extend(c)
                continue
            assert not isinstance(c, banned), type(c)
            ch = getattr(c, "children", None)
            if ch is not None and not isinstance(ch, str):
                stack.append(ch)


# --- callbacks over HTTP ----------------------------------------------------------------------


def test_routing_and_navigation(client):
    r = post(
        client, [("page", "children")], [("url", "pathname", "/flows"), ("lang", "value", "de")]
    )
    text = json.dumps(r, ensure_ascii=False)
    assert "Die Kapitalflusskarte" in text and "fl-map" in text
    r = post(
        client, [("page", "children")], [("url", "pathname", "/nope"), ("lang", "value", "en")]
    )
    assert "No such page" in json.dumps(r)
    r = post(client, [("nav", "children")], [("url", "pathname", "/gap"), ("lang", "value", "en")])
    links = r["response"]["nav"]["children"]
    assert [x["props"]["href"] for x in links] == list(PAGES)


def test_a_callback_error_shows_in_the_banner_and_the_server_keeps_serving(client):
    outs = [("st-result", "children")]
    state = [("lang", "value", "en")]
    bad = post(client, outs, [("st-parties", "value", []), ("st-shortfall", "value", 0.5),
                              ("st-pass", "value", 0.5)], state)  # fmt: skip
    assert bad["sideUpdate"]["error-banner"] == {"hidden": False}
    assert "choose at least one company" in bad["sideUpdate"]["error-text"]["children"]
    assert bad["response"] == {}  # the result keeps what it showed
    # a malformed value from the client is an input error too, named with its rule
    odd = post(client, outs, [("st-parties", "value", ["openai"]), ("st-shortfall", "value", "x"),
                              ("st-pass", "value", 0.5)], state)  # fmt: skip
    assert odd["sideUpdate"]["error-text"]["children"] == (
        "`shortfall` must be a number in [0.05, 1]; got 'x'"
    )
    good = post(client, outs, [("st-parties", "value", ["openai"]), ("st-shortfall", "value", 0.5),
                               ("st-pass", "value", 0.5)], state)  # fmt: skip
    assert "sideUpdate" not in good and "st-risk" in json.dumps(good)


def test_the_asof_slider_callback_drops_later_deals(client, bare):
    dates = [str(d.date()) for d in flows._quarter_ends(bare)]
    k = dates.index("2024-12-31")
    outs = [("fl-map", "elements"), ("fl-map", "stylesheet"), ("fl-summary", "children"),
            ("fl-cycle", "options")]  # fmt: skip
    layers = sorted({n["layer"] for n in bare.flow_view()["nodes"]})

    def edges_at(i: int) -> set[tuple[str, str]]:
        r = post(client, outs, [("fl-asof", "value", i), ("fl-basis", "value", "committed"),
                                ("fl-layers", "value", layers), ("fl-cycle", "value", None),
                                ("fl-search", "value", None)],
                 [("lang", "value", "en")])  # fmt: skip
        els = r["response"]["fl-map"]["elements"]
        return {(e["data"]["source"], e["data"]["target"]) for e in els if "source" in e["data"]}

    r = post(client, outs, [("fl-asof", "value", len(dates) - 1), ("fl-basis", "value", "committed"),
                            ("fl-layers", "value", layers), ("fl-cycle", "value", None),
                            ("fl-search", "value", None)],
             [("lang", "value", "en")])  # fmt: skip
    classes = {e["data"]["id"]: e["classes"] for e in r["response"]["fl-map"]["elements"]}
    assert classes["nvidia->coreweave"] == "mixed"  # compute and equity deals on one edge
    now, then = edges_at(len(dates) - 1), edges_at(k)
    assert then == set(flow_graph(bare.ledger, "2024-12-31").edges) and then < now
    ids_2025 = set(bare.ledger.flows.loc[bare.ledger.flows["announced"] >= "2025", "id"])
    for _, _, d in flow_graph(bare.ledger, "2024-12-31").edges(data=True):
        assert not set(d["flow_ids"]) & ids_2025


def test_clicking_a_node_fills_the_panel(client, bare):
    dates = [str(d.date()) for d in flows._quarter_ends(bare)]
    # a click chooses the company in the search box; the panel shows the company chosen
    r = post(client, [("fl-search", "value")], [("fl-map", "tapNodeData", {"id": "nvidia"})])
    assert r["response"]["fl-search"]["value"] == "nvidia"
    r = post(client, [("fl-panel", "children")],
             [("fl-search", "value", "nvidia"), ("fl-asof", "value", len(dates) - 1),
              ("fl-basis", "value", "committed")], [("lang", "value", "en")])  # fmt: skip
    text = json.dumps(r)
    assert "NVIDIA" in text and "Self-funded share" in text and "Oracle" in text


def test_jobs_report_progress_results_and_errors():
    jobs = Jobs(workers=1)
    gate = threading.Event()

    def slow(progress):
        progress(0.4, "half")
        gate.wait(5)
        return 42

    jid = jobs.submit(slow)
    for _ in range(100):
        st = jobs.poll(jid)
        if st.get("done") == 0.4:
            break
        time.sleep(0.01)
    assert st == {"state": "running", "done": 0.4, "what": "half"}
    gate.set()
    for _ in range(200):
        st = jobs.poll(jid)
        if st["state"] != "running":
            break
        time.sleep(0.01)
    assert st == {"state": "done", "result": 42}

    def bad(progress):
        raise InvalidParameterError("`x` is wrong")

    jid = jobs.submit(bad)
    for _ in range(200):
        st = jobs.poll(jid)
        if st["state"] != "running":
            break
        time.sleep(0.01)
    assert st == {"state": "error", "error": "`x` is wrong"}
    assert jobs.poll("job999")["state"] == "error"
    # an answer can be fetched again (a browser may drop a late answer and poll once more)
    jid = jobs.submit(lambda progress: "again")
    for _ in range(200):
        if jobs.poll(jid)["state"] != "running":
            break
        time.sleep(0.01)
    assert jobs.poll(jid) == jobs.poll(jid) == {"state": "done", "result": "again"}
    # a superseded job is dropped: cancelled when it has not started
    block = threading.Event()
    busy = jobs.submit(lambda progress: block.wait(5))
    waiting = jobs.submit(lambda progress: "never")
    jobs.cancel(waiting)
    assert jobs.poll(waiting)["state"] == "error"
    block.set()
    jobs.cancel(busy)
    jobs.close()


# --- serving ----------------------------------------------------------------------------------


def test_bind_checks_and_the_default_is_loopback(bare):
    with pytest.raises(InvalidParameterError, match="`--host`"):
        check_bind("example.org", 8050)
    with pytest.raises(InvalidParameterError, match="`--port`"):
        check_bind("127.0.0.1", 70000)
    server = make_server(create_app(bare), port=0)
    try:
        assert server.effective_host == "127.0.0.1" and int(server.effective_port) > 0
        with pytest.raises(InvalidParameterError, match="cannot listen"):
            make_server(create_app(bare), port=int(server.effective_port))
    finally:
        server.close()
    local = make_server(create_app(bare), host="localhost", port=0)
    try:
        assert local.effective_host == "127.0.0.1"  # one IPv4 socket, whatever /etc/hosts says
    finally:
        local.close()


def test_cli_serve_rejects_a_bad_host_without_a_traceback(tmp_path):
    r = CliRunner().invoke(cli_app, ["--home", str(tmp_path), "serve", "--host", "not a host"])
    assert r.exit_code == 2 and "`--host` must be an IP address" in r.output
    assert "Traceback" not in r.output
