"""The problems table: one row per problem found in the inputs, in Vietnamese or English.

Columns: ``file, sheet, row, column, value, problem, fix, severity`` (severity
``error`` or ``warning``). ``row`` is the 1-based row number as the user sees it
in a spreadsheet or text editor (header = row 1 in a tidy CSV).

Readers and checks record problems by *key* (see :data:`MESSAGES`) so the table
can be rendered in either language.
"""
from __future__ import annotations

from typing import Any

from ctxh_plan.data.frames import PROBLEM_COLUMNS

__all__ = [
    "MESSAGES",
    "PROBLEM_COLUMNS",
    "PROBLEM_HEADERS",
    "SEVERITY_LABELS",
    "Problems",
    "empty_problems",
    "problem_record",
]


#: printed headers per language
PROBLEM_HEADERS = {
    "vi": ("Tệp", "Trang tính", "Dòng", "Cột", "Giá trị", "Vấn đề", "Cách sửa", "Mức độ"),
    "en": ("File", "Sheet", "Row", "Column", "Value", "Problem", "Fix", "Severity"),
}
SEVERITY_LABELS = {"vi": {"error": "lỗi", "warning": "cảnh báo"}, "en": {"error": "error", "warning": "warning"}}

E, W = "error", "warning"
#: key → (severity, problem vi, problem en, fix vi, fix en); texts are str.format templates
MESSAGES: dict[str, tuple[str, str, str, str, str]] = {
    "empty_file": (E, "tệp rỗng", "empty file", "điền số liệu vào tệp hoặc bỏ tệp này",
                   "fill in the data or leave the file out"),
    "header_only": (E, "chỉ có dòng tiêu đề, không có số liệu", "header only, no data rows",
                    "thêm các dòng số liệu dưới dòng tiêu đề", "add data rows below the header"),
    "missing_column": (E, "thiếu cột bắt buộc {column}", "required column {column} is missing",
                       "thêm cột {column} (các cột bắt buộc: {required})",
                       "add a {column} column (required: {required})"),
    "unknown_column": (W, "cột {column} không được dùng, đã bỏ qua", "column {column} is not used and was ignored",
                       "đổi tên cột nếu nó là một cột chuẩn ({known})", "rename it if it is one of: {known}"),
    "field_count": (E, "dòng có {found} ô nhưng tiêu đề có {expected} cột",
                    "row has {found} fields but the header has {expected}",
                    "kiểm tra dấu phân cách; số có dấu phẩy thập phân (12,5) phải nằm trong ngoặc kép "
                    "hoặc dùng dấu ; để phân cách cột",
                    "check separators; a number with a decimal comma (12,5) must be quoted, or separate "
                    "columns with ;"),
    "legacy_encoding": (W, "tệp không phải UTF-8; đã đọc theo bảng mã {encoding}",
                        "file is not UTF-8; it was read as {encoding}",
                        "lưu lại tệp dạng 'CSV UTF-8' để chắc chắn", "re-save the file as 'CSV UTF-8' to be sure"),
    "sheet_skipped": (W, "trang tính không có dòng tiêu đề 'Mã chỉ tiêu', đã bỏ qua",
                      "sheet has no 'Mã chỉ tiêu' header row and was skipped",
                      "thêm dòng tiêu đề có ô 'Mã chỉ tiêu' nếu trang này có số liệu",
                      "add a header row with a 'Mã chỉ tiêu' cell if the sheet holds data"),
    "formula_no_value": (E, "ô có công thức {value} nhưng chưa có giá trị đã tính",
                         "formula {value} has no saved result", "mở tệp bằng Excel và lưu lại để tính công thức",
                         "open the file in Excel and save it so the formulas are calculated"),
    "hidden_sheet": (W, "trang tính bị ẩn, không đọc", "hidden sheet, not read",
                     "bỏ ẩn trang tính nếu nó có số liệu cần dùng", "unhide the sheet if its figures are needed"),
    "no_header": (E, "không tìm thấy dòng tiêu đề có ô 'Mã chỉ tiêu' / 'indicator_code'",
                  "no header row with a 'Mã chỉ tiêu' / 'indicator_code' cell",
                  "thêm dòng tiêu đề theo mẫu (docs/DATA_FORMATS.md)",
                  "add a header row as in docs/DATA_FORMATS.md"),
    "no_year_columns": (E, "không có cột năm (ví dụ '2023', 'Năm 2023')", "no year columns (e.g. '2023', 'Năm 2023')",
                        "đặt năm vào các ô tiêu đề", "put the years in the header cells"),
    "column_skipped": (W, "cột tiêu đề '{value}' không phải năm/kỳ đã biết, đã bỏ qua",
                       "header '{value}' is not a known year/period and was ignored",
                       "dùng '2025', '2025 (6 tháng)', '2025 (9 tháng)' hoặc '2025 (ước)'",
                       "use '2025', '2025 (6 tháng)', '2025 (9 tháng)' or '2025 (ước)'"),
    "no_unit": (E, "không xác định được đơn vị của trang tính", "cannot tell which unit the sheet is for",
                "đặt tên trang bắt đầu bằng mã đơn vị (ví dụ '193 Hạ Long'), hoặc ghi 'Mã đơn vị: 193' ở tiêu đề, "
                "hoặc thêm cột 'Mã đơn vị'",
                "start the sheet name with the unit code (e.g. '193 Hạ Long'), or write 'Mã đơn vị: 193' in the "
                "title, or add a 'Mã đơn vị' column"),
    "value_without_code": (E, "có số liệu nhưng thiếu mã chỉ tiêu", "figures without an indicator code",
                           "điền mã chỉ tiêu vào cột 'Mã chỉ tiêu'", "fill in the 'Mã chỉ tiêu' cell"),
    "missing_code": (E, "thiếu {column}", "{column} is empty", "điền {column}", "fill in {column}"),
    "duplicate": (E, "trùng đơn vị, chỉ tiêu, năm, kỳ với {first}", "same unit, indicator, year and period as {first}",
                  "giữ một dòng, xóa dòng trùng", "keep one of the rows and delete the other"),
    "unknown_unit": (E, "mã đơn vị {value} không có trong danh mục đơn vị của tỉnh {province}",
                     "unit code {value} is not a unit of province {province}",
                     "dùng mã chính thức (ví dụ {examples})", "use an official code (e.g. {examples})"),
    "unit_zero_restored": (W, "mã đơn vị {value} mất số 0 ở đầu; đã đọc là {code}",
                           "unit code {value} lost its leading zero; read as {code}",
                           "định dạng cột mã là Text trong Excel", "format the code column as Text in Excel"),
    "unknown_indicator": (E, "mã chỉ tiêu {value} không có trong danh mục chỉ tiêu",
                          "indicator code {value} is not in the catalogue",
                          "dùng mã trong params/indicators.yaml{suggest}", "use a code from the catalogue{suggest}"),
    "bad_year": (E, "năm {value} không phải là số năm", "year {value} is not a year", "ghi năm 4 chữ số, ví dụ 2023",
                 "write a 4-digit year such as 2023"),
    "year_range": (E, "năm {value} ngoài khoảng {lo}–{hi}", "year {value} is outside {lo}–{hi}",
                   "sửa năm (có thể gõ nhầm)", "correct the year (typing error?)"),
    "bad_period": (E, "kỳ {value} không hợp lệ", "period {value} is not known",
                   "dùng FY (cả năm), H1 (6 tháng), 9M (9 tháng), Q1–Q4", "use FY, H1, 9M or Q1–Q4"),
    "not_number": (E, "'{value}' không phải là số ({reason})", "'{value}' is not a number ({reason})",
                   "ghi số, ví dụ 49.980 hoặc 12,5; để trống hoặc '-' nếu không có số liệu",
                   "write a number such as 49.980 or 12,5; leave empty or '-' when there is no figure"),
    "too_large": (E, "'{value}' quá lớn để là số liệu (từ 10^15 trở lên)",
                  "'{value}' is too large to be a figure (10^15 or more)",
                  "kiểm tra ô: số dán nhầm, số định danh hay đơn vị tính sai?",
                  "check the cell: a pasted number, an ID, or the wrong unit?"),
    "negative": (E, "{column} âm ({value}) với chỉ tiêu {indicator} ({kind})",
                 "negative {column} ({value}) for {indicator} ({kind})",
                 "số lượng và tỷ lệ không thể âm; kiểm tra lại số liệu", "counts and rates cannot be negative"),
    "above_bound": (E, "giá trị {value} lớn hơn giới hạn {hi} của chỉ tiêu {indicator}",
                    "value {value} is above the bound {hi} of {indicator}",
                    "tỷ lệ phần trăm ghi từ 0 đến 100 (12,5 chứ không phải 0,125 hay 125)",
                    "percentages are written 0–100; check the figure"),
    "below_bound": (E, "giá trị {value} nhỏ hơn giới hạn {lo} của chỉ tiêu {indicator}",
                    "value {value} is below the bound {lo} of {indicator}", "kiểm tra lại số liệu", "check the figure"),
    "fractional_count": (E, "chỉ tiêu {indicator} là số đếm nhưng giá trị {value} có phần lẻ",
                         "{indicator} is a count but {value} is not a whole number",
                         "ghi số nguyên (49.980 là bốn mươi chín nghìn, 49,98 là số thập phân)",
                         "write a whole number"),
    "yes_no": (E, "chỉ tiêu {indicator} là Có/Không, giá trị phải là 1 hoặc 0 (không phải {value})",
               "{indicator} is yes/no; the value must be 1 or 0, not {value}", "ghi 1 (có) hoặc 0 (không)",
               "write 1 (yes) or 0 (no)"),
    "percent_sign": (E, "giá trị {value} có dấu % nhưng chỉ tiêu {indicator} không phải tỷ lệ phần trăm",
                     "value {value} has a % sign but {indicator} is not a percentage",
                     "bỏ dấu % hoặc kiểm tra mã chỉ tiêu", "remove the % sign or check the indicator code"),
    "num_gt_den": (E, "tử số {numerator} lớn hơn mẫu số {denominator}",
                   "numerator {numerator} is greater than denominator {denominator}",
                   "kiểm tra tử số và mẫu số (có thể đổi chỗ)", "check numerator and denominator (swapped?)"),
    "den_zero": (E, "mẫu số bằng 0", "denominator is 0", "ghi mẫu số dương hoặc để trống",
                 "write a positive denominator or leave it empty"),
    "value_mismatch": (W, "giá trị {value} khác tử số/mẫu số × {factor} = {computed}",
                       "value {value} differs from numerator/denominator × {factor} = {computed}",
                       "kiểm tra giá trị, tử số và mẫu số", "check the value, numerator and denominator"),
    "ambiguous_numbers": (W, "{count} số như '{value}' được đọc theo kiểu Việt Nam (dấu chấm ngăn cách hàng nghìn, "
                             "dấu phẩy thập phân): '{value}' = {read}",
                          "{count} numbers like '{value}' were read the Vietnamese way ('.' thousands, ',' decimal): "
                          "'{value}' = {read}",
                          "nếu ý bạn khác, ghi rõ 49980 hoặc 49,98", "if you meant otherwise write 49980 or 49.98"),
    "unknown_flag": (W, "cờ {value} không được biết, đã bỏ qua", "flag {value} is not known and was ignored",
                     "dùng: {known}", "use: {known}"),
    "gap": (W, "thiếu số liệu các năm {years} của {unit} / {indicator}",
            "no figures for {years} for {unit} / {indicator}", "bổ sung nếu có số liệu", "add them if known"),
    "no_value": (W, "không có giá trị (ô trống hoặc '-')", "no value (empty or '-')",
                 "điền số liệu hoặc bỏ dòng", "fill in the figure or delete the row"),
    # targets
    "bad_operator": (E, "toán tử {value} không hợp lệ", "operator {value} is not known", "dùng >=, <=, >, < hoặc =",
                     "use >=, <=, >, < or ="),
    "bad_target_kind": (E, "loại mục tiêu {value} không hợp lệ", "target kind {value} is not known",
                        "dùng absolute, relative hoặc annual_change", "use absolute, relative or annual_change"),
    "missing_base_year": (E, "mục tiêu {kind} cần năm gốc (base_year)", "a {kind} target needs a base_year",
                          "ghi năm gốc, ví dụ 2020", "write the base year, e.g. 2020"),
    "unknown_scope": (E, "phạm vi {value} không phải 'national' hay mã đơn vị của tỉnh",
                      "scope {value} is neither 'national' nor a unit code of the province",
                      "ghi 'national' hoặc mã đơn vị", "write 'national' or a unit code"),
    "range_order": (E, "value_hi {value} nhỏ hơn value", "value_hi {value} is below value", "đổi chỗ hai số",
                    "swap the two numbers"),
    "national_missing": (W, "không có tệp mục tiêu quốc gia {value}; chỉ dùng mục tiêu của bộ số liệu",
                         "national targets file {value} not found; only the dataset's own targets are used",
                         "tạo params/targets_national.csv", "create params/targets_national.csv"),
    "read_error": (E, "{problem}", "{problem}", "{fix}", "{fix}"),
}


