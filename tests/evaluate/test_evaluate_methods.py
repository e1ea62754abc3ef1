"""Hand-worked examples for each named method (ctxh_plan.evaluate.methods / poisson)."""
from __future__ import annotations

import math

import pytest

from ctxh_plan.evaluate import methods as m
from ctxh_plan.evaluate.poisson import garwood_interval, pooled_interval, rate_interval
from ctxh_plan.vocab import Attainment, ProgressCategory, UnsdCategory

NAN = math.nan


# ---------------------------------------------------------------- attainment
@pytest.mark.parametrize("value,target,op,direction,expected", [
    (16, 16, "<=", "lower", Attainment.MET),          # exactly on target, <= : met
    (16, 16, "<", "lower", Attainment.NOT_MET),       # exactly on target, strict < : not met
    (16.5, 16, "<=", "lower", Attainment.NOT_MET),
    (97, 97, ">=", "higher", Attainment.MET),
    (100, 100, "=", "higher", Attainment.MET),        # a percent at 100 with "= 100"
    (99.9, 100, "=", "higher", Attainment.NOT_MET),
    (NAN, 100, ">=", "higher", Attainment.INSUFFICIENT),
    (50, NAN, ">=", "higher", Attainment.INSUFFICIENT),
])
def test_attainment_operator(value, target, op, direction, expected):
    assert m.assess_attainment(value, target, op, direction) is expected


def test_exceeded_is_more_than_110_percent_of_planned_change():
    # base 80, target >= 90: planned change 10. 92 → 12/10 = 120 % > 110 % → exceeded
    assert m.assess_attainment(92, 90, ">=", "higher", baseline=80) is Attainment.EXCEEDED
    # 91 → 11/10 = 110 % exactly: not *more* than 110 % → met
    assert m.assess_attainment(91, 90, ">=", "higher", baseline=80) is Attainment.MET
    # lower is better: base 20, target <= 16 (planned −4); 15.5 → 4.5/4 = 112.5 % → exceeded
    assert m.assess_attainment(15.5, 16, "<=", "lower", baseline=20) is Attainment.EXCEEDED
    assert m.assess_attainment(15.7, 16, "<=", "lower", baseline=20) is Attainment.MET  # 107.5 %


def test_exceeded_when_target_already_met_at_base_uses_target_scale():
    # base 5, target <= 6 (already met at base); latest 4: beyond by 2 > 10 % of |6| = 0.6 → exceeded
    assert m.assess_attainment(4, 6, "<=", "lower", baseline=5) is Attainment.EXCEEDED
    # latest 5.5: beyond by 0.5 < 0.6 → met
    assert m.assess_attainment(5.5, 6, "<=", "lower", baseline=5) is Attainment.MET


def test_equal_target_never_exceeded_and_range_uses_ambitious_end():
    assert m.assess_attainment(100, 100, "=", "higher", baseline=90) is Attainment.MET
    # range target −2 … −3 %/yr: −3.2 beyond −3 → exceeded; −2.5 → met
    assert m.assess_attainment(-3.2, -2, "<=", "lower", exceed_at=-3) is Attainment.EXCEEDED
    assert m.assess_attainment(-2.5, -2, "<=", "lower", exceed_at=-3) is Attainment.MET


def test_interval_straddling_target_is_uncertain():
    # 9 deaths vs target <= 12.6: Garwood 95 % = 4.12 … 17.08 straddles → uncertain
    lo, hi = garwood_interval(9)
    assert m.assess_attainment(9, 12.6, "<=", "lower", lo=lo, hi=hi) is Attainment.UNCERTAIN
    # 1500 vs target <= 1800: 1425.0 … 1577.9 entirely below → verdict stands
    lo, hi = garwood_interval(1500)
    assert m.assess_attainment(1500, 1800, "<=", "lower", baseline=2000, lo=lo, hi=hi) is Attainment.EXCEEDED
    # interval entirely above the target → not met
    assert m.assess_attainment(30, 12, "<=", "lower", lo=20, hi=42) is Attainment.NOT_MET


# ---------------------------------------------------------------- share of planned change
def test_planned_change_share():
    assert m.compute_planned_change_share(50, 60, 65) == pytest.approx(10 / 15)
    assert m.compute_planned_change_share(20, 16, 16) == pytest.approx(1.0)   # on target = 1
    assert math.isnan(m.compute_planned_change_share(20, 16, 20))            # no planned change
    assert math.isnan(m.compute_planned_change_share(NAN, 16, 12))           # missing base


