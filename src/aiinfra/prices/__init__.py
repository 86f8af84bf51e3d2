"""Daily prices: one provider protocol, providers for CSV directories, the store and yfinance."""

from __future__ import annotations

from aiinfra.prices._base import BaseProvider, PriceProvider, check_ticker
from aiinfra.prices._csv_dir import CsvDirProvider
from aiinfra.prices._store_provider import StoreProvider
from aiinfra.prices._validation import (
    GAP_WARN_DAYS,
    MAX_FILE_BYTES_ENV,
    PRICE_COLUMNS,
    max_file_bytes,
    read_price_csv,
    validate_prices,
)
from aiinfra.prices._yfinance import YFinanceProvider

__all__ = [
    "GAP_WARN_DAYS",
    "MAX_FILE_BYTES_ENV",
    "PRICE_COLUMNS",
    "BaseProvider",
    "CsvDirProvider",
    "PriceProvider",
    "StoreProvider",
    "YFinanceProvider",
    "check_ticker",
    "get_provider",
    "max_file_bytes",
    "read_price_csv",
    "validate_prices",
]

PROVIDERS = ("csv", "store", "yfinance")


def get_provider(name: str, **kwargs: object) -> BaseProvider:
    """Provider by name; the error lists the valid names."""
    from aiinfra.exceptions import InvalidParameterError

    if name == "csv":
        return CsvDirProvider(**kwargs)  # type: ignore[arg-type]
    if name == "store":
        return StoreProvider(**kwargs)  # type: ignore[arg-type]
    if name == "yfinance":
        return YFinanceProvider(**kwargs)  # type: ignore[arg-type]
    raise InvalidParameterError(f"provider {name!r} not found; available: {', '.join(PROVIDERS)}")
