"""Provider over a directory of ``TICKER.csv`` files (the format of ``shared/data/prices``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from aiinfra.exceptions import InvalidParameterError, MissingDataError
from aiinfra.prices._base import BaseProvider
from aiinfra.prices._validation import read_price_csv

__all__ = ["CsvDirProvider"]


class CsvDirProvider(BaseProvider):
    """Reads ``<directory>/<TICKER>.csv`` on demand; nothing is copied or cached.

    Parameters
    ----------
    directory : path
        Directory of CSV files with columns ``date,open,high,low,close,adj_close,volume``.
    """

    name = "csv"

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory).expanduser()
        if not self.directory.is_dir():
            raise InvalidParameterError(
                f"`prices` directory does not exist: {str(self.directory)!r}"
            )

    def tickers(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob("*.csv"))

    def path_for(self, ticker: str) -> Path:
        return self.directory / f"{ticker}.csv"

    def extract(
        self, ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None
    ) -> pd.DataFrame:
        path = self.path_for(ticker)
        if not path.is_file():
            have = self.tickers()
            shown = ", ".join(have[:12]) + (" …" if len(have) > 12 else "")
            raise MissingDataError(
                f"csv: no file {path.name} in {self.directory} (available: {shown or 'none'})"
            )
        frame, _ = read_price_csv(str(path))
        return frame
