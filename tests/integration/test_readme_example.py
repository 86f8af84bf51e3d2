"""The README's Python example runs as written (against ../shared/data/prices when present)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED

README = ROOT / "README.md"


def readme_python() -> str:
    """The README's ``python`` code block (there is one: the "From Python" example)."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1, f"expected one python block in README.md, found {len(blocks)}"
    return blocks[0]


def test_the_example_reads_the_shared_prices_by_the_documented_path():
    code = readme_python()
    assert 'CsvDirProvider("../shared/data/prices")' in code  # the path the test below provides
    compile(code, "README.md", "exec")


@pytest.mark.slow
def test_readme_python_example_runs(shared_prices: Path, tmp_path: Path):
    # the example's relative paths resolve as in a checkout beside ../shared; its outputs
    # (out/backtest) land in tmp_path
    work = tmp_path / "main"
    work.mkdir()
    (tmp_path / "shared").symlink_to(SHARED, target_is_directory=True)
    script = work / "readme_example.py"
    script.write_text(readme_python(), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=work,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = work / "out" / "backtest"
    assert out.is_dir() and any(out.iterdir())
    assert not list(work.glob("out/.*.tmp"))
