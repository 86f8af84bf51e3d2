"""Eligibility screens (METHODOLOGY.md §4): one small function per rule, applied in spec order.

A screen reads the candidate frame and the ``eligibility`` rules and returns a boolean mask of
the names that fail it; :func:`apply_screens` gives each name not yet excluded the code of the
first screen it fails. Current members (``existing``) get the buffered thresholds. A new screen
is one new :class:`Screen` in :data:`SCREENS`, at its place in the order, with its reason code
and text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aiinfra.index._methodology import EligibilitySpec, Methodology
from aiinfra.index._universe import UNIVERSE_REASONS

__all__ = ["REASONS", "SCREENS", "Screen", "apply_screens"]

ScreenTest = Callable[[pd.DataFrame, EligibilitySpec, pd.Timestamp], pd.Series]


@dataclass(frozen=True)
class Screen:
    """One eligibility rule: its reason ``code``, the ``text`` shown for it, and ``fails``
    (candidates, eligibility rules, cut-off) → mask of the names that fail it."""

    code: str
    text: str
    fails: ScreenTest


def _history(c: pd.DataFrame, el: EligibilitySpec, cut: pd.Timestamp) -> pd.Series:
    history_cut = cut - pd.DateOffset(months=el.min_history_months)
    return c["first_date"].isna() | (c["first_date"] > history_cut)


def _ffmc_unknown(c: pd.DataFrame, el: EligibilitySpec, cut: pd.Timestamp) -> pd.Series:
    return c["ffmc"].isna() & c["free_float"].notna()


def _free_float_unknown(c: pd.DataFrame, el: EligibilitySpec, cut: pd.Timestamp) -> pd.Series:
    return c["free_float"].isna()


def _ffmc(c: pd.DataFrame, el: EligibilitySpec, cut: pd.Timestamp) -> pd.Series:
    return c["ffmc"] < np.where(c["existing"], el.min_ffmc_usd.existing, el.min_ffmc_usd.new)


def _adtv(c: pd.DataFrame, el: EligibilitySpec, cut: pd.Timestamp) -> pd.Series:
    return c["adtv"] < np.where(c["existing"], el.min_adtv_3m_usd.existing, el.min_adtv_3m_usd.new)


def _trading_days(c: pd.DataFrame, el: EligibilitySpec, cut: pd.Timestamp) -> pd.Series:
    return c["trading_ratio"] < el.min_trading_day_ratio


def _free_float(c: pd.DataFrame, el: EligibilitySpec, cut: pd.Timestamp) -> pd.Series:
    return c["free_float"] < el.min_free_float


def _composite(c: pd.DataFrame, el: EligibilitySpec, cut: pd.Timestamp) -> pd.Series:
    return c["S"] < np.where(c["existing"], el.min_composite.existing, el.min_composite.new)


#: The screens in METHODOLOGY.md §4 order.
SCREENS: tuple[Screen, ...] = (
    Screen("HISTORY", "fewer than min_history_months of prices before the cut-off", _history),
    Screen("FFMC_UNKNOWN", "no share count known by the cut-off", _ffmc_unknown),
    Screen("FREE_FLOAT_UNKNOWN", "no free float known by the cut-off", _free_float_unknown),
    Screen("FFMC", "free-float market cap below min_ffmc_usd", _ffmc),
    Screen("ADTV", "3-month average daily traded value below min_adtv_3m_usd", _adtv),
    Screen(
        "TRADING_DAYS", "traded on fewer than min_trading_day_ratio of the sessions", _trading_days
    ),
    Screen("FREE_FLOAT", "free float below min_free_float", _free_float),
    Screen("COMPOSITE", "composite score below min_composite", _composite),
)

#: Reason codes written for every name that is not selected.
REASONS: dict[str, str] = {
    **UNIVERSE_REASONS,
    **{s.code: s.text for s in SCREENS},
    "NOT_SELECTED": "eligible, ranked outside the selection",
}


def apply_screens(
    cand: pd.DataFrame, methodology: Methodology, cutoff: pd.Timestamp
) -> pd.DataFrame:
    """Screen the names the universe step kept, in :data:`SCREENS` order.

    Requires the universe columns and the composite ``S`` (scoring step); provides ``reason``
    (the first screen failed, for names without a reason yet) and ``eligible`` (no reason),
    in place. Returns ``cand``.
    """
    el = methodology.eligibility
    todo = cand["reason"].isna()
    for s in SCREENS:
        hit = todo & cand["reason"].isna() & s.fails(cand, el, cutoff)
        cand.loc[hit, "reason"] = s.code
    cand["eligible"] = cand["reason"].isna()
    return cand
