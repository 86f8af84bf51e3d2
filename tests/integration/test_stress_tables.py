"""`aiinfra flows stress` tables and CSV as an analyst reads them (issue 18): the shocked party
apart from those who lose, percent without "-0.0 %"."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from typer.testing import CliRunner

import aiinfra
from aiinfra.app import app
from aiinfra.cli._flows import pct

AS_OF = "2026-11-01"
ARGS = ["flows", "stress", "--scenario", "lab_default", "--as-of", AS_OF]


def _invoke(*extra: str) -> str:
    result = CliRunner().invoke(app, [*ARGS, *extra], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def table() -> str:
    return _invoke()


@pytest.fixture(scope="module")
def engine() -> pd.DataFrame:
    return aiinfra.stress(aiinfra.load_ledger(), "lab_default", as_of=AS_OF).to_frame()


def _row(text: str, company: str) -> list[str]:
    line = next(ln for ln in text.splitlines() if ln.startswith(f"│ {company} "))
    return [c.strip() for c in line.strip("│").split("│")]


def test_pct_never_prints_minus_zero():
    assert pct(-0.00004) == "0.0 %"
    assert pct(-0.0) == "0.0 %"
    assert pct(-0.0004, 2) == "-0.04 %"
    assert pct(-0.00004, 2) == "0.00 %"
    assert pct(-0.5341) == "-53.4 %"
    assert pct(float("nan")) == pct(None) == ""


def test_the_shocked_party_is_apart_from_those_who_lose(table, engine):
    # the engine lists OpenAI (it gets 0.24 bn back through the others' cuts), flagged shocked
    assert engine.loc[engine["node"] == "openai", "shocked"].item()
    main, _, rest = table.partition("shocked parties (they stop paying)")
    assert "companies hit (the shocked parties apart, below)" in main
    assert "│ OpenAI " not in main  # not among those who lose
    assert _row(main, "Oracle")[3] == "36.0"  # 60 % of 300 bn / 5 years
    shocked = _row(rest, "OpenAI")
    assert shocked[3] == "60.0 %"  # its shortfall
    hit = int(main.split(" companies hit")[0].split()[-1])
    assert hit == int((~engine["shocked"]).sum())


def test_no_minus_zero_percent_in_the_table(table, engine):
    assert "-0.0 %" not in table and "-0.00 %" not in table
    # Alphabet's equity shock is a tiny negative number: it prints as 0.0 %, not -0.0 %
    shock = engine.loc[engine["node"] == "alphabet", "equity_shock"].item()
    assert -0.0005 < shock < 0
    row = _row(table, "Alphabet (Google)")
    assert row[-1] == "0.0 %" and row[7] == "0.0 %"
    assert _row(table, "Oracle")[-1] == "-53.4 %"
    assert "index impact -3.30 %" in table


def test_csv_flags_the_shocked_party_last_and_has_no_negative_zero(engine):
    text = _invoke("--format", "csv")
    assert "-0.0," not in text and not any(ln.endswith(",-0.0") for ln in text.splitlines())
    frame = pd.read_csv(io.StringIO(text))
    assert len(frame) == len(engine)
    assert frame["shocked"].tolist() == sorted(frame["shocked"].tolist())  # shocked rows last
    assert frame.loc[frame["shocked"], "node"].tolist() == ["openai"]
    # the numbers are the engine's (fractions, not percent)
    got = frame.set_index("node")["loss_usd"]
    want = engine.set_index("node")["loss_usd"]
    assert got.reindex(want.index).to_numpy() == pytest.approx(want.to_numpy(), abs=1e-6)
