"""The HTTP edge of the dashboard: a request Dash would answer with a 500 is answered here.

Dash (4.x) raises on requests no browser of the app sends — a component-suite path that is not
one of its registered files (``/_dash-component-suites/../../etc/passwd``, ``%2e%2e%2f``…), a
callback body that is not an object (``[]``, ``null``), names no callback, or lists other inputs
than the callback declares — and Flask turns each into a 500 with a traceback in the log.
Nothing leaks, but a 500 says "server error". Here:

- a GET for a path that is neither a page (:data:`aiinfra.web.PAGES`) nor a file Dash or the app
  serves is a **404** (Dash would serve the page shell for any path);
- a component-suite path Dash does not know is a **404** (Dash's own check, mapped);
- a callback body that is not JSON, not an object, or does not match the callback it names
  (its outputs, inputs and state, in order) is a **400** naming what is wrong.

Each answer is one line of plain text; nothing is logged above DEBUG (a scan is not an event).
The values inside a well-formed body are checked by the callback's rules (``_inputs``).
"""

from __future__ import annotations

import logging
from typing import Any

from aiinfra.web.pages import PAGES

__all__ = ["body_problem", "install"]

log = logging.getLogger("aiinfra.web")


def _plain(text: str, status: int) -> Any:
    from flask import Response

    r = Response(text + "\n", status=status, mimetype="text/plain")
    r.headers["X-Content-Type-Options"] = "nosniff"
    return r


def _same_ids(got: Any, declared: list[dict[str, Any]], what: str) -> str | None:
    n = len(declared)
    if not isinstance(got, list) or len(got) != n:
        return f"`{what}` must be a list of {n} {{id, property, value}} objects for this callback"
    for k, (g, d) in enumerate(zip(got, declared, strict=True)):
        if not isinstance(g, dict) or g.get("id") != d["id"] or g.get("property") != d["property"]:
            return f"`{what}[{k}]` must be {{id: {d['id']!r}, property: {d['property']!r}, value}}"
    return None


def _outputs_problem(got: Any, output: str, declared: Any) -> str | None:
    many = isinstance(declared, list | tuple)
    n = len(declared) if many else 1
    items = got if many else [got]
    if many and not isinstance(got, list):
        return f"`outputs` must be a list of {n} {{id, property}} objects for {output!r}"
    if len(items) != n or not all(
        isinstance(o, dict) and isinstance(o.get("id"), str) and isinstance(o.get("property"), str)
        for o in items
    ):
        shape = f"a list of {n} {{id, property}} objects" if many else "an {id, property} object"
        return f"`outputs` must be {shape} for {output!r}"
    return None


def body_problem(body: Any, callbacks: dict[str, Any]) -> str | None:
    """What is wrong with a decoded ``/_dash-update-component`` body, or None.

    >>> body_problem([], {})
    'the body must be a JSON object; got list'
    """
    if not isinstance(body, dict):
        got = "null" if body is None else type(body).__name__
        return f"the body must be a JSON object; got {got}"
    output = body.get("output")
    if not isinstance(output, str) or output not in callbacks:
        return "`output` must name one of this app's callbacks"
    cb = callbacks[output]
    problem = _outputs_problem(body.get("outputs"), output, cb.get("output"))
    if problem:
        return problem
    problem = _same_ids(body.get("inputs"), cb["inputs"], "inputs")
    if problem:
        return problem
    problem = _same_ids(body.get("state", []), cb["state"], "state")
    if problem:
        return problem
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "`changedPropIds` must be a list of strings"
    return None


def install(app: Any) -> None:
    """Add the checks above to ``app`` (a Dash app; its Flask server gets a ``before_request``
    hook and an error handler)."""
    from dash.exceptions import DependencyException
    from flask import request

    server = app.server
    prefix = app.config.routes_pathname_prefix
    catchall = prefix + "<path:path>"
    update = prefix + "_dash-update-component"
    pages = set(PAGES)

    @server.errorhandler(DependencyException)
    def _unknown_dependency(_err: Exception) -> Any:
        log.debug("404 for %s (not a registered component file)", request.path)
        return _plain("not found", 404)

    @server.before_request
    def _guard() -> Any:
        rule = request.url_rule.rule if request.url_rule is not None else None
        if rule == catchall and request.method in ("GET", "HEAD"):
            if request.path not in pages:  # Dash would answer any path with the page shell
                log.debug("404 for %s (not a page)", request.path)
                return _plain("not found", 404)
            return None
        if rule != update:
            return None
        if not request.is_json:
            return _plain(
                "bad request: the body must be JSON (Content-Type: application/json)", 400
            )
        body = request.get_json(silent=True)
        if body is None and request.get_data(cache=True).strip() != b"null":
            return _plain("bad request: the body is not valid JSON", 400)
        problem = body_problem(body, app.callback_map)
        if problem:
            log.debug("400 for a callback body: %s", problem)
            return _plain(f"bad request: {problem}", 400)
        return None
