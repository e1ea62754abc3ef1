"""The cycle as commands on the embedded data: adopt → form → collect → track → report (in-process).

The history of the tracking folder is loaded and re-based once per test process (the ``qn26_history``
fixture of tests/conftest.py, through the real ``load_history``); the commands here get that dataset instead
of loading it again, so each test checks what the command does with it."""
from __future__ import annotations

import shutil
import zipfile

import pytest

from tests.helpers.paths import QN26

pytestmark = pytest.mark.xdist_group("tracking")


@pytest.fixture
def loaded_once(monkeypatch, qn26_history):
    """``load_history`` of the tracking folder answers with the history loaded once (other folders: loaded)."""
    from ctxh_plan.tracking import folder as folder_mod

    real = folder_mod.load_history
    calls = []

    def cached(folder, history=None):
        calls.append(folder.path)
        if history is None and folder.path.resolve() == QN26.resolve():
            return qn26_history
        return real(folder, history)

    monkeypatch.setattr(folder_mod, "load_history", cached)
    return calls


@pytest.mark.notebooks  # end-to-end: the whole cycle over the 53 received forms, five commands, ~8 s
def test_form_collect_track_report(tmp_path, capsys, loaded_once):
    from ctxh_plan.cli import main

    data = str(QN26)
    assert main(["form", "--data", data, "--units", "06652,22", "--period", "2026-H1", "-o", str(tmp_path / "f")]) == 0
    out = capsys.readouterr().out
    assert "2 biểu mẫu" in out and "20/05/2026" in out and "dữ liệu minh họa" in out
    assert sorted(p.name for p in (tmp_path / "f").glob("*.xlsx")) == ["06652_2026-H1.xlsx", "22_2026-H1.xlsx"]
    # blank forms never overwrite the filled ones
    assert main(["form", "--data", data, "--units", "06652", "--period", "2026-H1", "-o",
                 str(QN26 / "received" / "2026-H1")]) == 2

    obs = tmp_path / "obs.csv"
    assert main(["collect", str(QN26 / "received" / "2026-H1"), "--data", data, "--period", "2026-H1",
                 "-o", str(obs)]) == 0
    cap = capsys.readouterr()
    assert cap.out.startswith("Tình hình nhận báo cáo kỳ 2026-H1 (hạn 20/05/2026)")
    assert "không khớp" in cap.err  # the unknown name of an analyst's sheet, with candidates
    head = obs.read_text(encoding="utf-8-sig").splitlines()[0]
    assert head.startswith("unit_code,indicator_code,year,period,value")
    assert "illustrative" in obs.read_text(encoding="utf-8-sig")
    # --strict refuses the same unknown name: shown on the analysts' two workbooks alone (a quicker read)
    analysts = tmp_path / "analysts"
    analysts.mkdir()
    for p in (QN26 / "received" / "2026-H1").glob("Bao cao *.xlsx"):
        shutil.copy(p, analysts / p.name)
    assert len(list(analysts.iterdir())) == 2
    lenient = ["collect", str(analysts), "--data", data, "--period", "2026-H1", "-o", str(tmp_path / "obs3.csv")]
    assert main(lenient) == 0
    assert "không khớp" in capsys.readouterr().err
    assert main(["collect", str(analysts), "--data", data, "--period", "2026-H1", "--strict",
                 "-o", str(tmp_path / "obs2.csv")]) == 1

    xlsx = tmp_path / "tracking.xlsx"
    assert main(["track", "--data", data, "--period", "2026-H1", "-o", str(xlsx)]) == 0
    out = capsys.readouterr().out
    first, rest = out.split("\n", 1)
    assert first.startswith("Tình hình nhận báo cáo")          # the submission table comes first
    assert "Theo dõi kỳ 2026-H1" in rest and "[dữ liệu minh họa]" in rest and xlsx.is_file()

    docx = tmp_path / "bao_cao.docx"
    assert main(["report", "--data", data, "--period", "2026", "-o", str(docx)]) == 0
    assert "Dự thảo báo cáo kỳ 2026 (dữ liệu minh họa)" in capsys.readouterr().out
    with zipfile.ZipFile(docx) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert "Kết quả thực hiện công tác trẻ em năm 2026" in body
    assert len(loaded_once) >= 4  # form, collect, track and report each opened the folder's history


