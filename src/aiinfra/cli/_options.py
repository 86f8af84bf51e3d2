"""Option types shared by several command groups (and by the composition root's ``serve``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aiinfra.cli._output import Format

__all__ = ["AsOfOpt", "DataOpt", "FormatOpt", "FxOpt", "MethodologyOpt"]

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="User ledger directory overlaid on the bundled ledger.",
        envvar="AIINFRA_DATA",
        exists=True,
        file_okay=False,
    ),
]

MethodologyOpt = Annotated[
    str | None,
    typer.Option(
        "--methodology",
        help="YAML file (its keys override methodologies/default.yaml) or a built-in name: "
        "default, cta_style_tiers, equal_weight, semis_20cap.",
    ),
]

FxOpt = Annotated[
    str | None,
    typer.Option(
        "--fx",
        help="FX for non-USD lines: a directory of FX_USDXXX.csv (date,rate = XXX per USD), one "
        "such file, or a CSV date,currency,usd_per_unit.",
    ),
]

AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Flows in force on this date (default today).")
]
