"""The batch writes the plan appendices: one per unit (Biểu 1–2) and the province's (Biểu 1–3 + charts)."""
from __future__ import annotations

import json
import re
import shutil

import pytest

from ctxh_plan.batch import run_batch
from tests.helpers.paths import ROOT

pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("notebooks")]
FORMATS = ("docx", "xlsx")


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    """params/quang_ninh.yaml as committed (13 former districts + province), into a temporary folder."""
    tmp = tmp_path_factory.mktemp("batch_appendices")
    res = run_batch(ROOT / "params" / "quang_ninh.yaml", output=tmp / "out", progress=False)
    return tmp, res


def test_every_unit_and_the_province_get_an_appendix_that_opens(full_run):
    import docx
    import openpyxl

    _, res = full_run
    assert res.exit_code == 0, res.errors
    man = json.loads((res.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert man["parameters"]["appendices"] == list(FORMATS)
    codes = {k: ("22" if k == "province" else k) for k in man["reports"]}
    assert len(codes) == 14
    for key, code in codes.items():
        listed = man["reports"][key]["appendices"]
        assert listed == [f"appendices/phu_luc_{code}.{f}" for f in FORMATS]
        d = docx.Document(str(res.run_dir / listed[0]))
        assert len(d.tables) >= 2, key  # Biểu 1 and Biểu 2
        assert any("DỮ LIỆU MINH HỌA" in p.text for p in d.paragraphs), key
        wb = openpyxl.load_workbook(str(res.run_dir / listed[1]))
        assert {"Bieu1", "Bieu2"} <= set(wb.sheetnames), key
        # the unit files are written without charts, the province file with them and with Biểu 3a/3b
        assert bool(d.inline_shapes) == (key == "province"), key
        assert ("Bieu3a" in wb.sheetnames) == ("Bieu3b" in wb.sheetnames) == (key == "province"), key
    charts = sorted(p.name for p in (res.run_dir / "appendices" / "charts" / "22").glob("*.png"))
    assert {"heatmap.png", "ranking.png"} <= set(charts)
    assert not list(res.run_dir.rglob(".tmp-ctxh-*"))


def test_index_links_the_appendices_and_reports_name_them(full_run):
    _, res = full_run
    page = (res.run_dir / "index.html").read_text(encoding="utf-8")
    assert "Phụ lục kế hoạch" in page and "Biểu 3: mô hình can thiệp và kinh phí" in page
    links = set(re.findall(r'href="(appendices/[^"]+)"', page))
    assert len(links) == 28 and all((res.run_dir / link).is_file() for link in links)
    html = (res.run_dir / "html" / "unit_193.html").read_text(encoding="utf-8")
    # the report's footer links its appendix (relative to the report's folder) and says what it holds
    footer = html[html.index("ctxh-footer"):]
    for name in ("phu_luc_193.docx", "phu_luc_193.xlsx"):
        assert f'href="../appendices/{name}"' in footer and (res.run_dir / "appendices" / name).is_file()
    assert "Biểu 2: chỉ tiêu và lộ trình 2026–2030" in footer
    assert str(res.run_dir) not in html  # relative names only


def test_unit_and_province_appendices_hide_the_same_cells(full_run):
    """Suppression is joint over all units: the cells a unit file hides are the ones the all-units
    pattern hides for that unit (so the province file cannot give them away)."""
    import openpyxl

    _, res = full_run
    hidden_any = 0
    for key in ("193", "194", "195"):
        wb = openpyxl.load_workbook(str(res.run_dir / "appendices" / f"phu_luc_{key}.xlsx"))
        marks = [c.value for ws in (wb["Bieu1"], wb["Bieu2"]) for row in ws.iter_rows() for c in row
                 if c.value in ("<5", "x")]  # a hidden count, a hidden rate
        hidden_any += len(marks)
    assert hidden_any, "no cell hidden in the unit appendices: the check would be empty"


def test_no_english_word_and_no_machine_path_in_any_vietnamese_document(full_run):
    """Every Vietnamese document of the batch — the HTML reports and the Word/Excel appendices of the
    province and the 13 former districts — holds no English word of the list (tests/helpers/vietnamese_scan.py)
    and no absolute path. (index.html is the run's bilingual table of contents, "Phụ lục / Appendices".)"""
    from tests.helpers.vietnamese_scan import scan

    _, res = full_run
    docs = sorted([*(res.run_dir / "html").glob("*.html"), *(res.run_dir / "appendices").glob("phu_luc_*.*")])
    assert len(docs) == 14 * 3  # 14 reports, 14 Word, 14 Excel
    found = {p.relative_to(res.run_dir).as_posix(): f for p in docs if any((f := scan(p)).values())}
    assert found == {}


def test_resume_rebuilds_a_missing_appendix_identically(full_run):
    _, res = full_run
    victim = res.run_dir / "appendices" / "phu_luc_195.xlsx"
    before = victim.read_bytes()
    others = {p: p.read_bytes() for p in (res.run_dir / "appendices").glob("phu_luc_*")}
    victim.unlink()
    again = run_batch(ROOT / "params" / "quang_ninh.yaml", output=res.run_dir.parent, resume=True, progress=False)
    assert again.exit_code == 0 and again.run_dir == res.run_dir
    assert "195" not in again.skipped and len(again.skipped) == 13
    assert victim.read_bytes() == before
    assert {p: p.read_bytes() for p in others} == others


def test_no_appendix_when_the_batch_asks_for_none(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "quang_ninh", data)
    yml = tmp_path / "b.yaml"
    yml.write_text(f'name: none\ndataset: {data}\nunits: ["193"]\nappendices: []\nkey_indicators: ["CT16"]\n'
                   f'output: {tmp_path / "out"}\njobs: 1\n', encoding="utf-8")
    res = run_batch(yml, progress=False)
    assert res.exit_code == 0, res.errors
    assert not (res.run_dir / "appendices").exists()
    man = json.loads((res.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert all(r["appendices"] == [] for r in man["reports"].values())
    import nbformat

    nb = nbformat.read(str(res.run_dir / "notebooks" / "unit_193.ipynb"), as_version=4)
    logged = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Phụ lục kế hoạch: không ghi" in logged  # the run log says so; the report has no appendix link
    page = (res.run_dir / "html" / "unit_193.html").read_text(encoding="utf-8")
    assert "appendices/" not in page and '<html lang="vi">' in page
