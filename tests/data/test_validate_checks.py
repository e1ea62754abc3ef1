"""validation: file-level number style, collected problems, languages, typed output."""
from __future__ import annotations

import pytest

from ctxh_plan.data.catalog import load_catalog
from ctxh_plan.data.frames import PROBLEM_COLUMNS
from ctxh_plan.data.units import load_units
from ctxh_plan.data.validation import check_files, validate_paths
from tests.helpers.paths import BAD

H = "unit_code,indicator_code,year,value,numerator,denominator\n"


@pytest.fixture(scope="module")
def ctx():
    return {"catalog": load_catalog(BAD / "catalog.yaml"), "units": load_units("22")}


def _check(tmp_path, ctx, text, name="o.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return check_files([p], [], **ctx)


def test_file_style_applied_to_every_cell(tmp_path, ctx):
    vi = _check(tmp_path, ctx, H + '22,POP_U16,2020,1.234,,\n193,CT05,2020,"12,5",,\n', "vi.csv")
    assert vi.observations["value"].tolist() == [1234.0, 12.5] and vi.problems.empty
    en = _check(tmp_path, ctx, H + '22,POP_U16,2020,"1,234",,\n193,CT05,2020,12.5,,\n', "en.csv")
    assert en.observations["value"].tolist() == [1234.0, 12.5] and en.problems.empty


def test_all_problems_collected_in_one_table(tmp_path, ctx):
    res = _check(tmp_path, ctx, H + "22,TNTT_DEATHS,2020,-1,,\n22,CT05,1899,abc,,\n777,CT05,2020,50,,\n"
                                     "777,CT05,2021,50,,\n")
    p = res.problems
    assert list(p.columns) == list(PROBLEM_COLUMNS)
    by_row = p.groupby("row")["column"].apply(set).to_dict()
    assert by_row[2] == {"value"} and by_row[3] == {"year", "value"} and by_row[4] == {"unit_code"}
    unknown = p[p["column"] == "unit_code"]
    assert len(unknown) == 1 and "+1" in unknown["problem"].iloc[0]  # repeated code reported once
    assert res.observations.empty and res.n_errors == 4


def test_ratio_value_computed_and_mismatch_warned(tmp_path, ctx):
    res = _check(tmp_path, ctx, H + "193,CT05,2020,,980,1000\n193,CT05,2021,90,980,1000\n")
    assert res.observations["value"].tolist() == [98.0, 90.0]
    w = res.problems
    assert (w["severity"] == "warning").all() and w["row"].tolist() == [3]


def test_languages(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text(H + "22,CT05,2020,150,,\n", encoding="utf-8")
    vi = validate_paths([p], catalog=BAD / "catalog.yaml")
    en = validate_paths([p], catalog=BAD / "catalog.yaml", lang="en")
    assert "giới hạn" in vi["problem"].iloc[0] and "above the bound" in en["problem"].iloc[0]
    assert vi["severity"].iloc[0] == en["severity"].iloc[0] == "error"


def test_tidy_excel_and_years_option(tmp_path, ctx):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Mã đơn vị", "Mã chỉ tiêu", "Năm", "Giá trị"])
    ws.append(["193", "TNTT_DEATHS", 1995, 4])
    ws.append(["193", "TNTT_DEATHS", 1996, "5"])
    wb.save(tmp_path / "t.xlsx")
    res = check_files([tmp_path / "t.xlsx"], [], years=(1990, 2030), **ctx)
    assert res.problems.empty and res.observations["year"].tolist() == [1995, 1996]
    assert check_files([tmp_path / "t.xlsx"], [], **ctx).n_errors == 2


def test_problems_frame_satisfies_schema(tmp_path, ctx):
    from ctxh_plan.data.frames import problems_schema

    res = _check(tmp_path, ctx, H + "22,TNTT_DEATHS,2020,abc,,\n22,TNTT_DEATHS,2022,3,,\n22,TNTT_DEATHS,2020,4,,\n")
    problems_schema().validate(res.problems)
    assert set(res.problems["severity"]) == {"error", "warning"}  # text error + gap 2021


def test_excel_date_in_number_cell_is_an_error(tmp_path, ctx):
    import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "193 Hạ Long"
    ws.append(["Mã chỉ tiêu", 2022, 2023])
    ws.append(["TNTT_DEATHS", 3, datetime.datetime(2023, 5, 1)])  # Excel turned "1.5" into a date
    wb.save(tmp_path / "d.xlsx")
    res = check_files([tmp_path / "d.xlsx"], [], **ctx)
    err = res.problems[res.problems["severity"] == "error"]
    assert len(err) == 1 and err["row"].iloc[0] == 2 and err["column"].iloc[0] == "C: 2023"
    assert res.observations["value"].tolist() == [3.0]
