"""``aiinfra.services.diff``: what changed between two dates (issue 16, part 4).

A tiny ledger built here (a base with the mini ledger's companies, scores and financials and no
deals, and an overlay directory with eight deals and their events) where every change is known
by hand; then the bundled ledger, whose counts are recomputed here from its as-of views.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil

import networkx as nx
import pandas as pd
import pytest

from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows import find_cycles, flow_graph
from aiinfra.ledger import load_ledger
from aiinfra.services.diff import (
    DEAL_CHANGES,
    IndexSide,
    check_dates,
    cycle_changes,
    deal_changes,
    diff,
    index_in_force,
    weight_changes,
)
from tests.conftest import FIXTURES

D1, D2 = "2025-06-30", "2025-12-31"
TODAY = dt.date(2026, 12, 4)

FLOW_HEADER = (
    "id,payer,payee,type,flow_layer,ceiling,committed,funded,horizon_years,announced,supersedes,"
    "obligation,obligation_role,source_tier,source,source_date,notes"
)
EVENT_HEADER = "flow_id,date,status,ceiling,committed,funded,reported,source,notes"

# a1 nvidia→openai   10, restated to 12 on 2025-09-01 (and to 15 on 2025-12-20, reported only
#                    on 2026-01-10: unknown on D2)
# a2 openai→oracle   30 over 5 years, stalled 2025-10-01
# a3 oracle→nvidia    5
# a4 tsmc→oracle      7
# a5 nvidia→tsmc      3, announced 2025-08-01 (in the window): closes nvidia→tsmc→oracle→nvidia
# a6 microsoft→coreweave 8, terminated 2025-11-01
# a7 microsoft→nvidia 4, completed 2025-07-15 with 4 funded
# a8 openai→microsoft 20, announced 2026-01-15 (after D2): would close microsoft→nvidia→openai
FLOWS = f"""{FLOW_HEADER}
a1,nvidia,openai,equity_investment,equity,,15,,,2025-01-15,,,,press,https://example.org/a1,2025-01-15,
a2,openai,oracle,cloud_compute_commitment,compute,,30,,5,2025-02-01,,,,press,https://example.org/a2,2025-02-01,
a3,oracle,nvidia,chip_purchase,cash,,5,,,2025-03-01,,,,press,https://example.org/a3,2025-03-01,
a4,tsmc,oracle,compute_capacity_lease,compute,,7,,,2025-04-01,,,,press,https://example.org/a4,2025-04-01,
a5,nvidia,tsmc,chip_purchase,cash,,3,,,2025-08-01,,,,press,https://example.org/a5,2025-08-01,
a6,microsoft,coreweave,compute_capacity_lease,compute,,8,,,2025-02-15,,,,press,https://example.org/a6,2025-02-15,
a7,microsoft,nvidia,chip_purchase,cash,,4,4,,2025-05-01,,,,press,https://example.org/a7,2025-05-01,
a8,openai,microsoft,cloud_compute_commitment,compute,,20,,,2026-01-15,,,,press,https://example.org/a8,2026-01-15,
"""
EVENTS = f"""{EVENT_HEADER}
a1,2025-01-15,signed,,10,,,https://example.org/a1,
a1,2025-09-01,signed,,12,,,https://example.org/a1b,restated
a1,2025-12-20,signed,,15,,2026-01-10,https://example.org/a1c,reported later
a2,2025-02-01,signed,,30,,,https://example.org/a2,
a2,2025-10-01,stalled,,,,,https://example.org/a2b,on hold
a3,2025-03-01,signed,,5,,,https://example.org/a3,
a4,2025-04-01,signed,,7,,,https://example.org/a4,
a5,2025-08-01,signed,,3,,,https://example.org/a5,
a6,2025-02-15,signed,,8,,,https://example.org/a6,
a6,2025-11-01,terminated,,,,,https://example.org/a6b,cancelled
a7,2025-05-01,signed,,4,,,https://example.org/a7,
a7,2025-07-15,completed,,,4,,https://example.org/a7b,delivered
a8,2026-01-15,signed,,20,,,https://example.org/a8,
"""
COMPANIES = """id,name,ticker,alt_tickers,country,listed,layer,category,notes,source
microsoft,Microsoft,MSFT,,US,true,hyperscaler,C7,cloud,https://www.microsoft.com/investor
coreweave,CoreWeave,CRWV,,US,true,neocloud,C7,neocloud,https://investors.coreweave.com
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("base")
    for f in (FIXTURES / "mini_ledger").glob("*.csv"):
        shutil.copy(f, base / f.name)
    (base / "flows.csv").write_text(FLOW_HEADER + "\n")
    (base / "flow_events.csv").write_text(EVENT_HEADER + "\n")
    overlay = tmp_path_factory.mktemp("overlay")
    (overlay / "flows.csv").write_text(FLOWS)
    (overlay / "flow_events.csv").write_text(EVENTS)
    (overlay / "companies.csv").write_text(COMPANIES)
    return load_ledger(overlay, base=base, today=TODAY)


