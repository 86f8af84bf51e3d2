"""Evidence a reader can check (issue 15): every amount carries a verbatim quote of its source —
rows added from now on must; the rows quoted so far can only grow (the known gaps are listed in
tests/data/evidence_gaps.csv and may only shrink) — and a quote of a seed is found in the seed."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from aiinfra.ledger import load_ledger
from tests.conftest import SHARED

GAPS = Path(__file__).resolve().parents[1] / "data" / "evidence_gaps.csv"
SEEDS = SHARED / "seeds"
AMOUNTS = ("ceiling", "committed", "funded")


def _norm(text: str) -> str:
    """Whitespace collapsed, typographic quotes and dashes unified."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u201e", '"').replace("\u2013", "-")
    return re.sub(r"\s+", " ", text).strip()


def _keys_needing_quotes(ledger) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for r in ledger.flows.to_dict(orient="records"):
        if any(r[c] == r[c] and r[c] is not None for c in AMOUNTS):
            out.add(("flows", str(r["id"])))
    ev = ledger.flow_events
    real = ev[~ev["notes"].fillna("").str.startswith("synthesised")]
    for r in real.to_dict(orient="records"):
        out.add(("flow_events", f"{r['flow_id']}|{r['date']}|{r['status']}"))
    for r in ledger.figures.to_dict(orient="records"):
        out.add(("figures", str(r["id"])))
    return out


def _quoted(ledger) -> set[tuple[str, str]]:
    def has(q: object) -> bool:
        return isinstance(q, str) and bool(q.strip())

    out = {("flows", str(r["id"])) for r in ledger.flows.to_dict("records") if has(r["quote"])}
    out |= {
        ("flow_events", f"{r['flow_id']}|{r['date']}|{r['status']}")
        for r in ledger.flow_events.to_dict("records")
        if has(r["quote"])
    }
    out |= {("figures", str(r["id"])) for r in ledger.figures.to_dict("records") if has(r["quote"])}
    return out


def test_an_amount_without_a_quote_is_a_listed_known_gap():
    ledger = load_ledger()
    missing = _keys_needing_quotes(ledger) - _quoted(ledger)
    with GAPS.open(newline="", encoding="utf-8") as fh:
        known = {(r["table"], r["key"]) for r in csv.DictReader(fh)}
    new = sorted(missing - known)
    assert not new, f"rows with an amount and no quote (add a verbatim quote): {new[:20]}"
    closed = sorted(known - missing)
    assert not closed, f"quoted now: remove them from {GAPS.name}: {closed[:20]}"


def test_a_quote_of_a_seed_is_found_in_the_seed():
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    seeds = {p.name: _norm(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}
    ledger = load_ledger()
    checked, bad = 0, []
    for table, key in (("flows", "id"), ("figures", "id"), ("flow_events", "flow_id")):
        for r in getattr(ledger, table).to_dict(orient="records"):
            src, quote = str(r.get("source") or ""), r.get("quote")
            cited = [name for name in seeds if name in src]
            if not cited or not (isinstance(quote, str) and quote.strip()):
                continue
            if re.search(r"quote from https?://", str(r.get("notes") or "")):
                continue  # the notes name the (non-seed) page the quote is from
            checked += 1
            # "…" (or "...") only cuts: every piece must be in one of the cited seeds
            parts = [p for p in (_norm(x) for x in re.split(r"…|\.\.\.", quote)) if p]
            if not any(all(p in seeds[name] for p in parts) for name in cited):
                bad.append((table, r[key], quote[:60]))
    assert not bad, f"quotes not found in their seed: {bad[:10]}"
    assert checked >= 1, "no seed-sourced row carries a quote yet"


def test_every_bundled_figure_says_what_it_rests_on():
    figures = load_ledger().figures
    missing = figures[figures["source_tier"].isna()]["id"].tolist()
    assert not missing, f"figures without a source_tier: {missing[:20]}"
    seeds = figures[figures["source_tier"] == "seed"]
    # a value that rests on a seed cites one
    assert seeds["source"].str.contains(r"\d{3}_[0-9a-f]{16}\.txt").all()
