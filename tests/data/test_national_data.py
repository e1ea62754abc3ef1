"""The national illustrative dataset: 34 provinces, 3,321 units, codes that never collide with the
reference files, deterministic, validates and loads (units.csv); a batch over a collection of provinces."""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import sys

import pytest

from ctxh_plan.errors import InputError, ParameterError
from tests.helpers.paths import ROOT

SMALL = "9032"  # the smallest synthetic province (38 units)


def _generator():
    spec = importlib.util.spec_from_file_location("national_generate", ROOT / "data" / "national" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def _reference_codes() -> set[str]:
    codes: set[str] = set()
    with open(ROOT / "data" / "reference" / "district_units_2025-01.csv", encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh):
            codes |= {r["district_code"].strip(), r["province_code"].strip()}
    for path in (ROOT / "data" / "reference").glob("admin_conversion_2025_*.csv"):
        with open(path, encoding="utf-8-sig") as fh:
            for r in csv.DictReader(fh):
                codes |= {r["new_unit_code"].strip(), r["old_unit_code"].strip()}
    return codes


def test_34_provinces_3321_units_real_names_only_where_the_references_give_them():
    gen = _generator()
    provs = gen.national_provinces()
    assert len(provs) == 34 and len({p.code for p in provs}) == 34
    assert sum(p.units for p in provs) == 3321
    by = {p.code: p for p in provs}
    assert by["22"].name == "Tỉnh Quảng Ninh" and by["22"].units == 54 and by["22"].real
    assert by["15"].name == "Tỉnh Lào Cai" and by["15"].real
    synthetic = [p for p in provs if not p.real]
    assert len(synthetic) == 32 and all("minh họa" in p.name and len(p.code) == 4 for p in synthetic)
    assert max(provs, key=lambda p: p.units).code == gen.LARGE_PROVINCE == "9001" and by["9001"].units == 168
    assert 20_000_000 < sum(p.children for p in provs) < 28_000_000  # children under 16 in the country


def test_generated_codes_never_collide_with_the_reference_codes():
    gen = _generator()
    provs = gen.national_provinces()
    unit_codes = {f"{gen.FIRST_UNIT_CODE + i:05d}" for i in range(sum(p.units for p in provs))}
    synthetic_provinces = {p.code for p in provs if not p.real}
    ref = _reference_codes()
    assert len(ref) > 300
    assert not (unit_codes | synthetic_provinces) & ref


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    gen = _generator()
    out = tmp_path_factory.mktemp("national")
    gen.generate_national(out, provinces=["22", SMALL])
    return gen, out


def test_generation_is_deterministic_and_independent_of_the_selection(generated, tmp_path):
    gen, out = generated
    gen.generate_national(tmp_path, provinces=[SMALL])
    for name in ("observations.csv", "units.csv", "dataset.yaml"):
        a = hashlib.sha256((out / SMALL / name).read_bytes()).hexdigest()
        assert a == hashlib.sha256((tmp_path / SMALL / name).read_bytes()).hexdigest(), name
    assert not (tmp_path / "22").exists()
    with open(tmp_path / "provinces.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 34 and sum(int(r["units"]) for r in rows) == 3321


def test_a_generated_province_validates_and_loads_with_its_units_file(generated):
    from ctxh_plan.data.dataset import load_dataset

    _, out = generated
    ds = load_dataset(out / SMALL)
    assert ds.province_code == SMALL and ds.illustrative and "dữ liệu minh họa" in ds.title
    assert (ds.problems["severity"] == "error").sum() == 0
    communes = ds.units.codes(level="commune")
    assert len(communes) == 38 and all(c.startswith("9") and len(c) == 5 for c in communes)
    assert all(ds.units.parent(c) == SMALL for c in communes)
    obs = ds.observations
    assert set(obs["unit_code"]) == set(communes) | {SMALL}
    wide = obs[obs["period"] == "FY"].pivot_table(index=["unit_code", "year"], columns="indicator_code",
                                                  values="value")
    sub = wide.dropna(subset=["POP_U16"])
    assert len(sub) == 38 * 7 and (sub["POP_U16"] > 0).all()
    assert (sub["DROWNING_DEATHS"] <= sub["TNTT_DEATHS"]).all()
    assert (sub["NEONATAL_DEATHS"] <= sub["INFANT_DEATHS"]).all() and (sub["INFANT_DEATHS"] <= sub["U5_DEATHS"]).all()
    assert (sub["HCDB_SUPPORTED"] <= sub["HCDB_CHILDREN"]).all() and (sub["CF_COMMUNES"] <= sub["COMMUNES_TOTAL"]).all()
    assert (sub["SWIM_CLASSES"] == sub["SWIM_CLASSES_STATE"] + sub["SWIM_CLASSES_PRIVATE"]).all()
    per_child = sub["TNTT_DEATHS"].sum() / sub["POP_U16"].sum() * 1e5  # injury deaths per 100,000 children
    assert 3 < per_child < 30
    est = obs[obs["year"] == 2025]
    assert est["flag"].str.contains("estimate").all()


def test_units_file_errors_name_file_row_and_column(tmp_path):
    from ctxh_plan.data.units import read_units_file

    p = tmp_path / "units.csv"
    p.write_text("unit_code,name,level,parent_code,unit_type,valid_from,valid_to\n9001,Tỉnh X,province,,tỉnh,,\n"
                 "90001,Xã A,commune,9999,xã,2025-07-01,\n", encoding="utf-8")
    with pytest.raises(InputError, match="parent") as info:
        read_units_file(p)
    assert info.value.where.row == 3 and info.value.where.column == "parent_code"
    p.write_text("unit_code,name,level,parent_code,unit_type,valid_from,valid_to\n9001,Tỉnh X,province,,tỉnh,,\n",
                 encoding="utf-8")
    with pytest.raises(InputError, match=r"dataset\.yaml says 22"):
        read_units_file(p, province="22")


@pytest.mark.notebooks
@pytest.mark.xdist_group("notebooks")
def test_a_batch_over_a_collection_runs_each_province_in_its_own_folder(generated, tmp_path):
    from ctxh_plan.batch import run_batch
    from ctxh_plan.batch.run import dataset_members

    _, out = generated
    assert [p.name for p in dataset_members(out)] == ["22", SMALL]
    assert dataset_members(out / SMALL) is None
    first = {}
    for code in ("22", SMALL):
        with open(out / code / "units.csv", encoding="utf-8-sig") as fh:
            first[code] = next(r["unit_code"] for r in csv.DictReader(fh) if r["level"] == "commune")
    yml = tmp_path / "c.yaml"
    yml.write_text(f'name: c\ndataset: {out}\nunits: {json.dumps(list(first.values()))}\nkey_indicators: ["CT16"]\n'
                   f'appendices: []\noutput: {tmp_path / "out"}\n', encoding="utf-8")
    res = run_batch(yml, progress=False)
    assert res.exit_code == 0, res.errors
    assert sorted(res.statuses) == sorted([f"22/{first['22']}", "22/province", f"{SMALL}/{first[SMALL]}",
                                           f"{SMALL}/province"])
    top = json.loads((res.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert top["status"] == "ok" and [e["folder"] for e in top["collection"]] == ["22", SMALL]
    assert all(e["ok"] == e["reports"] == 2 for e in top["collection"])
    index = (res.run_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="22/index.html"' in index and f'href="{SMALL}/index.html"' in index and "Dữ liệu minh họa" in index
    for code, unit in first.items():
        sub = res.run_dir / code
        assert (sub / "html" / f"unit_{unit}.html").is_file() and (sub / "html" / "province_summary.html").is_file()
        assert json.loads((sub / "manifest.json").read_text(encoding="utf-8"))["status"] == "ok"
    with pytest.raises(ParameterError, match="none of the 2 datasets"):
        run_batch(yml, progress=False, units=["99999"])
