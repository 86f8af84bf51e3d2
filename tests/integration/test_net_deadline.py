"""The network deadline: a proxy that accepts connections and never answers costs at most the
deadline. `prices fetch` exits 3, `report` is written without prices and says why.

The "proxy" is a real TCP listener on 127.0.0.1 that accepts and then stays silent (or, in the
second flavour, answers CONNECT with 200 and then stays silent, so the stall is in the TLS
handshake). Nothing leaves the machine.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli

DEADLINE = 3.0
# process start (~2 s), the deadline, and slack for a loaded 2-core machine; a hang would run
# into the subprocess timeout (120 s) instead
BOUND = DEADLINE + 40.0


def _silent_proxy(answer_connect: bool) -> Iterator[int]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)  # keep it open, never close: a silent peer
            if answer_connect:
                conn.settimeout(2)
                try:
                    conn.recv(4096)
                    conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for c in held:
            c.close()
        server.close()


@pytest.fixture(params=[False, True], ids=["silent", "connect-then-silent"])
def proxy_env(request, tmp_path: Path) -> Iterator[dict[str, str]]:
    for port in _silent_proxy(request.param):
        url = f"http://127.0.0.1:{port}"
        yield {
            "HTTPS_PROXY": url,
            "https_proxy": url,
            "NO_PROXY": "",
            "no_proxy": "",
            "AIINFRA_NET_DEADLINE": str(DEADLINE),
            "AIINFRA_HOME": str(tmp_path / "home"),
        }


def test_prices_fetch_behind_a_silent_proxy_exits_3_within_the_deadline(proxy_env):
    t0 = time.monotonic()
    proc = run_cli("prices", "fetch", "NVDA", env=proxy_env, timeout=120)
    took = time.monotonic() - t0
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "deadline" in proc.stderr or "cannot reach" in proc.stderr
    assert took < BOUND, f"took {took:.1f} s"


@pytest.mark.slow  # ~13 s a case: the whole report behind the proxy
def test_report_behind_a_silent_proxy_is_written_without_prices_and_says_why(
    proxy_env, tmp_path: Path
):
    out = tmp_path / "r.html"
    t0 = time.monotonic()
    proc = run_cli("report", "--out", str(out), env=proxy_env, timeout=180)
    took = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr
    assert took < BOUND + 30, f"took {took:.1f} s"  # plus building the report
    first = out.read_text().split('<section id="summary">')[1].split("</section>")[0]
    assert "No prices were available" in first
    assert "deadline" in first or "cannot reach" in first


def test_a_bad_deadline_is_an_error_naming_the_variable(tmp_path: Path):
    env = {"AIINFRA_NET_DEADLINE": "soon", "AIINFRA_HOME": str(tmp_path / "home")}
    proc = run_cli("prices", "fetch", "NVDA", env=env, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "`AIINFRA_NET_DEADLINE` must be a number of seconds > 0" in proc.stderr
