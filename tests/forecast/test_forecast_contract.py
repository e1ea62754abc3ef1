"""One suite run against EVERY registered forecaster (parametrised over list_forecasters())."""
from __future__ import annotations

import logging

import numpy as np
import pytest

from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.forecast import ForecastResult, get_forecaster, list_forecasters
from ctxh_plan.forecast.transforms import get_transform

METHODS = list_forecasters()
YEARS10 = list(range(2016, 2026))

SERIES = {
    # name: (values, kind)
    "rising_count": ([12, 15, 14, 18, 21, 20, 25, 27, 26, 30], "count"),
    "falling_count_to_zero": ([10, 8, 5, 3, 2, 1, 1, 0], "count"),
    "near_100_percent": ([90.0, 94.0, 97.0, 99.0, 99.5, 99.8], "percent"),
    "near_0_percent": ([4.0, 2.5, 1.5, 0.8, 0.4, 0.2], "percent"),
    "noisy_rate": ([3.1, 5.6, 2.2, 4.9, 6.3, 1.8, 4.4], "rate"),
    "raw_negative": ([-3.0, -1.5, 0.5, -0.2, 1.9, 2.4], "raw"),
}


def _fc(method, values, kind="count", h=5, levels=(80, 95), years=None):
    years = years if years is not None else list(range(2026 - len(values), 2026))
    return get_forecaster(method).fit(values, years=years, kind=kind).predict(h, levels=levels)


def test_registry_has_the_required_methods():
    for name in ("default", "naive", "drift", "ses", "damped", "theta", "trend", "combo", "select",
                 "ses_sm", "damped_sm", "theta_sm"):
        assert name in METHODS
    with pytest.raises(ParameterError):
        get_forecaster("no_such_method")


