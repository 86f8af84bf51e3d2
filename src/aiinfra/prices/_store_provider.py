"""Provider over the prices imported into the DuckDB store."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from aiinfra.prices._base import BaseProvider

if TYPE_CHECKING:
    from aiinfra.store import Store

__all__ = ["StoreProvider"]


class StoreProvider(BaseProvider):
    """Reads prices that ``aiinfra prices import`` / ``fetch`` put into the store."""

    name = "store"

    def __init__(self, store: Store) -> None:
        self.store = store

    def tickers(self) -> list[str]:
        return list(self.store.list_prices()["ticker"])

    def extract(
        self, ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None
    ) -> pd.DataFrame:
        return self.store.read_prices(ticker, start, end)
