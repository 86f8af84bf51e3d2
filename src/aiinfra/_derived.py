"""Values derived from input files, kept under ``AIINFRA_HOME/cache`` between runs.

Loading the validated ledger and reading and validating the price files are the fixed cost of
every command (about 0.6 s of a 3.4 s backtest). What they produce depends only on the files'
bytes, the code that reads them and the day (no ledger date may lie in the future), so it is
kept under the SHA-256 of exactly those (:func:`fingerprint`), and a later run with the same key
unpickles it instead (milliseconds). A changed byte in a file, in any ``.py`` file of the
installed package, in the versions of Python, pandas, numpy or pyarrow, or a new day is a new key.

Only what passed validation is kept; a problem is always found afresh. Entries are written
atomically (a temporary file renamed into place) and are read only from a directory and files
owned by the current user and writable by nobody else (pickles run code when loaded: a cache
another user could write would be theirs to run). The newest :data:`KEEP` entries of each kind
are kept. This module imports neither pandas nor numpy.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["KEEP", "DerivedCache", "fingerprint", "read_regular"]

#: entries kept per kind (a price directory has ~60 files; a few directories and days)
KEEP = 512
_FORMAT = b"aiinfra-derived-1"
_PACKAGE = Path(__file__).resolve().parent


@cache
def _environment() -> bytes:
    """The bytes of every ``.py`` file of the package and the versions it runs on (once per
    process: the code does not change while it runs)."""
    h = hashlib.sha256(_FORMAT)
    h.update(sys.version.encode())
    for dist in ("pandas", "numpy", "pyarrow"):
        try:
            h.update(f"\0{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"\0{dist}=-".encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        h.update(str(path.relative_to(_PACKAGE)).encode() + b"\0")
        h.update(path.read_bytes())
    return h.digest()


def fingerprint(*parts: bytes | str) -> str:
    """SHA-256 (hex) of the code and versions (:func:`_environment`) and ``parts``, each
    length-prefixed so that no two different lists give the same bytes."""
    h = hashlib.sha256(_environment())
    for p in parts:
        b = p.encode("utf-8", "surrogateescape") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "little") + b)
    return h.hexdigest()


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes | None:
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes, else None
    (a FIFO or device is never opened; a file that grows past the limit while read is None)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError:
        return None
    return data if len(data) <= limit else None


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    getuid = getattr(os, "getuid", None)
    owner_ok = getuid is None or info.st_uid == getuid()
    return owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


class DerivedCache:
    """Pickled values under ``folder/<kind>/<key>.pickle``.

    Parameters
    ----------
    folder : path
        Usually ``Settings.home / "cache"``; made (mode 0700) on the first write.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder).expanduser()

    def _path(self, kind: str, key: str) -> Path:
        if not (
            kind.isidentifier() and len(key) == 64 and all(c in "0123456789abcdef" for c in key)
        ):
            raise ValueError(f"derived cache: bad kind or key {kind!r}/{key!r}")
        return self.folder / kind / f"{key}.pickle"

    def get(self, kind: str, key: str) -> Any:
        """The value kept under ``key``, or None (absent, unreadable, or not private)."""
        path = self._path(kind, key)
        try:
            for d in (self.folder, path.parent):
                info = os.stat(d)
                if not stat.S_ISDIR(info.st_mode) or not _private(info):
                    return None
            with open(path, "rb") as f:
                info = os.fstat(f.fileno())
                if not stat.S_ISREG(info.st_mode) or not _private(info):
                    return None
                return pickle.load(f)  # a private cache this user wrote (checked above)
        except FileNotFoundError:
            return None
        except Exception:  # a damaged entry is a miss, computed afresh
            return None

    def put(self, kind: str, key: str, value: Any) -> None:
        """Keep ``value`` under ``key`` (atomically); a folder that can't be written is left
        alone (the value is simply not kept)."""
        path = self._path(kind, key)
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.parent.mkdir(mode=0o700, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._prune(path.parent)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            return

    @staticmethod
    def _prune(folder: Path) -> None:
        entries = [p for p in folder.glob("*.pickle") if p.is_file()]
        if len(entries) <= KEEP:
            return
        entries.sort(key=lambda p: p.stat().st_mtime_ns)
        for p in entries[: len(entries) - KEEP]:
            p.unlink(missing_ok=True)
