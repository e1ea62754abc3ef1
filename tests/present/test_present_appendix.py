"""Word/Excel appendices: structure, fonts, page setup, header rows, number formats, values, privacy.

Built over small hand-made frames (observations, evaluation, proposals, forecasts) and a
hand-built catalogue, so the tests do not depend on the other modules' progress.
"""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from ctxh_plan.data.catalog import Catalog, Indicator
from ctxh_plan.vocab import Aggregation, Direction, Kind

DISTRICTS = ("193", "194", "195")
YEARS = tuple(range(2019, 2026))
# sensitive abuse counts per district and year 2019..2025 (194 has small counts, 195 a zero)
ABUSE = {"193": [10, 9, 8, 7, 6, 6, 5], "194": [3, 2, 4, 1, 0, 2, 3], "195": [6, 5, 7, 6, 5, 8, 0]}
DEATHS = {"193": [9, 8, 8, 7, 7, 6, 6], "194": [2, 3, 1, 2, 2, 1, 1], "195": [4, 4, 3, 5, 3, 3, 2]}
FRIENDLY = {"193": [60.0, 62.5, 65.0, 68.75, 71.9, 75.0, 78.1], "194": [50.0, 50.0, 56.3, 62.5, 62.5, 68.8, 75.0],
            "195": [40.0, 46.7, 53.3, 53.3, 60.0, 66.7, 73.3]}


def make_catalog() -> Catalog:
    inds = [
        Indicator("CT01", "Tỷ lệ xã, phường, thị trấn đạt tiêu chuẩn phù hợp với trẻ em",
                  "Share of child-friendly communes", "%", Kind.SHARE_OF_UNITS, Direction.HIGHER, unit_en="%",
                  aggregation=Aggregation.RATIO, bounds=(0.0, 100.0), decimals=1),
        Indicator("TNTT_DEATHS", "Số trẻ em tử vong do tai nạn thương tích", "Child injury deaths", "trẻ em",
                  Kind.COUNT, Direction.LOWER, unit_en="children", decimals=0),
        Indicator("ABUSE_CASES", "Số vụ xâm hại trẻ em", "Child abuse cases", "vụ", Kind.COUNT, Direction.LOWER,
                  unit_en="cases", decimals=0, sensitive=True),
    ]
    return Catalog({i.code: i for i in inds}, _order=tuple(i.code for i in inds))


def make_observations() -> pd.DataFrame:
    rows = []
    for code, table in (("ABUSE_CASES", ABUSE), ("TNTT_DEATHS", DEATHS), ("CT01", FRIENDLY)):
        for u, vals in table.items():
            for y, v in zip(YEARS, vals):
                rows.append((u, code, y, float(v), "estimate" if y == 2025 else ""))
        if code != "CT01":  # province = sum of districts for counts
            for k, y in enumerate(YEARS):
                rows.append(("22", code, y, float(sum(t[k] for t in table.values())), "estimate" if y == 2025 else ""))
        else:
            for k, y in enumerate(YEARS):
                rows.append(("22", code, y, round(sum(t[k] for t in table.values()) / 3, 1), ""))
    return pd.DataFrame(rows, columns=["unit_code", "indicator_code", "year", "value", "flag"]).assign(period="FY")


