"""The embedded illustrative Quảng Ninh dataset: anchored to the seed facts, internally consistent."""
from __future__ import annotations

import csv
import re
import runpy
import unicodedata

import numpy as np
import pandas as pd
import pytest

from ctxh_plan.data.catalog import load_catalog
from ctxh_plan.data.frames import OBSERVATION_COLUMNS
from ctxh_plan.vocab import Kind
from tests.helpers.paths import ROOT

ILLUSTRATIVE = "dữ liệu minh họa (generate.py)"
DISTRICTS = ["193", "194", "195", "196", "198", "199", "200", "201", "202", "203", "205", "206", "207"]
OBS_COLUMNS = list(OBSERVATION_COLUMNS)

#: (fact_vi in seed_facts.csv, year) → indicator code, as the generator maps them
SEEDS = runpy.run_path(str(ROOT / "data" / "quang_ninh" / "generate.py"))["SEED_FACT_CODES"]


@pytest.fixture(scope="module")
def obs(embedded_data_dir) -> pd.DataFrame:
    return pd.read_csv(embedded_data_dir / "observations.csv", encoding="utf-8-sig",
                       dtype={"unit_code": str, "indicator_code": str, "period": str, "flag": str,
                              "source": str, "note": str}, keep_default_na=False,
                       na_values={"value": [""], "numerator": [""], "denominator": [""]})


@pytest.fixture(scope="module")
def seed_facts() -> dict[tuple[str, int], float]:
    with open(ROOT / "data" / "reference" / "seed_facts.csv", encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["area"] == "Tỉnh Quảng Ninh"]
    out = {}
    for r in rows:
        code = SEEDS.get((r["fact_vi"], int(r["year"])))
        if code and code != "CT08b":  # the one percentage: checked on its own below
            out[(code, int(r["year"]))] = float(r["value"])
    assert len(out) == len(SEEDS) - 1 == 16
    return out


def _fy(obs, unit=None):
    d = obs[obs["period"] == "FY"]
    return d[d["unit_code"].isin(DISTRICTS)] if unit is None else d[d["unit_code"] == unit]


def _cell(obs, unit, code, year, period="FY") -> float:
    sel = obs[(obs.unit_code == unit) & (obs.indicator_code == code) & (obs.year == year) & (obs.period == period)]
    assert len(sel) == 1, (unit, code, year, period)
    return float(sel["value"].iloc[0])


def test_layout(embedded_data_dir, obs):
    with open(embedded_data_dir / "observations.csv", encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh)) == OBS_COLUMNS
    assert set(obs["unit_code"]) == set(DISTRICTS) | {"22"}
    assert set(obs["year"]) == set(range(2019, 2026))
    assert set(obs["period"]) == {"FY", "H1"}
    assert not obs.duplicated(["unit_code", "indicator_code", "year", "period"]).any()
    flags = {f for text in obs["flag"] for f in text.split(";") if f}
    assert flags == {"approximate", "estimate"}
    text = (embedded_data_dir / "observations.csv").read_text(encoding="utf-8-sig")
    assert text == unicodedata.normalize("NFC", text)
    # no number a Vietnamese-style reader could take for thousands ("4.123" → 4123)
    with open(embedded_data_dir / "observations.csv", encoding="utf-8-sig", newline="") as fh:
        cells = [r[c] for r in csv.DictReader(fh) for c in ("value", "numerator", "denominator")]
    assert not [c for c in cells if re.fullmatch(r"-?[1-9]\d{0,2}\.\d{3}", c)]
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in cells if c)


def test_district_sums_equal_seed_facts_exactly(obs, seed_facts):
    fy = _fy(obs)
    for (code, year), value in seed_facts.items():
        parts = fy[(fy.indicator_code == code) & (fy.year == year)]
        assert len(parts) == 13, (code, year)
        assert parts["value"].sum() == value, (code, year)
        assert _cell(obs, "22", code, year) == value  # the province's own reported total
        prow = obs[(obs.unit_code == "22") & (obs.indicator_code == code) & (obs.year == year)].iloc[0]
        src = prow["source"]
        assert src != ILLUSTRATIVE and ("report" in src or "article" in src), (code, year, src)
    assert _cell(obs, "22", "CT08b", 2020) == 100.0
    sp = fy[(fy.indicator_code == "SPONSORED_CHILDREN") & (fy.year == 2023)]
    assert (sp["flag"] == "approximate").all()


