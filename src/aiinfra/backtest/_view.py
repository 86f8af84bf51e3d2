"""An index as a user sees it: the review on a date, the backtest of the same rules, and what
was relaxed to form it (the result type of ``aiinfra.services.index.form_index``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from aiinfra.exceptions import AiinfraError

if TYPE_CHECKING:
    from aiinfra.backtest._backtest import BacktestResult
    from aiinfra.index import Methodology, ReviewResult

__all__ = ["HouseComparison", "IndexMetrics", "IndexView", "Relaxation"]


@dataclass(frozen=True)
class Relaxation:
    """What was relaxed to form the index, and why (None on an :class:`IndexView` when the
    requested rules held).

    Attributes
    ----------
    reason : str
        The engine's message for the requested rules (``InsufficientConstituentsError`` or
        ``InfeasibleCappingError``).
    dropped_ucits : bool
        The UCITS 5/10/40-style buffer rule was switched off.
    min_n : int
        The minimum count applied (the requested one, or 5 when lower counts were needed).
    single_cap : float
        The single-name cap applied (the requested one, or 10 % when it could not hold).
    cap_raised : bool
        Whether ``single_cap`` had to be raised above the requested cap.
    """

    reason: str
    dropped_ucits: bool
    min_n: int
    single_cap: float
    cap_raised: bool


@dataclass(frozen=True)
class IndexMetrics:
    """The figures of an index most views show (GTR of the backtest; NaN without one)."""

    constituents: int
    total_return: float
    annual_return: float
    annual_volatility: float
    sharpe_ratio: float
    max_drawdown: float
    turnover: float

    def to_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class HouseComparison:
    """Systematic scores against the house view for the same companies.

    Attributes
    ----------
    cutoff : Timestamp
        The cut-off of the systematic vintage.
    house_as_of : Timestamp
        The date of the house vintage compared with (it may be later than the cut-off).
    n : int
        Companies scored by both.
    rank_correlation : float
        Spearman's rank correlation of the two Q (average ranks for ties).
    table : DataFrame
        ``id``, ``name``, ``category``, ``Q_systematic``, ``Q_house``, ``difference``
        (systematic − house), sorted by the absolute difference, largest first.
    """

    cutoff: pd.Timestamp
    house_as_of: pd.Timestamp
    n: int
    rank_correlation: float
    table: pd.DataFrame


@dataclass
class IndexView:
    """The index formed on a date: review, backtest, and the rules that were applied.

    Attributes
    ----------
    requested : Methodology
        The rules asked for.
    methodology : Methodology
        The rules applied (``requested`` unless ``relaxation`` says otherwise).
    review : ReviewResult or None
        The review on ``as_of``; None when no index can be formed (``error`` says why).
    backtest : BacktestResult or None
        The same rules since ``start``; None when it was not asked for or could not run
        (``backtest_error`` says why).
    relaxation : Relaxation or None
        Set when the requested rules could not form the index and relaxed ones did.
    as_of : Timestamp
        The review date used (moved back to the last price when prices end earlier).
    error : AiinfraError or None
        Why no index could be formed, even relaxed (``InsufficientConstituentsError`` or
        ``InfeasibleCappingError``).
    backtest_error : AiinfraError or None
        Why the backtest was left out.
    """

    requested: Methodology
    methodology: Methodology
    review: ReviewResult | None
    backtest: BacktestResult | None
    as_of: pd.Timestamp
    relaxation: Relaxation | None = None
    error: AiinfraError | None = None
    backtest_error: AiinfraError | None = None
    warnings: list[str] = field(default_factory=list)
    #: the same rules with today's scores on every date (``pit_mode: static_scores``): the
    #: labelled comparison that shows what look-ahead adds; None when not asked for or when the
    #: backtest itself uses static scores
    comparison: BacktestResult | None = None
    comparison_error: AiinfraError | None = None
    #: systematic scores against the house view on the review (see :class:`HouseComparison`)
    house_comparison: HouseComparison | None = None

    def look_ahead_premium(self) -> dict[str, float] | None:
        """Static-score backtest minus the point-in-time one over the same window: total and
        annual return of the GTR variant (what knowing today's scores would have added)."""
        if self.backtest is None or self.comparison is None:
            return None
        pit, static = self.backtest.stats.gtr, self.comparison.stats.gtr
        return {
            "total_return": static.total_return - pit.total_return,
            "annual_return": static.annual_return - pit.annual_return,
        }

    @property
    def point_in_time(self) -> bool:
        """False when today's scores were applied to an earlier date, in the review or in
        any review of the backtest."""
        review_pit = self.review is None or bool(self.review.point_in_time)
        bt_pit = self.backtest is None or self.backtest.stats.point_in_time
        return review_pit and bt_pit

    def weights(self) -> pd.Series:
        """Weight by company id of the review (empty without an index)."""
        if self.review is None:
            return pd.Series(dtype=float)
        sel = self.review.selection()
        return pd.Series(sel["weight"].to_numpy(), index=sel["id"].to_numpy(), name="weight")

    def metrics(self) -> IndexMetrics:
        """GTR metrics of the backtest, the mean one-way turnover per review and the count."""
        n = 0 if self.review is None else len(self.review.selection())
        nan = float("nan")
        if self.backtest is None:
            return IndexMetrics(n, nan, nan, nan, nan, nan, nan)
        s = self.backtest.stats
        return IndexMetrics(
            constituents=n,
            total_return=s.gtr.total_return,
            annual_return=s.gtr.annual_return,
            annual_volatility=s.gtr.annual_volatility,
            sharpe_ratio=s.gtr.sharpe_ratio,
            max_drawdown=s.gtr.max_drawdown,
            turnover=s.turnover.mean_per_review,
        )
