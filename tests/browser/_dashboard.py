"""What the dashboard browser tests share: the real `aiinfra serve` on 127.0.0.1 (port 0), a
headless Chromium, a page that records what happens on it, and a click on a node of the flow map.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
        "--no-first-run", "--disable-component-update", "--disable-sync"]  # fmt: skip
TIMEOUT = 90_000
#: seconds the server may take to print its address
START_TIMEOUT = 180


def require_browser() -> None:
    """Skip unless Debian's chromium, Playwright and Dash are installed."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it)")
    pytest.importorskip("playwright.sync_api")
    pytest.importorskip("dash")


@dataclass(frozen=True)
class Server:
    url: str  # http://127.0.0.1:PORT
    log: Path  # everything the server wrote (stdout and stderr)


@contextmanager
def serve_dashboard(home: Path, prices: Path | None, *serve_args: str) -> Iterator[Server]:
    """`aiinfra --home HOME [--prices PRICES] serve --port 0 SERVE_ARGS…` in a subprocess.

    Yields once the server has printed its address (the test fails, showing the log, when it
    has not within :data:`START_TIMEOUT` seconds or has exited); the server is stopped on exit.
    Its output goes to ``HOME/server.log``, a file, so that the server never blocks on a full
    pipe.
    """
    log = home / "server.log"
    global_args = ["--prices", str(prices)] if prices is not None else []
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from aiinfra.app import main; main()", "--home", str(home),
             *global_args, "serve", "--port", "0", *serve_args],
            stdout=out, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    try:
        url = None
        deadline = time.monotonic() + START_TIMEOUT
        while url is None and time.monotonic() < deadline and proc.poll() is None:
            m = re.search(r"http://(127\.0\.0\.1:\d+)/", log.read_text())
            url = f"http://{m.group(1)}" if m else None
            if url is None:
                time.sleep(0.2)
        if url is None:
            pytest.fail("the server did not start:\n" + log.read_text())
        yield Server(url, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (Debian's, through Playwright)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def recording_page(browser: Any, *, console_errors: bool = False) -> Iterator[Any]:
    """A fresh 1400×1000 page that records, as attributes, what happens on it.

    ``errors``: uncaught page errors (and, with ``console_errors``, console messages of type
    error); ``hosts``: the scheme and host of every request; ``dialogs``: the message of every
    dialog (each dismissed).
    """
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.errors, pg.hosts, pg.dialogs = [], set(), []
    if console_errors:
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("request", lambda r: pg.hosts.add(re.sub(r"^(\w+://[^/]+).*$", r"\1", r.url)))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    try:
        yield pg
    finally:
        ctx.close()


def click_map_node(page: Any, node: str, *, attempts: int = 5) -> None:
    """Click node ``node`` of the flow map (``#fl-map``) once it has stopped moving, until the
    side panel shows a name (``#fl-panel-name``) or ``attempts`` clicks were tried."""
    cy = "document.getElementById('fl-map')._cyreg"
    page.wait_for_function(f"{cy} && {cy}.cy.$('#{node}').length === 1", timeout=TIMEOUT)
    where = (
        f"(() => {{ const p = {cy}.cy.$('#{node}').renderedPosition();"
        " return [Math.round(p.x), Math.round(p.y)]; })()"
    )
    box = page.locator("#fl-map").bounding_box()
    for _attempt in range(attempts):  # click once the map has stopped moving (fit, re-draws)
        pos = page.evaluate(where)
        page.wait_for_timeout(700)
        if page.evaluate(where) != pos:
            continue
        page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])
        try:
            page.wait_for_selector("#fl-panel-name", timeout=10_000)
            break
        except Exception:  # the map was re-drawn under the click: click again
            continue
