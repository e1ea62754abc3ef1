"""The Word and Excel appendices are byte-identical when written twice from the same inputs."""
from __future__ import annotations

import re
import time
import zipfile

import pytest

# these tests use the embedded plan (load_plan("") / the embedded_plan fixture): one worker computes it
pytestmark = pytest.mark.xdist_group("embedded_plan")


@pytest.fixture(scope="module")
def inputs(embedded_plan):
    return embedded_plan


def test_same_appendix_written_twice_gives_identical_bytes(inputs, tmp_path):
    from ctxh_plan.present import write_appendices
    from ctxh_plan.present.docx_writer import FIXED_DATE

    ds, ev, proj = inputs
    first = write_appendices(ds, ev, proj, tmp_path / "a", units=["193"], charts=False)
    time.sleep(2.1)  # zip times have a 2-second resolution: a clock stamp would now differ
    second = write_appendices(ds, ev, proj, tmp_path / "b", units=["193"], charts=False)
    assert [p.name for p in first] == ["phu_luc_193.docx", "phu_luc_193.xlsx"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two writes"
        with zipfile.ZipFile(a) as z:
            names = z.namelist()
            assert names[0] == "[Content_Types].xml" and names[2:] == sorted(names[2:])
            assert {i.date_time for i in z.infolist()} == {FIXED_DATE}
            core = z.read("docProps/core.xml").decode()
        stamps = re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core)
        assert sorted(t for t, _ in stamps) == ["created", "modified"]
        assert {v for _, v in stamps} == {"2000-01-01T00:00:00Z"}
    assert not list((tmp_path / "a").glob(".tmp-ctxh-*"))


def test_deterministic_files_still_open_with_their_content(inputs, tmp_path):
    import docx
    import openpyxl

    from ctxh_plan.present import write_appendices

    ds, ev, proj = inputs
    d, x = write_appendices(ds, ev, proj, tmp_path, units=["22"], charts=False)
    doc = docx.Document(str(d))
    assert doc.core_properties.created.year == 2000 and doc.core_properties.modified.year == 2000
    assert len(doc.tables) >= 2 and any("PHỤ LỤC" in p.text for p in doc.paragraphs)
    wb = openpyxl.load_workbook(str(x))
    assert {"Bieu1", "Bieu2"} <= set(wb.sheetnames)
    assert wb.properties.created.year == 2000 and wb.properties.modified.year == 2000
    assert wb["Bieu1"].cell(7, 1).value == "I"  # the first section of the plan
    assert isinstance(wb["Bieu1"].cell(8, 1).value, int)  # STT of the first data row: a real number


def test_normalize_ooxml_keeps_every_part(tmp_path):
    from ctxh_plan.present.docx_writer import normalize_ooxml

    p = tmp_path / "x.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("xl/b.xml", "<b/>")
        z.writestr("docProps/core.xml", '<cp><dcterms:created xsi:type="t">2026-11-23T17:00:00Z</dcterms:created></cp>')
        z.writestr("[Content_Types].xml", "<Types/>")
    normalize_ooxml(p)
    with zipfile.ZipFile(p) as z:
        assert z.namelist() == ["[Content_Types].xml", "docProps/core.xml", "xl/b.xml"]
        assert z.read("xl/b.xml") == b"<b/>"
        assert b">2000-01-01T00:00:00Z<" in z.read("docProps/core.xml")
