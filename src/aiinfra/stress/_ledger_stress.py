"""``aiinfra.stress``: a scenario through the ledger's flow graph, to companies, tickers, the index.

The steps of :func:`stress`: the graph in force (:func:`_scenario_graph`), the shocks on it
(:func:`_apply_shocks`), the revenue haircuts (:func:`_add_haircuts`), the propagation
(:func:`aiinfra.stress.propagate`), the companies with tickers and equity shocks
(:func:`_company_frame`), the index impact (:func:`_index_impact`) and the credit layer
(:func:`_credit`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from aiinfra.dates import resolve_as_of
from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows import evidence_split, flow_graph
from aiinfra.ledger import Ledger
from aiinfra.stress._clearing import clearing_from_graph
from aiinfra.stress._horizons import HorizonMonteCarlo, horizon_monte_carlo, term_distribution
from aiinfra.stress._propagation import propagate
from aiinfra.stress._scenario import Scenario, load_scenario

__all__ = ["StressResult", "stress", "stress_date"]

HAIRCUT_NODE = "__revenue_haircut__"


@dataclass
class StressResult:
    """Who loses what under a scenario.

    Attributes
    ----------
    companies : DataFrame
        One row per company hit: loss in USD bn a year (``loss_usd``, split ``loss_round1`` /
        ``loss_later``), ``round_hit``, annual ``revenue_usd_bn`` (ledger financials),
        ``share_of_revenue``, its own spending cut, ``unresolved`` (no revenue figure: the loss
        is known, its share and its propagation are not), ``equity_shock`` for listed companies.
    index : dict
        ``impact`` (weighted equity shock of the constituents), ``by_category``, ``weights_source``,
        ``unresolved_weight`` (weight of constituents whose shock cannot be sized).
    credit : DataFrame
        The credit layer (loans between companies, committed amounts): the Eisenberg–Noe
        clearing (owed, paid, recovery rate, creditor losses) on ``cash=`` or, by default, on the
        cash of the balance sheets published by the stress date (``credit_status`` says which
        borrowers had none and were assumed to hold what they owe); the loans, unresolved, when
        no borrower has a balance sheet. Every party by id (``node``; ``lender``, ``borrower``)
        and by company name (``name``; ``lender_name``, ``borrower_name``).
    """

    scenario: Scenario
    as_of: str
    companies: pd.DataFrame
    index: dict[str, Any]
    rounds: int
    notes: list[str] = field(default_factory=list)
    credit: pd.DataFrame = field(default_factory=pd.DataFrame)
    credit_status: str = ""
    #: how much of the amounts the shocked parties stop paying rests on each source tier
    #: (``aiinfra.flows.evidence_split`` of their deals in the scenario)
    evidence: dict[str, Any] = field(default_factory=dict)
    #: the spread over the terms of the deals that state none (``horizon_draws`` > 0)
    horizons: HorizonMonteCarlo | None = None

    def to_frame(self) -> pd.DataFrame:
        return self.companies

    def to_dict(self) -> dict[str, Any]:
        import json

        return {
            "scenario": self.scenario.model_dump(mode="json", by_alias=True),
            "as_of": self.as_of,
            "rounds": self.rounds,
            "total_loss_usd_bn": float(self.companies["loss_usd"].sum()),
            "companies": json.loads(self.companies.to_json(orient="records")),
            "index": self.index,
            "credit": {
                "status": self.credit_status,
                "rows": json.loads(self.credit.to_json(orient="records")),
            },
            "notes": self.notes,
            "evidence": {
                k: (None if isinstance(v, float) and v != v else v)
                for k, v in self.evidence.items()
            },
            "horizons": None if self.horizons is None else self.horizons.to_dict(),
        }


def _revenue(ledger: Ledger, as_of: pd.Timestamp) -> tuple[dict[str, float], dict[str, str]]:
    """Annual revenue known on ``as_of``: the latest financials, else the latest ARR figure.

    The ARR fallback (private labs have no filed financials) is an estimate and labelled so in
    the source map (company → ``"financials FY…"`` or ``"estimate: ARR <figure id> <period>"``).
    """
    latest = ledger.latest_financials(as_of, "revenue_usd_bn")
    revenue = dict(zip(latest.index, latest["revenue_usd_bn"].astype(float), strict=True))
    pairs = zip(latest.index, latest["fiscal_year"], strict=True)
    source = {c: f"financials {fy}" for c, fy in pairs}
    fig = ledger.figures
    arr = fig[
        (fig["metric"] == "arr_usd_bn")
        & fig["value"].notna()
        & (fig["source_date_known"] <= as_of)
        & ~fig["entity"].isin(list(revenue))
    ]
    for entity, rows in arr.sort_values(["period", "source_date_known"]).groupby("entity"):
        last = rows.iloc[-1]
        if float(last["value"]) > 0:
            revenue[str(entity)] = float(last["value"])
            source[str(entity)] = f"estimate: ARR {last['id']} ({last['period']})"
    return revenue, source


def stress_date(scenario: Scenario | str | dict[str, Any], as_of: object = None) -> pd.Timestamp:
    """The date a stress run uses: ``as_of`` if given, else the scenario's ``as_of``, else its
    ``from`` date (the shortfall hits the deals in force when it starts), else today."""

    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    return resolve_as_of(as_of if as_of is not None else (sc.as_of or sc.start))


def stress(
    ledger: Ledger,
    scenario: Scenario | str | dict[str, Any],
    *,
    as_of: object = None,
    weights: Mapping[str, float] | None = None,
    weights_label: str | None = None,
    cash: Mapping[str, float] | None = None,
    horizon_draws: int = 0,
    seed: int = 0,
    methodology: Any = None,
    weights_unavailable: str | None = None,
) -> StressResult:
    """Run a stress scenario.

    Parameters
    ----------
    ledger : Ledger
    scenario : Scenario, built-in name, YAML path or dict
    as_of : date, optional
        The deals in force and the financials known on this date (default: the scenario's
        ``as_of``, else its ``from`` date — the shortfall hits the deals in force when it
        starts — else today).
    weights : mapping, optional
        Index weights (company id → weight), e.g. those of the index formed on the date by
        :func:`aiinfra.services.index.form_index` (what the CLI, the report and the dashboard
        pass); without them, house-view weights from the scores alone
        (:func:`aiinfra.index.house_view_weights`), labelled as such.
    weights_label : str, optional
        What ``weights`` are, shown with the result.
    methodology : Methodology, optional
        The rules of the house-view weights used without ``weights`` (default: the default
        methodology's).
    weights_unavailable : str, optional
        Why there are no ``weights`` although prices were given (e.g. no index could be
        formed on the date): the house-view label then says so instead of asking for prices.
    cash : mapping, optional
        External assets (USD bn) of every company in the credit layer; default: each company's
        cash from ``balance_sheets.csv`` as published by the stress date. The loans between
        companies are cleared à la Eisenberg–Noe, a shocked borrower's cash cut by its
        shortfall.
    horizon_draws : int, default 0
        On the annualised basis: also run a Monte Carlo of this many draws over the terms of the
        deals that state none, each drawn from the terms the ledger states for deals of its type
        (:func:`aiinfra.stress.term_distribution`), instead of the single
        ``default_horizon_years``; the spread is in ``StressResult.horizons``.
    seed : int, default 0
        Seed of that Monte Carlo (the same seed gives the same draws).

    Notes
    -----
    The shocked parties pay only ``1 − shortfall`` of their matching deals; the engine
    (:func:`aiinfra.stress.propagate`) spreads the losses round by round (DebtRank-style, each
    company once, cut = pass-through × loss / revenue). An edge of several deals counts as matching
    when any of its deals matches the scenario's types. Amounts are annualised by default (money a
    year). A company without a revenue figure is ``unresolved``: its loss is shown, its share and
    any further propagation are not invented.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    day = stress_date(sc, as_of)
    g, notes = _scenario_graph(ledger, sc, day)
    shortfall = _apply_shocks(g, sc, day)
    evidence = evidence_split(g, [e for p in shortfall for e in g.out_edges(p)])
    revenue, revenue_source = _revenue(ledger, day)
    if sc.revenue_haircuts:
        notes += _add_haircuts(g, sc, ledger, revenue, shortfall)
    prop = propagate(
        g,
        shortfall,
        revenue=revenue,
        pass_through=sc.propagation.pass_through,
        max_rounds=sc.propagation.max_rounds,
    )
    frame = _company_frame(ledger, prop.to_frame(), revenue, revenue_source, sc, notes)
    w, w_source = _index_weights(
        ledger, day, weights, weights_label, methodology, weights_unavailable
    )
    index = _index_impact(ledger, frame, day, w, w_source)
    losses = dict(zip(frame["node"].astype(str), frame["loss_usd"].astype(float), strict=True))
    credit, credit_status = _credit(ledger, day, _distress(g, sc), cash, sc, losses)
    horizons = None
    if horizon_draws:
        if sc.basis != "annualised":
            raise InvalidParameterError(
                f"`horizon_draws` needs the annualised basis (the terms only matter there); "
                f"the scenario's basis is {sc.basis!r}"
            )
        comp = ledger.companies.set_index("id")["listed"]
        horizons = horizon_monte_carlo(
            g,
            shortfall,
            revenue,
            distribution=term_distribution(ledger, day),
            default_horizon=sc.default_horizon_years,
            pass_through=sc.propagation.pass_through,
            max_rounds=sc.propagation.max_rounds,
            elasticity=sc.equity.elasticity,
            listed={str(k): bool(v) for k, v in comp.items()},
            weights={str(k): float(v) for k, v in w.items()},
            draws=horizon_draws,
            seed=seed,
        )
    return StressResult(
        sc,
        str(day.date()),
        frame,
        index,
        int(prop.rounds),
        notes,
        credit,
        credit_status,
        evidence,
        horizons,
    )


