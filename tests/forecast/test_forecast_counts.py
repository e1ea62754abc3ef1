"""The count model for small counts (issue 17): predictive distribution, probabilities, the switch, the
projection (counts and rates on small counts), scenarios, charts and Biểu 2.

Series here are invented for the tests or drawn from seeded generators ("dữ liệu minh họa").
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ctxh_plan.data.catalog import Catalog
from ctxh_plan.errors import ParameterError
from ctxh_plan.forecast import CountPredictive, forecast_frame, get_forecaster, prob_meets
from ctxh_plan.forecast.counts import SWITCH_MEAN, count_cdf, count_intervals, fit_counts, predict_counts
from ctxh_plan.forecast.probability import forecast_quantile
from ctxh_plan.targets import apply_scenario, project_frames
from ctxh_plan.targets.scenarios import Adjustment, Scenario
from ctxh_plan.targets.settings import ProjectionSettings
from ctxh_plan.vocab import Direction, Kind
from tests.helpers.indicators import make_indicator

# these tests use the embedded plan (load_plan("") / the embedded_plan fixture): one worker computes it
pytestmark = pytest.mark.xdist_group("embedded_plan")

YEARS = list(range(2019, 2026))


def _long(series: dict[str, list[float]], first_year: int = 2019) -> pd.DataFrame:
    rows = [{"series_id": k, "year": first_year + i, "value": v} for k, vals in series.items() for i, v in
            enumerate(vals)]
    return pd.DataFrame(rows)


def _is_whole(x) -> bool:
    x = np.asarray(x, float)
    return bool(np.all(np.abs(x - np.round(x)) < 1e-9))


# --------------------------------------------------------------------------- P(0) and the closed forms

@pytest.mark.parametrize("lam", [0.2, 1.0, 2.5, 7.0])
def test_p0_of_a_poisson_with_known_rate_is_exp_minus_lambda(lam):
    """A Poisson predictive with a known rate: P(0) = e^−λ exactly, and every operator agrees."""
    d = CountPredictive(lam, 0.0)
    assert prob_meets(d, 0, "<=") == pytest.approx(math.exp(-lam), rel=1e-12)
    assert prob_meets(d, 1, "<") == pytest.approx(math.exp(-lam), rel=1e-12)
    assert prob_meets(d, 0, "=") == pytest.approx(math.exp(-lam), rel=1e-12)
    assert prob_meets(d, 1, ">=") == pytest.approx(1 - math.exp(-lam), rel=1e-12)
    assert prob_meets(d, 1, "=") == pytest.approx(lam * math.exp(-lam), rel=1e-12)
    assert prob_meets(d, 0.5, "=") == 0.0  # no count is 0.5
    # negative binomial closed form: P(0) = (1 + μφ)^(−1/φ)
    nb = CountPredictive(lam, 0.3)
    assert prob_meets(nb, 0, "<=") == pytest.approx((1 + 0.3 * lam) ** (-1 / 0.3), rel=1e-12)


def test_fitted_p0_of_a_long_poisson_series_matches_the_closed_form():
    """400 years of Poisson(1.5): the model's P(0) next year is its own NB closed form, and close to e^−1.5."""
    rng = np.random.default_rng(17)
    y = rng.poisson(1.5, 400).astype(float)
    r = get_forecaster("count_glm").fit(y).predict(1)
    assert r.method == "count_glm" and r.dist is not None
    mu, disp = float(r.dist.mu[0]), float(r.dist.disp[0])
    p0 = prob_meets(r, 0, "<=")
    assert p0 == pytest.approx((1 + mu * disp) ** (-1 / disp) if disp > 0 else math.exp(-mu), rel=1e-10)
    assert p0 == pytest.approx(math.exp(-1.5), abs=0.03)


def test_all_zeros_narrow_interval_at_zero_and_high_p0():
    """0 deaths in each of 7 years: 80% interval 0–0, 95% at most 0–1, median 0, P(0) ≈ the Jeffreys answer
    (7/8)^½ = 0.935 (a Poisson rate with the Jeffreys prior after 7 zero years)."""
    r = get_forecaster("default").fit([0] * 7, years=YEARS).predict(5)
    assert r.method == "count_glm"
    assert np.all(r.mean == 0) and np.all(r.lo[80] == 0) and np.all(r.hi[80] == 0)
    assert np.all(r.lo[95] == 0) and np.all(r.hi[95] <= 1)
    p0 = prob_meets(r, 0, "<=", year=2026)
    assert p0 > 0.9 and p0 == pytest.approx((7 / 8) ** 0.5, abs=0.01)
    assert prob_meets(r, 0, "<=", year=2030) > 0.9


