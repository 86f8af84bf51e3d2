"""The loader on a small hand-made ledger: every rule, the overlay, and point-in-time views."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from aiinfra.exceptions import DataValidationError, InvalidParameterError
from aiinfra.ledger import load_ledger, rubric_score

TODAY = dt.date(2026, 11, 21)
FLOW_HEADER = (
    "id,payer,payee,type,flow_layer,ceiling,committed,funded,horizon_years,announced,supersedes,"
    "obligation,obligation_role,source_tier,source,source_date,notes\n"
)


def load_mini(path: Path):
    return load_ledger(base=path, today=TODAY)


def copy_mini(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def problems_of(exc: DataValidationError) -> set[tuple[str, int | None, str | None]]:
    return {(Path(p.file).name, p.row, p.column) for p in exc.problems}


def test_mini_ledger_loads_with_counts(mini_ledger_dir):
    ledger = load_mini(mini_ledger_dir)
    assert ledger.counts() == {
        "companies": 4,
        "flows": 4,
        "flow_events": 6,
        "relationships": 1,
        "figures": 2,
        "scores": 2,
        "score_components": 5,
        "ai_revenue": 1,
        "financials": 1,
        "balance_sheets": 1,
    }


def test_flow_without_events_gets_one_synthesised_announcement(mini_ledger_dir):
    ledger = load_mini(mini_ledger_dir)
    ev = ledger.flow_events[ledger.flow_events["flow_id"] == "f3"]
    assert len(ev) == 1
    assert ev.iloc[0]["status"] == "announced" and ev.iloc[0]["committed"] == 40


def test_as_of_replays_status_and_amounts(mini_ledger_dir):
    ledger = load_mini(mini_ledger_dir)
    before = ledger.as_of("2025-12-31").flows.set_index("id")
    # f4 (announced 2026-02) does not exist yet; f1 is still a live LOI with nothing funded
    assert set(before.index) == {"f1", "f2", "f3"}
    assert before.loc["f1", "status"] == "loi" and before.loc["f1", "funded"] == 0
    after = ledger.as_of("2026-06-30").flows.set_index("id")
    assert after.loc["f1", "status"] == "stalled"
    assert after.loc["f1", "ceiling"] == 100  # carried forward from the LOI event
    # f4 signed in 2026-02 with nothing paid; completed on 2026-03-31 with 30 funded
    mid = ledger.as_of("2026-03-30").flows.set_index("id")
    assert (mid.loc["f4", "status"], mid.loc["f4", "funded"]) == ("signed", 0)
    assert (after.loc["f4", "status"], after.loc["f4", "funded"]) == ("completed", 30)


def test_partial_dates_count_from_the_end_of_the_period(mini_ledger_dir):
    ledger = load_mini(mini_ledger_dir)
    # f2 is dated 2025-09: unknown on 2025-09-29, known on 2025-09-30
    assert "f2" not in set(ledger.as_of("2025-09-29").flows["id"])
    assert "f2" in set(ledger.as_of("2025-09-30").flows["id"])


def test_as_of_filters_every_dated_table(mini_ledger_dir):
    view = load_mini(mini_ledger_dir).as_of("2025-03-01")
    assert view.flows.empty and view.flow_events.empty
    assert view.figures.empty and view.scores.empty and view.score_components.empty
    assert list(view.ai_revenue["fiscal_year"]) == ["FY2025"]  # known from 2025-02-26
    assert len(view.companies) == 4


def test_as_of_rejects_a_bad_date(mini_ledger_dir):
    with pytest.raises(InvalidParameterError, match="`as_of`"):
        load_mini(mini_ledger_dir).as_of("June 2025")


def test_as_of_does_not_mutate_the_ledger(mini_ledger_dir):
    ledger = load_mini(mini_ledger_dir)
    flows_before = ledger.flows.copy()
    ledger.as_of("2025-12-31")
    pd.testing.assert_frame_equal(ledger.flows, flows_before)


def test_user_overlay_replaces_by_id_and_adds_rows(mini_ledger_dir, tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    (user / "flows.csv").write_text(
        FLOW_HEADER
        + "f3,oracle,nvidia,chip_purchase,cash,,45,,,2025-05,,,,press,https://example.org/c2,2025-06,corrected\n"
        + "f9,oracle,tsmc,other,cash,,1,,,2025-07-01,,,,press,https://example.org/z,2025-07-01,new\n"
    )
    ledger = load_ledger(user, base=mini_ledger_dir, today=TODAY)
    flows = ledger.flows.set_index("id")
    assert flows.loc["f3", "committed"] == 45 and flows.loc["f3", "notes"] == "corrected"
    assert "f9" in flows.index and len(flows) == 5
    assert flows.loc["f3", "_file"].endswith("user/flows.csv")
    # the base rows are untouched
    assert flows.loc["f2", "committed"] == 300


def test_four_problems_are_reported_together_with_file_and_row(mini_ledger_dir, tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    (user / "flows.csv").write_text(
        FLOW_HEADER
        + "u1,ghost_corp,openai,equity_investment,equity,,5,,,2025-01-10,,,,press,https://e.org/x,2025-01-10,\n"
        + "u2,nvidia,openai,equity_investment,equity,,-3,,,2025-01-10,,,,press,https://e.org/x,2025-01-10,\n"
        + "u3,nvidia,oracle,chip_purchase,cash,,1,,,2025-13-45,,,,press,https://e.org/x,2025-01-10,\n"
        + "u1,nvidia,oracle,chip_purchase,cash,,1,,,2025-02-01,,,,press,https://e.org/x,2025-01-10,\n"
    )
    with pytest.raises(DataValidationError) as info:
        load_ledger(user, base=mini_ledger_dir, today=TODAY)
    got = problems_of(info.value)
    assert got == {
        ("flows.csv", 2, "payer"),
        ("flows.csv", 3, "committed"),
        ("flows.csv", 4, "announced"),
        ("flows.csv", 5, "id"),
    }
    text = str(info.value)
    assert "4 problems" in text and "ghost_corp" in text and "duplicate key" in text
    assert "must be ≥ 0" in text and "YYYY-MM-DD" in text


def test_header_problems_name_the_column(mini_ledger_dir, tmp_path):
    base = copy_mini(mini_ledger_dir, tmp_path / "base")
    text = (base / "figures.csv").read_text().replace("kind,", "kinds,", 1)
    (base / "figures.csv").write_text(text)
    with pytest.raises(DataValidationError) as info:
        load_mini(base)
    rules = {(p.column, p.rule.split(" (")[0]) for p in info.value.problems}
    assert ("kind", "required column is missing from the header") in rules
    assert ("kinds", "unknown column") in rules


@pytest.mark.parametrize(
    ("file", "old", "new", "column", "rule"),
    [
        (
            "flows.csv",
            "f2,openai,oracle",
            "f2,openai,openai",
            "payee",
            "payer and payee must differ",
        ),
        (
            "flows.csv",
            "press,https://example.org/d",
            "rumour,https://example.org/d",
            "source_tier",
            "must be one of",
        ),
        (
            "flow_events.csv",
            "f4,2026-03-31,completed,,,30",
            "f4,2026-03-31,completed,,,25",
            "funded",
            "differs from the amount in force",
        ),
        (
            "flow_events.csv",
            "f2,2025-09,signed",
            "f2,2025-08,signed",
            "date",
            "before the flow's announced date",
        ),
        (
            "flow_events.csv",
            "f1,2026-01,stalled",
            "f1,2027-01,stalled",
            "date",
            "must not be after today",
        ),
        (
            "figures.csv",
            "g2,capex_usd_bn,oracle",
            "g2,capex_usd_bn,atlantis",
            "entity",
            "must be a company id",
        ),
        ("figures.csv", "FY2026,50,,,guidance", "FY2026,50,60,,guidance", "value", "must be ≥ low"),
        ("scores.csv", "C2,95.0", "C2,90.0", "qualitative", "must equal the rubric score 95.0"),
        ("scores.csv", "0.88,reported", "0.88,", "ai_revenue_source_type", "is required"),
        (
            "scores.csv",
            "tsmc,2025-11-20,C1,90.0",
            "openai,2025-11-20,C1,90.0",
            "company_id",
            "must be listed",
        ),
        (
            "score_components.csv",
            "demand_visibility,4",
            "demand_visibility,6",
            "value",
            "must be ≤ 5",
        ),
        (
            "ai_revenue.csv",
            "2025-02-26,115.2,130.5,0.8828",
            "2025-02-26,115.2,130.5,0.5",
            "share",
            "ai_revenue/total_revenue",
        ),
        (
            "ai_revenue.csv",
            "2025-01-26,2025-02-26",
            "2025-01-26,2025-01-20",
            "known_from",
            "must be after period_end",
        ),
        (
            "companies.csv",
            "tsmc,TSMC,2330.TW",
            "tsmc,TSMC,",
            "ticker",
            "a listed company needs a ticker",
        ),
        (
            "companies.csv",
            "oracle,Oracle,ORCL,,US",
            "oracle,Oracle,ORCL,,USA",
            "country",
            "must match the pattern",
        ),
        ("financials.csv", "24490,0.96", "24490,1.96", "free_float", "must be ≤ 1"),
    ],
)
def test_each_rule_names_file_row_column(mini_ledger_dir, tmp_path, file, old, new, column, rule):
    base = copy_mini(mini_ledger_dir, tmp_path / "base")
    text = (base / file).read_text()
    assert old in text, "test setup: pattern not found"
    (base / file).write_text(text.replace(old, new, 1))
    with pytest.raises(DataValidationError) as info:
        load_mini(base)
    matching = [p for p in info.value.problems if p.column == column and rule in p.rule]
    assert matching, f"no problem with column {column!r} and rule {rule!r} in:\n{info.value}"
    assert all(p.row is not None and p.row >= 2 for p in matching)


def test_missing_file_is_a_problem_not_a_crash(mini_ledger_dir, tmp_path):
    base = copy_mini(mini_ledger_dir, tmp_path / "base")
    (base / "scores.csv").unlink()
    with pytest.raises(DataValidationError, match=r"scores\.csv: file is missing"):
        load_mini(base)


def test_stray_file_in_user_dir_is_rejected(tmp_path):
    (tmp_path / "flow.csv").write_text("id\n")
    with pytest.raises(DataValidationError, match="is not a ledger file"):
        load_ledger(tmp_path, today=TODAY)


def test_missing_user_dir_is_a_parameter_error(tmp_path):
    with pytest.raises(InvalidParameterError, match="`data_dir`"):
        load_ledger(tmp_path / "nope")


@pytest.mark.parametrize(
    ("values", "q"),
    [
        ([1, 1, 1, 1, 1], 0.0),
        ([5, 5, 5, 5, 5], 100.0),
        ([5, 5, 5, 5, 4], 95.0),
        ([3, 4, 2, 5, 1], 50.0),
    ],
)
def test_rubric_score_by_hand(values, q):
    assert math.isclose(rubric_score(values), q)


def test_table_accessor_hides_provenance_and_checks_the_name(mini_ledger_dir):
    ledger = load_mini(mini_ledger_dir)
    assert "_file" not in ledger.table("flows").columns
    assert "_line" in ledger.table("flows", provenance=True).columns
    with pytest.raises(InvalidParameterError, match="companies, flows"):
        ledger.table("deals")


def test_a_bad_row_is_one_problem_not_a_cascade(mini_ledger_dir, tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    (user / "flows.csv").write_text(
        FLOW_HEADER
        + "f7,oracle,nvidia,chip_purchase,cash,,1,,,2025-13,,,,press,https://e.org/x,2025-01,\n"
    )
    (user / "flow_events.csv").write_text(
        "flow_id,date,status,ceiling,committed,funded,source,notes\nf7,2025-02,signed,,1,,https://e.org/x,\n"
    )
    with pytest.raises(DataValidationError) as info:
        load_ledger(user, base=mini_ledger_dir, today=TODAY)
    assert [(p.column, p.row) for p in info.value.problems] == [("announced", 2)]


def test_an_event_counts_from_the_date_it_was_reported(mini_ledger_dir, tmp_path):
    base = copy_mini(mini_ledger_dir, tmp_path / "base")
    events = (base / "flow_events.csv").read_text().splitlines()
    events[0] = "flow_id,date,status,ceiling,committed,funded,reported,source,notes"
    events[1:] = [
        ",".join(
            [
                *r.split(",")[:6],
                "2026-04-20" if r.startswith("f4,2026-03-31") else "",
                *r.split(",")[6:],
            ]
        )
        for r in events[1:]
    ]
    (base / "flow_events.csv").write_text("\n".join(events) + "\n")
    ledger = load_mini(base)
    on_the_day = ledger.as_of("2026-04-01").flows.set_index("id").loc["f4"]
    after = ledger.as_of("2026-04-20").flows.set_index("id").loc["f4"]
    assert (on_the_day["status"], on_the_day["funded"]) == ("signed", 0)
    assert (after["status"], after["funded"]) == ("completed", 30)


def test_counted_picks_each_obligation_once(mini_ledger_dir, tmp_path):
    base = copy_mini(mini_ledger_dir, tmp_path / "base")
    text = (base / "flows.csv").read_text()
    text = text.replace("2025-09-22,,,,company", "2025-09-22,,ob1,tranche,company")  # f1
    text = text.replace("2026-02,f1,,,press", "2026-02,f1,ob1,primary,press")  # f4
    (base / "flows.csv").write_text(text)
    ledger = load_mini(base)
    early = ledger.as_of("2025-12-31").flows.set_index("id")["counted"]
    late = ledger.as_of("2026-06-30").flows.set_index("id")["counted"]
    assert early.to_dict() == {"f1": True, "f2": True, "f3": True}  # the tranche stands in
    assert late.to_dict() == {"f1": False, "f2": True, "f3": True, "f4": True}  # the primary only
