"""evaluate_frames end to end on small hand-built frames (expected numbers worked by hand)."""
from __future__ import annotations

import math
import subprocess
import sys

import pytest

from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.evaluate import EVALUATION_COLUMNS, evaluate_frames, parse_period, style_evaluation
from ctxh_plan.evaluate.poisson import garwood_interval
from tests.helpers.evaluate_frames import make_units, obs_frame, series, small_catalog, target_frame
from tests.helpers.paths import ROOT

NAN = math.nan


def run(rows, targets, n_districts=2, **kw):
    return evaluate_frames(obs_frame(rows), target_frame(targets), make_units(n_districts), small_catalog(),
                           unit_codes=kw.pop("units", None), **kw).table


def run_full(rows, targets, n_districts=2, **kw):
    return evaluate_frames(obs_frame(rows), target_frame(targets), make_units(n_districts), small_catalog(), **kw)


def one(ev, unit, code):
    sel = ev[(ev.unit_code == unit) & (ev.indicator_code == code)]
    assert len(sel) == 1, sel[["unit_code", "indicator_code"]]
    return sel.iloc[0]


def test_contract_columns_and_lower_is_better_rate_from_components():
    # 193: deaths 10 → 8, children 50 000 → rate 20 → 16 per 100 000; target <= 16 (national)
    rows = (series("193", "DEATHS", {2020: 10, 2025: 8}) + series("193", "POP", {2020: 50_000, 2025: 50_000})
            + series("194", "DEATHS", {2020: 5, 2025: 4}) + series("194", "POP", {2020: 50_000, 2025: 50_000}))
    ev = run(rows, [dict(indicator_code="RATE", operator="<=", value=16)])
    assert list(ev.columns) == list(EVALUATION_COLUMNS)
    r = one(ev, "193", "RATE")
    assert (r.baseline_year, r.baseline_value, r.latest_year, r.latest_value) == (2020, 20.0, 2025, 16.0)
    # exactly on target: met (Đạt) by the operator; 8 deaths: Garwood 3.45 … 15.76 → 6.9 … 31.5 per 100 000
    # straddles 16 → the statistical column says "chưa đủ chắc chắn", the verdict stays Đạt
    lo, hi = garwood_interval(8)
    assert (r.interval_lo, r.interval_hi) == pytest.approx((lo * 2, hi * 2))
    assert r.attainment == "met" and r.attainment_vi == "Đạt" and r.certainty == "unsure"
    assert r.percent_of_target == pytest.approx(100.0) and r.target_shown == 16
    assert r.planned_change_share == pytest.approx(1.0)
    # province = (8 + 4) / 100 000 × 100 000 = 12 (aggregated), baseline 15
    p = one(ev, "22", "RATE")
    assert (p.baseline_value, p.latest_value) == pytest.approx((15.0, 12.0))
    assert p.value_source == "aggregated"
    assert p.aggregated_value == pytest.approx(12.0) and p.aggregate_units == "2/2"


def test_single_data_point():
    ev = run([("193", "PCT", 2025, 92.0)], [dict(indicator_code="PCT", operator=">=", value=90)], n_districts=1)
    r = one(ev, "193", "PCT")
    assert r.attainment in ("met", "exceeded")
    assert r.baseline_year == 2025 and r.n_points == 1
    assert r.progress_category == "achieved"          # met → achieved even with one point
    assert "2020" in r.notes and "single data point" in r.notes
    ev = run([("193", "PCT", 2025, 85.0)], [dict(indicator_code="PCT", operator=">=", value=90)], n_districts=1)
    r = one(ev, "193", "PCT")
    assert r.attainment == "not_met" and r.progress_category == "insufficient_data"
    assert r.unsd_category == "insufficient_data" and r.escap_anticipated == "insufficient_data"


def test_missing_base_year_uses_nearest_and_says_so():
    # no 2020: 2019 and 2021 are both 1 year away → the earlier (2019) is used
    rows = series("193", "PCT", {2019: 50.0, 2021: 52.0, 2025: 60.0})
    r = one(run(rows, [dict(indicator_code="PCT", operator=">=", value=65)], 1), "193", "PCT")
    assert (r.baseline_year, r.baseline_value) == (2019, 50.0)
    assert "nearest year 2019" in r.notes
    # share (60 − 50)/(65 − 50) = 0.6667; Open SDG on the shortfall (target 65 >= 50):
    # s0 = 50, st = 40, sT = 35: obs = (40/50)^(1/6) − 1 = e^(−0.223144/6) − 1 = −0.036508,
    # req = (35/50)^(1/6) − 1 = e^(−0.356675/6) − 1 = −0.057713; R = 0.036508 / 0.057713 = 0.63257
    # → acceleration needed (0.60–0.95)
    assert r.planned_change_share == pytest.approx(2 / 3)
    assert r.progress_basis.startswith("shortfall")
    assert r.progress_ratio == pytest.approx(0.63257, abs=1e-4)
    assert r.progress_category == "acceleration_needed"


