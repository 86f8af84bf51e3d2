"""The report use case: pick the prices, build, write atomically."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from aiinfra.config import Lang, Settings
from aiinfra.exceptions import AiinfraError, MissingDataError
from aiinfra.report import ReportResult, render_report, write_report
from aiinfra.services.index import (
    BACKTEST_START,
    last_price_date,
    load_fx,
    scored_lines,
)
from aiinfra.services.ledger import load as load_ledger
from aiinfra.services.strategies import (
    DEFAULT_BENCHMARKS,
    form_strategies,
    resolve_benchmarks,
    resolve_strategies,
)

__all__ = ["build_report", "make_report"]


def build_report(
    ledger: Any,
    prices: Any,
    *,
    as_of: object = None,
    lang: Lang = "en",
    methodology: str | Sequence[str] | None = None,
    price_label: str = "",
    start: str = BACKTEST_START,
    benchmarks: Sequence[str] | None = None,
    fx: dict[str, pd.Series] | None = None,
    no_prices_reason: str | None = None,
    holdings: Sequence[str | os.PathLike[str]] = (),
) -> ReportResult:
    """Form the index of each methodology (:func:`aiinfra.services.strategies.form_strategies`)
    and lay out the report.

    ``methodology`` is one methodology (a built-in name or a YAML file; None: the default) or
    several: the first is the report's index (page one, constituents, its backtest with the
    static-score comparison, the stress weights); every one is a strategy in the index
    section's comparison, with its monthly returns and rolling one-year charts. ``benchmarks``
    None compares with those of :data:`~aiinfra.services.strategies.DEFAULT_BENCHMARKS` (QQQ,
    SMH, SOXX) that have prices; named benchmarks must have prices.

    The report also shows circularity over time (quarters from 2019,
    :data:`~aiinfra.services.report_sections.HISTORY_SAMPLES` rewirings a quarter, the drawdowns
    from the index's backtest), what changed over the year to its date (prices given: the index
    of the review in force on each date) and a look-through of each file of ``holdings``
    (:mod:`aiinfra.services.report_sections`).

    When the prices end before ``as_of`` the report is dated to the last price of a scored
    company's line, and page one says so. Without prices (``prices`` None) the report has no
    index and says why (``no_prices_reason``).

    Raises
    ------
    InvalidParameterError
        A methodology named twice (or two files with the same stem), a benchmark named twice.
    MissingDataError
        A named benchmark without prices.
    """
    from aiinfra.charts import label
    from aiinfra.dates import to_timestamp

    day = to_timestamp(as_of if as_of is not None else dt.date.today(), "as_of")
    notices: list[str] = []
    wanted = _methodology_list(methodology)
    strategies = resolve_strategies(wanted)  # a bad methodology fails before any work
    if len(strategies) == 1:
        sources = [(label("methodology", lang), _methodology_text(wanted[0]))]
    else:
        sources = [(label("methodology", lang), f"{s.name}: {s.source}") for s in strategies]
    view = None
    comparison = None
    if prices is None:
        notices.append(
            label("no_prices", lang) + (f" ({no_prices_reason})" if no_prices_reason else "")
        )
    else:
        sources.append((label("price_source", lang), price_label))
        data_end = last_price_date(ledger, prices)
        if data_end is not None and data_end < day:
            notices.append(
                f"{label('prices_end', lang)} {data_end.date()}: "
                f"{label('report_dated', lang)} {data_end.date()}."
            )
            day = data_end
        formed = form_strategies(
            ledger, prices, wanted, day, benchmarks=resolve_benchmarks(prices, benchmarks),
            fx=fx, start=start, lang=lang,
        )  # fmt: skip
        view, comparison = formed.primary, formed.comparison
        notices += formed.notices
    from aiinfra.services import report_sections as extra

    return render_report(
        ledger, view, as_of=day, lang=lang, notices=notices, source_list=sources,
        strategies=comparison,
        history=extra.report_history(ledger, day, view),
        changes=extra.report_changes(ledger, day, prices=prices, fx=fx),
        lookthrough=extra.report_lookthrough(ledger, holdings, day, prices=prices, fx=fx),
    )  # fmt: skip


def _methodology_list(methodology: str | Sequence[str] | None) -> list[str | None]:
    if methodology is None or isinstance(methodology, str):
        return [methodology]
    return list(methodology) or [None]


def _methodology_text(source: str | None) -> str:
    """How the sources appendix names one methodology (as it always has)."""
    return source or "methodologies/default.yaml"


def _wanted_tickers(ledger: Any) -> list[str]:
    return sorted(set(DEFAULT_BENCHMARKS) | set(scored_lines(ledger)))


def _prices(settings: Settings, ledger: Any, progress: bool) -> tuple[Any, str, str | None]:
    """(getter or None, label for the sources appendix, reason when there are none)."""
    from aiinfra._derived import DerivedCache
    from aiinfra.prices import CsvDirProvider, StoreProvider, YFinanceProvider
    from aiinfra.store import Store

    if settings.prices_dir is not None:
        prov: Any = CsvDirProvider(settings.prices_dir, cache=DerivedCache(settings.home / "cache"))
        label = f"CSV files in {settings.prices_dir}"
    else:
        from aiinfra.config import NET_DEADLINE_ENV, net_deadline

        store = Store(settings.store_path)
        label = f"the store {settings.store_path}"
        if store.list_prices().empty:
            wanted = _wanted_tickers(ledger)
            env_set = bool(os.environ.get(NET_DEADLINE_ENV, "").strip())
            online = YFinanceProvider(
                cache_dir=settings.home / "cache" / "yfinance",
                deadline=None if env_set else net_deadline(None, len(wanted)),
            )
            try:
                online.probe()
            except AiinfraError as exc:
                return None, "", f"no prices in the store and no network: {exc}"
            got, stopped = _fetch_with_progress(store, online, wanted, progress)
            if not got:
                return None, "", f"no prices in the store, and the download got none: {stopped}"
            if stopped:
                label += (
                    f" (downloaded {got} of {len(wanted)} listing lines; the download stopped: "
                    f"{stopped})"
                )
        prov = StoreProvider(store)
    cache: dict[str, pd.DataFrame] = {}
    # a line without prices is asked for at every review: its error is kept too (raised again
    # as it was first raised; the provider's files do not change during one report)
    missing: dict[str, MissingDataError] = {}

    def get(ticker: str) -> pd.DataFrame:
        if ticker in missing:
            raise missing[ticker].with_traceback(None)
        if ticker not in cache:
            try:
                cache[ticker] = prov.get(ticker)
            except MissingDataError as exc:
                missing[ticker] = exc
                raise
        return cache[ticker]

    return get, label, None


def _fetch_with_progress(
    store: Any, online: Any, tickers: list[str], progress: bool
) -> tuple[int, str | None]:
    """Download what can be had; (lines stored, why the download stopped early or None).

    A line Yahoo does not have is skipped (the review reports NO_PRICES); an unreachable
    provider or the network deadline ends the download at once: what came is kept.
    """
    from rich.progress import Progress

    from aiinfra.exceptions import ProviderUnavailableError

    frames = []
    stopped: str | None = None
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("fetching prices", total=len(tickers))
        for t in tickers:
            try:
                frames.append((t, online.get(t), online.name))
            except ProviderUnavailableError as exc:
                stopped = str(exc)
                break
            except AiinfraError:
                pass
            bar.advance(task)
    if frames:
        store.import_prices(frames, mode="merge")
    return len(frames), stopped


def make_report(
    settings: Settings,
    out: str | None = None,
    as_of: object = None,
    methodology: str | Sequence[str] | None = None,
    fx: str | None = None,
    progress: bool = True,
    benchmarks: Sequence[str] | None = None,
    holdings: Sequence[str | os.PathLike[str]] = (),
) -> tuple[ReportResult, Path]:
    """Build the report and write it (default ``AIINFRA_HOME/report.html``): one or several
    methodologies, the named benchmarks or the default ones (see :func:`build_report`)."""
    from aiinfra.dates import to_timestamp

    ledger = load_ledger(settings)
    day = to_timestamp(as_of if as_of is not None else dt.date.today(), "as_of")
    prices, label, reason = _prices(settings, ledger, progress)
    result = build_report(
        ledger,
        prices,
        as_of=day,
        lang=settings.lang,
        methodology=methodology,
        price_label=label,
        fx=load_fx(fx if fx is not None else settings.fx),
        no_prices_reason=reason,
        benchmarks=benchmarks,
        holdings=holdings,
    )
    target = Path(out) if out else settings.home / "report.html"
    return result, write_report(result, target)
