"""A ledger overlay whose names, notes and sources are script payloads (issue 12).

Every payload sets ``window.__pwned`` (or opens a dialog) if it ever runs; shown literally, it
does nothing. Used by the report's unit and browser tests.
"""

from __future__ import annotations

import csv
from pathlib import Path

from aiinfra.ledger._loader import bundled_data_dir

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = '<svg onload="window.__pwned=1">'
JS_LINK = "javascript:window.__pwned=1"
ALERT = "<img src=x onerror=alert(1)>"
#: markup plotly.js itself would draw in a label (it shows unknown tags as text, but makes
#: ``<a href>`` a link and ``<b>``/``<span style>`` formatting)
LINK = '<a href="https://example.invalid/phish">click <b>here</b></a>'
PAYLOADS = (SCRIPT, IMG, SVG, JS_LINK, ALERT, LINK)

#: (file, key, column, text) written over bundled rows
EDITS = (
    ("companies.csv", "nvidia", "name", f"NVIDIA {IMG}"),
    ("companies.csv", "microsoft", "name", f"Microsoft {SCRIPT}"),
    ("companies.csv", "openai", "name", f"OpenAI {SVG}"),
    ("companies.csv", "anthropic", "name", f"Anthropic {ALERT}"),
    ("companies.csv", "amazon", "name", f"Amazon {LINK}"),
    ("companies.csv", "openai", "notes", f'<a href="{JS_LINK}">click</a>'),
    ("flows.csv", "f001", "notes", f"{SCRIPT} {IMG}"),
    ("flows.csv", "f001", "source", JS_LINK),
    ("figures.csv", "g132", "source", JS_LINK),
    ("figures.csv", "g132", "notes", SVG),
    ("figures.csv", "g134", "source", f"https://example.org/{SCRIPT}"),
    ("figures.csv", "g139", "source", f"{ALERT} {LINK}"),
    ("figures.csv", "g140", "source", IMG),
    ("figures.csv", "g140", "notes", f'<a href="{JS_LINK}">{SVG}</a>'),
)


def write_payload_overlay(directory: Path) -> Path:
    """Write the overlay files into ``directory`` (bundled rows with hostile text)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in sorted({e[0] for e in EDITS}):
        with (bundled_data_dir() / name).open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            fields = list(reader.fieldnames or [])
            rows = {r["id"]: r for r in reader}
        out: dict[str, dict[str, str]] = {}
        for file, key, column, text in EDITS:
            if file == name:
                out.setdefault(key, dict(rows[key]))[column] = text
        with (directory / name).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(out.values())
    return directory