# ---------------------------------------------------------------- Open SDG
def test_opensdg_lower_is_better():
    # y0 = 20 (2020), yt = 16 (2024), T = 12 (2025), lower is better
    # CAGR_obs = (16/20)^(1/4) − 1 = 0.8^0.25 − 1 = −0.054258
    # CAGR_req = (12/20)^(1/5) − 1 = 0.6^0.2 − 1 = −0.097120
    # R = −1 · (−0.054258) / 0.097120 = 0.55868 → limited progress (< 0.60)
    r, cat, obs, req = m.compute_opensdg_progress(20, 2020, 16, 2024, 12, 2025, "lower")
    assert obs == pytest.approx(-0.054258, abs=1e-6)
    assert req == pytest.approx(-0.097120, abs=1e-6)
    assert r == pytest.approx(0.55868, abs=1e-4)
    assert cat is ProgressCategory.LIMITED


def test_opensdg_higher_is_better_and_categories():
    # y0 = 50, yt = 60 (2020→2025), T = 65: obs = 1.2^0.2 − 1 = 0.037137, req = 1.3^0.2 − 1 = 0.053874
    # R = 0.68934 → acceleration needed
    r, cat, _, _ = m.compute_opensdg_progress(50, 2020, 60, 2025, 65, 2025, "higher")
    assert r == pytest.approx(0.68934, abs=1e-4)
    assert cat is ProgressCategory.ACCELERATION
    # moved the wrong way → deterioration
    _, cat, _, _ = m.compute_opensdg_progress(50, 2020, 45, 2025, 65, 2025, "higher")
    assert cat is ProgressCategory.DETERIORATION
    # target met → achieved whatever the ratio
    _, cat, _, _ = m.compute_opensdg_progress(50, 2020, 66, 2025, 65, 2025, "higher", met=True)
    assert cat is ProgressCategory.ACHIEVED


def test_opensdg_zero_base_is_replaced():
    # y0 = 0 → 0.001. obs = (2/0.001)^(1/5) − 1 = 2000^0.2 − 1 = 3.573051
    # req = (5/0.001)^(1/5) − 1 = 5000^0.2 − 1 = 4.492803; R = 3.573051/4.492803 = 0.79528 → acceleration
    r, cat, obs, req = m.compute_opensdg_progress(0, 2020, 2, 2025, 5, 2025, "higher")
    assert obs == pytest.approx(3.573051, abs=1e-5)
    assert req == pytest.approx(4.492803, abs=1e-5)
    assert r == pytest.approx(0.79528, abs=1e-4)
    assert cat is ProgressCategory.ACCELERATION


def test_opensdg_single_point_and_no_target():
    _, cat, _, _ = m.compute_opensdg_progress(20, 2025, 20, 2025, 12, 2025, "lower")
    assert cat is ProgressCategory.INSUFFICIENT
    # no numeric target: sign-adjusted CAGR. 100 → 110 over 5 years: 1.1^0.2 − 1 = 1.924 % >= 1.5 % → on track
    r, cat, _, _ = m.compute_opensdg_progress(100, 2020, 110, 2025, NAN, 2025, "higher")
    assert math.isnan(r) and cat is ProgressCategory.ON_TRACK
    # 100 → 103: 0.593 % a year → acceleration needed; 100 → 101: 0.199 % → limited
    assert m.compute_opensdg_progress(100, 2020, 103, 2025, NAN, 2025, "higher")[1] is ProgressCategory.ACCELERATION
    assert m.compute_opensdg_progress(100, 2020, 101, 2025, NAN, 2025, "higher")[1] is ProgressCategory.LIMITED


# ---------------------------------------------------------------- UNSD
def test_unsd_score():
    # y0 = 20 (2020), yt = 16 (2024), T = 12 (2025): ŷ = 16 · (1 − 0.054258) = 15.13187
    # score = (15.13187 − 20) / (12 − 20) = 0.60852 → acceleration needed
    s, cat = m.compute_unsd_progress(20, 2020, 16, 2024, 12, 2025)
    assert s == pytest.approx(0.60852, abs=1e-4)
    assert cat is UnsdCategory.ACCELERATION
    # at the target year the score is the share of planned change: (60 − 50)/(65 − 50) = 0.667
    s, cat = m.compute_unsd_progress(50, 2020, 60, 2025, 65, 2025)
    assert s == pytest.approx(2 / 3) and cat is UnsdCategory.ACCELERATION
    s, cat = m.compute_unsd_progress(50, 2020, 50.5, 2025, 65, 2025)   # 0.033 < 0.10
    assert cat is UnsdCategory.STAGNATION
    assert m.compute_unsd_progress(50, 2025, 50, 2025, 65, 2025)[1] is UnsdCategory.INSUFFICIENT


