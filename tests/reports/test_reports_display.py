"""What the unit report and the province summary show, read from their displays (no kernel): title first,
the banner at the top and in the footer only, a legend of the verdict colours, Biểu 1/2 as the appendix
prints them (plan order, names, units, one number of decimals per indicator, text left-aligned),
Vietnamese alt text, no command lines, the province's 2026–2030 section; the province appendix charts
the plan's key indicators."""
from __future__ import annotations

import html as htmllib
import re

import IPython.display
import pytest

from ctxh_plan.present.charts import KEY_INDICATORS

# these tests use the embedded plan (load_plan("") / the embedded_plan fixture): one worker computes it
pytestmark = pytest.mark.xdist_group("embedded_plan")

UNIT = "198"
PARAMS = {"unit_code": UNIT, "dataset": "", "scenario": "", "lang": "vi", "rebase_to": "", "output_dir": "",
          "suppress_threshold": 5, "appendix_dir": "", "appendix_formats": [], "key_indicators": []}


def _capture(monkeypatch, show, obj) -> list[str]:
    seen: list = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: seen.extend(objs))
    show(obj)
    return [o.data for o in seen if isinstance(o, IPython.display.HTML)]


@pytest.fixture(scope="module")
def unit_pages():
    from ctxh_plan import reports as report

    mp = pytest.MonkeyPatch()
    try:
        rep = report.build_unit_report(dict(PARAMS))
        rep.appendices = [f"appendices/phu_luc_{UNIT}.docx", f"appendices/phu_luc_{UNIT}.xlsx"]
        pages = _capture(mp, report.show_unit_report, rep)
    finally:
        mp.undo()
    return rep, pages


@pytest.fixture(scope="module")
def province_pages():
    from ctxh_plan import reports as report

    params = {k: v for k, v in PARAMS.items() if k != "unit_code"} | {"units": []}
    mp = pytest.MonkeyPatch()
    try:
        s = report.build_province_summary(params)
        pages = _capture(mp, report.show_province_summary, s)
    finally:
        mp.undo()
    return s, pages


def _visible(page: str) -> str:
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r'(src|href)="[^"]*"', " ", page)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def _table(page: str, caption_start: str) -> list[list[tuple[str, str]]]:
    """Body rows of the table whose caption starts with ``caption_start``: [(cell class, text)]."""
    start = page.index(f"<caption>{caption_start}")
    body = page[start:page.index("</tbody>", start)]
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body[body.index("<tbody>"):], flags=re.S):
        cells = re.findall(r'<td class="([^"]*)"[^>]*>(.*?)</td>', tr)
        rows.append([(cls, htmllib.unescape(txt)) for cls, txt in cells])
    return rows


def test_the_title_comes_first_and_the_banner_only_at_top_and_bottom(unit_pages):
    _rep, pages = unit_pages
    assert pages[0].lstrip().startswith("<style>") and "<h2>Báo cáo công tác trẻ em: Huyện Bình Liêu</h2>" in pages[0]
    assert _visible(pages[0]).split()[:3] == ["Báo", "cáo", "công"]  # nothing printed before the title
    banners = [i for i, p in enumerate(pages) for _ in range(p.count('class="ctxh-banner"'))]
    assert banners == [0, len(pages) - 1]  # under the title and in the footer, not in every section
    assert "ctxh-footer" in pages[-1]


def test_evaluation_has_a_colour_legend_and_left_aligned_text(unit_pages):
    rep, pages = unit_pages
    page = next(p for p in pages if "2. Đánh giá thực hiện chỉ tiêu 2021–2025" in p)
    legend = page[page.index('class="ctxh-legend"'):page.index("</div>", page.index('class="ctxh-legend"'))]
    from ctxh_plan.vocab import label

    for status in set(rep.evaluation["attainment"].astype(str)):
        assert label(status, "vi") in legend
    rows = _table(page, "Biểu 1")
    assert any(not r[0][1].isdigit() for r in rows), "Biểu 1 has no section heading row (I., II. …)"
    rows = [r for r in rows if r[0][1].isdigit()]  # indicator rows (STT 1, 2 …), not section headings
    assert len(rows) == len(rep.evaluation)
    assert all(r[1][0].startswith("ctxh-text") and r[3][0] == "ctxh-num" for r in rows)  # name left, number right
    from ctxh_plan.reports.html import REPORT_CSS

    assert "td.ctxh-text{text-align:left !important}" in REPORT_CSS
    coloured = re.findall(r'<td class="ctxh-text" style="background:(#[0-9a-f]{6})', page)
    assert len(coloured) >= len(rep.evaluation) - rep.evaluation["attainment"].isna().sum()


