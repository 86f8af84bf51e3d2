"""The report's "What changed" section (issue 16, part 4): the four tables of a diff."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from aiinfra.charts import diff_tables, label
from aiinfra.config import Lang

__all__ = ["diff_html"]


def diff_html(result: Any, lang: Lang, table: Any, names: Mapping[str, str] | None = None) -> str:
    """The section: the two dates, then one compact table per part (deals, cycles, index,
    gap and stress) in words (companies by ``names``: id → name, the headers with their dates;
    :func:`aiinfra.charts.diff_tables`) with the full frame behind its CSV link, and the notes
    folded.

    ``result`` is a :class:`aiinfra.services.diff.DiffResult` (``date1``, ``date2``,
    ``to_frames()``, ``notes``).
    """
    frames = result.to_frames()
    intro = label("diff_intro", lang).format(d1=result.date1.date(), d2=result.date2.date())
    out = [f'<section id="diff"><h2>{label("diff", lang)}</h2>']
    out.append(f'<p class="small">{html.escape(intro)}</p>')
    dates = (str(result.date1.date()), str(result.date2.date()))
    shown_parts = diff_tables(frames, lang, names=dict(names or {}), dates=dates)
    for part, shown in shown_parts.items():
        out.append(f"<h3>{html.escape(label('diff_' + part, lang))}</h3>")
        if shown.empty:
            out.append(f'<p class="small">{html.escape(label("diff_none", lang))}</p>')
        out.append(table(shown, f"diff-{part}", csv=frames[part]))
    if result.notes:  # the engine's notes (what could not be compared), folded
        notes = "".join(f"<li>{html.escape(str(n))}</li>" for n in result.notes)
        out.append(
            f'<details class="engine"><summary>{label("engine_detail", lang)}</summary>'
            f'<ul class="small">{notes}</ul></details>'
        )
    out.append("</section>")
    return "".join(out)