# --------------------------------------------------------------------------- whole-number intervals

@pytest.fixture(scope="module")
def many_counts():
    """300 small count series with gaps, zeros, trends and overdispersion."""
    rng = np.random.default_rng(2026)
    rows = []
    for i in range(300):
        mu = np.exp(rng.uniform(np.log(0.2), np.log(18))) * np.exp(rng.normal(0, 0.08) * np.arange(7))
        y = rng.poisson(rng.gamma(4.0, mu / 4.0)).astype(float)
        if i % 7 == 0:
            y[2] = np.nan
        rows += [{"series_id": f"s{i:03d}", "year": 2019 + t, "value": v} for t, v in enumerate(y)]
    return pd.DataFrame(rows)


def test_intervals_and_centre_are_whole_counts(many_counts):
    out = forecast_frame(many_counts, 5, kind="count", distribution=True)
    cm = out[out["method"] == "count_glm"]
    assert len(cm) > 0.9 * len(out)
    for c in ("mean", "lo80", "hi80", "lo95", "hi95"):
        assert _is_whole(cm[c]), c
    v = cm[["lo95", "lo80", "mean", "hi80", "hi95"]].to_numpy()
    assert (np.diff(v, axis=1) >= 0).all() and (v >= 0).all()
    # the bounds are read from the distribution in the dist_* columns
    ivl = count_intervals(cm["dist_mu"], cm["dist_disp"], (80, 95))
    np.testing.assert_array_equal(ivl[95][1], cm["hi95"])
    np.testing.assert_array_equal(ivl[80][0], cm["lo80"])
    assert out.loc[out["method"] != "count_glm", "dist_mu"].isna().all()


def test_nearest_tail_rule_hand_worked():
    """Poisson(0.3): P(0) = 0.741, P(≤1) = 0.963, P(≤2) = 0.996. 80% (tails 0.1/0.9): upper = 1 (0.963 is
    nearer 0.9 than 0.741); 95% (0.975): upper 1 (|0.963 − 0.975| < |0.996 − 0.975|). Poisson(3), 80%:
    P(0) = 0.050, P(≤1) = 0.199 → lower 1 (P(Y < 1) = 0.050 is nearer 0.1 than 0.199)."""
    iv = count_intervals(np.array([0.3, 3.0]), np.array([0.0, 0.0]), (80, 95))
    assert iv[80][1][0] == 1 and iv[95][1][0] == 1 and iv[80][0][0] == 0
    assert iv[80][0][1] == 1
    from scipy.stats import poisson

    for lv in (80, 95):  # whichever tail is nearer, the bound is within one count of scipy's quantile
        a = (1 - lv / 100) / 2
        assert abs(iv[lv][1][1] - poisson.ppf(1 - a, 3.0)) <= 1 and abs(iv[lv][0][1] - poisson.ppf(a, 3.0)) <= 1


def test_count_cdf_matches_scipy():
    from scipy.stats import nbinom, poisson

    k = np.arange(0, 30)
    np.testing.assert_allclose(count_cdf(k, 4.2, 0.0), poisson.cdf(k, 4.2), rtol=1e-12)
    r = 1 / 0.25
    np.testing.assert_allclose(count_cdf(k, 4.2, 0.25), nbinom.cdf(k, r, r / (r + 4.2)), rtol=1e-10)


# --------------------------------------------------------------------------- which series, and the contract

def test_switch_whole_numbers_kind_and_short_series():
    frame = _long({"small": [2, 0, 1, 3, 1, 2, 1], "large": [400, 420, 410, 450, 470, 460, 480],
                   "frac": [1.5, 0.8, 1.2, 2.1, 1.7, 0.9, 1.4], "short": [2, 3]})
    out = forecast_frame(frame, 3, kind="count")
    m = out.groupby("series_id")["method"].first()
    assert m["small"] == "count_glm" and m["large"] == "theta_damped" and m["frac"] == "theta_damped"
    assert m["short"] == "naive"  # fewer than 3 points: the visible fallback of every forecaster
    # large counts keep today's default exactly
    today = forecast_frame(frame[frame.series_id == "large"], 3, kind="count", method="theta_damped")
    new = out[out.series_id == "large"].reset_index(drop=True)
    pd.testing.assert_frame_equal(new, today)
    # rates and percentages are not counts: no count model through forecast_frame
    assert (forecast_frame(frame[frame.series_id == "small"], 3, kind="rate")["method"] != "count_glm").all()
    # an explicit other method is respected
    assert (forecast_frame(frame, 3, kind="count", method="theta")["method"].isin(["theta", "naive"])).all()
    assert SWITCH_MEAN > 10


