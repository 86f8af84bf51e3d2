"""The one rule by which methodology overrides are laid over a base (files, grids, variants).

Nested mappings merge key by key: an override names only what it changes, at any depth, and every
key it does not name keeps the base's value (``withholding_tax: {by_country: {KR: 0.15}}`` keeps
the other countries' rates). Anything else — a scalar, a list, ``null`` — replaces the base's
value whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["deep_merge"]


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` laid over ``base``: mappings merged key by key, other values replaced.

    Neither argument is changed; merged levels are new dicts, values taken over are not copied.

    Examples
    --------
    >>> deep_merge({"a": {"x": 1, "y": 2}, "b": [1]}, {"a": {"y": 3}, "b": [2]})
    {'a': {'x': 1, 'y': 3}, 'b': [2]}
    >>> deep_merge({"a": {"x": 1}}, {"a": None})
    {'a': None}
    """
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out
