"""The overview (``/``): headline cards, each with its as-of date and source."""

from __future__ import annotations

from typing import Any

import pandas as pd

from aiinfra.charts import key_buildout_label, levels_figure
from aiinfra.config import Lang
from aiinfra.services.dashboard import Dashboard
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages._common import card, error_card, graph, html_table, is_nan, num, pct

__all__ = ["layout", "register"]


def _buildout_rows(rows: list[dict[str, Any]], lang: Lang) -> pd.DataFrame:
    """The report's page-one build-out rows: names and units in words, the latest figure known
    on the date with its kind and sources, disagreeing sources as a range."""

    def amount(r: dict[str, Any], which: str) -> str:
        v, lo, hi = r[f"{which}_value"], r[f"{which}_low"], r[f"{which}_high"]
        ids = r.get(f"{which}_ids") or []
        rlo, rhi = r.get(f"{which}_range_low"), r.get(f"{which}_range_high")
        if len(ids) > 1 and not is_nan(rlo) and not is_nan(rhi) and rlo != rhi:
            text = f"{num(rlo, lang, 0)}–{num(rhi, lang, 0)} ({t('sources_disagree_short', lang)})"
        elif not is_nan(v):
            text = num(v, lang, 0)
        elif not is_nan(lo) and not is_nan(hi):
            text = f"{num(lo, lang, 0)}–{num(hi, lang, 0)}"
        else:
            return "–"
        periods = r.get(f"{which}_periods") or [r[f"{which}_period"]]
        kinds = r.get(f"{which}_kinds") or [r[f"{which}_kind"]]
        return (
            f"{text} ({' / '.join(map(str, periods))}, "
            f"{' / '.join(t(str(k), lang) for k in kinds)})"
        )

    out = []
    for r in rows:
        what, unit = key_buildout_label(r, lang)
        reported = [f"{i}: {src}" for i, src in r.get("reported_sources") or []]
        outlook = [str(r["outlook_id"])] if not is_nan(r.get("outlook_id")) else []
        out.append(
            {
                t("series", lang): what,
                t("unit", lang): unit,
                t("reported", lang): amount(r, "reported"),
                t("outlook", lang): amount(r, "outlook"),
                t("source", lang): "; ".join(reported + outlook) or "–",
            }
        )
    return pd.DataFrame(out)


def layout(d: Dashboard, lang: Lang) -> Any:
    """The index against its benchmarks, the build-out headline figures, the ROI gap this year
    and the circularity of the deals in force; a card that cannot be filled says why."""
    from dash import html

    cards = d.overview()
    out = []
    ix, bo, gp, ci = (cards[k] for k in ("index", "buildout", "gap", "circularity"))
    if d.no_prices_kind is not None:  # said in the reader's language above every page
        why = t(f"no_prices:{d.no_prices_kind}", lang).format(where=d.no_prices_where)
        out.append(error_card(t("index_vs", lang), why))
    elif "error" in ix:
        out.append(error_card(t("index_vs", lang), t("no_index", lang).format(why=ix["error"])))
    else:
        fig = levels_figure(ix["levels"], lang)
        fig.update_layout(
            height=320, title=None, margin={"t": 10}, legend={"orientation": "h", "y": -0.15}
        )
        bench = ", ".join(f"{k} {pct(v, lang)}" for k, v in ix["benchmarks"].items())
        total = t("total_since", lang).format(
            start=ix["start"], end=ix["end"], gtr=pct(ix["gtr_total_return"], lang), bench=bench
        )
        pit = [] if ix["point_in_time"] else [html.P(t("not_pit", lang), className="label")]
        body = [*pit, graph(fig, "ov-levels"), html.P(total)]
        out.append(card("ov-index", t("index_vs", lang), body, ix["end"], ix["source"], lang))
    if "error" in bo:
        out.append(error_card(t("key_buildout", lang), bo["error"]))
    else:
        table = html_table(_buildout_rows(bo["rows"], lang), "ov-buildout-table")
        date, src = str(d.as_of.date()), "figures.csv (ids above)"
        out.append(
            card("ov-buildout", t("key_buildout", lang), [table], date, src, lang, wide=True)
        )
    if "error" in gp:
        out.append(error_card(t("gap_page", lang), gp["error"]))
    else:
        text = t("gap_card_text", lang).format(
            req=num(gp["required"], lang, 0),
            rev=num(gp["revenue"], lang, 0),
            cov=pct(gp["coverage"], lang),
        )
        title = t("gap_card", lang).format(year=gp["year"])
        body = [html.P(text, id="ov-gap-text")]
        out.append(card("ov-gap", title, body, gp["as_of"], gp["source"], lang))
    if "error" in ci:
        out.append(error_card(t("circ_card", lang), ci["error"]))
    else:
        text = t("circ_card_text", lang).format(ci=num(ci["system"], lang, 3), deals=ci["deals"])
        body = [html.P(text, id="ov-circ-text")]
        out.append(card("ov-circ", t("circ_card", lang), body, ci["as_of"], ci["source"], lang))
    return html.Div([html.H2(t("overview", lang)), html.Div(out, className="cards")])


def register(app: Any, d: Dashboard, jobs: Jobs) -> None:
    """The overview has no controls: nothing to register."""
    del app, d, jobs
