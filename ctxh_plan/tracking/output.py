"""Writing the tracking results: one Excel workbook (or the tracking frame as CSV), atomically.

Sheets: ``theo_doi`` (the tracking frame, Vietnamese headers and labels, numbers as numbers),
``nop_bao_cao`` (completeness and timeliness), ``doi_chieu_tinh`` (the province's own figures beside the
aggregate of its units), ``van_de`` (problems in the forms), ``ghi_chu`` (period, due date, methods,
"dữ liệu minh họa"). Text from the data never becomes a formula (:mod:`ctxh_plan.io.cells`): a cell
starting with ``=``, ``+``, ``-`` or ``@`` is stored as text (Excel) or prefixed with ``'`` (CSV).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ctxh_plan.data.frames import frame_records
from ctxh_plan.errors import UsageError
from ctxh_plan.io.cells import is_formula_like

__all__ = ["TRACKING_LABELS", "format_tracking", "labelled_tracking", "write_frame_xlsx", "write_tracking"]

#: column → (vi, en) labels of the tracking outputs
TRACKING_LABELS: dict[str, tuple[str, str]] = {
    "unit_code": ("Mã đơn vị", "Unit code"), "unit_name": ("Đơn vị", "Unit"), "level": ("Cấp", "Level"),
    "indicator_code": ("Mã chỉ tiêu", "Indicator code"), "indicator": ("Chỉ tiêu", "Indicator"),
    "unit_of_measure": ("Đơn vị tính", "Unit of measure"), "period": ("Kỳ báo cáo", "Period"),
    "value": ("Thực hiện kỳ báo cáo", "Value of the period"), "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"), "flag": ("Ghi chú số liệu", "Data flag"),
    "same_period_last_year": ("Cùng kỳ năm trước", "Same period last year"),
    "change_vs_same_period": ("Tăng (+)/giảm (−) so với cùng kỳ", "Change vs same period"),
    "change_percent": ("So với cùng kỳ (%)", "Change vs same period (%)"),
    "year_end_estimate": ("Ước thực hiện cả năm", "Year-end estimate"),
    "year_end_lo95": ("Cận dưới 95% (số nhỏ)", "Lower 95% (small counts)"),
    "year_end_hi95": ("Cận trên 95% (số nhỏ)", "Upper 95% (small counts)"),
    "estimate_method": ("Cách ước", "Estimate method"), "share_of_year": ("Tỷ lệ của năm đã đạt", "Share of year"),
    "milestone": ("Mốc lộ trình năm", "Milestone of the year"), "milestone_year": ("Năm của mốc", "Milestone year"),
    "operator": ("Điều kiện", "Operator"), "p_milestone": ("Xác suất đạt mốc", "P(meets milestone)"),
    "status_vs_milestone": ("Đánh giá so với lộ trình", "Status vs milestone"),
    "target_2030": ("Chỉ tiêu 2030", "2030 target"), "p_target_2030": ("Xác suất đạt 2030", "P(meets 2030 target)"),
    "status_vs_target": ("Đánh giá so với chỉ tiêu 2030", "Status vs 2030 target"), "trend": ("Xu hướng", "Trend"),
    "reported_value": ("Số tỉnh tự báo cáo", "Province's own figure"),
    "reported_difference": ("Chênh lệch với số tổng hợp", "Difference from the aggregate"),
    "n_units": ("Số đơn vị có số liệu", "Units with data"), "n_units_expected": ("Số đơn vị", "Units"),
    "cause": ("Nguyên nhân", "Causes"), "solution": ("Giải pháp", "Solutions"), "note": ("Ghi chú", "Notes"),
    "illustrative": ("Dữ liệu minh họa", "Illustrative data"),
    # submissions
    "expected": ("Phải báo cáo", "Expected"), "received": ("Đã nhận", "Received"),
    "submitted_on": ("Ngày gửi", "Sent on"), "due": ("Hạn gửi", "Due"), "on_time": ("Đúng hạn", "On time"),
    "days_late": ("Số ngày muộn", "Days late"), "indicators_expected": ("Số chỉ tiêu phải báo cáo", "Indicators asked"),
    "indicators_filled": ("Số chỉ tiêu đã điền", "Indicators filled"),
    "share_filled": ("Tỷ lệ đã điền (%)", "Share filled (%)"), "by_name": ("Bảng chỉ có tên chỉ tiêu", "Names only"),
    "file": ("Tệp", "File"),
    # consistency
    "year": ("Năm", "Year"), "aggregated_value": ("Tổng hợp từ các đơn vị", "Aggregate of units"),
    "difference": ("Chênh lệch", "Difference"), "relative_difference": ("Chênh lệch tương đối", "Relative difference"),
    "complete": ("Đủ đơn vị", "Complete"),
    # problems
    "sheet": ("Trang tính", "Sheet"), "row": ("Dòng", "Row"), "column": ("Cột", "Column"),
    "problem": ("Vấn đề", "Problem"), "fix": ("Cách sửa", "Fix"), "severity": ("Mức độ", "Severity"),
}
def _label(col: str, lang: str) -> str:
    pair = TRACKING_LABELS.get(col)
    return (pair[0] if lang == "vi" else pair[1]) if pair else col


def labelled_tracking(table: Any, catalog: Any, lang: str = "vi") -> Any:
    """The tracking frame for reading: indicator name and unit of measure added, statuses and trends as labels."""
    from ctxh_plan.vocab import TrackingStatus, Trend

    out = table.copy()
    out.insert(out.columns.get_loc("indicator_code") + 1, "indicator",
               [catalog[c].name(lang) if c in catalog else c for c in out["indicator_code"]])
    out.insert(out.columns.get_loc("indicator") + 1, "unit_of_measure",
               [catalog[c].unit(lang) if c in catalog else "" for c in out["indicator_code"]])
    for col, enum in (("status_vs_milestone", TrackingStatus), ("status_vs_target", TrackingStatus), ("trend", Trend)):
        out[col] = [enum(v).label(lang) if v in {e.value for e in enum} else v for v in out[col]]
    for col in ("p_milestone", "p_target_2030"):
        out[col] = out[col] * 100.0
    return out


def write_frame_xlsx(wb: Any, frame: Any, title: str, lang: str, *, widths: dict[str, float] | None = None,
                     header_note: str = "") -> Any:
    """One sheet: a note row (e.g. "dữ liệu minh họa"), labelled header, values; text never a formula."""
    import datetime as dt

    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title[:31])
    r0 = 1
    if header_note:
        c = ws.cell(row=1, column=1, value=header_note)
        c.font = Font(bold=True, color="C00000")
        r0 = 2
    fill = PatternFill("solid", fgColor="DDEBF7")
    cols = list(frame.columns)
    for j, col in enumerate(cols, start=1):
        c = ws.cell(row=r0, column=j, value=_label(str(col), lang))
        c.font = Font(bold=True)
        c.fill = fill
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for i, rec in enumerate(frame.itertuples(index=False), start=r0 + 1):
        for j, v in enumerate(rec, start=1):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            if hasattr(v, "item") and not isinstance(v, str):
                v = v.item()
            if isinstance(v, bool):
                v = ("có" if v else "không") if lang == "vi" else ("yes" if v else "no")
            elif not isinstance(v, (int, float, str, dt.date, dt.datetime)):
                if str(v) in ("<NA>", "NaT"):
                    continue
                v = str(v)
            c = ws.cell(row=i, column=j, value=v)
            if is_formula_like(v):  # text from data stays text (io.cells)
                c.data_type = "s"
                c.quotePrefix = True
            if isinstance(v, dt.date):
                c.number_format = "DD/MM/YYYY"
            elif isinstance(v, float):
                c.number_format = "#,##0.0##"
    for j, col in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(j)].width = (widths or {}).get(str(col), 14)
    ws.freeze_panes = ws.cell(row=r0 + 1, column=1).coordinate
    return ws


def write_tracking(tracking: Any, path: str | Path, *, catalog: Any = None, lang: str = "vi") -> Path:
    """Write a :class:`~ctxh_plan.tracking.track.Tracking` to ``.xlsx`` (all sheets) or ``.csv`` (the frame)."""
    import pandas as pd
    from openpyxl import Workbook

    from ctxh_plan.io.atomic import atomic_path, write_frame
    from ctxh_plan.present.docx_writer import normalize_ooxml

    p = Path(path)
    if catalog is None:
        from ctxh_plan.data.catalog import load_catalog

        catalog = load_catalog()
    table = labelled_tracking(tracking.table, catalog, lang)
    if p.suffix.lower() == ".csv":
        return write_frame(table, p)  # write_frame keeps formula-like text as text
    if p.suffix.lower() != ".xlsx":
        raise UsageError(f"-o {p}: unknown format {p.suffix!r} — fix: use a .xlsx or .csv file name")
    note = "DỮ LIỆU MINH HỌA — illustrative data, not official statistics" if tracking.illustrative else ""
    wb = Workbook()
    wb.remove(wb.active)
    write_frame_xlsx(wb, table, "theo_doi", lang, header_note=note,
                     widths={"indicator": 48, "unit_name": 20, "note": 60, "cause": 40, "solution": 40})
    subs = tracking.submissions.table.copy()
    write_frame_xlsx(wb, subs, "nop_bao_cao", lang, header_note=note, widths={"unit_name": 22, "file": 40, "note": 50})
    write_frame_xlsx(wb, tracking.consistency, "doi_chieu_tinh", lang, header_note=note)
    write_frame_xlsx(wb, tracking.problems if len(tracking.problems) else pd.DataFrame(
        columns=["file", "sheet", "row", "column", "value", "problem", "fix", "severity"]), "van_de", lang,
        widths={"file": 40, "problem": 60, "fix": 60})
    a = tracking.submissions.summary()
    info = pd.DataFrame({"key": ["Kỳ báo cáo / period", "Hạn gửi / due", "Đã nhận / received", "Đúng hạn / on time",
                                 "Văn bản / documents", "Phương pháp / method", "Dữ liệu / data"],
                         "value": [str(tracking.period), f"{a.get('due'):%d/%m/%Y}" if a.get("due") else "–",
                                   f"{a.get('n_received')}/{a.get('n_expected')}",
                                   f"{a.get('n_on_time')}/{a.get('n_expected')}", "; ".join(tracking.documents),
                                   "Xác suất đạt mốc từ mô hình dự báo (phần còn lại của năm); ước cả năm theo tỷ lệ "
                                   "của đơn vị, nếu không có thì của toàn tỉnh / probabilities from the forecast model",
                                   note or "số liệu báo cáo / reported figures"]})
    write_frame_xlsx(wb, info, "ghi_chu", lang, widths={"key": 28, "value": 100})
    import datetime as dt

    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    from ctxh_plan.io.cells import mark_text_cells

    mark_text_cells(wb)  # text from data (names, notes) stays text, never a formula
    with atomic_path(p) as tmp:
        wb.save(tmp)
        normalize_ooxml(tmp)
    return p


def format_tracking(tracking: Any, catalog: Any, lang: str = "vi", *, limit: int = 40) -> str:
    """Terminal summary: status counts over the units, then the province's planned indicators."""
    from ctxh_plan.data.numbers import format_number
    from ctxh_plan.vocab import TrackingStatus

    t = tracking.table
    vi = lang == "vi"
    prov = tracking.province_code
    units = t[(t["unit_code"] != prov) & t["milestone"].notna()]
    counts = units["status_vs_milestone"].value_counts()
    order = [s.value for s in TrackingStatus if s.value != "no_target"]
    summary = ", ".join(f"{TrackingStatus(s).label(lang)}: {int(counts.get(s, 0))}" for s in order)
    mark = " [dữ liệu minh họa]" if tracking.illustrative else ""
    head = (f"Theo dõi kỳ {tracking.period}: {len(units)} chỉ tiêu có mốc lộ trình của {units['unit_code'].nunique()} "
            f"đơn vị — {summary}{mark}" if vi else
            f"Tracking {tracking.period}: {len(units)} unit indicators with a milestone — {summary}{mark}")
    lines = [head, ("Toàn tỉnh (tổng hợp từ các đơn vị):" if vi else "Province (aggregated from its units):"),
             " | ".join(["Chỉ tiêu", "Thực hiện", "Cùng kỳ", "+/−", "Ước cả năm", "Mốc", "Đánh giá"] if vi else
                        ["Indicator", "Value", "Same period", "Change", "Year-end", "Milestone", "Status"])]

    def f(v: Any, code: str) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "–"
        ind = catalog.get(code)
        dec = 0 if ind is None or ind.kind.value == "count" else min(int(ind.decimals), 4)
        return format_number(float(v), dec, "vi" if vi else "en")

    prov_rows = t[(t["unit_code"] == prov) & t["milestone"].notna()]
    for r in frame_records(prov_rows.head(limit)):
        code = r["indicator_code"]
        st = TrackingStatus(r["status_vs_milestone"]).label(lang)
        p = r["p_milestone"]
        st += "" if p is None or (isinstance(p, float) and math.isnan(p)) else f" ({round(100 * p)}%)"
        lines.append(" | ".join([code, f(r["value"], code), f(r["same_period_last_year"], code),
                                 f(r["change_vs_same_period"], code), f(r["year_end_estimate"], code),
                                 f"{r['operator']} {f(r['milestone'], code)}", st]))
    return "\n".join(lines)
