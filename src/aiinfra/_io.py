"""Writing output directories atomically: all files appear together, or none do."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiinfra.exceptions import InvalidParameterError

__all__ = ["atomic_directory", "atomic_file", "check_output_directory"]


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


def atomic_file(path: Path, text: str) -> Path:
    """Write ``text`` to a temporary file beside ``path`` and rename it into place."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise InvalidParameterError(f"`--out` {str(target)!r} is a directory; name a file")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise InvalidParameterError(
            f"`--out` {str(target)!r} cannot be written ({exc.strerror})"
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
