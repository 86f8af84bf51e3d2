"""A deal signed before it was public: the event keeps its signing date, `reported` and the
flow's `announced` carry the first public date, and point-in-time views follow the latter
(issue 15's random samples: f061, c035, f124)."""

from __future__ import annotations

import pytest

from aiinfra.ledger import load_ledger


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


@pytest.mark.parametrize(
    ("flow", "before", "after"),
    [("f061", "2025-11-30", "2025-12-31"), ("c035", "2026-02-15", "2026-04-15")],
)
def test_a_buyer_named_later_is_unknown_before_it_was_named(ledger, flow, before, after):
    assert flow not in set(ledger.as_of(before).flows["id"])
    assert flow in set(ledger.as_of(after).flows["id"])


def test_an_amount_reported_later_counts_from_its_report(ledger):
    def committed(day: str) -> float:
        f = ledger.as_of(day).flows.set_index("id")
        return float(f.at["f124", "committed"]) if "f124" in f.index else float("nan")

    mid = committed("2024-06-30")
    assert mid != mid or mid == 0  # known as a deal, no amount yet
    assert committed("2024-12-31") == 10
