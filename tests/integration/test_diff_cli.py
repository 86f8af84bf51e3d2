"""``aiinfra diff DATE1 DATE2`` on the bundled ledger: table, csv and json, and bad dates."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.ledger import load_ledger

runner = CliRunner()
D1, D2 = "2025-06-30", "2026-06-30"


def invoke(*args: str):
    return runner.invoke(app, ["diff", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def as_json() -> dict:
    result = invoke(D1, D2, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def added() -> set[str]:
    ledger = load_ledger()
    return set(ledger.as_of(D2).flows["id"]) - set(ledger.as_of(D1).flows["id"])


def test_json_holds_every_part_and_the_counts(as_json, added):
    assert as_json["date1"] == D1 and as_json["date2"] == D2 and as_json["year"] == 2026
    for part in ("deals", "cycles", "index", "gap_stress"):
        assert isinstance(as_json[part], list)
    assert as_json["counts"]["deals"]["added"] == len(added)
    assert {r["flow_id"] for r in as_json["deals"] if r["change"] == "added"} == added
    # no --prices and no score vintage known on either date: no index, and the notes say why
    assert not as_json["index_weights"]["date1"]["available"]
    assert any("no house score vintage" in n for n in as_json["notes"])
    gap = {r["measure"]: r for r in as_json["gap_stress"] if r["part"] == "gap"}
    assert gap["capex"]["value_d2"] == 500.0  # g067: the seeds' $500bn for 2026


def test_csv_is_one_part(as_json):
    result = invoke(D1, D2, "--part", "deals", "--format", "csv")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert list(frame["flow_id"]) == [r["flow_id"] for r in as_json["deals"]]
    assert list(frame.columns[:2]) == ["change", "flow_id"]
    assert "committed_d1" in frame.columns and "committed_d2" in frame.columns


def test_csv_without_a_part_exits_2_naming_the_option():
    result = invoke(D1, D2, "--format", "csv")
    assert result.exit_code == 2
    assert "`--part`" in result.stderr


def test_table_prints_each_part_with_its_counts(as_json, added):
    result = invoke(D1, D2)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"{len(added)} added" in out
    n_cycles = as_json["counts"]["cycles"]["appeared"]
    assert f"{n_cycles} appeared" in " ".join(out.split())
    assert "ROI gap and stress" in " ".join(out.split())
    assert "no house score vintage" in result.stderr


def test_as_of_stands_for_date2():
    a = invoke(D1, "--as-of", D2, "--part", "cycles", "--format", "json")
    b = invoke(D1, D2, "--part", "cycles", "--format", "json")
    assert a.exit_code == 0 and a.stdout == b.stdout
    clash = invoke(D1, D2, "--as-of", "2026-05-31", "--part", "cycles")
    assert clash.exit_code == 2 and "`date2`" in clash.stderr


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((D2, D1), "`date1`"),  # D1 after D2
        ((D1, D1), "`date1`"),  # the same date
        ((D1, "2999-01-01"), "`date2`"),  # in the future
        (("30.06.2025", D2), "`date1`"),  # not YYYY-MM-DD
    ],
)
def test_bad_dates_exit_2_naming_the_parameter(args, name):
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 2
    err = json.loads(result.stderr)["error"]
    assert err["type"] == "InvalidParameterError" and name in err["message"]
