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


@pytest.fixture()
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
    frame, data = two_id_frame
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
    bad.write_text("series_id,year,value\nA,2019,5\nA,2020,x\n", encoding="utf-8")
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
