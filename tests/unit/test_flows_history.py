"""Circularity over time (issue 16, part 2): `aiinfra.flows.history` and its service.

A tiny ledger whose cycle closes in one quarter and is terminated in the next, computed by hand;
the seed per date; the bundled ledger from 2019 against a networkx oracle; the drawdowns against
the shared prices.
"""

from __future__ import annotations

import math
import shutil

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from aiinfra.config import get_settings
from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows import date_seed, flow_graph, history, significance
from aiinfra.ledger import load_ledger
from aiinfra.services import flows_history as svc
from tests.conftest import SHARED

FLOWS = """\
id,payer,payee,type,flow_layer,ceiling,committed,funded,horizon_years,announced,supersedes,obligation,obligation_role,source_tier,source,source_date,notes
f1,nvidia,openai,equity_investment,equity,,10,,,2025-02-10,,,,company,https://example.org/1,2025-02-10,
f2,openai,oracle,cloud_compute_commitment,compute,,8,,,2025-03-05,,,,press,https://example.org/2,2025-03-05,
f3,oracle,nvidia,chip_purchase,cash,,4,,,2025-05-20,,,,press,https://example.org/3,2025-05-20,
f4,oracle,tsmc,chip_purchase,cash,,2,,,2025-06-02,,,,press,https://example.org/4,2025-06-02,
f5,openai,nvidia,chip_purchase,cash,,1,,,2025-07-15,,,,press,https://example.org/6,2025-07-15,
"""
EVENTS = """\
flow_id,date,status,ceiling,committed,funded,source,notes
f3,2025-05-20,signed,,4,,https://example.org/3,
f3,2025-08-15,terminated,,,,https://example.org/5,cancelled
"""
Q1, Q2, Q3 = pd.Timestamp("2025-03-31"), pd.Timestamp("2025-06-30"), pd.Timestamp("2025-09-30")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, request):
    """nvidia → openai 10 (Feb), openai → oracle 8 (Mar): a chain in Q1. oracle → nvidia 4
    (May) closes the cycle in Q2, oracle → tsmc 2 (June) leaks from it; the May deal is
    terminated in August, so Q3 has no cycle of three again, only the pair nvidia ⇄ openai
    (openai → nvidia 1, July)."""
    base = tmp_path_factory.mktemp("tiny") / "ledger"
    shutil.copytree(request.config.rootpath / "tests" / "fixtures" / "mini_ledger", base)
    (base / "flows.csv").write_text(FLOWS)
    (base / "flow_events.csv").write_text(EVENTS)
    return load_ledger(base=base)


def test_the_cycle_that_closes_in_q2_and_ends_in_q3_by_hand(tiny):
    h = history(tiny, start="2025", end="2025-09-30", samples=30, seed=3)
    f = h.frame
    assert list(f.index) == [Q1, Q2, Q3]
    # Q1: the chain nvidia → openai → oracle: no cycle, nothing recycled
    assert f.loc[Q1, ["companies", "edges", "amount"]].tolist() == [3, 2, 18.0]
    assert f.loc[Q1, ["cycling_index", "cycles", "cycle_volume", "cycle_share"]].tolist() == [
        0.0, 0, 0.0, 0.0]  # fmt: skip
    assert f.loc[Q1, "p_value"] == 1.0  # every null graph is at least as circular as 0
    # Q2: in = (nvidia 4, openai 10, oracle 8, tsmc 2), out = (10, 8, 6, 0), so the
    # throughflows max(in, out) are (10, 10, 8, 2), TST = 30. A dollar through nvidia goes to
    # openai (10/10), then oracle (8/10), then back to nvidia (4/8): it returns with
    # probability 1 · 0.8 · 0.5 = 0.4, and so for openai and oracle (one cycle, so n_ii − 1)/n_ii
    # is that first-return probability). TST_c = 0.4 · (10 + 10 + 8) = 11.2; CI = 11.2/30 = 28/75.
    assert f.loc[Q2, "cycling_index"] == pytest.approx(28 / 75, rel=1e-12)
    # the three edges of the cycle carry 10 + 8 + 4 = 22 of the 24; oracle → tsmc is on none
    assert f.loc[Q2, ["cycles", "cycle_edges", "cycle_volume", "amount"]].tolist() == [
        1, 3, 22.0, 24.0]  # fmt: skip
    assert f.loc[Q2, "cycle_share"] == pytest.approx(22 / 24, rel=1e-12)
    assert f.loc[Q2, "bottleneck_volume"] == 4.0  # the smallest amount on the cycle
    # Q3: oracle → nvidia terminated; openai pays nvidia 1: a reciprocal pair, no cycle of 3+.
    # in = (nvidia 1, openai 10, oracle 8, tsmc 2), out = (10, 9, 2, 0), T = (10, 10, 8, 2);
    # a dollar through nvidia comes back via openai with probability 1 · 1/10, and one through
    # openai via nvidia with 1/10 · 1: TST_c = 0.1 · 10 + 0.1 · 10 = 2, CI = 2/30.
    assert f.loc[Q3, "cycling_index"] == pytest.approx(1 / 15, rel=1e-12)
    assert f.loc[Q3, ["companies", "edges", "amount", "reciprocal_pairs"]].tolist() == [
        4, 4, 21.0, 1]  # fmt: skip
    # the pair is no cycle of find_cycles: it adds nothing to the volume (its netted 1 is in
    # the bottleneck volume)
    assert f.loc[Q3, ["cycles", "cycle_edges", "cycle_volume", "cycle_share"]].tolist() == [
        0, 0, 0.0, 0.0]  # fmt: skip
    assert f.loc[Q3, "bottleneck_volume"] == 1.0


