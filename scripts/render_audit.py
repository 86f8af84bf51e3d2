"""Render docs/ledger_audit.md from docs/audit_resolution.csv (run: python scripts/render_audit.py)."""

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


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main() -> None:
    rows = list(csv.DictReader((ROOT / "docs" / "audit_resolution.csv").open(encoding="utf-8")))
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
    (ROOT / "docs" / "ledger_audit.md").write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main()