@pytest.fixture(scope="module")
def tiny_diff(tiny):
    return diff(tiny, D1, D2, today=TODAY)


# --- the tiny ledger, by hand -----------------------------------------------------------------


def test_deals_added_restated_stalled_terminated_completed(tiny_diff):
    t = tiny_diff.deals
    got = {(r.change, r.flow_id) for r in t.itertuples()}
    assert got == {
        ("added", "a5"),  # announced 2025-08-01, in (D1, D2]
        ("restated", "a1"),  # committed 10 → 12
        ("restated", "a7"),  # funded – → 4 (paid out)
        ("stalled", "a2"),
        ("terminated", "a6"),
        ("completed", "a7"),
    }
    assert list(t["change"]) == ["added", "restated", "restated", "stalled", "terminated",
                                 "completed"]  # fmt: skip
    assert tiny_diff.counts()["deals"] == {
        "added": 1, "restated": 2, "stalled": 1, "terminated": 1, "completed": 1,
    }  # fmt: skip


def test_restatements_show_old_and_new_amounts(tiny_diff):
    t = tiny_diff.deals.set_index(["change", "flow_id"])
    a1 = t.loc[("restated", "a1")]
    # the restatement to 15 was reported on 2026-01-10: D2 (2025-12-31) knows 12
    assert (a1["committed_d1"], a1["committed_d2"], a1["restated"]) == (10.0, 12.0, "committed")
    a7 = t.loc[("restated", "a7")]
    assert math.isnan(a7["funded_d1"]) and a7["funded_d2"] == 4.0 and a7["restated"] == "funded"
    assert a7["committed_d1"] == a7["committed_d2"] == 4.0
    a2 = t.loc[("stalled", "a2")]
    assert (a2["status_d1"], a2["status_d2"], a2["status_date_d2"]) == (
        "signed", "stalled", "2025-10-01",
    )  # fmt: skip
    added = t.loc[("added", "a5")]
    assert added["status_d1"] is None or pd.isna(added["status_d1"])
    assert added["committed_d2"] == 3.0


def test_no_time_no_change(tiny):
    view = tiny.as_of(D2)
    t = deal_changes(view, view)
    assert t.empty and "restated" in t.columns and "counted_d2" in t.columns


def test_a_deal_announced_after_d2_is_not_seen(tiny_diff):
    assert "a8" not in set(tiny_diff.deals["flow_id"])
    assert "microsoft" not in tiny_diff.cycles["cycle"].str.cat()


