"""The fast path of ``read_price_csv`` (pandas' C parser on plain files, issue 17) gives exactly
what the careful path (csv module, every cell as text) gives: the same frame bit for bit, the
same warnings, and, for anything else, the careful path's own error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aiinfra.exceptions import DataValidationError
from aiinfra.prices import read_price_csv
from aiinfra.prices._validation import _read_careful, _read_plain

HEADER = "date,open,high,low,close,adj_close,volume\n"


def _same(a: tuple[pd.DataFrame, list[str]], b: tuple[pd.DataFrame, list[str]]) -> None:
    pd.testing.assert_frame_equal(a[0], b[0], check_exact=True)
    assert a[0].to_numpy().tobytes() == b[0].to_numpy().tobytes()  # -0.0 and NaN bits too
    assert a[0].index.dtype == b[0].index.dtype and a[0].index.name == b[0].index.name
    assert a[0].index.asi8.tobytes() == b[0].index.asi8.tobytes()
    assert a[1] == b[1]


def _outcome(fn, *args):
    try:
        return fn(*args)
    except DataValidationError as exc:
        return ("error", str(exc))


def _check_file(path: Path) -> bool:
    """``read_price_csv`` against the careful path on one file; True when the fast path read it."""
    text = path.read_bytes().decode("utf-8-sig")
    label = str(path)
    got, want = _outcome(read_price_csv, label), _outcome(_read_careful, text, label)
    if isinstance(want[0], str):
        assert got == want
    else:
        _same(got, want)
    fast = _read_plain(text, label)
    if fast is not None:
        _same(fast, want)
    return fast is not None


def test_every_shared_file_reads_the_same_on_both_paths(shared_prices: Path):
    files = sorted(shared_prices.glob("*.csv"))
    assert files
    fast = [_check_file(p) for p in files]
    assert all(fast)  # every shared file is plain: the fast path is the one taken


def _number(rng: np.random.Generator, whole: bool = False) -> str:
    if whole:
        return str(int(rng.integers(0, 10 ** int(rng.integers(1, 16)))))
    ip = str(int(rng.integers(0, 10 ** int(rng.integers(0, 6)))))
    digits = "".join(str(d) for d in rng.integers(0, 10, size=int(rng.integers(0, 24))))
    return f"{ip}.{digits}" if digits or rng.random() < 0.5 else ip


@pytest.mark.parametrize("seed", range(12))
def test_random_plain_files_read_the_same_on_both_paths(tmp_path: Path, seed: int):
    """Long and short decimals, whole numbers, zero volumes, gaps and high/low warnings."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    days = pd.bdate_range("1990-01-01", periods=4 * n)[np.sort(rng.choice(4 * n, n, False))]
    rows = []
    for d in days:
        cells = [_number(rng) for _ in range(5)]
        cells = [c if float(c) > 0 else "1" for c in cells]
        rows.append(",".join([d.strftime("%Y-%m-%d"), *cells, _number(rng, whole=True)]))
    text = HEADER + "\n".join(rows) + ("\n" if seed % 2 else "")
    path = tmp_path / "R.csv"
    path.write_text(text)
    assert _check_file(path)


