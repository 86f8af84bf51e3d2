from __future__ import annotations

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