def make_evaluation(obs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    targets = {"CT01": (">=", 65.0), "TNTT_DEATHS": ("<=", None), "ABUSE_CASES": ("<=", None)}
    names = {"22": "Tỉnh Quảng Ninh", "193": "Thành phố Hạ Long", "194": "Thành phố Móng Cái",
             "195": "Thành phố Cẩm Phả"}
    for u in ("22", *DISTRICTS):
        for code, (op, tv) in targets.items():
            s = obs[(obs.unit_code == u) & (obs.indicator_code == code)].set_index("year")["value"]
            base, latest = s[2020], s[2025]
            target = tv if tv is not None else round(base * 0.9, 1)  # −10% vs 2020
            met = latest >= target if op == ">=" else latest <= target
            share = (latest - base) / (target - base) if target != base else float("nan")
            rows.append(dict(unit_code=u, unit_name=names[u], indicator_code=code, baseline_year=2020,
                             baseline_value=base, latest_year=2025, latest_value=latest, latest_is_estimate=True,
                             target_year=2025, target_operator=op, target_value=target,
                             target_kind="absolute" if tv is not None else "relative",
                             attainment="met" if met else "not_met", planned_change_share=share,
                             progress_ratio=1.0, progress_category="on_track" if met else "limited_progress",
                             unsd_score=1.0, unsd_category="on_track", notes=""))
    return pd.DataFrame(rows)


def make_projection(obs: pd.DataFrame) -> SimpleNamespace:
    props, fcs = [], []
    for u in ("22", *DISTRICTS):
        for code in ("CT01", "TNTT_DEATHS", "ABUSE_CASES"):
            last = obs[(obs.unit_code == u) & (obs.indicator_code == code) & (obs.year == 2025)]["value"].iat[0]
            step = 2.0 if code == "CT01" else -0.05 * last
            ms = {f"milestone_{y}": round(min(100.0, last + step * (y - 2025)), 2) for y in range(2026, 2031)}
            props.append(dict(unit_code=u, indicator_code=code, target_2030=ms["milestone_2030"],
                              target_method="trend", national_floor=75.0 if code == "CT01" else float("nan"),
                              feasibility=0.8, stretch=False, **ms))
            for y in range(2026, 2031):
                m = ms[f"milestone_{y}"]
                fcs.append(dict(unit_code=u, indicator_code=code, year=y, method="default", mean=m, lo80=m * 0.9,
                                hi80=m * 1.1, lo95=m * 0.8, hi95=m * 1.2))
    return SimpleNamespace(proposals=pd.DataFrame(props), forecasts=pd.DataFrame(fcs))


def make_dataset(illustrative: bool = True) -> SimpleNamespace:
    from ctxh_plan.data.units import load_units

    obs = make_observations()
    return SimpleNamespace(observations=obs, catalog=make_catalog(), units=load_units("22"), province_code="22",
                           illustrative=illustrative, path="tests (hand-built)", inputs=[])


@pytest.fixture(scope="module")
def bundle():
    ds = make_dataset()
    ev = make_evaluation(ds.observations)
    proj = make_projection(ds.observations)
    return ds, ev, proj


@pytest.fixture(scope="module")
def written(bundle, tmp_path_factory):
    from ctxh_plan.present import write_appendices

    ds, ev, proj = bundle
    out = tmp_path_factory.mktemp("appendix")
    paths = write_appendices(ds, ev, proj, out, charts=False)  # charts: see test_docx_embeds_charts
    return out, paths


# --------------------------------------------------------------------------- files

def test_writes_docx_and_xlsx_for_province_and_units(written):
    out, paths = written
    names = {p.name for p in paths}
    for code in ("22", *DISTRICTS):
        assert f"phu_luc_{code}.docx" in names and f"phu_luc_{code}.xlsx" in names
    assert not list(out.glob(".tmp-ctxh-*")), "a temporary file was left behind"


def test_docx_embeds_charts(bundle, tmp_path):
    """Charts drawn and embedded (at screen resolution here; print resolution: tests/present/test_present_charts.py)."""
    import dataclasses

    import docx

    from ctxh_plan.present import load_publish_settings, write_appendices

    ds, ev, proj = bundle
    settings = dataclasses.replace(load_publish_settings(), dpi=60)
    paths = write_appendices(ds, ev, proj, tmp_path, units=["22"], formats=("docx",), settings=settings)
    charts = tmp_path / "charts" / "22"
    for stem in ("heatmap", "ranking", "CT01", "TNTT_DEATHS"):
        assert (charts / f"{stem}.png").exists() and (charts / f"{stem}.svg").exists()
    # the province's abuse series has no suppressed cell (sums >= 5) so it is charted too
    assert (charts / "ABUSE_CASES.png").exists()
    d = docx.Document(str(tmp_path / "phu_luc_22.docx"))
    assert len(d.inline_shapes) == 5
    assert len([p for p in paths if p.suffix == ".png"]) == 5


def _effective(run, paragraph, attr: str):
    """A run's font attribute as Word shows it: the run's own, else its character style's, else its paragraph
    style's (and the styles they are based on)."""
    own = getattr(run.font, attr)
    if own is not None:
        return own
    style = run.style if run.style is not None and run.style.name != "Default Paragraph Font" else None
    chain = []
    while style is not None:
        chain.append(style)
        style = style.base_style
    style = paragraph.style
    while style is not None:
        chain.append(style)
        style = style.base_style
    for st in chain:
        value = getattr(st.font, attr)
        if value is not None:
            return value
    return None


def test_docx_page_setup_fonts_and_heading(written):
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    out, _ = written
    d = docx.Document(str(out / "phu_luc_22.docx"))
    for sec in d.sections:
        assert sec.orientation == WD_ORIENT.LANDSCAPE
        assert {round(sec.page_width.mm), round(sec.page_height.mm)} == {297, 210}
        assert 20 <= sec.top_margin.mm <= 25 and 20 <= sec.bottom_margin.mm <= 25
        assert 30 <= sec.left_margin.mm <= 35 and 15 <= sec.right_margin.mm <= 20
    assert d.styles["Normal"].font.name == "Times New Roman"
    cells = [p for t in d.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    fonts = {_effective(r, p, "name") for p in d.paragraphs for r in p.runs if r.text.strip()}
    fonts |= {_effective(r, p, "name") for p in cells for r in p.runs if r.text.strip()}
    assert fonts == {"Times New Roman"}
    # fonts and sizes are the styles' (defined once in the document), not repeated on every run of every cell
    assert all(r.font.name is None and r.font.size is None for p in cells for r in p.runs)
    assert {_effective(r, p, "size").pt for p in cells for r in p.runs if r.text.strip()} == {10.0}
    paras = [p for p in d.paragraphs if p.text.strip()]
    assert paras[0].text == "PHỤ LỤC I" and all(_effective(r, paras[0], "bold") for r in paras[0].runs)
    assert paras[1].text.isupper() and all(_effective(r, paras[1], "bold") for r in paras[1].runs)
    assert paras[2].text.startswith("(Kèm theo Kế hoạch") and all(_effective(r, paras[2], "italic")
                                                                 for r in paras[2].runs)
    assert any("DỮ LIỆU MINH HỌA" in p.text for p in paras[:6])
    assert Mm(1)  # units import sanity


def test_docx_header_rows_repeat(written):
    import docx
    from docx.oxml.ns import qn

    out, _ = written
    d = docx.Document(str(out / "phu_luc_194.docx"))
    assert len(d.tables) == 2  # Biểu 1, Biểu 2 (models are province-wide)
    for t in d.tables:
        flags = [r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None for r in t.rows]
        assert flags[:2] == [True, True] and not any(flags[2:])


def _docx_table_frame(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def _docx_rows(table) -> tuple[list[str], list[list[str]]]:
    """(column labels, data rows) of a Word table with two header rows (merged cells repeat their text)."""
    rows = _docx_table_frame(table)
    return rows[1], rows[2:]


def _row(rows: list[list[str]], head: list[str], prefix: str) -> dict[str, str]:
    r = next(r for r in rows if r[1].startswith(prefix))
    return dict(zip(head, r))


def test_docx_values_match_frames_in_vietnamese_format(written):
    import docx

    out, _ = written
    d = docx.Document(str(out / "phu_luc_193.docx"))
    top = _docx_table_frame(d.tables[0])[0]
    head, rows = _docx_rows(d.tables[0])
    assert "Kết quả thực hiện" in top
    assert head[5:10] == ["Năm 2021", "Năm 2022", "Năm 2023", "Năm 2024", "Ước thực hiện năm 2025"]
    ct01 = _row(rows, head, "Tỷ lệ xã")
    assert ct01["Năm gốc 2020"] == "62,5"  # 2020 baseline of Hạ Long, decimal comma
    assert ct01["Chỉ tiêu năm 2025"] == "≥ 65,0"
    assert ct01["Ước thực hiện năm 2025"] == "78,1"  # the column says it is an estimate: no mark in the cell
    deaths = _row(rows, head, "Số trẻ em tử vong")
    assert deaths["Ước thực hiện năm 2025"] == "6"
    # the verdict as the evaluation frame says; TH/KH = 78,1 ÷ 65,0 × 100 = 120,2
    assert ct01["Đánh giá"] == "Đạt" and ct01["TH/KH (%)"] == "120,2"
    assert ct01["Độ tin cậy thống kê"] == "–"
    # the share of planned change and the progress category are analysts' columns: not in the signed table
    assert "Tiến độ (phương pháp Open SDG)" not in head
    # rows grouped under the sections of the plan? the hand-made catalogue has none: no heading rows
    assert all(r[0].isdigit() for r in rows)


def test_analyst_columns_on_request(bundle, tmp_path):
    import dataclasses

    import docx

    from ctxh_plan.present import load_publish_settings, write_appendices

    ds, ev, proj = bundle
    settings = dataclasses.replace(load_publish_settings(), show_progress=True, show_feasibility=True,
                                   show_method=True)
    write_appendices(ds, ev, proj, tmp_path, units=["193"], formats=("docx",), charts=False, settings=settings)
    d = docx.Document(str(tmp_path / "phu_luc_193.docx"))
    head1, rows1 = _docx_rows(d.tables[0])
    assert "Tiến độ (phương pháp Open SDG)" in head1
    share = ev[(ev.unit_code == "193") & (ev.indicator_code == "CT01")]["planned_change_share"].iat[0]
    ct01 = _row(rows1, head1, "Tỷ lệ xã")
    assert ct01["Mức hoàn thành thay đổi theo kế hoạch (%)"] == f"{100 * share:.1f}".replace(".", ",")
    head2, rows2 = _docx_rows(d.tables[1])
    assert "Khả năng đạt (%)" in head2 and "Cơ sở xác định chỉ tiêu" in head2
    assert _row(rows2, head2, "Tỷ lệ xã")["Khả năng đạt (%)"] == "80"


def test_docx_budget_table_uses_dot_thousands(written):
    import docx

    out, _ = written
    d = docx.Document(str(out / "phu_luc_22.docx"))
    assert len(d.tables) == 4  # Biểu 1, 2, 3a (models), 3b (budget)
    b3b = _docx_table_frame(d.tables[3])
    total = next(r for r in b3b if r[1] == "Tổng cộng")
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+,\d", total[-1]), total[-1]
    sources = [r[1] for r in b3b[2:]]
    assert "– Ngân sách địa phương" in sources and "– Xã hội hóa" in sources


def test_xlsx_structure_numbers_and_formats(written, bundle):
    import openpyxl

    out, _ = written
    wb = openpyxl.load_workbook(out / "phu_luc_193.xlsx")
    assert wb.sheetnames == ["Bieu1", "Bieu2", "Nguon_PhuongPhap"]
    assert wb.active.title == "Bieu1"  # the workbook opens on Biểu 1
    src = wb["Nguon_PhuongPhap"]
    assert any(str(c.value) == "DỮ LIỆU MINH HỌA" for row in src.iter_rows() for c in row)
    assert int(src.page_setup.paperSize) == 9 and src.sheet_properties.pageSetUpPr.fitToPage  # A4
    ws = wb["Bieu1"]
    assert ws.freeze_panes == "C7"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows.replace("$", "") == "5:6"
    head = [ws.cell(6, c).value or ws.cell(5, c).value for c in range(1, ws.max_column + 1)]
    assert ws.cell(5, 6).value == "Kết quả thực hiện" and head[5] == "Năm 2021"
    col = {h: k + 1 for k, h in enumerate(head)}
    rows = {ws.cell(r, 2).value: r for r in range(7, ws.max_row + 1) if ws.cell(r, 2).value}
    r = rows["Tỷ lệ xã, phường, thị trấn đạt tiêu chuẩn phù hợp với trẻ em"]
    base = ws.cell(r, col["Năm gốc 2020"])
    assert isinstance(base.value, float) and base.value == 62.5 and base.number_format == "#,##0.0"
    target = ws.cell(r, col["Chỉ tiêu năm 2025"])
    assert target.value == 65.0 and target.number_format == '"≥ "#,##0.0'
    r = rows["Số trẻ em tử vong do tai nạn thương tích"]
    assert ws.cell(r, col["Ước thực hiện năm 2025"]).value == 6
    assert ws.cell(r, col["Ước thực hiện năm 2025"]).number_format == "#,##0"
    assert ws.cell(r, 1).font.name == "Times New Roman"


def test_english_labels(bundle, tmp_path):
    import docx
    import openpyxl

    from ctxh_plan.present import write_appendices

    ds, ev, proj = bundle
    paths = write_appendices(ds, ev, proj, tmp_path, units=["194"], lang="en", charts=False)
    assert {p.name for p in paths} == {"appendix_194.docx", "appendix_194.xlsx"}
    d = docx.Document(str(tmp_path / "appendix_194.docx"))
    assert d.paragraphs[0].text == "APPENDIX I"
    assert _docx_table_frame(d.tables[0])[0][1] == "Indicator"
    assert "ILLUSTRATIVE DATA" in "\n".join(p.text for p in d.paragraphs)
    wb = openpyxl.load_workbook(tmp_path / "appendix_194.xlsx")
    assert wb.sheetnames[-1] == "Sources_Methods"


def test_unknown_unit_and_format_are_errors(bundle, tmp_path):
    from ctxh_plan.errors import InputError, UsageError
    from ctxh_plan.present import write_appendices

    ds, ev, proj = bundle
    with pytest.raises(InputError, match="999"):
        write_appendices(ds, ev, proj, tmp_path, units=["999"])
    with pytest.raises(UsageError):
        write_appendices(ds, ev, proj, tmp_path, formats=("pdf",))
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- privacy across all published files

def _published_abuse_cells(out: Path) -> dict[tuple[str, str], object]:
    """{(unit, column header): cell value} of the abuse row in every Biểu 1 sheet written."""
    import openpyxl

    cells = {}
    for f in sorted(out.glob("phu_luc_*.xlsx")):
        unit = f.stem.split("_")[-1]
        ws = openpyxl.load_workbook(f)["Bieu1"]
        heads = [ws.cell(6, c).value or ws.cell(5, c).value for c in range(1, ws.max_column + 1)]
        for r in range(7, ws.max_row + 1):
            if ws.cell(r, 2).value == "Số vụ xâm hại trẻ em":
                for c, h in enumerate(heads, start=1):
                    cells[(unit, h)] = ws.cell(r, c).value
    return cells


YEAR_HEADS = ["Năm gốc 2020", "Năm 2021", "Năm 2022", "Năm 2023", "Năm 2024", "Ước thực hiện năm 2025"]


def test_no_small_sensitive_count_published_directly_or_by_subtraction(written):
    out, _ = written
    cells = _published_abuse_cells(out)
    assert cells, "abuse rows not found"
    marks = 0
    for (unit, head), v in cells.items():
        if head in YEAR_HEADS and isinstance(v, (int, float)):
            assert v == 0 or v >= 5, f"{unit} {head}: {v} published"
        marks += v == "<5"
    assert marks > 0, "the fixture has small counts; some cells must be suppressed"
    for head in YEAR_HEADS:  # province = sum of districts: never exactly one unknown
        group = [cells.get((u, head)) for u in ("22", *DISTRICTS)]
        assert sum(v == "<5" for v in group) != 1, (head, group)
    # 195 in 2025 is 0 → published as 0 (zero identifies no child)
    assert cells[("195", "Ước thực hiện năm 2025")] == 0


def test_no_hidden_number_anywhere_in_xlsx(written):
    """The hidden counts of Móng Cái (194) appear in no cell of its workbook (not even a hidden column);
    a target or a percentage derived from them prints "–", never the mark."""
    import openpyxl

    out, _ = written
    wb = openpyxl.load_workbook(out / "phu_luc_194.xlsx")
    assert all(sh.sheet_state == "visible" for sh in wb.worksheets) and not wb.defined_names
    ws = wb["Bieu1"]
    assert not any(ws.column_dimensions[k].hidden for k in ws.column_dimensions)
    assert not any(ws.row_dimensions[k].hidden for k in ws.row_dimensions)
    head = [ws.cell(6, c).value or ws.cell(5, c).value for c in range(1, ws.max_column + 1)]
    r = next(r for r in range(7, ws.max_row + 1) if ws.cell(r, 2).value == "Số vụ xâm hại trẻ em")
    row = dict(zip(head, (ws.cell(r, c).value for c in range(1, ws.max_column + 1))))
    assert [row[h] for h in YEAR_HEADS] == ["<5", "<5", "<5", 0, "<5", "<5"]  # 2023 is 0: published
    # the relative target (−10 % of the hidden 2020 count) and TH/KH would rebuild it: "–", never "<5"
    assert row["Chỉ tiêu năm 2025"] == "–" and row["TH/KH (%)"] == "–"


def test_docx_shows_mark_and_footnote(written):
    import docx

    out, _ = written
    d = docx.Document(str(out / "phu_luc_194.docx"))
    head, rows = _docx_rows(d.tables[0])
    abuse = _row(rows, head, "Số vụ xâm hại trẻ em")
    assert abuse["Năm gốc 2020"] == "<5" and abuse["Ước thực hiện năm 2025"] == "<5"
    assert abuse["Chỉ tiêu năm 2025"] == "–"
    notes = "\n".join(p.text for p in d.paragraphs)
    assert "<5: số nhỏ hơn 5" in notes and "Dữ liệu minh họa" in notes and "Ước thực hiện năm 2025" in notes


def test_not_illustrative_has_no_label(tmp_path):
    import docx

    from ctxh_plan.present import write_appendices

    ds = make_dataset(illustrative=False)
    ev = make_evaluation(ds.observations)
    write_appendices(ds, ev, None, tmp_path, units=["193"], formats=("docx",), charts=False)
    d = docx.Document(str(tmp_path / "phu_luc_193.docx"))
    assert "minh họa" not in "\n".join(p.text for p in d.paragraphs).lower()
    assert len(d.tables) == 1  # no projection → Biểu 1 only
