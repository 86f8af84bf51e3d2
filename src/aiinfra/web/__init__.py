"""The web dashboard (``aiinfra serve``): a Dash app over the same services as the CLI.

>>> from aiinfra.web import PAGES
>>> list(PAGES)  # doctest: +NORMALIZE_WHITESPACE
['/', '/index', '/flows', '/stress', '/gap', '/buildout', '/history', '/diff',
 '/lookthrough', '/sources']

Needs the ``web`` extra (dash, dash-cytoscape, waitress). See docs/dashboard.md.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from aiinfra.exceptions import InvalidParameterError
from aiinfra.web.pages import PAGES

__all__ = ["PAGES", "check_bind", "create_app", "make_server", "run_server"]


def _need_web() -> None:
    try:
        import dash  # noqa: F401
        import dash_cytoscape  # noqa: F401
        import waitress  # noqa: F401
    except ImportError as exc:
        raise InvalidParameterError(
            f"the dashboard needs the web extra ({exc.name} is missing): pip install 'aiinfra[web]'"
        ) from None


def check_bind(host: str, port: int) -> None:
    """Validate ``--host`` (an IP address or ``localhost``) and ``--port`` (0-65535; 0 takes
    a free port)."""
    if host != "localhost":
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise InvalidParameterError(
                f"`--host` must be an IP address such as 127.0.0.1; got {host!r}"
            ) from None
    if not isinstance(port, int) or not 0 <= port < 65536:
        raise InvalidParameterError(f"`--port` must be in 0..65535; got {port!r}")


def create_app(settings: Any, as_of: object = None, data_dir: str | None = None) -> Any:
    """The Dash app for ``settings`` (the ledger and prices are loaded here, once)."""
    _need_web()
    from aiinfra.services.dashboard import Dashboard
    from aiinfra.web._app import create_app as _create

    return _create(Dashboard(settings, as_of=as_of, data_dir=data_dir))


def make_server(app: Any, host: str = "127.0.0.1", port: int = 8050, threads: int = 8) -> Any:
    """A waitress server for ``app`` bound to ``host:port`` (not yet serving; ``.run()``)."""
    from waitress.server import create_server

    check_bind(host, port)
    if host == "localhost":  # one socket: "localhost" may resolve to both ::1 and 127.0.0.1
        host = "127.0.0.1"
    try:
        return create_server(app.server, host=host, port=port, threads=threads, ident="aiinfra")
    except OSError as exc:
        raise InvalidParameterError(
            f"`--port` {port}: cannot listen on {host}:{port} ({exc.strerror})"
        ) from None


def run_server(server: Any, host: str) -> None:
    """Say where the dashboard is (and warn when it is reachable from other machines), then
    serve until Ctrl-C."""
    import sys

    if host not in ("localhost", "::1") and not ipaddress.ip_address(host).is_loopback:
        sys.stderr.write(f"warning: serving on {host}: reachable from other machines\n")
    shown = str(server.effective_host)
    shown = f"[{shown}]" if ":" in shown else shown  # an IPv6 address in a URL
    print(f"aiinfra dashboard on http://{shown}:{server.effective_port}/ (Ctrl-C stops it)")
    sys.stdout.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
