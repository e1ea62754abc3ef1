"""forecast_frame (batch path), the `ctxh-plan forecast` command and backtest helpers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ctxh_plan.cli import main
from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.forecast import forecast_frame, get_forecaster
from ctxh_plan.forecast.backtest import calibrate_method, coverage, mase, rolling_windows, smape


def _long(series: dict, id_col="series_id", start=2016):
    rows = []
    for sid, vals in series.items():
        for k, v in enumerate(vals):
            rows.append({id_col: sid, "year": start + k, "value": v})
    return pd.DataFrame(rows)


@pytest.fixture
def two_id_frame():
    rows = []
    data = {("06655", "CT11b"): [12.0, 11.5, 10.2, 9.8, 9.1, 8.7],
            ("06655", "CT03"): [81.0, 84.0, 86.5, 88.0, 90.1, 91.0],
            ("193", "CT11b"): [20.0, 17.0, 19.0, 15.0, 14.0, 15.5]}
    for (u, i), vals in data.items():
        for k, v in enumerate(vals):
            rows.append({"unit_code": u, "indicator_code": i, "year": 2020 + k, "value": v})
    return pd.DataFrame(rows), data


def test_batch_path_equals_one_series_at_a_time():
    rng = np.random.default_rng(3)
    series = {f"S{k:02d}": list(np.round(50 + np.cumsum(rng.normal(1, 4, 8)), 2)) for k in range(12)}
    series["short"] = [5.0, 6.0, 6.5, 7.0]  # another length → another batch
    out = forecast_frame(_long(series), 5, method="default")
    assert list(out.columns) == ["series_id", "year", "method", "mean", "lo80", "hi80", "lo95", "hi95", "note"]
    assert len(out) == 5 * len(series)
    for sid, vals in series.items():
        one = get_forecaster("default").fit(vals, years=range(2016, 2016 + len(vals))).predict(5)
        got = out[out["series_id"] == sid]
        np.testing.assert_allclose(got["mean"], one.mean, rtol=1e-12)
        np.testing.assert_allclose(got["hi95"], one.hi[95], rtol=1e-12)
        assert list(got["year"]) == list(one.years)


def test_two_id_columns_codes_stay_strings_and_kind_mapping(two_id_frame):
    frame, _data = two_id_frame
    kinds = {("06655", "CT11b"): "rate_per_100000", ("06655", "CT03"): "percent",
             ("193", "CT11b"): "rate_per_100000"}
    out = forecast_frame(frame, 5, kind=kinds, id_cols=("unit_code", "indicator_code"), levels=(90,))
    assert list(out.columns) == ["unit_code", "indicator_code", "year", "method", "mean", "lo90", "hi90", "note"]
    assert set(out["unit_code"]) == {"06655", "193"}
    assert sorted(out["year"].unique()) == [2026, 2027, 2028, 2029, 2030]
    pct = out[out["indicator_code"] == "CT03"]
    assert (pct["hi90"] <= 100).all() and (pct["lo90"] >= 0).all()
    assert (out["lo90"] >= 0).all()


def test_kind_from_a_column(two_id_frame):
    frame, _ = two_id_frame
    frame = frame.assign(kind=np.where(frame["indicator_code"] == "CT03", "percent", "rate"))
    a = forecast_frame(frame, 3, kind="kind", id_cols=("unit_code", "indicator_code"))
    b = forecast_frame(frame, 3, kind={("06655", "CT11b"): "rate", ("06655", "CT03"): "percent",
                                       ("193", "CT11b"): "rate"}, id_cols=("unit_code", "indicator_code"))
    pd.testing.assert_frame_equal(a, b)
    frame.loc[0, "kind"] = "percent"  # two kinds in one series
    with pytest.raises(InputError, match="more than one kind"):
        forecast_frame(frame, 3, kind="kind", id_cols=("unit_code", "indicator_code"))


def test_trailing_missing_year_is_forecast_first():
    frame = _long({"A": [3, 4, 5, 6, 7, np.nan]}, start=2020)
    out = forecast_frame(frame, 5)
    assert list(out["year"]) == [2026, 2027, 2028, 2029, 2030]
    assert "trailing missing" in out["note"].iloc[0]


@pytest.mark.parametrize("mutate,column,row", [
    (lambda f: f.drop(columns="value"), "value", None),
    (lambda f: f.assign(year=f["year"].astype(object).where(f.index != 4, "2020a")), "year", 6),
    (lambda f: f.assign(value=f["value"].astype(object).where(f.index != 2, "abc")), "value", 4),
    (lambda f: f.assign(value=f["value"].where(f.index != 3, -2.0)), "value", 5),
    (lambda f: f.assign(year=f["year"].where(f.index != 1, 2016)), "year", 3),
])
def test_bad_input_points_at_row_and_column(mutate, column, row):
    frame = mutate(_long({"A": [3.0, 4, 5, 6, 7]}))
    with pytest.raises(InputError) as err:
        forecast_frame(frame, 3, source="x.csv")
    assert err.value.where.column == column
    assert err.value.where.row == row
    assert err.value.where.file == "x.csv"


def test_bad_parameters():
    frame = _long({"A": [3.0, 4, 5]})
    with pytest.raises(ParameterError):
        forecast_frame(frame, 3, method="magic")
    with pytest.raises(ParameterError):
        forecast_frame(frame, 3, kind="litres")
    with pytest.raises(ParameterError):
        forecast_frame(frame, 3, kind={"B": "count"})


def test_cli_forecast_writes_the_documented_columns(tmp_path, capsys):
    src = tmp_path / "series.csv"
    src.write_text("series_id;year;value\nA;2019;5\nA;2020;7\nA;2021;6\nA;2022;9\n"
                   "B;2020;50\nB;2021;\nB;2022;60\nB;2023;64\nC;2023;3\n", encoding="utf-8-sig")
    out = tmp_path / "fc.csv"
    rc = main(["forecast", "--input", str(src), "--horizon", "4", "--levels", "80,95", "--kind", "percent",
               "-o", str(out)])
    assert rc == 0
    fc = pd.read_csv(out, dtype={"series_id": str}, encoding="utf-8-sig", keep_default_na=False)
    assert list(fc.columns) == ["series_id", "year", "method", "mean", "lo80", "hi80", "lo95", "hi95", "note"]
    assert len(fc) == 12
    assert (fc.loc[fc.series_id == "B", "year"] == [2024, 2025, 2026, 2027]).all()
    assert "naive fallback" in fc.loc[fc.series_id == "C", "note"].iloc[0]
    assert "interpolated" in fc.loc[fc.series_id == "B", "note"].iloc[0]
    b = fc[fc.series_id == "B"]
    assert (pd.to_numeric(b["hi95"]) <= 100).all()


def test_cli_forecast_bad_input_and_usage(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("series_id,year,value\nA,2019,5\nA,2020,abc\n", encoding="utf-8")
    rc = main(["forecast", "--input", str(bad), "-o", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err
    assert rc == 1 and "row 3" in err and "'value'" in err and "Traceback" not in err
    assert not (tmp_path / "o.csv").exists()
    good = tmp_path / "good.csv"
    good.write_text("series_id,year,value\nA,2019,5\nA,2020,6\nA,2021,7\n", encoding="utf-8")
    assert main(["forecast", "--input", str(good), "--levels", "80,abc", "-o", str(tmp_path / "o.csv")]) == 2
    assert main(["forecast", "--input", str(good), "--method", "nope", "-o", str(tmp_path / "o.csv")]) == 2
    assert main(["forecast", "--input", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "o.csv")]) == 1


def test_scores():
    a = np.array([[100.0, 110.0]])
    f = np.array([[90.0, 110.0]])
    np.testing.assert_allclose(smape(a, f), [200 * 10 / 190 / 2])
    np.testing.assert_allclose(mase(a, f, [np.array([80.0, 90.0, 100.0])]), [5.0 / 10.0])
    assert coverage(a, a - 1, a + 1) == 1.0 and coverage(a, a + 1, a + 2) == 0.0


def test_rolling_windows_stay_inside_the_training_part():
    train = [np.arange(20.0), np.arange(7.0)]
    fits, actual = rolling_windows(train, window=10, horizon=6, origins=3, step=2)
    assert len(fits) == len(actual) >= 3  # three origins of the long series at least
    for fit, act in zip(fits, actual):
        last = fit[-1]
        vals = act[~np.isnan(act)]
        assert len(fit) <= 10 and np.all(vals == last + 1 + np.arange(len(vals)))
        assert vals.max() <= 19  # never past the training part


def test_calibration_quantiles_are_monotone_across_levels():
    rng = np.random.default_rng(0)
    train = [100 * np.exp(np.cumsum(rng.normal(0.02, 0.1, 22))) for _ in range(40)]
    fits, actual = rolling_windows(train, horizon=4)
    cal = calibrate_method(get_forecaster("naive"), fits, actual)
    q = np.array(cal["q"])
    assert q.shape == (4, 7) and np.all(np.diff(q, axis=1) >= 0) and np.all(q > 0)
    assert cal["n"][0] == len(fits)


def test_cli_forecast_help_is_plain_text(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["forecast", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "Dự báo" in out and "--levels" in out and "percent" in out


def _random_long(seed: int, n_series: int) -> pd.DataFrame:
    """Illustrative random series ("dữ liệu minh họa"): every kind, lengths 1–10, gaps, missing rows."""
    rng = np.random.default_rng(seed)
    rows = []
    kinds = ["count", "rate", "percent", "raw"]
    for s in range(n_series):
        n = int(rng.integers(1, 11))
        start = 2025 - n + 1 - int(rng.integers(0, 2))  # some series end in 2024
        k = kinds[s % 4]
        y = rng.uniform(0.01, 90) + np.cumsum(rng.normal(0, 3, n))
        if k != "raw":
            y = np.clip(y, 0, 100 if k == "percent" else None)
        if k == "count":
            y = np.round(y)
        if s % 17 == 0 and k != "raw":
            y[:] = y[0]  # constant series
        if rng.random() < 0.3:
            y[rng.integers(0, n)] = np.nan  # leading / inner / trailing gap
        yrs = np.arange(start, start + n)
        if rng.random() < 0.1 and n > 3:  # a missing year row is a gap too
            d = int(rng.integers(1, n - 1))
            y, yrs = np.delete(y, d), np.delete(yrs, d)
        rows += [(f"S{s:03d}", int(a), b, k) for a, b in zip(yrs, y)]
    rows.append(("EMPTY", 2024, np.nan, "count"))  # nothing observed
    frame = pd.DataFrame(rows, columns=["series_id", "year", "value", "kind"])
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # rows in any order


@pytest.mark.parametrize("method", ["default", "theta", "damped", "select", "naive", "trend", "combo_median"])
def test_matrix_path_equals_the_one_series_path(method):
    frame = _random_long(11, 300)
    fast = forecast_frame(frame, 5, method=method, kind="kind", levels=(80, 95), path="matrix")
    slow = forecast_frame(frame, 5, method=method, kind="kind", levels=(80, 95), path="series")
    assert list(fast.columns) == list(slow.columns)
    for col in ("series_id", "year", "method", "note"):
        assert fast[col].tolist() == slow[col].tolist(), col
    for col in ("mean", "lo80", "hi80", "lo95", "hi95"):
        # equal up to BLAS rounding (the OLS slope is a matrix product over batches of other sizes)
        np.testing.assert_allclose(fast[col], slow[col], rtol=1e-12, atol=1e-12, equal_nan=True)
    notes = " ".join(fast["note"].unique())
    for text in ("naive fallback", "no interval", "inner gap(s) interpolated", "leading missing",
                 "trailing missing", "no observed value"):
        assert text in notes, text  # the random set really exercises every case


def test_statsmodels_methods_keep_the_one_series_path():
    frame = _random_long(5, 12)
    a = forecast_frame(frame, 3, method="theta_sm", kind="kind")
    b = forecast_frame(frame, 3, method="theta_sm", kind="kind", path="series")
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ParameterError):
        forecast_frame(frame, 3, path="fast")


def test_matrix_path_errors_name_the_first_bad_series_row():
    frame = _long({"A": [3.0, 4, 5, 6], "B": [1.0, 2, 3]})
    frame.loc[len(frame)] = {"series_id": "B", "year": 2017, "value": 9.0}  # B 2017 twice
    frame.loc[2, "value"] = -1.0                                              # A row 3 (file row 4)
    with pytest.raises(InputError) as err:
        forecast_frame(frame, 2, source="f.csv")
    assert err.value.where.row == 4 and err.value.where.column == "value"  # A comes before B
    frame.loc[2, "value"] = 5.0
    with pytest.raises(InputError, match="year repeated") as err:
        forecast_frame(frame, 2, source="f.csv")
    assert err.value.where.row == len(frame) + 1 and err.value.where.column == "year"


def test_constant_counts_get_a_poisson_minimum_width():
    # the count floor of the transformed-space methods (small counts under "default" go to the count model:
    # tests/forecast/test_forecast_counts.py)
    out = forecast_frame(_long({"zeros": [0, 0, 0, 0], "ones": [1, 1, 1, 1], "big": [400] * 5}), 5,
                         method="theta_damped")
    for sid in ("zeros", "ones", "big"):
        g = out[out["series_id"] == sid]
        assert (g["hi95"] > g["mean"]).all() and (g["hi80"] > g["mean"]).all(), sid
        assert (g["lo95"] <= g["lo80"]).all() and (g["hi80"] <= g["hi95"]).all()
    z = out[out["series_id"] == "zeros"]
    np.testing.assert_allclose(z["mean"], 0.0)
    assert (z["lo95"] == 0).all() and (z["hi95"] >= 1.0).all() and (z["hi95"] < 3).all()
    o = out[out["series_id"] == "ones"]
    # exact quantiles of the Poisson–gamma predictive (r = 4·1 + ½, p = 4/5): 2.5% → 0, 97.5% → 4
    assert (o["lo95"] <= 0 + 1e-9).all() and (o["hi95"] >= 4 - 1e-9).all()
    b = out[out["series_id"] == "big"]
    assert (b["hi95"] - b["lo95"] > 2 * 1.96 * np.sqrt(400) * 0.9).all()
    # rates are not counts: no floor, a constant rate keeps a zero-width interval
    r = forecast_frame(_long({"r": [2.5] * 5}), 3, kind="rate")
    np.testing.assert_allclose(r["hi95"], r["lo95"])


def test_count_floor_matches_scipy_negative_binomial():
    from scipy.stats import nbinom

    from ctxh_plan.forecast.intervals import _negbin_quantiles

    rng = np.random.default_rng(2)
    r = np.concatenate([[0.5, 4.5], rng.uniform(0.5, 800, 300)])
    p = rng.choice([0.5, 0.75, 0.8, 0.9], r.size)
    probs = [0.025, 0.1, 0.9, 0.975]
    small = r * (1 - p) / p <= 200  # exact walk; above: normal approximation, rounded outwards
    quantiles = _negbin_quantiles(r, p, probs)
    assert len(quantiles) == len(probs) and small.any() and (~small).any()  # both branches are compared
    for q, got in zip(probs, quantiles):
        ref = nbinom.ppf(q, r, p)
        np.testing.assert_array_equal(got[small], ref[small])
        assert np.all(np.abs(got[~small] - ref[~small]) <= 2)


def test_tiny_percentages_stay_forecastable():
    tiny = [0.0052, 0.0050, 0.0049, 0.0048, 0.0048]
    out = forecast_frame(_long({"t": tiny, "zero_pct": [0.0] * 4, "full": [100.0] * 4}), 5, kind="percent")
    t = out[out["series_id"] == "t"]
    assert (t["mean"] > 0.003).all() and (t["mean"] < 0.006).all()  # not lifted to the old 0.05 clip
    assert (t["lo95"] >= 0).all() and (t["hi95"] <= 100).all() and (t["hi95"] > t["mean"]).all()
    np.testing.assert_allclose(out.loc[out["series_id"] == "zero_pct", "mean"], 0.0)
    np.testing.assert_allclose(out.loc[out["series_id"] == "full", "mean"], 100.0)
    near_full = forecast_frame(_long({"n": [99.9952] * 5}), 2, kind="percent")
    np.testing.assert_allclose(near_full["mean"], 99.9952, rtol=1e-9)
    one = get_forecaster("default").fit(tiny, kind="percent").predict(3)
    np.testing.assert_allclose(one.mean, t["mean"].to_numpy()[:3], rtol=1e-9)


def test_logit_eps_is_relative_to_the_series():
    from ctxh_plan.forecast.transforms import LOGIT_EPS, LOGIT_EPS_MIN, logit_eps

    assert logit_eps([10.0, 50.0, 90.0]) == LOGIT_EPS
    assert logit_eps([0.0048, 0.01, 0.0]) == pytest.approx(0.000048 / 2)
    assert logit_eps([99.99, 50.0]) == pytest.approx(0.0001 / 2)
    assert logit_eps([1e-300, 5.0]) == LOGIT_EPS_MIN
    np.testing.assert_allclose(logit_eps(np.array([[10.0, np.nan], [0.002, 3.0]]), axis=1), [LOGIT_EPS, 1e-5])


def test_floating_noise_at_a_bound_is_accepted_but_real_excess_is_refused():
    """A percentage rebuilt as a ratio of sums can come out as 100.00000000000001 — that is 100."""
    import pandas as pd
    import pytest

    from ctxh_plan.errors import InputError
    from ctxh_plan.forecast import forecast_frame

    noisy = pd.DataFrame({"series_id": "a", "year": range(2019, 2026),
                          "value": [99.0, 99.5, 100.00000000000001, 100.0, 99.8, 100.0, 100.00000000000001]})
    out = forecast_frame(noisy, 3, kind="percent")
    assert (out[["mean", "lo80", "hi80", "lo95", "hi95"]] <= 100).all().all()
    bad = noisy.assign(value=noisy["value"].where(noisy.index != 2, 100.1))
    with pytest.raises(InputError, match="bounds"):
        forecast_frame(bad, 3, kind="percent")
    from ctxh_plan.forecast import get_forecaster

    r = get_forecaster("default").fit(noisy["value"].to_numpy(), kind="percent").predict(2)
    assert (r.hi[95] <= 100).all()
