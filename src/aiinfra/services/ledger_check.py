"""The result of ``aiinfra ledger validate``, kept for files and code that have not changed.

Validating the ledger reads ten CSV files into pandas and checks every rule; importing pandas
alone takes about half a second. A successful result is therefore stored in
``<AIINFRA_HOME>/cache/ledger_validate.json`` under a key that is the SHA-256 of everything the
result depends on:

* the bytes and names of every ``*.csv`` file of the bundled ledger and of the user's data
  directory (and the names of the other entries there),
* the bytes of every ``.py`` file of the installed ``aiinfra`` package (a changed rule is changed
  code), the versions of Python, pandas, numpy and pyarrow,
* today's date (no date may lie in the future) and ``AIINFRA_MAX_LEDGER_FILE_BYTES``.

A command with the same key prints the stored result without importing pandas. Only success is
stored (a failure is always checked afresh, so its message lists every problem as of now), a
file that is not a regular file within the byte limit is never hashed (the full check reports
it), and ``--no-cache`` checks afresh. This module imports neither pandas nor numpy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aiinfra._derived import fingerprint, read_regular

__all__ = ["CACHE_FILE", "cached", "key", "store"]

CACHE_FILE = "ledger_validate.json"
#: results kept (the most recent keys: a few data directories, a few days)
KEEP = 16
_FORMAT = "aiinfra-ledger-validate-1"
_LIMIT_ENV = "AIINFRA_MAX_LEDGER_FILE_BYTES"
_DEFAULT_LIMIT = 16 * 1024 * 1024
_PACKAGE = Path(__file__).resolve().parents[1]


def _limit() -> int | None:
    raw = os.environ.get(_LIMIT_ENV)
    if raw is None:
        return _DEFAULT_LIMIT
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    return value if value > 0 else None


def _hash_dir(h: Any, directory: Path, limit: int) -> bool:
    """Names of every entry and bytes of every ``*.csv`` file; False when one can't be hashed
    the way the loader would read it (not a regular file, over the limit, unreadable)."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return False
    h.update(f"dir\0{directory}\0{len(names)}\0".encode())
    for name in names:
        h.update(name.encode("utf-8", "surrogateescape") + b"\0")
        if not name.endswith(".csv"):
            continue
        data = read_regular(directory / name, limit)
        if data is None:
            return False
        h.update(len(data).to_bytes(8, "little") + data)
    return True


def key(data_dir: str | os.PathLike[str] | None, today: dt.date | None = None) -> str | None:
    """The cache key of validating the bundled ledger overlaid with ``data_dir``, or None when
    the inputs can't be fingerprinted (the full check then runs and says what is wrong)."""
    limit = _limit()
    if limit is None:
        return None
    h = hashlib.sha256()
    h.update(f"{_FORMAT}\0{(today or dt.date.today()).isoformat()}\0".encode())
    h.update(f"{_LIMIT_ENV}={os.environ.get(_LIMIT_ENV)!r}\0".encode())
    if not _hash_dir(h, _PACKAGE / "ledger" / "data", limit):
        return None
    if data_dir is not None:
        p = Path(data_dir).expanduser()
        if not p.is_dir() or not _hash_dir(h, p.resolve(), limit):
            return None
        h.update(f"user\0{p}\0".encode())
    return fingerprint(h.digest())  # and the package's code and the versions it runs on


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def cached(home: Path, k: str | None) -> dict[str, Any] | None:
    """The stored result for key ``k``, or None."""
    if k is None:
        return None
    hit = _read(home / "cache" / CACHE_FILE).get(k)
    result = hit.get("result") if isinstance(hit, dict) else None
    return result if isinstance(result, dict) else None


def store(home: Path, k: str | None, result: Mapping[str, Any]) -> None:
    """Keep ``result`` under ``k`` (atomically; a home that can't be written is left alone)."""
    if k is None:
        return
    folder = home / "cache"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        entries = _read(folder / CACHE_FILE)
        entries.pop(k, None)
        entries[k] = {"stored": dt.datetime.now(dt.UTC).isoformat(), "result": dict(result)}
        kept = dict(list(entries.items())[-KEEP:])
        text = json.dumps({"format": _FORMAT, "entries": kept}, ensure_ascii=False, indent=1)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ledger_validate.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, folder / CACHE_FILE)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return