def test_one_series_path_equals_the_frame_path():
    y = [3, 1, 4, 1, 5, 2, 6]
    r = get_forecaster("default").fit(y, years=YEARS, kind="count").predict(4)
    f = forecast_frame(_long({"a": y}), 4, kind="count", distribution=True)
    np.testing.assert_array_equal(r.mean, f["mean"])
    np.testing.assert_array_equal(r.hi[95], f["hi95"])
    np.testing.assert_allclose(r.dist.mu, f["dist_mu"], rtol=1e-12)
    assert list(r.to_frame().columns) == ["year", "method", "mean", "lo80", "hi80", "lo95", "hi95", "note"]
    assert "dist_mu" in r.to_frame(distribution=True).columns


def test_settings_are_checked():
    with pytest.raises(ParameterError):
        get_forecaster("count_glm", switch=-1)
    with pytest.raises(ParameterError):
        get_forecaster("count_glm", damping=1.5)
    with pytest.raises(ParameterError):
        forecast_frame(_long({"a": [1, 2, 3]}), 2, group="no_such_column")


def test_overdispersed_series_get_wider_intervals_than_poisson_ones():
    calm = [5, 6, 5, 4, 5, 6, 5]
    wild = [1, 12, 0, 9, 2, 14, 3]
    a = get_forecaster("count_glm").fit(calm).predict(1)
    b = get_forecaster("count_glm").fit(wild).predict(1)
    assert b.dist.disp[0] > a.dist.disp[0]
    assert b.hi[95][0] - b.lo[95][0] > a.hi[95][0] - a.lo[95][0]


def test_clear_trend_is_kept_and_noise_is_shrunk():
    """A steep fall (10 → 0 in 8 years) is not shrunk away by the trend prior (Student-t tails); a flat noisy
    series gets no invented trend."""
    r = get_forecaster("count_glm").fit([10, 8, 5, 3, 2, 1, 1, 0]).predict(3)
    assert r.dist.mu[0] < 1.5 and r.dist.mu[2] < r.dist.mu[0]
    flat = get_forecaster("count_glm").fit([2, 4, 1, 3, 2, 5, 2]).predict(5)
    assert abs(math.log(flat.dist.mu[-1] / flat.dist.mu[0])) < 0.15


def test_empirical_bayes_borrows_the_group_trend():
    """Twelve units of one indicator all fall ~15% a year; a thirteenth has a noisy short history. Pooled, its
    trend is pulled towards the group's fall; alone it is not."""
    rng = np.random.default_rng(5)
    rows = []
    for u in range(12):
        mu = 6.0 * np.exp(-0.15 * np.arange(7))
        rows += [{"unit_code": f"u{u}", "indicator_code": "X", "year": 2019 + t, "value": float(v)}
                 for t, v in enumerate(rng.poisson(mu))]
    rows += [{"unit_code": "odd", "indicator_code": "X", "year": 2019 + t, "value": float(v)}
             for t, v in enumerate([2, 3, 2, 3, 3, 2, 3])]
    frame = pd.DataFrame(rows)
    ids = ("unit_code", "indicator_code")
    pooled = forecast_frame(frame, 5, kind="count", id_cols=ids, group="indicator_code", distribution=True)
    alone = forecast_frame(frame, 5, kind="count", id_cols=ids, distribution=True)

    def fall(fc):
        g = fc[fc.unit_code == "odd"]["dist_mu"].to_numpy()
        return g[-1] / g[0]

    assert fall(pooled) < fall(alone) - 0.1
    note = pooled.loc[pooled.unit_code == "odd", "note"].iloc[0]
    assert "empirical Bayes" in note


def test_fit_is_vectorised_and_handles_exposure():
    """Deaths per child: exposure enters as an offset; a doubled population doubles the expected count."""
    y = np.array([[1, 0, 2, 1, 1, 0, 1]], dtype=float)
    e = np.full((1, 7), 9300.0)
    fit = fit_counts(y, exposure=e)
    p1 = predict_counts(fit, 2, future_exposure=np.full((1, 2), 9300.0))
    p2 = predict_counts(fit, 2, future_exposure=np.full((1, 2), 18600.0))
    np.testing.assert_allclose(p2.mu, 2 * p1.mu, rtol=1e-12)


