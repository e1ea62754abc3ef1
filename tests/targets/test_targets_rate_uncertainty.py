"""Rates and percentages built on counts get honest (Poisson) forecast intervals: the Poisson widening.

Under ``forecast_method: default`` small counts go to the count model (their rates are forecast from the
numerator's count model: tests/forecast/test_forecast_counts.py); the widening tested here applies to the rates the
count model does not take (larger counts) and to every rate when another forecaster is chosen — these tests
choose ``theta_damped`` (the default's own method), so they see the widening alone.

All data here are invented for the tests ("dữ liệu minh họa").
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ctxh_plan.data.catalog import Catalog
from ctxh_plan.targets import project_frames
from ctxh_plan.targets.settings import ProjectionSettings
from ctxh_plan.targets.small_counts import SMALL_COUNT_NOTE, count_basis, widen_small_count_intervals
from ctxh_plan.vocab import Direction, Kind
from tests.helpers.indicators import make_indicator

YEARS = range(2019, 2026)  # 7 observed years: n = 7 in the Jeffreys prior


_ind = make_indicator


CAT = Catalog(indicators={i.code: i for i in [
    _ind("INJ", Kind.RATE_100000, numerator="DEATHS", denominator="POP"),
    _ind("NEO", Kind.RATE_1000, numerator="NEO_DEATHS", denominator="BIRTHS"),
    _ind("ABUSE", Kind.PERCENT, numerator="ABUSED", denominator="POP"),
    _ind("VAX", Kind.PERCENT, Direction.HIGHER),
    _ind("CF", Kind.SHARE_OF_UNITS, Direction.HIGHER, numerator="CF_COMMUNES", denominator="COMMUNES"),
    _ind("DEATHS", Kind.COUNT), _ind("NEO_DEATHS", Kind.COUNT), _ind("ABUSED", Kind.COUNT),
    _ind("POP", Kind.COUNT, Direction.HIGHER), _ind("BIRTHS", Kind.COUNT, Direction.HIGHER),
]})
SETTINGS = ProjectionSettings(forecast_method="theta_damped")  # no count model: the widening alone


def _ratio_rows(unit, code, nums, dens, factor):
    return [{"unit_code": unit, "indicator_code": code, "year": y, "period": "FY", "value": n / d * factor,
             "numerator": float(n), "denominator": float(d)} for y, n, d in zip(YEARS, nums, dens)]


def _count_rows(unit, code, values):
    return [{"unit_code": unit, "indicator_code": code, "year": y, "period": "FY", "value": float(v)}
            for y, v in zip(YEARS, values)]


def _frame(rows):
    return pd.DataFrame(rows, columns=["unit_code", "indicator_code", "year", "period", "value", "numerator",
                                       "denominator"])


def _at(fc, unit, code, year=2030):
    r = fc[(fc.unit_code == unit) & (fc.indicator_code == code) & (fc.year == year)]
    assert len(r) == 1, (unit, code, year)
    return r.iloc[0]


def _raw_forecasts(monkeypatch, obs, cat=CAT):
    """The projection's forecasts without the small-count widening (for before/after comparisons)."""
    import ctxh_plan.targets.small_counts as sc

    monkeypatch.setattr(sc, "widen_small_count_intervals", lambda fc, *a, **k: fc)
    try:
        return project_frames(obs, cat, settings=SETTINGS).forecasts
    finally:
        monkeypatch.undo()


# --------------------------------------------------------------------------- hand-worked: 1 death a year

