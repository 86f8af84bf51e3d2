"""The registry of pre-registered reviews (issue 14, part 2): packs chained by SHA-256 on a
synthetic universe; tampering, deleting, reordering or editing a registered score vintage fails
verification naming the pack; refused publications write nothing."""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
from pathlib import Path

import pytest

from aiinfra.exceptions import DataValidationError, InvalidParameterError
from aiinfra.index import (
    build_review_pack,
    build_vintage_pack,
    find_pack,
    load_methodology,
    publish,
    registry_packs,
    run_review,
    verify_registry,
)
from aiinfra.index._registry import canonical_json, pack_sha256
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from tests.index_fixtures import make_universe

#: a second house vintage: c00..c04 re-scored on 2023-08-15 (in force from the 2023-09 review)
LATER = "2023-08-15"


def _rules(**over):
    base = {
        "selection": {"target_n": 20, "min_n": 5, "min_per_category": 2},
        "eligibility": {"min_composite": {"new": 0, "existing": 0}},
        "scores": {"max_vintage_age_reviews": None},
    }
    base.update(over)
    return load_methodology(base)


@pytest.fixture(scope="module")
def universe(tmp_path_factory):
    root = tmp_path_factory.mktemp("reg")
    led, px = make_universe(root)
    scores = led / "scores.csv"
    lines = scores.read_text().splitlines()
    later = []
    for line in lines[1:6]:  # c00..c04
        cells = line.split(",")
        cells[1], cells[3] = LATER, str(round(float(cells[3]) - 5, 1))
        later.append(",".join(cells))
    scores.write_text("\n".join([*lines, *later]) + "\n")
    return led, load_ledger(base=led), CsvDirProvider(px)


@pytest.fixture(scope="module")
def packs(universe):
    """Four packs: the 2023-06 vintage and review, the 2023-09 review, the 2023-12 vintage."""
    _, ledger, prices = universe
    m = _rules()
    r06 = run_review(ledger, prices.get, m, "2023-06-05")
    r09 = run_review(ledger, prices.get, m, "2023-09-08", previous=dict(r06.weights))
    return [
        build_vintage_pack(ledger, m, "2023-06-05", name="small", published="2023-06-05"),
        build_review_pack(r06, ledger, m, name="small", published="2023-06-12"),
        build_review_pack(r09, ledger, m, name="small", published="2023-09-08"),
        build_vintage_pack(ledger, m, "2023-12-04", name="small", published="2023-12-04"),
    ]


@pytest.fixture
def registry(tmp_path, packs):
    d = tmp_path / "reviews"
    for p in packs:
        publish(d, p)
    return d


def _files(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir())


def _edit(path: Path, change, rehash: bool = False) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    if rehash:
        doc["sha256"] = pack_sha256(doc)
    path.write_text(json.dumps(doc, indent=2, sort_keys=True))


def _ledger_with(led: Path, tmp_path: Path, edit) -> object:
    copy = tmp_path / "ledger_copy"
    shutil.copytree(led, copy)
    scores = copy / "scores.csv"
    scores.write_text(edit(scores.read_text()))
    return load_ledger(base=copy)


