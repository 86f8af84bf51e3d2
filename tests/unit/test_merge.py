"""One merge rule for methodology overrides: a file, a sweep's overrides and a sweep variant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from aiinfra._merge import deep_merge
from aiinfra.backtest import Grid
from aiinfra.index import load_methodology


def test_nested_mappings_merge_key_by_key() -> None:
    base: dict[str, Any] = {
        "w": {"default": 0.15, "by_country": {"US": 0.30, "KR": 0.22}},
        "n": [1],
    }
    over = {"w": {"by_country": {"US": 0.25}}, "n": [2]}
    assert deep_merge(base, over) == {
        "w": {"default": 0.15, "by_country": {"US": 0.25, "KR": 0.22}},
        "n": [2],
    }
    assert base["w"]["by_country"] == {"US": 0.30, "KR": 0.22}  # inputs untouched
    assert deep_merge(base, {"w": None}) == {"w": None, "n": [1]}


def test_same_override_same_methodology_in_a_file_and_in_a_sweep(tmp_path: Path) -> None:
    over = {"withholding_tax": {"by_country": {"US": 0.25}}}
    path = tmp_path / "wht.yaml"
    path.write_text(yaml.safe_dump(over), encoding="utf-8")
    from_file = load_methodology(path)
    assert from_file.withholding_tax.rate("US") == 0.25
    assert from_file.withholding_tax.rate("KR") == 0.22  # the other countries are kept

    # the same override as a sweep variant's value …
    grid = Grid(base="default", parameters={"withholding_tax.by_country": [{"US": 0.25}]})
    [variant] = grid.variants()
    assert variant.methodology is not None
    assert variant.methodology.config_hash() == from_file.config_hash()
    assert variant.methodology == from_file

    # … and as the sweep's overrides
    grid = Grid(base="default", overrides=over, parameters={"selection.target_n": [50]})
    assert grid.base_methodology() == from_file
    [variant] = grid.variants()
    assert variant.methodology is not None
    assert variant.methodology.config_hash() == from_file.config_hash()

    # and as a dict of overrides
    assert load_methodology(over) == from_file
