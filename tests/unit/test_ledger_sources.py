"""Sources as an analyst reads them: seed articles by title, web addresses as links."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from aiinfra.ledger import SEEDS, load_ledger, seed_title, source_parts, source_text
from tests.conftest import SHARED

_SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")


def _all_sources() -> pd.Series:
    led = load_ledger()
    tables = ("flows", "figures", "scores", "ai_revenue", "financials")
    return pd.concat([getattr(led, t)["source"].astype(str) for t in tables])


def test_every_seed_file_the_ledger_cites_has_a_title():
    cited = {m for s in _all_sources() for m in _SEED_FILE.findall(s)}
    assert cited, "the ledger cites seed articles"
    assert cited <= set(SEEDS), cited - set(SEEDS)
    for s in _all_sources():
        assert not _SEED_FILE.search(source_text(s)), s


@pytest.mark.skipif(
    not (SHARED / "seeds").is_dir(), reason="../shared/seeds not beside the checkout"
)
def test_author_titles_are_the_articles_own_headings():
    files = sorted((SHARED / "seeds").glob("*.txt"))
    assert {f.name for f in files} == set(SEEDS)
    for f in files:
        seed = SEEDS[f.name]
        headings = [
            line.lstrip("#").strip()
            for line in f.read_text(encoding="utf-8").splitlines()
            if line.startswith("#")
        ]
        if seed.titled_by == "author":
            assert seed.title in headings, (f.name, headings[:3])
        else:
            assert not headings, f"{f.name} has a heading of its own: use it"


def test_parts_kinds_and_order():
    parts = source_parts(
        "https://www.sec.gov/x.htm | 003_fc8085e7628fbeab.txt | NVIDIA 10-K FY2021 | "
    )
    assert [p.kind for p in parts] == ["url", "seed", "text"]
    assert parts[0].url == "https://www.sec.gov/x.htm"
    assert parts[1].text == seed_title("003_fc8085e7628fbeab.txt")
    assert "Der KI-Kreislauf" in parts[1].text


@pytest.mark.parametrize(
    "hostile",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://a.example/<script>x",  # a space-free but odd address stays a url part
        "http://a.example/ x",  # a space: not one address
    ],
)
def test_only_plain_http_addresses_are_links(hostile):
    parts = source_parts(hostile)
    for p in parts:
        if p.kind == "url":
            assert p.url.startswith(("http://", "https://")) and " " not in p.url
    if not hostile.startswith("http"):
        assert all(p.kind == "text" for p in parts)


def test_missing_source_is_no_part():
    assert source_parts(None) == [] and source_parts(float("nan")) == []
    assert source_text("") == ""
