"""The root of the command line: global options, and every command group assembled in one app.

Every command calls ``aiinfra.services``; no logic lives here. The dashboard command ``serve`` is
not the CLI's: the composition root (``aiinfra.app``) passes it in, so that the CLI and the web
dashboard never import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from aiinfra.cli._buildout import buildout
from aiinfra.cli._diff import diff
from aiinfra.cli._flows import flows_app
from aiinfra.cli._gap import gap
from aiinfra.cli._index import index_app
from aiinfra.cli._ledger import ledger_app
from aiinfra.cli._lookthrough import lookthrough
from aiinfra.cli._output import handle_errors
from aiinfra.cli._prices import prices_app
from aiinfra.cli._report import report
from aiinfra.cli._sweep import sweep

__all__ = ["build_app"]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"aiinfra {version('aiinfra')}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option("--home", help="AIINFRA_HOME: where the store lives.", envvar="AIINFRA_HOME"),
    ] = None,
    prices: Annotated[
        str | None,  # not Path: Path("") would silently be the current directory
        typer.Option(
            "--prices",
            help="Read prices from this CSV directory instead of the store.",
            envvar="AIINFRA_PRICES",
        ),
    ] = None,
    lang: Annotated[
        str,
        typer.Option(
            "--lang", help="Labels in the report and dashboard: en or de.", envvar="AIINFRA_LANG"
        ),
    ] = "en",
    fx: Annotated[
        str | None,
        typer.Option(
            "--fx",
            help="FX for non-USD listing lines, for every command (a command's own --fx wins): a "
            "directory of FX_USDXXX.csv (date,rate = XXX per USD), one such file, or a CSV "
            "date,currency,usd_per_unit.",
            envvar="AIINFRA_FX",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Global options apply to every command."""
    from aiinfra.config import get_settings

    with handle_errors():
        ctx.obj = get_settings(home=home, prices_dir=prices, lang=lang, fx=fx)


def build_app(*, serve: Callable[..., None] | None = None) -> typer.Typer:
    """The ``aiinfra`` typer app: global options, the commands, then the command groups.

    ``serve`` is the dashboard command, supplied by the composition root; it is listed between
    ``report`` and ``sweep`` as it always was. Without it the app has every other command.
    """
    app = typer.Typer(
        help="aiinfra: the AI-infrastructure ledger, index, capital-flow map, stress tests, "
        "ROI gap.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    app.callback()(root)
    app.command("gap")(gap)
    app.command("diff")(diff)
    app.command("buildout")(buildout)
    app.command("report")(report)
    if serve is not None:
        app.command("serve")(serve)
    app.command("sweep")(sweep)
    app.command("lookthrough")(lookthrough)
    app.add_typer(ledger_app, name="ledger")
    app.add_typer(prices_app, name="prices")
    app.add_typer(index_app, name="index")
    app.add_typer(flows_app, name="flows")
    return app
