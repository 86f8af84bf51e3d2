"""The ``aiinfra`` command line (typer). Heavy modules are imported inside the commands."""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Console-script entry point."""
    from aiinfra.cli._app import app

    app(prog_name="aiinfra")
