"""Target proposals: each method, the policy rule, floors, stretch flag; scenarios (hand-worked)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ctxh_plan.data.catalog import Catalog, Indicator
from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.targets import apply_scenario, load_settings, propose_targets
from ctxh_plan.targets.scenarios import list_scenarios, load_scenario, parse_scenario
from ctxh_plan.targets.settings import ProjectionSettings
from ctxh_plan.vocab import Aggregation, Direction, Kind

Z = {"lo95": -1.959963984540054, "lo80": -1.2815515655446004, "mean": 0.0, "hi80": 1.2815515655446004,
     "hi95": 1.959963984540054}


def _ind(code, kind, direction, **kw):
    return Indicator(code, code, code, "", kind, direction, **kw)


CAT = Catalog(indicators={i.code: i for i in [
    _ind("VAX", Kind.PERCENT, Direction.HIGHER, bounds=(0.0, 100.0), aggregation=Aggregation.RATIO),
    _ind("STUNT", Kind.PERCENT, Direction.LOWER, bounds=(0.0, 100.0), aggregation=Aggregation.RATIO),
    _ind("DROWN", Kind.COUNT, Direction.LOWER, decimals=0, group="TNTT"),
    _ind("SWIM", Kind.COUNT, Direction.HIGHER, decimals=0, group="TNTT"),
    _ind("MARRY", Kind.COUNT, Direction.LOWER, decimals=0),
    _ind("POP", Kind.COUNT, Direction.HIGHER, decimals=0),
    _ind("INJ", Kind.RATE_100000, Direction.LOWER, numerator="DROWN", denominator="POP",
         aggregation=Aggregation.RATIO),
]}, _order=("VAX", "STUNT", "DROWN", "SWIM", "MARRY", "POP", "INJ"))

S = ProjectionSettings()


def fc(unit, ind, centre, sd=0.0, space="identity", year=2030):
    """One forecast row whose knots are normal in ``space`` around ``centre``."""
    fwd = {"identity": (lambda x: x, lambda x: x), "log1p": (math.log1p, math.expm1),
           "logit": (lambda p: math.log(p / (100 - p)), lambda z: 100 / (1 + math.exp(-z)))}[space]
    c = fwd[0](centre)
    return {"unit_code": unit, "indicator_code": ind, "year": year, **{k: fwd[1](c + z * sd) for k, z in Z.items()}}


def obs(rows):
    return pd.DataFrame(rows, columns=["unit_code", "indicator_code", "year", "value"]).assign(period="FY")


def target(scope, ind, op, value, kind="absolute", base_year=None, value_hi=np.nan, year=2030):
    return {"scope": scope, "indicator_code": ind, "target_year": year, "operator": op, "value": value,
            "value_hi": value_hi, "kind": kind, "base_year": base_year}


def one(frame, unit, ind):
    r = frame[(frame["unit_code"] == unit) & (frame["indicator_code"] == ind)]
    assert len(r) == 1
    return r.iloc[0]


def test_trend_method_rounds_in_the_good_direction():
    f = pd.DataFrame([fc("193", "STUNT", 12.34)])
    o = obs([("193", "STUNT", 2020, 16.0), ("193", "STUNT", 2025, 15.0)])
    r = one(propose_targets(f, o, CAT, settings=S), "193", "STUNT")
    assert r["target_2030"] == 12.3 and r["target_method"] == "trend" and r["binding"] == "method"
    assert r["value_2025"] == 15.0 and np.isnan(r["national_floor"])
    # a point forecast (no spread) at 12.34 never meets "<= 12.3"
    assert r["feasibility"] == 0.0


def test_trend_feasibility_about_one_half():
    f = pd.DataFrame([fc("193", "SWIM", 100.0, 0.2, "log1p")])
    o = obs([("193", "SWIM", 2024, 80.0), ("193", "SWIM", 2025, 90.0)])
    r = one(propose_targets(f, o, CAT, settings=S), "193", "SWIM")
    assert r["target_2030"] == 100 and r["target_method"] == "trend"
    assert r["feasibility"] == pytest.approx(0.5, abs=1e-9)


def test_stretch_quantile_on_the_good_side():
    s = S.with_(method="stretch")
    f = pd.DataFrame([fc("193", "SWIM", 100.0, 0.1, "log1p"), fc("193", "DROWN", 100.0, 0.1, "log1p")])
    o = obs([("193", "SWIM", 2025, 90.0), ("193", "DROWN", 2025, 110.0)])
    out = propose_targets(f, o, CAT, settings=s)
    up, down = one(out, "193", "SWIM"), one(out, "193", "DROWN")
    # 75th percentile (higher is better): 101·e^(0.6745·0.1) − 1 = 107.05 → rounded up to 108
    assert up["target_2030"] == 108 and up["target_method"] == "stretch"
    # 25th percentile (lower is better): 101·e^(−0.06745) − 1 = 93.41 → rounded down to 93
    assert down["target_2030"] == 93 and down["target_method"] == "stretch"
    # P(Y >= 108) = 1 − Φ((ln 109 − ln 101)/0.1) = 1 − Φ(0.7623) = 0.2229 (rounding up costs a little)
    from scipy.special import ndtr

    assert up["feasibility"] == pytest.approx(1 - ndtr((math.log(109) - math.log(101)) / 0.1), abs=1e-9)


def test_required_when_the_national_floor_binds():
    f = pd.DataFrame([fc("193", "VAX", 96.0, 0.3, "logit")])
    o = obs([("193", "VAX", 2020, 90.0), ("193", "VAX", 2025, 95.0)])
    t = pd.DataFrame([target("national", "VAX", ">=", 98.0)])
    r = one(propose_targets(f, o, CAT, t, settings=S), "193", "VAX")
    assert r["target_2030"] == 98.0 and r["target_method"] == "required" and r["binding"] == "floor"
    assert r["national_floor"] == 98.0 and r["floor_source"] == "national"
    # milestones on the shortfall 5 → 2: 100 − 5·0.4^(k/5), rounded to 1 decimal
    assert [r[f"milestone_{y}"] for y in range(2026, 2031)] == [95.8, 96.5, 97.1, 97.6, 98.0]
    assert r["rate_space"] == "shortfall"
    assert r["required_rate"] == pytest.approx((0.4 ** 0.2 - 1) * 100)
    assert r["feasibility"] < 0.5


def test_provincial_floor_stricter_than_national():
    f = pd.DataFrame([fc("193", "VAX", 96.0), fc("22", "VAX", 96.0)])
    o = obs([("193", "VAX", 2025, 95.0), ("22", "VAX", 2025, 95.0)])
    t = pd.DataFrame([target("national", "VAX", ">=", 95.0), target("22", "VAX", ">=", 97.0)])
    out = propose_targets(f, o, CAT, t, settings=S, province_code="22")
    for unit in ("193", "22"):
        r = one(out, unit, "VAX")
        assert r["floor"] == 97.0 and r["floor_source"] == "22" and r["national_floor"] == 95.0
        assert r["target_2030"] == 97.0 and r["target_method"] == "required"


def test_relative_and_annual_change_targets_become_absolute_per_unit():
    f = pd.DataFrame([fc("193", "DROWN", 22.0), fc("194", "DROWN", 5.0), fc("193", "MARRY", 48.0)])
    o = obs([("193", "DROWN", 2020, 25.0), ("193", "DROWN", 2025, 24.0), ("194", "DROWN", 2020, 10.0),
             ("194", "DROWN", 2025, 6.0), ("193", "MARRY", 2020, 50.0), ("193", "MARRY", 2025, 49.0)])
    t = pd.DataFrame([target("national", "DROWN", "<=", -20.0, "relative", 2020),
                      target("national", "MARRY", "<=", -2.0, "annual_change", 2020, value_hi=-3.0)])
    out = propose_targets(f, o, CAT, t, settings=S)
    a, b, m = one(out, "193", "DROWN"), one(out, "194", "DROWN"), one(out, "193", "MARRY")
    assert a["floor"] == pytest.approx(20.0) and a["target_2030"] == 20 and a["target_method"] == "required"
    assert b["floor"] == pytest.approx(8.0) and b["target_2030"] == 5 and b["target_method"] == "trend"
    # −2%/yr (the less ambitious end of 2–3%) for 10 years from 2020: 50·0.98^10 = 40.85 → at most 40
    assert m["floor"] == pytest.approx(50 * 0.98 ** 10) and m["target_2030"] == 40


def test_a_small_unit_does_not_carry_the_provinces_relative_floor():
    """−20 % of 2 deaths is no floor: below relative_min_base a unit under the province keeps only its
    own targets; the province itself and a unit with a large enough base carry it."""
    f = pd.DataFrame([fc("193", "DROWN", 22.0), fc("194", "DROWN", 2.0), fc("22", "DROWN", 24.0)])
    o = obs([("193", "DROWN", 2020, 25.0), ("193", "DROWN", 2025, 24.0), ("194", "DROWN", 2020, 2.0),
             ("194", "DROWN", 2025, 2.0), ("22", "DROWN", 2020, 27.0), ("22", "DROWN", 2025, 26.0)])
    t = pd.DataFrame([target("22", "DROWN", "<=", -20.0, "relative", 2020)])
    out = propose_targets(f, o, CAT, t, settings=S, province_code="22")
    assert one(out, "22", "DROWN")["floor"] == pytest.approx(27 * 0.8)
    assert one(out, "193", "DROWN")["floor"] == pytest.approx(20.0)
    assert np.isnan(one(out, "194", "DROWN")["floor"])
    t_own = pd.DataFrame([target("22", "DROWN", "<=", -20.0, "relative", 2020),
                          target("194", "DROWN", "<=", -50.0, "relative", 2020)])
    own = propose_targets(f, o, CAT, t_own, settings=S, province_code="22")
    assert one(own, "194", "DROWN")["floor"] == pytest.approx(1.0)  # its own plan says so


def test_province_absolute_count_applies_to_the_province_only():
    f = pd.DataFrame([fc("22", "SWIM", 150.0), fc("193", "SWIM", 15.0)])
    o = obs([("22", "SWIM", 2025, 140.0), ("193", "SWIM", 2025, 14.0)])
    t = pd.DataFrame([target("22", "SWIM", ">=", 200.0)])
    out = propose_targets(f, o, CAT, t, settings=S, province_code="22")
    assert one(out, "22", "SWIM")["target_2030"] == 200
    assert np.isnan(one(out, "193", "SWIM")["floor"]) and one(out, "193", "SWIM")["target_2030"] == 15


def test_no_backsliding_below_the_2025_level():
    f = pd.DataFrame([fc("193", "DROWN", 9.6, 0.3, "log1p")])
    o = obs([("193", "DROWN", 2020, 7.0), ("193", "DROWN", 2025, 8.0)])
    r = one(propose_targets(f, o, CAT, settings=S.with_(min_reduction_percent=0)), "193", "DROWN")
    assert r["target_2030"] == 8 and r["target_method"] == "maintain" and r["binding"] == "no_backsliding"
    assert [r[f"milestone_{y}"] for y in range(2026, 2031)] == [8.0] * 5
    assert 0 < r["feasibility"] < 0.5


@pytest.mark.parametrize("pct, expected", [(2.0, 7.0), (10.0, 4.0)])
def test_a_harm_is_reduced_never_kept_at_its_2025_level(pct, expected):
    """Lower is better and the forecast rises: the plan still proposes a cut of at least pct % a year."""
    f = pd.DataFrame([fc("193", "DROWN", 9.6, 0.3, "log1p")])
    o = obs([("193", "DROWN", 2020, 7.0), ("193", "DROWN", 2025, 8.0)])
    r = one(propose_targets(f, o, CAT, settings=S.with_(min_reduction_percent=pct)), "193", "DROWN")
    assert r["target_2030"] == expected == np.floor(8 * (1 - pct / 100) ** 5)
    assert r["target_method"] == "reduce" and r["binding"] == "min_reduction"
    assert r["milestone_2030"] == expected and r["milestone_2026"] <= 8


def test_a_harm_at_zero_stays_at_zero():
    f = pd.DataFrame([fc("193", "DROWN", 0.4, 0.3, "log1p")])
    o = obs([("193", "DROWN", 2020, 1.0), ("193", "DROWN", 2025, 0.0)])
    r = one(propose_targets(f, o, CAT, settings=S), "193", "DROWN")
    assert r["target_2030"] == 0 and r["target_method"] == "maintain"


def test_maintain_at_the_natural_limit():
    f = pd.DataFrame([fc("193", "VAX", 100.0)])
    o = obs([("193", "VAX", 2024, 100.0), ("193", "VAX", 2025, 100.0)])
    t = pd.DataFrame([target("national", "VAX", "=", 100.0)])
    r = one(propose_targets(f, o, CAT, t, settings=S), "193", "VAX")
    assert r["target_2030"] == 100.0 and r["target_method"] == "maintain"
    assert r["feasibility"] == 1.0


def test_bounds_and_forced_required_without_floor_falls_back():
    s = S.with_(method="required")
    f = pd.DataFrame([fc("193", "STUNT", 3.0)])
    o = obs([("193", "STUNT", 2025, 4.0)])
    r = one(propose_targets(f, o, CAT, settings=s), "193", "STUNT")
    assert r["target_method"] == "trend" and "không có chỉ tiêu sàn" in r["notes"]


def test_stretch_flag_against_historical_rate():
    f = pd.DataFrame([fc("193", "DROWN", 19.0), fc("194", "DROWN", 19.0)])
    o = obs([(u, "DROWN", y, v) for u in ("193", "194") for y, v in ((2020, 25.0), (2025, 20.0))])
    t = pd.DataFrame([target("193", "DROWN", "<=", 10.0), target("194", "DROWN", "<=", 19.0)])
    out = propose_targets(f, o, CAT, t, settings=S)
    hard, easy = one(out, "193", "DROWN"), one(out, "194", "DROWN")
    assert hard["historical_rate"] == pytest.approx((0.8 ** 0.2 - 1) * 100)  # −4.36%/yr
    assert hard["required_rate"] == pytest.approx((0.5 ** 0.2 - 1) * 100)  # −12.9%/yr > 1.5 × 4.36
    assert bool(hard["stretch"]) is True and bool(easy["stretch"]) is False


def test_missing_2025_uses_forecast_and_says_so_and_illustrative_label():
    f = pd.DataFrame([fc("193", "SWIM", 30.0, year=2025), fc("193", "SWIM", 40.0)])
    o = obs([("193", "SWIM", 2023, 20.0), ("193", "SWIM", 2024, 25.0)])
    r = one(propose_targets(f, o, CAT, settings=S, illustrative=True), "193", "SWIM")
    assert r["value_2025"] == 30.0 and "lấy từ dự báo" in r["notes"] and "dữ liệu minh họa" in r["notes"]


def test_denominators_get_no_target():
    f = pd.DataFrame([fc("193", "POP", 1000.0), fc("193", "INJ", 10.0)])
    o = obs([("193", "POP", 2025, 990.0), ("193", "INJ", 2025, 11.0)])
    out = propose_targets(f, o, CAT, settings=S)
    assert out["indicator_code"].tolist() == ["INJ"]


def test_settings_validation(tmp_path):
    p = tmp_path / "projection.yaml"
    p.write_text("milestone_path: spline\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="milestone_path"):
        load_settings(p)
    p.write_text("stretch_quantile: 0.3\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="stretch_quantile"):
        load_settings(p)
    p.write_text("colour: blue\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="unknown key"):
        load_settings(p)
    assert load_settings().milestone_path in ("geometric", "linear")


# ---------------------------------------------------------------- scenarios
FC5 = pd.DataFrame([fc("193", ind, c, 0.1, sp, year=y) for y in range(2026, 2031)
                    for ind, c, sp in (("DROWN", 100.0, "log1p"), ("VAX", 97.0, "logit"), ("SWIM", 50.0, "log1p"))])
OBS5 = obs([("193", "DROWN", 2025, 100.0), ("193", "VAX", 2025, 98.5), ("193", "SWIM", 2025, 40.0)])


def _scenario(adjs):
    return parse_scenario({"name": "test", "adjustments": adjs}, "test.yaml")


def test_scenario_annual_pct_from_the_2025_level():
    sc = _scenario([{"indicator": "DROWN", "operation": "annual_pct", "value": -10, "from_year": 2026}])
    out = apply_scenario(FC5, sc, CAT, observations=OBS5)
    d = out[out["indicator_code"] == "DROWN"].set_index("year")
    assert d.loc[2026, "mean"] == pytest.approx(90.0) and d.loc[2030, "mean"] == pytest.approx(100 * 0.9 ** 5)
    ratio = d.loc[2030, "mean"] / 100.0
    assert d.loc[2030, "hi95"] == pytest.approx(FC5[(FC5.indicator_code == "DROWN")]["hi95"].iloc[-1] * ratio)
    assert (out["scenario"] == "test").all() and "annual_pct" in d.loc[2030, "note"]
    # untouched indicators keep the forecast
    pd.testing.assert_series_equal(out[out.indicator_code == "SWIM"]["mean"].reset_index(drop=True),
                                   FC5[FC5.indicator_code == "SWIM"]["mean"].reset_index(drop=True))


def test_scenario_points_capped_set_and_multiply():
    sc = _scenario([{"kind": "percent", "direction": "higher", "operation": "annual_points", "value": 1,
                     "from_year": 2026, "max": 100},
                    {"group": "TNTT", "indicator": "SWIM", "operation": "multiply", "value": 0.5},
                    {"indicator": "DROWN", "operation": "set", "value": 7, "from_year": 2028}])
    out = apply_scenario(FC5, sc, CAT, observations=OBS5)
    v = out[out.indicator_code == "VAX"].set_index("year")["mean"]
    assert v.tolist() == pytest.approx([99.5, 100.0, 100.0, 100.0, 100.0])
    assert (out[out.indicator_code == "VAX"]["hi95"] <= 100).all()
    s = out[out.indicator_code == "SWIM"]["mean"]
    assert s.tolist() == pytest.approx([25.0] * 5)
    d = out[out.indicator_code == "DROWN"].set_index("year")["mean"]
    assert d.loc[2027] == pytest.approx(100.0) and d.loc[2028] == 7 and d.loc[2030] == 7


@pytest.mark.parametrize("adj, key", [
    ({"indicator": "DROWN", "operation": "divide", "value": 2}, "adjustments[0].operation"),
    ({"indicator": "DROWN", "operation": "set", "value": "ten"}, "adjustments[0].value"),
    ({"operation": "set", "value": 1}, "adjustments[0]"),
    ({"indicator": "DROWN", "operation": "set", "value": 1, "colour": "red"}, "adjustments[0].colour"),
    ({"indicator": "DROWN", "operation": "annual_pct", "value": -120}, "adjustments[0].value"),
    ({"indicator": "DROWN", "operation": "set", "value": 1, "from_year": "2026a"}, "adjustments[0].from_year"),
])
def test_scenario_validation_names_file_key_and_fix(adj, key):
    with pytest.raises(ParameterError) as exc:
        _scenario([adj])
    assert exc.value.key == key and exc.value.source == "test.yaml" and exc.value.fix


def test_scenario_unknown_indicator_and_unknown_name(tmp_path):
    sc = _scenario([{"indicator": "NOPE", "operation": "set", "value": 1}])
    with pytest.raises(InputError, match="NOPE"):
        apply_scenario(FC5, sc, CAT)
    with pytest.raises(InputError, match="not found"):
        load_scenario("no_such_scenario", folder=tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nadjustments: [\n", encoding="utf-8")
    with pytest.raises(InputError, match="YAML"):
        load_scenario(bad)


def test_shipped_scenarios_load_and_match_the_catalogue():
    from ctxh_plan.data.catalog import load_catalog

    cat = load_catalog()
    names = list_scenarios()
    assert names[0] == "baseline" and {"accelerated", "budget_cut"} <= set(names)
    for name in names:
        sc = load_scenario(name)
        for adj in sc.adjustments:
            for code in adj.indicators or ():
                assert code in cat, f"{name}: {code} not in params/indicators.yaml"


def test_estimated_2025_level_is_noted():
    f = pd.DataFrame([fc("193", "SWIM", 40.0)])
    o = obs([("193", "SWIM", 2024, 20.0), ("193", "SWIM", 2025, 25.0)]).assign(flag=["", "estimate"])
    r = one(propose_targets(f, o, CAT, settings=S), "193", "SWIM")
    assert r["value_2025"] == 25.0 and "số ước" in r["notes"]


def test_missing_2025_without_forecast_uses_the_latest_year():
    f = pd.DataFrame([fc("193", "SWIM", 40.0)])
    o = obs([("193", "SWIM", 2022, 20.0), ("193", "SWIM", 2023, 25.0)])
    r = one(propose_targets(f, o, CAT, settings=S), "193", "SWIM")
    assert r["value_2025"] == 25.0 and "dùng năm 2023" in r["notes"]


def test_linear_and_geometric_milestones_through_settings():
    f = pd.DataFrame([fc("193", "STUNT", 10.0)])
    o = obs([("193", "STUNT", 2025, 20.0)])
    lin = one(propose_targets(f, o, CAT, settings=S.with_(milestone_path="linear")), "193", "STUNT")
    assert [lin[f"milestone_{y}"] for y in range(2026, 2031)] == [18.0, 16.0, 14.0, 12.0, 10.0]
    geo = one(propose_targets(f, o, CAT, settings=S), "193", "STUNT")
    # 20 → 10 at a constant rate: 20·0.5^(k/5) = 17.41, 15.16, 13.20, 11.49, 10
    assert [geo[f"milestone_{y}"] for y in range(2026, 2031)] == [17.4, 15.2, 13.2, 11.5, 10.0]
