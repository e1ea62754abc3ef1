"""The adopted plan: proposals (edited in Excel) → adopted-targets file, the diff against the proposal,
targets weaker than the national floor warned about, the file checked like any targets file."""
from __future__ import annotations

import math
import shutil

import pytest

from tests.helpers.paths import QN26


@pytest.fixture(scope="module")
def setup():
    from ctxh_plan.data.catalog import load_catalog
    from ctxh_plan.data.units import load_units
    from ctxh_plan.tracking.adopt import read_proposals

    cat, units = load_catalog(), load_units("22", as_of="2025-07-01")
    return cat, units, read_proposals(QN26 / "de_xuat_chi_tieu.xlsx"), read_proposals(
        QN26 / "de_xuat_chi_tieu_da_sua.xlsx")


@pytest.fixture(scope="module")
def adoption(setup):
    from ctxh_plan.tracking.adopt import adopt_proposals

    cat, units, original, edited = setup
    return adopt_proposals(edited, catalog=cat, units=units, document_number="25/QĐ-UBND",
                           document_date="2026-01-20", set_by="UBND tỉnh Quảng Ninh", original=original)


def test_plan_has_targets_milestones_operator_document_and_who(adoption):
    p = adoption.plan
    assert not (adoption.problems["severity"] == "error").any()
    row = p[(p["unit_code"] == "22") & (p["indicator_code"] == "CT16")].iloc[0]
    assert row["target_2030"] == 99.8 and row["milestone_2030"] == 99.8 and row["operator"] == ">="
    assert row["document_number"] == "25/QĐ-UBND" and row["document_date"] == "2026-01-20"
    assert row["set_by"] == "UBND tỉnh Quảng Ninh"
    untouched = p[(p["unit_code"] == "22") & (p["indicator_code"] == "CT05a")].iloc[0]
    assert untouched["set_by"] == "theo đề xuất"
    lower = p[p["indicator_code"] == "TNTT_DEATHS"]
    assert set(lower["operator"]) == {"<="}
    # one row per unit, indicator and year in the targets-file form
    t = adoption.targets
    assert len(t) == 5 * len(p) - int(p[[f"milestone_{y}" for y in range(2026, 2030)]].isna().sum().sum())
    assert set(t["kind"]) == {"absolute"} and set(t["target_year"]) == {2026, 2027, 2028, 2029, 2030}


def test_diff_lists_what_changed_and_by_whom(adoption, setup):
    _, _, original, edited = setup
    d = adoption.diff
    info = d[d["severity"] == "info"]
    changed = info[info["message"].str.startswith("đã sửa")]
    # every changed value of the edited copy is listed, with who set it (the copy's set_by column)
    e = edited.set_index(["unit_code", "indicator_code"])
    for r in changed.to_dict("records"):
        assert e.loc[(r["unit_code"], r["indicator_code"]), "set_by"] == r["set_by"] != ""
        assert r["adopted"] == e.loc[(r["unit_code"], r["indicator_code"]), r["field"]]
    o = original.set_index(["unit_code", "indicator_code"])
    fields = [f"milestone_{y}" for y in range(2026, 2030)] + ["target_2030"]
    expected = {(k, f) for k, r in e[e["set_by"] != ""].iterrows() for f in fields
                if not math.isclose(float(r[f]), float(o.loc[k, f]))}
    assert {((r["unit_code"], r["indicator_code"]), r["field"]) for r in changed.to_dict("records")} == expected
    assert len(expected) >= 4
    dropped = info[info["message"].str.startswith("đã bỏ")]
    assert len(dropped) == 1 and dropped["indicator_code"].iloc[0] == "CT22"
    assert len(original) - len(edited) == 1


