"""`ctxh-plan evaluate` and evaluate_dataset on a Dataset-like object and on the embedded data."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from ctxh_plan import cli
from ctxh_plan.commands import evaluate as cmd
from ctxh_plan.evaluate import EVALUATION_COLUMNS, evaluate_dataset
from tests.helpers.evaluate_frames import make_units, obs_frame, series, small_catalog, target_frame
from tests.helpers.paths import EMBEDDED


def fake_dataset():
    rows = (series("193", "DEATHS", {2020: 10, 2024: 9}) + [("193", "DEATHS", 2025, 4, None, None, "H1")]
            + series("194", "PCT", {2020: 80.0, 2025: 93.0}) + series("193", "PCT", {2020: 80.0, 2025: 85.0}))
    return SimpleNamespace(observations=obs_frame(rows), units=make_units(), catalog=small_catalog(),
                           targets=target_frame([dict(indicator_code="PCT", operator=">=", value=90),
                                                 dict(scope="193", indicator_code="DEATHS", operator="<=", value=20)]),
                           illustrative=True)


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setattr(cmd, "_load", lambda data: fake_dataset())


def test_cli_writes_csv_and_xlsx(patched, tmp_path, capsys):
    out = tmp_path / "ev.csv"
    assert cli.main(["evaluate", "--period", "2021-2025", "--baseline", "2020", "-o", str(out)]) == 0
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype={"unit_code": str})
    assert list(frame.columns) == list(EVALUATION_COLUMNS)
    assert set(frame.unit_code) == {"22", "193", "194"}
    assert "dữ liệu minh họa" in capsys.readouterr().out
    xlsx = tmp_path / "ev.xlsx"
    assert cli.main(["evaluate", "--units", "193,194", "-o", str(xlsx)]) == 0
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == {"danh_gia", "doi_chieu_tong_hop"}
    assert set(sheets["danh_gia"].unit_code.astype(str)) == {"193", "194"}


@pytest.mark.parametrize("argv,code", [
    (["--period", "2025-2021"], 2),
    (["--period", "twenty"], 2),
    (["--units", "999"], 1),
])
def test_cli_errors_without_traceback(patched, tmp_path, capsys, argv, code):
    out = tmp_path / "ev.csv"
    assert cli.main(["evaluate", *argv, "-o", str(out)]) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err and "fix" in err
    assert not out.exists()


def test_cli_unknown_output_format(patched, tmp_path):
    assert cli.main(["evaluate", "-o", str(tmp_path / "ev.txt")]) == 2


def test_evaluate_dataset_wrapper_matches_frames():
    ds = fake_dataset()
    ev = evaluate_dataset(ds, units=["193"]).table
    r = ev[ev.indicator_code == "DEATHS"].iloc[0]
    # H1 2025 = 4 with no past H1 → fallback ×2 = 8, flagged as an estimate
    assert r.latest_value == 8 and bool(r.latest_is_estimate) and "fallback" in r.notes
    assert ev.illustrative.all()


def test_embedded_dataset_full_evaluation():
    from ctxh_plan.data.dataset import load_dataset

    ds = load_dataset(EMBEDDED)
    ev = evaluate_dataset(ds).table
    assert not ev.duplicated(["unit_code", "indicator_code"]).any()
    assert ev.unit_code.nunique() == 14
    assert set(ev.attainment) <= {"met", "exceeded", "not_met", "insufficient_data", "not_applicable"}
    assert ev.illustrative.all()
    # every aggregated province ratio equals Σ numerators / Σ denominators of its districts (latest year)
    obs = ds.observations
    checked = 0
    for r in ev[(ev.unit_code == "22") & (ev.value_source == "aggregated")].itertuples():
        ind = ds.catalog[r.indicator_code]
        if not ind.kind.is_ratio:
            continue
        assert r.latest_value == pytest.approx(r.latest_numerator / r.latest_denominator * ind.factor)
        d = obs[(obs.indicator_code == r.indicator_code) & (obs.year == r.latest_year) & (obs.period == "FY")
                & (obs.unit_code != "22")]
        if len(d) and d.numerator.notna().all():
            assert r.latest_numerator == pytest.approx(d.numerator.sum())
            checked += 1
    assert checked > 0
