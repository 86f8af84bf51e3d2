"""The sources (``/sources``): every source behind the pages, filterable and sortable, as an
analyst reads them: deals as "payer → payee", companies by name, seed articles by title, web
addresses as links (issue 18)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from aiinfra.config import Lang
from aiinfra.services.dashboard import Dashboard
from aiinfra.services.ledger import source_parts
from aiinfra.web._i18n import t
from aiinfra.web._jobs import Jobs
from aiinfra.web.pages._common import csv_link

__all__ = [
    "SHOWN",
    "layout",
    "link_text",
    "md_text",
    "md_url",
    "register",
    "source_markdown",
    "table",
]

#: the columns shown, in order (the ids last; the ledger's raw cell is only the links' input)
SHOWN = ("what", "item", "date", "source", "id")
#: the characters markdown (dash's remarkable) reads anywhere in a line: escapes, code,
#: emphasis, links and images, autolinks ``<…>``, entities ``&…;``, ``~~del~~``, ``==mark==``,
#: ``++ins++``, ``^sup^``, table pipes; each is written with a backslash, which shows it as
#: itself. Others (``. / : -``) stay as they are, so the table's filter finds "sec.gov".
_INLINE = re.compile(r"([\\`*_\[\]()<>!&~=+^|#{}$])")
#: what markdown reads only at the start of a line: headings, quotes, lists, rules
_LINE_START = re.compile(r"^(\d{1,9}(?=[.)])|)([-+*#>=_.)])")
#: what stays unescaped in a link's address (RFC 3986 without the characters markdown reads in
#: a link: parentheses, brackets, angle brackets, quotes, backslash, spaces)
_URL_SAFE = ":/?#@!$&*+,;=%-._~"


def md_text(text: str) -> str:
    """``text`` as markdown that shows it literally: the characters markdown reads escaped and
    line breaks as spaces (ledger text is data: ``[x](javascript:…)`` or ``<img onerror>`` is
    shown as written, never as a link or markup).

    >>> print(md_text("[x](javascript:alert(1))"))
    \\[x\\]\\(javascript:alert\\(1\\)\\)
    >>> print(md_text("1. item"), md_text("- item"))
    1\\. item \\- item
    """
    one_line = " ".join(str(text).split())
    return _LINE_START.sub(r"\1\\\2", _INLINE.sub(r"\\\1", one_line), count=1)


def link_text(url: str) -> str:
    """What a web address shows as a link: its host, with "/…" when it has a path.

    >>> link_text("https://www.sec.gov/Archives/x.htm"), link_text("https://a.example")
    ('www.sec.gov/…', 'a.example')
    """
    parts = urlsplit(url)
    rest = (parts.path.strip("/") or "") + parts.query + parts.fragment
    return (parts.netloc or url) + ("/…" if rest else "")


def md_url(url: str) -> str:
    """An http(s) address as a markdown link destination: the characters markdown would read
    (``()[]<>"'\\`` and spaces) percent-encoded.

    >>> md_url("https://a.example/x_(y)?q=<b>")
    'https://a.example/x_%28y%29?q=%3Cb%3E'
    """
    return quote(url, safe=_URL_SAFE)


def source_markdown(cell: object) -> str:
    """A ledger ``source`` cell as the markdown of a table cell: web addresses (only
    ``http``/``https``, :func:`aiinfra.ledger.source_parts`) as links showing their host,
    seed articles by title, everything else as written; parts separated by `` | ``."""
    out = []
    for part in source_parts(cell):
        if part.kind == "url":
            out.append(f"[{md_text(link_text(part.url))}]({md_url(part.url)})")
        else:
            out.append(md_text(part.text))
    return " \\| ".join(out)


def table(d: Dashboard, lang: Lang) -> tuple[list[dict[Any, Any]], Any]:
    """The rows the table shows (the ``source`` column as markdown, the kinds and the gap's
    parameters in the reader's language) and the frame the CSV downloads (the same rows with
    the plain source text and the ids, headed in the reader's language)."""
    frame = d.sources(lang).copy()
    params = frame["what"] == "gap parameter"
    frame.loc[params, "item"] = [t(f"param:{p}", lang) for p in frame.loc[params, "id"]]
    frame["what"] = [t(f"src_what:{w}", lang) for w in frame["what"]]
    shown = frame[list(SHOWN)].copy()
    shown["source"] = [source_markdown(c) for c in frame["source_cell"]]
    csv = frame[list(SHOWN)].rename(columns=lambda c: t(f"src_col:{c}", lang))
    return shown.to_dict("records"), csv


def layout(d: Dashboard, lang: Lang) -> Any:
    """Deals, figures, scores, AI revenue, financials, the gap's parameters, the prices and the
    methodology, each with its date and source; the CSV has the plain text."""
    from dash import dash_table, html

    rows, csv = table(d, lang)
    columns = [
        {"name": t(f"src_col:{c}", lang), "id": c}
        | ({"presentation": "markdown"} if c == "source" else {})
        for c in SHOWN
    ]
    return html.Div(
        [
            html.H2(t("sources", lang)),
            html.P(t("sources_intro", lang), className="small"),
            dash_table.DataTable(  # type: ignore[attr-defined]
                id="src-table",
                columns=columns,
                data=rows,
                filter_action="native",
                sort_action="native",
                page_size=25,
                # html stays off: markdown cells never carry markup (dash's default, kept
                # explicit); links open in a new tab
                markdown_options={"html": False, "link_target": "_blank"},
                style_cell={"textAlign": "left", "whiteSpace": "normal", "fontSize": "0.85rem"},
                style_cell_conditional=[
                    {"if": {"column_id": "source"}, "maxWidth": "40rem", "overflowWrap": "anywhere"}
                ],
            ),
            csv_link(csv, "src-table"),
            html.P(t("not_advice", lang), className="small"),
        ]
    )


def register(app: Any, d: Dashboard, jobs: Jobs) -> None:
    """The table filters and sorts in the browser: nothing to register."""
    del app, d, jobs
