"""The plan's official language in the generated documents (issue 13; Word/Excel look of issue 14).

Written from the embedded illustrative dataset for the province (22) and a former district (198 Bình
Liêu), then read back from the files as a reader sees them: the verdict follows the target's operator
on the printed numbers, TH/KH is the printed value ÷ the printed target, targets carry the catalogue's
decimals and read the same in Word, Excel and the HTML view, Biểu 2 holds only what a plan sets targets
for under the plan's section headings, a zero baseline kept at zero is met, no English word and no
machine path; plus the look checks that need no LibreOffice (page numbers, keep-with-next, no empty
page, units unbroken after "/", the workbook opening on Biểu 1, row heights, page breaks).
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from ctxh_plan.data.numbers import format_number, parse_number
from ctxh_plan.vocab import Operator
from tests.helpers.vietnamese_scan import absolute_paths, english_words, read_text

# these tests use the embedded plan (load_plan("") / the embedded_plan fixture): one worker computes it
pytestmark = pytest.mark.xdist_group("embedded_plan")

UNITS = ("22", "198")
MISSING = "–"
MARKS = ("<5", "x")


@pytest.fixture(scope="module")
def plan(embedded_plan):
    return embedded_plan


@pytest.fixture(scope="module")
def written(plan, tmp_path_factory):
    from ctxh_plan.present import write_appendices

    ds, ev, proj = plan
    out = tmp_path_factory.mktemp("vi_appendix")
    write_appendices(ds, ev, proj, out, units=list(UNITS), charts=False)
    return out


def _docx(out: Path, unit: str):
    import docx

    return docx.Document(str(out / f"phu_luc_{unit}.docx"))


def _rows(table) -> tuple[list[str], list[list[str]]]:
    """(column labels, body rows) of a Word table with two header rows (merged cells repeat their text)."""
    rows = [[c.text for c in r.cells] for r in table.rows]
    return rows[1], rows[2:]


def _data_rows(table) -> list[dict[str, str]]:
    head, body = _rows(table)
    return [dict(zip(head, r)) for r in body if r[0].isdigit()]


def _number(txt: str) -> float:
    return parse_number(txt.replace("\u2060", ""), style="vi").value


def _target(txt: str) -> tuple[str, float]:
    """("<=", 13.0) from "≤ 13"; ("=", 1) from "Có"."""
    if txt in ("Có", "Không"):
        return "=", 1.0 if txt == "Có" else 0.0
    sym, num = txt.split(" ", 1)
    op = next(o for o in Operator if o.vi == sym)
    return op.value, _number(num)


def _value(txt: str) -> float | None:
    if txt in ("Có", "Không"):
        return 1.0 if txt == "Có" else 0.0
    if txt == MISSING or txt in MARKS or not txt:
        return None
    return _number(txt.replace(" ước", ""))


YEAR_LABELS = ("Năm 2021", "Năm 2022", "Năm 2023", "Năm 2024", "Ước thực hiện năm 2025")


def _latest(row: dict[str, str]) -> str | None:
    """The latest value printed in the results columns (the one the verdict is on)."""
    shown = [row[k] for k in YEAR_LABELS if k in row and row[k] not in ("", MISSING)]
    return shown[-1] if shown else None


# --------------------------------------------------------------------------- what the tables say

def test_verdict_follows_the_operator_on_the_printed_numbers(written):
    checked = 0
    for unit in UNITS:
        for row in _data_rows(_docx(written, unit).tables[0]):
            latest, target = _latest(row), row["Chỉ tiêu năm 2025"]
            verdict = row["Đánh giá"]
            if target == MISSING or latest is None or latest in MARKS:
                assert verdict in ("Không giao chỉ tiêu", "Không đủ số liệu", "Đạt", "Vượt", "Chưa đạt")
                continue
            op, t = _target(target)
            v = _value(latest)
            holds = Operator(op).holds(v, t, tol=1e-9)
            direction_better = (v < t) if op in ("<=", "<") else (v > t)
            expected = "Chưa đạt" if not holds else ("Vượt" if op != "=" and direction_better else "Đạt")
            assert verdict == expected, (unit, row["Chỉ tiêu"], latest, target, verdict)
            checked += 1
    assert checked >= 50


def test_drowning_deaths_fell_15_to_7_are_exceeded_with_the_statistical_caveat_beside(written):
    rows = {r["Chỉ tiêu"]: r for r in _data_rows(_docx(written, "22").tables[0])}
    r = rows["Số trẻ em tử vong do đuối nước"]
    assert (r["Năm gốc 2020"], r["Ước thực hiện năm 2025"], r["Chỉ tiêu năm 2025"]) == ("15", "7", "≤ 13")
    assert r["Đánh giá"] == "Vượt" and r["Độ tin cậy thống kê"] == "Chưa đủ chắc chắn"


def test_percent_of_target_is_printed_value_over_printed_target(written):
    checked = 0
    for unit in UNITS:
        for row in _data_rows(_docx(written, unit).tables[0]):
            latest, target, pot = _latest(row), row["Chỉ tiêu năm 2025"], row["TH/KH (%)"]
            if pot == MISSING:
                continue
            assert pot not in MARKS
            _op, t = _target(target)
            v = _value(latest)
            assert pot == format_number(100 * v / t, 1, "vi"), (unit, row["Chỉ tiêu"], latest, target, pot)
            checked += 1
    assert checked >= 40


def test_targets_print_the_catalogue_decimals_and_read_the_same_in_word_excel_and_html(written, plan):
    import openpyxl

    from ctxh_plan.evaluate import compact_evaluation

    ds, ev, _ = plan
    cat = ds.catalog
    names = {ind.name_vi: ind for ind in cat}
    for unit in UNITS:
        word = {r["Chỉ tiêu"]: r["Chỉ tiêu năm 2025"] for r in _data_rows(_docx(written, unit).tables[0])}
        ws = openpyxl.load_workbook(written / f"phu_luc_{unit}.xlsx")["Bieu1"]
        head = [ws.cell(6, c).value or ws.cell(5, c).value for c in range(1, ws.max_column + 1)]
        col = head.index("Chỉ tiêu năm 2025") + 1
        excel = {}
        for r in range(7, ws.max_row + 1):
            cell = ws.cell(r, col)
            if not isinstance(ws.cell(r, 1).value, int):
                continue
            if isinstance(cell.value, (int, float)):
                fmt = cell.number_format
                pre = re.match(r'^"([^"]*)"', fmt)
                dec = len(fmt.split(".")[1].split('"')[0]) if "." in fmt else 0
                excel[ws.cell(r, 2).value] = (pre.group(1) if pre else "") + format_number(cell.value, dec, "vi")
            else:
                excel[ws.cell(r, 2).value] = cell.value
        view = compact_evaluation(ev[ev["unit_code"] == unit], "vi")
        html = {n.rsplit(" (", 1)[0]: t for n, t in zip(view["Chỉ tiêu"], view["Chỉ tiêu năm 2025"])}
        assert word and word == excel, unit
        for name, txt in word.items():
            assert html[name] == txt, (unit, name, txt, html[name])
            if txt in (MISSING, "Có", "Không"):
                continue
            digits = txt.split(" ", 1)[1].split(",")
            assert (len(digits[1]) if len(digits) > 1 else 0) == names[name].decimals, (unit, name, txt)


def test_biểu_2_lists_only_plan_targets_under_the_plan_sections(written, plan):
    from ctxh_plan.present.labels import post_reform

    ds, _, _ = plan
    cat = ds.catalog
    plan_names = {post_reform(i.name_vi) for i in cat if i.plan_target}
    other_names = {post_reform(i.name_vi) for i in cat if not i.plan_target}
    for unit in UNITS:
        head, body = _rows(_docx(written, unit).tables[1])
        headings = [r for r in body if not r[0].isdigit()]
        data = [r for r in body if r[0].isdigit()]
        assert [h[0] for h in headings][:3] == ["I", "II", "III"], unit
        assert {h[1] for h in headings} <= {s.name_vi for s in cat.sections}
        assert data and {r[1] for r in data} <= plan_names, unit
        assert not {r[1] for r in data} & other_names  # no components, case counts, hotline calls, budgets
        assert "Kinh phí tổ chức lớp dạy bơi miễn phí" not in {r[1] for r in data}
        # STT restarts at 1 in each section
        stt, starts = [], 0
        for r in body:
            if not r[0].isdigit():
                starts += 1
                stt.append([])
            else:
                stt[-1].append(int(r[0]))
        assert all(s == list(range(1, len(s) + 1)) for s in stt) and starts == len(headings)
        assert "Chỉ tiêu quốc gia (QĐ 23)" in head and "Cơ quan chủ trì" in head
        assert "Khả năng đạt (%)" not in head and "Cơ sở xác định chỉ tiêu" not in head  # analysts' columns


def test_biểu_2_national_target_is_a_ceiling_for_harms_and_the_wording_is_post_reform(written):
    head, body = _rows(_docx(written, "22").tables[1])
    rows = {r[1]: dict(zip(head, r)) for r in body if r[0].isdigit()}
    assert rows["Tỷ suất trẻ em tử vong do tai nạn thương tích"]["Chỉ tiêu quốc gia (QĐ 23)"] == "≤ 15,0"
    assert rows["Tỷ suất trẻ em tử vong do tai nạn thương tích"]["Chỉ tiêu của tỉnh đến năm 2030"] == "≤ 10,0"
    assert rows["Số cuộc tảo hôn"]["Chỉ tiêu quốc gia (QĐ 23)"] == "giảm 2–3%/năm so với năm 2020"
    assert "Tỷ lệ xã, phường, đặc khu đạt tiêu chuẩn phù hợp với trẻ em" in rows
    assert not any("thị trấn" in name for name in rows)
    # the guidance's process targets: a norm every year, the lead agency named
    r = rows["Tỷ lệ thôn, bản, khu phố có cộng tác viên làm công tác trẻ em"]
    assert r["Năm 2026"] == r["Chỉ tiêu năm 2030"] == "100,0" and r["Cơ quan chủ trì"] == "Sở Y tế"
    # a harm is never kept at its 2025 level: every lower-is-better count falls by 2030
    for name in ("Số cuộc tảo hôn", "Số trẻ em tử vong do đuối nước"):
        assert _number(rows[name]["Chỉ tiêu năm 2030"]) < _number(rows[name]["Ước thực hiện năm 2025"]), name


def test_a_zero_baseline_reduction_that_stays_zero_is_met(plan, tmp_path):
    """Cô Tô (207) had no child marriage in 2020 nor in 2025: against its own "−2 %/năm" target it is Đạt;
    without its own target the province's relative target is not carried (base below the threshold)."""
    import pandas as pd

    from ctxh_plan.evaluate import evaluate_dataset
    from ctxh_plan.present import write_appendices

    ds, ev, proj = plan
    base = ev[(ev.unit_code == "207") & (ev.indicator_code == "CHILD_MARRIAGES")].iloc[0]
    assert (base.baseline_value, base.latest_value, base.attainment) == (0, 0, "not_applicable")
    own = pd.DataFrame([dict(scope="207", indicator_code="CHILD_MARRIAGES", target_year=2025, operator="<=",
                             value=-3.0, value_hi=-2.0, kind="annual_change", base_year=2020, source="test",
                             verification="", note="")])
    ds2 = ds.replace(targets=pd.concat([ds.targets, own], ignore_index=True))
    ev2 = evaluate_dataset(ds2).table
    row = ev2[(ev2.unit_code == "207") & (ev2.indicator_code == "CHILD_MARRIAGES")].iloc[0]
    assert row.attainment == "met" and row.target_shown == 0
    write_appendices(ds2, ev2, proj, tmp_path, units=["207"], formats=("docx",), charts=False)
    rows = {r["Chỉ tiêu"]: r for r in _data_rows(_docx(tmp_path, "207").tables[0])}
    assert rows["Số cuộc tảo hôn"]["Đánh giá"] == "Đạt" and rows["Số cuộc tảo hôn"]["Chỉ tiêu năm 2025"] == "≤ 0"