# ---------------------------------------------------------------- ESCAP
def test_escap_current_status():
    # CS = 10 · (−1) · (16 − 20) / |12 − 20| = 5.0 ; expected = 10 · (2024 − 2020)/(2025 − 2020) = 8.0
    cs, exp = m.compute_escap_status(20, 2020, 16, 2024, 12, 2025, "lower")
    assert cs == pytest.approx(5.0) and exp == pytest.approx(8.0)


def test_escap_anticipated_weights_recent_years_more():
    # 10, 10, 20 in 2020–2022, weights 1, 2, 3: weighted means x̄ = 2021.333, ȳ = 15;
    # Sxx = 1·1.778 + 2·0.111 + 3·0.444 = 3.333, Sxy = 6.667 + 3.333 + 10 = 20 → slope 6;
    # ŷ(2025) = 15 + 6 · 3.667 = 37.0 (unweighted OLS would give 33.3)
    pred, ratio, cat = m.compute_escap_anticipated([2020, 2021, 2022], [10, 10, 20], 30, 2025, ">=", "higher",
                                                   y0=10)
    assert pred == pytest.approx(37.0)
    assert ratio == pytest.approx((37 - 10) / (30 - 10))
    assert cat == m.EscapAnticipated.MAINTAIN
    # rising but not enough → accelerate; falling for higher-is-better → reverse trend
    assert m.compute_escap_anticipated([2020, 2021], [10, 11], 30, 2025, ">=", "higher")[2] == "accelerate"
    assert m.compute_escap_anticipated([2020, 2021], [10, 9], 30, 2025, ">=", "higher")[2] == "reverse_trend"
    assert m.compute_escap_anticipated([2020], [10], 30, 2025, ">=", "higher")[2] == "insufficient_data"


def test_escap_prediction_is_clipped_to_bounds():
    pred, _, _ = m.compute_escap_anticipated([2020, 2021, 2022], [90, 95, 100], 100, 2025, "=", "higher",
                                             bounds=(0.0, 100.0))
    assert pred == 100.0


# ---------------------------------------------------------------- AARR
def test_aarr_observed_and_required():
    # 20, 18, 16.2: exactly −10 % a year → ln-slope β = ln 0.9 → AARR = 100 (1 − 0.9) = 10
    assert m.compute_aarr([2020, 2021, 2022], [20, 18, 16.2]) == pytest.approx(10.0)
    # required from 16.2 (2022) to 12 (2025): 100 (1 − (12/16.2)^(1/3)) = 100 (1 − e^(ln 0.740741 / 3))
    #   = 100 (1 − 0.904806) = 9.5194
    assert m.compute_required_aarr(16.2, 2022, 12, 2025) == pytest.approx(9.5194, abs=1e-3)
    assert math.isnan(m.compute_aarr([2020], [20]))
    assert math.isnan(m.compute_required_aarr(16, 2025, 12, 2025))
    # zeros cannot be logged: left out (2 positive points remain)
    assert m.compute_aarr([2020, 2021, 2022], [10, 0, 8.1]) == pytest.approx(10.0)


# ---------------------------------------------------------------- Poisson
def test_garwood_known_values():
    # published exact 95 % limits: 0 → (0, 3.689); 5 → (1.623, 11.668); 10 → (4.795, 18.390)
    assert garwood_interval(0) == pytest.approx((0.0, 3.6889), abs=1e-3)
    assert garwood_interval(5) == pytest.approx((1.6235, 11.6683), abs=1e-3)
    assert garwood_interval(10) == pytest.approx((4.7954, 18.3904), abs=1e-3)
    lo, hi = garwood_interval([0, 5, float("nan")])
    assert math.isnan(lo[2]) and hi[1] == pytest.approx(11.6683, abs=1e-3)
    with pytest.raises(ValueError, match=r"level must be between 0 and 1, got 1\.5"):
        garwood_interval(3, level=1.5)


def test_rate_and_pooled_intervals():
    # 10 deaths / 50 000 children × 100 000: 20 per 100 000, interval 4.7954/0.5 … 18.3904/0.5
    assert rate_interval(10, 50_000, 100_000) == pytest.approx((9.5908, 36.7807), abs=1e-3)
    assert all(math.isnan(x) for x in rate_interval(10, 0, 100_000))
    # pooled counts 3, 4, 5: mean 4, interval Garwood(12)/3
    v, lo, hi = pooled_interval([3, 4, 5])
    g = garwood_interval(12)
    assert (v, lo, hi) == pytest.approx((4.0, g[0] / 3, g[1] / 3))
    v, lo, hi = pooled_interval([3, 4, 5], [1000, 1000, 1000], 1000)
    assert v == pytest.approx(4.0) and lo == pytest.approx(g[0] / 3)
