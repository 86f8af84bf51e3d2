"""The report's "Circularity over time" section (issue 16, part 2)."""

from __future__ import annotations

import html
from typing import Any

from aiinfra.charts import (
    LABELS,
    history_figure,
    history_self_funded_table,
    history_table,
    label,
)
from aiinfra.config import Lang

__all__ = ["history_html"]

#: the notes of :func:`aiinfra.services.report_sections.report_history` the report words itself
_NOTES = {"no index backtest with prices: the drawdowns are left out": "hist_no_backtest"}


def _note(note: str, lang: Lang) -> str:
    """A note of the history view in the reader's language (a note not known here unchanged)."""
    key = _NOTES.get(note)
    return note if key is None else label(key, lang)


def history_html(view: Any, lang: Lang, charts: list[str], fig_html: Any, table: Any) -> str:
    """The section: what was replayed, the chart of the cycling index and the cycle volume
    (with the drawdowns of the index and of the benchmark when the view has them) and the
    table with the p-value per period end, then the self-funded revenue shares of the tracked
    companies.

    ``view`` is a :class:`aiinfra.services.flows_history.HistoryView` (its ``to_frame()``,
    ``benchmark``, ``history`` and ``notes``); empty string when it has no dates.
    """
    frame = view.to_frame()
    if frame.empty:
        return ""
    h = view.history
    both = "p_value_role" in frame.columns
    basis_key = f"net_basis_{h.basis}"
    basis = label(basis_key, lang) if basis_key in LABELS else h.basis
    intro = label("hist_intro_both" if both else "hist_intro", lang).format(
        start=h.start.date(), basis=basis, samples=h.samples, seed=h.seed
    )
    out = [f'<section id="history"><h2>{label("history", lang)}</h2>']
    out.append(f'<p class="small">{html.escape(intro)}</p>')
    out.append(fig_html(history_figure(frame, lang, view.benchmark)))
    charts.append("history")
    for n in view.notes:
        out.append(f'<p class="small">{html.escape(_note(str(n), lang))}</p>')
    csv = frame.reset_index()
    csv["date"] = csv["date"].dt.date.astype(str)
    out.append(table(history_table(frame, lang, view.benchmark), "history", csv=csv))
    shares = history_self_funded_table(frame, h.top, lang)
    if not shares.empty:
        out.append(f"<h3>{html.escape(label('hist_self_funded', lang))}</h3>")
        keep = ["date", *[c for c in csv.columns if str(c).startswith("self_funded_")]]
        out.append(table(shares, "history-self-funded", csv=csv[keep]))
    out.append("</section>")
    return "".join(out)