def test_zero_base_count():
    # swimming classes 0 (2020) → 2 (2025), target >= 5: not met; Open SDG with 0 → 0.001: R = 0.79528
    rows = series("193", "SWIM", {2020: 0, 2025: 2})
    r = one(run(rows, [dict(scope="193", indicator_code="SWIM", operator=">=", value=5)], 1), "193", "SWIM")
    assert r.attainment == "not_met"
    assert r.progress_ratio == pytest.approx(0.79528, abs=1e-4)
    assert r.planned_change_share == pytest.approx(0.4)


def test_target_already_met_at_base():
    # lower is better: 5 (2020) already <= 6; 2025 value 4 → exceeded (beyond by 2 > 0.6), share not defined
    rows = series("193", "LOWPCT", {2020: 5.0, 2025: 4.0})
    r = one(run(rows, [dict(indicator_code="LOWPCT", operator="<=", value=6)], 1), "193", "LOWPCT")
    assert r.attainment == "exceeded"
    assert math.isnan(r.planned_change_share) and "already met at baseline" in r.notes
    assert r.progress_category == "achieved" and r.unsd_category == "on_track"


def test_value_exactly_on_target_strict_and_non_strict():
    rows = series("193", "LOWPCT", {2020: 8.0, 2025: 6.5})
    strict = one(run(rows, [dict(indicator_code="LOWPCT", operator="<", value=6.5)], 1), "193", "LOWPCT")
    loose = one(run(rows, [dict(indicator_code="LOWPCT", operator="<=", value=6.5)], 1), "193", "LOWPCT")
    assert strict.attainment == "not_met" and loose.attainment == "met"
    assert strict.planned_change_share == pytest.approx(1.0)


def test_percent_at_100():
    # "= 100" target, 95 → 100: met; shortfall 5 → 0 (→ 0.001) and target shortfall 0 (→ 0.001): R = 1
    rows = series("193", "PCT", {2020: 95.0, 2025: 100.0})
    r = one(run(rows, [dict(indicator_code="PCT", operator="=", value=100)], 1), "193", "PCT")
    assert r.attainment == "met"
    assert r.progress_ratio == pytest.approx(1.0)
    assert r.progress_category == "achieved" and r.unsd_category == "on_track"
    assert r.escap_predicted <= 100.0
    assert r.aarr_required == pytest.approx(100 * (1 - (0.001 / 5) ** (1 / 5)))


def test_relative_target_on_counts():
    # +50 % vs 2020: 40 classes → target 60; 66 in 2025 → share (66 − 40)/(60 − 40) = 1.3 > 1.1 → exceeded
    rows = series("193", "SWIM", {2020: 40, 2023: 55, 2025: 66})
    r = one(run(rows, [dict(indicator_code="SWIM", operator=">=", value=50, kind="relative", base_year=2020)], 1),
            "193", "SWIM")
    assert r.target_value == pytest.approx(60.0) and r.target_kind == "relative"
    assert r.attainment == "exceeded" and r.planned_change_share == pytest.approx(1.3)
    # drowning −10 % vs 2020: 2 000 → target 1 800; 1 500 → Garwood 1 425 … 1 578 below 1 800 → exceeded
    rows = series("193", "DEATHS", {2020: 2000, 2025: 1500})
    r = one(run(rows, [dict(indicator_code="DEATHS", operator="<=", value=-10, kind="relative")], 1),
            "193", "DEATHS")
    assert r.target_value == pytest.approx(1800.0) and r.attainment == "exceeded"
    # the same with small numbers: 20 → target 18, 15 → Vượt by the operator; Garwood 8.4 … 24.7 straddles 18
    rows = series("193", "DEATHS", {2020: 20, 2025: 15})
    r = one(run(rows, [dict(indicator_code="DEATHS", operator="<=", value=-10, kind="relative")], 1),
            "193", "DEATHS")
    assert r.target_value == pytest.approx(18.0) and r.attainment == "exceeded" and r.certainty == "unsure"
    assert r.percent_of_target == pytest.approx(100 * 15 / 18)
    # base year without data → insufficient
    rows = series("193", "DEATHS", {2021: 20, 2025: 15})
    r = one(run(rows, [dict(indicator_code="DEATHS", operator="<=", value=-10, kind="relative", base_year=2020)],
                1), "193", "DEATHS")
    assert r.attainment == "insufficient_data" and "base year 2020" in r.notes