def test_targets_weaker_than_the_national_floor_warn(adoption):
    d = adoption.diff
    w = d[d["severity"] == "warning"]
    assert set(w["indicator_code"]) == {"CT14", "CT05a"}
    assert all(w["weaker_than_floor"]) and len(adoption.warnings) == 2
    for r in w.to_dict("records"):
        row = adoption.plan[(adoption.plan["unit_code"] == r["unit_code"])
                            & (adoption.plan["indicator_code"] == r["indicator_code"])].iloc[0]
        assert row["target_2030"] < r["national_floor"]      # higher is better: below the floor is weaker
        assert "yếu hơn mức tối thiểu quốc gia" in row["note"]  # recorded in the plan, not silently accepted


def test_file_round_trip_and_validate(tmp_path, adoption, setup):
    from ctxh_plan.data.validation import validate_paths
    from ctxh_plan.tracking.adopt import load_adopted_plan, write_adoption

    cat, units, _, _ = setup
    shutil.copy(QN26 / "dataset.yaml", tmp_path / "dataset.yaml")  # units as of 2025-07-01
    out = tmp_path / "adopted_targets.csv"
    write_adoption(adoption, out)
    back = load_adopted_plan(out, catalog=cat, units=units)
    a = adoption.plan.sort_values(["unit_code", "indicator_code"]).reset_index(drop=True)
    b = back.plan.sort_values(["unit_code", "indicator_code"]).reset_index(drop=True)
    assert list(a["unit_code"]) == list(b["unit_code"]) and list(a["operator"]) == list(b["operator"])
    for c in ("target_2030", "milestone_2026", "milestone_2028"):
        assert all(math.isclose(x, y) or (math.isnan(x) and math.isnan(y)) for x, y in zip(a[c], b[c])), c
    assert list(a["set_by"]) == list(b["set_by"]) and list(a["note"]) == list(b["note"])
    assert back.documents() == ["Quyết định số 25/QĐ-UBND ngày 20/01/2026"]
    problems = validate_paths([out])
    assert len(problems) == 0, problems.to_string()


def test_committed_plan_is_the_adoption_of_the_committed_edit(adoption):
    import pandas as pd

    committed = pd.read_csv(QN26 / "adopted_targets.csv", dtype=str, keep_default_na=False)
    assert len(committed) == len(adoption.targets)
    assert set(committed.columns) >= {"scope", "indicator_code", "target_year", "operator", "value", "document_number",
                                      "document_date", "set_by"}


def test_cli_adopt_prints_diff_and_warnings(tmp_path, capsys):
    from ctxh_plan.cli import main

    out = tmp_path / "plan.csv"
    code = main(["adopt", str(QN26 / "de_xuat_chi_tieu_da_sua.xlsx"), "--proposal", str(QN26 / "de_xuat_chi_tieu.xlsx"),
                 "--document", "25/QĐ-UBND", "--date", "2026-01-20", "--set-by", "UBND tỉnh", "-o", str(out),
                 "--diff", str(tmp_path / "diff.csv")])
    cap = capsys.readouterr()
    assert code == 0 and out.is_file() and (tmp_path / "diff.csv").is_file()
    assert "CT16 target_2030" in cap.out and "UBND tỉnh Quảng Ninh" in cap.out
    assert cap.err.count("CẢNH BÁO") == 2 and "national floor" in cap.err


def test_cli_adopt_refuses_to_write_over_an_input_and_bad_values(tmp_path, capsys):
    from openpyxl import load_workbook

    from ctxh_plan.cli import main

    src = tmp_path / "de_xuat.xlsx"
    shutil.copy(QN26 / "de_xuat_chi_tieu.xlsx", src)
    assert main(["adopt", str(src), "-o", str(src)]) == 2
    # a count target with a decimal part: refused with file, row and column, nothing written
    wb = load_workbook(src)
    ws = wb["targets"]
    head = [c.value for c in ws[1]]
    col = head.index("indicator_code") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col).value == "TNTT_DEATHS")
    ws.cell(row, head.index("target_2030") + 1).value = "2,5"
    wb.save(src)
    out = tmp_path / "plan.csv"
    capsys.readouterr()
    assert main(["adopt", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert not out.exists() and f"dòng/row {row}" in err and "TNTT_DEATHS" in err
