"""A synthetic universe whose default-rule backtest is point in time with two score sources
(systematic before the house vintage of 2024-01-02, the house view from then on), for the
report's and the dashboard's index views (issue 14).

Thirty companies (``tests/index_fixtures.make_universe``) from 2019 with the financials of
``tests/unit/test_systematic.py`` (margins, growth, backlog: every rubric component known), and
company names carrying the script payloads of ``tests/_report_payloads.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from aiinfra.index import load_methodology
from aiinfra.ledger import load_ledger
from aiinfra.prices import CsvDirProvider
from aiinfra.services.index import form_index
from tests._report_payloads import PAYLOADS
from tests.index_fixtures import make_universe
from tests.unit.test_systematic import _financials

AS_OF = "2024-09-30"
START = "2021-01-01"
BENCHMARKS = ("T01",)
#: the default rules with the screens opened for 30 synthetic names (pit_mode stays the default)
RULES = {
    "selection": {"target_n": 20, "min_n": 5, "min_per_category": 1},
    "eligibility": {"min_composite": {"new": 0, "existing": 0}},
    "scores": {"max_vintage_age_reviews": None},
}


@dataclass
class PitUniverse:
    ledger: Any
    prices: Any
    methodology_path: Path
    root: Path

    def view(self, compare: bool = True) -> Any:
        """The index and backtest of the rules on :data:`AS_OF` (``form_index``)."""
        return form_index(
            self.ledger,
            self.prices.get,
            load_methodology(str(self.methodology_path)),
            pd.Timestamp(AS_OF),
            start=START,
            benchmarks=BENCHMARKS,
            compare=compare,
        )


def pit_universe(root: Path, hostile: bool = True) -> PitUniverse:
    led, px = make_universe(root, start="2019-01-01", days=1500, score_as_of="2024-01-02")
    (led / "financials.csv").write_text(_financials(30))
    if hostile:
        comp = pd.read_csv(led / "companies.csv", dtype=str, keep_default_na=False)
        comp["name"] = [f"{n} {PAYLOADS[i % len(PAYLOADS)]}" for i, n in enumerate(comp["name"])]
        comp.to_csv(led / "companies.csv", index=False)
    path = root / "rules.yaml"
    path.write_text(yaml.safe_dump(RULES))
    return PitUniverse(load_ledger(base=led), CsvDirProvider(px), path, root)
