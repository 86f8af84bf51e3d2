"""The dashboard's edge against the real server (`aiinfra serve --port 0` on 127.0.0.1, raw HTTP
so no client normalises the path): path traversal is a 404, a malformed callback body a 400, a
callback input of the wrong type a clear input error in the banner — never a 500, never an
"internal error", and no traceback in the server's log (issue 12)."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("dash")
pytest.importorskip("dash_cytoscape")
pytest.importorskip("waitress")

from aiinfra.config import get_settings
from aiinfra.roi_gap import PARAMETERS
from aiinfra.services.dashboard import CATEGORIES, Dashboard
from aiinfra.web._app import create_app

AS_OF = "2026-06-30"


class Server:
    def __init__(self, port: int, log: Path) -> None:
        self.port, self.log = port, log

    def request(self, method: str, path: str, body: bytes | None = None,
                content_type: str = "application/json") -> tuple[int, bytes]:  # fmt: skip
        """One raw request: the path goes on the wire exactly as given."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            c.putrequest(method, path, skip_accept_encoding=True)
            if body is not None:
                c.putheader("Content-Type", content_type)
                c.putheader("Content-Length", str(len(body)))
            c.endheaders(body)
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def callback(self, body: Any) -> tuple[int, Any]:
        status, data = self.request("POST", "/_dash-update-component", json.dumps(body).encode())
        return status, (json.loads(data) if status == 200 else data)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    log = home / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from aiinfra.app import main; main()", "--home", str(home),
             "serve", "--port", "0", "--as-of", AS_OF],
            stdout=out, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        port = None
        while port is None and time.monotonic() < deadline and proc.poll() is None:
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text())
            port = int(m.group(1)) if m else None
            time.sleep(0.1)
        if port is None:
            pytest.fail("the server did not start:\n" + log.read_text())
        yield Server(port, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(autouse=True)
def no_alarm_in_the_log(server):
    before = len(server.log.read_text())
    yield
    new = server.log.read_text()[before:]
    assert "Traceback" not in new and "ERROR" not in new, new[:2000]


TRAVERSALS = [
    "/_dash-component-suites/../../etc/passwd",
    "/_dash-component-suites/dash/../../../../etc/passwd",
    "/_dash-component-suites/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/_dash-component-suites/dash/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/_dash-component-suites/%252e%252e%252f%252e%252e%252fetc/passwd",
    "/_dash-component-suites/dash/%252e%252e/%252e%252e/etc/passwd",
    "/_dash-component-suites/..\\..\\etc\\passwd",
    "/_dash-component-suites/dash/..%5c..%5c..%5cetc%5cpasswd",
    "/_dash-component-suites//etc/passwd",
    "//etc/passwd",
    "/..%2f..%2fetc%2fpasswd",
    "/_dash-component-suites/dash/dcc/../../../../../etc/passwd",
    "/_dash-component-suites/nope/x.js",
    "/_dash-component-suites/dash/dcc/not_a_file.js",
    "/assets/../../etc/passwd",
    "/static/../../etc/passwd",
    "/no-such-page",
]


def test_path_traversal_and_unknown_paths_are_404(server):
    for path in TRAVERSALS:
        status, body = server.request("GET", path)
        assert status == 404, (path, status, body[:200])
        assert b"root:" not in body
        if not path.startswith(("/assets", "/static")):  # Flask's own 404 page for those two
            assert body == b"not found\n", (path, body[:200])
    # what the page itself needs is still served
    for path in ["/", "/flows", "/gap?x=1", "/_dash-layout", "/_dash-dependencies"]:
        assert server.request("GET", path)[0] == 200, path
    status, _ = server.request("GET", "/_dash-component-suites/dash/dcc/dash_core_components.js")
    assert status == 200


PAGE = {"output": "page.children", "outputs": {"id": "page", "property": "children"},
        "inputs": [{"id": "url", "property": "pathname", "value": "/"},
                   {"id": "lang", "property": "value", "value": "en"}]}  # fmt: skip
MALFORMED: list[tuple[bytes, str]] = [
    (b"[]", "application/json"),
    (b"null", "application/json"),
    (b"[[[]]]", "application/json"),
    (b'"text"', "application/json"),
    (b"42", "application/json"),
    (b"{}", "application/json"),
    (b"not json", "application/json"),
    (b'{"output": ', "application/json"),
    (json.dumps(PAGE).encode(), "text/plain"),
    (json.dumps(PAGE).encode(), "application/x-www-form-urlencoded"),
    (json.dumps({**PAGE, "output": ["page.children"]}).encode(), "application/json"),
    (json.dumps({**PAGE, "output": "nope.children"}).encode(), "application/json"),
    (json.dumps({**PAGE, "outputs": []}).encode(), "application/json"),
    (json.dumps({**PAGE, "outputs": [[{"id": "page"}]]}).encode(), "application/json"),
    (json.dumps({**PAGE, "inputs": None}).encode(), "application/json"),
    (json.dumps({**PAGE, "inputs": [[]]}).encode(), "application/json"),
    (json.dumps({**PAGE, "inputs": [[[]], []]}).encode(), "application/json"),
    (json.dumps({**PAGE, "inputs": PAGE["inputs"][:1]}).encode(), "application/json"),
    (json.dumps({**PAGE, "inputs": PAGE["inputs"][::-1]}).encode(), "application/json"),
    (json.dumps({**PAGE, "state": {"id": "x"}}).encode(), "application/json"),
    (json.dumps({**PAGE, "changedPropIds": [1]}).encode(), "application/json"),
]


def test_malformed_callback_bodies_are_400(server):
    for body, ctype in MALFORMED:
        status, answer = server.request("POST", "/_dash-update-component", body, ctype)
        assert status == 400, (body[:80], ctype, status, answer[:200])
        assert answer.startswith(b"bad request: "), answer[:200]
    status, answer = server.callback(PAGE)  # the well-formed one still works
    assert status == 200 and "ov-gap-text" in json.dumps(answer)


# --- callback inputs of the wrong type ------------------------------------------------------

#: a valid value for every callback input and state of the app (None: the session, filled in)
VALID: dict[str, Any] = {
    "url.pathname": "/",
    "lang.value": "en",
    "error-close.n_clicks": 1,
    "ix-reset.n_clicks": 1,
    "ix-cap.value": 0.1,
    "ix-n.value": 20,
    **{f"ix-m-{c}.value": 1.0 for c in CATEGORIES},
    "ix-poll.n_intervals": 1,
    "ix-job.data": None,
    "ix-shown.data": None,
    "ixs-methodologies.value": ["default"],
    "ixs-benchmarks.value": [],
    "ixs-poll.n_intervals": 1,
    "ixs-job.data": None,
    "ixs-shown.data": None,
    "fl-asof.value": 3,
    "fl-basis.value": "committed",
    "fl-layers.value": ["hyperscaler", "model_lab"],
    "fl-cycle.value": None,
    "fl-map.tapNodeData": {"id": "nvidia", "label": "NVIDIA"},
    "fl-search.value": "nvidia",
    "fl-map.tapEdgeData": {"id": "nvidia->coreweave", "source": "nvidia", "target": "coreweave"},
    "st-parties.value": ["openai"],
    "st-shortfall.value": 0.5,
    "st-pass.value": 0.5,
    "gp-method.value": "sequoia",
    "gp-year.value": 2026,
    "gp-samples.value": 0,
    **{f"gp-p-{n}.value": p.default for n, p in PARAMETERS.items()},
    "gp-poll.n_intervals": 1,
    "gp-job.data": None,
    "gp-shown.data": None,
    "bo-series.value": "hyperscaler_capex",
    "hi-samples.value": 20,
    "hi-poll.n_intervals": 1,
    "hi-job.data": None,
    "hi-shown.data": None,
    "df-date1.date": "2025-06-30",
    "df-date2.date": "2026-06-30",
    "lt-upload.contents": None,
    "lt-upload.filename": None,
    "session.data": None,
}
WRONG = ["abc", "../../etc/passwd", None, [], {}, [[1]], True, -1, 1e308, {"id": 1}, "x" * 5000]


def session_id(server: Server) -> str:
    status, data = server.request("GET", "/_dash-layout")
    assert status == 200
    found = re.findall(r'"data": ?"([0-9a-f]{32})", ?"id": ?"session"', data.decode())
    found += re.findall(r'"id": ?"session"[^}]*?"data": ?"([0-9a-f]{32})"', data.decode())
    assert found, "no session id in the layout"
    return found[0]


def body_for(dep: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    outs = dep["output"].strip(".").split("...")
    spec = [{"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]} for o in outs]

    def items(kind: str) -> list[dict[str, Any]]:
        return [{**i, "value": values[f"{i['id']}.{i['property']}"]} for i in dep[kind]]

    first = dep["inputs"][0]
    return {"output": dep["output"], "outputs": spec if len(spec) > 1 else spec[0],
            "inputs": items("inputs"), "state": items("state"),
            "changedPropIds": [f"{first['id']}.{first['property']}"]}  # fmt: skip


def banner(answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return None
    side = answer.get("sideUpdate") or {}
    return (side.get("error-text") or {}).get("children")


def test_every_callback_input_of_the_wrong_type_is_an_input_error(server):
    """Each input and state of every callback in turn gets values of the wrong type or out of
    range: the answer is 200/204, and any banner is an input error, never "internal error"."""
    status, deps = server.request("GET", "/_dash-dependencies")
    deps = json.loads(deps)
    values = {**VALID, "session.data": session_id(server)}
    declared = {f"{i['id']}.{i['property']}" for d in deps for i in d["inputs"] + d["state"]}
    assert declared <= set(values), declared - set(values)  # a new input needs a valid value here
    tried = 0
    for dep in deps:
        for item in dep["inputs"] + dep["state"]:
            key = f"{item['id']}.{item['property']}"
            for wrong in WRONG:
                status, answer = server.callback(body_for(dep, {**values, key: wrong}))
                tried += 1
                assert status in (200, 204), (dep["output"], key, wrong, status, answer)
                text = banner(answer)
                assert text is None or not text.startswith("internal error"), (key, wrong, text)
    assert tried > 300


def _start_gap(server: Server, **changes: Any) -> str | None:
    status, deps = server.request("GET", "/_dash-dependencies")
    dep = next(d for d in json.loads(deps) if "gp-job.data" in d["output"])
    values = {**VALID, "session.data": session_id(server), **changes}
    status, answer = server.callback(body_for(dep, values))
    assert status == 200
    return banner(answer)


def _post(server: Server, output: str, **changes: Any) -> str | None:
    status, deps = server.request("GET", "/_dash-dependencies")
    dep = next(d for d in json.loads(deps) if output in d["output"])
    values = {**VALID, "session.data": session_id(server), **changes}
    status, answer = server.callback(body_for(dep, values))
    assert status == 200
    return banner(answer)


def test_the_cases_of_the_issue_say_what_the_cli_would(server):
    assert _start_gap(server, **{"gp-samples.value": "abc"}) == (
        "`samples` must be one of 0, 10000, 100000, 1000000; got 'abc'"
    )
    assert _start_gap(server, **{"gp-p-gross_margin.value": "abc"}) == (
        "`gross_margin` must be a number in [0.4, 0.7]; got 'abc'"
    )
    assert _start_gap(server, **{"gp-year.value": "2026"}) == (
        "`year` must be one of 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030; got '2026'"
    )
    assert _post(server, "ix-job.data", **{"ix-cap.value": "abc"}) == (
        "`single_cap` must be a number in [0.04, 0.25]; got 'abc'"
    )
    assert _post(server, "ix-job.data", **{"ix-n.value": 20.5}) == (
        "`target_n` must be a whole number in [10, 50]; got 20.5"
    )
    hostile = "../../etc/passwd"  # chosen by a click (tapNodeData) or in the search box
    text = _post(server, "fl-panel.children", **{"fl-search.value": hostile})
    assert re.fullmatch(
        r"`company` '\.\./\.\./etc/passwd' has no flow in force on 2019-12-31", text or ""
    )
    # (position 3 of the as-of slider: the fourth quarter end since 2019-03-31)
    text = _post(server, "fl-panel.children",
                 **{"fl-search.value": hostile, "fl-asof.value": None})  # fmt: skip
    assert text is not None and text.startswith("`as_of position` must be a whole number in [0, ")
    assert _post(server, "st-result.children", **{"st-shortfall.value": "abc"}) == (
        "`shortfall` must be a number in [0.05, 1]; got 'abc'"
    )
    assert _post(server, "bo-result.children", **{"bo-series.value": "../../etc/passwd"}) == (
        "`series` must be one of the choices the page offers; got '../../etc/passwd'"
    )
    assert _post(server, "page.children", **{"lang.value": "xx"}) == (
        "`lang` must be one of en, de; got 'xx'"
    )
    assert _post(server, "gp-result.children", **{"gp-job.data": "../x"}) == (
        "`job` must be a job id (job<number>); got '../x'"
    )
    assert _post(server, "gp-result.children", **{"session.data": "forged"}) == (
        "`session` must be the page's session id (32 hex digits); got 'forged'"
    )


def test_every_callback_checks_each_of_its_inputs(tmp_path):
    """In process: every registered callback carries one rule per input and state."""
    app = create_app(Dashboard(get_settings(home=tmp_path), as_of=AS_OF))
    assert app.callback_map
    for output, cb in app.callback_map.items():
        rules = getattr(cb["callback"], "__aiinfra_rules__", None)
        assert rules is not None, f"{output}: no input rules"
        assert len(rules) == len(cb["inputs"]) + len(cb["state"]), output
