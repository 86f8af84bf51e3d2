"""The dashboard's use cases: every number the web pages show comes from here.

One :class:`Dashboard` per server: it loads the ledger and opens the prices once, and keeps
the results of the expensive calls (a review with its backtest, a flow graph, a Monte Carlo run)
in a small thread-safe cache keyed by their inputs. The web layer only lays these results out.

Prices come from ``--prices DIR`` or the store; the dashboard never fetches prices online (the
page must not make the server contact any host the user did not ask for). Without prices the
index pages say so and the other pages work from the ledger alone.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import networkx as nx
import pandas as pd

from aiinfra.backtest import IndexView
from aiinfra.config import Settings
from aiinfra.exceptions import (
    AiinfraError,
    InvalidParameterError,
)
from aiinfra.flows import Basis
from aiinfra.services.ledger import load
from aiinfra.services.prices import missing_prices, no_prices_message

__all__ = [
    "BENCHMARKS",
    "CATEGORIES",
    "Dashboard",
    "IndexView",
    "company_detail",
    "switched_off",
]

BENCHMARKS = ("QQQ", "SMH")
CATEGORIES = ("C1", "C2", "C3", "C4", "C5", "C6", "C7")
BACKTEST_START = "2019-01-01"
Progress = Callable[[float, str], None]


def _noop(_done: float, _what: str) -> None:
    return None


def _no_prices_kind(s: Settings) -> str:
    """Which of :func:`~aiinfra.services.prices.missing_prices`'s cases holds (its message is
    English; the pages word the case in the reader's language)."""
    if s.prices_dir is not None:
        return "not_dir" if not s.prices_dir.is_dir() else "no_csv"
    return "no_store" if not s.store_path.exists() else "empty_store"


def switched_off(multipliers: dict[str, float] | None) -> list[str]:
    """The categories a multiplier of 0 switches off (the index page's "off"), in order.

    >>> switched_off({"C2": 0, "C1": 0.0, "C3": 1.2})
    ['C1', 'C2']
    """
    return sorted(c for c, m in (multipliers or {}).items() if float(m) == 0.0)