def test_usage_errors(capsys):
    from ctxh_plan.cli import main

    assert main(["track", "--data", str(QN26), "--period", "2026-H3"]) == 2
    assert "fix:" in capsys.readouterr().err
    assert main(["report", "--data", str(QN26), "--period", "2026-H1", "-o", "x.pdf"]) == 2
    assert main(["track", "--data", "/nonexistent", "--period", "2026-H1"]) == 1
    assert "tracking folder not found" in capsys.readouterr().err


def test_report_document(tmp_path, qn26_h1):
    """The Word draft: official format, the comparison with the same period, the submissions, the causes."""
    import docx

    from ctxh_plan.tracking.report_doc import change_sentence, write_report

    run, ctx = qn26_h1, qn26_h1.context
    p = write_report(run.tracking, tmp_path / "r.docx", catalog=ctx.history.catalog)
    d = docx.Document(str(p))
    text = "\n".join(par.text for par in d.paragraphs)
    cells = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "BÁO CÁO" in text and "Kết quả thực hiện công tác trẻ em 6 tháng đầu năm 2026" in text
    assert "DỮ LIỆU MINH HỌA" in text and "so với cùng kỳ năm 2025" in text
    a = run.tracking.submissions.summary()
    assert f"Đã nhận báo cáo của {a['n_received']}/{a['n_expected']} đơn vị" in text
    assert "Nguyên nhân: Mùa mưa đến sớm" in text                # from the analysts' sheet
    assert "Nguyên nhân: …" in text                               # a place for the others
    assert "Biểu 1" in text and "Biểu 2" in text and "Biểu 3" in text
    assert "Nguyên nhân" in cells and "Giải pháp" in cells and "Mùa mưa" in cells  # causes as columns of Biểu 1
    assert "xã, phường, đặc khu" in text and "thị trấn" not in text
    sec = d.sections[0]
    assert round(sec.left_margin.mm) == 30 and round(sec.page_width.mm) == 210
    styles = d.styles["Normal"].font
    assert styles.name == "Times New Roman" and styles.size.pt == 13
    # the same inputs give the same bytes
    assert write_report(run.tracking, tmp_path / "r2.docx", catalog=ctx.history.catalog).read_bytes() == p.read_bytes()
    ind = ctx.history.catalog["TNTT_DEATHS"]
    assert change_sentence(28, 29, ind, 2019) == "28 trẻ em, giảm 1 trẻ em so với cùng kỳ năm 2019"
    assert change_sentence(30, 29, ind, 2019) == "30 trẻ em, tăng 1 trẻ em so với cùng kỳ năm 2019"
    assert change_sentence(30, 30, ind, 2019) == "30 trẻ em, bằng cùng kỳ năm 2019"
    pct = ctx.history.catalog["CT16"]
    assert change_sentence(99.5, 99.1, pct, 2025) == "99,5%, tăng 0,4 điểm phần trăm so với cùng kỳ năm 2025"


def test_sensitive_small_counts_are_not_published(tmp_path, qn26_h1):
    import dataclasses

    import docx

    from ctxh_plan.present.settings import load_publish_settings
    from ctxh_plan.tracking.report_doc import write_report

    ctx = qn26_h1.context
    t = qn26_h1.tracking.table.copy()  # the shared run stays as it is
    i = t.index[(t["unit_code"] == "22") & (t["indicator_code"] == "ABUSE_CASES")][0]
    t.loc[i, ["value", "same_period_last_year"]] = [3.0, 2.0]
    tracking = dataclasses.replace(qn26_h1.tracking, table=t)
    p = write_report(tracking, tmp_path / "r.docx", catalog=ctx.history.catalog, publish=load_publish_settings())
    d = docx.Document(str(p))
    row = next(r for tb in d.tables for r in tb.rows if r.cells[1].text == "Số vụ xâm hại trẻ em")
    assert [row.cells[k].text for k in (3, 4, 6)] == ["<5", "<5", "<5"]
    line = next(par.text for par in d.paragraphs if par.text.startswith("- Số vụ xâm hại trẻ em"))
    assert "<5" in line and "3 vụ" not in line
