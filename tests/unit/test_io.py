from __future__ import annotations

from pathlib import Path

import pytest

from aiinfra._io import atomic_directory
from aiinfra.exceptions import InvalidParameterError


def test_a_failure_leaves_no_output_and_no_temporary_directory(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="injected"), atomic_directory(out) as tmp:
        (tmp / "levels.csv").write_text("half")
        raise RuntimeError("injected")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_success_moves_everything_into_place_and_an_empty_dir_is_reused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with atomic_directory(out) as tmp:
        (tmp / "a.csv").write_text("x")
    assert [p.name for p in out.iterdir()] == ["a.csv"]
    with (
        pytest.raises(InvalidParameterError, match="must not exist or be an empty directory"),
        atomic_directory(out),
    ):
        pass


KILLED_WRITER = """
import sys, time
from aiinfra._io import atomic_path
with atomic_path(sys.argv[1]) as tmp:
    open(tmp, "w").write("half a report")
    print("writing", flush=True)
    time.sleep(600)
"""


def test_a_writer_killed_mid_write_leaves_a_temporary_the_next_write_removes(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    from aiinfra._io import atomic_path

    target = tmp_path / "report.html"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".report.html.aiinfra-"), left
    assert not target.exists()
    # an unrelated hidden file of the user's is never touched
    (tmp_path / ".report.html.mine").write_text("keep")
    with atomic_path(target) as tmp:
        Path(tmp).write_text("whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".report.html.mine", "report.html"]
    assert target.read_text() == "whole"


def test_a_live_writers_temporary_is_kept_and_a_day_old_one_is_removed(tmp_path):
    import os
    import time

    from aiinfra._io import STALE_AFTER_S, _prefix, clean_stale_temporaries

    live = tmp_path / (_prefix(tmp_path / "a.csv") + "x1.tmp")  # this process: alive
    live.write_text("in progress")
    other_host = tmp_path / ".b.csv.aiinfra-elsewhere-12345-x2.tmp"
    other_host.write_text("another machine's writer")
    assert clean_stale_temporaries(tmp_path) == []
    old = time.time() - STALE_AFTER_S - 60
    os.utime(other_host, (old, old))
    assert clean_stale_temporaries(tmp_path) == [other_host.name]
    assert live.exists()
