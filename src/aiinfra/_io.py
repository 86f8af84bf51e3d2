"""Writing outputs atomically: a file or a directory appears whole, or not at all.

The temporary sibling is named ``.<target name>.aiinfra-<host>-<pid>-<random>.tmp``. A writer
killed with ``kill -9`` cannot remove it, so every atomic write first removes the stale ones of
this pattern in its directory (:func:`clean_stale_temporaries`): those whose writer process on
this host is gone, and any older than :data:`STALE_AFTER_S` (a writer never lives that long; it
covers other hosts sharing the directory and reused process ids).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiinfra.exceptions import InvalidParameterError

__all__ = [
    "STALE_AFTER_S",
    "atomic_directory",
    "atomic_file",
    "atomic_path",
    "check_output_directory",
    "clean_stale_temporaries",
]

#: A temporary file or directory older than this (seconds) is stale whoever wrote it.
STALE_AFTER_S = 24 * 3600.0
_TEMP = re.compile(r"^\..+\.aiinfra-(?P<host>[A-Za-z0-9]{1,16})-(?P<pid>\d{1,10})-[a-z0-9_]+\.tmp$")


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:16] or "host"


def _prefix(target: Path) -> str:
    return f".{target.name}.aiinfra-{_host()}-{os.getpid()}-"


def _alive(pid: int) -> bool:
    """Whether process ``pid`` on this machine still runs (a zombie does not)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OSError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def clean_stale_temporaries(
    directory: str | os.PathLike[str], now: float | None = None
) -> list[str]:
    """Remove the stale temporaries of an atomic write in ``directory``; return their names.

    Only entries named by this module's pattern are considered; a symbolic link is never
    followed. Errors (a racing cleaner, no permission) are ignored: cleaning is best effort.
    """
    removed: list[str] = []
    now = time.time() if now is None else now
    host = _host()
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        found = _TEMP.match(entry.name)
        if found is None or entry.is_symlink():
            continue
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        dead = found["host"] == host and not _alive(int(found["pid"]))
        if not (dead or age > STALE_AFTER_S):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue
        removed.append(entry.name)
    return removed


def check_output_directory(out: str | os.PathLike[str]) -> Path:
    """``out`` must not exist or be an empty directory (checked before any work starts)."""
    target = Path(out).expanduser()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InvalidParameterError(
            f"`--out` {str(target)!r} must not exist or be an empty directory"
        )
    return target


@contextmanager
def atomic_directory(out: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary sibling directory; on success it is renamed to ``out``.

    On any failure the temporary directory is removed and ``out`` is left as it was.
    """
    target = check_output_directory(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(target.parent)
    tmp = Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        if target.exists():
            target.rmdir()
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextmanager
def atomic_path(path: str | os.PathLike[str], what: str = "a file") -> Iterator[str]:
    """Yield a temporary file name beside ``path``; when the block succeeds the file gets the
    usual permissions and replaces ``path``, when it fails it is removed and ``path`` is left as
    it was. ``what`` names the expected kind of file in the error for a directory."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise InvalidParameterError(f"`--out` {str(target)!r} is a directory; name {what}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_temporaries(target.parent)
        fd, tmp = tempfile.mkstemp(prefix=_prefix(target), suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise InvalidParameterError(
            f"`--out` {str(target)!r} cannot be written ({exc.strerror})"
        ) from None
    os.close(fd)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; an output is an ordinary file
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_file(path: Path, text: str, what: str = "a file") -> Path:
    """Write ``text`` to a temporary file beside ``path`` and rename it into place."""
    with atomic_path(path, what) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return Path(path).expanduser()