def test_proposals_in_plan_order_with_names_units_and_the_indicators_decimals(unit_pages):
    from ctxh_plan.reports.unit import report_tables

    rep, pages = unit_pages
    page = next(p for p in pages if "4. Đề xuất chỉ tiêu 2030 và lộ trình" in p)
    all_rows = _table(page, "Biểu 2")
    stt, expected_stt, restart = [], [], True
    for r in all_rows:  # STT counts 1, 2 … within each section (I., II. … rows start a section)
        if r[0][1].isdigit():
            stt.append(int(r[0][1]))
            expected_stt.append(expected_stt[-1] + 1 if expected_stt and not restart else 1)
            restart = False
        else:
            restart = True
    assert stt and stt == expected_stt
    rows = [r for r in all_rows if r[0][1].isdigit()]  # indicator rows, not section headings
    table = next(t for t in report_tables(rep) if t.key == "bieu2")
    cat = rep.ds.catalog
    codes = [c for c in table.frame["indicator_code"] if c in cat]
    from ctxh_plan.present.labels import post_reform

    # names in the appendix's order, in the 2026–2030 wording ("xã, phường, đặc khu")
    assert [r[1][1] for r in rows] == [post_reform(cat[c].name_vi) for c in codes]
    assert [r[2][1] for r in rows] == [cat[c].unit_vi for c in codes]  # units of measure
    assert not [c for r in rows for _cls, c in r if re.fullmatch(r"CT\d+\w*|[A-Z_]{5,}", c)]  # no code as text
    keys = [c.key for c in table.columns]
    plan_cols = [keys.index(k) for k in ("baseline_2025", "milestone_2026", "milestone_2029", "target_2030")]
    checked = 0
    for code, row in zip(codes, rows):
        numbers = [re.sub(r"\s*\(.*\)$", "", row[j][1]) for j in plan_cols]
        numbers = [n for n in numbers if re.fullmatch(r"-?[\d.]+(,\d+)?", n)]
        decimals = {len(n.split(",")[1]) if "," in n else 0 for n in numbers}
        expected = 0 if cat[code].kind.value in ("count", "yes_no") else cat[code].decimals
        assert decimals <= {expected}, (code, numbers)
        checked += bool(numbers)
    assert checked >= 20


def test_charts_are_sharp_with_vietnamese_alt_text(unit_pages):
    _, pages = unit_pages
    page = next(p for p in pages if "3. Diễn biến, dự báo và lộ trình 2026–2030" in p)
    imgs = re.findall(r"<img ([^>]*)>", page)
    assert imgs and all('src="data:image/svg+xml;base64,' in i for i in imgs)
    alts = [htmllib.unescape(re.search(r'alt="([^"]*)"', i).group(1)) for i in imgs]
    assert all(a.startswith("Biểu đồ ") and "của Huyện Bình Liêu" in a and "chỉ tiêu 2030" in a for a in alts), alts


def test_no_command_lines_or_paths_in_reader_facing_text(unit_pages, province_pages):
    for pages in (unit_pages[1], province_pages[1]):
        text = " ".join(_visible(p) for p in pages)
        for word in ("ctxh-plan", "python", ".venv", "tasks.py", "/work/", "outputs/"):
            assert word not in text, word


def test_province_summary_sections_and_its_2026_2030_plan(province_pages):
    s, pages = province_pages
    titles = re.findall(r"<h3>(.*?)</h3>", "".join(pages))
    assert titles[:4] == ["1. Xếp hạng đơn vị theo tỷ lệ chỉ tiêu đạt", "2. Mức tiến độ theo đơn vị và chỉ tiêu",
                          "3. Kết quả toàn tỉnh 2021–2025 (tỷ lệ = tổng tử số / tổng mẫu số)",
                          "4. Chỉ tiêu toàn tỉnh giai đoạn 2026–2030"]
    plan = next(p for p in pages if "4. Chỉ tiêu toàn tỉnh giai đoạn 2026–2030" in p)
    assert len(_table(plan, "Biểu 2")) > 10
    alts = [htmllib.unescape(a) for a in re.findall(r'alt="([^"]*)"', plan)]
    names = {s.ds.catalog[c].name_vi for c in KEY_INDICATORS}
    assert alts and all(any(n in a for n in names) for a in alts)
    banners = sum(p.count('class="ctxh-banner"') for p in pages)
    assert banners == 2
    ranking = next(p for p in pages if "1. Xếp hạng" in p)
    assert 'alt="Biểu đồ xếp hạng 13 đơn vị' in ranking


def test_province_appendix_charts_are_the_plans_key_indicators(tmp_path):
    """Which charts the province appendix draws (drawn at screen resolution here: the choice does not depend on
    it, and print resolution is tested in tests/present/test_present_charts.py)."""
    import dataclasses

    from ctxh_plan.present import load_publish_settings, write_appendices
    from ctxh_plan.reports.messages import silenced
    from ctxh_plan.reports.plan import load_plan

    plan = load_plan("")
    settings = dataclasses.replace(load_publish_settings(), dpi=60)
    with silenced():
        paths = write_appendices(plan.dataset, plan.evaluation(), plan.projection(""), tmp_path, units=["22"],
                                 formats=("docx",), charts=True, settings=settings)
    charted = [p.stem for p in paths if p.suffix == ".png" and p.stem not in ("heatmap", "ranking")]
    proposed = set(plan.projection("").proposals.query("unit_code == '22'")["indicator_code"])
    assert charted == [c for c in KEY_INDICATORS if c in proposed]
    assert charted != sorted(charted)  # not the first codes alphabetically
