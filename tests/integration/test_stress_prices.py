"""`aiinfra flows stress` with prices uses the index's review weights, and takes
`--methodology` (issue 18: it said "pass --prices" although they were given)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.config import get_settings
from aiinfra.index import load_methodology
from aiinfra.ledger import load_ledger
from aiinfra.services.index import form_index, last_price_date
from aiinfra.services.stress import available_prices
from aiinfra.stress import stress

AFTER_PRICES = "2026-11-01"  # the shared prices end in August 2026


def _stress(*args: str) -> dict:
    result = CliRunner().invoke(app, [*args[:2], "flows", "stress", *args[2:], "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "pass --prices" not in result.output
    return json.loads(result.stdout)


def test_prices_given_after_they_end_use_the_review_in_force_then(shared_prices):
    doc = _stress("--prices", str(shared_prices), "--scenario", "lab_default",
                  "--as-of", AFTER_PRICES)  # fmt: skip
    index = doc["index"]
    ledger = load_ledger()
    prices = available_prices(get_settings(prices_dir=shared_prices))
    last = last_price_date(ledger, prices)
    assert last is not None and str(last.date()) < AFTER_PRICES
    view = form_index(ledger, prices, load_methodology(), last, with_backtest=False)
    assert view.review is not None
    source = index["weights_source"]
    assert source.startswith(f"index weights of the review {view.review.dates.review}")
    assert f"the prices end on {last.date()}" in source
    assert index["constituents"] == len(view.weights())
    # the impact is the review's weights times the equity shocks, by hand from the engine
    shocks = {c["node"]: c["equity_shock"] for c in doc["companies"]}
    want = sum(w * (shocks.get(c) or 0.0) for c, w in view.weights().items())
    assert index["impact"] == pytest.approx(want)


def test_methodology_picks_the_rules_of_the_index(shared_prices):
    base = ["--prices", str(shared_prices), "--scenario", "lab_default", "--as-of", AFTER_PRICES]
    default = _stress(*base)["index"]
    semis = _stress(*base, "--methodology", "semis_20cap")["index"]
    ledger = load_ledger()
    prices = available_prices(get_settings(prices_dir=shared_prices))
    last = last_price_date(ledger, prices)
    view = form_index(ledger, prices, load_methodology("semis_20cap"), last, with_backtest=False)
    assert "methodology semis_20cap" in semis["weights_source"]
    assert semis["constituents"] == len(view.weights()) != default["constituents"]
    assert semis["impact"] != pytest.approx(default["impact"])


def test_without_prices_the_message_asks_for_them_and_methodology_sets_the_caps():
    result = CliRunner().invoke(
        app,
        [
            "flows",
            "stress",
            "--scenario",
            "lab_default",
            "--as-of",
            AFTER_PRICES,
            "--methodology",
            "semis_20cap",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    index = json.loads(result.stdout)["index"]
    assert index["weights_source"].startswith("house-view weights")
    assert "capped 20%" in index["weights_source"]  # semis_20cap's single cap
    assert "pass --prices" in index["weights_source"]  # here there really are no prices
    # the same as the engine with that methodology's house-view weights
    r = stress(load_ledger(), "lab_default", as_of=AFTER_PRICES,
               methodology=load_methodology("semis_20cap"))  # fmt: skip
    assert index["impact"] == pytest.approx(r.index["impact"])


def test_prices_that_cannot_form_an_index_say_why_not_pass_prices(tmp_path):
    from tests.conftest import write_prices

    prices = tmp_path / "prices"
    prices.mkdir()
    write_prices(prices, "NVDA", n=30)  # one line, a month: no index can be formed
    result = CliRunner().invoke(
        app,
        [
            "--prices",
            str(prices),
            "flows",
            "stress",
            "--scenario",
            "lab_default",
            "--as-of",
            AFTER_PRICES,
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    source = json.loads(result.stdout)["index"]["weights_source"]
    assert source.startswith("house-view weights")
    assert "no index on the date: no index on 2024" in source
    assert "pass --prices" not in source


def test_an_unknown_methodology_exits_2_naming_it():
    result = CliRunner().invoke(
        app, ["flows", "stress", "--scenario", "lab_default", "--methodology", "nope"]
    )
    assert result.exit_code == 2
    assert "methodology" in result.output and "'nope'" in result.output
    assert "Traceback" not in result.output