def _scenario_graph(
    ledger: Ledger, sc: Scenario, day: pd.Timestamp
) -> tuple[nx.DiGraph, list[str]]:
    """The flow graph in force on ``day`` on the scenario's basis, and the note on the deals
    annualised over an assumed horizon."""
    basis = sc.basis
    g = flow_graph(
        ledger,
        day,
        basis,
        default_horizon=sc.default_horizon_years if sc.basis == "annualised" else None,
    )
    notes: list[str] = []
    assumed = sorted(
        f.split(":")[0]
        for _, _, d in g.edges(data=True)
        for f in d["fallback"]
        if "assumed_horizon" in f
    )
    if assumed:
        deals = _deal_names(ledger, assumed[:5])  # by name: the first five
        notes.append(
            f"assumption: {len(assumed)} deal(s) without a stated horizon annualised over "
            f"{sc.default_horizon_years:g} years ({', '.join(deals)}"
            f"{', …' if len(assumed) > 5 else ''}; see the edges' `fallback`)"
        )
    return g, notes


def _deal_names(ledger: Ledger, flow_ids: list[str]) -> list[str]:
    """Each deal as a reader knows it: ``payer → payee (flow id)`` by company name."""
    names = ledger.company_names()
    flows = ledger.flows.drop_duplicates("id").set_index("id")
    out = []
    for f in flow_ids:
        if f in flows.index:
            payer, payee = (str(flows.at[f, c]) for c in ("payer", "payee"))
            out.append(f"{names.get(payer, payer)} → {names.get(payee, payee)} ({f})")
        else:
            out.append(f)
    return out