def test_special_circumstances_all_supported_in_2020(obs):
    fy = _fy(obs)
    ct = fy[(fy.indicator_code == "CT08b") & (fy.year == 2020)]
    assert len(ct) == 13 and (ct["value"] == 100).all() and (ct["numerator"] == ct["denominator"]).all()


def test_populations(obs):
    pop = _fy(obs)[lambda d: (d.indicator_code == "POP_U16")]
    p24 = pop[pop.year == 2024].set_index("unit_code")["value"]
    assert p24["198"] == 9292 and _cell(obs, "198", "POP_U6", 2024) == 2973
    assert p24.idxmax() == "193" and p24.idxmin() == "207"
    for year, total in pop.groupby("year")["value"].sum().items():
        assert 320_000 <= total <= 360_000, year
    assert 330_000 <= p24.sum() <= 360_000


def test_bounds_integers_and_sources(obs):
    cat = load_catalog()
    kinds = obs["indicator_code"].map(lambda c: cat[c].kind)
    counts = obs[kinds.isin([Kind.COUNT, Kind.MONEY])]
    assert (counts["value"] >= 0).all()
    assert (counts["value"] == np.floor(counts["value"])).all()
    pct = obs[kinds.map(lambda k: k.is_bounded_100)]
    assert ((pct["value"] >= 0) & (pct["value"] <= 100)).all()
    yn = obs[kinds == Kind.YES_NO]
    assert len(yn) and yn["value"].isin([0, 1]).all()
    assert obs["value"].notna().all()
    # every row is illustrative except the province's reported figures
    other = obs[obs["source"] != ILLUSTRATIVE]
    assert set(other["unit_code"]) <= {"22", "198"}
    assert set(other.loc[other.unit_code == "198", "indicator_code"]) == {"POP_U16", "POP_U6"}
    # every indicator a district tracks has district rows (CT13 is derived, never stored; the guidance's
    # process targets have a 2030 norm but no illustrative data yet)
    no_data = {"CT13", "CTV_VILLAGES", "BOARD_MEETINGS", "NEWS_WEEKLY", "CHILD_DATABASE", "SPONSORED_SHARE"}
    for ind in cat:
        if "district" in ind.levels and ind.code not in no_data:
            assert (obs.loc[obs.unit_code != "22", "indicator_code"] == ind.code).any(), ind.code
        if ind.levels == ("province",):
            assert set(obs.loc[obs.indicator_code == ind.code, "unit_code"]) == {"22"}, ind.code


def test_ratio_value_is_numerator_over_denominator(obs):
    cat = load_catalog()
    ratio = obs[obs["indicator_code"].map(lambda c: cat[c].kind.is_ratio)]
    district = ratio[ratio.unit_code != "22"]
    assert district["numerator"].notna().all() and district["denominator"].notna().all()
    full = ratio.dropna(subset=["numerator", "denominator"])
    assert len(full) > 2000
    factor = full["indicator_code"].map(lambda c: cat[c].factor)
    expected = full["numerator"] / full["denominator"] * factor
    assert np.allclose(full["value"], expected, rtol=1e-6, atol=1e-6)
    assert (full["numerator"] <= full["denominator"]).all()
    # catalogue components: the numerator/denominator columns repeat the component rows exactly
    idx = obs.set_index(["unit_code", "indicator_code", "year", "period"])["value"]
    checked = 0
    for r in full.itertuples():
        ind = cat[r.indicator_code]
        if ind.numerator:
            assert idx[(r.unit_code, ind.numerator, r.year, r.period)] == r.numerator
            assert idx[(r.unit_code, ind.denominator, r.year, r.period)] == r.denominator
            checked += 1
    assert checked > 500


def test_nested_counts_hold_in_every_row(obs):
    w = obs[obs.unit_code != "22"].pivot_table(index=["unit_code", "year", "period"], columns="indicator_code",
                                                values="value", aggfunc="first")
    assert (w["DROWNING_DEATHS"] <= w["TNTT_DEATHS"]).all()
    assert (w["TNTT_DEATHS"] <= w["TNTT_CASES"]).all()
    assert (w["ABUSE_CASES"] <= w["ABUSED_CHILDREN"]).all()
    assert (w["HCDB_SUPPORTED"] <= w["HCDB_CHILDREN"]).all()
    assert (w["CF_COMMUNES"] <= w["COMMUNES_TOTAL"]).all() and (w["PLAY_COMMUNES"] <= w["COMMUNES_TOTAL"]).all()
    assert ((w["NEONATAL_DEATHS"] <= w["INFANT_DEATHS"]) & (w["INFANT_DEATHS"] <= w["U5_DEATHS"])).all()
    sw = w.dropna(subset=["SWIM_CLASSES"])
    assert (sw["SWIM_CLASSES_STATE"] + sw["SWIM_CLASSES_PRIVATE"] == sw["SWIM_CLASSES"]).all()
    assert (sw["SWIM_BUDGET_STATE"] + sw["SWIM_BUDGET_PRIVATE"] == sw["SWIM_BUDGET"]).all()
    hot = w.dropna(subset=["HOTLINE_CALLS", "HOTLINE_CHILD_CALLS"])
    assert (hot["HOTLINE_CHILD_CALLS"] <= hot["HOTLINE_CALLS"]).all()


