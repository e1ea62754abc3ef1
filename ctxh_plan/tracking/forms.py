"""The Excel form each unit fills in for a reporting period, and reading filled forms back.

**Writing** (:func:`write_forms`, openpyxl): one workbook per unit, ``<code>_<period>.xlsx``. The title
block names the unit (``Mã đơn vị: 06652``), the period (``Kỳ báo cáo: 2026-H1``), the due date of the
calendar and a cell for the date the report is sent (``Ngày gửi báo cáo``). Indicators are listed
under their plan sections (``group``) with their Vietnamese names and units of measure; the same
period last year is pre-filled for reference; number cells carry data validation (whole numbers for
counts, 0–100 for percentages, 1/0 for yes/no); the code, name, unit and reference columns are locked
(sheet protection without a password: Excel refuses edits there, the value cells stay open). A rate
whose numerator and denominator are catalogue indicators is not asked: its two counts are, and the
rate is computed from them (ratio of sums at the province level). A percentage without such
components has optional numerator/denominator cells.

**Reading** (:func:`read_form`, :func:`collect_forms`): any sheet with a header row holding the value
column of the period (``2026 (6 tháng)``, read by :func:`ctxh_plan.io.readers.parse_year_header`) and
either a ``Mã chỉ tiêu`` column or a ``Chỉ tiêu`` / ``Tên chỉ tiêu`` column: sheets with names only are
matched to codes by :class:`~ctxh_plan.tracking.names.IndicatorMatcher` (an ambiguous or unmatched
name with a value is a problem row with the closest candidates, never a guess). The unit comes from a
``Mã đơn vị`` cell (or the sheet/file name starting with the code), the submission date from a
``Ngày gửi`` cell. Cells are read as text/numbers and checked by the same row checks as every
observations file (:func:`ctxh_plan.data.checks.check_observations`): Vietnamese numbers, bounds,
whole counts, yes/no, person-level data refused.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.data.privacy import fold_text
from ctxh_plan.errors import InputError
from ctxh_plan.tracking.names import post_reform
from ctxh_plan.tracking.periods import Calendar, Period

__all__ = [
    "FORM_SHEET",
    "Collection",
    "FormReading",
    "collect_forms",
    "form_file_name",
    "form_indicator_map",
    "form_indicators",
    "read_form",
    "write_form",
    "write_forms",
]

FORM_SHEET = "Bieu_mau"
GUIDE_SHEET = "Huong_dan"
_HEADER_ROW = 8
_FONT = "Times New Roman"
_CODE_HEADERS = {"ma chi tieu", "indicator code", "ma ct"}
_NAME_HEADERS = {"chi tieu", "ten chi tieu", "noi dung", "indicator", "indicator name", "noi dung chi tieu"}
_NUM_HEADERS = {"tu so", "numerator"}
_DEN_HEADERS = {"mau so", "denominator"}
_NOTE_HEADERS = {"ghi chu", "note"}
_UNIT_RE = re.compile(r"\bma(?: don vi| dvhc| dv)?\s*[: ]\s*(\d{2,5})\b")
_DATE_LABEL = ("ngay gui", "ngay bao cao", "ngay nop", "date sent", "submitted")
_STOP = ("ghi chu", "nguon", "note", "source", "nguoi lap", "thu truong", "chu thich")


# --------------------------------------------------------------------------------------------- which indicators

def _derived(catalog: Any) -> dict[str, tuple[str, str]]:
    """Ratio indicators computed from two catalogue counts: code → (numerator code, denominator code)."""
    return {i.code: (i.numerator, i.denominator) for i in catalog
            if i.kind.is_ratio and i.numerator and i.denominator and i.numerator in catalog
            and i.denominator in catalog}


def form_indicators(unit_code: str, *, catalog: Any, plan: Any = None, history: Any = None,
                    period: Period | None = None, province_code: str = "",
                    province_extra: Sequence[str] = ()) -> list[str]:
    """Indicators a unit reports for a period, grouped by plan section (catalogue order).

    A unit: its plan indicators and the indicators it reported in the year before the period; a rate
    computed from two catalogue counts is replaced by those counts; indicators the catalogue keeps for
    the province level only (``levels: [province]``) are left out. The province: those province-level
    indicators, the ones it reported itself the year before and ``province_extra`` (its own sector
    counts, e.g. injury deaths) — everything else of the province is aggregated from its units.

    Parameters
    ----------
    plan : adopted-targets frame (``unit_code, indicator_code`` …) or None.
    history : observations frame or None.
    period : the reporting period (history of ``period.year - 1`` is used).
    """
    return form_indicator_map([unit_code], catalog=catalog, plan=plan, history=history, period=period,
                              province_code=province_code, province_extra=province_extra)[unit_code]


def form_indicator_map(units: Sequence[str], *, catalog: Any, plan: Any = None, history: Any = None,
                       period: Period | None = None, province_code: str = "",
                       province_extra: Sequence[str] = ()) -> dict[str, list[str]]:
    """:func:`form_indicators` of several units at once (one pass over the plan and the history)."""
    planned: dict[str, set[str]] = {}
    if plan is not None and len(plan):
        for u, c in zip(plan["unit_code"].astype(str), plan["indicator_code"].astype(str)):
            planned.setdefault(u, set()).add(c)
    reported: dict[str, set[str]] = {}
    if history is not None and len(history) and period is not None:
        h = history[(history["year"] == period.year - 1) & history["unit_code"].isin(list(units))]
        if province_code and "source" in h.columns:  # the province's own figures, not aggregates of its units
            h = h[~((h["unit_code"] == province_code) & h["source"].astype(str).str.contains("aggregated", na=False))]
        for u, c in zip(h["unit_code"].astype(str), h["indicator_code"].astype(str)):
            reported.setdefault(u, set()).add(c)
    derived = _derived(catalog)
    province_only = {i.code for i in catalog if tuple(i.levels) == ("province",)}
    # plan sections in the order they first appear in the catalogue, indicators in catalogue order within each
    groups: dict[str, int] = {}
    for ind in catalog:
        groups.setdefault(ind.group, len(groups))
    order = {c: (groups[catalog[c].group], k) for k, c in enumerate(catalog.codes())}
    out: dict[str, list[str]] = {}
    for unit in units:
        is_province = bool(province_code) and unit == province_code
        codes = set(reported.get(unit, set()))
        if is_province:
            codes |= province_only | set(province_extra)
        else:
            codes |= planned.get(unit, set())
        keep: set[str] = set()
        for c in codes:
            if c not in catalog:
                continue
            if c in derived and not is_province:
                keep |= set(derived[c])
            else:
                keep.add(c)
        if not is_province:
            keep -= province_only
        out[unit] = sorted(keep, key=lambda c: order.get(c, (len(groups), 0)))
    return out


def form_file_name(unit_code: str, period: Period) -> str:
    """``06652_2026-H1.xlsx``."""
    return f"{unit_code}_{period.slug()}.xlsx"


# --------------------------------------------------------------------------------------------- writing

def _validation(ind: Any):
    """openpyxl DataValidation for the value cells of one indicator."""
    from openpyxl.worksheet.datavalidation import DataValidation

    kind = ind.kind.value
    if kind == "yes_no":
        dv = DataValidation(type="list", formula1='"1,0"', allow_blank=True)
        msg = "Ghi 1 (có) hoặc 0 (không)."
    elif kind == "count":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        msg = "Ghi số nguyên không âm (ví dụ 12)."
    elif ind.kind.is_bounded_100:
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True)
        msg = "Ghi tỷ lệ phần trăm từ 0 đến 100 (ví dụ 95,5)."
    else:
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        msg = "Ghi số không âm."
    dv.error = msg + " Để trống nếu không có số liệu."
    dv.errorTitle = "Giá trị không hợp lệ"
    dv.prompt = msg
    dv.promptTitle = ind.unit_vi or "Giá trị"
    dv.showErrorMessage = True
    dv.showInputMessage = True
    return dv


def _number_format(ind: Any) -> str:
    if ind.kind.value in ("count", "yes_no"):
        return "#,##0"
    d = max(0, min(int(ind.decimals), 4))
    return "#,##0" + ("." + "0" * d if d else "")


def write_form(path: str | Path, *, unit_code: str, unit_name: str, period: Period, indicators: Sequence[str],
               catalog: Any, last_year: dict[str, float] | None = None, calendar: Calendar | None = None,
               illustrative: bool = False, document: str = "", values: dict[str, tuple] | None = None,
               submitted_on: dt.date | None = None) -> Path:
    """Write one unit's form (atomic; fixed dates inside the file so the same inputs give the same bytes).

    Parameters
    ----------
    indicators : codes on the form (see :func:`form_indicators`).
    last_year : code → value of the same period last year (reference column).
    document : the adopted plan's deciding document, shown in the title block.
    values, submitted_on : a filled form, as a unit sends it back — code → (value, numerator, denominator,
        note) and the date written in "Ngày gửi báo cáo" (tests and the illustrative data use them).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter

    from ctxh_plan.io.atomic import atomic_path
    from ctxh_plan.present.docx_writer import normalize_ooxml

    last_year = last_year or {}
    wb = Workbook()
    ws = wb.active
    ws.title = FORM_SHEET
    thin = Side(style="thin", color="808080")
    box = Border(top=thin, bottom=thin, left=thin, right=thin)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    open_fill = PatternFill("solid", fgColor="FFF9E5")
    ref_fill = PatternFill("solid", fgColor="F2F2F2")
    f_normal, f_bold = Font(name=_FONT, size=11), Font(name=_FONT, size=11, bold=True)
    unlocked = Protection(locked=False)
    prev = period.same_period_last_year()
    headers = ["STT", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", f"Cùng kỳ năm {prev.year} (tham khảo)",
               period.column_header(), "Tử số", "Mẫu số", "Ghi chú"]
    ncol = len(headers)
    due = calendar.due_date(period) if calendar is not None else None
    report = calendar.report_label(period) if calendar is not None else "Báo cáo"
    titles = [
        ("DỮ LIỆU MINH HỌA — biểu mẫu minh họa, số liệu không phải số liệu chính thức" if illustrative else "",
         Font(name=_FONT, size=11, bold=True, color="C00000")),
        (f"BIỂU MẪU {report.upper()} — KẾT QUẢ THỰC HIỆN CHỈ TIÊU CÔNG TÁC TRẺ EM "
         f"{period.label('vi').upper()}", Font(name=_FONT, size=13, bold=True)),
        (f"Đơn vị: {unit_name} — Mã đơn vị: {unit_code}", f_bold),
        (f"Kỳ báo cáo: {period} ({period.label('vi')})"
         + (f" — Hạn gửi: {due:%d/%m/%Y}" if due else ""), f_normal),
        (f"Chỉ tiêu theo {document}" if document else "", Font(name=_FONT, size=11, italic=True)),
    ]
    for i, (txt, font) in enumerate(titles, start=1):
        c = ws.cell(row=i, column=1, value=txt or None)
        c.font = font
        c.alignment = Alignment(horizontal="center" if i <= 2 else "left")
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=ncol)
    ws.cell(row=6, column=1, value="Ngày gửi báo cáo:").font = f_bold
    ws.merge_cells(start_row=6, start_column=1, end_row=6, end_column=2)
    date_cell = ws.cell(row=6, column=3, value=submitted_on)
    date_cell.number_format = "DD/MM/YYYY"
    date_cell.protection = unlocked
    date_cell.fill = open_fill
    date_cell.border = box
    from openpyxl.worksheet.datavalidation import DataValidation

    dv_date = DataValidation(type="date", operator="greaterThan", formula1="DATE(2020,1,1)", allow_blank=True)
    dv_date.error = "Ghi ngày gửi báo cáo dạng ngày/tháng/năm (ví dụ 18/05/2026)."
    dv_date.prompt = "Ngày đơn vị gửi báo cáo (ngày/tháng/năm)."
    dv_date.showErrorMessage = dv_date.showInputMessage = True
    ws.add_data_validation(dv_date)
    dv_date.add(date_cell.coordinate)
    ws.cell(row=6, column=4, value="(ngày/tháng/năm)").font = Font(name=_FONT, size=10, italic=True)
    for j, h in enumerate(headers, start=1):
        c = ws.cell(row=_HEADER_ROW, column=j, value=h)
        c.font, c.fill, c.border = f_bold, head_fill, box
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    derived = set(_derived(catalog))
    validations: dict[str, Any] = {}
    r = _HEADER_ROW
    group = None
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    n_group = 0
    for stt, code in enumerate(indicators, start=1):
        ind = catalog[code]
        if ind.group != group:
            group = ind.group
            r += 1
            c = ws.cell(row=r, column=1, value=f"{roman[n_group % len(roman)]}. {group}")
            c.font = f_bold
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
            n_group += 1
        r += 1
        ref = last_year.get(code)
        vals = [stt, code, post_reform(ind.name_vi), ind.unit_vi, "–" if ref is None or math.isnan(ref) else ref]
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(len(ind.name_vi) / 75))
        for j, v in enumerate(vals, start=1):
            c = ws.cell(row=r, column=j, value=v)
            c.font, c.border = f_normal, box
            if j == 5:
                c.fill = ref_fill
                c.number_format = _number_format(ind)
            c.alignment = Alignment(horizontal="center" if j in (1, 2, 4) or v == "–" else None,
                                    vertical="center", wrap_text=j == 3)
        ratio_inputs = ind.kind.is_ratio and code not in derived
        filled = (values or {}).get(code, ())
        for j in range(6, ncol + 1):
            k = {6: 0, 7: 1, 8: 2, ncol: 3}.get(j)
            v = filled[k] if k is not None and k < len(filled) else None
            if v == "" or (isinstance(v, float) and math.isnan(v)):
                v = None
            c = ws.cell(row=r, column=j, value=v)
            c.font, c.border = f_normal, box
            c.alignment = Alignment(vertical="center", wrap_text=j == ncol)
            if j == 6 or j == ncol or (ratio_inputs and j in (7, 8)):
                c.protection, c.fill = unlocked, open_fill
            else:
                c.fill = ref_fill
            if j == 6:
                c.number_format = _number_format(ind)
            elif j in (7, 8):
                c.number_format = "#,##0"
        key = ind.kind.value if ind.kind.value in ("count", "yes_no") else (
            "pct" if ind.kind.is_bounded_100 else "num")
        if key not in validations:
            validations[key] = _validation(ind)
            ws.add_data_validation(validations[key])
        validations[key].add(f"F{r}")
        if ratio_inputs:
            if "whole" not in validations:
                validations["whole"] = _validation(catalog.get("POP_U16") or ind)
                ws.add_data_validation(validations["whole"])
            validations["whole"].add(f"G{r}:H{r}")
    r += 2
    notes = [
        "Ghi chú: điền số liệu vào các ô nền vàng (cột kỳ báo cáo, tử số/mẫu số nếu có, ghi chú) và ngày gửi báo cáo; "
        "các cột mã, tên chỉ tiêu, đơn vị tính và cùng kỳ được khóa.",
        "Số ghi theo cách viết Việt Nam (1.234 là một nghìn hai trăm ba mươi tư; 12,5 là mười hai phẩy năm); "
        "để trống ô không có số liệu. Chỉ ghi số liệu tổng hợp, không ghi thông tin cá nhân của trẻ em.",
        "Tử số/Mẫu số: với các chỉ tiêu tỷ lệ, ghi số trẻ đạt (tử số) và tổng số trẻ (mẫu số) để tỉnh tổng hợp "
        "đúng (tổng tử số / tổng mẫu số). Cột cùng kỳ ghi '–' khi năm trước không có số liệu của kỳ này.",
    ]
    if illustrative:
        notes.append("Dữ liệu minh họa: biểu mẫu và số liệu cùng kỳ được tạo để minh họa cách dùng công cụ.")
    for txt in notes:
        c = ws.cell(row=r, column=1, value=txt)
        c.font = Font(name=_FONT, size=10, italic=True)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
        ws.row_dimensions[r].height = 30
        r += 1
    for j, w in enumerate([6, 24, 60, 14, 16, 16, 11, 11, 24], start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.row_dimensions[_HEADER_ROW].height = 45
    ws.freeze_panes = f"D{_HEADER_ROW + 1}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    _guide_sheet(wb, period, due, illustrative)
    wb.properties.creator = "ctxh_plan"
    stamp = dt.datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = stamp
    from ctxh_plan.io.cells import mark_text_cells

    mark_text_cells(wb)  # text from data (names, notes) stays text, never a formula
    with atomic_path(path) as tmp:
        wb.save(tmp)
        normalize_ooxml(tmp)
    return Path(path)


def _guide_sheet(wb: Any, period: Period, due: dt.date | None, illustrative: bool) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(GUIDE_SHEET)
    lines = [
        ("HƯỚNG DẪN ĐIỀN BIỂU MẪU", True),
        (f"Kỳ báo cáo {period} ({period.label('vi')})" + (f"; hạn gửi {due:%d/%m/%Y}." if due else "."), False),
        ("1. Ghi ngày gửi báo cáo ở ô 'Ngày gửi báo cáo' (trang Bieu_mau).", False),
        ("2. Ghi số liệu của kỳ báo cáo vào cột kỳ báo cáo; cột 'Cùng kỳ' là số liệu năm trước để tham khảo.", False),
        ("3. Không sửa mã chỉ tiêu, tên chỉ tiêu; không thêm, xóa dòng. Ô nào không có số liệu thì để trống.", False),
        ("4. Số lượng ghi số nguyên; tỷ lệ phần trăm ghi từ 0 đến 100; chỉ tiêu Có/Không ghi 1 hoặc 0.", False),
        ("5. Gửi lại tệp Excel này (giữ nguyên tên tệp) cho cơ quan tổng hợp.", False),
    ]
    if illustrative:
        lines.append(("DỮ LIỆU MINH HỌA — không phải số liệu chính thức.", True))
    for i, (txt, bold) in enumerate(lines, start=1):
        c = ws.cell(row=i, column=1, value=txt)
        c.font = Font(name=_FONT, size=12 if i == 1 else 11, bold=bold, color="C00000" if "MINH HỌA" in txt else None)
        c.alignment = Alignment(wrap_text=True)
    ws.column_dimensions["A"].width = 110
    ws.protection.sheet = True


def write_forms(out_dir: str | Path, *, units: Iterable[str], period: Period, catalog: Any, unit_names: dict[str, str],
                plan: Any = None, history: Any = None, calendar: Calendar | None = None, province_code: str = "",
                illustrative: bool = False, document: str = "", province_extra: Sequence[str] = ()) -> list[Path]:
    """Write one form per unit into ``out_dir``; returns the paths (``<code>_<period>.xlsx``).

    ``history`` (observations of the new units, re-based) gives the reference column: the same period
    last year (for a partial period only that period's value; for the full year the full-year value).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    prev = period.same_period_last_year()
    ref: dict[tuple[str, str], float] = {}
    if history is not None and len(history):
        h = history[(history["year"] == prev.year) & (history["period"] == prev.part)]
        ref = {(u, c): float(v) for u, c, v in zip(h["unit_code"], h["indicator_code"], h["value"])}
    paths = []
    units = list(units)
    asked = form_indicator_map(units, catalog=catalog, plan=plan, history=history, period=period,
                               province_code=province_code, province_extra=province_extra)
    for unit in units:
        codes = asked[unit]
        last = {c: ref[(unit, c)] for c in codes if (unit, c) in ref}
        paths.append(write_form(out / form_file_name(unit, period), unit_code=unit,
                                unit_name=unit_names.get(unit, unit), period=period, indicators=codes,
                                catalog=catalog, last_year=last, calendar=calendar, illustrative=illustrative,
                                document=document))
    return paths


# --------------------------------------------------------------------------------------------- reading

@dataclass
class FormReading:
    """One file read: raw observation records (with provenance) and what the file says about itself."""

    file: str
    unit_code: str | None
    period: Period | None
    submitted_on: dt.date | None
    records: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)   # rows of the problems table
    rows: int = 0          # indicator rows of the sheet (with a code or a name)
    filled: int = 0        # rows with a value
    by_name: bool = False  # the sheet carries names only (no code column)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return unicodedata.normalize("NFC", str(v)).strip()


def _problem(file: str, sheet: str, row: int | None, column: str, value: Any, problem: str, fix: str,
             severity: str = "error") -> dict:
    return {"file": file, "sheet": sheet, "row": row, "column": column, "value": "" if value is None else str(value),
            "problem": problem, "fix": fix, "severity": severity}


def _parse_date(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = _text(v)
    m = re.search(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", s)
    if m:
        try:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


def _find_header(grid: list[list[Any]], period: Period) -> tuple[int, dict[str, Any]] | None:
    """(row index, column map) of the header row: value column of ``period`` plus code and/or name column.

    The map gives column indexes; without a column for ``period`` it also holds ``_periods`` (column → the
    periods the sheet has), for the message."""
    from ctxh_plan.tracking.periods import parse_period_header

    for i, row in enumerate(grid[:40]):
        cols: dict[str, Any] = {}
        periods: dict[int, Any] = {}
        for j, c in enumerate(row):
            if c is None:
                continue
            f = fold_text(c)
            if f in _CODE_HEADERS:
                cols.setdefault("code", j)
            elif f in _NAME_HEADERS:
                cols.setdefault("name", j)
            elif f in _NUM_HEADERS:
                cols.setdefault("numerator", j)
            elif f in _DEN_HEADERS:
                cols.setdefault("denominator", j)
            elif f in _NOTE_HEADERS:
                cols.setdefault("note", j)
            else:
                yh = parse_period_header(c)
                if yh is not None:
                    periods[j] = yh
        if ("code" in cols or "name" in cols) and periods:
            want = [j for j, (y, p, _e) in periods.items() if y == period.year and p == period.part]
            if want:
                cols["value"] = want[0]
                cols["estimate"] = int(bool(periods[want[0]][2]))
            else:
                cols["other_periods"] = -1
                cols["_periods"] = periods
            return i, cols
    return None


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RNS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DATE_FMT_IDS = set(range(14, 23)) | {45, 46, 47}


def _col_index(ref: str) -> int:
    n = 0
    for ch in ref:
        if ch.isalpha():
            n = n * 26 + (ord(ch.upper()) - 64)
        else:
            break
    return n - 1


def _attr(elem: Any, name: str) -> str:
    """An XML attribute the fast reader needs; missing, a ValueError (the caller falls back to openpyxl)."""
    value = elem.get(name)
    if value is None:
        raise ValueError(f"<{elem.tag}> without the attribute {name!r}")
    return value


def _xlsx_grids(path: Path) -> list[tuple[str, str, list[list[Any]]]]:
    """(sheet name, state, cell values by row) of every sheet, read straight from the package XML.

    A filled form is small; reading its XML directly is several times faster than openpyxl's reader
    (no style objects). Shared and inline strings, numbers, booleans, cached formula results and dates
    (cells whose number format is a date) are read; anything unexpected raises, and the caller falls
    back to openpyxl.
    """
    import xml.etree.ElementTree as ET
    import zipfile

    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = {_attr(r, "Id"): _attr(r, "Target") for r in rels}  # both required by OPC
        date1904 = any(e.get("date1904") in ("1", "true") for e in wb.iter(f"{_NS}workbookPr"))
        strings: list[str] = []
        if "xl/sharedStrings.xml" in names:
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(f"{_NS}si"):
                strings.append("".join(t.text or "" for t in si.iter(f"{_NS}t")))
        date_styles: set[int] = set()
        if "xl/styles.xml" in names:
            st = ET.fromstring(z.read("xl/styles.xml"))
            custom = {int(_attr(f, "numFmtId")): f.get("formatCode", "") for f in st.iter(f"{_NS}numFmt")}
            xfs = st.find(f"{_NS}cellXfs")
            for k, xf in enumerate(xfs if xfs is not None else []):
                fid = int(xf.get("numFmtId", "0"))
                code = re.sub(r'"[^"]*"|\[[^]]*\]|\\.', "", custom.get(fid, "").lower())  # literal text out
                if fid in _DATE_FMT_IDS or ("d" in code and "y" in code):
                    date_styles.add(k)
        base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
        out = []
        for sh in wb.iter(f"{_NS}sheet"):
            t = target[_attr(sh, f"{_RNS}id")].lstrip("/")
            t = t if t.startswith("xl/") else "xl/" + t
            root = ET.fromstring(z.read(t))
            grid: list[list[Any]] = []
            for row in root.iter(f"{_NS}row"):
                r = int(_attr(row, "r")) - 1
                while len(grid) <= r:
                    grid.append([])
                cells = grid[r]
                for c in row.iter(f"{_NS}c"):
                    j = _col_index(_attr(c, "r"))
                    kind = c.get("t", "n")
                    v = c.find(f"{_NS}v")
                    if kind == "inlineStr":
                        value: Any = "".join(x.text or "" for x in c.iter(f"{_NS}t"))
                    elif v is None or v.text is None:
                        continue
                    elif kind == "s":
                        value = strings[int(v.text)]
                    elif kind in ("str", "e"):
                        value = v.text
                    elif kind == "b":
                        value = v.text == "1"
                    else:
                        num = float(v.text)
                        if int(c.get("s", "0")) in date_styles:
                            value = base + dt.timedelta(days=num)
                        else:
                            value = int(num) if num.is_integer() else num
                    while len(cells) <= j:
                        cells.append(None)
                    cells[j] = unicodedata.normalize("NFC", value) if isinstance(value, str) else value
            out.append((sh.get("name", ""), sh.get("state", "visible"), grid))
        return out


def _openpyxl_grids(path: Path) -> list[tuple[str, str, list[list[Any]]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [(ws.title, ws.sheet_state, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
    finally:
        wb.close()


def read_form(path: str | Path, period: Period, *, matcher: Any, units: Any = None) -> FormReading:
    """Read one filled form (or an analyst's own sheet) for ``period``.

    Returns
    -------
    FormReading
        Raw records (``unit_code, indicator_code, year, period, value, numerator, denominator, flag,
        source, note`` + ``_file, _sheet, _row, _column``), the unit, the stated submission date, counts of
        rows and filled rows, and problem rows (unit not found, name not matched, another period…).

    Raises
    ------
    PersonLevelDataError
        The sheet holds person-level data (names, dates of birth, ID numbers): refused.
    """
    from ctxh_plan.data.privacy import check_person_level

    p = Path(path)
    file = str(p)
    out = FormReading(file=file, unit_code=None, period=None, submitted_on=None)
    try:
        try:
            sheets = _xlsx_grids(p)
        except Exception:  # an unusual package: openpyxl's reader
            sheets = _openpyxl_grids(p)
    except Exception as exc:  # openpyxl raises many kinds
        out.problems.append(_problem(file, "", None, "", "", f"không mở được tệp Excel / cannot open the Excel file "
                                     f"({type(exc).__name__})", "lưu lại dạng .xlsx / re-save it as .xlsx"))
        return out
    for title, state, grid in sheets:
        if state != "visible":
            continue
        found = _find_header(grid, period)
        if found is None:
            continue
        _read_sheet(out, title, grid, found, period, matcher, units, check_person_level)
        if out.records or out.rows:
            break
    if out.unit_code is None:
        m = re.match(r"^(\d{2,5})(?:[_\s-]|$)", p.stem)
        if m:
            out.unit_code = m.group(1)
    if out.unit_code is None:
        out.problems.append(_problem(file, "", None, "unit_code", "", "không xác định được đơn vị báo cáo / cannot "
                                     "tell which unit the file is for",
                                     "ghi 'Mã đơn vị: 06652' ở phần tiêu đề hoặc đặt tên tệp bắt đầu bằng mã đơn vị / "
                                     "write 'Mã đơn vị: 06652' in the title or start the file name with the code"))
    elif units is not None and out.unit_code not in units:
        fixed = next((c for c in (out.unit_code.zfill(5), out.unit_code.zfill(2)) if c in units), None)
        if fixed:
            out.unit_code = fixed
        else:
            out.problems.append(_problem(file, "", None, "unit_code", out.unit_code,
                                         "mã đơn vị không có trong danh mục đơn vị (từ 01/7/2025) / unit code is not a "
                                         "unit of the province", "dùng mã đơn vị chính thức / use the official code"))
    for rec in out.records:
        rec["unit_code"] = out.unit_code or ""
    return out


def _read_sheet(out: FormReading, sheet: str, grid: list[list[Any]], found: tuple[int, dict], period: Period,
                matcher: Any, units: Any, check_person_level: Any) -> None:
    from openpyxl.utils import get_column_letter

    hdr, cols = found
    file = out.file
    for row in grid[:hdr]:
        for j, c in enumerate(row):
            if not isinstance(c, str):
                continue
            f = fold_text(c)
            m = _UNIT_RE.search(f)
            if m and out.unit_code is None:
                out.unit_code = m.group(1)
            if any(f.startswith(lbl) for lbl in _DATE_LABEL) and out.submitted_on is None:
                out.submitted_on = _parse_date(c.split(":", 1)[1]) if ":" in c else None
                if out.submitted_on is None:
                    out.submitted_on = next((d for d in (_parse_date(x) for x in row[j + 1:] if x is not None)
                                             if d is not None), None)
            pm = re.search(r"ky bao cao\s*(\d{4})(?:\s+(h1|9m|fy))?\b", f)
            if pm and out.period is None:
                out.period = Period(int(pm.group(1)), (pm.group(2) or "FY").upper())
    if out.unit_code is None:
        m = re.match(r"^\s*(\d{2,5})\b", sheet)
        if m:
            out.unit_code = m.group(1)
    if "value" not in cols:
        found_periods = ", ".join(f"{y}-{p}" if p != "FY" else str(y) for y, p, _ in cols.get("_periods", {}).values())
        out.problems.append(_problem(file, sheet, hdr + 1, "", found_periods,
                                     f"tệp không có cột số liệu kỳ {period} (có: {found_periods}) / the sheet has no "
                                     f"column for {period}", f"dùng biểu mẫu kỳ {period} / use the form of {period}"))
        return
    if out.period is not None and out.period != period:
        out.problems.append(_problem(file, sheet, None, "", str(out.period),
                                     f"biểu mẫu ghi kỳ {out.period}, đang tổng hợp kỳ {period} / the form says period "
                                     f"{out.period}", "kiểm tra kỳ báo cáo / check the period", "warning"))
    out.by_name = "code" not in cols
    header = [_text(c) for c in grid[hdr]]
    body, numbers = [], []
    for i in range(hdr + 1, len(grid)):
        row = grid[i]
        first = next((c for c in row if c not in (None, "")), None)
        if first is None:
            continue
        if isinstance(first, str) and fold_text(first).startswith(_STOP):
            break
        body.append(row)
        numbers.append(i + 1)
    check_person_level(header, [[c if isinstance(c, str) else None for c in r] for r in body], file=file, sheet=sheet,
                       header_row=hdr + 1, row_numbers=numbers, skip_columns={cols["value"]})
    vcol = cols["value"]
    letter = get_column_letter(vcol + 1)
    for row, rn in zip(body, numbers):
        cells = list(row) + [None] * (len(header) - len(row))
        code = _text(cells[cols["code"]]) if "code" in cols else ""
        name = _text(cells[cols["name"]]) if "name" in cols else ""
        value = cells[vcol]
        has_value = value not in (None, "") and not (isinstance(value, str) and not value.strip())
        num = cells[cols["numerator"]] if "numerator" in cols else None
        den = cells[cols["denominator"]] if "denominator" in cols else None
        if not code and name:
            if not has_value:
                continue  # a section heading or an empty row of an analyst's sheet
            match = matcher.match(name)
            if not match.matched:
                cands = matcher.describe(match)
                kind = "khớp nhiều chỉ tiêu" if match.how == "ambiguous" else "không khớp chỉ tiêu nào trong danh mục"
                en = "matches several indicators" if match.how == "ambiguous" else "matches no catalogue indicator"
                out.problems.append(_problem(file, sheet, rn, header[cols["name"]] or "Chỉ tiêu", name,
                                             f"tên chỉ tiêu {kind}; số liệu của dòng này không được dùng / indicator "
                                             f"name {en}; the row's figure is not used",
                                             f"ghi mã chỉ tiêu hoặc tên đúng như danh mục; gần nhất: {cands} / write "
                                             f"the code or the catalogue name; closest: {cands}"))
                out.rows += 1
                continue
            code = match.code
        if not code:
            continue
        out.rows += 1
        if not has_value and num in (None, "") and den in (None, ""):
            continue
        out.filled += 1
        flags = "estimate" if cols.get("estimate") else ""
        out.records.append({"unit_code": "", "indicator_code": code, "year": str(period.year), "period": period.part,
                            "value": value if has_value else None, "numerator": num, "denominator": den,
                            "flag": flags, "source": f"biểu mẫu {period} / form {period}",
                            "note": _text(cells[cols["note"]]) if "note" in cols else "",
                            "_file": file, "_sheet": sheet, "_row": rn, "_column": letter})


@dataclass
class Collection:
    """Forms of one period read from a folder.

    Attributes
    ----------
    observations : DataFrame
        The observations frame of the period (checked; rows with errors left out). One file per unit
        is used: when a unit sent several, the latest stated submission date (then the file name) wins.
    files : DataFrame
        One row per file: ``file, unit_code, submitted_on, rows, filled, by_name, used``.
    problems : DataFrame
        Problems table (name matching, units, row checks).
    period : Period
    """

    observations: Any
    files: Any
    problems: Any
    period: Period
    expected: dict[str, list[str]] = field(default_factory=dict)


def collect_forms(folder: str | Path, period: Period, *, catalog: Any, units: Any, lang: str = "vi",
                  expected: dict[str, list[str]] | None = None) -> Collection:
    """Read every ``.xlsx`` of ``folder`` for ``period`` (files starting with ``~$`` or ``.`` skipped).

    Parameters
    ----------
    expected : unit → indicator codes its form asks (for the share of indicators filled); optional.

    Raises
    ------
    InputError
        The folder does not exist.
    """
    import pandas as pd

    from ctxh_plan.data.checks import check_observations
    from ctxh_plan.io.problems import Problems
    from ctxh_plan.tracking.names import IndicatorMatcher

    d = Path(folder)
    if not d.is_dir():
        raise InputError("folder of received forms not found", file=str(d),
                         fix=f"give the folder holding the forms of {period} (e.g. received/{period})")
    from ctxh_plan.errors import PersonLevelDataError

    matcher = IndicatorMatcher(catalog)
    readings = []
    for p in sorted(d.glob("*.xlsx")):
        if p.name.startswith(("~$", ".")):
            continue
        try:
            readings.append(read_form(p, period, matcher=matcher, units=units))
        except PersonLevelDataError as exc:  # refused: the file is not used, the table says why
            r = FormReading(file=str(p), unit_code=None, period=None, submitted_on=None)
            w = exc.where
            r.problems.append(_problem(str(p), w.sheet or "", w.row, w.column or "", w.value,
                                       f"tệp bị từ chối: {exc.problem}", exc.fix))
            readings.append(r)
    files = pd.DataFrame([{"file": r.file, "unit_code": r.unit_code or "", "submitted_on": r.submitted_on,
                           "rows": r.rows, "filled": r.filled, "by_name": r.by_name} for r in readings],
                         columns=["file", "unit_code", "submitted_on", "rows", "filled", "by_name"])
    problems_rows = [p for r in readings for p in r.problems]
    # one file per unit: the latest stated date, then the last file name
    files["_date"] = files["submitted_on"].map(lambda x: x or dt.date(1900, 1, 1))
    order = files.sort_values(["unit_code", "_date", "file"]).index
    used = set(files.loc[order].drop_duplicates("unit_code", keep="last").index)
    files["used"] = [i in used and bool(u) for i, u in zip(files.index, files["unit_code"])]
    for i in files.index:
        if files.at[i, "unit_code"] and not files.at[i, "used"]:
            problems_rows.append(_problem(files.at[i, "file"], "", None, "unit_code", files.at[i, "unit_code"],
                                          "đơn vị gửi nhiều tệp; dùng tệp gửi sau cùng / the unit sent several files; "
                                          "the latest is used", "xóa tệp cũ khỏi thư mục / remove the older file",
                                          "warning"))
    files = files.drop(columns="_date")
    recs = [rec for r, u in zip(readings, files["used"]) if u for rec in r.records]
    raw = pd.DataFrame(recs, columns=["unit_code", "indicator_code", "year", "period", "value", "numerator",
                                      "denominator", "flag", "source", "note", "_file", "_sheet", "_row", "_column"])
    problems = Problems(lang)
    obs, problems = check_observations(raw.astype(object), catalog, units, years=(2000, 2100), problems=problems)
    frame = problems.frame()
    extra = pd.DataFrame(problems_rows, columns=list(frame.columns)) if problems_rows else None
    if extra is not None:
        frame = pd.concat([extra, frame], ignore_index=True) if len(frame) else extra
    if "row" in frame.columns:
        frame["row"] = frame["row"].astype("Int64")
    return Collection(observations=obs, files=files, problems=frame, period=period, expected=dict(expected or {}))
