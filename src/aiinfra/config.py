"""Where aiinfra reads and writes.

``AIINFRA_HOME`` (or ``--home``) is the only directory aiinfra writes to unless a user names an
output path; the default is the platform's user data directory. ``AIINFRA_PRICES`` (or
``--prices``) points every command at a directory of price CSV files instead of the store; an
empty ``--prices ""`` is an error (it would name the current directory), an empty
``AIINFRA_PRICES`` counts as unset. ``AIINFRA_NET_DEADLINE`` bounds, in seconds, all network
work of one run (see :data:`NET_DEADLINE_DEFAULT`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeGuard

__all__ = ["LANGS", "Lang", "Settings", "default_home", "get_settings", "is_lang", "net_deadline"]

#: The languages of the report, the dashboard and the CLI's labels.
Lang = Literal["en", "de"]
LANGS: tuple[Lang, ...] = ("en", "de")


def is_lang(x: object) -> TypeGuard[Lang]:
    """Whether ``x`` is one of :data:`LANGS`."""
    return x in LANGS


HOME_ENV = "AIINFRA_HOME"
PRICES_ENV = "AIINFRA_PRICES"
DATA_ENV = "AIINFRA_DATA"
LANG_ENV = "AIINFRA_LANG"
FX_ENV = "AIINFRA_FX"
NET_DEADLINE_ENV = "AIINFRA_NET_DEADLINE"
#: Seconds all network steps of one run may take together (reachability check, every request and
#: retry of ``prices fetch`` or of the report's download); then the provider gives up (exit 3).
NET_DEADLINE_DEFAULT = 20.0
#: Seconds the default deadline grows by for each further ticker of one run (a report downloads
#: ~70 lines; a healthy connection answers each in about a second).
NET_DEADLINE_PER_TICKER = 3.0
STORE_FILENAME = "aiinfra.duckdb"


def net_deadline(value: float | str | None = None, tickers: int = 1) -> float:
    """The network deadline in seconds of a run that downloads ``tickers`` series.

    ``value`` if given, else ``AIINFRA_NET_DEADLINE``, else :data:`NET_DEADLINE_DEFAULT` plus
    :data:`NET_DEADLINE_PER_TICKER` for every ticker after the first (20 s for one ticker, 227 s
    for a report's 70). Whatever it is, it bounds the whole run's network work.
    """
    from aiinfra.exceptions import InvalidParameterError

    source = "deadline"
    if value is None:
        value = os.environ.get(NET_DEADLINE_ENV, "").strip() or None
        source = NET_DEADLINE_ENV
    if value is None:
        return NET_DEADLINE_DEFAULT + NET_DEADLINE_PER_TICKER * max(tickers - 1, 0)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = float("nan")
    if not (seconds > 0 and seconds < float("inf")):
        raise InvalidParameterError(f"`{source}` must be a number of seconds > 0; got {value!r}")
    return seconds


def default_home() -> Path:
    """The platform's user data directory for aiinfra (not created here)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("aiinfra", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """Resolved paths and options for one run.

    Attributes
    ----------
    home : Path
        AIINFRA_HOME: holds the store. Created on first write, never on read.
    prices_dir : Path or None
        A directory of ``TICKER.csv`` files read directly instead of the store.
    data_dir : Path or None
        A user ledger directory overlaid on the bundled ledger.
    lang : {'en', 'de'}
        ``"en"`` or ``"de"`` for labels in the report and dashboard.
    fx : str or None
        FX rates for non-USD listing lines (``--fx`` / ``AIINFRA_FX``): a folder of
        ``FX_USDXXX.csv``, one such file, or a long CSV; a command's own ``--fx`` wins.
    """

    home: Path
    prices_dir: Path | None = None
    data_dir: Path | None = None
    lang: Lang = "en"
    fx: str | None = None

    @property
    def store_path(self) -> Path:
        return self.home / STORE_FILENAME


def get_settings(
    home: str | os.PathLike[str] | None = None,
    prices_dir: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    lang: str | None = None,
    fx: str | None = None,
) -> Settings:
    """Resolve settings: explicit arguments first, then environment variables, then defaults."""
    from aiinfra.exceptions import InvalidParameterError

    if prices_dir is not None and not str(prices_dir).strip():
        raise InvalidParameterError(
            "`--prices` must name a directory of TICKER.csv files; got an empty string "
            "(leave the option out to read the store)"
        )
    home_s = home or os.environ.get(HOME_ENV) or None
    prices_s = prices_dir or os.environ.get(PRICES_ENV) or None
    data_s = data_dir or os.environ.get(DATA_ENV) or None
    lang_s = lang or os.environ.get(LANG_ENV) or "en"
    if not is_lang(lang_s):
        raise InvalidParameterError(f"`lang` must be 'en' or 'de', got {lang_s!r}")
    return Settings(
        home=Path(home_s).expanduser() if home_s else default_home(),
        prices_dir=Path(prices_s).expanduser() if prices_s else None,
        data_dir=Path(data_s).expanduser() if data_s else None,
        lang=lang_s,
        fx=fx or os.environ.get(FX_ENV) or None,
    )
