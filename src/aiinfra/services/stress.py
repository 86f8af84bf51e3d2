"""Stress use case: build the scenario from a file, a built-in or CLI flags, and run it."""

from __future__ import annotations

from typing import Any

from aiinfra.config import Settings
from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows import Basis
from aiinfra.index import Methodology, load_methodology
from aiinfra.services.index import form_index, load_fx, resolve_methodology
from aiinfra.services.ledger import load

__all__ = ["available_prices", "index_weights", "run"]


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
    methodology: str | None = None,
) -> Any:
    """``--scenario`` or ``--default PARTY --shortfall F``; flags override the scenario's values.

    The index weights: with prices (``--prices DIR`` or the store's) those of the index formed
    under ``methodology`` (a built-in name or YAML file; default rules) on the stress date, or
    on the last price date when the prices end before it; house-view weights (under the same
    rules) when no index can be formed, with the reason, or when there are no prices at all.
    """
    from aiinfra.stress import load_scenario, stress, stress_date

    if (scenario is None) == (default is None):
        raise InvalidParameterError("give either `--scenario` or `--default` (with `--shortfall`)")
    ledger = None
    if scenario is not None:
        data = load_scenario(scenario).model_dump(mode="json", by_alias=True)
    else:
        if shortfall is None:
            raise InvalidParameterError("`--default` needs `--shortfall` (0..1)")
        ledger = load(settings, data_dir)
        data = {
            "name": f"{default}_shortfall_{shortfall:g}",
            # the company by name (its id when the ledger has none: the engine then says the
            # id the user typed is unknown)
            "description": f"{_party_name(ledger, str(default))} stops paying "
            f"{_pct(shortfall)} of its obligations",
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
    ledger = ledger if ledger is not None else load(settings, data_dir)
    sc = load_scenario(data)
    m = resolve_methodology(methodology) if methodology is not None else None
    weights, label, unavailable = None, None, None
    prices = available_prices(settings)
    if prices is not None:
        from aiinfra.services.index import last_price_date

        day = stress_date(sc, as_of)
        last = last_price_date(ledger, prices)
        if last is None:
            unavailable = "the prices given hold no line of a scored company"
        else:
            index_day = min(day, last)
            weights, label = index_weights(
                ledger, prices, index_day, fx=load_fx(settings.fx), methodology=m
            )
            if weights is None:
                weights, label, unavailable = None, None, label
            else:
                if methodology is not None:
                    label += f"; methodology {methodology}"
                if index_day < day:
                    label += f"; the prices end on {index_day.date()}: the index formed then"
    return stress(
        ledger,
        sc,
        as_of=as_of,
        weights=weights,
        weights_label=label,
        horizon_draws=horizon_draws,
        seed=seed,
        methodology=m,
        weights_unavailable=unavailable,
    )


def available_prices(settings: Settings) -> Any:
    """``prices(ticker)`` when there are prices: ``--prices DIR``, else the store's prices
    when it holds any; None when there are none (the stress then uses house-view weights)."""
    from aiinfra.services.index import cached_prices

    if settings.prices_dir is None:
        if not settings.store_path.exists():
            return None
        from aiinfra.store import Store

        if Store(settings.store_path).list_prices().empty:
            return None
    return cached_prices(settings)


def index_weights(
    ledger: Any,
    prices: Any,
    day: Any,
    fx: dict[str, Any] | None = None,
    methodology: Methodology | None = None,
) -> tuple[dict[str, float] | None, str]:
    """The weights of the index formed on ``day`` (:func:`form_index`, ``methodology`` or the
    default rules, the one relaxation policy) and their label; (None, why) when no index can
    be formed, so the stress falls back to house-view weights and says why."""
    m = methodology if methodology is not None else load_methodology()
    view = form_index(ledger, prices, m, day, fx=fx, with_backtest=False)
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


def _party_name(ledger: Any, party: str) -> str:
    """A shocked party as a reader knows it: the company's name, ``layer:X`` as "every X"
    (``layer:hyperscaler`` → "every hyperscaler"), the id itself when the ledger has no name.

    >>> from aiinfra import load_ledger
    >>> _party_name(load_ledger(), "openai"), _party_name(load_ledger(), "no_such_id")
    ('OpenAI', 'no_such_id')
    """
    if party.startswith("layer:"):
        return "every " + party.removeprefix("layer:").replace("_", " ")
    comp = ledger.companies
    hit = comp.loc[comp["id"] == party, "name"]
    name = hit.iloc[0] if len(hit) else None
    return str(name) if isinstance(name, str) and name.strip() else party


def _pct(fraction: float) -> str:
    """A shortfall as the CLI states it: ``0.5`` → ``50 %`` (up to one decimal: ``12.5 %``)."""
    return f"{round(fraction * 100, 1):g} %"