def _apply_shocks(g: nx.DiGraph, sc: Scenario, day: pd.Timestamp) -> dict[str, float]:
    """The shortfall of every shocked party. Edges a shock does not cover (other deal types or
    payee layers) are removed from ``g``: the party keeps paying those in full."""
    shortfall: dict[str, float] = {}
    for shock in sc.shocks:
        if shock.party.startswith("layer:"):
            layer = shock.party.removeprefix("layer:")
            parties = [n for n, d in g.nodes(data=True) if d.get("layer") == layer]
        elif shock.party in g:
            parties = [shock.party]
        else:
            raise InvalidParameterError(
                f"`party` {shock.party!r} has no flow in force on {day.date()} (or is unknown)"
            )
        for p in parties:
            for _, q, d in list(g.out_edges(p, data=True)):
                ok_type = shock.types is None or bool(set(d["types"]) & set(shock.types))
                ok_layer = shock.to_layers is None or g.nodes[q].get("layer") in shock.to_layers
                if not (ok_type and ok_layer):
                    g.remove_edge(p, q)  # the party keeps paying these in full
            shortfall[p] = max(shortfall.get(p, 0.0), shock.shortfall)
    return shortfall


def _add_haircuts(
    g: nx.DiGraph,
    sc: Scenario,
    ledger: Ledger,
    revenue: Mapping[str, float],
    shortfall: dict[str, float],
) -> list[str]:
    """Each revenue haircut as a payment from a shocked pseudo-node; notes on those unresolved."""
    notes: list[str] = []
    g.add_node(HAIRCUT_NODE, name="revenue haircut", layer="", ticker="", listed=False, category="")
    for h in sc.revenue_haircuts:
        if h.company not in revenue:
            who = ledger.company_names().get(h.company, h.company)
            notes.append(f"revenue haircut for {who} unresolved: no revenue figure")
            continue
        if h.company not in g:
            g.add_node(h.company, **_node_attrs(ledger, h.company))
        g.add_edge(
            HAIRCUT_NODE,
            h.company,
            amount=h.haircut * revenue[h.company],
            types=["haircut"],
            flow_ids=[],
            flow_layers=[],
            fallback=[],
            undisclosed=0,
        )
    shortfall[HAIRCUT_NODE] = 1.0
    return notes


