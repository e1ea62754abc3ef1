"""project_frames / project_dataset with the real forecasters, writing, and the `project` CLI."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ctxh_plan.cli import main
from ctxh_plan.data.catalog import Catalog, Indicator
from ctxh_plan.targets import project_frames, write_projection
from ctxh_plan.targets.projection import compare_scenarios
from ctxh_plan.targets.scenarios import parse_scenario
from ctxh_plan.targets.settings import ProjectionSettings
from ctxh_plan.vocab import Aggregation, Direction, Kind

CAT = Catalog(indicators={i.code: i for i in [
    Indicator("VAX", "Tiêm chủng", "Vax", "%", Kind.PERCENT, Direction.HIGHER, bounds=(0.0, 100.0),
              aggregation=Aggregation.RATIO),
    Indicator("DROWN", "Đuối nước", "Drowning", "trẻ em", Kind.COUNT, Direction.LOWER, decimals=0),
]}, _order=("VAX", "DROWN"))


@pytest.fixture(scope="module")
def frames():
    rng = np.random.default_rng(3)
    rows = []
    for unit in ("22", "193", "194"):
        for year in range(2019, 2026):
            rows.append((unit, "VAX", year, min(100.0, 90 + (year - 2019) + rng.normal(0, 0.3))))
            if year < 2025:  # drowning deaths not reported yet for 2025
                rows.append((unit, "DROWN", year, float(rng.poisson(9))))
    obs = pd.DataFrame(rows, columns=["unit_code", "indicator_code", "year", "value"]).assign(period="FY")
    targets = pd.DataFrame([
        {"scope": "national", "indicator_code": "VAX", "target_year": 2030, "operator": ">=", "value": 98.0,
         "value_hi": np.nan, "kind": "absolute", "base_year": np.nan},
        {"scope": "national", "indicator_code": "DROWN", "target_year": 2030, "operator": "<=", "value": -20.0,
         "value_hi": np.nan, "kind": "relative", "base_year": 2020}])
    return obs, targets


@pytest.fixture(scope="module")
def projection(frames):
    obs, targets = frames
    sc = parse_scenario({"name": "fast", "adjustments": [
        {"indicator": "DROWN", "operation": "annual_pct", "value": -10, "from_year": 2026}]})
    return project_frames(obs, CAT, targets, settings=ProjectionSettings(), scenario=sc, illustrative=True)


def test_forecasts_cover_the_horizon(projection):
    f = projection.forecasts
    for col in ("unit_code", "indicator_code", "year", "method", "mean", "lo80", "hi80", "lo95", "hi95", "scenario"):
        assert col in f.columns
    assert set(f["scenario"]) == {"fast"}
    vax = f[f.indicator_code == "VAX"].groupby("unit_code")["year"].agg(["min", "max"])
    assert (vax["min"] == 2026).all() and (vax["max"] == 2030).all()
    # a series without 2025 is forecast from 2025
    assert f[f.indicator_code == "DROWN"]["year"].min() == 2025
    assert (f["lo95"] <= f["mean"] + 1e-9).all() and (f["mean"] <= f["hi95"] + 1e-9).all()
    assert (f[f.indicator_code == "VAX"]["hi95"] <= 100).all() and (f["lo95"] >= 0).all()


def test_proposals_respect_policy_and_bounds(projection, frames):
    obs, _ = frames
    p = projection.proposals
    assert len(p) == 6 and set(p["scenario"]) == {"fast"}
    ms = [f"milestone_{y}" for y in range(2026, 2031)]
    assert (p["milestone_2030"] == p["target_2030"]).all()
    vax = p[p.indicator_code == "VAX"]
    assert (vax["target_2030"] >= 98.0).all() and (vax["target_2030"] <= 100).all()
    assert (vax["target_2030"] >= vax["value_2025"] - 1e-9).all()
    d = p[p.indicator_code == "DROWN"]
    base2020 = obs[(obs.indicator_code == "DROWN") & (obs.year == 2020)].set_index("unit_code")["value"]
    assert np.allclose(d.set_index("unit_code")["floor"], base2020.loc[d["unit_code"]] * 0.8)
    assert (d["target_2030"] <= d["floor"] + 1e-9).all() and (d["target_2030"] == d["target_2030"].round()).all()
    assert p["feasibility"].between(0, 1).all() and p[ms].notna().all().all()
    assert p["notes"].str.contains("dữ liệu minh họa").all()


def test_scenarios_side_by_side(projection):
    s = projection.scenarios
    assert set(s["scenario"]) == {"baseline", "fast"}
    both = s[(s.indicator_code == "DROWN") & (s.year == 2030)].pivot(index="unit_code", columns="scenario",
                                                                      values="mean")
    moving = both["baseline"] > 0  # the scenario lowers every unit whose forecast is above 0
    assert moving.any() and (both.loc[moving, "fast"] < both.loc[moving, "baseline"]).all()
    assert (both.loc[~moving, "fast"] <= both.loc[~moving, "baseline"]).all()
    cmp = compare_scenarios(s, projection.proposals, CAT)
    assert set(cmp.columns) >= {"scenario", "mean_2030", "target_2030", "feasibility"}
    assert len(cmp) == 12


def test_write_csv_and_xlsx(projection, tmp_path):
    paths = write_projection(projection, tmp_path / "proj.csv")
    assert [p.name for p in paths] == ["proj_forecasts.csv", "proj_targets.csv", "proj_scenarios.csv"]
    back = pd.read_csv(paths[1], encoding="utf-8-sig", dtype={"unit_code": str})
    assert back["target_2030"].tolist() == pytest.approx(projection.proposals["target_2030"].tolist())
    x = write_projection(projection, tmp_path / "proj.xlsx")[0]
    sheets = pd.read_excel(x, sheet_name=None)
    assert {"forecasts", "targets", "scenarios", "ghi_chu"} <= set(sheets)
    assert len(sheets["targets"]) == len(projection.proposals)
    assert not list(tmp_path.glob(".tmp-ctxh-*"))


def test_cli_project_embedded_dataset(tmp_path, capsys):
    out = tmp_path / "p.xlsx"
    rc = main(["project", "--units", "22,193", "--scenario", "accelerated", "-o", str(out)])
    assert rc == 0, capsys.readouterr().err
    sheets = pd.read_excel(out, sheet_name=None, dtype={"unit_code": str})
    t = sheets["targets"]
    assert set(t["unit_code"]) == {"22", "193"} and (t["scenario"] == "accelerated").all()
    # the province is rolled up from all its districts, so it has the district indicators too
    assert t[t.unit_code == "22"]["indicator_code"].nunique() >= t[t.unit_code == "193"]["indicator_code"].nunique()
    assert {"target_2030", "target_method", "national_floor", "milestone_2026", "milestone_2030",
            "feasibility", "stretch", "notes"} <= set(t.columns)
    assert "dữ liệu minh họa" in capsys.readouterr().out


def test_cli_errors_are_clear(tmp_path, capsys):
    assert main(["project", "-o", str(tmp_path / "p.pdf")]) == 2
    assert "csv or .xlsx" in capsys.readouterr().err
    assert main(["project", "--scenario", "no_such", "--units", "193", "-o", str(tmp_path / "p.csv")]) == 1
    err = capsys.readouterr().err
    assert "no_such" in err and "fix" in err and "Traceback" not in err
    assert main(["project", "--units", "999", "-o", str(tmp_path / "p.csv")]) == 1
    assert "999" in capsys.readouterr().err
