"""The DuckDB store under ``AIINFRA_HOME``: prices now, runs and results later.

One writer at a time (DuckDB locks the file per process); readers open read-only and may run
together while nobody writes. Every write runs in one transaction, so a failure leaves the store
exactly as it was. The schema is versioned in ``schema_version`` and migrated on open-for-write.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from aiinfra.exceptions import (
    InvalidParameterError,
    MissingDataError,
    StoreError,
    StoreLockedError,
)

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store"]

#: (version, statements). Append only: never edit a released migration.
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        1,
        (
            """CREATE TABLE prices (
                ticker VARCHAR NOT NULL,
                date DATE NOT NULL,
                open DOUBLE NOT NULL, high DOUBLE NOT NULL, low DOUBLE NOT NULL,
                close DOUBLE NOT NULL, adj_close DOUBLE NOT NULL, volume DOUBLE NOT NULL,
                PRIMARY KEY (ticker, date))""",
            """CREATE TABLE price_imports (
                ticker VARCHAR NOT NULL, source VARCHAR NOT NULL, rows BIGINT NOT NULL,
                imported_at TIMESTAMP NOT NULL)""",
        ),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text or "being used" in text


class Store:
    """A DuckDB file holding imported prices (and, later, runs and results).

    Parameters
    ----------
    path : path
        The ``.duckdb`` file. Its directory is created on the first write, never on read.
    lock_timeout : float, default 10
        Seconds to wait for another process's lock to be released before giving up with
        :class:`StoreLockedError`.
    """

    def __init__(self, path: str | Path, lock_timeout: float = 10.0) -> None:
        self.path = Path(path).expanduser()
        self.lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # --- connections ------------------------------------------------------------------------------

    def _connect(self, read_only: bool) -> Any:
        import time

        import duckdb

        deadline = time.monotonic() + self.lock_timeout
        delay = 0.05
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.Error as exc:
                if _is_lock_error(exc) and time.monotonic() + delay < deadline:
                    time.sleep(delay)
                    delay = min(delay * 2, 1.0)
                    continue
                if _is_lock_error(exc):
                    raise self._locked(read_only, str(exc)) from None
                raise StoreError(f"store {self.path} cannot be opened: {exc}") from None

    def _locked(self, read_only: bool, message: str) -> StoreLockedError:
        """Say who holds the store: a writer, or only readers (which block a writer too)."""
        import duckdb

        found = re.search(r"\(PID (\d+)\)", message)
        who = f"another process (PID {found.group(1)})" if found else "another process"
        waited = f"after waiting {self.lock_timeout:g} s"
        readers_only = False
        if not read_only:
            try:  # a read-only open succeeds exactly when no process holds the store for writing
                duckdb.connect(str(self.path), read_only=True).close()
                readers_only = True
            except duckdb.Error:
                pass
        if readers_only:
            return StoreLockedError(
                f"store {self.path} is open read-only in {who} (e.g. `aiinfra serve`, a notebook "
                f"or a DuckDB shell); DuckDB lets nobody write while a reader holds the file, so "
                f"this command cannot write {waited}. Close that reader and try again."
            )
        action = "read" if read_only else "write"
        return StoreLockedError(
            f"store {self.path} is locked by {who} that has it open for writing; cannot "
            f"{action} {waited}. Wait for that process (e.g. a running `aiinfra prices import`) "
            "to finish and try again."
        )

    @contextmanager
    def reader(self) -> Iterator[Any]:
        """Read-only connection; raises MissingDataError when the store does not exist yet."""
        if not self.path.exists():
            raise MissingDataError(
                f"no store at {self.path}: import prices first (`aiinfra prices import PATH`) "
                "or read a CSV directory directly with `--prices DIR`"
            )
        con = self._connect(read_only=True)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def writer(self) -> Iterator[Any]:
        """Read-write connection with the schema migrated; one transaction per ``with`` block."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store directory {self.path.parent} ({exc.strerror}); "
                "`--home` / AIINFRA_HOME must name a directory that can be created or written"
            ) from None
        con = self._connect(read_only=False)
        try:
            self._migrate(con)
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    @staticmethod
    def _migrate(con: Any) -> None:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
            "applied_at TIMESTAMP NOT NULL)"
        )
        current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][
            0
        ]
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"store schema version {current} is newer than this aiinfra ({SCHEMA_VERSION}); "
                "upgrade aiinfra"
            )
        for version, statements in MIGRATIONS:
            if version <= current:
                continue
            con.execute("BEGIN TRANSACTION")
            try:
                for sql in statements:
                    con.execute(sql)
                con.execute(
                    "INSERT INTO schema_version VALUES (?, ?)", [version, dt.datetime.now()]
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def schema_version(self) -> int:
        """The schema version of the file (0 when it does not exist)."""
        if not self.path.exists():
            return 0
        with self.reader() as con:
            found = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
            ).fetchall()[0][0]
            if not found:
                return 0
            row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
        return int(row[0] or 0)

    # --- prices -----------------------------------------------------------------------------------

    def import_prices(
        self,
        items: Iterable[tuple[str, pd.DataFrame, str]],
        mode: Literal["replace", "merge"] = "replace",
    ) -> dict[str, int]:
        """Write the prices of each ticker, all in **one** transaction.

        Parameters
        ----------
        items : iterable of (ticker, frame, source)
            ``frame`` as returned by a provider (DatetimeIndex ``date``, the six price columns).
            The iterable is consumed inside the transaction: if producing or writing any item
            fails, nothing is written.
        mode : {"replace", "merge"}
            ``replace``: the frame becomes the ticker's whole history (a CSV file is a full
            series). ``merge``: rows on the frame's dates are replaced, other dates are kept (a
            download of a recent window).

        Returns
        -------
        dict mapping ticker to the number of rows stored for it after the write.
        """
        if mode not in ("replace", "merge"):
            raise InvalidParameterError(f"`mode` must be 'replace' or 'merge'; got {mode!r}")
        counts: dict[str, int] = {}
        now = dt.datetime.now()
        with self.writer() as con:
            for ticker, frame, source in items:
                rows = frame.reset_index()
                rows.insert(0, "ticker", ticker)
                rows["date"] = pd.to_datetime(rows["date"]).dt.date
                con.register("incoming", rows)
                if mode == "replace":
                    con.execute("DELETE FROM prices WHERE ticker = ?", [ticker])
                else:
                    con.execute(
                        "DELETE FROM prices WHERE ticker = ? "
                        "AND date IN (SELECT date FROM incoming)",
                        [ticker],
                    )
                con.execute(
                    "INSERT INTO prices SELECT ticker, date, open, high, low, close, adj_close, "
                    "volume FROM incoming"
                )
                con.unregister("incoming")
                con.execute(
                    "INSERT INTO price_imports VALUES (?, ?, ?, ?)",
                    [ticker, source, len(rows), now],
                )
                counts[ticker] = con.execute(
                    "SELECT count(*) FROM prices WHERE ticker = ?", [ticker]
                ).fetchall()[0][0]
        return counts

    @staticmethod
    def _has_prices(con: Any) -> bool:
        found = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'prices'"
        ).fetchall()[0][0]
        return bool(found)

    def list_prices(self) -> pd.DataFrame:
        """One row per ticker: ``ticker, first, last, rows`` (empty when nothing is imported)."""
        empty = pd.DataFrame({"ticker": [], "first": [], "last": [], "rows": []})
        if not self.path.exists():
            return empty
        with self.reader() as con:
            if not self._has_prices(con):
                return empty
            frame: pd.DataFrame = con.execute(
                "SELECT ticker, min(date) AS first, max(date) AS last, count(*) AS rows "
                "FROM prices GROUP BY ticker ORDER BY ticker"
            ).df()
        return frame

    def read_prices(
        self, ticker: str, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
    ) -> pd.DataFrame:
        """Prices of one ticker, indexed by date; MissingDataError when none are stored."""
        sql = "SELECT date, open, high, low, close, adj_close, volume FROM prices WHERE ticker = ?"
        params: list[Any] = [ticker]
        if start is not None:
            sql += " AND date >= ?"
            params.append(start.date())
        if end is not None:
            sql += " AND date <= ?"
            params.append(end.date())
        with self.reader() as con:
            if not self._has_prices(con):
                frame = pd.DataFrame()
            else:
                frame = con.execute(sql + " ORDER BY date", params).df()
        if frame.empty:
            raise MissingDataError(
                f"store: no prices for {ticker} in {self.path}; import them with "
                "`aiinfra prices import PATH` or `aiinfra prices fetch TICKER`"
            )
        frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
        return frame.set_index("date").astype("float64")
