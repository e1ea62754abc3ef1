"""Regenerate the malformed-input corpus (run: .venv/bin/python tests/data/bad/make_corpus.py).

Each file exercises one problem; CASES.csv says what `ctxh-plan validate` must
answer (exit code and words of the message). Text files are written byte for
byte so that encodings, BOMs and separators are exactly what a user would send.
Units are Quảng Ninh codes (22 province, 193 Hạ Long, 194 Móng Cái …); indicator
codes come from catalog.yaml beside this script.
"""
from __future__ import annotations

import codecs
from pathlib import Path

HERE = Path(__file__).resolve().parent
H = "unit_code,indicator_code,year,value"

TEXT: dict[str, str] = {
    "empty.csv": "",
    "header_only.csv": H + "\n",
    "missing_column.csv": "unit_code,indicator_code,year\n22,TNTT_DEATHS,2020\n",
    "semicolon_vi.csv": "unit_code;indicator_code;year;value\n22;POP_U16;2020;349.980\n22;CT05;2020;98,5\n",
    "duplicates.csv": H + "\n22,TNTT_DEATHS,2020,28\n22,TNTT_DEATHS,2020,29\n",
    "unknown_unit.csv": H + "\n999,TNTT_DEATHS,2020,28\n",
    "unknown_indicator.csv": H + "\n22,CT99,2020,28\n",
    "percent_150.csv": H + "\n22,CT05,2020,150\n",
    "negative_count.csv": H + "\n22,TNTT_DEATHS,2019,29\n22,TNTT_DEATHS,2020,-3\n",
    "numerator_gt_denominator.csv": "unit_code,indicator_code,year,value,numerator,denominator\n"
                                    "193,CT05,2020,,1200,1000\n",
    "text_abc.csv": H + "\n22,TNTT_DEATHS,2020,abc\n",
    "year_1899.csv": H + "\n22,TNTT_DEATHS,1899,28\n",
    "year_not_a_year.csv": H + "\n22,TNTT_DEATHS,năm 2020 và 2021,28\n",
    "thousands_49980.csv": H + "\n22,POP_U16,2020,49.980\n22,POP_U16,2021,50.120\n",
    "fractional_count.csv": H + "\n22,TNTT_DEATHS,2020,\"28,5\"\n",
    "yes_no_07.csv": H + "\n193,CTV_VILLAGE,2022,\"0,7\"\n",
    "percent_sign_on_count.csv": H + "\n22,TNTT_DEATHS,2020,12%\n",
    "bad_period.csv": "unit_code,indicator_code,year,period,value\n22,TNTT_DEATHS,2020,half,12\n",
    "denominator_zero.csv": "unit_code,indicator_code,year,value,numerator,denominator\n193,CT11b,2020,,3,0\n",
    "field_count.csv": H + "\n22,TNTT_DEATHS,2020,28,extra\n",
    "approximate_ok.csv": H + "\n22,POP_U16,2020,trên 200.000\n22,BUDGET,2020,\"17.316,469\"\n",
    "gaps_warning.csv": H + "\n22,TNTT_DEATHS,2019,29\n22,TNTT_DEATHS,2022,20\n",
    "person_cccd.csv": H + ",Số CCCD\n22,TNTT_DEATHS,2020,1,022301004567\n",
    "person_id_values.csv": H + ",ma_ho_so\n22,TNTT_DEATHS,2020,1,022301004567\n22,TNTT_DEATHS,2021,1,022301009999\n",
    "person_name.csv": "Họ và tên,unit_code,indicator_code,year,value\nNguyễn Văn A,22,TNTT_DEATHS,2020,1\n",
    "person_dob.csv": H + ",Ngày sinh\n22,TNTT_DEATHS,2020,1,01/02/2015\n",
    "person_case_text.csv": H + ",Diễn biến vụ việc\n22,TNTT_DEATHS,2020,1,Cháu bị đuối nước khi tắm suối\n",
    "targets_bad.csv": "scope,indicator_code,target_year,operator,value,kind,base_year\n"
                       "22,TNTT_DEATHS,2030,<=,-20,relative,\n"
                       "22,CT05,2030,≥≥,98,absolute,\n"
                       "22,CT77,2030,>=,50,absolute,\n",
    "missing_unit_code.csv": H + "\n,TNTT_DEATHS,2020,28\n",
    "unquoted_decimal_comma.csv": H + "\n193,CT05,2020,98\n193,CT05,2021,98,5\n",
    "sep_hint.csv": "sep=;\nunit_code;indicator_code;year;value\n193;CT05;2020;98,5\n",
}


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tone marks combining."""
    import unicodedata

    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            base, tone = unicodedata.normalize("NFC", nfd[:-1]), nfd[-1]
            out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def write_text_files() -> None:
    for name, text in TEXT.items():
        (HERE / name).write_bytes(text.encode("utf-8"))
    (HERE / "bom.csv").write_bytes(codecs.BOM_UTF8 + (H + ",note\n22,TNTT_DEATHS,2020,28,Số liệu tổng hợp\n")
                                   .encode("utf-8"))
    (HERE / "legacy_cp1258.csv").write_bytes(encode_cp1258(H + ",note\n22,TNTT_DEATHS,2020,28,Báo cáo của Sở\n"))
    # TCVN3 ("ABC" fonts): Vietnamese letters in bytes that no standard code page decodes sensibly
    (HERE / "legacy_tcvn3.csv").write_bytes((H + ",note\n").encode() + b"22,TNTT_DEATHS,2020,28,B\xb8o c\xb8o \xae\xa9\n")
    (HERE / "utf16_tab.txt").write_bytes(("unit_code\tindicator_code\tyear\tvalue\n22\tTNTT_DEATHS\t2020\t28\n")
                                         .encode("utf-16"))
    (HERE / "old_format.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56)


def _title_block(ws, title: str, ncols: int) -> None:
    ws.cell(1, 1, title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.cell(2, 1, "(dữ liệu minh họa)")


def write_workbooks() -> None:
    from openpyxl import Workbook

    # 1. valid wide sheet: merged title, two-row header with "Năm" merged, periods, notes rows
    wb = Workbook()
    ws = wb.active
    ws.title = "193 Hạ Long"
    _title_block(ws, "BIỂU SỐ LIỆU CÔNG TÁC TRẺ EM — THÀNH PHỐ HẠ LONG", 7)
    ws.append([])
    ws.append(["STT", "Mã chỉ tiêu", "Tên chỉ tiêu", "Năm", None, None, "Ghi chú"])
    ws.merge_cells("D4:F4")
    for c in ("A", "B", "C", "G"):
        ws.merge_cells(f"{c}4:{c}5")
    ws["D5"], ws["E5"], ws["F5"] = 2023, "2024 (ước)", "2025 (6 tháng)"
    ws.append([1, "TNTT_DEATHS", "Số trẻ em tử vong do TNTT", 5, "4", 2, None])
    ws.append([2, "POP_U16", "Số trẻ em dưới 16 tuổi", "49.980", "50.120", None, "số làm tròn"])
    ws.append([None, None, "II. Chăm sóc", None, None, None, None])
    ws.append([3, "CT05", "Tỷ lệ trẻ em dưới 6 tuổi được đăng ký khai sinh", "98,5", 99.1, "-", None])
    ws.append([])
    ws.append(["Ghi chú: số liệu năm 2024 là ước thực hiện."])
    ws.append(["Nguồn: Phòng LĐTBXH", None, None, 123, None])
    wb.save(HERE / "wide_merged_ok.xlsx")

    def simple(name: str, title: str, rows: list[list], a1: str | None = None) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = title
        if a1:
            ws["A1"] = a1
        for r in rows:
            ws.append(r)
        wb.save(HERE / name)

    # 2. wide sheet with a text cell in a number column (unit from the title cell)
    simple("wide_text_cell.xlsx", "Số liệu", [["Mã chỉ tiêu", "Tên chỉ tiêu", "Năm 2022", "Năm 2023"],
                                              ["TNTT_DEATHS", "Số trẻ em tử vong do TNTT", 3, "abc"]],
           a1="Mã đơn vị: 194")
    # 3. wide sheet where the unit cannot be told
    simple("wide_no_unit.xlsx", "Sheet1", [["Mã chỉ tiêu", "2022", "2023"], ["TNTT_DEATHS", 3, 4]])
    # 4. workbook without a header row
    simple("wide_no_header.xlsx", "193", [["Chỉ tiêu", "2022", "2023"], ["Số trẻ tử vong", 3, 4]])
    # 5. one sheet with a unit column; duplicate across rows; percent 150
    simple("wide_unit_column.xlsx", "Tổng hợp", [["Mã đơn vị", "Mã chỉ tiêu", 2022, 2023], ["193", "CT05", 97, 150],
                                                 ["194", "CT05", 96, 97], ["194", "CT05", 95, None]])
    # 6. a formula saved without its result (workbook written by a script, never opened in Excel)
    simple("wide_formula_no_value.xlsx", "193 Hạ Long", [["Mã chỉ tiêu", 2022, 2023], ["TNTT_DEATHS", 3, "=B2+1"]])
    # 7. tidy table in Excel with a "Năm" column (not a two-row header); year 1899 on row 3
    simple("tidy_excel_year_column.xlsx", "193", [["Mã đơn vị", "Mã chỉ tiêu", "Năm", "Giá trị"],
                                                  ["193", "TNTT_DEATHS", 2022, 4], ["193", "TNTT_DEATHS", 1899, 5]])


if __name__ == "__main__":
    write_text_files()
    write_workbooks()
    print(f"corpus written to {HERE}")
