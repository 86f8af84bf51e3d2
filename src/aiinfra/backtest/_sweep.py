"""Methodology sweeps: many index variants, each a full backtest, as one table.

A grid file (YAML) names a base methodology, the backtest window and the parameters to vary, as
dotted paths into :class:`~aiinfra.index.Methodology`. ``mode: grid`` runs the cartesian product
of the listed values; ``mode: random`` draws ``n`` variants, each from its own seed
(:func:`~aiinfra.parallel.chunk_seeds`), so variant ``v0007`` is the same whatever ``n``, backend
or number of workers. Every variant is computed alone, from its own methodology; chunks of
variants only decide which process computes it, never what. So the table is identical, bit for
bit, on one process, several, or a Dask cluster.

A variant whose methodology is invalid, or that cannot form an index on the prices (too few
eligible names, caps that cannot hold), becomes a row with its ``status`` and ``error``; the sweep
goes on. Any other error (a missing benchmark, an unreadable ledger) stops the sweep.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import itertools
import math
import os
import time
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from aiinfra._merge import deep_merge
from aiinfra._yaml import read_yaml
from aiinfra.backtest._sweep_robustness import PBO_SPLITS, SweepRobustness, sweep_robustness
from aiinfra.exceptions import (
    DataValidationError,
    InfeasibleCapping,
    InsufficientConstituents,
    InvalidParameterError,
    MissingDataError,
    NotPointInTimeError,
    Problem,
    validation_problems,
)
from aiinfra.index import NOT_PIT_LABEL, Methodology, ReviewCache, load_methodology, review_cache
from aiinfra.parallel import Executor, SerialExecutor, chunk_seeds, chunks

__all__ = [
    "MAX_VARIANTS",
    "PBO_SPLITS",
    "Grid",
    "SweepResult",
    "Variant",
    "load_grid",
    "methodology_paths",
    "sweep",
]

#: A grid may not expand to more variants than this (a typo in a list would otherwise run for days).
MAX_VARIANTS = 100_000
#: At most this many variants per work item (fewer when that leaves a worker idle).
CHUNK_SIZE = 8
#: Metrics of the GTR (gross total return) level series, in table order.
METRICS = (
    "total_return",
    "annual_return",
    "annual_volatility",
    "sharpe_ratio",
    "sortino_ratio",
    "max_drawdown",
    "calmar_ratio",
)
#: Errors that make a variant's row (``status``) instead of stopping the sweep.
VARIANT_ERRORS: dict[type[Exception], str] = {
    InsufficientConstituents: "insufficient_constituents",
    InfeasibleCapping: "infeasible_capping",
    NotPointInTimeError: "not_point_in_time",
}
STATUSES = ("ok", "invalid", *VARIANT_ERRORS.values())
#: Key of an ``ok`` row that carries the variant's daily GTR returns back from the worker (taken
#: out before the table is built: the table never holds it).
RETURNS_KEY = "_returns"


# --- the grid file -------------------------------------------------------------------------------


class Grid(BaseModel):
    """A sweep: base methodology, backtest window and the parameters to vary.

    Attributes
    ----------
    base : str
        A built-in methodology name (``default``, ``semis_20cap`` …) or a YAML file; a relative
        path is read relative to the grid file.
    overrides : dict
        Methodology keys applied to every variant (nested like the methodology file).
    start, end : date
        Backtest window; ``end`` defaults to today (the backtest stops at the last price).
    benchmarks : tuple of str
        Tickers compared with each variant's GTR series (excess return, tracking error, IR).
    cost_bps : float
        Transaction cost per unit traded, as in ``aiinfra index backtest``.
    mode : {"grid", "random"}
        ``grid``: the cartesian product of the value lists. ``random``: ``n`` draws with ``seed``.
    n, seed : int
        Number of random variants and the seed (``mode: random`` only).
    parameters : dict
        Dotted methodology path → list of values (either mode) or ``{low, high}`` (random: a
        uniform draw; integers when both bounds are integers, inclusive).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    base: str = "default"
    overrides: dict[str, Any] = Field(default_factory=dict)
    start: dt.date = dt.date(2019, 1, 1)
    end: dt.date | None = None
    benchmarks: tuple[str, ...] = ()
    cost_bps: float = Field(0.0, ge=0)
    mode: Literal["grid", "random"] = "grid"
    n: int | None = Field(None, ge=1)
    seed: int | None = Field(None, ge=0)
    parameters: dict[str, Any]

    _source: str = PrivateAttr("<dict>")
    _folder: str | None = PrivateAttr(None)

    @property
    def source(self) -> str:
        """The grid file (or ``<dict>``), as named in error messages."""
        return self._source

    def problem(self, column: str | None, rule: str, value: object = None) -> Problem:
        shown = None if value is None else str(value)
        return Problem(self._source, None, column, rule, shown)

    def base_methodology(self) -> Methodology:
        """The base methodology with ``overrides`` applied (errors name the grid file)."""
        base: str | Path = self.base
        if self._folder is not None and base not in _builtin_names():
            candidate = Path(self._folder) / self.base
            if candidate.is_file():
                base = candidate
        try:
            m = load_methodology(base)
        except InvalidParameterError as exc:
            raise DataValidationError(
                [self.problem("base", str(exc).replace("`methodology` ", ""), self.base)], "grid"
            ) from None
        except DataValidationError as exc:
            problems = [
                self.problem("base", f"{p.file}: {p.column + ': ' if p.column else ''}{p.rule}")
                for p in exc.problems
            ]
            raise DataValidationError(problems, "grid") from None
        if not self.overrides:
            return m
        try:
            return load_methodology(deep_merge(m.model_dump(mode="json"), self.overrides))
        except DataValidationError as exc:
            problems = [
                self.problem(f"overrides.{p.column}" if p.column else "overrides", p.rule, p.value)
                for p in exc.problems
            ]
            raise DataValidationError(problems, "grid") from None

    def variants(self) -> list[Variant]:
        """Every variant in a deterministic order, each validated by the methodology model.

        ``mode: grid``: the cartesian product in the order the parameters are listed, the last
        one changing fastest. ``mode: random``: variant ``i`` draws every parameter, in the order
        listed, from ``numpy.random.default_rng(chunk_seeds(seed, n)[i])``.

        Raises
        ------
        DataValidationError
            When a listed value is invalid in every variant that uses it (a typo, a value out of
            range), naming ``parameters.<path>`` and the rule; or when no variant is valid.
        """
        base = self.base_methodology().model_dump(mode="json")
        paths = list(self.parameters)
        draws: list[dict[str, Any]] = []
        chosen: list[dict[str, int | None]] = []
        if self.mode == "grid":
            lists = [self.parameters[p] for p in paths]
            picks = list(itertools.product(*[range(len(v)) for v in lists]))
            draws = [{p: lists[k][i] for k, (p, i) in enumerate(zip(paths, pick, strict=True))}
                     for pick in picks]  # fmt: skip
            chosen = [{p: i for p, i in zip(paths, pick, strict=True)} for pick in picks]
        else:
            assert self.n is not None and self.seed is not None
            for ss in chunk_seeds(self.seed, self.n):
                rng = np.random.default_rng(ss)
                values: dict[str, Any] = {}
                which: dict[str, int | None] = {}
                for p in paths:
                    values[p], which[p] = _draw(rng, self.parameters[p])
                draws.append(values)
                chosen.append(which)
        width = max(4, len(str(len(draws) - 1)))
        out: list[Variant] = []
        for i, values in enumerate(draws):
            data = copy.deepcopy(base)
            for p, v in values.items():
                _set_path(data, p, copy.deepcopy(v))
            try:
                m: Methodology | None = Methodology.model_validate(data)
                error = None
            except ValidationError as exc:
                m, error = None, _validation_text(exc)
            out.append(Variant(f"v{i:0{width}d}", values, m, error))
        self._check_values(out, chosen)
        return out

    def _check_values(self, out: list[Variant], chosen: list[dict[str, int | None]]) -> None:
        problems: list[Problem] = []
        for p in self.parameters:
            listed = self.parameters[p]
            if not isinstance(listed, list):
                continue
            for k, value in enumerate(listed):
                used = [v for v, c in zip(out, chosen, strict=True) if c[p] == k]
                if used and all(v.methodology is None for v in used):
                    problems.append(
                        self.problem(
                            f"parameters.{p}",
                            f"value #{k + 1} is invalid in every variant that uses it: "
                            f"{used[0].error}",
                            _short(value),
                        )
                    )
        if not problems and out and all(v.methodology is None for v in out):
            problems.append(
                self.problem("parameters", f"no variant is valid; the first: {out[0].error}")
            )
        if problems:
            raise DataValidationError(problems, "grid")


