"""The DuckDB store: transactions, migrations, concurrent access."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from aiinfra.exceptions import MissingDataError, StoreError, StoreLockedError
from aiinfra.prices import CsvDirProvider
from aiinfra.store import SCHEMA_VERSION, Store
from tests.conftest import write_prices


@pytest.fixture
def three(tmp_path):
    for i, t in enumerate(["AAA", "BBB", "CCC"]):
        write_prices(tmp_path / "src", t, n=20 + i, seed=i)
    prov = CsvDirProvider(tmp_path / "src")
    return {t: prov.get(t) for t in prov.tickers()}


def snapshot(store: Store) -> pd.DataFrame:
    with store.reader() as con:
        return con.execute("SELECT * FROM prices ORDER BY ticker, date").df()


def test_import_read_and_list(tmp_path, three):
    store = Store(tmp_path / "h" / "s.duckdb")
    counts = store.import_prices((t, f, "test") for t, f in three.items())
    assert counts == {"AAA": 20, "BBB": 21, "CCC": 22}
    listing = store.list_prices()
    assert list(listing["ticker"]) == ["AAA", "BBB", "CCC"] and list(listing["rows"]) == [
        20,
        21,
        22,
    ]
    back = store.read_prices("BBB")
    pd.testing.assert_frame_equal(back, three["BBB"], check_freq=False)


def test_reimport_replaces_a_ticker(tmp_path, three):
    store = Store(tmp_path / "s.duckdb")
    store.import_prices((t, f, "test") for t, f in three.items())
    store.import_prices([("AAA", three["AAA"].iloc[:5], "again")])
    assert (
        dict(zip(store.list_prices()["ticker"], store.list_prices()["rows"], strict=True))["AAA"]
        == 5
    )


def test_failure_half_way_leaves_the_store_exactly_as_it_was(tmp_path, three):
    store = Store(tmp_path / "s.duckdb")
    store.import_prices([("AAA", three["AAA"], "first")])
    before = snapshot(store)

    def items():
        yield "BBB", three["BBB"], "second"
        yield "AAA", three["AAA"].iloc[:3], "would shrink AAA"
        raise RuntimeError("disk full (injected)")

    with pytest.raises(RuntimeError, match="injected"):
        store.import_prices(items())
    after = snapshot(store)
    pd.testing.assert_frame_equal(before, after)
    assert list(store.list_prices()["ticker"]) == ["AAA"]


def test_a_bad_frame_mid_import_rolls_back(tmp_path, three):
    store = Store(tmp_path / "s.duckdb")
    store.import_prices([("AAA", three["AAA"], "first")])
    before = snapshot(store)
    broken = three["CCC"].drop(columns=["volume"])
    with pytest.raises(Exception):  # noqa: B017 - the DuckDB binder error type is not ours
        store.import_prices([("BBB", three["BBB"], "ok"), ("CCC", broken, "broken")])
    pd.testing.assert_frame_equal(before, snapshot(store))


def test_schema_version_and_migration_are_recorded(tmp_path, three):
    store = Store(tmp_path / "s.duckdb")
    assert store.schema_version() == 0
    store.import_prices([])
    assert store.schema_version() == SCHEMA_VERSION
    with store.reader() as con:
        assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path):
    import duckdb

    path = tmp_path / "s.duckdb"
    Store(path).import_prices([])
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version VALUES (99, now())")
    con.close()
    with pytest.raises(StoreError, match="newer than this aiinfra"):
        Store(path).import_prices([])


def test_reading_a_missing_store_says_what_to_do(tmp_path):
    store = Store(tmp_path / "none.duckdb")
    with pytest.raises(MissingDataError, match="prices import"):
        store.read_prices("AAA")
    assert store.list_prices().empty
    assert not (tmp_path / "none.duckdb").exists()


HOLD = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
    print("held", flush=True)
    sys.stdin.readline()
    """
)


def _hold(path, mode):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_writer_gets_a_clear_error_and_the_file_survives(tmp_path, three):
    path = tmp_path / "s.duckdb"
    store = Store(path, lock_timeout=0.3)
    store.import_prices([("AAA", three["AAA"], "first")])
    before = snapshot(store)
    proc = _hold(path, "rw")
    try:
        with pytest.raises(StoreLockedError, match="has it open for writing") as err:
            store.import_prices([("BBB", three["BBB"], "second")])
        assert f"PID {proc.pid}" in str(err.value)
    finally:
        proc.communicate("\n", timeout=30)
    pd.testing.assert_frame_equal(before, snapshot(store))


def test_readers_can_share_while_nobody_writes(tmp_path, three):
    path = tmp_path / "s.duckdb"
    store = Store(path, lock_timeout=0.3)
    store.import_prices([("AAA", three["AAA"], "first")])
    proc = _hold(path, "ro")
    try:
        assert len(store.read_prices("AAA")) == 20
        # a reader blocks a writer in DuckDB; the message must not blame a writer
        with pytest.raises(StoreLockedError, match="is open read-only in") as err:
            store.import_prices([("BBB", three["BBB"], "second")])
        assert "for writing" not in str(err.value) and "Close that reader" in str(err.value)
    finally:
        proc.communicate("\n", timeout=30)


def test_a_writer_waits_for_a_short_lock_to_be_released(tmp_path, three):
    path = tmp_path / "s.duckdb"
    Store(path).import_prices([("AAA", three["AAA"], "first")])
    proc = _hold(path, "rw")
    import threading

    releaser = threading.Timer(0.5, lambda: proc.communicate("\n", timeout=30))
    releaser.start()
    try:
        counts = Store(path, lock_timeout=20).import_prices([("BBB", three["BBB"], "second")])
    finally:
        releaser.join()
    assert counts == {"BBB": 21}


def test_lock_error_is_exit_code_3():
    assert StoreLockedError.exit_code == 3


def test_merge_keeps_dates_outside_the_new_window(tmp_path, three):
    store = Store(tmp_path / "s.duckdb")
    store.import_prices([("AAA", three["AAA"], "csv")])
    window = three["AAA"].iloc[-5:] * 2.0
    counts = store.import_prices([("AAA", window, "fetch")], mode="merge")
    assert counts == {"AAA": 20}
    back = store.read_prices("AAA")
    pd.testing.assert_frame_equal(back.iloc[:-5], three["AAA"].iloc[:-5], check_freq=False)
    pd.testing.assert_frame_equal(back.iloc[-5:], window, check_freq=False)


def test_bad_mode_is_a_parameter_error(tmp_path):
    from aiinfra.exceptions import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="`mode`"):
        Store(tmp_path / "s.duckdb").import_prices([], mode="append")


def test_home_that_is_a_file_is_a_clear_error(tmp_path, three):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="--home"):
        Store(blocker / "s.duckdb").import_prices([("AAA", three["AAA"], "x")])


def test_a_store_file_without_schema_reads_as_empty(tmp_path):
    import duckdb

    path = tmp_path / "s.duckdb"
    duckdb.connect(str(path)).close()
    store = Store(path)
    assert store.list_prices().empty and store.schema_version() == 0
    with pytest.raises(MissingDataError):
        store.read_prices("AAA")