def test_the_self_funded_shares_of_the_largest_receivers_by_hand(tiny):
    h = history(tiny, start="2025", end="2025-09-30", samples=5)
    # inflows on 2025-09-30: openai 10, oracle 8, tsmc 2, nvidia 1
    assert list(h.top.index) == ["openai", "oracle", "tsmc", "nvidia"]
    assert h.top["inflow"].tolist() == [10.0, 8.0, 2.0, 1.0]
    s = h.self_funded
    # share = return probability · T / inflow. Q2: openai 0.4 · 10/10, oracle 0.4 · 8/8, tsmc
    # on no cycle 0, nvidia 0.4 · 10/4 = 1 (all it receives is its own money). Q3: openai and
    # nvidia 0.1 · 10 over 10 and 1. Q1: nothing comes back; tsmc is not in the graph yet and
    # nvidia receives nothing: NaN.
    assert s.loc[Q2].tolist() == pytest.approx([0.4, 0.4, 0.0, 1.0], rel=1e-12)
    assert s.loc[Q3].tolist() == pytest.approx([0.1, 0.0, 0.0, 1.0], rel=1e-12)
    assert s.loc[Q1, ["openai", "oracle"]].tolist() == [0.0, 0.0]
    assert s.loc[Q1, ["tsmc", "nvidia"]].isna().all()
    assert list(h.to_frame().columns[-4:]) == [
        "self_funded_openai", "self_funded_oracle", "self_funded_tsmc", "self_funded_nvidia"]  # fmt: skip
    assert list(history(tiny, "2025", "2025-09-30", samples=5, top=1).top.index) == ["openai"]


def test_monthly_ends_see_the_pure_cycle_of_may(tiny):
    h = history(tiny, start="2025-01", end="2025-09", freq="M", samples=5)
    assert len(h.frame) == 9 and h.frame.index[-1] == Q3
    may = h.frame.loc["2025-05-31"]
    # only the three cycle edges (tsmc comes in June): T = (10, 10, 8), all of it returns with
    # probability 0.4, so CI = 0.4 exactly
    assert may["cycling_index"] == pytest.approx(0.4, rel=1e-12)
    assert may["cycle_volume"] == 22.0 and may["cycle_share"] == 1.0
    assert h.frame.loc["2025-04-30", "cycle_volume"] == 0.0
    assert list(history(tiny, "2025", "2025", freq="Y", samples=5).frame.index) == [
        pd.Timestamp("2025-12-31")]  # fmt: skip