def test_annual_change_target_range():
    # −2 … −3 % a year from 2020: 10 000 → 8 500 in 2025: (0.85)^(1/5) − 1 = −3.198 % a year
    # ≤ −2 met, beyond −3 → exceeded; Garwood(8 500) = 8 320 … 8 683 → −3.61 … −2.75 %: no straddle
    # target count in 2025 = 10 000 × 0.98^5 = 9 039.21
    rows = series("193", "MARR", {2020: 10_000, 2025: 8_500})
    tg = [dict(indicator_code="MARR", operator="<=", value=-2, value_hi=-3, kind="annual_change", base_year=2020)]
    r = one(run(rows, tg, 1), "193", "MARR")
    assert r.observed_annual_change == pytest.approx(-3.19812, abs=1e-4)
    assert r.required_annual_change == -2
    assert r.target_value == pytest.approx(9039.208, abs=1e-2) and r.target_operator == "<="
    assert r.attainment == "exceeded"
    # written as reductions (2 … 3) for a lower-is-better count → read as −2 … −3
    tg[0].update(value=2, value_hi=3, operator=">=")
    r2 = one(run(series("193", "MARR", {2020: 10_000, 2025: 9_500}), tg, 1), "193", "MARR")
    # 0.95^(1/5) − 1 = −1.021 % a year: not −2 → not met
    assert r2.required_annual_change == -2 and r2.attainment == "not_met"


def test_target_precedence_unit_then_province_then_national():
    rows = series("193", "PCT", {2020: 80.0, 2025: 91.0}) + series("194", "PCT", {2020: 80.0, 2025: 91.0})
    tg = [dict(indicator_code="PCT", operator=">=", value=90),
          dict(scope="22", indicator_code="PCT", operator=">=", value=92),
          dict(scope="194", indicator_code="PCT", operator=">=", value=85)]
    ev = run(rows, tg)
    assert one(ev, "193", "PCT").target_value == 92 and one(ev, "193", "PCT").attainment == "not_met"
    assert one(ev, "194", "PCT").target_scope == "194" and one(ev, "194", "PCT").attainment == "exceeded"
    assert one(ev, "22", "PCT").target_scope == "22"
    # 2030 targets are ignored for the 2021–2025 evaluation
    ev = run(rows, [dict(indicator_code="PCT", operator=">=", value=99, target_year=2030)])
    assert ev.empty


def test_partial_latest_year_is_estimated_and_labelled():
    rows = (series("193", "SWIM", {2020: 10, 2023: 14, 2024: 16})
            + [("193", "SWIM", 2024, 8, NAN, NAN, "H1"), ("193", "SWIM", 2025, 9, NAN, NAN, "H1")])
    r = one(run(rows, [dict(scope="193", indicator_code="SWIM", operator=">=", value=15)], 1), "193", "SWIM")
    # share of year at H1 in 2024 = 8/16 = 0.5 → 2025 estimate 9 / 0.5 = 18
    assert r.latest_year == 2025 and r.latest_value == pytest.approx(18.0)
    assert bool(r.latest_is_estimate) and "H1" in r.notes


def test_province_reported_value_kept_beside_aggregate():
    rows = (series("193", "DEATHS", {2020: 6, 2025: 3}) + series("194", "DEATHS", {2020: 6, 2025: 5})
            + series("22", "DEATHS", {2020: 12, 2025: 9}))
    ev = run(rows, [dict(scope="22", indicator_code="DEATHS", operator="<=", value=11)])
    p = one(ev, "22", "DEATHS")
    assert (p.latest_value, p.value_source) == (9, "reported")
    assert (p.province_reported, p.aggregated_value, p.aggregate_difference) == (9, 8, 1)
    assert "differs from the aggregate by +1" in p.notes and "+1,0" in p.notes
    cons = run_full(rows, [dict(scope="22", indicator_code="DEATHS", operator="<=", value=11)]).consistency
    assert len(cons[(cons.unit_code == "22") & (cons.indicator_code == "DEATHS")]) == 2


