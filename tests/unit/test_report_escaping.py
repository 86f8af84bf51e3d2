"""Ledger text in the report's charts is data: escaped before plotly sees it (issue 12).

Plotly renders a subset of HTML in trace names, hover texts, labels, titles and tick labels;
a ledger row's ``<img src=x onerror=…>`` must reach every one of them as ``&lt;img …&gt;``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

import pandas as pd
import pytest

from aiinfra.buildout import buildout_series
from aiinfra.charts import buildout_figure, esc, levels_figure, treemap_figure
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from aiinfra.services.report import build_report
from tests._report_payloads import ALERT, PAYLOADS, write_payload_overlay
from tests.index_fixtures import make_universe

ESCAPED_ALERT = "&lt;img src=x onerror=alert(1)&gt;"


def _strings(obj: Any) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in _strings(v)]
    if isinstance(obj, list | tuple):
        return [s for v in obj for s in _strings(v)]
    return []


def _figures(page: str) -> list[tuple[list[Any], dict[str, Any]]]:
    """(data, layout) of every ``Plotly.newPlot`` call of a report, decoded from its JSON."""
    body = page.split("</head>", 1)[1]
    dec = json.JSONDecoder()
    out = []
    for m in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', body):
        data, end = dec.raw_decode(body, m.end())
        layout, _ = dec.raw_decode(body[end:].lstrip().removeprefix(",").lstrip())
        out.append((data, layout))
    return out


def _trace_texts(fig: Any) -> list[str]:
    out: list[str] = []
    for tr in fig.data:
        for attr in ("text", "hovertext", "name", "labels"):
            v = getattr(tr, attr, None)
            out.extend(_strings(list(v) if isinstance(v, tuple) else v))
    return out


def test_esc_leaves_only_entities_plotly_decodes():
    assert esc(ALERT) == ESCAPED_ALERT
    assert esc("AT&T <b>") == "AT&amp;T &lt;b&gt;"
    assert esc('say "hi"') == 'say "hi"'  # plotly shows &quot; literally: quotes stay
    assert esc(None) == esc(float("nan")) == "–"


def test_a_buildout_figure_from_a_hostile_row_holds_only_the_escaped_text(tmp_path):
    header = "id,metric,entity,period,value,low,high,kind,source,source_date,notes\n"
    (tmp_path / "figures.csv").write_text(
        header + f"zz1,arr_usd_bn,openai,2025-06,10,,,estimate,{ALERT},2025-07,{ALERT}\n"
        f"zz2,arr_usd_bn,openai,2025-09,,11,13,estimate,x {ALERT},2025-10,\n"
    )
    ledger = load_ledger(tmp_path)
    pts = buildout_series(ledger, "model_lab_arr")
    pts = pts[pts["figure_id"].isin(["zz1", "zz2"])]
    fig = buildout_figure(pts, "model_lab_arr", "en", names={"openai": f"OpenAI {ALERT}"})
    texts = _trace_texts(fig)
    assert len(fig.data) == 2 and texts
    assert all(ALERT not in t for t in texts)
    # the source reaches every hover text, and the name every trace name, escaped
    for tr in fig.data:
        assert all(ESCAPED_ALERT in t for t in tr.text)
        assert ESCAPED_ALERT in tr.name


def test_treemap_and_level_names_are_escaped():
    sel = pd.DataFrame(
        {"id": ["a", "b"], "name": [ALERT, "B & C"], "category": ["C1", "C2"], "weight": [0.6, 0.4]}
    )
    tree = treemap_figure(sel, "en")
    assert ESCAPED_ALERT in tree.data[0].labels and "B &amp; C" in tree.data[0].labels
    lv = pd.DataFrame({"GTR": [1.0, 2.0], f"bench_{ALERT}": [1.0, 1.5]})
    names = _trace_texts(levels_figure(lv, "en", extra={ALERT: lv["GTR"]}))
    assert names == ["GTR", ESCAPED_ALERT, ESCAPED_ALERT]


def _assert_only_escaped(page: str) -> list[str]:
    figures = _figures(page)
    texts = _strings([[d, lay] for d, lay in figures])
    for payload in PAYLOADS:
        raw = [t for t in texts if payload in t and "<" in payload]
        assert raw == [], f"{payload!r} reached a chart unescaped: {raw[:3]}"
    outside = re.sub(r"<script\b.*?</script>", "", page.split("</head>", 1)[1], flags=re.S)
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in outside
    return texts


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """The bundled ledger with the payload overlay, without prices (flows, stress, gap, …)."""
    ledger = load_ledger(write_payload_overlay(tmp_path_factory.mktemp("overlay")))
    return build_report(ledger, None, as_of="2026-06-30")


def test_every_chart_of_a_report_on_a_hostile_overlay_holds_only_escaped_text(hostile_report):
    r = hostile_report
    texts = _assert_only_escaped(r.html)
    assert len(_figures(r.html)) == r.charts >= 4  # flows, stress, gap ×2, build-out…
    # the payloads did reach the charts (as text): the flow map's names, the build-out hovers
    assert any("Microsoft &lt;script&gt;window.__pwned=1&lt;/script&gt;" in t for t in texts)
    assert any(ESCAPED_ALERT in t for t in texts)  # g139's source in a build-out hover
    assert "javascript:window.__pwned=1" not in re.findall(r'href="([^"]*)"', r.html)


def test_index_charts_escape_company_names(tmp_path):
    led, px = make_universe(tmp_path, n=24, score_as_of="2024-06-01")
    comp = pd.read_csv(led / "companies.csv", dtype=str, keep_default_na=False)
    comp["name"] = [f"{n} {PAYLOADS[i % len(PAYLOADS)]}" for i, n in enumerate(comp["name"])]
    comp.to_csv(led / "companies.csv", index=False)
    vintage = tmp_path / "vintage.yaml"  # today's scores on 2023 (no systematic financials here)
    vintage.write_text("pit_mode: vintage\n")
    r = build_report(
        load_ledger(base=led),
        CsvDirProvider(px).get,
        as_of="2023-06-30",
        start="2022-06-01",
        benchmarks=("T01",),
        methodology=str(vintage),
    )
    assert "index" in r.sections
    texts = _assert_only_escaped(r.html)
    assert any(ESCAPED_ALERT in t for t in texts)  # the treemap's labels


# --- Content-Security-Policy


def _csp(page: str) -> dict[str, list[str]]:
    m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert m is not None
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in m.group(1).split(";")) if d}


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_csp_allows_exactly_the_reports_own_scripts(hostile_report):
    r = hostile_report
    head = r.html.split("<head>", 1)[1]
    # the policy comes before any script or style it governs
    assert head.index("Content-Security-Policy") < min(head.index("<script"), head.index("<style"))
    csp = _csp(r.html)
    bodies = re.findall(r"<script\b[^>]*>(.*?)</script>", r.html, flags=re.S)
    assert len(bodies) == r.charts + 1  # plotly.js and one per chart
    assert sorted(csp["script-src"]) == sorted({_hash(b) for b in bodies})
    assert csp["default-src"] == ["'none'"] and csp["img-src"] == ["data:"]
    assert "connect-src" not in csp and "'unsafe-eval'" not in r.html.split("<title>")[0]
    for directive in ("script-src", "style-src", "style-src-elem"):
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(csp[directive])
    styles = re.findall(r"<style\b[^>]*>(.*?)</style>", r.html, flags=re.S)
    assert set(csp["style-src-elem"]) == {_hash(s) for s in styles} | {_hash("")}
