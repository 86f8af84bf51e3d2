"""Index use cases: one review, a backtest (shared by the CLI and the web app)."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aiinfra._csvout import csv_text as _csv
from aiinfra._io import atomic_directory
from aiinfra.backtest import BACKTEST_START, HouseComparison, IndexView
from aiinfra.config import Settings
from aiinfra.dates import resolve_as_of
from aiinfra.exceptions import DataValidationError, InvalidParameterError, Problem
from aiinfra.index import (
    Methodology,
    ReviewCache,
    ReviewResult,
    load_methodology,
    review_cache,
    run_review,
)
from aiinfra.services.ledger import load as load_ledger
from aiinfra.services.prices import missing_prices, no_prices_message, price_provider

__all__ = [
    "BACKTEST_START",
    "BENCHMARKS",
    "RELAXED_CAP",
    "RELAXED_MIN_N",
    "cached_prices",
    "form_index",
    "last_price_date",
    "load_fx",
    "publish_pack",
    "resolve_methodology",
    "review",
    "run_backtest",
    "scored_lines",
    "verify_packs",
]

#: What the report's and the dashboard's backtests are compared with (they start at
#: ``BACKTEST_START``, defined with the notices in :mod:`aiinfra.backtest`).
BENCHMARKS = ("QQQ", "SMH")
#: The relaxation policy of :func:`form_index` (docs/methodology.md, "Forming the index"):
#: without the UCITS rule and with at least this many names, then with at least this cap.
RELAXED_MIN_N = 5
RELAXED_CAP = 0.10


def scored_lines(ledger: Any) -> list[str]:
    """Every listing line (primary and alternative tickers) of a scored company, sorted."""
    comp = ledger.companies.set_index("id")
    out: set[str] = set()
    for cid in ledger.scores["company_id"].unique():
        out.add(str(comp.at[cid, "ticker"]))
        alt = comp.at[cid, "alt_tickers"]
        if isinstance(alt, str):
            out.update(t for t in alt.split(";") if t)
    return sorted(out)


def last_price_date(ledger: Any, prices: Any) -> pd.Timestamp | None:
    """The last date with a close on a scored company's line (benchmarks do not count): the
    report and the dashboard are dated to it when prices end before their date."""
    from aiinfra.exceptions import MissingDataError

    last = None
    for t in scored_lines(ledger):
        try:
            day = prices(t)["close"].last_valid_index()
        except MissingDataError:
            continue
        if day is not None:
            day = pd.Timestamp(str(day))
            last = day if last is None or day > last else last
    return last


def _without_ucits(m: Methodology, cap: float | None = None) -> Methodology:
    data = m.model_dump(mode="json")
    data["weighting"]["ucits"] = None
    data["selection"]["min_n"] = min(data["selection"]["min_n"], RELAXED_MIN_N)
    if cap is not None:
        data["weighting"]["single_cap"] = max(data["weighting"]["single_cap"], cap)
    return Methodology.model_validate(data)


def form_index(
    ledger: Any,
    prices: Any,
    methodology: Methodology,
    as_of: pd.Timestamp,
    *,
    fx: dict[str, pd.Series] | None = None,
    start: str = BACKTEST_START,
    benchmarks: Sequence[str] = BENCHMARKS,
    with_backtest: bool = True,
    relax: bool = True,
    compare: bool = True,
    progress: Any = None,
    cache: ReviewCache | None = None,
    cost_bps: float = 0.0,
) -> IndexView:
    """The index on ``as_of`` and the backtest of the same rules: the one way the report, the
    dashboard and the stress test get an index.

    One relaxation policy, used only when the requested rules cannot form the index on the
    prices at hand (``InsufficientConstituentsError`` / ``InfeasibleCappingError``) and
    ``relax`` is true:

    1. the same rules without the UCITS buffer rule and with at least
       :data:`RELAXED_MIN_N` names, keeping the requested single cap;
    2. if that cap cannot hold on those names, the cap raised to :data:`RELAXED_CAP`.

    What was relaxed is in ``IndexView.relaxation`` (every view shows it); when even that fails
    ``IndexView.error`` says why and there is no review. The backtest runs the applied rules from
    ``start`` to the last price of the selected lines (at most ``as_of``), labelled not
    point-in-time when today's scores are applied to earlier dates; when it cannot run,
    ``IndexView.backtest_error`` says why.

    Parameters
    ----------
    ledger : Ledger
    prices : callable
        ``prices(ticker) -> DataFrame`` (a provider's ``get``).
    methodology : Methodology
        The rules requested.
    as_of : Timestamp
        The review date, already resolved by the caller.
    fx : mapping, optional
        USD per unit by currency (see :func:`load_fx`).
    compare : bool, default True
        With a point-in-time backtest, also run the same rules on today's scores
        (``IndexView.comparison``, labelled not point-in-time: the look-ahead premium is the
        difference), and compare the systematic scores with the house view
        (``IndexView.house_comparison``).
    progress : callable, optional
        ``progress(fraction, what)``.
    cost_bps : float, default 0
        Transaction cost per unit traded in basis points, for both backtests (as
        ``aiinfra index backtest --cost-bps``).
    cache : ReviewCache, optional
        Kept by a caller that forms the index again and again on the same ``ledger`` and
        ``prices`` objects, never changed in place (the dashboard: a new cap then reruns only
        what the cap touches); default a cache for this call alone.
    """
    # the review, both backtests and the comparison share price statistics
    with review_cache(cache if cache is not None else ReviewCache()):
        return _form_index(
            ledger,
            prices,
            methodology,
            as_of,
            fx=fx,
            start=start,
            benchmarks=benchmarks,
            with_backtest=with_backtest,
            relax=relax,
            compare=compare,
            progress=progress,
            cost_bps=cost_bps,
        )


def _form_index(
    ledger: Any,
    prices: Any,
    methodology: Methodology,
    as_of: pd.Timestamp,
    *,
    fx: dict[str, pd.Series] | None = None,
    start: str = BACKTEST_START,
    benchmarks: Sequence[str] = BENCHMARKS,
    with_backtest: bool = True,
    relax: bool = True,
    compare: bool = True,
    progress: Any = None,
    cost_bps: float = 0.0,
) -> IndexView:
    """:func:`form_index` inside one review cache."""
    from aiinfra.backtest import IndexView, Relaxation, backtest
    from aiinfra.exceptions import AiinfraError, InfeasibleCapping, InsufficientConstituents

    def tell(x: float, what: str) -> None:
        if progress is not None:
            progress(x, what)

    cannot_form = (InsufficientConstituents, InfeasibleCapping)
    m = methodology
    relaxation = None
    tell(0.05, "review")
    try:
        result = run_review(ledger, prices, m, as_of, missing_vintage="static", fx=fx)
    except cannot_form as exc:
        if not relax:
            return IndexView(methodology, m, None, None, as_of, error=exc)
        reason = str(exc).rstrip(".")
        try:
            m = _without_ucits(methodology)
            result = run_review(ledger, prices, m, as_of, missing_vintage="static", fx=fx)
        except InfeasibleCapping:
            try:
                m = _without_ucits(methodology, cap=RELAXED_CAP)
                result = run_review(ledger, prices, m, as_of, missing_vintage="static", fx=fx)
            except cannot_form as exc2:
                return IndexView(methodology, m, None, None, as_of, error=exc2)
        except InsufficientConstituents as exc2:
            return IndexView(methodology, m, None, None, as_of, error=exc2)
        relaxation = Relaxation(
            reason=reason,
            dropped_ucits=methodology.weighting.ucits is not None,
            min_n=m.selection.min_n,
            single_cap=m.weighting.single_cap,
            cap_raised=m.weighting.single_cap > methodology.weighting.single_cap,
        )
    view = IndexView(methodology, m, result, None, as_of, relaxation=relaxation)
    if not with_backtest:
        tell(1.0, "done")
        return view
    tell(0.3, "backtest")
    static = m if result.point_in_time else m.model_copy(update={"pit_mode": "static_scores"})
    try:
        end = min(
            as_of,
            max(
                pd.Timestamp(str(prices(t)["close"].last_valid_index()))
                for t in result.proforma["ticker"]
            ),
        )
        view.backtest = backtest(
            ledger, prices, static, start, end, benchmarks=benchmarks, fx=fx, cost_bps=cost_bps
        )
    except AiinfraError as exc:
        view.backtest_error = exc
    if compare:
        tell(0.65, "comparison")
        _add_comparisons(view, ledger, prices, m, as_of, fx, benchmarks, cost_bps)
    tell(1.0, "done")
    return view


def _add_comparisons(
    view: IndexView,
    ledger: Any,
    prices: Any,
    m: Methodology,
    as_of: pd.Timestamp,
    fx: dict[str, pd.Series] | None,
    benchmarks: Sequence[str],
    cost_bps: float = 0.0,
) -> None:
    """The static-score backtest over the point-in-time backtest's window (the look-ahead
    comparison) and the systematic scores against the house view, into ``view``."""
    from aiinfra.backtest import backtest
    from aiinfra.exceptions import AiinfraError

    if view.backtest is not None and view.backtest.stats.point_in_time:
        bt = view.backtest.stats
        static = m.model_copy(update={"pit_mode": "static_scores"})
        try:
            view.comparison = backtest(
                ledger, prices, static, bt.start, bt.end, benchmarks=benchmarks, fx=fx,
                cost_bps=cost_bps,
            )  # fmt: skip
        except AiinfraError as exc:
            view.comparison_error = exc
    view.house_comparison = house_comparison(ledger, prices, m, as_of, fx=fx)


def house_comparison(
    ledger: Any,
    prices: Any,
    methodology: Methodology,
    as_of: pd.Timestamp,
    *,
    fx: dict[str, pd.Series] | None = None,
) -> HouseComparison | None:
    """The systematic vintage of the review on ``as_of`` against the latest house vintage (any
    date: this compares two views, it forms nothing): Spearman's rank correlation of Q and the
    companies that differ most. None when either side has fewer than three companies."""
    from aiinfra.index import systematic_scores

    sysq = systematic_scores(ledger, prices, methodology, as_of, fx=fx)
    house = ledger.latest_scores()
    both = sysq.set_index("id")[["name", "category", "Q"]].join(
        house["qualitative"].rename("Q_house"), how="inner"
    )
    both = both[both["Q"].notna() & both["Q_house"].notna()]
    if len(both) < 3:
        return None
    ranks = both[["Q", "Q_house"]].rank(method="average")
    rho = float(np.corrcoef(ranks["Q"], ranks["Q_house"])[0, 1])
    table = both.rename(columns={"Q": "Q_systematic"}).reset_index(names="id")
    table["difference"] = table["Q_systematic"] - table["Q_house"]
    table = table.iloc[table["difference"].abs().sort_values(ascending=False, kind="stable").index]
    return HouseComparison(
        cutoff=pd.Timestamp(sysq["cutoff"].iloc[0]),
        house_as_of=pd.Timestamp(house["as_of"].max()),
        n=len(table),
        rank_correlation=rho,
        table=table.reset_index(drop=True)[
            ["id", "name", "category", "Q_systematic", "Q_house", "difference"]
        ],
    )


def resolve_methodology(source: str | None, pit_mode: str | None = None) -> Methodology:
    m = load_methodology(source)
    if pit_mode is not None:
        m = load_methodology({**m.model_dump(mode="json"), "pit_mode": pit_mode})
    return m


def cached_prices(settings: Settings) -> Any:
    """``prices(ticker)`` over the settings' provider, every answer (and miss) kept."""
    from aiinfra.services.prices import kept_prices

    return kept_prices(price_provider(settings))


