"""Text from data reaches the terminal as text: no ANSI escape is obeyed, no Rich markup styled."""

from __future__ import annotations

from pathlib import Path

from aiinfra.cli._output import terminal_safe
from tests.conftest import run_cli

FLOW_HEADER = "id,payer,payee,type,flow_layer,ceiling,committed,funded,horizon_years,announced," \
    "supersedes,obligation,obligation_role,source_tier,source,source_date,notes\n"  # fmt: skip


def test_control_characters_are_shown_escaped():
    assert terminal_safe("a\x1b[2Jb\x07c\x9b") == "a\\x1b[2Jb\\x07c\\x9b"
    assert terminal_safe("line\nnext\ttab") == "line\nnext\ttab"


def test_an_escape_sequence_in_a_price_file_is_not_sent_to_the_terminal(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "AAA.csv").write_text(
        "date,open,high,low,close,adj_close,volume\n\x1b[2J\x1b]0;pwned\x07,1,1,1,1,1,1\n"
    )
    proc = run_cli("prices", "import", str(src), env={"AIINFRA_HOME": str(tmp_path / "h")})
    assert proc.returncode == 2, proc.stderr
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in proc.stderr


def test_rich_markup_in_a_company_name_is_printed_as_written(tmp_path: Path):
    env = {"AIINFRA_HOME": str(tmp_path / "h"), "COLUMNS": "400"}
    (tmp_path / "companies.csv").write_text(
        "id,name,ticker,alt_tickers,adr_ratios,country,listed,layer,category,notes,source\n"
        "zz_markup,[bold red]markup[/bold red] [link=https://evil.example]x[/link],,,,US,false,"
        "model_lab,,a note,https://example.org/mine\n"
    )
    proc = run_cli("ledger", "show", "companies", "--data", str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stderr
    assert "[bold red]markup[/bold red]" in proc.stdout
    assert "[link=https://evil.example]x[/link]" in proc.stdout
    assert "\x1b]8;" not in proc.stdout  # no terminal hyperlink was emitted


def test_report_takes_a_ledger_overlay_with_data(tmp_path: Path):
    bad = tmp_path / "overlay"
    bad.mkdir()
    (bad / "relationships.csv").write_text(
        "company_a,company_b,kind,source,source_date,notes\nnvidia,nvidia,x,y,2026-01-01,\n"
    )
    out = tmp_path / "r.html"
    proc = run_cli("report", "--data", str(bad), "--out", str(out),
                   env={"AIINFRA_HOME": str(tmp_path / "h")})  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "relationships.csv" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