def test_one_death_a_year_among_9300_children():
    """CT11b-like: numerator 1/year, denominator 9,300 → 10.75 per 100,000 every year.

    Expected count in 2030: μ = 10.7527 × 9,300 / 100,000 = 1.0. With the rate known from
    n = 7 years (Jeffreys: λ ~ Gamma(7·1 + ½, 7)) the next count is NegBin(r = 7.5, p = 7/8):
      P(0) = 0.875^7.5                     = 0.36734
      P(1) = P(0) · 7.5 · 0.125            = 0.34438   CDF 0.71172
      P(2) = P(1) · 8.5/2 · 0.125          = 0.18295   CDF 0.89467
      P(3) = P(2) · 9.5/3 · 0.125          = 0.07242   CDF 0.96709
      P(4) = P(3) · 10.5/4 · 0.125         = 0.02376   CDF 0.99085
    so 2.5% and 10% quantiles are 0; 90% quantile 3 (0.967 >= 0.9); 97.5% quantile 4
    (0.967 < 0.975 <= 0.991). (A plain Poisson(1) would stop at 3: CDF(3) = 0.981.)
    95% interval 0–4 deaths = 0–43.01 per 100,000; 80% interval 0–3 = 0–32.26.
    """
    obs = _frame(_ratio_rows("198", "INJ", [1] * 7, [9300] * 7, 1e5))
    proj = project_frames(obs, CAT, settings=SETTINGS)
    r = _at(proj.forecasts, "198", "INJ")
    rate = 1 / 9300 * 1e5
    assert r["mean"] == pytest.approx(rate, rel=1e-9)  # a constant series keeps its level
    assert r["lo95"] == 0.0 and r["lo80"] == 0.0
    assert r["hi95"] == pytest.approx(4 / 9300 * 1e5, rel=1e-9)
    assert r["hi95"] >= 4 / 9300 * 1e5 * (1 - 1e-9)  # reaches at least 4 deaths
    assert r["hi80"] == pytest.approx(3 / 9300 * 1e5, rel=1e-9)
    assert SMALL_COUNT_NOTE in r["note"]
    # every forecast year is widened, not only 2030
    inj = proj.forecasts[proj.forecasts.indicator_code == "INJ"]
    assert (inj["lo95"] == 0).all() and (inj["hi95"] > 40).all() and inj["note"].str.contains("small counts").all()


def test_feasibility_follows_the_widened_quantiles():
    """Target <= 10 per 100,000 (i.e. no death). Before widening the forecast is a point mass at
    10.75 → probability 0. Now the knots (log1p scale) are lo80 = 0 (z = −1.2816) and
    mean = 10.7527 (z = 0): z(10) = −1.2816 · (1 − log1p(10)/log1p(10.7527)) = −0.0343 → Φ = 0.486."""
    from scipy.stats import norm

    obs = _frame(_ratio_rows("198", "INJ", [1] * 7, [9300] * 7, 1e5))
    targets = pd.DataFrame([{"scope": "national", "indicator_code": "INJ", "target_year": 2030, "operator": "<=",
                             "value": 10.0, "value_hi": np.nan, "kind": "absolute", "base_year": np.nan}])
    p = project_frames(obs, CAT, targets, settings=SETTINGS).proposals
    row = p[p.indicator_code == "INJ"].iloc[0]
    assert row["target_2030"] == 10.0
    z80 = norm.ppf(0.9)
    expected = norm.cdf(-z80 * (1 - np.log1p(10) / np.log1p(1 / 9300 * 1e5)))
    assert row["feasibility"] == pytest.approx(expected, abs=1e-6)
    assert 0.4 < row["feasibility"] < 0.6


# --------------------------------------------------------------------------- denominators and components

def test_components_supply_the_count_and_the_denominator_forecast():
    """No numerator/denominator columns: the catalogue's components (DEATHS, POP) are used, and the
    future denominator is POP's own forecast (a growing population), not the last observed value."""
    pops = [9000, 9100, 9200, 9300, 9400, 9500, 9600]
    rows = [{"unit_code": "7", "indicator_code": "INJ", "year": y, "period": "FY", "value": 1 / p * 1e5}
            for y, p in zip(YEARS, pops)]
    rows += _count_rows("7", "DEATHS", [1] * 7) + _count_rows("7", "POP", pops)
    obs = pd.DataFrame(rows)
    fc = project_frames(obs, CAT, settings=SETTINGS).forecasts
    r, pop = _at(fc, "7", "INJ"), _at(fc, "7", "POP")["mean"]
    assert pop > 9600  # the denominator forecast grows
    mu = r["mean"] * pop / 1e5
    assert mu < 1.0  # the rate falls as the population grows; μ stays near 1 death
    from ctxh_plan.forecast.intervals import count_predictive_quantiles

    q = count_predictive_quantiles(np.array([mu]), np.array([7.0]), (80, 95))
    assert q[95][1][0] == 4.0  # the same 0–4 deaths as above
    assert r["hi95"] == pytest.approx(4 / pop * 1e5, rel=1e-9)
    assert r["lo95"] == 0.0 and SMALL_COUNT_NOTE in r["note"]
    basis = count_basis(obs, CAT)
    b = basis[basis.indicator_code == "INJ"].iloc[0]
    assert b["n_count_years"] == 7 and b["last_denominator"] == 9600 and b["denominator_code"] == "POP"


