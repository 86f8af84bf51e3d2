"""Online provider: Yahoo Finance through the ``yfinance`` package (extra ``aiinfra[online]``).

Network I/O happens only in :meth:`YFinanceProvider.probe` and :meth:`YFinanceProvider.extract`.
All of it together is bounded by one **deadline** (``deadline`` seconds, default
``AIINFRA_NET_DEADLINE`` or 20 s, counted from the provider's first network step): the
reachability check, every request yfinance makes (cookie, crumb, history) and every retry run in
a watchdog thread that the caller stops waiting for when the deadline passes, and each request's
own timeout is cut to what is left. Past the deadline every call raises
:class:`~aiinfra.exceptions.ProviderUnavailableError` at once (exit 3), so a proxy that accepts
connections and never answers costs at most the deadline, never a hang.

The reachability check does a TLS handshake with Yahoo, through the HTTPS proxy's ``CONNECT``
when one is configured, so a silent proxy is found there; transient failures are retried with
exponential back-off; an empty answer is an error, never an empty frame.
"""

from __future__ import annotations

import base64
import logging
import os
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import unquote, urlparse

import pandas as pd

from aiinfra.config import NET_DEADLINE_ENV, net_deadline
from aiinfra.exceptions import MissingDataError, ProviderUnavailableError
from aiinfra.prices._base import BaseProvider

T = TypeVar("T")

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


def _proxy_url() -> str | None:
    """The proxy curl would use for Yahoo (HTTPS_PROXY, then ALL_PROXY; NO_PROXY honoured)."""
    # in urllib.request at run time, though typeshed leaves it out
    request: Any = urllib.request
    if request.proxy_bypass_environment(YAHOO_HOST):
        return None
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def _endpoint() -> tuple[str, int]:
    """Where the first TCP hop goes: the HTTPS proxy when one is configured, else Yahoo."""
    proxy = _proxy_url()
    if proxy:
        u = urlparse(proxy if "://" in proxy else f"http://{proxy}")
        if u.hostname:
            return u.hostname, u.port or 8080
    return YAHOO_HOST, 443


def _check_reachable(seconds: Callable[[], float]) -> None:
    """TLS handshake with Yahoo, through the proxy's CONNECT when one is configured.

    ``seconds()`` is the time left; every blocking socket step is bounded by it. Raises OSError
    (or TimeoutError) when Yahoo cannot be reached.
    """
    host, port = _endpoint()
    proxy = _proxy_url()
    u = urlparse(proxy if proxy and "://" in proxy else f"http://{proxy}") if proxy else None
    sock = socket.create_connection((host, port), timeout=seconds())
    try:
        if u is not None and u.scheme in ("http", "https", ""):
            request = f"CONNECT {YAHOO_HOST}:443 HTTP/1.1\r\nHost: {YAHOO_HOST}:443\r\n"
            if u.username:
                cred = f"{unquote(u.username)}:{unquote(u.password or '')}".encode()
                request += f"Proxy-Authorization: Basic {base64.b64encode(cred).decode()}\r\n"
            sock.settimeout(seconds())
            sock.sendall((request + "\r\n").encode())
            answer = b""
            while b"\r\n\r\n" not in answer and len(answer) < 65536:
                sock.settimeout(seconds())
                chunk = sock.recv(4096)
                if not chunk:
                    raise ConnectionError(f"proxy {host}:{port} closed the connection")
                answer += chunk
            status = answer.split(b"\r\n", 1)[0].decode("latin-1")
            if len(status.split()) < 2 or status.split()[1] != "200":
                raise ConnectionError(f"proxy {host}:{port} refused CONNECT ({status[:80]!r})")
        elif u is not None:  # a SOCKS proxy: the TCP connection is all we check
            return
        context = ssl.create_default_context()
        context.check_hostname = False  # reachability only: curl verifies the certificate
        context.verify_mode = ssl.CERT_NONE
        sock.settimeout(seconds())
        with context.wrap_socket(sock, server_hostname=YAHOO_HOST):
            pass
    finally:
        sock.close()


class _Abandoned(Exception):
    """Raised in a watchdog thread the caller no longer waits for (never retried)."""


