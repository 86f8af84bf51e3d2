"""Tables as downloads: the ``data:`` URI of a table's CSV, for the report's and the
dashboard's "CSV" links (the report stays one offline file; the dashboard needs no request)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pandas as pd

from aiinfra._csvout import csv_text

__all__ = ["csv_data_uri", "csv_file_name"]

_FILE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def csv_data_uri(frame: pd.DataFrame) -> str:
    """``frame`` as a ``data:text/csv;charset=utf-8,…`` URI.

    The CSV text (a header and a line per row, no index, ``\\n`` line ends; a text cell a
    spreadsheet would run as a formula gets a leading ``'``, see :mod:`aiinfra._csvout`) is
    percent-encoded in UTF-8 with nothing left as it is but ``A–Z a–z 0–9 _ . - ~``: the URI
    holds no quote, ``<``, ``>``, ``&``, ``#`` or space, so it cannot end the attribute it sits
    in, and decoding it gives the CSV back exactly.

    >>> csv_data_uri(pd.DataFrame({"a": ["</a><script>"]}))
    'data:text/csv;charset=utf-8,a%0A%3C%2Fa%3E%3Cscript%3E%0A'
    """
    return "data:text/csv;charset=utf-8," + quote(
        csv_text(frame, index=False, lineterminator="\n"), safe=""
    )


def csv_file_name(name: str) -> str:
    """``aiinfra-<name>.csv`` with ``name`` reduced to letters, digits, ``_`` and ``-``.

    >>> csv_file_name("monthly <semis>/20cap")
    'aiinfra-monthly-semis-20cap.csv'
    """
    stem = _FILE_NAME.sub("-", name).strip("-") or "table"
    return f"aiinfra-{stem}.csv"
