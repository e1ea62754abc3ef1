"""`ctxh-plan appendix` on the embedded illustrative dataset (the whole chain: data → evaluate → project → present)."""
from __future__ import annotations

import pytest

from ctxh_plan.cli import main


def test_appendix_usage_errors(tmp_path, capsys):
    assert main(["appendix", "--format", "pdf", "-o", str(tmp_path)]) == 2
    assert "docx, xlsx" in capsys.readouterr().err
    assert main(["appendix", "--data", str(tmp_path / "nope"), "-o", str(tmp_path)]) == 2
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
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
    wb = openpyxl.load_workbook(out / "phu_luc_194.xlsx")
    assert wb.sheetnames == ["Nguon_PhuongPhap", "Bieu1", "Bieu2"]
    rows = [[c.value for c in r] for name in ("Bieu1", "Bieu2") for r in wb[name].iter_rows(min_row=7)]
    seen = [r for r in rows if r[1] in sensitive]
    assert seen, "the district appendix lists no sensitive count indicator: the check below would be empty"
    for r in seen:  # no small sensitive count in any number cell of the row
        for v in r[3:]:
            assert not (isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < 5), r
    # the province workbook has Biểu 3 with the swimming classes and a total row
    b3 = openpyxl.load_workbook(out / "phu_luc_22.xlsx")["Bieu3"]
    names = [b3.cell(r, 2).value for r in range(7, b3.max_row + 1)]
    assert "Lớp dạy bơi an toàn miễn phí cho trẻ em" in names and "Tổng cộng" in names
    assert main(["appendix", "--units", "999", "--no-charts", "-o", str(out)]) == 1
