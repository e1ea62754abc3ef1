"""Intervention models (Biểu 3): unit costs, price index, split by source; publish settings; labels."""
from __future__ import annotations

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
    parts = row["budget_central"] + row["budget_local"] + row["budget_social"]
    assert parts == pytest.approx(row["budget_total"])
    # no `funding` in the file: the 2023 split (146 classes from the budget, 28 from contributions)
    assert row["budget_social"] == pytest.approx(row["budget_total"] * 28 / 174) and row["budget_central"] == 0
    assert row["objectives"] and row["scope"] and row["timeline"] == "2026–2030"
    t4 = build_models_table(models, annual_rate_percent=4.0)
    assert (t4["budget_total"] > t["budget_total"]).all()
    assert t4["budget_total"].sum() == pytest.approx(sum(model_budget(m, y, 4.0) for m in models
                                                         for y in range(2026, 2031)))
    en = build_models_table(models, annual_rate_percent=0.0, lang="en")
    assert en.loc[0, "model"] == "Free safe-swimming classes for children"
    # agency names come from the file, not from code
    assert set(t["lead_agency"]) == {m.lead_agency["vi"] for m in models}
    assert build_models_table(models, annual_rate_percent=0.0, unit_code="193").empty


def test_budget_table_by_year_and_source():
    """Biểu 3b: a model's yearly budget, its sources adding up to it, the total of all models."""
    from ctxh_plan.present.models import build_budget_table, load_models, model_budget

    models, _ = load_models()
    b = build_budget_table(models, annual_rate_percent=4.0)
    years = [f"budget_{y}" for y in range(2026, 2031)]
    swim = next(m for m in models if m.code == "SWIM")
    row = b[(b["level"] == "model") & (b["budget_item"] == swim.text("name"))].iloc[0]
    assert [row[c] for c in years] == pytest.approx([model_budget(swim, y, 4.0) for y in range(2026, 2031)])
    total = b[b["level"] == "total"].iloc[0]
    sources = b[b["level"] == "total_source"]
    assert list(sources["budget_item"]) == ["– Ngân sách trung ương", "– Ngân sách địa phương", "– Xã hội hóa"]
    for c in (*years, "budget_total"):
        assert sources[c].sum() == pytest.approx(total[c])
        assert b[b["level"] == "model"][c].sum() == pytest.approx(total[c])
    assert total["budget_total"] == pytest.approx(sum(total[c] for c in years))


def test_bieu3_tables():
    from ctxh_plan.present.models import build_budget_table, build_models_table, load_models
    from ctxh_plan.present.settings import PublishSettings
    from ctxh_plan.present.tables import build_bieu3, build_bieu3_budget, format_cell

    models, _ = load_models()
    frame = build_models_table(models, annual_rate_percent=4.0)
    a = build_bieu3(frame, PublishSettings(annual_rate_percent=4.0))
    assert [c.key for c in a.columns][:4] == ["stt", "model", "objectives", "content"]
    assert {"scope", "timeline", "lead_agency"} <= {c.key for c in a.columns}
    b = build_bieu3_budget(build_budget_table(models, annual_rate_percent=4.0), frame,
                           PublishSettings(annual_rate_percent=4.0))
    total = b.frame.index[b.frame["budget_item"] == "Tổng cộng"][0]
    assert b.kind_of(total) == "total"
    assert b.frame.loc[total, "budget_total"] == pytest.approx(frame["budget_total"].sum())
    assert format_cell(b, total, "budget_total").count(".") >= 1  # thousands dot, one decimal
    assert "4,0" in b.notes[0] and "2023" in b.notes[0]