def test_the_cycle_broken_by_the_stall_closes_and_the_new_one_appears(tiny_diff):
    c = tiny_diff.cycles
    assert list(zip(c["change"], c["cycle"], strict=True)) == [
        ("appeared", "nvidia → tsmc → oracle → nvidia"),  # a5 closes the loop a5, a4, a3
        ("closed", "nvidia → openai → oracle → nvidia"),  # a2 (openai → oracle) stalled
    ]
    appeared, closed = c.iloc[0], c.iloc[1]
    assert appeared["bottleneck_d2"] == 3.0  # min(3, 7, 5)
    assert math.isnan(appeared["bottleneck_d1"])
    assert (appeared["changed_edges"], appeared["changed_flows"]) == ("nvidia → tsmc", "a5")
    assert closed["bottleneck_d1"] == 5.0  # min(10, 30, 5)
    assert (closed["changed_edges"], closed["changed_flows"]) == ("openai → oracle", "a2")
    assert tiny_diff.counts()["cycles"] == {"d1": 1, "d2": 1, "appeared": 1, "closed": 1}


def test_gap_and_stress_then_and_now(tiny_diff):
    g = tiny_diff.gap_stress.set_index(["part", "item", "measure"])
    # the mini ledger's capex figure is published 2026-06-10: no gap on either date, and why
    assert g.loc["gap"][["value_d1", "value_d2"]].isna().all().all()
    assert sum(n.startswith("gap 2025 on ") for n in tiny_diff.notes) == 2
    lab = g.loc[("stress", "lab_default", "total_loss")]
    # D1: OpenAI stops 60 % of a2, 30 over 5 years = 6 a year → Oracle loses 3.6 (no revenue
    # figure: unresolved, nothing propagates); D2: a2 stalled, nothing left to stop
    assert lab["value_d1"] == pytest.approx(0.6 * 30 / 5, abs=1e-12)
    assert lab["value_d2"] == pytest.approx(0.0, abs=1e-12)
    assert lab["difference"] == pytest.approx(-3.6, abs=1e-12)
    # no index on either date (no score vintage on D1; two scored names cannot meet the caps on
    # D2): the index impact is unknown, not zero
    assert g.xs("index_impact", level="measure")[["value_d1", "value_d2"]].isna().all().all()
    assert not any(s.available for s in tiny_diff.index_sides)
    assert tiny_diff.index.empty


def test_stress_figures_are_those_of_aiinfra_stress_on_each_date(tiny, tiny_diff):
    import aiinfra

    g = tiny_diff.gap_stress.set_index(["part", "item", "measure"])
    for day, col in ((D1, "value_d1"), (D2, "value_d2")):
        r = aiinfra.stress(tiny, "capex_cut", as_of=day, weights={})
        assert g.loc[("stress", "capex_cut", "total_loss"), col] == pytest.approx(
            float(r.companies["loss_usd"].sum()), rel=1e-12
        )


def test_to_dict_is_json_ready(tiny_diff):
    import json

    d = tiny_diff.to_dict()
    text = json.dumps(d, allow_nan=False)  # NaN would raise: every NaN became null
    assert d["date1"] == D1 and d["date2"] == D2 and d["year"] == 2025
    assert [r["flow_id"] for r in d["deals"]] == list(tiny_diff.deals["flow_id"])
    assert d["counts"] == tiny_diff.counts() and "NaN" not in text


# --- the parts on hand-made inputs ------------------------------------------------------------


def test_weight_changes_by_hand():
    a = IndexSide(pd.Series({"x": 0.5, "y": 0.3, "w": 0.2}), "D1")
    b = IndexSide(pd.Series({"x": 0.4, "z": 0.4, "w": 0.2}), "D2")
    t = weight_changes(a, b).set_index("id")
    assert t.loc["z", "change"] == "added" and t.loc["z", "difference"] == pytest.approx(0.4)
    assert t.loc["y", "change"] == "deleted" and t.loc["y", "difference"] == pytest.approx(-0.3)
    assert t.loc["x", "change"] == "reweighted"
    assert t.loc["x", "difference"] == pytest.approx(-0.1, abs=1e-15)  # 0.4 − 0.5
    assert t.loc["w", "change"] == "unchanged" and t.loc["w", "difference"] == 0.0
    assert list(t.index) == ["z", "y", "x", "w"]  # added, deleted, reweighted, unchanged
    # the differences sum to 0: both indexes are fully invested
    assert t["difference"].sum() == pytest.approx(0.0, abs=1e-15)


