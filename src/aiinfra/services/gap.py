"""ROI-gap use case: parameters from CLI flags, the executor for Monte Carlo, the run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiinfra.config import Settings
from aiinfra.exceptions import InvalidParameterError

# PARAMETERS: ranges, defaults and sources (re-exported: the web draws its sliders from them)
from aiinfra.roi_gap import PARAMETERS
from aiinfra.services.ledger import load

__all__ = ["PARAMETERS", "parse_sets", "run"]


def parse_sets(items: Sequence[str]) -> dict[str, float]:
    """``["gross_margin=0.6", ...]`` → ``{"gross_margin": 0.6}``; a bad item names itself."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidParameterError(f"`--set {item}`: expected NAME=VALUE")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise InvalidParameterError(f"`--set {item}`: {value!r} is not a number") from None
    return out


def run(
    settings: Settings,
    year: int | None = None,
    *,
    method: str | None = None,
    spend: str | None = None,
    target_year: int | None = None,
    sets: Sequence[str] = (),
    samples: int = 0,
    seed: int | None = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    as_of: object = None,
    data_dir: str | None = None,
    progress: Any = None,
    net_basis: str = "committed",
) -> Any:
    from aiinfra.roi_gap import PARAMETERS, gap

    params: dict[str, Any] = parse_sets(sets)
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise InvalidParameterError(
            f"`--set {unknown[0]}`: unknown parameter; known: {', '.join(PARAMETERS)}"
        )
    for key, value in (("method", method), ("spend", spend), ("target_year", target_year)):
        if value is not None:
            params[key] = value
    executor = None
    if samples and (workers is not None or scheduler is not None):
        from aiinfra.parallel import get_executor

        executor = get_executor(scheduler, workers)
    try:
        return gap(
            load(settings, data_dir),
            year,
            as_of=as_of,
            params=params,
            samples=samples,
            seed=seed,
            executor=executor,
            net_basis=net_basis,
        )
    finally:
        if executor is not None:
            executor.close()
