"""Tables read through a pipe and one number convention (issue 18, docs/cli.md "Tables" and
"Numbers"): the real CLI in a subprocess, whose stdout is a pipe, not a terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from aiinfra.cli._output import as_percent, emit_rows, pct
from tests.conftest import ROOT, run_cli

SOXX = ROOT / "examples" / "holdings" / "ishares_soxx_top10_2026-05-12.csv"
AS_OF = "2026-11-01"


@pytest.fixture(autouse=True)
def _no_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe as a user has it: no COLUMNS in the environment (a test runner may set one)."""
    monkeypatch.delenv("COLUMNS", raising=False)


def _cells(line: str, bar: str = "│") -> list[str]:
    return [c.strip() for c in line.strip().strip(bar).split(bar)]


def _body(text: str) -> list[list[str]]:
    return [_cells(ln) for ln in text.splitlines() if ln.startswith("│")]


def _header(text: str) -> list[str]:
    return _cells(next(ln for ln in text.splitlines() if ln.startswith("┃")), "┃")


def _ok(*args: str) -> str:
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# ------------------------------------------------------------------------------ tables


def test_a_wide_table_through_a_pipe_has_one_line_per_row_and_every_header():
    csv = pd.read_csv(io.StringIO(_ok("ledger", "show", "flows", "--as-of", AS_OF, "-f", "csv")))
    text = _ok("ledger", "show", "flows", "--as-of", AS_OF)
    header, rows = _header(text), _body(text)
    # every column whole in the header line (rich at 80 columns folded them over two lines)
    assert {"id", "payer", "payee", "flow_layer", "committed", "status_date"} <= set(header)
    assert len(rows) == len(csv)  # one line per flow, none folded onto a second line
    assert [r[0] for r in rows] == csv["id"].tolist()
    assert all(len(r) == len(header) for r in rows)
    width = max(len(ln) for ln in text.splitlines())
    assert width > 80  # its natural width, not the 80 columns of a pipe
    # the title is one line too
    assert text.splitlines()[0].strip() == f"flows as of {AS_OF}"


def test_columns_set_in_the_environment_still_wins():
    proc = run_cli("ledger", "show", "flows", "--as-of", AS_OF, env={"COLUMNS": "80"})
    assert proc.returncode == 0, proc.stderr
    assert max(len(ln) for ln in proc.stdout.splitlines()) <= 80


def test_hostile_text_through_a_pipe_is_shown_literally(tmp_path: Path):
    p = tmp_path / "evil.csv"
    p.write_text(
        "Ticker,Name,Weight\nEVIL,\x1b[31mRed Corp [red]loud[/red] [link=https://x.example]y[/link],"
        "60\nNVDA,NVIDIA,40\n",
        encoding="utf-8",
    )
    out = _ok("lookthrough", str(p), "--as-of", "2026-11-30", "--table", "unmapped")
    assert "\x1b" not in out and "\x1b]8;" not in out
    line = next(ln for ln in out.splitlines() if "EVIL" in ln)  # the whole name on one line
    assert "\\x1b[31mRed Corp [red]loud[/red] [link=https://x.example]y[/link]" in line


def test_a_title_is_data_too(capsys: pytest.CaptureFixture[str]):
    emit_rows(["a"], [{"a": "x\ny"}], title="fund [bold]B[/bold] \x1b[2J")
    out = capsys.readouterr().out
    assert "fund [bold]B[/bold] \\x1b[2J" in out and "\x1b" not in out
    assert "x\\ny" in out  # a newline in a cell is shown, the row stays one line
    assert out.endswith("1 rows\n")


# ------------------------------------------------------------------------------ numbers


def test_pct_and_as_percent():
    assert pct(0.12749) == "12.7 %" and pct(0.080296, 2) == "8.03 %"
    assert pct(-0.00004) == "0.0 %" and pct(-0.012, sign="pp") == "-1.2 pp"
    assert pct(None) == pct(float("nan")) == pct("x") == ""
    frame = pd.DataFrame({"w": [0.5, None], "n": [1.5, 2.0]})
    shown = as_percent(frame, {"w": 1, "absent": 2})
    assert shown["w"].tolist() == ["50.0 %", ""] and shown["n"].tolist() == [1.5, 2.0]
    assert frame["w"].iloc[0] == 0.5  # the frame itself is not changed


