"""ETF look-through (issue 16, part 1): the holdings reader, the mapping to ledger companies, the
exposure measures on hand-computable cases, and the bundled ledger with the example files.

Tolerances: every expected number below is a sum or product of at most a dozen weights written
with at most five decimals, so the float error is a few ulp of 1 (≤ 1e-15); 1e-12 leaves room
and still fails on any real slip (the smallest weight in the cases is 0.01).
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import aiinfra
from aiinfra.exceptions import DataValidationError, InvalidParameterError
from aiinfra.ledger import load_ledger
from aiinfra.lookthrough import (
    NOT_IN_LEDGER,
    UNCATEGORISED,
    category_mix,
    column_role,
    evidence_exposure,
    exchange_suffix,
    lookthrough,
    map_holdings,
    normalise_name,
    overlap_measures,
    read_holdings,
    stress_exposure,
    ticker_key,
)
from tests.conftest import ROOT

TOL = 1e-12
EXAMPLES = ROOT / "examples" / "holdings"
SEMI = EXAMPLES / "ishares_semi_2026-05-07.csv"
SOXX = EXAMPLES / "ishares_soxx_top10_2026-05-12.csv"
HOSTILE = ROOT / "tests" / "data" / "holdings_hostile.csv"


def _write(tmp_path: Path, text: str, name: str = "fund.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# --- the reader ----------------------------------------------------------------------------------


def test_an_issuer_file_with_preamble_percent_weights_and_footer(tmp_path):
    p = _write(
        tmp_path,
        "iShares Demo ETF\n"
        'Fund Holdings as of,"Nov 28, 2026"\n'
        'Inception Date,"Jul 10, 2001"\n'
        "\n"
        "Ticker,Name,Sector,Weight (%),Market Value\n"
        'NVDA,NVIDIA CORP,IT,60.50,"6,050.00"\n'
        'TSM,TAIWAN SEMICONDUCTOR ADR,IT,39.50,"3,950.00"\n'
        "\n"
        '"The content contained herein is for illustration, not advice."\n',
    )
    h = read_holdings(p)
    # the header is line 5; the data lines 6 and 7; the disclaimer line 9 is skipped
    assert h.header_line == 5
    assert h.frame["line"].tolist() == [6, 7]
    assert h.frame["weight"].tolist() == pytest.approx([0.605, 0.395], abs=TOL)
    assert h.weight_kind == "percent" and "Weight (%)" in h.weight_rule
    assert h.columns == {"ticker": "Ticker", "name": "Name", "weight": "Weight (%)"}
    assert [s["line"] for s in h.skipped] == [9]
    assert h.to_dict()["preamble_lines"] == 4


def test_weights_in_fractions_and_the_auto_rule(tmp_path):
    # 0.6 + 0.3 = 0.9 ≤ 1.5: fractions, as written
    h = read_holdings(_write(tmp_path, "Symbol,Weight\nNVDA,0.6\nAMD,0.3\n"))
    assert h.weight_kind == "fraction" and "0.9" in h.weight_rule
    assert h.frame["weight"].tolist() == pytest.approx([0.6, 0.3], abs=TOL)
    # 60 + 30 = 90 > 1.5: percent
    h = read_holdings(_write(tmp_path, "Symbol,Weight\nNVDA,60\nAMD,30\n", "b.csv"))
    assert h.weight_kind == "percent"
    assert h.frame["weight"].tolist() == pytest.approx([0.6, 0.3], abs=TOL)
    # a % sign decides even for a small top-holdings file: 0.9 % + 0.3 % = 0.012 of the fund
    h = read_holdings(_write(tmp_path, "Symbol,Weight\nNVDA,0.9%\nAMD,0.3%\n", "c.csv"))
    assert h.weight_kind == "percent" and h.total_weight == pytest.approx(0.012, abs=TOL)
    # the caller can say what the numbers are: 0.9 and 0.3 read as percent
    h = read_holdings(
        _write(tmp_path, "Symbol,Weight\nNVDA,0.9\nAMD,0.3\n", "d.csv"), weights="percent"
    )
    assert h.total_weight == pytest.approx(0.012, abs=TOL) and "weights='percent'" in h.weight_rule


def test_market_values_are_normalised_when_there_is_no_weight_column(tmp_path):
    # 3,000 and 1,000 of market value: weights 3/4 and 1/4
    h = read_holdings(
        _write(tmp_path, 'Holding,Market Value ($)\nNVIDIA,"$3,000.00"\nAMD,"1,000"\n')
    )
    assert h.weight_kind == "market_value"
    assert h.frame["weight"].tolist() == pytest.approx([0.75, 0.25], abs=TOL)


def test_semicolon_files_with_a_decimal_comma(tmp_path):
    h = read_holdings(_write(tmp_path, "Ticker;Name;Weight (%)\nNVDA;NVIDIA;60,5\nAMD;AMD;39,5\n"))
    assert h.frame["weight"].tolist() == pytest.approx([0.605, 0.395], abs=TOL)


def test_totals_notes_and_lines_without_a_weight_are_skipped_and_listed(tmp_path):
    h = read_holdings(
        _write(
            tmp_path,
            "Ticker,Name,Weight\nNVDA,NVIDIA,50\nFUT,Index future,-\nAMD,AMD,50\nTotal,,100\n"
            "Holdings subject to change\nTINY,Tiny Corp,<0.01\n",
        )
    )
    assert h.frame["ticker"].tolist() == ["NVDA", "AMD"]
    assert [(s["line"], s["why"]) for s in h.skipped] == [
        (3, "no weight given"),
        (5, "a total"),
        (6, "a note (one cell)"),
        (7, "a weight given only as a bound"),
    ]


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Ticker", "ticker"),
        ("SYMBOL", "ticker"),
        ("Holding", "name"),
        ("Security Name", "name"),
        ("Name", "name"),
        ("Weight (%)", "weight"),
        ("% of Net Assets", "weight"),
        ("Weight", "weight"),
        ("Market Value (US$)", "market_value"),
        ("Exchange", "exchange"),
        ("Sector", None),
        ("Notional Value", None),
    ],
)
def test_issuer_column_headers(header, role):
    assert column_role(header) == role


def test_a_weight_that_is_not_a_number_names_file_row_column_and_rule(tmp_path):
    p = _write(tmp_path, "Pre\n\nTicker,Weight (%)\nNVDA,abc\nAMD,50\nINTC,1.2.3\n")
    with pytest.raises(DataValidationError) as info:
        read_holdings(p)
    problems = info.value.problems
    # every bad weight, not only the first: rows 4 and 6
    assert [(pr.row, pr.column) for pr in problems] == [(4, "Weight (%)"), (6, "Weight (%)")]
    assert all(pr.file == str(p) for pr in problems)
    assert "must be a number" in problems[0].rule and problems[0].value == "abc"


def test_no_weight_column(tmp_path):
    with pytest.raises(DataValidationError, match=r"row 1.*no weight column"):
        read_holdings(_write(tmp_path, "Ticker,Name,Shares\nNVDA,NVIDIA,100\n"))


def test_no_header_at_all(tmp_path):
    with pytest.raises(DataValidationError, match="no header row"):
        read_holdings(_write(tmp_path, "just,some\nnumbers,1\n"))


def test_weights_summing_to_zero(tmp_path):
    with pytest.raises(DataValidationError, match=r"column 'Weight'.*sum to more than 0"):
        read_holdings(_write(tmp_path, "Ticker,Weight\nNVDA,0\nAMD,0\n"))


def test_a_header_without_rows(tmp_path):
    with pytest.raises(DataValidationError, match="no holdings rows after the header on row 2"):
        read_holdings(_write(tmp_path, "Fund\nTicker,Weight\n"))


def test_a_row_longer_than_the_header(tmp_path):
    with pytest.raises(DataValidationError, match=r"row 3: has 3 cells"):
        read_holdings(_write(tmp_path, "Ticker,Weight\nNVDA,50\nAMD,50,extra\n"))


def test_excel_files_and_bad_options_are_refused(tmp_path):
    with pytest.raises(InvalidParameterError, match="save the holdings sheet as CSV"):
        read_holdings(_write(tmp_path, "x", "fund.xlsx"))
    with pytest.raises(InvalidParameterError, match="`weights` must be one of"):
        read_holdings(_write(tmp_path, "Ticker,Weight\nA,1\n"), weights="basis_points")  # type: ignore[arg-type]
    with pytest.raises(DataValidationError, match="cannot be read"):
        read_holdings(tmp_path / "missing.csv")


# --- the mapping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticker", "exchange", "key"),
    [
        ("2330.TW", None, ("2330", "TW")),
        ("2330 TT", None, ("2330", "TW")),
        ("2330 TT Equity", None, ("2330", "TW")),
        ("2330", "Taiwan Stock Exchange", ("2330", "TW")),
        ("2330", None, ("2330", None)),  # a bare number: any market
        ("TSM", None, ("TSM", "")),
        ("0700.HK", None, ("700", "HK")),
        ("700 HK", None, ("700", "HK")),
        ("000660", "Korea Exchange (Stock Market)", ("660", "KS")),
        ("ASML", "Euronext Amsterdam", ("ASML", "AS")),
        ("ASML NA", None, ("ASML", "AS")),
        ("SU FP", None, ("SU", "PA")),
        ("STMPA", "Nyse Euronext - Euronext Paris", ("STMPA", "PA")),
        ("2382", "Saudi Stock Exchange", ("2382", "SR")),
        ("ABC", "Moon Exchange", ("ABC", "?")),
        ("NVDA UW", None, ("NVDA", "")),
        ("BRK/B", None, ("BRK.B", "")),
        ("", None, None),
    ],
)
def test_ticker_keys(ticker, exchange, key):
    assert ticker_key(ticker, exchange) == key


def test_exchange_names():
    assert exchange_suffix("NASDAQ") == ""
    assert exchange_suffix("Gretai Securities Market") == "TW"
    assert exchange_suffix("Korea Exchange (Kosdaq)") == "KQ"
    assert exchange_suffix("-") is None


@pytest.mark.parametrize(
    ("name", "norm"),
    [
        ("NVIDIA CORP", "nvidia"),
        ("Alphabet Inc Class C", "alphabet"),
        ("Amazon (AWS)", "amazon"),
        ("AMAZON COM INC", "amazon"),
        ("TAIWAN SEMICONDUCTOR-SP ADR", "taiwan semiconductor"),
        ("Société Générale S.A.", "societe generale"),
        ("台積電 ADR (TSMC)", "台積電"),
        ("The Company", ""),
    ],
)
def test_name_normalisation(name, norm):
    assert normalise_name(name) == norm


COMPANIES = pd.DataFrame(
    {
        "id": ["tsmc", "quanta", "micron", "acme_us", "acme_de"],
        "name": ["TSMC", "Quanta Computer", "Micron Technology", "Acme", "Acme"],
        "ticker": ["2330.TW", "2382.TW", "MU", "ACME", "ACM.DE"],
        "alt_tickers": ["TSM", None, None, None, None],
    }
)


def _lines(*rows):
    return pd.DataFrame(
        [(i + 2, t, n, x, w) for i, (t, n, x, w) in enumerate(rows)],
        columns=["line", "ticker", "name", "exchange", "weight"],
    )


def test_mapping_by_ticker_then_name_with_every_reason():
    m = map_holdings(
        _lines(
            ("2330 TT", "", "", 0.2),  # Bloomberg code → tsmc
            ("TSM", "TSMC ADR", "", 0.1),  # the ADR line → tsmc
            ("2382", "ADES HOLDING", "Saudi Stock Exchange", 0.05),  # Quanta's number, not market
            ("2382", "", "", 0.05),  # a bare number only one company has → quanta
            ("", "MICRON TECHNOLOGY INC", "", 0.3),  # name only → micron
            ("", "ACME INC", "", 0.1),  # two ledger companies are called Acme
            ("USD", "USD CASH", "-", 0.1),
            ("ZZZ", "Nothing Corp", "", 0.1),
        ),
        COMPANIES,
    )
    assert m["company_id"].tolist() == ["tsmc", "tsmc", "", "quanta", "micron", "", "", ""]
    assert m["matched_by"].tolist() == ["ticker", "ticker", "", "ticker", "name", "", "", ""]
    reasons = m["reason"].tolist()
    assert reasons[2] == "no ledger company with this ticker or name"
    assert reasons[5] == "fits several ledger companies: acme_de, acme_us"
    assert reasons[6] == "a cash, currency or derivative line"


# --- the measures, by hand -----------------------------------------------------------------------


def test_overlap_and_active_share_with_an_uncovered_part_and_a_short_cash_line():
    # fund: a 0.3, b 0.2 (ledger companies); other lines 0.1 and −0.05 (cash); the file covers
    # 0.55, so u = 0.45 is not covered. Index: a 0.5, c 0.5.
    # overlap = min(0.3, 0.5) = 0.3
    # active share = ½ (|0.3−0.5| + |0.2−0| + |0−0.5| + 0.1 + 0.05 + 0.45) = ½ (1.5) = 0.75
    # room in the index: (0.5 − 0.3) + 0.5 = 0.7 ≥ u, so the bounds move by u = 0.45:
    # overlap_max = 0.75, active_share_min = 0.30
    m = overlap_measures({"a": 0.3, "b": 0.2}, {"a": 0.5, "c": 0.5}, [0.1, -0.05])
    assert m["overlap"] == pytest.approx(0.3, abs=TOL)
    assert m["active_share"] == pytest.approx(0.75, abs=TOL)
    assert m["uncovered"] == pytest.approx(0.45, abs=TOL)
    assert m["overlap_max"] == pytest.approx(0.75, abs=TOL)
    assert m["active_share_min"] == pytest.approx(0.30, abs=TOL)


def test_a_fully_covered_long_only_fund_has_active_share_one_minus_overlap():
    fund, index = {"a": 0.25, "b": 0.25, "c": 0.4}, {"b": 0.5, "c": 0.2, "d": 0.3}
    m = overlap_measures(fund, index, [0.1])
    # overlap = 0.25 + 0.2 = 0.45; active = ½ (0.25 + 0.25 + 0.2 + 0.3 + 0.1) = 0.55
    assert m["overlap"] == pytest.approx(0.45, abs=TOL)
    assert m["active_share"] == pytest.approx(1 - m["overlap"], abs=TOL)
    assert m["uncovered"] == 0 and m["overlap_max"] == m["overlap"]


def test_identical_portfolios_overlap_fully():
    w = {"a": 0.6, "b": 0.4}
    m = overlap_measures(w, w)
    assert m["overlap"] == pytest.approx(1.0, abs=TOL) and m["active_share"] == pytest.approx(
        0.0, abs=TOL
    )


def test_category_mix_by_hand():
    mix = category_mix(
        {"a": 0.4, "b": 0.1, "c": 0.2, "d": 0.2}, {"a": "C2", "b": "C2", "c": "C1"}, 0.1
    )
    # C1 0.2 (c); C2 0.5 (a, b); d has no category 0.2; the unmapped lines 0.1; total 1.0
    assert mix["category"].tolist() == ["C1", "C2", UNCATEGORISED, NOT_IN_LEDGER]
    assert mix["weight"].tolist() == pytest.approx([0.2, 0.5, 0.2, 0.1], abs=TOL)
    assert mix["share"].tolist() == pytest.approx([0.2, 0.5, 0.2, 0.1], abs=TOL)
    assert mix["companies"].tolist() == [1, 2, 1, 0]


def test_stress_exposure_by_hand():
    hit = pd.DataFrame(
        {
            "node": ["a", "b", "c", "z"],
            "equity_shock": [-0.5, math.nan, math.nan, -1.0],
            "unresolved": [False, True, False, False],
        }
    )
    r = stress_exposure({"a": 0.2, "b": 0.1, "c": 0.05, "d": 0.65}, hit)
    # a: 0.2 × −0.5 = −0.1; b unresolved (no revenue) and c without a shock (not listed) are
    # reached but not sized: 0.15; d is not reached (0); z is not held
    assert r["fund_impact"] == pytest.approx(-0.1, abs=TOL)
    assert r["unresolved_weight"] == pytest.approx(0.15, abs=TOL)
    assert r["detail"]["status"].tolist() == ["hit", "unresolved", "unresolved"]


def test_evidence_exposure_by_hand():
    g = nx.DiGraph()
    g.add_edge("x", "a", evidence={"filing": 10.0}, quoted=10.0)
    g.add_edge("y", "b", evidence={"press": 3.0, "filing": 1.0}, quoted=0.0)
    g.add_edge("z", "b", evidence={"press": 0.0}, quoted=0.0)
    r = evidence_exposure(g, {"a": 0.3, "b": 0.1, "c": 0.6})
    # a rests all on filings; b 1/4 filing, 3/4 press; c has no inflows (not covered)
    # filing = (0.3·1 + 0.1·0.25) / 0.4 = 0.8125; press = 0.1·0.75 / 0.4 = 0.1875
    # quoted = (0.3·1 + 0.1·0) / 0.4 = 0.75
    assert r["by_tier"] == pytest.approx({"filing": 0.8125, "press": 0.1875}, abs=TOL)
    assert list(r["by_tier"]) == ["filing", "press"]
    assert r["quoted"] == pytest.approx(0.75, abs=TOL)
    assert r["covered_weight"] == pytest.approx(0.4, abs=TOL) and r["companies"] == 2


def test_the_whole_look_through_on_a_tiny_ledger(tmp_path, mini_ledger_dir):
    """The mini ledger on 2026-06-30 has one money cycle, nvidia → openai → oracle → nvidia
    (committed 30, 300, 40; all press). Finn's self-funded shares: oracle pays 40 to nvidia,
    all of nvidia's inflow, so nvidia's 30 to openai is oracle money; that is 30 of openai's
    300 to oracle: oracle's share is 30/300 = 0.1. Likewise nvidia's: its 30 is 30/300 of
    oracle's 300, so 40 × 0.1 = 4 of nvidia's 40 inflow returns: 0.1."""
    ledger = load_ledger(base=mini_ledger_dir)
    p = _write(
        tmp_path,
        "Mini Fund\nAs of,2026-06-30\n\nSymbol,Name,Weight\n"
        "NVDA,NVIDIA Corp,40\nTSM,Taiwan Semi ADR,30\nORCL US,Oracle Corp,20\nXYZ,Unknown Co,10\n",
    )
    hit = pd.DataFrame(
        {"node": ["oracle", "nvidia"], "equity_shock": [-0.5, -0.25], "unresolved": [False, False]}
    )
    r = lookthrough(
        p,
        ledger,
        as_of="2026-06-30",
        index_weights={"nvidia": 0.5, "tsmc": 0.5},
        index_label="hand index",
        stress={"hand": hit},
    )
    # the weights sum to 100 > 1.5: percent
    assert r.holdings.weight_kind == "percent"
    assert dict(
        zip(r.companies["company_id"], r.companies["weight"], strict=True)
    ) == pytest.approx({"nvidia": 0.4, "tsmc": 0.3, "oracle": 0.2}, abs=TOL)
    # categories: nvidia C2 and tsmc C1 from the scores, oracle C7 from companies.csv
    mix = dict(zip(r.categories["category"], r.categories["weight"], strict=True))
    assert mix == pytest.approx({"C1": 0.3, "C2": 0.4, "C7": 0.2, NOT_IN_LEDGER: 0.1}, abs=TOL)
    # overlap = min(0.4, 0.5) + min(0.3, 0.5) = 0.7; active share = ½ (0.1 + 0.2 + 0.2 + 0.1) = 0.3
    assert r.overlap["overlap"] == pytest.approx(0.7, abs=TOL)
    assert r.overlap["active_share"] == pytest.approx(0.3, abs=TOL)
    assert r.overlap["index_label"] == "hand index"
    # cycles: nvidia and oracle sit on the one cycle; tsmc is not in the graph
    assert r.cycles["weight"] == pytest.approx(0.6, abs=TOL)
    assert r.cycles["held"] == ["nvidia", "oracle"] and r.cycles["cycles_in_graph"] == 1
    # self-funded: (0.4·0.1 + 0.2·0.1) / 0.6 = 0.1 over a covered weight of 0.6
    assert r.self_funding["share"] == pytest.approx(0.1, abs=1e-9)
    assert r.self_funding["covered_weight"] == pytest.approx(0.6, abs=TOL)
    # stress: 0.2 × −0.5 + 0.4 × −0.25 = −0.2
    row = r.stress.iloc[0]
    assert row["fund_impact"] == pytest.approx(-0.2, abs=TOL)
    assert row["not_in_ledger_weight"] == pytest.approx(0.1, abs=TOL)
    assert row["companies_hit"] == 2 and row["largest_hit"] in {"oracle", "nvidia"}
    # evidence: every inflow rests on press reports, none quoted
    assert r.evidence["by_tier"] == {"press": 1.0} and r.evidence["quoted"] == 0.0
    assert r.evidence["covered_weight"] == pytest.approx(0.6, abs=TOL)
    assert r.unmapped["ticker"].tolist() == ["XYZ"]


def test_stress_results_must_have_the_companies_frame(tmp_path, mini_ledger_dir):
    p = _write(tmp_path, "Ticker,Weight\nNVDA,100\n")
    with pytest.raises(InvalidParameterError, match="stress\\['x'\\]"):
        lookthrough(p, load_ledger(base=mini_ledger_dir), as_of="2026-06-30", stress={"x": 1})


# --- the bundled ledger with the example files --------------------------------------------------


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


def test_the_semi_example_maps_local_codes_on_their_exchanges(ledger):
    r = aiinfra.lookthrough(SEMI, ledger, as_of="2026-11-30")
    # 46 lines summing to 91.07340 % (SOURCES.md)
    assert len(r.holdings.frame) == 46
    assert r.holdings.total_weight == pytest.approx(0.910734, abs=TOL)
    by_line = dict(zip(r.mapping["ticker"], r.mapping["company_id"], strict=False))
    assert by_line["2330"] == "tsmc"  # Taiwan Stock Exchange
    assert by_line["000660"] == "sk_hynix"  # Korea Exchange
    assert by_line["ASML"] == "asml"  # Euronext Amsterdam, the ledger's ASML.AS
    assert by_line["8035"] == "tokyo_electron" and by_line["6857"] == "advantest"
    assert by_line["ASM"] == "" and by_line["2454"] == ""  # ASM International, MediaTek
    # mapped + unmapped = the lines read
    total = r.companies["weight"].sum() + r.unmapped["weight"].sum()
    assert total == pytest.approx(r.holdings.total_weight, abs=TOL)
    assert r.categories["weight"].sum() == pytest.approx(r.holdings.total_weight, abs=TOL)
    assert (r.unmapped.loc[r.unmapped["name"].str.contains("CASH"), "reason"]
            == "a cash, currency or derivative line").all()  # fmt: skip
    # the file covers 91 %: the bounds bracket the figures
    o = r.overlap
    assert o["uncovered"] == pytest.approx(1 - 0.910734, abs=TOL)
    assert o["active_share_min"] <= o["active_share"] and o["overlap"] <= o["overlap_max"]
    assert "house-view" in o["index_label"]


def test_the_soxx_example_is_a_top_ten_file(ledger):
    r = aiinfra.lookthrough(SOXX, ledger, as_of="2026-11-30")
    assert r.holdings.total_weight == pytest.approx(0.599592, abs=TOL)
    assert [s["why"] for s in r.holdings.skipped] == ["a total", "a note (one cell)"]
    assert sorted(r.unmapped["ticker"]) == ["MPWR", "NXPI"]
    assert any("covers 60.0%" in n for n in r.notes)


def test_the_held_out_hostile_file_maps_as_derived_by_hand(ledger):
    r = aiinfra.lookthrough(HOSTILE, ledger, as_of="2026-11-30")
    got = dict(zip(r.companies["company_id"], r.companies["weight"], strict=True))
    # tsmc = 2330 TT 20 % + TSM 2 %; micron and alphabet by name; 2382 on the Saudi exchange is
    # not Quanta (2382 TT is); 700 HK is Tencent's 0700.HK
    assert got == pytest.approx(
        {"tsmc": 0.22, "nvidia": 0.15, "asml": 0.10, "schneider": 0.08, "siemens_energy": 0.05,
         "micron": 0.07, "quanta": 0.02, "alphabet": 0.06, "foxconn": 0.03, "tencent": 0.02},
        abs=TOL,
    )  # fmt: skip
    unmapped = dict(zip(r.unmapped["ticker"], r.unmapped["name"], strict=True))
    assert unmapped["XSS"] == "<script>alert('x')</script>"  # kept as data, verbatim
    assert set(unmapped) == {"XSS", "RICH", "GLE FP", "2382", "-"}
    assert r.unmapped["weight"].sum() == pytest.approx(0.20, abs=TOL)
    # each mapped company's category from the ledger (scores known then, else companies.csv)
    cats = ledger.latest_scores("2026-11-30", static=True)["category"]
    comp = ledger.companies.set_index("id")["category"]
    expected: dict[str, float] = {}
    for cid, w in got.items():
        c = cats.get(cid) if isinstance(cats.get(cid), str) else comp.get(cid)
        c = c if isinstance(c, str) and c else UNCATEGORISED
        expected[c] = expected.get(c, 0.0) + w
    expected[NOT_IN_LEDGER] = 0.20
    mix = dict(zip(r.categories["category"], r.categories["weight"], strict=True))
    assert mix == pytest.approx(expected, abs=TOL)
    d = r.to_dict()
    assert d["holdings"]["weight_kind"] == "percent" and d["unmapped"][0]["weight"] == 0.07


def test_the_service_runs_every_built_in_scenario(ledger):
    from aiinfra.services.lookthrough import compose
    from aiinfra.stress import builtin_scenarios, stress

    r = compose(SOXX, ledger, "2026-11-30")
    assert r.stress["scenario"].tolist() == sorted(builtin_scenarios())
    # recompute one scenario's fund impact from the stress result itself
    res = stress(ledger, "capex_cut", as_of="2026-11-30")
    shock = dict(zip(res.companies["node"], res.companies["equity_shock"], strict=True))
    fund = dict(zip(r.companies["company_id"], r.companies["weight"], strict=True))
    expected = sum(w * shock[c] for c, w in fund.items() if c in shock and math.isfinite(shock[c]))
    got = r.stress.set_index("scenario").at["capex_cut", "fund_impact"]
    assert got == pytest.approx(expected, abs=TOL) and got < 0
    assert set(r.frames()) >= {"summary", "categories", "companies", "stress", "unmapped"}


def test_the_service_forms_the_index_from_the_shared_prices(ledger, shared_prices):
    from aiinfra.prices import CsvDirProvider
    from aiinfra.services.lookthrough import compose

    prices = CsvDirProvider(shared_prices).get
    r = compose(SEMI, ledger, "2026-11-30", prices=prices)
    assert r.overlap["index_label"].startswith("index weights of the review")
    assert any("the prices end on" in n for n in r.notes)
    # the index's weights sum to 1, so the overlap is at most the fund's mapped weight and 1
    assert 0 < r.overlap["overlap"] <= min(1.0, r.companies["weight"].sum()) + TOL


@pytest.mark.parametrize(
    ("line", "stated"),
    [
        ("Fund Holdings as of,07/May/2026", "2026-05-07"),
        ("Holdings as of,2026-11-28", "2026-11-28"),
        ('Fund Holdings as of,"Dec 01, 2026"', "2026-12-01"),
        ("Top 10 holdings as of 2026-05-12 (59.96% of net assets)", "2026-05-12"),
        ("Positions as at 07-May-2026", "2026-05-07"),
        ("Stand: 07.05.2026", "2026-05-07"),
        ("Holdings as of,05/07/2026", None),  # May or July: not guessed
        ("Holdings as of 11/28/2026", "2026-11-28"),  # a US issuer: only November 28 is a date
        ("Holdings as of 28/11/2026", "2026-11-28"),
        ("Holdings as of 02/30/2026", None),  # no such day
        ("As of Nov 28 2026", "2026-11-28"),
        ("Holdings as of,soon", None),
        ("Daily holdings", None),
    ],
)
def test_the_preamble_gives_the_funds_name_and_the_date_it_states(tmp_path, line, stated):
    path = _write(tmp_path, f"Demo <b>Fund</b>\n{line}\n\nTicker,Weight (%)\nNVDA,60\nTSM,40\n")
    h = read_holdings(path)
    assert h.title == "Demo <b>Fund</b>" and h.stated_as_of == stated
    assert h.to_dict()["stated_as_of"] == stated


def test_a_first_line_that_is_not_one_cell_is_no_title(tmp_path):
    h = read_holdings(_write(tmp_path, "Fund,Demo\nTicker,Weight (%)\nNVDA,100\n"))
    assert h.title is None and h.stated_as_of is None


def test_without_as_of_the_service_looks_through_on_the_files_date(ledger):
    from aiinfra.services.lookthrough import compose

    r = compose(SOXX, ledger)  # the file: "Top 10 holdings as of 2026-05-12"
    assert r.as_of == "2026-05-12"
    assert r.fund == "iShares Semiconductor ETF (SOXX) (ishares_soxx_top10_2026-05-12.csv)"
    assert r.notes[0] == "as of 2026-05-12, the date the file states for its holdings"
    other = compose(SOXX, ledger, "2026-11-30")
    assert other.as_of == "2026-11-30"
    assert other.notes[0] == (
        "the file states its holdings as of 2026-05-12; the look-through is as of 2026-11-30"
    )


def test_a_german_download_with_decimal_commas_and_its_stand_date(tmp_path):
    text = (
        "Xtrackers Beispiel-ETF\nStand: 28.11.2026\n\n"
        "Bezeichnung;ISIN;Land;Gewichtung\n"
        "NVIDIA CORP;US67066G1040;Vereinigte Staaten;20,51%\n"
        "BROADCOM INC;US11135F1012;Vereinigte Staaten;5,10%\n"
    )
    h = read_holdings(_write(tmp_path, text))
    assert h.columns == {"name": "Bezeichnung", "weight": "Gewichtung"}
    assert h.frame["weight"].tolist() == pytest.approx([0.2051, 0.0510], abs=TOL)
    assert (h.title, h.stated_as_of) == ("Xtrackers Beispiel-ETF", "2026-11-28")
