"""A burst of Monte Carlo starts does not bury a normal job (issue 12): 40 distinct starts in a
burst from one page, then a normal job from another page finishes within a small multiple of its
time alone; the burst's dropped jobs stop; 40 starts from 40 pages fill the bound and the rest
are refused as busy. A real waitress server on 127.0.0.1 over the real gap service, raw HTTP."""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import secrets
import threading
import time
from typing import Any

import pytest

pytest.importorskip("dash")
pytest.importorskip("waitress")

from aiinfra.config import get_settings
from aiinfra.roi_gap import PARAMETERS
from aiinfra.services.dashboard import Dashboard
from aiinfra.web import make_server
from aiinfra.web._app import create_app
from aiinfra.web._jobs import Jobs

FORGET = 2.0  # seconds without a poll before a job counts as forgotten (10 s when serving)
DEFAULTS = {n: p.default for n, p in PARAMETERS.items()}
RNG = random.Random(12)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    board = Dashboard(get_settings(home=tmp_path_factory.mktemp("home")), as_of="2026-06-30")
    jobs = Jobs(forget_after=FORGET)
    server = make_server(create_app(board, jobs=jobs), "127.0.0.1", 0)

    def run() -> None:
        with contextlib.suppress(OSError, ValueError):  # the socket closes under it at teardown
            server.run()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deps = json.loads(_request(int(server.effective_port), "GET", "/_dash-dependencies")[1])
    yield int(server.effective_port), jobs, deps
    jobs.close()
    server.close()


def _request(port: int, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        data = None if body is None else json.dumps(body).encode()
        c.request(method, path, body=data, headers={"Content-Type": "application/json"})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def _callback(served: Any, output: str, values: dict[str, Any]) -> dict[str, Any]:
    port, _, deps = served
    dep = next(d for d in deps if output in d["output"])
    outs = dep["output"].strip(".").split("...")
    spec = [{"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]} for o in outs]
    body = {
        "output": dep["output"],
        "outputs": spec if len(spec) > 1 else spec[0],
        "inputs": [{**i, "value": values[f"{i['id']}.{i['property']}"]} for i in dep["inputs"]],
        "state": [{**s, "value": values[f"{s['id']}.{s['property']}"]} for s in dep["state"]],
        "changedPropIds": [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"],
    }
    status, data = _request(port, "POST", "/_dash-update-component", body)
    assert status in (200, 204), data[:300]
    return json.loads(data) if status == 200 else {}


def start(served: Any, session: str, samples: int) -> tuple[str | None, str | None]:
    """Start a gap run with fresh parameters (so no cached result): (job id, refusal)."""
    params = {**DEFAULTS, "gross_margin": RNG.uniform(0.4, 0.7), "gpu_share": RNG.uniform(0.4, 0.6)}
    values = {"gp-method.value": "sequoia", "gp-year.value": 2026, "gp-samples.value": samples,
              "session.data": session, **{f"gp-p-{n}.value": v for n, v in params.items()}}  # fmt: skip
    r = _callback(served, "gp-job.data", values)
    if "sideUpdate" in r:
        return None, r["sideUpdate"]["error-text"]["children"]
    return r["response"]["gp-job"]["data"], None


def poll(served: Any, session: str, jid: str) -> tuple[bool, str | None]:
    """One poll as the page makes it: (finished, error shown)."""
    r = _callback(served, "gp-result.children", {"gp-poll.n_intervals": 1, "gp-job.data": jid,
                  "gp-shown.data": None, "lang.value": "en", "session.data": session})  # fmt: skip
    err = r.get("sideUpdate", {}).get("error-text", {}).get("children")
    return "gp-shown" in r.get("response", {}), err


def normal_job(served: Any, session: str) -> float:
    """A page's job from start to drawn result, polled every 0.2 s; its duration."""
    t0 = time.monotonic()
    jid, refused = start(served, session, 100_000)
    assert refused is None, refused
    assert jid is not None
    while True:
        done, err = poll(served, session, jid)
        assert err is None, err
        if done:
            return time.monotonic() - t0
        time.sleep(0.2)


def quiet(jobs: Jobs, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while jobs.stats() != {"queued": 0, "running": 0, "stopping": 0}:
        assert time.monotonic() < deadline, jobs.stats()
        time.sleep(0.05)


def test_a_burst_from_one_page_does_not_bury_a_normal_job(served):
    _, jobs, _ = served
    page, burster = secrets.token_hex(16), secrets.token_hex(16)
    solo = min(normal_job(served, page) for _ in range(2))
    t0 = time.monotonic()
    ids = [start(served, burster, 1_000_000) for _ in range(40)]
    assert time.monotonic() - t0 < 10
    assert all(jid and refused is None for jid, refused in ids)  # one page: each replaces the last
    after = normal_job(served, page)
    # alone it takes `solo`; behind 40 queued runs of 10^6 samples it took minutes before the fix.
    # Allowed: the burst's last run (not yet forgotten) shares the CPU meanwhile.
    assert after < 4 * solo + FORGET + 2.0, (solo, after)
    # the dropped jobs stop: the replaced ones at once, the last one once nobody polls it
    quiet(jobs, FORGET + 5)
    # (asked of the pool: the page itself draws nothing for a replaced job, no banner)
    replaced = [str(jobs.poll(jid, burster).get("error", "")) for jid, _ in ids[:-1]]
    known = [jid for jid, _ in ids[:-1] if jobs.poll(jid, burster).get("superseded")]
    assert known and all(poll(served, burster, jid) == (False, None) for jid in known)
    # (beyond the 32 most recent, an ended job is forgotten altogether: "unknown job")
    assert all(
        e.endswith("a newer one from the same page replaced it") or e.startswith("unknown job")
        for e in replaced
    ), replaced
    assert sum(e.endswith("replaced it") for e in replaced) >= 32 - 3  # the rest are known
    # the last one is either stopped as forgotten or, on a machine that runs 10^6 samples in
    # under FORGET seconds (0.8 s idle, bench/RESULTS.md), finished first; both leave nothing
    # running (quiet above). Forgetting itself is tested deterministically in test_web_jobs.py.
    done, err = poll(served, burster, ids[-1][0])
    assert (err or "").endswith(f"has not asked for it for {FORGET:g} s") or (done and err is None)


def test_starts_from_many_pages_are_bounded_and_refused_as_busy(served):
    _, jobs, _ = served
    quiet(jobs, FORGET + 5)
    answers = [start(served, secrets.token_hex(16), 1_000_000) for _ in range(40)]
    accepted = [jid for jid, _ in answers if jid]
    refused = [r for _, r in answers if r]
    assert len(accepted) == jobs.max_live and len(refused) == 40 - jobs.max_live
    assert set(refused) == {
        f"the server is busy: {jobs.max_live} computations are queued or running "
        f"(at most {jobs.max_live}); try again in a moment"
    }
    quiet(jobs, FORGET + 5)  # nobody polls them: forgotten, stopped
    assert normal_job(served, secrets.token_hex(16)) > 0  # room again
