"""The dashboard's pages: a module per page, each with its ``layout(dashboard, lang)`` and a
``register(app, dashboard, jobs)`` that attaches the callbacks behind its controls.

Every control is a slider, a choice or a click: no callback takes a file path, a URL or free
text from the client, so no endpoint reads or writes a path the client names. Every callback
input passes its rule (``aiinfra.web._inputs``) before a service sees it: the control's range or
choices, as the page offers them.

The page modules are imported when the app is built (:func:`layouts`, :func:`register`), so
``PAGES`` costs nothing to import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiinfra.services.dashboard import Dashboard
    from aiinfra.web._jobs import Jobs

__all__ = ["PAGES", "layouts", "register"]

#: path → the label of its link (the page modules, in this order)
PAGES = {
    "/": "overview",
    "/index": "index_page",
    "/flows": "flows_page",
    "/stress": "stress_page",
    "/gap": "gap_page",
    "/buildout": "buildout_page",
    "/history": "history_page",
    "/diff": "diff_page",
    "/lookthrough": "lookthrough_page",
    "/sources": "sources_page",
}


def _modules() -> dict[str, Any]:
    from aiinfra.web.pages import (
        buildout,
        diff,
        flows,
        gap,
        history,
        index,
        lookthrough,
        overview,
        sources,
        stress,
    )

    return {
        "/": overview,
        "/index": index,
        "/flows": flows,
        "/stress": stress,
        "/gap": gap,
        "/buildout": buildout,
        "/history": history,
        "/diff": diff,
        "/lookthrough": lookthrough,
        "/sources": sources,
    }


def layouts() -> dict[str, Callable[[Dashboard, str], Any]]:
    """Path → the function that lays the page out for a dashboard and a language."""
    return {path: module.layout for path, module in _modules().items()}


def register(app: Any, dashboard: Dashboard, jobs: Jobs) -> None:
    """Attach every page's callbacks to ``app``."""
    for module in _modules().values():
        module.register(app, dashboard, jobs)
