"""The repository's own registry (`reviews/`) verifies against the bundled ledger: a later edit of
a registered house vintage in scores.csv (the 2026-11-20 view), or a change to a published pack,
fails here. Published packs are pinned by hash, so removing the last one fails too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from aiinfra.index import verify_registry
from aiinfra.ledger import load_ledger
from tests.conftest import ROOT

REVIEWS = ROOT / "reviews"
#: every pack published in reviews/ and its sha256 (append a line when a pack is published)
PUBLISHED = {
    "0001-2026-12-vintage.json": "fd3ae6f6c150de09e0e154b6af39a7b67a8c1b7605aae483fd41cdf4ac1ba19a",
}


def test_the_repository_registry_verifies_against_the_bundled_ledger():
    assert verify_registry(REVIEWS, load_ledger()) == []


def test_every_published_pack_is_there_unchanged():
    for name, sha in PUBLISHED.items():
        assert json.loads((REVIEWS / name).read_text(encoding="utf-8"))["sha256"] == sha, name
    vintage = json.loads((REVIEWS / "0001-2026-12-vintage.json").read_text(encoding="utf-8"))
    assert vintage["kind"] == "vintage" and vintage["review"]["review"] == "2026-12"
    assert vintage["score_vintage"]["as_of"] == "2026-11-20"
    assert vintage["published"] < vintage["review"]["effective"]


def test_an_edit_of_the_registered_house_vintage_would_fail(tmp_path: Path):
    # the check above can fail: the same registry against a copy of the bundled ledger whose
    # 2026-11-20 vintage has one score changed
    bundled = Path(load_ledger().data_dirs[0])
    copy = tmp_path / "data"
    shutil.copytree(bundled, copy)
    scores = copy / "scores.csv"
    lines = scores.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[1].split(",")
    assert cells[1] == "2026-11-20"
    cells[4] = str(round(float(cells[4]) - 0.05, 4))  # ai_revenue_share
    lines[1] = ",".join(cells)
    scores.write_text("".join(lines), encoding="utf-8")
    problems = verify_registry(REVIEWS, load_ledger(base=copy))
    assert [Path(p.file).name for p in problems] == ["0001-2026-12-vintage.json"]
    assert f"{cells[0]}: ai_revenue_share" in str(problems[0])
