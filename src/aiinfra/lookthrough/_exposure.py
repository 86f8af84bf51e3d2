"""What a fund holds, seen through the ledger: categories, overlap with the index, money cycles,
self-funded revenue, stress losses and the evidence behind them."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from aiinfra.dates import resolve_as_of
from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows import TIERS, evidence_split, find_cycles, flow_graph, self_funded_share
from aiinfra.ledger import Ledger
from aiinfra.lookthrough._holdings import Holdings, WeightKind, read_holdings
from aiinfra.lookthrough._mapping import map_holdings

__all__ = [
    "NOT_IN_LEDGER",
    "UNCATEGORISED",
    "LookThrough",
    "category_mix",
    "evidence_exposure",
    "lookthrough",
    "overlap_measures",
    "stress_exposure",
]

#: the category of the fund's lines that map to no ledger company
NOT_IN_LEDGER = "not_in_ledger"
#: the category of ledger companies outside the index's categories C1..C7
UNCATEGORISED = "uncategorised"
#: the cycles counted: three to this many companies (as ``aiinfra flows cycles``)
LENGTH_BOUND = 5


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain Python values at full precision (NaN as None)."""
    plain = frame.astype(object).where(frame.notna(), None)
    return [
        {str(k): (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in plain.to_dict(orient="records")
    ]


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


@dataclass(frozen=True)
class LookThrough:
    """A fund's holdings seen through the ledger (:func:`lookthrough`).

    Weights are fractions of the fund's net assets as the file states them (not renormalised):
    a file of the top ten holdings covers, say, 0.60 of the fund and every figure is for those
    lines; ``holdings.total_weight`` says how much.

    Attributes
    ----------
    fund : str
        The fund's name from the file's preamble with the file's name in brackets, or the file
        (or label) alone.
    as_of : str
        The date of the ledger view: deals in force, scores and financials known then.
    holdings : Holdings
        The file as read (columns, weight rule, skipped lines).
    mapping : DataFrame
        Every holding line with its ledger company (``company_id``, ``matched_by``) or the
        ``reason`` it did not map.
    companies : DataFrame
        One row per ledger company the fund holds: ``company_id``, ``name``, ``ticker``,
        ``category``, ``weight`` (summed over its lines), ``index_weight``, ``cycles`` (money
        cycles it sits on), ``self_funded_share``, ``inflow_usd_bn`` (committed deals into it),
        and ``shock_<scenario>`` (equity shock of each stress scenario; NaN: not sized).
    categories : DataFrame
        ``category``, ``name``, ``weight``, ``share`` (of the lines read), ``companies``.
    overlap, cycles, self_funding, evidence : dict
        See :func:`overlap_measures`, :func:`evidence_exposure` and :func:`lookthrough`.
    stress : DataFrame
        One row per scenario: ``scenario``, ``fund_impact`` (Σ weight × equity shock),
        ``unresolved_weight``, ``not_in_ledger_weight``, ``companies_hit``, ``largest_hit``.
    stress_detail : DataFrame
        ``scenario``, ``company_id``, ``weight``, ``equity_shock``, ``contribution``,
        ``status`` (``hit``, ``unresolved``) for every held company a scenario reaches.
    notes : list of str
    """

    fund: str
    as_of: str
    holdings: Holdings
    mapping: pd.DataFrame
    companies: pd.DataFrame
    categories: pd.DataFrame
    overlap: dict[str, Any]
    cycles: dict[str, Any]
    self_funding: dict[str, Any]
    stress: pd.DataFrame
    stress_detail: pd.DataFrame
    evidence: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def unmapped(self) -> pd.DataFrame:
        """The holding lines that map to no ledger company, heaviest first, with the reason."""
        frame = self.mapping[self.mapping["company_id"] == ""]
        cols = ["line", "ticker", "name", "exchange", "weight", "reason"]
        return (
            frame[cols].sort_values("weight", ascending=False, kind="stable").reset_index(drop=True)
        )

    def summary(self) -> pd.DataFrame:
        """The headline figures, one row each: ``measure`` (a stable key), ``value``, ``note``."""
        h, o, c, s, e = self.holdings, self.overlap, self.cycles, self.self_funding, self.evidence
        rows: list[tuple[str, float, str]] = [
            ("lines", float(len(h.frame)), f"holding lines read; weights {h.weight_kind}"),
            ("covered_weight", h.total_weight, "summed weight of the lines read"),
            ("mapped_weight", float(self.companies["weight"].sum()), "in ledger companies"),
            ("not_in_ledger_weight", float(self.unmapped["weight"].sum()), "lines not mapped"),
            (
                "weight_overlap",
                o["overlap"],
                "Σ min(w_fund, w_index) against the " + str(o["index_label"]).split(" (")[0],
            ),
            ("active_share", o["active_share"], "½ Σ |w_fund − w_index| over the union"),
            ("weight_on_cycles", c["weight"], f"{c['companies_held']} companies on cycles"),
            ("self_funded_share", s["share"], f"covered weight {s['covered_weight']:.4f}"),
        ]
        if o["uncovered"] > 0:
            rows.insert(5, ("weight_overlap_max", o["overlap_max"], "if the rest were index names"))
            rows.insert(
                7, ("active_share_min", o["active_share_min"], "if the rest were index names")
            )
        for r in self.stress.to_dict(orient="records"):
            rows.append(
                (f"stress_{r['scenario']}", float(r["fund_impact"]),
                 f"unresolved weight {r['unresolved_weight']:.4f}")
            )  # fmt: skip
        top = max(e["by_tier"].items(), key=lambda kv: kv[1]) if e["by_tier"] else None
        if top is not None:
            rows.append((f"evidence_{top[0]}", float(top[1]), "largest source tier of inflows"))
        return pd.DataFrame(rows, columns=["measure", "value", "note"])

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every table by name, for a report, a dashboard or CSV files."""
        return {
            "summary": self.summary(),
            "categories": self.categories,
            "companies": self.companies,
            "stress": self.stress,
            "stress_detail": self.stress_detail,
            "unmapped": self.unmapped,
            "mapping": self.mapping,
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-ready values (NaN as None)."""
        out: dict[str, Any] = _clean(
            {
                "fund": self.fund,
                "as_of": self.as_of,
                "holdings": self.holdings.to_dict(),
                "overlap": self.overlap,
                "cycles": self.cycles,
                "self_funding": self.self_funding,
                "evidence": self.evidence,
                "summary": _records(self.summary()),
                "categories": _records(self.categories),
                "companies": _records(self.companies),
                "stress": _records(self.stress),
                "stress_detail": _records(self.stress_detail),
                "unmapped": _records(self.unmapped),
                "notes": list(self.notes),
            }
        )
        return out


def overlap_measures(
    fund: Mapping[str, float],
    index: Mapping[str, float],
    outside: Iterable[float] = (),
) -> dict[str, float]:
    """Weight overlap and active share of a fund against an index.

    Parameters
    ----------
    fund : mapping
        Company → the fund's weight in it (the lines that map to ledger companies, summed).
    index : mapping
        Company → index weight (summing to 1).
    outside : iterable of float
        The weights of the fund's other lines (not ledger companies: cash, names the ledger
        lacks), each outside the index.

    Returns
    -------
    dict
        ``overlap`` = Σ_c min(max(w_fund,c, 0), w_index,c);
        ``active_share`` = ½ [Σ_c |w_fund,c − w_index,c| over the union of both + Σ_k |o_k| +
        u], where o_k are the ``outside`` lines and u = max(0, 1 − Σ w_fund − Σ o_k) is the part
        of the fund the lines do not cover, counted as outside the index (for a long-only fund
        whose lines cover it all, active share = 1 − overlap);
        ``uncovered`` = u; ``overlap_max`` and ``active_share_min``: the same if the uncovered
        part sat in index names where the index weighs more than the fund (the bounds for a file
        of top holdings).

    Examples
    --------
    The fund holds a 0.5, b 0.3 and 0.2 of something else; the index holds a 0.4 and c 0.6.
    Overlap = min(0.5, 0.4) = 0.4; active share = ½ (0.1 + 0.3 + 0.6 + 0.2) = 0.6 = 1 − 0.4.

    >>> m = overlap_measures({"a": 0.5, "b": 0.3}, {"a": 0.4, "c": 0.6}, [0.2])
    >>> round(m["overlap"], 12), round(m["active_share"], 12)
    (0.4, 0.6)
    """
    f = {str(k): float(v) for k, v in fund.items()}
    i = {str(k): float(v) for k, v in index.items()}
    other = [float(v) for v in outside]
    union = set(f) | set(i)
    overlap = sum(min(max(f.get(c, 0.0), 0.0), i.get(c, 0.0)) for c in union)
    uncovered = max(0.0, 1.0 - sum(f.values()) - sum(other))
    diff = sum(abs(f.get(c, 0.0) - i.get(c, 0.0)) for c in union)
    active = 0.5 * (diff + sum(abs(v) for v in other) + uncovered)
    room = sum(max(i.get(c, 0.0) - max(f.get(c, 0.0), 0.0), 0.0) for c in union)
    moved = min(uncovered, room)
    return {
        "overlap": overlap,
        "active_share": active,
        "uncovered": uncovered,
        "overlap_max": overlap + moved,
        "active_share_min": active - moved,
    }


def category_mix(
    fund: Mapping[str, float],
    categories: Mapping[str, str],
    not_in_ledger: float,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The fund's weight by index category.

    Parameters
    ----------
    fund : mapping
        Company → the fund's weight.
    categories : mapping
        Company → category (``C1`` … ``C7``); a company without one is ``uncategorised``.
    not_in_ledger : float
        The weight of the lines that map to no ledger company (the row ``not_in_ledger``).
    names : mapping, optional
        Category → its name.

    Returns
    -------
    DataFrame
        ``category``, ``name``, ``weight``, ``share`` (weight / the summed weight of all rows),
        ``companies``; the categories in code order, then ``uncategorised``, then
        ``not_in_ledger``.

    Examples
    --------
    >>> category_mix({"a": 0.5, "b": 0.3}, {"a": "C2"}, 0.2)[["category", "weight", "share"]
    ...              ].values.tolist()
    [['C2', 0.5, 0.5], ['uncategorised', 0.3, 0.3], ['not_in_ledger', 0.2, 0.2]]
    """
    weight: dict[str, float] = {}
    count: dict[str, int] = {}
    for cid, w in fund.items():
        cat = categories.get(cid) or UNCATEGORISED
        weight[cat] = weight.get(cat, 0.0) + float(w)
        count[cat] = count.get(cat, 0) + 1
    order = sorted(c for c in weight if c != UNCATEGORISED)
    order += [UNCATEGORISED] if UNCATEGORISED in weight else []
    rows = [(c, weight[c], count[c]) for c in order]
    if not_in_ledger != 0:
        rows.append((NOT_IN_LEDGER, float(not_in_ledger), 0))
    total = sum(r[1] for r in rows)
    named = names or {}
    return pd.DataFrame(
        [
            {
                "category": c,
                "name": named.get(c, c.replace("_", " ")),
                "weight": w,
                "share": w / total if total else math.nan,
                "companies": n,
            }
            for c, w, n in rows
        ],
        columns=["category", "name", "weight", "share", "companies"],
    )


def stress_exposure(fund: Mapping[str, float], hit: pd.DataFrame) -> dict[str, Any]:
    """A fund's loss under one stress scenario.

    Parameters
    ----------
    fund : mapping
        Company → the fund's weight.
    hit : DataFrame
        The scenario's companies (``StressResult.companies``): ``node``, ``equity_shock``,
        ``unresolved``.

    Returns
    -------
    dict
        ``fund_impact`` = Σ_c w_c × shock_c over the held companies the scenario sizes (a
        return: −0.05 is a 5 % loss; companies it does not reach count 0);
        ``unresolved_weight``: the held weight the scenario reaches but cannot size (no revenue
        figure, or no equity shock); ``detail``: one row per held company reached.

    Examples
    --------
    >>> hit = pd.DataFrame({"node": ["a", "b"], "equity_shock": [-0.5, float("nan")],
    ...                     "unresolved": [False, True]})
    >>> r = stress_exposure({"a": 0.2, "b": 0.1, "c": 0.7}, hit)
    >>> round(r["fund_impact"], 12), r["unresolved_weight"]
    (-0.1, 0.1)
    """
    by_node = {
        str(n): (float(s), bool(u))
        for n, s, u in zip(hit["node"], hit["equity_shock"], hit["unresolved"], strict=True)
    }
    impact, unresolved = 0.0, 0.0
    detail = []
    for cid, w in fund.items():
        if cid not in by_node:
            continue
        shock, unres = by_node[cid]
        if unres or not math.isfinite(shock):
            unresolved += float(w)
            detail.append((cid, float(w), math.nan, math.nan, "unresolved"))
            continue
        impact += float(w) * shock
        # + 0.0 turns a -0.0 shock (a loss rounded to nothing) into 0.0
        detail.append((cid, float(w), shock + 0.0, float(w) * shock + 0.0, "hit"))
    frame = pd.DataFrame(
        detail, columns=["company_id", "weight", "equity_shock", "contribution", "status"]
    )
    return {"fund_impact": impact, "unresolved_weight": unresolved, "detail": frame}


def evidence_exposure(g: nx.DiGraph, fund: Mapping[str, float]) -> dict[str, Any]:
    """What the money into the fund's companies rests on, weighted by the fund.

    For each held company c with a positive weight w_c and disclosed inflows in ``g``,
    e_c(t) is the share of its inflow amount resting on source tier t
    (:func:`aiinfra.flows.evidence_split` of the edges into c). The fund's split is the
    fund-weighted mean over those companies:

    .. math:: E(t) = \\sum_c w_c e_c(t) / \\sum_c w_c,

    and likewise the quoted share. The inflows are what the money cycles and the stress
    scenarios act on, so E says how much of the fund's cycle and stress exposure rests on
    filings, company statements, press reports and the rest.

    Returns
    -------
    dict
        ``by_tier`` (tier → share, in :data:`aiinfra.flows.TIERS` order), ``quoted``,
        ``covered_weight`` (Σ w_c over the companies with inflows), ``companies``, ``text``.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("x", "a", evidence={"filing": 10.0}, quoted=10.0)
    >>> g.add_edge("y", "b", evidence={"press": 3.0, "filing": 1.0}, quoted=0.0)
    >>> r = evidence_exposure(g, {"a": 0.3, "b": 0.1, "c": 0.6})
    >>> {t: round(s, 12) for t, s in r["by_tier"].items()}, r["covered_weight"]
    ({'filing': 0.8125, 'press': 0.1875}, 0.4)
    """
    acc: dict[str, float] = {}
    quoted, covered, n = 0.0, 0.0, 0
    for cid, w in fund.items():
        if w <= 0 or cid not in g:
            continue
        split = evidence_split(g, list(g.in_edges(cid)))
        if split["total"] <= 0:
            continue
        n += 1
        covered += float(w)
        quoted += float(w) * float(split["quoted"])
        for tier, share in split["by_tier"].items():
            acc[tier] = acc.get(tier, 0.0) + float(w) * float(share)
    if covered <= 0:
        return {"by_tier": {}, "quoted": math.nan, "covered_weight": 0.0, "companies": 0,
                "text": "no held company has disclosed inflows in the ledger"}  # fmt: skip
    order = [t for t in TIERS if t in acc] + sorted(set(acc) - set(TIERS))
    by_tier = {t: acc[t] / covered for t in order}
    ranked = sorted(by_tier.items(), key=lambda kv: -kv[1])
    text = (
        f"of the inflows into {n} held companies ({covered:.1%} of the fund), "
        + ", ".join(f"{s:.0%} {t}" for t, s in ranked)
        + f"; {quoted / covered:.0%} quoted"
    )
    return {"by_tier": by_tier, "quoted": quoted / covered, "covered_weight": covered,
            "companies": n, "text": text}  # fmt: skip


def _stress_frames(stress: Mapping[str, Any] | None) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    for name, value in (stress or {}).items():
        frame = value if isinstance(value, pd.DataFrame) else getattr(value, "companies", None)
        if not isinstance(frame, pd.DataFrame) or not {"node", "equity_shock", "unresolved"} <= set(
            frame.columns
        ):
            raise InvalidParameterError(
                f"`stress[{name!r}]` must be a stress result or its companies frame (columns "
                "node, equity_shock, unresolved)"
            )
        out[str(name)] = frame
    return out


def lookthrough(
    holdings: Holdings | str | os.PathLike[str],
    ledger: Ledger,
    *,
    as_of: object = None,
    index_weights: Mapping[str, float] | None = None,
    index_label: str | None = None,
    stress: Mapping[str, Any] | None = None,
    weights: WeightKind = "auto",
) -> LookThrough:
    """Look through a fund's holdings to the ledger.

    Parameters
    ----------
    holdings : Holdings or path
        A holdings file as issuers publish it (:func:`read_holdings`) or one already read.
    ledger : Ledger
    as_of : date, optional
        The ledger view (default today): the committed deals in force, the scores known then.
    index_weights : mapping, optional
        The aiinfra index's weights (company → weight), e.g. of the index formed on the date
        (:func:`aiinfra.services.lookthrough.compose` passes them when prices are given); default
        house-view weights (:func:`aiinfra.index.house_view_weights`: scores alone, no price
        screens), labelled so.
    index_label : str, optional
        What ``index_weights`` are.
    stress : mapping, optional
        Scenario name → its result (:func:`aiinfra.stress`) or the result's ``companies``
        frame. Without it the stress table is empty (the look-through does not run scenarios
        itself; the service passes every built-in one).
    weights : {"auto", "percent", "fraction"}
        How to read the file's weights (:func:`read_holdings`).

    Returns
    -------
    LookThrough

    Notes
    -----
    * Mapping: by ticker (the ledger's ``ticker`` and ``alt_tickers``, exchange variants such as
      ``2330 TT`` / ``2330.TW`` / ``TSM``), then by normalised name
      (:func:`aiinfra.lookthrough.map_holdings`); several lines of one company add up.
    * Categories: the company's index category in the scores known on ``as_of`` (else the
      latest), else ``companies.csv``'s, else ``uncategorised``.
    * Cycles: the companies on a money cycle of 3 to 5 companies
      (:func:`aiinfra.flows.find_cycles`) in the committed graph on ``as_of``; ``cycles.weight``
      is the fund's weight in them.
    * Self-funded share: Σ w_c s_c / Σ w_c over the held companies with a defined share s_c
      (:func:`aiinfra.flows.self_funded_share` on the same graph; weights renormalised over
      them), ``covered_weight`` = that Σ w_c.
    * Stress: :func:`stress_exposure` per scenario. Evidence: :func:`evidence_exposure`.

    Examples
    --------
    >>> import aiinfra, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "fund.csv"
    >>> _ = p.write_text("Ticker,Weight (%)\\nNVDA,60\\n2330 TT,30\\nXYZ,10\\n")
    >>> r = aiinfra.lookthrough(p, aiinfra.load_ledger(), as_of="2026-11-30")
    >>> r.companies["company_id"].tolist(), r.unmapped["ticker"].tolist()
    (['nvidia', 'tsmc'], ['XYZ'])
    """
    frames = _stress_frames(stress)
    h = holdings if isinstance(holdings, Holdings) else read_holdings(holdings, weights=weights)
    day = resolve_as_of(as_of)
    mapping = map_holdings(h.frame, ledger.companies)
    mapped = mapping[mapping["company_id"] != ""]
    fund = {str(k): float(v) for k, v in mapped.groupby("company_id")["weight"].sum().items()}
    outside = mapping.loc[mapping["company_id"] == "", "weight"].astype(float).tolist()
    notes = [f"weights: {h.weight_rule}"]
    if h.total_weight < 0.99:
        notes.append(
            f"the file covers {h.total_weight:.1%} of the fund: every figure is for those lines"
        )
    index, label = _index(ledger, day, index_weights, index_label)
    g = flow_graph(ledger, day, "committed")
    if not frames:
        notes.append("no stress results were given: pass stress={name: aiinfra.stress(...)}")
    cats = _categories(ledger, day)
    cycles = _cycles(g, fund)
    sf = self_funded_share(g) if g.number_of_edges() else pd.Series(dtype=float)
    self_funding = _self_funding(sf, fund)
    stress_rows, detail, shocks = _stress_table(fund, frames, float(sum(outside)))
    companies = _company_frame(ledger, g, fund, index, cats, cycles["count"], sf, shocks)
    overlap = {**overlap_measures(fund, index, outside), "index_label": label,
               "index_constituents": len(index)}  # fmt: skip
    return LookThrough(
        fund=f"{h.title} ({Path(h.source).name})" if h.title else h.source,
        as_of=str(day.date()),
        holdings=h,
        mapping=mapping,
        companies=companies,
        categories=category_mix(fund, cats, float(sum(outside)), _category_names()),
        overlap=overlap,
        cycles={k: v for k, v in cycles.items() if k != "count"},
        self_funding=self_funding,
        stress=stress_rows,
        stress_detail=detail,
        evidence=evidence_exposure(g, fund),
        notes=notes,
    )


def _index(
    ledger: Ledger, day: pd.Timestamp, weights: Mapping[str, float] | None, label: str | None
) -> tuple[dict[str, float], str]:
    if weights is not None:
        return {str(k): float(v) for k, v in weights.items()}, label or "index weights given"
    from aiinfra.index import house_view_weights, load_methodology

    m = load_methodology()
    w = house_view_weights(ledger, m, day)
    return {str(k): float(v) for k, v in w.items()}, (
        "house-view weights (composite × multiplier of the top-scored companies, capped; no "
        "price screens: pass --prices for the index formed on the date)"
    )


def _category_names() -> dict[str, str]:
    from aiinfra.index import load_methodology

    names = {str(k): v.name for k, v in load_methodology().categories.items()}
    return {**names, UNCATEGORISED: "in the ledger, outside the index categories",
            NOT_IN_LEDGER: "not in the ledger"}  # fmt: skip


def _categories(ledger: Ledger, day: pd.Timestamp) -> dict[str, str]:
    comp = ledger.companies
    out = {
        str(c): str(k)
        for c, k in zip(comp["id"], comp["category"], strict=True)
        if isinstance(k, str) and k
    }
    sc = ledger.latest_scores(day, static=True)
    out.update({str(c): str(k) for c, k in sc["category"].items() if isinstance(k, str) and k})
    return out


def _cycles(g: nx.DiGraph, fund: Mapping[str, float]) -> dict[str, Any]:
    count: dict[str, int] = {}
    total = 0
    for cycle in find_cycles(g, LENGTH_BOUND):
        total += 1
        for node in cycle.nodes:
            count[str(node)] = count.get(str(node), 0) + 1
    held = sorted((c for c in fund if c in count), key=lambda c: -fund[c])
    return {
        "weight": float(sum(fund[c] for c in held)),
        "companies_held": len(held),
        "held": held,
        "cycles_in_graph": total,
        "companies_on_cycles": len(count),
        "length_bound": LENGTH_BOUND,
        "count": count,
    }


def _self_funding(sf: pd.Series, fund: Mapping[str, float]) -> dict[str, Any]:
    pairs = [(w, float(sf[c])) for c, w in fund.items()
             if w > 0 and c in sf.index and math.isfinite(float(sf[c]))]  # fmt: skip
    covered = sum(w for w, _ in pairs)
    share = sum(w * s for w, s in pairs) / covered if covered > 0 else math.nan
    return {"share": share, "covered_weight": covered, "companies": len(pairs)}


def _stress_table(
    fund: Mapping[str, float], frames: Mapping[str, pd.DataFrame], not_in_ledger: float
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, dict[str, float]]]:
    rows, details = [], []
    shocks: dict[str, dict[str, float]] = {}
    for name, frame in frames.items():
        r = stress_exposure(fund, frame)
        d = r["detail"]
        hit = d[d["status"] == "hit"]
        largest = hit.loc[hit["contribution"].idxmin(), "company_id"] if len(hit) else ""
        rows.append(
            {
                "scenario": name,
                "fund_impact": r["fund_impact"],
                "unresolved_weight": r["unresolved_weight"],
                "not_in_ledger_weight": not_in_ledger,
                "companies_hit": int((hit["contribution"] != 0).sum()),
                "largest_hit": largest,
            }
        )
        details.append(d.assign(scenario=name))
        shocks[name] = dict(zip(d["company_id"], d["equity_shock"], strict=True))
    cols = ["scenario", "fund_impact", "unresolved_weight", "not_in_ledger_weight",
            "companies_hit", "largest_hit"]  # fmt: skip
    dcols = ["scenario", "company_id", "weight", "equity_shock", "contribution", "status"]
    detail = (
        pd.concat(details, ignore_index=True)[dcols] if details else pd.DataFrame(columns=dcols)
    )
    return pd.DataFrame(rows, columns=cols), detail, shocks


def _company_frame(
    ledger: Ledger,
    g: nx.DiGraph,
    fund: Mapping[str, float],
    index: Mapping[str, float],
    cats: Mapping[str, str],
    on_cycles: Mapping[str, int],
    sf: pd.Series,
    shocks: Mapping[str, Mapping[str, float]],
) -> pd.DataFrame:
    comp = ledger.companies.set_index("id")
    rows = []
    for cid, w in sorted(fund.items(), key=lambda kv: -kv[1]):
        edges = g.in_edges(cid, data="amount") if cid in g else []
        inflow = sum(float(a) for _, _, a in edges if math.isfinite(a))
        row: dict[str, Any] = {
            "company_id": cid,
            "name": str(comp.at[cid, "name"]),
            "ticker": comp.at[cid, "ticker"] if isinstance(comp.at[cid, "ticker"], str) else "",
            "category": cats.get(cid) or UNCATEGORISED,
            "weight": w,
            "index_weight": float(index.get(cid, 0.0)),
            "cycles": int(on_cycles.get(cid, 0)),
            "self_funded_share": float(sf[cid]) if cid in sf.index else math.nan,
            "inflow_usd_bn": inflow,
        }
        for name, by in shocks.items():
            row[f"shock_{name}"] = float(by.get(cid, 0.0))
        rows.append(row)
    cols = ["company_id", "name", "ticker", "category", "weight", "index_weight", "cycles",
            "self_funded_share", "inflow_usd_bn", *(f"shock_{n}" for n in shocks)]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)
