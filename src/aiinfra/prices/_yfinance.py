"""Online provider: Yahoo Finance through the ``yfinance`` package (extra ``aiinfra[online]``).

Network I/O happens only in :meth:`YFinanceProvider.extract`. Before any request the provider
checks within ``timeout`` seconds that Yahoo (or the configured HTTPS proxy) can be reached, so an
offline machine gets a clear error in seconds; transient failures are retried with exponential
back-off; an empty answer is an error, never an empty frame.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from aiinfra.exceptions import MissingDataError, ProviderUnavailableError
from aiinfra.prices._base import BaseProvider

__all__ = ["YFinanceProvider"]

YAHOO_HOST = "query2.finance.yahoo.com"
OFFLINE_HINT = (
    "Check the network connection, or import CSV files instead: "
    "`aiinfra prices import PATH` (columns date,open,high,low,close,adj_close,volume)."
)
_COLUMNS = {
    "Open": "open",
    "High": "high",
    "Low": "low",
    "Close": "close",
    "Adj Close": "adj_close",
    "Volume": "volume",
}


def _history(
    ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None, timeout: float
) -> pd.DataFrame:
    """Download daily bars with yfinance (the only function that talks to Yahoo)."""
    try:
        import yfinance as yf
    except ImportError:  # pragma: no cover - depends on the environment
        raise ProviderUnavailableError(
            "the yfinance provider needs the online extra: pip install 'aiinfra[online]'"
        ) from None
    kwargs: dict[str, Any] = {"auto_adjust": False, "actions": False, "timeout": timeout}
    if start is not None:
        kwargs["start"] = start.strftime("%Y-%m-%d")
    else:
        kwargs["period"] = "max"
    if end is not None:
        kwargs["end"] = (end + pd.Timedelta(days=1)).strftime(
            "%Y-%m-%d"
        )  # yfinance's end is exclusive
    frame: pd.DataFrame = yf.Ticker(ticker).history(raise_errors=True, **kwargs)
    return frame


def _yfinance() -> Any:
    try:
        import yfinance as yf
    except ImportError:  # pragma: no cover - depends on the environment
        raise ProviderUnavailableError(
            "the yfinance provider needs the online extra: pip install 'aiinfra[online]'"
        ) from None
    logging.getLogger("yfinance").setLevel(logging.CRITICAL)  # we report errors ourselves
    return yf


def _resolve(host: str, port: int, timeout: float) -> None:
    """DNS lookup bounded by ``timeout`` (getaddrinfo itself has no timeout)."""
    box: dict[str, BaseException] = {}

    def lookup() -> None:
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=lookup, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"DNS lookup of {host} took longer than {timeout:g} s")
    if "error" in box:
        raise box["error"]


def _endpoint() -> tuple[str, int]:
    """Where the first TCP hop goes: the HTTPS proxy when one is configured, else Yahoo."""
    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    if proxy:
        u = urlparse(proxy if "://" in proxy else f"http://{proxy}")
        if u.hostname:
            return u.hostname, u.port or 8080
    return YAHOO_HOST, 443


class YFinanceProvider(BaseProvider):
    """Daily prices from Yahoo Finance.

    Parameters
    ----------
    timeout : float, default 8
        Seconds for the reachability check and for each request.
    retries : int, default 2
        Extra attempts after a transient failure (connection reset, timeout).
    download : callable, optional
        ``download(ticker, start, end, timeout) -> DataFrame`` in yfinance's ``history`` shape.
        Defaults to yfinance; tests pass recorded answers here.
    check_network : bool, default True
        Probe reachability before the first request (skipped when ``download`` is given).
    cache_dir : path, optional
        Where yfinance keeps its cookie and time-zone caches (the CLI passes
        ``AIINFRA_HOME/cache/yfinance`` so nothing is written elsewhere).
    """

    name = "yfinance"

    def __init__(
        self,
        timeout: float = 8.0,
        retries: int = 2,
        download: Callable[..., pd.DataFrame] | None = None,
        check_network: bool | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.retries = retries
        self._download = download or _history
        self._check = (download is None) if check_network is None else check_network
        self._reachable = False

    def tickers(self) -> list[str]:
        return []  # an online provider has no fixed list

    def probe(self) -> None:
        """Fail fast (within ``timeout``) when the provider cannot be reached."""
        if self._reachable or not self._check:
            return
        host, port = _endpoint()
        try:
            _resolve(host, port, self.timeout)
            with socket.create_connection((host, port), timeout=self.timeout):
                pass
        except OSError as exc:
            raise ProviderUnavailableError(
                f"yfinance: cannot reach {host}:{port} ({exc.__class__.__name__}: {exc}). "
                + OFFLINE_HINT
            ) from None
        self._reachable = True

    def extract(
        self, ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None
    ) -> pd.DataFrame:
        from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

        self.probe()
        if self.cache_dir is not None and self._download is _history:
            os.makedirs(self.cache_dir, exist_ok=True)
            _yfinance().set_tz_cache_location(str(self.cache_dir))

        @retry(
            retry=retry_if_exception_type((ConnectionError, TimeoutError, OSError)),
            stop=stop_after_attempt(self.retries + 1),
            wait=wait_exponential(multiplier=0.5, max=4),
            reraise=True,
        )
        def attempt() -> pd.DataFrame:
            return self._download(ticker, start, end, self.timeout)

        try:
            raw = attempt()
        except (ConnectionError, TimeoutError, OSError) as exc:
            raise ProviderUnavailableError(
                f"yfinance: request for {ticker} failed ({exc}). " + OFFLINE_HINT
            ) from None
        except Exception as exc:  # yfinance raises its own types for unknown symbols
            raise MissingDataError(
                f"yfinance: no data for {ticker!r} ({exc.__class__.__name__}: {exc})"
            ) from None
        if raw is None or len(raw) == 0:
            raise MissingDataError(
                f"yfinance: empty answer for {ticker!r} (unknown ticker or no trading in range)"
            )
        return raw

    def transform(self, raw: Any, ticker: str) -> pd.DataFrame:
        frame = raw.copy()
        if isinstance(frame.columns, pd.MultiIndex):  # yf.download shape: (field, ticker)
            frame.columns = frame.columns.get_level_values(0)
        missing = [c for c in _COLUMNS if c not in frame.columns]
        if missing:
            raise MissingDataError(f"yfinance: answer for {ticker!r} lacks columns {missing}")
        frame = frame[list(_COLUMNS)].rename(columns=_COLUMNS)
        idx = pd.DatetimeIndex(frame.index)
        if idx.tz is not None:
            idx = idx.tz_localize(None)
        frame.index = idx.normalize()
        frame = frame.dropna(how="all")
        out: pd.DataFrame = frame.reset_index(names="date")
        out["date"] = out["date"].dt.strftime("%Y-%m-%d")
        return out
