"""CSV for people: every CSV the project writes goes through :func:`to_csv` (docs/cli.md).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some treat a
leading tab or carriage return the same way) as a formula, so a ledger note of
``=cmd|' /C calc'!A0`` would be a command on the reader's machine. Following OWASP's advice on
CSV injection, such a *text* cell is written with a single quote in front (``'=cmd…``), which
spreadsheets show as text. Numbers are left alone: a numeric cell (``-0.5`` in a float column)
and a text cell that is nothing but a plain decimal number (``"-0.5"``) stay numbers.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = ["FORMULA_START", "csv_text", "neutralise", "neutralise_cell", "to_csv"]

#: first characters that make a spreadsheet read a cell as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise_cell(value: Any) -> Any:
    """``value`` with a ``'`` in front when it is text a spreadsheet would run as a formula.

    >>> neutralise_cell("=1+1"), neutralise_cell("-0.5"), neutralise_cell(-0.5)
    ("'=1+1", '-0.5', -0.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _text_like(values: Any) -> bool:
    dtype = values.dtype
    return bool(pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype))


def _column(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.rename_categories([neutralise_cell(c) for c in values.cat.categories])
    if _text_like(values):
        return values.map(neutralise_cell, na_action="ignore")
    return values


def _index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        levels: Any = [_index(lv) for lv in index.levels]
        return index.set_levels(levels)
    if _text_like(index):
        return index.map(neutralise_cell)
    return index


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and text index) cannot start a formula."""
    out = frame.copy()
    for i in range(out.shape[1]):
        column: Any = _column(out.iloc[:, i])
        out.isetitem(i, column)
    out.index = _index(out.index)
    return out


def to_csv(frame: pd.DataFrame, path: Any = None, **kw: Any) -> str | None:
    """``frame.to_csv(path, **kw)`` after :func:`neutralise`: the one way the project writes CSV."""
    result: str | None = neutralise(frame).to_csv(path, **kw)
    return result


def csv_text(frame: pd.DataFrame, **kw: Any) -> str:
    """The CSV text of ``frame`` (see :func:`to_csv`)."""
    return str(to_csv(frame, None, **kw))
