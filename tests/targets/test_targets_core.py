"""Milestones, feasibility probabilities and top-down allocation (hand-worked and property tests)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ctxh_plan.errors import ParameterError
from ctxh_plan.targets.allocation import allocate_target
from ctxh_plan.targets.feasibility import knots_of, probability_meeting, quantile_at
from ctxh_plan.targets.milestones import milestone_matrix
from ctxh_plan.targets.space import annual_rate, display_decimals, round_good, shortfall_mask

Z80, Z95 = 1.2815515655446004, 1.959963984540054


def normal_forecast(mu: float, sd: float) -> pd.DataFrame:
    """Knots of a normal distribution (identity space)."""
    return pd.DataFrame({"mean": [mu], "lo80": [mu - Z80 * sd], "hi80": [mu + Z80 * sd],
                         "lo95": [mu - Z95 * sd], "hi95": [mu + Z95 * sd]})


# ---------------------------------------------------------------- milestones
def test_geometric_milestones_hand_worked():
    ms, fell = milestone_matrix([25.0], [20.0], 5, "geometric")
    r = 0.8 ** 0.2 - 1  # −4.365% a year
    assert ms[0] == pytest.approx([25 * (1 + r) ** k for k in range(1, 6)])
    assert ms[0, 0] == pytest.approx(23.9088, abs=1e-4)
    assert ms[0, -1] == 20.0 and not fell[0]


def test_linear_milestones_hand_worked():
    ms, _ = milestone_matrix([25.0], [20.0], 5, "linear")
    assert ms[0].tolist() == [24.0, 23.0, 22.0, 21.0, 20.0]


def test_shortfall_milestones_near_100():
    sf = shortfall_mask([True], [1], [95.0], [98.0], 50)
    assert sf[0]
    ms, _ = milestone_matrix([95.0], [98.0], 5, "geometric", sf)
    # shortfall 5 → 2 at a constant rate: 100 − 5·0.4^(k/5)
    assert ms[0] == pytest.approx([100 - 5 * 0.4 ** (k / 5) for k in range(1, 6)])
    assert ms[0, 0] == pytest.approx(95.837, abs=1e-3)


def test_geometric_falls_back_to_linear_at_zero():
    ms, fell = milestone_matrix([4.0, 0.0], [0.0, 0.0], 4, "geometric")
    assert ms[0].tolist() == [3.0, 2.0, 1.0, 0.0]
    assert fell.tolist() == [True, False]  # constant zero path is not a fallback


def test_unknown_path_is_a_parameter_error():
    with pytest.raises(ParameterError, match="milestone_path"):
        milestone_matrix([1.0], [2.0], 5, "spline")


def test_annual_rate_and_rounding():
    assert annual_rate([100.0], [50.0], [5])[0] == pytest.approx(0.5 ** 0.2 - 1)
    assert annual_rate([0.0], [1.0], [1], zero=0.001)[0] == pytest.approx(999.0)
    assert np.isnan(annual_rate([1.0], [2.0], [0])[0])
    # good-direction rounding: lower is better rounds down, higher rounds up
    assert round_good([22.4, 22.4, 3.0000000001], [0, 0, 0], [-1, 1, 1]).tolist() == [22.0, 23.0, 3.0]
    assert display_decimals([0.0067, 5.0, 0.4], [2, 2, 0]).tolist() == [4.0, 2.0, 0.0]


# ---------------------------------------------------------------- feasibility
def test_probability_known_normal():
    z, v = knots_of(normal_forecast(10.0, 2.0))
    p = probability_meeting(z, v, np.array([12.0]), np.array([1]))
    assert p[0] == pytest.approx(1 - 0.8413447460685429, abs=1e-12)  # 1 − Φ(1)
    z, v = knots_of(pd.concat([normal_forecast(10.0, 2.0)] * 3, ignore_index=True))
    p_lower = probability_meeting(z, v, np.array([12.0, 10.0, 6.0]), np.array([-1, -1, -1]))
    assert p_lower == pytest.approx([0.8413447460685429, 0.5, 0.0227501319481792], abs=1e-12)


def test_probability_in_log_space_for_counts():
    mu, s = math.log1p(100.0), 0.1
    f = pd.DataFrame({c: [math.expm1(mu + k * s)] for c, k in
                      (("mean", 0), ("lo80", -Z80), ("hi80", Z80), ("lo95", -Z95), ("hi95", Z95))})
    z, v = knots_of(f)
    target = math.expm1(mu + s)  # one sd above the median in log1p space
    assert probability_meeting(z, v, [target], [1], "log1p")[0] == pytest.approx(0.15865525, abs=1e-8)
    assert quantile_at(z, v, 0.75, "log1p")[0] == pytest.approx(101 * math.exp(0.6744897501960817 * s) - 1)


def test_point_mass_probability_and_tolerance():
    f = pd.DataFrame({c: [100.0] for c in ("mean", "lo80", "hi80", "lo95", "hi95")})
    z, v = knots_of(f)
    assert probability_meeting(z, v, [100.0], [1], "logit", tol=0.05)[0] == 1.0
    f2 = pd.DataFrame({c: [99.0] for c in ("mean", "lo80", "hi80", "lo95", "hi95")})
    z, v = knots_of(f2)
    assert probability_meeting(z, v, [100.0], [1], "logit", tol=0.05)[0] == 0.0


# ---------------------------------------------------------------- allocation
UNITS = pd.DataFrame({"unit_code": ["a", "b", "c", "d"], "population": [1000.0, 2000.0, 3000.0, 500.0],
                      "value": [5.0, 3.0, 10.0, 0.0], "denominator": [1000.0, 2000.0, 3000.0, 500.0]})


def test_largest_remainder_hand_worked():
    # quotas 14·pop/6500 = 2.154, 4.308, 6.462, 1.077 → floors 13, one more to the largest remainder (c)
    out = allocate_target(14, UNITS, method="population")
    assert out["allocated"].tolist() == [2, 4, 7, 1]


def test_equal_effort_counts_same_relative_change():
    out = allocate_target(9, UNITS, method="equal_effort")  # half of 18: quotas 2.5, 1.5, 5, 0
    assert out["allocated"].tolist() == [3.0, 1.0, 5.0, 0.0]  # tie of remainders: first unit first


def test_gap_rates_move_units_far_from_target():
    u = UNITS.assign(value=[400.0, 200.0, 300.0, 100.0])  # rates per 100,000
    out = allocate_target(250, u, method="gap", kind="rate_per_100000")
    rate = out["allocated"].sum() * 1e5 / out["denominator"].sum()
    assert rate == pytest.approx(250, rel=1e-12)
    # unit a (400, furthest above) moves down; units below the target rate keep their rate
    assert out.loc[0, "target"] < 400
    assert out.loc[1, "target"] == pytest.approx(200) and out.loc[3, "target"] == pytest.approx(100)


def test_allocation_errors():
    with pytest.raises(ParameterError, match="method"):
        allocate_target(10, UNITS, method="lottery")
    with pytest.raises(ParameterError, match="denominator"):
        allocate_target(50, UNITS.drop(columns="denominator"), kind="percent")
    with pytest.raises(ParameterError, match="bounds"):
        allocate_target(150, UNITS, kind="percent")  # 150% cannot be split within 0–100


unit_lists = st.lists(st.tuples(st.floats(1, 1e5), st.floats(0, 500)), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(unit_lists, st.integers(0, 5000), st.sampled_from(["population", "equal_effort", "gap"]))
def test_count_allocation_sums_exactly(units, total, method):
    u = pd.DataFrame({"unit_code": [str(i) for i in range(len(units))], "population": [p for p, _ in units],
                      "value": [v for _, v in units]})
    out = allocate_target(total, u, method=method)
    assert int(out["allocated"].sum()) == total
    assert (out["allocated"] >= 0).all()
    assert (out["allocated"] == out["allocated"].round()).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(10, 1e5), st.floats(0, 100)), min_size=1, max_size=25),
       st.floats(0, 100), st.sampled_from(["population", "equal_effort", "gap"]))
# found by hypothesis: rates of 1e-313 next to 1 % cannot move their units; the rest goes by population
@example(units=[(10.0, 1.0), (10.0, 2.2250738585e-313), (10.0, 2.2250738585e-313)], rate=67.0,
         method="equal_effort")
def test_percent_allocation_reproduces_province_rate(units, rate, method):
    u = pd.DataFrame({"unit_code": [str(i) for i in range(len(units))], "denominator": [d for d, _ in units],
                      "value": [v for _, v in units]})
    out = allocate_target(rate, u, method=method, kind="percent")
    assert out["allocated"].sum() * 100 / out["denominator"].sum() == pytest.approx(rate, rel=1e-9, abs=1e-9)
    assert (out["target"] >= -1e-9).all() and (out["target"] <= 100 + 1e-9).all()
