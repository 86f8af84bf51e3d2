"""Validated ledger and price files kept between runs under AIINFRA_HOME/cache (issue 17).

What is kept must be exactly what a fresh read gives, must never outlive a changed byte, must
never hold a failure, and must not be read from a directory another user could write.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pandas as pd
import pytest

from aiinfra._derived import DerivedCache, fingerprint
from aiinfra.config import get_settings
from aiinfra.exceptions import DataValidationError
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from aiinfra.prices._csv_dir import clear_csv_cache
from aiinfra.services import ledger as svc
from aiinfra.services import ledger_check
from tests.conftest import run_cli

HEADER = "date,open,high,low,close,adj_close,volume\n"


def _prices(folder: Path, close: str = "10.5") -> Path:
    folder.mkdir(exist_ok=True)
    rows = [f"2024-01-0{d},10,11,9,{close},{close},1000\n" for d in (2, 3, 4)]
    (folder / "AAA.csv").write_text(HEADER + "".join(rows))
    return folder


def test_a_kept_price_file_is_the_fresh_frame_and_a_new_byte_is_read_again(tmp_path):
    folder = _prices(tmp_path / "p")
    cache = DerivedCache(tmp_path / "cache")
    fresh = CsvDirProvider(folder).get("AAA")
    clear_csv_cache()
    first = CsvDirProvider(folder, cache=cache).get("AAA")  # reads, validates, keeps
    kept = list((tmp_path / "cache" / "prices").glob("*.pickle"))
    assert len(kept) == 1
    clear_csv_cache()  # a new process: only the kept entry remains
    again = CsvDirProvider(folder, cache=cache).get("AAA")
    for got in (first, again):
        pd.testing.assert_frame_equal(got, fresh, check_exact=True)
        assert got.index.dtype == fresh.index.dtype and got.index.name == "date"
    # the entry is what is read: a marker put into it comes back (so the test can fail)
    frame, warnings = pickle.loads(kept[0].read_bytes())
    kept[0].write_bytes(pickle.dumps((frame * 2, warnings)))
    clear_csv_cache()
    assert CsvDirProvider(folder, cache=cache).get("AAA")["close"].iloc[0] == 21.0
    # a changed byte is a new key: the file is read again
    _prices(folder, close="10.6")
    clear_csv_cache()
    assert CsvDirProvider(folder, cache=cache).get("AAA")["close"].iloc[0] == 10.6


def test_a_bad_price_file_is_never_kept(tmp_path):
    folder = _prices(tmp_path / "p")
    (folder / "AAA.csv").write_text(HEADER + "2024-01-02,10,11,9,-1,10,1000\n")
    cache = DerivedCache(tmp_path / "cache")
    for _ in range(2):
        clear_csv_cache()
        with pytest.raises(DataValidationError, match="must be > 0"):
            CsvDirProvider(folder, cache=cache).get("AAA")
    assert not list((tmp_path / "cache").rglob("*.pickle"))


def test_a_cache_others_can_write_is_not_read(tmp_path):
    cache = DerivedCache(tmp_path / "cache")
    key = fingerprint("test")
    cache.put("ledger", key, {"x": 1})
    assert cache.get("ledger", key) == {"x": 1}
    os.chmod(tmp_path / "cache", 0o777)
    assert cache.get("ledger", key) is None
    os.chmod(tmp_path / "cache", 0o700)
    os.chmod(tmp_path / "cache" / "ledger" / f"{key}.pickle", 0o666)
    assert cache.get("ledger", key) is None
    os.chmod(tmp_path / "cache" / "ledger" / f"{key}.pickle", 0o600)
    (tmp_path / "cache" / "ledger" / f"{key}.pickle").write_bytes(b"not a pickle")
    assert cache.get("ledger", key) is None  # damaged: a miss
    with pytest.raises(ValueError, match="bad kind or key"):
        cache.get("../x", key)


def test_the_kept_ledger_equals_a_fresh_load_and_follows_the_overlay(tmp_path):
    settings = get_settings(home=tmp_path / "home")
    fresh = load_ledger()
    first = svc.load(settings)
    k = ledger_check.key(None)
    assert k is not None
    assert (tmp_path / "home" / "cache" / "ledger" / f"{k}.pickle").is_file()
    kept = svc.load(settings)
    assert kept is not first  # unpickled, not the same object
    for name in ("companies", "flows", "flow_events", "financials", "scores", "figures"):
        pd.testing.assert_frame_equal(getattr(kept, name), getattr(fresh, name), check_exact=True)
    assert kept.validated_on == fresh.validated_on and kept.data_dirs == fresh.data_dirs
    # an overlay is another key; editing it is another key again
    mine = tmp_path / "mine"
    mine.mkdir()
    rows = (Path(fresh.data_dirs[0]) / "scores.csv").read_text().splitlines()
    (mine / "scores.csv").write_text(rows[0] + "\n" + rows[1] + "\n")
    assert len(svc.load(settings, str(mine)).overrides) == 1
    cells = rows[1].split(",")
    cells[1] = "2025-13-45"
    (mine / "scores.csv").write_text(rows[0] + "\n" + ",".join(cells) + "\n")
    with pytest.raises(DataValidationError, match="as_of"):
        svc.load(settings, str(mine))


def test_the_command_line_reads_the_kept_files_and_prints_the_same(shared_prices, tmp_path):
    args = ("--prices", str(shared_prices), "index", "backtest", "--start", "2024-01-01",
            "--end", "2024-12-31", "--benchmark", "QQQ")  # fmt: skip
    env = {"AIINFRA_HOME": str(tmp_path / "home")}
    first = run_cli(*args, env=env)
    assert first.returncode == 0, first.stderr
    n_files = len(list((tmp_path / "home" / "cache" / "prices").glob("*.pickle")))
    assert n_files >= 10 and (tmp_path / "home" / "cache" / "ledger").is_dir()
    second = run_cli(*args, env=env)
    assert second.returncode == 0 and second.stdout == first.stdout