def test_the_p_value_is_reproducible_with_the_seed(tiny):
    a = history(tiny, start="2025", end="2025-09-30", samples=40, seed=11)
    b = history(tiny, start="2025", end="2025-09-30", samples=40, seed=11)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert _nan_equal(a.to_dict(), b.to_dict())
    # each date's seed depends on the base seed and the date only: the Q2 row is the same in a
    # window that starts in Q2, and significance() with that seed gives the same p-value
    s = date_seed(11, Q2)
    assert a.frame.loc[Q2, "seed"] == s
    later = history(tiny, start="2025-04-01", end="2025-06-30", samples=40, seed=11)
    pd.testing.assert_series_equal(later.frame.loc[Q2], a.frame.loc[Q2])
    direct = significance(flow_graph(tiny, Q2), samples=40, seed=s, model="degree")
    assert a.frame.loc[Q2, "p_value"] == direct.cycling_index.p_value
    assert a.frame.loc[Q2, "z_score"] == pytest.approx(direct.cycling_index.z_score, nan_ok=True)
    # p = (1 + #null ≥ observed) / (1 + 40)
    hits = a.frame.loc[Q2, "p_value"] * 41 - 1
    assert hits == pytest.approx(round(hits), abs=1e-9) and 0 <= round(hits) <= 40
    other = history(tiny, start="2025", end="2025-09-30", samples=40, seed=12)
    assert (other.frame["seed"] != a.frame["seed"]).all()


def _nan_equal(x, y) -> bool:
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(_nan_equal(x[k], y[k]) for k in x)
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(_nan_equal(a, b) for a, b in zip(x, y, strict=True))
    return x == y


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"freq": "W"}, r"`freq` must be one of Q, M, Y; got 'W'"),
        ({"start": "2026", "end": "2025"}, r"`start` \(2026-01-01\) must not be after `end`"),
        ({"start": "2025-10-01", "end": "2025-11-15"}, r"no quarter end lies between"),
        ({"start": "2025-13"}, r"`start` must be a valid date"),
        ({"samples": 0}, r"`samples` must be >= 1"),
        ({"seed": -1}, r"`seed` must be >= 0"),
        ({"top": 0}, r"`top` must be >= 1"),
        ({"model": "nope"}, r"`model` must be one of"),
        ({"basis": "nope"}, r"`basis` must be one of"),
    ],
)
def test_bad_parameters_name_the_parameter_and_the_rule(tiny, kwargs, match):
    args = {"start": "2025", "end": "2025-09-30", "samples": 2, **kwargs}
    with pytest.raises(InvalidParameterError, match=match):
        history(tiny, **args)


def _oracle_cycle_edges(g: nx.DiGraph) -> set[tuple[str, str]]:
    """The edges on a simple cycle of 3..5 companies, by networkx."""
    out = set()
    for c in nx.simple_cycles(g, length_bound=5):
        if len(c) >= 3:
            out |= set(zip(c, [*c[1:], c[0]], strict=True))
    return out


def test_the_bundled_ledger_from_2019_volume_zero_before_the_first_cycle_closing_deal():
    ledger = load_ledger()
    h = history(ledger, start="2019", end="2026-09-30", samples=10)
    f = h.frame
    assert f.index[0] == pd.Timestamp("2019-03-31") and len(f) == 31
    assert f["cycling_index"].dropna().between(0, 1).all()
    assert f["p_value"].dropna().between(1 / 11, 1).all()
    # the first deal after which the graph has a cycle of 3+ companies (networkx as the oracle)
    days = sorted(set(ledger.flows["announced_known"]) | set(ledger.flow_events["known_from"]))
    closing = next(d for d in days if _oracle_cycle_edges(flow_graph(ledger, d)))
    before, after = f[f.index < closing], f[f.index >= closing]
    assert len(before) > 20, closing  # ~six years of deals without a cycle
    assert (before["cycle_volume"] == 0).all() and (before["cycles"] == 0).all()
    first = after.index[0]
    assert after.loc[first, "cycle_volume"] > 0
    # the volume is the summed disclosed amount of the oracle's cycle edges, at every date
    for day in (first, f.index[-1]):
        g = flow_graph(ledger, day)
        edges = _oracle_cycle_edges(g)
        want = sum(np.nan_to_num(g.edges[e]["amount"]) for e in edges)
        assert f.loc[day, "cycle_edges"] == len(edges)
        assert f.loc[day, "cycle_volume"] == pytest.approx(want, rel=1e-12)
        assert f.loc[day, "cycle_share"] <= 1
    # the tracked companies: five, none of them an investor or a JV vehicle
    assert len(h.top) == 5
    assert not h.top["layer"].isin(["capital_provider", "joint_venture"]).any()
    shares = h.self_funded.to_numpy().ravel()
    shares = shares[~np.isnan(shares)]
    assert len(shares) > 10 and ((shares >= 0) & (shares <= 1)).all()