def test_former_district_is_named_old_and_issued_with_the_provinces_plan(written):
    d = _docx(written, "198")
    text = "\n".join(p.text for p in d.paragraphs)
    assert "Địa phương: Huyện Bình Liêu (cũ)" in text
    assert "của Ủy ban nhân dân tỉnh Quảng Ninh" in text


def test_a_communes_appendix_is_issued_with_its_own_peoples_committee():
    from types import SimpleNamespace

    from ctxh_plan.data.units import load_units
    from ctxh_plan.present.settings import load_publish_settings
    from ctxh_plan.present.tables import display_unit_name, issuing_body

    ds = SimpleNamespace(units=load_units("22", as_of="2025-07-01"), province_code="22")
    s = load_publish_settings()
    assert issuing_body(ds, "06673", s) == "Ủy ban nhân dân phường Bãi Cháy"
    assert issuing_body(ds, "22", s) == "Ủy ban nhân dân tỉnh Quảng Ninh"
    assert display_unit_name(ds, "06673") == "Phường Bãi Cháy"  # a unit of the reform: no "(cũ)"


def test_no_english_word_and_no_machine_path_in_the_appendices(written):
    files = sorted(written.glob("phu_luc_*.*"))
    assert len(files) == 4
    for f in files:
        txt = read_text(f)
        assert "Đánh giá" in txt
        assert english_words(txt) == [], f.name
        assert absolute_paths(txt) == [], f.name
    assert str(written) not in read_text(written / "phu_luc_22.xlsx")