class YFinanceProvider(BaseProvider):
    """Daily prices from Yahoo Finance.

    Parameters
    ----------
    timeout : float, default 8
        Seconds for the reachability check and for each request (cut to what is left of the
        deadline).
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
    deadline : float, optional
        Seconds all network steps of this provider may take together, from its first one;
        default ``AIINFRA_NET_DEADLINE`` or 20. Then every call raises ProviderUnavailableError.
    """

    name = "yfinance"

    def __init__(
        self,
        timeout: float = 8.0,
        retries: int = 2,
        download: Callable[..., pd.DataFrame] | None = None,
        check_network: bool | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        deadline: float | None = None,
    ) -> None:
        self.deadline = net_deadline(deadline)
        self._expires: float | None = None
        self._expired = threading.Event()
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.retries = retries
        self._download = download or _history
        self._check = (download is None) if check_network is None else check_network
        self._reachable = False

    def tickers(self) -> list[str]:
        return []  # an online provider has no fixed list

    # --- the deadline -------------------------------------------------------------------------

    def _left(self) -> float:
        """Seconds left of the deadline (the clock starts at the first network step)."""
        if self._expires is None:
            self._expires = time.monotonic() + self.deadline
        return self._expires - time.monotonic()

    def _gave_up(self, what: str) -> ProviderUnavailableError:
        self._expired.set()
        host, port = _endpoint()
        via = f" through the proxy {host}:{port}" if host != YAHOO_HOST else ""
        return ProviderUnavailableError(
            f"yfinance: no answer{via} while {what} within the network deadline of "
            f"{self.deadline:g} s ({NET_DEADLINE_ENV} sets it). " + OFFLINE_HINT
        )

    def _bounded(self, work: Callable[[], T], what: str) -> T:
        """Run ``work`` in a watchdog thread; stop waiting for it when the deadline passes."""
        left = self._left()
        if left <= 0 or self._expired.is_set():
            raise self._gave_up(what)
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["value"] = work()
            except BaseException as exc:  # handed to the caller below
                box["error"] = exc

        worker = threading.Thread(target=run, name="aiinfra-yfinance", daemon=True)
        worker.start()
        worker.join(left)
        if worker.is_alive():  # abandoned: it ends with its own timeouts or with the process
            raise self._gave_up(what)
        if "error" in box:
            raise box["error"]
        return box["value"]  # type: ignore[no-any-return]

    def _request_timeout(self) -> float:
        return max(0.05, min(self.timeout, self._left()))

    # --- network --------------------------------------------------------------------------------

    def probe(self) -> None:
        """Fail fast (within ``timeout`` and the deadline) when Yahoo cannot be reached."""
        if self._reachable or not self._check:
            return
        host, port = _endpoint()
        try:
            self._bounded(lambda: _check_reachable(self._request_timeout), "checking the network")
        except OSError as exc:
            if isinstance(exc, ProviderUnavailableError):
                raise
            raise ProviderUnavailableError(
                f"yfinance: cannot reach {host}:{port} ({exc.__class__.__name__}: {exc}). "
                + OFFLINE_HINT
            ) from None
        self._reachable = True

    def extract(
        self, ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None
    ) -> pd.DataFrame:
        from tenacity import (
            retry,
            retry_if_exception_type,
            stop_after_attempt,
            stop_after_delay,
            wait_exponential,
        )

        if self._expired.is_set():
            raise self._gave_up(f"downloading {ticker}")
        self.probe()
        if self.cache_dir is not None and self._download is _history:
            os.makedirs(self.cache_dir, exist_ok=True)
            _yfinance().set_tz_cache_location(str(self.cache_dir))

        @retry(
            retry=retry_if_exception_type((ConnectionError, TimeoutError, OSError)),
            stop=stop_after_attempt(self.retries + 1) | stop_after_delay(max(self._left(), 0)),
            wait=wait_exponential(multiplier=0.5, max=4),
            reraise=True,
        )
        def attempt() -> pd.DataFrame:
            if self._expired.is_set():
                raise _Abandoned
            return self._download(ticker, start, end, self._request_timeout())

        try:
            raw = self._bounded(attempt, f"downloading {ticker}")
        except ProviderUnavailableError:
            raise
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