FX_FILE = re.compile(r"^FX_USD(?P<cur>[A-Z]{3})\.csv$", re.IGNORECASE)


def load_fx(path: str | None) -> dict[str, pd.Series] | None:
    """FX rates for non-USD listing lines, as USD per one unit of each currency.

    ``path`` is one of:

    * a **directory** of ``FX_USDXXX.csv`` files (``date,rate``, ``rate`` = units of currency
      ``XXX`` per one USD, as in ``../shared/data/fx``): every such file is read;
    * one ``FX_USDXXX.csv`` file of that shape;
    * a long file ``date,currency,usd_per_unit`` (USD per one unit of the currency).

    Every rate is checked (a date YYYY-MM-DD, a finite number > 0, one row per date and
    currency); every problem is reported with its file, row and column.
    """
    if path is None:
        return None
    if not str(path).strip():
        raise InvalidParameterError("`--fx` must name a file or a directory; got an empty string")
    p = Path(path).expanduser()
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if FX_FILE.match(f.name))
        if not files:
            raise InvalidParameterError(
                f"`--fx` directory {str(p)!r} holds no FX_USDXXX.csv file (date,rate: units of "
                "currency XXX per USD)"
            )
        out: dict[str, pd.Series] = {}
        problems: list[Problem] = []
        for f in files:
            try:
                out.update(_read_fx_file(f))
            except DataValidationError as exc:
                problems += exc.problems
        if problems:
            raise DataValidationError(problems, "fx")
        return out
    if not p.exists():
        raise InvalidParameterError(f"`--fx` {str(p)!r} does not exist (name a file or directory)")
    return _read_fx_file(p)


