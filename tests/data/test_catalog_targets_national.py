"""params/targets_national.csv reproduces the QĐ 23 reference table, in the targets-frame layout."""
from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from ctxh_plan.data.catalog import load_catalog
from tests.helpers.paths import ROOT

TARGET_COLUMNS = ["scope", "indicator_code", "target_year", "operator", "value", "value_hi", "kind",
                  "base_year", "source", "verification", "note"]


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def national() -> list[dict]:
    return _rows(ROOT / "params" / "targets_national.csv")


@pytest.fixture(scope="module")
def qd23() -> list[dict]:
    return _rows(ROOT / "data" / "reference" / "national_targets_qd23.csv")


def test_columns_exactly_the_targets_frame():
    with open(ROOT / "params" / "targets_national.csv", encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh)) == TARGET_COLUMNS


def test_values_match_qd23(national, qd23):
    by_key = {(r["indicator_code"], int(r["target_year"])): r for r in national}
    expected = 0
    for ref in qd23:
        code = "CHILD_MARRIAGES" if ref["code"] == "CT13" else ref["code"]
        for year in (2025, 2030):
            raw = ref[f"target_{year}"].strip()
            if not raw:
                assert (code, year) not in by_key, f"{code} {year}: QĐ 23 gives no target"
                continue
            expected += 1
            row = by_key[(code, year)]
            assert row["scope"] == "national"
            assert row["source"] == "QĐ 23/QĐ-TTg"
            assert row["verification"] == ref["verification"].strip()
            if ref["code"] == "CT13":
                assert raw == "2-3"
                assert row["kind"] == "annual_change" and row["operator"] == "<="
                assert (float(row["value"]), float(row["value_hi"])) == (-3.0, -2.0)
                assert row["base_year"] == "2020" and "CT13" in row["note"]
            elif ref["code"] == "CT04c":
                assert float(row["value"]) == 10.0 and "5 (nông thôn)" in row["note"]
                assert row["operator"] == ref[f"target_{year}_operator"]
            else:
                assert row["kind"] == "absolute" and row["base_year"] == "" and row["value_hi"] == ""
                assert math.isclose(float(row["value"]), float(raw)), (code, year)
                assert row["operator"] == ref[f"target_{year}_operator"], (code, year)
    assert expected == len(national) == 65


def test_every_target_indicator_in_catalogue(national):
    cat = load_catalog()
    assert len(national) == 65
    for row in national:
        ind = cat[row["indicator_code"]]
        if ind.kind.is_bounded_100:
            assert 0 <= float(row["value"]) <= 100
        assert row["operator"] in (">=", "<=", "<", ">", "=")


def test_province_targets_override_and_relative(embedded_data_dir):
    rows = _rows(embedded_data_dir / "targets.csv")
    cat = load_catalog()
    assert {r["scope"] for r in rows} == {"22"}
    assert all(r["indicator_code"] in cat for r in rows)
    by_key = {(r["indicator_code"], int(r["target_year"])): r for r in rows}
    for year, pct in ((2025, -10.0), (2030, -20.0)):
        r = by_key[("DROWNING_DEATHS", year)]
        assert (r["kind"], float(r["value"]), r["base_year"], r["operator"]) == ("relative", pct, "2020", "<=")
        assert r["source"] == "QĐ 1248/QĐ-TTg"
    cm = by_key[("CHILD_MARRIAGES", 2030)]
    assert cm["kind"] == "annual_change" and float(cm["value"]) <= float(cm["value_hi"]) < 0
    # stricter than the nation, and marked illustrative
    nat = {(r["indicator_code"], int(r["target_year"])): r for r in _rows(ROOT / "params" / "targets_national.csv")}
    stricter = [k for k, r in by_key.items() if k in nat and float(r["value"]) != float(nat[k]["value"])]
    assert len(stricter) >= 4
    for k in stricter:
        assert "minh họa" in by_key[k]["source"] and by_key[k]["verification"] == "minh họa"
        better = cat[k[0]].direction.sign * (float(by_key[k]["value"]) - float(nat[k]["value"]))
        assert better > 0, k
    copied = [r for r in rows if r["source"] == "Kế hoạch 52/KH-UBND ngày 08/03/2021"]
    assert len(copied) >= 50
