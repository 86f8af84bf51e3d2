"""Issue 18, "names, not ids", second part: `aiinfra diff` (deals, cycles, index), the stress
notes and title, and the rest of the command line's tables (`lookthrough`, `buildout`, `index
review`, `ledger show`) name companies by name; csv and json keep the ids. The real ledger, each
expected name read from ``companies.csv``; in process (CliRunner's stdout is a pipe: one line
per row)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from aiinfra import load_ledger
from aiinfra.app import app
from aiinfra.cli._index import _named_warning
from aiinfra.ledger import source_text
from tests.conftest import SHARED_PRICES

ROOT = Path(__file__).resolve().parents[2]
SOXX = ROOT / "examples" / "holdings" / "ishares_soxx_top10_2026-05-12.csv"
D1, D2 = "2025-06-30", "2026-06-30"


@pytest.fixture(autouse=True)
def _no_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)


def _run(*args: str):
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _out(*args: str) -> str:
    return str(_run(*args).stdout)


def _tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every table of ``text``: its header cells and its rows' cells."""
    out: list[tuple[list[str], list[list[str]]]] = []
    for line in text.splitlines():
        if line.startswith("┃"):
            out.append(([c.strip() for c in line.strip().strip("┃").split("┃")], []))
        elif line.startswith("│") and out:
            out[-1][1].append([c.strip() for c in line.strip().strip("│").split("│")])
    return out


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    comp = load_ledger().companies
    return dict(zip(comp["id"].astype(str), comp["name"].astype(str), strict=True))


def _named(ids: str, names: dict[str, str]) -> str:
    return " → ".join(names[i] for i in ids.split(" → "))


# ------------------------------------------------------------------------------ diff


def test_diff_cycles_table_by_name_csv_with_ids(names):
    csv = pd.read_csv(io.StringIO(_out("diff", D1, D2, "--part", "cycles", "-f", "csv")))
    [(header, rows)] = _tables(_out("diff", D1, D2, "--part", "cycles"))
    assert header[:2] == ["change", "cycle"] and len(rows) == len(csv) > 0
    edges = header.index("changed edges")
    for row, ids, changed in zip(rows, csv["cycle"], csv["changed_edges"], strict=True):
        assert row[1] == _named(ids, names) != ids
        assert row[edges] == "; ".join(_named(e, names) for e in changed.split("; "))
    assert "NVIDIA → OpenAI → Oracle → NVIDIA" in [r[1] for r in rows]
    # csv keeps the ids and adds the names
    assert (csv["cycle"].map(lambda c: _named(c, names)) == csv["cycle_names"]).all()


def test_diff_deals_table_by_name_with_the_flow_id_last(names):
    csv = pd.read_csv(io.StringIO(_out("diff", D1, D2, "--part", "deals", "-f", "csv")))
    [(header, rows)] = _tables(_out("diff", D1, D2, "--part", "deals"))
    assert header[1] == "payer → payee" and header[-1] == "flow"
    assert len(rows) == len(csv)
    for row, (_, deal) in zip(rows, csv.iterrows(), strict=True):
        assert row[-1] == deal["flow_id"]
        assert row[1] == f"{names[deal['payer']]} → {names[deal['payee']]}"
    assert {"payer", "payee", "payer_name", "payee_name"} <= set(csv.columns)
    assert any(r[1] == "NVIDIA → OpenAI" for r in rows)  # f010, the USD 30 bn stake


def test_diff_index_table_by_company_with_the_id_last(names):
    # both dates after the only house score vintage (2026-11-20): an index on each side
    args = ["diff", "2026-11-21", "2026-11-30", "--part", "index"]
    doc = json.loads(_out(*args, "-f", "json"))
    [(header, rows)] = _tables(_out(*args))
    assert header[0] == "company" and header[-1] == "id"
    assert len(rows) == len(doc) > 0
    for row in rows:
        assert row[0] == names[row[-1]]
    assert sum(row[0] != row[-1] for row in rows) > len(rows) // 2


def test_diff_json_keeps_ids_beside_names(names):
    doc = json.loads(_out("diff", D1, D2, "-f", "json"))
    c = doc["cycles"][0]
    assert c["cycle_names"] == _named(c["cycle"], names)
    d = doc["deals"][0]
    assert d["payer_name"] == names[d["payer"]] and d["payee_name"] == names[d["payee"]]


# ------------------------------------------------------------------------------ stress


