"""Reading a YAML settings file (methodology, stress scenario, sweep grid) in one way.

The file is read with :func:`aiinfra._csv.read_text_bounded` (a regular file of at most
:data:`MAX_YAML_BYTES`, UTF-8, BOM allowed) and parsed with ``yaml.safe_load``. An empty file (or
one holding only comments) is an empty mapping; anything else at the top level than a mapping is
refused. Every refusal is a :class:`~aiinfra.exceptions.DataValidationError` with one problem
naming the file and the rule; a syntax error names the line and column.
"""

from __future__ import annotations

import os
from typing import Any

import yaml

from aiinfra._csv import read_text_bounded
from aiinfra.exceptions import DataValidationError, Problem

__all__ = ["MAX_YAML_BYTES", "parse_yaml", "read_yaml"]

#: Largest YAML file read (16 MiB); settings files are a few kilobytes.
MAX_YAML_BYTES = 16 * 1024 * 1024


def read_yaml(
    path: str | os.PathLike[str], *, what: str, label: str | None = None
) -> dict[str, Any]:
    """The top-level mapping of a YAML file (``{}`` when the file is empty).

    Parameters
    ----------
    path : path
        The file; it must be a regular file (or a link to one) of at most :data:`MAX_YAML_BYTES`.
    what : str
        What the file holds, the headline of the error (``"methodology"``, ``"scenario"``).
    label : str, optional
        Name of the file in the problem; ``str(path)`` by default.

    Raises
    ------
    DataValidationError
        The file cannot be read, is too big, is not UTF-8, is not valid YAML, or does not hold a
        mapping at the top level.
    """
    label = str(path) if label is None else label
    text, problems = read_text_bounded(path, label, MAX_YAML_BYTES)
    if text is None:
        raise DataValidationError(problems, what)
    return parse_yaml(text, label, what=what)


def parse_yaml(text: str, label: str, *, what: str) -> dict[str, Any]:
    """The top-level mapping of YAML ``text`` read from ``label`` (see :func:`read_yaml`).

    Examples
    --------
    >>> parse_yaml("a: 1\\n", "x.yaml", what="grid"), parse_yaml("# nothing\\n", "x.yaml", what="grid")
    ({'a': 1}, {})
    >>> parse_yaml("a: [1\\n", "x.yaml", what="grid")
    Traceback (most recent call last):
    ...
    aiinfra.exceptions.DataValidationError: grid: 1 problem found
      - x.yaml: is not valid YAML at line 2, column 1: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence)
    """  # noqa: E501
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = Problem(label, None, None, f"is not valid YAML {_describe(exc, text)}")
        raise DataValidationError([problem], what) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"
        rule = f"must be a YAML mapping (key: value) at the top level; got {kind}"
        problem = Problem(label, None, None, rule)
        raise DataValidationError([problem], what)
    return data


def _describe(exc: yaml.YAMLError, text: str) -> str:
    """``at line L, column C: problem (context)`` for a YAML error, 1-based, on one line."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        line, column = mark.line + 1, mark.column + 1
        why = exc.problem or "syntax error"
        if exc.context:
            why += f" ({exc.context})"
    elif isinstance(exc, yaml.reader.ReaderError):
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        why = f"character {shown} is not allowed ({exc.reason})"
    else:
        return "(" + " ".join(str(exc).split()) + ")"
    return f"at line {line}, column {column}: {why}"
