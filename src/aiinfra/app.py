"""The composition root: the ``aiinfra`` command is the CLI (``aiinfra.cli``) plus ``serve``.

``aiinfra.cli`` and ``aiinfra.web`` do not import each other; this module sits above both and
joins them. The web is imported inside ``serve`` so that ``aiinfra --help`` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from aiinfra.cli import AsOfOpt, DataOpt, build_app, handle_errors

__all__ = ["app", "main", "serve"]


def serve(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to bind (default 127.0.0.1: this machine only)."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8050,
    as_of: AsOfOpt = None,
    data: DataOpt = None,
) -> None:
    """Serve the web dashboard (docs/dashboard.md); Ctrl-C stops it."""
    with handle_errors():
        from aiinfra.web import check_bind, create_app, make_server, run_server

        check_bind(host, port)
        dash_app = create_app(ctx.obj, as_of=as_of, data_dir=str(data) if data else None)
        server = make_server(dash_app, host, port)
    run_server(server, host)


app = build_app(serve=serve)


def main() -> None:
    """Console-script entry point (``aiinfra``)."""
    app(prog_name="aiinfra")
