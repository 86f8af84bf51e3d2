"""The last step of a review: pro-forma index shares from the announcement-date close."""

from __future__ import annotations

from typing import Any

import pandas as pd

from aiinfra.index._universe import ReviewContext

__all__ = ["K_NOTIONAL", "proforma"]

#: Notional K of the pro-forma index shares N' = w·K/(P·X).
K_NOTIONAL = 1e9


def proforma(picked: pd.DataFrame, weights: pd.Series, ctx: ReviewContext) -> pd.DataFrame:
    """Pro-forma constituents: ``id``, ``ticker``, ``weight``, ``ref_date``, ``price``, ``fx`` and
    index ``shares`` N' = w·K/(P·X) with K = 1e9.

    Requires the selected rows (``ticker``, ``currency``; weighting step) and their weights.
    Provides one row per constituent, priced at the last close on or before the announcement
    date (a warning when that close is earlier) and converted at the FX rate known then.
    """
    announce = ctx.dates.announce
    fx = ctx.fx
    pro = []
    picked_rec: dict[Any, dict[Any, Any]] = picked.to_dict(orient="index")
    for key, weight in weights.items():
        cid = str(key)
        pline = str(picked_rec[cid]["ticker"])
        pclose = ctx.prices(pline)["close"].loc[:announce]
        ref_date = pd.Timestamp(pclose.index[-1])
        if ref_date < announce:
            ctx.warnings.append(
                f"{cid}: no close on the announcement date {announce.date()}; pro-forma "
                f"shares use the last close ({ref_date.date()})"
            )
        cur = str(picked_rec[cid]["currency"])
        rate = 1.0
        if cur != "USD" and fx is not None:
            known = fx[cur].loc[:announce]
            rate = float(known.iloc[-1]) if len(known) else float("nan")
        price = float(pclose.iloc[-1])
        pro.append(
            {
                "id": cid,
                "ticker": pline,
                "weight": float(weight),
                "ref_date": ref_date,
                "price": price,
                "fx": rate,
                "shares": float(weight) * K_NOTIONAL / (price * rate),
            }
        )
    return pd.DataFrame(pro)
