"""Fixtures the dashboard's browser tests share: a module's ``server`` fixture (each module
serves the dashboard its way) is driven by one headless Chromium per module and a fresh
recording page per test. A module that needs another page (one page for the whole module, say)
defines its own ``page``."""

from __future__ import annotations

import pytest

from tests.browser._dashboard import chromium, recording_page


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser, server):
    """A fresh page that records console errors, page errors and every requested host."""
    with recording_page(browser, console_errors=True) as pg:
        yield pg
