"""The ledger: companies, capital flows and their events, figures, scores and financials.

>>> from aiinfra.ledger import load_ledger
>>> ledger = load_ledger()
>>> ledger.counts()["companies"] >= 80
True
"""

from __future__ import annotations

from aiinfra.dates import PartialDate, parse_partial_date
from aiinfra.ledger._flows import IN_FORCE, counted_flows, events_in_force
from aiinfra.ledger._ledger import TABLE_NAMES, Ledger, LedgerView, load_ledger
from aiinfra.ledger._loader import bundled_data_dir
from aiinfra.ledger._schema import GROUP_ENTITIES, TABLES, TableSpec
from aiinfra.ledger._sources import SEEDS, Seed, SourcePart, seed_title, source_parts, source_text
from aiinfra.ledger._validate import parse_adr_ratios, rubric_score

__all__ = [
    "GROUP_ENTITIES",
    "IN_FORCE",
    "SEEDS",
    "TABLES",
    "TABLE_NAMES",
    "Ledger",
    "LedgerView",
    "PartialDate",
    "Seed",
    "SourcePart",
    "TableSpec",
    "bundled_data_dir",
    "counted_flows",
    "events_in_force",
    "load_ledger",
    "parse_adr_ratios",
    "parse_partial_date",
    "rubric_score",
    "seed_title",
    "source_parts",
    "source_text",
]
