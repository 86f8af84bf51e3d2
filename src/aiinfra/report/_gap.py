"""The report's ROI-gap section: required vs earned by year with bands, and a tornado chart."""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from aiinfra.charts import LABELS, figures_evidence_sentence, gap_figure, label, tornado_figure
from aiinfra.config import Lang
from aiinfra.ledger import Ledger

__all__ = ["gap_html"]

#: Monte Carlo samples behind the report's percentile columns (seeded, reproducible)
SAMPLES = 100_000


def gap_html(
    ledger: Ledger,
    as_of: pd.Timestamp,
    lang: Lang,
    charts: list[str],
    fig_html: Any,
    table: Any,
    fmt: Any,
) -> str:
    """The ROI-gap section (empty string when the ledger cannot size the gap)."""
    from aiinfra.exceptions import AiinfraError
    from aiinfra.roi_gap import gap

    def L(k: str) -> str:
        return label(k, lang)

    try:
        r = gap(ledger, None, as_of=as_of, samples=SAMPLES, seed=0)
    except AiinfraError:
        try:
            r = gap(ledger, None, as_of=as_of)
        except AiinfraError:
            return ""
    t = r.years
    out = [f'<section id="gap"><h2>{L("gap")}</h2><p class="small">{L("gap_intro")}</p>']
    out.append(fig_html(gap_figure(r, lang)))
    charts.append("gap_by_year")
    base = r.row()["gap"]
    if base is not None and math.isfinite(float(base)):  # no AI revenue that year: no gap
        out.append(fig_html(tornado_figure(r, lang)))
        charts.append("gap_tornado")

    def n(v: Any) -> str:
        missing = v is None or (isinstance(v, float) and not math.isfinite(v))
        return "–" if missing else str(fmt.num(v, 0))

    def band(rec: Any, col: str) -> str:
        if n(rec[col]) == "–":
            return "–"
        return f"{n(rec[col])} ({n(rec[col + '_low'])}–{n(rec[col + '_high'])})"

    rows = []
    mc = r.montecarlo.summary if r.montecarlo is not None else None
    for y, rec in t.iterrows():
        cov = rec["coverage"]
        row = {
            L("year"): y,
            L("capex"): n(rec["capex"]),
            L("required"): band(rec, "required"),
            L("ai_revenue"): band(rec, "revenue"),
            L("coverage"): fmt.pct(cov) if math.isfinite(cov) else "–",
            L("revenue_kind"): _kind_text(rec["revenue_kind"], lang),
        }
        row[L("gap_gross")] = n(rec["gap"])
        s = rec["circular_share"]
        row[L("circular_share")] = fmt.pct(s) if math.isfinite(s) else "–"
        row[L("net_revenue")] = band(rec, "net_revenue")
        row[L("net_gap")] = n(rec["net_gap"])
        net_cov = rec["net_coverage"]
        row[L("net_coverage")] = fmt.pct(net_cov) if math.isfinite(net_cov) else "–"
        if mc is not None and y in mc.index:
            lo, hi = n(mc.at[y, "gap_p5"]), n(mc.at[y, "gap_p95"])
            row[L("gap_mc")] = "–" if "–" in (lo, hi) else f"{lo}–{hi}"
            lo, hi = n(mc.at[y, "net_gap_p5"]), n(mc.at[y, "net_gap_p95"])
            row[L("net_gap_mc")] = "–" if "–" in (lo, hi) else f"{lo}–{hi}"
        rows.append(row)
    out.append(table(pd.DataFrame(rows)))
    net = _net_text(r, ledger, lang, fmt)
    if net:
        out.append(f"<p>{html.escape(net)}</p>")
    g = r.growth
    if "needed_cagr" in g and math.isfinite(g["needed_cagr"]):
        text = L("growth_needed").format(
            a=g["from_year"], b=g["target_year"], needed=fmt.pct(g["needed_cagr"])
        )
        if "forecast_cagr" in g:  # only a forecast of the series' own definition
            text += " " + L("growth_forecast").format(
                value=n(g["forecast"]["value"]),
                year=g["forecast"]["year"],
                id=g["forecast"].get("id", ""),
                implied=fmt.pct(g["forecast_cagr"]),
            )
        elif "forecast_note" in g:
            text += " " + L("growth_no_forecast")
        out.append(f"<p>{html.escape(text)}</p>")
    if r.notes:  # the engine's notes on the method, folded (they are written in English)
        out.append(
            f'<details class="engine"><summary>{L("gap_method_notes")}</summary>'
            f'<p class="small">{html.escape("; ".join(r.notes))}</p></details>'
        )
    ev = figures_evidence_sentence(r.evidence, r.year, lang)
    if ev:
        out.append(f'<p class="small evidence">{html.escape(ev)}</p>')
    out.append("</section>")
    return "".join(out)


def _kind_text(kind: Any, lang: Lang) -> str:
    """The basis of a year's AI revenue in words (``interpolated`` → "interpoliert")."""
    if kind is None or (isinstance(kind, float) and math.isnan(kind)) or kind == "":
        return "–"
    key = f"revenue_kind:{kind}"
    return label(key, lang) if key in LABELS else str(kind)


def _net_text(r: Any, ledger: Ledger, lang: Lang, fmt: Any) -> str:
    """The detail year's gap net of circularity in a sentence or two (empty without ``s``)."""
    rec = r.row()
    s = rec.get("circular_share")
    if s is None:
        return ""
    detail = r.circularity.get("graphs", {}).get(rec["circular_as_of"], {})
    names = ledger.companies.set_index("id")["name"]
    funders = ", ".join(
        f"{names.get(f['funder'], f['funder'])} {fmt.num(f['circular'], 1)}"
        for f in detail.get("by_funder", [])
    )
    basis = str(r.circularity.get("basis", ""))
    text = label("gap_net_text", lang).format(
        year=rec["year"],
        s=fmt.pct(s),
        paid=fmt.num(rec["circular_paid"], 0),
        basis=label(f"net_basis_{basis}", lang),
        date=rec["circular_as_of"],
        funders=funders or "–",
        net=fmt.num(rec["net_revenue"], 0),
        net_gap=fmt.num(rec["net_gap"], 0),
        gap=fmt.num(rec["gap"], 0),
    )
    mc = r.montecarlo.summary if r.montecarlo is not None else None
    if mc is not None and rec["year"] in mc.index:
        m = mc.loc[rec["year"]]
        if math.isfinite(m["net_gap_p5"]):
            text += " " + label("gap_net_mc", lang).format(
                draws=fmt.num(r.circularity.get("draws", 0), 0),
                lo=fmt.pct(m["circular_share_p5"]),
                hi=fmt.pct(m["circular_share_p95"]),
                glo=fmt.num(m["net_gap_p5"], 0),
                ghi=fmt.num(m["net_gap_p95"], 0),
            )
    return text
