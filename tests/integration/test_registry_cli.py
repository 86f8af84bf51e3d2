"""`aiinfra index publish|verify` (issue 14, part 2): packs written by the command line verify; a
second pack of the same review and kind, a review that cannot be formed, a tampered pack: exit 2,
every problem named, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from tests.index_fixtures import make_universe

runner = CliRunner()
SMALL = """\
selection: {target_n: 20, min_n: 5, min_per_category: 2}
eligibility: {min_composite: {new: 0, existing: 0}}
scores: {max_vintage_age_reviews: null}
"""


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def synthetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A synthetic universe (prices 2022-01 to 2024-09) overlaid on the bundled ledger, and a
    methodology for 30 names."""
    led, px = make_universe(tmp_path / "u")
    monkeypatch.setenv("AIINFRA_DATA", str(led))
    rules = tmp_path / "small.yaml"
    rules.write_text(SMALL)
    return px, rules


def _future_as_of() -> str:
    # a date whose review's cut-off and effective date lie after today, so that a vintage
    # published today is before its effective date whenever the test runs
    return (pd.Timestamp.today().normalize() + pd.Timedelta(days=120)).date().isoformat()


def test_publish_a_vintage_verify_and_refuse_a_second(tmp_path: Path):
    reg = tmp_path / "reviews"
    args = ("index", "publish", "--as-of", _future_as_of(), "--kind", "vintage",
            "--registry", str(reg))  # fmt: skip
    first = invoke(*args, "--format", "json")
    assert first.exit_code == 0, first.output
    out = json.loads(first.output)
    files = sorted(p.name for p in reg.iterdir())
    assert files == [f"0001-{out['review']['review']}-vintage.json"]
    assert out["kind"] == "vintage" and out["seq"] == 1 and out["prev_sha256"] is None
    assert out["score_vintage"]["source"] == "house" and out["score_vintage"]["rows"] >= 60
    assert out["selection"] is None and out["prices_through"] is None

    ok = invoke("index", "verify", "--registry", str(reg), "--format", "json")
    assert ok.exit_code == 0, ok.output
    doc = json.loads(ok.output)
    assert doc["verified"] is True and doc["head"] == out["sha256"]
    assert [p["file"] for p in doc["packs"]] == files
    table = invoke("index", "verify", "--registry", str(reg))
    assert table.exit_code == 0 and "the chain verifies" in table.output

    before = (reg / files[0]).read_bytes()
    again = invoke(*args)
    assert again.exit_code == 2
    assert "already has a vintage pack" in again.output and files[0] in again.output
    assert "Traceback" not in again.output
    assert sorted(p.name for p in reg.iterdir()) == files
    assert (reg / files[0]).read_bytes() == before


def test_publish_a_review_on_a_synthetic_universe(synthetic, tmp_path: Path):
    px, rules = synthetic
    reg = tmp_path / "reviews"
    result = invoke("--prices", str(px), "index", "publish", "--as-of", "2023-06-05",
                    "--methodology", str(rules), "--registry", str(reg), "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["kind"] == "review" and out["selection"] == 20
    assert out["review"]["effective"] == "2023-06-16" and out["prices_through"] == "2023-06-09"
    assert out["score_vintage"] == {**out["score_vintage"], "source": "house", "rows": 30}
    pack = json.loads(Path(out["file"]).read_text())
    assert abs(sum(pack["weights"].values()) - 1) < 1e-12
    assert pack["methodology"] == str(rules) and pack["input_hash"] == out["input_hash"]
    assert invoke("index", "verify", "--registry", str(reg)).exit_code == 0
    # pre-registering after the review was formed, and after it took effect, is refused
    late = invoke("index", "publish", "--as-of", "2023-06-05", "--methodology", str(rules),
                  "--registry", str(reg), "--kind", "vintage")  # fmt: skip
    assert late.exit_code == 2 and "refused" in late.output
    assert sorted(p.name for p in reg.iterdir()) == ["0001-2023-06-review.json"]


def test_a_review_that_cannot_be_formed_says_why_and_writes_nothing(synthetic, tmp_path: Path):
    px, rules = synthetic
    reg = tmp_path / "reviews"
    # the prices end in 2024: nothing trades in the 2025-03 review's liquidity window
    result = invoke("--prices", str(px), "index", "publish", "--as-of", "2025-03-05",
                    "--methodology", str(rules), "--registry", str(reg))  # fmt: skip
    assert result.exit_code == 2
    assert "review 2025-03 cannot be formed" in result.output
    assert "--kind vintage" in result.output and "Traceback" not in result.output
    assert not reg.exists() or list(reg.iterdir()) == []


def test_verify_names_every_problem_and_exits_2(tmp_path: Path):
    reg = tmp_path / "reviews"
    first = invoke("index", "publish", "--as-of", _future_as_of(), "--kind", "vintage",
                   "--registry", str(reg))  # fmt: skip
    assert first.exit_code == 0, first.output
    (pack,) = reg.iterdir()
    doc = json.loads(pack.read_text())
    doc["score_vintage"]["rows"][0]["qualitative"] = 100.0
    pack.write_text(json.dumps(doc))
    result = invoke("index", "verify", "--registry", str(reg))
    assert result.exit_code == 2
    assert f"{pack.name}, column 'sha256'" in result.output
    assert f"{pack.name}, column 'score_vintage.rows_sha256'" in result.output
    assert f"{pack.name}, column 'score_vintage.rows'" in result.output
    as_json = invoke("index", "verify", "--registry", str(reg), "--format", "json")
    assert as_json.exit_code == 2
    err = json.loads(as_json.output)["error"]
    assert {p["column"] for p in err["problems"]} == {
        "sha256",
        "score_vintage.rows_sha256",
        "score_vintage.rows",
    }
    missing = invoke("index", "verify", "--registry", str(tmp_path / "nope"))
    assert missing.exit_code == 2 and "does not exist" in missing.output
