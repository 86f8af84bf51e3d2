"""Stress use case: build the scenario from a file, a built-in or CLI flags, and run it."""

from __future__ import annotations

from typing import Any

from aiinfra.config import Settings
from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows import Basis
from aiinfra.services.index import form_index, load_fx
from aiinfra.services.ledger import load

__all__ = ["index_weights", "run"]


def run(
    settings: Settings,
    scenario: str | None = None,
    default: str | None = None,
    shortfall: float | None = None,
    start: str | None = None,
    pass_through: float | None = None,
    elasticity: float | None = None,
    as_of: object = None,
    basis: Basis | None = None,
    data_dir: str | None = None,
    *,
    horizon_draws: int = 0,
    seed: int = 0,
) -> Any:
    """``--scenario`` or ``--default PARTY --shortfall F``; flags override the scenario's values."""
    from aiinfra.services.index import cached_prices
    from aiinfra.stress import load_scenario, stress, stress_date

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
    ledger = load(settings, data_dir)
    sc = load_scenario(data)
    weights, label = None, None
    if settings.prices_dir is not None:
        weights, label = index_weights(
            ledger, cached_prices(settings), stress_date(sc, as_of), fx=load_fx(settings.fx)
        )
    return stress(
        ledger,
        sc,
        as_of=as_of,
        weights=weights,
        weights_label=label,
        horizon_draws=horizon_draws,
        seed=seed,
    )


def index_weights(
    ledger: Any, prices: Any, day: Any, fx: dict[str, Any] | None = None
) -> tuple[dict[str, float] | None, str]:
    """The weights of the index formed on ``day`` (:func:`form_index`, default rules, the one
    relaxation policy) and their label; (None, why) when no index can be formed, so the stress
    falls back to house-view weights and says why."""
    from aiinfra.index import load_methodology

    view = form_index(ledger, prices, load_methodology(), day, fx=fx, with_backtest=False)
    if view.review is None:
        return None, f"no index on {day.date()} ({view.error})"
    label = f"index weights of the review {view.review.dates.review} ({view.review.label})"
    if view.relaxation is not None:
        m = view.methodology
        label += (
            f"; formed without the UCITS rule, single cap {m.weighting.single_cap:.0%}, "
            f"at least {m.selection.min_n} names"
        )
    return dict(view.weights()), label