def test_the_html_view_of_the_evaluation_is_vietnamese(plan):
    from ctxh_plan.evaluate import style_evaluation

    _, ev, _ = plan
    html = style_evaluation(ev[ev["unit_code"] == "198"], "vi").to_html()
    text = re.sub(r"<(style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    assert english_words(text) == []
    assert "TH/KH (%)" in text and "Độ tin cậy thống kê" in text and "Không giao chỉ tiêu" in text


# --------------------------------------------------------------------------- how the Word file looks

def test_word_has_page_numbers_kept_notes_and_no_empty_page(written):
    with zipfile.ZipFile(written / "phu_luc_198.docx") as z:
        footers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
        body = z.read("word/document.xml").decode()
    assert any("PAGE" in f and 'w:fldCharType="begin"' in f for f in footers)
    assert 'w:type="page"' not in body  # no page-break paragraph that could leave an empty page
    d = _docx(written, "198")
    heads = [p for p in d.paragraphs if p.text == "Ghi chú:"]
    assert len(heads) == len(d.tables) and all(p.paragraph_format.keep_with_next for p in heads)
    titles = [p for p in d.paragraphs if p.text.startswith("Biểu ")]
    assert all(p.paragraph_format.keep_with_next for p in titles)
    assert [bool(p.paragraph_format.page_break_before) for p in titles] == [False, True]


def test_word_units_do_not_break_after_a_slash_and_marks_never_stand_for_targets(written):
    for unit in UNITS:
        d = _docx(written, unit)
        for t in d.tables:
            head, body = _rows(t)
            for r in body:
                row = dict(zip(head, r))
                unit_of_measure = row.get("Đơn vị tính", "")
                assert "/" not in unit_of_measure.replace("/\u2060", ""), unit_of_measure
                for key in ("Chỉ tiêu năm 2025", "TH/KH (%)", "Chỉ tiêu năm 2030", "Chỉ tiêu quốc gia (QĐ 23)"):
                    assert row.get(key, "") not in MARKS, (unit, row)
                assert all(v != "" for k, v in row.items() if k in YEAR_LABELS) or not r[0].isdigit()
    rows = {r["Chỉ tiêu"]: r for r in _data_rows(_docx(written, "198").tables[0])}
    assert rows["Tỷ lệ trẻ em bị xâm hại trên tổng số trẻ em"]["Chỉ tiêu năm 2025"] == "< 4,5000"


# --------------------------------------------------------------------------- how the Excel file looks

def test_excel_opens_on_biểu_1_with_fitted_rows_and_wide_enough_verdicts(written):
    import openpyxl
    from openpyxl.utils import get_column_letter

    wb = openpyxl.load_workbook(written / "phu_luc_22.xlsx")
    assert wb.active.title == "Bieu1" and wb.sheetnames[-1] == "Nguon_PhuongPhap"
    ws = wb["Bieu1"]
    head = [ws.cell(6, c).value or ws.cell(5, c).value for c in range(1, ws.max_column + 1)]
    name_w = ws.column_dimensions["B"].width
    verdict_w = ws.column_dimensions[get_column_letter(head.index("Đánh giá") + 1)].width
    for r in range(7, ws.max_row + 1):
        name = ws.cell(r, 2).value
        if not isinstance(ws.cell(r, 1).value, int) or not name:
            continue
        # at least one 13-point line per 0.75 width unit per character (Times New Roman 10 pt is narrower)
        lines = -(-len(name) * 0.6 // name_w)
        assert ws.row_dimensions[r].height >= 13 * lines, (name, ws.row_dimensions[r].height)
        verdict = ws.cell(r, head.index("Đánh giá") + 1).value or ""
        assert all(len(w) * 0.65 + 1 <= verdict_w for w in verdict.split()), verdict


def test_excel_sources_sheet_has_a_print_setup_and_no_machine_path(written):
    import openpyxl

    ws = openpyxl.load_workbook(written / "phu_luc_198.xlsx")["Nguon_PhuongPhap"]
    assert int(ws.page_setup.paperSize) == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
    values = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("observations.csv" in v for v in values)
    assert not any(absolute_paths(v) for v in values)


def test_excel_page_breaks_never_leave_a_heading_last_or_notes_alone(written):
    import openpyxl

    wb = openpyxl.load_workbook(written / "phu_luc_22.xlsx")
    for name in ("Bieu1", "Bieu2"):
        ws = wb[name]
        breaks = sorted(b.id for b in ws.row_breaks.brk)
        assert breaks, name  # long tables: the pages are planned
        last_data = max(r for r in range(7, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int))
        for b in breaks:
            assert not (isinstance(ws.cell(b, 1).value, str) and ws.cell(b, 1).value.strip()), (name, b)
        # the last page holds rows of the table, not the repeated header and the notes alone
        assert breaks[-1] < last_data, name


def test_page_planner_moves_rows_with_the_notes_and_headings_with_their_rows():
    from ctxh_plan.present.xlsx_writer import _page_breaks

    rows = [16.0] + [29.0] * 40
    kinds = ["heading"] + ["data"] * 40
    kinds[14] = "heading"
    breaks = _page_breaks(120.0, [18, 18, 18, 8, 17, 30], rows, kinds, [13.0] * 12)
    assert breaks and all(kinds[b - 1] != "heading" for b in breaks)
    assert breaks[-1] < len(rows)  # some table rows print with the notes
    pages = [0, *breaks, len(rows)]
    assert all(pages[k + 1] - pages[k] >= 1 for k in range(len(pages) - 1))