def test_rate_without_any_count_is_not_widened(monkeypatch):
    """VAX has no numerator/denominator anywhere: nothing to widen, the forecast is unchanged."""
    vals = [90.0, 91.0, 91.5, 92.0, 92.2, 92.5, 92.6]
    obs = pd.DataFrame(_count_rows("5", "VAX", vals))
    raw = _raw_forecasts(monkeypatch, obs)
    fc = project_frames(obs, CAT, settings=SETTINGS).forecasts
    pd.testing.assert_frame_equal(fc, raw)
    assert not fc["note"].str.contains("small counts").any()


# --------------------------------------------------------------------------- large counts unchanged

def test_large_counts_are_unchanged(monkeypatch):
    """5,000 deaths a year among 9.3 million: the Poisson 95% interval is about ±2·√5000 ≈ ±141
    deaths (±2.8%), narrower than the time-series interval, so nothing changes."""
    rng = np.random.default_rng(11)
    nums = rng.poisson(5000, size=7)
    obs = _frame(_ratio_rows("9", "INJ", nums, [9_300_000] * 7, 1e5))
    raw = _raw_forecasts(monkeypatch, obs)
    fc = project_frames(obs, CAT, settings=SETTINGS).forecasts
    pd.testing.assert_frame_equal(fc, raw)
    assert not fc["note"].str.contains("small counts").any()


def test_wide_interval_around_a_large_count_is_kept_exactly():
    """Direct call: a ±10% interval around μ = 5,000 is already wider than the count's Poisson
    interval (95%: about 4,860–5,140): lo/hi/mean/note unchanged to the bit."""
    obs = _frame(_ratio_rows("9", "INJ", [5000] * 7, [9_300_000] * 7, 1e5))
    m = 5000 / 9_300_000 * 1e5
    fc = pd.DataFrame({"unit_code": ["9"], "indicator_code": ["INJ"], "year": [2030], "method": ["x"],
                       "mean": [m], "lo80": [m * 0.95], "hi80": [m * 1.05], "lo95": [m * 0.9], "hi95": [m * 1.1],
                       "note": [""]})
    out = widen_small_count_intervals(fc, obs, CAT)
    pd.testing.assert_frame_equal(out, fc)
    # …and a zero-width interval around the same count is widened to that Poisson interval
    flat = fc.assign(lo80=m, hi80=m, lo95=m, hi95=m)
    w = widen_small_count_intervals(flat, obs, CAT).iloc[0]
    assert 4800 / 9.3e6 * 1e5 < w["lo95"] < 4900 / 9.3e6 * 1e5 < m < 5100 / 9.3e6 * 1e5 < w["hi95"] < 5200 / 9.3e6 * 1e5
    assert w["mean"] == m and SMALL_COUNT_NOTE in w["note"]


# --------------------------------------------------------------------------- percentages and bounds

def test_percent_bounds_and_the_complement_above_50():
    """ABUSE 1 of 40 children (2.5%): μ = 1 → 0–4 children at 95% → 0–10%.
    A percentage of 100% (40 of 40) is widened on its complement: μ = 0 children missed,
    NegBin(r = ½, p = 7/8): P(0) = 0.875^0.5 = 0.9354 (>= 0.9 → 90% quantile 0),
    P(0) + P(1) = 0.9354 + 0.9354 · 0.5 · 0.125 = 0.9939 (>= 0.975 → 97.5% quantile 1),
    so the 95% interval is 100 − 1/40 · 100 = 97.5 to 100, the 80% interval stays 100–100."""
    obs = _frame(_ratio_rows("3", "ABUSE", [1] * 7, [40] * 7, 100)
                 + _ratio_rows("4", "ABUSE", [40] * 7, [40] * 7, 100)
                 + _ratio_rows("6", "ABUSE", [39] * 7, [40] * 7, 100))
    fc = project_frames(obs, CAT, settings=SETTINGS).forecasts
    low = _at(fc, "3", "ABUSE")
    assert low["lo95"] == 0.0 and low["hi95"] == pytest.approx(10.0) and low["hi80"] == pytest.approx(7.5)
    full = _at(fc, "4", "ABUSE")
    assert full["mean"] == 100.0 and full["hi95"] == 100.0 and full["hi80"] == 100.0
    assert full["lo80"] == 100.0 and full["lo95"] == pytest.approx(97.5)
    high = _at(fc, "6", "ABUSE")  # 97.5%: 1 child missed a year → mirrored 0–4 missed → 90–100%
    assert high["lo95"] == pytest.approx(90.0) and high["hi95"] == 100.0
    ab = fc[fc.indicator_code == "ABUSE"]
    assert (ab[["lo95", "lo80", "mean", "hi80", "hi95"]].ge(0).all().all()
            and ab[["lo95", "lo80", "mean", "hi80", "hi95"]].le(100).all().all())


