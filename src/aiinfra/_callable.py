"""Packages that are also functions: ``aiinfra.backtest(...)`` and ``aiinfra.stress(...)``.

``aiinfra.backtest`` and ``aiinfra.stress`` are packages (DESIGN.md's layout) and functions of the
public API at once. Python resolves ``aiinfra.<name>`` to the package once it is imported, so the
package's module object is made callable: it forwards to the function.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any

__all__ = ["make_callable"]


def make_callable(module_name: str, fn: Callable[..., Any]) -> None:
    """Make the imported module ``module_name`` callable: calling it calls ``fn``.

    Call it at the end of the package's ``__init__`` with ``__name__`` and the function.

    Examples
    --------
    >>> import types, sys
    >>> sys.modules["_demo_pkg"] = types.ModuleType("_demo_pkg")
    >>> make_callable("_demo_pkg", lambda x: x + 1)
    >>> sys.modules.pop("_demo_pkg")(1)
    2
    """

    class _CallableModule(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)

    _CallableModule.__call__.__doc__ = fn.__doc__
    sys.modules[module_name].__class__ = _CallableModule
