"""`--fx`: a directory of FX_USDXXX.csv files (units per USD), one such file, or the long file
``date,currency,usd_per_unit``; every rate checked, every problem named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiinfra.exceptions import DataValidationError, InvalidParameterError
from aiinfra.services.index import load_fx
from tests.conftest import SHARED, run_cli

SHARED_FX = SHARED / "data" / "fx"


def test_a_directory_of_units_per_usd_files_becomes_usd_per_unit(tmp_path: Path):
    (tmp_path / "FX_USDKRW.csv").write_text("date,rate\n2024-01-02,1250\n2024-01-03,1300\n")
    (tmp_path / "FX_USDEUR.csv").write_text("date,rate\n2024-01-02,0.8\n")
    (tmp_path / "notes.txt").write_text("not an fx file")
    fx = load_fx(str(tmp_path))
    assert set(fx) == {"KRW", "EUR"}
    assert fx["KRW"].loc["2024-01-03"] == 1 / 1300  # a price in KRW × this = USD
    assert fx["EUR"].loc["2024-01-02"] == 1 / 0.8
    assert list(fx["KRW"].index) == sorted(fx["KRW"].index)


def test_one_units_per_usd_file_and_the_long_file_agree(tmp_path: Path):
    one = tmp_path / "FX_USDJPY.csv"
    one.write_text("date,rate\n2024-01-02,150\n")
    long = tmp_path / "fx.csv"
    long.write_text(f"date,currency,usd_per_unit\n2024-01-02,jpy,{1 / 150!r}\n")
    assert load_fx(str(one))["JPY"].equals(load_fx(str(long))["JPY"])


@pytest.mark.parametrize(
    ("body", "row", "column", "rule"),
    [
        ("date,rate\n2024-01-02,0\n", 2, "rate", "must be a finite number > 0"),
        ("date,rate\n2024-01-02,1\n2024-01-03,inf\n", 3, "rate", "must be a finite number > 0"),
        ("date,rate\n2024-01-02,1\n2024-01-02,2\n", 3, "date", "duplicate date"),
        ("date,rate\n9999-12-31,1\n", 2, "date", "must be a date YYYY-MM-DD from 1900"),
        ("date,value\n2024-01-02,1\n", 1, "rate", "required column is missing"),
    ],
)
def test_every_bad_rate_names_file_row_column_and_rule(tmp_path, body, row, column, rule):
    f = tmp_path / "FX_USDTWD.csv"
    f.write_text(body)
    with pytest.raises(DataValidationError) as err:
        load_fx(str(tmp_path))
    p = err.value.problems[0]
    assert (p.file, p.row, p.column) == (str(f), row, column)
    assert rule in p.rule


def test_an_empty_directory_or_name_is_an_error_naming_the_option(tmp_path: Path):
    with pytest.raises(InvalidParameterError, match=r"no FX_USDXXX\.csv"):
        load_fx(str(tmp_path))
    with pytest.raises(InvalidParameterError, match="`--fx`"):
        load_fx("")
    with pytest.raises(InvalidParameterError, match="does not exist"):
        load_fx(str(tmp_path / "nope.csv"))


def test_the_shared_fx_folder_is_read_whole():
    if not SHARED_FX.is_dir():
        pytest.skip("../shared/data/fx is absent")
    files = sorted(p.name[6:9] for p in SHARED_FX.glob("FX_USD*.csv"))
    fx = load_fx(str(SHARED_FX))
    assert sorted(fx) == files
    for cur, series in fx.items():
        first = (SHARED_FX / f"FX_USD{cur}.csv").read_text().splitlines()[1].split(",")
        assert series.iloc[0] == 1 / float(first[1])  # the first row, inverted


def test_the_shared_fx_folder_lets_korean_lines_join_a_review(shared_prices: Path):
    if not SHARED_FX.is_dir():
        pytest.skip("../shared/data/fx is absent")
    krw = sorted(p.stem for p in shared_prices.glob("*.KS.csv"))
    if not krw:
        pytest.skip("no KRW line among the shared prices")
    args = ["--prices", str(shared_prices), "index", "review", "--as-of", "2026-06-30",
            "--format", "json"]  # fmt: skip
    without = run_cli(*args)
    assert without.returncode == 0, without.stderr
    reasons = {e["id"]: e["reason"] for e in json.loads(without.stdout)["exclusions"]}
    with_fx = run_cli(*args, "--fx", str(SHARED_FX))
    assert with_fx.returncode == 0, with_fx.stderr
    out = json.loads(with_fx.stdout)
    tickers = {s["ticker"] for s in out["selection"]} | {
        e["ticker"] for e in out["exclusions"] if e["reason"] != "NO_FX"
    }
    assert "NO_FX" in reasons.values()  # without rates the KRW lines cannot be valued
    assert "NO_FX" not in {e["reason"] for e in out["exclusions"]}
    assert set(krw) & tickers
