"""The ROI gap net of circularity (issue 16, part 3; docs/gap.md "Net of circularity").

Hand cases first (each derived in its comment), then the identity with Finn's self-funded share
that ties the definition to :func:`aiinfra.flows.self_funded_share`, then the bundled ledger:
the net figures per year, the Monte Carlo's percentiles and its seed, and the report in EN/DE.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from aiinfra import load_ledger
from aiinfra.exceptions import InvalidParameterError
from aiinfra.flows import flow_graph, self_funded_share
from aiinfra.parallel import LocalExecutor
from aiinfra.roi_gap import (
    circular_share,
    circular_share_draws,
    gap,
    gap_inputs,
    make_params,
    monte_carlo,
)
from aiinfra.roi_gap._circularity import GROUP_LAYERS
from tests._tol import prod_tol

AS_OF = "2026-11-01"
#: the hand cases solve systems of at most 3 unknowns by LU with condition numbers below 4: a
#: few units of roundoff, held by prod_tol(8) (Higham, Thm 9.4; tests/_tol.py)
HAND = prod_tol(8)


def graph(*edges: tuple[str, str, float]) -> nx.DiGraph:
    G = nx.DiGraph()
    for u, v, a in edges:
        G.add_edge(u, v, amount=a)
    return G


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


# ---------------------------------------------------------------------------------------------
# Hand cases


def test_a_lab_that_spends_more_than_it_raised():
    # Microsoft puts 10 into the lab, a VC 30; the lab commits 80 to Azure. in = 40 < out = 80,
    # so T = 80: 40 of the lab's spending is money from outside the graph (its own revenue).
    # a_lab = 10 / 80 = 0.125, s = 80 × 0.125 / 80 = 0.125; the circular money is 10.
    G = graph(("msft", "lab", 10.0), ("vc", "lab", 30.0), ("lab", "msft", 80.0))
    c = circular_share(G, payers=["lab"], group=["msft"])
    assert c.share == pytest.approx(0.125, rel=HAND)
    assert c.paid == 80.0 and c.circular == pytest.approx(10.0, rel=HAND)
    assert c.share_own == pytest.approx(0.125, rel=HAND)  # Microsoft's own money
    assert c.by_funder.loc["msft", "circular"] == pytest.approx(10.0, rel=HAND)
    # net revenue on a revenue of 40: 40 × (1 − 0.125) = 35
    assert 40 * (1 - c.share) == pytest.approx(35.0, rel=HAND)


def test_a_lab_that_raised_more_than_it_spends():
    # in = 60 + 40 = 100 > out = 50: T = 100, a_lab = 60 / 100 = 0.6 (the lab pays out of all
    # it received pro rata), s = 0.6, circular = 50 × 0.6 = 30
    G = graph(("msft", "lab", 60.0), ("vc", "lab", 40.0), ("lab", "msft", 50.0))
    c = circular_share(G, payers=["lab"], group=["msft"])
    assert c.share == pytest.approx(0.6, rel=HAND)
    assert c.circular == pytest.approx(30.0, rel=HAND)


def test_the_seed_003_loop_counts_for_the_build_out_but_not_as_anyones_own_money():
    # NVIDIA invests 20 in the lab, a VC 30; the lab pays Oracle 100, Oracle buys NVIDIA chips
    # for 40. Lab: in 50 < out 100, T = 100, a_lab = 20 / 100 = 0.2. Oracle did not invest:
    # the group's share is 0.2, the recipients' own share 0 (NVIDIA's money came back to Oracle).
    G = graph(
        ("nvidia", "lab", 20.0), ("vc", "lab", 30.0), ("lab", "oracle", 100.0),
        ("oracle", "nvidia", 40.0),
    )  # fmt: skip
    c = circular_share(G, payers=["lab"], group=["nvidia", "oracle"])
    assert c.share == pytest.approx(0.2, rel=HAND)
    assert c.share_own == 0.0
    assert list(c.by_funder.index) == ["nvidia"]
    assert c.by_funder.at["nvidia", "share"] == pytest.approx(0.2, rel=HAND)


def test_group_money_through_an_intermediary():
    # Amazon and an LP put 10 each into a fund, which invests 20 in the lab; the lab pays Amazon
    # 40. Fund: in 20 = out 20, T = 20, a_fund = 10 / 20 = 0.5. Lab: in 20 < out 40, T = 40,
    # a_lab = (20 / 40) × 0.5 = 0.25. s = 0.25, circular 10, all of it Amazon's own money.
    G = graph(
        ("amazon", "fund", 10.0), ("lp", "fund", 10.0), ("fund", "lab", 20.0),
        ("lab", "amazon", 40.0),
    )  # fmt: skip
    c = circular_share(G, payers=["lab"], group=["amazon"])
    assert c.share == pytest.approx(0.25, rel=HAND)
    assert c.share_own == pytest.approx(0.25, rel=HAND)
    assert c.by_payer.at["lab", "from_group"] == pytest.approx(0.25, rel=HAND)


def test_two_labs_weighted_by_what_they_pay():
    # lab1: 10 from msft, pays msft 40 → a = 0.25; lab2: nothing from the group, pays 60 → 0.
    # s = (40 × 0.25 + 60 × 0) / 100 = 0.1
    G = graph(("msft", "lab1", 10.0), ("lab1", "msft", 40.0), ("lab2", "msft", 60.0))
    c = circular_share(G, payers=["lab1", "lab2"], group=["msft"])
    assert c.share == pytest.approx(0.1, rel=HAND)
    assert c.by_payer.loc["lab2", "circular"] == 0.0


def test_for_one_company_paid_only_by_the_labs_s_is_its_self_funded_share():
    # the definition generalises Finn's self-funded share (aiinfra.flows.self_funded_share):
    # msft's only inflow is the lab's 80, of which its own 10 comes back: 10 / 80 both ways
    G = graph(("msft", "lab", 10.0), ("vc", "lab", 30.0), ("lab", "msft", 80.0))
    c = circular_share(G, payers=["lab"], group=["msft"])
    assert c.share == pytest.approx(float(self_funded_share(G)["msft"]), rel=HAND)


def _merged(G: nx.DiGraph, group: set) -> nx.DiGraph:
    """``G`` with ``group`` merged into one node "G" and the sales inside it dropped."""
    H = nx.DiGraph()
    H.add_nodes_from("G" if n in group else n for n in G)
    for u, v, d in G.edges(data=True):
        a, b = ("G" if u in group else u), ("G" if v in group else v)
        if a == b == "G":
            continue
        before = H.edges[a, b]["amount"] if H.has_edge(a, b) else 0.0
        H.add_edge(a, b, amount=before + d["amount"])
    return H


def test_random_graphs_keep_the_bounds_and_the_identity_with_finn():
    # 60 random graphs of 8 companies, 3 of them the group: s in [0, 1], the own part never
    # above it, and the money every outside payer returns to the group equals the merged
    # group's self-funded share × its inflow (aiinfra.flows.self_funded_share)
    rng = np.random.default_rng(16)
    for _ in range(60):
        G = nx.DiGraph()
        G.add_nodes_from(range(8))
        for u, v in zip(rng.integers(0, 8, 20), rng.integers(0, 8, 20), strict=True):
            if u != v:
                G.add_edge(int(u), int(v), amount=float(rng.uniform(0.5, 10)))
        group, payers = {0, 1, 2}, [3, 4]
        c = circular_share(G, payers=payers, group=group)
        if c.paid > 0:
            assert 0.0 <= c.share <= 1.0 + 1e-12
            assert c.share_own <= c.share + 1e-12
        everyone = circular_share(G, payers=[n for n in G if n not in group], group=group)
        H = _merged(G, group)
        inflow = sum(d["amount"] for _, _, d in H.in_edges("G", data=True))
        if inflow > 0:
            expected = float(self_funded_share(H)["G"]) * inflow
            assert everyone.circular == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_no_payments_to_the_group_is_undefined_not_zero():
    c = circular_share(graph(("msft", "lab", 10.0)), payers=["lab"], group=["msft"])
    assert math.isnan(c.share) and c.paid == 0.0
    assert c.to_dict()["share"] is None


@pytest.mark.parametrize(
    ("kw", "needle"),
    [
        ({"payers": ["lab"], "group": ["lab"]}, "must not overlap"),
        ({"payers": ["nobody"], "group": ["msft"]}, "`payers`: not nodes of `G`: nobody"),
        ({"payers": ["lab"], "group": ["ghost"]}, "`group`: not nodes of `G`: ghost"),
    ],
)
def test_bad_node_sets_name_themselves(kw, needle):
    G = graph(("msft", "lab", 10.0), ("lab", "msft", 20.0))
    with pytest.raises(InvalidParameterError, match=needle):
        circular_share(G, **kw)


def test_a_negative_amount_is_an_error():
    with pytest.raises(InvalidParameterError, match="must be finite and >= 0"):
        circular_share(graph(("msft", "lab", -1.0), ("lab", "msft", 2.0)), payers=["lab"])


def test_draws_stay_in_the_range_and_follow_the_seed():
    # s = x / 80 with x ~ U(5, 20): every draw in [1/16, 1/4], the mean near 12.5 / 80
    G = nx.DiGraph()
    G.add_edge("msft", "lab", amount=10.0, amount_low=5.0, amount_high=20.0)
    G.add_edge("lab", "msft", amount=80.0)
    d = circular_share_draws(G, 4000, seed=7, payers=["lab"], group=["msft"])
    assert ((d >= 5 / 80) & (d <= 20 / 80)).all()
    # the mean of 4000 uniform draws: standard error (15 / 80) / sqrt(12 × 4000); five of them
    assert d.mean() == pytest.approx(12.5 / 80, abs=5 * (15 / 80) / math.sqrt(12 * 4000))
    again = circular_share_draws(G, 4000, seed=7, payers=["lab"], group=["msft"])
    np.testing.assert_array_equal(d, again)
    assert not np.array_equal(d, circular_share_draws(G, 4000, seed=8, payers=["lab"], group=["msft"]))  # fmt: skip
    with pytest.raises(InvalidParameterError, match="`samples`"):
        circular_share_draws(G, 0)


# ---------------------------------------------------------------------------------------------
# The bundled ledger


def test_the_ledger_s_by_hand_and_the_identity_with_the_self_funded_share(ledger):
    G = flow_graph(ledger, AS_OF)
    c = circular_share(G)
    group = {n for n, d in G.nodes(data=True) if d["layer"] in GROUP_LAYERS}

    def amt(d):
        return 0.0 if math.isnan(d["amount"]) else d["amount"]

    # by hand: both paying labs spend more than they raised, and none of their other funders
    # (SoftBank, funding rounds, banks) holds group money, so a_L = group money in / outflow
    num = den = 0.0
    for lab in ("openai", "anthropic"):
        from_group = sum(amt(d) for u, _, d in G.in_edges(lab, data=True) if u in group)
        out = sum(amt(d) for _, _, d in G.out_edges(lab, data=True))
        paid = sum(amt(d) for _, v, d in G.out_edges(lab, data=True) if v in group)
        assert out > sum(amt(d) for _, _, d in G.in_edges(lab, data=True))
        num += paid * from_group / out
        den += paid
    assert c.share == pytest.approx(num / den, rel=1e-12)
    assert c.paid == pytest.approx(den, rel=1e-12)
    # merged into one node (sales inside the group dropped), the group's cycled throughflow
    # ρT = self-funded share × inflow is the money every outside payer returns to it
    H = nx.DiGraph()
    for u, v, d in G.edges(data=True):
        a, b = ("G" if u in group else u), ("G" if v in group else v)
        if a == b == "G":
            continue
        H.add_edge(a, b, amount=H.edges[a, b]["amount"] + amt(d) if H.has_edge(a, b) else amt(d))
    inflow = sum(d["amount"] for _, _, d in H.in_edges("G", data=True))
    everyone = circular_share(G, payers=[n for n in G if n not in group])
    assert everyone.circular == pytest.approx(self_funded_share(H)["G"] * inflow, rel=1e-9)


@pytest.fixture(scope="module")
def base(ledger):
    return gap(ledger, 2026, as_of=AS_OF)


def test_net_figures_per_year(ledger, base):
    t = base.years
    s26 = circular_share(flow_graph(ledger, AS_OF)).share
    s25 = circular_share(flow_graph(ledger, "2025-12-31")).share
    assert t.at[2026, "circular_share"] == pytest.approx(s26, rel=1e-12)
    assert t.at[2025, "circular_share"] == pytest.approx(s25, rel=1e-12)  # that year's graph
    assert t.at[2025, "circular_as_of"] == "2025-12-31"
    assert (t.loc[2027:, "circular_share"] == t.at[2026, "circular_share"]).all()
    assert (t.loc[2027:, "circular_as_of"] == AS_OF).all()
    # 2025 has no AI revenue of the series' definition (issue 18: its 100 of 'AI services',
    # g165, was spliced in), and the series stops at 2026 (no forecast of its definition): no
    # net figures for them
    assert t.loc[[2025, 2027, 2028, 2029, 2030], "net_revenue"].isna().all()
    for y in (2026,):
        r = t.loc[y]
        assert r["net_revenue"] == pytest.approx(r["revenue"] * (1 - r["circular_share"]))
        assert r["net_gap"] == pytest.approx(r["required"] - r["net_revenue"])
        assert r["net_coverage"] == pytest.approx(r["net_revenue"] / r["required"])
        assert r["net_revenue_low"] == pytest.approx(r["revenue_low"] * (1 - r["circular_share"]))
    # 2026: 55 × (1 − 138 / 1082.4) = 47.99; the gap grows by 55 × s = 7.01
    assert t.at[2026, "net_revenue"] == pytest.approx(55 * (1 - 138 / 1082.4), rel=1e-12)
    # before the labs paid the build-out anything (2023, 2024) s is undefined: no net figures
    assert t.loc[[2023, 2024], "circular_share"].isna().all()
    assert "held constant" in " ".join(base.notes)
    assert base.circularity["basis"] == "committed"
    assert base.circularity["graphs"][AS_OF]["by_funder"][0]["funder"] == "amazon"


def test_the_basis_is_a_choice_and_a_bad_one_names_itself(ledger, base):
    ann = gap(ledger, 2026, as_of=AS_OF, net_basis="annualised")
    s = circular_share(flow_graph(ledger, AS_OF, "annualised")).share
    assert ann.row()["circular_share"] == pytest.approx(s, rel=1e-12)
    assert ann.row()["circular_share"] != pytest.approx(base.row()["circular_share"])
    with pytest.raises(InvalidParameterError, match="`net_basis`"):
        gap(ledger, 2026, as_of=AS_OF, net_basis="weekly")


def test_monte_carlo_net_percentiles_are_ordered_and_above_the_gross(ledger):
    mc = gap(ledger, 2026, as_of=AS_OF, samples=40_000, seed=1).montecarlo
    row = mc.summary.loc[2026]
    qs = [row[f"net_gap_p{q}"] for q in (5, 25, 50, 75, 95)]
    assert qs == sorted(qs)
    # s >= 0, so every sample's net gap is at least its gross gap: so is every quantile
    # (up to one bin of each histogram)
    for q in (5, 50, 95):
        slack = row["resolution"] + row["net_resolution"]
        assert row[f"net_gap_p{q}"] >= row[f"gap_p{q}"] - slack
    assert row["circular_share_p5"] <= row["circular_share_p50"] <= row["circular_share_p95"]
    assert row["circular_share_p5"] >= 0 and row["circular_share_p95"] <= 1
    assert row["net_revenue_mean"] < row["revenue_mean"]
    h = mc.histogram(2026, bins=100, net=True)
    assert int(h["count"].sum()) == 40_000
    # no s before the labs paid anything: no net distribution in 2024
    assert math.isnan(mc.summary.loc[2024, "net_gap_p50"])


def test_monte_carlo_net_is_seeded_and_independent_of_the_executor(ledger):
    kw = {"as_of": AS_OF, "samples": 30_000, "seed": 3, "chunk_size": 7_000}
    a = gap(ledger, 2026, **kw).montecarlo.summary
    b = gap(ledger, 2026, executor=LocalExecutor(2), **kw).montecarlo.summary
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    c = gap(ledger, 2026, **{**kw, "seed": 4}).montecarlo.summary
    assert a.at[2026, "net_gap_p50"] != c.at[2026, "net_gap_p50"]
    assert a.at[2026, "circular_share_p50"] != c.at[2026, "circular_share_p50"]


def test_drawing_s_leaves_the_gross_monte_carlo_as_it_was(ledger):
    # the extra uniform per sample comes after all the others: the gross columns are the
    # numbers the Monte Carlo gives without any circular share, bit for bit
    p = make_params()
    inputs = gap_inputs(ledger, AS_OF, p)
    plain = monte_carlo(inputs, p, samples=20_000, seed=5, chunk_size=6_000)
    draws = {2025: np.array([0.05, 0.1]), 2026: np.array([0.1, 0.2])}
    netted = monte_carlo(inputs, p, samples=20_000, seed=5, chunk_size=6_000, circular=draws)
    pd.testing.assert_frame_equal(
        plain.summary, netted.summary[plain.summary.columns], check_exact=True
    )
    # with s ∈ {0.1, 0.2} in 2026 and the revenue independent of it, the mean net revenue is the
    # mean revenue × (1 − 0.15) up to the sampling error of the 50/50 pick of s: the revenue
    # is at most revenue_high, so the pick moves each sample by at most 0.05 × revenue_high
    row = netted.summary.loc[2026]
    high = inputs.revenue.at[2026, "high"]
    sd = 0.05 * high
    assert row["net_revenue_mean"] == pytest.approx(
        row["revenue_mean"] * 0.85, abs=5 * sd / math.sqrt(20_000)
    )


@pytest.mark.parametrize(
    ("lang", "net_label"),
    [("en", "Gap net of circularity"), ("de", "Lücke ohne Kreislaufanteil")],
)
def test_the_report_shows_the_net_gap_beside_the_gross_one(ledger, lang, net_label):
    from aiinfra.report._build import _Fmt
    from aiinfra.services.report import build_report

    r = build_report(ledger, None, as_of=AS_OF, lang=lang)
    section = r.html.split('<section id="gap">')[1].split("</section>")[0]
    g = gap(ledger, None, as_of=AS_OF, samples=100_000, seed=0)
    f = _Fmt(lang)
    row = g.row(2026)
    assert net_label in section
    # the 2026 row: gross gap, s, net revenue with its band, net gap, net coverage
    for cell in (
        f.num(row["gap"], 0),
        f.pct(row["circular_share"]),
        f"{f.num(row['net_revenue'], 0)} ({f.num(row['net_revenue_low'], 0)}–",
        f.num(row["net_gap"], 0),
        f.pct(row["net_coverage"]),
    ):
        assert f"<td>{cell}" in section, cell
    mc = g.montecarlo.summary.loc[2026]
    assert f"<td>{f.num(mc['net_gap_p5'], 0)}–{f.num(mc['net_gap_p95'], 0)}</td>" in section
    # the sentence names s's interval and whose money it was (names escaped)
    assert f.pct(mc["circular_share_p5"]) in section and "Amazon (AWS)" in section
    assert ">nan<" not in section.lower()
