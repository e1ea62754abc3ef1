"""The Word draft of the report the province sends: "Báo cáo kết quả thực hiện công tác trẻ em 6 tháng đầu
năm 2026" (or the annual report), in the official document format (Nghị định 30/2020/NĐ-CP) through the
helpers of :mod:`ctxh_plan.present.docx_writer`.

Contents: the header block (issuing body, national motto, number and date left for the office), the title,
I. results — how many units reported and on time, then each indicator of the province's plan in the
register of provincial reports ("6 trẻ, giảm 2 trẻ so với cùng kỳ năm 2025"), the year-end estimate and
where it stands against the year's milestone; II. targets behind their path, with the causes and solutions
kept by analysts (or a dotted place for them); III. tasks for the rest of the year (places to write);
then the tables: Biểu 1 (the province's indicators, with causes and solutions as columns), Biểu 2 (reports
received, on time, share filled), Biểu 3 (each unit's count of indicators on track / at risk / off track).
Sensitive small counts are shown as the publication mark (``params/publish.yaml``); "dữ liệu minh họa"
is printed when the data are illustrative.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from ctxh_plan.data.frames import frame_records
from ctxh_plan.tracking.names import post_reform

__all__ = ["change_sentence", "post_reform", "report_file_name", "write_report"]

_DOTS = "…" * 30


def report_file_name(period: Any, lang: str = "vi") -> str:
    """``bao_cao_2026-H1.docx`` / ``report_2026-H1.docx``."""
    return f"{'bao_cao' if lang == 'vi' else 'report'}_{period}.docx"


def _num(v: float, ind: Any, lang: str = "vi") -> str:
    from ctxh_plan.data.numbers import format_number

    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if ind is not None and ind.kind.value == "yes_no":
        return ("Có" if v >= 0.5 else "Không") if lang == "vi" else ("Yes" if v >= 0.5 else "No")
    dec = 0 if ind is None or ind.kind.value == "count" else int(ind.decimals)
    if ind is not None and ind.kind.value == "count" and abs(v - round(v)) > 1e-9:
        dec = 1
    return format_number(float(v), dec, "vi" if lang == "vi" else "en")


def _unit_word(ind: Any) -> str:
    """Unit of measure as it follows a number in a sentence ("6 trẻ em", "95,2%")."""
    u = ind.unit_vi
    return u if u.startswith(("%", "‰", "/")) else " " + u


def change_sentence(value: float, previous: float, ind: Any, prev_year: int, lang: str = "vi") -> str:
    """"28 trẻ em, giảm 1 trẻ em so với cùng kỳ năm 2025" (percentages: points; missing: no comparison).

    Parameters
    ----------
    value, previous : the period's value and the same period last year (indicator unit).
    ind : Indicator (kind, unit, decimals).
    """
    v = _num(value, ind, lang) + (_unit_word(ind) if ind.kind.value != "yes_no" else "")
    if previous is None or (isinstance(previous, float) and math.isnan(previous)) or ind.kind.value == "yes_no":
        return v
    d = value - previous
    if ind.kind.value == "count":
        step = f"{_num(abs(d), ind, lang)}{_unit_word(ind)}"
    elif ind.kind.is_bounded_100:
        step = f"{_num(abs(d), ind, lang)} điểm phần trăm" if lang == "vi" else f"{_num(abs(d), ind, lang)} points"
    else:
        step = f"{_num(abs(d), ind, lang)}{_unit_word(ind)}"
    if lang == "vi":
        if abs(d) < 0.5 * 10 ** -(0 if ind.kind.value == "count" else ind.decimals):
            return f"{v}, bằng cùng kỳ năm {prev_year}"
        return f"{v}, {'tăng' if d > 0 else 'giảm'} {step} so với cùng kỳ năm {prev_year}"
    if abs(d) < 0.5 * 10 ** -(0 if ind.kind.value == "count" else ind.decimals):
        return f"{v}, the same as in {prev_year}"
    return f"{v}, {'up' if d > 0 else 'down'} {step} on the same period of {prev_year}"


def _bound_word(op: str, lang: str = "vi") -> str:
    if lang == "vi":
        return {"<=": "không cao hơn", "<": "thấp hơn", ">=": "không thấp hơn", ">": "cao hơn", "=": "bằng"}.get(op, "")
    return {"<=": "at most", "<": "below", ">=": "at least", ">": "above", "=": "equal to"}.get(op, "")


def _milestone_op(op: str, ind: Any) -> str:
    """A milestone on the way to "= 100%" is met from the good side: shown ≥ (or ≤)."""
    if op == "=":
        return ">=" if ind.direction.value == "higher" else "<="
    return op


_SHORT = {"on_track": ("Đúng lộ trình", "On track"), "at_risk": ("Có nguy cơ", "At risk"),
          "off_track": ("Chậm", "Off track"), "no_data": ("Chưa có số liệu", "No data"),
          "no_target": ("–", "–")}


def _status_short(status: str, p: float, full_year: bool, lang: str = "vi") -> str:
    """Status for a table cell: "Có nguy cơ (50%)", "Đạt"."""
    vi = lang == "vi"
    if full_year and status in ("on_track", "off_track"):
        return ("Đạt" if status == "on_track" else "Chưa đạt") if vi else ("Met" if status == "on_track" else "Not met")
    label = _SHORT.get(status, (status, status))[0 if vi else 1]
    if p is None or (isinstance(p, float) and math.isnan(p)) or status in ("no_data", "no_target"):
        return label
    return f"{label} ({round(100 * p)}%)"


def _status_text(status: str, p: float, full_year: bool, lang: str = "vi") -> str:
    from ctxh_plan.vocab import TrackingStatus

    if full_year and status in ("on_track", "off_track"):
        word = ("đạt" if status == "on_track" else "chưa đạt") if lang == "vi" else (
            "met" if status == "on_track" else "not met")
        return word
    label = TrackingStatus(status).label(lang) if status in {s.value for s in TrackingStatus} else status
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return label.lower() if lang == "vi" else label
    return (f"{label.lower()} (xác suất đạt {round(100 * p)}%)" if lang == "vi"
            else f"{label.lower()} (probability {round(100 * p)}%)")


def _hidden(ind: Any, *values: float | None, threshold: int, count: float | None = None) -> bool:
    """A sensitive count below the publication threshold (0 is published); a sensitive rate is hidden when
    the count behind it (``count``, its numerator) is below the threshold."""
    if ind is None or not ind.sensitive or not threshold:
        return False
    if ind.kind.is_ratio:
        values = (count,)
    return any(v is not None and not (isinstance(v, float) and math.isnan(v)) and 0 < v < threshold for v in values)


def _name(ind: Any, lang: str) -> str:
    return post_reform(ind.name(lang)) if lang == "vi" else ind.name(lang)


def _table(doc: Any, headers: list[str], rows: list[list[str]], widths_mm: list[float], *,
           align: list[str] | None = None, size: float | None = None) -> Any:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm

    from ctxh_plan.present import docx_writer as dw

    size = size or dw.TABLE_FONT_PT
    t = doc.add_table(rows=1 + len(rows), cols=len(headers))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    dw._set_cell_margins(t, left_right_twips=57)
    cells = [r.cells for r in t.rows]
    for j, w in enumerate(widths_mm):
        t.columns[j].width = Mm(w)
        for r in cells:
            r[j].width = Mm(w)
    for j, h in enumerate(headers):
        dw._cell_text(cells[0][j], h, bold=True, align="center", size=size)
    dw._mark_header_row(t.rows[0])
    for i, row in enumerate(rows, start=1):
        dw._keep_row_whole(t.rows[i])
        for j, txt in enumerate(row):
            # an empty cell gets a no-break space: the row keeps the table's type size (not the body's 13 pt)
            dw._cell_text(cells[i][j], txt or "\u00a0", align=(align[j] if align else "left"), size=size)
    return t


def _header_block(doc: Any, *, issuing_body: str, place: str, period: Any, lang: str) -> None:
    """Issuing body and the national motto side by side; number and date for the office to fill."""
    from docx.shared import Mm

    from ctxh_plan.present import docx_writer as dw

    t = doc.add_table(rows=3, cols=2)
    t.autofit = False
    widths = (70.0, 95.0)
    for j, w in enumerate(widths):
        t.columns[j].width = Mm(w)
        for r in t.rows:
            r.cells[j].width = Mm(w)
    left = [(issuing_body.upper(), True), ("", False), ("Số: …/BC-UBND" if lang == "vi" else "No.: …/BC-UBND", False)]
    right = [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True), ("Độc lập - Tự do - Hạnh phúc", True),
             (f"{place}, ngày … tháng … năm {period.year}", False)]
    for i in range(3):
        dw._cell_text(t.rows[i].cells[0], left[i][0], bold=left[i][1], align="center", size=12 if i == 0 else 13)
        c = t.rows[i].cells[1]
        dw._cell_text(c, right[i][0], bold=right[i][1], align="center", size=12 if i == 0 else 13)
        if i == 2:
            for run in c.paragraphs[0].runs:
                run.italic = True


def write_report(tracking: Any, path: str | Path, *, catalog: Any, lang: str = "vi", publish: Any = None,
                 calendar: Any = None, place: str = "Quảng Ninh") -> Path:
    """Write the Word draft of the period's report (atomic; fixed dates inside, same inputs → same bytes).

    Parameters
    ----------
    tracking : :class:`~ctxh_plan.tracking.track.Tracking`.
    catalog : Catalog.
    publish : PublishSettings (default ``params/publish.yaml``): suppression threshold and mark, issuing body.
    calendar : Calendar (default ``params/calendar.yaml``): the report's name.
    """
    import docx
    from docx.enum.section import WD_SECTION
    from docx.shared import Pt

    from ctxh_plan.io.atomic import atomic_path
    from ctxh_plan.present import docx_writer as dw
    from ctxh_plan.present.settings import load_publish_settings
    from ctxh_plan.tracking.periods import load_calendar

    publish = publish or load_publish_settings()
    calendar = calendar or load_calendar()
    per = tracking.period
    full_year = not per.is_partial
    table = tracking.table
    prov = tracking.province_code
    threshold, mark = publish.threshold, publish.mark
    vi = lang == "vi"
    doc = docx.Document()
    dw._setup_styles(doc)
    dw._setup_section(doc.sections[0], landscape=False)
    body = dw.BODY_FONT_PT

    def para(txt: str, **kw: Any) -> Any:
        kw.setdefault("align", "justify")
        kw.setdefault("size", body)
        kw.setdefault("space_after", 6)
        p = dw._para(doc, txt, **kw)
        p.paragraph_format.first_line_indent = Pt(28) if kw["align"] == "justify" else None
        return p

    def heading(txt: str) -> None:
        p = dw._para(doc, txt, bold=True, align="left", size=body, space_after=6)
        p.paragraph_format.space_before = Pt(6)

    issuing = publish.doc("issuing_body", lang, "Ủy ban nhân dân tỉnh")
    _header_block(doc, issuing_body=issuing, place=place, period=per, lang=lang)
    dw._para(doc, "", space_after=6)
    dw._para(doc, "BÁO CÁO" if vi else "REPORT", bold=True, size=14)
    title = (f"Kết quả thực hiện công tác trẻ em {per.label('vi')}" if vi
             else f"Results of child-affairs work, {per.label('en')}")
    dw._para(doc, title, bold=True, size=14)
    if tracking.illustrative:
        dw._para(doc, "(DỮ LIỆU MINH HỌA — không phải số liệu chính thức)" if vi
                 else "(ILLUSTRATIVE DATA — not official statistics)", bold=True, italic=True, size=12)
    dw._para(doc, "______", space_after=10)
    docs = "; ".join(tracking.documents)
    if vi:
        para(f"Thực hiện {docs or 'Kế hoạch thực hiện công tác trẻ em giai đoạn 2026–2030'}, trên cơ sở báo cáo của "
             f"các xã, phường, đặc khu, {issuing} báo cáo kết quả thực hiện công tác trẻ em {per.label('vi')} "
             f"như sau:")
    else:
        para(f"Under {docs or 'the 2026–2030 child-affairs plan'}, from the reports of the communes, wards and "
             f"special zones, {issuing} reports the results of child-affairs work for {per.label('en')}:")
    # ---- I. results ------------------------------------------------------------------------------------------
    heading("I. KẾT QUẢ THỰC HIỆN" if vi else "I. RESULTS")
    a = tracking.submissions.summary()
    subs = tracking.submissions.table
    names = dict(zip(subs["unit_code"], subs["unit_name"]))
    missing = [names.get(c, c) for c in a.get("missing", [])]
    late = [names.get(c, c) for c in a.get("late", [])]
    due = a.get("due")
    heading("1. Tình hình báo cáo của các đơn vị" if vi else "1. Reports received")
    if vi:
        para(f"Đã nhận báo cáo của {a.get('n_received')}/{a.get('n_expected')} đơn vị "
             f"({_pct(a.get('completeness'))}), trong đó {a.get('n_on_time')} đơn vị gửi đúng hạn"
             + (f" (hạn ngày {due:%d/%m/%Y})" if due else "") + f" ({_pct(a.get('timeliness'))}). "
             + (f"Gửi muộn: {', '.join(late)}. " if late else "")
             + (f"Chưa gửi báo cáo: {', '.join(missing)}." if missing else "Tất cả các đơn vị đã gửi báo cáo."))
    else:
        para(f"Reports received from {a.get('n_received')} of {a.get('n_expected')} units "
             f"({_pct(a.get('completeness'))}), {a.get('n_on_time')} on time ({_pct(a.get('timeliness'))}). "
             + (f"Late: {', '.join(late)}. " if late else "") + (f"Missing: {', '.join(missing)}." if missing else ""))
    heading(("2. Kết quả các chỉ tiêu của Kế hoạch (toàn tỉnh)") if vi else "2. The plan's indicators (province)")
    prow = table[(table["unit_code"] == prov) & table["milestone"].notna()]
    behind = []
    for r in frame_records(prow):
        ind = catalog.get(r["indicator_code"])
        if ind is None:
            continue
        name = _name(ind, lang)
        if math.isnan(r["value"]):
            para(f"- {name}: chưa có số liệu." if vi else f"- {name}: no data.", align="left")
            continue
        if _hidden(ind, r["value"], r["same_period_last_year"], threshold=threshold, count=r["numerator"]):
            sent = f"{mark} ({'số nhỏ, không công bố' if vi else 'small number, not published'})"
        else:
            sent = change_sentence(r["value"], r["same_period_last_year"], ind, per.year - 1, lang)
        if "estimate" in str(r.get("flag", "")):  # the annual report's figures are estimates ("ước thực hiện")
            sent = ("ước " if vi else "estimated ") + sent
        parts = [f"- {name}: {sent}"]
        if not full_year and not math.isnan(r["year_end_estimate"]) and not _hidden(
                ind, r["value"], threshold=threshold, count=r["numerator"]):
            parts.append(f"ước cả năm {_num(r['year_end_estimate'], ind, lang)}" if vi
                          else f"year-end estimate {_num(r['year_end_estimate'], ind, lang)}")
        m_txt = f"{_bound_word(_milestone_op(r['operator'], ind), lang)} {_num(r['milestone'], ind, lang)}"
        if ind.kind.value == "yes_no":
            m_txt = _num(r["milestone"], ind, lang).lower()
        st = _status_text(r["status_vs_milestone"], r["p_milestone"], full_year, lang)
        parts.append(f"mốc lộ trình năm {per.year} {m_txt}: {st}" if vi
                      else f"milestone {per.year} {m_txt}: {st}")
        para("; ".join(parts) + ".", align="justify")
        if r["status_vs_milestone"] in ("at_risk", "off_track"):
            behind.append(r)
    counts = table[(table["unit_code"] != prov) & table["milestone"].notna()]["status_vs_milestone"].value_counts()
    heading("3. Đánh giá theo đơn vị" if vi else "3. By unit")
    n_m = int(counts.sum())
    if vi:
        para(f"Trong {n_m} chỉ tiêu có mốc lộ trình năm {per.year} của các đơn vị: {int(counts.get('on_track', 0))} "
             f"chỉ tiêu {'đạt' if full_year else 'đúng lộ trình'}, {int(counts.get('at_risk', 0))} chỉ tiêu có nguy cơ "
             f"không đạt, {int(counts.get('off_track', 0))} chỉ tiêu "
             f"{'chưa đạt' if full_year else 'chậm so với lộ trình'}"
             f", {int(counts.get('no_data', 0))} chỉ tiêu chưa có số liệu (chi tiết tại Biểu 3).")
    else:
        para(f"Of {n_m} unit indicators with a {per.year} milestone: {int(counts.get('on_track', 0))} on track, "
             f"{int(counts.get('at_risk', 0))} at risk, {int(counts.get('off_track', 0))} off track, "
             f"{int(counts.get('no_data', 0))} without data (Table 3).")
    # ---- II. behind the path -------------------------------------------------------------------------------
    heading("II. NHỮNG CHỈ TIÊU CHƯA ĐẠT LỘ TRÌNH, NGUYÊN NHÂN VÀ GIẢI PHÁP" if vi
            else "II. TARGETS BEHIND THEIR PATH, CAUSES AND SOLUTIONS")
    if not behind:
        para("Các chỉ tiêu của toàn tỉnh đều đúng lộ trình." if vi else "Every provincial indicator is on track.")
    for k, r in enumerate(behind, start=1):
        ind = catalog[r["indicator_code"]]
        para(f"{k}. {_name(ind, lang)} ({_status_text(r['status_vs_milestone'], r['p_milestone'], full_year, lang)}).",
             align="left", bold=True, space_after=2)
        para(("Nguyên nhân: " if vi else "Causes: ") + (r.get("cause") or _DOTS), align="left", space_after=2)
        para(("Giải pháp: " if vi else "Solutions: ") + (r.get("solution") or _DOTS), align="left")
    units_noted = table[(table["unit_code"] != prov) & (table["cause"].fillna("") != "")]
    if len(units_noted):
        para(("Nguyên nhân, giải pháp do các đơn vị nêu:" if vi else "Causes and solutions given by the units:"),
             align="left", italic=True, space_after=2)
        for r in frame_records(units_noted):
            ind = catalog[r["indicator_code"]]
            para(f"- {r['unit_name']}, {_name(ind, lang).lower() if vi else ind.name(lang)} "
                 f"({_status_text(r['status_vs_milestone'], r['p_milestone'], full_year, lang)}): "
                 f"{'nguyên nhân' if vi else 'causes'}: {r['cause']} {'Giải pháp' if vi else 'Solutions'}: "
                 f"{r['solution'] or _DOTS}", align="justify")
    # ---- III. tasks --------------------------------------------------------------------------------------------
    heading(("III. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM " + ("6 THÁNG CUỐI NĂM" if per.part == "H1" else "NĂM TIẾP THEO"))
            if vi else "III. TASKS FOR THE REST OF THE YEAR")
    for _ in range(3):
        para(f"- {_DOTS}", align="left", space_after=2)
    heading("IV. ĐỀ XUẤT, KIẾN NGHỊ" if vi else "IV. PROPOSALS")
    para(f"- {_DOTS}", align="left", space_after=2)
    dw._para(doc, "", space_after=6)
    sig = doc.add_table(rows=1, cols=2)
    dw._cell_text(sig.rows[0].cells[0], "Nơi nhận:\n- Như trên;\n- Lưu: VT." if vi else "To:\n- as above;\n- File.",
                  size=11, italic=False, bold=False)
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    for cell in sig.rows[0].cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    dw._cell_text(sig.rows[0].cells[1], ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n\n\n…" if vi
                                          else "FOR THE PEOPLE'S COMMITTEE\n\n\n\n…"), bold=True, align="center",
                  size=13)
    # ---- tables (landscape) --------------------------------------------------------------------------------
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    dw._setup_section(sec, landscape=True)
    usable = dw.A4_MM[1] - dw.MARGINS_MM["left"] - dw.MARGINS_MM["right"]
    _bieu1(doc, tracking, catalog, lang, usable, threshold, mark)
    doc.add_paragraph().add_run().add_break(_page_break())
    _bieu2(doc, tracking, lang, usable)
    doc.add_paragraph().add_run().add_break(_page_break())
    _bieu3(doc, tracking, lang, usable)
    stamp = dt.datetime(*dw.FIXED_DATE, tzinfo=dt.UTC)
    doc.core_properties.created = doc.core_properties.modified = stamp
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
        dw.normalize_ooxml(tmp)
    return Path(path)


def _page_break() -> Any:
    from docx.enum.text import WD_BREAK

    return WD_BREAK.PAGE


def _pct(x: Any) -> str:
    from ctxh_plan.data.numbers import format_number

    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{format_number(x, 0, 'vi')}%"


def _table_heading(doc: Any, number: str, title: str, subtitle: str, notes: list[str] | None = None) -> None:
    from ctxh_plan.present import docx_writer as dw

    dw._para(doc, number, bold=True)
    dw._para(doc, title.upper(), bold=True)
    if subtitle:
        dw._para(doc, subtitle, italic=True, size=12, space_after=6)


def _notes(doc: Any, notes: list[str], lang: str) -> None:
    from docx.shared import Pt

    from ctxh_plan.present import docx_writer as dw

    head = dw._para(doc, ("Ghi chú" if lang == "vi" else "Notes") + ":", bold=True, italic=True, size=11, align="left")
    head.paragraph_format.space_before = Pt(6)
    for k, n in enumerate(notes, start=1):
        dw._para(doc, f"({k}) {n}", italic=True, size=11, align="justify")


def _bieu1(doc: Any, tracking: Any, catalog: Any, lang: str, usable: float, threshold: int, mark: str) -> None:
    """Biểu 1: the province's plan indicators — period, same period, change, estimate, milestone, status,
    2030 target, causes and solutions."""
    vi = lang == "vi"
    per = tracking.period
    t = tracking.table
    rows = t[(t["unit_code"] == tracking.province_code) & (t["milestone"].notna() | t["target_2030"].notna())]
    _table_heading(doc, "Biểu 1" if vi else "Table 1",
                   (f"Kết quả thực hiện các chỉ tiêu {per.label('vi')} so với cùng kỳ và lộ trình" if vi
                    else f"Indicators, {per.label('en')}: same period and milestones"),
                   ("Toàn tỉnh (tổng hợp từ các đơn vị)" if vi else "Province (aggregated from its units)"))
    headers = (["STT", "Chỉ tiêu", "ĐVT", f"Thực hiện {_short(per)}", f"Cùng kỳ {per.year - 1}", "Tăng (+)/ giảm (−)",
                "Ước cả năm" if per.is_partial else "Cả năm", f"Mốc lộ trình {per.year}", "Đánh giá",
                "Chỉ tiêu 2030", "Nguyên nhân", "Giải pháp"] if vi else
               ["No.", "Indicator", "Unit", f"{per}", f"Same period {per.year - 1}", "Change", "Year-end",
                f"Milestone {per.year}", "Status", "2030 target", "Causes", "Solutions"])
    body = []
    hidden_any = any_estimate = False
    for k, r in enumerate(frame_records(rows), start=1):
        ind = catalog.get(r["indicator_code"])
        hide = _hidden(ind, r["value"], r["same_period_last_year"], threshold=threshold, count=r["numerator"])
        hidden_any |= hide
        ch = r["change_vs_same_period"]
        ch_txt = "–" if ch is None or math.isnan(ch) else (("+" if ch > 0 else ("−" if ch < 0 else "")) +
                                                          _num(abs(ch), ind, lang))
        from ctxh_plan.vocab import Operator

        yes_no = ind is not None and ind.kind.value == "yes_no"
        op = Operator(r["operator"]).vi + " " if r["operator"] in {o.value for o in Operator} and not yes_no else ""
        mop = (Operator(_milestone_op(r["operator"], ind)).vi + " ") if op and ind is not None else op
        if yes_no:
            ch_txt = "–"
        st = _status_short(r["status_vs_milestone"], r["p_milestone"], not per.is_partial, lang)
        est = "estimate" in str(r.get("flag", ""))
        any_estimate |= est and not hide
        body.append([str(k), _name(ind, lang) if ind else r["indicator_code"], ind.unit(lang) if ind else "",
                     mark if hide else _num(r["value"], ind, lang) + (" (ư)" if est else ""),
                     mark if hide else _num(r["same_period_last_year"], ind, lang), "" if hide else ch_txt,
                     mark if hide else _num(r["year_end_estimate"], ind, lang),
                     "–" if math.isnan(r["milestone"]) else mop + _num(r["milestone"], ind, lang), st,
                     "–" if math.isnan(r["target_2030"]) else op + _num(r["target_2030"], ind, lang),
                     r.get("cause") or "", r.get("solution") or ""])
    widths = [9, 50, 15, 15, 15, 15, 15, 17, 31, 16, 30, 30]
    scale = usable / sum(widths)
    _table(doc, headers, body, [w * scale for w in widths],
           align=["center", "left", "center", "right", "right", "right", "right", "right", "left", "right", "left",
                  "left"], size=9)
    notes = [("Đánh giá: xác suất năm nay đạt mốc lộ trình theo mô hình dự báo (phần còn lại của năm); "
              "≥ 80%: đúng lộ trình, dưới 20%: chậm so với lộ trình, ở giữa: có nguy cơ không đạt." if per.is_partial
              else "Đánh giá: so sánh số cả năm với mốc lộ trình theo điều kiện của chỉ tiêu.") if vi else
             ("Status: probability that the year meets its milestone, from the forecast model." if per.is_partial
              else "Status: the year's figure against the milestone under the target's operator."),
             ("Tỷ lệ của toàn tỉnh = tổng tử số / tổng mẫu số của các đơn vị; số lượng là tổng các đơn vị có báo cáo."
              if vi else "Province rates are ratios of the units' summed numerators and denominators.")]
    if per.is_partial:
        notes.append("Ước cả năm: số 6 tháng ÷ tỷ lệ 6 tháng/cả năm của những năm trước (của đơn vị, nếu không có thì "
                     "của toàn tỉnh)." if vi else
                     "Year-end estimate: the period's figure ÷ its past share of the year.")
    if any_estimate:
        notes.append("(ư): ước thực hiện (báo cáo năm gửi trước khi hết năm)." if vi
                     else "(e): estimate (the annual report is sent before the year ends).")
    if hidden_any:
        notes.append(f"{mark}: số nhỏ của chỉ tiêu nhạy cảm không công bố để bảo vệ trẻ em." if vi
                     else f"{mark}: small counts of sensitive indicators are not published.")
    if tracking.illustrative:
        notes.append("Dữ liệu minh họa: số liệu được tạo để minh họa cách dùng công cụ, không phải số liệu chính thức."
                     if vi else "Illustrative data, not official statistics.")
    _notes(doc, notes, lang)


def _short(per: Any) -> str:
    return {"H1": "6 tháng", "9M": "9 tháng"}.get(per.part, "năm") + f" {per.year}"


def _bieu2(doc: Any, tracking: Any, lang: str, usable: float) -> None:
    """Biểu 2: reports received — date sent, on time, share of indicators filled."""
    vi = lang == "vi"
    a = tracking.submissions.summary()
    s = tracking.submissions.table
    due = a.get("due")
    _table_heading(doc, "Biểu 2" if vi else "Table 2",
                   "Tình hình gửi báo cáo của các đơn vị" if vi else "Reports received from the units",
                   (f"Hạn gửi: {due:%d/%m/%Y}" if due else "") if vi else (f"Due: {due:%d/%m/%Y}" if due else ""))
    headers = (["STT", "Đơn vị", "Đã gửi", "Ngày gửi", "Đúng hạn", "Số chỉ tiêu đã điền", "Ghi chú"] if vi else
               ["No.", "Unit", "Sent", "Sent on", "On time", "Indicators filled", "Note"])
    body = []
    for k, r in enumerate(frame_records(s[s["expected"] == 1]), start=1):
        sent = r["submitted_on"].strftime("%d/%m/%Y") if isinstance(r["submitted_on"], dt.date) else "–"
        ot = r["on_time"]
        ot_txt = "–" if ot is None or str(ot) == "<NA>" else (("Có" if bool(ot) else "Không") if vi else
                                                              ("Yes" if bool(ot) else "No"))
        n_e, n_f = r["indicators_expected"], r["indicators_filled"]
        fill = "–" if n_e is None or (isinstance(n_e, float) and math.isnan(n_e)) or not r["received"] else \
            f"{int(n_f)}/{int(n_e)}"
        note = str(r["note"]).split(" / ")[0] if vi else str(r["note"]).split(" / ")[-1]
        body.append([str(k), str(r["unit_name"]), ("Có" if r["received"] else "Chưa") if vi else
                     ("Yes" if r["received"] else "No"), sent, ot_txt, fill, note])
    widths = [10, 55, 18, 22, 18, 26, 90]
    scale = usable / sum(widths)
    _table(doc, headers, body, [w * scale for w in widths],
           align=["center", "left", "center", "center", "center", "center", "left"], size=9)
    _notes(doc, [(f"Đã nhận {a.get('n_received')}/{a.get('n_expected')} đơn vị ({_pct(a.get('completeness'))}); "
                  f"đúng hạn {a.get('n_on_time')} ({_pct(a.get('timeliness'))}). Đúng hạn: ngày gửi ghi trên biểu "
                  f"mẫu không muộn hơn hạn gửi." if vi else
                  f"Received {a.get('n_received')}/{a.get('n_expected')}; on time {a.get('n_on_time')}.")], lang)


def _bieu3(doc: Any, tracking: Any, lang: str, usable: float) -> None:
    """Biểu 3: per unit, indicators with a milestone by status."""
    import pandas as pd

    vi = lang == "vi"
    t = tracking.table
    per = tracking.period
    u = t[(t["unit_code"] != tracking.province_code) & t["milestone"].notna()]
    c = pd.crosstab(u["unit_code"], u["status_vs_milestone"])
    names = dict(zip(t["unit_code"], t["unit_name"]))
    full = not per.is_partial
    _table_heading(doc, "Biểu 3" if vi else "Table 3",
                   (f"Đánh giá thực hiện lộ trình năm {per.year} theo đơn vị" if vi
                    else f"Milestones {per.year} by unit"),
                   ("Số chỉ tiêu có mốc lộ trình theo mức đánh giá" if vi
                    else "Indicators with a milestone, by status"))
    headers = (["STT", "Đơn vị", "Số chỉ tiêu có mốc", "Đạt" if full else "Đúng lộ trình", "Có nguy cơ không đạt",
                "Chưa đạt" if full else "Chậm so với lộ trình", "Chưa có số liệu"] if vi else
               ["No.", "Unit", "With a milestone", "On track", "At risk", "Off track", "No data"])
    body = []
    for k, code in enumerate(c.index, start=1):
        row = c.loc[code]
        body.append([str(k), str(names.get(code, code)), str(int(row.sum()))] +
                    [str(int(row.get(s, 0))) for s in ("on_track", "at_risk", "off_track", "no_data")])
    widths = [12, 70, 30, 30, 30, 30, 30]
    scale = usable / sum(widths)
    _table(doc, headers, body, [w * scale for w in widths],
           align=["center", "left", "center", "center", "center", "center", "center"], size=9)
    notes = []
    if tracking.illustrative:
        notes.append("Dữ liệu minh họa." if vi else "Illustrative data.")
    if notes:
        _notes(doc, notes, lang)
