"""Vietnamese (default) and English labels for every column, table and fixed text shown to users.

Identifiers in frames stay English (``latest_value``); what a reader sees comes from here, in the
register of a signed plan (docs/NATIVE_READER_CHECKLIST.md): "chỉ tiêu" is a numeric target and
"mục tiêu" a goal; table heads say "Địa phương:"; verdicts Đạt / Vượt / Chưa đạt with the statistical
judgement beside them; after 1 July 2025 "xã, phường, đặc khu" and "cấp xã" (:func:`post_reform`).
Unknown keys fall back to the key itself, so a new column is never lost — but every column of the
published tables has an entry (tested).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "COLUMN_LABELS",
    "NOTE_TRANSLATIONS",
    "REFORM_TERMS",
    "TABLE_LABELS",
    "TEXTS",
    "column_label",
    "label_columns",
    "localize_note",
    "post_reform",
    "table_title",
    "text",
]

#: column key → (vi, en)
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    # identifiers
    "stt": ("STT", "No."),
    "unit_code": ("Mã đơn vị", "Unit code"),
    "unit_name": ("Địa phương", "Unit"),
    "indicator_code": ("Mã chỉ tiêu", "Indicator code"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "indicator_name": ("Chỉ tiêu", "Indicator"),
    "unit_of_measure": ("Đơn vị tính", "Unit of measure"),
    "year": ("Năm", "Year"),
    "note": ("Ghi chú", "Note"),
    "notes": ("Ghi chú", "Notes"),
    # Biểu 1 — evaluation 2021–2025
    "baseline_2020": ("Năm gốc 2020", "Baseline 2020"),
    "target_2025": ("Chỉ tiêu năm 2025", "2025 target"),
    "value_2021": ("Năm 2021", "2021"),
    "value_2022": ("Năm 2022", "2022"),
    "value_2023": ("Năm 2023", "2023"),
    "value_2024": ("Năm 2024", "2024"),
    "value_2025": ("Năm 2025", "2025"),
    "estimate_2025": ("Ước thực hiện năm 2025", "2025 (estimate)"),
    "values_2021_2025": ("Kết quả thực hiện", "Results"),
    "percent_of_target": ("TH/KH (%)", "Actual/target (%)"),
    "attainment": ("Đánh giá", "Verdict"),
    "attainment_label": ("Đánh giá", "Verdict"),
    "certainty": ("Độ tin cậy thống kê", "Statistical check"),
    "planned_change_share": ("Mức hoàn thành thay đổi theo kế hoạch (%)", "Share of planned change (%)"),
    "progress_category": ("Tiến độ (phương pháp Open SDG)", "Progress (Open SDG method)"),
    "progress_label": ("Tiến độ (phương pháp Open SDG)", "Progress (Open SDG method)"),
    # evaluation frame (for style/display)
    "baseline_year": ("Năm gốc", "Baseline year"),
    "baseline_value": ("Giá trị năm gốc", "Baseline value"),
    "baseline_year_value": ("Năm gốc", "Baseline"),
    "latest_year": ("Năm gần nhất", "Latest year"),
    "latest_value": ("Giá trị gần nhất", "Latest value"),
    "latest_year_value": ("Thực hiện", "Latest"),
    "latest_is_estimate": ("Là số ước", "Is an estimate"),
    "target_year": ("Năm của chỉ tiêu", "Target year"),
    "target_operator": ("Điều kiện", "Operator"),
    "target_value": ("Chỉ tiêu", "Target"),
    "progress_ratio": ("Tỷ số tiến độ", "Progress ratio"),
    "unsd_score": ("Điểm tiến độ (UNSD)", "UNSD score"),
    "unsd_category": ("Tiến độ (phương pháp UNSD)", "UNSD category"),
    # Biểu 2 — targets 2026–2030
    "baseline_2025": ("Ước thực hiện năm 2025", "2025 (estimate)"),
    "value_2025_level": ("Năm 2025", "2025"),
    "milestone_2026": ("Năm 2026", "2026"),
    "milestone_2027": ("Năm 2027", "2027"),
    "milestone_2028": ("Năm 2028", "2028"),
    "milestone_2029": ("Năm 2029", "2029"),
    "milestone_2030": ("Năm 2030", "2030"),
    "milestones": ("Lộ trình thực hiện hằng năm", "Yearly milestones"),
    "target_2030": ("Chỉ tiêu năm 2030", "2030 target"),
    "province_target": ("Chỉ tiêu của tỉnh đến năm 2030", "Provincial target for 2030"),
    "national_target": ("Chỉ tiêu quốc gia (QĐ 23)", "National target (QĐ 23)"),
    "national_floor": ("Chỉ tiêu quốc gia (QĐ 23)", "National target (QĐ 23)"),
    "target_method": ("Cơ sở xác định chỉ tiêu", "Basis of the target"),
    "feasibility": ("Khả năng đạt (%)", "Probability of reaching it (%)"),
    "binding": ("Căn cứ quyết định mức chỉ tiêu", "Rule that decided the target"),
    "stretch": ("Chỉ tiêu phấn đấu", "Stretch target"),
    "lead_agency": ("Cơ quan chủ trì", "Lead agency"),
    # forecasts frame
    "method": ("Phương pháp", "Method"),
    "mean": ("Dự báo", "Forecast"),
    "lo80": ("Cận dưới 80%", "Lower 80%"),
    "hi80": ("Cận trên 80%", "Upper 80%"),
    "lo95": ("Cận dưới 95%", "Lower 95%"),
    "hi95": ("Cận trên 95%", "Upper 95%"),
    # Biểu 3 — intervention models and their budget
    "model": ("Tên mô hình", "Model"),
    "objectives": ("Mục tiêu", "Objectives"),
    "content": ("Nội dung hoạt động", "Activities"),
    "scope": ("Phạm vi, đối tượng", "Scope and beneficiaries"),
    "places": ("Địa bàn thực hiện", "Places"),
    "timeline": ("Thời gian thực hiện", "Timeline"),
    "quantity": ("Số lượng 2026–2030", "Quantity 2026–2030"),
    "quantity_unit": ("Đơn vị tính", "Unit of measure"),
    "unit_cost": ("Đơn giá (triệu đồng)", "Unit cost (million VND)"),
    "budget": ("Kinh phí (triệu đồng)", "Budget (million VND)"),
    "budget_item": ("Mô hình, nguồn kinh phí", "Model, source of funds"),
    "budget_total": ("Tổng 2026–2030", "Total 2026–2030"),
    "budget_2026": ("Năm 2026", "2026"),
    "budget_2027": ("Năm 2027", "2027"),
    "budget_2028": ("Năm 2028", "2028"),
    "budget_2029": ("Năm 2029", "2029"),
    "budget_2030": ("Năm 2030", "2030"),
    "budget_central": ("Ngân sách trung ương", "Central budget"),
    "budget_local": ("Ngân sách địa phương", "Local budget"),
    "budget_social": ("Xã hội hóa", "Social contributions"),
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
    "period": ("Kỳ báo cáo", "Period"),
    "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"),
}

#: table key → (number vi, title vi, number en, title en)
TABLE_LABELS: dict[str, tuple[str, str, str, str]] = {
    "bieu1": ("Biểu 1", "Đánh giá kết quả thực hiện các chỉ tiêu giai đoạn 2021–2025",
              "Table 1", "Evaluation of the 2021–2025 targets"),
    "bieu2": ("Biểu 2", "Chỉ tiêu giai đoạn 2026–2030 và lộ trình thực hiện hằng năm",
              "Table 2", "Targets for 2026–2030 and their yearly milestones"),
    "bieu3": ("Biểu 3a", "Các mô hình can thiệp giai đoạn 2026–2030",
              "Table 3a", "Intervention models 2026–2030"),
    "bieu3_budget": ("Biểu 3b", "Kinh phí thực hiện các mô hình theo năm và nguồn kinh phí giai đoạn 2026–2030",
                     "Table 3b", "Budget of the models by year and source of funds, 2026–2030"),
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
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
    "missing": ("–", "–"),
    "total": ("Tổng cộng", "Total"),
    "former": ("(cũ)", "(former)"),
    "page": ("Trang", "Page"),
    "estimate_mark": ("ước", "est."),
    "estimate_note": ("“ước”: ước thực hiện cả năm từ số liệu một phần năm (6 tháng hoặc 9 tháng).",
                      "“est.”: full-year estimate from part-year data (six or nine months)."),
    "rebased_note": (
        "Số liệu các năm 2019–2025 của đơn vị được quy đổi từ số liệu của các đơn vị hành chính cũ theo "
        "phương án sắp xếp đơn vị hành chính có hiệu lực từ ngày 01/7/2025; số liệu quy đổi mang tính ước tính.",
        "Figures for 2019–2025 are re-based from the former administrative units onto the units in force "
        "from 1 July 2025; re-based figures are estimates."),
    "estimate_column_note": (
        "Cột “Ước thực hiện năm 2025”: số ước cả năm tính từ số liệu 6 tháng đầu năm; chỉ tiêu đã có số "
        "cả năm ghi số thực hiện.",
        "Column “2025 (estimate)”: full-year estimates from the first six months; indicators with a "
        "full-year figure show it."),
    "verdict_note": (
        "Đánh giá: so sánh số thực hiện (hoặc ước thực hiện) với chỉ tiêu theo điều kiện của chỉ tiêu "
        "(≥, ≤, <, >, =), cả hai số làm tròn như in trong biểu. “Đạt”: thỏa mãn điều kiện, bằng chỉ tiêu; "
        "“Vượt”: tốt hơn chỉ tiêu (cao hơn với chỉ tiêu càng cao càng tốt, thấp hơn với chỉ tiêu càng thấp "
        "càng tốt; chỉ tiêu là một khoảng thì tốt hơn đầu cao của khoảng); “Chưa đạt”: không thỏa mãn điều kiện.",
        "Verdict: the reported (or estimated) value compared with the target under its operator "
        "(≥, ≤, <, >, =), both rounded as printed. “Met”: the operator holds, at the target; “Exceeded”: "
        "better than the target (above it when higher is better, below it when lower is better; beyond the "
        "ambitious end of a range); “Not met”: the operator fails."),
    "percent_of_target_note": (
        "TH/KH (%) = số thực hiện ÷ chỉ tiêu × 100. Với chỉ tiêu càng thấp càng tốt (tử vong, tai nạn, "
        "xâm hại, suy dinh dưỡng…), TH/KH từ 100% trở xuống là đạt, càng nhỏ càng tốt.",
        "Actual/target (%) = value ÷ target × 100. For lower-is-better indicators (deaths, injuries, abuse, "
        "malnutrition…) 100% or less means met, and smaller is better."),
    "certainty_note": (
        "Độ tin cậy thống kê: với số nhỏ (số trẻ tử vong, bị tai nạn, bị xâm hại; tỷ suất trên 1.000 hoặc "
        "100.000 trẻ), khoảng tin cậy 95% của số liệu (phân phối Poisson) được so với chỉ tiêu; “Chưa đủ chắc "
        "chắn” khi khoảng này chứa chỉ tiêu, tức là chênh lệch một vài trường hợp có thể làm thay đổi đánh giá. "
        "Cột này không thay thế cột đánh giá.",
        "Statistical check: for small numbers (child deaths, injuries, abuse; rates per 1,000 or 100,000) the "
        "95% exact Poisson interval of the value is compared with the target; “Not conclusive” when it "
        "contains the target (a few cases more or fewer would change the verdict). It does not replace the "
        "verdict."),
    "not_applicable_note": (
        "“Không giao chỉ tiêu”: chỉ tiêu giảm (tăng) theo tỷ lệ so với năm gốc là chỉ tiêu của tỉnh; địa "
        "phương có số năm gốc dưới {min_base} trường hợp không nhận chỉ tiêu này (thay đổi nhỏ hơn một trường "
        "hợp), trừ khi kế hoạch của địa phương đặt riêng.",
        "“No target for this unit”: a relative target is the province's; a unit with fewer than {min_base} "
        "cases in the base year does not carry it (the change would be less than one case) unless its own "
        "plan sets it."),
    "suppressed_note": (
        "{mark}: số nhỏ hơn {threshold} của chỉ tiêu nhạy cảm (số vụ, số trẻ em bị xâm hại) được ẩn để bảo vệ "
        "trẻ em; một số ô khác được ẩn thêm để không thể suy ra từ số tổng.",
        "{mark}: counts below {threshold} of sensitive indicators are hidden to protect children; "
        "some other cells are hidden too so that they cannot be recovered from a total."),
    "suppressed_rate_note": (
        "{mark}: tỷ lệ tính trên số nhỏ hơn {threshold} trường hợp của chỉ tiêu nhạy cảm, không công bố.",
        "{mark}: a rate resting on fewer than {threshold} cases of a sensitive indicator, not published."),
    "zero_not_suppressed": ("Số 0 không bị ẩn.", "Zeros are not hidden."),
    "method_note_bieu1": (
        "Mức hoàn thành thay đổi theo kế hoạch = (số thực hiện − năm gốc) ÷ (chỉ tiêu − năm gốc) × 100. "
        "Tiến độ theo phương pháp Open SDG / Thống kê Canada (so sánh tốc độ thay đổi bình quân năm đã đạt "
        "với tốc độ cần đạt).",
        "Share of planned change = (latest − baseline) ÷ (target − baseline) × 100. Progress after the "
        "Open SDG / Statistics Canada method (observed against required average annual rate)."),
    "method_note_bieu2": (
        "Lộ trình: mức cần đạt từng năm từ ước thực hiện năm 2025 đến chỉ tiêu năm 2030, mỗi năm thay đổi "
        "cùng một tỷ lệ. Chỉ tiêu năm 2030 không kém chỉ tiêu quốc gia (QĐ 23/QĐ-TTg) và chỉ tiêu của tỉnh: "
        "với chỉ tiêu càng thấp càng tốt (tử vong, tai nạn, xâm hại…) chỉ tiêu quốc gia là mức không được vượt "
        "quá (không cao hơn); với các chỉ tiêu khác là mức tối thiểu (không thấp hơn). Chỉ tiêu càng thấp càng "
        "tốt không giữ nguyên mức năm 2025 mà giảm ít nhất {min_reduction}%/năm.",
        "Milestones: the level required each year from the 2025 estimate to the 2030 target, changing by the "
        "same rate every year. The 2030 target is never weaker than the national target (Decision "
        "23/QĐ-TTg) and the province's: for lower-is-better indicators the national target is a ceiling "
        "(not above it), for the others a floor (not below it). A lower-is-better indicator is not kept at its "
        "2025 level but cut by at least {min_reduction}% a year."),
    "feasibility_note": (
        "Khả năng đạt: xác suất số năm 2030 đạt chỉ tiêu theo mô hình dự báo (số nhỏ: mô hình đếm "
        "Poisson hoặc nhị thức âm có xu hướng).",
        "Probability of reaching it: chance that the 2030 value meets the target under the forecast model "
        "(small counts: a Poisson or negative binomial count model with trend)."),
    "method_basis_note": (
        "Cơ sở xác định chỉ tiêu: theo xu hướng dự báo, theo chỉ tiêu quốc gia hoặc của tỉnh, duy trì mức đã "
        "đạt, mức phấn đấu, giảm tối thiểu hằng năm, hoặc định mức của hướng dẫn.",
        "Basis of the target: the forecast trend, the national or provincial target, the level reached, a "
        "stretch level, the minimum yearly reduction, or a norm of the guidance."),
    "norm_note": (
        "Chỉ tiêu theo định mức của hướng dẫn (giữ 100% hằng năm); chưa có số liệu theo dõi đến năm 2025.",
        "A norm of the guidance (100% every year); no monitoring data up to 2025."),
    "unconfirmed_note": (
        "Giá trị chỉ tiêu quốc gia mới đối chiếu được với một bản sao văn bản QĐ 23/QĐ-TTg, chưa xác minh đầy "
        "đủ; cần đối chiếu nguyên văn trước khi ký ban hành.",
        "The national value is checked against a single copy of Decision 23/QĐ-TTg only; check the original "
        "text before signing."),
    "communes_note": (
        "Giai đoạn 2026–2030 tính trên {n} đơn vị hành chính cấp xã sau sắp xếp (từ 01/7/2025): "
        "chỉ tiêu năm 2030 là {pct}%, tức ít nhất {k}/{n} xã, phường, đặc khu.",
        "For 2026–2030 the share is of the {n} commune-level units after the reform (from 1 July 2025): "
        "the 2030 target {pct}% means at least {k} of {n} units."),
    "method_note_bieu3": (
        "Kinh phí = số lượng × đơn giá năm gốc × chỉ số giá ({rate}%/năm từ năm {base_year}); chia theo nguồn "
        "theo cơ cấu ghi trong kế hoạch mô hình (đơn vị: triệu đồng).",
        "Budget = quantity × base-year unit cost × price index ({rate}% a year from {base_year}); split by "
        "source as the model's plan says (million VND)."),
    "chart_history": ("Thực hiện", "Observed"),
    "chart_target_2025": ("Chỉ tiêu 2025", "2025 target"),
    "chart_forecast": ("Dự báo", "Forecast"),
    "chart_forecast_mean": ("Dự báo (giá trị kỳ vọng)", "Forecast (expected value)"),
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
    "sources_inputs": ("Tệp đầu vào (mã kiểm tra SHA-256)", "Input files (SHA-256 checksum)"),
    "sources_formats": ("Định dạng số", "Number formats"),
    "sources_formats_text": (
        "Các ô số lưu giá trị thực, hiển thị theo số chữ số thập phân của từng chỉ tiêu; Excel hiển thị dấu "
        "phân cách theo thiết lập vùng của máy (tiếng Việt: 1.234,5).",
        "Numeric cells hold real numbers shown with each indicator's decimals; Excel shows the separators "
        "of the computer's regional settings (Vietnamese: 1.234,5)."),
    "notes": ("Ghi chú", "Notes"),
    "issued_with": ("(Kèm theo {document})", "(Attached to {document})"),
    "plan_reference": ("Kế hoạch số {number} {date} của {body}", "Plan No. {number} {date} of the {body}"),
    "people_committee": ("Ủy ban nhân dân {unit}", "People's Committee of {unit}"),
    "for_unit": ("Địa phương: {name}", "Unit: {name}"),
    "for_agency": ("Cơ quan chủ trì: {name}", "Lead agency: {name}"),
    "other_section": ("Chỉ tiêu khác", "Other indicators"),
}

#: words of the 2021–2025 administrative vocabulary → their form after the 1 July 2025 reform
#: (the district level was abolished; commune-level units are communes, wards and special zones)
REFORM_TERMS: tuple[tuple[str, str], ...] = (
    ("xã, phường, thị trấn", "xã, phường, đặc khu"),
    ("Xã, phường, thị trấn", "Xã, phường, đặc khu"),
    ("xã/phường/thị trấn", "xã/phường/đặc khu"),
)


#: English messages of the library (log warnings, forecast notes) → their Vietnamese wording in reports.
#: (regular expression on the whole message, Vietnamese template with the groups as {0}, {1}…)
NOTE_TRANSLATIONS: tuple[tuple[str, str], ...] = (
    (r"geometric milestones undefined at 0 for (\d+) series; linear path used",
     "Lộ trình của {0} chỉ tiêu đi theo mức tăng/giảm đều (không tính được theo tỷ lệ vì có giá trị 0 hoặc 100%)."),
    (r"(\d+) inner gap\(s\) interpolated",
     "Nội suy {0} năm thiếu số liệu ở giữa chuỗi trước khi dự báo."),
    (r"only (\d+) observed point\(s\) \(< (\d+)\): (\S+) not used, naive fallback(; no interval)?"
     r"(?: for (\d+) series)?",
     "Chuỗi chỉ có {0} năm số liệu (dưới {1}): dự báo giữ nguyên mức gần nhất."),
    (r"sensitive indicator\(s\) \[(.*)\] not charted \(small-number protection\)",
     "Không vẽ biểu đồ chỉ tiêu nhạy cảm {0} (bảo vệ số nhỏ)."),
    (r"method 'required': (\d+) series have no floor; the trend is used instead",
     "{0} chỉ tiêu không có chỉ tiêu quốc gia hoặc của tỉnh: dùng xu hướng dự báo."),
    (r"scenario (\S+): (\d+) forecast rows have no anchor level before (\d+); forecast kept",
     "Kịch bản {0}: {1} dòng dự báo không có mức gốc trước năm {2}, giữ nguyên dự báo."),
    (r"trend and level shrunk to the group \(empirical Bayes\)",
     "xu hướng và mức được điều chỉnh về mức chung của nhóm đơn vị (Bayes thực nghiệm)"),
    (r"no observed value", "không có số liệu quan sát"),
)


def _is_vietnamese(txt: str) -> bool:
    import re

    return bool(re.search(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", txt.lower()))


def _localize_part(part: str) -> str | None:
    import re

    for pattern, template in NOTE_TRANSLATIONS:
        m = re.fullmatch(pattern, part)
        if m:
            return template.format(*[g or "" for g in m.groups()])
    head, sep, rest = part.partition(": ")
    if sep and rest and any(re.fullmatch(p, rest) for p, _ in NOTE_TRANSLATIONS):  # "Phụ lục: <message>"
        return f"{head}: {_localize_part(rest)}"
    if " / " in part:
        part = part.split(" / ", 1)[0].strip()
    # "dữ liệu minh họa (illustrative data)": an English aside in brackets goes
    part = re.sub(r"\s*\(([^()]*)\)", lambda m: "" if not _is_vietnamese(m.group(1)) and re.search(
        r"[A-Za-z]{3}", m.group(1)) else m.group(0), part).strip()
    return part if part and _is_vietnamese(part) else None


def localize_note(note: str, lang: str = "vi") -> str | None:
    """A note of the library as a report in ``lang`` shows it.

    English keeps the note. In Vietnamese, part by part (parts joined by "; "): a known English message
    gives its Vietnamese wording (:data:`NOTE_TRANSLATIONS`); a bilingual part "vi / en" its Vietnamese
    side; an English aside in brackets is dropped; a part still without Vietnamese is left out (it stays in
    the run log, not in a Vietnamese report). None when nothing is left.
    """
    note = str(note).strip()
    if lang != "vi" or not note:
        return note or None
    import re

    _head, sep, rest = note.partition(": ")
    for candidate in (note, rest if sep else None):  # a known message, maybe after "Phụ lục: "
        if candidate and any(re.fullmatch(p, candidate) for p, _ in NOTE_TRANSLATIONS):
            return _localize_part(note)
    if " / " not in note and "; " not in note:
        return _localize_part(note)
    parts = [p.rstrip(".") for p in (_localize_part(x.strip()) for x in note.split("; ")) if p]
    return "; ".join(dict.fromkeys(parts)) or None


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "vi" else pair[1]


def post_reform(label: str) -> str:
    """``label`` in the vocabulary of 2026–2030: "xã, phường, thị trấn" → "xã, phường, đặc khu"."""
    for old, new in REFORM_TERMS:
        label = label.replace(old, new)
    return label


def column_label(key: str, lang: str = "vi") -> str:
    """User-facing label of a column key in ``lang`` ("vi" default, or "en"); unknown keys pass through."""
    pair = COLUMN_LABELS.get(key)
    if pair is None and key.startswith("value_") and key[6:].isdigit():
        return f"Năm {key[6:]}" if lang == "vi" else key[6:]
    if pair is None and key.startswith("milestone_") and key[10:].isdigit():
        return f"Năm {key[10:]}" if lang == "vi" else key[10:]
    return _pick(pair, lang) if pair else key


def table_title(key: str, lang: str = "vi") -> tuple[str, str]:
    """(number, title) of an appendix table, e.g. ("Biểu 1", "Đánh giá …")."""
    vi_no, vi_title, en_no, en_title = TABLE_LABELS[key]
    return (vi_no, vi_title) if lang == "vi" else (en_no, en_title)


def text(key: str, lang: str = "vi", **fmt: Any) -> str:
    """A fixed text in ``lang``, formatted with ``fmt`` (e.g. ``mark="<5"``)."""
    s = _pick(TEXTS[key], lang)
    return s.format(**fmt) if fmt else s


def label_columns(frame: Any, lang: str = "vi", *, keep: Iterable[str] = ()) -> Any:
    """Copy of ``frame`` with columns renamed to their labels (columns in ``keep`` keep their key)."""
    keep = set(keep)
    return frame.rename(columns={c: c if c in keep else column_label(str(c), lang) for c in frame.columns})