def test_weight_changes_without_an_index_on_one_side_compare_nothing():
    a = IndexSide(pd.Series(dtype=float), "no index", available=False)
    b = IndexSide(pd.Series({"x": 1.0}), "D2")
    t = weight_changes(a, b)
    assert t["change"].isna().all() and t["difference"].isna().all()
    assert t["weight_d2"].tolist() == [1.0]


def test_cycles_compare_rotations_and_direction():
    g1 = nx.DiGraph([("b", "c"), ("c", "a"), ("a", "b")])  # a → b → c → a
    g2 = nx.DiGraph([("c", "a"), ("a", "b"), ("b", "c"), ("a", "c"), ("c", "b"), ("b", "a")])
    t = cycle_changes(g1, g2)
    # the same cycle written from another node is no change; the reverse direction is new
    assert t[["change", "cycle"]].values.tolist() == [["appeared", "a → c → b → a"]]
    assert t["changed_edges"].tolist() == ["a → c; c → b; b → a"]
    assert cycle_changes(g2, g1)["change"].tolist() == ["closed"]
    assert cycle_changes(g1, g1).empty


@pytest.mark.parametrize(
    ("d1", "d2", "match"),
    [
        ("2026-06-30", "2025-06-30", "`date1` .* must be before `date2`"),
        ("2025-06-30", "2025-06-30", "`date1` .* must be before `date2`"),
        ("2025-06-30", "2026-12-05", "`date2` .* is in the future"),
        ("2026-12-05", "2026-12-06", "`date1` .* is in the future"),
        ("2025-13-01", "2026-06-30", "`date1`"),
        ("yesterday", "2026-06-30", "`date1`"),
        ("1899-12-31", "2026-06-30", "`date1` must lie between"),
    ],
)
def test_bad_dates_name_the_parameter(d1, d2, match):
    with pytest.raises(InvalidParameterError, match=match):
        check_dates(d1, d2, today=TODAY)


def test_max_length_below_three_is_refused(tiny):
    with pytest.raises(InvalidParameterError, match="`max_length`"):
        diff(tiny, D1, D2, max_length=2, today=TODAY)


# --- the bundled ledger -----------------------------------------------------------------------

B1, B2 = "2025-06-30", "2026-06-30"


@pytest.fixture(scope="module")
def bundled():
    return load_ledger()


@pytest.fixture(scope="module")
def bundled_diff(bundled):
    return diff(bundled, B1, B2)


def test_bundled_counts_equal_those_of_the_as_of_views(bundled, bundled_diff):
    f1 = bundled.as_of(B1).flows.set_index("id")
    f2 = bundled.as_of(B2).flows.set_index("id")
    both = f1.index
    expected = {
        "added": len(f2.index.difference(f1.index)),
        "restated": sum(
            any(
                not (pd.isna(f1.at[i, c]) and pd.isna(f2.at[i, c])) and f1.at[i, c] != f2.at[i, c]
                for c in ("ceiling", "committed", "funded")
            )
            for i in both
        ),
        **{
            s: int(((f2["status"] == s) & (f1["status"].reindex(f2.index) != s)).sum())
            for s in ("stalled", "terminated", "completed")
        },
    }
    assert bundled_diff.counts()["deals"] == expected
    assert expected["added"] > 0 and expected["restated"] > 0 and expected["stalled"] > 0
    t = bundled_diff.deals
    assert set(t.loc[t["change"] == "added", "flow_id"]) == set(f2.index.difference(f1.index))
    assert list(dict.fromkeys(t["change"])) == [c for c in DEAL_CHANGES if expected[c]]


