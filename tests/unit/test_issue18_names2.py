"""Issue 18, "names, not ids": the diff's frames carry the companies' names beside their ids, and
the stress notes name companies (and the deals without a stated term) by name. The real ledger;
each expected name is read from ``companies.csv``, never typed from memory, except where the
issue quotes it ("NVIDIA → OpenAI → Oracle → NVIDIA")."""

from __future__ import annotations

import re

import networkx as nx
import pandas as pd
import pytest

import aiinfra
from aiinfra.config import get_settings
from aiinfra.flows import flow_graph
from aiinfra.services import stress as stress_svc
from aiinfra.services.diff import company_names, cycle_changes, deal_changes, diff

AS_OF = "2026-11-01"


@pytest.fixture(scope="module")
def ledger() -> aiinfra.Ledger:
    return aiinfra.load_ledger()


@pytest.fixture(scope="module")
def names(ledger) -> dict[str, str]:
    comp = ledger.companies
    return dict(zip(comp["id"].astype(str), comp["name"].astype(str), strict=True))


# ------------------------------------------------------------------------------ diff frames


def test_company_names_skips_a_missing_name():
    frame = pd.DataFrame({"id": ["a", "b", "c"], "name": ["Alpha", None, "  "]})
    assert company_names(frame) == {"a": "Alpha"}


def test_cycle_changes_names_the_cycle_and_the_changed_payments():
    g1 = nx.DiGraph([("a", "b"), ("b", "c")])
    g2 = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")])
    for g in (g1, g2):
        nx.set_node_attributes(g, {"a": "Alpha", "b": "Beta", "c": "Gamma"}, "name")
    row = cycle_changes(g1, g2).iloc[0]
    assert row["cycle"] == "a → b → c → a"  # the ids stay
    assert row["cycle_names"] == "Alpha → Beta → Gamma → Alpha"
    assert row["changed_edges"] == "c → a" and row["changed_edges_names"] == "Gamma → Alpha"
    # names given win over the graph's; an id without a name stays the id
    row = cycle_changes(g1, g2, names={"a": "A Corp"}).iloc[0]
    assert row["cycle_names"] == "A Corp → b → c → A Corp"


def test_diff_cycles_by_name_on_the_real_ledger(ledger, names):
    d = diff(ledger, "2025-06-30", "2026-06-30")
    assert d.names == company_names(ledger.companies)
    assert len(d.cycles) > 0
    for ids, shown in zip(d.cycles["cycle"], d.cycles["cycle_names"], strict=True):
        assert shown == " → ".join(names[i] for i in ids.split(" → "))
        assert shown != ids
    for ids, shown in zip(d.cycles["changed_edges"], d.cycles["changed_edges_names"], strict=True):
        expect = "; ".join(
            " → ".join(names[i] for i in edge.split(" → ")) for edge in ids.split("; ")
        )
        assert shown == expect
    # the example: the cycle through NVIDIA, OpenAI and Oracle (canonical from nvidia)
    assert "NVIDIA → OpenAI → Oracle → NVIDIA" in d.cycles["cycle_names"].tolist()
    assert "nvidia → openai → oracle → nvidia" in d.cycles["cycle"].tolist()


def test_deal_changes_carry_the_parties_names(ledger, names):
    t = deal_changes(ledger.as_of("2025-06-30"), ledger.as_of("2026-06-30"), company_names(
        ledger.companies))  # fmt: skip
    assert len(t) > 0
    assert (t["payer_name"] == t["payer"].map(names)).all()
    assert (t["payee_name"] == t["payee"].map(names)).all()
    assert (t["payer_name"] != t["payer"]).any()  # names, not ids
    # without names the columns are there, with the ids
    bare = deal_changes(ledger.as_of("2025-06-30"), ledger.as_of("2026-06-30"))
    assert (bare["payer_name"] == bare["payer"]).all()


# ------------------------------------------------------------------------------ stress notes


def _note(notes: list[str], start: str) -> str:
    return next(n for n in notes if n.startswith(start))


def test_the_revenue_estimate_note_names_the_companies(ledger, names):
    r = aiinfra.stress(ledger, "lab_default", as_of=AS_OF)
    frame = r.to_frame()
    est = frame.loc[frame["revenue_source"].str.startswith("estimate"), "node"].tolist()
    assert "openai" in est  # the labs file no financials: their revenue is an ARR figure
    note = _note(r.notes, "estimate: annual revenue of ")
    listed = note.removeprefix("estimate: annual revenue of ").split(" is its latest")[0]
    assert listed.split(", ") == [names[i] for i in est]
    assert "OpenAI" in listed and "openai" not in listed


def test_the_assumed_horizon_note_names_the_deals_parties(ledger, names):
    r = aiinfra.stress(ledger, "lab_default", as_of=AS_OF)
    note = _note(r.notes, "assumption: ")
    fids = re.findall(r"\(([a-z]\d{3})\)", note)  # each deal's flow id, in brackets
    assert 0 < len(fids) <= 5
    flows = ledger.flows.drop_duplicates("id").set_index("id")
    for fid in fids:
        payer, payee = flows.at[fid, "payer"], flows.at[fid, "payee"]
        assert f"{names[payer]} → {names[payee]} ({fid})" in note
        assert f"{payer} → " not in note or names[payer] == payer
    count = int(note.split("assumption: ")[1].split(" deal(s)")[0])
    assert ("…" in note) == (count > 5)


def test_an_unresolved_revenue_haircut_is_named(ledger, names):
    # a company the ledger has no revenue figure for: a campus JV
    sc = {"name": "t", "shocks": [{"party": "openai", "shortfall": 0.1}],
          "revenue_haircuts": [{"company": "stargate", "haircut": 0.2}]}  # fmt: skip
    r = aiinfra.stress(ledger, sc, as_of=AS_OF)
    assert f"revenue haircut for {names['stargate']} unresolved: no revenue figure" in r.notes


def test_a_default_run_is_described_by_name(names):
    r = stress_svc.run(get_settings(), default="openai", shortfall=0.5, as_of=AS_OF)
    assert r.scenario.name == "openai_shortfall_0.5"  # the key keeps the id the user typed
    assert r.scenario.description == f"{names['openai']} stops paying 50 % of its obligations"
    odd = stress_svc.run(get_settings(), default="openai", shortfall=0.125, as_of=AS_OF)
    assert odd.scenario.description.endswith("stops paying 12.5 % of its obligations")


def test_an_unknown_default_keeps_the_id_in_the_error():
    with pytest.raises(aiinfra.exceptions.InvalidParameterError, match="'no_such_company'"):
        stress_svc.run(get_settings(), default="no_such_company", shortfall=0.5, as_of=AS_OF)


def test_the_stress_company_frame_names_fall_back_to_the_id(ledger):
    g = flow_graph(ledger, AS_OF)
    frame = aiinfra.stress(ledger, "lab_default", as_of=AS_OF).to_frame()
    for node, name in zip(frame["node"], frame["name"], strict=True):
        assert name == (g.nodes[node].get("name") or node)
