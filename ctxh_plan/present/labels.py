"""Vietnamese (default) and English labels for every column, table and fixed text shown to users.

Identifiers in frames stay English (``latest_value``); what a reader sees comes
from here. Unknown keys fall back to the key itself, so a new column is never
lost — but every column of the published tables has an entry (tested).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "COLUMN_LABELS",
    "TABLE_LABELS",
    "TEXTS",
    "column_label",
    "label_columns",
    "table_title",
    "text",
]

#: column key → (vi, en)
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    # identifiers
    "stt": ("STT", "No."),
    "unit_code": ("Mã đơn vị", "Unit code"),
    "unit_name": ("Đơn vị", "Unit"),
    "indicator_code": ("Mã chỉ tiêu", "Indicator code"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "indicator_name": ("Chỉ tiêu", "Indicator"),
    "unit_of_measure": ("Đơn vị tính", "Unit"),
    "year": ("Năm", "Year"),
    "note": ("Ghi chú", "Note"),
    # Biểu 1 — evaluation 2021–2025
    "baseline_2020": ("Năm gốc 2020", "Baseline 2020"),
    "target_2025": ("Chỉ tiêu 2025", "2025 target"),
    "value_2021": ("2021", "2021"),
    "value_2022": ("2022", "2022"),
    "value_2023": ("2023", "2023"),
    "value_2024": ("2024", "2024"),
    "value_2025": ("2025", "2025"),
    "values_2021_2025": ("Kết quả thực hiện", "Results"),
    "attainment": ("Đánh giá", "Status"),
    "attainment_label": ("Đánh giá", "Attainment"),
    "planned_change_share": ("Tỷ lệ thay đổi so với kế hoạch (%)", "Share of planned change (%)"),
    "progress_category": ("Mức tiến độ", "Progress category"),
    "progress_label": ("Mức tiến độ", "Progress category"),
    # evaluation frame (for style/display)
    "baseline_year": ("Năm gốc", "Baseline year"),
    "baseline_value": ("Giá trị năm gốc", "Baseline value"),
    "latest_year": ("Năm gần nhất", "Latest year"),
    "latest_value": ("Giá trị gần nhất", "Latest value"),
    "latest_is_estimate": ("Là số ước", "Is an estimate"),
    "target_year": ("Năm mục tiêu", "Target year"),
    "target_operator": ("Điều kiện", "Operator"),
    "target_value": ("Chỉ tiêu", "Target"),
    "progress_ratio": ("Tỷ số tiến độ", "Progress ratio"),
    "unsd_score": ("Điểm UNSD", "UNSD score"),
    "unsd_category": ("Mức tiến độ (UNSD)", "UNSD category"),
    # Biểu 2 — proposals 2026–2030
    "baseline_2025": ("Thực hiện 2025", "2025 baseline"),
    "milestone_2026": ("2026", "2026"),
    "milestone_2027": ("2027", "2027"),
    "milestone_2028": ("2028", "2028"),
    "milestone_2029": ("2029", "2029"),
    "milestone_2030": ("2030", "2030"),
    "milestones": ("Lộ trình hằng năm", "Yearly milestones"),
    "target_2030": ("Chỉ tiêu 2030", "2030 target"),
    "national_floor": ("Mức tối thiểu quốc gia", "National floor"),
    "target_method": ("Phương pháp", "Method"),
    "feasibility": ("Khả năng đạt (%)", "Feasibility (%)"),
    "binding": ("Căn cứ quyết định", "Decided by"),
    "indicator_name": ("Chỉ tiêu", "Indicator"),
    "stretch": ("Thách thức", "Stretch"),
    # forecasts frame
    "method": ("Phương pháp", "Method"),
    "mean": ("Dự báo", "Forecast"),
    "lo80": ("Cận dưới 80%", "Lower 80%"),
    "hi80": ("Cận trên 80%", "Upper 80%"),
    "lo95": ("Cận dưới 95%", "Lower 95%"),
    "hi95": ("Cận trên 95%", "Upper 95%"),
    # Biểu 3 — models and budget
    "model": ("Tên mô hình", "Model"),
    "content": ("Nội dung", "Content"),
    "places": ("Địa bàn thực hiện", "Places"),
    "lead_agency": ("Cơ quan chủ trì", "Lead agency"),
    "quantity": ("Số lượng 2026–2030", "Quantity 2026–2030"),
    "quantity_unit": ("Đơn vị tính", "Unit"),
    "unit_cost": ("Đơn giá (triệu đồng)", "Unit cost (million VND)"),
    "budget": ("Kinh phí 2026–2030 (triệu đồng)", "Budget 2026–2030 (million VND)"),
    "budget_total": ("Tổng", "Total"),
    "budget_state": ("Ngân sách nhà nước", "State budget"),
    "budget_private": ("Xã hội hóa", "Private contributions"),
    # problems table (validation)
    "file": ("Tệp", "File"),
    "sheet": ("Trang tính", "Sheet"),
    "row": ("Dòng", "Row"),
    "column": ("Cột", "Column"),
    "problem": ("Vấn đề", "Problem"),
    "fix": ("Cách sửa", "Fix"),
    "severity": ("Mức độ", "Severity"),
    # observations
    "value": ("Giá trị", "Value"),
    "flag": ("Ghi chú số liệu", "Data flag"),
    "source": ("Nguồn", "Source"),
}

#: table key → (number vi, title vi, number en, title en)
TABLE_LABELS: dict[str, tuple[str, str, str, str]] = {
    "bieu1": ("Biểu 1", "Đánh giá kết quả thực hiện các chỉ tiêu giai đoạn 2021–2025",
              "Table 1", "Evaluation of the 2021–2025 targets"),
    "bieu2": ("Biểu 2", "Đề xuất chỉ tiêu giai đoạn 2026–2030",
              "Table 2", "Proposed targets for 2026–2030"),
    "bieu3": ("Biểu 3", "Các mô hình can thiệp và kinh phí giai đoạn 2026–2030",
              "Table 3", "Intervention models and budget 2026–2030"),
    "sources": ("Nguồn và phương pháp", "Nguồn số liệu và phương pháp tính",
                "Sources and methods", "Data sources and methods"),
    "charts": ("Biểu đồ", "Biểu đồ diễn biến, dự báo và lộ trình các chỉ tiêu",
               "Charts", "History and forecast of the indicators"),
}

#: fixed texts → (vi, en)
TEXTS: dict[str, tuple[str, str]] = {
    "appendix": ("Phụ lục", "Appendix"),
    "illustrative": ("Dữ liệu minh họa", "Illustrative data"),
    "illustrative_note": (
        "Dữ liệu minh họa: số liệu trong biểu được tạo để minh họa cách dùng công cụ, "
        "không phải số liệu thống kê chính thức.",
        "Illustrative data: the figures are generated to show how the toolkit works; "
        "they are not official statistics."),
    "estimate_mark": ("(ư)", "(e)"),
    "estimate_note": ("(ư): ước thực hiện cả năm từ số liệu một phần năm.",
                      "(e): full-year estimate from part-year data."),
    "suppressed_note": (
        "{mark}: số nhỏ hơn {threshold} của chỉ tiêu nhạy cảm được ẩn để bảo vệ trẻ em; "
        "một số ô khác được ẩn thêm để không thể suy ra từ số tổng.",
        "{mark}: counts below {threshold} of sensitive indicators are hidden to protect children; "
        "some other cells are hidden too so that they cannot be recovered from a total."),
    "zero_not_suppressed": ("Số 0 không bị ẩn.", "Zeros are not hidden."),
    "method_note_bieu1": (
        "Đánh giá: so sánh giá trị gần nhất với chỉ tiêu 2025 theo điều kiện của chỉ tiêu. "
        "Tỷ lệ thay đổi so với kế hoạch = (giá trị gần nhất − năm gốc) / (chỉ tiêu − năm gốc) × 100. "
        "Mức tiến độ theo phương pháp Open SDG / Thống kê Canada (tỷ số tăng trưởng bình quân).",
        "Attainment compares the latest value with the 2025 target under the target's operator. "
        "Share of planned change = (latest − baseline) / (target − baseline) × 100. "
        "Progress category after the Open SDG / Statistics Canada method (ratio of growth rates)."),
    "method_note_bieu2": (
        "Lộ trình: đường đi cần thiết từ giá trị 2025 đến chỉ tiêu 2030; chỉ tiêu không thấp hơn mức "
        "tối thiểu quốc gia (QĐ 23/QĐ-TTg). Khả năng đạt: xác suất đạt theo khoảng dự báo.",
        "Milestones: the required path from the 2025 value to the 2030 target; never weaker than the "
        "national floor (Decision 23/QĐ-TTg). Feasibility: probability of reaching it from the forecast intervals."),
    "method_note_bieu3": (
        "Kinh phí = số lượng × đơn giá năm gốc × chỉ số giá ({rate} %/năm từ năm {base_year}); "
        "chia theo nguồn theo cơ cấu của năm gốc.",
        "Budget = quantity × base-year unit cost × price index ({rate} % a year from {base_year}); "
        "split by source as in the base year."),
    "chart_history": ("Thực hiện", "Observed"),
    "chart_target_2025": ("Chỉ tiêu 2025", "2025 target"),
    "chart_forecast": ("Dự báo", "Forecast"),
    "chart_band80": ("Khoảng 80%", "80% interval"),
    "chart_band95": ("Khoảng 95%", "95% interval"),
    "chart_milestones": ("Lộ trình đề xuất", "Proposed milestones"),
    "chart_year": ("Năm", "Year"),
    "chart_heatmap_title": ("Mức tiến độ theo đơn vị và chỉ tiêu", "Progress by unit and indicator"),
    "chart_ranking_title": ("Xếp hạng đơn vị theo tỷ lệ chỉ tiêu đạt", "Units ranked by share of targets met"),
    "chart_ranking_axis": ("Tỷ lệ chỉ tiêu đạt hoặc vượt (%)", "Targets met or exceeded (%)"),
    "chart_no_data": ("Không có số liệu", "No data"),
    "chart_band95_cut": ("vượt khung", "beyond the frame"),
    "chart_up_to": ("tới {value}", "up to {value}"),
    "chart_down_to": ("xuống {value}", "down to {value}"),
    "chart_heatmap_note": (
        "Mỗi ô: mức tiến độ 2021–2025 (phương pháp Open SDG) của một chỉ tiêu tại một đơn vị; "
        "ô trắng: đơn vị không có chỉ tiêu này. Đơn vị xếp theo tỷ lệ chỉ tiêu đạt (cao nhất bên trái), "
        "chỉ tiêu xếp theo mức tiến độ chung của các đơn vị (tốt nhất ở trên).",
        "Each cell: the 2021–2025 progress category (Open SDG method) of one indicator with a 2025 target "
        "in one unit; white: the unit has no such target. Units in ranking order (best on the left), "
        "indicators by the units' overall progress (best at the top)."),
    "chart_ranking_note": (
        "Tính trên tổng số chỉ tiêu được đánh giá của mỗi đơn vị (cùng mẫu số với báo cáo của đơn vị); "
        "số ghi cạnh thanh: số chỉ tiêu đạt hoặc vượt / tổng số.",
        "Out of all indicators with a 2025 target in each unit (the same count as the unit's report); "
        "beside each bar: targets met or exceeded / all targets."),
    "appendix_contents_unit": ("Biểu 1: đánh giá chỉ tiêu 2021–2025; Biểu 2: chỉ tiêu và lộ trình 2026–2030",
                               "Table 1: evaluation 2021–2025; Table 2: targets and milestones 2026–2030"),
    "appendix_contents_province": (
        "Biểu 1: đánh giá chỉ tiêu 2021–2025; Biểu 2: chỉ tiêu và lộ trình 2026–2030; "
        "Biểu 3: mô hình can thiệp và kinh phí; biểu đồ các chỉ tiêu chính",
        "Table 1: evaluation 2021–2025; Table 2: targets and milestones 2026–2030; "
        "Table 3: intervention models and budget; charts of the key indicators"),
    "chart_ranking_good": ("Đạt hoặc vượt", "Met or exceeded"),
    "chart_ranking_other": ("Chưa kết luận được hoặc không đủ số liệu", "Not concluded or insufficient data"),
    "sheet_sources": ("Nguon_PhuongPhap", "Sources_Methods"),
    "sources_dataset": ("Bộ dữ liệu", "Dataset"),
    "sources_inputs": ("Tệp đầu vào (SHA-256)", "Input files (SHA-256)"),
    "sources_formats": ("Định dạng số", "Number formats"),
    "sources_formats_text": (
        "Các ô số lưu giá trị thực; định dạng '#,##0' hoặc '#,##0.0' — Excel hiển thị dấu phân cách "
        "theo thiết lập vùng của máy (tiếng Việt: 1.234,5).",
        "Numeric cells hold real numbers formatted '#,##0' or '#,##0.0'; Excel shows the separators "
        "of the computer's regional settings (Vietnamese: 1.234,5)."),
    "notes": ("Ghi chú", "Notes"),
    "issued_with": ("(Kèm theo {document})", "(Attached to {document})"),
    "for_unit": ("Đơn vị: {name}", "Unit: {name}"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "vi" else pair[1]


def column_label(key: str, lang: str = "vi") -> str:
    """User-facing label of a column key in ``lang`` ("vi" default, or "en"); unknown keys pass through."""
    pair = COLUMN_LABELS.get(key)
    if pair is None and key.startswith("value_") and key[6:].isdigit():
        return key[6:]
    if pair is None and key.startswith("milestone_") and key[10:].isdigit():
        return key[10:]
    return _pick(pair, lang) if pair else key


def table_title(key: str, lang: str = "vi") -> tuple[str, str]:
    """(number, title) of an appendix table, e.g. ("Biểu 1", "Đánh giá …")."""
    vi_no, vi_title, en_no, en_title = TABLE_LABELS[key]
    return (vi_no, vi_title) if lang == "vi" else (en_no, en_title)


def text(key: str, lang: str = "vi", **fmt: Any) -> str:
    """A fixed text in ``lang``, formatted with ``fmt`` (e.g. ``mark="<5"``)."""
    s = _pick(TEXTS[key], lang)
    return s.format(**fmt) if fmt else s


def label_columns(frame, lang: str = "vi", *, keep: Iterable[str] = ()):
    """Copy of ``frame`` with columns renamed to their labels (columns in ``keep`` keep their key)."""
    keep = set(keep)
    return frame.rename(columns={c: c if c in keep else column_label(str(c), lang) for c in frame.columns})
