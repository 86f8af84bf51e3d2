"""Provider over a directory of ``TICKER.csv`` files (the format of ``shared/data/prices``)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TypeGuard

import pandas as pd

from aiinfra._derived import DerivedCache, fingerprint, read_regular
from aiinfra.exceptions import InvalidParameterError, MissingDataError
from aiinfra.prices._base import BaseProvider
from aiinfra.prices._validation import max_file_bytes, read_price_csv

__all__ = ["CsvDirProvider", "clear_csv_cache"]

# resolved path -> ((mtime_ns, size, inode), validated frame, warnings); one entry per file
_CACHE: dict[str, tuple[tuple[int, int, int], pd.DataFrame, list[str]]] = {}
# resolved directory -> ((mtime_ns, inode), sorted tickers): the listing named when a file is
# missing (adding or removing a file changes the directory's modification time)
_LISTINGS: dict[str, tuple[tuple[int, int], list[str]]] = {}
_LOCK = threading.Lock()


def clear_csv_cache() -> None:
    """Forget every file read so far (the next ``get`` reads and validates again)."""
    with _LOCK:
        _CACHE.clear()
        _LISTINGS.clear()


def _signature(path: Path) -> tuple[int, int, int]:
    info = os.stat(path)
    return info.st_mtime_ns, info.st_size, info.st_ino


def read_cached(path: Path, derived: DerivedCache | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The validated frame of one file, read once per process while it is unchanged.

    The cache is keyed by the resolved path and checked against the file's modification time,
    size and inode on every call, so an edited file is read again. The frame handed out is a
    copy: a caller that changes it does not change what the next caller gets.

    ``derived``: also keep the validated frame between runs (:mod:`aiinfra._derived`), keyed by
    the SHA-256 of the file's path and bytes and of the code; only a regular file within the
    byte limit is hashed, and a file that fails validation is never kept.
    """
    key = str(path.resolve())
    try:
        sig = _signature(path)
    except OSError:
        sig = (-1, -1, -1)
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is None or hit[0] != sig:
        dkey = _derived_key(path) if derived is not None else None
        kept = derived.get("prices", dkey) if derived is not None and dkey is not None else None
        if _is_entry(kept):
            frame, warnings = kept
        else:
            frame, warnings = read_price_csv(str(path))  # raises on bad files: nothing is kept
            if derived is not None and dkey is not None and _derived_key(path) == dkey:
                derived.put("prices", dkey, (frame, warnings))
        with _LOCK:
            _CACHE[key] = (sig, frame, warnings)
        hit = (sig, frame, warnings)
    return hit[1].copy(deep=True), list(hit[2])


def _derived_key(path: Path) -> str | None:
    """The between-runs key of ``path``: its name as messages give it and its bytes (None when
    it is not a regular file within the byte limit: :func:`read_price_csv` says why)."""
    data = read_regular(path, max_file_bytes())
    return None if data is None else fingerprint("prices", str(path), data)


def _is_entry(value: object) -> TypeGuard[tuple[pd.DataFrame, list[str]]]:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], pd.DataFrame)
        and isinstance(value[1], list)
    )


class CsvDirProvider(BaseProvider):
    """Reads ``<directory>/<TICKER>.csv``; each file is read and validated once per process.

    Every provider over the same files shares one cache (keyed by path, modification time, size
    and inode), so the command line's ``--prices DIR`` and ``CsvDirProvider(DIR).get`` in a script
    cost one read per file; ``get`` returns a copy, so changing it does not change the cache.

    Parameters
    ----------
    directory : path
        Directory of CSV files with columns ``date,open,high,low,close,adj_close,volume``.
    cache : DerivedCache, optional
        Keep each validated file between runs too, keyed by its path and bytes (the command
        line passes ``AIINFRA_HOME/cache``); the frames are the same either way.
    """

    name = "csv"

    def __init__(self, directory: str | Path, cache: DerivedCache | None = None) -> None:
        self._derived = cache
        if not str(directory).strip():
            raise InvalidParameterError(
                "`prices` directory must be named; got an empty string (it would be the current "
                "directory)"
            )
        self.directory = Path(directory).expanduser()
        if not self.directory.is_dir():
            raise InvalidParameterError(
                f"`prices` directory does not exist: {str(self.directory)!r}"
            )
        self._listing_key: str | None = None

    def tickers(self) -> list[str]:
        """The tickers with a file, sorted (the listing is kept while the directory's
        modification time is unchanged)."""
        # the resolved path only names the cache entry; the entry is checked against the
        # directory's own modification time and inode (a retargeted link lists again)
        if self._listing_key is None:
            self._listing_key = str(self.directory.resolve())
        key = self._listing_key
        try:
            info = os.stat(self.directory)
            sig = (info.st_mtime_ns, info.st_ino)
        except OSError:
            sig = (-1, -1)
        with _LOCK:
            hit = _LISTINGS.get(key)
        if hit is not None and hit[0] == sig and sig != (-1, -1):
            return list(hit[1])
        listing = sorted(p.stem for p in self.directory.glob("*.csv"))
        with _LOCK:
            _LISTINGS[key] = (sig, listing)
        return list(listing)

    def path_for(self, ticker: str) -> Path:
        return self.directory / f"{ticker}.csv"

    def extract(
        self, ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None
    ) -> pd.DataFrame:
        path = self.path_for(ticker)
        if not path.exists():
            have = self.tickers()
            shown = ", ".join(have[:12]) + (" …" if len(have) > 12 else "")
            raise MissingDataError(
                f"csv: no file {path.name} in {self.directory} (available: {shown or 'none'})"
            )
        frame, _ = read_cached(path, self._derived)
        return frame

    def warnings(self, ticker: str) -> list[str]:
        """The validation warnings (gaps, inconsistent high/low) of one ticker's file."""
        return read_cached(self.path_for(ticker), self._derived)[1]