def test_drawdowns_at_by_hand():
    days = pd.to_datetime(["2025-03-28", "2025-04-30", "2025-06-30", "2025-09-30"])
    levels = pd.DataFrame({"a": [100.0, 80.0, 120.0, 90.0], "b": [50.0, 55.0, 44.0, 66.0]}, days)
    dates = pd.to_datetime(["2025-03-27", "2025-03-31", "2025-06-30", "2025-09-30", "2025-10-31"])
    dd = svc.drawdowns_at(levels, dates)
    # a: peak 100, 100, 120 → 0 on 03-28 (shown 03-31), 0 on 06-30, 90/120 − 1 on 09-30;
    # b: 44/55 − 1 on 06-30, a new peak 66 on 09-30. Before the first level and more than
    # 7 days after the last: NaN.
    assert dd["a"].tolist()[1:4] == [0.0, 0.0, pytest.approx(-0.25)]
    assert dd["b"].tolist()[1:4] == [0.0, pytest.approx(44 / 55 - 1), 0.0]
    assert dd.iloc[[0, 4]].isna().all().all()


def test_without_prices_the_drawdowns_are_left_out_and_a_note_says_so(tmp_path):
    view = svc.history(get_settings(home=tmp_path), start="2026", end="2026-06-30", samples=3)
    assert view.drawdowns is None and view.levels is None
    assert "no prices given" in view.notes[0]
    assert "index_drawdown" not in view.to_frame().columns
    doc = view.to_dict()
    assert doc["notes"] == list(view.notes) and "index_drawdown" not in doc["dates"][0]


def _dd_by_hand(series: pd.Series, day: pd.Timestamp) -> float:
    seen = series.loc[:day].dropna()
    return float(seen.iloc[-1] / seen.max() - 1)


def test_the_drawdowns_against_the_shared_prices(shared_prices, tmp_path):
    fx = SHARED / "data" / "fx"
    settings = get_settings(
        home=tmp_path, prices_dir=shared_prices, fx=str(fx) if fx.is_dir() else None
    )
    view = svc.history(settings, start="2019", end="2026-06-30", samples=3, benchmark="SMH")
    assert view.backtest_label == "point-in-time"
    dd, levels = view.drawdowns, view.levels
    assert dd is not None and levels is not None
    assert list(dd.index) == list(view.history.frame.index)
    values = dd.to_numpy().ravel()
    assert (values[~np.isnan(values)] <= 0).all()
    shown = dd.dropna()
    assert len(shown) >= 25  # the backtest starts in mid-2019
    for day in shown.index:
        assert dd.at[day, "index_drawdown"] == pytest.approx(
            _dd_by_hand(levels["index"], day), abs=1e-12
        )
    # the benchmark straight from its file: SMH's adj_close from the backtest's first day
    smh = pd.read_csv(shared_prices / "SMH.csv", index_col="date", parse_dates=True)["adj_close"]
    smh = smh.loc[levels.index[0] :]
    for day in shown.index:
        assert dd.at[day, "benchmark_drawdown"] == pytest.approx(_dd_by_hand(smh, day), abs=1e-9)
    # 2020-03-31 (the Covid sell-off) and 2022-09-30 are deep drawdowns of both
    assert (dd.loc[["2020-03-31", "2022-09-30"]] < -0.15).all().all()
    frame = view.to_frame()
    assert list(frame.columns[-2:]) == ["index_drawdown", "benchmark_drawdown"]


def test_a_span_before_the_first_flow_gives_empty_graphs_not_an_error(tiny):
    """Every quarter of 2024 precedes the first flow (2025-02-10): four empty graphs, no
    company to track (the top-companies step once selected no column of an empty table)."""
    h = history(tiny, start="2024", end="2024-12-31", samples=5, seed=0)
    assert len(h.frame) == 4
    assert (h.frame["edges"] == 0).all() and (h.frame["amount"] == 0).all()


def test_the_figures_do_not_depend_on_the_hash_seed():
    """The cycle volume sums the edges on cycles in a fixed order: the same bits in every run
    (a set's order depends on PYTHONHASHSEED, and float addition is not associative)."""
    import os
    import subprocess
    import sys

    code = (
        "from aiinfra import load_ledger\n"
        "from aiinfra.flows import history\n"
        "h = history(load_ledger(), start='2025-07-01', end='2026-06-30', samples=2)\n"
        "print(h.frame[['amount', 'cycle_volume', 'cycling_index']].to_numpy().tobytes().hex())"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outs) == 1
