"""The frame contract: the frames the library builds from the embedded dataset satisfy the schemas of
``ctxh_plan.data.frames``, and the schemas reject what they should."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from ctxh_plan.data import frames as F

# these tests use the embedded plan (load_plan("") / the embedded_plan fixture): one worker computes it
pytestmark = pytest.mark.xdist_group("embedded_plan")


@pytest.fixture(scope="module")
def plan():
    from ctxh_plan.reports.plan import load_plan

    return load_plan()


def test_embedded_frames_satisfy_their_schemas(plan):
    ds = plan.dataset
    assert F.schema_problems(ds.observations, F.observations_schema()) == []
    assert F.schema_problems(ds.targets, F.targets_schema()) == []
    assert F.schema_problems(ds.units.frame, F.units_schema()) == []
    assert list(ds.observations.columns) == list(F.OBSERVATION_COLUMNS)
    ev = plan.evaluation()
    assert list(ev.columns) == list(F.EVALUATION_COLUMNS)
    assert F.schema_problems(ev, F.evaluation_schema()) == []
    proj = plan.projection()
    assert list(proj.forecasts.columns[:len(F.FORECAST_COLUMNS)]) == list(F.FORECAST_COLUMNS)
    assert F.schema_problems(proj.forecasts, F.forecasts_schema()) == []
    assert F.schema_problems(proj.proposals, F.proposals_schema()) == []


def test_forecast_schema_rejects_an_interval_that_does_not_hold_the_mean():
    bad = pd.DataFrame({"unit_code": ["193"], "indicator_code": ["X"], "year": [2026], "method": ["naive"],
                        "mean": [5.0], "lo80": [6.0], "hi80": [7.0], "lo95": [1.0], "hi95": [9.0]})
    rows = F.schema_problems(bad, F.forecasts_schema())
    assert rows and any("lo80 <= mean <= hi80" in r["problem"] for r in rows)


def test_proposal_schema_rejects_a_probability_above_one():
    bad = pd.DataFrame({"unit_code": ["193"], "indicator_code": ["X"], "target_2030": [1.0], "feasibility": [1.4],
                        **{f"milestone_{y}": [1.0] for y in range(2026, 2031)}})
    assert any(r["column"] == "feasibility" for r in F.schema_problems(bad, F.proposals_schema()))


def test_coerce_observations_types_and_refuses_text_in_a_number_cell():
    raw = pd.DataFrame({"unit_code": [193], "indicator_code": ["CT16"], "year": ["2024"], "value": ["12.5"]})
    out = F.coerce_observations(raw)
    assert list(out.columns) == list(F.OBSERVATION_COLUMNS)
    assert out.loc[0, "unit_code"] == "193" and out.loc[0, "period"] == "FY" and out.loc[0, "value"] == 12.5
    assert math.isnan(out.loc[0, "numerator"])
    from ctxh_plan.errors import InputError

    with pytest.raises(InputError) as exc:
        F.coerce_observations(raw.assign(value=["mười"]))
    assert exc.value.where.column == "value" and exc.value.where.row == 2


def test_frame_records_are_the_records_pandas_gives():
    import numpy as np

    frame = pd.DataFrame({
        "text": pd.Series(["a", None, "c"], dtype="str"),
        "string_na": pd.array(["x", None, "z"], dtype="string"),
        "number": [1.5, np.nan, 3.0],
        "whole": [1, 2, 3],
        "nullable": pd.array([1, None, 3], dtype="Int64"),
        "flag": pd.array([True, None, False], dtype="boolean"),
        "day": pd.to_datetime(["2025-07-01", None, "2026-01-01"]),
        "kind": pd.Categorical(["p", "q", None]),
        "obj": [object, None, "s"],
    })
    want, got = frame.to_dict("records"), F.frame_records(frame)
    assert len(got) == 3 and [list(r) for r in got] == [list(r) for r in want]
    for w, g in zip(want, got):
        for key in w:
            assert type(w[key]) is type(g[key]) and repr(w[key]) == repr(g[key]), key
    assert F.frame_records(frame.iloc[:0]) == []
    assert F.frame_records(pd.DataFrame(index=range(2))) == [{}, {}]