def _company_frame(
    ledger: Ledger,
    frame: pd.DataFrame,
    revenue: Mapping[str, float],
    revenue_source: Mapping[str, str],
    sc: Scenario,
    notes: list[str],
) -> pd.DataFrame:
    """The propagation's rows with names, tickers, layers, revenue and equity shocks, by loss."""
    frame = frame.copy()
    frame = frame[frame["node"] != HAIRCUT_NODE]
    comp = ledger.companies.set_index("id")
    names = ledger.company_names()
    frame.insert(1, "name", [names.get(n, n) for n in frame["node"]])
    frame.insert(
        2, "ticker", [comp.at[n, "ticker"] if n in comp.index else None for n in frame["node"]]
    )
    frame.insert(
        3,
        "listed",
        [bool(comp.at[n, "listed"]) if n in comp.index else False for n in frame["node"]],
    )
    frame.insert(
        4, "layer", [comp.at[n, "layer"] if n in comp.index else "" for n in frame["node"]]
    )
    frame["revenue_usd_bn"] = [revenue.get(n, math.nan) for n in frame["node"]]
    frame["revenue_source"] = [revenue_source.get(n, "") for n in frame["node"]]
    # by name (the id where the ledger has none)
    est = [
        names.get(n, n) for n in frame["node"] if revenue_source.get(n, "").startswith("estimate")
    ]
    if est:
        notes.append(
            "estimate: annual revenue of " + ", ".join(est) + " is its latest ARR figure "
            "(no filed financials)"
        )
    el = sc.equity.elasticity
    frame["equity_shock"] = [
        -min(1.0, el * s) if listed and not unresolved and np.isfinite(s) else math.nan
        for s, listed, unresolved in zip(
            frame["share_of_revenue"], frame["listed"], frame["unresolved"], strict=True
        )
    ]
    return frame.sort_values("loss_usd", ascending=False).reset_index(drop=True)


def _index_weights(
    ledger: Ledger,
    day: pd.Timestamp,
    weights: Mapping[str, float] | None,
    weights_label: str | None,
    methodology: Any = None,
    unavailable: str | None = None,
) -> tuple[pd.Series, str]:
    """The index weights of the stress: those given, else house-view weights under
    ``methodology`` (default rules); and their label. The label asks for prices only when
    none were given (``unavailable`` is None); otherwise it says why no index was formed."""
    if weights is not None:
        w = pd.Series(dict(weights), dtype=float)
        source = weights_label or "weights given by the caller"
    else:
        from aiinfra.index import house_view_weights, load_methodology

        m = methodology if methodology is not None else load_methodology()
        w = house_view_weights(ledger, m, day)
        cap, u = m.weighting.single_cap, m.weighting.ucits
        rule = f"{cap:.0%}" + (f"/{u.threshold:.1%}/{u.aggregate:.0%}" if u else "")
        why = (
            f"no index on the date: {unavailable}"
            if unavailable
            else "no price screens: pass --prices for the weights of the index on the date"
        )
        source = (
            "house-view weights: composite × multiplier of the top-scored companies, capped "
            f"{rule} ({why})"
        )
    return w, source


