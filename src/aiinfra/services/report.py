"""The report use case: pick the prices, build, write atomically."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from aiinfra.config import Lang, Settings
from aiinfra.exceptions import AiinfraError, InvalidParameterError
from aiinfra.report import ReportResult, render_report, write_report
from aiinfra.services.index import (
    BACKTEST_START,
    last_price_date,
    load_fx,
    scored_lines,
)
from aiinfra.services.ledger import load as load_ledger
from aiinfra.services.prices import missing_prices, no_prices_message
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
    start: str | None = None,
    benchmarks: Sequence[str] | None = None,
    fx: dict[str, pd.Series] | None = None,
    no_prices_reason: str | None = None,
    holdings: Sequence[str | os.PathLike[str]] = (),
    cost_bps: float = 0.0,
    check_start: bool = False,
) -> ReportResult:
    """Form the index of each methodology (:func:`aiinfra.services.strategies.form_strategies`)
    and lay out the report.

    ``methodology`` is one methodology (a built-in name or a YAML file; None: the default) or
    several: the first is the report's index (page one, constituents, its backtest with the
    static-score comparison, the stress weights); every one is a strategy in the index
    section's comparison, with its monthly returns and rolling one-year charts. ``benchmarks``
    None compares with those of :data:`~aiinfra.services.strategies.DEFAULT_BENCHMARKS` (QQQ,
    SMH, SOXX) that have prices; named benchmarks must have prices. The backtests start at
    ``start`` (None: :data:`~aiinfra.services.index.BACKTEST_START`; the first review effective
    on or after it) and pay ``cost_bps`` basis points per unit traded; the sources appendix
    states the start, the cost and the benchmarks used. With ``check_start`` (the command line)
    a start on or after the report's date, or after the last price, is refused; without it such
    a report has no backtest and says why.

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
        A methodology named twice (or two files with the same stem), a benchmark named twice,
        a negative or non-finite cost; with ``check_start`` a start on or after the report's
        date (or after the last price).
    MissingDataError
        A named benchmark without prices.
    """
    from aiinfra.charts import label
    from aiinfra.dates import to_timestamp

    day = to_timestamp(as_of if as_of is not None else dt.date.today(), "as_of")
    strict = check_start and start is not None
    first = check_backtest_options(start if start is not None else BACKTEST_START, cost_bps, day,
                                   given=strict)  # fmt: skip
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
            if strict and first >= day:
                raise InvalidParameterError(
                    f"`--start` {first.date()} must be before the last price of the index's "
                    f"lines, {day.date()} (the report is dated to it)"
                )
        used = resolve_benchmarks(prices, benchmarks)
        formed = form_strategies(
            ledger, prices, wanted, day, benchmarks=used, fx=fx, start=str(first.date()),
            lang=lang, cost_bps=cost_bps,
        )  # fmt: skip
        view, comparison = formed.primary, formed.comparison
        notices += formed.notices
        sources.append(_backtest_source(lang, first, cost_bps, used))
    from aiinfra.services import report_sections as extra
    from aiinfra.services.notices import index_notice_parts

    parts = None if view is None else index_notice_parts(view, start=str(first.date()))
    return render_report(
        ledger, view, as_of=day, lang=lang, notices=notices, source_list=sources,
        strategies=comparison, index_notices=parts,
        history=extra.report_history(ledger, day, view),
        changes=extra.report_changes(ledger, day, prices=prices, fx=fx),
        lookthrough=extra.report_lookthrough(ledger, holdings, day, prices=prices, fx=fx),
    )  # fmt: skip


#: how the sources appendix states the backtest's settings, by language
_SETTINGS_TEXT = {
    "en": (
        "Backtest settings",
        "start {start} (the first review effective on or after it), transaction cost {cost} bp "
        "per unit traded, benchmarks: {bench}",
        "none",
    ),
    "de": (
        "Backtest-Einstellungen",
        "Beginn {start} (die erste Überprüfung, die an oder nach diesem Tag wirksam wird), "
        "Transaktionskosten {cost} bp je gehandelter Einheit, Vergleichsindizes: {bench}",
        "keine",
    ),
}


def check_backtest_options(
    start: object, cost_bps: float, as_of: pd.Timestamp, *, given: bool = True
) -> pd.Timestamp:
    """The report's backtest start as a date, once ``--start`` and ``--cost-bps`` are checked
    against the report's date (before any work). The default start (``given`` false) is not
    held to the date: a report dated before it has no backtest and says why, as before.

    Raises
    ------
    InvalidParameterError
        ``start`` not a date or not before ``as_of``; ``cost_bps`` negative or not finite.
    """
    from aiinfra.dates import to_timestamp

    first = to_timestamp(start, "--start")
    if given and first >= as_of:
        raise InvalidParameterError(
            f"`--start` {first.date()} must be before the report's date {as_of.date()} "
            "(`--as-of`, default today)"
        )
    try:
        cost = float(cost_bps)
    except (TypeError, ValueError):
        cost = math.nan
    if not math.isfinite(cost) or cost < 0:
        raise InvalidParameterError(
            f"`--cost-bps` must be a finite number ≥ 0 (basis points per unit traded), "
            f"got {cost_bps!r}"
        )
    return first


def _backtest_source(
    lang: Lang, start: pd.Timestamp, cost_bps: float, benchmarks: Sequence[str]
) -> tuple[str, str]:
    title, text, none = _SETTINGS_TEXT[lang]
    cost = f"{cost_bps:g}" if lang == "en" else f"{cost_bps:g}".replace(".", ",")
    bench = ", ".join(benchmarks) or none
    return title, text.format(start=start.date(), cost=cost, bench=bench)


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
    from aiinfra.charts import label as _label
    from aiinfra.prices import CsvDirProvider, StoreProvider, YFinanceProvider
    from aiinfra.store import Store

    if settings.prices_dir is not None:
        why = missing_prices(settings)
        if why is not None:
            return None, "", no_prices_message(why)
        prov: Any = CsvDirProvider(settings.prices_dir, cache=DerivedCache(settings.home / "cache"))
        label = _label("prices_csv_dir", settings.lang).format(path=settings.prices_dir)
    else:
        from aiinfra.config import NET_DEADLINE_ENV, net_deadline

        store = Store(settings.store_path)
        label = _label("prices_store", settings.lang).format(path=settings.store_path)
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
                return (
                    None,
                    "",
                    no_prices_message(
                        f"no prices in the store and no network ({str(exc).rstrip('.')})"
                    ),
                )
            got, stopped = _fetch_with_progress(store, online, wanted, progress)
            if not got:
                return (
                    None,
                    "",
                    no_prices_message(
                        f"no prices in the store, and the download got none ({stopped})"
                    ),
                )
            if stopped:
                label += (
                    f" (downloaded {got} of {len(wanted)} listing lines; the download stopped: "
                    f"{stopped})"
                )
        prov = StoreProvider(store)
    from aiinfra.services.prices import kept_prices

    return kept_prices(prov), label, None


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
    start: str | None = None,
    cost_bps: float = 0.0,
) -> tuple[ReportResult, Path]:
    """Build the report and write it (default ``AIINFRA_HOME/report.html``): one or several
    methodologies, the named benchmarks or the default ones, the backtests from ``start``
    (default :data:`~aiinfra.services.index.BACKTEST_START`) with ``cost_bps`` (see
    :func:`build_report`). Bad options fail before the ledger or any price is read."""
    from aiinfra.dates import to_timestamp

    day = to_timestamp(as_of if as_of is not None else dt.date.today(), "as_of")
    first = check_backtest_options(start if start is not None else BACKTEST_START, cost_bps, day,
                                   given=start is not None)  # fmt: skip
    ledger = load_ledger(settings)
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
        start=None if start is None else str(first.date()),
        cost_bps=float(cost_bps),
        check_start=True,
    )
    target = Path(out) if out else settings.home / "report.html"
    return result, write_report(result, target)