def _read_fx_file(p: Path) -> dict[str, pd.Series]:
    from aiinfra._csv import parse_csv_text, read_text_bounded
    from aiinfra.prices import MAX_FILE_BYTES_ENV, max_file_bytes

    label = str(p)
    text, problems = read_text_bounded(label, label, max_file_bytes(), MAX_FILE_BYTES_ENV)
    if text is None:
        raise DataValidationError(problems, "fx")
    table = parse_csv_text(text, label)
    if table.problems:
        raise DataValidationError(table.problems, "fx")
    named = FX_FILE.match(p.name)
    long_form = {"currency", "usd_per_unit"} <= set(table.header)
    need: tuple[str, ...]
    if named and not long_form:  # FX_USDXXX.csv: units of XXX per USD
        need, value_col, currency = ("date", "rate"), "rate", named["cur"].upper()
    else:
        need, value_col, currency = ("date", "currency", "usd_per_unit"), "usd_per_unit", None
    missing = [c for c in need if c not in table.header]
    if missing:
        shape = (
            "date,rate (FX_USDXXX.csv)"
            if named
            else "date,currency,usd_per_unit (or a file FX_USDXXX.csv with date,rate)"
        )
        raise DataValidationError(
            [
                Problem(label, 1, c, f"required column is missing; expected {shape}")
                for c in missing
            ],
            "fx",
        )
    lines = [line for line, _ in table.records]
    raw = pd.DataFrame([r for _, r in table.records], columns=table.header, dtype=str)
    if raw.empty:
        raise DataValidationError([Problem(label, None, None, "holds no rate")], "fx")
    dates = pd.to_datetime(raw["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    rate = pd.to_numeric(raw[value_col].str.strip(), errors="coerce")
    bad_date = (
        dates.isna() | (dates < pd.Timestamp("1900-01-01")) | (dates > pd.Timestamp("2200-12-31"))
    )
    for i in raw.index[bad_date]:
        problems.append(Problem(label, lines[i], "date",
                                "must be a date YYYY-MM-DD from 1900-01-01 to 2200-12-31",
                                str(raw.at[i, "date"])))  # fmt: skip
    finite = rate.notna() & np.isfinite(rate.fillna(0.0))
    for i in raw.index[~(finite & (rate > 0))]:
        problems.append(Problem(label, lines[i], value_col, "must be a finite number > 0",
                                str(raw.at[i, value_col])))  # fmt: skip
    cur = (
        pd.Series(currency, index=raw.index)
        if currency is not None
        else raw["currency"].str.strip().str.upper()
    )
    for i in raw.index[~cur.str.fullmatch(r"[A-Z]{3}")]:
        problems.append(Problem(label, lines[i], "currency", "must be a 3-letter ISO code",
                                str(raw.at[i, "currency"])))  # fmt: skip
    if problems:
        raise DataValidationError(problems, "fx")
    usd_per_unit = 1.0 / rate if currency is not None else rate
    frame = pd.DataFrame({"date": dates, "currency": cur, "rate": usd_per_unit})
    for i in frame.index[frame.duplicated(["date", "currency"])]:
        problems.append(Problem(label, lines[i], "date", "duplicate date for this currency",
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


@contextlib.contextmanager
def _telling_where_prices_come_from(settings: Settings) -> Iterator[None]:
    """A failure when the settings give no prices at all becomes the message that says where
    price files come from and how to get them
    (:data:`~aiinfra.services.prices.NO_PRICES_HELP`), with the exit code
    of the failure (a run that has some prices keeps its own error)."""
    from aiinfra.exceptions import AiinfraError

    try:
        yield
    except AiinfraError as exc:
        why = missing_prices(settings)
        if why is None:
            raise
        err = InvalidParameterError(no_prices_message(why))
        err.exit_code = exc.exit_code
        raise err from None


def review(
    settings: Settings,
    methodology: str | None = None,
    as_of: object = None,
    out: str | None = None,
    pit_mode: str | None = None,
    fx: str | None = None,
) -> ReviewResult:
    """The review whose cut-off is the latest on or before ``as_of`` (default today)."""

    m = resolve_methodology(methodology, pit_mode)
    ledger, day = load_ledger(settings), resolve_as_of(as_of)
    rates = load_fx(fx if fx is not None else settings.fx)
    with _telling_where_prices_come_from(settings):
        result = run_review(ledger, cached_prices(settings), m, day, fx=rates,
                            missing_vintage="static")  # fmt: skip
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
    ledger = load_ledger(settings)
    rates, actions = load_fx(fx if fx is not None else settings.fx), load_events(events)
    with _telling_where_prices_come_from(settings):
        result = backtest(
            ledger,
            cached_prices(settings),
            m,
            start if start is not None else "2019-01-01",
            end if end is not None else pd.Timestamp.today().normalize(),
            benchmarks=benchmarks,
            cost_bps=cost_bps,
            fx=rates,
            events=actions,
        )
    if out is not None:
        result.write(out)
    return result


def publish_pack(
    settings: Settings,
    as_of: object,
    methodology: str | None = None,
    registry: str = "reviews",
    kind: str | None = None,
    fx: str | None = None,
) -> dict[str, Any]:
    """Append the pack of the review whose cut-off is the latest on or before ``as_of`` to the
    registry (docs/methodology.md, "Pre-registered reviews").

    ``kind`` ``review`` forms the review (no relaxation) and registers its selection and weights;
    ``vintage`` pre-registers the house score vintage in force at the cut-off and the methodology,
    reading no prices; None: ``review``, and when the review cannot be formed an error that says
    why and suggests ``--kind vintage`` (nothing is written). Returns what was written.
    """
    from aiinfra.exceptions import (
        InfeasibleCapping,
        InsufficientConstituents,
        MissingDataError,
        NotPointInTimeError,
    )
    from aiinfra.index import (
        build_review_pack,
        build_vintage_pack,
        find_pack,
        latest_review,
        publish,
    )

    if kind not in (None, "vintage", "review"):
        raise InvalidParameterError(f"`--kind` must be vintage or review, got {kind!r}")
    m = resolve_methodology(methodology)
    name = methodology or "default"
    day = resolve_as_of(as_of)
    dates = latest_review(day, m.calendar.rebalance_months, m.calendar.exchange)
    wanted = kind or "review"
    done = find_pack(registry, dates.review, wanted)
    if done is not None:  # refused before the review is formed (publish checks again)
        raise InvalidParameterError(
            f"review {dates.review} already has a {wanted} pack: {done} (a registry is "
            "append-only: a published pack is never replaced). Nothing was written."
        )
    ledger = load_ledger(settings)
    if wanted == "vintage":
        pack = build_vintage_pack(ledger, m, day, name=name)
    else:
        cannot = (
            InsufficientConstituents,
            InfeasibleCapping,
            NotPointInTimeError,
            MissingDataError,
        )
        try:
            result = run_review(
                ledger,
                cached_prices(settings),
                m,
                day,
                fx=load_fx(fx if fx is not None else settings.fx),
                dates=dates,
            )
        except cannot as exc:
            if kind is not None:
                raise
            raise InvalidParameterError(
                f"review {dates.review} cannot be formed: {str(exc).rstrip('.')}. Nothing was "
                f"published. To pre-register the house score vintage and the methodology before "
                f"the review takes effect on {dates.effective.date()}, run again with `--kind "
                f"vintage` (no prices needed); publish the review (`--kind review`) once the "
                f"prices cover its cut-off {dates.cutoff.date()}."
            ) from None
        pack = build_review_pack(result, ledger, m, name=name)
    path = publish(registry, pack)
    doc = json.loads(path.read_text(encoding="utf-8"))
    sv = doc["score_vintage"]
    return {
        "file": str(path),
        "seq": doc["seq"],
        "kind": doc["kind"],
        "review": doc["review"],
        "published": doc["published"],
        "methodology": doc["methodology"],
        "methodology_hash": doc["methodology_hash"],
        "score_vintage": {
            "as_of": sv["as_of"],
            "source": sv["source"],
            "rows": len(sv["rows"]),
            "rows_sha256": sv["rows_sha256"],
        },
        "input_hash": doc["input_hash"],
        "selection": None if doc["selection"] is None else len(doc["selection"]),
        "prices_through": doc["prices_through"],
        "prev_sha256": doc["prev_sha256"],
        "sha256": doc["sha256"],
    }


def verify_packs(settings: Settings, registry: str = "reviews") -> dict[str, Any]:
    """Verify a registry against the ledger: its packs (``file``, ``seq``, ``kind``, ``review``,
    ``published``, ``score_source``, ``rows``, ``sha256``) and the chain's ``head`` (the last
    ``sha256``) when it verifies; a :class:`DataValidationError` listing every problem when not.
    """
    from aiinfra.index import registry_packs, verify_registry

    problems = verify_registry(registry, load_ledger(settings))
    if problems:
        raise DataValidationError(problems, f"registry {registry}")
    packs = registry_packs(registry)
    return {
        "registry": str(Path(registry).expanduser()),
        "verified": True,
        "packs": packs,
        "head": packs[-1]["sha256"] if packs else None,
    }