def test_share_of_units_and_counts_are_left_alone(monkeypatch):
    rows = _ratio_rows("3", "CF", [2, 2, 3, 3, 3, 4, 4], [10] * 7, 100) + _count_rows("3", "DEATHS", [1] * 7)
    obs = _frame(rows)
    raw = _raw_forecasts(monkeypatch, obs)
    fc = project_frames(obs, CAT, settings=SETTINGS).forecasts
    pd.testing.assert_frame_equal(fc, raw)


def test_no_interval_stays_no_interval():
    """One observed year gives no interval (NaN): the count floor does not invent one."""
    obs = _frame(_ratio_rows("3", "NEO", [2], [500], 1000))
    fc = project_frames(obs, CAT, settings=SETTINGS).forecasts
    r = _at(fc, "3", "NEO")
    assert np.isnan(r["lo95"]) and np.isnan(r["hi95"]) and r["mean"] == pytest.approx(4.0)
    assert "small counts" not in r["note"]


# --------------------------------------------------------------------------- properties on many series

@pytest.fixture(scope="module")
def many():
    """300 random series: rates per 1,000 / 100,000 and percentages on small and large counts."""
    rng = np.random.default_rng(2026)
    rows = []
    for i in range(300):
        code = ("INJ", "NEO", "ABUSE")[i % 3]
        factor = {"INJ": 1e5, "NEO": 1e3, "ABUSE": 100.0}[code]
        den = int(rng.choice([40, 300, 9300, 250_000]))
        p = rng.uniform(0.0, 0.9) if code == "ABUSE" else rng.uniform(0, 50) / factor
        nums = np.minimum(rng.poisson(p * den, size=7), den)
        rows += _ratio_rows(f"{i:03d}", code, nums, [den] * 7, factor)
    return _frame(rows)


def test_only_widens_keeps_mean_nested_and_bounded(many, monkeypatch):
    raw = _raw_forecasts(monkeypatch, many)
    fc = project_frames(many, CAT, settings=SETTINGS).forecasts
    assert len(fc) == len(raw) and (fc[["unit_code", "indicator_code", "year"]] == raw[["unit_code", "indicator_code",
                                                                                          "year"]]).all().all()
    assert np.array_equal(fc["mean"].to_numpy(), raw["mean"].to_numpy())
    for lv in (80, 95):
        assert (fc[f"lo{lv}"] <= raw[f"lo{lv}"]).all() and (fc[f"hi{lv}"] >= raw[f"hi{lv}"]).all()
    v = fc[["lo95", "lo80", "mean", "hi80", "hi95"]].to_numpy()
    assert (np.diff(v, axis=1) >= -1e-12).all()
    assert (v >= 0).all() and (fc.loc[fc.indicator_code == "ABUSE", ["lo95", "hi95"]].to_numpy() <= 100).all()
    widened = fc["note"].str.contains("small counts")
    changed = (fc[["lo80", "hi80", "lo95", "hi95"]] != raw[["lo80", "hi80", "lo95", "hi95"]]).any(axis=1)
    assert widened.sum() > 50 and (widened == changed).all()  # noted exactly where something changed


def test_deterministic(many):
    a = project_frames(many, CAT, settings=SETTINGS)
    b = project_frames(many, CAT, settings=SETTINGS)
    pd.testing.assert_frame_equal(a.forecasts, b.forecasts)
    pd.testing.assert_frame_equal(a.proposals, b.proposals)


def test_count_quantiles_match_scipy():
    from scipy.stats import nbinom

    from ctxh_plan.forecast.intervals import count_predictive_quantiles

    mu = np.array([0.0, 0.3, 1.0, 2.5, 7.0, 40.0, 180.0])
    n = np.array([1, 3, 7, 7, 5, 10, 4], dtype=float)
    q = count_predictive_quantiles(mu, n, (80, 95))
    r, p = n * mu + 0.5, n / (n + 1)
    for lv, a in ((80, 0.1), (95, 0.025)):
        assert np.array_equal(q[lv][0], nbinom.ppf(a, r, p)) and np.array_equal(q[lv][1], nbinom.ppf(1 - a, r, p))
