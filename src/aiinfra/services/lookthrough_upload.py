"""A holdings file uploaded to the dashboard, looked through (:mod:`aiinfra.services.lookthrough`).

The upload arrives as a ``data:`` URL (``dcc.Upload``); it is decoded, written to a private
temporary file (the client names no path) and read by :func:`aiinfra.lookthrough.read_holdings`
under the uploaded file's name.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
from pathlib import Path
from typing import Any

from aiinfra.exceptions import InvalidParameterError
from aiinfra.lookthrough import read_holdings
from aiinfra.services.lookthrough import compose

__all__ = ["MAX_BYTES", "compose_upload"]

#: the largest upload read (a full fund's holdings are well under 1 MB)
MAX_BYTES = 5_000_000


def compose_upload(
    contents: str, filename: str, ledger: Any, as_of: object = None, *,
    prices: Any = None, fx: Any = None,
) -> Any:  # fmt: skip
    """:func:`aiinfra.services.lookthrough.compose` on an uploaded file.

    Parameters
    ----------
    contents : str
        ``data:<type>;base64,<payload>`` as ``dcc.Upload`` sends it.
    filename : str
        The uploaded file's name (used in messages and as the fund's label only).

    Raises
    ------
    InvalidParameterError
        Naming the file: not a base64 data URL, larger than :data:`MAX_BYTES`, or any error
        of :func:`~aiinfra.lookthrough.read_holdings`.
    """
    name = Path(str(filename or "upload.csv")).name
    head, sep, payload = str(contents).partition(",")
    if not sep or ";base64" not in head:
        raise InvalidParameterError(f"{name}: the upload is not a base64 data URL")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidParameterError(f"{name}: the upload is not valid base64") from None
    if len(raw) > MAX_BYTES:
        raise InvalidParameterError(f"{name}: {len(raw)} bytes; at most {MAX_BYTES} are read")
    with tempfile.TemporaryDirectory(prefix="aiinfra-upload-") as tmp:
        path = Path(tmp) / "holdings.csv"
        path.write_bytes(raw)
        holdings = read_holdings(path, label=name)
    return compose(holdings, ledger, as_of, prices=prices, fx=fx)
