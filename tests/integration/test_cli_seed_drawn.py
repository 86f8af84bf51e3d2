"""A random run without --seed says which seed reproduces it (never "seed None")."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aiinfra.app import app

runner = CliRunner()


def _significance(*extra: str) -> dict:
    r = runner.invoke(
        app,
        ["flows", "significance", "--as-of", "2026-06-30", "--samples", "40", *extra,
         "--format", "json"],
        catch_exceptions=False,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_a_drawn_seed_is_shown_and_reproduces_the_run():
    first = _significance()
    assert isinstance(first["seed"], int) and first["seed"] >= 0
    again = _significance("--seed", str(first["seed"]))
    assert again == first


def test_the_table_title_names_the_seed():
    r = runner.invoke(
        app, ["flows", "significance", "--as-of", "2026-06-30", "--samples", "20"],
        catch_exceptions=False,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "seed None" not in r.output and "seed " in r.output


def test_a_negative_seed_is_refused():
    r = runner.invoke(app, ["flows", "significance", "--seed", "-1"])
    assert r.exit_code == 2 and "--seed" in r.output
