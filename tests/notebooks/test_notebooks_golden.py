"""Golden run of one unit with plain papermill; recorded figures checked against the input files."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from ctxh_plan.vocab import Operator
from tests.helpers.paths import ROOT

pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("notebooks")]
UNIT = "193"


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    import papermill as pm

    tmp = tmp_path_factory.mktemp("golden")
    data = tmp / "data"
    shutil.copytree(ROOT / "data" / "quang_ninh", data)
    out = tmp / "figures"
    nb = pm.execute_notebook(str(ROOT / "notebooks" / "unit_report.ipynb"), str(tmp / "unit.ipynb"),
                             parameters={"unit_code": UNIT, "dataset": str(data), "output_dir": str(out),
                                         "key_indicators": ["CT16"]},
                             progress_bar=False, kernel_name="python3", cwd=str(tmp))
    figures = json.loads((out / f"{UNIT}.json").read_text(encoding="utf-8"))
    return data, nb, figures


def _observations(data: Path) -> dict[tuple[str, int], float]:
    with open(data / "observations.csv", encoding="utf-8-sig", newline="") as fh:
        return {(r["indicator_code"], int(r["year"])): float(r["value"])
                for r in csv.DictReader(fh) if r["unit_code"] == UNIT and r.get("period", "FY") in ("", "FY")}


def test_recorded_latest_values_are_the_observed_values(golden):
    data, _, figures = golden
    obs = _observations(data)
    assert figures["unit_code"] == UNIT and figures["illustrative"] is True
    checked = 0
    for code, f in figures["indicators"].items():
        if f.get("latest_year") is None or (code, int(f["latest_year"])) not in obs:
            continue
        assert f["latest_value"] == pytest.approx(obs[(code, int(f["latest_year"]))], rel=1e-6), code
        checked += 1
    assert checked >= 10


def test_recorded_attainment_agrees_with_the_target_operator(golden):
    _, _, figures = golden
    decided = 0
    from ctxh_plan.data.catalog import load_catalog

    cat = load_catalog()
    for code, f in figures["indicators"].items():
        if f.get("attainment") not in ("met", "exceeded", "not_met") or f.get("target_value") is None:
            continue
        op = Operator.LE if cat[code].direction.value == "lower" else Operator.GE
        holds = op.holds(f["latest_value"], f["target_value"], tol=1e-6)
        assert holds == (f["attainment"] != "not_met"), (code, f)
        decided += 1
    assert decided >= 10
    counts = {}
    for f in figures["indicators"].values():
        if f.get("attainment"):
            counts[f["attainment"]] = counts.get(f["attainment"], 0) + 1
    assert counts == figures["attainment_counts"]


def test_papermill_run_shows_the_summary_and_a_2030_proposal(golden):
    _, nb, figures = golden
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if o.get("output_type") == "stream")
    assert f"{UNIT} " in text and "dữ liệu minh họa" in text
    assert figures["indicators"]["CT16"]["target_2030"] is not None
    assert 0 <= figures["indicators"]["CT16"]["target_2030"] <= 100  # a percentage
