"""Price use cases: import CSV files, fetch online, list, and pick the provider for a run."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from aiinfra.config import Settings
from aiinfra.exceptions import (
    DataValidationError,
    InvalidParameterError,
    MissingDataError,
    Problem,
)
from aiinfra.prices import (
    BaseProvider,
    CsvDirProvider,
    StoreProvider,
    YFinanceProvider,
    read_price_csv,
)
from aiinfra.store import Store

__all__ = [
    "NO_PRICES_HELP",
    "fetch_prices",
    "import_prices",
    "list_prices",
    "missing_prices",
    "no_prices_message",
    "price_provider",
]

#: Where price files come from and how to get them: what every command that needs prices says
#: when it has none (the index commands, the report, the dashboard, the sweep).
NO_PRICES_HELP = (
    "Price files are CSV files named TICKER.csv (e.g. NVDA.csv, 2330.TW.csv), one row per "
    "trading day with the header date,open,high,low,close,adj_close,volume (dates YYYY-MM-DD). "
    "Get them with `aiinfra prices fetch TICKER...` (downloads from Yahoo Finance with yfinance; "
    "needs network) or `aiinfra prices import DIR` (a directory of such files, into the store), "
    "or read a directory of them directly with the global option: `aiinfra --prices DIR ...`."
)

_TICKER_FILE = re.compile(r"^[A-Z0-9^][A-Z0-9.\-=^]{0,19}$")


def kept_prices(provider: Any, *, keep_misses: bool = True) -> Callable[[str], pd.DataFrame]:
    """``prices(ticker)`` over ``provider.get``, every frame kept for the getter's life (the
    one getter of the command line, the report and the dashboard; thread-safe).

    ``keep_misses``: a line without prices is asked for at every review, so its
    ``MissingDataError`` is kept too and raised again as first raised (a command's provider does
    not change while it runs; the long-lived dashboard asks again instead).
    """
    cache: dict[str, pd.DataFrame] = {}
    missing: dict[str, MissingDataError] = {}
    lock = threading.Lock()

    def get(ticker: str) -> pd.DataFrame:
        with lock:
            if ticker in missing:
                raise missing[ticker].with_traceback(None)
            if ticker not in cache:
                try:
                    cache[ticker] = provider.get(ticker)
                except MissingDataError as exc:
                    if keep_misses:
                        missing[ticker] = exc
                    raise
            return cache[ticker]

    return get


def price_provider(settings: Settings) -> BaseProvider:
    """The provider every command reads: ``--prices DIR`` when given, else the store."""
    if settings.prices_dir is not None:
        from aiinfra._derived import DerivedCache

        # validated files kept between runs, keyed by their bytes (aiinfra._derived)
        return CsvDirProvider(settings.prices_dir, cache=DerivedCache(settings.home / "cache"))
    return StoreProvider(Store(settings.store_path))


def no_prices_message(why: str) -> str:
    """``why`` there are no prices, then :data:`NO_PRICES_HELP`."""
    return f"{why.rstrip('. ')}. {NO_PRICES_HELP}"


def missing_prices(settings: Settings) -> str | None:
    """Why the settings give no prices at all (no ``--prices DIR`` and no store prices, or a
    ``--prices`` directory without a price file), None when there are some. Reads only the
    listing (the store's or the directory's), never a price file."""
    if settings.prices_dir is not None:
        d = settings.prices_dir
        if not d.is_dir():
            return f"no prices: `--prices` {str(d)!r} is not a directory"
        if not any(d.glob("*.csv")):
            return f"no prices: `--prices` {str(d)!r} holds no TICKER.csv file"
        return None
    if not settings.store_path.exists():
        return f"no prices: no `--prices DIR` given and no store at {settings.store_path}"
    if Store(settings.store_path).list_prices().empty:
        return f"no prices: no `--prices DIR` given and none in the store {settings.store_path}"
    return None


def _csv_files(paths: Sequence[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(p.glob("*.csv"))
        elif p.exists():  # read_price_csv refuses what is not a regular file, with the reason
            files.append(p)
        else:
            raise InvalidParameterError(f"`PATH` does not exist: {str(p)!r}")
    if not files:
        raise InvalidParameterError(f"`PATH` holds no .csv files: {', '.join(map(str, paths))}")
    return files


def import_prices(settings: Settings, paths: Sequence[str | Path]) -> dict[str, Any]:
    """Validate every file first, then import all of them in one store transaction.

    The ticker is the file name without ``.csv``. Any problem in any file: nothing is written.
    """
    files = _csv_files(paths)
    problems: list[Problem] = []
    frames: list[tuple[str, pd.DataFrame, str]] = []
    warnings: list[str] = []
    seen: dict[str, Path] = {}
    for f in files:
        ticker = f.stem
        if not _TICKER_FILE.match(ticker):
            problems.append(
                Problem(
                    str(f),
                    None,
                    None,
                    "file name must be the ticker in Yahoo style, upper "
                    "case (NVDA.csv, 2330.TW.csv, BRK-B.csv)",
                    f.name,
                )
            )
            continue
        if ticker in seen:
            problems.append(Problem(str(f), None, None, f"ticker {ticker} also in {seen[ticker]}"))
            continue
        seen[ticker] = f
        try:
            frame, warn = read_price_csv(str(f))
        except DataValidationError as exc:
            problems += exc.problems
            continue
        frames.append((ticker, frame, str(f.resolve())))
        warnings += warn
    if problems:
        raise DataValidationError(problems, "prices")
    counts = Store(settings.store_path).import_prices(frames)
    return {"imported": counts, "warnings": warnings, "store": str(settings.store_path)}


def fetch_prices(
    settings: Settings,
    tickers: Sequence[str],
    start: object = None,
    provider: BaseProvider | None = None,
) -> dict[str, Any]:
    """Download from the online provider and merge into the store in one transaction.

    Downloaded dates replace stored rows on the same dates; other stored dates are kept, so
    ``--start`` fetches a recent window without erasing older history.
    """
    from aiinfra.config import NET_DEADLINE_ENV, net_deadline

    deadline = (
        None if os.environ.get(NET_DEADLINE_ENV, "").strip() else net_deadline(None, len(tickers))
    )
    prov = provider or YFinanceProvider(
        cache_dir=settings.home / "cache" / "yfinance", deadline=deadline
    )

    def produce() -> Iterator[tuple[str, pd.DataFrame, str]]:
        for t in tickers:
            yield t, prov.get(t, start), prov.name

    # download everything before opening the store for writing, so the write lock is short
    items = list(produce())
    counts = Store(settings.store_path).import_prices(items, mode="merge")
    return {
        "fetched": {t: len(f) for t, f, _ in items},
        "stored": counts,
        "store": str(settings.store_path),
    }


def list_prices(settings: Settings) -> pd.DataFrame:
    """Tickers with first and last date and row count, from ``--prices DIR`` or the store."""
    if settings.prices_dir is not None:
        prov = CsvDirProvider(settings.prices_dir)
        rows = []
        for t in prov.tickers():
            frame = prov.get(t)
            rows.append(
                {"ticker": t, "first": frame.index[0], "last": frame.index[-1], "rows": len(frame)}
            )
        return pd.DataFrame(rows, columns=["ticker", "first", "last", "rows"])
    frame = Store(settings.store_path).list_prices()
    return frame