def problem_record(key: str, lang: str = "vi", *, file: Any = None, sheet: Any = None, row: Any = None,
                   column: Any = None, value: Any = None, severity: str | None = None, **fmt: Any) -> dict:
    """One problems-table row for message ``key`` rendered in ``lang``."""
    sev, pvi, pen, fvi, fen = MESSAGES[key]
    ctx = {"column": column, "value": value, **fmt}
    problem, fix = (pvi, fvi) if lang == "vi" else (pen, fen)
    return {
        "file": "" if file is None else str(file),
        "sheet": "" if sheet is None else str(sheet),
        "row": row,
        "column": "" if column is None else str(column),
        "value": "" if value is None else str(value),
        "problem": problem.format(**ctx),
        "fix": fix.format(**ctx),
        "severity": severity or sev,
    }


class Problems:
    """Collects problems by key; :meth:`frame` gives the problems table."""

    def __init__(self, lang: str = "vi") -> None:
        self.lang = lang
        self.rows: list[dict] = []

    def add(self, key: str, **kw: Any) -> None:
        self.rows.append(problem_record(key, self.lang, **kw))

    def add_pending(self, pending: list[dict]) -> None:
        """Add problems a reader stored as ``{"key": ..., **kw}`` dicts."""
        for p in pending:
            kw = dict(p)
            self.add(kw.pop("key"), **kw)

    @property
    def n_errors(self) -> int:
        return sum(r["severity"] == "error" for r in self.rows)

    def frame(self):
        """The problems table (errors first, then by file and row)."""
        import pandas as pd

        df = pd.DataFrame(self.rows, columns=list(PROBLEM_COLUMNS))
        df["row"] = pd.array(df["row"], dtype="Int64")
        if len(df):
            df["_o"] = (df["severity"] != "error").astype(int)
            df = df.sort_values(["_o", "file", "sheet", "row"], kind="stable", na_position="last")
            df = df.drop(columns="_o").reset_index(drop=True)
        return df


def empty_problems():
    """An empty problems table with the right columns."""
    return Problems().frame()
