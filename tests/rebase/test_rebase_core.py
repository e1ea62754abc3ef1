"""Re-basing former units onto the units of 1 July 2025: weights, allocation, totals."""
from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctxh_plan.data.catalog import Catalog
from ctxh_plan.data.units import load_conversion, load_units
from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.rebase import (
    allocate_fractional,
    allocate_integer,
    build_crosswalk,
    read_weights,
    rebase_dataset,
    rebase_frames,
)
from tests.helpers.rebase_catalog import make_catalog

DISTRICTS = load_units("22").codes("district")
OLD = load_units("22", include_communes=True).at("2025-06-30")
COMMUNES = OLD.codes("commune")


CAT = make_catalog()


def obs_frame(rows) -> pd.DataFrame:
    cols = ["unit_code", "indicator_code", "year", "value", "numerator", "denominator"]
    return pd.DataFrame([r + (math.nan,) * (6 - len(r)) for r in rows], columns=cols).assign(flag="illustrative")


# ---------------------------------------------------------------- allocation


@given(st.integers(0, 10_000), st.lists(st.floats(0, 1e4, allow_nan=False), min_size=1, max_size=12),
       st.text(max_size=5))
def test_largest_remainder_sums_back_exactly(total, weights, key):
    if sum(weights) <= 0:
        weights = weights[:-1] + [1.0]
    parts = allocate_integer(total, weights, tie_key=key)
    assert sum(parts) == total
    for p, w in zip(parts, weights):
        assert abs(p - total * w / math.fsum(weights)) < 1 + 1e-9
        assert p == 0 or w > 0


def test_largest_remainder_spreads_ties():
    # 3 children over 8 equal parts: which parts get one depends on the key, so not always the first ones
    got = {tuple(allocate_integer(3, [1] * 8, tie_key=f"193|D|{y}|FY")) for y in range(2019, 2026)}
    assert len(got) > 1 and all(sum(g) == 3 for g in got)
    assert allocate_integer(3, [1] * 8, tie_key="k") == allocate_integer(3, [1] * 8, tie_key="k")
    with pytest.raises(ValueError, match=r"cannot allocate a negative count \(-1\)"):
        allocate_integer(-1, [1, 1])


def test_fractional_parts_keep_total():
    parts = allocate_fractional(10.0, [1, 1, 1])
    assert math.fsum(parts) == 10.0 and all(abs(p - 10 / 3) < 1e-12 for p in parts)


# ---------------------------------------------------------------- crosswalk and weights


def _weights(tmp_path, text):
    p = tmp_path / "weights.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_crosswalk_default_sources():
    cw = build_crosswalk(load_conversion("22"))
    assert cw.groupby("old_code")["weight"].sum().sub(1).abs().max() < 1e-12
    w = cw.set_index(["old_code", "new_code"])
    assert w.loc[("06655", "06661"), "weight"] == 0.5 and w.loc[("06655", "06661"), "weight_source"] == "equal_shares"
    # area-only transfer: all population to the unit whose note says "toàn bộ dân số"
    assert w.loc[("07180", "07180"), "weight"] == 1 and w.loc[("07180", "07168"), "weight"] == 0
    assert w.loc[("06799", "06886"), "weight"] == 1 and w.loc[("06799", "06799"), "weight"] == 0
    assert w.loc[("07180", "07168"), "weight_source"] == "population_note"
    assert (w.loc[("06886", slice(None)), "weight"].round(6) == round(1 / 3, 6)).all()
    assert w.loc[("06661", "06661"), "weight_source"] == "whole"


def test_crosswalk_child_population_and_explicit(tmp_path):
    p = _weights(tmp_path, "old_code,new_code,child_population\n06655,06661,300\n06655,06706,200\n")
    w = build_crosswalk(load_conversion("22"), weights=read_weights(p)).set_index(["old_code", "new_code"])
    assert w.loc[("06655", "06661"), "weight"] == 0.6 and w.loc[("06655", "06661"), "weight_source"] == \
        "child_population"
    p = _weights(tmp_path, "old_code;new_code;weight\n06655;06661;0,7\n06655;06706;0,3\n")
    w = build_crosswalk(load_conversion("22"), weights=read_weights(p)).set_index(["old_code", "new_code"])
    assert w.loc[("06655", "06706"), "weight"] == pytest.approx(0.3)
    assert w.loc[("06655", "06706"), "weight_source"] == "weights_file"


