"""The engine as it was before issue 17's speed-up, for ratios measured in the same run.

:func:`before_src` extracts ``src/`` of commit :data:`BEFORE` from the repository's history
(``git archive``) into a temporary directory; :func:`run_before` runs a Python snippet in a
subprocess with that ``src`` first on ``PYTHONPATH`` (worker processes inherit it) and returns
what the snippet printed as JSON on its last line. Needs the git history (a clone has it).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: the last commit before the speed-up (the reference tables were made with it)
BEFORE = "69323a88d790c2adf9d19946d7c43bf0a8ebf951"


@cache
def before_src() -> Path:
    """``src/`` of :data:`BEFORE`, extracted once per process."""
    tar = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", BEFORE, "src"],
        check=True,
        capture_output=True,
    ).stdout
    out = Path(tempfile.mkdtemp(prefix="aiinfra-before-"))
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        t.extractall(out, filter="data")
    return out / "src"


def run_before(code: str) -> Any:
    """Run ``code`` with the engine of :data:`BEFORE`; the JSON of its last output line."""
    env = {**os.environ, "PYTHONPATH": str(before_src())}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