def _index_impact(
    ledger: Ledger,
    frame: pd.DataFrame,
    day: pd.Timestamp,
    w: pd.Series,
    source: str,
) -> dict[str, Any]:
    """The weighted equity shock of the index's constituents ``w``, also by category."""
    shock_by_company = dict(zip(frame["node"], frame["equity_shock"], strict=True))
    cats = ledger.latest_scores(day, static=True)["category"]
    impact, unresolved_w = 0.0, 0.0
    by_cat: dict[str, float] = {}
    hit = frame.set_index("node")
    for cid, wt in w.items():
        s = shock_by_company.get(str(cid), 0.0)
        if str(cid) in hit.index and bool(hit.at[str(cid), "unresolved"]):
            unresolved_w += float(wt)
            continue
        s = 0.0 if s is None or not np.isfinite(s) else float(s)
        impact += float(wt) * s
        c = str(cats.get(cid, "?"))
        by_cat[c] = by_cat.get(c, 0.0) + float(wt) * s
    return {
        "impact": impact,
        "by_category": dict(sorted(by_cat.items())),
        "weights_source": source,
        "unresolved_weight": unresolved_w,
        "constituents": len(w),
    }


def _distress(g: nx.DiGraph, sc: Scenario) -> dict[str, float]:
    """The shortfall of the shocked parties in distress (``Shock.distress``): those whose cash
    the credit layer cuts. A party that chooses to stop paying keeps its cash (``venture_halt``:
    the hyperscalers stop funding the labs, they do not lose their cash)."""
    out: dict[str, float] = {}
    for shock in sc.shocks:
        if not shock.distress:
            continue
        if shock.party.startswith("layer:"):
            layer = shock.party.removeprefix("layer:")
            parties = [n for n, d in g.nodes(data=True) if d.get("layer") == layer]
        else:
            parties = [shock.party] if shock.party in g else []
        for p in parties:
            out[p] = max(out.get(p, 0.0), shock.shortfall)
    return out


