"""The last step of a review: pro-forma index shares from the announcement-date close."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import pandas as pd

from aiinfra.index._cache import memo
from aiinfra.index._universe import ReviewContext

__all__ = ["K_NOTIONAL", "proforma", "proforma_columns"]

#: Notional K of the pro-forma index shares N' = w·K/(P·X).
K_NOTIONAL = 1e9


def proforma(picked: Mapping[str, Any], weights: pd.Series, ctx: ReviewContext) -> pd.DataFrame:
    """:func:`proforma_columns` as a frame."""
    return pd.DataFrame(proforma_columns(picked, weights, ctx))


def proforma_columns(
    picked: Mapping[str, Any], weights: pd.Series, ctx: ReviewContext
) -> dict[str, list[Any]]:
    """Pro-forma constituents, column name → values: ``id``, ``ticker``, ``weight``,
    ``ref_date``, ``price``, ``fx`` and index ``shares`` N' = w·K/(P·X) with K = 1e9.

    Requires the selected names' ``ticker`` and ``currency`` (in the order of ``weights``;
    weighting step) and their weights. Provides one row per constituent, priced at the last
    close on or before the announcement date (a warning when that close is earlier) and
    converted at the FX rate known then.
    """
    announce = ctx.dates.announce
    fx = ctx.fx
    cols: dict[str, list[Any]] = {
        k: [] for k in ("id", "ticker", "weight", "ref_date", "price", "fx", "shares")
    }
    for key, weight, line, currency in zip(
        weights.index.tolist(), weights.tolist(), picked["ticker"], picked["currency"], strict=True
    ):
        cid = str(key)
        pline = str(line)
        px = ctx.prices(pline)
        ref_date, price = memo(px, ("close_on", announce), partial(_close_on, px, announce))
        if ref_date < announce:
            ctx.warnings.append(
                f"{cid}: no close on the announcement date {announce.date()}; pro-forma "
                f"shares use the last close ({ref_date.date()})"
            )
        cur = str(currency)
        rate = 1.0
        if cur != "USD" and fx is not None:
            known = fx[cur].loc[:announce]
            rate = float(known.iloc[-1]) if len(known) else float("nan")
        for k, v in (
            ("id", cid),
            ("ticker", pline),
            ("weight", float(weight)),
            ("ref_date", ref_date),
            ("price", price),
            ("fx", rate),
            ("shares", float(weight) * K_NOTIONAL / (price * rate)),
        ):
            cols[k].append(v)
    return cols


def _close_on(px: pd.DataFrame, day: pd.Timestamp) -> tuple[pd.Timestamp, float]:
    """The date and value of the last close on or before ``day``."""
    pclose = px["close"].loc[:day]
    return pd.Timestamp(pclose.index[-1]), float(pclose.iloc[-1])
