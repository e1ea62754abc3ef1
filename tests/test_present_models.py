"""Intervention models (Biểu 3): unit costs, price index, split by source; publish settings; labels."""
from __future__ import annotations

import math

import pytest

from ctxh_plan.errors import InputError, ParameterError


def test_swimming_unit_cost_from_2023_facts():
    from ctxh_plan.present.models import load_models, model_budget

    models, meta = load_models()
    swim = next(m for m in models if m.code == "SWIM")
    assert swim.unit_cost == pytest.approx(2092 / 174)  # 12.02 million VND per class (2023 prices)
    assert swim.base_year == 2023
    assert swim.state_share == pytest.approx(146 / 174)
    assert meta["illustrative"] is True and meta["province_code"] == "22"
    # 180 classes in 2026 at 4 % a year from 2023
    assert model_budget(swim, 2026, 4.0) == pytest.approx(180 * 2092 / 174 * 1.04 ** 3)
    assert model_budget(swim, 2031, 4.0) == 0.0  # no quantity planned


def test_models_table_sums_and_sources():
    from ctxh_plan.present.models import build_models_table, load_models, model_budget

    models, _ = load_models()
    t = build_models_table(models, annual_rate_percent=0.0)
    assert list(t["stt"]) == list(range(1, len(models) + 1))
    row = t[t["model_code"] == "SWIM"].iloc[0]
    q = 180 + 190 + 200 + 200 + 210
    assert row["quantity"] == q
    assert row["budget_total"] == pytest.approx(q * 2092 / 174)
    assert row["budget_state"] + row["budget_private"] == pytest.approx(row["budget_total"])
    assert row["budget_private"] == pytest.approx(row["budget_total"] * 28 / 174)
    t4 = build_models_table(models, annual_rate_percent=4.0)
    assert (t4["budget_total"] > t["budget_total"]).all()
    assert t4["budget_total"].sum() == pytest.approx(sum(model_budget(m, y, 4.0) for m in models
                                                         for y in range(2026, 2031)))
    en = build_models_table(models, annual_rate_percent=0.0, lang="en")
    assert en.loc[0, "model"] == "Free safe-swimming classes for children"
    # agency names come from the file, not from code
    assert set(t["lead_agency"]) == {m.lead_agency["vi"] for m in models}
    assert build_models_table(models, annual_rate_percent=0.0, unit_code="193").empty


def test_bieu3_total_row():
    from ctxh_plan.present.models import build_models_table, load_models
    from ctxh_plan.present.settings import PublishSettings
    from ctxh_plan.present.tables import build_bieu3

    models, _ = load_models()
    frame = build_models_table(models, annual_rate_percent=4.0)
    table = build_bieu3(frame, PublishSettings(annual_rate_percent=4.0))
    last = table.frame.iloc[-1]
    assert table.total_row and last["model"] == "Tổng cộng"
    assert last["budget_total"] == pytest.approx(frame["budget_total"].sum())
    assert math.isnan(last["quantity"])
    assert "4,0" in table.notes[0] and "2023" in table.notes[0]


@pytest.mark.parametrize("body, match", [
    ("models: [{code: X, name_vi: A, lead_agency_vi: B, cost_basis: {year: 2023}}]", "cost_basis"),
    ("models: [{code: X, name_vi: A, lead_agency_vi: B, cost_basis: {year: 2023, quantity: 0, budget: 5}}]",
     "cost_basis"),
    ("models: [{code: X, name_vi: A, cost_basis: {year: 2023, unit_cost: 5}}]", "lead_agency_vi"),
    ("models: [{code: X, name_vi: A, lead_agency_vi: B, cost_basis: {year: 2023, unit_cost: 5},"
     " quantity_by_year: {2026: -1}}]", ">= 0"),
    ("models: {}", "models"),
    ("models: [x: :", "YAML"),
])
def test_bad_models_file(tmp_path, body, match):
    from ctxh_plan.present.models import load_models

    p = tmp_path / "m.yaml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        load_models(p)


def test_publish_settings(tmp_path):
    from ctxh_plan.present.settings import load_publish_settings

    s = load_publish_settings()
    assert s.threshold == 5 and s.mark == "<5" and s.doc("issuing_body") == "Ủy ban nhân dân tỉnh Quảng Ninh"
    p = tmp_path / "publish.yaml"
    p.write_text("suppression: {threshold: 3, mark: '*'}\n", encoding="utf-8")
    s = load_publish_settings(p)
    assert (s.threshold, s.mark, s.annual_rate_percent) == (3, "*", 4.0)
    p.write_text("suppression: {threshold: 0}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="threshold"):
        load_publish_settings(p)
    with pytest.raises(InputError):
        load_publish_settings(tmp_path / "missing.yaml")


def test_every_table_column_has_vi_and_en_labels():
    import pandas as pd

    from ctxh_plan.present.labels import COLUMN_LABELS, TABLE_LABELS, TEXTS
    from ctxh_plan.present.settings import PublishSettings
    from ctxh_plan.present.tables import build_bieu3

    keys = {c.key for c in build_bieu3(pd.DataFrame(columns=["base_year"]), PublishSettings()).columns}
    keys |= {"stt", "indicator", "unit_of_measure", "baseline_2020", "target_2025", "attainment",
             "planned_change_share", "progress_category", "note", "baseline_2025", "target_2030",
             "national_floor", "target_method", "feasibility", "values_2021_2025", "milestones", "budget"}
    for k in keys:
        vi, en = COLUMN_LABELS[k]
        assert vi and en
    for v in TEXTS.values():
        assert len(v) == 2 and all(v)
    assert set(TABLE_LABELS) >= {"bieu1", "bieu2", "bieu3"}
