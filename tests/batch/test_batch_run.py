"""The batch end to end on the embedded data: a broken unit, resume, identical re-runs, fresh = reused kernels."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ctxh_plan.batch import run_batch
from ctxh_plan.batch.kernels import ERROR_BANNER_TAG
from ctxh_plan.cli import main as cli_main
from tests.helpers.paths import ROOT

pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("notebooks")]
BROKEN = "194"


def _broken_template(tmp: Path) -> Path:
    """unit_report.ipynb with one extra cell that fails for unit 194 only."""
    import nbformat

    nb = nbformat.read(str(ROOT / "notebooks" / "unit_report.ipynb"), as_version=4)
    cell = nbformat.v4.new_code_cell(f'if P["unit_code"] == "{BROKEN}":\n'
                                     '    raise RuntimeError("deliberately broken unit")')
    code_idx = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    nb.cells.insert(code_idx[2], cell)  # after the validation cell
    path = tmp / "unit_report_broken.ipynb"
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def batch_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("batch")
    data = tmp / "data"
    shutil.copytree(ROOT / "data" / "quang_ninh", data)
    tpl = _broken_template(tmp)
    yml = tmp / "t.yaml"
    yml.write_text(f'name: t\ndataset: {data}\nunits: ["193", "{BROKEN}"]\nlang: vi\nsuppress_threshold: 5\n'
                   f'key_indicators: ["CT16", "DROWNING_DEATHS"]\noutput: {tmp / "out"}\njobs: 2\n'
                   f'notebooks: {{unit: {tpl}}}\n', encoding="utf-8")
    code = cli_main(["batch", str(yml), "--no-progress"])
    run_dir = (tmp / "out" / "latest").resolve()
    return tmp, yml, code, run_dir


def test_broken_unit_fails_alone_and_exit_code_is_1(batch_env):
    import nbformat

    _tmp, _yml, code, run_dir = batch_env
    assert code == 1
    man = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    st = {k: r["status"] for k, r in man["reports"].items()}
    assert st == {"province": "ok", "193": "ok", BROKEN: "failed"}
    assert "deliberately broken unit" in man["reports"][BROKEN]["error"]
    # appendices: written by the reports that ran, none for the unit that failed before writing its own
    assert man["reports"]["193"]["appendices"] == ["appendices/phu_luc_193.docx", "appendices/phu_luc_193.xlsx"]
    assert man["reports"]["province"]["appendices"] == ["appendices/phu_luc_22.docx", "appendices/phu_luc_22.xlsx"]
    assert man["reports"][BROKEN]["appendices"] == []
    assert not (run_dir / "appendices" / f"phu_luc_{BROKEN}.docx").exists()
    assert man["status"] == "failed" and man["started_at"] and man["finished_at"]
    assert {i["path"].split("/")[-1] for i in man["inputs"]} >= {"observations.csv", "targets.csv", "t.yaml"}
    assert all(len(i["sha256"]) == 64 for i in man["inputs"]) and man["packages"]["pandas"]
    # the failed notebook is kept with the error visible, in the notebook and in its HTML
    nb = nbformat.read(str(run_dir / "notebooks" / f"unit_{BROKEN}.ipynb"), as_version=4)
    assert ERROR_BANNER_TAG in nb.cells[0].metadata["tags"]
    assert any(o.get("ename") == "RuntimeError" for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "deliberately broken unit" in (run_dir / "html" / f"unit_{BROKEN}.html").read_text(encoding="utf-8")
    # every report has its notebook and HTML; index links them; nothing half-written is left
    for stem in ("unit_193", f"unit_{BROKEN}", "province_summary"):
        assert (run_dir / "notebooks" / f"{stem}.ipynb").is_file()
        assert f"html/{stem}.html" in (run_dir / "index.html").read_text(encoding="utf-8")
    assert not list(run_dir.rglob(".tmp-ctxh-*"))


def test_reports_show_illustrative_label_and_no_code(batch_env):
    import nbformat

    _, _, _, run_dir = batch_env
    page = (run_dir / "html" / "unit_193.html").read_text(encoding="utf-8")
    assert "Dữ liệu minh họa" in page and "Đánh giá thực hiện chỉ tiêu 2021–2025" in page
    assert "check_params" not in page and "build_unit_report" not in page  # input cells excluded
    assert page.count("data:image/svg+xml;base64") >= 2  # one chart per key indicator, sharp (SVG)
    # the banner under the title and in the footer of the notebook's displays, not in every section
    nb = nbformat.read(str(run_dir / "notebooks" / "unit_193.ipynb"), as_version=4)
    shown = [out["data"]["text/html"] for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
             if out["output_type"] == "display_data" and "text/html" in out["data"]]
    with_banner = [i for i, h in enumerate(shown) if "Dữ liệu minh họa" in h and "ctxh-banner" in h]
    assert with_banner == [0, len(shown) - 1]


def test_html_report_starts_with_its_title_and_keeps_status_lines_out(batch_env):
    """The two status lines (summary, appendix files) stay in the notebook for the run log and nbval but
    never come before the title of the HTML report."""
    import re

    import nbformat

    _, _, _, run_dir = batch_env
    for stem, title in (("unit_193", "Báo cáo công tác trẻ em: Thành phố Hạ Long"),
                        ("province_summary", "Tổng hợp toàn tỉnh: Tỉnh Quảng Ninh")):
        page = (run_dir / "html" / f"{stem}.html").read_text(encoding="utf-8")
        body = page[page.index("<body"):]
        body = re.sub(r"<style.*?</style>|<script.*?</script>", "", body, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", body).split()
        assert " ".join(text[:len(title.split())]) == title, text[:12]
        assert "[dữ liệu minh họa]" not in page and "Phụ lục kế hoạch: appendices/" not in page
        nb = nbformat.read(str(run_dir / "notebooks" / f"{stem}.ipynb"), as_version=4)
        logged = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        assert "[dữ liệu minh họa]" in logged  # still in the notebook


def test_index_is_written_for_readers(batch_env):
    import re

    _, _, _, run_dir = batch_env
    page = (run_dir / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<h1>(.*?)</h1>", page).group(1)
    assert title == "Báo cáo công tác trẻ em — Tỉnh Quảng Ninh" and run_dir.name not in title
    assert re.search(r"<title>[^<]*Quảng Ninh[^<]*</title>", page)
    for label in ("Ngày lập", "Bộ dữ liệu", "Kịch bản", "Ngôn ngữ", "Mã lần chạy"):
        assert f"<th>{label}</th>" in page
    assert re.search(r"<td>\d\d/\d\d/20\d\d \d\d:\d\d \(UTC\)</td>", page)
    assert "<td>Cơ sở (theo xu hướng)</td>" in page and "<td>Tiếng Việt</td>" in page
    assert '<a href="html/unit_193.html">Thành phố Hạ Long</a>' in page  # the unit's name is the link
    assert '<a href="html/province_summary.html">Tỉnh Quảng Ninh — tổng hợp toàn tỉnh</a>' in page
    assert "Biểu 1: đánh giá chỉ tiêu 2021–2025; Biểu 2: chỉ tiêu và lộ trình 2026–2030" in page


def test_an_interrupted_rerun_keeps_a_finished_runs_reports_reachable(batch_env, tmp_path, monkeypatch):
    """Re-running a finished run and stopping it before any report is redone leaves the index and the
    manifest pointing at the finished reports (same inputs, same files), not at "not run" rows."""
    import ctxh_plan.batch.kernels as kernels

    _tmp, yml, _, run_dir = batch_env
    copy = tmp_path / "out" / run_dir.name
    shutil.copytree(run_dir, copy)
    before = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))

    def stop(*args, **kwargs):
        raise KeyboardInterrupt("stopped by the test")

    monkeypatch.setattr(kernels, "run_jobs", stop)
    with pytest.raises(KeyboardInterrupt):
        run_batch(yml, output=tmp_path / "out", progress=False)
    man = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    assert man["status"] == "interrupted" and man["created_at"] == before["created_at"]
    for key in ("province", "193"):  # finished before: still finished and linked
        assert man["reports"][key]["status"] == "ok"
        assert (copy / man["reports"][key]["html"]).is_file()
    page = (copy / "index.html").read_text(encoding="utf-8")
    assert '<a href="html/unit_193.html">' in page and '<a href="html/province_summary.html">' in page
    assert "Bị dừng giữa chừng" in page


def test_rerun_gives_identical_outputs_and_resume_only_redoes_missing(batch_env):
    _tmp, yml, _, run_dir = batch_env
    files = sorted(p.relative_to(run_dir) for p in run_dir.rglob("*") if p.is_file() and p.name != "manifest.json")
    before = {p: (run_dir / p).read_bytes() for p in files}
    mtimes = {p: (run_dir / p).stat().st_mtime_ns for p in files}
    (run_dir / "html" / "unit_193.html").unlink()  # something missing
    res = run_batch(yml, resume=True, progress=False)
    assert res.run_dir == run_dir
    assert sorted(res.skipped) == ["province"]  # 193 lost its HTML, 194 had failed
    assert (run_dir / "notebooks" / "province_summary.ipynb").stat().st_mtime_ns == \
        mtimes[Path("notebooks/province_summary.ipynb")]
    after = {p: (run_dir / p).read_bytes() for p in files}
    changed = [str(p) for p in files if before[p] != after[p]]
    assert changed == [], f"re-run changed outputs: {changed}"
    assert res.exit_code == 1 and res.statuses[BROKEN] == "failed"


def test_unknown_unit_code_is_a_clear_error(batch_env, capsys):
    _, yml, _, _ = batch_env
    assert cli_main(["batch", str(yml), "--units", "193,999"]) == 1
    err = capsys.readouterr().err
    assert "999" in err and "units" in err and "fix:" in err and "Traceback" not in err


def test_fresh_kernels_give_the_same_files_as_reused_kernels(batch_env):
    tmp, yml, _, run_dir = batch_env
    man = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    workers = [r["worker"] for r in man["reports"].values()]
    assert len(workers) > len(set(workers))  # some kernel ran more than one notebook
    res = run_batch(yml, output=tmp / "fresh", progress=False, reuse_kernels=False)
    assert res.run_id == run_dir.name
    for sub in ("notebooks", "html", "figures"):
        for p in sorted((run_dir / sub).iterdir()):
            mine = (res.run_dir / sub / p.name).read_text(encoding="utf-8").replace(str(tmp / "fresh"), "OUT")
            assert mine == p.read_text(encoding="utf-8").replace(str(tmp / "out"), "OUT"), f"{sub}/{p.name} differs"