def test_stress_default_title_and_notes_by_name(names):
    args = ["flows", "stress", "--default", "openai", "--shortfall", "0.5", "--as-of", "2026-11-01"]
    result = _run(*args)
    title = result.stdout.splitlines()[0].strip()
    assert title.startswith(f"openai_shortfall_0.5 ({names['openai']} stops paying 50 % of its "
                            "obligations) as of 2026-11-01")  # fmt: skip
    notes = [ln for ln in result.stderr.splitlines() if ln.startswith("note: ")]
    est = next(n for n in notes if "annual revenue of" in n)
    assert f"annual revenue of {names['openai']}" in est and " openai" not in est
    doc = json.loads(_out(*args, "-f", "json"))
    assert [f"note: {n}" for n in doc["notes"]] == notes  # the same notes, by name


def test_builtin_stress_title_carries_the_description():
    text = _out("flows", "stress", "--scenario", "capex_cut", "--as-of", "2026-11-01")
    title = text.splitlines()[0].strip()
    assert title.startswith(
        "capex_cut (Hyperscalers cut chip, compute and capacity spending by 30 %)"
    )


# ------------------------------------------------------------------------------ the sweep


def test_lookthrough_companies_and_largest_hit_by_name(names):
    text = _out("lookthrough", str(SOXX), "--as-of", "2026-11-30")
    tables = _tables(text)
    header, rows = next(t for t in tables if "company_id" in t[0])
    assert header[0] == "company" and header[-1] == "company_id"
    for row in rows:
        assert row[0] == names[row[-1]]
    header, rows = next(t for t in tables if "largest_hit" in t[0])
    doc = json.loads(_out("lookthrough", str(SOXX), "--as-of", "2026-11-30", "-f", "json"))
    by_scenario = {s["scenario"]: s["largest_hit"] for s in doc["stress"]}
    hit = header.index("largest_hit")
    for row in rows:
        cid = by_scenario[row[0]]
        assert row[hit] == (names[cid] if cid else "")


def test_buildout_entities_by_name_and_seeds_by_title(names):
    args = ["buildout", "--metric", "model_lab_arr"]
    csv = pd.read_csv(io.StringIO(_out(*args, "-f", "csv")))
    [(header, rows)] = _tables(_out(*args))
    ent, src = header.index("entity"), header.index("source")
    assert len(rows) >= len(csv)  # a long source may fold onto a second line
    shown = [r for r in rows if r[0]]  # a row's first line (folded lines have no series)
    assert len(shown) == len(csv)
    for row, entity, source in zip(shown, csv["entity"], csv["source"], strict=True):
        if entity in names:
            assert row[ent] == names[entity]
        titled = source_text(source)
        assert titled.startswith(row[src].split(" | ")[0][:20])
    assert "OpenAI and Anthropic combined" in [r[ent] for r in shown]
    assert any(r[src].startswith("seed 000") for r in shown)


def test_ledger_show_parties_by_name(names):
    csv = pd.read_csv(io.StringIO(_out("ledger", "show", "flows", "--as-of", D2, "-f", "csv")))
    [(header, rows)] = _tables(_out("ledger", "show", "flows", "--as-of", D2))
    p, q = header.index("payer"), header.index("payee")
    assert [r[0] for r in rows] == csv["id"].tolist()
    for row, payer, payee in zip(rows, csv["payer"], csv["payee"], strict=True):
        assert (row[p], row[q]) == (names[payer], names[payee])
    [(header, rows)] = _tables(_out("ledger", "show", "financials", "--as-of", D2))
    assert header[:2] == ["company_id", "company"]
    assert all(r[1] == names[r[0]] for r in rows)
    title = _out("ledger", "show", "flows", "--company", "openai").splitlines()[0].strip()
    assert title.startswith(f"flows of {names['openai']} as of")


def test_a_warning_that_starts_with_a_company_names_it(names):
    text = "tsmc: no close on the announcement date 2026-06-12; pro-forma shares use the last"
    assert _named_warning(text, names) == text.replace("tsmc", names["tsmc"], 1)
    assert _named_warning("review: something else", names) == "review: something else"


def test_index_review_by_company_with_the_id_last(names):
    if not SHARED_PRICES.is_dir():
        pytest.skip("../shared/data/prices is absent")
    base = ["--prices", str(SHARED_PRICES), "index", "review", "--as-of", "2026-06-30"]
    doc = json.loads(_out(*base, "-f", "json"))
    result = _run(*base)
    [(header, rows)] = _tables(result.stdout)
    assert header[1] == "company" and header[-1] == "id"
    assert [r[-1] for r in rows] == [s["id"] for s in doc["selection"]]
    assert all(r[1] == names[r[-1]] for r in rows)
    for w in (ln for ln in result.stderr.splitlines() if "no close on" in ln):
        assert w.removeprefix("warning: ").split(": ")[0] in names.values()
