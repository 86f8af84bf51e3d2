"""A user without ../shared is told where price files come from and how to get them (issue 18):
every command that needs prices says the CSV format, `aiinfra prices fetch` / `aiinfra prices
import` and `--prices DIR` (one message, :data:`aiinfra.services.prices.NO_PRICES_HELP`), with
its exit code as before; a run that has some prices keeps its own error."""

from __future__ import annotations

import html

import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.config import get_settings
from aiinfra.exceptions import MissingDataError
from aiinfra.services.dashboard import Dashboard
from aiinfra.services.prices import NO_PRICES_HELP
from tests.conftest import write_prices

OFFLINE = {"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}


def _run(*args: str):
    return CliRunner().invoke(app, list(args), env=OFFLINE)


def test_the_message_says_the_format_and_the_three_ways():
    assert "date,open,high,low,close,adj_close,volume" in NO_PRICES_HELP
    assert "TICKER.csv" in NO_PRICES_HELP
    assert "`aiinfra prices fetch TICKER...`" in NO_PRICES_HELP and "yfinance" in NO_PRICES_HELP
    assert "needs network" in NO_PRICES_HELP
    assert "`aiinfra prices import DIR`" in NO_PRICES_HELP
    assert "`aiinfra --prices DIR ...`" in NO_PRICES_HELP


@pytest.mark.parametrize("command", [["index", "review"], ["index", "backtest"]])
def test_the_index_commands_without_any_prices_say_how_to_get_them(tmp_path, command):
    home = tmp_path / "h"
    r = _run("--home", str(home), *command)
    assert r.exit_code == 2  # as before (the review found no eligible name)
    assert r.output.startswith(f"error: no prices: no `--prices DIR` given and no store at {home}")
    assert NO_PRICES_HELP in r.output.replace("\n", " ") and "Traceback" not in r.output
    assert not (home / "aiinfra.duckdb").exists()


def test_an_empty_prices_directory_is_named(tmp_path):
    empty = tmp_path / "px"
    empty.mkdir()
    r = _run("--prices", str(empty), "--home", str(tmp_path / "h"), "index", "review")
    assert r.exit_code == 2
    assert f"no prices: `--prices` '{empty}' holds no TICKER.csv file." in r.output
    assert NO_PRICES_HELP in r.output.replace("\n", " ")


def test_some_prices_keep_the_review_s_own_error(tmp_path):
    write_prices(tmp_path / "px", "NVDA", n=300, start="2025-01-01")
    r = _run("--prices", str(tmp_path / "px"), "--home", str(tmp_path / "h"), "index", "review",
             "--as-of", "2026-01-30")  # fmt: skip
    assert r.exit_code == 2 and "eligible names, fewer than the minimum" in r.output
    assert NO_PRICES_HELP not in r.output.replace("\n", " ")


@pytest.mark.slow  # ~9 s: a whole report; test_report.py checks page one offline in the default run
def test_the_report_without_prices_says_it_on_page_one_and_on_stderr(tmp_path):
    out = tmp_path / "r.html"
    r = CliRunner().invoke(app, ["--home", str(tmp_path / "h"), "report", "--out", str(out)],
                           env=OFFLINE)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert NO_PRICES_HELP in r.output.replace("\n", " ")
    assert html.escape(NO_PRICES_HELP) in out.read_text(encoding="utf-8")


def test_the_dashboard_index_page_message(tmp_path):
    board = Dashboard(get_settings(home=tmp_path / "h"), as_of="2026-06-30")
    assert board.prices is None
    assert board.no_prices == (
        f"no prices: no `--prices DIR` given and no store at {tmp_path / 'h' / 'aiinfra.duckdb'}. "
        + NO_PRICES_HELP
    )
    with pytest.raises(MissingDataError) as err:
        board.index_view()
    assert str(err.value) == board.no_prices
