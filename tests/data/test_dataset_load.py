"""load_dataset: typed frames, targets override, strictness, read-only Dataset."""
from __future__ import annotations

import dataclasses

import pytest

import ctxh_plan.io.layout as layout
from ctxh_plan.data.catalog import load_catalog
from ctxh_plan.data.dataset import Dataset, load_dataset
from ctxh_plan.errors import InputError, PersonLevelDataError, ValidationFailed
from tests.helpers.paths import BAD

OBS = """unit_code,indicator_code,year,value,numerator,denominator,flag
22,TNTT_DEATHS,2019,29,,,
22,TNTT_DEATHS,2020,28,,,
22,POP_U16,2020,trên 349.980,,,
193,CT05,2020,"98,5",,,estimate
193,CT11b,2020,,3,"49.980",
193,TNTT_DEATHS,2020,3,,,
"""
NATIONAL = """scope,indicator_code,target_year,operator,value,value_hi,kind,base_year,source,verification,note
national,CT05,2030,>=,98,,absolute,,QĐ 23/QĐ-TTg,V3,
national,CT01,2030,>=,75,,absolute,,QĐ 23/QĐ-TTg,V3,
"""
OWN = """scope,indicator_code,target_year,operator,value,kind,base_year,source
22,CT05,2030,>=,99,absolute,,KH 52/KH-UBND
22,TNTT_DEATHS,2030,<=,-20,relative,2020,QĐ 1248
"""


@pytest.fixture
def catalog():
    return load_catalog(BAD / "catalog.yaml")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    d = tmp_path / "ds"
    d.mkdir()
    (d / "observations.csv").write_text(OBS, encoding="utf-8")
    (d / "targets.csv").write_text(OWN, encoding="utf-8")
    (d / "dataset.yaml").write_text('province: "22"\nillustrative: true\ntitle: Thử nghiệm\n', encoding="utf-8")
    nat = tmp_path / "targets_national.csv"
    nat.write_text(NATIONAL, encoding="utf-8")
    monkeypatch.setattr(layout, "national_targets_path", lambda: nat)
    return d


def test_load_typed_frames(folder, catalog):
    ds = load_dataset(folder, catalog=catalog)
    obs = ds.observations
    assert list(obs.columns) == ["unit_code", "indicator_code", "year", "period", "value", "numerator",
                                 "denominator", "flag", "source", "note"]
    assert str(obs["year"].dtype) == "int64" and str(obs["value"].dtype) == "float64"
    pop = obs[obs["indicator_code"] == "POP_U16"].iloc[0]
    assert pop["value"] == 349980 and pop["flag"] == "approximate"
    rate = obs[obs["indicator_code"] == "CT11b"].iloc[0]
    assert rate["value"] == pytest.approx(3 / 49980 * 100000) and rate["denominator"] == 49980
    assert obs.loc[obs["indicator_code"] == "CT05", "flag"].iloc[0] == "estimate"
    assert ds.illustrative and ds.province_code == "22" and len(ds.inputs) == 3
    assert all(len(i["sha256"]) == 64 and i["bytes"] > 0 for i in ds.inputs)
    r = repr(ds)
    assert "dữ liệu minh họa" in r and "2 units" in r and "6 observations" in r and "0 errors" in r


def test_targets_override(folder, catalog):
    ds = load_dataset(folder, catalog=catalog)
    t = ds.targets.set_index(["indicator_code", "target_year"])
    assert t.loc[("CT05", 2030), "value"] == 99 and t.loc[("CT05", 2030), "scope"] == "22"
    assert t.loc[("CT01", 2030), "scope"] == "national"
    assert t.loc[("TNTT_DEATHS", 2030), "base_year"] == 2020
    assert len(ds.targets) == 3 and len(ds.national_targets) == 2


def test_series_and_for_units(folder, catalog):
    ds = load_dataset(folder, catalog=catalog)
    s = ds.series("22", "TNTT_DEATHS")
    assert list(s.index) == [2019, 2020] and list(s) == [29.0, 28.0]
    assert ds.series("194", "TNTT_DEATHS").empty
    sub = ds.for_units(["193"])
    assert set(sub.observations["unit_code"]) == {"193"} and len(ds.observations) == 6
    with pytest.raises(InputError):
        ds.for_units(["999"])
    with pytest.raises(InputError):
        ds.series("22", "NOPE")


def test_read_only(folder, catalog):
    ds = load_dataset(folder, catalog=catalog)
    obs = ds.observations
    obs.loc[0, "value"] = -1
    obs["extra"] = 1
    assert ds.observations.loc[0, "value"] == 29 and "extra" not in ds.observations
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.province_code = "15"  # frozen
    new = ds.replace(observations=obs.drop(columns="extra"))
    assert isinstance(new, Dataset) and new.observations.loc[0, "value"] == -1


def test_strict_raises_with_every_problem(folder, catalog):
    (folder / "observations.csv").write_text(OBS + "22,TNTT_DEATHS,2020,30,,,\n999,CT05,2021,150,,,\n",
                                             encoding="utf-8")
    with pytest.raises(ValidationFailed) as exc:
        load_dataset(folder, catalog=catalog)
    p = exc.value.problems
    assert {"file", "sheet", "row", "column", "value", "problem", "fix", "severity"} == set(p.columns)
    errs = p[p["severity"] == "error"]
    assert set(errs["row"].dropna().astype(int)) == {8, 9}  # duplicate row 8; unknown unit + percent 150 row 9
    ds = load_dataset(folder, catalog=catalog, strict=False)
    assert len(ds.observations) == 6 and (ds.problems["severity"] == "error").sum() >= 2


def test_person_level_always_refused(folder, catalog):
    (folder / "observations.csv").write_text("unit_code,indicator_code,year,value,CCCD\n22,X,2020,1,022301004567\n",
                                             encoding="utf-8")
    with pytest.raises(PersonLevelDataError):
        load_dataset(folder, catalog=catalog, strict=False)


def test_excel_folder_and_missing_national(tmp_path, catalog, monkeypatch):
    import shutil

    d = tmp_path / "x"
    d.mkdir()
    shutil.copy(BAD / "wide_merged_ok.xlsx", d / "observations_wide.xlsx")
    monkeypatch.setattr(layout, "national_targets_path", lambda: tmp_path / "none.csv")
    ds = load_dataset(d, catalog=catalog)
    assert len(ds.observations) == 7 and not ds.illustrative
    assert "national" in " ".join(ds.problems["problem"]) or "quốc gia" in " ".join(ds.problems["problem"])
    with pytest.raises(InputError):
        load_dataset(tmp_path / "empty_dir_that_is_missing", catalog=catalog)