def test_pooling_years_for_small_counts():
    # 2019–2021: 6, 5, 7 → mean 6; 2023–2025: 3, 4, 2 → mean 3; Garwood(9)/3 = 1.372 … 5.695 vs target <= 5.4
    rows = series("193", "DEATHS", {2019: 6, 2020: 5, 2021: 7, 2022: 4, 2023: 3, 2024: 4, 2025: 2})
    r = one(run(rows, [dict(scope="193", indicator_code="DEATHS", operator="<=", value=5.4)], 1, pool=3),
            "193", "DEATHS")
    assert (r.pool_latest_years, r.pool_baseline_years) == ("2023–2025", "2019–2021")
    assert (r.pooled_latest, r.pooled_baseline) == pytest.approx((3.0, 6.0))
    lo, hi = garwood_interval(9)
    assert (r.pooled_lo, r.pooled_hi) == pytest.approx((lo / 3, hi / 3))
    assert r.attainment_pooled == "uncertain"
    # the official verdict is still there: 2 ≤ 5,4 → Vượt; Garwood(2) = 0.24 … 7.22 straddles 5.4 → not conclusive
    assert r.attainment == "exceeded" and r.certainty == "unsure" and r.target_shown == 5.4


def test_units_filter_levels_and_errors():
    rows = series("193", "PCT", {2020: 80.0, 2025: 91.0})
    tg = [dict(indicator_code="PCT", operator=">=", value=90)]
    ev = run(rows, tg, units=["193"])
    assert list(ev.unit_code) == ["193"]
    with pytest.raises(InputError):
        run(rows, tg, units=["999"])
    with pytest.raises(ParameterError):
        run(rows, tg, period="2025-2021")
    with pytest.raises(ParameterError):
        run(rows, tg, pool=1)
    assert parse_period("2021–2025") == (2021, 2025)
    # 194 has no data but PCT is reported at district level → a row saying "insufficient data"
    assert one(run(rows, tg), "194", "PCT").attainment == "insufficient_data"


def test_illustrative_rows_are_labelled():
    rows = series("193", "PCT", {2020: 80.0, 2025: 91.0})
    ev = run(rows, [dict(indicator_code="PCT", operator=">=", value=90)], 1, illustrative=True)
    assert ev.illustrative.all() and ev.notes.str.contains("dữ liệu minh họa").all()


def test_style_vietnamese_and_english():
    rows = series("193", "SWIM", {2020: 1000, 2025: 1210.5}) + series("194", "SWIM", {2020: 10, 2025: 5})
    ev = run(rows, [dict(scope=u, indicator_code="SWIM", operator=">=", value=1200) for u in ("193", "194")],
             illustrative=True)
    html = style_evaluation(ev).to_html()
    # 1.210,5 ≥ 1.200: strictly better than the target → Vượt; TH/KH = 1.210,5 ÷ 1.200 × 100 = 100,9
    assert "1.210,5" in html and "Vượt" in html and "Chưa đạt" in html and "100,9" in html
    assert "#b7e1a1" in html and "#f8d0c8" in html            # exceeded green, not met red
    assert "Dữ liệu minh họa" in html and "TH/KH (%)" in html and "Độ tin cậy thống kê" in html
    assert "≥ 1.200,0" in html
    en = style_evaluation(ev, lang="en")
    assert "1,210.5" in en.to_html() and "Not met" in en.to_html()
    assert len(en.data.columns) <= 9
    with pytest.raises(ValueError, match="lang must be 'vi' or 'en', not 'fr'"):
        style_evaluation(ev, lang="fr")


def test_style_does_not_import_matplotlib():
    code = ("import sys, pandas as pd\n"
            "from tests.evaluate.test_evaluate_core import run, series\n"
            "from ctxh_plan.evaluate import style_evaluation\n"
            "ev = run(series('193', 'PCT', {2020: 80.0, 2025: 91.0}),"
            " [dict(indicator_code='PCT', operator='>=', value=90)], 1)\n"
            "style_evaluation(ev).to_html()\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr[-2000:]


def test_no_data_at_all_gives_insufficient_rows_and_empty_style():
    ev = run([], [dict(indicator_code="PCT", operator=">=", value=90)])
    assert list(ev.unit_code) == ["22", "193", "194"]
    assert (ev.attainment == "insufficient_data").all() and ev.notes.str.contains("no baseline value").all()
    assert style_evaluation(ev.iloc[:0]).to_html()


def test_province_count_target_does_not_apply_to_districts():
    """A province's absolute count target (e.g. 180 swimming classes) is a province figure,
    not every district's; a relative count target applies to every unit."""
    from ctxh_plan.evaluate.target_rules import find_target

    index = {("22", "SWIM"): {"kind": "absolute", "value": 180.0},
             ("22", "DROWN"): {"kind": "relative", "value": -10.0}}
    assert find_target(index, "198", "SWIM", ["22"], additive=True) is None
    assert find_target(index, "22", "SWIM", [], additive=True)["value"] == 180.0
    assert find_target(index, "198", "DROWN", ["22"], additive=True)["value"] == -10.0
    # a percentage target of the province is a standard for each unit
    assert find_target(index, "198", "SWIM", ["22"], additive=False)["value"] == 180.0
