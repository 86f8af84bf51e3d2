"""The ``aiinfra`` command line (typer). Heavy modules are imported inside the commands.

``build_app()`` assembles every command group. The console script is ``aiinfra.app:main``, the
composition root that adds the dashboard's ``serve`` (this package never imports the dashboard).
"""

from __future__ import annotations

from aiinfra.cli._app import build_app
from aiinfra.cli._options import AsOfOpt, DataOpt
from aiinfra.cli._output import handle_errors

__all__ = ["AsOfOpt", "DataOpt", "build_app", "handle_errors"]
