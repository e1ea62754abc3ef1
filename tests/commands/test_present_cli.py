"""`ctxh-plan appendix` on the embedded illustrative dataset (the whole chain: data → evaluate → project → present)."""
from __future__ import annotations

import pytest

from ctxh_plan.cli import main


def test_appendix_usage_errors(tmp_path, capsys):
    assert main(["appendix", "--format", "pdf", "-o", str(tmp_path)]) == 2
    assert "docx, xlsx" in capsys.readouterr().err
    assert main(["appendix", "--data", str(tmp_path / "nope"), "-o", str(tmp_path)]) == 2
    assert not list(tmp_path.iterdir())


@pytest.mark.notebooks  # end-to-end: every unit's appendix of the embedded dataset by the CLI
def test_appendix_cli_embedded_dataset(tmp_path, capsys):
    import openpyxl

    from ctxh_plan.data.catalog import load_catalog

    out = tmp_path / "pl"
    code = main(["appendix", "--units", "22,194", "--no-charts", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert "dữ liệu minh họa" in printed
    assert sorted(p.name for p in out.iterdir()) == ["phu_luc_194.docx", "phu_luc_194.xlsx",
                                                     "phu_luc_22.docx", "phu_luc_22.xlsx"]
    sensitive = {i.name_vi for i in load_catalog() if i.sensitive and i.kind.value == "count"}
    sensitive_any = {i.name_vi for i in load_catalog() if i.sensitive}
    wb = openpyxl.load_workbook(out / "phu_luc_194.xlsx")
    assert wb.sheetnames == ["Bieu1", "Bieu2", "Nguon_PhuongPhap"]
    rows = [[c.value for c in r] for name in ("Bieu1", "Bieu2") for r in wb[name].iter_rows(min_row=7)]
    seen = [r for r in rows if r[1] in sensitive_any]
    assert seen, "the district appendix lists no sensitive indicator: the checks below would be empty"
    for r in seen:
        if r[1] in sensitive:  # a sensitive count: no small number in any cell of the row
            assert not any(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < 5 for v in r[3:]), r
        else:  # a sensitive rate: its small-count years show the mark, never a number
            assert "x" in r[3:] or "–" in r[3:], r
    # the province workbook has Biểu 3a (models) and 3b (budget by year and source, with the total)
    wb22 = openpyxl.load_workbook(out / "phu_luc_22.xlsx")
    assert wb22.sheetnames == ["Bieu1", "Bieu2", "Bieu3a", "Bieu3b", "Nguon_PhuongPhap"]
    names = [wb22["Bieu3a"].cell(r, 2).value for r in range(7, wb22["Bieu3a"].max_row + 1)]
    assert "Lớp dạy bơi an toàn miễn phí cho trẻ em" in names
    items = [wb22["Bieu3b"].cell(r, 2).value for r in range(7, wb22["Bieu3b"].max_row + 1)]
    assert "Tổng cộng" in items and "– Ngân sách trung ương" in items
    assert main(["appendix", "--units", "999", "--no-charts", "-o", str(out)]) == 1


@pytest.mark.notebooks  # end-to-end: the appendices of one lead agency by the CLI
def test_appendix_for_one_lead_agency(tmp_path, capsys):
    """--agency extracts Biểu 1 and 2 for the indicators one department chairs (code or name)."""
    import docx

    from ctxh_plan.data.catalog import load_catalog

    out = tmp_path / "syt"
    assert main(["appendix", "--units", "22", "--agency", "Sở Giáo dục và Đào tạo", "--format", "docx",
                 "-o", str(out)]) == 0, capsys.readouterr().err
    d = docx.Document(str(out / "phu_luc_22_SGDDT.docx"))
    assert len(d.tables) == 2 and not d.inline_shapes  # Biểu 1–2, no models, no charts
    cat = load_catalog()
    chaired = {i.name_vi for i in cat if i.lead_agency == "SGDDT"}
    names = [r.cells[1].text for t in d.tables for r in t.rows[2:] if r.cells[0].text.isdigit()]
    assert names and all(n.replace("đặc khu", "thị trấn") in chaired for n in names), names
    assert any("Cơ quan chủ trì: Sở Giáo dục và Đào tạo" in p.text for p in d.paragraphs)
    assert main(["appendix", "--agency", "Sở Không Có", "-o", str(tmp_path / "x")]) == 2
    assert "SYT" in capsys.readouterr().err
