"""Writing outputs atomically: a file or a directory appears whole, or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiinfra.exceptions import InvalidParameterError

__all__ = ["atomic_directory", "atomic_file", "atomic_path", "check_output_directory"]


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
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
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
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
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
