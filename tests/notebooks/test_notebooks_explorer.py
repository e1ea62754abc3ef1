"""Scenario explorer: changing a choice updates the chart, milestones and probability; what it shows is in
Vietnamese, with each indicator's decimals, small sensitive counts hidden, and a reason when a choice
changes nothing (no kernel needed)."""
from __future__ import annotations

import re

import IPython.display
import pytest

from ctxh_plan.batch.nbparams import check_params
from ctxh_plan.errors import ParameterError
from ctxh_plan.reports.explorer import build_explorer

pytestmark = pytest.mark.notebooks

PARAMS = {"unit_code": "193", "indicator_code": "CT11b", "target_method": "stretch", "dataset": "",
          "scenario": "baseline", "lang": "vi", "rebase_to": ""}
#: English vocabulary values that must not reach a Vietnamese screen
ENGLISH = ("trend", "floor", "baseline", "maintain", "stretch", "required", "no_backsliding", "method")


@pytest.fixture
def shown(monkeypatch):
    seen: list = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: seen.extend(objs))
    return seen


def _html(objs) -> str:
    return "\n".join(o.data for o in objs if isinstance(o, IPython.display.HTML))


def _visible_text(page: str) -> str:
    """The text a reader sees: no tags, no embedded images, no style sheet."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r'src="data:[^"]*"', " ", page)
    return re.sub(r"<[^>]+>", " ", page)


def _widgets(box) -> dict:
    found = {}
    stack = [box]
    while stack:
        w = stack.pop()
        stack.extend(getattr(w, "children", ()))
        if getattr(w, "description", ""):
            found[w.description] = w
    return found


def test_choices_update_chart_milestones_and_probability(shown):
    box = build_explorer(check_params("scenario_explorer", dict(PARAMS)))
    html = _html(shown)
    assert "Dữ liệu minh họa" in html and "Xác suất đạt chỉ tiêu 2030" in html
    assert html.count("<img") == 1 and 'alt="Biểu đồ Tỷ suất trẻ em tử vong do tai nạn thương tích' in html
    w = _widgets(box)
    shown.clear()
    w["Phương pháp"].value = "maintain"
    assert "Duy trì" in _html(shown) and _html(shown) != html
    shown.clear()
    w["Chỉ tiêu"].value = "CT16"
    assert "<img" in _html(shown)


def test_labels_are_vietnamese_names_full_and_counts_whole(shown):
    box = build_explorer(check_params("scenario_explorer", dict(PARAMS, indicator_code="COMM_REACHED",
                                                                target_method="")))
    w = _widgets(box)
    labels = [label for label, _code in w["Chỉ tiêu"].options]
    from ctxh_plan.data.catalog import load_catalog

    cat = load_catalog()
    assert labels[0].startswith(cat[cat.codes()[0]].name_vi) and not any(label[:6].isupper() for label in labels)
    assert all(len(label) > 0 and "…" not in label for label in labels)  # full names, not cut at 70 characters
    assert next(label for label, _ in w["Kịch bản"].options) == "Cơ sở (theo xu hướng)"
    text = _visible_text(_html(shown))
    assert not [word for word in ENGLISH if re.search(rf"\b{word}\b", text)], text
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", _html(shown))
    numbers = [c for c in cells if re.fullmatch(r"[\d.,]+", c.strip())]
    assert numbers and not [c for c in numbers if "," in c], numbers  # a count: 3.142, never 3.142,00
    for value in ("trend", "auto", "accelerated"):  # every method and scenario keeps Vietnamese labels
        shown.clear()
        if value == "accelerated":
            w["Kịch bản"].value = value
        else:
            w["Phương pháp"].value = value
        text = _visible_text(_html(shown))
        assert not [word for word in ENGLISH if re.search(rf"\b{word}\b", text)], (value, text)


def test_a_choice_that_changes_nothing_says_why(shown):
    # budget_cut adjusts swimming, communication and drowning figures, not the injury mortality rate
    box = build_explorer(check_params("scenario_explorer", dict(PARAMS, target_method="")))
    w = _widgets(box)
    shown.clear()
    w["Kịch bản"].value = "budget_cut"
    assert "không điều chỉnh chỉ tiêu này" in _html(shown)
    # the automatic choice already maintains abuse cases: choosing "Duy trì" by hand changes nothing
    w["Kịch bản"].value = "baseline"
    w["Chỉ tiêu"].value = "ABUSE_CASES"
    shown.clear()
    w["Phương pháp"].value = "maintain"
    page = _html(shown)
    assert "cho cùng chỉ tiêu với cách chọn tự động" in page
    shown.clear()
    w["Phương pháp"].value = "auto"  # the default needs no explanation
    assert "cách chọn tự động" not in _html(shown)


def test_sensitive_small_counts_follow_the_publishing_threshold_on_screen(shown):
    """Bình Liêu's abuse cases are below the threshold in some years: no chart, and the table shows no
    count between 1 and 4."""
    from ctxh_plan.present import load_publish_settings

    threshold = load_publish_settings().threshold
    build_explorer(check_params("scenario_explorer", dict(PARAMS, unit_code="198", indicator_code="ABUSE_CASES",
                                                          target_method="")))
    page = _html(shown)
    assert "<img" not in page and "nhạy cảm" in page
    cells = [c.strip() for c in re.findall(r"<td[^>]*>([^<]*)</td>", page)]
    small = [c for c in cells if re.fullmatch(r"\d+", c) and 0 < int(c) < threshold]
    assert not small, cells


def test_unknown_starting_choice_is_a_parameter_error():
    with pytest.raises(ParameterError) as ei:
        build_explorer(check_params("scenario_explorer", dict(PARAMS, target_method="magic")))
    assert ei.value.key == "target_method" and "stretch" in str(ei.value)