class _Cache:
    """A small LRU of finished results (thread-safe; a result is computed at most once at a time
    per key, concurrent callers of the same key wait for the first)."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            klock = self._key_locks.setdefault(key, threading.Lock())
        with klock:
            with self._lock:
                if key in self._data:
                    return self._data[key]
            try:
                value = compute()
                with self._lock:
                    self._data[key] = value
                    while len(self._data) > self._size:
                        self._data.popitem(last=False)
            finally:  # a failed computation leaves nothing behind
                with self._lock:
                    self._key_locks.pop(key, None)
            return value


class Dashboard:
    """What the web dashboard shows, computed by the library, cached per server.

    Parameters
    ----------
    settings : Settings
        ``prices_dir`` (``--prices``) or the store's prices; ``data_dir`` overlays the ledger.
    as_of : date, optional
        The dashboard's date (default: today, moved back to the last price when prices end
        earlier).
    data_dir : path, optional
        A ledger overlay (as ``--data``), read once, on the server's side.
    """

    def __init__(
        self, settings: Settings, as_of: object = None, data_dir: str | None = None
    ) -> None:
        from aiinfra.dates import to_timestamp
        from aiinfra.services.index import load_fx

        self.settings = settings
        self.ledger = load(settings, data_dir)
        #: why there are no prices (a key the pages word: ``not_dir``, ``no_csv``,
        #: ``no_universe``, ``no_store``, ``empty_store``) and the folder or store concerned
        self.no_prices_kind: str | None = None
        self.no_prices_where = ""
        self.prices, self.price_label, self.no_prices = self._open_prices()
        self.fx = load_fx(settings.fx)
        day = to_timestamp(as_of if as_of is not None else dt.date.today(), "as_of")
        if self.prices is not None:
            from aiinfra.services.index import last_price_date

            last = last_price_date(self.ledger, self.prices)
            if last is None:  # price files, but none of a company in the universe
                self._no_prices("no_universe", str(settings.prices_dir or settings.store_path))
                where = f"`--prices` {self.no_prices_where!r}"
                if settings.prices_dir is None:
                    where = f"the store {self.no_prices_where}"
                self.no_prices = no_prices_message(
                    f"no prices: {where} holds no price file of a company in the universe"
                )
                self.prices, self.price_label = None, ""
            elif last < day:
                day = last
        self.as_of: pd.Timestamp = day
        self._cache = _Cache()
        from aiinfra.index import ReviewCache

        # what reviews derive from the ledger and price frames alone (both held, never changed
        # in place, for the dashboard's life): a new cap reruns only what the cap touches
        self._reviews = ReviewCache()

    # --- inputs ----------------------------------------------------------------------------

    def _open_prices(self) -> tuple[Callable[[str], pd.DataFrame] | None, str, str | None]:
        from aiinfra._derived import DerivedCache
        from aiinfra.prices import CsvDirProvider, StoreProvider

        s = self.settings
        why = missing_prices(s)  # reads the listing of the folder or store, no price file
        if why is not None:
            self._no_prices(_no_prices_kind(s), str(s.prices_dir or s.store_path))
            return None, "", no_prices_message(why)
        if s.prices_dir is not None:
            provider: Any = CsvDirProvider(s.prices_dir, cache=DerivedCache(s.home / "cache"))
            label = f"CSV files in {s.prices_dir}"
        else:
            from aiinfra.store import Store

            store = Store(s.store_path)
            provider = StoreProvider(store)
            label = f"the store {s.store_path}"
        from aiinfra.services.prices import kept_prices

        return kept_prices(provider, keep_misses=False), label, None

    def _no_prices(self, kind: str, where: str) -> None:
        self.no_prices_kind, self.no_prices_where = kind, where

    # --- index -----------------------------------------------------------------------------

    def methodology(
        self,
        single_cap: float | None = None,
        target_n: int | None = None,
        multipliers: dict[str, float] | None = None,
    ) -> Any:
        """The default methodology with the dashboard's controls applied (validated).

        A multiplier of 0 switches its category off: the rules ask for a multiplier above 0
        (``categories.C#.m``), so the category keeps its default multiplier and leaves the
        universe (``universe.categories``); with every category off there is nothing to form
        (an input error, which the index page words before it asks).
        """
        from aiinfra.index import Methodology, load_methodology

        data = load_methodology(None).model_dump(mode="json")
        if single_cap is not None:
            data["weighting"]["single_cap"] = float(single_cap)
        if target_n is not None:
            data["selection"]["target_n"] = int(target_n)
        off = switched_off(multipliers)
        for cat, m in (multipliers or {}).items():
            if cat not in CATEGORIES:
                raise InvalidParameterError(f"`multipliers` {cat!r}: not a category (C1-C7)")
            if cat not in off:
                data["categories"][cat]["m"] = float(m)
        if off:
            rule_on = data["universe"]["categories"] or list(CATEGORIES)
            on = [c for c in rule_on if c not in off]
            if not on:  # an empty list would mean "all seven" to the rules
                raise InvalidParameterError(
                    "`multipliers`: every category is switched off (0); switch one on"
                )
            data["universe"]["categories"] = on
        try:
            return Methodology.model_validate(data)
        except Exception as exc:  # pydantic: name the first rule broken
            from pydantic import ValidationError

            if isinstance(exc, ValidationError):
                err = exc.errors(include_url=False)[0]
                where = ".".join(str(p) for p in err["loc"])
                raise InvalidParameterError(
                    f"`{where}`: {str(err['msg']).removeprefix('Value error, ')}"
                ) from None
            raise

    def index_view(
        self,
        single_cap: float | None = None,
        target_n: int | None = None,
        multipliers: dict[str, float] | None = None,
        progress: Progress = _noop,
        *,
        keep_error: bool = False,
    ) -> IndexView:
        """Review and backtest (since 2019) of the default rules with the controls applied.

        ``keep_error``: return a view whose ``error`` says why no index can be formed, even
        relaxed (the index page words it), instead of raising that error.

        Raises
        ------
        MissingDataError
            Without prices.
        InvalidParameterError
            A control outside its rule (e.g. a cap below 1 / target count).
        InsufficientConstituentsError, InfeasibleCappingError
            No index can be formed, even relaxed (unless ``keep_error``).
        """
        from aiinfra.exceptions import MissingDataError

        if self.prices is None:
            raise MissingDataError(self.no_prices or "no prices")
        m = self.methodology(single_cap, target_n, multipliers)
        view: IndexView = self._cache.get(
            ("index", m.config_hash()), lambda: self._index(m, progress)
        )
        if view.error is not None and not keep_error:
            raise view.error.with_traceback(None)
        return view

    def _index(self, m: Any, progress: Progress) -> IndexView:
        from aiinfra.services.index import form_index

        assert self.prices is not None
        # the look-ahead comparison and the house comparison for the default rules only (a
        # changed cap or multiplier reruns the index alone)
        default = m.config_hash() == self.methodology().config_hash()
        view = form_index(
            self.ledger,
            self.prices,
            m,
            self.as_of,
            fx=self.fx,
            compare=default,
            progress=progress,
            cache=self._reviews,
        )
        return view

    def rationale(self) -> pd.DataFrame:
        """The latest score row per company (rationale, source, vintage)."""
        sc = self.ledger.scores
        known = sc[sc["as_of"] <= self.as_of]
        pool = known if not known.empty else sc
        return pool.sort_values("as_of").groupby("company_id").tail(1).set_index("company_id")

    # --- flows ------------------------------------------------------------------------------

    def flow_graph(self, as_of: object = None, basis: Basis = "committed") -> nx.DiGraph:
        from aiinfra.dates import to_timestamp
        from aiinfra.flows import flow_graph

        day = to_timestamp(as_of if as_of is not None else self.as_of, "as_of")
        return self._cache.get(
            ("graph", day, basis),
            lambda: flow_graph(self.ledger, day, basis),
        )

    def flow_view(self, as_of: object = None, basis: Basis = "committed") -> dict[str, Any]:
        """Nodes (with strength, cycling, self-funded share, inflow concentration), edges,
        cycles and the system cycling index of the graph in force on ``as_of``."""
        g = self.flow_graph(as_of, basis)
        key = ("flow_view", g.graph["as_of"], basis)
        return self._cache.get(key, lambda: _flow_view(g, basis))  # type: ignore[no-any-return]

    def cycle_evidence(self, as_of: object = None, basis: Basis = "committed") -> dict[str, Any]:
        """How much of the amount of the deals on the cycles of :meth:`flow_view` rests on each
        source tier and how much carries a quote (:func:`aiinfra.flows.evidence_split`)."""
        import itertools

        from aiinfra.flows import evidence_split

        g = self.flow_graph(as_of, basis)
        v = self.flow_view(as_of, basis)
        on_cycles = {
            (a, b) for c in v["cycles"] for a, b in itertools.pairwise([*c["nodes"], c["nodes"][0]])
        }
        return evidence_split(g, sorted(on_cycles))

    def company(
        self, node: str, as_of: object = None, basis: Basis = "committed"
    ) -> dict[str, Any]:
        """One company on the map: payers, payees, concentration, self-funded share."""
        return company_detail(self.flow_graph(as_of, basis), node)

    # --- stress -----------------------------------------------------------------------------

    def stress(
        self,
        parties: Sequence[str],
        shortfall: float,
        pass_through: float,
        basis: Basis = "annualised",
    ) -> Any:
        """Parties stop paying ``shortfall`` of their deals; losses propagate with
        ``pass_through``; the index impact uses the review's weights when prices exist."""
        from aiinfra.stress import stress

        if not parties:
            raise InvalidParameterError("`parties`: choose at least one company")
        if not 0 < shortfall <= 1:
            raise InvalidParameterError(f"`shortfall` must be in (0, 1]; got {shortfall}")
        if not 0 <= pass_through <= 1:
            raise InvalidParameterError(f"`pass_through` must be in [0, 1]; got {pass_through}")
        data = {
            "name": "dashboard",
            "shocks": [{"party": p, "shortfall": float(shortfall)} for p in parties],
            "propagation": {"pass_through": float(pass_through)},
            "basis": basis,
        }
        weights, label = None, ""
        if self.prices is not None:
            try:
                review = self.index_view().review
            except AiinfraError:
                review = None
            if review is not None:
                weights = dict(review.weights)
                label = f"index weights of the review {review.dates.review} (dashboard's index)"
        key = ("stress", tuple(sorted(parties)), shortfall, pass_through, basis, weights is None)

        def run() -> Any:
            r = stress(self.ledger, data, as_of=self.as_of, weights=weights)
            if label:
                r.index["weights_source"] = label
            return r

        return self._cache.get(key, run)

    # --- ROI gap ----------------------------------------------------------------------------

    def gap(
        self,
        params: dict[str, Any] | None = None,
        samples: int = 0,
        seed: int = 0,
        year: int | None = None,
        progress: Progress = _noop,
    ) -> Any:
        """The ROI gap with ``params`` (see :data:`aiinfra.roi_gap.PARAMETERS`) and, with
        ``samples``, its Monte Carlo distribution (seeded; in chunks, with progress)."""
        from aiinfra.roi_gap import gap

        p = dict(sorted((params or {}).items()))
        key = ("gap", tuple(p.items()), samples, seed, year)

        def run() -> Any:
            progress(0.05, "gap")
            chunk = max(10_000, samples // 10) if samples else 200_000
            ex = _ProgressExecutor(progress, math.ceil(samples / chunk) if samples else 1)
            out = gap(
                self.ledger,
                year,
                as_of=self.as_of,
                params=p,
                samples=samples,
                seed=seed,
                executor=ex,
                chunk_size=chunk,
            )
            progress(1.0, "done")
            return out

        return self._cache.get(key, run)

    # --- build-out, overview, sources --------------------------------------------------------

    def buildout(self, series: str) -> pd.DataFrame:
        """The points of one build-out series known on the dashboard's date."""
        from aiinfra.buildout import buildout_series

        return self._cache.get(  # type: ignore[no-any-return]
            ("buildout", series), lambda: buildout_series(self.ledger, series, as_of=self.as_of)
        )

    def buildout_names(self) -> list[str]:
        from aiinfra.buildout import list_series

        return [n for n in list_series() if not self.buildout(n).dropna(subset=["date"]).empty]

    def overview(self) -> dict[str, Any]:
        """Headline cards, each with its value, date and source; a card that cannot be computed
        carries ``error`` instead (cached like every other result)."""
        return self._cache.get(("overview",), self._overview)  # type: ignore[no-any-return]

    def _overview(self) -> dict[str, Any]:
        cards: dict[str, Any] = {}
        # the index against the benchmarks
        try:
            v = self.index_view()
            if v.backtest is None:
                raise v.backtest_error or InvalidParameterError("no backtest")
            s = v.backtest.stats
            cards["index"] = {
                "levels": v.backtest.levels,
                "gtr_total_return": s.gtr.total_return,
                "benchmarks": {t: b.total_return for t, b in s.benchmarks.items()},
                "start": s.start,
                "end": s.end,
                "point_in_time": s.point_in_time,
                "source": f"aiinfra default methodology; prices: {self.price_label}",
            }
        except AiinfraError as exc:
            cards["index"] = {"error": str(exc)}
        # the build-out headline figures
        try:
            from aiinfra.charts import key_buildout_records

            rows = key_buildout_records(self.ledger, self.as_of)
            cards["buildout"] = {"rows": rows}
        except AiinfraError as exc:
            cards["buildout"] = {"error": str(exc)}
        # the ROI gap this year
        try:
            r = self.gap()
            row = r.row()
            cards["gap"] = {
                "year": row["year"],
                "required": row["required"],
                "revenue": row["revenue"],
                "coverage": row["coverage"],
                "as_of": r.as_of,
                "source": "aiinfra.roi_gap.gap (Sequoia method, default parameters); "
                f"capex: {row.get('capex_source', '')}; revenue: {row.get('revenue_source', '')}",
            }
        except AiinfraError as exc:
            cards["gap"] = {"error": str(exc)}
        # circularity
        try:
            from aiinfra.flows import cycling_index

            g = self.flow_graph()
            cards["circularity"] = {
                "system": float(cycling_index(g).system),
                "as_of": g.graph["as_of"],
                "deals": sum(len(d["flow_ids"]) for _, _, d in g.edges(data=True)),
                "source": "Finn's cycling index of the committed flows in force (flows.csv)",
            }
        except AiinfraError as exc:
            cards["circularity"] = {"error": str(exc)}
        return cards

    def sources(self, lang: str = "en") -> pd.DataFrame:
        """Every source behind the pages, as an analyst reads it: flows, figures, scores, AI
        revenue, financials, the gap's parameters, the prices and the methodology.

        Columns ``what`` (the kind, an English key the page translates), ``item`` (what the
        row is about, by name: a deal as "payer → payee", a company by its name, a figure as
        "entity · measure · period"), ``date``, ``source`` (the cell as plain text, seed
        articles by title: :func:`aiinfra.ledger.source_text`), ``id`` (the deal, figure,
        company or parameter id) and ``source_cell`` (the ledger's cell as written, for the
        page's links: :func:`aiinfra.ledger.source_parts`)."""
        from aiinfra.charts import ENTITY_NAMES, MEASURE_NAMES
        from aiinfra.ledger import source_text
        from aiinfra.roi_gap import PARAMETERS

        led = self.ledger
        names = led.company_names()

        def name(x: Any) -> str:
            key = str(x)
            known = ENTITY_NAMES.get(key, {})
            return names.get(key) or known.get(lang) or known.get("en") or key

        def frame(kind: str, t: pd.DataFrame, item: Any, ident: Any, date_col: str) -> pd.DataFrame:
            return pd.DataFrame(
                {
                    "what": kind,
                    "item": item,
                    "date": t[date_col].astype(str),
                    "source_cell": t["source"].astype(str),
                    "id": ident,
                }
            )

        def measure(m: Any) -> str:
            known = MEASURE_NAMES.get(str(m), {})
            return known.get(lang) or known.get("en") or str(m).replace("_", " ")

        def fiscal(t: pd.DataFrame) -> list[str]:
            return [
                f"{name(c)} · {y}" if pd.notna(y) and str(y) else name(c)
                for c, y in zip(t["company_id"], t["fiscal_year"], strict=True)
            ]

        fl, fg = led.flows, led.figures
        deals = [f"{name(a)} → {name(b)}" for a, b in zip(fl["payer"], fl["payee"], strict=True)]
        figs = [
            f"{name(e)} · {measure(m)} · {p}"
            for e, m, p in zip(fg["entity"], fg["metric"], fg["period"], strict=True)
        ]
        sc, ar, fn = led.scores, led.ai_revenue, led.financials
        parts = [
            frame("flow", fl, deals, fl["id"], "source_date"),
            frame("figure", fg, figs, fg["id"], "source_date"),
            frame("score", sc, [name(c) for c in sc["company_id"]], sc["company_id"], "as_of"),
            frame("AI revenue", ar, fiscal(ar), ar["company_id"], "period_end"),
            frame("financials", fn, fiscal(fn), fn["company_id"], "source_date"),
            pd.DataFrame(
                {
                    "what": "gap parameter",
                    "item": list(PARAMETERS),
                    "date": "",
                    "source_cell": [p.source for p in PARAMETERS.values()],
                    "id": list(PARAMETERS),
                }
            ),
            pd.DataFrame(
                {
                    "what": ["prices", "methodology"],
                    "item": ["", "default"],
                    "date": [str(self.as_of.date()), ""],
                    "source_cell": [
                        self.price_label or (self.no_prices or ""),
                        "methodologies/default.yaml (METHODOLOGY.md §15)",
                    ],
                    "id": ["", "default"],
                }
            ),
        ]
        out = pd.concat(parts, ignore_index=True).drop_duplicates().reset_index(drop=True)
        out.insert(3, "source", [source_text(c) for c in out["source_cell"]])
        return out


class _ProgressExecutor:
    """Runs chunks in the calling thread and reports before and after each one (the dashboard's
    progress bar); results are those of :class:`~aiinfra.parallel.SerialExecutor`.

    The reports are also where a run can be stopped: ``progress`` may raise (the dashboard's job
    pool raises once nobody waits for the answer), which ends the run between two chunks with
    nothing cached."""

    name = "serial"
    workers = 1

    def __init__(self, progress: Progress, total: int) -> None:
        self._progress = progress
        self._total = max(total, 1)

    def map(self, fn: Any, items: Sequence[Any], progress: Any = None) -> list[Any]:
        out = []
        for i, item in enumerate(items):
            self._progress(0.05 + 0.9 * i / max(len(items), 1), "monte carlo")
            out.append(fn(item))
            self._progress(0.05 + 0.9 * (i + 1) / max(len(items), 1), "monte carlo")
            if progress is not None:
                progress(i + 1, len(items))
        return out

    def close(self) -> None:
        return None


def _num(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _flow_view(g: nx.DiGraph, basis: Basis) -> dict[str, Any]:
    from aiinfra.flows import cycling_index, find_cycles, hub_metrics, self_funded_share

    ci = cycling_index(g)
    sf = self_funded_share(g)
    hubs = hub_metrics(g)
    nodes = []
    for n, d in g.nodes(data=True):
        h = hubs.loc[n]
        nodes.append(
            {
                "id": str(n),
                "name": d["name"],
                "layer": d["layer"],
                "ticker": d["ticker"],
                "strength": float(h["in_strength"] + h["out_strength"]),
                "in_strength": float(h["in_strength"]),
                "out_strength": float(h["out_strength"]),
                "hhi": _num(h["hhi"]),
                "cycling": _num(ci.per_node.get(n)),
                "self_funded_share": _num(sf.get(n)),
            }
        )
    edges: list[dict[str, Any]] = []
    for u, v, d in g.edges(data=True):
        edges.append(
            {
                "id": f"{u}->{v}",
                "source": str(u),
                "target": str(v),
                "amount": _num(d["amount"]),
                "types": sorted(set(d["types"])),
                "flow_layers": sorted(set(d["flow_layers"])),
                "flow_ids": list(d["flow_ids"]),
            }
        )
    found = sorted(
        find_cycles(g, length_bound=5),
        key=lambda c: (-(c.bottleneck if not math.isnan(c.bottleneck) else -1), c.nodes),
    )
    cycles = [
        {
            "nodes": [str(x) for x in c.nodes],
            "bottleneck": _num(c.bottleneck),
            "names": [g.nodes[x]["name"] for x in c.nodes],
        }
        for c in found
    ]
    return {
        "as_of": g.graph["as_of"],
        "basis": basis,
        "system_cycling_index": float(ci.system),
        "nodes": nodes,
        "edges": edges,
        "cycles": cycles,
        "deals": sum(len(e["flow_ids"]) for e in edges),
    }


def company_detail(g: nx.DiGraph, node: str) -> dict[str, Any]:
    """Payers (with share of inflow), payees, inflow concentration, self-funded share and what
    the inflows rest on (their amount by source tier and quoted share, ``evidence_split``)."""
    from aiinfra.flows import evidence_split, hub_metrics, inflow_dependence, self_funded_detail

    if node not in g:
        raise InvalidParameterError(
            f"`company` {node!r} has no flow in force on {g.graph['as_of']}"
        )
    payers = inflow_dependence(g, node)
    payees = sorted(
        (
            {"counterparty": str(v), "name": g.nodes[v]["name"], "amount": _num(d["amount"])}
            for _, v, d in g.out_edges(node, data=True)
        ),
        key=lambda r: -(r["amount"] or -1.0),
    )
    h: Any = hub_metrics(g).loc[node]
    sf = self_funded_detail(g, node)
    return {
        "id": node,
        "name": g.nodes[node]["name"],
        "layer": g.nodes[node]["layer"],
        "as_of": g.graph["as_of"],
        "in_strength": float(h["in_strength"]),
        "out_strength": float(h["out_strength"]),
        "hhi": _num(h["hhi"]),
        "largest_counterparty": h["largest_counterparty"],
        "largest_name": (
            g.nodes[h["largest_counterparty"]]["name"] if h["largest_counterparty"] in g else None
        ),
        "largest_share": _num(h["largest_share"]),
        "self_funded_share": _num(sf.share),
        "self_funded_direct": _num(sf.share_direct),
        "self_funded_via": _num(sf.share_via_intermediaries),
        "inflows_evidence": evidence_split(g, list(g.in_edges(node))),
        "payers": [
            {
                "counterparty": str(k),
                "name": g.nodes[k]["name"],
                "amount": _num(r["amount"]),
                "share": _num(r["share"]),
            }
            for k, r in payers.iterrows()
        ],
        "payees": payees,
    }