@pytest.mark.slow  # a CLI run per format (the default run stays under 10 min)
def test_gap_table_in_percent_csv_in_fractions():
    csv = pd.read_csv(io.StringIO(_ok("gap", "--as-of", AS_OF, "-f", "csv"))).set_index("year")
    row = dict(zip(_header(text := _ok("gap", "--as-of", AS_OF)),
                   next(r for r in _body(text) if r[0] == "2026"), strict=True))  # fmt: skip
    # 55 of the 2000 USD bn required; s = 138.0 / 1082.4 = 0.1275; 55 × (1 − s) / 2000 = 0.024
    assert csv.loc[2026, "coverage"] == pytest.approx(55 / 2000)
    assert row["coverage"] == "2.8 %" and row["circular_share"] == "12.7 %"
    assert row["net_coverage"] == "2.4 %"
    assert row["capex"] == "500.0"  # amounts stay numbers
    assert csv.loc[2026, "circular_share"] == pytest.approx(0.1275, abs=5e-5)


@pytest.mark.slow  # a CLI run per format (the default run stays under 10 min)
def test_lookthrough_weights_in_percent():
    text = _ok("lookthrough", str(SOXX), "--as-of", "2026-11-30", "--table", "summary")
    summary = {r[0]: r[1] for r in _body(text)}
    assert summary["lines"] == "10"  # a count, not a fraction
    assert summary["covered_weight"] == "59.96 %"  # 0.599592 in csv and json
    companies = _ok("lookthrough", str(SOXX), "--as-of", "2026-11-30", "--table", "companies")
    amd = next(r for r in _body(companies) if r[0] == "AMD")  # by name (issue 18)
    assert amd[3] == "8.03 %"  # AMD's 8.0296 % of the fund
    csv = _ok("lookthrough", str(SOXX), "--as-of", "2026-11-30", "-f", "csv")
    frame = pd.read_csv(io.StringIO(csv)).set_index("measure")
    assert frame.loc["covered_weight", "value"] == pytest.approx(0.599592)


@pytest.mark.slow  # a CLI run per format (the default run stays under 10 min)
def test_buildout_summary_growth_in_percent():
    text = _ok("buildout", "--summary", "--metric", "hyperscaler_capex", "--as-of", AS_OF)
    amazon = next(r for r in _body(text) if r[1] == "Amazon (AWS)")  # by name (issue 18)
    # Amazon capex 131.82 (2025) → 200 (2026 guidance): 200 / 131.82 − 1 = 51.7 %
    assert amazon[-2:] == ["51.7 %", "51.7 %"]


@pytest.mark.slow  # a CLI run per format (the default run stays under 10 min)
def test_diff_gap_stress_fraction_rows_in_percent():
    text = _ok("diff", "2025-06-01", AS_OF, "--part", "gap_stress")
    cov = next(r for r in _body(text) if r[2] == "coverage")
    assert cov[3] == "%" and cov[5] == "2.8 %"  # 55 / 2000
    capex = next(r for r in _body(text) if r[2] == "capex")
    assert capex[3] == "USD bn" and capex[5] == "500.0"
    csv = _ok("diff", "2025-06-01", AS_OF, "--part", "gap_stress", "-f", "csv")
    frame = pd.read_csv(io.StringIO(csv)).set_index("measure")
    assert frame.loc["coverage", "unit"] == "ratio"
    assert frame.loc["coverage", "value_d2"] == pytest.approx(0.0275)


@pytest.mark.slow  # a CLI run per format (the default run stays under 10 min)
def test_index_review_weights_in_percent(shared_prices: Path):
    args = ("--prices", str(shared_prices), "index", "review", "--as-of", "2026-06-30")
    csv = pd.read_csv(io.StringIO(_ok(*args, "-f", "csv")))
    text = _ok(*args)
    header = _header(text)
    shown = {r[header.index("id")]: r[header.index("weight")] for r in _body(text)}
    assert len(shown) == len(csv)
    for cid, w in zip(csv["id"], csv["weight"], strict=True):
        assert shown[cid] == f"{w * 100:.2f} %"
