"""Stress scenarios as data: who stops paying what, from when, and how losses propagate."""

from __future__ import annotations

import datetime as dt
import os
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aiinfra._yaml import read_yaml
from aiinfra.exceptions import (
    DataValidationError,
    InvalidParameterError,
    validation_problems,
)
from aiinfra.flows import Basis

__all__ = [
    "Equity",
    "Haircut",
    "PropagationConfig",
    "Scenario",
    "Shock",
    "builtin_scenarios",
    "load_scenario",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Shock(_Model):
    """One party (a company id, or ``layer:<layer>`` for every company of a layer) that stops
    paying ``shortfall`` of its obligations — optionally only deals of some ``types`` and only
    to payees of some ``to_layers``."""

    party: str = Field(min_length=1)
    shortfall: float = Field(ge=0, le=1)
    types: tuple[str, ...] | None = None
    to_layers: tuple[str, ...] | None = None
    #: whether the party cannot pay (true, the default: in the credit layer its cash is cut by
    #: its shortfall) or chooses not to (false: a halt or a cut of spending, the party keeps
    #: its cash)
    distress: bool = True


class Haircut(_Model):
    """An extra loss of ``haircut`` × annual revenue for ``company`` (e.g. end-demand falling)."""

    company: str = Field(min_length=1)
    haircut: float = Field(ge=0, le=1)


class PropagationConfig(_Model):
    """How losses propagate (:func:`aiinfra.stress.propagate`): the share of a company's relative
    loss it passes on as a cut of its own payments, and the most rounds."""

    pass_through: float = Field(0.5, ge=0, le=1)
    max_rounds: int = Field(100, ge=1)


class Equity(_Model):
    #: equity shock = −elasticity × revenue at risk / annual revenue (capped at −100 %)
    elasticity: float = Field(1.0, ge=0)


class Scenario(_Model):
    """A stress scenario (see ``stress/scenarios/*.yaml`` and docs/stress.md)."""

    name: str = "custom"
    description: str = ""
    start: dt.date | None = Field(None, alias="from")
    as_of: dt.date | None = None
    basis: Basis = "annualised"
    #: years assumed for a deal without a stated horizon on the annualised basis (an assumption,
    #: listed in the result's notes); 5 years is the median stated horizon of the ledger's
    #: multi-year cloud commitments
    default_horizon_years: float = Field(5.0, gt=0)
    shocks: tuple[Shock, ...] = Field(min_length=1)
    revenue_haircuts: tuple[Haircut, ...] = ()
    propagation: PropagationConfig = PropagationConfig()
    equity: Equity = Equity()

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def builtin_scenarios() -> dict[str, Path]:
    """The built-in scenarios shipped with the package: name → YAML file, by name."""
    folder = Path(str(resources.files("aiinfra.stress") / "scenarios"))
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def load_scenario(source: str | os.PathLike[str] | dict[str, Any]) -> Scenario:
    """A scenario from a YAML file, a built-in name (lab_default, venture_halt, capex_cut), a dict.

    Raises
    ------
    DataValidationError
        Every problem, each naming the key (``shocks.0.shortfall``) and the rule.
    """
    label = "<dict>"
    if isinstance(source, dict):
        data = source
    else:
        builtins = builtin_scenarios()
        path = builtins.get(str(source)) or Path(source)
        label = str(path)
        if not path.is_file():
            raise InvalidParameterError(
                f"`scenario` not found: {str(path)!r} (built-ins: {', '.join(builtins)})"
            )
        data = read_yaml(path, what="scenario", label=label)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise DataValidationError(validation_problems(exc, label), "scenario") from None
