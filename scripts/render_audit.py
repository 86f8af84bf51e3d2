"""Render docs/ledger_audit.md from docs/audit_resolution.csv (run: python scripts/render_audit.py).

The rendered part ends at :data:`MARKER`; everything after it (the hand-written audit passes,
e.g. "2026-12 pattern sweep") is kept as it is.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = {
    "1": "Money direction",
    "2": "Duplicates and overlaps",
    "3": "Amounts",
    "4": "Dates and statuses",
    "5": "Companies",
    "6": "Figures",
}


#: the line after which docs/ledger_audit.md is hand-written and kept by this script
MARKER = "<!-- hand-written audit passes below: kept as they are by scripts/render_audit.py -->"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(rows: list[dict[str, str]], kept: str) -> str:
    """The page: the resolution table of ``rows``, then :data:`MARKER` and ``kept``."""
    sev = Counter(r["severity"] for r in rows)
    keys = {(r["section"], r["audit_rows"]) for r in rows}
    out = [
        "# How the source audit was resolved",
        "",
        "The shared starting dataset came with an audit (`shared/data/ecosystem/AUDIT.md`) listing",
        "suspect rows: reversed money directions, double counts, ceilings booked as commitments, stale",
        "statuses, wrong periods. Every table row of that audit is resolved in the project's ledger;",
        "`docs/audit_resolution.csv` records how, one line per audit row. This page is rendered",
        "from that file by",
        "`python scripts/render_audit.py`; `tests/unit/test_bundled_ledger.py` fails if an audit row has",
        "no resolution.",
        "",
        f"Audit rows resolved: {len(keys)}; by severity: "
        + ", ".join(f"{k} {sev[k]}" for k in ("H", "M", "L") if k in sev)
        + ".",
        "",
        "General conventions that came out of the audit (see `docs/ledger.md`):",
        "",
        "- amounts are split into `ceiling` (up to / LOI / target), `committed` (binding) and `funded`",
        "  (paid), so the firm part of a deal is machine-readable;",
        "- rows that describe the same obligation share an `obligation` id; only the `primary` row is",
        "  counted, `tranche` and `duplicate` rows are not added again;",
        "- a replaced deal is linked by `supersedes` and ends `stalled` or `terminated` in `flow_events`;",
        "- plans, targets and non-monetary links are not flows: plans went to `figures.csv`, links",
        "  without a money direction and seed claims that match no deal went to `relationships.csv`;",
        "- acquisitions pay the sellers, so the payee of an acquisition is the seller.",
        "",
    ]
    for sec, title in SECTIONS.items():
        part = [r for r in rows if r["section"] == sec]
        out += [
            f"## {sec}. {title}",
            "",
            "| audit rows | sev. | resolution | ledger rows |",
            "|---|---|---|---|",
        ]
        out += [
            f"| {cell(r['audit_rows'])} | {r['severity']} | {cell(r['resolution'])} | {cell(r['ledger_rows'])} |"
            for r in part
        ]
        out.append("")
    return "\n".join([*out, MARKER, kept.lstrip("\n")])


def kept_part(page: str) -> str:
    """What follows :data:`MARKER` in an existing page ("" when there is no marker)."""
    return page.split(MARKER, 1)[1] if MARKER in page else ""


def main() -> None:
    doc = ROOT / "docs" / "ledger_audit.md"
    rows = list(csv.DictReader((ROOT / "docs" / "audit_resolution.csv").open(encoding="utf-8")))
    old = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if old and MARKER not in old:
        raise SystemExit(f"{doc}: no marker line {MARKER!r}; add it before the hand-written part")
    doc.write_text(render(rows, kept_part(old)), encoding="utf-8")


if __name__ == "__main__":
    main()
