"""Hostile or damaged ledger input: each is a problem naming file, row, column and rule.

Unclosed quotes, NUL bytes, supersede cycles, a company related to itself, dates outside the
ledger's range, devices and oversized files, and keys used twice in one file (issue 12).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from aiinfra._csv import parse_csv_text, read_text_bounded
from aiinfra.dates import LEDGER_DATE_MAX, LEDGER_DATE_MIN
from aiinfra.exceptions import DataValidationError, InvalidParameterError, Problem
from aiinfra.ledger import TABLES, load_ledger
from aiinfra.ledger._loader import MAX_FILE_BYTES_ENV

TODAY = dt.date(2026, 11, 21)
FLOW_HEADER = (
    "id,payer,payee,type,flow_layer,ceiling,committed,funded,horizon_years,announced,supersedes,"
    "obligation,obligation_role,source_tier,source,source_date,notes\n"
)


def flow(fid: str, announced: str = "2025-07-01", supersedes: str = "", notes: str = "") -> str:
    return (
        f"{fid},oracle,tsmc,other,cash,,1,,,{announced},{supersedes},,,press,"
        f"https://e.org/{fid},2025-07-01,{notes}\n"
    )


def user_dir(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    d = tmp_path / "user"
    d.mkdir(exist_ok=True)
    for name, content in files.items():
        if isinstance(content, bytes):
            (d / name).write_bytes(content)
        else:
            (d / name).write_text(content, encoding="utf-8")
    return d


def problems(user: Path, base: Path) -> list[Problem]:
    with pytest.raises(DataValidationError) as info:
        load_ledger(user, base=base, today=TODAY)
    return info.value.problems


def where(ps: list[Problem]) -> set[tuple[str, int | None, str | None]]:
    return {(Path(p.file).name, p.row, p.column) for p in ps}


# --- unclosed quotes and stray characters


def test_an_unclosed_quote_is_reported_not_swallowing_the_rest(mini_ledger_dir, tmp_path):
    # Before: csv's lenient mode read rows 3-4 into row 2's notes and the file loaded (exit 0).
    text = FLOW_HEADER + flow("u1", notes='"never closed') + flow("u2") + flow("u3")
    ps = problems(user_dir(tmp_path, {"flows.csv": text}), mini_ledger_dir)
    assert where(ps) == {("flows.csv", 2, "notes")}
    assert "never closed" in ps[0].rule and "end" in ps[0].rule


def test_an_unclosed_quote_closed_by_a_later_quote_names_both_rows(mini_ledger_dir, tmp_path):
    text = (
        FLOW_HEADER
        + flow("u1", notes='"runs on')
        + flow("u2")
        + flow("u3", notes='"quoted, properly"')
        + flow("u4")
    )
    ps = problems(user_dir(tmp_path, {"flows.csv": text}), mini_ledger_dir)
    assert where(ps) == {("flows.csv", 2, "notes")}
    assert "row 4" in ps[0].rule and "not closed" in ps[0].rule


def test_a_quoted_cell_spanning_lines_is_refused(mini_ledger_dir, tmp_path):
    # Lenient or strict, a quote closed two lines later is valid CSV: the ledger allows no line
    # break in a cell, which is what tells a swallowed row from real text.
    text = FLOW_HEADER + flow("u1", notes='"first\nu2,oracle,tsmc,second"') + flow("u3")
    ps = problems(user_dir(tmp_path, {"flows.csv": text}), mini_ledger_dir)
    assert where(ps) == {("flows.csv", 2, "notes")}
    assert "from row 2 into row 3" in ps[0].rule


def test_an_unclosed_quote_at_the_end_of_the_file(mini_ledger_dir, tmp_path):
    text = FLOW_HEADER + flow("u1") + flow("u2", notes='"cut off').rstrip("\n")
    ps = problems(user_dir(tmp_path, {"flows.csv": text}), mini_ledger_dir)
    assert where(ps) == {("flows.csv", 3, "notes")}


@pytest.mark.parametrize(
    ("content", "row", "column"),
    [
        (FLOW_HEADER.encode() + flow("u1", notes="a\x00b").encode(), 2, "notes"),
        (FLOW_HEADER.encode() + flow("u1").encode() + b"\x00" * 64, 3, "id"),
    ],
    ids=["in-a-cell", "trailing-nuls"],
)
def test_nul_bytes_are_refused(mini_ledger_dir, tmp_path, content, row, column):
    ps = problems(user_dir(tmp_path, {"flows.csv": content}), mini_ledger_dir)
    assert where(ps) == {("flows.csv", row, column)}
    assert "NUL" in ps[0].rule


def test_control_characters_are_refused_in_ledger_cells(mini_ledger_dir, tmp_path):
    text = FLOW_HEADER + flow("u1", notes="\x1b[2J\x1b[31mred")
    ps = problems(user_dir(tmp_path, {"flows.csv": text}), mini_ledger_dir)
    assert where(ps) == {("flows.csv", 2, "notes")}
    assert "control character" in ps[0].rule


def test_text_after_a_closing_quote_is_refused():
    table = parse_csv_text('a,b\n1,"x"y\n', "f.csv")
    assert table.records == []
    assert [(p.row, "not valid CSV" in p.rule) for p in table.problems] == [(2, True)]


def test_prices_keep_lenient_cells_but_refuse_nul():
    # parse_csv_text without single_line (prices, events) allows a quoted line break
    assert parse_csv_text('a,b\n1,"x\ny"\n', "p.csv").records == [(2, ["1", "x\ny"])]
    nul = parse_csv_text("a,b\n1,\x00\n", "p.csv")
    assert nul.records == [] and [(p.row, p.column) for p in nul.problems] == [(2, "b")]


# --- cross-row rules


@pytest.mark.parametrize(
    "links",
    [
        {"f900": "f901", "f901": "f900"},
        {"f900": "f901", "f901": "f902", "f902": "f900"},
        {"f900": "f901", "f901": "f902", "f902": "f903", "f903": "f901"},  # a tail into a loop
    ],
    ids=["two", "three", "tail-into-three"],
)
def test_supersede_cycles_of_any_length_are_reported_once(mini_ledger_dir, tmp_path, links):
    text = FLOW_HEADER + "".join(flow(fid, supersedes=sup) for fid, sup in links.items())
    ps = problems(user_dir(tmp_path, {"flows.csv": text}), mini_ledger_dir)
    line = {fid: i + 2 for i, fid in enumerate(links)}
    members = set(links) - {"f900"} if len(links) == 4 else set(links)
    first = min(members, key=line.__getitem__)
    assert where(ps) == {("flows.csv", line[first], "supersedes")}
    assert "cycle" in ps[0].rule
    for fid in members:
        assert f"{fid} (row {line[fid]})" in ps[0].rule
    if "f900" not in members:
        assert "f900" not in ps[0].rule


def test_a_supersede_chain_without_a_cycle_is_fine(mini_ledger_dir, tmp_path):
    text = FLOW_HEADER + flow("f900", supersedes="f901") + flow("f901", supersedes="f1")
    ledger = load_ledger(user_dir(tmp_path, {"flows.csv": text}), base=mini_ledger_dir, today=TODAY)
    assert {"f900", "f901"} <= set(ledger.flows["id"])


def test_a_cycle_across_the_overlay_names_both_files(mini_ledger_dir, tmp_path):
    # the bundled f4 supersedes f1; a user row for f1 that supersedes f4 closes the loop
    text = FLOW_HEADER + flow("f1", announced="2025-09-22", supersedes="f4")
    ps = problems(user_dir(tmp_path, {"flows.csv": text}), mini_ledger_dir)
    cycle = [p for p in ps if "cycle" in p.rule]
    assert len(cycle) == 1 and cycle[0].column == "supersedes"
    # reported on the bundled f4 (first in the ledger's order, wherever the files lie), naming
    # the overlay's f1 with its file
    assert Path(cycle[0].file).parent == mini_ledger_dir and cycle[0].row == 5
    assert "f4 (row 5)" in cycle[0].rule
    assert f"f1 ({tmp_path / 'user' / 'flows.csv'}, row 2)" in cycle[0].rule


def test_a_company_related_to_itself_is_refused(mini_ledger_dir, tmp_path):
    text = (
        "id,company_a,company_b,kind,announced,source,source_date,notes\n"
        "r9,oracle,oracle,partnership,2024,https://e.org/r,2024,\n"
    )
    ps = problems(user_dir(tmp_path, {"relationships.csv": text}), mini_ledger_dir)
    assert where(ps) == {("relationships.csv", 2, "company_b")}
    assert ps[0].rule == "company_a and company_b must differ"


# --- the ledger's date range


@pytest.mark.parametrize(
    ("file", "old", "new", "column"),
    [
        ("flows.csv", "2025-09,,,,press", "9999-01-01,,,,press", "announced"),
        ("flows.csv", "2025-09,,,,press", "0001-01-01,,,,press", "announced"),
        ("flows.csv", "2025-09-10,", "0001,", "source_date"),
        ("flow_events.csv", "f1,2026-01,stalled", "f1,2300-01,stalled", "date"),
        ("scores.csv", "tsmc,2025-11-20", "tsmc,1600-01-01", "as_of"),
        (
            "score_components.csv",
            "nvidia,2025-11-20,execution",
            "nvidia,1600-01-01,execution",
            "as_of",
        ),
        ("figures.csv", "oracle,FY2026,50", "oracle,1500,50", "period"),
        ("figures.csv", "big4,2026,", "big4,2025-2230,", "period"),
        (
            "figures.csv",
            "guidance,000_e8cd576da995e634.txt,2026-06-10,\n",
            "guidance,000_e8cd576da995e634.txt,1500,\n",
            "source_date",
        ),
        ("ai_revenue.csv", "2025-01-26,2025-02-26", "1650-01-26,2025-02-26", "period_end"),
        ("ai_revenue.csv", "nvidia,FY2025", "nvidia,FY1500", "fiscal_year"),
        ("financials.csv", "2025-01-26,130.5", "2262-04-12,130.5", "period_end"),
        ("relationships.csv", "supply_relationship,2024", "supply_relationship,1899", "announced"),
    ],
)
def test_dates_outside_the_ledger_range_are_problems(
    mini_ledger_dir, tmp_path, file, old, new, column
):
    # Before: pandas' nanosecond timestamps overflowed in the loader (OutOfBoundsDatetime).
    base = shutil.copytree(mini_ledger_dir, tmp_path / "base")
    text = (base / file).read_text()
    assert old in text, "test setup: pattern not found"
    (base / file).write_text(text.replace(old, new, 1))
    with pytest.raises(DataValidationError) as info:
        load_ledger(base=base, today=TODAY)
    hits = [p for p in info.value.problems if p.column == column and p.file.endswith(file)]
    assert hits, str(info.value)
    assert all(p.row is not None and p.row >= 2 for p in hits)
    assert any("1900" in p.rule and "2100" in p.rule for p in hits), str(info.value)


def test_the_range_bounds_themselves_are_accepted(mini_ledger_dir, tmp_path):
    base = shutil.copytree(mini_ledger_dir, tmp_path / "base")
    low, high = LEDGER_DATE_MIN.isoformat(), str(LEDGER_DATE_MAX.year)
    rel = (base / "relationships.csv").read_text()
    (base / "relationships.csv").write_text(
        rel.replace("supply_relationship,2024", f"supply_relationship,{low}")
    )
    fig = (base / "figures.csv").read_text()
    (base / "figures.csv").write_text(fig.replace("big4,2026,", f"big4,2025-{high},"))
    ledger = load_ledger(base=base, today=TODAY)
    assert ledger.relationships["announced"].tolist() == [low]
    assert f"2025-{high}" in set(ledger.figures["period"])


# --- what is read at all


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_link_to_a_device_is_refused_before_reading(mini_ledger_dir, tmp_path):
    user = user_dir(tmp_path, {})
    (user / "flows.csv").symlink_to("/dev/zero")
    ps = problems(user, mini_ledger_dir)
    assert where(ps) == {("flows.csv", None, None)}
    assert "must be a regular file" in ps[0].rule


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_without_blocking(mini_ledger_dir, tmp_path):
    user = user_dir(tmp_path, {})
    os.mkfifo(user / "figures.csv")  # nobody writes: a blocking open would hang here
    ps = problems(user, mini_ledger_dir)
    assert "must be a regular file" in ps[0].rule


def test_the_byte_limit_applies_per_file_and_names_its_variable(
    mini_ledger_dir, tmp_path, monkeypatch
):
    text = FLOW_HEADER + flow("u1")
    user = user_dir(tmp_path, {"flows.csv": text})
    size = len(text.encode())
    monkeypatch.setenv(MAX_FILE_BYTES_ENV, str(size - 1))
    ps = problems(user, mini_ledger_dir)
    mine = [p for p in ps if p.file == str(user / "flows.csv")]
    assert [p.rule for p in mine] == [
        f"must be at most {size - 1:,} bytes ({MAX_FILE_BYTES_ENV} raises the limit); "
        f"it has {size:,} bytes"
    ]
    monkeypatch.setenv(MAX_FILE_BYTES_ENV, "lots")
    with pytest.raises(InvalidParameterError, match=MAX_FILE_BYTES_ENV):
        load_ledger(user, base=mini_ledger_dir, today=TODAY)


def test_read_text_bounded_reads_at_most_the_limit(tmp_path):
    f = tmp_path / "a.csv"
    f.write_bytes(b"\xef\xbb\xbfa,b\n1,2\n")
    assert read_text_bounded(f, "a.csv", 11) == ("a,b\n1,2\n", [])
    text, ps = read_text_bounded(f, "a.csv", 10)
    assert text is None and "at most 10 bytes" in ps[0].rule


# --- keys used twice in one file


def _first_row_twice(text: str) -> tuple[str, int]:
    lines = text.splitlines(keepends=True)
    return "".join([*lines, lines[1]]), len(lines) + 1


@pytest.mark.parametrize("name", list(TABLES))
@pytest.mark.parametrize("where_", ["base", "overlay"])
def test_every_duplicate_key_in_one_file_names_both_rows(mini_ledger_dir, tmp_path, name, where_):
    spec = TABLES[name]
    base = shutil.copytree(mini_ledger_dir, tmp_path / "base")
    src = (base / spec.filename).read_text()
    if where_ == "base":
        text, dup_line = _first_row_twice(src)
        (base / spec.filename).write_text(text)
        user = None
    else:
        header, first = src.splitlines(keepends=True)[:2]
        text, dup_line = _first_row_twice(header + first)
        user = user_dir(tmp_path, {spec.filename: text})
    with pytest.raises(DataValidationError) as info:
        load_ledger(user, base=base, today=TODAY)
    dups = [p for p in info.value.problems if "duplicate key" in p.rule]
    assert [(Path(p.file).name, p.row, p.column) for p in dups] == [
        (spec.filename, dup_line, spec.key[0])
    ]
    assert f"rows 2 and {dup_line}" in dups[0].rule


def test_a_duplicate_is_reported_even_when_one_row_breaks_another_rule(mini_ledger_dir, tmp_path):
    # Before: the invalid row was dropped first, so the duplicate went unseen.
    bad = flow("zz_bad_3").replace(",1,,,", ",-3,,,")
    cases = [([bad, flow("zz_bad_3")], 2), ([flow("zz_bad_3"), bad], 3)]
    for rows, bad_line in cases:
        user = user_dir(tmp_path, {"flows.csv": FLOW_HEADER + "".join(rows)})
        ps = problems(user, mini_ledger_dir)
        assert where(ps) == {("flows.csv", bad_line, "committed"), ("flows.csv", 3, "id")}
        dup = [p for p in ps if p.column == "id"]
        assert "rows 2 and 3" in dup[0].rule and dup[0].value == "zz_bad_3"


# --- overrides


def test_overrides_list_each_replaced_bundled_row(mini_ledger_dir, tmp_path):
    user = user_dir(
        tmp_path,
        {
            "flows.csv": FLOW_HEADER
            + "f3,oracle,nvidia,chip_purchase,cash,,40,,,2025-05,,,,press,https://e.org/c2,2025-06,fixed\n"
            + flow("f9"),
            "flow_events.csv": "flow_id,date,status,ceiling,committed,funded,source,notes\n"
            "f1,2025-09-22,loi,100,,0,https://e.org/a,\n"
            "f1,2026-01,terminated,,,,https://e.org/e,\n",
        },
    )
    ledger = load_ledger(user, base=mini_ledger_dir, today=TODAY)
    got = {(o.table, o.key): o for o in ledger.overrides}
    assert set(got) == {("flows", "id=f3"), ("flow_events", "flow_id=f1")}
    f3 = got["flows", "id=f3"]
    assert (f3.file, f3.row) == (str(user / "flows.csv"), 2)
    assert (f3.replaced_file, f3.replaced_rows) == (str(mini_ledger_dir / "flows.csv"), (4,))
    ev = got["flow_events", "flow_id=f1"]
    assert (ev.row, ev.replaced_rows) == (2, (2, 3))
    assert load_ledger(base=mini_ledger_dir, today=TODAY).overrides == ()
