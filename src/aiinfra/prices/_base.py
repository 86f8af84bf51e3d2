"""The price-provider protocol and the shared query → extract → transform pipeline."""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from aiinfra.exceptions import InvalidParameterError
from aiinfra.prices._validation import PRICE_COLUMNS, validate_prices

__all__ = ["BaseProvider", "PriceProvider", "check_ticker"]

_TICKER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-^=]{0,19}$")


def check_ticker(ticker: str) -> str:
    """Validate a ticker symbol (Yahoo style: ``NVDA``, ``2330.TW``, ``BRK-B``, ``^NDX``)."""
    if not isinstance(ticker, str) or not _TICKER.match(ticker):
        raise InvalidParameterError(
            f"`ticker` must be 1–20 letters, digits, '.', '-', '^' or '='; got {ticker!r}"
        )
    return ticker


@runtime_checkable
class PriceProvider(Protocol):
    """Anything that returns daily prices for a ticker.

    ``get`` returns a DataFrame indexed by a ``DatetimeIndex`` named ``date`` (sorted, unique)
    with float64 columns ``open, high, low, close, adj_close, volume``; it raises
    :class:`~aiinfra.exceptions.MissingDataError` for a ticker it does not have and never returns
    an empty frame for a range that has data.
    """

    name: str

    def get(self, ticker: str, start: Any = None, end: Any = None) -> pd.DataFrame: ...

    def tickers(self) -> list[str]: ...


class BaseProvider:
    """Shared pipeline: ``get`` = validate(transform(extract(query))), then slice to the range.

    Subclasses implement :meth:`extract` (the only step that may do I/O) and may override
    :meth:`transform` to map a provider's raw shape onto the standard columns.
    """

    name = "base"

    def tickers(self) -> list[str]:
        raise NotImplementedError

    def extract(self, ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None) -> Any:
        raise NotImplementedError

    def transform(self, raw: Any, ticker: str) -> pd.DataFrame:
        """Raw provider answer → frame with a ``date`` column and :data:`PRICE_COLUMNS`."""
        return raw  # type: ignore[no-any-return]

    def get(self, ticker: str, start: Any = None, end: Any = None) -> pd.DataFrame:
        from aiinfra.dates import to_timestamp
        from aiinfra.exceptions import MissingDataError

        check_ticker(ticker)
        s = to_timestamp(start, "start") if start is not None else None
        e = to_timestamp(end, "end") if end is not None else None
        if s is not None and e is not None and s > e:
            raise InvalidParameterError(
                f"`start` ({s.date()}) must not be after `end` ({e.date()})"
            )
        frame = self.transform(self.extract(ticker, s, e), ticker)
        if not isinstance(frame.index, pd.DatetimeIndex) or "date" in frame.columns:
            typed, _ = validate_prices(frame.reset_index(drop=True), f"{self.name}:{ticker}")
        else:
            typed = frame
        out = typed.loc[s:e] if (s is not None or e is not None) else typed
        if out.empty:
            span = f"{s.date() if s is not None else '…'} to {e.date() if e is not None else '…'}"
            raise MissingDataError(f"{self.name}: no prices for {ticker} from {span}")
        return out[list(PRICE_COLUMNS)]
