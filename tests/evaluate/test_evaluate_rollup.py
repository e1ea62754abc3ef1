"""Roll-up up the hierarchy, components, consistency with reported totals, year-end estimates."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxh_plan.evaluate import compare_reported, estimate_year_end, fill_components, rollup_observations
from tests.helpers.evaluate_frames import make_units, obs_frame, small_catalog

NAN = math.nan


def _value(frame, unit, code, year=2025, period="FY"):
    sel = frame[(frame.unit_code == unit) & (frame.indicator_code == code) & (frame.year == year)
                & (frame.period == period)]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_rates_roll_up_as_ratio_of_sums_not_mean_of_rates():
    # 193: 1/10 = 10 %, 194: 10/1000 = 1 %. Mean of rates would be 5.5 %; ratio of sums 11/1010 = 1.0891 %
    obs = obs_frame([("193", "PCT", 2025, 10.0, 1, 10), ("194", "PCT", 2025, 1.0, 10, 1000)])
    agg = rollup_observations(obs, make_units(), small_catalog())
    row = _value(agg, "22", "PCT")
    assert row.value == pytest.approx(100 * 11 / 1010)
    assert (row.numerator, row.denominator, row.n_units, row.n_units_expected) == (11, 1010, 2, 2)
    assert bool(row.complete) and row.aggregation == "ratio"


def test_sum_partial_coverage_is_noted():
    obs = obs_frame([("193", "DEATHS", 2025, 3), ("193", "DEATHS", 2024, 4), ("194", "DEATHS", 2024, 5)])
    agg = rollup_observations(obs, make_units(), small_catalog())
    assert _value(agg, "22", "DEATHS", 2024).value == 9
    partial = _value(agg, "22", "DEATHS", 2025)
    assert partial.value == 3 and not partial.complete and "1/2" in partial.note


def test_share_of_units_and_all_rules():
    units = make_units(3)
    obs = obs_frame([("193", "CF", 2025, 100.0), ("194", "CF", 2025, 0.0), ("195", "CF", 2025, 100.0),
                     ("193", "YN", 2025, 1.0), ("194", "YN", 2025, 1.0), ("195", "YN", 2025, 0.0),
                     ("193", "YN", 2024, 1.0), ("194", "YN", 2024, 1.0), ("195", "YN", 2024, 1.0),
                     ("193", "YN", 2023, 1.0), ("194", "YN", 2023, 1.0)])
    agg = rollup_observations(obs, units, small_catalog())
    assert _value(agg, "22", "CF").value == pytest.approx(200 / 3)      # 2 of 3 units meet
    assert _value(agg, "22", "YN", 2025).value == 0.0                     # one says no
    assert _value(agg, "22", "YN", 2024).value == 1.0                     # all say yes
    assert math.isnan(_value(agg, "22", "YN", 2023).value)                # one unit unknown


def test_components_fill_numerator_and_denominator():
    # RATE has no numerator/denominator; DEATHS and POP are there → 2/40 000 × 100 000 = 5
    obs = obs_frame([("193", "RATE", 2025, 5.0), ("193", "DEATHS", 2025, 2), ("193", "POP", 2025, 40_000),
                     ("194", "DEATHS", 2025, 6), ("194", "POP", 2025, 60_000)])
    filled = fill_components(obs, small_catalog())
    r = _value(filled, "193", "RATE")
    assert (r.numerator, r.denominator) == (2, 40_000) and "components" in r.note
    created = _value(filled, "194", "RATE")                               # only counts reported → row created
    assert created.value == pytest.approx(10.0)
    agg = rollup_observations(obs, make_units(), small_catalog())
    assert _value(agg, "22", "RATE").value == pytest.approx(8 / 100_000 * 100_000)


def test_commune_level_rolls_to_district_then_province():
    units = pd.DataFrame({"unit_code": ["22", "193", "06655", "06658", "194"],
                          "name": ["P", "D1", "C1", "C2", "D2"],
                          "level": ["province", "district", "commune", "commune", "district"],
                          "parent_code": ["", "22", "193", "193", "22"]})
    obs = obs_frame([("06655", "DEATHS", 2025, 1), ("06658", "DEATHS", 2025, 2), ("194", "DEATHS", 2025, 4)])
    agg = rollup_observations(obs, units, small_catalog())
    assert _value(agg, "193", "DEATHS").value == 3
    assert _value(agg, "22", "DEATHS").value == 7


def test_reported_total_is_kept_and_difference_shown():
    obs = obs_frame([("193", "DEATHS", 2025, 3), ("194", "DEATHS", 2025, 5), ("22", "DEATHS", 2025, 9)])
    agg = rollup_observations(obs, make_units(), small_catalog())
    cons = compare_reported(obs, agg)
    row = _value(cons, "22", "DEATHS")
    assert (row.reported_value, row.aggregated_value, row.difference) == (9, 8, 1)
    assert row.relative_difference == pytest.approx(1 / 8)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(1, 100_000)), min_size=1, max_size=13))
def test_property_province_rate_is_ratio_of_summed_components(parts):
    n = len(parts)
    units = make_units(n)
    rows = []
    for (num, den), code in zip(parts, units.unit_code[1:]):
        rows.append((code, "RATE", 2025, num / den * 100_000, num, den))
        rows.append((code, "PCT", 2025, min(num, den) / den * 100, min(num, den), den))
    agg = rollup_observations(obs_frame(rows), units, small_catalog())
    sum_num = sum(p[0] for p in parts)
    sum_den = sum(p[1] for p in parts)
    assert _value(agg, "22", "RATE").value == pytest.approx(sum_num / sum_den * 100_000, rel=1e-12)
    assert _value(agg, "22", "PCT").value == pytest.approx(
        sum(min(a, b) for a, b in parts) / sum_den * 100, rel=1e-12)


# ---------------------------------------------------------------- year-end estimate
def test_estimate_from_past_share_of_year():
    # H1/FY: 2023 3/10, 2024 3/10 → share 6/20 = 0.3; H1 2025 = 6 → estimate 6 / 0.3 = 20
    obs = obs_frame([("193", "DEATHS", 2023, 3, NAN, NAN, "H1"), ("193", "DEATHS", 2023, 10),
                     ("193", "DEATHS", 2024, 3, NAN, NAN, "H1"), ("193", "DEATHS", 2024, 10),
                     ("193", "DEATHS", 2025, 6, NAN, NAN, "H1")])
    out = estimate_year_end(obs, small_catalog())
    est = _value(out, "193", "DEATHS")
    assert est.value == pytest.approx(20.0)
    assert "estimate" in est.flag and est.estimate_method == "share_of_year"
    assert "0.300" in est.note and "2023–2024" in est.note


def test_estimate_fallbacks_are_named(caplog):
    obs = obs_frame([("193", "DEATHS", 2025, 6, NAN, NAN, "H1"), ("193", "SWIM", 2025, 9, NAN, NAN, "9M"),
                     ("193", "PCT", 2025, 95.0, NAN, NAN, "H1")])
    with caplog.at_level("INFO", logger="ctxh_plan.evaluate.nowcast"):
        out = estimate_year_end(obs, small_catalog())
    assert _value(out, "193", "DEATHS").value == pytest.approx(12.0)      # H1 × 2
    assert _value(out, "193", "SWIM").value == pytest.approx(12.0)        # 9M ÷ 0.75
    pct = _value(out, "193", "PCT")
    assert pct.value == 95.0 and pct.estimate_method == "fallback_as_is"  # percent kept as it is
    assert "fallback" in _value(out, "193", "DEATHS").note
    assert "fallback" in caplog.text


def test_estimate_not_made_when_full_year_exists():
    obs = obs_frame([("193", "DEATHS", 2025, 6, NAN, NAN, "H1"), ("193", "DEATHS", 2025, 11)])
    out = estimate_year_end(obs, small_catalog())
    assert len(out) == 2 and (out.estimate_method == "").all()


def test_estimate_of_rate_scales_numerator_keeps_denominator():
    # H1 rate: 3 deaths / 50 000 → fallback numerator × 2 = 6 → 6/50 000 × 100 000 = 12
    obs = obs_frame([("193", "RATE", 2025, 6.0, 3, 50_000, "H1")])
    est = _value(estimate_year_end(obs, small_catalog()), "193", "RATE")
    assert (est.numerator, est.denominator) == (6, 50_000)
    assert est.value == pytest.approx(12.0)
