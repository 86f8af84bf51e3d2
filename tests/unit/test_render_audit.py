"""docs/ledger_audit.md is what scripts/render_audit.py renders, and re-rendering keeps the
hand-written audit passes after the marker."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "render_audit", ROOT / "scripts" / "render_audit.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _rows() -> list[dict[str, str]]:
    with (ROOT / "docs" / "audit_resolution.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_page_is_the_rendered_table_plus_the_kept_passes() -> None:
    mod = _script()
    page = (ROOT / "docs" / "ledger_audit.md").read_text(encoding="utf-8")
    assert mod.MARKER in page
    assert "## 2026-12 pattern sweep" in mod.kept_part(page)
    assert mod.render(_rows(), mod.kept_part(page)) == page


def test_rerender_keeps_the_hand_written_part_verbatim() -> None:
    mod = _script()
    kept = "\n## A later pass\n\n| f001 | a | b \\| c |\n<script>x</script>\n"
    page = mod.render(_rows(), kept)
    again = mod.render(_rows(), mod.kept_part(page))
    assert again == page
    assert page.endswith(kept.lstrip("\n"))
    assert mod.kept_part("no marker here") == ""
