"""The report's circularity history is computed once per process for the same ledger tables."""

from __future__ import annotations

import pandas as pd

from aiinfra import load_ledger
from aiinfra.services import report_sections as rs


def test_equal_tables_share_a_fingerprint_and_a_changed_cell_does_not():
    a, b = load_ledger(), load_ledger()
    assert a is not b
    assert rs._ledger_fingerprint(a) == rs._ledger_fingerprint(b)
    changed = load_ledger()
    changed.flows.loc[changed.flows.index[0], "committed"] = 12345.0  # the table itself
    assert rs._ledger_fingerprint(changed) != rs._ledger_fingerprint(a)


def test_a_kept_history_equals_a_fresh_one_and_is_handed_out_as_a_copy(monkeypatch):
    monkeypatch.setattr(rs, "_KEPT", rs.OrderedDict())
    led = load_ledger()
    first = rs.report_history(led, "2020-06-30", samples=5, seed=3)
    assert len(rs._KEPT) == 1
    frame = first.history.frame
    numeric = frame.select_dtypes("float").columns
    assert len(numeric) > 0
    frame.loc[:, numeric] = float("nan")  # a caller changing what it got
    again = rs.report_history(load_ledger(), "2020-06-30", samples=5, seed=3)
    assert len(rs._KEPT) == 1  # kept, not recomputed
    monkeypatch.setattr(rs, "_KEPT", rs.OrderedDict())
    fresh = rs.report_history(led, "2020-06-30", samples=5, seed=3)
    pd.testing.assert_frame_equal(again.history.frame, fresh.history.frame, check_exact=True)
    assert fresh.history.frame["p_value_role"].notna().any()