# --------------------------------------------------------------------------- prob_meets on frames

def test_prob_meets_on_a_frame_mixes_count_and_continuous_rows():
    z80, z95 = 1.2815515655446004, 1.959963984540054
    frame = pd.DataFrame({
        "mean": [1.0, 10.0], "lo80": [0.0, 10 - z80 * 2], "hi80": [2.0, 10 + z80 * 2],
        "lo95": [0.0, 10 - z95 * 2], "hi95": [3.0, 10 + z95 * 2],
        "dist_mu": [1.2, np.nan], "dist_disp": [0.1, np.nan], "dist_loc": [0.0, np.nan], "dist_scale": [1.0, np.nan]})
    p = prob_meets(frame, [0, 12.0], [">", ">="], kind="raw")
    assert p[0] == pytest.approx(1 - (1 + 0.12) ** (-10), rel=1e-12)
    assert p[1] == pytest.approx(0.15865525, abs=1e-8)  # one SD above the median of a normal forecast
    with pytest.raises(ParameterError):
        prob_meets(frame, [0, 12.0], "<=")  # continuous rows need their kind
    with pytest.raises(ParameterError):
        prob_meets(frame, 1, "≈", kind="raw")
    q = forecast_quantile(frame, [0.5, 0.5], kind="raw")
    assert q[1] == pytest.approx(10.0) and _is_whole(q[0])


def test_prob_meets_on_rates_and_mirrored_percentages():
    """1 death a year among 9,300 children: "≤ 10 per 100,000" = no death (10 × 9,300 / 100,000 = 0.93 < 1)."""
    rate = CountPredictive(1.0, 0.0, 0.0, 1e5 / 9300)
    assert prob_meets(rate, 10.0, "<=") == pytest.approx(math.exp(-1), rel=1e-12)
    assert prob_meets(rate, 1e5 / 9300, "<=") == pytest.approx(2 * math.exp(-1), rel=1e-12)  # 0 or 1 death
    # 97.5% of 40 children reached; the complement (children missed, μ = 1) is the count
    pct = CountPredictive(1.0, 0.0, 100.0, -100.0 / 40)
    assert prob_meets(pct, 100.0, ">=") == pytest.approx(math.exp(-1), rel=1e-12)  # nobody missed
    assert prob_meets(pct, 97.5, ">=") == pytest.approx(2 * math.exp(-1), rel=1e-12)
    assert pct.quantile(0.5) == pytest.approx(97.5)  # median of missed children is 1


# --------------------------------------------------------------------------- the projection

_ind = make_indicator


CAT = Catalog(indicators={i.code: i for i in [
    _ind("INJ", Kind.RATE_100000, numerator="DEATHS", denominator="POP"),
    _ind("DEATHS", Kind.COUNT), _ind("POP", Kind.COUNT, Direction.HIGHER),
    _ind("ABUSE", Kind.PERCENT, numerator="ABUSED", denominator="KIDS"),
    _ind("ABUSED", Kind.COUNT), _ind("KIDS", Kind.COUNT, Direction.HIGHER),
]})


