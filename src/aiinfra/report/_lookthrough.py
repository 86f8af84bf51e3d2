"""The report's look-through section (issue 16, part 1): one fund per ``--holdings`` file."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from aiinfra.charts import label, lookthrough_tables
from aiinfra.config import Lang

__all__ = ["lookthrough_html"]


def lookthrough_html(results: Sequence[Any], lang: Lang, table: Any) -> str:
    """The section: for each :class:`aiinfra.lookthrough.LookThrough`, the headline measures
    (overlap, active share, cycle weight, self-funded share), the category mix, the loss under
    each stress scenario (by name) and the lines that map to no ledger company, headings and
    reasons in the reader's language; the engine's notes folded. The file's text (names,
    tickers, the file name) is escaped like all ledger text."""
    if not results:
        return ""
    out = [f'<section id="lookthrough"><h2>{label("lookthrough", lang)}</h2>']
    for i, r in enumerate(results):
        t = lookthrough_tables(r, lang)
        out.append(
            f"<h3>{html.escape(label('lt_fund', lang))}: {html.escape(str(r.fund))} "
            f"({html.escape(str(r.as_of))})</h3>"
        )
        out.append(table(t["summary"], f"lt-summary-{i}", csv=r.summary()))
        out.append(f"<h4>{html.escape(label('lt_categories', lang))}</h4>")
        out.append(table(t["categories"], f"lt-categories-{i}", csv=r.categories))
        out.append(f"<h4>{html.escape(label('lt_stress', lang))}</h4>")
        out.append(table(t["stress"], f"lt-stress-{i}", csv=r.stress))
        out.append(f"<h4>{html.escape(label('lt_unmapped', lang))}</h4>")
        out.append(table(t["unmapped"], f"lt-unmapped-{i}", csv=r.unmapped))
        if r.notes:  # the engine's notes (English), folded
            notes = "".join(f"<li>{html.escape(str(n))}</li>" for n in r.notes)
            out.append(
                f'<details class="engine"><summary>{label("engine_detail", lang)}</summary>'
                f'<ul class="small">{notes}</ul></details>'
            )
    out.append("</section>")
    return "".join(out)