@pytest.mark.parametrize("text, words", [
    ("old_code,new_code,weight\n06655,06661,0.7\n06655,06706,0.4\n", ["sum to 1.1", "row 2", "06655"]),
    ("old_code,new_code,weight\n06655,06661,0.7\n", ["miss", "06706"]),
    ("old_code,new_code,weight\n06655,06999,1\n", ["did not go to 06999", "row 2"]),
    ("old_code,new_code,weight\n06655,06661,-1\n", [">= 0", "row 2"]),
    ("old_code,new_code,weight\n06655,06661,abc\n", ["not a number", "row 2"]),
    ("old_code,new_code,weight\n06652,06652,0.5\n", ["merged whole", "row 2"]),
    ("code,weight\n1,1\n", ["old_code"]),
])
def test_bad_weights_name_file_and_row(tmp_path, text, words):
    p = _weights(tmp_path, text)
    with pytest.raises(InputError) as exc:
        build_crosswalk(load_conversion("22"), weights=read_weights(p))
    msg = str(exc.value)
    assert "weights.csv" in msg
    for w in words:
        assert w in msg, msg


# ---------------------------------------------------------------- the known split: Phường Hà Khẩu


def test_ha_khau_split_with_explicit_weights(tmp_path):
    """06655 Hà Khẩu → 06661 Việt Hưng (0.7) and 06706 Tuần Châu (0.3), commune-level data."""
    conv = load_conversion("22")
    deaths = {c: (i % 5) for i, c in enumerate(COMMUNES)}
    deaths["06655"] = 10
    pop = {c: 1000 + 10 * i for i, c in enumerate(COMMUNES)}
    pop["06655"] = 5001
    rows = [(c, "DEATHS", 2024, float(deaths[c])) for c in COMMUNES]
    rows += [(c, "POP", 2024, float(pop[c])) for c in COMMUNES]
    rows += [(c, "RATE", 2024, deaths[c] / pop[c] * 1e5) for c in COMMUNES]
    p = _weights(tmp_path, "old_code,new_code,weight\n06655,06661,0.7\n06655,06706,0.3\n")
    res = rebase_frames(obs_frame(rows), CAT, province="22", weights=p)
    o = res.observations.set_index(["unit_code", "indicator_code"])
    for new, share in (("06661", 0.7), ("06706", 0.3)):
        whole = conv[(conv["new_code"] == new) & (conv["old_code"] != "06655")]["old_code"]
        assert (conv[conv["new_code"] == new]["relation"].isin(["whole", "part"])).all()
        exp_d = sum(deaths[c] for c in whole) + 10 * share
        exp_p = sum(pop[c] for c in whole) + round(5001 * share)  # 3500.7 → 3501, 1500.3 → 1500
        assert o.loc[(new, "DEATHS"), "value"] == exp_d
        assert o.loc[(new, "POP"), "value"] == exp_p
        # the rate is rebuilt from fractional parts of numerator and denominator (ratio of sums)
        den = sum(pop[c] for c in whole) + 5001 * share
        assert o.loc[(new, "RATE"), "numerator"] == pytest.approx(exp_d)
        assert o.loc[(new, "RATE"), "denominator"] == pytest.approx(den)
        assert o.loc[(new, "RATE"), "value"] == pytest.approx(exp_d / den * 1e5)
        assert "rebased" in o.loc[(new, "DEATHS"), "flag"] and "illustrative" in o.loc[(new, "DEATHS"), "flag"]
        assert "weights_file" in o.loc[(new, "DEATHS"), "note"] and "06655×" in o.loc[(new, "DEATHS"), "note"]
    cw = res.crosswalk.set_index(["old_code", "new_code"])
    assert cw.loc[("06655", "06661"), "weight"] == 0.7 and cw.loc[("06655", "06661"), "weight_source"] == \
        "weights_file"
    assert res.skipped.empty and res.observations["unit_code"].nunique() == 54


# ---------------------------------------------------------------- totals (property)