def test_projection_rates_from_the_numerator_count_model_and_the_denominator_forecast():
    pops = [9000, 9100, 9200, 9300, 9400, 9500, 9600]
    deaths = [1, 0, 2, 1, 1, 0, 1]
    rows = [{"unit_code": "7", "indicator_code": "INJ", "year": y, "period": "FY", "value": d / p * 1e5}
            for y, d, p in zip(YEARS, deaths, pops)]
    rows += [{"unit_code": "7", "indicator_code": "DEATHS", "year": y, "period": "FY", "value": float(d)}
             for y, d in zip(YEARS, deaths)]
    rows += [{"unit_code": "7", "indicator_code": "POP", "year": y, "period": "FY", "value": float(p)}
             for y, p in zip(YEARS, pops)]
    obs = pd.DataFrame(rows)
    targets = pd.DataFrame([{"scope": "national", "indicator_code": "INJ", "target_year": 2030, "operator": "<=",
                             "value": 10.0, "value_hi": np.nan, "kind": "absolute", "base_year": np.nan}])
    proj = project_frames(obs, CAT, targets, settings=ProjectionSettings())
    fc = proj.forecasts
    inj = fc[(fc.indicator_code == "INJ") & (fc.year == 2030)].iloc[0]
    pop = fc[(fc.indicator_code == "POP") & (fc.year == 2030)].iloc[0]
    assert inj["method"] == "count_glm" and "numerator" in inj["note"]
    assert pop["mean"] > 9600 and pop["method"] != "count_glm"  # the denominator's own forecast (large)
    assert inj["dist_scale"] == pytest.approx(1e5 / pop["mean"], rel=1e-12)
    for c in ("mean", "lo80", "hi80", "lo95", "hi95"):  # whole deaths among the projected children
        assert _is_whole(inj[c] / inj["dist_scale"]), c
    # the count model of the deaths and the rate's numerator model agree on the count scale
    d = fc[(fc.indicator_code == "DEATHS") & (fc.year == 2030)].iloc[0]
    assert d["method"] == "count_glm" and abs(d["dist_mu"] - inj["dist_mu"]) < 0.5
    # feasibility of "≤ 10 per 100,000" is P(no death in 2030) from that distribution, exactly
    prop = proj.proposals[proj.proposals.indicator_code == "INJ"].iloc[0]
    p0 = (1 + inj["dist_mu"] * inj["dist_disp"]) ** (-1 / inj["dist_disp"])
    assert prop["target_2030"] <= 10.0 and prop["feasibility"] == pytest.approx(p0, rel=1e-9)


def test_projection_percent_complement_and_bounds():
    obs = pd.DataFrame(
        [{"unit_code": "3", "indicator_code": "ABUSE", "year": y, "period": "FY", "value": 1 / 40 * 100,
          "numerator": 1.0, "denominator": 40.0} for y in YEARS]
        + [{"unit_code": "4", "indicator_code": "ABUSE", "year": y, "period": "FY", "value": 39 / 40 * 100,
            "numerator": 39.0, "denominator": 40.0} for y in YEARS])
    fc = project_frames(obs, CAT, settings=ProjectionSettings()).forecasts
    ab = fc[fc.indicator_code == "ABUSE"]
    assert (ab["method"] == "count_glm").all()
    v = ab[["lo95", "lo80", "mean", "hi80", "hi95"]].to_numpy()
    assert (v >= 0).all() and (v <= 100).all() and (np.diff(v, axis=1) >= -1e-12).all()
    low, high = ab[ab.unit_code == "3"], ab[ab.unit_code == "4"]
    assert _is_whole(low["hi95"] * 40 / 100) and (low["dist_loc"] == 0).all()
    assert (high["dist_loc"] == 100).all() and (high["dist_scale"] < 0).all()  # children missed
    assert _is_whole((100 - high["lo95"]) * 40 / 100) and (high["hi95"] <= 100).all()


def test_scenario_moves_the_count_distribution():
    rows = [{"unit_code": "1", "indicator_code": "DEATHS", "year": y, "period": "FY", "value": float(v)}
            for y, v in zip(YEARS, [6, 5, 7, 6, 5, 6, 6])]
    obs = pd.DataFrame(rows)
    base = project_frames(obs, CAT, settings=ProjectionSettings()).forecasts
    sc = Scenario("fall", "", "", "", (Adjustment("annual_pct", -20.0, 2026, ("DEATHS",), None, None, None, None,
                                                  None, "", "test"),))
    out = apply_scenario(base, sc, CAT, observations=obs)
    r = out[out.year == 2030].iloc[0]
    assert r["dist_mu"] == pytest.approx(6.0 * 0.8 ** 5)  # the expected count follows the scenario
    for c in ("mean", "lo80", "hi80", "lo95", "hi95"):
        assert _is_whole(out[c]), c
    assert r["hi95"] < base[base.year == 2030].iloc[0]["hi95"]


# --------------------------------------------------------------------------- charts and Biểu 2 read these frames

@pytest.fixture(scope="module")
def embedded(embedded_plan):
    return embedded_plan


def test_embedded_small_counts_use_the_count_model(embedded):
    _ds, _ev, proj = embedded
    fc = proj.forecasts
    drown = fc[fc.indicator_code == "DROWNING_DEATHS"]
    assert (drown["method"] == "count_glm").all()
    assert _is_whole(drown[["mean", "lo80", "hi80", "lo95", "hi95"]])
    big = fc[fc.indicator_code == "POP_U16"]
    assert not (big["method"] == "count_glm").any()
    rate = fc[(fc.indicator_code == "CT11b") & (fc.unit_code == "198")]
    assert (rate["method"] == "count_glm").all()


