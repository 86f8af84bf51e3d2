"""The report's backtest options (issue 18): ``--start``, ``--cost-bps`` and ``--benchmark`` reach
the backtests, the sources appendix states what was used, and bad values stop the command with
exit 2 before anything is written."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.backtest import backtest
from aiinfra.exceptions import InvalidParameterError
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from aiinfra.services.report import build_report
from tests.index_fixtures import make_universe

AS_OF = "2023-12-29"
OFFLINE = {"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}


@pytest.fixture(scope="module")
def universe(tmp_path_factory):
    root = tmp_path_factory.mktemp("u")
    led, px = make_universe(root, n=24, score_as_of="2024-06-01")
    (root / "vintage.yaml").write_text("pit_mode: vintage\n")
    return load_ledger(base=led), CsvDirProvider(px).get, root


def _settings(r) -> str:
    return dict(r.sources)["Backtest settings"]


def test_start_and_cost_reach_both_backtests_and_the_report_states_them(universe):
    ledger, prices, root = universe
    rules = str(root / "vintage.yaml")
    free = build_report(ledger, prices, as_of=AS_OF, methodology=rules, start="2022-06-01",
                        benchmarks=("T01",))  # fmt: skip
    paid = build_report(ledger, prices, as_of=AS_OF, methodology=rules, start="2022-06-01",
                        benchmarks=("T01",), cost_bps=25)  # fmt: skip
    later = build_report(ledger, prices, as_of=AS_OF, methodology=rules, start="2023-01-01",
                         benchmarks=("T01",))  # fmt: skip
    bt0, bt1, bt2 = (r.index.backtest for r in (free, paid, later))
    # the start: the first review effective on or after it
    assert bt0.levels.index[0] >= pd.Timestamp("2022-06-01")
    assert bt2.levels.index[0] >= pd.Timestamp("2023-01-01")
    assert bt2.levels.index[0] > bt0.levels.index[0]
    # the cost: the same dates, and the report's backtest is the engine's with the same cost
    assert list(bt1.levels.index) == list(bt0.levels.index)
    assert bt1.levels["GTR"].iloc[-1] < bt0.levels["GTR"].iloc[-1]
    view = paid.index
    static = view.methodology
    if not view.review.point_in_time:
        static = static.model_copy(update={"pit_mode": "static_scores"})
    engine = backtest(ledger, prices, static, "2022-06-01", bt1.levels.index[-1],
                      benchmarks=("T01",), cost_bps=25)  # fmt: skip
    assert engine.levels["GTR"].tolist() == bt1.levels["GTR"].tolist()
    assert _settings(free) == (
        "start 2022-06-01 (the first review effective on or after it), transaction cost 0 bp "
        "per unit traded, benchmarks: T01"
    )
    assert "transaction cost 25 bp" in _settings(paid)
    assert "Backtest settings" in paid.html and "transaction cost 25 bp" in paid.html


def test_the_german_report_states_them_in_german(universe):
    ledger, prices, root = universe
    r = build_report(ledger, prices, as_of=AS_OF, methodology=str(root / "vintage.yaml"),
                     start="2022-06-01", benchmarks=("T01", "T02"), cost_bps=2.5, lang="de")  # fmt: skip
    text = dict(r.sources)["Backtest-Einstellungen"]
    assert "Beginn 2022-06-01" in text and "2,5 bp" in text and text.endswith("T01, T02")


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (
            {"start": "2024-01-01"},
            "`--start` 2024-01-01 must be before the report's date 2023-12-29",
        ),
        ({"start": "2023-12-29"}, "`--start` 2023-12-29 must be before the report's date"),
        ({"start": "2023-02-30"}, "`--start` must be a valid date"),
        ({"cost_bps": -1.0}, "`--cost-bps` must be a finite number ≥ 0"),
        ({"cost_bps": float("nan")}, "`--cost-bps` must be a finite number ≥ 0"),
        ({"cost_bps": float("inf")}, "`--cost-bps` must be a finite number ≥ 0"),
    ],
)
def test_bad_start_or_cost_fails_before_any_work(universe, kw, message):
    ledger, prices, _ = universe
    with pytest.raises(InvalidParameterError, match=message.replace("(", r"\(")):
        build_report(ledger, prices, as_of=AS_OF, check_start=True, **kw)


def test_a_start_after_the_last_price_is_refused(universe):
    ledger, prices, _ = universe
    last = max(prices(t)["close"].last_valid_index() for t in ("T01", "T02"))
    with pytest.raises(InvalidParameterError, match="must be before the last price"):
        build_report(ledger, prices, as_of="2030-06-30", start="2029-01-01", check_start=True)
    assert last.year < 2029


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cost-bps", "-1"], "`--cost-bps` must be a finite number ≥ 0"),
        (["--cost-bps", "nan"], "`--cost-bps` must be a finite number ≥ 0"),
        (["--as-of", "2025-06-30", "--start", "2025-07-01"],
         "`--start` 2025-07-01 must be before the report's date 2025-06-30"),
        (["--start", "2025-13-01"], "`--start` must be a valid date"),
    ],
)  # fmt: skip
def test_the_command_exits_2_naming_the_option_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "r.html"
    home = tmp_path / "h"
    r = CliRunner().invoke(app, ["--home", str(home), "report", "--out", str(out), *args],
                           env=OFFLINE)  # fmt: skip
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output
    assert not out.exists() and not home.exists()