@st.composite
def district_data(draw):
    inds = draw(st.lists(st.sampled_from(["DEATHS", "POP", "BUDGET"]), min_size=1, max_size=3, unique=True))
    years = draw(st.lists(st.integers(2021, 2025), min_size=1, max_size=3, unique=True))
    rows = []
    for ind in inds:
        for y in years:
            for d in DISTRICTS:
                v = draw(st.integers(0, 50_000)) if ind != "BUDGET" else draw(
                    st.floats(0, 1e5, allow_nan=False, allow_infinity=False))
                rows.append((d, ind, y, float(v)))
    return obs_frame(rows)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(district_data(), st.sampled_from(["integer", "fractional"]))
def test_province_totals_are_kept(obs, counts):
    res = rebase_frames(obs, CAT, province="22", counts=counts)
    assert res.skipped.empty
    assert set(res.observations["unit_code"]) <= set(load_units("22", as_of="2025-07-01").codes("commune"))
    before = obs.groupby(["indicator_code", "year"])["value"].apply(math.fsum)
    after = res.observations.groupby(["indicator_code", "year"])["value"].apply(math.fsum)
    assert list(before.index) == list(after.index)
    for key in before.index:
        if key[0] != "BUDGET" and counts == "integer":
            assert after[key] == before[key], key  # exactly
            assert (res.observations.loc[res.observations["indicator_code"] == key[0], "value"] % 1 == 0).all()
        else:
            assert after[key] == pytest.approx(before[key], rel=1e-12, abs=1e-9), key


@settings(max_examples=5, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=171, max_size=171))
def test_commune_level_totals_are_kept(values):
    obs = obs_frame([(c, "DEATHS", 2023, float(v)) for c, v in zip(COMMUNES, values)])
    res = rebase_frames(obs, CAT, province="22")
    assert res.observations["value"].sum() == sum(values) and res.observations["unit_code"].nunique() == 54


# ---------------------------------------------------------------- other aggregations


def _district_rows():
    rows = []
    for i, d in enumerate(DISTRICTS):
        deaths, pop = i % 4, 10_000 + 1000 * i
        rows += [(d, "DEATHS", 2024, deaths), (d, "POP", 2024, pop), (d, "RATE", 2024, deaths / pop * 1e5),
                 (d, "PCT", 2024, 50.0, 50.0 + i, 100.0 + 2 * i), (d, "CF", 2024, 100.0 * (i % 3) / 3),
                 (d, "PLAN", 2024, float(i != 4)), (d, "NOTE", 2024, 1.0)]
    return rows


def test_rates_shares_and_yes_no():
    obs = obs_frame(_district_rows())
    res = rebase_frames(obs, CAT, province="22")
    o = res.observations
    rate = o[o["indicator_code"] == "RATE"]
    old = obs[obs["indicator_code"] == "RATE"]
    # province rate = ratio of sums, before and after
    deaths = obs[obs["indicator_code"] == "DEATHS"]["value"].sum()
    pop = obs[obs["indicator_code"] == "POP"]["value"].sum()
    assert rate["numerator"].sum() == pytest.approx(deaths) and rate["denominator"].sum() == pytest.approx(pop)
    assert rate["numerator"].sum() / rate["denominator"].sum() == pytest.approx(deaths / pop)
    # a new unit inside one former district has that district's rate (no rounding noise)
    one = OLD.conversion.groupby("new_code")["old_district_code"].nunique()
    inside = one[one == 1].index
    by_d = dict(zip(old["unit_code"], old["value"]))
    d_of = OLD.conversion.drop_duplicates("new_code").set_index("new_code")["old_district_code"]
    for n in inside:
        assert rate.set_index("unit_code").loc[n, "value"] == pytest.approx(by_d[d_of[n]])
    assert len(old) == 13 and len(rate) == 54
    pct = o[o["indicator_code"] == "PCT"]
    assert pct["numerator"].sum() == pytest.approx(obs[obs["indicator_code"] == "PCT"]["numerator"].sum())
    assert ((pct["value"] >= 0) & (pct["value"] <= 100)).all()
    cf = o[o["indicator_code"] == "CF"]
    assert cf["denominator"].sum() == pytest.approx(171)  # every former commune counted once
    n_d = {d: len(OLD.children(d)) for d in DISTRICTS}
    exp = sum((i % 3) / 3 * n_d[d] for i, d in enumerate(DISTRICTS))
    assert cf["numerator"].sum() == pytest.approx(exp)
    assert "district share applied" in cf["note"].iloc[0]
    plan = o[o["indicator_code"] == "PLAN"].set_index("unit_code")["value"]
    bad = {n for n, c in zip(*[OLD.conversion["new_code"], OLD.conversion["old_district_code"]])
           if c == DISTRICTS[4]}
    assert (plan[list(bad)] == 0).all() and plan.drop(list(bad)).eq(1).all()
    assert set(res.skipped.loc[res.skipped["indicator_code"] == "NOTE", "unit_code"]) == set(DISTRICTS)
    assert "NOTE" not in set(o["indicator_code"])