@pytest.mark.parametrize("body, match", [
    ("models: [{code: X, name_vi: A, lead_agency_vi: B, cost_basis: {year: 2023}}]", "cost_basis"),
    ("models: [{code: X, name_vi: A, lead_agency_vi: B, cost_basis: {year: 2023, quantity: 0, budget: 5}}]",
     "cost_basis"),
    ("models: [{code: X, name_vi: A, cost_basis: {year: 2023, unit_cost: 5}}]", "lead_agency_vi"),
    ("models: [{code: X, name_vi: A, lead_agency_vi: B, cost_basis: {year: 2023, unit_cost: 5},"
     " quantity_by_year: {2026: -1}}]", ">= 0"),
    ("models: [{code: X, name_vi: A, lead_agency_vi: B, cost_basis: {year: 2023, unit_cost: 5},"
     " funding: {central: 0.5, local: 0.2}}]", "add up to 1"),
    ("models: [{code: X, name_vi: A, lead_agency_vi: B, cost_basis: {year: 2023, unit_cost: 5},"
     " timeline: {from: 2026, to: 2027}, quantity_by_year: {2029: 3}}]", "outside the timeline"),
    ("models: [{code: X, name_vi: A, lead_agency_vi: B, cost_basis: {year: 2023, unit_cost: 5}, budjet: 3}]",
     "unknown key"),
    ("models: {}", "models"),
])
def test_bad_models_file(tmp_path, body, match):
    """Every key goes through the one settings checker: a bad one names the file, the key and the fix."""
    from ctxh_plan.present.models import load_models

    p = tmp_path / "m.yaml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(ParameterError, match=match) as err:
        load_models(p)
    assert "m.yaml" in str(err.value)


def test_models_file_not_yaml(tmp_path):
    from ctxh_plan.present.models import load_models

    p = tmp_path / "m.yaml"
    p.write_text("models: [x: :", encoding="utf-8")
    with pytest.raises(InputError, match="YAML"):
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


def test_publish_settings_appendix_options_and_relative_targets(tmp_path):
    from ctxh_plan.evaluate.settings import load_relative_min_base
    from ctxh_plan.present.settings import load_publish_settings

    s = load_publish_settings()
    assert (s.show_feasibility, s.show_method, s.show_progress) == (False, False, False)
    assert s.rate_mark == "x" and s.relative_min_base == 10 == load_relative_min_base()
    p = tmp_path / "publish.yaml"
    p.write_text("appendix: {show_feasibility: true}\nrelative_targets: {min_base: 0}\n", encoding="utf-8")
    s = load_publish_settings(p)
    assert s.show_feasibility and not s.show_method and s.relative_min_base == 0 == load_relative_min_base(p)
    for bad, key in (("appendix: {show_feasibilty: true}", "appendix.show_feasibilty"),
                     ("appendix: {show_method: 1}", "appendix.show_method"),
                     ("relative_targets: {min_base: -1}", "relative_targets.min_base"),
                     ("suppression: {rate_mark: '5'}", "suppression.rate_mark")):
        p.write_text(bad + "\n", encoding="utf-8")
        with pytest.raises(ParameterError, match=key.replace(".", r"\.")):
            load_publish_settings(p)


def test_every_table_column_has_vi_and_en_labels():
    import pandas as pd

    from ctxh_plan.present.labels import COLUMN_LABELS, TABLE_LABELS, TEXTS
    from ctxh_plan.present.settings import PublishSettings
    from ctxh_plan.present.tables import build_bieu3

    keys = {c.key for c in build_bieu3(pd.DataFrame(columns=["base_year"]), PublishSettings()).columns}
    keys |= {"stt", "indicator", "unit_of_measure", "baseline_2020", "target_2025", "attainment", "certainty",
             "percent_of_target", "estimate_2025", "planned_change_share", "progress_category", "note",
             "baseline_2025", "target_2030", "province_target", "national_target", "lead_agency", "target_method",
             "feasibility", "values_2021_2025", "milestones", "budget", "budget_item", "budget_total",
             "budget_central", "budget_local", "budget_social"}
    for k in keys:
        vi, en = COLUMN_LABELS[k]
        assert vi and en
    for v in TEXTS.values():
        assert len(v) == 2 and all(v)
    assert set(TABLE_LABELS) >= {"bieu1", "bieu2", "bieu3", "bieu3_budget"}