def test_the_chain_verifies_after_several_publishes(registry, universe):
    _, ledger, _ = universe
    assert _files(registry) == [
        "0001-2023-06-vintage.json",
        "0002-2023-06-review.json",
        "0003-2023-09-review.json",
        "0004-2023-12-vintage.json",
    ]
    assert verify_registry(registry, ledger) == []
    docs = [json.loads((registry / f).read_text()) for f in _files(registry)]
    assert [d["seq"] for d in docs] == [1, 2, 3, 4]
    assert docs[0]["prev_sha256"] is None
    for before, after in itertools.pairwise(docs):
        assert after["prev_sha256"] == before["sha256"]
    for d in docs:
        body = {k: v for k, v in d.items() if k != "sha256"}
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert d["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    vintage, review06, review09, _ = docs
    # the review uses the vintage pre-registered for it; a vintage reads no prices
    assert review06["score_vintage"] == vintage["score_vintage"]
    assert review06["methodology_hash"] == vintage["methodology_hash"]
    assert vintage["selection"] is None and vintage["weights"] is None
    assert vintage["prices_through"] is None and vintage["input_hash"] is None
    assert vintage["review"] == {"review": "2023-06", "cutoff": "2023-05-31",
                                 "announce": "2023-06-09", "effective": "2023-06-16"}  # fmt: skip
    assert abs(sum(review06["weights"].values()) - 1) < 1e-12
    assert [s["id"] for s in review06["selection"]] and review06["prices_through"] == "2023-06-09"
    # the 2023-09 review reads the later vintage for c00..c04, the first for the rest
    rows = {r["company_id"]: r for r in review09["score_vintage"]["rows"]}
    assert review09["score_vintage"]["as_of"] == LATER and len(rows) == 30
    assert rows["c00"]["as_of"] == LATER and rows["c10"]["as_of"] == "2022-01-01"
    assert [p["file"] for p in registry_packs(registry)] == _files(registry)


def test_a_changed_field_fails_naming_the_pack(registry, universe):
    _, ledger, _ = universe
    target = registry / "0002-2023-06-review.json"
    _edit(target, lambda d: d["selection"][0].update(weight=0.5))
    problems = verify_registry(registry, ledger)
    assert [(Path(p.file).name, p.column) for p in problems] == [
        ("0002-2023-06-review.json", "sha256")
    ]
    assert "changed after it was published" in str(problems[0])


def test_a_changed_field_with_a_recomputed_hash_breaks_the_link(registry, universe):
    _, ledger, _ = universe
    _edit(registry / "0002-2023-06-review.json", lambda d: d.update(published="2023-06-13"), True)
    problems = verify_registry(registry, ledger)
    assert [(Path(p.file).name, p.column) for p in problems] == [
        ("0003-2023-09-review.json", "prev_sha256")
    ]


def test_a_deleted_pack_fails(registry, universe):
    _, ledger, _ = universe
    (registry / "0002-2023-06-review.json").unlink()
    problems = verify_registry(registry, ledger)
    named = {(Path(p.file).name, p.column) for p in problems}
    assert ("0003-2023-09-review.json", "seq") in named
    assert ("0003-2023-09-review.json", "prev_sha256") in named


def test_reordered_packs_fail(registry, universe):
    _, ledger, _ = universe
    a, b = registry / "0002-2023-06-review.json", registry / "0003-2023-09-review.json"
    a.rename(registry / "tmp")
    b.rename(registry / "0002-2023-09-review.json")
    (registry / "tmp").rename(registry / "0003-2023-06-review.json")
    problems = verify_registry(registry, ledger)
    named = {(Path(p.file).name, p.column) for p in problems}
    assert ("0002-2023-09-review.json", "seq") in named
    assert ("0002-2023-09-review.json", "prev_sha256") in named
    assert ("0003-2023-06-review.json", "seq") in named


def test_an_edited_score_vintage_fails_the_packs_that_registered_it(registry, universe, tmp_path):
    led, _, _ = universe

    def edit_c10(text: str) -> str:  # c10 has one vintage, 2022-01-01: every pack reads it
        lines = text.splitlines()
        i = next(i for i, x in enumerate(lines) if x.startswith("c10,"))
        cells = lines[i].split(",")
        cells[3] = "12.5"
        lines[i] = ",".join(cells)
        return "\n".join(lines) + "\n"

    problems = verify_registry(registry, _ledger_with(led, tmp_path / "a", edit_c10))
    assert sorted(Path(p.file).name for p in problems) == _files(registry)
    assert all(p.column == "score_vintage.rows" for p in problems)
    assert "c10: qualitative" in str(problems[0]) and "→ 12.5" in str(problems[0])


def test_an_edited_later_vintage_fails_only_the_packs_after_it(registry, universe, tmp_path):
    led, _, _ = universe

    def edit_later(text: str) -> str:
        return text.replace(f"c00,{LATER},", "c00,2023-08-16,", 1)

    problems = verify_registry(registry, _ledger_with(led, tmp_path / "b", edit_later))
    assert sorted(Path(p.file).name for p in problems) == [
        "0003-2023-09-review.json",
        "0004-2023-12-vintage.json",
    ]
    assert "c00: as_of '2023-08-15' → '2023-08-16'" in str(problems[0])


def test_a_backdated_vintage_fails_the_review_it_would_change(registry, universe, tmp_path):
    led, _, _ = universe
    added = "c20,2023-05-01,C7,61.0,0.5,estimate,late,synthetic\n"
    problems = verify_registry(registry, _ledger_with(led, tmp_path / "c", lambda t: t + added))
    assert {Path(p.file).name for p in problems} == set(_files(registry))
    assert "c20:" in str(problems[0])


def test_the_same_review_and_kind_is_refused_and_nothing_is_written(registry, packs):
    before = {f: (registry / f).read_bytes() for f in _files(registry)}
    with pytest.raises(InvalidParameterError, match="already has a review pack") as exc:
        publish(registry, packs[2])
    assert "0003-2023-09-review.json" in str(exc.value) and "Nothing was written" in str(exc.value)
    assert {f: (registry / f).read_bytes() for f in _files(registry)} == before


def test_a_vintage_on_its_effective_date_is_refused(tmp_path, universe):
    _, ledger, _ = universe
    late = build_vintage_pack(ledger, _rules(), "2023-06-05", published="2023-06-16")
    d = tmp_path / "reviews"
    with pytest.raises(InvalidParameterError, match="effective on 2023-06-16"):
        publish(d, late)
    assert _files(d) == []
    ok = build_vintage_pack(ledger, _rules(), "2023-06-05", published="2023-06-15")
    assert publish(d, ok).name == "0001-2023-06-vintage.json"


def test_a_vintage_after_its_review_and_a_future_date_are_refused(tmp_path, packs):
    d = tmp_path / "reviews"
    publish(d, packs[1])
    with pytest.raises(InvalidParameterError, match="already published"):
        publish(d, packs[0])
    with pytest.raises(InvalidParameterError, match="after today"):
        publish(d, {**packs[3], "published": "2999-01-01"})
    assert _files(d) == ["0001-2023-06-review.json"]


def test_a_review_must_use_the_pre_registered_methodology_and_scores(tmp_path, universe, packs):
    _, ledger, prices = universe
    d = tmp_path / "reviews"
    publish(d, packs[0])
    other = _rules(weighting={"single_cap": 0.10})
    r = run_review(ledger, prices.get, other, "2023-06-05")
    with pytest.raises(InvalidParameterError, match="differs from the methodology pre-registered"):
        publish(d, build_review_pack(r, ledger, other, published="2023-06-12"))
    changed = json.loads(canonical_json(packs[1]))
    changed["score_vintage"]["rows"][0]["qualitative"] += 1
    rows = changed["score_vintage"]["rows"]
    changed["score_vintage"]["rows_sha256"] = hashlib.sha256(
        canonical_json(rows).encode()
    ).hexdigest()
    with pytest.raises(InvalidParameterError, match="differs from the score vintage"):
        publish(d, changed)
    assert _files(d) == ["0001-2023-06-vintage.json"]


def test_a_failed_publish_leaves_no_file(tmp_path, packs):
    d = tmp_path / "reviews"
    publish(d, packs[0])
    bad = json.loads(canonical_json(packs[1]))
    bad["weights"]["c00"] = float("nan")  # not JSON: refused before anything is written
    with pytest.raises(InvalidParameterError, match="cannot be written as JSON"):
        publish(d, bad)
    missing = {k: v for k, v in packs[1].items() if k != "score_vintage"}
    with pytest.raises(DataValidationError, match="score_vintage"):
        publish(d, missing)
    assert [p.name for p in d.iterdir()] == ["0001-2023-06-vintage.json"]  # no temporary either


def test_a_broken_chain_refuses_every_publish(registry, packs):
    (registry / "0002-2023-06-review.json").unlink()
    vintage = {**packs[3], "review": {**packs[3]["review"], "review": "2024-03"}}
    with pytest.raises(DataValidationError, match=r"0003-2023-09-review\.json"):
        publish(registry, vintage)
    assert len(_files(registry)) == 3


def test_a_vintage_needs_no_prices_and_a_house_view(universe, tmp_path):
    _, ledger, _ = universe
    # the prices end in 2024; the 2025-03 review's vintage can still be pre-registered
    pack = build_vintage_pack(ledger, _rules(), "2025-03-05", published="2025-03-05")
    assert publish(tmp_path / "r", pack).name == "0001-2025-03-vintage.json"
    assert find_pack(tmp_path / "r", "2025-03", "vintage") is not None
    with pytest.raises(InvalidParameterError, match="no house score vintage"):
        build_vintage_pack(ledger, _rules(), "2021-12-31")
    with pytest.raises(InvalidParameterError, match="does not use a house score vintage"):
        build_vintage_pack(ledger, _rules(pit_mode="systematic"), "2023-06-05")


def test_a_static_review_is_not_registered(universe):
    _, ledger, prices = universe
    m = _rules(pit_mode="static_scores")
    r = run_review(ledger, prices.get, m, "2023-06-05")
    with pytest.raises(InvalidParameterError, match="not point-in-time"):
        build_review_pack(r, ledger, m)