@pytest.mark.parametrize("method", METHODS)
def test_shapes_years_and_levels(method):
    r = _fc(method, SERIES["rising_count"][0], h=5, levels=(80, 95))
    assert isinstance(r, ForecastResult)
    assert r.mean.shape == (5,)
    assert set(r.lo) == set(r.hi) == {80, 95}
    assert all(r.lo[k].shape == (5,) and r.hi[k].shape == (5,) for k in (80, 95))
    assert list(r.years) == [2026, 2027, 2028, 2029, 2030]
    assert np.all(np.isfinite(r.mean))
    frame = r.to_frame()
    assert list(frame.columns) == ["year", "method", "mean", "lo80", "hi80", "lo95", "hi95", "note"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", sorted(SERIES))
def test_bounds_nesting_and_monotone_widths(method, case):
    values, kind = SERIES[case]
    r = _fc(method, values, kind=kind, h=6)
    tr = get_transform(kind)
    lo95, lo80, hi80, hi95 = r.lo[95], r.lo[80], r.hi[80], r.hi[95]
    for arr in (r.mean, lo95, lo80, hi80, hi95):
        assert np.all(np.isfinite(arr))
        if kind in ("count", "rate"):
            assert np.all(arr >= 0)
        if kind == "percent":
            assert np.all((arr >= 0) & (arr <= 100))
    eps = 1e-9
    assert np.all(lo95 <= lo80 + eps) and np.all(lo80 <= r.mean + eps)
    assert np.all(r.mean <= hi80 + eps) and np.all(hi80 <= hi95 + eps)
    # widths never shrink with the horizon on the scale the model works on (a bound
    # squeezes an interval that runs into it, so compare only unclipped horizons)
    for lv in (80, 95):
        width = tr.forward(r.hi[lv]) - tr.forward(r.lo[lv])
        free = (r.lo[lv] > (tr.lower if tr.lower is not None else -np.inf)) & (
            r.hi[lv] < (tr.upper if tr.upper is not None else np.inf))
        both = free[1:] & free[:-1]
        assert np.all(np.diff(width)[both] >= -1e-9), (lv, width)
    assert np.any(hi95 > lo95)  # a real interval, not a point


@pytest.mark.parametrize("method", METHODS)
def test_deterministic(method):
    a = _fc(method, SERIES["noisy_rate"][0], kind="rate")
    b = _fc(method, SERIES["noisy_rate"][0], kind="rate")
    np.testing.assert_array_equal(a.mean, b.mean)
    np.testing.assert_array_equal(a.lo[95], b.lo[95])
    np.testing.assert_array_equal(a.hi[80], b.hi[80])


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("values,kind", [([5.0] * 5, "count"), ([37.5] * 6, "percent"),
                                          ([100.0] * 4, "percent"), ([0.0] * 5, "count")])
def test_constant_series_gives_constant_mean(method, values, kind):
    r = _fc(method, values, kind=kind)
    np.testing.assert_allclose(r.mean, values[0], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_series_with_zeros(method):
    r = _fc(method, [0, 0, 1, 0, 2, 0, 0], kind="count")
    assert np.all(np.isfinite(r.mean)) and np.all(r.mean >= 0)
    assert np.all(r.lo[95] >= 0) and np.all(r.hi[95] >= r.mean)


@pytest.mark.parametrize("method", METHODS)
def test_inner_gap_is_interpolated_and_reported(method):
    r = get_forecaster(method).fit([5, np.nan, 7, 8, 9], years=[2021, 2022, 2023, 2024, 2025]).predict(3)
    assert np.all(np.isfinite(r.mean))
    if r.method == "count_glm":  # a small count series: the count model simply gives the gap no weight
        assert "1 missing year(s) left out of the fit" in r.note
    else:
        assert "1 inner gap(s) interpolated" in r.note
    # a missing year row is a gap too
    r2 = get_forecaster(method).fit([5, 7, 8, 9], years=[2021, 2023, 2024, 2025]).predict(3)
    np.testing.assert_allclose(r2.mean, r.mean)


@pytest.mark.parametrize("method", METHODS)
def test_leading_and_trailing_missing(method):
    r = get_forecaster(method).fit([np.nan, 4, 5, 6, 7, np.nan], years=range(2020, 2026)).predict(5)
    assert list(r.years) == [2026, 2027, 2028, 2029, 2030]
    assert "leading missing" in r.note and "trailing missing" in r.note
    full = get_forecaster(method).fit([4, 5, 6, 7], years=range(2021, 2025)).predict(6)
    np.testing.assert_allclose(r.mean, full.mean[1:])  # 2025 is forecast first


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n", [3, 10])
def test_three_and_ten_points(method, n):
    r = _fc(method, SERIES["rising_count"][0][-n:], h=4)
    assert r.method != "naive" or method == "naive"
    assert "fallback" not in r.note
    assert np.all(np.isfinite(r.mean)) and np.all(np.isfinite(r.hi[95]))


@pytest.mark.parametrize("method", METHODS)
def test_fewer_than_three_points_falls_back_visibly(method, caplog):
    with caplog.at_level(logging.WARNING, logger="ctxh_plan.forecast.base"):
        r = _fc(method, [7.0, 9.0], h=3)
    assert r.method == "naive"
    assert "naive fallback" in r.note and "only 2 observed point(s)" in r.note
    np.testing.assert_allclose(r.mean, 9.0)
    assert any("naive fallback" in rec.getMessage() for rec in caplog.records)
    one = _fc(method, [4.0], h=2)
    np.testing.assert_allclose(one.mean, 4.0)
    assert "no interval" in one.note and np.all(np.isnan(one.lo[80]))


@pytest.mark.parametrize("method", ["default", "theta"])
def test_out_of_bounds_input_is_an_input_error(method):
    with pytest.raises(InputError):
        get_forecaster(method).fit([3, -1, 4], kind="count")
    with pytest.raises(InputError):
        get_forecaster(method).fit([30, 120, 40], kind="percent")
    with pytest.raises(InputError):
        get_forecaster(method).fit([3, 4, 5], years=[2020, 2020, 2021])
    with pytest.raises(ParameterError):
        get_forecaster(method).fit([3, 4, 5], kind="litres")
    with pytest.raises(ParameterError):
        get_forecaster(method).fit([3, 4, 5]).predict(0)
    with pytest.raises(ParameterError):
        get_forecaster(method).fit([3, 4, 5]).predict(2, levels=(80, 120))


def test_numpy_theta_matches_statsmodels_theta():
    y = [12, 15, 14, 18, 21, 20, 25, 27, 26, 30]
    a = _fc("theta", y, h=5)
    b = _fc("theta_sm", y, h=5)
    np.testing.assert_allclose(a.mean, b.mean, rtol=0.05)


def test_bounded_transform_keeps_declining_counts_above_zero_where_drift_would_not():
    y = [400, 300, 210, 130, 70, 30]
    r = _fc("drift", y, h=5)
    linear = y[-1] + (y[-1] - y[0]) / (len(y) - 1) * np.arange(1, 6)
    assert np.any(linear < 0)              # a straight line would go negative …
    assert np.all(r.mean > 0)              # … the log1p scale keeps it positive
    assert np.all(np.diff(r.mean) < 0)     # and still declining


def test_calibrated_intervals_are_wider_than_normal_quantiles_for_naive():
    from ctxh_plan.forecast.intervals import interval_multipliers, normal_quantile

    mult, calibrated = interval_multipliers("naive", (80, 95), 4)
    assert calibrated, "naive has no row in ctxh_plan/forecast/calibration_table.py (the table is committed)"
    assert mult.shape == (2, 4)
    assert np.all(mult[1] >= mult[0])
    m2, cal2 = interval_multipliers("not-a-method", (80,), 3)
    assert not cal2 and np.allclose(m2, normal_quantile(80))


def test_theta_damped_is_theta_with_damped_drift_steps():
    from ctxh_plan.forecast.methods import THETA_DAMPED_PHI

    y = [12, 15, 14, 18, 21, 20, 25, 27, 26, 30]
    classic = _fc("theta", y, h=8)
    damped = _fc("theta_damped", y, h=8)
    assert 0 < THETA_DAMPED_PHI < 1
    same = get_forecaster("theta", phi=THETA_DAMPED_PHI).fit(y, years=range(2016, 2026)).predict(8)
    np.testing.assert_allclose(damped.mean, same.mean, rtol=1e-12)
    np.testing.assert_allclose(damped.mean[0], classic.mean[0], rtol=1e-12)  # step 1 has no drift step yet
    steps_c, steps_d = np.diff(np.log1p(classic.mean)), np.diff(np.log1p(damped.mean))
    assert np.all(steps_d < steps_c) and np.all(np.diff(steps_d) < 0)  # the drift fades
    assert "not calibrated" not in damped.note                         # measured calibration row
    assert "not calibrated" in same.note                               # same numbers, settings not measured
    with pytest.raises(ParameterError):
        get_forecaster("theta", phi=1.5)


def test_weighted_combination_and_components_with_settings():
    y = [3.1, 5.6, 2.2, 4.9, 6.3, 1.8, 4.4]
    parts = {m: _fc(m, y, kind="rate").mean for m in ("ses", "damped", "theta")}
    w = get_forecaster("combo", weights=(1, 1, 2)).fit(y, years=range(2019, 2026), kind="rate").predict(5)
    expect = np.expm1((np.log1p(parts["ses"]) + np.log1p(parts["damped"]) + 2 * np.log1p(parts["theta"])) / 4)
    np.testing.assert_allclose(w.mean, expect, rtol=1e-9)
    assert "not calibrated" in w.note
    c = get_forecaster("combo", components=(("theta", {"phi": 0.8}), "theta"))
    assert "theta(phi=0.8)" in c.calibration_key
    with pytest.raises(ParameterError):
        get_forecaster("combo", weights=(1, 2))
