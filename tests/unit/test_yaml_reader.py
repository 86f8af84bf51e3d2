"""The one YAML reader behind methodology, stress-scenario and sweep-grid files."""

from __future__ import annotations

import os

import pytest

from aiinfra._yaml import MAX_YAML_BYTES, parse_yaml, read_yaml
from aiinfra.backtest import load_grid
from aiinfra.exceptions import DataValidationError
from aiinfra.index import load_methodology
from aiinfra.stress import load_scenario


def the_problem(info: pytest.ExceptionInfo[DataValidationError]) -> str:
    (problem,) = info.value.problems
    return str(problem)


def test_a_mapping_is_read_as_a_dict(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("\ufeffselection:\n  target_n: 7\nname: ü\n", encoding="utf-8")
    assert read_yaml(path, what="methodology") == {"selection": {"target_n": 7}, "name": "ü"}


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_an_empty_file_is_an_empty_mapping(tmp_path, text):
    path = tmp_path / "empty.yaml"
    path.write_text(text, encoding="utf-8")
    assert read_yaml(path, what="grid") == {}


@pytest.mark.parametrize(
    ("text", "got"), [("- 1\n- 2\n", "got a list"), ("just text\n", "got a single value (str)")]
)
def test_anything_but_a_mapping_at_the_top_level_is_refused(tmp_path, text, got):
    path = tmp_path / "list.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"^scenario: 1 problem found") as info:
        read_yaml(path, what="scenario")
    assert the_problem(info) == (
        f"{path}: must be a YAML mapping (key: value) at the top level; {got}"
    )


def test_a_syntax_error_names_the_file_the_line_and_the_column(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("a: 1\nb: [1, 2\nc: 3\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_yaml(path, what="grid")
    message = the_problem(info)
    assert message.startswith(f"{path}: is not valid YAML at line 3, column 2: ")
    assert "flow sequence" in message and "\n" not in message


def test_a_forbidden_character_names_its_line_and_column(tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_text("a: 1\nbb: x\x00\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_yaml(path, what="grid")
    assert the_problem(info).startswith(
        f"{path}: is not valid YAML at line 2, column 6: character U+0000 is not allowed"
    )


def test_python_tags_are_refused_not_run(tmp_path):
    path = tmp_path / "tag.yaml"
    path.write_text("a: !!python/object/apply:os.getcwd []\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="could not determine a constructor"):
        read_yaml(path, what="grid")


def test_bytes_that_are_not_utf8_are_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: café\n".encode("latin-1"))
    with pytest.raises(DataValidationError) as info:
        read_yaml(path, what="methodology")
    assert the_problem(info).startswith(f"{path}: is not UTF-8 text")


def test_only_a_regular_file_of_bounded_size_is_read(tmp_path):
    if os.path.exists(os.devnull):  # a link to a device is judged by what it points to
        link = tmp_path / "null.yaml"
        link.symlink_to(os.devnull)
        with pytest.raises(DataValidationError, match="must be a regular file"):
            read_yaml(link, what="grid")
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(MAX_YAML_BYTES + 1)
    with pytest.raises(DataValidationError, match=f"must be at most {MAX_YAML_BYTES:,} bytes"):
        read_yaml(big, what="grid")
    if hasattr(os, "mkfifo"):  # a pipe must not block the reader
        fifo = tmp_path / "pipe.yaml"
        os.mkfifo(fifo)
        with pytest.raises(DataValidationError, match="must be a regular file"):
            read_yaml(fifo, what="grid")


def test_the_label_names_the_file_in_the_problem():
    with pytest.raises(DataValidationError) as info:
        parse_yaml("[", "<text>", what="grid")
    assert the_problem(info).startswith("<text>: is not valid YAML at line 1, column 2: ")


@pytest.mark.parametrize(
    ("load", "what"),
    [(load_methodology, "methodology"), (load_scenario, "scenario"), (load_grid, "grid")],
)
def test_every_settings_file_is_read_the_same_way(tmp_path, load, what):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"a: [\xff\n")
    with pytest.raises(DataValidationError, match=f"^{what}: 1 problem found") as info:
        load(path)
    assert the_problem(info).startswith(f"{path}: is not UTF-8 text")
    path.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=f"^{what}: 1 problem found") as info:
        load(path)
    assert "must be a YAML mapping" in the_problem(info)


def test_a_directory_is_refused_with_a_problem_and_no_open_descriptor(tmp_path):
    import os

    from aiinfra._csv import read_text_bounded

    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    for _ in range(50):
        text, problems = read_text_bounded(tmp_path, "dir", 1000)
        assert text is None
        assert [p.rule for p in problems] == ["must be a regular file (not a directory)"]
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) <= before
