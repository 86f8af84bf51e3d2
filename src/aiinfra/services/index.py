"""Index use cases: one review, a backtest (shared by the CLI and the web app)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from aiinfra._csvout import to_csv as _csv
from aiinfra._io import atomic_directory
from aiinfra.config import Settings
from aiinfra.exceptions import DataValidationError, InvalidParameterError, Problem
from aiinfra.index import Methodology, ReviewResult, load_methodology, run_review
from aiinfra.services.ledger import load as load_ledger
from aiinfra.services.prices import price_provider

__all__ = ["cached_prices", "load_fx", "resolve_methodology", "review", "run_backtest"]


def resolve_methodology(source: str | None, pit_mode: str | None = None) -> Methodology:
    m = load_methodology(source)
    if pit_mode is not None:
        m = load_methodology({**m.model_dump(mode="json"), "pit_mode": pit_mode})
    return m


def cached_prices(settings: Settings) -> Any:
    provider = price_provider(settings)
    cache: dict[str, pd.DataFrame] = {}

    def get(ticker: str) -> pd.DataFrame:
        if ticker not in cache:
            cache[ticker] = provider.get(ticker)
        return cache[ticker]

    return get


def load_fx(path: str | None) -> dict[str, pd.Series] | None:
    """FX file: CSV ``date,currency,usd_per_unit`` (USD per one unit of the currency)."""
    if path is None:
        return None
    p = Path(path)
    try:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidParameterError(f"`--fx` file {str(p)!r} cannot be read: {exc}") from None
    problems = [
        Problem(str(p), 1, c, "required column is missing")
        for c in ("date", "currency", "usd_per_unit")
        if c not in raw.columns
    ]
    if problems:
        raise DataValidationError(problems, "fx")
    dates = pd.to_datetime(raw["date"], format="%Y-%m-%d", errors="coerce")
    rate = pd.to_numeric(raw["usd_per_unit"], errors="coerce")
    for i in raw.index[dates.isna()]:
        problems.append(
            Problem(str(p), int(i) + 2, "date", "must be a date YYYY-MM-DD", str(raw.at[i, "date"]))
        )
    for i in raw.index[~(rate > 0)]:
        problems.append(
            Problem(
                str(p),
                int(i) + 2,
                "usd_per_unit",
                "must be a number > 0",
                str(raw.at[i, "usd_per_unit"]),
            )
        )
    if problems:
        raise DataValidationError(problems, "fx")
    frame = pd.DataFrame({"date": dates, "currency": raw["currency"].str.upper(), "rate": rate})
    for i in frame.index[frame.duplicated(["date", "currency"])]:
        problems.append(Problem(str(p), int(i) + 2, "date", "duplicate date for this currency",
                                str(raw.at[i, "date"])))  # fmt: skip
    if problems:
        raise DataValidationError(problems, "fx")
    return {str(c): g.set_index("date")["rate"].sort_index() for c, g in frame.groupby("currency")}


EVENT_KINDS = ("split", "cash_dividend", "special_dividend", "delisting", "spin_off")


def load_events(path: str | None) -> list[Any] | None:
    """Corporate-action file: CSV ``date,ticker,type,value,new_ticker`` (see docs/methodology.md).

    ``type`` is one of split, cash_dividend, special_dividend, delisting, spin_off; ``value`` is the
    split ratio, the dividend per share or the spin-off ratio; ``new_ticker`` names the spun-off
    line. Every problem is reported with its row.
    """
    if path is None:
        return None
    from aiinfra._csv import read_csv_records
    from aiinfra.index import CorporateAction

    label = str(Path(path))
    table = read_csv_records(path, label)
    problems = list(table.problems)
    need = ("date", "ticker", "type", "value", "new_ticker")
    problems += [
        Problem(label, 1, c, "required column is missing") for c in need if c not in table.header
    ]
    if problems:
        raise DataValidationError(problems, "events")
    out = []
    for line, rec in table.records:
        r = dict(zip(table.header, rec, strict=True))
        day = pd.to_datetime(r["date"].strip(), format="%Y-%m-%d", errors="coerce")
        value = pd.to_numeric(r["value"].strip() or "0", errors="coerce")
        kind = r["type"].strip()
        if pd.isna(day):
            problems.append(Problem(label, line, "date", "must be a date YYYY-MM-DD", r["date"]))
        if kind not in EVENT_KINDS:
            problems.append(
                Problem(label, line, "type", f"must be one of: {', '.join(EVENT_KINDS)}", kind)
            )
        if pd.isna(value) or value < 0 or (kind in ("split", "spin_off") and not value > 0):
            problems.append(
                Problem(
                    label, line, "value", "must be a number > 0 (≥ 0 for dividends)", r["value"]
                )
            )
        if kind == "spin_off" and not r["new_ticker"].strip():
            problems.append(Problem(label, line, "new_ticker", "is required for a spin_off"))
        if not problems:
            out.append(CorporateAction(pd.Timestamp(day), r["ticker"].strip(), kind, float(value),  # type: ignore[arg-type]
                                       r["new_ticker"].strip() or None))  # fmt: skip
    if problems:
        raise DataValidationError(problems, "events")
    return out


def _write_atomically(out: str, files: dict[str, str]) -> Path:
    with atomic_directory(out) as tmp:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
    return Path(out).expanduser()


def review(
    settings: Settings,
    methodology: str | None = None,
    as_of: object = None,
    out: str | None = None,
    pit_mode: str | None = None,
    fx: str | None = None,
) -> ReviewResult:
    """The review whose cut-off is the latest on or before ``as_of`` (default today)."""
    import datetime as dt

    m = resolve_methodology(methodology, pit_mode)
    result = run_review(
        load_ledger(settings),
        cached_prices(settings),
        m,
        as_of if as_of is not None else dt.date.today(),
        fx=load_fx(fx),
        missing_vintage="static",
    )
    if out is not None:
        label = result.label
        _write_atomically(
            out,
            {
                "selection.csv": _csv(result.selection().assign(label=label), index=False),
                "exclusions.csv": _csv(result.exclusions().assign(label=label), index=False),
                "proforma.csv": _csv(
                    result.proforma.assign(label=label), index=False, date_format="%Y-%m-%d"
                ),
                "review.json": json.dumps(result.to_dict(), indent=2, default=str),
                "methodology.yaml": m.to_yaml(),
            },
        )
    return result


def run_backtest(
    settings: Settings,
    methodology: str | None = None,
    start: object = None,
    end: object = None,
    benchmarks: Sequence[str] = (),
    cost_bps: float = 0.0,
    out: str | None = None,
    pit_mode: str | None = None,
    fx: str | None = None,
    events: str | None = None,
) -> Any:
    from aiinfra.backtest import backtest

    if out is not None:
        target = Path(out).expanduser()
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise InvalidParameterError(
                f"`--out` {str(target)!r} must not exist or be an empty directory"
            )
    m = resolve_methodology(methodology, pit_mode)
    result = backtest(
        load_ledger(settings),
        cached_prices(settings),
        m,
        start if start is not None else "2019-01-01",
        end if end is not None else pd.Timestamp.today().normalize(),
        benchmarks=benchmarks,
        cost_bps=cost_bps,
        fx=load_fx(fx),
        events=load_events(events),
    )
    if out is not None:
        result.write(out)
    return result