@dataclass(frozen=True)
class Variant:
    """One methodology variant: its id, the swept values, and the validated methodology.

    ``methodology`` is None and ``error`` says why when the combination is invalid.
    """

    id: str
    values: dict[str, Any]
    methodology: Methodology | None
    error: str | None = None


def _builtin_names() -> set[str]:
    from aiinfra.index import builtin_methodologies

    return set(builtin_methodologies())


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``a.b.c`` in nested dicts; a mapping value is merged into a mapping already there."""
    *parents, last = path.split(".")
    node = data
    for key in parents:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    if isinstance(value, Mapping) and isinstance(node.get(last), dict):
        node[last] = deep_merge(node[last], value)
    else:
        node[last] = value


def _get_path(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for key in path.split("."):
        node = node.get(key) if isinstance(node, Mapping) else None
    return node


def _validation_text(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        key = ".".join(str(p) for p in err["loc"])
        rule = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            rule = "unknown key"
        parts.append(f"{key}: {rule}" if key else rule)
    return "; ".join(parts)


def _short(value: object) -> str:
    return yaml.safe_dump(value, default_flow_style=True, width=10_000).strip().removesuffix("...")


def _unwrap(tp: Any) -> Any:
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else tp
    return tp


def _paths_of(tp: Any, prefix: str) -> list[str]:
    tp = _unwrap(tp)
    out: list[str] = []
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, f in tp.model_fields.items():
            out += [prefix + name, *_paths_of(f.annotation, prefix + name + ".")]
    elif get_origin(tp) is dict:
        key, value = get_args(tp)
        if get_origin(key) is Literal:
            for k in get_args(key):
                out += [prefix + str(k), *_paths_of(value, prefix + str(k) + ".")]
    return out


def methodology_paths() -> list[str]:
    """Every dotted path a grid may vary (``weighting.single_cap``, ``categories.C2.m`` …).

    >>> "categories.C2.m" in methodology_paths() and "selection.target_n" in methodology_paths()
    True
    """
    return _paths_of(Methodology, "")


def _suggest(path: str, known: list[str]) -> str:
    parent, _, last = path.rpartition(".")
    leaves = [k for k in known if not path.startswith(k + ".")]  # never an ancestor of the path
    hits = [k for k in leaves if k.rpartition(".")[2] == last]
    siblings = {k.rpartition(".")[2]: k for k in leaves if k.rpartition(".")[0] == parent}
    inside = sorted((n for n in siblings if last and last in n),
                    key=lambda n: (not n.endswith(last), len(n)))  # fmt: skip
    hits += [siblings[n] for n in inside]
    hits += [siblings[n] for n in difflib.get_close_matches(last, list(siblings), n=1, cutoff=0.5)]
    hits += difflib.get_close_matches(path, leaves, n=1, cutoff=0.6)
    if not hits:
        return ""
    hit = hits[0]
    if hit.startswith("categories.") and hit.count(".") == 1:
        hit += ".m"  # a category's multiplier
    return f"; did you mean {hit}?"


def _draw(rng: np.random.Generator, spec: Any) -> tuple[Any, int | None]:
    if isinstance(spec, list):
        k = int(rng.integers(len(spec)))
        return spec[k], k
    low, high = spec["low"], spec["high"]
    if _is_int(low) and _is_int(high):
        return int(rng.integers(low, high, endpoint=True)), None
    return float(rng.uniform(low, high)), None


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _check_parameters(grid: Grid) -> list[Problem]:
    problems: list[Problem] = []
    known = methodology_paths()
    if not grid.parameters:
        problems.append(grid.problem("parameters", "name at least one methodology path to vary"))
    for path, spec in grid.parameters.items():
        col = f"parameters.{path}"
        if path not in known:
            problems.append(
                grid.problem(col, "is not a methodology key" + _suggest(path, known), path)
            )
            continue
        if isinstance(spec, list):
            if not spec:
                problems.append(grid.problem(col, "needs at least one value"))
            elif grid.mode == "grid":
                seen = [_short(v) for v in spec]
                dup = sorted({s for s in seen if seen.count(s) > 1})
                if dup:
                    problems.append(grid.problem(col, "lists a value twice", ", ".join(dup)))
        elif isinstance(spec, dict) and set(spec) == {"low", "high"} and grid.mode == "random":
            low, high = spec["low"], spec["high"]
            if not (_is_number(low) and _is_number(high)) or low > high:
                problems.append(
                    grid.problem(col, "needs numbers low ≤ high", f"low={low}, high={high}")
                )
        elif grid.mode == "grid":
            problems.append(
                grid.problem(col, "must be a list of values (mode: grid)", _short(spec))
            )
        else:
            problems.append(
                grid.problem(
                    col, "must be a list of values or {low, high} (mode: random)", _short(spec)
                )
            )
    if grid.mode == "random":
        for name in ("n", "seed"):
            if getattr(grid, name) is None:
                problems.append(grid.problem(name, "is required with mode: random"))
    else:
        for name in ("n", "seed"):
            if getattr(grid, name) is not None:
                problems.append(grid.problem(name, "is used only with mode: random"))
        total = math.prod(len(v) for v in grid.parameters.values() if isinstance(v, list))
        if total > MAX_VARIANTS:
            problems.append(
                grid.problem("parameters", f"expands to {total} variants; at most {MAX_VARIANTS}")
            )
    if grid.n is not None and grid.n > MAX_VARIANTS:
        problems.append(grid.problem("n", f"must be at most {MAX_VARIANTS}", grid.n))
    if grid.end is not None and grid.end <= grid.start:
        problems.append(grid.problem("end", f"must be after start ({grid.start})", grid.end))
    return problems


def load_grid(source: str | os.PathLike[str] | Mapping[str, Any] | Grid) -> Grid:
    """Read and check a grid file (or a dict with the same keys).

    Every problem is reported at once, each naming the file and the key (``parameters.<path>``,
    ``mode``, ``overrides.weighting.single_cap`` …). The base methodology and the overrides are
    loaded here, so a grid that loads will run.

    Raises
    ------
    InvalidParameterError
        The file does not exist.
    DataValidationError
        Invalid YAML, an unknown key, a wrong type, an unknown methodology path, a value list
        that does not fit the mode.

    Examples
    --------
    >>> g = load_grid({"parameters": {"weighting.single_cap": [0.08, 0.10]}})
    >>> [v.id for v in g.variants()], g.variants()[1].values
    (['v0000', 'v0001'], {'weighting.single_cap': 0.1})
    """
    if isinstance(source, Grid):
        return source
    label, folder = "<dict>", None
    if isinstance(source, Mapping):
        raw: Any = dict(source)
    else:
        path = Path(source).expanduser()
        label, folder = str(path), str(path.parent)
        if not path.is_file():
            raise InvalidParameterError(f"`GRID` file not found: {str(path)!r}")
        raw = read_yaml(path, what="grid", label=label)
    try:
        grid = Grid.model_validate(raw)
    except ValidationError as exc:
        keys = "base, overrides, start, end, benchmarks, cost_bps, mode, n, seed, parameters"
        problems = validation_problems(exc, label, f"unknown key (keys: {keys})", True)
        raise DataValidationError(problems, "grid") from None
    grid._source, grid._folder = label, folder
    problems = _check_parameters(grid)
    if problems:
        raise DataValidationError(problems, "grid")
    grid.base_methodology()  # fails here, naming the file, when the base or an override is bad
    return grid


# --- running --------------------------------------------------------------------------------------

PriceSource = str | os.PathLike[str] | Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class _Job:
    """What every chunk shares: where the prices and the ledger are, and the backtest window."""

    prices_dir: str | None
    frames: Mapping[str, pd.DataFrame] | None
    ledger_dir: str | None
    ledger: Any  # a Ledger object given by the caller, or None (load bundled + ledger_dir)
    start: str
    end: str
    benchmarks: tuple[str, ...]
    cost_bps: float


@dataclass(frozen=True)
class _Chunk:
    job: _Job
    variants: tuple[tuple[str, Methodology], ...]


class _CachedPrices:
    """``prices(ticker)`` over a CSV directory or a mapping; every answer (and miss) is kept."""

    def __init__(self, directory: str | None, frames: Mapping[str, pd.DataFrame] | None) -> None:
        from aiinfra.prices import CsvDirProvider

        self._provider = CsvDirProvider(directory) if directory is not None else None
        self._frames = frames
        self._cache: dict[str, pd.DataFrame | str] = {}

    def __call__(self, ticker: str) -> pd.DataFrame:
        hit = self._cache.get(ticker)
        if hit is None:
            try:
                if self._provider is not None:
                    hit = self._provider.get(ticker)
                else:
                    assert self._frames is not None
                    if ticker not in self._frames:
                        raise MissingDataError(f"prices: no prices for {ticker}")
                    hit = self._frames[ticker]
            except MissingDataError as exc:
                hit = str(exc)
            self._cache[ticker] = hit
        if isinstance(hit, str):
            raise MissingDataError(hit)
        return hit


def _fingerprint(directory: str | None) -> tuple[tuple[str, int, int], ...]:
    if directory is None:
        return ()
    out = []
    for p in sorted(Path(directory).expanduser().glob("*.csv")):
        st = p.stat()
        out.append((p.name, st.st_size, st.st_mtime_ns))
    return tuple(out)


#: Per process: the last ledger and price directory loaded, reused by every chunk of a job.
_LOADED: dict[str, tuple[Any, Any]] = {}


def _context(job: _Job) -> tuple[Any, _CachedPrices, ReviewCache]:
    """Ledger, price getter and review cache for ``job``, read once per worker process.

    The review cache lives as long as the ledger and prices it derives from: they are private
    to the sweep (loaded here, or unpickled with the chunk), so nothing changes them meanwhile.
    """
    from aiinfra import __version__
    from aiinfra.ledger import load_ledger

    if job.ledger is not None:
        ledger = job.ledger
    else:
        key = (__version__, job.ledger_dir, _fingerprint(job.ledger_dir))
        if _LOADED.get("ledger", (None, None))[0] != key:
            _LOADED["ledger"] = (key, load_ledger(job.ledger_dir))
        ledger = _LOADED["ledger"][1]
    if job.frames is not None or job.ledger is not None:
        prices = (
            _CachedPrices(None, job.frames)
            if job.frames is not None
            else _prices_for(job.prices_dir)[0]
        )
        return ledger, prices, ReviewCache()  # objects of this chunk: a cache of its own
    prices, cache = _prices_for(job.prices_dir)
    return ledger, prices, cache


def _prices_for(directory: str | None) -> tuple[_CachedPrices, ReviewCache]:
    pkey = (directory, _fingerprint(directory), id(_LOADED.get("ledger")))
    if _LOADED.get("prices", (None, None))[0] != pkey:
        _LOADED["prices"] = (pkey, (_CachedPrices(directory, None), ReviewCache()))
    out: tuple[_CachedPrices, ReviewCache] = _LOADED["prices"][1]
    return out


def _run_chunk(chunk: _Chunk) -> list[dict[str, Any]]:
    """Work item (top-level, picklable): backtest every variant of the chunk."""
    ledger, prices, cache = _context(chunk.job)
    with review_cache(cache):
        return [_run_variant(ledger, prices, m, chunk.job) for _, m in chunk.variants]


def _run_variant(ledger: Any, prices: _CachedPrices, m: Methodology, job: _Job) -> dict[str, Any]:
    from aiinfra import metrics
    from aiinfra.backtest._backtest import backtest

    try:
        res = backtest(
            ledger,
            prices,
            m,
            job.start,
            job.end,
            benchmarks=job.benchmarks,
            cost_bps=job.cost_bps,
        )
    except tuple(VARIANT_ERRORS) as exc:
        status = next(s for t, s in VARIANT_ERRORS.items() if isinstance(exc, t))
        return {"status": status, "error": str(exc)}
    s = res.stats
    r = metrics.returns_from_levels(res.levels["GTR"])
    row: dict[str, Any] = {
        "status": "ok",
        "error": None,
        "label": s.label,
        "start": s.start,
        "end": s.end,
        "reviews": s.reviews,
        **{k: _nan_to_none(getattr(s.gtr, k)) for k in METRICS if hasattr(s.gtr, k)},
        "sortino_ratio": metrics.sortino_ratio(r),
        "calmar_ratio": metrics.calmar_ratio(r),
        "turnover": _nan_to_none(s.turnover.mean_per_review),
        "constituents_mean": float(res.turnover["names"].mean()),
        "constituents_last": int(res.turnover["names"].iloc[-1]),
        RETURNS_KEY: r,
    }
    for t, b in s.benchmarks.items():
        row[f"excess_return_{t}"] = _nan_to_none(s.excess_return(t))
        row[f"tracking_error_{t}"] = _nan_to_none(b.tracking_error_gtr)
        row[f"information_ratio_{t}"] = _nan_to_none(b.information_ratio_gtr)
    return row


def _nan_to_none(x: float) -> float | None:
    """None where the JSON summary has null (the sweep table's missing value)."""
    return None if math.isnan(x) else float(x)


def _columns(grid: Grid) -> list[str]:
    bench = [
        f"{k}_{t}"
        for t in grid.benchmarks
        for k in ("excess_return", "tracking_error", "information_ratio")
    ]
    return [
        "status",
        "error",
        "label",
        "start",
        "end",
        "reviews",
        *METRICS,
        "turnover",
        "constituents_mean",
        "constituents_last",
        *bench,
        "methodology_hash",
    ]


def _parameter_columns(grid: Grid, variants: Sequence[Variant]) -> dict[str, list[Any]]:
    """One column per swept path with the value in force; mappings become ``path.key`` columns."""
    out: dict[str, list[Any]] = {}
    for p in grid.parameters:
        values = []
        for v in variants:
            if v.methodology is not None:
                values.append(_get_path(v.methodology.model_dump(mode="json"), p))
            else:
                values.append(v.values[p])
        if any(isinstance(x, dict) for x in values):
            keys = sorted({k for x in values if isinstance(x, dict) for k in x})
            for k in keys:
                out[f"{p}.{k}"] = [x.get(k) if isinstance(x, dict) else None for x in values]
        else:
            out[p] = [_short(x) if isinstance(x, list) else x for x in values]
    return out


@dataclass
class SweepResult:
    """The table of a sweep and how it was run.

    ``to_frame()`` gives one row per variant: ``variant``, every swept value, ``status``
    (``ok``, ``invalid``, ``insufficient_constituents``, ``infeasible_capping``,
    ``not_point_in_time``), ``error``, ``label`` (point-in-time or not), the window, the GTR
    metrics, average one-way ``turnover`` per review, constituents, per-benchmark comparisons
    and the variant's ``methodology_hash``. The table does not depend on the backend or the
    number of workers; ``backend``, ``workers`` and ``seconds`` say how this run went.

    ``returns`` holds the daily GTR returns of every ``ok`` variant (dates × variant ids, NaN
    where a variant has none) and ``robustness`` the deflated Sharpe ratio of the best variant
    and the probability of backtest overfitting over them (docs/sweep.md, "Robustness").
    """

    table: pd.DataFrame
    grid: Grid
    backend: str
    workers: int
    seconds: float
    chunks: int
    point_in_time: bool
    notes: list[str] = field(default_factory=list)
    returns: pd.DataFrame = field(default_factory=pd.DataFrame)
    robustness: SweepRobustness | None = None

    @property
    def label(self) -> str:
        return "point-in-time" if self.point_in_time else NOT_PIT_LABEL

    @property
    def parameter_columns(self) -> list[str]:
        """The table's columns of swept values (a mapping value gives ``path.key`` columns)."""
        return [
            c
            for c in self.table.columns
            if any(c == p or c.startswith(p + ".") for p in self.grid.parameters)
        ]

    def to_frame(self) -> pd.DataFrame:
        out = self.table.copy()
        out.attrs["label"] = self.label
        return out

    def counts(self) -> dict[str, int]:
        """Variants per status."""
        vc = self.table["status"].value_counts()
        return {s: int(vc.get(s, 0)) for s in STATUSES if vc.get(s, 0)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "point_in_time": self.point_in_time,
            "grid": self.grid.source,
            "mode": self.grid.mode,
            "variants": len(self.table),
            "status": self.counts(),
            "notes": self.notes,
            "rows": _records(self.table),
            "robustness": None if self.robustness is None else self.robustness.to_dict(),
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    def clean(v: Any) -> Any:
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        return v.item() if isinstance(v, np.generic) else v

    return [{str(k): clean(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]


def sweep(
    grid: Grid | str | os.PathLike[str] | Mapping[str, Any],
    prices: PriceSource,
    *,
    ledger: Any = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int | None = None,
    today: dt.date | None = None,
    pbo_splits: int = PBO_SPLITS,
) -> SweepResult:
    """Backtest every variant of ``grid`` and collect one row per variant.

    Parameters
    ----------
    grid : Grid, path or dict
        See :func:`load_grid`.
    prices : path or mapping
        A directory of ``TICKER.csv`` files (each worker reads it itself, once per process: on a
        Dask cluster every worker needs the same path), or ticker → price frame (sent with every
        chunk).
    ledger : Ledger, path or None
        None: the bundled ledger; a path: a user directory overlaid on it (workers need the same
        path); a :class:`~aiinfra.ledger.Ledger`: sent with every chunk.
    executor : Executor, optional
        Default :class:`~aiinfra.parallel.SerialExecutor`. The caller closes it.
    progress : callable, optional
        ``progress(variants_done, variants_total)`` after each chunk.
    chunk_size : int, optional
        Variants per work item; default: up to :data:`CHUNK_SIZE`, small enough to give every
        worker about four items. It changes only the scheduling, never the table: every variant
        is computed alone, from its own methodology (and, in random mode, its own seed).
    today : date, optional
        The default ``end`` when the grid has none (default: today).
    pbo_splits : int, default 16
        Blocks S of the CSCV behind ``robustness.pbo`` (even, ≥ 2; C(S, S/2) splits).

    Returns
    -------
    SweepResult

    Raises
    ------
    DataValidationError, InvalidParameterError
        A bad grid, prices directory, chunk size or ``pbo_splits`` (before any backtest runs).
    MissingDataError
        A benchmark without prices.

    Notes
    -----
    Cost: one backtest per valid variant (about 1-2 s for 29 quarterly reviews of the bundled
    ledger on one core); the ledger and the price files are read once per worker process. Each
    ``ok`` variant also sends its daily returns back (about 45 kB for 7.5 years, pickled) and
    the result keeps them (8 bytes per variant and day); the DSR and the CSCV over S = 16
    blocks take about half a second for 200 variants of 7.5 years.
    """
    g = load_grid(grid)
    if chunk_size is not None and (not _is_int(chunk_size) or chunk_size < 1):
        raise InvalidParameterError(f"`chunk_size` must be a positive integer; got {chunk_size!r}")
    if not _is_int(pbo_splits) or pbo_splits < 2 or pbo_splits % 2:
        raise InvalidParameterError(
            f"`pbo_splits` must be an even integer ≥ 2 (the CSCV halves); got {pbo_splits!r}"
        )
    variants = g.variants()
    job = _sweep_job(g, ledger, prices, today)
    valid = [v for v in variants if v.methodology is not None]
    ex: Executor = executor if executor is not None else SerialExecutor()
    if chunk_size is None:
        per_worker = math.ceil(len(valid) / (4 * max(1, int(getattr(ex, "workers", 1)))))
        chunk_size = max(1, min(CHUNK_SIZE, per_worker))
    work = [
        _Chunk(job, tuple((v.id, v.methodology) for v in valid[a:b] if v.methodology is not None))
        for a, b in chunks(len(valid), chunk_size)
    ]
    cumulative = list(itertools.accumulate(len(c.variants) for c in work))

    def report(i: int, _n: int) -> None:
        if progress is not None:
            progress(cumulative[i - 1], len(valid))

    if progress is not None:
        progress(0, len(valid))
    t0 = time.perf_counter()
    results = ex.map(_run_chunk, work, progress=report)
    seconds = time.perf_counter() - t0
    by_id: dict[str, dict[str, Any]] = {}
    for chunk, rows in zip(work, results, strict=True):
        for (vid, _), row in zip(chunk.variants, rows, strict=True):
            by_id[vid] = row
    series = {
        v.id: by_id[v.id].pop(RETURNS_KEY) for v in variants if RETURNS_KEY in by_id.get(v.id, {})
    }
    returns = pd.DataFrame(series) if series else pd.DataFrame()
    table, pit, notes = _sweep_table(g, variants, by_id)
    return SweepResult(
        table=table,
        grid=g,
        backend=getattr(ex, "name", type(ex).__name__),
        workers=int(getattr(ex, "workers", 1)),
        seconds=seconds,
        chunks=len(work),
        point_in_time=pit,
        notes=notes,
        returns=returns,
        robustness=sweep_robustness(returns, pbo_splits),
    )


def _sweep_job(g: Grid, ledger: Any, prices: Any, today: dt.date | None) -> _Job:
    """What every worker needs: where the prices and the ledger are (or the objects), the
    window, benchmarks and costs; missing benchmarks and ledger problems are found here,
    before any worker starts."""
    from aiinfra.ledger import Ledger, load_ledger

    prices_dir: str | None = None
    frames: Mapping[str, pd.DataFrame] | None = None
    if isinstance(prices, Mapping):
        frames = dict(prices)
        missing = [t for t in g.benchmarks if t not in frames]
    else:
        from aiinfra.prices import CsvDirProvider

        provider = CsvDirProvider(Path(prices))  # raises when the directory does not exist
        prices_dir = str(provider.directory.resolve())
        missing = [t for t in g.benchmarks if not provider.path_for(t).is_file()]
    if missing:
        where = prices_dir or "the prices given"
        raise MissingDataError(
            f"benchmark {', '.join(missing)} (grid {g.source}): no prices in {where}"
        )
    ledger_obj, ledger_dir = None, None
    if isinstance(ledger, Ledger):
        ledger_obj = ledger
    elif ledger is not None:
        ledger_dir = str(Path(ledger).expanduser().resolve())
        load_ledger(ledger_dir)  # every problem reported here, before any worker starts
    end = g.end or today or dt.date.today()
    return _Job(
        prices_dir=prices_dir,
        frames=frames,
        ledger_dir=ledger_dir,
        ledger=ledger_obj,
        start=g.start.isoformat(),
        end=end.isoformat(),
        benchmarks=tuple(g.benchmarks),
        cost_bps=float(g.cost_bps),
    )


def _sweep_table(
    g: Grid, variants: Sequence[Variant], by_id: Mapping[str, dict[str, Any]]
) -> tuple[pd.DataFrame, bool, list[str]]:
    """One row per variant in grid order (invalid ones with their error), its label, notes."""
    cols = _columns(g)
    body: dict[str, list[Any]] = {c: [] for c in cols}
    for v in variants:
        row = dict(by_id.get(v.id) or {"status": "invalid", "error": v.error})
        if v.methodology is not None:
            row["methodology_hash"] = v.methodology.config_hash()
        for c in cols:
            body[c].append(row.get(c))
    table = pd.DataFrame({"variant": [v.id for v in variants], **_parameter_columns(g, variants)})
    for c in cols:
        table[c] = pd.Series(body[c], dtype=_dtype(c))
    ok = table["status"] == "ok"
    pit = bool(ok.any()) and bool(table.loc[ok, "label"].eq("point-in-time").all())
    notes = []
    if not ok.any():
        notes.append("no variant formed an index; see the status and error columns")
    for status, count in table["status"].value_counts().items():
        if status != "ok":
            notes.append(f"{count} variant(s) {status} (see the error column)")
    table.attrs["label"] = "point-in-time" if pit else NOT_PIT_LABEL
    return table, pit, notes


def _dtype(column: str) -> str:
    if column in ("status", "error", "label", "start", "end", "methodology_hash"):
        return "object"
    if column in ("reviews", "constituents_last"):
        return "Int64"
    return "float64"