@pytest.mark.parametrize(
    ("d1", "d2", "kind"),
    # a year in which cycles appeared; a month in which NVIDIA's OpenAI LOI (f008) stalled
    [(B1, B2, "appeared"), ("2025-12-31", "2026-01-31", "closed")],
)
def test_bundled_cycles_equal_those_of_the_two_graphs(bundled, d1, d2, kind):
    def keys(day):
        return {c.nodes for c in find_cycles(flow_graph(bundled, day, "committed"), 5)}

    k1, k2 = keys(d1), keys(d2)
    c = cycle_changes(flow_graph(bundled, d1), flow_graph(bundled, d2))
    assert (c["change"] == "appeared").sum() == len(k2 - k1)
    assert (c["change"] == "closed").sum() == len(k1 - k2)
    assert (c["change"] == kind).sum() > 0
    if kind == "closed":  # every closed cycle lost a payment whose deal stalled in the window
        stalled = deal_changes(bundled.as_of(d1), bundled.as_of(d2)).query("change == 'stalled'")
        for flows in c["changed_flows"]:
            assert set(flows.split(";")) <= set(stalled["flow_id"])


def test_bundled_cycle_counts(bundled, bundled_diff):
    n = sum(1 for _ in find_cycles(flow_graph(bundled, B2, "committed"), 5))
    assert bundled_diff.counts()["cycles"]["d2"] == n
    counts = bundled_diff.counts()["cycles"]
    assert counts["appeared"] + counts["closed"] == len(bundled_diff.cycles)


def test_bundled_gap_then_and_now_is_aiinfra_gap(bundled, bundled_diff):
    from aiinfra.roi_gap import gap

    g = bundled_diff.gap_stress.set_index(["part", "measure"]).loc["gap"]
    assert bundled_diff.year == 2026
    for day, col in ((B1, "value_d1"), (B2, "value_d2")):
        row = gap(bundled, 2026, as_of=day).row()
        for m in ("capex", "required", "revenue", "gap", "coverage"):
            want = row[m]
            got = g.loc[m, col]
            assert (want is None and math.isnan(got)) or got == want, (day, m)


def test_house_view_weights_only_from_a_vintage_known_on_the_date(bundled):
    from aiinfra.index import house_view_weights, load_methodology

    first = bundled.scores["as_of"].min()
    before = index_in_force(bundled, first - pd.Timedelta(days=1))
    assert not before.available and "no house score vintage known" in before.label
    after = index_in_force(bundled, first)
    assert after.available and "house-view weights" in after.label
    expected = house_view_weights(bundled, load_methodology(), first)
    pd.testing.assert_series_equal(after.weights, expected)


def test_bundled_index_with_prices_is_the_review_in_force(bundled, shared_prices):
    from aiinfra.index import load_methodology
    from aiinfra.prices import CsvDirProvider
    from aiinfra.services.index import form_index

    get = CsvDirProvider(str(shared_prices)).get
    d = diff(bundled, B1, B2, prices=get)
    views = [
        # the reviews in force: 2025-06 (effective 2025-06-20), 2026-06 (effective 2026-06-18)
        form_index(bundled, get, load_methodology(), pd.Timestamp(cut), with_backtest=False)
        for cut in ("2025-05-30", "2026-05-29")
    ]
    w1, w2 = (v.weights() for v in views)
    t = d.index.set_index("id")
    assert set(t.index[t["change"] == "added"]) == set(w2.index) - set(w1.index)
    assert set(t.index[t["change"] == "deleted"]) == set(w1.index) - set(w2.index)
    kept = sorted(set(w1.index) & set(w2.index))
    assert t.loc[kept, "difference"].to_numpy() == pytest.approx(
        (w2[kept] - w1[kept]).to_numpy(), abs=1e-15
    )
    assert [s.review for s in d.index_sides] == ["2025-06", "2026-06"]
    impact = d.gap_stress.set_index(["part", "measure"]).xs("index_impact", level="measure")
    assert impact[["value_d1", "value_d2"]].notna().all().all()