def test_rate_without_components_is_flagged_approximate():
    obs = obs_frame([(d, "PCT", 2024, 40.0 + i) for i, d in enumerate(DISTRICTS)])
    o = rebase_frames(obs, CAT, province="22").observations
    assert o["flag"].str.contains("approximate").all() and o["note"].str.contains("APPROXIMATE").all()
    assert o["value"].between(40, 52).all()


def test_missing_district_is_reported_not_guessed():
    obs = obs_frame([(d, "DEATHS", 2024, 5.0) for d in DISTRICTS if d != "202"])  # no Ba Chẽ
    res = rebase_frames(obs, CAT, province="22")
    skipped = set(res.skipped["unit_code"])
    needs_202 = set(OLD.conversion.loc[OLD.conversion["old_district_code"] == "202", "new_code"])
    assert skipped == needs_202 and skipped.isdisjoint(res.observations["unit_code"])
    assert res.skipped["reason"].str.contains("no data for former commune").all()


def test_commune_detail_replaces_district_total():
    rows = [(c, "DEATHS", 2024, 1.0) for c in OLD.children("207")] + [("207", "DEATHS", 2024, 99.0)]
    res = rebase_frames(obs_frame(rows), CAT, province="22")
    assert res.observations["value"].sum() == 3  # Cô Tô: 3 communes → Đặc khu Cô Tô
    assert res.skipped.iloc[0]["reason"].startswith("district total not used")


def test_province_rows_pass_through_and_errors():
    rows = [("22", "DEATHS", 2024, 40.0)] + [(d, "DEATHS", 2024, 3.0) for d in DISTRICTS]
    res = rebase_frames(obs_frame(rows), CAT, province="22")
    assert res.observations.set_index("unit_code").loc["22", "value"] == 40
    with pytest.raises(InputError, match="not former units"):
        rebase_frames(obs_frame([("99999", "DEATHS", 2024, 1.0)]), CAT, province="22")
    with pytest.raises(InputError, match="not in the catalogue"):
        rebase_frames(obs_frame([("193", "XYZ", 2024, 1.0)]), CAT, province="22")
    with pytest.raises(InputError, match="negative"):
        rebase_frames(obs_frame([("193", "DEATHS", 2024, -1.0)]), CAT, province="22")
    with pytest.raises(ParameterError, match="2025-07-01"):
        rebase_frames(obs_frame(rows), CAT, province="22", to="2025-01-01")


def test_rebase_dataset_returns_a_new_dataset():
    @dataclasses.dataclass(frozen=True)
    class FakeDataset:  # the fields rebase_dataset relies on (ctxh_plan.data.dataset.Dataset has more)
        observations: pd.DataFrame
        targets: pd.DataFrame
        units: object
        catalog: Catalog
        problems: pd.DataFrame
        province_code: str
        illustrative: bool

    targets = pd.DataFrame({"scope": ["national", "22", "193"], "indicator_code": ["DEATHS"] * 3})
    problems = pd.DataFrame(columns=["file", "sheet", "row", "column", "value", "problem", "fix", "severity"])
    obs = obs_frame([(d, "DEATHS", 2024, 100.0) for d in DISTRICTS if d != "202"])  # no Ba Chẽ
    ds = FakeDataset(obs, targets, load_units("22"), CAT, problems, "22", True)
    new = rebase_dataset(ds, to="2025-07-01")
    assert new is not ds and ds.observations is obs
    assert len(new.units.codes("commune")) == 54 and new.units.as_of == "2025-07-01"
    assert list(new.targets["scope"]) == ["national", "22"]
    assert new.observations["value"].sum() < 1200 and new.observations["unit_code"].nunique() == 51
    assert (new.problems["severity"] == "warning").all() and len(new.problems) == 3  # units sharing Ba Chẽ
