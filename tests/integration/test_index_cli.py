"""`aiinfra index review|backtest` on the shared real prices (skipped when they are absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from aiinfra.app import app
from aiinfra.index import REASONS

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_default_review_on_the_shared_prices_meets_every_cap(shared_prices: Path):
    # 8 % single cap, 4.5 % above-5 % group cap at 35 % (METHODOLOGY §8): the shared data hold
    # enough eligible names since they grew; a smaller universe is the next test's case
    result = invoke("--prices", str(shared_prices), "index", "review", "--as-of", "2026-06-30",
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    sel = pd.DataFrame(json.loads(result.output)["selection"])
    assert len(sel) >= 20
    assert abs(sel["weight"].sum() - 1) < 1e-12
    assert sel["weight"].max() <= 0.08 + 1e-12
    assert sel.loc[sel["weight"] > 0.05, "weight"].sum() <= 0.35 + 1e-12


def test_default_review_explains_why_a_small_universe_is_too_small(
    shared_prices: Path, tmp_path: Path
):
    # the same rules on the first 12 shared files (linked, not copied) cannot reach 20 names
    small = tmp_path / "prices"
    small.mkdir()
    for f in sorted(shared_prices.glob("*.csv"))[:12]:
        (small / f.name).symlink_to(f)
    result = invoke("--prices", str(small), "index", "review", "--as-of", "2026-06-30")
    assert result.exit_code == 2
    assert "fewer than the minimum of 20 (selection.min_n)" in result.output
    assert "no price history for any listing line" in result.output
    assert "Traceback" not in result.output


def test_review_json_weights_caps_scores_and_reasons(shared_prices: Path, tmp_path: Path):
    result = invoke("--prices", str(shared_prices), "index", "review", "--as-of", "2026-06-30",
                    "--methodology", "semis_20cap", "--format", "json", "--out", str(tmp_path / "r"))  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    sel = pd.DataFrame(doc["selection"])
    assert abs(sel["weight"].sum() - 1) < 1e-12
    assert sel["weight"].max() <= 0.20 + 1e-12
    assert sel["category"].isin(["C1", "C2", "C3"]).all() and sel[["Q", "S"]].notna().all().all()
    assert all(e["reason"] in REASONS for e in doc["exclusions"])
    # issue 14: no house vintage is in force on 2026-05-29, so the default pit_mode
    # (vintage_or_systematic) scores the review systematically, point in time
    assert doc["point_in_time"] is True and doc["label"] == "point-in-time"
    assert doc["score_source"] == "systematic"
    assert doc["review"] == {
        "review": "2026-06",
        "cutoff": "2026-05-29",
        "announce": "2026-06-12",
        "effective": "2026-06-18",
    }
    written = {p.name for p in (tmp_path / "r").iterdir()}
    assert written == {
        "selection.csv",
        "exclusions.csv",
        "proforma.csv",
        "review.json",
        "methodology.yaml",
    }
    assert pd.read_csv(tmp_path / "r" / "selection.csv")["label"].eq("point-in-time").all()


def test_backtest_writes_every_file_labelled(shared_prices: Path, tmp_path: Path):
    out = tmp_path / "bt"
    result = invoke("--prices", str(shared_prices), "index", "backtest", "--start", "2019-01-01",
                    "--end", "2026-05-29", "--benchmark", "QQQ", "--benchmark", "SMH",
                    "--methodology", "semis_20cap", "--pit-mode", "static_scores", "--cost-bps", "5",
                    "--out", str(out), "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"levels.csv", "weights.csv", "reviews", "turnover.csv",
                                                "summary.json", "compliance.csv"}  # fmt: skip
    summary = json.loads((out / "summary.json").read_text())
    assert summary["point_in_time"] is False and summary["label"].startswith("not point-in-time")
    levels = pd.read_csv(out / "levels.csv", parse_dates=["date"])
    assert levels["label"].eq(summary["label"]).all()
    assert {"PR", "GTR", "NTR", "bench_QQQ", "bench_SMH"} <= set(levels.columns)
    assert levels[["PR", "GTR", "NTR"]].iloc[0].tolist() == [1000, 1000, 1000]
    assert (levels["GTR"] >= levels["PR"] - 1e-9).all()  # dividends only add
    reviews = sorted(p.stem for p in (out / "reviews").iterdir())
    assert len(reviews) == summary["reviews"] == 29 and reviews[0] == "2019-03"
    turnover = pd.read_csv(out / "turnover.csv")
    assert (turnover["turnover"].between(0, 1)).all() and (turnover["cost"].iloc[1:] > 0).any()


def test_backtest_refuses_a_non_empty_out_dir_and_vintage_mode(shared_prices: Path, tmp_path: Path):
    out = tmp_path / "full"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = invoke("--prices", str(shared_prices), "index", "backtest", "--start", "2024-01-01",
                    "--end", "2024-12-31", "--methodology", "semis_20cap", "--pit-mode",
                    "static_scores", "--out", str(out))  # fmt: skip
    assert result.exit_code == 2 and "must not exist or be an empty directory" in result.output
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    result = invoke("--prices", str(shared_prices), "index", "backtest", "--start", "2024-01-01",
                    "--end", "2024-12-31", "--pit-mode", "vintage", "--out", str(tmp_path / "v"))  # fmt: skip
    assert result.exit_code == 2 and "no score vintage on or before the cut-off" in result.output
    assert not (tmp_path / "v").exists()


def test_bad_methodology_file_names_the_key(tmp_path: Path, shared_prices: Path):
    bad = tmp_path / "m.yaml"
    bad.write_text("weighting:\n  single_capp: 0.1\n")
    result = invoke("--prices", str(shared_prices), "index", "review", "--methodology", str(bad))
    assert (
        result.exit_code == 2
        and "weighting.single_capp" in result.output
        and "unknown key" in result.output
    )


def test_backtest_applies_a_user_events_file(shared_prices: Path, tmp_path: Path):
    args = ["--prices", str(shared_prices), "index", "backtest", "--start", "2024-01-01", "--end",
            "2024-12-31", "--methodology", "semis_20cap", "--pit-mode", "static_scores", "--format", "json"]  # fmt: skip
    plain = json.loads(invoke(*args).output)
    events = tmp_path / "events.csv"
    events.write_text("date,ticker,type,value,new_ticker\n2024-07-01,NVDA,delisting,,\n")
    result = invoke(*args, "--events", str(events))
    assert result.exit_code == 0, result.output
    with_events = json.loads(result.output)
    acts = [(a["security"], a["action"], a["date"][:10]) for a in with_events["corporate_actions"]]
    assert ("NVDA", "delisting", "2024-07-01") in acts
    assert not any(a[:2] == ("NVDA", "delisting") for a in
                   [(b["security"], b["action"]) for b in plain["corporate_actions"]])  # fmt: skip
    assert with_events["variants"]["PR"]["total_return"] != plain["variants"]["PR"]["total_return"]
    events.write_text("date,ticker,type,value,new_ticker\n2024-13-01,NVDA,merger,-1,\n")
    bad = invoke(*args, "--events", str(events))
    assert bad.exit_code == 2
    problems = json.loads(bad.output)["error"]["problems"]
    assert {(p["row"], p["column"]) for p in problems} == {(2, "date"), (2, "type"), (2, "value")}
