"""One index review as a pipeline of named steps (METHODOLOGY.md §4-9).

universe → scoring → eligibility screens → raw weights → selection → weighting and capping →
pro-forma. Each step is a function in a module by topic that says what it requires and what it
provides:

============================  ==========================================================
step                          function
============================  ==========================================================
point-in-time and inputs      :func:`_universe.point_in_time`, :func:`_universe.known_data`
universe, listing line        :func:`_universe.universe`
scoring (R, S, m)             :func:`_scoring.score_candidates`
eligibility screens           :func:`_screens.apply_screens` over :data:`_screens.SCREENS`
raw weights (ranking key)     :func:`_weighting.raw_weights`
selection                     :func:`_selection.select_candidates`
weighting and capping         :func:`_weighting.target_weights`
pro-forma shares              :func:`_proforma.proforma`
============================  ==========================================================

The scores come before the screens because the composite screen reads S. Every step uses only
data known at the review's cut-off (``pit_mode: vintage``); with ``pit_mode: static_scores`` the
latest scores are used for every date and every output carries the label "not point-in-time".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from aiinfra.dates import to_timestamp
from aiinfra.index._cache import Deferred, LazyField, memo, memo_checked
from aiinfra.index._calendar import ReviewDates, latest_review
from aiinfra.index._methodology import Methodology
from aiinfra.index._proforma import proforma_columns
from aiinfra.index._scoring import score_columns
from aiinfra.index._screens import screen_codes
from aiinfra.index._selection import selection_arrays
from aiinfra.index._systematic import apply_systematic
from aiinfra.index._universe import (
    PriceGetter,
    ReviewContext,
    ScoreSource,
    frame_columns,
    known_data,
    score_source,
    universe,
    universe_columns,
)
from aiinfra.index._weighting import raw_weight_column, weight_columns, weight_compliance
from aiinfra.ledger import Ledger

__all__ = ["NOT_PIT_LABEL", "ReviewResult", "run_review", "systematic_scores"]

NOT_PIT_LABEL = "not point-in-time: scores known only today were applied to earlier dates"


class _Columns(Deferred):
    """A frame made on first use from column arrays (a :class:`Deferred` for a
    :class:`LazyField`).

    ``columns``: name → values in frame order (numpy, a pandas extension array, a list, or an
    array of objects to be made into the dtype ``strings`` names for it); ``objects``: arrays
    of objects of some string columns, the same values, for reading one column cheaply.
    """

    __slots__ = ("columns", "objects", "strings")

    def __init__(
        self,
        columns: dict[str, Any],
        strings: Mapping[str, Any] | None = None,
        objects: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.columns = columns
        self.strings = dict(strings or {})
        self.objects = dict(objects or {})

    def make(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                k: pd.array(v, dtype=self.strings[k]) if k in self.strings else v
                for k, v in self.columns.items()
            }
        )

    def column(self, name: str) -> list[Any]:
        """``make()[name].tolist()``, without making the frame."""
        if name in self.strings:
            out: list[Any] = pd.array(self.columns[name], dtype=self.strings[name]).tolist()
            return out
        values = self.objects.get(name, self.columns[name])
        return list(values) if isinstance(values, list) else list(values.tolist())


@dataclass
class ReviewResult:
    """Everything a review produces.

    Attributes
    ----------
    dates : ReviewDates
    candidates : DataFrame
        One row per company in the universe: line, scores, screen values, ``eligible``,
        ``reason`` (a code of :data:`REASONS`), ``selected``, ``rank``, ``weight``.
    weights : Series
        Target weights of the selected names (index: company id), summing to 1.
    additions, deletions : list of str
    proforma : DataFrame
        Pro-forma constituents: id, ticker, weight, reference price, index shares N' =
        w·K/(P·X) with K = 1e9, from the announcement-date close.
    compliance : dict
    point_in_time : bool
    input_hash : str
        SHA-256 of the methodology and every input the review used.
    warnings : list of str

    Notes
    -----
    ``candidates``, ``proforma``, ``compliance`` and ``input_hash`` are made on first access,
    from what the steps computed (a backtest reads a few columns of ``proforma`` and
    ``candidates`` through :meth:`proforma_column` and :meth:`candidate_column`).
    """

    dates: ReviewDates
    if TYPE_CHECKING:
        candidates: pd.DataFrame
    else:
        # made from the steps' column arrays on first access (a backtest reads few columns)
        candidates: pd.DataFrame = LazyField()
    weights: pd.Series
    additions: list[str]
    deletions: list[str]
    if TYPE_CHECKING:
        proforma: pd.DataFrame
    else:
        proforma: pd.DataFrame = LazyField()
    if TYPE_CHECKING:
        compliance: dict[str, Any]
    else:
        compliance: dict[str, Any] = LazyField()
    point_in_time: bool
    methodology_hash: str
    if TYPE_CHECKING:
        input_hash: str
    else:
        input_hash: str = LazyField()
    warnings: list[str] = field(default_factory=list)
    #: where the scores came from: ``house`` (the house vintage in force), ``systematic`` (the
    #: rubric computed at the cut-off) or ``static`` (today's house view: not point-in-time)
    score_source: ScoreSource = "house"

    @property
    def label(self) -> str:
        return "point-in-time" if self.point_in_time else NOT_PIT_LABEL

    def candidate_column(self, name: str) -> list[Any]:
        """``candidates[name].tolist()``; while the frame is not made yet, without making it."""
        return self._column("candidates", name)

    def proforma_column(self, name: str) -> list[Any]:
        """``proforma[name].tolist()``; while the frame is not made yet, without making it."""
        return self._column("proforma", name)

    def _column(self, frame: str, name: str) -> list[Any]:
        held = self.__dict__.get("_" + frame)
        if isinstance(held, _Columns):
            return held.column(name)
        out: list[Any] = getattr(self, frame)[name].tolist()
        return out

    def selection(self) -> pd.DataFrame:
        cols = [
            "rank",
            "id",
            "name",
            "ticker",
            "category",
            "Q",
            "a",
            "a_source",
            "R",
            "S",
            "m",
            "x",
            "weight",
            "selection_reason",
        ]
        sel = self.candidates[self.candidates["selected"]].sort_values("rank")
        return sel[cols].astype({"rank": int}).reset_index(drop=True)

    def exclusions(self) -> pd.DataFrame:
        cols = ["id", "name", "ticker", "category", "reason", "reason_text"]
        return self.candidates[~self.candidates["selected"]][cols].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """The selection with ranks, scores, categories and weights."""
        return self.selection()

    def to_dict(self) -> dict[str, Any]:
        def recs(frame: pd.DataFrame) -> list[dict[str, Any]]:
            out = json.loads(
                frame.to_json(orient="records", date_format="iso", double_precision=15)
            )
            return out  # type: ignore[no-any-return]

        return {
            "review": self.dates.to_dict(),
            "label": self.label,
            "point_in_time": self.point_in_time,
            "score_source": self.score_source,
            "methodology_hash": self.methodology_hash,
            "input_hash": self.input_hash,
            "selection": recs(self.selection()),
            "exclusions": recs(self.exclusions()),
            "additions": self.additions,
            "deletions": self.deletions,
            "proforma": recs(self.proforma),
            "compliance": self.compliance,
            "warnings": self.warnings,
        }


def run_review(
    ledger: Ledger,
    prices: PriceGetter,
    methodology: Methodology,
    as_of: object,
    *,
    previous: Mapping[str, float] | None = None,
    fx: Mapping[str, pd.Series] | None = None,
    dates: ReviewDates | None = None,
    missing_vintage: Literal["raise", "static"] = "raise",
) -> ReviewResult:
    """Run the review whose cut-off is the latest on or before ``as_of``.

    Parameters
    ----------
    ledger : Ledger
        Companies, scores, AI-revenue shares, financials (filtered to the cut-off here).
    prices : callable
        ``prices(ticker)`` → daily frame (``close``, ``volume`` …) or MissingDataError.
    methodology : Methodology
    as_of : date
        The review is the latest one whose cut-off is on or before this date.
    previous : mapping, optional
        Current constituents (id → weight): they get the buffered thresholds and the keep rule.
    fx : mapping, optional
        Currency → Series of USD per unit; lines in other currencies are usable only with it.
    dates : ReviewDates, optional
        Use these dates instead of deriving them from ``as_of``.
    missing_vintage : {"raise", "static"}
        With ``pit_mode: vintage`` and no vintage on or before the cut-off: raise
        (:class:`NotPointInTimeError`, the backtest's behaviour), or run with the latest scores
        and label every output not point-in-time (what ``aiinfra index review`` does, so that a
        review dated before today's house view still shows what the rules select).

    Raises
    ------
    NotPointInTimeError
        ``pit_mode: vintage`` and no score vintage exists on or before the cut-off.
    InsufficientConstituentsError, InfeasibleCappingError
        As the methodology defines them.
    """
    cal = methodology.calendar
    if dates is None:
        dates = latest_review(to_timestamp(as_of, "as_of"), cal.rebalance_months, cal.exchange)
    warnings: list[str] = []
    source = score_source(ledger, methodology, dates, missing_vintage, warnings)
    ctx = ReviewContext(methodology, dates, prices, fx, set(previous or {}), source, warnings)
    pit = ctx.pit
    # the steps work on the candidates' column arrays; the frame is made once, at the end
    cols, base = universe_columns(ctx, known_data(ledger, ctx))
    if source == "systematic" and base is not None:
        # the rubric reads no current member: once per universe frame, kept as the base
        base = memo_checked(base, ("systematic", dates.cutoff), (ledger,),
                            partial(_systematic_frame, base, ledger, dates.cutoff))  # fmt: skip
        existing = cols["existing"]
        cols = dict(memo(base, ("columns",), partial(frame_columns, base)))
        cols["existing"] = existing
    elif source == "systematic":
        frame = pd.DataFrame(cols)
        apply_systematic(frame, ledger, dates.cutoff)
        cols = frame_columns(frame)
    # the steps read the string columns as arrays of objects, made once per universe frame;
    # ``cols`` keeps the frame's arrays, ``work`` what the steps read
    objects = _object_columns(cols, base)
    work = {**cols, **objects}

    def add(new: Mapping[str, Any]) -> None:
        cols.update(new)
        work.update(new)

    reason_dtype = cols["reason"].dtype
    add(score_columns(work, methodology))
    codes = screen_codes(work, methodology, dates.cutoff, base)
    add({"reason": codes, "eligible": np.asarray(pd.isna(codes))})
    add({"x": raw_weight_column(work, methodology)})
    chosen, columns = selection_arrays(work, ctx.existing, methodology, dates, reason_dtype)
    add(columns)
    id_dtype = cols["id"].dtype
    picked, weights, full = weight_columns(work, chosen.selected, methodology, id_dtype=id_dtype)
    add({"weight": full})
    # the candidates frame is made when first read (what selection_columns makes of its arrays)
    held = _Columns(cols, {"reason": reason_dtype, "selection_reason": "str",
                           "reason_text": "str"}, objects)  # fmt: skip
    cand: pd.DataFrame | _Columns = held if base is not None else held.make()
    pro = _Columns(dict(proforma_columns(picked, weights, ctx)))
    if not pit:
        warnings.insert(0, NOT_PIT_LABEL)
    m_hash: str = memo(methodology, ("config_hash",), methodology.config_hash)
    # the JSON text of the universe's records, looked up now (while the review cache is active)
    texts = None if base is None else memo(base, ("hash_texts",), partial(_hash_texts, base))
    return ReviewResult(
        dates=dates,
        candidates=cand,  # type: ignore[arg-type]
        weights=weights,
        additions=sorted(set(chosen.selected) - ctx.existing),  # the ids of ``weights``
        deletions=sorted(ctx.existing - set(chosen.selected)),
        proforma=pro,  # type: ignore[arg-type]
        # made when first read (a sweep reads neither)
        # (of a copy-on-write copy of the weights: what they are now, whatever a caller does)
        compliance=Deferred(
            partial(weight_compliance, weights.copy(deep=False), picked, methodology)
        ),  # type: ignore[arg-type]
        point_in_time=pit,
        score_source=source,
        methodology_hash=m_hash,
        input_hash=Deferred(
            partial(_input_hash, cand, m_hash, dates, set(ctx.existing), base, texts)
        ),  # type: ignore[arg-type]
        warnings=warnings,
    )


def _object_columns(cols: Mapping[str, Any], base: pd.DataFrame | None) -> dict[str, Any]:
    """The string columns of ``cols`` as arrays of objects (the same values); once per
    universe frame ``base`` (``cols`` are its columns) while a review cache is active."""

    def make() -> dict[str, Any]:
        return {
            k: np.asarray(v, dtype=object)
            for k, v in cols.items()
            if isinstance(getattr(v, "dtype", None), pd.StringDtype)
        }

    if base is None:
        return make()
    out: dict[str, Any] = memo(base, ("object_columns",), make)
    return out


_HASH_COLUMNS = [
    "id",
    "ticker",
    "category",
    "Q",
    "a",
    "ffmc",
    "adtv",
    "trading_ratio",
    "free_float",
    "first_date",
    "existing",
]


def _systematic_frame(base: pd.DataFrame, ledger: Ledger, cutoff: pd.Timestamp) -> pd.DataFrame:
    """The universe frame ``base`` with the systematic rubric applied."""
    frame = base.copy()
    apply_systematic(frame, ledger, cutoff)
    return frame


def _input_hash(
    cand: pd.DataFrame | _Columns,
    methodology_hash: str,
    dates: ReviewDates,
    existing: set[str],
    base: pd.DataFrame | None = None,
    texts: list[tuple[str, tuple[str, str]]] | None = None,
) -> str:
    """SHA-256 of the methodology, the dates, every candidate's inputs and the members: of
    ``json.dumps(payload, sort_keys=True)``.

    ``base``: the universe frame ``cand`` was copied from (same rows and inputs, no current
    member); the JSON text of each of its records, as a member and not, is made once, and the
    payload's text is put together from the pieces ``json.dumps`` would write (its keys in
    sorted order, the default separators); ``texts``: those texts when already looked up.
    """
    if base is None:
        assert isinstance(cand, pd.DataFrame)
        inputs = json.dumps(_hash_records(cand), sort_keys=True)
    else:
        if texts is None:
            texts = memo(base, ("hash_texts",), partial(_hash_texts, base))
        inputs = "[" + ", ".join(t[cid in existing] for cid, t in texts) + "]"
    text = (
        f'{{"dates": {json.dumps(dates.to_dict(), sort_keys=True)}, "inputs": {inputs}, '
        f'"methodology": {json.dumps(methodology_hash)}, "previous": '
        f"{json.dumps(sorted(existing))}}}"
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _hash_records(cand: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = json.loads(
        cand[_HASH_COLUMNS].to_json(orient="records", date_format="iso", double_precision=15)
    )
    return out


def _hash_texts(base: pd.DataFrame) -> list[tuple[str, tuple[str, str]]]:
    """Per record of ``base``: its id, and its JSON text not a member and a member."""
    return [
        (
            str(rec["id"]),
            (
                json.dumps({**rec, "existing": False}, sort_keys=True),
                json.dumps({**rec, "existing": True}, sort_keys=True),
            ),
        )
        for rec in _hash_records(base)
    ]


def systematic_scores(
    ledger: Ledger,
    prices: PriceGetter,
    methodology: Methodology,
    as_of: object,
    *,
    fx: Mapping[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """The systematic vintage of the review whose cut-off is the latest on or before ``as_of``:
    one row per company with a category, its five components, their inputs, ``Q_raw`` and Q
    (docs/methodology.md, "Systematic scores"); only data known at the cut-off is used.

    This runs the review's first steps (universe, listing lines, free-float market caps) and
    the rubric, without screens or selection, so it answers also where the index cannot be
    formed.
    """
    cal = methodology.calendar
    dates = latest_review(to_timestamp(as_of, "as_of"), cal.rebalance_months, cal.exchange)
    m = methodology.model_copy(update={"pit_mode": "systematic"})
    ctx = ReviewContext(m, dates, prices, fx, set(), "systematic", [])
    cand = universe(ctx, known_data(ledger, ctx))
    apply_systematic(cand, ledger, dates.cutoff)
    cols = [
        "id", "name", "category", "ticker", "ffmc", "ffmc_pct", "gross_margin", "ai_share",
        "revenue_growth", "coverage", "market_position", "bottleneck_power", "ai_leverage",
        "execution", "demand_visibility", "n_components", "Q_raw", "Q",
    ]  # fmt: skip
    out = cand[[c for c in cols if c in cand.columns]].copy()
    out.insert(0, "cutoff", dates.cutoff)
    return out.reset_index(drop=True)
