"""The reader's HTML page of an executed notebook (ctxh_plan.batch.export): the same page as nbconvert's own
HTMLExporter gives, without its BeautifulSoup pass; no kernel is started (the notebook is built here)."""
from __future__ import annotations

import re

import pytest

from ctxh_plan.batch.export import REMOVE_OUTPUT_TAG, export_html, make_exporter

# the Jupyter libraries these tests import cost ~3 s per process: one worker pays it (docs/TESTING.md)
pytestmark = pytest.mark.xdist_group("jupyter")


def _executed_notebook():
    import nbformat  # imported by the test, not at collection (jsonschema's grammar: ~1 s in every worker)

    def html_output(html: str):
        return nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "<IPython.display>"})

    cells = [
        nbformat.v4.new_code_cell("P = 1"),  # no output: left out
        nbformat.v4.new_code_cell("show_header()", outputs=[html_output(
            "<h1>Báo cáo công tác trẻ em: Phường Hà Tu</h1>"
            "<p>Tỷ lệ 12,5 % &amp; số &lt;5&gt; — dữ liệu minh họa</p>")]),
        nbformat.v4.new_code_cell("status()", outputs=[nbformat.v4.new_output("stream", name="stdout",
                                                                              text="status line for the run log\n")]),
        nbformat.v4.new_code_cell("show_charts()", outputs=[html_output(
            '<figure><img alt="Biểu đồ tỷ suất" src="data:image/svg+xml;base64,PHN2Zy8+"></figure>'
            '<img src="data:image/png;base64,iVBORw0KGgo=">')]),
    ]
    cells[2].metadata["tags"] = [REMOVE_OUTPUT_TAG]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _text_and_tags(page: str) -> tuple[str, list[str]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    return soup.get_text(" ", strip=True), [tag.name for tag in soup.find_all(True)]


def test_the_page_reads_as_nbconverts_own(tmp_path):
    import nbformat
    from nbconvert import HTMLExporter

    from ctxh_plan.reports.html import add_security_policy

    nb = _executed_notebook()
    export_html(nb, tmp_path / "ours.html", "Phường Hà Tu (06652)")
    ours = (tmp_path / "ours.html").read_text(encoding="utf-8")
    theirs_exporter = HTMLExporter(config=make_exporter().config, exclude_input=True, exclude_input_prompt=True,
                                   exclude_output_prompt=True)
    shown = nbformat.NotebookNode(dict(nb))
    shown["cells"] = [c for c in nb.cells if c.cell_type != "code" or c.get("outputs")]
    theirs, _ = theirs_exporter.from_notebook_node(shown, resources={"metadata": {"name": "Phường Hà Tu (06652)"}})
    theirs = add_security_policy(theirs)
    assert "Báo cáo công tác trẻ em" in ours and "status line for the run log" not in ours
    assert _text_and_tags(ours) == _text_and_tags(theirs)  # the same text, the same elements in the same order
    # what nbconvert's pass adds: focusable output areas, and an alt text on the image that had none
    assert ours.count('tabindex="0"') == theirs.count('tabindex="0"') == 2
    imgs = re.findall(r"<img[^>]*>", ours)
    assert len(imgs) == 2 and all(" alt=" in i for i in imgs)
    assert 'alt="Biểu đồ tỷ suất"' in ours and 'alt="Hình không có mô tả"' in ours  # the page's language
    assert "&amp;" in ours and "&lt;5&gt;" in ours  # escaped text stays escaped
    assert "Content-Security-Policy" in ours and "<title>Phường Hà Tu (06652)</title>" in ours


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_exporter_is_reused_with_the_language_of_each_page(tmp_path, lang):
    nb = _executed_notebook()
    exporter = export_html(nb, tmp_path / "a.html", "a", lang="vi")
    assert export_html(nb, tmp_path / "b.html", "b", exporter, lang=lang) is exporter
    page = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in page
    assert ('alt="Hình không có mô tả"' if lang == "vi" else 'alt="Image without a description"') in page


def test_a_cell_printed_in_one_or_two_messages_is_written_the_same(tmp_path):
    """A kernel may send ``print``'s text and its newline as two stream messages (timing): the notebook
    written is the same either way (``record_result`` joins a cell's consecutive outputs of one stream)."""
    import nbformat

    from ctxh_plan.batch.kernels import NotebookJob, record_result

    def stream(name: str, text: str):
        return nbformat.v4.new_output("stream", name=name, text=text)

    def notebook(outputs):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("report()", outputs=outputs)])
        nb.cells[0].id = "report"
        return nb

    figure = nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"})
    split = notebook([stream("stdout", "Phụ lục [dữ liệu minh họa]"), stream("stdout", "\n"),
                      stream("stderr", "cảnh báo\n"), stream("stdout", "a"), figure, stream("stdout", "b\n")])
    whole = notebook([stream("stdout", "Phụ lục [dữ liệu minh họa]\n"), stream("stderr", "cảnh báo\n"),
                      stream("stdout", "a"), figure, stream("stdout", "b\n")])
    for name, nb in (("split", split), ("whole", whole)):
        record_result(NotebookJob(name, tmp_path / "t.ipynb", {}, tmp_path / f"{name}.ipynb"), nb, None, 0.1, 0)
    assert (tmp_path / "split.ipynb").read_bytes() == (tmp_path / "whole.ipynb").read_bytes()
    outputs = nbformat.read(str(tmp_path / "split.ipynb"), as_version=4).cells[0].outputs
    assert [(o.output_type, o.get("name"), o.get("text")) for o in outputs] == [
        ("stream", "stdout", "Phụ lục [dữ liệu minh họa]\n"), ("stream", "stderr", "cảnh báo\n"),
        ("stream", "stdout", "a"), ("display_data", None, None), ("stream", "stdout", "b\n")]
