"""Index use cases: one review, a backtest (shared by the CLI and the web app)."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

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
    return {str(c): g.set_index("date")["rate"].sort_index() for c, g in frame.groupby("currency")}


def _write_atomically(out: str, files: dict[str, str]) -> Path:
    target = Path(out).expanduser()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InvalidParameterError(
            f"`--out` {str(target)!r} must not exist or be an empty directory"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        if target.exists():
            target.rmdir()
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


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
                "selection.csv": result.selection().assign(label=label).to_csv(index=False),
                "exclusions.csv": result.exclusions().assign(label=label).to_csv(index=False),
                "proforma.csv": result.proforma.assign(label=label).to_csv(
                    index=False, date_format="%Y-%m-%d"
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
    )
    if out is not None:
        result.write(out)
    return result
