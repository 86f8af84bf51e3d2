"""Issue 18: `aiinfra index publish` without any prices says where price files come from, as
every other command that needs them does (NO_PRICES_HELP): exit 2, no traceback, nothing
written. Errors that are not about prices keep their own message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.services.prices import NO_PRICES_HELP

OFFLINE = {"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
AS_OF = "2026-06-30"


def _publish(home: Path, registry: Path, *extra: str):
    return CliRunner().invoke(
        app,
        ["--home", str(home), "index", "publish", "--as-of", AS_OF, "--registry", str(registry),
         *extra],
        env=OFFLINE,
    )  # fmt: skip


def _nothing_written(home: Path, registry: Path) -> None:
    assert not registry.exists()
    assert not (home / "aiinfra.duckdb").exists()


@pytest.mark.parametrize("kind", [[], ["--kind", "review"]])
def test_publish_without_prices_says_how_to_get_them(tmp_path, kind):
    home, registry = tmp_path / "h", tmp_path / "reg"
    r = _publish(home, registry, *kind)
    assert r.exit_code == 2
    assert "Traceback" not in r.output and isinstance(r.exception, SystemExit)
    flat = " ".join(r.output.split())
    assert flat.startswith(
        f"error: no prices: no `--prices DIR` given and no store at {home / 'aiinfra.duckdb'}."
    )
    assert NO_PRICES_HELP in flat
    assert "Nothing was published." in flat and "`--kind vintage`" in flat
    _nothing_written(home, registry)


def test_publish_json_error_carries_the_same_message(tmp_path):
    home, registry = tmp_path / "h", tmp_path / "reg"
    r = _publish(home, registry, "--format", "json")
    assert r.exit_code == 2
    err = json.loads(r.stderr)["error"]
    assert err["type"] == "InvalidParameterError"
    assert NO_PRICES_HELP in err["message"]
    _nothing_written(home, registry)


def test_an_empty_prices_directory_is_named(tmp_path):
    empty, registry = tmp_path / "px", tmp_path / "reg"
    empty.mkdir()
    r = CliRunner().invoke(
        app,
        ["--home", str(tmp_path / "h"), "--prices", str(empty), "index", "publish", "--as-of",
         AS_OF, "--registry", str(registry)],
    )  # fmt: skip
    assert r.exit_code == 2
    flat = " ".join(r.output.split())
    assert f"no prices: `--prices` '{empty}' holds no TICKER.csv file." in flat
    assert NO_PRICES_HELP in flat
    assert not registry.exists()


def test_other_errors_keep_their_own_message(tmp_path):
    home, registry = tmp_path / "h", tmp_path / "reg"
    r = _publish(home, registry, "--methodology", "nope")  # a bad option, not missing prices
    assert r.exit_code == 2
    assert "`methodology` file not found: 'nope'" in r.output
    assert NO_PRICES_HELP not in " ".join(r.output.split())
    # a vintage pack reads no prices: its own error (no score vintage by this cut-off)
    r = _publish(home, registry, "--kind", "vintage")
    assert r.exit_code == 2
    assert NO_PRICES_HELP not in " ".join(r.output.split())
    assert "nothing to pre-register" in r.output
    _nothing_written(home, registry)