def _credit(
    ledger: Ledger,
    day: pd.Timestamp,
    shortfall: Mapping[str, float],
    cash: Mapping[str, float] | None,
    sc: Scenario,
    losses: Mapping[str, float],
) -> tuple[pd.DataFrame, str]:
    """The credit layer: Eisenberg–Noe clearing of the loans between companies, in the
    scenario and in a baseline without it.

    On the annualised basis (the default) the clearing is over one year: each loan owes its
    amount over its term (the scenario's ``default_horizon_years`` when it states none: a
    proxy for the principal falling due in the year), against each company's cash less the
    revenue the scenario takes from it in the year (its ``loss_usd``), the cash of a shocked
    borrower in distress (``shortfall``: :func:`_distress`) also cut by its shortfall. On
    the committed basis the whole principal is owed at once.
    Cash: ``cash`` if given, else the latest cash figure of the balance sheets published by
    ``day``; a borrower without one is assumed to hold what it owes (unresolved). The baseline
    clears the same loans on the untouched cash, so ``creditor_loss_added`` and
    ``default_baseline`` tell the scenario's losses from what cash alone would not cover anyway
    (operating cash flow and refinancing are not modelled). Without any balance sheet the loans
    are listed, unresolved.
    """
    annual = sc.basis == "annualised"
    g = flow_graph(
        ledger,
        day,
        "annualised" if annual else "committed",
        layers=["credit"],
        default_horizon=sc.default_horizon_years if annual else None,
    )

    names = ledger.company_names()

    def name(n: Any) -> str:
        return str((g.nodes[n].get("name") if n in g else None) or names.get(str(n)) or n)

    loans = pd.DataFrame(
        [
            {
                "lender": u,
                "borrower": v,
                "lender_name": name(u),
                "borrower_name": name(v),
                "amount_usd_bn": d["amount"],
                "flow_ids": ",".join(d["flow_ids"]),
            }
            for u, v, d in g.edges(data=True)
        ],
        columns=["lender", "borrower", "lender_name", "borrower_name", "amount_usd_bn", "flow_ids"],
    )
    given = cash is not None
    cash, assumed, from_sheets = (
        (dict(cash or {}), [], 0) if given else _balance_sheet_cash(ledger, day, g)
    )
    if not given and from_sheets == 0:
        return loans, (
            f"unresolved: {len(loans)} loan(s) in force, but no borrower has a balance sheet "
            f"published by {day.date()} (balance_sheets.csv); pass cash= (Python API) for the "
            "Eisenberg–Noe clearing"
        )
    base_assets = {k: float(v) for k, v in cash.items() if k in g}
    assets = {
        k: max(0.0, v * (1.0 - float(shortfall.get(k, 0.0))) - float(losses.get(k, 0.0)))
        for k, v in base_assets.items()
    }
    clearing = clearing_from_graph(g, assets).to_frame().reset_index(drop=True)
    clearing.insert(1, "name", [name(n) for n in clearing["node"]])
    base = clearing_from_graph(g, base_assets).to_frame().set_index("node")
    clearing["default_baseline"] = base["default"].reindex(clearing["node"]).to_numpy(bool)
    clearing["creditor_loss_baseline"] = (
        base["creditor_loss"].reindex(clearing["node"]).to_numpy(float)
    )
    clearing["creditor_loss_added"] = (
        clearing["creditor_loss"] - clearing["creditor_loss_baseline"]
    ).clip(lower=0.0)
    how = (
        "cash as given"
        if given
        else f"cash of {from_sheets} compan(ies) from balance sheets published by {day.date()}"
        + (
            f"; no balance sheet for {', '.join(map(name, assumed))}: assumed to hold what they "
            "owe (unresolved)"
            if assumed
            else ""
        )
    )
    # the companies by name in the status (the frame has both: node and name)
    new_defaults = clearing[clearing["default"] & ~clearing["default_baseline"]]["name"].tolist()
    old_defaults = clearing[clearing["default"] & clearing["default_baseline"]]["name"].tolist()
    horizon = (
        f"one year: each loan's amount over its term ({sc.default_horizon_years:g} years where "
        "none is stated) against cash less the year's stress loss"
        if annual
        else "the whole principal against cash less the stress loss"
    )
    return clearing, (
        f"Eisenberg–Noe clearing of {len(loans)} loan(s) over {horizon} ({how}); "
        + (
            f"cash of the shocked parties in distress ({', '.join(map(name, shortfall))}) cut "
            "by their shortfall"
            if shortfall
            else "no shocked party is in distress (a party that chooses not to pay keeps its cash)"
        )
        + ". Default in the scenario: "
        f"{', '.join(new_defaults) or 'none'}; creditor losses added by the scenario USD "
        f"{clearing['creditor_loss_added'].sum():.1f} bn"
        + (
            f"; cash alone would not cover {', '.join(old_defaults)} even without the scenario "
            "(baseline; operating cash flow and refinancing are not modelled)"
            if old_defaults
            else ""
        )
    )


def _balance_sheet_cash(
    ledger: Ledger, day: pd.Timestamp, g: nx.DiGraph
) -> tuple[dict[str, float], list[str], int]:
    """External assets for the clearing: each company's cash from its latest balance sheet
    published by ``day`` that states cash; a borrower without one is assumed to hold what it
    owes (listed as unresolved), a lender without one holds 0 (it owes nothing in the network).

    Returns (cash by node, the borrowers assumed, how many figures came from balance sheets).
    """
    bs = ledger.latest_balance_sheets(day, "cash_usd_bn")
    owed: dict[str, float] = {}
    for _, v, d in g.edges(data=True):
        a = float(d.get("amount", float("nan")))
        if a == a:  # not NaN
            owed[v] = owed.get(v, 0.0) + a
    cash: dict[str, float] = {}
    assumed: list[str] = []
    found = 0
    for n in g.nodes:
        c = bs["cash_usd_bn"].get(n) if "cash_usd_bn" in bs else None
        if c is not None and c == c:
            cash[n] = float(c)
            found += 1
        elif n in owed:
            cash[n] = owed[n]
            assumed.append(str(n))
        else:
            cash[n] = 0.0
    return cash, sorted(assumed), found


def _node_attrs(ledger: Ledger, cid: str) -> dict[str, Any]:
    c = ledger.companies.set_index("id").loc[cid]
    return {
        "name": c["name"],
        "layer": c["layer"],
        "ticker": c["ticker"] if isinstance(c["ticker"], str) else "",
        "listed": bool(c["listed"]),
        "category": c["category"] if isinstance(c["category"], str) else "",
    }
