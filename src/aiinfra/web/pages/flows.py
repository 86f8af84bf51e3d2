"""The flow map (``/flows``): the deals in force on a quarter end as a graph of companies,
the cycles among them, and a company's payers and payees on a click or a search by name; the
panel follows the as-of slider."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pandas as pd

from aiinfra.charts import UNIT_NAMES, evidence_sentence, flow_layout, tier_mix
from aiinfra.config import Lang
from aiinfra.services.dashboard import Dashboard
from aiinfra.services.flows import BASES, Basis
from aiinfra.web import _inputs as rule
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages._common import html_table, num, pct

__all__ = [
    "CYCLE_COLOR",
    "FLOW_LAYER_COLORS",
    "LAYER_COLORS",
    "flow_layer_name",
    "layer_name",
    "layout",
    "register",
]

#: a colour per value-chain layer (the nodes)
LAYER_COLORS = {
    "capital_provider": "#7f7f7f",
    "government": "#8c564b",
    "joint_venture": "#bcbd22",
    "model_lab": "#d62728",
    "application": "#ff9896",
    "hyperscaler": "#1f77b4",
    "neocloud": "#aec7e8",
    "data_center_reit_operator": "#17becf",
    "chip_designer": "#2ca02c",
    "eda_ip": "#98df8a",
    "memory": "#9467bd",
    "networking": "#c5b0d5",
    "optical": "#e377c2",
    "server_oem": "#f7b6d2",
    "foundry": "#ff7f0e",
    "packaging": "#ffbb78",
    "materials": "#c49c94",
    "semiconductor_equipment": "#dbdb8d",
    "power_and_electrical": "#9edae5",
    "cooling": "#393b79",
    "energy_utility": "#637939",
}
#: a colour per flow layer (the edges; an edge of deals in several layers is "mixed")
FLOW_LAYER_COLORS = {
    "equity": "#2ca02c",
    "compute": "#1f77b4",
    "cash": "#ff7f0e",
    "credit": "#d62728",
    "power": "#8c564b",
    "mixed": "#9467bd",
}
FLOW_LAYER_COLORS_NAMED = {
    "equity": {"en": "green", "de": "grün"},
    "compute": {"en": "blue", "de": "blau"},
    "cash": {"en": "orange", "de": "orange"},
    "credit": {"en": "red", "de": "rot"},
    "power": {"en": "brown", "de": "braun"},
    "mixed": {"en": "purple", "de": "lila"},
}
#: the highlighted cycle's edges and nodes: black, no layer's colour (credit edges are red)
CYCLE_COLOR = "#111111"
CYCLE_COLOR_NAMED = {"en": "black", "de": "schwarz"}


def layer_name(layer: str, lang: Lang) -> str:
    """A value-chain layer as a reader says it ("Model lab", not ``model_lab``)."""
    try:
        return t(f"layer:{layer}", lang)
    except KeyError:  # a layer the labels do not know yet: its slug, readable
        return layer.replace("_", " ")


def flow_layer_name(layer: str, lang: Lang) -> str:
    """A flow layer (an edge's kind of deal) as a reader says it ("Equity", not ``equity``)."""
    try:
        return t(f"flow_layer:{layer}", lang)
    except KeyError:
        return layer.replace("_", " ")


def _quarter_ends(d: Dashboard) -> list[pd.Timestamp]:
    first = pd.Timestamp("2019-03-31")
    ends = list(pd.date_range(first, d.as_of, freq="QE"))
    if not ends or ends[-1] != d.as_of:
        ends.append(d.as_of)
    return ends


def _companies(d: Dashboard) -> list[tuple[str, str]]:
    """Every company with a deal announced by the dashboard's date, as (name, id), by name: the
    search box's choices (a company the slider's date has no deal for says so in the panel)."""
    f = d.ledger.flows
    ids = set(f.loc[f["announced"] <= str(d.as_of.date()), ["payer", "payee"]].stack())
    names = d.ledger.companies.set_index("id")["name"]
    return sorted(((str(names.get(i, i)), str(i)) for i in ids), key=lambda x: (x[0].lower(), x[1]))


#: a year's mark closer than this many positions to the last one (the dashboard's date, written
#: out) would run into it, so it is left out
_MARK_GAP = 2


def _marks(ends: list[pd.Timestamp]) -> dict[int, str]:
    """The slider's marks: each year end by its year, the last position by its date."""
    last = len(ends) - 1
    marks = {
        i: str(e.year)
        for i, e in enumerate(ends)
        if e.month == 12 and e.day == 31 and last - i >= _MARK_GAP
    }
    marks[last] = str(ends[-1].date())
    return marks


def layout(d: Dashboard, lang: Lang) -> Any:
    """The as-of slider (its date beside it), the amount basis and the company search above the
    map; beside it the cycles, the panel of the company chosen and the layers shown."""
    from dash import dcc, html

    ends = _quarter_ends(d)
    marks = _marks(ends)
    controls = html.Div(
        [
            html.Div(
                [
                    html.Label(
                        [
                            t("flow_asof", lang) + " ",
                            # the position's quarter end (the marks show only the years)
                            html.Strong(str(ends[-1].date()), id="fl-asof-date"),
                        ]
                    ),
                    dcc.Slider(
                        id="fl-asof",
                        min=0,
                        max=len(ends) - 1,
                        step=1,
                        value=len(ends) - 1,
                        marks=marks,
                        updatemode="mouseup",
                        allow_direct_input=False,  # a position number means nothing to a reader
                    ),
                ],
                className="col",
                style={"paddingRight": "2.5rem"},  # room for the last mark, a whole date
            ),
            html.Div(
                [
                    html.Label(t("basis", lang)),
                    dcc.Dropdown(
                        id="fl-basis",
                        options=[{"label": t(f"net_basis_{b}", lang), "value": b} for b in BASES],
                        value="committed",
                        clearable=False,
                    ),
                ],
                style={"width": "180px"},
            ),
            html.Div(
                [
                    html.Label(t("flow_search", lang)),
                    dcc.Dropdown(
                        id="fl-search",
                        options=[{"label": n, "value": i} for n, i in _companies(d)],
                        value=None,
                        searchable=True,
                        placeholder=t("flow_search_hint", lang),
                    ),
                ],
                style={"width": "260px"},
            ),
        ],
        className="row",
    )
    return html.Div(
        [
            html.H2(t("flows", lang)),
            controls,
            html.Div(id="fl-summary"),
            html.Div([_map(lang), _side_panel(d, lang)], className="row"),
        ]
    )


def _map(lang: Lang) -> Any:
    import dash_cytoscape as cyto
    from dash import html

    colors = ", ".join(
        f"{flow_layer_name(k, lang)} ({c[lang]})" for k, c in FLOW_LAYER_COLORS_NAMED.items()
    )
    return html.Div(
        [
            cyto.Cytoscape(
                id="fl-map",
                layout={"name": "preset", "fit": True, "padding": 20},
                style={"width": "100%", "height": "640px"},
                elements=[],
                minZoom=0.2,
                maxZoom=4,
            ),
            html.P(t("click_edge", lang), id="fl-edge"),
            html.P(
                t("edge_legend", lang).format(colors=colors, cycle=CYCLE_COLOR_NAMED[lang]),
                className="small",
                id="fl-legend",
            ),
        ],
        className="col",
    )


def _side_panel(d: Dashboard, lang: Lang) -> Any:
    from dash import dcc, html

    # by the name shown, in the reader's language
    layers = sorted(
        {str(v["layer"]) for v in d.flow_view()["nodes"]}, key=lambda x: layer_name(x, lang)
    )
    return html.Div(
        [
            html.Label(t("cycles", lang)),
            dcc.Dropdown(id="fl-cycle", options=[], value=None),
            html.Div(id="fl-evidence"),
            html.Div(t("click_node", lang), id="fl-panel", style={"marginTop": "1rem"}),
            html.Label(t("layers", lang)),
            dcc.Checklist(
                id="fl-layers",
                options=[
                    {
                        "label": html.Span(
                            layer_name(lay, lang), style={"color": LAYER_COLORS.get(lay, "#333")}
                        ),
                        "value": lay,
                    }
                    for lay in layers
                ],
                value=layers,
            ),
        ],
        className="panel",
    )


def _stylesheet() -> list[dict[str, Any]]:
    sheet: list[dict[str, Any]] = [
        {
            "selector": "node",
            "style": {
                "label": "data(label)",
                "width": "data(size)",
                "height": "data(size)",
                "font-size": 9,
                "background-color": "#999",
            },
        },
        {
            "selector": "edge",
            "style": {
                "width": "data(width)",
                "curve-style": "bezier",
                "target-arrow-shape": "triangle",
                "opacity": 0.55,
                "line-color": "#888",
                "target-arrow-color": "#888",
            },
        },
    ]
    for lay, color in LAYER_COLORS.items():
        sheet.append({"selector": f"node.{lay}", "style": {"background-color": color}})
    for lay, color in FLOW_LAYER_COLORS.items():
        sheet.append(
            {
                "selector": f"edge.{lay}",
                "style": {"line-color": color, "target-arrow-color": color},
            }
        )
    # the cycle chosen: its own colour, no layer's (a red highlight read as credit)
    sheet.append(
        {
            "selector": ".hl",
            "style": {
                "line-color": CYCLE_COLOR,
                "target-arrow-color": CYCLE_COLOR,
                "opacity": 1,
                "border-width": 3,
                "border-color": CYCLE_COLOR,
                "z-index": 10,
            },
        }
    )
    # the company chosen (a click or the search): a thick ring and a larger label
    sheet.append(
        {
            "selector": "node.sel",
            "style": {
                "border-width": 6,
                "border-style": "double",
                "border-color": CYCLE_COLOR,
                "font-size": 14,
                "font-weight": "bold",
                "z-index": 20,
            },
        }
    )
    return sheet


def _cycle_options(
    v: dict[str, Any], cycle: str | None, lang: Lang
) -> tuple[list[dict[str, str]], set[str], set[str]]:
    """The cycles as dropdown options, and the nodes and edges of the one chosen."""
    hl_nodes: set[str] = set()
    hl_edges: set[str] = set()
    options = []
    for c in v["cycles"]:
        key = "→".join(c["nodes"])
        options.append(
            {
                "label": " → ".join(c["names"]) + f" ({num(c['bottleneck'], lang, 1)})",
                "value": key,
            }
        )
        if key == cycle:
            hl_nodes = set(c["nodes"])
            ring = [*c["nodes"], c["nodes"][0]]
            hl_edges = {f"{a}->{b}" for a, b in itertools.pairwise(ring)}
    return options, hl_nodes, hl_edges


def _elements(
    v: dict[str, Any],
    pos: dict[str, tuple[float, float]],
    keep: set[str],
    hl_nodes: set[str],
    hl_edges: set[str],
    chosen: str | None = None,
) -> list[dict[str, Any]]:
    """The map's nodes (sized by money in + out, labelled by name) and edges (width by amount,
    ``payer → payee`` by name) among ``keep``, the chosen cycle highlighted and the ``chosen``
    company marked."""
    top = max((n["strength"] for n in v["nodes"]), default=1.0) or 1.0
    big = max((e["amount"] or 0.0 for e in v["edges"]), default=1.0) or 1.0
    elements: list[dict[str, Any]] = []
    for n in v["nodes"]:
        if n["id"] not in keep:
            continue
        x, y = pos[n["id"]]
        elements.append(
            {
                "data": {
                    "id": n["id"],
                    "label": n["name"],
                    "size": 14 + 46 * math.sqrt(n["strength"] / top),
                },
                # every other node of a column a little to the right: fewer hidden edges
                "position": {"x": 260 * x + 60 * (round(2 * y) % 4 >= 2), "y": 46 * y},
                "classes": n["layer"]
                + (" hl" if n["id"] in hl_nodes else "")
                + (" sel" if n["id"] == chosen else ""),
            }
        )
    names = {n["id"]: n["name"] for n in v["nodes"]}
    for e in v["edges"]:
        if e["source"] not in keep or e["target"] not in keep:
            continue
        amount = e["amount"]
        elements.append(
            {
                "data": {
                    "id": e["id"],
                    "source": e["source"],
                    "target": e["target"],
                    "amount": amount,
                    "width": 1 + 9 * math.sqrt((amount or 0.0) / big),
                    "types": ", ".join(e["types"]),
                    "deal": f"{names[e['source']]} → {names[e['target']]}",
                },
                # an edge of deals in several layers (equity and compute …) is "mixed"
                "classes": (e["flow_layers"][0] if len(e["flow_layers"]) == 1 else "mixed")
                + (" hl" if e["id"] in hl_edges else ""),
            }
        )
    return elements


def _cycle_evidence(split: dict[str, Any], as_of: str, lang: Lang) -> Any:
    """The sentence the report uses on how much of the cycles' amount rests on each source tier
    and how much carries a quote (nothing when no cycle carries an amount)."""
    from dash import html

    text = evidence_sentence(split, lang, t("evidence_cycles", lang))
    if not text:
        return None
    attrs: dict[str, Any] = {"data-asof": as_of}
    return html.P(text, id="fl-evidence-text", className="small evidence", **attrs)


def _data(**attrs: Any) -> dict[str, Any]:
    """``data-*`` attributes of a component (``data_asof=…`` → ``data-asof``), read by tests."""
    return {k.replace("_", "-"): v for k, v in attrs.items()}


def _company_panel(c: dict[str, Any], lang: Lang) -> Any:
    """One company: layer and date, in- and outflow, concentration, self-funded share and what
    its inflows rest on, payers and payees."""
    from dash import html

    payers = pd.DataFrame(
        [
            {
                t("company", lang): p["name"],
                t("amount", lang): num(p["amount"], lang, 1),
                t("share", lang): pct(p["share"], lang),
            }
            for p in c["payers"]
        ]
    )
    payees = pd.DataFrame(
        [
            {t("company", lang): p["name"], t("amount", lang): num(p["amount"], lang, 1)}
            for p in c["payees"]
        ]
    )
    return html.Div(
        [
            html.H3(c["name"], id="fl-panel-name"),
            html.P(
                f"{layer_name(c['layer'], lang)} · {t('as_of', lang)} {c['as_of']}",
                className="small",
                id="fl-panel-asof",
                **{"data-asof": c["as_of"]},
            ),
            html.P(
                f"{t('inflow', lang)} {num(c['in_strength'], lang)} · "
                f"{t('outflow', lang)} {num(c['out_strength'], lang)} "
                f"({UNIT_NAMES['USD bn'][lang]})",
                id="fl-panel-totals",
                **_data(data_in=repr(c["in_strength"]), data_out=repr(c["out_strength"])),
            ),
            html.P(
                f"{t('hhi', lang)}: {num(c['hhi'], lang, 2)}; {t('largest', lang)}: "
                f"{c['largest_name'] or '–'} ({pct(c['largest_share'], lang)})"
            ),
            html.P(
                f"{t('self_funded', lang)}: {pct(c['self_funded_share'], lang)} ("
                + t("direct_via", lang).format(
                    d=pct(c["self_funded_direct"], lang), v=pct(c["self_funded_via"], lang)
                )
                + ")",
                id="fl-panel-selffunded",
            ),
            # what the inflows (the base of the self-funded share) rest on, as the report's
            # dependence table
            html.P(
                f"{t('inflows_rest_on', lang)}: {tier_mix(c['inflows_evidence'], lang) or '–'}",
                id="fl-panel-evidence",
                className="small evidence",
                **{"data-asof": c["as_of"]},
            ),
            html.H4(t("payers", lang)),
            html_table(payers, "fl-payers") if len(payers) else html.P("–"),
            html.H4(t("payees", lang)),
            html_table(payees, "fl-payees") if len(payees) else html.P("–"),
        ]
    )


def _not_in_force(d: Dashboard, node: str, day: str, basis: Basis, lang: Lang) -> Any:
    """The panel of a company of the ledger that has no deal in force on ``day`` (the slider
    moved before its first deal or after its last); an id the ledger does not know is the
    service's error."""
    from dash import html

    names = d.ledger.companies.set_index("id")["name"]
    if node not in names.index:
        d.company(node, day, basis)  # raises: "`company` '…' has no flow in force on …"
    return html.Div(
        [
            html.H3(str(names[node]), id="fl-panel-name"),
            html.P(
                t("not_in_force", lang).format(name=str(names[node]), date=day),
                id="fl-panel-none",
                **_data(data_asof=day),
            ),
        ]
    )


def _edge_rule() -> rule.Rule:
    """A clicked map edge: ``{"source": text, "target": text, ...}`` or nothing; gives the
    (payer, payee) pair."""

    def convert(value: Any) -> tuple[str, str] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise TypeError
        payer, payee = value.get("source"), value.get("target")
        if not isinstance(payer, str) or not isinstance(payee, str):
            raise TypeError
        if max(len(payer), len(payee)) > rule.MAX_TEXT:
            raise ValueError
        return payer, payee

    return rule.Rule("deal", "a map edge ({source: text, target: text})", convert)


def _edge_line(d: Dashboard, pair: tuple[str, str], day: str, basis: Basis, lang: Lang) -> Any:
    """The deals between a payer and a payee on ``day``: "payer → payee" by name, how many, their
    flow layers by name and the amount on the basis."""
    from dash import html

    names = d.ledger.companies.set_index("id")["name"]
    deal = " → ".join(str(names.get(x, x)) for x in pair)
    found = [e for e in d.flow_view(day, basis)["edges"] if (e["source"], e["target"]) == pair]
    if not found:
        text = t("edge_none", lang).format(deal=deal, date=day)
    else:
        e = found[0]
        text = t("edge_deals", lang).format(
            deal=deal,
            n=len(e["flow_ids"]),
            date=day,
            layers=", ".join(flow_layer_name(x, lang) for x in e["flow_layers"]),
            amount=num(e["amount"], lang),
            basis=t(f"net_basis_{basis}", lang),
        )
    return html.Span(text, id="fl-edge-text", **_data(data_asof=day, data_deal="->".join(pair)))


def register(app: Any, d: Dashboard, jobs: Jobs) -> None:
    """The map redrawn on a change of date, basis, layers, cycle or company; a click on a
    company chooses it in the search box; the panel shows the company chosen on the slider's
    date and basis."""
    from dash import Input, Output, State

    del jobs  # the map is quick: no background job
    # the as-of slider's positions, on the server: the page sends an index into them
    dates = [str(e.date()) for e in _quarter_ends(d)]
    asof = rule.integer("as_of position", 0, len(dates) - 1)
    company = rule.text("company", optional=True)

    @app.callback(
        Output("fl-map", "elements"),
        Output("fl-map", "stylesheet"),
        Output("fl-summary", "children"),
        Output("fl-cycle", "options"),
        Input("fl-asof", "value"),
        Input("fl-basis", "value"),
        Input("fl-layers", "value"),
        Input("fl-cycle", "value"),
        Input("fl-search", "value"),
        State("lang", "value"),
    )
    @rule.checked(asof, rule.choice("basis", BASES), rule.text_list("layers"),
                  rule.text("cycle", optional=True), company, rule.lang())  # fmt: skip
    def draw(i: int, basis: Basis, layers: list[str], cycle: str | None, chosen: str | None,
             lang: Lang) -> Any:  # fmt: skip
        from dash import html

        day = dates[i]
        v = d.flow_view(day, basis)
        pos = flow_layout(d.flow_graph(day, basis))
        keep = {n["id"] for n in v["nodes"] if n["layer"] in set(layers or [])}
        options, hl_nodes, hl_edges = _cycle_options(v, cycle, lang)
        summary = html.P(
            t("flow_summary", lang).format(
                deals=v["deals"],
                date=v["as_of"],
                nodes=len(v["nodes"]),
                ci=num(v["system_cycling_index"], lang, 3),
            ),
            id="fl-summary-text",
            **{"data-deals": str(v["deals"]), "data-asof": v["as_of"]},
        )
        elements = _elements(v, pos, keep, hl_nodes, hl_edges, chosen)
        return elements, _stylesheet(), summary, options

    @app.callback(
        Output("fl-asof-date", "children"),
        Input("fl-asof", "value"),
        prevent_initial_call=True,
    )
    @rule.checked(asof)
    def show_date(i: int) -> str:
        return dates[i]

    @app.callback(
        Output("fl-evidence", "children"),
        Input("fl-asof", "value"),
        Input("fl-basis", "value"),
        State("lang", "value"),
    )
    @rule.checked(asof, rule.choice("basis", BASES), rule.lang())
    def evidence(i: int, basis: Basis, lang: Lang) -> Any:
        day = dates[i]
        return _cycle_evidence(d.cycle_evidence(day, basis), d.flow_view(day, basis)["as_of"], lang)

    @app.callback(
        Output("fl-search", "value"),
        Input("fl-map", "tapNodeData"),
        prevent_initial_call=True,
    )
    @rule.checked(rule.node("company"))
    def choose(node: str | None) -> Any:
        from dash import no_update

        return node if node else no_update

    @app.callback(
        Output("fl-edge", "children"),
        Input("fl-map", "tapEdgeData"),
        Input("fl-asof", "value"),
        Input("fl-basis", "value"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    @rule.checked(_edge_rule(), asof, rule.choice("basis", BASES), rule.lang())
    def edge(pair: tuple[str, str] | None, i: int, basis: Basis, lang: Lang) -> Any:
        if pair is None:
            return t("click_edge", lang)
        return _edge_line(d, pair, dates[i], basis, lang)

    @app.callback(
        Output("fl-panel", "children"),
        Input("fl-search", "value"),
        Input("fl-asof", "value"),
        Input("fl-basis", "value"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    @rule.checked(company, asof, rule.choice("basis", BASES), rule.lang())
    def panel(node: str | None, i: int, basis: Basis, lang: Lang) -> Any:
        if not node:
            return t("click_node", lang)
        day = dates[i]
        if node not in d.flow_graph(day, basis):
            return _not_in_force(d, node, day, basis, lang)
        return _company_panel(d.company(node, day, basis), lang)
