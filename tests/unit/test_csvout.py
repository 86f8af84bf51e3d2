"""CSV for people: a text cell a spreadsheet would run as a formula is written with a quote in
front; numbers stay numbers. Every CSV the project writes goes through aiinfra._csvout.to_csv."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from aiinfra._csvout import FORMULA_START, neutralise, neutralise_cell, to_csv
from aiinfra.app import app

SRC = Path(__file__).resolve().parents[2] / "src" / "aiinfra"
PAYLOAD = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (PAYLOAD, "'" + PAYLOAD),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-0.5", "-0.5"),  # a plain number written as text stays a number
        ("+3e5", "+3e5"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),  # only the first character matters
        ("", ""),
        (-0.5, -0.5),
        (None, None),
    ],
)
def test_cells(cell, expected):
    assert neutralise_cell(cell) == expected


def test_frames_keep_numbers_and_neutralise_text_index_and_categories():
    frame = pd.DataFrame(
        {
            "note": [PAYLOAD, "ok", None],
            "value": [-1.5, 2.0, np.nan],
            "kind": pd.Categorical(["=x", "y", "y"]),
        },
        index=pd.Index(["@a", "b", "c"], name="id"),
    )
    before = frame.copy()
    out = neutralise(frame)
    pd.testing.assert_frame_equal(frame, before)  # the input is not changed
    assert list(out["note"])[:2] == ["'" + PAYLOAD, "ok"] and pd.isna(out["note"].iloc[2])
    np.testing.assert_array_equal(out["value"].to_numpy(), frame["value"].to_numpy())
    assert list(out["kind"]) == ["'=x", "y", "y"]
    assert list(out.index) == ["'@a", "b", "c"]
    rows = list(csv.reader(io.StringIO(to_csv(frame))))
    assert rows[1][:3] == ["'@a", "'" + PAYLOAD, "-1.5"]
    assert not any(c.startswith(FORMULA_START) and not c.startswith("-1") for r in rows for c in r)


def test_ledger_show_csv_neutralises_an_overlay_note(tmp_path: Path):
    runner = CliRunner()
    shown = json.loads(runner.invoke(app, ["ledger", "show", "flows", "--format", "json"]).output)
    first = shown[0]
    header = "id,payer,payee,type,flow_layer,ceiling,committed,funded,horizon_years,announced," \
        "supersedes,obligation,obligation_role,source_tier,source,source_date,notes\n"  # fmt: skip
    note = PAYLOAD.replace('"', '""')
    (tmp_path / "flows.csv").write_text(
        header
        + f"{first['id']},{first['payer']},{first['payee']},{first['type']},{first['flow_layer']},"
        + f',,,,{first["announced"]},,,,press,https://example.org/mine,2026-01-01,"{note}"\n'
    )
    (tmp_path / "flow_events.csv").write_text(
        "flow_id,date,status,ceiling,committed,funded,source,notes\n"
        f"{first['id']},{first['announced']},announced,,,,https://example.org/mine,\n"
    )
    result = runner.invoke(
        app, ["ledger", "show", "flows", "--data", str(tmp_path), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    mine = next(r for r in rows if r["id"] == first["id"])
    assert mine["notes"] == "'" + PAYLOAD
    assert PAYLOAD not in [c for r in rows for c in r.values()]


def test_no_module_writes_csv_around_the_helper():
    # a new writer that calls DataFrame.to_csv directly would bypass the neutralisation
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "_csvout.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(", line):
                offenders.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert not offenders, offenders
