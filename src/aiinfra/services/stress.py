"""Stress use case: build the scenario from a file, a built-in or CLI flags, and run it."""

from __future__ import annotations

from typing import Any

from aiinfra.config import Settings
from aiinfra.exceptions import InvalidParameterError
from aiinfra.services.ledger import load

__all__ = ["run"]


def run(
    settings: Settings,
    scenario: str | None = None,
    default: str | None = None,
    shortfall: float | None = None,
    start: str | None = None,
    pass_through: float | None = None,
    elasticity: float | None = None,
    as_of: object = None,
    basis: str | None = None,
    data_dir: str | None = None,
) -> Any:
    """``--scenario`` or ``--default PARTY --shortfall F``; flags override the scenario's values."""
    from aiinfra.stress import load_scenario, stress

    if (scenario is None) == (default is None):
        raise InvalidParameterError("give either `--scenario` or `--default` (with `--shortfall`)")
    if scenario is not None:
        data = load_scenario(scenario).model_dump(mode="json", by_alias=True)
    else:
        if shortfall is None:
            raise InvalidParameterError("`--default` needs `--shortfall` (0..1)")
        data = {
            "name": f"{default}_shortfall_{shortfall:g}",
            "shocks": [{"party": default, "shortfall": shortfall}],
        }
    if start is not None:
        data["from"] = start
    if pass_through is not None:
        data.setdefault("propagation", {})["pass_through"] = pass_through
    if elasticity is not None:
        data.setdefault("equity", {})["elasticity"] = elasticity
    if basis is not None:
        data["basis"] = basis
    prices = None
    if settings.prices_dir is not None:
        from aiinfra.services.index import cached_prices

        prices = cached_prices(settings)
    return stress(load(settings, data_dir), load_scenario(data), as_of=as_of, prices=prices)