def test_charts_draw_the_count_model_intervals(embedded):
    """The indicator chart's 95% and 80% bands are the forecast frame's whole-count bounds."""
    import matplotlib

    matplotlib.use("Agg")
    from ctxh_plan.present import plot_indicator

    ds, _ev, proj = embedded
    fc = proj.forecasts[(proj.forecasts.unit_code == "193") & (proj.forecasts.indicator_code == "DROWNING_DEATHS")]
    fig = plot_indicator(ds.series("193", "DROWNING_DEATHS"), forecast=fc, indicator=ds.catalog["DROWNING_DEATHS"])
    bands = [c for c in fig.axes[0].collections if len(c.get_paths())]
    ys = [np.unique(np.round(p.vertices[:, 1], 9)) for c in bands for p in c.get_paths()]
    drawn = np.unique(np.concatenate(ys))
    expected = np.unique(fc[["lo80", "hi80", "lo95", "hi95"]].to_numpy().ravel())
    assert set(expected) <= set(drawn) and _is_whole(drawn)
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_bieu2_feasibility_is_the_count_model_probability(embedded):
    """Biểu 2 prints feasibility = P(2030 value meets the target) from the count distribution (exact)
    when the publishing settings ask for the column."""
    import dataclasses

    from ctxh_plan.present.settings import load_publish_settings
    from ctxh_plan.present.tables import build_appendix_tables

    ds, ev, proj = embedded
    unit = "193"
    settings = dataclasses.replace(load_publish_settings(), show_feasibility=True)
    tables = build_appendix_tables(ds, ev, proj, unit, settings=settings)
    b2 = next(t for t in tables if t.key == "bieu2").frame.set_index("indicator_code")
    props = proj.proposals[proj.proposals.unit_code == unit].set_index("indicator_code")
    fc = proj.forecasts[(proj.forecasts.unit_code == unit) & (proj.forecasts.year == 2030)].set_index(
        "indicator_code")
    code = "DROWNING_DEATHS"
    row = fc.loc[[code]].reset_index()
    assert row["method"].iloc[0] == "count_glm"
    expected = prob_meets(row, props.loc[code, "target_2030"], "<=")[0]
    assert b2.loc[code, "feasibility"] == pytest.approx(100 * expected, rel=1e-9)
    assert props.loc[code, "feasibility"] == pytest.approx(expected, rel=1e-12)


def test_cli_forecast_kind_count_uses_the_count_model(tmp_path, capsys):
    from ctxh_plan.cli import main

    src = tmp_path / "series.csv"
    _long({"deaths": [0, 1, 0, 2, 0, 0, 1], "calls": [310, 330, 325, 350, 360, 370, 390]}).assign(
        ind="X").to_csv(src, index=False)
    out = tmp_path / "fc.csv"
    assert main(["forecast", "--input", str(src), "--horizon", "3", "--kind", "count", "-o", str(out)]) == 0
    fc = pd.read_csv(out)
    d = fc[fc.series_id == "deaths"]
    assert (d["method"] == "count_glm").all() and _is_whole(d[["mean", "lo80", "hi80", "lo95", "hi95"]])
    assert (fc.loc[fc.series_id == "calls", "method"] == "theta_damped").all()
    assert list(fc.columns) == ["series_id", "year", "method", "mean", "lo80", "hi80", "lo95", "hi95", "note"]
    assert main(["forecast", "--input", str(src), "--horizon", "3", "--group", "ind", "-o", str(out)]) == 0
    assert main(["forecast", "--input", str(src), "--horizon", "3", "--group", "nope", "-o", str(out)]) == 2
    assert "--group" in capsys.readouterr().err


def test_a_units_forecast_does_not_depend_on_which_units_are_requested(embedded):
    """The count model pools the units of an indicator: projecting one unit (units=[…]) still borrows from
    all units of the dataset, so its numbers equal those of the full projection."""
    from ctxh_plan.targets import project_dataset

    ds, ev, proj = embedded
    one = project_dataset(ds, evaluation=ev, units=["198"]).forecasts
    full = proj.forecasts[proj.forecasts.unit_code == "198"].reset_index(drop=True)
    assert set(one.unit_code) == {"198"} and (one["method"] == "count_glm").any()
    pd.testing.assert_frame_equal(one.reset_index(drop=True), full)
