"""Scenario explorer: changing a choice updates the chart, milestones and probability (no kernel needed)."""
from __future__ import annotations

import IPython.display
import pytest

from ctxh_plan.batch.nbparams import check_params
from ctxh_plan.errors import ParameterError
from ctxh_plan.reports.explorer import build_explorer

pytestmark = pytest.mark.notebooks

PARAMS = {"unit_code": "193", "indicator_code": "CT11b", "target_method": "stretch", "dataset": "",
          "scenario": "baseline", "lang": "vi", "rebase_to": ""}


@pytest.fixture
def shown(monkeypatch):
    seen: list = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: seen.extend(objs))
    return seen


def _html(objs) -> str:
    return "\n".join(o.data for o in objs if isinstance(o, IPython.display.HTML))


def test_choices_update_chart_milestones_and_probability(shown):
    box = build_explorer(check_params("scenario_explorer", dict(PARAMS)))
    first = list(shown)
    html = _html(first)
    assert "Dữ liệu minh họa" in html and "Xác suất đạt chỉ tiêu 2030" in html
    assert any(isinstance(o, IPython.display.Image) for o in first)
    _unit_w, ind_w = box.children[0].children
    _scen_w, meth_w = box.children[1].children
    shown.clear()
    meth_w.value = "maintain"
    assert "maintain" in _html(shown) or "Duy trì" in _html(shown)
    assert _html(shown) != html
    shown.clear()
    ind_w.value = "CT16"
    assert any(isinstance(o, IPython.display.Image) for o in shown)


def test_unknown_starting_choice_is_a_parameter_error():
    with pytest.raises(ParameterError) as ei:
        build_explorer(check_params("scenario_explorer", dict(PARAMS, target_method="magic")))
    assert ei.value.key == "target_method" and "stretch" in str(ei.value)
