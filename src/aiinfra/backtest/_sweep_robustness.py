"""How much a sweep's best variant owes to the search: deflated Sharpe ratio and PBO.

The sweep keeps every ``ok`` variant's daily GTR return series (``SweepResult.returns``); this
module turns them into :class:`SweepRobustness`: the deflated Sharpe ratio of the variant with the
highest Sharpe ratio, with the number of trials and the variance of the trials' Sharpe ratios
behind it, and the probability of backtest overfitting by CSCV over all the series. The
formulas are :mod:`aiinfra.metrics`' (``deflated_sharpe_ratio``, ``expected_max_sharpe``,
``pbo``); docs/sweep.md, "Robustness", explains the figures and their limits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aiinfra import metrics

__all__ = ["PBO_SPLITS", "SweepRobustness", "sweep_robustness"]

#: Default number of CSCV blocks S (12,870 splits).
PBO_SPLITS = 16


@dataclass(frozen=True)
class SweepRobustness:
    """Deflated Sharpe ratio of a sweep's best variant and the PBO of the sweep.

    Sharpe ratios and their variance are computed on the dates every trial has a return; the
    ``*_daily`` figures are per trading day (the papers' units), the others annualised with
    ``annualization`` (ratio × √252, variance × 252). A figure that cannot be computed is NaN
    (None in :meth:`to_dict`) and ``notes`` says why.

    Attributes
    ----------
    trials : int
        N: the variants that formed an index (status ``ok``) and have a Sharpe ratio.
    observations : int
        T: the daily returns used (dates every trial has).
    start, end : str or None
        First and last of those dates.
    best_variant : str or None
        The variant with the highest Sharpe ratio (the first on a tie).
    sharpe_ratio_daily, sharpe_variance_daily, expected_max_sharpe_daily : float
        Its Sharpe ratio; the sample variance (ddof 1) of the N trials' ratios; the expected
        maximum ratio of N skill-less trials with that variance (the DSR's threshold).
    deflated_sharpe_ratio : float
        PSR of the best variant against that threshold, with its skewness and kurtosis.
    pbo : PBOResult or None
        CSCV over the (T × N) returns, None when it cannot run (see ``notes``).
    n_splits : int
        S asked for.
    """

    trials: int
    observations: int
    start: str | None
    end: str | None
    best_variant: str | None
    sharpe_ratio_daily: float
    sharpe_variance_daily: float
    expected_max_sharpe_daily: float
    deflated_sharpe_ratio: float
    pbo: metrics.PBOResult | None
    n_splits: int
    notes: tuple[str, ...] = ()
    annualization: int = 252

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures (keys documented in docs/sweep.md and docs/cli.md)."""
        a = self.annualization
        p = self.pbo

        def clean(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        return {
            "trials": self.trials,
            "observations": self.observations,
            "start": self.start,
            "end": self.end,
            "best_variant": self.best_variant,
            "sharpe_ratio": clean(self.sharpe_ratio_daily * math.sqrt(a)),
            "sharpe_ratio_daily": clean(self.sharpe_ratio_daily),
            "sharpe_variance": clean(self.sharpe_variance_daily * a),
            "sharpe_variance_daily": clean(self.sharpe_variance_daily),
            "expected_max_sharpe": clean(self.expected_max_sharpe_daily * math.sqrt(a)),
            "expected_max_sharpe_daily": clean(self.expected_max_sharpe_daily),
            "deflated_sharpe_ratio": clean(self.deflated_sharpe_ratio),
            "pbo": None if p is None else clean(p.pbo),
            "pbo_splits": self.n_splits,
            "pbo_combinations": None if p is None else p.n_combinations,
            "performance_degradation_slope": None if p is None else clean(p.degradation_slope),
            "probability_of_loss": None if p is None else clean(p.probability_of_loss),
            "notes": list(self.notes),
        }


def sweep_robustness(
    returns: pd.DataFrame, n_splits: int = PBO_SPLITS, *, annualization: int = 252
) -> SweepRobustness:
    """DSR of the best variant and PBO over ``returns`` (dates × variant ids, NaN = no return).

    Dates on which some variant has no return are left out (every trial is measured on the
    same days); a variant whose returns do not vary has no Sharpe ratio and is left out of the
    trials (each with a note). With one trial the DSR is the PSR against 0 and there is no PBO.
    """
    notes: list[str] = []
    common = returns.dropna(how="any")
    if len(common) < len(returns.dropna(how="all")):
        notes.append(
            f"{len(returns.dropna(how='all')) - len(common)} date(s) left out: "
            "not every variant has a return on them"
        )
    srs = {c: metrics.sharpe_ratio(common[c], annualization=1) for c in common.columns}
    flat = [str(c) for c, v in srs.items() if math.isnan(v)]
    if flat:
        notes.append(f"left out (returns do not vary): {', '.join(flat)}")
    srs = {c: v for c, v in srs.items() if not math.isnan(v)}
    frame = common[list(srs)]
    nan = float("nan")
    if not srs:
        notes.append("no variant has a return series with a Sharpe ratio: nothing to deflate")
        return SweepRobustness(
            0, len(frame), None, None, None, nan, nan, nan, nan, None, n_splits, tuple(notes)
        )
    ratios = np.array(list(srs.values()))
    best = list(srs)[int(np.argmax(ratios))]
    var = float(np.var(ratios, ddof=1)) if ratios.size >= 2 else 0.0
    threshold = metrics.expected_max_sharpe(int(ratios.size), var)
    dsr = metrics.deflated_sharpe_ratio(frame[best], ratios)
    result = None
    rows_per_half = (len(frame) // n_splits) * (n_splits // 2)
    if ratios.size < 2:
        notes.append("PBO needs at least two variants")
    elif n_splits > len(frame) or rows_per_half < 2:
        notes.append(f"PBO needs at least {max(n_splits, 4)} common dates for {n_splits} blocks")
    else:
        result = metrics.pbo(frame, n_splits)
    dates = frame.index
    return SweepRobustness(
        trials=int(ratios.size),
        observations=len(frame),
        start=_day(dates[0]) if len(dates) else None,
        end=_day(dates[-1]) if len(dates) else None,
        best_variant=str(best),
        sharpe_ratio_daily=float(srs[best]),
        sharpe_variance_daily=var,
        expected_max_sharpe_daily=threshold,
        deflated_sharpe_ratio=dsr,
        pbo=result,
        n_splits=n_splits,
        notes=tuple(notes),
        annualization=annualization,
    )


def _day(x: Any) -> str:
    return pd.Timestamp(x).date().isoformat() if isinstance(x, pd.Timestamp) else str(x)
