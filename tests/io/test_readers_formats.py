"""Readers: tidy CSV variants and wide Excel layouts, with provenance."""
from __future__ import annotations

import codecs
import unicodedata

import pytest

from ctxh_plan.errors import InputError
from ctxh_plan.io.csvfile import decode_bytes
from ctxh_plan.io.headers import parse_year_header
from ctxh_plan.io.readers import read_observations, read_targets
from tests.helpers.paths import BAD


def test_tidy_csv_semicolon_bom_rows_and_codes(tmp_path):
    text = ("Mã đơn vị;Mã chỉ tiêu;Năm;Giá trị;Ghi chú\n"
            "06655;POP_U16;2020;49.980;\"dòng\nhai dòng\"\n"
            "\n"
            "193;CT05;2021;12,5%;\n")
    p = tmp_path / "o.csv"
    p.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    table = read_observations(p)
    df = table.frame
    assert list(df["unit_code"]) == ["06655", "193"]  # leading zero kept, code stays text
    assert list(df["value"]) == ["49.980", "12,5%"]  # raw: nothing interpreted yet
    assert list(df["_row"]) == [2, 5]  # multi-line quoted note and blank line counted like an editor
    assert set(df["_file"]) == {str(p)}
    assert table.problems == []


def test_text_is_nfc(tmp_path):
    nfd = unicodedata.normalize("NFD", "Số liệu tổng hợp")
    p = tmp_path / "o.csv"
    p.write_text(f"unit_code,indicator_code,year,value,note\n22,X,2020,1,{nfd}\n", encoding="utf-8")
    assert read_observations(p).frame["note"].iloc[0] == unicodedata.normalize("NFC", nfd)


def test_decode_legacy_and_refusal():
    text, enc = decode_bytes((BAD / "legacy_cp1258.csv").read_bytes())
    assert enc == "cp1258" and "Báo cáo của Sở" in text
    with pytest.raises(InputError) as exc:
        decode_bytes((BAD / "legacy_tcvn3.csv").read_bytes(), "x.csv")
    assert "UTF-8" in exc.value.fix and exc.value.where.row == 2
    with pytest.raises(InputError):
        decode_bytes("café crème".encode("latin-1"))  # not Vietnamese: refused rather than guessed


def test_missing_columns_recorded_not_raised(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text("unit_code,year\n22,2020\n", encoding="utf-8")
    keys = {(x["key"], x.get("column")) for x in read_observations(p).problems}
    assert ("missing_column", "indicator_code") in keys and ("missing_column", "value") in keys


@pytest.mark.parametrize("cell, expected", [
    (2019, (2019, "FY", False)), ("Năm 2019", (2019, "FY", False)), ("2025 (6 tháng)", (2025, "H1", False)),
    ("2025 (9 tháng)", (2025, "9M", False)), ("2025 (ước)", (2025, "FY", True)),
    ("Năm 2025 (ước thực hiện)", (2025, "FY", True)), ("2024 (Quý 2)", (2024, "Q2", False)),
    ("2025 (kế hoạch)", "unknown"), ("Mã chỉ tiêu", None), (3.5, None), ("20255", None),
])
def test_year_headers(cell, expected):
    assert parse_year_header(cell) == expected


def test_wide_merged_two_row_header():
    table = read_observations(BAD / "wide_merged_ok.xlsx")
    df = table.frame
    assert set(df["unit_code"]) == {"193"}
    got = {(r.indicator_code, r.year, r.period, r.flag): r.value for r in df.itertuples()}
    assert got[("TNTT_DEATHS", "2023", "FY", "")] == 5
    assert got[("TNTT_DEATHS", "2024", "FY", "estimate")] == "4"
    assert got[("TNTT_DEATHS", "2025", "H1", "")] == 2
    assert got[("POP_U16", "2023", "FY", "")] == "49.980"
    # notes rows ("Ghi chú…", "Nguồn…" with a number in it) are not data
    assert 123 not in set(df["value"]) and len(df) == 8
    rows = dict(zip(df["indicator_code"], df["_row"]))
    assert rows == {"TNTT_DEATHS": 6, "POP_U16": 7, "CT05": 9}
    assert set(df["_sheet"]) == {"193 Hạ Long"}
    assert df.loc[df["indicator_code"] == "POP_U16", "note"].iloc[0] == "số làm tròn"


def test_wide_sheet_per_unit(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    for i, (name, v) in enumerate([("193 Hạ Long", 5), ("194 Móng Cái", 7)]):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        ws.append(["Mã chỉ tiêu", "Tên chỉ tiêu", "2022", "2023"])
        ws.append(["TNTT_DEATHS", "Tử vong do TNTT", v, "1.234"])
    readme = wb.create_sheet("Hướng dẫn")
    readme["A1"] = "Điền số liệu theo mẫu"
    wb.save(tmp_path / "o.xlsx")
    table = read_observations(tmp_path / "o.xlsx")
    df = table.frame
    assert sorted(set(df["unit_code"])) == ["193", "194"] and len(df) == 4
    assert [p["key"] for p in table.problems] == ["sheet_skipped"]


def test_unsupported_and_empty(tmp_path):
    with pytest.raises(InputError):
        read_observations(BAD / "old_format.xls")
    with pytest.raises(InputError) as exc:
        read_observations(BAD / "empty.csv")
    assert "empty" in str(exc.value)


def test_read_targets_columns(tmp_path):
    p = tmp_path / "targets.csv"
    p.write_text("scope,indicator_code,target_year,operator,value,kind,base_year\n22,X,2030,<=,-20,relative,2020\n",
                 encoding="utf-8")
    table = read_targets(p)
    df = table.frame
    assert df.loc[0, "base_year"] == "2020" and table.problems == []


def test_sep_hint_line_and_hidden_sheet(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text("sep=;\nunit_code;indicator_code;year;value\n22;X;2020;28\n", encoding="utf-8")
    table = read_observations(p)
    df = table.frame
    assert df["value"].tolist() == ["28"] and df["_row"].tolist() == [3]
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "193"
    wb.active.append(["Mã chỉ tiêu", 2023])
    wb.active.append(["X", 1])
    hidden = wb.create_sheet("194")
    hidden.append(["Mã chỉ tiêu", 2023])
    hidden.append(["X", 2])
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "h.xlsx")
    table = read_observations(tmp_path / "h.xlsx")
    df = table.frame
    assert df["unit_code"].tolist() == ["193"]
    assert [(x["key"], x["sheet"]) for x in table.problems] == [("hidden_sheet", "194")]


def test_short_rows_padded_long_rows_refused(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text("unit_code,indicator_code,year,value,note\n22,X,2020,28\n22,X,2021\n22,X,2022,98,5,x\n",
                 encoding="utf-8")
    table = read_observations(p)
    df = table.frame
    assert df["_row"].tolist() == [2] and df["note"].tolist() == [""]
    assert [(x["key"], x["row"]) for x in table.problems] == [("field_count", 3), ("field_count", 4)]


def test_formula_without_saved_value_is_reported(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "193"
    ws.append(["Mã chỉ tiêu", 2022, 2023])
    ws.append(["X", 3, "=B2+1"])  # openpyxl saves the formula without a result
    wb.save(tmp_path / "f.xlsx")
    table = read_observations(tmp_path / "f.xlsx")
    df = table.frame
    assert df["value"].tolist() == [3]
    assert [(p["key"], p["row"], p["column"]) for p in table.problems] == [("formula_no_value", 2, "C")]