ROWS = "2024-01-02,1.5,2.5,1.25,2,1.9,100\n2024-01-03,1.5,2.5,1.25,2,1.9,0\n"
HOSTILE = {
    "signed zero volume": ROWS + "2024-01-04,1,1,1,1,1,-0\n",
    "signed zero price": ROWS + "2024-01-04,-0.0,1,1,1,1,1\n",
    "negative price": ROWS + "2024-01-04,-1,1,1,1,1,1\n",
    "zero price": ROWS + "2024-01-04,0,1,1,1,1,1\n",
    "plus sign": ROWS + "2024-01-04,+1.5,1,1,1,1,1\n",
    "exponent": ROWS + "2024-01-04,1e5,1,1,1,1,1\n",
    "huge exponent": ROWS + "2024-01-04,+54e170,1,1,1,1,1\n",
    "overflow": ROWS + "2024-01-04,1" + "0" * 400 + ",1,1,1,1,1\n",
    "2**53 volume": ROWS + "2024-01-04,1,1,1,1,1,9007199254740993\n",
    "2**64 volume": ROWS + "2024-01-04,1,1,1,1,1,18446744073709551617\n",
    "space": ROWS + "2024-01-04, 1,1,1,1,1,1\n",
    "crlf": ROWS.replace("\n", "\r\n"),
    "quoted": ROWS + '2024-01-04,"1",1,1,1,1,1\n',
    "open quote": ROWS + '2024-01-04,"1,1,1,1,1,1\n',
    "blank line": ROWS + "\n2024-01-04,1,1,1,1,1,1\n",
    "blank lines at the end": ROWS + "\n\n",
    "short row": ROWS + "2024-01-04,1,1,1,1,1\n",
    "long row": ROWS + "2024-01-04,1,1,1,1,1,1,1\n",
    "empty cell": ROWS + "2024-01-04,1,,1,1,1,1\n",
    "two dots": ROWS + "2024-01-04,1.2.3,1,1,1,1,1\n",
    "lone dot": ROWS + "2024-01-04,.,1,1,1,1,1\n",
    "hyphen inside a number": ROWS + "2024-01-04,1-2,1,1,1,1,1\n",
    "nan": ROWS + "2024-01-04,nan,1,1,1,1,1\n",
    "inf": ROWS + "2024-01-04,inf,1,1,1,1,1\n",
    "duplicate date": ROWS + "2024-01-03,1,1,1,1,1,1\n",
    "unsorted": ROWS + "2024-01-01,1,1,1,1,1,1\n",
    "bad date": ROWS + "2024-13-04,1,1,1,1,1,1\n",
    "short date": ROWS + "2024-1-4,1,1,1,1,1,1\n",
    "date pandas cannot hold": ROWS + "9999-12-31,1,1,1,1,1,1\n",
    "date before 1677": "1600-01-03,1,1,1,1,1,1\n" + ROWS,
    "date without hyphens": ROWS + "20240104,1,1,1,1,1,1\n",
    "NUL": ROWS + "2024-01-04,1\x00,1,1,1,1,1\n",
    "non-ASCII digit": ROWS + "2024-01-04,\u0661,1,1,1,1,1\n",
    "letters": ROWS + "2024-01-04,abc,1,1,1,1,1\n",
    "high below low": ROWS + "2024-01-04,1,1,2,1.5,1.5,1\n",
    "gap": ROWS + "2024-02-04,1,1,1,1,1,1\n",
    "header only": "",
    "no trailing newline": ROWS.rstrip("\n"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_get_the_careful_paths_result(tmp_path: Path, case: str):
    path = tmp_path / "H.csv"
    path.write_text(HEADER + HOSTILE[case], newline="")
    _check_file(path)


@pytest.mark.parametrize(
    "header",
    [
        "date,open,high,low,close,adj_close,volume,extra\n",
        "date,open,high,low,close,volume,adj_close\n",
        "date, open,high,low,close,adj_close,volume\n",
        "date,open,high,low,close,adj_close\n",
        "\ufeffdate,open,high,low,close,adj_close,volume\n",
        "date,open,open,low,close,adj_close,volume\n",
        "Date,Open,High,Low,Close,Adj_close,Volume\n",
    ],
)
def test_other_headers_get_the_careful_paths_result(tmp_path: Path, header: str):
    path = tmp_path / "V.csv"
    path.write_text(header + ROWS)
    _check_file(path)


def test_a_signed_zero_volume_is_read_as_the_careful_path_reads_it(tmp_path: Path):
    """``pd.to_numeric("-0")`` is +0.0; the C parser gives -0.0: such a file is not plain."""
    path = tmp_path / "Z.csv"
    path.write_text(HEADER + ROWS + "2024-01-04,1,1,1,1,1,-0\n")
    assert _read_plain(path.read_text(), str(path)) is None
    frame, _ = read_price_csv(str(path))
    assert not np.signbit(frame["volume"].to_numpy()).any()
