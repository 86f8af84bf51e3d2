"""Look-through use case: a fund's holdings file against the ledger, the index on the date and
every built-in stress scenario (shared by the CLI, the report and the dashboard)."""

from __future__ import annotations

import os
from typing import Any

from aiinfra.config import Settings
from aiinfra.dates import resolve_as_of
from aiinfra.lookthrough import Holdings, LookThrough, WeightKind, lookthrough, read_holdings
from aiinfra.services.ledger import load

__all__ = ["compose", "run"]


def compose(
    holdings: Holdings | str | os.PathLike[str],
    ledger: Any,
    as_of: object = None,
    *,
    prices: Any = None,
    fx: dict[str, Any] | None = None,
    weights: WeightKind = "auto",
) -> LookThrough:
    """The look-through with everything it compares against.

    Parameters
    ----------
    holdings : Holdings or path
        The fund's holdings file (:func:`aiinfra.lookthrough.read_holdings`).
    ledger : Ledger
    as_of : date, optional
        Default the date the file's preamble says the holdings are as of
        (:attr:`Holdings.stated_as_of`), else today; a date given that differs from the file's
        is kept, and a note says so.
    prices : callable, optional
        ``prices(ticker) -> DataFrame``: the index is formed on the date from them
        (:func:`aiinfra.services.stress.index_weights`, the same index the stress test and the
        report use; on the last price date when the prices end before ``as_of``); without
        prices, or when no index can be formed, house-view weights, and the notes say why.
    fx : mapping, optional
        USD per unit by currency, for the non-USD lines of the index.
    weights : {"auto", "percent", "fraction"}
        How to read the file's weights.

    Notes
    -----
    Every built-in stress scenario (:func:`aiinfra.stress.builtin_scenarios`) runs on the date,
    with the index weights above.
    """
    from aiinfra.stress import builtin_scenarios, stress

    if not isinstance(holdings, Holdings):
        holdings = read_holdings(holdings, weights=weights)
    stated = holdings.stated_as_of
    day = resolve_as_of(as_of if as_of is not None or stated is None else stated)
    index, label, why, ended = None, None, None, None
    if prices is not None:
        from aiinfra.services.index import last_price_date
        from aiinfra.services.stress import index_weights

        last = last_price_date(ledger, prices)
        index_day = day if last is None or last >= day else last
        if index_day < day:
            ended = f"the prices end on {index_day.date()}: the index is the one formed then"
        index, label = index_weights(ledger, prices, index_day, fx=fx)
        if index is None:  # no index on the day: house-view weights, and why
            label, why = None, label
    results = {
        name: stress(ledger, name, as_of=day, weights=index, weights_label=label)
        for name in builtin_scenarios()
    }
    result = lookthrough(
        holdings,
        ledger,
        as_of=day,
        index_weights=index,
        index_label=label,
        stress=results,
        weights=weights,
    )
    if stated is not None and as_of is None:
        result.notes.insert(0, f"as of {stated}, the date the file states for its holdings")
    elif stated is not None and str(day.date()) != stated:
        result.notes.insert(
            0,
            f"the file states its holdings as of {stated}; the look-through is as of {day.date()}",
        )
    if ended and index is not None:
        result.notes.append(ended)
    if why:
        result.notes.append(f"{why}: the overlap uses house-view weights")
    return result


def run(
    settings: Settings,
    path: str | os.PathLike[str],
    as_of: object = None,
    data_dir: str | None = None,
    *,
    weights: WeightKind = "auto",
) -> LookThrough:
    """``aiinfra lookthrough HOLDINGS.csv``: the ledger (with ``--data``), the prices of
    ``--prices`` when given (else house-view index weights), and :func:`compose`."""
    ledger = load(settings, data_dir)
    prices, fx = None, None
    if settings.prices_dir is not None:
        from aiinfra.services.index import cached_prices, load_fx

        prices, fx = cached_prices(settings), load_fx(settings.fx)
    return compose(path, ledger, as_of, prices=prices, fx=fx, weights=weights)
