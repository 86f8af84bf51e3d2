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
from typing import Any

import numpy as np
import pandas as pd

from aiinfra.index._cache import memo
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


#: Screens that read only the universe step's inputs and ``existing``, row by row: their masks
#: for a new name and for a current member are computed once per universe frame (see
#: :func:`apply_screens`); a screen replaced in :data:`SCREENS` is evaluated on every review.
_INPUT_SCREENS = {
    _history, _ffmc_unknown, _free_float_unknown, _ffmc, _adtv, _trading_days, _free_float
}  # fmt: skip


def apply_screens(
    cand: pd.DataFrame,
    methodology: Methodology,
    cutoff: pd.Timestamp,
    base: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Screen the names the universe step kept, in :data:`SCREENS` order.

    Requires the universe columns and the composite ``S`` (scoring step); provides ``reason``
    (the first screen failed, for names without a reason yet) and ``eligible`` (no reason),
    in place. Returns ``cand``.

    ``base``: the universe frame ``cand`` was copied from (same rows and inputs, no current
    member); the screens that read only its inputs are then evaluated once per frame and rule
    set (while a review cache is active), for a new name and for a current member.
    """
    for col, values in screen_columns(cand, methodology, cutoff, base).items():
        cand[col] = values
    return cand


def screen_columns(
    cand: Any, methodology: Methodology, cutoff: pd.Timestamp, base: pd.DataFrame | None = None
) -> dict[str, Any]:
    """:func:`apply_screens` on a frame or a mapping of column arrays: ``reason`` and
    ``eligible``."""
    codes = screen_codes(cand, methodology, cutoff, base)
    return {
        "reason": pd.array(codes, dtype=cand["reason"].dtype),
        "eligible": np.asarray(pd.isna(codes)),
    }


def screen_codes(
    cand: Any, methodology: Methodology, cutoff: pd.Timestamp, base: pd.DataFrame | None = None
) -> np.ndarray:
    """:func:`screen_columns`' ``reason``, as an array of objects (its ``eligible`` is where
    this is NA); ``cand["reason"]`` may be an array of objects too."""
    el = methodology.eligibility
    codes = np.array(cand["reason"], dtype=object)
    left = np.asarray(pd.isna(codes), dtype=bool).copy()
    masks = None
    existing = np.asarray(cand["existing"], dtype=bool)
    if base is not None:
        masks = memo(base, ("screens", cutoff, el.model_dump_json()),
                     lambda: _input_masks(base, el, cutoff))  # fmt: skip
    frame = cand if isinstance(cand, pd.DataFrame) else None
    for s in SCREENS:
        if masks is not None and s.fails in masks:
            new, member = masks[s.fails]
            fails = np.where(existing, member, new)
        elif s.fails is _composite:
            fails = np.asarray(_composite(cand, el, cutoff), dtype=bool)
        else:
            if frame is None:
                frame = pd.DataFrame(cand)
            fails = s.fails(frame, el, cutoff).to_numpy(bool)
        hit = left & fails
        if hit.any():
            codes[hit] = s.code
            left &= ~hit
    return codes


def _input_masks(
    base: pd.DataFrame, el: EligibilitySpec, cutoff: pd.Timestamp
) -> dict[ScreenTest, tuple[np.ndarray, np.ndarray]]:
    """Per input screen: the mask of the names that fail it as new names and as members."""
    out: dict[ScreenTest, list[np.ndarray]] = {}
    for members in (False, True):
        frame = base.assign(existing=members)
        for s in SCREENS:
            if s.fails in _INPUT_SCREENS:
                mask = s.fails(frame, el, cutoff).to_numpy(bool)
                out.setdefault(s.fails, []).append(mask)
    return {k: (v[0], v[1]) for k, v in out.items()}
