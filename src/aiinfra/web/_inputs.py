"""Callback inputs checked at the edge: one rule per input, before any service is called.

A browser only sends what the controls can produce, but anyone can post a callback body by
hand: ``samples='abc'``, a cap of ``'abc'``, a node id of ``'../../etc/passwd'``, a list where a
number belongs. Every callback is wrapped by :func:`checked` with one :class:`Rule` per input and
state, in order; a value that breaks its rule raises :class:`~aiinfra.exceptions.
InvalidParameterError` naming the parameter and the rule (what the CLI would say), which the
page shows in its error banner. The callback body only ever sees converted, well-typed values.

>>> number("single_cap", 0.04, 0.25)(0.1)
0.1
>>> number("single_cap", 0.04, 0.25)("abc")
Traceback (most recent call last):
...
aiinfra.exceptions.InvalidParameterError: `single_cap` must be a number in [0.04, 0.25]; got 'abc'
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiinfra.config import LANGS
from aiinfra.exceptions import InvalidParameterError

__all__ = [
    "Rule",
    "checked",
    "choice",
    "count",
    "integer",
    "job_id",
    "lang",
    "node",
    "number",
    "session",
    "text",
    "text_list",
]

MAX_TEXT = 200  # an id, a page path or a company name: never longer
MAX_ITEMS = 500  # more companies or layers than any ledger has


def _shown(value: Any) -> str:
    """The offending value for the message, short (a body may carry a megabyte of it)."""
    r = repr(value)
    return r if len(r) <= 60 else r[:57] + "..."


@dataclass(frozen=True)
class Rule:
    """The rule for one callback input: ``name`` (as the message says it), ``what`` (the rule in
    words) and ``convert`` (returns the value to use, or raises ``ValueError``)."""

    name: str
    what: str
    convert: Callable[[Any], Any]

    def __call__(self, value: Any) -> Any:
        try:
            return self.convert(value)
        except (ValueError, TypeError):
            raise InvalidParameterError(
                f"`{self.name}` must be {self.what}; got {_shown(value)}"
            ) from None


def _real(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError
    x = float(value)
    if not math.isfinite(x):
        raise ValueError
    return x


def _fmt(x: float) -> str:
    return f"{x:g}"


def number(name: str, lo: float, hi: float) -> Rule:
    """A finite number (not a bool, not a string) in ``[lo, hi]``."""

    def convert(value: Any) -> float:
        x = _real(value)
        if not lo <= x <= hi:
            raise ValueError
        return x

    return Rule(name, f"a number in [{_fmt(lo)}, {_fmt(hi)}]", convert)


def integer(name: str, lo: int, hi: int) -> Rule:
    """A whole number in ``[lo, hi]`` (``20.0`` counts: JSON has one number type)."""

    def convert(value: Any) -> int:
        x = _real(value)
        if x != int(x) or not lo <= x <= hi:
            raise ValueError
        return int(x)

    return Rule(name, f"a whole number in [{lo}, {hi}]", convert)


def count(name: str) -> Rule:
    """A click or tick counter: a whole number ≥ 0, or nothing yet."""

    def convert(value: Any) -> int | None:
        if value is None:
            return None
        x = _real(value)
        if x != int(x) or x < 0:
            raise ValueError
        return int(x)

    return Rule(name, "a whole number ≥ 0", convert)


def choice(name: str, options: Sequence[Any] | Callable[[], Sequence[Any]],
           optional: bool = False) -> Rule:  # fmt: skip
    """One of ``options`` (a sequence, or a function giving it when first needed); with
    ``optional``, also nothing (None)."""

    def allowed() -> Sequence[Any]:
        return options() if callable(options) else options

    def convert(value: Any) -> Any:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise TypeError
        for o in allowed():
            same_type = type(value) is type(o) or (isinstance(o, int) and isinstance(value, float))
            if same_type and value == o:
                return o
        raise ValueError

    if callable(options):
        what = "one of the choices the page offers"
    else:
        shown = ", ".join(str(o) for o in options)
        what = f"one of {shown}" + (" (or empty)" if optional else "")
    return Rule(name, what, convert)


def text(name: str, optional: bool = False, pattern: str | None = None,
         what: str | None = None) -> Rule:  # fmt: skip
    """A string of at most ``MAX_TEXT`` characters (matching ``pattern`` when given)."""
    rx = re.compile(pattern) if pattern else None

    def convert(value: Any) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise TypeError
        if len(value) > MAX_TEXT or (rx is not None and not rx.fullmatch(value)):
            raise ValueError
        return value

    return Rule(name, what or f"text of at most {MAX_TEXT} characters", convert)


def text_list(name: str) -> Rule:
    """A list of strings (nothing counts as an empty list)."""

    def convert(value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            raise TypeError
        if not all(isinstance(v, str) and len(v) <= MAX_TEXT for v in value):
            raise TypeError
        return list(value)

    return Rule(name, f"a list of at most {MAX_ITEMS} ids (text)", convert)


def node(name: str) -> Rule:
    """A clicked map node: ``{"id": text, ...}`` or nothing; gives the id."""

    def convert(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, dict) or not isinstance(value.get("id"), str):
            raise TypeError
        if len(value["id"]) > MAX_TEXT:
            raise ValueError
        return str(value["id"])

    return Rule(name, "a company node ({id: text})", convert)


def lang() -> Rule:
    return choice("lang", LANGS)


def job_id(name: str) -> Rule:
    return text(name, optional=True, pattern=r"job[0-9]{1,12}", what="a job id (job<number>)")


SESSION_PATTERN = r"[0-9a-f]{32}"


def session() -> Rule:
    return text("session", pattern=SESSION_PATTERN, what="the page's session id (32 hex digits)")


def checked(*rules: Rule) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a callback so each positional argument passes its rule first (inputs, then states, in
    the order the callback declares them). The rules are kept on the function
    (``__aiinfra_rules__``) so a test can check that every callback input has one."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def run(*args: Any) -> Any:
            if len(args) != len(rules):
                raise InvalidParameterError(
                    f"this control takes {len(rules)} values; got {len(args)}"
                )
            return fn(*(rule(v) for rule, v in zip(rules, args, strict=True)))

        run.__aiinfra_rules__ = rules  # type: ignore[attr-defined]
        return run

    return wrap
