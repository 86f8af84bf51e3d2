"""The report's stress-test section: the built-in scenarios and their index impact."""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from aiinfra.charts import CATEGORY_NAMES, LABELS, esc, evidence_sentence, label
from aiinfra.config import Lang
from aiinfra.ledger import Ledger

__all__ = ["scenario_description", "scenario_name", "stress_html"]

#: the companies shown per scenario (largest loss first)
TOP = 8
#: draws of the horizon Monte Carlo per scenario (terms of the deals that state none)
HORIZON_DRAWS = 500


def stress_html(
    ledger: Ledger,
    as_of: pd.Timestamp,
    lang: Lang,
    charts: list[str],
    fig_html: Any,
    table: Any,
    fmt: Any,
    weights: pd.Series | None = None,
    weights_label: str = "",
) -> str:
    """The stress section: one table per built-in scenario and a chart of index impact.

    ``weights`` are the report's index weights; without them the house-view weights are used and
    labelled. Empty string when no built-in scenario can run on the ledger.
    """
    import plotly.graph_objects as go

    from aiinfra.exceptions import AiinfraError
    from aiinfra.stress import builtin_scenarios, load_scenario, stress

    def L(k: str) -> str:
        return label(k, lang)

    results = []
    for name in builtin_scenarios():
        try:
            results.append(
                stress(
                    ledger,
                    name,
                    as_of=as_of,
                    weights=None
                    if weights is None
                    else {str(k): float(v) for k, v in weights.items()},
                    horizon_draws=HORIZON_DRAWS if load_scenario(name).basis == "annualised" else 0,
                )
            )
        except AiinfraError:
            continue
    if not results:
        return ""
    out = [f'<section id="stress"><h2>{L("stress")}</h2><p class="small">{L("stress_intro")}</p>']
    src = weights_label if weights is not None else results[0].index["weights_source"]
    out.append(f'<p class="small">{L("stress_weights")}: {html.escape(str(src))}</p>')
    summary = pd.DataFrame(
        [
            {
                L("scenario"): scenario_name(r.scenario, lang),
                L("description"): scenario_description(r.scenario, lang),
                L("rounds"): r.rounds,
                L("total_loss"): fmt.num(float(r.companies["loss_usd"].sum()), 1),
                L("index_impact"): fmt.pct(r.index["impact"]),
                f"{L('total_loss')}: {L('terms_range')}": _range(r, "total", fmt),
                f"{L('index_impact')}: {L('terms_range')}": _range(r, "index_impact", fmt),
                L("unresolved"): int(r.companies["unresolved"].sum()),
            }
            for r in results
        ]
    )
    out.append(table(summary))
    cats = sorted({c for r in results for c in r.index["by_category"]})
    fig = go.Figure()
    for r in results:
        fig.add_trace(
            go.Bar(
                name=esc(scenario_name(r.scenario, lang)),
                x=[esc(CATEGORY_NAMES.get(c, {}).get(lang, c)) for c in cats],
                y=[100 * r.index["by_category"].get(c, 0.0) for c in cats],
            )
        )
    fig.update_layout(
        barmode="group",
        title=L("stress_chart"),
        yaxis_title="%",
        height=380,
        margin={"l": 50, "r": 20, "t": 50, "b": 80},
    )
    out.append(fig_html(fig))
    charts.append("stress_by_category")
    for r in results:
        top = r.companies.head(TOP)
        frame = pd.DataFrame(
            {
                L("company"): top["name"],
                L("ticker"): [t if isinstance(t, str) else "–" for t in top["ticker"]],
                L("loss_usd"): [fmt.num(x, 2) for x in top["loss_usd"]],
                L("round_hit"): top["round_hit"],
                L("share_of_revenue"): [
                    fmt.pct(x) if isinstance(x, float) and math.isfinite(x) else "–"
                    for x in top["share_of_revenue"]
                ],
                L("equity_shock"): [
                    fmt.pct(x) if isinstance(x, float) and math.isfinite(x) else "–"
                    for x in top["equity_shock"]
                ],
                L("unresolved"): [L("yes") if u else "" for u in top["unresolved"]],
            }
        )
        name, what = scenario_name(r.scenario, lang), scenario_description(r.scenario, lang)
        out.append(f"<h3>{html.escape(name)}: {html.escape(what)}</h3>")
        out.append(table(frame))
        out.append(_credit_html(r, lang, fmt))
        ev = evidence_sentence(r.evidence, lang)
        if ev:
            out.append(f'<p class="small evidence">{html.escape(ev)}</p>')
    out.append("</section>")
    return "".join(out)


def scenario_name(scenario: Any, lang: Lang) -> str:
    """A built-in scenario's name in words (``lab_default`` → "A model lab defaults"); a user's
    scenario by its own name."""
    key = f"scenario:{scenario.name}"
    return label(key, lang) if key in LABELS else str(scenario.name)


def scenario_description(scenario: Any, lang: Lang) -> str:
    """A built-in scenario's description in the reader's language; a user's as written."""
    key = f"scenario_desc:{scenario.name}"
    return label(key, lang) if key in LABELS else str(scenario.description)


def _names(frame: pd.DataFrame) -> str:
    col = "name" if "name" in frame.columns else "node"
    return ", ".join(str(x) for x in frame[col])


def _credit_html(r: Any, lang: Lang, fmt: Any) -> str:
    """The credit layer in a sentence (who defaults in the scenario, by name; what lenders lose
    beyond the baseline; who could not cover its loans even without it), with the engine's
    status and notes folded under it (escaped)."""
    c = r.credit
    parts = []
    need = {"default", "default_baseline", "creditor_loss_added"}
    if isinstance(c, pd.DataFrame) and not c.empty and need <= set(c.columns):
        new = c[c["default"].astype(bool) & ~c["default_baseline"].astype(bool)]
        base = c[c["default_baseline"].astype(bool)]
        added = float(c["creditor_loss_added"].sum())
        if len(new):
            parts.append(
                label("credit_defaults", lang).format(names=_names(new), loss=fmt.num(added, 1))
            )
        else:
            parts.append(label("credit_no_defaults", lang))
        if len(base):
            parts.append(label("credit_baseline", lang).format(names=_names(base)))
    detail = "; ".join(str(x) for x in [r.credit_status, *r.notes] if x)
    text = " ".join(parts)
    more = ""
    if detail:
        more = (
            f'<details class="engine"><summary>{label("engine_detail", lang)}</summary>'
            f'<p class="small">{html.escape(detail)}</p></details>'
        )
    return f'<div class="small credit"><p>{html.escape(text)}</p>{more}</div>'


def _range(r: Any, what: str, fmt: Any) -> str:
    """The 5th–95th percentile of the horizon Monte Carlo, "–" without one."""
    h = r.horizons
    if h is None:
        return "–"
    q = getattr(h, what)
    if what == "total":
        return f"{fmt.num(q['p05'], 1)} – {fmt.num(q['p95'], 1)}"
    return f"{fmt.pct(q['p05'])} – {fmt.pct(q['p95'])}"
