"""Hypothesis properties: the event replay, partial dates and price validation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.ledger import events_in_force, parse_partial_date
from aiinfra.prices import PRICE_COLUMNS, validate_prices

STATUSES = [
    "announced",
    "loi",
    "signed",
    "funded",
    "in_progress",
    "completed",
    "stalled",
    "terminated",
]
amount = st.one_of(st.none(), st.floats(min_value=0, max_value=1e3, allow_nan=False))


@st.composite
def event_tables(draw):
    n_flows = draw(st.integers(1, 4))
    rows = []
    line = 2
    for f in range(n_flows):
        days = sorted(draw(st.lists(st.integers(0, 2000), min_size=1, max_size=6, unique=True)))
        for d in days:
            rows.append(
                {
                    "flow_id": f"f{f}",
                    "date": (dt.date(2020, 1, 1) + dt.timedelta(days=d)).isoformat(),
                    "status": draw(st.sampled_from(STATUSES)),
                    "ceiling": draw(amount),
                    "committed": draw(amount),
                    "funded": draw(amount),
                    "_line": line,
                }
            )
            line += 1
    frame = pd.DataFrame(rows)
    frame["date_known"] = pd.to_datetime(frame["date"])
    for c in ("ceiling", "committed", "funded"):
        frame[c] = frame[c].astype("float64")
    # shuffle rows: the replay must not depend on file order for distinct dates
    return frame.sample(frac=1, random_state=draw(st.integers(0, 1000))).reset_index(drop=True)


@given(event_tables(), st.integers(0, 2200))
@settings(max_examples=150, deadline=None)
def test_replay_equals_last_non_empty_value_known_by_the_date(events, day):
    as_of = pd.Timestamp("2020-01-01") + pd.Timedelta(days=day)
    state = events_in_force(events, as_of)
    known = events[events["date_known"] <= as_of].sort_values(["flow_id", "date_known"])
    assert set(state.index) == set(known["flow_id"])
    for fid, g in known.groupby("flow_id"):
        assert state.at[fid, "status"] == g["status"].iloc[-1]
        for c in ("ceiling", "committed", "funded"):
            vals = g[c].dropna()
            want = vals.iloc[-1] if len(vals) else np.nan
            got = state.at[fid, c]
            assert (np.isnan(want) and np.isnan(got)) or want == got


@given(event_tables())
@settings(max_examples=50, deadline=None)
def test_replay_does_not_mutate_its_input(events):
    before = events.copy()
    events_in_force(events, pd.Timestamp("2022-01-01"))
    pd.testing.assert_frame_equal(events, before)


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["day", "month", "year"]),
)
def test_a_partial_date_contains_its_day_and_is_known_at_its_end(day, precision):
    text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": day.isoformat()[:4]}[
        precision
    ]
    d = parse_partial_date(text)
    assert d.start <= day <= d.end == d.known
    assert d.precision == precision


@given(st.lists(st.floats(min_value=0.01, max_value=1e5, allow_nan=False), min_size=1, max_size=40))
def test_valid_prices_round_trip(closes):
    dates = pd.bdate_range("2024-01-01", periods=len(closes)).strftime("%Y-%m-%d")
    raw = pd.DataFrame({"date": dates, **{c: closes for c in PRICE_COLUMNS}}).astype(str)
    frame, _ = validate_prices(raw, "p")
    assert len(frame) == len(closes)
    np.testing.assert_allclose(frame["close"].to_numpy(), np.array(closes))