def test_2025_periods(obs):
    cat = load_catalog()
    y25 = obs[obs.year == 2025]
    h1 = y25[y25.period == "H1"]
    fy = y25[y25.period == "FY"]
    assert (fy["flag"].str.contains("estimate")).all() and not h1["flag"].str.contains("estimate").any()
    count_codes = {ind.code for ind in cat if ind.kind in (Kind.COUNT, Kind.MONEY)}
    for code in count_codes:  # a six-month value for every count, in every district
        assert set(h1.loc[h1.indicator_code == code, "unit_code"]) == set(DISTRICTS), code
    assert not h1["indicator_code"].map(lambda c: cat[c].kind.is_ratio).any()
    fy_counts = set(fy["indicator_code"]) & count_codes
    assert {"TNTT_DEATHS", "DROWNING_DEATHS", "POP_U16", "CHILD_MARRIAGES"} <= fy_counts < count_codes
    # stocks (numbers at a date) have a year-end estimate, so nobody scales their H1 value by 2
    stocks = {"POP_U16", "POP_U6", "COMMUNES_TOTAL", "CF_COMMUNES", "PLAY_COMMUNES", "HCDB_CHILDREN",
              "HCDB_SUPPORTED", "SPONSORED_CHILDREN"}
    assert stocks <= fy_counts
    both = h1.merge(fy, on=["unit_code", "indicator_code"], suffixes=("_h1", "_fy"))
    flows = both[both.indicator_code.isin({"TNTT_DEATHS", "DROWNING_DEATHS", "TNTT_CASES", "ABUSE_CASES",
                                           "CHILD_MARRIAGES", "LIVE_BIRTHS", "SWIM_CLASSES"})]
    assert len(flows) and (flows["value_fy"] >= flows["value_h1"]).all()


def test_trends_gaps_and_approximations(obs):
    fy = _fy(obs)
    tot = fy.groupby(["indicator_code", "year"])["value"].sum()
    assert tot[("DROWNING_DEATHS", 2024)] + tot[("DROWNING_DEATHS", 2023)] < \
        tot[("DROWNING_DEATHS", 2019)] + tot[("DROWNING_DEATHS", 2020)]
    assert tot[("TNTT_DEATHS", 2025)] < tot[("TNTT_DEATHS", 2019)]
    assert tot[("CF_COMMUNES", 2025)] > tot[("CF_COMMUNES", 2019)]
    # coverage rises towards 100 but never above
    ct01 = fy[fy.indicator_code == "CT01"].pivot_table(index="unit_code", columns="year", values="value")
    assert (ct01.diff(axis=1).iloc[:, 1:] >= 0).all().all()
    # gaps: a few (unit, indicator) series miss a year
    full_years = fy[fy.year <= 2024].groupby(["unit_code", "indicator_code"])["year"].nunique()
    assert 3 <= int((full_years < 6).sum()) <= 30
    approx = obs[obs["flag"].str.contains("approximate")]
    assert 5 <= len(approx) <= 40


def test_province_only_indicators_are_province_rows(obs):
    for code in ("CT06", "CT10", "CT15"):
        assert set(obs.loc[obs.indicator_code == code, "unit_code"]) == {"22"}
    assert not (obs["indicator_code"] == "CT13").any()


def test_dataset_yaml_says_illustrative(embedded_data_dir):
    import yaml

    meta = yaml.safe_load((embedded_data_dir / "dataset.yaml").read_text(encoding="utf-8"))
    assert meta["province"] == "22" and meta["illustrative"] is True
    assert "minh họa" in meta["title"] and "generate.py" in meta["description"]
    readme = (embedded_data_dir / "README.md").read_text(encoding="utf-8")
    assert "DỮ LIỆU MINH HỌA" in readme.upper()
