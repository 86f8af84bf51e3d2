"""Issue 18: `flows stress` with prices from the DuckDB store instead of `--prices DIR` — a real
store filled by `aiinfra prices import` — uses the index formed from them, the same as with the
files themselves; a store whose prices form no index says why instead of asking for prices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.config import get_settings
from aiinfra.index import load_methodology
from aiinfra.ledger import load_ledger
from aiinfra.services.index import form_index, last_price_date
from aiinfra.services.stress import available_prices
from tests.conftest import SHARED_PRICES, write_prices

#: ~11 s: fills a DuckDB store with the shared prices and forms two indexes
pytestmark = pytest.mark.slow

AS_OF = "2026-11-01"  # after the shared prices end (August 2026)
STRESS = ["flows", "stress", "--scenario", "lab_default", "--as-of", AS_OF]


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def store_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SHARED_PRICES.is_dir():
        pytest.skip("../shared/data/prices is absent")
    home = tmp_path_factory.mktemp("store_home")
    doc = json.loads(_invoke("--home", str(home), "prices", "import", str(SHARED_PRICES),
                             "--format", "json"))  # fmt: skip
    assert len(doc["imported"]) == len(list(SHARED_PRICES.glob("*.csv")))
    assert (home / "aiinfra.duckdb").is_file()
    return home


@pytest.fixture(scope="module")
def from_store(store_home: Path) -> dict:
    return json.loads(_invoke("--home", str(store_home), *STRESS, "--format", "json"))


def test_store_prices_give_the_same_index_as_the_files(store_home, from_store, tmp_path):
    from_files = json.loads(_invoke("--home", str(tmp_path / "h"), "--prices",
                                    str(SHARED_PRICES), *STRESS, "--format", "json"))  # fmt: skip
    index = from_store["index"]
    assert index == from_files["index"]
    assert "pass --prices" not in index["weights_source"]
    # the review formed on the store's last price date, by hand from the engine
    settings = get_settings(home=store_home)
    assert settings.prices_dir is None
    prices = available_prices(settings)
    assert prices is not None
    ledger = load_ledger()
    last = last_price_date(ledger, prices)
    assert last is not None and str(last.date()) < AS_OF
    view = form_index(ledger, prices, load_methodology(), last, with_backtest=False)
    assert view.review is not None
    assert index["weights_source"].startswith(
        f"index weights of the review {view.review.dates.review}"
    )
    assert f"the prices end on {last.date()}" in index["weights_source"]
    assert index["constituents"] == len(view.weights())
    shocks = {c["node"]: c["equity_shock"] for c in from_store["companies"]}
    want = sum(w * (shocks.get(c) or 0.0) for c, w in view.weights().items())
    assert index["impact"] == pytest.approx(want)


def test_store_prices_table_title_names_the_review(store_home, from_store):
    title = _invoke("--home", str(store_home), *STRESS).splitlines()[0].strip()
    assert title.endswith("with " + from_store["index"]["weights_source"])


def test_a_store_whose_prices_form_no_index_says_why(tmp_path):
    write_prices(tmp_path / "px", "NVDA", n=30)  # one line, a month: no index can be formed
    home = tmp_path / "h"
    _invoke("--home", str(home), "prices", "import", str(tmp_path / "px"))
    source = json.loads(_invoke("--home", str(home), *STRESS, "--format", "json"))["index"][
        "weights_source"
    ]
    assert source.startswith("house-view weights")
    assert "no index on the date: no index on 2024" in source
    assert "pass --prices" not in source


def test_without_a_store_the_house_view_asks_for_prices(tmp_path):
    home = tmp_path / "h"
    doc = json.loads(_invoke("--home", str(home), *STRESS, "--format", "json"))
    assert "pass --prices" in doc["index"]["weights_source"]
    assert not (home / "aiinfra.duckdb").exists()  # the stress never creates a store
