"""The sweep use case: read the grid, pick the prices and the executor, run, write atomically."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from aiinfra.backtest import PBO_SPLITS, SweepResult, load_grid, sweep
from aiinfra.config import Settings
from aiinfra.exceptions import InvalidParameterError, MissingDataError
from aiinfra.parallel import get_executor

__all__ = [
    "OUT_SUFFIXES",
    "TABLE_COLUMNS",
    "robustness_frame",
    "robustness_line",
    "run",
    "write_table",
]

OUT_SUFFIXES = (".csv", ".parquet")
#: What ``--format table`` shows besides the variant and its swept values.
TABLE_COLUMNS = [
    "status",
    "annual_return",
    "annual_volatility",
    "sharpe_ratio",
    "max_drawdown",
    "turnover",
    "constituents_last",
]


def _check_out(out: str | None) -> Path | None:
    if out is None:
        return None
    target = Path(out).expanduser()
    if target.suffix.lower() not in OUT_SUFFIXES:
        raise InvalidParameterError(
            f"`--out` {str(target)!r} must end in {' or '.join(OUT_SUFFIXES)}"
        )
    if target.is_dir():
        raise InvalidParameterError(f"`--out` {str(target)!r} is a directory; name a file")
    return target


def write_table(frame: pd.DataFrame, target: str | os.PathLike[str]) -> Path:
    """Write ``frame`` as CSV or Parquet (by suffix) to a temporary file, then rename it."""
    from aiinfra._csvout import to_csv
    from aiinfra._io import atomic_path

    path = _check_out(str(target))
    assert path is not None
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            to_csv(frame, tmp, index=False)
    return path


def _store_frames(settings: Settings) -> dict[str, pd.DataFrame]:
    from aiinfra.prices import StoreProvider
    from aiinfra.store import Store

    provider = StoreProvider(Store(settings.store_path))
    tickers = provider.tickers()
    if not tickers:
        from aiinfra.services.prices import no_prices_message

        raise MissingDataError(
            no_prices_message(f"no prices: no `--prices DIR` given and none in the store "
                              f"{settings.store_path}")
        )  # fmt: skip
    return {t: provider.get(t) for t in tickers}


@contextlib.contextmanager
def _bar(show: bool) -> Iterator[Callable[[int, int], None]]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not show,
        transient=True,
    ) as bar:
        task = bar.add_task("variants", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def run(
    settings: Settings,
    grid: str,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    out: str | None = None,
    data_dir: str | None = None,
    progress: bool = False,
    pbo_splits: int = PBO_SPLITS,
) -> SweepResult:
    """Run the sweep of the grid file ``grid`` and write ``out`` (CSV or Parquet) when given.

    Prices come from ``--prices DIR`` (every worker reads that path itself; on a Dask cluster
    the workers need it at the same path) or, without it, from the store (sent to the workers
    with the work). The ledger is the bundled one, overlaid by ``data_dir`` when given.
    ``pbo_splits`` is the number of CSCV blocks behind the PBO of ``result.robustness``.
    """
    target = _check_out(out)
    g = load_grid(grid)
    prices: Any = settings.prices_dir if settings.prices_dir is not None else None
    if prices is None:
        prices = _store_frames(settings)
    ledger = data_dir or settings.data_dir
    with contextlib.closing(get_executor(scheduler, workers)) as ex, _bar(progress) as update:
        result = sweep(
            g, prices, ledger=ledger, executor=ex, progress=update, pbo_splits=pbo_splits
        )
    if target is not None:
        write_table(result.to_frame(), target)
    return result


def _fmt(x: float | None, digits: int = 4) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def robustness_frame(result: SweepResult) -> pd.DataFrame:
    """The robustness figures of a sweep as a two-column table (``measure``, ``value``) for the
    terminal; annualised Sharpe ratios (× √252), their daily values in brackets."""
    if result.robustness is None:
        return pd.DataFrame({"measure": [], "value": []})
    d = result.robustness.to_dict()
    n, s = d["trials"], d["pbo_splits"]
    rows = [
        ("trials (variants with a return series)", str(n)),
        ("days used (every trial has a return)",
         f"{d['observations']} ({d['start']} – {d['end']})"),
        ("best variant (highest Sharpe ratio)", d["best_variant"] or "–"),
        ("its Sharpe ratio, annualised (daily)",
         f"{_fmt(d['sharpe_ratio'])} ({_fmt(d['sharpe_ratio_daily'], 5)})"),
        ("variance of the trials' Sharpe ratios, annualised (daily)",
         f"{_fmt(d['sharpe_variance'])} ({_fmt(d['sharpe_variance_daily'], 6)})"),
        (f"expected max Sharpe ratio of {n} skill-less trials, annualised (daily)",
         f"{_fmt(d['expected_max_sharpe'])} ({_fmt(d['expected_max_sharpe_daily'], 5)})"),
        ("deflated Sharpe ratio (P[true Sharpe ratio > 0])", _fmt(d["deflated_sharpe_ratio"])),
        (f"PBO (CSCV, S = {s}, {d['pbo_combinations'] or '–'} splits)", _fmt(d["pbo"])),
        ("performance degradation slope (OOS on IS Sharpe)",
         _fmt(d["performance_degradation_slope"])),
        ("probability of loss out of sample", _fmt(d["probability_of_loss"])),
    ]  # fmt: skip
    return pd.DataFrame({"measure": [m for m, _ in rows], "value": [v for _, v in rows]})


def robustness_line(result: SweepResult) -> str | None:
    """One line for standard error (``--format csv``, where stdout holds only the table)."""
    if result.robustness is None:
        return None
    d = result.robustness.to_dict()
    return (
        f"robustness: best {d['best_variant'] or '–'}, deflated Sharpe ratio "
        f"{_fmt(d['deflated_sharpe_ratio'])} ({d['trials']} trials, variance of the annualised "
        f"Sharpe ratios {_fmt(d['sharpe_variance'])}); PBO {_fmt(d['pbo'])} "
        f"(S = {d['pbo_splits']})"
    )
